// The trainer's side of a checkpoint: metadata (doc/checkpoint-format.md, "Metadata"), the
// optimiser tensors ("adam.exp_avg.<param>", "adam.exp_avg_sq.<param>", "carry.h", "carry.c") and
// trainer_state_json, and their exact restoration for --resume.
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <sstream>

#include "train/train_internal.h"

namespace abcrnn::train {
namespace {

using nlohmann::json;

constexpr int kTrainerStateVersion = 1;

// Adam keeps its state under the address of the parameter's TensorImpl, printed.
std::string AdamKey(const torch::Tensor& p) {
  std::ostringstream s;
  s << p.unsafeGetTensorImpl();
  return s.str();
}

std::string UtcNow() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// JSON has no NaN/inf: those become null.
json Number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

}  // namespace

json OptionsToJson(const TrainOptions& o) {
  return json{{"cell", o.cell},
              {"layers", o.layers},
              {"hidden", o.hidden},
              {"embed", o.embed},
              {"dropout", o.dropout},
              {"output_dropout", o.output_dropout},
              {"weight_drop", o.weight_drop},
              {"lr", o.lr},
              {"min_lr_fraction", o.min_lr_fraction},
              {"warmup_steps", o.warmup_steps},
              {"clip", o.clip},
              {"ema", o.ema},
              {"batch", o.batch},
              {"seq", o.seq},
              {"batching", BatchingName(o.batching)},
              {"epochs", o.epochs},
              {"steps", o.steps},
              {"seed", o.seed},
              {"valid_fraction", o.valid_fraction},
              {"valid_per_type", o.valid_per_type},
              {"oversample", o.oversample},
              {"eval_every", o.eval_every},
              {"patience", o.patience},
              {"threads", o.threads},
              {"lstm", o.reference_lstm ? "reference" : "fused"},
              {"augment_transpose", o.augment_transpose},
              {"form_clock", o.form_clock}};
}

Checkpoint MakeCheckpoint(const TrainOptions& options, const Corpus& corpus, CharLSTM& model,
                          torch::optim::Adam& optimizer, const LoopState& state, const std::string& kind,
                          const std::vector<torch::Tensor>* live) {
  Checkpoint ck;
  ck.model = model->config();
  ck.vocab = corpus.vocab;
  ck.weights = ExportWeights(model);
  for (const auto& p : model->named_parameters()) {
    auto it = optimizer.state().find(AdamKey(p.value()));
    if (it == optimizer.state().end()) continue;  // before the first step
    auto& s = static_cast<torch::optim::AdamParamState&>(*it->second);
    ck.optimizer.push_back(ToNamed("adam.exp_avg." + p.key(), s.exp_avg()));
    ck.optimizer.push_back(ToNamed("adam.exp_avg_sq." + p.key(), s.exp_avg_sq()));
  }
  if (live) {
    size_t i = 0;
    for (const auto& p : model->named_parameters()) ck.optimizer.push_back(ToNamed("live." + p.key(), (*live)[i++]));
  }
  if (std::get<0>(state.carry).defined()) {
    ck.optimizer.push_back(ToNamed("carry.h", std::get<0>(state.carry)));
    if (std::get<1>(state.carry).defined())  // an LSTM's; a GRU carries h alone
      ck.optimizer.push_back(ToNamed("carry.c", std::get<1>(state.carry)));
  }
  json meta{{"format", "abcrnn-train-metadata"},
            {"version", 1},
            {"kind", kind},
            {"abcrnn_version", ABCRNN_VERSION},
            {"written_utc", UtcNow()},
            {"training", OptionsToJson(options)},
            {"cleaning", json::parse(options.cleaning_json, nullptr, false)},
            {"data",
             {{"fingerprint", corpus.fingerprint},
              {"tunes_read", options.data_tunes_read},
              {"train_tunes", corpus.train.size()},
              {"augmented", corpus.augmented},
              {"valid_tunes", corpus.valid.size()},
              {"valid_dropped", corpus.valid_dropped},
              {"train_chars", corpus.train_chars},
              {"valid_chars", corpus.valid_chars},
              {"valid_text_chars", corpus.valid_text_chars},
              {"unigram_bits", corpus.unigram_bits}}},
            {"seed", options.seed},
            {"vocab", TokenizerName(corpus.vocab.tokenizer())},
            {"step", state.step},
            {"epoch", state.epoch},
            {"best_valid_loss", Number(state.best_valid_loss)},
            {"best_valid_bits", Number(ValidBitsPerChar(corpus, state.best_valid_loss))},
            {"best_step", state.best_step},
            {"train_seconds", state.train_seconds},
            {"history", state.history}};
  if (meta["cleaning"].is_discarded()) meta["cleaning"] = json::object();
  if (!options.controls_json.empty()) {
    json controls = json::parse(options.controls_json, nullptr, false);
    if (!controls.is_discarded()) meta["controls"] = controls;
  }
  ck.metadata_json = meta.dump();
  ck.note_runs = options.note_runs;
  int64_t adam_step = 0;
  for (const auto& kv : optimizer.state())
    adam_step = static_cast<torch::optim::AdamParamState&>(*kv.second).step();
  json ts{{"version", kTrainerStateVersion},
          {"step", state.step},
          {"epoch", state.epoch},
          {"window", state.window},
          {"total_steps", state.total_steps},
          {"best_valid_loss", Number(state.best_valid_loss)},
          {"best_step", state.best_step},
          {"evals_since_best", state.evals_since_best},
          {"train_seconds", state.train_seconds},
          {"train_chars", state.train_chars},
          {"ema_updates", state.ema_updates},
          {"adam_step", adam_step},
          {"rng", "torch CPU generator reseeded before every step with splitmix64(seed, step)"}};
  ck.trainer_state_json = ts.dump();
  return ck;
}

Status RestoreCheckpoint(const Checkpoint& ck, CharLSTM& model, torch::optim::Adam& optimizer, LoopState* state,
                         std::vector<torch::Tensor>* live) {
  if (Status s = ImportWeights(model, ck.weights); !s.ok()) return s;
  json ts = json::parse(ck.trainer_state_json, nullptr, false);
  json meta = json::parse(ck.metadata_json, nullptr, false);
  if (ts.is_discarded() || !ts.is_object())
    return Status::Corruption("resume: expected trainer state (JSON) in the checkpoint, got none; it was not "
                              "written by abcrnn-train, start a new run instead");
  if (ts.value("version", 0) != kTrainerStateVersion)
    return Status::Unsupported("resume: expected trainer state version " + std::to_string(kTrainerStateVersion) +
                               ", got " + ts.value("version", json(0)).dump());
  try {
    state->step = ts.at("step").get<int64_t>();
    state->epoch = ts.at("epoch").get<int64_t>();
    state->window = ts.at("window").get<int64_t>();
    state->total_steps = ts.at("total_steps").get<int64_t>();
    state->best_valid_loss = ts.at("best_valid_loss").is_null() ? std::numeric_limits<double>::infinity()
                                                                : ts.at("best_valid_loss").get<double>();
    state->best_step = ts.at("best_step").get<int64_t>();
    state->evals_since_best = ts.at("evals_since_best").get<int>();
    state->train_seconds = ts.at("train_seconds").get<double>();
    state->train_chars = ts.at("train_chars").get<int64_t>();
    state->ema_updates = ts.value("ema_updates", int64_t{0});  // absent before weight averaging
    if (meta.is_object() && meta.contains("history")) state->history = meta["history"];
    const int64_t adam_step = ts.at("adam_step").get<int64_t>();
    std::map<std::string, const NamedTensor*> by_name;
    for (const auto& t : ck.optimizer) by_name[t.name] = &t;
    for (const auto& p : model->named_parameters()) {
      auto m = by_name.find("adam.exp_avg." + p.key());
      auto v = by_name.find("adam.exp_avg_sq." + p.key());
      if (m == by_name.end() || v == by_name.end()) {
        if (adam_step == 0) continue;
        return Status::Corruption("resume: expected the Adam moments of " + p.key() + ", got none");
      }
      if (m->second->shape != p.value().sizes().vec() || v->second->shape != p.value().sizes().vec())
        return Status::Corruption("resume: the Adam moments of " + p.key() + " have the wrong shape");
      auto s = std::make_unique<torch::optim::AdamParamState>();
      s->step(adam_step);
      s->exp_avg(FromNamed(*m->second));
      s->exp_avg_sq(FromNamed(*v->second));
      optimizer.state()[AdamKey(p.value())] = std::move(s);
    }
    std::vector<torch::Tensor> found;
    for (const auto& p : model->named_parameters()) {
      auto w = by_name.find("live." + p.key());
      if (w == by_name.end()) break;
      if (w->second->shape != p.value().sizes().vec())
        return Status::Corruption("resume: the live weights of " + p.key() + " have the wrong shape");
      found.push_back(FromNamed(*w->second));
    }
    if (!found.empty() && found.size() != model->parameters().size())
      return Status::Corruption("resume: expected the live weights of every parameter, got " +
                                std::to_string(found.size()) + " of " + std::to_string(model->parameters().size()));
    if (live) *live = std::move(found);
    auto h = by_name.find("carry.h");
    auto c = by_name.find("carry.c");
    const bool wants_c = ck.model.architecture == "lstm";  // a GRU carries h alone
    if (h != by_name.end() && (c != by_name.end() || !wants_c))
      state->carry = {FromNamed(*h->second), wants_c ? FromNamed(*c->second) : torch::Tensor()};
  } catch (const json::exception& e) {
    return Status::Corruption(std::string("resume: trainer state: ") + e.what());
  }
  return Status::OK();
}

}  // namespace abcrnn::train

// The training loop: steps over EpochPlans with Adam, clipping and the learning-rate schedule;
// validation, early stopping, checkpoints, metrics and log in --out; the stop flag (signals).
// A step is gradients (forward and backward over this process's rows), their sum over processes
// (GradReducer), then the update; only rank 0 writes files.
// Legend: B = batch, T = time steps (--seq), V = vocabulary, W = processes, L = layers, H = hidden.
#include "abcrnn/train/trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "abcrnn/data/oversample.h"
#include "abcrnn/util/file.h"
#include "model/torch_boundary.h"
#include "train/grad_reducer.h"
#include "train/train_internal.h"

namespace abcrnn {
namespace {

// "93.0%": the share of an epoch's computed cells (EpochPlan::cells) that score a character.
std::string ScoredShare(const EpochPlan& plan) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(plan.counted()) /
                                              static_cast<double>(std::max<int64_t>(1, plan.cells())));
  return buf;
}

using nlohmann::json;
using train::LoopState;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// The measured default (bench/README.md, "Threads"): one LibTorch thread; OpenBLAS keeps its own.
constexpr int kDefaultThreads = 1;

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// Linear warm-up to `lr` (over --warmup steps, at most a fifth of the run, so a short run still
// reaches its peak), then a cosine down to lr * min_lr_fraction at total_steps.
double LearningRate(const TrainOptions& o, int64_t step, int64_t total_steps) {
  const int64_t warmup = std::min<int64_t>(o.warmup_steps, total_steps / 5);
  if (warmup > 0 && step < warmup) return o.lr * static_cast<double>(step + 1) / static_cast<double>(warmup);
  const double span = std::max<double>(1.0, static_cast<double>(total_steps - warmup));
  const double progress = std::min(1.0, static_cast<double>(step - warmup) / span);
  const double floor = o.lr * o.min_lr_fraction;
  return floor + (o.lr - floor) * 0.5 * (1.0 + std::cos(M_PI * progress));
}

// Appends to a text file kept whole in memory, rewritten atomically (log and metrics).
class AtomicText {
 public:
  explicit AtomicText(std::string path) : path_(std::move(path)) {
    auto old = ReadFile(path_);
    if (old.ok()) text_ = std::move(old).value();
  }
  void Append(const std::string& line) { text_ += line + "\n"; }
  void Clear() { text_.clear(); }
  // Drops everything from the first line "step N ..." with N > `step` on: what a run killed after
  // its last checkpoint logged, which the resumed run will log again.
  void TrimAfterStep(int64_t step) {
    size_t at = 0;
    while (at < text_.size()) {
      if (text_.compare(at, 5, "step ") == 0 && std::atoll(text_.c_str() + at + 5) > step) {
        text_.resize(at);
        return;
      }
      const size_t nl = text_.find('\n', at);
      if (nl == std::string::npos) return;
      at = nl + 1;
    }
  }
  Status Flush() const { return WriteFileAtomically(path_, text_); }

 private:
  std::string path_;
  std::string text_;
};

class Trainer {
 public:
  Trainer(const TrainOptions& o, const Corpus& corpus, const TrainHooks& hooks, train::GradReducer& reducer)
      : o_(o),
        corpus_(corpus),
        hooks_(hooks),
        reducer_(reducer),
        row_begin_(RowBegin(reducer.rank())),
        rows_(RowBegin(reducer.rank() + 1) - row_begin_),
        log_(o.out_dir + "/train.log"),
        metrics_(o.out_dir + "/metrics.jsonl") {}

  Result<TrainSummary> Run(const Checkpoint* resume);

 private:
  void Log(const std::string& line) {
    log_.Append(line);
    if (hooks_.log) hooks_.log(line);
  }
  // This process's first row of a global batch of o_.batch rows.
  int64_t RowBegin(int rank) const { return static_cast<int64_t>(rank) * o_.batch / reducer_.world_size(); }
  bool Rank0() const { return reducer_.rank() == 0; }
  Status Save(const std::string& kind);
  Result<bool> Validate(double train_loss);  // true: stop early
  Result<double> ComputeGradients(const Window& w);
  Status ReduceGradients(double* loss);
  Status ApplyGradients(double loss);
  Result<LstmState> FullCarry();
  void UpdateAverage();
  void SwapAverage();
  void MakeBuckets();
  void OnGradient(size_t param, const torch::Tensor& grad);

  // Buckets of parameters in the order backward produces their gradients (the reverse of
  // registration); each holds a flat copy of its gradients, started as a sum once complete.
  struct Bucket {
    std::vector<size_t> params;  // indices into model_->parameters()
    std::vector<int64_t> offsets;
    torch::Tensor flat;
    size_t filled = 0;
  };
  std::vector<Bucket> buckets_;
  std::vector<int> repeats_;  // --oversample: times each training tune is in an epoch (empty: once)
  // --ema: the weight average, model_->parameters()' order (empty: off). SwapAverage exchanges it
  // with the model's weights, so while swapped in it holds the live weights.
  std::vector<torch::Tensor> average_;
  std::vector<std::pair<size_t, size_t>> bucket_of_;  // per parameter: (bucket, slot)
  bool collecting_ = false;  // the hooks copy gradients only inside ComputeGradients

  const TrainOptions& o_;
  const Corpus& corpus_;
  const TrainHooks& hooks_;
  train::GradReducer& reducer_;
  const int64_t row_begin_, rows_;  // this process's rows of every global batch
  bool stop_agreed_ = false;        // some process was asked to stop (summed with the gradients)
  AtomicText log_, metrics_;
  CharLSTM model_{nullptr};
  std::unique_ptr<torch::optim::Adam> adam_;
  LoopState st_;
  double loss_sum_ = 0;  // training loss since the last validation
  int64_t loss_steps_ = 0;
};

// The carried state of all B rows, (L,B,H) each: every process contributes its rows (collective).
Result<LstmState> Trainer::FullCarry() {
  if (!std::get<0>(st_.carry).defined()) return st_.carry;
  // One process may carry fewer rows than B (Window::rows: the rest were padding); W processes
  // carry their own rows each.
  const int64_t begin = reducer_.world_size() == 1 ? 0 : row_begin_;
  auto widen = [&](const torch::Tensor& part) {
    if (!part.defined() || part.size(1) == o_.batch) return part;
    auto full = torch::zeros({part.size(0), o_.batch, part.size(2)}, part.options());
    full.narrow(1, begin, part.size(1)).copy_(part);
    return full;
  };
  LstmState full{widen(std::get<0>(st_.carry)), widen(std::get<1>(st_.carry))};
  if (reducer_.world_size() == 1) return full;
  std::vector<torch::Tensor> parts{std::get<0>(full)};
  if (std::get<1>(full).defined()) parts.push_back(std::get<1>(full));
  if (Status s = reducer_.SumInPlace(parts); !s.ok()) return s;
  return full;
}

// Collective: every process calls it (FullCarry); rank 0 writes.
Status Trainer::Save(const std::string& kind) {
  auto carry = FullCarry();
  if (!carry.ok()) return carry.status();
  if (!Rank0()) return Status::OK();
  LoopState whole = st_;
  whole.carry = *carry;
  if (!average_.empty()) SwapAverage();  // the checkpoint's weights are the average
  Checkpoint ck = train::MakeCheckpoint(o_, corpus_, model_, *adam_, whole, kind, average_.empty() ? nullptr : &average_);
  if (!average_.empty()) SwapAverage();
  if (Status s = WriteCheckpoint(o_.out_dir + "/" + kind + ".ckpt", ck); !s.ok()) return s;
  if (Status s = log_.Flush(); !s.ok()) return s;
  return metrics_.Flush();
}

// Forward and backward over this process's rows [row_begin_, row_begin_ + rows_) of window `w`:
// the gradients of (sum of those rows' token losses) / (the whole window's counted tokens), so the
// W processes' gradients and losses sum to what one process computes for the whole window.
// Returns this process's share of the loss (nats per char).
Result<double> Trainer::ComputeGradients(const Window& w) {
  // Dropout masks are a function of (seed, step, layer, global row) (model/row_dropout.h): a
  // resumed run draws the same masks, and W processes draw what one process draws for the whole
  // window. The global generator is reseeded too, for anything else that might draw from it.
  const uint64_t step_seed = train::MixSeed(o_.seed, static_cast<uint64_t>(st_.step));
  torch::manual_seed(step_seed);
  const RowDropout dropout{step_seed, row_begin_};
  if (w.reset_state) st_.carry = {};
  // One process computes the window's rows that hold data (Window::rows: the rest are padding,
  // whose loss and gradients are zero); W processes each take their fixed share of all B rows.
  const int64_t rows = reducer_.world_size() == 1 ? w.rows : rows_;
  if (reducer_.world_size() == 1) st_.carry = train::FirstRows(st_.carry, rows);
  auto ids = torch::tensor(w.inputs, torch::kLong).view({w.batch, w.seq}).narrow(0, row_begin_, rows);  // (B/W,T)
  auto targets = torch::tensor(w.targets, torch::kLong).view({w.batch, w.seq}).narrow(0, row_begin_, rows);
  torch::Tensor clock = train::ClockTensor(w);
  if (clock.defined()) clock = clock.narrow(0, row_begin_, rows);
  auto [logits, next] = model_->forward(ids, st_.carry, clock, &dropout);  // (B/W,T,V)
  auto l = torch::nn::functional::cross_entropy(
               logits.reshape({-1, logits.size(2)}), targets.reshape({-1}),
               torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreTarget).reduction(torch::kSum)) /
           static_cast<double>(w.counted);
  adam_->zero_grad();
  for (Bucket& b : buckets_) b.filled = 0;
  collecting_ = !buckets_.empty();
  l.backward();
  collecting_ = false;
  const torch::Tensor& c = std::get<1>(next);  // undefined for a GRU
  st_.carry = {std::get<0>(next).detach(), c.defined() ? c.detach() : c};
  return l.item<double>();
}

// The average moves towards the weights just updated (TrainOptions::ema): its decay grows with
// the updates, so the first steps' weights do not linger in it.
void Trainer::UpdateAverage() {
  if (average_.empty()) return;
  torch::NoGradGuard no_grad;
  const double n = static_cast<double>(st_.ema_updates);
  const double decay = std::min(o_.ema, (1.0 + n) / (10.0 + n));
  const std::vector<torch::Tensor> params = model_->parameters();
  for (size_t i = 0; i < params.size(); ++i) average_[i].mul_(decay).add_(params[i].detach(), 1.0 - decay);
  ++st_.ema_updates;
}

void Trainer::SwapAverage() {
  torch::NoGradGuard no_grad;
  const std::vector<torch::Tensor> params = model_->parameters();
  for (size_t i = 0; i < params.size(); ++i) {
    torch::Tensor weights = params[i].detach().clone();
    params[i].detach().copy_(average_[i]);
    average_[i].copy_(weights);
  }
}

void Trainer::MakeBuckets() {
  const std::vector<torch::Tensor> params = model_->parameters();
  const int64_t cap = std::max<int64_t>(1, static_cast<int64_t>(o_.bucket_mb * 1024 * 1024 / sizeof(float)));
  bucket_of_.assign(params.size(), {0, 0});
  for (size_t k = params.size(); k-- > 0;) {  // backward reaches the head first, the embedding last
    if (buckets_.empty() || (buckets_.back().offsets.empty() ? 0 : buckets_.back().flat.numel()) >= cap)
      buckets_.push_back(Bucket{{}, {}, torch::zeros({0}), 0});
    Bucket& b = buckets_.back();
    bucket_of_[k] = {buckets_.size() - 1, b.params.size()};
    b.params.push_back(k);
    b.offsets.push_back(b.flat.numel());
    b.flat = torch::zeros({b.flat.numel() + params[k].numel()});
  }
  for (size_t k = 0; k < params.size(); ++k) {
    torch::Tensor p = params[k];
    p.register_hook([this, k](const torch::Tensor& grad) { OnGradient(k, grad); });
  }
}

// A parameter's gradient from backward (before it is added to .grad, which zero_grad left zero):
// copied into its bucket, and the bucket's sum started once every gradient of it is in.
void Trainer::OnGradient(size_t param, const torch::Tensor& grad) {
  if (!collecting_) return;
  auto [index, slot] = bucket_of_[param];
  Bucket& b = buckets_[index];
  b.flat.narrow(0, b.offsets[slot], grad.numel()).copy_(grad.reshape({-1}));
  if (++b.filled == b.params.size()) reducer_.StartSum(b.flat);
}

// Sums the gradients, this step's loss shares and the stop requests over the processes.
Status Trainer::ReduceGradients(double* loss) {
  auto scalars = torch::tensor({*loss, hooks_.stop && hooks_.stop->load() ? 1.0 : 0.0}, torch::kDouble);
  std::vector<torch::Tensor> sums;
  if (!buckets_.empty()) {
    // Every bucket was started by backward (every parameter gets a gradient at every step); a
    // bucket that was not is an error in the model's graph, not something to hide.
    for (const Bucket& b : buckets_)
      if (b.filled != b.params.size())
        return Status::Internal("data parallel: a gradient bucket was not filled by backward (" +
                                std::to_string(b.filled) + " of " + std::to_string(b.params.size()) + ")");
    if (Status s = reducer_.FinishSums(); !s.ok()) return s;
    const std::vector<torch::Tensor> params = model_->parameters();
    for (const Bucket& b : buckets_)
      for (size_t i = 0; i < b.params.size(); ++i) {
        torch::Tensor g = params[b.params[i]].mutable_grad();
        g.copy_(b.flat.narrow(0, b.offsets[i], g.numel()).view(g.sizes()));
      }
  } else {
    for (auto& p : model_->parameters())
      if (p.grad().defined()) sums.push_back(p.grad());
  }
  sums.push_back(scalars);
  if (Status s = reducer_.SumInPlace(sums); !s.ok()) return s;
  *loss = scalars[0].item<double>();
  stop_agreed_ = scalars[1].item<double>() > 0;
  return Status::OK();
}

// Clipping, the learning rate and Adam's step, from the summed gradients of the whole window.
Status Trainer::ApplyGradients(double loss) {
  const double ceiling = 2.0 * std::log(static_cast<double>(corpus_.vocab.size())) + 1.0;
  if (!std::isfinite(loss) || (st_.step >= o_.warmup_steps && loss > ceiling)) {
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "training diverged at step %lld: expected a loss below %.2f nats/char (twice a uniform "
                  "guess), got %g; nothing was saved for this step: lower --lr (now %g) or --clip (now %g) "
                  "and resume from %s/last.ckpt",
                  static_cast<long long>(st_.step + 1), ceiling, loss, o_.lr, o_.clip, o_.out_dir.c_str());
    return Status::Internal(buf);
  }
  if (o_.clip > 0) torch::nn::utils::clip_grad_norm_(model_->parameters(), o_.clip);
  const double lr = LearningRate(o_, st_.step, st_.total_steps);
  for (auto& g : adam_->param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
  adam_->step();
  return Status::OK();
}

Result<bool> Trainer::Validate(double train_loss) {
  EvalInfo e;
  e.step = st_.step;
  e.epoch = st_.epoch;
  e.train_loss = train_loss;
  if (!average_.empty()) SwapAverage();  // validation and the sample judge the average
  e.valid_loss = train::EvaluateLoss(model_, corpus_.valid, o_.batch, o_.seq,
                                     corpus_.valid_clock.empty() ? nullptr : &corpus_.valid_clock);
  e.valid_bits = ValidBitsPerChar(corpus_, e.valid_loss);  // per character of the text, for every vocabulary
  const bool tokens = corpus_.vocab.tokenizer() == Tokenizer::kToken;
  const bool have_valid = std::isfinite(e.valid_loss);
  e.best = have_valid && e.valid_loss < st_.best_valid_loss;
  if (e.best) {
    st_.best_valid_loss = e.valid_loss;
    st_.best_step = st_.step;
    st_.evals_since_best = 0;
  } else if (have_valid) {
    ++st_.evals_since_best;
  }
  if (o_.sample_chars > 0)
    e.sample = train::SampleTune(model_, corpus_.vocab, o_.sample_chars, train::MixSeed(o_.seed ^ 0xabcull, st_.step));
  if (!average_.empty()) SwapAverage();
  const double cps = st_.train_seconds > 0 ? static_cast<double>(st_.train_chars) / st_.train_seconds : 0;
  json line{{"step", st_.step},
            {"epoch", st_.epoch},
            {"train_loss", std::isfinite(train_loss) ? json(train_loss) : json(nullptr)},
            {"valid_loss", have_valid ? json(e.valid_loss) : json(nullptr)},
            {"valid_bits", have_valid ? json(e.valid_bits) : json(nullptr)},
            {"lr", LearningRate(o_, std::max<int64_t>(0, st_.step - 1), st_.total_steps)},
            {"train_seconds", st_.train_seconds},
            {"train_chars", st_.train_chars},
            {"chars_per_s", cps},
            {"best", e.best}};
  if (tokens) line["valid_bits_per_token"] = have_valid ? json(e.valid_loss / std::log(2.0)) : json(nullptr);
  st_.history.push_back(line);
  metrics_.Append(line.dump());
  char buf[256];
  if (tokens)
    std::snprintf(buf, sizeof buf, "step %lld epoch %lld: train %.4f nats/token, valid %.4f nats/token = %.4f "
                  "bits/token = %.4f bits/char%s", static_cast<long long>(st_.step),
                  static_cast<long long>(st_.epoch + 1), train_loss, e.valid_loss, e.valid_loss / std::log(2.0),
                  e.valid_bits, e.best ? " (best)" : "");
  else
    std::snprintf(buf, sizeof buf, "step %lld epoch %lld: train %.4f nats/char, valid %.4f nats/char = %.4f bits/char%s",
                  static_cast<long long>(st_.step), static_cast<long long>(st_.epoch + 1), train_loss, e.valid_loss,
                  e.valid_bits, e.best ? " (best)" : "");
  Log(buf);
  if (!e.sample.empty()) Log("sample:\n" + e.sample);
  if (hooks_.on_eval) hooks_.on_eval(e);
  if (e.best)
    if (Status s = Save("best"); !s.ok()) return s;
  if (Status s = Save("last"); !s.ok()) return s;
  return o_.patience > 0 && st_.evals_since_best >= o_.patience;
}

Result<TrainSummary> Trainer::Run(const Checkpoint* resume) {
  ModelConfig mc;
  mc.vocab_size = corpus_.vocab.size();
  mc.embed = o_.embed;
  mc.hidden = o_.hidden;
  mc.layers = o_.layers;
  mc.dropout = o_.dropout;
  mc.output_dropout = o_.output_dropout;
  mc.weight_drop = o_.weight_drop;
  mc.form_clock = o_.form_clock;
  mc.architecture = o_.cell;
  if (o_.form_clock && (corpus_.train_clock.size() != corpus_.train.size() ||
                        corpus_.valid_clock.size() != corpus_.valid.size()))
    return Status::InvalidArgument("form clock: expected the corpus's clocks (AddFormClocks), got none");
  torch::manual_seed(o_.seed);
  model_ = CharLSTM(mc, o_.reference_lstm ? LstmKernel::kReference : LstmKernel::kFused);
  model_->train();
  adam_ = std::make_unique<torch::optim::Adam>(model_->parameters(), torch::optim::AdamOptions(o_.lr));
  if (reducer_.world_size() > 1 && o_.bucket_mb > 0) MakeBuckets();
  if (!o_.oversample.empty()) {
    if (corpus_.train_type.size() != corpus_.train.size())
      return Status::InvalidArgument("--oversample: expected the corpus's tune types (BuildCorpus), got none");
    for (const auto& [type, times] : o_.oversample)
      if (std::count(corpus_.train_type.begin(), corpus_.train_type.end(), type) == 0)
        return Status::InvalidArgument("--oversample " + type + "=" + std::to_string(times) + ": expected training "
                                       "tunes of type " + type + " (their R: control), got none");
    repeats_ = TuneRepeats(corpus_.train_type, o_.oversample);
  }
  const std::vector<int>* repeats = repeats_.empty() ? nullptr : &repeats_;
  EpochPlan first(corpus_.train, o_.batching, o_.batch, o_.seq, o_.seed, 0, true, nullptr, repeats);  // its size
  if (first.size() == 0)
    return Status::InvalidArgument("expected at least " + std::to_string(o_.batch + 1) +
                                   " training characters for --batch " + std::to_string(o_.batch) + ", got " +
                                   std::to_string(corpus_.train_chars) + "; give more tunes or a smaller --batch");
  st_.total_steps = o_.steps > 0 ? o_.steps : o_.epochs * first.size();
  if (resume) {
    std::vector<torch::Tensor> live;
    if (Status s = train::RestoreCheckpoint(*resume, model_, *adam_, &st_, &live); !s.ok()) return s;
    if (!live.empty()) {  // an averaged run: the model holds the average, training goes on from `live`
      average_ = live;
      SwapAverage();
      if (o_.ema == 0) average_.clear();  // averaging turned off: go on without it
    }
    for (torch::Tensor* t : {&std::get<0>(st_.carry), &std::get<1>(st_.carry)})  // (L,B,H): this rank's rows
      if (t->defined()) *t = t->narrow(1, row_begin_, rows_).contiguous();
    st_.total_steps = o_.steps > 0 ? o_.steps : o_.epochs * first.size();
    // The metrics are the checkpoint's own history, and the log stops where the checkpoint did: a
    // run killed between saving best.ckpt and last.ckpt (or after its last save) logged steps the
    // resumed run makes again, and would write them twice.
    metrics_.Clear();
    for (const auto& line : st_.history) metrics_.Append(line.dump());
    log_.TrimAfterStep(st_.step);
    Log("resumed at step " + std::to_string(st_.step) + ", epoch " + std::to_string(st_.epoch + 1) + ", window " +
        std::to_string(st_.window));
  } else {
    // A new run's log and metrics start empty (the CLI refuses an --out holding a run unless told
    // to start over), so two runs never mix in one metrics.jsonl.
    log_.Clear();
    metrics_.Clear();
    std::string cell = o_.cell;
    std::transform(cell.begin(), cell.end(), cell.begin(), [](unsigned char ch) { return std::toupper(ch); });
    Log("training " + std::to_string(o_.layers) + " x " + std::to_string(o_.hidden) + " " + cell + " (embed " +
        std::to_string(o_.embed) + ", vocabulary " + std::to_string(mc.vocab_size) + ") on " +
        std::to_string(corpus_.train.size()) + " tunes (" + std::to_string(corpus_.train_chars) + " chars), " +
        std::to_string(corpus_.valid.size()) + " for validation; " + std::to_string(first.size()) +
        " steps per epoch (" + BatchingName(o_.batching) + ": " + ScoredShare(first) +
        " of the cells computed are scored), " + std::to_string(st_.total_steps) + " planned");
    for (const auto& [type, times] : o_.oversample) {
      const auto tunes = std::count(corpus_.train_type.begin(), corpus_.train_type.end(), type);
      Log("oversample: each of the " + std::to_string(tunes) + " training tunes of type " + type + " is in every "
          "epoch " + std::to_string(times) + " times");
    }
  }
  if (o_.ema > 0 && average_.empty()) {  // a new run, or one that turns averaging on: start at the weights
    for (const torch::Tensor& p : model_->parameters()) average_.push_back(p.detach().clone());
    st_.ema_updates = 0;
  }
  if (o_.ema > 0) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "weight average: decay %g per step (%lld updates so far); validation and the "
                  "checkpoints' weights are the average", o_.ema, static_cast<long long>(st_.ema_updates));
    Log(buf);
  }
  TrainSummary sum;
  const int64_t first_step = st_.step;
  std::unique_ptr<EpochPlan> plan;
  int64_t plan_epoch = -1;
  auto window_start = Clock::now();  // progress speed over recent steps
  int64_t window_chars = 0;
  double recent_cps = 0;
  int64_t last_eval_step = resume ? st_.step : -1;
  double last_loss = std::nan("");
  bool stop_early = false;
  while (true) {
    const bool done = o_.steps > 0 ? st_.step >= o_.steps : st_.epoch >= o_.epochs;
    if (done || stop_early) break;
    if (reducer_.world_size() == 1 ? hooks_.stop && hooks_.stop->load() : stop_agreed_) {
      sum.interrupted = true;
      Log("interrupted at step " + std::to_string(st_.step) + ": saving " + o_.out_dir + "/last.ckpt");
      break;
    }
    if (plan_epoch != st_.epoch) {
      plan = std::make_unique<EpochPlan>(corpus_.train, o_.batching, o_.batch, o_.seq, o_.seed, st_.epoch, true,
                                         corpus_.train_clock.empty() ? nullptr : &corpus_.train_clock, repeats);
      plan_epoch = st_.epoch;
    }
    const auto t0 = Clock::now();
    Window w = plan->At(st_.window);
    auto share = ComputeGradients(w);
    if (!share.ok()) return share.status();
    double loss = *share;
    if (Status s = ReduceGradients(&loss); !s.ok()) return s;
    if (Status s = ApplyGradients(loss); !s.ok()) return s;
    UpdateAverage();
    const double dt = Seconds(t0, Clock::now());
    ++st_.step;
    ++st_.window;
    st_.train_seconds += dt;
    st_.train_chars += w.counted;
    loss_sum_ += loss;
    ++loss_steps_;
    last_loss = loss;
    window_chars += w.counted;
    const double wdt = Seconds(window_start, Clock::now());
    if (wdt > 2.0) {
      recent_cps = static_cast<double>(window_chars) / wdt;
      window_start = Clock::now();
      window_chars = 0;
    }
    const bool epoch_end = st_.window >= plan->size();
    if (hooks_.on_step) {
      StepInfo si;
      si.step = st_.step;
      si.total_steps = st_.total_steps;
      si.epoch = st_.epoch;
      si.epoch_fraction = static_cast<double>(st_.window) / static_cast<double>(plan->size());
      si.loss = loss;
      si.lr = LearningRate(o_, st_.step - 1, st_.total_steps);
      const double cps = recent_cps > 0 ? recent_cps : static_cast<double>(st_.train_chars) / st_.train_seconds;
      si.chars_per_s = cps;
      const double per_step = st_.train_seconds / static_cast<double>(std::max<int64_t>(1, st_.step));
      si.eta_s = per_step * static_cast<double>(std::max<int64_t>(0, st_.total_steps - st_.step));
      hooks_.on_step(si);
    }
    if (epoch_end) {
      ++st_.epoch;
      st_.window = 0;
      st_.carry = {};
    }
    if (epoch_end || (o_.eval_every > 0 && st_.step % o_.eval_every == 0)) {
      auto r = Validate(loss_sum_ / static_cast<double>(loss_steps_));
      if (!r.ok()) return r.status();
      stop_early = *r;
      last_eval_step = st_.step;
      loss_sum_ = 0;
      loss_steps_ = 0;
      if (stop_early) {
        sum.early_stopped = true;
        Log("early stop: no better validation loss in " + std::to_string(o_.patience) + " validations (best " +
            std::to_string(st_.best_valid_loss) + " nats/char at step " + std::to_string(st_.best_step) + ")");
      }
    }
  }
  if (last_eval_step != st_.step && !sum.interrupted && loss_steps_ > 0) {
    auto r = Validate(loss_sum_ / static_cast<double>(loss_steps_));
    if (!r.ok()) return r.status();
  } else if (Status s = Save("last"); !s.ok()) {
    return s;
  }
  sum.steps = st_.step;
  sum.epochs_done = st_.epoch;
  sum.best_valid_loss = st_.best_valid_loss;
  sum.last_train_loss = last_loss;
  sum.chars_per_s = st_.train_seconds > 0 ? static_cast<double>(st_.train_chars) / st_.train_seconds : 0;
  sum.last_checkpoint = o_.out_dir + "/last.ckpt";
  if (st_.best_step >= 0) sum.best_checkpoint = o_.out_dir + "/best.ckpt";
  char buf[200];
  if (st_.best_step >= 0)
    std::snprintf(buf, sizeof buf, "done: %lld steps, %.0f chars/s; best validation %.4f bits/char at step %lld",
                  static_cast<long long>(sum.steps), sum.chars_per_s, ValidBitsPerChar(corpus_, st_.best_valid_loss),
                  static_cast<long long>(st_.best_step));
  else if (corpus_.valid.empty())  // a tiny --data, --valid-fraction 0: nothing to call best
    std::snprintf(buf, sizeof buf, "done: %lld steps, %.0f chars/s; no validation tunes, so no best.ckpt (use last.ckpt)",
                  static_cast<long long>(sum.steps), sum.chars_per_s);
  else  // stopped (Ctrl-C, --steps) before the first validation
    std::snprintf(buf, sizeof buf,
                  "done: %lld steps, %.0f chars/s; stopped before the first validation, so no best.ckpt yet "
                  "(use last.ckpt)",
                  static_cast<long long>(sum.steps), sum.chars_per_s);
  Log(buf);
  if (reducer_.world_size() > 1 && st_.step > first_step)  // waiting for the slower rank included
    Log("data parallel: " + std::to_string(reducer_.world_size()) + " processes, gradients summed in " +
        (buckets_.empty() ? std::string("one all-reduce after backward")
                          : std::to_string(buckets_.size()) + " buckets started during backward") +
        "; waiting for the sums took " +
        std::to_string(1000.0 * reducer_.seconds() / static_cast<double>(st_.step - first_step)) +
        " ms per step on average");
  if (Rank0())
    if (Status s = log_.Flush(); !s.ok()) return s;
  return sum;
}

}  // namespace

int SetTrainThreads(int threads) {
  torch::set_num_threads(threads > 0 ? threads : kDefaultThreads);
  return torch::get_num_threads();
}

Status CheckTrainOptions(const TrainOptions& o) {
  auto bad = [](const std::string& opt, const std::string& expected, const std::string& got) {
    return Status::InvalidArgument(opt + ": expected " + expected + ", got " + got);
  };
  if (o.cell != "lstm" && o.cell != "gru") return bad("--cell", "lstm or gru", "'" + o.cell + "'");
  if (o.reference_lstm && o.cell != "lstm") return bad("--reference-lstm", "--cell lstm", "--cell " + o.cell);
  if (o.layers < 1 || o.layers > 16) return bad("--layers", "1 to 16", std::to_string(o.layers));
  if (o.hidden < 1 || o.hidden > 8192) return bad("--hidden", "1 to 8192", std::to_string(o.hidden));
  if (o.embed < 1 || o.embed > 8192) return bad("--embed", "1 to 8192", std::to_string(o.embed));
  if (!(o.dropout >= 0 && o.dropout < 1)) return bad("--dropout", "a number in [0, 1)", std::to_string(o.dropout));
  if (!(o.output_dropout >= 0 && o.output_dropout < 1))
    return bad("--output-dropout", "a number in [0, 1)", std::to_string(o.output_dropout));
  if (!(o.weight_drop >= 0 && o.weight_drop < 1))
    return bad("--weight-drop", "a number in [0, 1)", std::to_string(o.weight_drop));
  if (!(o.lr > 0 && o.lr < 10)) return bad("--lr", "a number in (0, 10)", std::to_string(o.lr));
  if (!(o.clip >= 0)) return bad("--clip", "a number >= 0", std::to_string(o.clip));
  if (!(o.ema >= 0 && o.ema < 1)) return bad("--ema", "a decay in [0, 1) (0: off), e.g. 0.999", std::to_string(o.ema));
  if (o.batch < 1 || o.batch > 65536) return bad("--batch", "1 to 65536", std::to_string(o.batch));
  if (o.seq < 1 || o.seq > 65536) return bad("--seq", "1 to 65536", std::to_string(o.seq));
  if (o.steps < 0) return bad("--steps", "a count >= 0", std::to_string(o.steps));
  if (o.steps == 0 && o.epochs < 1) return bad("--epochs", "at least 1 (or --steps)", std::to_string(o.epochs));
  if (!(o.valid_fraction >= 0 && o.valid_fraction < 1))
    return bad("--valid-fraction", "a number in [0, 1)", std::to_string(o.valid_fraction));
  if (o.eval_every < 0) return bad("--eval-every", "a count >= 0", std::to_string(o.eval_every));
  if (o.patience < 0) return bad("--patience", "a count >= 0", std::to_string(o.patience));
  if (o.threads < 0 || o.threads > 256) return bad("--threads", "0 to 256", std::to_string(o.threads));
  if (o.world_size < 1 || o.world_size > 1024) return bad("--world-size", "1 to 1024", std::to_string(o.world_size));
  if (o.rank < 0 || o.rank >= o.world_size)
    return bad("--rank", "0 to " + std::to_string(o.world_size - 1) + " (below --world-size " +
                             std::to_string(o.world_size) + ")", std::to_string(o.rank));
  if (o.world_size > o.batch)
    return bad("--world-size", "at most --batch (" + std::to_string(o.batch) + ") processes, each taking rows",
               std::to_string(o.world_size));
  if (o.world_size > 1 && o.master.empty()) return bad("--master", "host:port for --world-size > 1", "nothing");
  if (!(o.dist_timeout_s > 0)) return bad("--dist-timeout", "seconds > 0", std::to_string(o.dist_timeout_s));
  if (o.out_dir.empty()) return bad("--out", "a folder", "nothing");
  if (o.out_dir == "-")
    return bad("--out", "a folder (checkpoints, metrics and the log go there)", "'-' (standard output)");
  if (o.rank > 0) return Status::OK();  // only rank 0 writes --out (it may not even exist on this machine)
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec || !fs::is_directory(o.out_dir))
    return Status::IOError("--out " + o.out_dir + ": expected a folder that can be created, got " +
                           (ec ? ec.message() : std::string("a file")));
  if (Status s = WriteFileAtomically(o.out_dir + "/.write-test", "abcrnn"); !s.ok())
    return Status::IOError("--out " + o.out_dir + ": expected a writable folder, got: " + s.message());
  fs::remove(o.out_dir + "/.write-test", ec);
  return Status::OK();
}

Result<TrainSummary> Train(const TrainOptions& options, const Corpus& corpus, const TrainHooks& hooks,
                           const Checkpoint* resume) {
  if (Status s = CheckTrainOptions(options); !s.ok()) return s;
  if (resume) {
    json meta = json::parse(resume->metadata_json, nullptr, false);
    std::string fp = meta.is_object() && meta.contains("data") ? meta["data"].value("fingerprint", "") : "";
    if (fp != corpus.fingerprint)
      return Status::InvalidArgument("resume: expected the checkpoint's data (fingerprint " + fp + "), got data " +
                                     corpus.fingerprint + "; give the same --data and cleaning options");
    if (!(resume->vocab == corpus.vocab))
      return Status::InvalidArgument("resume: expected the checkpoint's vocabulary, got another; build the "
                                     "corpus with the checkpoint's vocabulary");
  }
  SetTrainThreads(options.threads);
  Result<TrainSummary> out = Status::Internal("training did not run");
  std::unique_ptr<train::GradReducer> reducer = std::make_unique<train::LocalReducer>();
  if (options.world_size > 1) {
    auto gloo = train::MakeGlooReducer(options);
    if (!gloo.ok()) return gloo.status();
    reducer = std::move(gloo).value();
  }
  Status s = CatchTorch("training", [&] {
    Trainer t(options, corpus, hooks, *reducer);
    out = t.Run(resume);
    return Status::OK();
  });
  if (!s.ok()) return s;
  return out;
}

Result<TrainOptions> OptionsFromCheckpoint(const Checkpoint& ckpt, const TrainOptions& overrides,
                                           const PlanGiven& given) {
  json meta = json::parse(ckpt.metadata_json, nullptr, false);
  if (!meta.is_object() || !meta.contains("training") || !meta["training"].is_object())
    return Status::Corruption("resume: expected training options in the checkpoint's metadata, got none; it "
                              "was not written by abcrnn-train");
  const json& t = meta["training"];
  TrainOptions o = overrides;
  try {
    o.layers = t.at("layers").get<int>();
    o.hidden = t.at("hidden").get<int>();
    o.embed = t.at("embed").get<int>();
    o.dropout = t.at("dropout").get<float>();
    o.output_dropout = t.value("output_dropout", 0.0f);  // absent before the option
    o.weight_drop = t.value("weight_drop", 0.0f);        // likewise
    o.form_clock = ckpt.model.form_clock;
    o.cell = ckpt.model.architecture;
    o.lr = t.at("lr").get<double>();
    o.min_lr_fraction = t.at("min_lr_fraction").get<double>();
    o.warmup_steps = t.at("warmup_steps").get<int64_t>();
    o.clip = t.at("clip").get<double>();
    if (!given.ema) o.ema = t.value("ema", 0.0);  // absent before weight averaging
    o.batch = t.at("batch").get<int>();
    o.seq = t.at("seq").get<int>();
    auto b = ParseBatching(t.at("batching").get<std::string>());
    if (!b.ok()) return b.status();
    o.batching = *b;
    o.seed = t.at("seed").get<uint64_t>();
    o.valid_fraction = t.at("valid_fraction").get<double>();
    o.valid_per_type = t.value("valid_per_type", 0);
    o.oversample = t.value("oversample", std::map<std::string, int>{});  // absent before the option
    if (meta.contains("controls")) o.controls_json = meta["controls"].dump();
    o.augment_transpose = t.value("augment_transpose", std::vector<int>{});
    if (meta.contains("cleaning")) o.cleaning_json = meta["cleaning"].dump();
    // The run's plan goes on as it was unless the command line changes it.
    if (!given.length) {
      o.steps = t.value("steps", o.steps);
      o.epochs = t.value("epochs", o.epochs);
    }
    if (!given.eval_every) o.eval_every = t.value("eval_every", o.eval_every);
    if (!given.patience) o.patience = t.value("patience", o.patience);
  } catch (const json::exception& e) {
    return Status::Corruption(std::string("resume: training options in the metadata: ") + e.what());
  }
  return o;
}

}  // namespace abcrnn

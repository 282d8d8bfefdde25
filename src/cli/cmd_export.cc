// `abcrnn export CHECKPOINT -o OUT.ckpt`: the checkpoint for generation only: same weights,
// vocabulary and metadata, without the optimiser state and trainer position that --resume needs
// (about a third of the size). Used to ship models/default.ckpt. `--note-runs-from DATA` gives a
// checkpoint written before abcrnn recorded them its training data's note runs (the copy guard);
// `--controls-from DATA` counts its control table again (forms with their repeats);
// `--temperature`, `--top-k`, `--top-p` record the sampling the model draws with when a request
// names none (metadata "generation", infer/sampling_defaults.h). `--ensemble-with OTHER.ckpt...`
// joins other runs' networks to the checkpoint's: one file that draws from the mean of their
// distributions (infer/engine.h, NewModelEngine).
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "abcrnn/abc/clean.h"
#include "abcrnn/abc/control_table.h"
#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/data/split.h"
#include "abcrnn/data/training_controls.h"
#include "abcrnn/infer/match_model.h"
#include "abcrnn/infer/engine.h"
#include "abcrnn/infer/sampling_defaults.h"
#include "abcrnn/eval/note_runs.h"
#include "cli/commands.h"

namespace abcrnn::cli {
namespace {

struct ExportArgs {
  std::string input;
  std::string output;
  std::vector<std::string> note_runs_from;
  std::vector<std::string> controls_from;
  std::vector<std::string> match_from;
  std::vector<std::string> ensemble_with;
  std::vector<double> ensemble_weights;  // each network's share, any scale (normalised); empty: as they are
  // The recommended sampling; a field not given keeps the checkpoint's (or the default).
  std::optional<double> temperature;
  std::optional<int> top_k;
  std::optional<double> top_p;
};

// The checkpoint's metadata with its "generation" record set from `args` over what it had.
Result<std::string> RecordSampling(const Checkpoint& ckpt, const ExportArgs& args) {
  auto s = SamplingDefaultsOfMetadata(ckpt.metadata_json);
  if (!s.ok()) return s.status();
  if (args.temperature) s->temperature = *args.temperature;
  if (args.top_k) s->top_k = *args.top_k;
  if (args.top_p) s->top_p = *args.top_p;
  if (Status st = CheckSampling(*s); !st.ok()) return st;
  return WithSamplingDefaults(ckpt.metadata_json, *s);
}

// `paths` cleaned as the checkpoint's training data was; `option` names the flag in errors.
Result<CleanResult> CleanAsTrained(const Checkpoint& ckpt, const std::vector<std::string>& paths,
                                   const std::string& option) {
  auto cleaned = CleanFiles(paths, CleanOptionsOfMetadata(ckpt.metadata_json));
  if (!cleaned.ok()) return cleaned.status();
  if (cleaned->tunes.empty())
    return Status::InvalidArgument(option + ": expected tunes left after cleaning, got none");
  return cleaned;
}

// The note runs of `paths` cleaned as the checkpoint's training data was.
Result<NoteRunHashes> NoteRunsOf(const Checkpoint& ckpt, const std::vector<std::string>& paths) {
  auto cleaned = CleanAsTrained(ckpt, paths, "--note-runs-from");
  if (!cleaned.ok()) return cleaned.status();
  std::vector<std::string> texts;
  for (auto& t : cleaned->tunes) texts.push_back(std::move(t.text));
  eval::NoteRunSet runs = eval::NoteRunSet::BuildFromTexts(texts, eval::kGuardNoteRun);
  return NoteRunHashes{runs.notes(), eval::kNoteRunHash, runs.hashes()};
}

// The checkpoint's metadata with its control table counted again from `paths` (its training
// data), split as its training was: so a model trained before the table recorded repeats gets them.
Result<std::string> RecountControls(const Checkpoint& ckpt, const std::vector<std::string>& paths) {
  nlohmann::json meta = nlohmann::json::parse(ckpt.metadata_json, nullptr, false);
  if (meta.is_discarded() || !meta.contains("controls") || !meta.contains("training") ||
      !meta["training"].contains("valid_fraction"))
    return Status::InvalidArgument("--controls-from: expected a model trained with --controls, got one without "
                                   "a control table");
  const nlohmann::json& t = meta["training"];
  const double valid_fraction = t["valid_fraction"].get<double>();
  const int valid_per_type = t.value("valid_per_type", 0);
  auto cleaned = CleanAsTrained(ckpt, paths, "--controls-from");
  if (!cleaned.ok()) return cleaned.status();
  const abc::ControlTable table = TrainingControlTable(*cleaned, valid_fraction, valid_per_type);
  meta["controls"] = nlohmann::json::parse(table.ToJson());
  return meta.dump();
}

// What an ensemble records of one network: where it came from and how it was trained.
nlohmann::json NetworkRecord(const std::string& path, const Checkpoint& ckpt) {
  const nlohmann::json meta = nlohmann::json::parse(ckpt.metadata_json, nullptr, false);
  nlohmann::json r = {{"checkpoint", path}, {"fingerprint", CheckpointFingerprint(ckpt)}};
  if (!meta.is_object()) return r;
  for (const char* key : {"seed", "step", "best_valid_bits", "train_seconds"})
    if (meta.contains(key)) r[key] = meta[key];
  if (meta.contains("data") && meta["data"].contains("fingerprint")) r["data_fingerprint"] = meta["data"]["fingerprint"];
  return r;
}

// The network records of an ensemble's metadata ("ensemble"), or null when it has none.
nlohmann::json RecordsOf(const nlohmann::json& meta) {
  if (!meta.is_object() || !meta.contains("ensemble") || !meta["ensemble"].is_object()) return nullptr;
  const nlohmann::json& networks = meta["ensemble"].value("networks", nlohmann::json());
  return networks.is_array() ? networks : nlohmann::json();
}

// `ckpt` (read from `path`) with the networks of each checkpoint in `others` joined to its own: an
// ensemble (model.members) whose metadata is `ckpt`'s plus an "ensemble" record of every network.
// The networks must share shape, vocabulary and cleaning (the text they read and write).
// A weighted ensemble joined again needs new shares for every network (`shares_given`).
Status JoinNetworks(const std::string& path, Checkpoint* ckpt, const std::vector<std::string>& others,
                    bool shares_given) {
  if (!ckpt->model.member_weights.empty() && !shares_given)
    return Status::InvalidArgument(path + " mixes its networks in shares of their own: give --ensemble-weights for "
                                   "every network of the ensemble joined");
  nlohmann::json meta = nlohmann::json::parse(ckpt->metadata_json, nullptr, false);
  if (!meta.is_object()) meta = nlohmann::json::object();
  // Compared as the options they mean: a key written since (absent: its default) is no difference.
  const std::string cleaning = CleanOptionsToJson(CleanOptionsOfMetadata(ckpt->metadata_json));
  nlohmann::json records = RecordsOf(meta);
  if (records.is_null()) records = nlohmann::json::array({NetworkRecord(path, *ckpt)});
  ModelConfig one = ckpt->model;
  one.members = 1;
  const auto names = ExpectedWeights(one);
  for (const std::string& other_path : others) {
    auto other = ReadCheckpoint(other_path);
    if (!other.ok()) return other.status();
    const ModelConfig& o = other->model;
    if (o.architecture != one.architecture || o.vocab_size != one.vocab_size || o.embed != one.embed ||
        o.hidden != one.hidden || o.layers != one.layers || o.form_clock != one.form_clock)
      return Status::InvalidArgument(
          "--ensemble-with " + other_path + ": expected a network of " + path + "'s shape (" + one.architecture + ", " +
          std::to_string(one.layers) + " x " + std::to_string(one.hidden) + ", embedding " + std::to_string(one.embed) +
          ", form clock " + std::to_string(one.form_clock) + "), got " + o.architecture + ", " +
          std::to_string(o.layers) + " x " + std::to_string(o.hidden) + ", embedding " + std::to_string(o.embed) +
          ", form clock " + std::to_string(o.form_clock));
    if (!(other->vocab == ckpt->vocab))
      return Status::InvalidArgument("--ensemble-with " + other_path + ": expected " + path +
                                     "'s vocabulary, got another (train both on the same data and options)");
    const nlohmann::json other_meta = nlohmann::json::parse(other->metadata_json, nullptr, false);
    const std::string other_cleaning = CleanOptionsToJson(CleanOptionsOfMetadata(other->metadata_json));
    if (other_cleaning != cleaning)
      return Status::InvalidArgument("--ensemble-with " + other_path + ": expected " + path +
                                     "'s cleaning options (the text form its network reads and writes), got " +
                                     other_cleaning + " against " + cleaning);
    if (!o.member_weights.empty() && !shares_given)
      return Status::InvalidArgument("--ensemble-with " + other_path + " mixes its networks in shares of their own: "
                                     "give --ensemble-weights for every network of the ensemble joined");
    const int total = ckpt->model.members;
    if (total + o.members > 16)
      return Status::InvalidArgument("--ensemble-with: at most 16 networks in one checkpoint, got " +
                                     std::to_string(total + o.members));
    for (int j = 0; j < o.members; ++j)
      for (const auto& [name, shape] : names) {
        NamedTensor t = *other->Find(MemberPrefix(j) + name);  // validated when read
        t.name = MemberPrefix(total + j) + name;
        ckpt->weights.push_back(std::move(t));
      }
    ckpt->model.members = total + o.members;
    if (const nlohmann::json theirs = RecordsOf(other_meta); !theirs.is_null()) {
      for (const auto& r : theirs) records.push_back(r);
    } else {
      records.push_back(NetworkRecord(other_path, *other));
    }
  }
  meta["ensemble"] = {{"networks", records}};
  ckpt->metadata_json = meta.dump();
  ckpt->model.member_weights.clear();  // set again by SetShares
  return ValidateCheckpoint(*ckpt);
}

// The ensemble's networks mixed in `shares` (one per network, any positive scale): written
// normalised to sum to 1, or not at all when they are equal (an equal mixture, format version 4).
Status SetShares(Checkpoint* ckpt, const std::vector<double>& shares) {
  const int k = ckpt->model.members;
  if (k < 2)
    return Status::InvalidArgument("--ensemble-weights: the checkpoint holds one network; join others with "
                                   "--ensemble-with");
  if (shares.size() != static_cast<size_t>(k))
    return Status::InvalidArgument("--ensemble-weights: expected " + std::to_string(k) +
                                   " shares, one for each network, got " + std::to_string(shares.size()));
  double sum = 0;
  for (double w : shares) {
    if (!(std::isfinite(w) && w > 0))
      return Status::InvalidArgument("--ensemble-weights: expected shares > 0, got " + std::to_string(w));
    sum += w;
  }
  ckpt->model.member_weights.clear();
  if (!std::all_of(shares.begin(), shares.end(), [&](double w) { return w == shares[0]; }))
    for (double w : shares) ckpt->model.member_weights.push_back(w / sum);
  return ValidateCheckpoint(*ckpt);
}

// The checkpoint's metadata with a match model (infer/match_model.h) fitted on the training side of
// `paths` (its training data, cleaned and split as its training was).
// The fit's report goes to `report` (standard error when the checkpoint goes to standard output).
Result<std::string> FitMatch(const Checkpoint& ckpt, const std::vector<std::string>& paths, std::FILE* report) {
  nlohmann::json meta = nlohmann::json::parse(ckpt.metadata_json, nullptr, false);
  if (!meta.is_object()) meta = nlohmann::json::object();
  double valid_fraction = 0;
  int valid_per_type = 0;
  if (meta.contains("training") && meta["training"].contains("valid_fraction")) {
    valid_fraction = meta["training"]["valid_fraction"].get<double>();
    valid_per_type = meta["training"].value("valid_per_type", 0);
  }
  auto cleaned = CleanAsTrained(ckpt, paths, "--match-from");
  if (!cleaned.ok()) return cleaned.status();
  std::vector<std::string> texts;
  for (const CleanedTune& c : cleaned->tunes) texts.push_back(c.text);
  const std::vector<std::string> training = SplitTunes(texts, valid_fraction, valid_per_type).train;
  Checkpoint copy = ckpt;
  auto networks = NetworkWeightsFromCheckpoint(std::move(copy));
  if (!networks.ok()) return networks.status();
  FastEngineOptions engine_options;
  engine_options.threads = 2;
  Result<std::unique_ptr<FastEngine>> engine = NewModelEngine(*networks, engine_options, ckpt.model.member_weights);
  if (!engine.ok()) return engine.status();
  const MatchFit fit = FitMatchModel(**engine, ckpt.vocab, training);
  std::fprintf(report, "match model fitted on %zu training tunes (%lld characters, %lld predicted by it): %.4f bits/char "
              "with it, %.4f without\n",
              training.size() - fit.skipped, static_cast<long long>(fit.symbols),
              static_cast<long long>(fit.observations), fit.bits_mixed, fit.bits_alone);
  auto print_table = [&](const char* what, const std::vector<double>& weights) {
    if (weights.empty()) return;
    std::string text;
    for (size_t k = 0; k < fit.mix.lengths.size(); ++k)
      text += " " + std::to_string(fit.mix.lengths[k]) + ":" + std::to_string(weights[k]).substr(0, 5);
    std::fprintf(report, "%s:%s\n", what, text.c_str());
  };
  print_table("match weights by match length", fit.mix.weights);
  print_table("periodic match weights (going round a loop)", fit.mix.periodic_weights);
  print_table("aligned match weights (the same place in the form)", fit.mix.aligned_weights);
  meta["match_model"] = nlohmann::json::parse(MatchMixToJson(fit.mix));
  return meta.dump();
}

int RunExport(const ExportArgs& args) {
  // "-o -": the checkpoint on standard output (never a terminal), every report on standard error.
  const bool to_stdout = args.output == "-";
  if (to_stdout && ::isatty(STDOUT_FILENO)) {
    spdlog::error("-o -: a checkpoint is binary; redirect standard output to a file or a pipe, or name a file");
    return kExitUsage;
  }
  auto ckpt = ReadCheckpoint(args.input);
  if (!ckpt.ok()) {
    spdlog::error("{}", ckpt.status().ToString());
    return kExitUsage;
  }
  ckpt->optimizer.clear();
  ckpt->trainer_state_json.clear();
  // A sampling record generate would refuse is refused here too, before anything is written.
  if (auto sampling = SamplingDefaultsOfMetadata(ckpt->metadata_json); !sampling.ok()) {
    spdlog::error("{}: {}", args.input, sampling.status().message());
    return kExitUsage;
  }
  if (!args.ensemble_with.empty()) {
    if (Status s = JoinNetworks(args.input, &*ckpt, args.ensemble_with, !args.ensemble_weights.empty()); !s.ok()) {
      spdlog::error("{}", s.ToString());
      return kExitUsage;
    }
    if (args.match_from.empty() && ckpt->metadata_json.find("\"match_model\"") != std::string::npos)
      spdlog::warn("{}'s match model was fitted to its network alone; --match-from DATA fits it to the ensemble",
                   args.input);
  }
  if (!args.ensemble_weights.empty()) {
    if (Status s = SetShares(&*ckpt, args.ensemble_weights); !s.ok()) {
      spdlog::error("{}", s.ToString());
      return kExitUsage;
    }
    if (args.ensemble_with.empty() && args.match_from.empty() &&
        ckpt->metadata_json.find("\"match_model\"") != std::string::npos)
      spdlog::warn("{}'s match model was fitted to the networks in their old shares; --match-from DATA fits it "
                   "again", args.input);
  }
  if (!args.note_runs_from.empty()) {
    auto runs = NoteRunsOf(*ckpt, args.note_runs_from);
    if (!runs.ok()) {
      spdlog::error("{}", runs.status().ToString());
      return kExitUsage;
    }
    ckpt->note_runs = std::move(runs.value());
  }
  if (!args.controls_from.empty()) {
    auto meta = RecountControls(*ckpt, args.controls_from);
    if (!meta.ok()) {
      spdlog::error("{}", meta.status().ToString());
      return kExitUsage;
    }
    ckpt->metadata_json = std::move(meta.value());
  }
  if (!args.match_from.empty()) {
    auto meta = FitMatch(*ckpt, args.match_from, to_stdout ? stderr : stdout);
    if (!meta.ok()) {
      spdlog::error("{}", meta.status().ToString());
      return kExitUsage;
    }
    ckpt->metadata_json = std::move(meta.value());
  }
  if (args.temperature || args.top_k || args.top_p) {
    auto meta = RecordSampling(*ckpt, args);
    if (!meta.ok()) {
      spdlog::error("{}", meta.status().ToString());
      return kExitUsage;
    }
    ckpt->metadata_json = std::move(meta.value());
  }
  Status s;
  if (to_stdout) {
    const std::string bytes = SerializeCheckpoint(*ckpt);
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() || std::fflush(stdout) != 0)
      s = Status::IOError("standard output: write failed");
  } else {
    s = WriteCheckpoint(args.output, *ckpt);
  }
  if (!s.ok()) {
    spdlog::error("{}", s.ToString());
    return kExitUsage;
  }
  const NoteRunHashes& runs = ckpt->note_runs;
  const std::string guard = runs.hashes.empty() ? "no note runs (no copy guard)"
                                                : std::to_string(runs.hashes.size()) + " runs of " +
                                                      std::to_string(runs.notes) + " notes (copy guard)";
  std::string sampling;
  if (const auto meta = nlohmann::json::parse(ckpt->metadata_json, nullptr, false); meta.contains("generation")) {
    const auto s = SamplingDefaultsFromJson(meta["generation"].dump());  // checked when recorded
    char text[160];
    std::snprintf(text, sizeof text, "; generate draws at --temperature %g --top-k %d --top-p %g unless asked otherwise",
                  s->temperature, s->top_k, s->top_p);
    sampling = text;
  }
  // On standard error when the checkpoint itself went to standard output.
  std::string networks =
      ckpt->model.members > 1 ? " of an ensemble of " + std::to_string(ckpt->model.members) + " networks" : "";
  if (!ckpt->model.member_weights.empty()) {
    networks += " in shares";
    for (size_t k = 0; k < ckpt->model.member_weights.size(); ++k) {
      char share[32];
      std::snprintf(share, sizeof share, "%s %g", k ? "," : "", ckpt->model.member_weights[k]);
      networks += share;
    }
  }
  std::fprintf(to_stdout ? stderr : stdout, "%s: weights%s, vocabulary, metadata and %s, fingerprint %s%s\n",
               to_stdout ? "standard output" : args.output.c_str(), networks.c_str(), guard.c_str(),
               CheckpointFingerprint(*ckpt).c_str(), sampling.c_str());
  return kExitOk;
}

}  // namespace

void RegisterExport(CLI::App& app, RunFn& run) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* sub = app.add_subcommand(
      "export", "Copy a checkpoint for generation only (no optimiser state: smaller, not resumable)");
  sub->add_option("checkpoint", args->input, "Checkpoint written by abcrnn train")->required();
  sub->add_option("-o,--out", args->output, "Where to write the generation-only checkpoint ('-': standard output)")
      ->required();
  sub->add_option("--note-runs-from", args->note_runs_from,
                  "Record the copy guard's note runs of these ABC files or folders (the model's training "
                  "data, cleaned as its metadata says), replacing any the checkpoint has");
  sub->add_option("--controls-from", args->controls_from,
                  "Count the control table (--list-controls, the controls drawn per tune) again from these ABC "
                  "files or folders: the model's training data, cleaned and split as its metadata says");
  sub->add_option("--match-from", args->match_from,
                  "Fit the match model (a tune's own earlier text as a predictor, mixed with the LSTM; "
                  "doc/match-model.md) on these ABC files or folders: the model's training data, cleaned and "
                  "split as its metadata says");
  sub->add_option("--ensemble-with", args->ensemble_with,
                  "Join these checkpoints' networks to the checkpoint's: an ensemble that draws each symbol from the "
                  "mean of their distributions (other runs of the same data, options and shape; each network "
                  "costs its own time a step)");
  sub->add_option("--ensemble-weights", args->ensemble_weights,
                  "Each network's share of the ensemble's mixture, in order (the checkpoint's networks, then "
                  "--ensemble-with's): any positive numbers, normalised to sum to 1 (default: equal shares)");
  sub->add_option("--temperature", args->temperature,
                  "Record the temperature `abcrnn generate` and `abcrnn serve` draw with when not asked for one "
                  "(the checkpoint's \"generation\" record; 0.9 without one)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--top-k", args->top_k, "Record the top-k drawn with when not asked for one (0 = all)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--top-p", args->top_p, "Record the top-p drawn with when not asked for one (1 = all)")
      ->check(CLI::Range(1e-9, 1.0));
  sub->callback([args, &run] { run = [args] { return RunExport(*args); }; });
}

}  // namespace abcrnn::cli

// `abcrnn baseline DATA... [--valid-fraction F | --valid FILE...] [--orders 3,4,.. | --order N]
// [--sample N -o OUT] [--split-out PREFIX]`: the Kneser-Ney n-gram baseline on the cleaned
// training form, split exactly as `abcrnn train` splits (BuildCorpus): validation bits per
// character (choosing the order) and sampled tunes for `abcrnn eval`. See doc/eval.md.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "abcrnn/abc/clean.h"
#include "abcrnn/data/corpus.h"
#include "abcrnn/eval/ngram.h"
#include "abcrnn/util/file.h"
#include "cli/cli_checks.h"
#include "cli/commands.h"

namespace abcrnn::cli {
namespace {

struct BaselineArgs {
  std::vector<std::string> train;
  std::vector<std::string> valid;
  double valid_fraction = 0.05;  // abcrnn train's default (TrainOptions::valid_fraction)
  int valid_per_type = 0;        // abcrnn train's default
  // Cleaning as abcrnn train's: --transpose-to, --controls, --form-repeats, --line-end-bars,
  // --collapse-empty-bars (the rest default).
  CleanOptions clean;
  int order = 10;                // chosen on validation tunes: doc/eval.md
  std::vector<int> orders;
  int samples = 0;
  uint64_t seed = 1;
  int max_chars = 2000;
  std::string out;
  std::string split_out;  // prefix: writes PREFIX-train.abc and PREFIX-valid.abc
  bool json = false;
};

// Tunes in the training form as an ABC file (X: 1, 2, ... before each).
std::string AsAbcFile(const std::vector<std::string>& texts) {
  std::string abc;
  for (size_t k = 0; k < texts.size(); ++k) {
    abc += "X:" + std::to_string(k + 1) + "\n" + texts[k];
    if (abc.back() != '\n') abc += '\n';
    abc += '\n';
  }
  return abc;
}

// The training form of each usable tune of the files (CleanFiles with `options`, as `abcrnn
// clean` and training use; already cleaned files pass through unchanged).
Result<std::vector<std::string>> LoadTexts(const std::vector<std::string>& paths, const std::string& what,
                                           const CleanOptions& options) {
  auto cleaned = CleanFiles(paths, options);
  if (!cleaned.ok()) return cleaned.status();
  spdlog::info("{}: {}", what, FormatCleanReport(cleaned->report));
  std::vector<std::string> texts;
  for (auto& tune : cleaned->tunes) texts.push_back(std::move(tune.text));
  if (texts.empty())
    return Status::InvalidArgument("expected usable ABC tunes in the given files, got none (" +
                                   FormatCleanReport(cleaned->report) + ")");
  return texts;
}

int RunBaseline(const BaselineArgs& args) {
  auto data = LoadTexts(args.train, "tunes", args.clean);
  if (!data.ok()) return spdlog::error("{}", data.status().ToString()), kExitUsage;
  std::vector<std::string> train, valid;
  if (!args.valid.empty()) {
    auto v = LoadTexts(args.valid, "validation tunes", args.clean);
    if (!v.ok()) return spdlog::error("validation tunes: {}", v.status().ToString()), kExitUsage;
    train = std::move(data).value();
    valid = std::move(v).value();
  } else {
    // The trainer's split, vocabulary and dropped validation tunes, decoded back to text.
    auto corpus = BuildCorpus(*data, args.valid_fraction, nullptr, {}, {}, args.valid_per_type);
    if (!corpus.ok()) return spdlog::error("{}", corpus.status().ToString()), kExitUsage;
    for (const auto& ids : corpus->train) train.push_back(corpus->vocab.Decode(ids));
    for (const auto& ids : corpus->valid) valid.push_back(corpus->vocab.Decode(ids));
    spdlog::info(
        "split as abcrnn train --valid-fraction {} --valid-per-type {}: {} training, {} validation tunes ({} left "
        "out)",
        args.valid_fraction, args.valid_per_type, train.size(), valid.size(), corpus->valid_dropped);
  }
  if (!args.split_out.empty()) {
    for (const auto& [side, texts] : {std::pair{"train", &train}, std::pair{"valid", &valid}}) {
      Status st = WriteFileAtomically(args.split_out + "-" + side + ".abc", AsAbcFile(*texts));
      if (!st.ok()) return spdlog::error("{}", st.ToString()), kExitUsage;
    }
  }
  std::vector<int> orders = args.orders.empty() ? std::vector<int>{args.order} : args.orders;
  if (orders.size() > 1 && valid.empty()) {
    spdlog::error("--orders: expected --valid tunes to choose the order by, got none");
    return kExitUsage;
  }
  nlohmann::json rows = nlohmann::json::array();
  std::unique_ptr<eval::NgramModel> best;
  double best_bpc = 0;
  std::string table = "order    n-grams   train (s)   valid bits/char   unknown chars\n";
  for (int order : orders) {
    eval::NgramOptions options;
    options.order = order;
    const auto t0 = std::chrono::steady_clock::now();
    auto model = eval::NgramModel::Train(train, options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!model.ok()) return spdlog::error("{}", model.status().ToString()), kExitUsage;
    nlohmann::json row = {{"order", order}, {"ngrams", model->nodes()}, {"train_seconds", seconds}};
    char line[160];
    if (!valid.empty()) {
      const eval::NgramScore s = model->Score(valid);
      row["valid_bits_per_char"] = s.bits_per_char();
      row["valid_symbols"] = s.symbols;
      row["valid_unknown"] = s.unknown;
      std::snprintf(line, sizeof line, "%5d %10lld %11.2f %17.4f %15lld\n", order,
                    static_cast<long long>(model->nodes()), seconds, s.bits_per_char(),
                    static_cast<long long>(s.unknown));
      if (!best || s.bits_per_char() < best_bpc) {
        best_bpc = s.bits_per_char();
        best = std::make_unique<eval::NgramModel>(std::move(model).value());
      }
    } else {
      std::snprintf(line, sizeof line, "%5d %10lld %11.2f %17s %15s\n", order,
                    static_cast<long long>(model->nodes()), seconds, "-", "-");
      best = std::make_unique<eval::NgramModel>(std::move(model).value());
    }
    table += line;
    rows.push_back(row);
  }
  nlohmann::json j = {{"train_tunes", train.size()},
                      {"valid_tunes", valid.size()},
                      {"orders", rows},
                      {"chosen_order", best->order()}};
  if (args.samples > 0) {
    eval::Rng rng(args.seed);
    std::string abc;
    for (int k = 1; k <= args.samples; ++k) {
      std::string tune = best->Sample(&rng, args.max_chars);
      if (tune.empty() || tune.back() != '\n') tune += '\n';
      abc += "X:" + std::to_string(k) + "\n% abcrnn baseline: Kneser-Ney " +
             std::to_string(best->order()) + "-gram, seed " + std::to_string(args.seed) +
             ", tune " + std::to_string(k) + "\n" + tune + "\n";
    }
    if (args.out.empty() || args.out == "-") {
      std::fwrite(abc.data(), 1, abc.size(), stdout);
    } else {
      Status s = WriteFileAtomically(args.out, abc);
      if (!s.ok()) return spdlog::error("{}", s.ToString()), kExitUsage;
    }
    j["samples"] = args.samples;
    j["seed"] = args.seed;
  }
  const bool report_to_stdout = args.samples == 0 || (!args.out.empty() && args.out != "-");
  std::string report = args.json ? j.dump(2) + "\n"
                                 : "Kneser-Ney n-gram baseline: " + std::to_string(train.size()) +
                                       " training tunes, " + std::to_string(valid.size()) +
                                       " validation tunes\n" + table +
                                       "chosen order: " + std::to_string(best->order()) + "\n";
  std::fwrite(report.data(), 1, report.size(), report_to_stdout ? stdout : stderr);
  return kExitOk;
}

}  // namespace

void RegisterBaseline(CLI::App& app, RunFn& run) {
  auto args = std::make_shared<BaselineArgs>();
  CLI::App* sub = app.add_subcommand(
      "baseline", "Kneser-Ney character n-gram baseline: bits per character and sampled tunes");
  sub->add_option("data", args->train,
                  "ABC files or folders with the tunes (cleaned as abcrnn clean does)")
      ->required();
  sub->add_option("--valid-fraction", args->valid_fraction,
                  "Share of tunes held out for validation, split as abcrnn train splits them")
      ->check(CLI::Range(0.0, 0.99))
      ->capture_default_str();
  sub->add_option("--valid", args->valid,
                  "Explicit validation tunes instead (then every DATA tune is for training)");
  sub->add_option("--order", args->order, "n-gram order (the model sees n-1 characters)")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  sub->add_option("--orders", args->orders, "Several orders: the best on --valid is used")
      ->check(CLI::Range(1, 16))
      ->delimiter(',');
  sub->add_option("--sample", args->samples, "Tunes to sample")->check(NumberAtLeastZero());
  sub->add_option("--seed", args->seed, "Random seed for sampling")->capture_default_str();
  sub->add_option("--max-chars", args->max_chars, "Most characters per sampled tune")
      ->check(NumberAtLeastZero(true))
      ->capture_default_str();
  sub->add_option("-o,--out", args->out,
                  "File for the sampled tunes (default: standard output; the report "
                  "then goes to standard error)");
  sub->add_option(
      "--split-out", args->split_out,
      "Also write the training and validation tunes to PREFIX-train.abc and PREFIX-valid.abc "
      "(for abcrnn eval --reference/--train)");
  sub->add_option("--transpose-to", args->clean.transpose_to,
                  "Move every tune to this tonic (C, D, ...) keeping its mode, as abcrnn train --transpose-to "
                  "(the same split and text as a key-normalised model's)");
  sub->add_flag("--controls", args->clean.controls,
                "Write each tune's controls (style, type, form) before M:, as abcrnn train --controls");
  sub->add_flag("--form-repeats", args->clean.form_repeats,
                "With --controls: the form line says which parts repeat (N:form 8+8 AABB), as abcrnn train "
                "--form-repeats");
  sub->add_flag("--final", args->clean.final_degree,
                "With --controls: a line says on which degree of the key the tune ends (N:final 1), as abcrnn "
                "train --final");
  sub->add_flag("--beat", args->clean.beat,
                "With --controls: a line says how much of the tune is in dotted pairs (N:beat even, mixed, dotted), as "
                "abcrnn train --beat");
  sub->add_flag("--line-end-bars", args->clean.line_end_bars,
                "A music line that ends where a bar is full has a bar line there, as abcrnn train --line-end-bars");
  sub->add_flag("--collapse-empty-bars", args->clean.collapse_empty_bars,
                "Runs of bar lines with no note between become one, as abcrnn train --collapse-empty-bars");
  sub->add_option("--valid-per-type", args->valid_per_type,
                  "Hold out about this many tunes of each type, as abcrnn train --valid-per-type")
      ->check(NumberAtLeastZero())
      ->capture_default_str();
  sub->add_flag("--json", args->json, "Report as JSON");
  sub->callback([args, &run] { run = [args] { return RunBaseline(*args); }; });
}

}  // namespace abcrnn::cli

// `abcrnn score` (abcrnn-sample score): bits per character of tunes under a model, by the engine
// that generates; for a token model, bits per token beside it (per character is what compares
// models of either vocabulary: the same text has the same characters). Tunes are cleaned into the training form first (abc/clean.h; the checkpoint's
// metadata "cleaning" object sets the options, the move to one tonic of a key-normalised model
// included), each scored as <bos> text <eos>. Every tune is scored: no duplicate dropping.
#include <cstdio>
#include <cstring>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "abcrnn/abc/clean.h"
#include "abcrnn/infer/generate.h"
#include "cli/cli_checks.h"
#include "cli/sample_model.h"

namespace abcrnn::cli {
namespace {

struct ScoreCliOptions {
  std::string model;
  std::vector<std::string> files;
  bool json = false;
  int batch = 64;
  int threads = 1;
  std::string precision = "float32";
  bool no_match_model = false;
};

// Tunes scored at a time: the engine's batches, while memory holds only these.
constexpr size_t kChunkTunes = 512;

int Run(const ScoreCliOptions& o) {
  Result<LoadedModel> model = LoadModel(o.model, o.threads, o.precision);
  if (!model.ok()) {
    spdlog::error("{}", model.status().ToString());
    return kExitUsage;
  }
  CleanOptions cleaning = model->cleaning;
  cleaning.drop_duplicates = false;
  const MatchMix* match = o.no_match_model || model->match.empty() ? nullptr : &model->match;

  // Tunes are cleaned, scored and printed a chunk at a time, so memory does not grow with the
  // input. The JSON report streams too: "model", then "tunes", then "overall" and "clean".
  double bits = 0;
  int64_t predicted = 0, chars = 0;
  const bool tokens = model->checkpoint.vocab.tokenizer() == Tokenizer::kToken;
  int scored = 0, skipped = 0;
  bool reader_gone = false;
  std::vector<CleanedTune> chunk;
  auto flush = [&] {
    if (chunk.empty() || reader_gone) return;
    std::vector<std::string> texts;
    texts.reserve(chunk.size());
    for (const auto& t : chunk) texts.push_back(t.text);
    const std::vector<TuneScore> scores = ScoreTexts(*model->engine, model->checkpoint.vocab, texts, o.batch, match);
    std::string out;
    if (o.json && scored + skipped == 0)
      out = "{\n \"model\": " + nlohmann::json(model->fingerprint).dump() + ",\n \"tunes\": [";
    for (size_t i = 0; i < chunk.size(); ++i) {
      const CleanedTune& t = chunk[i];
      const TuneScore& s = scores[i];
      const std::string where = t.source + ":" + std::to_string(t.line) + " X:" + t.x;
      nlohmann::json item = {{"source", t.source}, {"line", t.line}, {"x", t.x}, {"title", t.title}};
      if (o.json) out += scored + skipped == 0 ? "\n  " : ",\n  ";
      if (!s.status.ok()) {
        ++skipped;
        spdlog::warn("{}: not scored: {}", where, s.status.message());
        item["error"] = s.status.message();
      } else {
        ++scored;
        bits += s.bits;
        predicted += s.predicted;
        chars += s.chars;
        const double bpc = s.bits / static_cast<double>(s.chars);
        const double bpt = s.bits / static_cast<double>(s.predicted);
        item["chars"] = s.chars - 1;
        item["bits"] = s.bits;
        item["bits_per_char"] = bpc;
        if (tokens) {
          item["tokens"] = s.predicted - 1;
          item["bits_per_token"] = bpt;
        }
        if (!o.json) {
          char buf[128];
          std::snprintf(buf, sizeof buf, "%.4f bits/char (%lld chars)", bpc, static_cast<long long>(s.chars - 1));
          if (tokens)
            std::snprintf(buf + std::strlen(buf), sizeof buf - std::strlen(buf), ", %.4f bits/token (%lld tokens)",
                          bpt, static_cast<long long>(s.predicted - 1));
          out += where + (t.title.empty() ? "" : " \"" + t.title + "\"") + ": " + buf + "\n";
        }
      }
      if (o.json) out += item.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    chunk.clear();
    reader_gone = !WriteOut(out);
  };
  Result<CleanReport> report = CleanFilesEach(o.files, cleaning, [&](CleanedTune&& t) {
    if (reader_gone) return;
    chunk.push_back(std::move(t));
    if (chunk.size() >= kChunkTunes) flush();
  });
  if (!report.ok()) {
    spdlog::error("{}", report.status().ToString());
    return kExitUsage;
  }
  flush();
  if (reader_gone) return kExitOk;
  if (scored + skipped == 0) {
    spdlog::error("no tunes to score in the given files ({})", FormatCleanReport(*report));
    return kExitUsage;
  }
  const double overall = chars ? bits / static_cast<double>(chars) : 0.0;
  const double per_token = predicted ? bits / static_cast<double>(predicted) : 0.0;
  std::string out;
  if (o.json) {
    nlohmann::json summary = {{"tunes", scored}, {"skipped", skipped}, {"symbols", predicted},
                              {"bits", bits}, {"bits_per_char", overall}, {"match_model", match != nullptr}};
    if (tokens) {
      summary["chars"] = chars;
      summary["bits_per_token"] = per_token;
    }
    out = "\n ],\n \"overall\": " + summary.dump() + ",\n \"clean\": " +
          nlohmann::json(FormatCleanReport(*report)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
          "\n}\n";
  } else {
    char buf[240];
    if (tokens)
      std::snprintf(buf, sizeof buf, "overall: %d tunes, %lld characters + <eos>, %.4f bits/char; %lld symbols "
                    "(tokens + <eos>), %.4f bits/token%s", scored, static_cast<long long>(chars), overall,
                    static_cast<long long>(predicted), per_token, match != nullptr ? " (with the match model)" : "");
    else
      std::snprintf(buf, sizeof buf, "overall: %d tunes, %lld symbols (characters + <eos>), %.4f bits/char%s", scored,
                    static_cast<long long>(predicted), overall, match != nullptr ? " (with the match model)" : "");
    out = std::string(buf) + (skipped ? ", " + std::to_string(skipped) + " not scored" : "") + "\n";
  }
  if (!WriteOut(out)) return kExitOk;
  return skipped > 0 ? kExitFindings : kExitOk;
}

}  // namespace

void RegisterScore(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<ScoreCliOptions>();
  CLI::App* sub = app.add_subcommand("score", "Bits per character of tunes under a model");
  sub->option_defaults()->always_capture_default();
  sub->add_option("--model", o->model, "Checkpoint (.ckpt); default as for generate");
  sub->add_option("files", o->files, "ABC files or folders (*.abc), '-' for standard input")->required();
  sub->add_flag("--json", o->json, "Print a JSON report");
  sub->add_flag("--no-match-model", o->no_match_model,
                "Score under the network (LSTM or GRU) alone, without the model's match model (doc/match-model.md)");
  sub->add_option("--batch", o->batch, "Tunes scored at once")->check(NumberAtLeastZero(true));
  sub->add_option("--threads", o->threads, "Threads for the matrix products")->check(CLI::Range(1, 64));
  AddPrecisionOption(sub, &o->precision);
  sub->callback([o, &run] { run = [o] { return Run(*o); }; });
}

}  // namespace abcrnn::cli

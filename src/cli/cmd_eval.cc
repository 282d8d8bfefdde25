// `abcrnn eval GENERATED... --reference REAL... [--train TRAIN...] [--json]`: form, style (Yang &
// Lerch overlap and KL against the reference tunes) and novelty (copied bars and nearest tune
// against the training tunes) of any set of ABC tunes; a table for people, JSON for machines.
// The metrics live in src/eval (include/abcrnn/eval); definitions in doc/eval.md.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "abcrnn/abc/parser.h"
#include "abcrnn/eval/form.h"
#include "abcrnn/eval/melody.h"
#include "abcrnn/eval/novelty.h"
#include "abcrnn/eval/stats.h"
#include "abcrnn/util/file.h"
#include "cli/commands.h"

namespace abcrnn::cli {
namespace {

struct EvalArgs {
  std::vector<std::string> generated;
  std::vector<std::string> reference;
  std::vector<std::string> train;
  std::string train_cache;
  bool json = false;
  int max_tunes = 1000;
  int candidates = 16;
};

// One set of tunes as the metrics see it.
struct TuneSet {
  std::string label;
  std::vector<eval::TuneForm> forms;
  std::vector<std::string> names;      // title, else X:n; parallel to forms
  std::vector<eval::Melody> melodies;  // tunes that parse and have notes
};

Result<TuneSet> LoadSet(const std::string& label, const std::vector<std::string>& paths) {
  auto files = ExpandPaths(paths, {".abc"});
  if (!files.ok()) return files.status();
  TuneSet set;
  set.label = label;
  abc::ParseOptions options;
  options.keep_text = false;
  for (const auto& path : *files) {
    auto parsed = abc::ReadAbcFile(path, options);
    if (!parsed.ok()) return parsed.status();
    for (const auto& tune : parsed->tunes) {
      set.forms.push_back(eval::AnalyzeForm(tune));
      set.names.push_back(!tune.title().empty() ? tune.title() : "X:" + std::to_string(tune.x));
      if (set.forms.back().parses) {
        eval::Melody m = eval::MelodyFromTune(tune);
        if (m.note_count() > 0) set.melodies.push_back(std::move(m));
      }
    }
  }
  if (set.forms.empty())
    return Status::InvalidArgument(label +
                                   ": expected ABC tunes (X: lines), got none in the given files");
  return set;
}

struct FormSummary {
  int tunes = 0;
  double parses = 0, valid = 0, bars_ok = 0, header = 0, tonic = 0, repeats = 0, equal_parts = 0;
  int tonic_applicable = 0;
  double mean_bars = 0, mean_pitch_range = 0;
};

FormSummary Summarise(const std::vector<eval::TuneForm>& forms) {
  FormSummary s;
  s.tunes = static_cast<int>(forms.size());
  int tonic_yes = 0;
  for (const auto& f : forms) {
    s.parses += f.parses;
    s.valid += f.valid;
    s.bars_ok += f.bars_ok;
    s.header += f.has_header;
    s.repeats += f.has_repeats;
    s.equal_parts += f.equal_parts;
    s.mean_bars += f.bars;
    s.mean_pitch_range += f.pitch_range;
    if (f.ends_on_tonic >= 0) ++s.tonic_applicable, tonic_yes += f.ends_on_tonic;
  }
  const double n = s.tunes;
  for (double* v : {&s.parses, &s.valid, &s.bars_ok, &s.header, &s.repeats, &s.equal_parts,
                    &s.mean_bars, &s.mean_pitch_range})
    *v /= n;
  s.tonic = s.tonic_applicable ? static_cast<double>(tonic_yes) / s.tonic_applicable : 0.0;
  return s;
}

nlohmann::json PerTuneForms(const TuneSet& set) {
  nlohmann::json rows = nlohmann::json::array();
  for (size_t i = 0; i < set.forms.size(); ++i) {
    const eval::TuneForm& f = set.forms[i];
    rows.push_back({{"name", set.names[i]},
                    {"parses", f.parses},
                    {"valid", f.valid},
                    {"bars_ok", f.bars_ok},
                    {"header", f.has_header},
                    {"ends_on_tonic", f.ends_on_tonic},
                    {"repeats", f.has_repeats},
                    {"equal_parts", f.equal_parts},
                    {"bars", f.bars},
                    {"pitch_range", f.pitch_range}});
  }
  return rows;
}

nlohmann::json FormJson(const FormSummary& s) {
  return {{"tunes", s.tunes},
          {"parses", s.parses},
          {"valid", s.valid},
          {"bars_ok", s.bars_ok},
          {"header", s.header},
          {"ends_on_tonic", s.tonic},
          {"tonic_applicable", s.tonic_applicable},
          {"repeats", s.repeats},
          {"equal_parts", s.equal_parts},
          {"mean_bars", s.mean_bars},
          {"mean_pitch_range", s.mean_pitch_range}};
}

struct NoveltySummary {
  int tunes = 0;
  double copy2 = 0, copy4 = 0, copy8 = 0, mean_run = 0, mean_distance = 0;
  nlohmann::json per_tune = nlohmann::json::array();
};

NoveltySummary Novelty(const eval::BarIndex& index, const std::vector<eval::Melody>& melodies,
                       int candidates) {
  NoveltySummary s;
  s.tunes = static_cast<int>(melodies.size());
  for (const auto& m : melodies) {
    const eval::CopiedRun run = index.LongestCopiedRun(m);
    const eval::NearestTune near = index.Nearest(m, candidates);
    s.copy2 += run.bars >= 2;
    s.copy4 += run.bars >= 4;
    s.copy8 += run.bars >= 8;
    s.mean_run += run.bars;
    s.mean_distance += near.distance;
    s.per_tune.push_back({{"name", m.name},
                          {"bars", m.bars.size()},
                          {"longest_copied_bars", run.bars},
                          {"copied_from", run.tune >= 0 ? index.name(run.tune) : ""},
                          {"copied_from_bar", run.tune_bar},
                          {"first_copied_bar", run.first_bar},
                          {"nearest", near.tune >= 0 ? index.name(near.tune) : ""},
                          {"nearest_edits", near.edits},
                          {"nearest_distance", near.distance}});
  }
  if (s.tunes > 0)
    for (double* v : {&s.copy2, &s.copy4, &s.copy8, &s.mean_run, &s.mean_distance}) *v /= s.tunes;
  return s;
}

nlohmann::json NoveltyJson(const NoveltySummary& s) {
  return {{"tunes", s.tunes},
          {"copy_2_bars", s.copy2},
          {"copy_4_bars", s.copy4},
          {"copy_8_bars", s.copy8},
          {"mean_longest_copied_bars", s.mean_run},
          {"mean_nearest_distance", s.mean_distance},
          {"per_tune", s.per_tune}};
}

std::string Percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * v);
  return buf;
}
std::string Number(double v, int decimals = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
void Row(std::string* out, const std::string& name, const std::string& a, const std::string& b) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %-34s %12s %12s\n", name.c_str(), a.c_str(), b.c_str());
  *out += buf;
}

int RunEval(const EvalArgs& args) {
  auto generated = LoadSet("generated", args.generated);
  if (!generated.ok()) return spdlog::error("{}", generated.status().ToString()), kExitUsage;
  auto reference = LoadSet("reference", args.reference);
  if (!reference.ok()) return spdlog::error("{}", reference.status().ToString()), kExitUsage;

  const FormSummary gf = Summarise(generated->forms), rf = Summarise(reference->forms);
  std::vector<eval::FeatureComparison> style;
  if (!generated->melodies.empty() && !reference->melodies.empty()) {
    std::vector<eval::TuneFeatures> g, r;
    for (const auto& m : generated->melodies) g.push_back(eval::ExtractFeatures(m));
    for (const auto& m : reference->melodies) r.push_back(eval::ExtractFeatures(m));
    style = eval::CompareSets(g, r, args.max_tunes);
  } else {
    spdlog::warn("no tunes with notes to compare: style metrics skipped");
  }
  std::optional<NoveltySummary> gn, rn;
  int train_tunes = 0;
  if (!args.train.empty()) {
    auto index = eval::LoadOrBuildBarIndex(args.train, args.train_cache);
    if (!index.ok()) return spdlog::error("{}", index.status().ToString()), kExitUsage;
    train_tunes = index->tune_count();
    gn = Novelty(*index, generated->melodies, args.candidates);
    rn = Novelty(*index, reference->melodies, args.candidates);
  }

  if (args.json) {
    nlohmann::json j;
    j["generated"] = {
        {"files", args.generated}, {"form", FormJson(gf)}, {"per_tune", PerTuneForms(*generated)}};
    j["reference"] = {{"files", args.reference}, {"form", FormJson(rf)}};
    j["style"] = nlohmann::json::array();
    for (const auto& c : style) {
      nlohmann::json row = {{"feature", c.feature}, {"overlap", c.overlap}, {"kl", c.kl}};
      if (c.scalar) row["generated_mean"] = c.set_mean, row["reference_mean"] = c.reference_mean;
      j["style"].push_back(row);
    }
    if (gn) {
      j["novelty"] = {{"train_files", args.train},
                      {"train_tunes", train_tunes},
                      {"generated", NoveltyJson(*gn)},
                      {"reference", NoveltyJson(*rn)}};
    }
    std::string text = j.dump(2) + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  std::string out;
  out += "Form                                   generated    reference\n";
  Row(&out, "tunes", std::to_string(gf.tunes), std::to_string(rf.tunes));
  Row(&out, "parse", Percent(gf.parses), Percent(rf.parses));
  Row(&out, "valid (abcrnn check)", Percent(gf.valid), Percent(rf.valid));
  Row(&out, "every bar the right length", Percent(gf.bars_ok), Percent(rf.bars_ok));
  Row(&out, "header fields (M:, K:)", Percent(gf.header), Percent(rf.header));
  Row(&out, "end on the tonic", Percent(gf.tonic), Percent(rf.tonic));
  Row(&out, "repeats", Percent(gf.repeats), Percent(rf.repeats));
  Row(&out, "parts of equal length", Percent(gf.equal_parts), Percent(rf.equal_parts));
  Row(&out, "bars (mean)", Number(gf.mean_bars, 1), Number(rf.mean_bars, 1));
  Row(&out, "pitch range (mean, semitones)", Number(gf.mean_pitch_range, 1),
      Number(rf.mean_pitch_range, 1));
  if (!style.empty()) {
    out += "\nStyle against the reference (Yang & Lerch)   overlap     KL (nats)\n";
    Row(&out, "tunes compared (parse, have notes)", std::to_string(generated->melodies.size()),
        std::to_string(reference->melodies.size()));
    for (const auto& c : style) Row(&out, c.feature, Number(c.overlap, 3), Number(c.kl, 3));
  }
  if (gn) {
    out += "\nNovelty against " + std::to_string(train_tunes) +
           " training tunes    generated    reference\n";
    Row(&out, "tunes compared (parse, have notes)", std::to_string(gn->tunes),
        std::to_string(rn->tunes));
    Row(&out, "copy 2 bars or more", Percent(gn->copy2), Percent(rn->copy2));
    Row(&out, "copy 4 bars or more", Percent(gn->copy4), Percent(rn->copy4));
    Row(&out, "copy 8 bars or more", Percent(gn->copy8), Percent(rn->copy8));
    Row(&out, "longest copied run (mean bars)", Number(gn->mean_run), Number(rn->mean_run));
    Row(&out, "nearest tune distance (mean)", Number(gn->mean_distance, 3),
        Number(rn->mean_distance, 3));
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace

void RegisterEval(CLI::App& app, RunFn& run) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* sub = app.add_subcommand(
      "eval", "Judge tunes: form, style against real tunes, novelty against training tunes");
  sub->add_option("generated", args->generated, "ABC files or folders with the tunes to judge")
      ->required();
  sub->add_option("--reference", args->reference,
                  "ABC files or folders with real tunes to compare the style with")
      ->required();
  sub->add_option("--train", args->train, "ABC files or folders with the training tunes (novelty)");
  sub->add_option("--train-cache", args->train_cache,
                  "Bar index cache of the training tunes (built when missing or out of date)");
  sub->add_flag("--json", args->json, "Print JSON for machines, with per-tune novelty");
  sub->add_option("--max-tunes", args->max_tunes,
                  "Tunes per set used for the style distances (evenly spaced)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--candidates", args->candidates,
                  "Training tunes checked by edit distance per tune")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->callback([args, &run] { run = [args] { return RunEval(*args); }; });
}

}  // namespace abcrnn::cli

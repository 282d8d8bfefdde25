// `abcrnn eval GENERATED... --reference REAL... [--train TRAIN...] [--json]`: form (overall and per
// R: type), style (Yang & Lerch overlap and KL, and a classifier test against the reference tunes)
// and novelty (copied bars and nearest tune against the training tunes) of any set of ABC tunes;
// a table for people, JSON for machines. Metrics in src/eval; definitions in doc/eval.md.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "abcrnn/abc/parser.h"
#include "abcrnn/eval/classifier.h"
#include "abcrnn/eval/form.h"
#include "abcrnn/eval/form_by_type.h"
#include "abcrnn/eval/melody.h"
#include "abcrnn/eval/novelty.h"
#include "abcrnn/eval/rng.h"
#include "abcrnn/eval/stats.h"
#include "abcrnn/util/file.h"
#include "cli/cli_checks.h"
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
  uint64_t classifier_seed = 1;
  // The style comparison and the classifier read at most this many tunes of a set: a uniform
  // sample (reservoir, seeded) of a larger one, so memory stays flat whatever the input's size.
  int max_style_tunes = 20000;
};

// The classifier test needs this many melodies in each set; the per-type table this many tunes
// of a type in each set.
constexpr int kClassifierMinTunes = 10;
constexpr int kClassifierFolds = 5;
constexpr int kTypeMinTunes = 5;

// The novelty of one tune against the training tunes.
struct NoveltyRow {
  std::string name;
  int bars = 0;
  eval::CopiedRun run;
  eval::NearestTune nearest;
  bool shares16 = false, shares32 = false;  // a 16- (32-) note run of a training tune
};

// One set of tunes as the metrics see it: per tune what the metrics read, never the parsed tune
// or its melody, so a set of 155,000 tunes fits in a few hundred bytes a tune.
struct TuneSet {
  std::string label;
  std::vector<eval::TuneForm> forms;
  std::vector<std::string> names;               // title, else X:n; parallel to forms
  std::vector<std::string> types;               // R: type (eval::TuneTypeOf), "" none; parallel to forms
  // eval::StyleVector of each tune that parses and has notes, or of a uniform sample of them
  std::vector<std::vector<double>> style;
  int64_t with_notes = 0;           // tunes that parse and have notes
  std::vector<NoveltyRow> novelty;  // with a training index: per tune that parses and has notes
};

// Reads the tunes of `paths` one at a time; with `index`, judges each one's novelty as it goes.
Result<TuneSet> LoadSet(const std::string& label, const std::vector<std::string>& paths,
                        const eval::BarIndex* index, int candidates, size_t max_style) {
  auto files = ExpandPaths(paths, {".abc"});
  if (!files.ok()) return files.status();
  TuneSet set;
  set.label = label;
  eval::Rng reservoir(20261130);
  abc::ParseOptions options;
  options.keep_text = false;
  for (const auto& path : *files) {
    auto reader = abc::TuneReader::Open(path, options);
    if (!reader.ok()) return reader.status();
    abc::Tune tune;
    while ((*reader)->Next(&tune)) {
      set.forms.push_back(eval::AnalyzeForm(tune));
      // Its title, else its X:, else its place in the file (text with no X: line).
      set.names.push_back(!tune.title().empty() ? tune.title()
                          : tune.x >= 0         ? "X:" + std::to_string(tune.x)
                                                : path + " tune " + std::to_string(set.names.size() + 1));
      set.types.push_back(eval::TuneTypeOf(tune));
      if (!set.forms.back().parses) continue;
      const eval::Melody m = eval::MelodyFromTune(tune);
      if (m.note_count() == 0) continue;
      ++set.with_notes;
      if (set.style.size() < max_style) {
        set.style.push_back(eval::StyleVector(m, set.forms.back().ends_on_tonic));
      } else if (const uint64_t k = reservoir.Next() % static_cast<uint64_t>(set.with_notes); k < max_style) {
        set.style[k] = eval::StyleVector(m, set.forms.back().ends_on_tonic);
      }
      if (index) {
        NoveltyRow row;
        row.name = m.name;
        row.bars = static_cast<int>(m.bars.size());
        row.run = index->LongestCopiedRun(m);
        row.nearest = index->Nearest(m, candidates);
        row.shares16 = index->SharesNoteRun(m, 16);
        row.shares32 = row.shares16 && index->SharesNoteRun(m, 32);
        set.novelty.push_back(std::move(row));
      }
    }
    if (!(*reader)->status().ok()) return (*reader)->status();
  }
  if (set.forms.empty())
    return Status::InvalidArgument(label +
                                   ": expected ABC tunes (X: lines), got none in the given files");
  return set;
}

// The style features of at most `max_tunes` tunes of the set, evenly spaced (as
// eval::CompareSets picks them).
std::vector<eval::TuneFeatures> StyleFeatures(const TuneSet& set, int max_tunes) {
  std::vector<eval::TuneFeatures> out;
  const size_t n = set.style.size();
  const size_t keep = std::min(n, static_cast<size_t>(std::max(1, max_tunes)));
  for (size_t k = 0; k < keep; ++k) out.push_back(eval::FeaturesOfStyleVector(set.style[k * n / keep]));
  return out;
}

struct FormSummary {
  int tunes = 0;
  double parses = 0, valid = 0, bars_ok = 0, header = 0, tonic = 0, repeats = 0, equal_parts = 0;
  int tonic_applicable = 0;
  double mean_bars = 0, mean_pitch_range = 0;
  double echo = 0;  // of all the set's bars, those that echo one of the kEchoReach before them
};

FormSummary Summarise(const std::vector<eval::TuneForm>& forms) {
  FormSummary s;
  s.tunes = static_cast<int>(forms.size());
  int tonic_yes = 0;
  int64_t bars = 0, echo_bars = 0;
  for (const auto& f : forms) {
    bars += f.bars;
    echo_bars += f.echo_bars;
    s.parses += f.parses;
    s.valid += f.valid;
    s.bars_ok += f.bars_ok;
    s.header += f.has_header;
    s.repeats += f.has_repeats;
    s.equal_parts += f.equal_parts;
    s.mean_bars += f.bars;
    s.mean_pitch_range += f.pitch_range;
    // A tune that does not parse has no key to end on, whatever its last note.
    if (f.parses && f.ends_on_tonic >= 0) ++s.tonic_applicable, tonic_yes += f.ends_on_tonic;
  }
  const double n = s.tunes;
  for (double* v : {&s.parses, &s.valid, &s.bars_ok, &s.header, &s.repeats, &s.equal_parts,
                    &s.mean_bars, &s.mean_pitch_range})
    *v /= n;
  s.tonic = s.tonic_applicable ? static_cast<double>(tonic_yes) / s.tonic_applicable : 0.0;
  s.echo = bars > 0 ? static_cast<double>(echo_bars) / static_cast<double>(bars) : 0.0;
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
                    {"pitch_range", f.pitch_range},
                    {"echo_bars", f.echo_bars}});
  }
  return rows;
}

nlohmann::json FormJson(const FormSummary& s) {
  // What no tune can tell is null: bars and header fields when none parses.
  auto parsed = [&s](double v) { return s.parses > 0 ? nlohmann::json(v) : nlohmann::json(nullptr); };
  return {{"tunes", s.tunes},
          {"parses", s.parses},
          {"valid", s.valid},
          {"bars_ok", parsed(s.bars_ok)},
          {"header", parsed(s.header)},
          {"ends_on_tonic", s.tonic_applicable ? nlohmann::json(s.tonic) : nlohmann::json(nullptr)},
          {"tonic_applicable", s.tonic_applicable},
          {"repeats", parsed(s.repeats)},
          {"equal_parts", parsed(s.equal_parts)},
          {"mean_bars", parsed(s.mean_bars)},
          {"mean_pitch_range", parsed(s.mean_pitch_range)},
          {"echo_bars", parsed(s.echo)}};
}

struct NoveltySummary {
  int tunes = 0;
  double copy2 = 0, copy4 = 0, copy8 = 0, mean_run = 0, mean_distance = 0;
  double notes16 = 0, notes32 = 0;  // share of tunes with a 16- (32-) note run of a training tune
  nlohmann::json per_tune = nlohmann::json::array();
};

NoveltySummary Novelty(const eval::BarIndex& index, const std::vector<NoveltyRow>& rows, bool per_tune) {
  NoveltySummary s;
  s.tunes = static_cast<int>(rows.size());
  for (const NoveltyRow& r : rows) {
    s.copy2 += r.run.bars >= 2;
    s.copy4 += r.run.bars >= 4;
    s.copy8 += r.run.bars >= 8;
    s.notes16 += r.shares16;
    s.notes32 += r.shares32;
    s.mean_run += r.run.bars;
    s.mean_distance += r.nearest.distance;
    if (!per_tune) continue;
    s.per_tune.push_back({{"name", r.name},
                          {"bars", r.bars},
                          {"longest_copied_bars", r.run.bars},
                          {"copied_from", r.run.tune >= 0 ? index.name(r.run.tune) : ""},
                          {"copied_from_bar", r.run.tune_bar},
                          {"first_copied_bar", r.run.first_bar},
                          {"nearest", r.nearest.tune >= 0 ? index.name(r.nearest.tune) : ""},
                          {"nearest_edits", r.nearest.edits},
                          {"nearest_distance", r.nearest.distance}});
  }
  if (s.tunes > 0)
    for (double* v : {&s.copy2, &s.copy4, &s.copy8, &s.notes16, &s.notes32, &s.mean_run, &s.mean_distance})
      *v /= s.tunes;
  return s;
}

nlohmann::json NoveltyJson(const NoveltySummary& s) {
  // With no tune compared, no share or mean: null, not 0.
  auto of = [&s](double v) { return s.tunes > 0 ? nlohmann::json(v) : nlohmann::json(nullptr); };
  return {{"tunes", s.tunes},
          {"copy_2_bars", of(s.copy2)},
          {"copy_4_bars", of(s.copy4)},
          {"copy_8_bars", of(s.copy8)},
          {"share_16_notes", of(s.notes16)},
          {"share_32_notes", of(s.notes32)},
          {"mean_longest_copied_bars", of(s.mean_run)},
          {"mean_nearest_distance", of(s.mean_distance)},
          {"per_tune", s.per_tune}};
}

// The classifier test of the generated against the reference melodies, or why it was skipped.
struct ClassifierSummary {
  std::optional<eval::ClassifierTestResult> result;
  std::string skipped;  // why there is no result
};

ClassifierSummary Classify(const TuneSet& generated, const TuneSet& reference, uint64_t seed) {
  ClassifierSummary s;
  for (const TuneSet* set : {&generated, &reference}) {
    if (set->style.size() < static_cast<size_t>(kClassifierMinTunes)) {
      s.skipped = set->label + " has " + std::to_string(set->style.size()) +
                  " tunes with notes, needs " + std::to_string(kClassifierMinTunes);
      return s;
    }
  }
  eval::ClassifierTestOptions options;
  options.folds = kClassifierFolds;
  options.seed = seed;
  options.min_per_class = kClassifierMinTunes;
  auto result = eval::ClassifierTest(generated.style, reference.style, options);
  if (result.ok())
    s.result = *result;
  else
    s.skipped = result.status().ToString();
  return s;
}

nlohmann::json ClassifierJson(const ClassifierSummary& s, uint64_t seed) {
  if (!s.result) return {{"skipped", s.skipped}, {"folds", kClassifierFolds}, {"seed", seed}};
  const eval::ClassifierTestResult& r = *s.result;
  return {{"accuracy", r.accuracy},
          {"sd", r.sd},
          {"folds", r.folds},
          {"per_class", r.per_class},
          {"seed", r.seed},
          {"fold_accuracy", r.fold_accuracy},
          {"model", "logistic regression, L2"}};
}

nlohmann::json TypeFormJson(const eval::TypeForm& t) {
  return {{"tunes", t.tunes},
          {"repeats", t.repeats},
          {"equal_parts", t.equal_parts},
          {"mean_bars", t.mean_bars},
          {"tonic_tunes", t.tonic_tunes},
          {"ends_on_tonic", t.tonic_tunes > 0 ? nlohmann::json(t.ends_on_tonic) : nlohmann::json()}};
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
// A row of the per-type table: type, then tunes, repeats, equal parts, bars, tonic of each set.
void TypeRow(std::string* out, const std::string& type, const std::vector<std::string>& g,
             const std::vector<std::string>& r) {
  char buf[240];
  std::snprintf(buf, sizeof buf, "  %-12s %6s %8s %12s %9s %7s   %6s %8s %12s %9s %7s\n", type.c_str(),
                g[0].c_str(), g[1].c_str(), g[2].c_str(), g[3].c_str(), g[4].c_str(), r[0].c_str(),
                r[1].c_str(), r[2].c_str(), r[3].c_str(), r[4].c_str());
  *out += buf;
}
std::vector<std::string> TypeCells(const eval::TypeForm& t) {
  return {std::to_string(t.tunes), Percent(t.repeats), Percent(t.equal_parts),
          Number(t.mean_bars, 1), t.tonic_tunes > 0 ? Percent(t.ends_on_tonic) : "n/a"};
}

int RunEval(const EvalArgs& args) {
  // The training index first, so each tune's novelty is judged as it is read.
  std::optional<eval::BarIndex> index;
  if (!args.train.empty()) {
    auto loaded = eval::LoadOrBuildBarIndex(args.train, args.train_cache);
    if (!loaded.ok()) return spdlog::error("{}", loaded.status().ToString()), kExitUsage;
    index = std::move(loaded).value();
  }
  const eval::BarIndex* novelty_index = index ? &*index : nullptr;
  auto generated = LoadSet("generated", args.generated, novelty_index, args.candidates,
                           static_cast<size_t>(args.max_style_tunes));
  if (!generated.ok()) return spdlog::error("{}", generated.status().ToString()), kExitUsage;
  auto reference = LoadSet("reference", args.reference, novelty_index, args.candidates,
                           static_cast<size_t>(args.max_style_tunes));
  if (!reference.ok()) return spdlog::error("{}", reference.status().ToString()), kExitUsage;

  const FormSummary gf = Summarise(generated->forms), rf = Summarise(reference->forms);
  std::vector<eval::FeatureComparison> style;
  if (!generated->style.empty() && !reference->style.empty()) {
    style = eval::CompareSets(StyleFeatures(*generated, args.max_tunes), StyleFeatures(*reference, args.max_tunes),
                              args.max_tunes);
  } else {
    spdlog::warn("no tunes with notes to compare: style metrics skipped");
  }
  const ClassifierSummary classifier = Classify(*generated, *reference, args.classifier_seed);
  const bool typed = std::any_of(generated->types.begin(), generated->types.end(),
                                 [](const std::string& t) { return !t.empty(); });
  const std::vector<eval::TypeFormRow> by_type = eval::FormByType(
      generated->forms, generated->types, reference->forms, reference->types, kTypeMinTunes);
  std::optional<NoveltySummary> gn, rn;
  int train_tunes = 0;
  if (index) {
    train_tunes = index->tune_count();
    gn = Novelty(*index, generated->novelty, args.json);
    rn = Novelty(*index, reference->novelty, args.json);
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
    j["classifier"] = ClassifierJson(classifier, args.classifier_seed);
    j["by_type"] = nlohmann::json::object();
    for (const auto& t : by_type)
      j["by_type"][t.type] = {{"generated", TypeFormJson(t.generated)},
                              {"reference", TypeFormJson(t.reference)}};
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
  // What no tune can tell (no tune parses; no tune with notes has a key to end on) is "n/a", not 0.
  auto tonic = [](const FormSummary& f) { return f.tonic_applicable ? Percent(f.tonic) : std::string("n/a"); };
  auto parsed = [](const FormSummary& f, const std::string& value) { return f.parses > 0 ? value : "n/a"; };
  Row(&out, "every bar the right length", parsed(gf, Percent(gf.bars_ok)), parsed(rf, Percent(rf.bars_ok)));
  Row(&out, "header fields (M:, K:)", parsed(gf, Percent(gf.header)), parsed(rf, Percent(rf.header)));
  Row(&out, "end on the tonic", tonic(gf), tonic(rf));
  Row(&out, "repeats", parsed(gf, Percent(gf.repeats)), parsed(rf, Percent(rf.repeats)));
  Row(&out, "parts of equal length", parsed(gf, Percent(gf.equal_parts)), parsed(rf, Percent(rf.equal_parts)));
  Row(&out, "bars (mean)", parsed(gf, Number(gf.mean_bars, 1)), parsed(rf, Number(rf.mean_bars, 1)));
  Row(&out, "pitch range (mean, semitones)", parsed(gf, Number(gf.mean_pitch_range, 1)),
      parsed(rf, Number(rf.mean_pitch_range, 1)));
  Row(&out, "bars echoing one of the " + std::to_string(eval::kEchoReach) + " before", parsed(gf, Percent(gf.echo)), parsed(rf, Percent(rf.echo)));
  if (!style.empty()) {
    out += "\nStyle against the reference (Yang & Lerch)   overlap     KL (nats)\n";
    Row(&out, "tunes compared (parse, have notes)", std::to_string(generated->with_notes),
        std::to_string(reference->with_notes));
    for (const auto& c : style) Row(&out, c.feature, Number(c.overlap, 3), Number(c.kl, 3));
  }
  out += "\nClassifier test: generated against reference (0.5 = cannot be told apart)\n";
  if (classifier.result) {
    const eval::ClassifierTestResult& c = *classifier.result;
    out += "  classifier accuracy (" + std::to_string(c.folds) + "-fold, logistic)  " +
           Number(c.accuracy) + " \u00b1 " + Number(c.sd) + "\n";
    out += "  tunes per set " + std::to_string(c.per_class) +
           " (seeded subset of the larger), seed " + std::to_string(c.seed) + "\n";
  } else {
    out += "  classifier accuracy (" + std::to_string(kClassifierFolds) +
           "-fold, logistic)  skipped: " + classifier.skipped + "\n";
  }
  if (typed) {
    out += "\nForm per type (R:), types with " + std::to_string(kTypeMinTunes) +
           "+ tunes in both sets\n";
    if (by_type.empty()) {
      out += "  no type has " + std::to_string(kTypeMinTunes) + " or more tunes in both sets\n";
    } else {
      const std::string rule(17, '-');  // 46 columns per set
      out += std::string(15, ' ') + rule + "- generated " + rule + "   " + rule + "- reference " +
             rule + "\n";
      const std::vector<std::string> head = {"tunes", "repeats", "equal parts", "mean bars", "tonic"};
      TypeRow(&out, "type", head, head);
      for (const auto& t : by_type)
        TypeRow(&out, t.type, TypeCells(t.generated), TypeCells(t.reference));
    }
  }
  if (gn) {
    out += "\nNovelty against " + std::to_string(train_tunes) +
           " training tunes    generated    reference\n";
    Row(&out, "tunes compared (parse, have notes)", std::to_string(gn->tunes),
        std::to_string(rn->tunes));
    // With no tune compared, every share and mean is "n/a", not 0.
    auto of = [](const NoveltySummary& n, const std::string& value) { return n.tunes > 0 ? value : "n/a"; };
    Row(&out, "copy 2 bars or more", of(*gn, Percent(gn->copy2)), of(*rn, Percent(rn->copy2)));
    Row(&out, "copy 4 bars or more", of(*gn, Percent(gn->copy4)), of(*rn, Percent(rn->copy4)));
    Row(&out, "copy 8 bars or more", of(*gn, Percent(gn->copy8)), of(*rn, Percent(rn->copy8)));
    Row(&out, "share a 16-note run", of(*gn, Percent(gn->notes16)), of(*rn, Percent(rn->notes16)));
    Row(&out, "share a 32-note run", of(*gn, Percent(gn->notes32)), of(*rn, Percent(rn->notes32)));
    Row(&out, "longest copied run (mean bars)", of(*gn, Number(gn->mean_run)), of(*rn, Number(rn->mean_run)));
    Row(&out, "nearest tune distance (mean)", of(*gn, Number(gn->mean_distance, 3)),
        of(*rn, Number(rn->mean_distance, 3)));
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
      ->check(NumberAtLeastZero(true))
      ->capture_default_str();
  sub->add_option("--max-style-tunes", args->max_style_tunes,
                  "Tunes per set read by the style distances and the classifier: a seeded uniform sample of a "
                  "larger set, so memory stays flat")
      ->check(CLI::Range(kClassifierMinTunes, 1 << 30))
      ->capture_default_str();
  sub->add_option("--candidates", args->candidates,
                  "Training tunes checked by edit distance per tune")
      ->check(NumberAtLeastZero(true))
      ->capture_default_str();
  sub->add_option("--classifier-seed", args->classifier_seed,
                  "Seed of the classifier test's balancing subset and folds")
      ->capture_default_str();
  sub->callback([args, &run] { run = [args] { return RunEval(*args); }; });
}

}  // namespace abcrnn::cli

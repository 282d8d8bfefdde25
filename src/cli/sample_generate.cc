// `abcrnn generate` (abcrnn-sample generate): new tunes from a checkpoint. Builds the prime from
// --prime and the header shortcuts, runs GenerateTunes, and prints each tune (ABC or JSON lines)
// with X:, T: and a % line that says how to make it again. A key-normalised model (trained with
// --transpose-to) gets the prime in its tonic and its tunes are moved to the prime's key.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "abcrnn/infer/generate.h"
#include "abcrnn/infer/key_shift.h"
#include "abcrnn/util/file.h"
#include "cli/sample_model.h"
#include "cli/sample_output.h"

namespace abcrnn::cli {
namespace {

struct GenerateCliOptions {
  std::string model;
  uint64_t seed = 0;
  int first = 0;
  int num = 1;
  int length = 1000;
  // 0.8 by measurement on the shipped model (models/README.md): it ends on the tonic as often as
  // real tunes (81.4%; 71.8% at 1.0) and beats the n-gram on all five style overlaps (0.6 loses
  // three of them).
  double temperature = 0.8;
  int top_k = 0;
  double top_p = 1.0;
  std::string prime;
  std::string meter, key, rhythm, unit;
  std::string format = "abc";
  std::string out;
  int batch = 64;
  int threads = 1;
  bool strict = true;
  bool stats = false;
  std::vector<std::string> novelty_against;  // corpus the novelty guard compares with
  int max_copied_bars = 8;
  std::string novelty_cache;
  std::string render_dir;  // --render DIR: ABC, MIDI, WAV, SVG per tune
};

struct RhythmDefaults {
  const char* name;
  const char* meter;
  const char* unit;
};

// Common dance and tune types and the header they usually have.
constexpr RhythmDefaults kRhythms[] = {
    {"air", "4/4", "1/8"},         {"barndance", "4/4", "1/8"}, {"hornpipe", "4/4", "1/8"},
    {"jig", "6/8", "1/8"},         {"march", "4/4", "1/8"},     {"mazurka", "3/4", "1/8"},
    {"polka", "2/4", "1/8"},       {"polska", "3/4", "1/8"},    {"reel", "4/4", "1/8"},
    {"schottische", "4/4", "1/8"}, {"slide", "12/8", "1/8"},    {"slip jig", "9/8", "1/8"},
    {"slipjig", "9/8", "1/8"},     {"strathspey", "4/4", "1/8"}, {"waltz", "3/4", "1/8"}};

// "\n", "\t" and "\\" in --prime become a newline, a tab and a backslash.
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      const char c = s[i + 1];
      if (c == 'n' || c == 't' || c == '\\') {
        out += c == 'n' ? '\n' : c == 't' ? '\t' : '\\';
        ++i;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '\n' ? std::string("\\n") : c == '\t' ? std::string("\\t") : c == '\\' ? std::string("\\\\") : std::string(1, c);
  return out;
}

// The unit note length ABC gives a meter when there is no L: (below 3/4: 1/16, else 1/8).
std::string DefaultUnit(const std::string& meter) {
  int num = 0, den = 0;
  if (std::sscanf(meter.c_str(), "%d/%d", &num, &den) == 2 && den > 0 && 4 * num < 3 * den) return "1/16";
  return "1/8";
}

// The prime: header lines from the shortcuts (M:, L:, then K: when given) and then --prime.
Result<std::string> BuildPrime(const GenerateCliOptions& o) {
  std::string prime = Unescape(o.prime);
  if (o.meter.empty() && o.key.empty() && o.rhythm.empty() && o.unit.empty()) return prime;
  std::string meter = o.meter, unit = o.unit;
  if (!o.rhythm.empty()) {
    const RhythmDefaults* found = nullptr;
    std::string known;
    for (const RhythmDefaults& r : kRhythms) {
      if (o.rhythm == r.name) found = &r;
      known += std::string(known.empty() ? "" : ", ") + r.name;
    }
    if (!found) return Status::InvalidArgument("--rhythm: expected one of " + known + "; got '" + o.rhythm + "'");
    if (meter.empty()) meter = found->meter;
    if (unit.empty()) unit = found->unit;
  }
  if (meter.empty()) meter = "4/4";
  if (unit.empty()) unit = DefaultUnit(meter);
  std::string header = "M:" + meter + "\nL:" + unit + "\n";
  if (!o.key.empty()) header += "K:" + o.key + "\n";
  if (!prime.empty() && o.key.empty())
    return Status::InvalidArgument("--prime with --meter/--unit/--rhythm: expected --key too (the prime "
                                   "follows the K: line), got no --key");
  return header + prime;
}

std::string RemakeLine(const GenerateCliOptions& o, const std::string& prime, const std::string& fingerprint,
                       int index) {
  std::ostringstream s;
  s << "% abcrnn generate --seed " << o.seed << " --first " << index << " --num 1 --length " << o.length
    << " --temperature " << o.temperature << " --top-k " << o.top_k << " --top-p " << o.top_p;
  if (!prime.empty()) s << " --prime \"" << Escape(prime) << "\"";
  if (!o.strict) s << " --no-strict";
  s << " (model " << fingerprint << ", abcrnn " << ABCRNN_VERSION << ")";
  return s.str();
}

int Run(const GenerateCliOptions& o) {
  if (o.format == "midi" && o.out.empty()) {
    spdlog::error("--format midi: expected --out DIR (a .mid file per tune goes there), got no --out");
    return kExitUsage;
  }
  if (o.novelty_against.empty() && o.max_copied_bars != 8)
    spdlog::warn("--max-copied-bars has no effect without --novelty-against");
  Result<std::string> prime = BuildPrime(o);
  if (!prime.ok()) {
    spdlog::error("{}", prime.status().message());
    return kExitUsage;
  }
  Result<LoadedModel> model = LoadModel(o.model, o.threads);
  if (!model.ok()) {
    spdlog::error("{}", model.status().ToString());
    return kExitUsage;
  }
  // A model trained in one tonic is given the prime in that tonic; its tunes move back.
  Result<KeyShift> shift = PlanKeyShift(*prime, model->cleaning.transpose_to);
  if (!shift.ok()) {
    spdlog::error("--prime/--key: moving the prime to {}, the tonic the model was trained in: {}",
                  model->cleaning.transpose_to, shift.status().message());
    return kExitUsage;
  }
  GenerateOptions g;
  g.seed = o.seed;
  g.first = o.first;
  g.num = o.num;
  g.length = o.length;
  g.sampler.temperature = o.temperature;
  g.sampler.top_k = o.top_k;
  g.sampler.top_p = o.top_p;
  g.prime = shift->model_prime;
  g.batch = o.batch;
  g.strict = o.strict;
  std::optional<NoveltyGuard> guard;
  if (!o.novelty_against.empty()) {
    auto opened = NoveltyGuard::Open(o.novelty_against, o.novelty_cache, o.max_copied_bars);
    if (!opened.ok()) {
      spdlog::error("--novelty-against: {}", opened.status().ToString());
      return kExitUsage;
    }
    guard = std::move(opened.value());
  }
  int64_t draws = 0, first_rejected = 0;
  int tunes = 0, retried = 0, failed = 0, cut = 0;
  int accepted = 0, dropped = 0;
  bool write_failed = false;

  std::string file_text;  // for --out: written at the end, atomically
  bool reader_gone = false;
  auto sink = [&](const GeneratedTune& t) {
    if (accepted >= o.num) return false;
    if (t.failed) {  // strict mode found no valid ending: never printed, replaced like a copy
      ++failed;
      spdlog::info("tune {} (seed {}): no valid ending found in {} attempts; dropped, sampling another",
                   t.index + 1, o.seed, t.attempts);
      return true;
    }
    if (guard) {
      int run = 0;
      std::string from;
      if (!guard->Accept(t.text, &run, &from)) {
        ++dropped;
        spdlog::info("novelty guard: tune {} copies {} bars of {}; dropped, sampling another", t.index + 1, run,
                     from);
        return true;
      }
    }
    ++accepted;
    ++tunes;
    draws += t.draws;
    first_rejected += t.first_rejected;
    retried += t.attempts > 1;
    cut += !t.ended;
    const int x = o.first + accepted;
    const std::string title = "Generated " + std::to_string(x);
    const std::string remake = RemakeLine(o, *prime, model->fingerprint, t.index);
    std::string text = t.text;
    int moved_by = 0;
    if (shift->semitones != 0) {
      Result<std::string> moved = ShiftTune(t.text, shift->semitones);
      if (moved.ok()) {
        text = *moved;
        moved_by = shift->semitones;
      } else {  // only a --no-strict tune with errors: printed as the model wrote it, and said so
        spdlog::warn("tune {}: not moved to the prime's key ({}); left in {}", x, moved.status().message(),
                     model->cleaning.transpose_to);
      }
    }
    std::string abc = "X:" + std::to_string(x) + "\nT:" + title + "\n" + remake + "\n" + text;
    if (abc.back() != '\n') abc += '\n';
    std::string record;
    const std::string stem = "tune-" + std::to_string(x);
    if (!o.render_dir.empty()) {
      Status r = RenderTune(abc, o.render_dir, stem);
      if (!r.ok()) {
        spdlog::error("--render: {}", r.ToString());
        write_failed = true;
        return false;
      }
    }
    if (o.format == "midi") {
      Status m = WriteTuneMidi(abc, o.out, stem);
      if (!m.ok()) {
        spdlog::error("--format midi: {}", m.ToString());
        write_failed = true;
        return false;
      }
      return true;
    }
    if (o.format == "jsonl") {
      nlohmann::json j = {{"x", x},
                          {"index", t.index},
                          {"title", title},
                          {"text", text},
                          {"abc", abc},
                          {"ended", t.ended ? "eos" : "length"},
                          {"chars", static_cast<int>(text.size())},
                          {"seed", o.seed},
                          {"temperature", o.temperature},
                          {"top_k", o.top_k},
                          {"top_p", o.top_p},
                          {"prime", *prime},
                          {"moved_semitones", moved_by},
                          {"strict", o.strict},
                          {"valid", o.strict ? nlohmann::json(!t.failed) : nlohmann::json()},
                          {"attempts", t.attempts},
                          {"draws", t.draws},
                          {"first_rejected", t.first_rejected},
                          {"model", model->fingerprint}};
      record = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    } else {
      record = abc + "\n";
    }
    if (!o.out.empty()) {
      file_text += record;
      return true;
    }
    if (!WriteOut(record)) {
      reader_gone = true;
      return false;
    }
    return true;
  };
  // Tunes the guard drops, and strict tunes without a valid ending, are replaced by the next
  // random streams (first + num, ...), so every kept tune can still be made again alone with its
  // --first. At most 20 times --num in all.
  const int64_t budget = 20 * static_cast<int64_t>(std::max(o.num, 1));
  int64_t next = o.first;
  bool exhausted = false;  // the budget ran out: the tunes found so far are still written, exit 1
  while (accepted < o.num && !reader_gone && !write_failed) {
    if (next - o.first >= budget) {
      exhausted = true;
      if (guard)
        spdlog::error("only {} of {} tunes were valid and copied at most {} bars after {} tries ({} without a "
                      "valid ending, {} copies); raise --max-copied-bars or change --temperature",
                      accepted, o.num, o.max_copied_bars, budget, failed, dropped);
      else
        spdlog::error("only {} of {} tunes found a valid ending after {} tries; raise --length or lower "
                      "--temperature", accepted, o.num, budget);
      break;
    }
    g.first = static_cast<int>(next);
    g.num = o.num - accepted;
    next += g.num;
    Status st = GenerateTunes(*model->engine, model->checkpoint.vocab, g, sink);
    if (!st.ok()) {
      spdlog::error("{}", st.message());
      return kExitUsage;
    }
  }
  if (write_failed) return kExitUsage;
  if (guard)
    std::fprintf(stderr, "novelty guard: %d tune(s) dropped for copying more than %d consecutive bars\n",
                 dropped, guard->max_bars());
  if (o.stats && o.strict)
    std::fprintf(stderr,
                 "strict: %d tunes, %lld draws, %lld first draws masked out (%.3f%% of draws: the model's "
                 "mass on invalid characters), %d restarted, %d cut at the length limit, %d failed and "
                 "replaced\n",
                 tunes, static_cast<long long>(draws), static_cast<long long>(first_rejected),
                 draws ? 100.0 * first_rejected / draws : 0.0, retried, cut, failed);
  if (reader_gone) return kExitOk;
  if (!o.out.empty() && o.format != "midi" && accepted > 0) {
    Status w = WriteFileAtomically(o.out, file_text);
    if (!w.ok()) {
      spdlog::error("{}", w.ToString());
      return kExitUsage;
    }
  }
  return exhausted ? kExitFindings : kExitOk;
}

}  // namespace

void RegisterGenerate(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<GenerateCliOptions>();
  CLI::App* sub = app.add_subcommand("generate", "Write new tunes with a trained model");
  sub->option_defaults()->always_capture_default();
  sub->add_option("--model", o->model,
                  "Checkpoint (.ckpt); default: $ABCRNN_MODEL, else models/default.ckpt in the installed "
                  "share/abcrnn or the source tree");
  sub->add_option("--seed", o->seed, "Random seed: the same seed, model and options give the same tunes");
  sub->add_option("--num", o->num, "How many tunes")->check(CLI::NonNegativeNumber);
  sub->add_option("--first", o->first, "Index of the first tune (remakes tune N of a run: --first N --num 1)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--length", o->length, "Most characters per tune (prime included)")->check(CLI::PositiveNumber);
  sub->add_option("--temperature", o->temperature, "Sampling temperature: 1 = the model's own distribution, lower = safer; 0 = always the most likely")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--top-k", o->top_k, "Sample among the k most likely characters only; 0 = all")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--top-p", o->top_p, "Nucleus sampling: the most likely characters up to this mass; 1 = all")
      ->check(CLI::Range(1e-9, 1.0));
  sub->add_option("--prime", o->prime,
                  "Start of the tune in training form (header lines M:, L:, K: and/or first bars); \\n = newline");
  sub->add_option("--meter", o->meter, "Header shortcut: M: (e.g. 6/8)");
  sub->add_option("--key", o->key, "Header shortcut: K: (e.g. Dmix)");
  sub->add_option("--unit", o->unit, "Header shortcut: L: (e.g. 1/8); default from the meter or rhythm");
  sub->add_option("--rhythm", o->rhythm, "Header shortcut: jig, reel, hornpipe, polka, slip jig, waltz, ... "
                                         "(sets meter and unit unless given)");
  sub->add_option("--format", o->format, "Output: abc, jsonl, or midi (a .mid per tune in the --out folder)")
      ->check(CLI::IsMember({"abc", "jsonl", "midi"}));
  sub->add_option("--out", o->out, "Write to this file (atomically) instead of standard output; a folder "
                                   "with --format midi");
  sub->add_option("--render", o->render_dir, "Also write tune-N.abc, .mid, .wav and .svg for each tune here");
  sub->add_option("--novelty-against", o->novelty_against,
                  "ABC files or folders: drop (and replace) tunes that copy more than --max-copied-bars "
                  "consecutive bars of them, in any key");
  sub->add_option("--max-copied-bars", o->max_copied_bars, "Novelty guard: most consecutive bars a tune may share")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--novelty-cache", o->novelty_cache,
                  "Bar index cache file (default: $XDG_CACHE_HOME or ~/.cache, abcrnn/bar-index.bin)");
  sub->add_option("--batch", o->batch, "Tunes made at once (speed only; the tunes do not change)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--threads", o->threads, "Threads for the matrix products (the tunes do not change)")
      ->check(CLI::Range(1, 64));
  sub->add_flag("--strict,!--no-strict", o->strict,
                "Only valid ABC: mask characters that would make the tune invalid (default on)");
  sub->add_flag("--stats", o->stats, "Print strict-mode statistics to standard error at the end");
  sub->callback([o, &run] { run = [o] { return Run(*o); }; });
}

}  // namespace abcrnn::cli

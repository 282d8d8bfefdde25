// `abcrnn generate` (abcrnn-sample generate): new tunes from a checkpoint. Turns the options into
// a request (sample_request.h), runs a GenerationSession with a time limit, Ctrl-C and the novelty
// guard, and prints each tune (ABC or JSON lines) with X:, T: and a % line that says how to make it
// again, or writes it to files (--out, --render, --format midi).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "abcrnn/abc/controls.h"
#include "abcrnn/infer/controls_policy.h"
#include "abcrnn/infer/session.h"
#include "abcrnn/midi/tune_midi.h"
#include "abcrnn/util/file.h"
#include "cli/cli_checks.h"
#include "cli/midi_options.h"
#include "cli/sample_model.h"
#include "cli/sample_output.h"
#include "cli/sample_request.h"

namespace abcrnn::cli {
namespace {

// The default time limit: a trained model makes a tune in well under a second (100 tunes in 4 s on
// 2 cores), an under-trained one can search for minutes without finding an ending.
constexpr double kDefaultSeconds = 30;
constexpr double kSecondsPerTune = 2;

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

// The command line's request (sample_request.h) and what only the command line does.
struct GenerateCliOptions : TuneRequest {
  std::string model;
  bool seed_given = false;  // without --seed each run draws its own (printed in every tune's % line)
  // Seconds the run may take; negative: kDefaultSeconds + kSecondsPerTune * num (a trained model
  // makes a tune in well under a second); 0: no limit.
  double time_limit = -1;
  std::string format = "abc";
  std::string out;
  int threads = 1;
  bool stats = false;
  std::vector<std::string> novelty_against;  // corpus the novelty guard compares with
  int max_copied_bars = 8;
  std::string novelty_cache;
  std::string render_dir;  // --render DIR: ABC, MIDI, WAV, SVG per tune
  MidiOptionsArgs perform;  // --program, --tempo, ... for --render and --format midi
  bool list_controls = false;
};

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

// --list-controls: what the model knows, from its checkpoint, and how it draws by default.
int ListControls(const LoadedModel& model) {
  const SamplingDefaults& s = model.sampling;
  std::printf("model %s draws at --temperature %g --top-k %d --top-p %g unless asked otherwise%s\n",
              model.fingerprint.c_str(), s.temperature, s.top_k, s.top_p,
              model.sampling_recorded ? " (its checkpoint's recommendation)" : "");
  if (model.controls.empty()) {
    std::printf("model %s was trained without controls: --rhythm, --meter, --unit and --key write its header "
                "lines; --style, --parts and --bars need a model trained with abcrnn train --controls\n",
                model.fingerprint.c_str());
    return kExitOk;
  }
  std::printf("model %s knows these controls (training tunes with each):\n%s", model.fingerprint.c_str(),
              DescribeControls(model.controls).c_str());
  return kExitOk;
}

std::string JsonRecord(const SessionTune& t, const GenerateCliOptions& o, const std::string& abc,
                       const PreparedRequest& p, const LoadedModel& model) {
  const abc::TuneControls c = abc::ReadControlLines(t.text);
  nlohmann::json j = {{"x", t.x},
                      {"index", t.raw.index},
                      {"title", TitleOf(t, p.title, o.num)},
                      {"text", t.text},
                      {"abc", abc},
                      {"ended", t.raw.ended ? "eos" : "length"},
                      {"chars", static_cast<int>(t.text.size())},
                      {"seed", o.seed},
                      {"temperature", p.sampling.temperature},
                      {"top_k", p.sampling.top_k},
                      {"top_p", p.sampling.top_p},
                      {"match_model", !o.no_match_model},
                      {"match_boost", o.match_boost},
                      {"prime", p.prime},
                      {"header", t.header},
                      {"style", c.style},
                      {"type", c.type},
                      {"form", abc::FormText(c.part_bars, c.part_repeats)},
                      {"final", c.final_semitones >= 0 ? nlohmann::json(abc::DegreeText(c.final_semitones))
                                                       : nlohmann::json()},
                      {"beat", c.beat.empty() ? nlohmann::json() : nlohmann::json(c.beat)},
                      {"moved_semitones", t.moved_semitones},
                      {"strict", o.strict},
                      {"valid", o.strict ? nlohmann::json(!t.raw.failed) : nlohmann::json()},
                      {"attempts", t.raw.attempts},
                      {"draws", t.raw.draws},
                      {"first_rejected", t.raw.first_rejected},
                      {"final_redraws", t.raw.final_redraws},
                      {"model", model.fingerprint}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

int Run(GenerateCliOptions o) {
  Result<midi::PerformOptions> perform_options = o.perform.ToOptions();
  if (!perform_options.ok()) {
    spdlog::error("{}", perform_options.status().ToString());
    return kExitUsage;
  }
  const midi::PerformOptions perform = *perform_options;
  if (o.out == "-" && o.format != "midi") o.out.clear();  // "-o -": standard output, as everywhere
  if (o.format == "midi" && o.out.empty() && !o.list_controls) {
    spdlog::error("--format midi: expected --out DIR (tune-<X>.mid per tune goes there) or --out FILE.mid with "
                  "--num 1, got no --out");
    return kExitUsage;
  }
  // --format midi --out one.mid (or "-", standard output): one tune into that file; several need
  // a folder.
  const bool one_midi_file = o.format == "midi" && (IsMidiFileName(o.out) || o.out == "-");
  if (o.format == "midi" && o.out == "-" && ::isatty(STDOUT_FILENO) && !o.list_controls) {
    spdlog::error("--format midi -o -: MIDI is binary; redirect standard output to a file or a pipe, or name a file");
    return kExitUsage;
  }
  if (one_midi_file && o.num > 1 && !o.list_controls) {
    spdlog::error("--format midi --out {}: expected --num 1 for one MIDI file, got --num {}; give a folder for "
                  "tune-<X>.mid per tune", o.out, o.num);
    return kExitUsage;
  }
  if (o.novelty_against.empty() && o.max_copied_bars != 8)
    spdlog::warn("--max-copied-bars has no effect without --novelty-against");
  if (!o.out.empty() && o.out != "-") {
    // Missing folders of --out are made now, so a long run never fails at its very end.
    const std::filesystem::path folder = o.format == "midi" && !one_midi_file
                                             ? std::filesystem::path(o.out)
                                             : std::filesystem::path(o.out).parent_path();
    std::error_code ec;
    if (!folder.empty()) std::filesystem::create_directories(folder, ec);
    if (ec) {
      spdlog::error("--out {}: cannot create the folder {}: {}", o.out, folder.string(), ec.message());
      return kExitUsage;
    }
  }
  InstallStopSignals();
  Result<LoadedModel> model = LoadModel(o.model, o.threads, o.precision);
  if (!model.ok()) {
    spdlog::error("{}", model.status().ToString());
    return kExitUsage;
  }
  if (o.list_controls) return ListControls(*model);
  o.prime = Unescape(o.prime);
  Result<PreparedRequest> prepared = PrepareRequest(*model, o);
  if (!prepared.ok()) {
    spdlog::error("{}", prepared.status().message());
    return kExitUsage;
  }
  for (const std::string& w : prepared->warnings) spdlog::warn("{}", w);
  SessionOptions& so = prepared->session;
  GenerateOptions& g = so.generate;
  // Ctrl-C, or the time limit; on a terminal, a progress line once a second.
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const double limit = o.time_limit < 0 ? kDefaultSeconds + kSecondsPerTune * std::max(o.num, 1) : o.time_limit;
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  bool timed_out = false, progress_shown = false;
  double next_progress = 2.0;
  const SessionStats* live = nullptr;  // the session's, once it exists
  g.stop = [&] {
    if (StopRequested().load()) return true;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (limit > 0 && elapsed > limit) {
      timed_out = true;
      return true;
    }
    if (terminal && live != nullptr && elapsed >= next_progress) {
      next_progress = elapsed + 1.0;
      progress_shown = true;
      std::fprintf(stderr, "\rgenerating: %d of %d tunes, %d without a valid ending, %.0f s ", live->tunes, o.num,
                   live->failed, elapsed);
    }
    return false;
  };
  Result<GenerationSession> session = GenerationSession::Create(prepared->model, so);
  if (!session.ok()) {
    spdlog::error("{}", session.status().message());
    return kExitUsage;
  }
  live = &session->stats();
  std::optional<NoveltyGuard> guard;
  if (!o.novelty_against.empty()) {
    auto opened = NoveltyGuard::Open(o.novelty_against, o.novelty_cache, o.max_copied_bars);
    if (!opened.ok()) {
      spdlog::error("--novelty-against: {}", opened.status().ToString());
      return kExitUsage;
    }
    guard = std::move(opened.value());
  }
  TuneAcceptor accept;
  if (guard) {
    accept = [&](const SessionTune& t, std::string* why) {
      int run = 0;
      std::string from;
      if (guard->Accept(t.text, &run, &from)) return true;
      *why = "novelty guard: copies " + std::to_string(run) + " bars of " + from;
      return false;
    };
  }
  bool write_failed = false, reader_gone = false;
  std::string file_text;  // for --out: written at the end, atomically
  TuneFileNames names("");  // the stem of --render's and --format midi's files: tune-<X>
  AtomicFileBatch midi_files;  // --format midi into a folder: flushed by the thousand, and at the end
  auto sink = [&](const SessionTune& t) {
    if (!t.move_error.empty())
      spdlog::warn("tune {}: not moved to the key asked ({}); left in {}", t.x, t.move_error,
                   model->cleaning.transpose_to);
    const std::string abc =
        TuneAbc(t, prepared->title, o.num,
                RemakeLine(o, *prepared, model->fingerprint, t.raw.index, TitleOf(t, prepared->title, o.num)),
                o.bars_per_line);
    const std::string stem = names.Next("tune", t.x, t.x);
    if (!o.render_dir.empty()) {
      Status r = RenderTune(abc, o.render_dir, stem, perform);
      if (!r.ok()) {
        spdlog::error("--render: {}", r.ToString());
        write_failed = true;
        return false;
      }
    }
    if (o.format == "midi" && o.out == "-") {
      auto bytes = midi::AbcToMidi(abc, perform);
      if (!bytes.ok()) {
        spdlog::error("--format midi: {}", bytes.status().ToString());
        write_failed = true;
        return false;
      }
      if (!WriteOut(*bytes)) reader_gone = true;
      return !reader_gone;
    }
    if (o.format == "midi") {
      const std::string path = one_midi_file ? o.out : (std::filesystem::path(o.out) / (stem + ".mid")).string();
      Status m = WriteTuneMidi(abc, path, perform, one_midi_file ? nullptr : &midi_files);
      if (!m.ok()) {
        spdlog::error("--format midi: {}", m.ToString());
        write_failed = true;
        return false;
      }
      return true;
    }
    const std::string record = o.format == "jsonl" ? JsonRecord(t, o, abc, *prepared, *model) : abc + "\n";
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
  Status st = session->Run(sink, accept, [](const std::string& line) { spdlog::info("{}", line); });
  if (progress_shown) std::fprintf(stderr, "\r\033[K");  // the progress line cleared
  // The MIDI files of the tunes finished, also when interrupted.
  if (Status f = midi_files.Flush(); !f.ok()) {
    spdlog::error("--format midi: {}", f.ToString());
    write_failed = true;
  }
  if (!st.ok()) {
    spdlog::error("{}", st.message());
    return kExitUsage;
  }
  if (write_failed) return kExitUsage;
  const SessionStats& s = session->stats();
  if (s.exhausted) {
    if (guard)
      spdlog::error("only {} of {} tunes were valid and copied at most {} bars after {} tries ({} without a valid "
                    "ending, {} copies); raise --max-copied-bars or change --temperature",
                    s.tunes, o.num, o.max_copied_bars, so.budget_factor * std::max(o.num, 1), s.failed, s.dropped);
    else
      spdlog::error("only {} of {} tunes found a valid ending{} after {} tries; raise --length or lower "
                    "--temperature", s.tunes, o.num, s.copies > 0 ? " and were new" : "",
                    so.budget_factor * std::max(o.num, 1));
  }
  if (o.stats && session->guard_notes() > 0)
    std::fprintf(stderr, "copy guard: %d tune(s) dropped for sharing a run of %d notes with a training tune\n",
                 s.copies, session->guard_notes());
  if (guard)
    std::fprintf(stderr, "novelty guard: %d tune(s) dropped for copying more than %d consecutive bars\n", s.dropped,
                 guard->max_bars());
  if (o.stats && o.strict)
    std::fprintf(stderr,
                 "strict: %d tunes, %lld draws, %lld first draws masked out (%.3f%% of draws: the model's "
                 "mass on invalid characters), %lld went back to a bar line, %d restarted, %d cut at the "
                 "length limit, %d failed and replaced\n",
                 s.tunes, static_cast<long long>(s.draws), static_cast<long long>(s.first_rejected),
                 s.draws ? 100.0 * s.first_rejected / s.draws : 0.0, static_cast<long long>(s.backtracks),
                 s.retried, s.cut, s.failed);
  if (reader_gone) return kExitOk;
  if (!o.out.empty() && o.format != "midi" && s.tunes > 0) {
    Status w = WriteFileAtomically(o.out, file_text);
    if (!w.ok()) {
      spdlog::error("{}", w.ToString());
      return kExitUsage;
    }
  }
  const std::string where = o.out.empty() || o.out == "-" ? "standard output" : o.out;
  if (s.hopeless || (s.stopped && timed_out)) {
    // A model that cannot end tunes: say so in seconds, not after the whole budget.
    const std::string what = s.hopeless ? "none of the first " + std::to_string(s.failed) +
                                              " tunes it tried found a valid ending"
                                        : "the time limit (--time-limit " + Seconds(limit) + " s) was reached with " +
                                              std::to_string(s.tunes) + " of " + std::to_string(o.num) +
                                              " tunes finished";
    spdlog::error("stopped: {}; the model looks under-trained (train it longer), or ask less of it (a lower "
                  "--temperature, a larger --length); --no-strict shows what it writes{}",
                  what, s.tunes > 0 ? " (the " + std::to_string(s.tunes) + " finished tunes were written to " + where + ")" : "");
    return kExitFindings;
  }
  if (s.stopped) {
    // What was finished is kept (written above, or already printed); say where it is.
    if (s.tunes == 0)
      spdlog::error("interrupted before the first tune was finished: nothing was written");
    else
      spdlog::error("interrupted: kept the {} of {} tunes that were finished (written to {})", s.tunes, o.num,
                    where);
    return StopExitCode();
  }
  return s.exhausted ? kExitFindings : kExitOk;
}

}  // namespace

void RegisterGenerate(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<GenerateCliOptions>();
  CLI::App* sub = app.add_subcommand("generate", "Write new tunes with a trained model");
  sub->option_defaults()->always_capture_default();
  sub->add_option("--model", o->model,
                  "Checkpoint (.ckpt); default: $ABCRNN_MODEL, else models/default.ckpt in the installed "
                  "share/abcrnn or the source tree");
  sub->add_option("--seed", o->seed, "Random seed: the same seed, model and options give the same tunes; "
                                     "without it each run draws one (each tune's % line shows it)")
      ->default_str("new each run");
  sub->add_option("--num", o->num, "How many tunes")->check(NumberAtLeastZero());
  sub->add_option("--first", o->first, "Index of the first tune (remakes tune N of a run: --first N --num 1)")
      ->check(NumberAtLeastZero());
  sub->add_option("--length", o->length, "Most characters per tune (prime included)")->check(NumberAtLeastZero(true));
  // Not given: the model's (its checkpoint's "generation" record; --list-controls prints it).
  sub->add_option("--temperature", o->temperature, "Sampling temperature: 1 = the model's own distribution, lower = safer; 0 = always the most likely")
      ->check(NumberAtLeastZero())
      ->default_str("the model's, else 0.9");
  sub->add_option("--top-k", o->top_k, "Sample among the k most likely characters only; 0 = all")
      ->check(NumberAtLeastZero())
      ->default_str("the model's, else 0");
  sub->add_option("--top-p", o->top_p, "Nucleus sampling: the most likely characters up to this mass; 1 = all")
      ->check(CLI::Range(1e-9, 1.0))
      ->default_str("the model's, else 1");
  sub->add_option("--prime", o->prime,
                  "Start of the tune in training form (header lines M:, L:, K: and/or first bars); \\n = newline");
  sub->add_option("--meter", o->meter, "Header shortcut: M: (e.g. 6/8)");
  sub->add_option("--key", o->key, "Header shortcut: K: (e.g. Dmix)");
  sub->add_option("--unit", o->unit, "Header shortcut: L: (e.g. 1/8); default from the meter or rhythm");
  sub->add_option("--rhythm", o->rhythm, "Control: the tune type (reel, jig, hornpipe, ...; see --list-controls). "
                                         "With a model without controls, a header shortcut for meter and unit");
  sub->add_option("--style", o->style, "Control: the collection whose style to write in (see --list-controls)");
  sub->add_option("--parts", o->parts, "Control: number of parts, 1 to 8 (strict mode keeps it); -1: drawn");
  sub->add_option("--bars", o->bars, "Control: bars per part, 1 to 64 (strict mode keeps it); -1: drawn");
  sub->add_option("--final", o->final_degree, "Control: the degree of the key the tune ends on (1 the tonic, 5 "
                                              "the fifth, b3 a minor third; strict mode keeps it), for a model "
                                              "trained with --final; default drawn with the type");
  sub->add_option("--beat", o->beat, "Control: how much of the tune is in dotted pairs: even (a dotted figure now "
                                     "and then), mixed or dotted (throughout, as a hornpipe), for a model trained "
                                     "with --beat; default drawn with the type");
  sub->add_flag("--free-form", o->free_form, "Let the model choose where parts and the tune end when the form is "
                                             "drawn (--parts/--bars are always kept)");
  sub->add_flag("--keep-form", o->keep_form, "Keep drawn forms without --rhythm too (the default for a model "
                                             "trained with --form-clock; strict mode)")
      ->excludes("--free-form");
  sub->add_flag("--keep-final", o->keep_final, "Keep drawn finals too: strict mode draws a tune's last bar again "
                                               "(up to 8 times) until it ends on its header's final, as it always "
                                               "does for --final");
  sub->add_flag("--list-controls", o->list_controls, "Print the types, styles, forms, meters and keys the model "
                                                     "knows, with counts, and exit");
  sub->add_option("--format", o->format,
                  "Output: abc, jsonl, or midi (tune-<X>.mid per tune in the --out folder, or the --out .mid "
                  "file with --num 1)")
      ->check(CLI::IsMember({"abc", "jsonl", "midi"}));
  sub->add_option("-o,--out", o->out, "Write to this file (atomically) instead of standard output ('-'); with "
                                   "--format midi a folder, or a .mid file for --num 1");
  sub->add_option("--render", o->render_dir, "Also write tune-<X>.abc, .mid, .wav and .svg for each tune here");
  // How --render and --format midi play the tunes (abcrnn midi's and render's options of the names).
  sub->add_option("--program", o->perform.program,
                  "With --render or --format midi: General MIDI instrument, 1..128 (41 violin, 74 flute)");
  sub->add_option("--tempo", o->perform.tempo,
                  "With --render or --format midi: quarter notes per minute when the tune has no Q:");
  sub->add_option("--novelty-against", o->novelty_against,
                  "ABC files or folders: drop (and replace) tunes that copy more than --max-copied-bars "
                  "consecutive bars of them, in any key");
  sub->add_option("--max-copied-bars", o->max_copied_bars, "Novelty guard: most consecutive bars a tune may share")
      ->check(NumberAtLeastZero());
  sub->add_option("--novelty-cache", o->novelty_cache,
                  "Bar index cache file (default: $XDG_CACHE_HOME or ~/.cache, abcrnn/bar-index.bin)");
  sub->add_option("--match-boost", o->match_boost,
                  "How much more the match model's plain matches weigh in a draw than fitted: w + boost (1 - w); "
                  "0 = as fitted")
      ->check(CLI::Range(0.0, 0.99));
  sub->add_flag("--no-match-model", o->no_match_model,
                "Draw from the network (LSTM or GRU) alone, without the model's match model (which brings back the tune's own "
                "earlier figures as real tunes do; doc/match-model.md)");
  sub->add_flag("--allow-copies", o->allow_copies,
                "Keep tunes that share a run of notes (32, in any key) with a training tune; by default they "
                "are dropped and replaced when the model records its training tunes' runs");
  sub->add_option("--title", o->title,
                  "Title (T:) of the tunes, numbered when there are several; default: the prime's T:, else "
                  "'Generated N'");
  sub->add_option("--bars-per-line", o->bars_per_line,
                  "Bars on each printed music line, parts starting a new line and an upbeat kept with the bars "
                  "it leads into; 0: the model's own line ends (layout only, the tunes are the same)")
      ->check(CLI::Range(0, 64))->capture_default_str();
  sub->add_option("--batch", o->batch, "Tunes made at once (speed only; the tunes do not change)")
      ->check(NumberAtLeastZero(true));
  sub->add_option("--threads", o->threads, "Threads for the matrix products (the tunes do not change)")
      ->check(CLI::Range(1, 64));
  AddPrecisionOption(sub, &o->precision);
  // Two flags, so help shows the default plainly (CLI11 prints "--strict,--no-strict{false}").
  CLI::Option* strict = sub->add_flag("--strict", o->strict,
                                      "Only valid ABC: mask characters that would make the tune invalid (the default)");
  sub->add_flag_function(
         "--no-strict", [o](int64_t) { o->strict = false; },
         "Draw every character as the model gives it, valid ABC or not (what it writes left alone)")
      ->excludes(strict);
  sub->add_option("--time-limit", o->time_limit,
                  "Stop after this many seconds, keeping the finished tunes (exit 1); 0: no limit")
      ->default_str("30 + 2 per tune");
  sub->add_flag("--stats", o->stats, "Print strict-mode statistics to standard error at the end");
  sub->callback([o, sub, &run] {
    o->seed_given = sub->count("--seed") > 0;
    run = [o] {
      if (!o->seed_given) o->seed = std::random_device{}() % 1000000000u;  // a fresh run, as folkrnn.org
      return Run(*o);
    };
  });
}

}  // namespace abcrnn::cli

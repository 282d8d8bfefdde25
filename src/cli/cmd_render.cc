// `abcrnn render FILE -o OUT.wav|.svg|.pdf`: tunes as audio (FluidSynth with the General MIDI
// sound font; FILE may also be a .mid, one WAV) or as sheet music (abcm2ps). A file of one tune, or
// --tune X, gives OUT as named; several tunes give one file each beside OUT, <OUT stem>-<X>.<ext>
// (TuneFileNames), as abcm2ps -g writes one SVG per tune. Exit 0 when every tune was written, 1
// when a tune could not be played or engraved (the others are still written), 2 for usage, file
// errors and missing programs; 128 + the signal when interrupted.
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "abcrnn/abc/parser.h"
#include "abcrnn/midi/sheet.h"
#include "abcrnn/midi/synth.h"
#include "abcrnn/midi/tune_midi.h"
#include "abcrnn/util/file.h"
#include "cli/commands.h"
#include "cli/midi_options.h"

namespace abcrnn::cli {
namespace {
namespace fs = std::filesystem;

struct RenderArgs {
  std::string input;
  std::string output;
  int tune = -1;
  std::string sound_font = midi::SynthOptions().sound_font;
  MidiOptionsArgs perform;
};

// What every tune of one run is rendered with.
struct RenderJob {
  std::string input;  // FILE, for messages
  std::string ext;    // ".wav", ".svg" or ".pdf" (lower case)
  midi::PerformOptions perform;
  midi::SynthOptions synth;
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A missing program or sound font, or a folder that cannot be written, would fail every tune
// alike; anything else is this tune's (abcm2ps engraved nothing, ran over its time ...).
bool EnvironmentFailure(const Status& s) {
  const Status::Code c = s.code();
  return c == Status::Code::kNotFound || c == Status::Code::kIOError || c == Status::Code::kUnsupported;
}

// A field abcm2ps or the synthesiser reads whole (a meter, key or unit length that does not parse)
// is refused: abcm2ps loops forever on some of them. Errors in the music are played as parsed.
// False, after saying where the field is, when `tune` has such an error.
bool HeaderFieldsParse(const abc::Tune& tune, const std::string& input) {
  for (const abc::Diagnostic& d : tune.diagnostics) {
    const bool field = d.kind == abc::DiagnosticKind::kInvalidMeter || d.kind == abc::DiagnosticKind::kInvalidKey ||
                       d.kind == abc::DiagnosticKind::kInvalidUnitLength ||
                       d.kind == abc::DiagnosticKind::kInvalidField;
    if (field && d.severity == abc::Severity::kError) {
      spdlog::error("{}:{}:{}: X:{} cannot be rendered: [{}] {}", input, d.pos.line, d.pos.column, tune.x,
                    abc::KindName(d.kind), d.message.substr(0, 200));
      return false;
    }
  }
  if (!tune.valid()) spdlog::warn("{}: X:{} has errors (see abcrnn check); rendering what parsed", input, tune.x);
  return true;
}

// Writes `tune` to `out` as the job's format. Sheet music stops when StopRequested() is set.
Status RenderToFile(const abc::Tune& tune, const std::string& out, const RenderJob& job) {
  if (job.ext == ".wav") {
    auto smf = midi::TuneToMidi(tune, job.perform);
    if (!smf.ok()) return smf.status();
    return midi::WriteWavFromSmf(out, *smf, job.synth);
  }
  auto format = midi::SheetFormatForPath(out);
  if (!format.ok()) return format.status();
  midi::SheetOptions sheet;
  sheet.stop = &StopRequested();
  return midi::RenderSheet(tune.text, out, *format, sheet);
}

// One tune to OUT as named.
int RenderOne(const abc::Tune& tune, const std::string& out, const RenderJob& job) {
  if (!HeaderFieldsParse(tune, job.input)) return kExitFindings;
  if (job.ext != ".wav") InstallStopSignals();  // Ctrl-C stops abcm2ps and removes its temporary folder
  Status s = RenderToFile(tune, out, job);
  if (StopRequested().load()) {
    spdlog::error("interrupted: nothing was written");
    return StopExitCode();
  }
  if (s.ok()) return kExitOk;
  spdlog::error("{}: X:{} not rendered to {}: {}", job.input, tune.x, out, s.ToString());
  return EnvironmentFailure(s) ? kExitUsage : kExitFindings;
}

// Every tune of `tunes` to its own file beside OUT: <OUT stem>-<X><OUT extension>. A tune that
// cannot be rendered is reported and skipped; a missing program or sound font, or a folder that
// cannot be written, would fail every tune alike and ends the run (exit 2).
// The tunes come from `reader`, after the ones already read (`first`), one at a time.
int RenderEach(std::vector<abc::Tune> first, abc::TuneReader& reader, const std::string& out, const RenderJob& job) {
  const fs::path out_path(out);
  const std::string stem = out_path.stem().string();
  TuneFileNames names(out_path.extension().string());
  InstallStopSignals();  // Ctrl-C: stops abcm2ps (audio finishes its tune); the tunes written are kept
  int written = 0, failed = 0, done = 0;
  bool environment = false;
  abc::Tune tune;
  auto next = [&](size_t i) {
    if (i >= first.size()) return reader.Next(&tune);
    tune = std::move(first[i]);
    return true;
  };
  size_t i = 0;
  for (; !StopRequested().load() && next(i); ++i) {
    const std::string path = (out_path.parent_path() / names.Next(stem, tune.x, static_cast<int>(i + 1))).string();
    ++done;
    if (!HeaderFieldsParse(tune, job.input)) {
      ++failed;
      continue;
    }
    Status s = RenderToFile(tune, path, job);
    // Stopped in the middle: not written. Audio finishes its tune before it stops, and that file
    // is kept, so it is counted.
    if (StopRequested().load() && !s.ok()) {
      --done;
      break;
    }
    if (s.ok()) {
      ++written;
      continue;
    }
    spdlog::error("{}: X:{} not rendered to {}: {}", job.input, tune.x, path, s.ToString());
    if (EnvironmentFailure(s)) {
      environment = true;
      break;
    }
    ++failed;
  }
  if (names.renamed() > 0) spdlog::warn("{}", names.RenamedWarning());
  const std::string pattern = (out_path.parent_path() / (stem + "-<X>" + out_path.extension().string())).string();
  if (StopRequested().load()) {
    spdlog::error("interrupted after {} tune(s): kept the {} file(s) written as {}", done, written, pattern);
    return StopExitCode();
  }
  if (environment) {
    spdlog::error("stopped after {} tune(s): kept the {} file(s) written as {}", done, written, pattern);
    return kExitUsage;
  }
  if (!reader.status().ok()) {
    spdlog::error("{}", reader.status().ToString());
    return kExitUsage;
  }
  spdlog::info("{} of {} tunes written as {}, {} failed", written, i, pattern, failed);
  return failed > 0 ? kExitFindings : kExitOk;
}

int RunRender(const RenderArgs& args) {
  RenderJob job;
  job.input = args.input;
  job.ext = Lower(fs::path(args.output).extension().string());
  if (job.ext != ".wav" && job.ext != ".svg" && job.ext != ".pdf") {
    spdlog::error("-o: expected an output ending in .wav, .svg or .pdf, got '{}'", args.output);
    return kExitUsage;
  }
  auto options = args.perform.ToOptions();
  if (!options.ok()) {
    spdlog::error("{}", options.status().ToString());
    return kExitUsage;
  }
  job.perform = *options;
  job.synth.sound_font = args.sound_font;
  std::string in_ext = Lower(fs::path(args.input).extension().string());
  if (in_ext == ".mid" || in_ext == ".midi") {
    if (job.ext != ".wav") {
      spdlog::error("sheet music needs ABC: expected an .abc input for {}, got a MIDI file", job.ext);
      return kExitUsage;
    }
    auto bytes = ReadFile(args.input);
    if (!bytes.ok()) {
      spdlog::error("{}", bytes.status().ToString());
      return kExitUsage;
    }
    const Status written = midi::WriteWavFromSmf(args.output, *bytes, job.synth);
    if (!written.ok()) spdlog::error("{}", written.ToString());
    return ExitCodeFor(written);
  }
  // One tune at a time: --tune stops at its tune, and a file of any size fits in memory.
  abc::ParseOptions parse;
  parse.file_name = args.input;
  auto reader = abc::TuneReader::Open(args.input, parse);
  if (!reader.ok()) {
    spdlog::error("{}", reader.status().ToString());
    return kExitUsage;
  }
  std::vector<abc::Tune> first;
  abc::Tune tune;
  if (args.tune >= 0) {
    while ((*reader)->Next(&tune))
      if (tune.x == args.tune) return RenderOne(tune, args.output, job);
  }
  if (!(*reader)->status().ok()) {
    spdlog::error("{}", (*reader)->status().ToString());
    return kExitUsage;
  }
  if (args.tune >= 0) {
    spdlog::error("--tune: expected a tune with X:{} in {}, got none", args.tune, args.input);
    return kExitUsage;
  }
  // One tune gives OUT as named; a second one means a file per tune.
  while (first.size() < 2 && (*reader)->Next(&tune)) first.push_back(std::move(tune));
  if (!(*reader)->status().ok()) {
    spdlog::error("{}", (*reader)->status().ToString());
    return kExitUsage;
  }
  if (first.empty()) {
    spdlog::error("{}: expected an ABC tune (X:, K: and music), got none", args.input);
    return kExitUsage;
  }
  if (first.size() == 1) return RenderOne(first[0], args.output, job);
  return RenderEach(std::move(first), **reader, args.output, job);
}

}  // namespace

void RegisterRender(CLI::App& app, RunFn& run) {
  auto args = std::make_shared<RenderArgs>();
  CLI::App* sub = app.add_subcommand("render", "Hear or see tunes: WAV audio (FluidSynth) or SVG/PDF sheet music (abcm2ps)");
  sub->add_option("file", args->input, "ABC file (or a .mid file for audio)")->required();
  sub->add_option("-o,--out,--output", args->output,
                  "OUT.wav, OUT.svg or OUT.pdf; a file of several tunes (no --tune) gives OUT-<X>.wav ... "
                  "beside it, one per tune (a repeated X: gets OUT-<X>-2)")
      ->required();
  sub->add_option("--tune", args->tune, "Only the tune with this X: number, written to OUT as named (default: every tune)");
  sub->add_option("--sound-font", args->sound_font, "SoundFont 2 file for audio")->capture_default_str();
  AddMidiOptions(sub, &args->perform);
  sub->callback([args, &run] { run = [args] { return RunRender(*args); }; });
}

}  // namespace abcrnn::cli

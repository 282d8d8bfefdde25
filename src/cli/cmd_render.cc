// `abcrnn render FILE -o OUT.wav|.svg|.pdf`: a tune as audio (FluidSynth with the General MIDI
// sound font; FILE may also be a .mid) or as sheet music (abcm2ps). One tune: the first, or
// --tune X. Exit 0 when written, 1 when the tune could not be played or engraved, 2 for usage,
// file errors and missing programs.
#include <cctype>
#include <filesystem>
#include <string>

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

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int ExitFor(const Status& s) {
  if (!s.ok()) spdlog::error("{}", s.ToString());
  return ExitCodeFor(s);
}

int RunRender(const RenderArgs& args) {
  std::string ext = Lower(fs::path(args.output).extension().string());
  if (ext != ".wav" && ext != ".svg" && ext != ".pdf") {
    spdlog::error("-o: expected an output ending in .wav, .svg or .pdf, got '{}'", args.output);
    return kExitUsage;
  }
  auto options = args.perform.ToOptions();
  if (!options.ok()) {
    spdlog::error("{}", options.status().ToString());
    return kExitUsage;
  }
  auto bytes = ReadFile(args.input);
  if (!bytes.ok()) {
    spdlog::error("{}", bytes.status().ToString());
    return kExitUsage;
  }
  midi::SynthOptions synth;
  synth.sound_font = args.sound_font;
  std::string in_ext = Lower(fs::path(args.input).extension().string());
  if (in_ext == ".mid" || in_ext == ".midi") {
    if (ext != ".wav") {
      spdlog::error("sheet music needs ABC: expected an .abc input for {}, got a MIDI file", ext);
      return kExitUsage;
    }
    return ExitFor(midi::WriteWavFromSmf(args.output, *bytes, synth));
  }
  abc::ParseOptions parse;
  parse.file_name = args.input;
  abc::AbcFile file = abc::ParseAbcFile(*bytes, parse);
  const abc::Tune* tune = nullptr;
  for (const auto& t : file.tunes)
    if (args.tune < 0 || t.x == args.tune) {
      tune = &t;
      break;
    }
  if (!tune) {
    if (args.tune >= 0) spdlog::error("--tune: expected a tune with X:{} in {}, got none", args.tune, args.input);
    else spdlog::error("{}: expected an ABC tune (X:, K: and music), got none", args.input);
    return kExitUsage;
  }
  // A field abcm2ps or the synthesiser reads whole (a meter, key or unit length that does not
  // parse) is refused: abcm2ps loops forever on some of them. Errors in the music are played as parsed.
  for (const abc::Diagnostic& d : tune->diagnostics) {
    const bool field = d.kind == abc::DiagnosticKind::kInvalidMeter || d.kind == abc::DiagnosticKind::kInvalidKey ||
                       d.kind == abc::DiagnosticKind::kInvalidUnitLength ||
                       d.kind == abc::DiagnosticKind::kInvalidField;
    if (field && d.severity == abc::Severity::kError) {
      spdlog::error("{}:{}:{}: X:{} cannot be rendered: [{}] {}", args.input, d.pos.line, d.pos.column, tune->x,
                    abc::KindName(d.kind), d.message.substr(0, 200));
      return kExitFindings;
    }
  }
  if (!tune->valid()) spdlog::warn("{}: X:{} has errors (see abcrnn check); rendering what parsed", args.input, tune->x);
  if (ext == ".wav") {
    auto smf = midi::TuneToMidi(*tune, *options);
    if (!smf.ok()) return ExitFor(smf.status());
    return ExitFor(midi::WriteWavFromSmf(args.output, *smf, synth));
  }
  auto format = midi::SheetFormatForPath(args.output);
  if (!format.ok()) return ExitFor(format.status());
  // Ctrl-C stops abcm2ps and removes its temporary folder.
  InstallStopSignals();
  midi::SheetOptions sheet;
  sheet.stop = &StopRequested();
  Status s = midi::RenderSheet(tune->text, args.output, *format, sheet);
  if (StopRequested().load()) {
    spdlog::error("interrupted: nothing was written");
    return StopExitCode();
  }
  return ExitFor(s);
}

}  // namespace

void RegisterRender(CLI::App& app, RunFn& run) {
  auto args = std::make_shared<RenderArgs>();
  CLI::App* sub = app.add_subcommand("render", "Hear or see a tune: WAV audio (FluidSynth) or SVG/PDF sheet music (abcm2ps)");
  sub->add_option("file", args->input, "ABC file (or a .mid file for audio)")->required();
  sub->add_option("-o,--out,--output", args->output, "OUT.wav, OUT.svg or OUT.pdf")->required();
  sub->add_option("--tune", args->tune, "The tune with this X: number (default: the first)");
  sub->add_option("--sound-font", args->sound_font, "SoundFont 2 file for audio")->capture_default_str();
  AddMidiOptions(sub, &args->perform);
  sub->callback([args, &run] { run = [args] { return RunRender(*args); }; });
}

}  // namespace abcrnn::cli

// `abcrnn midi FILE... -o OUT`: a Standard MIDI File per tune, OUT/<stem>-<X>.mid (the stem of the
// file the tune came from, "tune" for standard input; TuneFileNames), or one file with
// `-o out.mid [--tune X]`. Exit 0 when every tune was written, 1 when some could not be played,
// 2 for usage or file errors.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "abcrnn/abc/parser.h"
#include "abcrnn/midi/tune_midi.h"
#include "abcrnn/util/file.h"
#include "cli/commands.h"
#include "cli/midi_options.h"

namespace abcrnn::cli {
namespace {
namespace fs = std::filesystem;

struct MidiArgs {
  std::vector<std::string> inputs;
  std::string output;
  int tune = -1;  // X number; -1: every tune
  MidiOptionsArgs perform;
};

int RunMidi(const MidiArgs& args) {
  auto options = args.perform.ToOptions();
  if (!options.ok()) {
    spdlog::error("{}", options.status().ToString());
    return kExitUsage;
  }
  auto files = ExpandPaths(args.inputs, {".abc"});
  if (!files.ok()) {
    spdlog::error("{}", files.status().ToString());
    return kExitUsage;
  }
  const bool to_stdout = args.output == "-";  // one tune's MIDI on standard output
  const bool single = to_stdout || IsMidiFileName(args.output);
  if (!single) {
    std::error_code ec;
    fs::create_directories(args.output, ec);
    if (ec || !fs::is_directory(args.output)) {
      spdlog::error("-o: expected a folder or a .mid file, got '{}' ({})", args.output, ec.message());
      return kExitUsage;
    }
  }
  int written = 0, failed = 0, matched = 0;
  bool file_error = false;
  TuneFileNames names(".mid");  // a second tune with the same name gets NAME-2.mid
  // A file per tune, made durable a batch at a time (one sync, not one per file). Ctrl-C keeps
  // the files finished so far.
  AtomicFileBatch batch;
  InstallStopSignals();
  for (const std::string& path : *files) {
    if (StopRequested().load()) break;
    abc::ParseOptions parse;
    parse.keep_text = false;
    auto reader = abc::TuneReader::Open(path, parse);  // one tune at a time
    if (!reader.ok()) {
      spdlog::error("{}", reader.status().ToString());
      file_error = true;
      continue;
    }
    abc::Tune tune;
    for (size_t i = 0; !StopRequested().load() && (*reader)->Next(&tune); ++i) {
      if (args.tune >= 0 && tune.x != args.tune) continue;
      if (single && matched > 0) break;  // one tune into one file: the first that matches
      ++matched;
      if (!tune.valid()) spdlog::warn("{}: X:{} has errors (see abcrnn check); playing what parsed", path, tune.x);
      auto bytes = midi::TuneToMidi(tune, *options);
      if (!bytes.ok()) {
        spdlog::error("{}: {}", path, bytes.status().message());
        ++failed;
        continue;
      }
      if (to_stdout) {
        if (std::fwrite(bytes->data(), 1, bytes->size(), stdout) != bytes->size() || std::fflush(stdout) != 0) {
          spdlog::error("-o -: cannot write to standard output");
          return kExitUsage;
        }
        ++written;
        continue;
      }
      const std::string out =
          single ? args.output
                 : (fs::path(args.output) / names.Next(TuneFileStem(path), tune.x, static_cast<int>(i + 1))).string();
      Status s = single ? WriteFileAtomically(out, *bytes) : batch.Add(out, *bytes);
      if (!s.ok()) {
        (void)batch.Flush();  // keep the files finished before this one
        spdlog::error("{}", s.ToString());
        return kExitUsage;
      }
      ++written;
    }
    if (!(*reader)->status().ok()) {
      spdlog::error("{}", (*reader)->status().ToString());
      file_error = true;
    }
  }
  Status flushed = batch.Flush();
  if (!flushed.ok()) {
    spdlog::error("{}", flushed.ToString());
    return kExitUsage;
  }
  if (StopRequested().load()) {
    spdlog::error("interrupted: kept the {} MIDI file(s) written", written);
    return StopExitCode();
  }
  if (args.tune >= 0 && matched == 0) {
    spdlog::error("--tune: expected a tune with X:{} in the input, got none", args.tune);
    return kExitUsage;
  }
  if (matched == 0 && !file_error) {
    spdlog::error("expected at least one tune (X: ... K: ...) in the input, got none");
    return kExitUsage;
  }
  if (names.renamed() > 0) spdlog::warn("{}", names.RenamedWarning());
  spdlog::info("{} MIDI file(s) written, {} tune(s) failed", written, failed);
  if (file_error) return kExitUsage;
  return failed > 0 ? kExitFindings : kExitOk;
}

}  // namespace

void RegisterMidi(CLI::App& app, RunFn& run) {
  auto args = std::make_shared<MidiArgs>();
  CLI::App* sub = app.add_subcommand("midi", "Write Standard MIDI Files of ABC tunes (as abc2midi plays them)");
  sub->add_option("files", args->inputs, "ABC files or folders (\"-\" for standard input)")->required();
  sub->add_option("-o,--out,--output", args->output,
                  "Folder for <stem>-<X>.mid files (stem: the input file's, 'tune' for standard input; a "
                  "repeated X: gets <stem>-<X>-2.mid), one .mid file, or - for one tune on standard output")
      ->required();
  sub->add_option("--tune", args->tune, "Only the tune with this X: number");
  AddMidiOptions(sub, &args->perform);
  sub->callback([args, &run] { run = [args] { return RunMidi(*args); }; });
}

}  // namespace abcrnn::cli

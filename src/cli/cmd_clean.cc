// `abcrnn clean FILE... -o OUT.abc`: the training form of every usable tune (see
// include/abcrnn/abc/clean.h), written as one multi-tune ABC file (each tune numbered X:1, X:2 ...
// so abc2midi and other tools read it), and a report of kept and dropped tunes on standard error.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "abcrnn/abc/clean.h"
#include "abcrnn/util/file.h"
#include "cli/commands.h"

namespace abcrnn::cli {
namespace {

struct CleanArgs {
  std::vector<std::string> inputs;
  std::string output = "-";
  CleanOptions options;
  bool keep_all = false;
  bool keep_duplicates = false;
};

// The output file: "X:n" before each tune's training form, a blank line between tunes.
std::string FormatOutput(const CleanResult& result) {
  std::string out;
  int x = 0;
  for (const auto& t : result.tunes) {
    if (x) out += '\n';
    out += "X:" + std::to_string(++x) + "\n" + t.text;
  }
  return out;
}

int RunClean(CleanArgs args) {
  if (args.keep_all) {
    const CleanOptions given = args.options;
    args.options = CleanOptions::KeepAll();
    args.options.transpose_to = given.transpose_to;
    args.options.controls = given.controls;
  }
  if (args.keep_duplicates) args.options.drop_duplicates = false;
  Result<CleanResult> r = CleanFiles(args.inputs, args.options);
  if (!r.ok()) {
    spdlog::error("{}", r.status().ToString());
    return kExitUsage;
  }
  std::cerr << FormatCleanReport(r->report) << "\n";
  if (r->tunes.empty()) {
    spdlog::error("no tunes left after cleaning: nothing written");
    return kExitUsage;
  }
  std::string text = FormatOutput(*r);
  if (args.output == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  Status s = WriteFileAtomically(args.output, text);
  if (!s.ok()) {
    spdlog::error("{}", s.ToString());
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace

void RegisterClean(CLI::App& app, RunFn& run) {
  auto args = std::make_shared<CleanArgs>();
  CLI::App* sub = app.add_subcommand("clean",
                                     "Write the training form of every usable tune (M:, L:, K: and "
                                     "the music), without duplicates");
  sub->add_option("files", args->inputs, "ABC files or folders (*.abc), '-' for standard input")
      ->required();
  sub->add_option("-o,--out,--output", args->output, "Output ABC file ('-': standard output)");
  sub->add_flag("--keep-fields", args->options.keep_fields,
                "Keep the other fields (T:, R:, Q:, P: ...)");
  sub->add_flag("--keep-comments", args->options.keep_comments,
                "Keep % comments and %% directives");
  sub->add_flag("--keep-lyrics", args->options.keep_lyrics, "Keep w: and W: lyrics");
  sub->add_flag("--keep-chords,--keep-chord-symbols", args->options.keep_chord_symbols,
                "Keep chord symbols and annotations");
  sub->add_flag("--keep-decorations", args->options.keep_decorations,
                "Keep decorations (~ . !trill! ...)");
  sub->add_flag("--keep-graces,--keep-grace-notes", args->options.keep_grace_notes, "Keep grace notes {...}");
  sub->add_flag("--keep-slurs", args->options.keep_slurs, "Keep slurs ( )");
  sub->add_flag("--keep-all", args->keep_all, "Keep every category above and every duplicate");
  sub->add_flag("--keep-duplicates", args->keep_duplicates,
                "Do not drop tunes whose melody repeats an earlier one");
  sub->add_option("--transpose-to", args->options.transpose_to,
                  "Move every tune to this tonic (C, D, F#, Bb ...) keeping its mode");
  sub->add_flag("--controls", args->options.controls,
                "Write each tune's style (NAME=PATH, else its folder), type (R:) and form (N:form 8+8) "
                "before M:, as abcrnn train --controls");
  sub->add_flag("--form-repeats", args->options.form_repeats,
                "With --controls: the form line also says which parts repeat (N:form 8+8 AABB)");
  sub->add_flag("--final", args->options.final_degree,
                "With --controls: a line says on which degree of the key the tune ends (N:final 1, N:final b3)");
  sub->add_flag("--beat", args->options.beat,
                "With --controls: a line says how much of the tune is in dotted pairs (N:beat even, N:beat "
                "mixed, N:beat dotted)");
  sub->add_flag("--line-end-bars", args->options.line_end_bars,
                "A music line that ends where a bar is full has a bar line there (Essen's songs leave it out)");
  sub->add_flag("--collapse-empty-bars", args->options.collapse_empty_bars,
                "Runs of bar lines with no note between become one bar line");
  sub->callback([args, &run] { run = [args] { return RunClean(*args); }; });
}

}  // namespace abcrnn::cli

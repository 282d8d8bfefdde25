// `abcrnn transpose --semitones N FILE... [-o OUT]`: every tune N semitones higher (lower when
// negative), keys respelled conventionally, accidentals and chord symbols moved with the notes.
// Tunes with errors other than bar lengths are skipped with a message (exit 1).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "abcrnn/abc/parser.h"
#include "abcrnn/abc/transpose.h"
#include "abcrnn/abc/writer.h"
#include "abcrnn/util/file.h"
#include "cli/commands.h"

namespace abcrnn::cli {
namespace {

struct TransposeArgs {
  std::vector<std::string> inputs;
  std::string output = "-";
  int semitones = 0;
};

int RunTranspose(const TransposeArgs& args) {
  auto files = ExpandPaths(args.inputs, {".abc"});
  if (!files.ok()) {
    spdlog::error("{}", files.status().ToString());
    return kExitUsage;
  }
  // Tunes are read and written one at a time; only the written text is kept.
  std::string out;
  std::vector<size_t> starts;  // where each tune's X: line starts in `out`
  std::set<int> xs;
  int skipped = 0;
  for (const auto& path : *files) {
    abc::ParseOptions po;
    po.keep_text = false;
    auto reader = abc::TuneReader::Open(path, po);
    if (!reader.ok()) {
      spdlog::error("{}", reader.status().ToString());
      return kExitUsage;
    }
    abc::Tune tune;
    while ((*reader)->Next(&tune)) {
      if (!abc::CheckRewritable(tune).ok()) {
        spdlog::error("{}:{}: X:{} \"{}\" has errors (see abcrnn check): not transposed", path,
                      tune.start.line, tune.x, tune.title());
        ++skipped;
        continue;
      }
      auto moved = abc::TransposeTune(tune, args.semitones);
      if (!moved.ok()) {
        spdlog::error("{}:{}: X:{}: {}", path, tune.start.line, tune.x, moved.status().message());
        ++skipped;
        continue;
      }
      xs.insert(moved->x);
      if (!starts.empty()) out += '\n';
      starts.push_back(out.size());
      out += abc::WriteTune(*moved, abc::WriteOptions());
    }
    if (!(*reader)->status().ok()) {
      spdlog::error("{}", (*reader)->status().ToString());
      return kExitUsage;
    }
  }
  // Keep each tune's X: unless two tunes (from different files) share one: then number 1, 2, ...
  if (xs.size() != starts.size()) {
    std::string numbered;
    for (size_t i = 0; i < starts.size(); ++i) {
      const size_t end = i + 1 < starts.size() ? starts[i + 1] : out.size();
      const size_t line_end = std::min(out.find('\n', starts[i]), end);  // after "X:n"
      numbered += "X:" + std::to_string(i + 1);
      numbered.append(out, line_end, end - line_end);
    }
    out.swap(numbered);
  }
  if (args.output == "-") {
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else {
    Status s = WriteFileAtomically(args.output, out);
    if (!s.ok()) {
      spdlog::error("{}", s.ToString());
      return kExitUsage;
    }
  }
  return skipped ? kExitFindings : kExitOk;
}

}  // namespace

void RegisterTranspose(CLI::App& app, RunFn& run) {
  auto args = std::make_shared<TransposeArgs>();
  CLI::App* sub = app.add_subcommand(
      "transpose", "Transpose tunes by semitones, respelling keys and chord symbols");
  sub->add_option("--semitones", args->semitones, "Semitones up (negative: down)")
      ->required()
      ->check(CLI::Range(-48, 48));
  sub->add_option("files", args->inputs, "ABC files or folders (*.abc), '-' for standard input")
      ->required();
  sub->add_option("-o,--out,--output", args->output, "Output ABC file ('-': standard output)");
  sub->callback([args, &run] { run = [args] { return RunTranspose(*args); }; });
}

}  // namespace abcrnn::cli

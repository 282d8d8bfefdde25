// `abcrnn transpose --semitones N FILE... [-o OUT]`: every tune N semitones higher (lower when
// negative), keys respelled conventionally, accidentals and chord symbols moved with the notes.
// Tunes with errors other than bar lengths are skipped with a message (exit 1).
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
  std::vector<abc::Tune> tunes;
  int skipped = 0;
  for (const auto& path : *files) {
    abc::ParseOptions po;
    po.keep_text = false;
    auto parsed = abc::ReadAbcFile(path, po);
    if (!parsed.ok()) {
      spdlog::error("{}", parsed.status().ToString());
      return kExitUsage;
    }
    for (auto& tune : parsed->tunes) {
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
      tunes.push_back(std::move(moved).value());
    }
  }
  // Keep each tune's X: unless two tunes (from different files) share one: then number 1, 2, ...
  std::set<int> xs;
  for (const auto& t : tunes) xs.insert(t.x);
  bool renumber = xs.size() != tunes.size();
  std::string out;
  for (size_t i = 0; i < tunes.size(); ++i) {
    abc::WriteOptions wo;
    if (renumber) wo.x = static_cast<int>(i) + 1;
    if (i) out += '\n';
    out += abc::WriteTune(tunes[i], wo);
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

// `abcrnn export CHECKPOINT -o OUT.ckpt`: the checkpoint for generation only: same weights,
// vocabulary and metadata, without the optimiser state and trainer position that --resume needs
// (about a third of the size). Used to ship models/default.ckpt.
#include <string>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "abcrnn/ckpt/checkpoint.h"
#include "cli/commands.h"

namespace abcrnn::cli {
namespace {

struct ExportArgs {
  std::string input;
  std::string output;
};

int RunExport(const ExportArgs& args) {
  auto ckpt = ReadCheckpoint(args.input);
  if (!ckpt.ok()) {
    spdlog::error("{}", ckpt.status().ToString());
    return kExitUsage;
  }
  ckpt->optimizer.clear();
  ckpt->trainer_state_json.clear();
  Status s = WriteCheckpoint(args.output, *ckpt);
  if (!s.ok()) {
    spdlog::error("{}", s.ToString());
    return kExitUsage;
  }
  std::printf("%s: %s, fingerprint %s\n", args.output.c_str(), "weights, vocabulary and metadata",
              CheckpointFingerprint(*ckpt).c_str());
  return kExitOk;
}

}  // namespace

void RegisterExport(CLI::App& app, RunFn& run) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* sub = app.add_subcommand(
      "export", "Copy a checkpoint for generation only (no optimiser state: smaller, not resumable)");
  sub->add_option("checkpoint", args->input, "Checkpoint written by abcrnn train")->required();
  sub->add_option("-o,--out", args->output, "Where to write the generation-only checkpoint")->required();
  sub->callback([args, &run] { run = [args] { return RunExport(*args); }; });
}

}  // namespace abcrnn::cli

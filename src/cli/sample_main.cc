// abcrnn-sample: generation and scoring with a trained checkpoint, without LibTorch.
// Subcommands: generate, score. Filled in by the generation work (issue 4).
#include <CLI/CLI.hpp>

#include "cli/common.h"

int main(int argc, char** argv) {
  using namespace abcrnn::cli;
  CLI::App app{"abcrnn-sample: write new tunes with a trained abcrnn model (no LibTorch)"};
  app.set_version_flag("--version", std::string("abcrnn-sample ") + ABCRNN_VERSION);
  app.require_subcommand(1);
  RunFn run;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  SetupLogging("abcrnn", 0);
  return run ? run() : kExitUsage;
}

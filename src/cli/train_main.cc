// abcrnn-train: the only program that links LibTorch. Filled in by the training work (issue 3).
#include <CLI/CLI.hpp>

#include "cli/common.h"

int main(int argc, char** argv) {
  using namespace abcrnn::cli;
  CLI::App app{"abcrnn-train: train a stacked LSTM on ABC tunes"};
  app.set_version_flag("--version", std::string("abcrnn-train ") + ABCRNN_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  SetupLogging("abcrnn", 0);
  return kExitUsage;
}

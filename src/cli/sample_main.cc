// abcrnn-sample: generation and scoring with a trained checkpoint, without LibTorch.
// Subcommands: generate (sample_generate.cc), score (sample_score.cc), serve (sample_serve.cc).
#include <csignal>

#include <CLI/CLI.hpp>

#include "cli/common.h"
#include "cli/sample_model.h"

int main(int argc, char** argv) {
  using namespace abcrnn::cli;
  // A closed pipe (`| head`) shows up as EPIPE from write(), and the program ends quietly.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"abcrnn-sample: write new tunes with a trained abcrnn model (no LibTorch)"};
  app.set_version_flag("--version", std::string("abcrnn-sample ") + ABCRNN_VERSION);
  app.name("abcrnn");  // usage reads "abcrnn generate ...", as users run it
  app.require_subcommand(1);
  RunFn run;
  RegisterGenerate(app, run);
  RegisterScore(app, run);
  RegisterServe(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return ReportParseError(app, e);
  }
  SetupLogging("abcrnn", 0);
  KeepFreedMemoryForReuse();
  return run ? run() : kExitUsage;
}

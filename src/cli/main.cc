// abcrnn: the entry point. Parses the subcommand and runs it; generate/score and train are
// forwarded to the sibling programs abcrnn-sample (no LibTorch) and abcrnn-train.
#include <unistd.h>

#include <csignal>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace {

// The reader of standard output has gone (`abcrnn check big.abc | head -1`): stop quietly with
// exit code 0, as abcrnn-sample's generate and score do. abcrnn writes to no other pipe (external
// tools write to files), so this is the only way SIGPIPE arrives.
extern "C" void ReaderGone(int) { ::_exit(0); }

}  // namespace

int main(int argc, char** argv) {
  using namespace abcrnn::cli;
  std::signal(SIGPIPE, ReaderGone);
  CLI::App app{"abcrnn: learn folk tunes in ABC notation and write new ones"};
  app.set_version_flag("--version", std::string("abcrnn ") + ABCRNN_VERSION);
  app.require_subcommand(1);
  app.name("abcrnn");  // usage reads "abcrnn check ...", not the path the program was run by
  int verbosity = 0;
  app.add_flag("-v,--verbose", verbosity, "More log output (repeat for debug)");
  RunFn run;
  RegisterForwarded(app, run);
  RegisterCheck(app, run);
  RegisterClean(app, run);
  RegisterTranspose(app, run);
  RegisterMidi(app, run);
  RegisterRender(app, run);
  RegisterEval(app, run);
  RegisterBaseline(app, run);
  RegisterExport(app, run);
  // Each subcommand registers itself here; see commands.h.
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return ReportParseError(app, e);
  }
  SetupLogging("abcrnn", verbosity);
  return run ? run() : kExitUsage;
}

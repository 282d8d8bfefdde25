// `abcrnn generate|serve|score|train ...`: forwarded, arguments untouched, to the program that does the
// work, so that only abcrnn-train loads LibTorch and generation starts fast.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace abcrnn::cli {
namespace {

void Forward(CLI::App& app, RunFn& run, const std::string& name, const std::string& help,
             const std::string& program, bool pass_name) {
  CLI::App* sub = app.add_subcommand(name, help + " (runs " + program + "; see its --help)");
  sub->set_help_flag();  // --help goes to the program itself
  sub->allow_extras();
  sub->prefix_command();
  sub->callback([sub, &run, name, program, pass_name] {
    std::vector<std::string> args;
    if (pass_name) args.push_back(name);
    for (const auto& a : sub->remaining()) args.push_back(a);
    run = [program, args] { return ExecSibling(program, args); };
  });
}

}  // namespace

void RegisterForwarded(CLI::App& app, RunFn& run) {
  Forward(app, run, "generate", "Write new tunes with a trained model", "abcrnn-sample", true);
  Forward(app, run, "serve", "Serve a web page to make, see, hear and keep tunes", "abcrnn-sample", true);
  Forward(app, run, "score", "Bits per character of tunes under a model", "abcrnn-sample", true);
  Forward(app, run, "train", "Train a model on ABC tunes", "abcrnn-train", false);
}

}  // namespace abcrnn::cli

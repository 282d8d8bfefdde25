// The subcommands of `abcrnn`. Each Register* adds one subcommand to `app` and, when it is the
// one chosen, stores its work in `run`. One file per subcommand: cmd_<name>.cc.
#pragma once

#include "cli/common.h"

namespace abcrnn::cli {

void RegisterCheck(CLI::App& app, RunFn& run);
void RegisterClean(CLI::App& app, RunFn& run);
void RegisterTranspose(CLI::App& app, RunFn& run);
void RegisterMidi(CLI::App& app, RunFn& run);
void RegisterRender(CLI::App& app, RunFn& run);
void RegisterEval(CLI::App& app, RunFn& run);
void RegisterBaseline(CLI::App& app, RunFn& run);
void RegisterExport(CLI::App& app, RunFn& run);
// generate, score (abcrnn-sample) and train (abcrnn-train): the arguments pass through.
void RegisterForwarded(CLI::App& app, RunFn& run);

}  // namespace abcrnn::cli

// Where tests find things: the shared corpus (../shared/data, overridable by ABCRNN_SHARED_DIR in
// the environment), the source tree and the build tree with the programs.
#pragma once

#include <string>

namespace abcrnn::testing {

// The shared folder (holds data/ and bench/). Empty when it does not exist.
std::string SharedDir();
// SharedDir() + "/data", or empty when absent.
std::string CorpusDir();
std::string SourceDir();
// The model shipped as models/default.ckpt on 2026-11-29, kept in tests/golden so that shipping
// another model leaves the tests of old checkpoints as they are (version 1, a character LSTM with
// a form clock and a match model).
std::string OldShippedModel();
// Path of a built program (abcrnn, abcrnn-sample, abcrnn-train).
std::string Program(const std::string& name);
// True when `name` is found on PATH (abc2midi, abcm2ps, python3 ...).
bool HaveTool(const std::string& name);

// Runs a shell command; returns its exit status and captures standard output (and standard
// error when merge_stderr).
struct CommandResult {
  int exit_code = -1;
  std::string out;
};
CommandResult RunCommand(const std::string& command, bool merge_stderr = false);

}  // namespace abcrnn::testing

// Skips the current test, saying why, when the shared corpus is absent.
#define ABCRNN_REQUIRE_CORPUS()                                                    \
  do {                                                                              \
    if (::abcrnn::testing::CorpusDir().empty())                                     \
      GTEST_SKIP() << "shared corpus absent (../shared/data): corpus test skipped"; \
  } while (0)

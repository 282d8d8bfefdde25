// Old checkpoints generate the same tunes, bit for bit: models/default.ckpt (format version 1, a
// character LSTM with a form clock and a match model) against tunes saved from abcrnn-sample at
// 22d166c, before the vocabulary became a choice. Regenerate tests/golden/ only on purpose (a
// change meant to alter what a character model draws), with the commands below.
#include <gtest/gtest.h>

#include <filesystem>

#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn {
namespace {

using testing::Program;
using testing::RunCommand;
using testing::SourceDir;

void ExpectSameTunes(const std::string& args, const std::string& golden) {
  const std::string model = SourceDir() + "/models/default.ckpt";
  if (!std::filesystem::exists(model)) GTEST_SKIP() << model << " is absent";
  auto expected = ReadFile(SourceDir() + "/tests/golden/" + golden);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  auto r = RunCommand(Program("abcrnn-sample") + " generate --model " + model + " " + args + " 2>/dev/null");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out == *expected) << "abcrnn-sample generate --model models/default.ckpt " << args
                                  << " > tests/golden/" << golden << " differs:\n" << r.out;
}

TEST(DefaultModelGoldenTest, StrictTunesWithDrawnControlsAreTheSameBytes) {
  ExpectSameTunes("--seed 1 --num 6", "default_seed1.abc");
}

TEST(DefaultModelGoldenTest, UnconstrainedTunesAreTheSameBytes) {
  ExpectSameTunes("--seed 2 --num 4 --no-strict --length 400", "default_seed2_no_strict.abc");
}

}  // namespace
}  // namespace abcrnn

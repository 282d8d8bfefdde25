// abcm2ps as a peer for note lengths: a length `abcrnn check` refuses (one note head cannot show
// it, "Note too much dotted"; a broken rhythm beyond >>>) is one abcm2ps reports an error for,
// and one it accepts abcm2ps draws without complaint. (check is stricter below a 64th, which
// abcm2ps still draws: not compared here.)
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "abc_test_util.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn::abc {
namespace {

TEST(AbcLengthPeer, CheckRefusesTheLengthsAbcm2psRefusesAndNoOthers) {
  if (!testing::HaveTool("abcm2ps")) GTEST_SKIP() << "abcm2ps absent (apt-get install abcm2ps)";
  const std::string dir = ::testing::TempDir() + "/abcrnn_length_peer_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  const char* bodies[] = {"A5 B3|",     "[CE]5 B3|",   "z5 B3|",     "A9 z7|",       "A3>A3 B2|",
                          "(3A5A5A5 z|", "A11 z5|",    "A31 z|",     "A>>>>A B3|",   "A15 z|",
                          "A7 B|",       "A6 B2|",     "A3/2 B/2 c6|", "A>A B>>B c>>>c d2|", "A/8 z/8 z3/4 z3|",
                          "A32|",        "(3A3A3A3 z3|", "A2 A/ A/ z4|"};
  int refused = 0, accepted = 0;
  for (const char* body : bodies) {
    const std::string header = "M:none\nL:1/8\nK:C\n";
    const std::string path = dir + "/t.abc";
    ASSERT_TRUE(WriteFileAtomically(path, "X:1\nT:Test\n" + header + body + "\n").ok());
    auto peer = testing::RunCommand("abcm2ps -q " + path + " -O " + dir + "/t.ps 2>&1 | grep -c 'error'", false);
    const bool peer_refuses = std::stoi(peer.out) > 0;
    const bool we_refuse = !test::ParseBody(std::string(body) + "\n", header).valid();
    EXPECT_EQ(we_refuse, peer_refuses) << body;
    (we_refuse ? refused : accepted) += 1;
  }
  EXPECT_GE(refused, 7);
  EXPECT_GE(accepted, 7);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace abcrnn::abc

// abcm2ps and abc2midi as peers for note lengths and chords: what `abcrnn check` refuses (a
// length one note head cannot show, "Note too much dotted"; a broken rhythm beyond >>>; a space
// inside a chord, "Not a note"; a tie leaving a chord note longer than the chord, "Time mismatch
// at tie"; a |: after a second ending closed by :|, "Expected end repeat not found") is what one of them reports an error for, and what it accepts both take without
// complaint. (check is stricter below a 64th, which abcm2ps still draws: not compared here.)
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "abc_test_util.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn::abc {
namespace {

TEST(AbcLengthPeer, CheckRefusesWhatAbcm2psOrAbc2midiRefuseAndNoMore) {
  if (!testing::HaveTool("abcm2ps") || !testing::HaveTool("abc2midi"))
    GTEST_SKIP() << "abcm2ps or abc2midi absent (apt-get install abcm2ps abcmidi)";
  const std::string dir = ::testing::TempDir() + "/abcrnn_length_peer_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  const char* bodies[] = {"A5 B3|",     "[CE]5 B3|",   "z5 B3|",     "A9 z7|",       "A3>A3 B2|",
                          "(3A5A5A5 z|", "A11 z5|",    "A31 z|",     "A>>>>A B3|",   "A15 z|",
                          "A7 B|",       "A6 B2|",     "A3/2 B/2 c6|", "A>A B>>B c>>>c d2|", "A/8 z/8 z3/4 z3|",
                          "A32|",        "(3A3A3A3 z3|", "A2 A/ A/ z4|", "[C E]2 z6|",   "[CE5]2 z6|",
                          "[C2E4] z6|",  "[C2-E2]C2 z4|", "[CE2-]E2 z4|", "[CE]2- [CE]2 z4|", "[C2 ]E z5|",
                          "|:A8:|2B8:|\n|:c8|]", "|:A8:|B8:|\n|:c8|]", "|:A8|1B8:|2c8|]\n|:d8:|"};
  int refused = 0, accepted = 0;
  for (const char* body : bodies) {
    const std::string header = "M:none\nL:1/8\nK:C\n";
    const std::string path = dir + "/t.abc";
    ASSERT_TRUE(WriteFileAtomically(path, "X:1\nT:Test\n" + header + body + "\n").ok());
    auto peer = testing::RunCommand("cd " + dir + " && rm -f t*.mid && { abcm2ps -q t.abc -O t.ps; abc2midi t.abc -quiet; } "
                                    "2>&1 | grep -ci 'error'", false);
    const bool peer_refuses = std::stoi(peer.out) > 0;
    const bool we_refuse = !test::ParseBody(std::string(body) + "\n", header).valid();
    EXPECT_EQ(we_refuse, peer_refuses) << body;
    (we_refuse ? refused : accepted) += 1;
  }
  EXPECT_GE(refused, 10);
  EXPECT_GE(accepted, 10);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace abcrnn::abc

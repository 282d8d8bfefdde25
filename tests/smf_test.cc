// The test SMF reader (tests/support/smf.h) against midi2abc -midigram as a peer, on files
// abc2midi writes from a corpus collection; and its clean errors on damaged bytes.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <filesystem>
#include <sstream>

#include "support/paths.h"
#include "support/peer.h"
#include "support/smf.h"

namespace abcrnn::testing {
namespace {
namespace fs = std::filesystem;

TEST(SmfReader, AgreesWithMidi2abcMidigramOnEveryNoteOfACollection) {
  ABCRNN_REQUIRE_CORPUS();
  if (!HaveTool("abc2midi") || !HaveTool("midi2abc")) GTEST_SKIP() << "abc2midi/midi2abc absent";
  fs::path dir = fs::temp_directory_path() / ("abcrnn_smf_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(CorpusDir() + "/nottingham/jigs.abc", dir / "jigs.abc");
  auto t0 = std::chrono::steady_clock::now();
  auto files = RunAbc2Midi((dir / "jigs.abc").string());
  auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_GT(files->size(), 300u);
  double midigram_s = 0;
  size_t notes = 0, overlapping = 0;
  for (const auto& [x, smf] : *files) {
    // A pitch struck again while it still sounds (abc2midi does that for malformed tied chords):
    // the two readers pair such note-offs differently, so those files are not compared.
    bool overlap = false;
    std::map<std::pair<int, int>, int64_t> sounding_until;
    for (const auto& n : smf.notes) {
      int64_t& until = sounding_until[{n.channel, n.pitch}];
      if (n.onset < until) overlap = true;
      until = std::max(until, n.onset + n.duration);
    }
    if (overlap) {
      ++overlapping;
      continue;
    }
    std::string path = (dir / ("jigs" + std::to_string(x) + ".mid")).string();
    auto m0 = std::chrono::steady_clock::now();
    CommandResult r = RunCommand("midi2abc -f '" + path + "' -midigram -s");
    midigram_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - m0).count();
    ASSERT_EQ(r.exit_code, 0);
    // midigram lines: onset offset track(1-based) channel(1-based) pitch velocity; -s keeps
    // very short notes (graces) that it would drop otherwise.
    std::vector<std::array<int64_t, 5>> peer;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      int64_t on, off, track, ch, pitch, vel;
      if (ls >> on >> off >> track >> ch >> pitch >> vel) peer.push_back({on, off, track, ch, pitch});
    }
    ASSERT_EQ(peer.size(), smf.notes.size()) << "X:" << x;
    std::vector<std::array<int64_t, 5>> ours;
    for (const auto& n : smf.notes)
      ours.push_back({n.onset, n.onset + n.duration, n.track + 1, n.channel + 1, n.pitch});
    std::sort(peer.begin(), peer.end());
    std::sort(ours.begin(), ours.end());
    EXPECT_EQ(peer, ours) << "X:" << x;
    notes += ours.size();
  }
  double read_s = std::chrono::duration<double>(t1 - t0).count();
  EXPECT_LT(overlapping, 5u);
  std::cout << "abc2midi + SMF reader: " << files->size() << " tunes (" << overlapping
            << " with overlapping notes of one pitch not compared), " << notes << " notes in "
            << read_s << " s; midi2abc -midigram on the same files: " << midigram_s << " s\n";
  fs::remove_all(dir);
}

TEST(SmfReader, RejectsTruncatedAndForeignBytesWithAClearError) {
  auto foreign = ParseSmf("RIFF....WAVEfmt ");
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.status().message().find("expected an MThd"), std::string::npos);
  std::string header("MThd\0\0\0\6\0\1\0\2\1\xe0", 14);
  auto missing = ParseSmf(header + std::string("MTrk\0\0\0\x10\0\x90\x3c", 11));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("truncated"), std::string::npos);
}

TEST(SmfReader, PairsNoteOnWithVelocityZeroAsNoteOffAndKeepsRunningStatus) {
  // One track: C4 on at 0, (running status) velocity 0 at 480; E4 on at 480, off (0x80) at 720.
  std::string header("MThd\0\0\0\6\0\0\0\1\1\xe0", 14);
  const char kEvents[] = "\0\x90\x3c\x40" "\x83\x60\x3c\0" "\0\x40\x40" "\x81\x70\x80\x40\0" "\0\xff\x2f\0";
  std::string ev(kEvents, sizeof(kEvents) - 1);
  std::string trk = std::string("MTrk\0\0\0", 7) + static_cast<char>(ev.size()) + ev;
  auto f = ParseSmf(header + trk);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->notes.size(), 2u);
  EXPECT_EQ(f->notes[0].pitch, 60);
  EXPECT_EQ(f->notes[0].onset, 0);
  EXPECT_EQ(f->notes[0].duration, 480);
  EXPECT_EQ(f->notes[1].pitch, 64);
  EXPECT_EQ(f->notes[1].onset, 480);
  EXPECT_EQ(f->notes[1].duration, 240);
}

TEST(MelodyComparison, NamesTheFirstDifferenceByCause) {
  std::vector<SmfNote> a{{0, 240, 60, 0, 1}, {240, 240, 62, 0, 1}};
  EXPECT_TRUE(CompareMelodies(a, a).equal());
  auto up = a;
  for (auto& n : up) n.pitch += 3;
  EXPECT_TRUE(CompareMelodies(a, up, 3).equal());
  EXPECT_EQ(CompareMelodies(a, up, 2).cause, "pitch");
  auto longer = a;
  longer[1].duration = 480;
  EXPECT_EQ(CompareMelodies(a, longer).cause, "duration");
  auto later = a;
  later[1].onset = 480;
  EXPECT_EQ(CompareMelodies(a, later).cause, "onset");
  EXPECT_EQ(CompareMelodies(a, {a[0]}).cause, "note-count");
}

}  // namespace
}  // namespace abcrnn::testing

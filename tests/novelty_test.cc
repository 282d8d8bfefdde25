// Specification of the novelty metrics: copied bar runs in any key, the nearest tune by edit
// distance on notes, the banded edit distance against the full table, and the index cache file
// (round trip, damaged and foreign files refused).
#include "abcrnn/eval/novelty.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "abcrnn/eval/rng.h"
#include "abcrnn/util/file.h"
#include "support/melody_builder.h"

namespace abcrnn::eval {
namespace {

using abcrnn::testing::MakeMelody;
using abcrnn::testing::Transpose;

// Eight bars of a reel-like tune in D (pitches MIDI, quavers and crotchets).
Melody Reel() {
  return MakeMelody(
      "62:1/8 69:1/8 66:1/8 69:1/8 | 62:1/8 69:1/8 66:1/4 | 67:1/8 71:1/8 74:1/8 71:1/8 | 69:1/8 "
      "67:1/8 66:1/4 | "
      "64:1/8 66:1/8 67:1/8 69:1/8 | 71:1/8 69:1/8 67:1/8 66:1/8 | 64:1/8 62:1/8 64:1/8 66:1/8 | "
      "62:1/2",
      2, 1, 2, "reel");
}
Melody Other() {
  return MakeMelody("60:1/4 60:1/4 | 67:1/4 67:1/4 | 69:1/4 69:1/4 | 67:1/2", 0, 1, 2, "twinkle");
}

TEST(NoveltyTest, ATuneAgainstItselfCopiesEveryBarAndIsItsOwnNearest) {
  BarIndex index = BarIndex::Build({Other(), Reel()});
  CopiedRun run = index.LongestCopiedRun(Reel());
  EXPECT_EQ(run.bars, 8);
  EXPECT_EQ(run.tune, 1);
  EXPECT_EQ(run.first_bar, 0);
  EXPECT_EQ(run.tune_bar, 0);
  EXPECT_EQ(index.name(run.tune), "reel");
  NearestTune near = index.Nearest(Reel());
  EXPECT_EQ(near.tune, 1);
  EXPECT_EQ(near.edits, 0);
  EXPECT_DOUBLE_EQ(near.distance, 0.0);
}

TEST(NoveltyTest, ATransposedCopyIsStillACopy) {
  BarIndex index = BarIndex::Build({Other(), Reel()});
  for (int semitones : {-7, 3, 5, 12}) {
    Melody moved = Transpose(Reel(), semitones);
    EXPECT_EQ(index.LongestCopiedRun(moved).bars, 8) << semitones;
    EXPECT_EQ(index.Nearest(moved).edits, 0) << semitones;
  }
}

TEST(NoveltyTest, AChangedBarSplitsTheRun) {
  Melody m = Reel();
  m.bars[3].notes[1].pitch += 2;  // bar 4 differs (not in its first note: the links stay)
  BarIndex index = BarIndex::Build({Reel()});
  CopiedRun run = index.LongestCopiedRun(m);
  EXPECT_EQ(run.bars, 4);  // bars 5-8
  EXPECT_EQ(run.first_bar, 4);
  EXPECT_EQ(run.tune_bar, 4);
  EXPECT_EQ(index.Nearest(m).edits, 2);  // the intervals into and out of the changed note
}

TEST(NoveltyTest, SharedNoteRunsAreFoundInAnyKeyAndAChangedNoteBreaksThem) {
  BarIndex index = BarIndex::Build({Other(), Reel()});
  EXPECT_TRUE(index.SharesNoteRun(Transpose(Reel(), 5), 16));
  EXPECT_TRUE(index.SharesNoteRun(Reel(), 27));   // the whole tune
  EXPECT_FALSE(index.SharesNoteRun(Reel(), 28));  // longer than any indexed tune
  EXPECT_FALSE(index.SharesNoteRun(Other(), 16));
  Melody m = Reel();
  m.bars[3].notes[1].pitch += 2;  // note 13 of 27: the intervals into and out of it change
  EXPECT_TRUE(index.SharesNoteRun(m, 13));        // notes 15-27
  EXPECT_FALSE(index.SharesNoteRun(m, 14));
}

TEST(NoveltyTest, SameBarsAtAnotherRelativePitchAreNotOneRun) {
  // Bars 1-2 of the reel, but the second bar a tone higher relative to the first.
  Melody m = MakeMelody("62:1/8 69:1/8 66:1/8 69:1/8 | 64:1/8 71:1/8 68:1/4", 2, 1, 2);
  BarIndex index = BarIndex::Build({Reel()});
  EXPECT_EQ(index.LongestCopiedRun(m).bars, 1);
}

TEST(NoveltyTest, SamePitchesInAnotherRhythmAreNotACopy) {
  Melody m = MakeMelody("62:3/16 69:1/16 66:1/8 69:1/8 | 62:3/16 69:1/16 66:1/4", 2, 1, 2);
  BarIndex index = BarIndex::Build({Reel()});
  EXPECT_EQ(index.LongestCopiedRun(m).bars, 0);
  EXPECT_EQ(index.Nearest(m).tune, -1);  // shares no bar: no candidate
}

TEST(NoveltyTest, NearestPicksTheCloserOfTwoVariants) {
  Melody v1 = Reel(), v2 = Reel();
  v1.bars[1].notes[1].pitch += 1;
  v1.bars[5].notes[2].pitch += 1;
  v1.name = "two changes";
  v2.bars[6].notes[0].pitch -= 1;
  v2.name = "one change";
  BarIndex index = BarIndex::Build({v1, Other(), v2});
  NearestTune near = index.Nearest(Reel());
  EXPECT_EQ(index.name(near.tune), "one change");
  EXPECT_EQ(near.edits, 2);                   // one pitch: two intervals
  EXPECT_DOUBLE_EQ(near.distance, 2.0 / 27);  // 27 notes
}

int FullEditDistance(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j)
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
  return d[a.size()][b.size()];
}

TEST(NoveltyTest, BandedEditDistanceEqualsTheFullTable) {
  auto s = [](const std::string& t) { return std::vector<uint32_t>(t.begin(), t.end()); };
  EXPECT_EQ(EditDistance(s("kitten"), s("sitting")), 3);
  EXPECT_EQ(EditDistance(s(""), s("abc")), 3);
  Rng rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<uint32_t> a(rng.Next() % 120), b(rng.Next() % 120);
    for (auto& x : a) x = rng.Next() % 4;
    for (auto& x : b) x = rng.Next() % 4;
    if (trial % 2) b = a, b.resize(b.size() / 2 + rng.Next() % 10, 1);  // near-equal pairs too
    EXPECT_EQ(EditDistance(a, b), FullEditDistance(a, b)) << trial;
  }
}

class BarIndexFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("abcrnn_novelty_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "index.bin").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(BarIndexFileTest, SaveAndLoadGiveTheSameAnswers) {
  BarIndex built = BarIndex::Build({Other(), Reel()}, 0x1234567890ABCDEFull);
  ASSERT_TRUE(built.Save(path_).ok());
  auto loaded = BarIndex::Load(path_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->source_fingerprint(), 0x1234567890ABCDEFull);
  EXPECT_EQ(loaded->tune_count(), 2);
  EXPECT_EQ(loaded->bar_count(), built.bar_count());
  EXPECT_EQ(loaded->name(1), "reel");
  Melody m = Transpose(Reel(), 4);
  m.bars[2].notes[0].pitch += 1;
  EXPECT_EQ(loaded->LongestCopiedRun(m).bars, built.LongestCopiedRun(m).bars);
  EXPECT_EQ(loaded->Nearest(m).edits, built.Nearest(m).edits);
}

TEST_F(BarIndexFileTest, DamagedForeignAndFutureFilesAreRefused) {
  ASSERT_TRUE(BarIndex::Build({Other(), Reel()}, 7).Save(path_).ok());
  std::string good = *ReadFile(path_);

  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x10;
  ASSERT_TRUE(WriteFileAtomically(path_, flipped).ok());
  auto r = BarIndex::Load(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  EXPECT_NE(r.status().message().find("CRC-32"), std::string::npos);

  ASSERT_TRUE(WriteFileAtomically(path_, "X:1\nK:D\nABC|\n").ok());
  r = BarIndex::Load(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("magic ABCRNNBI"), std::string::npos);

  std::string future = good;
  future[8] = 2;  // version 2
  ASSERT_TRUE(WriteFileAtomically(path_, future).ok());
  r = BarIndex::Load(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expected bar index version 1, got 2"), std::string::npos);

  ASSERT_TRUE(WriteFileAtomically(path_, good.substr(0, good.size() - 9)).ok());
  EXPECT_FALSE(BarIndex::Load(path_).ok());
}

}  // namespace
}  // namespace abcrnn::eval

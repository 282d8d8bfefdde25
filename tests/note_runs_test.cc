// Specification of the copy guard's note runs: a copy is found in any key and from training-form
// text, a changed note in every window is not a copy, stored hashes are checked, and on real tunes
// the sorted set gives the same answers as the bar index's note-run test.
#include "abcrnn/eval/note_runs.h"

#include <gtest/gtest.h>

#include "abcrnn/abc/parser.h"
#include "abcrnn/eval/novelty.h"
#include "support/melody_builder.h"
#include "support/paths.h"

namespace abcrnn::eval {
namespace {

using abcrnn::testing::MakeMelody;
using abcrnn::testing::Transpose;

// 16 quavers climbing and falling in D, two bars of 8.
Melody Line() {
  return MakeMelody(
      "62:1/8 64:1/8 66:1/8 67:1/8 69:1/8 71:1/8 73:1/8 74:1/8 | 74:1/8 71:1/8 69:1/8 67:1/8 66:1/8 64:1/8 "
      "62:1/8 61:1/8",
      2, 1, 1, "line");
}

TEST(NoteRunSetTest, AStretchOfTheTuneInAnyKeyIsShared) {
  NoteRunSet set = NoteRunSet::Build({Line()}, 8);
  EXPECT_EQ(set.notes(), 8);
  EXPECT_EQ(set.hashes().size(), 9u);  // 16 notes give 9 runs of 8, all different
  for (int semitones : {0, -5, 7, 12}) EXPECT_EQ(set.FirstShared(Transpose(Line(), semitones)), 0) << semitones;
}

TEST(NoteRunSetTest, AChangedNoteInEveryWindowIsNotACopy) {
  NoteRunSet set = NoteRunSet::Build({Line()}, 8);
  Melody m = Line();
  m.bars[0].notes[7].duration = Duration::Of(1, 4);  // note 8's length: every 8-note window but the last holds it
  EXPECT_EQ(set.FirstShared(m), 8);      // the window of notes 9-16 is untouched
  m.bars[1].notes[7].pitch += 1;         // and now that one differs too
  EXPECT_EQ(set.FirstShared(m), -1);
  EXPECT_FALSE(set.Shares(m));
}

TEST(NoteRunSetTest, ShorterTunesThanTheRunShareNothing) {
  NoteRunSet set = NoteRunSet::Build({Line()}, 17);
  EXPECT_TRUE(set.empty());
  EXPECT_FALSE(set.Shares(Line()));
}

TEST(NoteRunSetTest, TrainingFormTextIsReadLikeAFile) {
  const std::string text = "M:4/4\nL:1/8\nK:D\nDEFG ABcd|dcBA GFED|\n";
  NoteRunSet from_text = NoteRunSet::BuildFromTexts({text}, 8);
  NoteRunSet from_melody = NoteRunSet::Build({MelodyFromTune(abc::ParseTune("X:1\n" + text))}, 8);
  EXPECT_EQ(from_text.hashes(), from_melody.hashes());
  EXPECT_EQ(from_text.hashes().size(), 9u);
}

TEST(NoteRunSetTest, StoredHashesMustBeSortedAndUnique) {
  EXPECT_TRUE(NoteRunSet::FromHashes(32, {1, 2, 9}).ok());
  EXPECT_FALSE(NoteRunSet::FromHashes(32, {1, 9, 2}).ok());
  EXPECT_FALSE(NoteRunSet::FromHashes(32, {1, 1}).ok());
  EXPECT_FALSE(NoteRunSet::FromHashes(0, {1}).ok());
  NoteRunSet set = NoteRunSet::Build({Line()}, 8);
  auto back = NoteRunSet::FromHashes(8, set.hashes());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->FirstShared(Line()), 0);
}

TEST(NoteRunSetCorpus, AgreesWithTheBarIndexOnRealTunes) {
  ABCRNN_REQUIRE_CORPUS();
  abc::ParseOptions po;
  po.keep_text = false;
  auto oneills = abc::ReadAbcFile(abcrnn::testing::CorpusDir() + "/oneills1850/0101-0200.abc", po);
  auto nottingham = abc::ReadAbcFile(abcrnn::testing::CorpusDir() + "/nottingham/reelsa-c.abc", po);
  ASSERT_TRUE(oneills.ok()) << oneills.status().ToString();
  ASSERT_TRUE(nottingham.ok()) << nottingham.status().ToString();
  // Index every other O'Neill's tune; ask about all of them and Nottingham's reels.
  std::vector<Melody> indexed, asked;
  for (size_t i = 0; i < oneills->tunes.size(); ++i) {
    Melody m = MelodyFromTune(oneills->tunes[i]);
    if (i % 2 == 0) indexed.push_back(m);
    asked.push_back(std::move(m));
  }
  for (const auto& t : nottingham->tunes) asked.push_back(MelodyFromTune(t));
  BarIndex index = BarIndex::Build(indexed);
  int shared = 0, unshared = 0;
  for (int n : {16, 32}) {
    NoteRunSet set = NoteRunSet::Build(indexed, n);
    for (const Melody& m : asked) {
      const bool expected = index.SharesNoteRun(m, n);
      ASSERT_EQ(set.Shares(m), expected) << m.name << " n=" << n;
      (expected ? shared : unshared) += 1;
    }
  }
  EXPECT_GE(shared, 100);  // the 50 indexed tunes themselves at both lengths, and real borrowings
  EXPECT_GT(unshared, 200);
}

}  // namespace
}  // namespace abcrnn::eval

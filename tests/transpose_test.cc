// Transposition: the key respelling table, keys with modes and extra accidentals, notes'
// accidentals in the new key (explicit ones, bar carries, ties), chord symbols, moving a tune
// to a common tonic, and the MIDI range.
#include <gtest/gtest.h>

#include "abcrnn/abc/parser.h"
#include "abcrnn/abc/transpose.h"
#include "abcrnn/abc/writer.h"

namespace abcrnn::abc {
namespace {

std::string Name(SpelledNote n) {
  return std::string(1, n.letter) + (n.alter > 0 ? "#" : n.alter < 0 ? "b" : "");
}

// The music lines (after K:) of `abc` transposed by `semitones`.
std::string MovedMusic(const std::string& abc, int semitones) {
  Tune t = ParseTune(abc);
  EXPECT_TRUE(t.valid());
  auto moved = TransposeTune(t, semitones);
  EXPECT_TRUE(moved.ok()) << moved.status().ToString();
  WriteOptions o;
  o.write_x = false;
  return WriteTune(*moved, o).substr(WriteTune(*moved, o).find("K:"));
}

std::vector<int> Midi(const Tune& t) {
  std::vector<int> out;
  for (const auto& e : t.voices.at(0).elements)
    if (const auto* n = e.get_if<Note>())
      for (const auto& p : n->pitches) out.push_back(p.midi);
  return out;
}

TEST(KeyRespelling, ChoosesTheTonicWithFewestSharpsOrFlatsForEveryPitchClass) {
  const char* major[] = {"C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"};
  const char* minor[] = {"C",  "C#", "D",  "D#", "E",  "F",
                         "F#", "G",  "G#", "A",  "Bb", "B"};  // D#m: 6 sharps
  const char* dorian[] = {"C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B"};
  for (int pc = 0; pc < 12; ++pc) {
    EXPECT_EQ(Name(ConventionalTonic(pc, Mode::kMajor, true)), major[pc]) << pc;
    EXPECT_EQ(Name(ConventionalTonic(pc, Mode::kMinor, true)), minor[pc]) << pc;
    EXPECT_EQ(Name(ConventionalTonic(pc, Mode::kDorian, true)), dorian[pc]) << pc;
  }
  // Six sharps or six flats: the caller's preference decides.
  EXPECT_EQ(Name(ConventionalTonic(6, Mode::kMajor, false)), "Gb");
  EXPECT_EQ(Name(ConventionalTonic(3, Mode::kMinor, false)), "Eb");
  EXPECT_EQ(Name(ConventionalTonic(3, Mode::kMinor, true)), "D#");
}

TEST(KeyRespelling, KeepsTheModeAndRespellsConventionally) {
  auto moved = [](const char* key, int n) {
    KeySignature k = *ParseKey(key);
    return KeyText(TransposeKey(k, IntervalForKey(k, n)));
  };
  EXPECT_EQ(moved("D", 1), "Eb");
  EXPECT_EQ(moved("D", -1), "Db");
  EXPECT_EQ(moved("G", 6), "Db");
  EXPECT_EQ(moved("Ador", 2), "Bdor");
  EXPECT_EQ(moved("E minor", -2), "Dm");
  EXPECT_EQ(moved("Bb", 4), "D");
  EXPECT_EQ(moved("D =c", 1), "Eb _d");
  EXPECT_EQ(moved("Hp", 2), "Bmix");
  EXPECT_EQ(moved("none", 3), "none");
  EXPECT_EQ(KeySharps({'D', 0}, Mode::kMajor), 2);
  EXPECT_EQ(KeySharps({'C', 0}, Mode::kDorian), -2);
}

TEST(TransposeNotes, RespellsExplicitAccidentalsAndBarCarriesInTheNewKey) {
  // In D, F is sharp: =F (F natural) up a semitone is Gb, which Eb major does not give.
  EXPECT_EQ(MovedMusic("X:1\nM:4/4\nL:1/4\nK:D\nF=F^F f|F4|\n", 1), "K:Eb\nG_G=G g|G4|\n");
  EXPECT_EQ(MovedMusic("X:1\nM:4/4\nL:1/4\nK:C\n^F F c2|F4|\n", 2), "K:D\n^G G d2|G4|\n");
}

TEST(TransposeNotes, KeepsTiedAccidentalsAcrossTheBarLine) {
  Tune t = ParseTune("X:1\nM:2/4\nL:1/4\nK:C\nA^F-|F F|\n");
  auto moved = TransposeTune(t, 1);
  ASSERT_TRUE(moved.ok());
  Tune again = ParseTune(WriteTune(*moved));
  std::vector<int> want = Midi(t);
  for (int& m : want) m += 1;
  EXPECT_EQ(Midi(again), want);
  EXPECT_EQ(want, (std::vector<int>{70, 67, 67, 66}));
}

TEST(TransposeChordSymbols, MoveRootAndBassByTheInterval) {
  EXPECT_EQ(TransposeChordSymbol("Am/C", {2, 1}), "Bm/D");
  EXPECT_EQ(TransposeChordSymbol("F#7", {1, 1}), "G7");
  EXPECT_EQ(TransposeChordSymbol("Bb", {2, 1}), "C");
  EXPECT_EQ(TransposeChordSymbol("G/b", {2, 1}), "A/c#");
  EXPECT_EQ(TransposeChordSymbol("Dm7b5", {-2, -1}), "Cm7b5");
  EXPECT_EQ(TransposeChordSymbol("N.C.", {2, 1}), "N.C.");
  EXPECT_EQ(MovedMusic("X:1\nM:2/4\nL:1/4\nK:C\n\"Am/C\"A \"^text\"c|\n", 2),
            "K:D\n\"Bm/D\"B \"^text\"d|\n");
}

TEST(TransposeToTonic, MovesToTheNearestKeyOnThatTonicKeepingTheMode) {
  Tune t = ParseTune("X:1\nM:2/4\nL:1/4\nK:Ador\nAB|c2|\n");
  auto moved = TransposeToTonic(t, *ParseTonic("C"));
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(KeyText(moved->initial.key), "Cdor");
  EXPECT_EQ(Midi(*moved), (std::vector<int>{72, 74, 75}));  // up 3 semitones
  Tune f = ParseTune("X:1\nM:2/4\nL:1/4\nK:F#m\nFA|c2|\n");
  EXPECT_EQ(KeyText(TransposeToTonic(f, *ParseTonic("C"))->initial.key), "Cm");  // 6 up, not 6 down
  EXPECT_FALSE(ParseTonic("H").ok());
  EXPECT_FALSE(ParseTonic("C##").ok());
}

TEST(CheckRewritable, AllowsWrongBarLengthsOnlyAndNamesTheFirstOtherError) {
  EXPECT_TRUE(CheckRewritable(ParseTune("X:1\nM:2/4\nL:1/8\nK:C\nCDEFG|A2|]\n")).ok());  // overfull
  Status bad = CheckRewritable(ParseTune("X:1\nM:2/4\nL:1/8\nK:C\nCD[[EF|]\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("line 5, column"), std::string::npos) << bad.message();
  EXPECT_FALSE(CheckRewritable(ParseTune("X:1\nM:2/4\nL:1/8\n")).ok());  // no music
}

TEST(TransposeTune, RefusesToLeaveTheMidiRange) {
  Tune t = ParseTune("X:1\nM:2/4\nL:1/4\nK:C\ng''''2|\n");
  ASSERT_EQ(Midi(t), std::vector<int>{127});
  auto moved = TransposeTune(t, 1);
  ASSERT_FALSE(moved.ok());
  EXPECT_NE(moved.status().message().find("expected every pitch within MIDI 0..127"),
            std::string::npos);
  EXPECT_TRUE(TransposeTune(t, -1).ok());
}

}  // namespace
}  // namespace abcrnn::abc

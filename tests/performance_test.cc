// Specification of midi/performance and midi/tune_midi: what a tune sounds like, note by note, in
// exact whole-note fractions: repeats and endings, ties, tuplets, broken rhythm, chords, grace
// notes, rolls, trills, staccato, fermata, tempo, transposition. Expectations worked out by hand
// from the ABC standard and abc2midi's documented behaviour (doc/midi.md).
#include "abcrnn/midi/performance.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "abcrnn/abc/parser.h"
#include "abcrnn/midi/smf.h"
#include "abcrnn/midi/tune_midi.h"

namespace abcrnn::midi {
namespace {

using abc::Fraction;

std::string Tune(const std::string& body, const std::string& header = "M:4/4\nL:1/8\nK:C\n") {
  return "X:1\nT:Test\n" + header + body + "\n";
}

Performance Play(const std::string& text, const PerformOptions& options = {}) {
  abc::Tune tune = abc::ParseTune(text);
  auto p = Perform(tune, options);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : Performance();
}

// "key@onset/duration" with times in eighth notes when whole, else as fractions of a whole note.
std::string Show(const Performance& p) {
  std::string s;
  for (const auto& n : p.notes) {
    if (!s.empty()) s += ' ';
    s += std::to_string(n.key) + "@" + n.onset.ToString() + "/" + n.duration.ToString();
  }
  return s;
}

// Keys only, in played order.
std::vector<int> Keys(const Performance& p) {
  std::vector<int> k;
  for (const auto& n : p.notes) k.push_back(n.key);
  return k;
}

constexpr int C = 60, D = 62, E = 64, F = 65, G = 67, A = 69, B = 71, c = 72;

TEST(PerformanceTest, PlainNotesFollowEachOtherWithExactDurations) {
  EXPECT_EQ(Show(Play(Tune("C D2 E/ F3/2 z G4|"))),
            "60@0/1/8 62@1/8/1/4 64@3/8/1/16 65@7/16/3/16 67@3/4/1/2");
}

TEST(PerformanceTest, RepeatsAndEndingsAreExpanded) {
  EXPECT_EQ(Keys(Play(Tune("|:C D:|E F|]"))), (std::vector<int>{C, D, C, D, E, F}));
  EXPECT_EQ(Keys(Play(Tune("|:C|1 D:|2 E|]"))), (std::vector<int>{C, D, C, E}));
  EXPECT_EQ(Keys(Play(Tune("|:C|[1 D:|[2 E|]"))), (std::vector<int>{C, D, C, E}));
  EXPECT_EQ(Keys(Play(Tune("|:C D::E F:|"))), (std::vector<int>{C, D, C, D, E, F, E, F}));
}

TEST(PerformanceTest, AMissingStartRepeatMeansTheStartOrTheLastDoubleBarAsAbc2midiReadsIt) {
  // :| with no |: before it repeats from the start; a later lone :| from the last :| (read as ::).
  EXPECT_EQ(Keys(Play(Tune("C D:|E F:|"))), (std::vector<int>{C, D, C, D, E, F, E, F}));
  // After a finished repeat, || marks where the next section's repeat starts.
  EXPECT_EQ(Keys(Play(Tune("|:C:|D||E:|"))), (std::vector<int>{C, C, D, E, E}));
}

TEST(PerformanceTest, PartsArePlayedInTheOrderOfTheHeadersPField) {
  std::string text = "X:1\nT:Parts\nP:ABA\nM:2/4\nL:1/4\nK:C\nP:A\nC D|\nP:B\nE F|]\n";
  EXPECT_EQ(Keys(Play(text)), (std::vector<int>{C, D, E, F, C, D}));
}

TEST(PerformanceTest, TiesMergeIntoOneNoteAcrossTheBar) {
  EXPECT_EQ(Show(Play(Tune("C2-|C D|"))), "60@0/3/8 62@3/8/1/8");
  // In a chord only the tied pitch is held.
  EXPECT_EQ(Show(Play(Tune("[CE-]2 [EG]2|"))), "60@0/1/4 64@0/1/2 67@1/4/1/4");
}

TEST(PerformanceTest, TupletsAndBrokenRhythmScaleDurations) {
  EXPECT_EQ(Show(Play(Tune("(3CDE F>G A<B|"))),
            "60@0/1/12 62@1/12/1/12 64@1/6/1/12 65@1/4/3/16 67@7/16/1/16 69@1/2/1/16 71@9/16/3/16");
  // abc2midi ignores > between notes of different lengths.
  EXPECT_EQ(Show(Play(Tune("C>D/ E|"))), "60@0/1/8 62@1/8/1/16 64@3/16/1/8");
}

TEST(PerformanceTest, ChordsSoundTogetherForTheChordsLength) {
  Performance p = Play(Tune("[CEG]2 c|"));
  EXPECT_EQ(Show(p), "60@0/1/4 64@0/1/4 67@0/1/4 72@1/4/1/8");
  EXPECT_EQ(p.notes[2].chord_index, 2);
}

TEST(PerformanceTest, GraceNotesTakeAQuarterUnitEachFromTheNextNote) {
  EXPECT_EQ(Show(Play(Tune("{AB}c2 z|"))), "69@0/1/32 71@1/32/1/32 72@1/16/3/16");
  PerformOptions off;
  off.grace_notes = false;
  EXPECT_EQ(Show(Play(Tune("{AB}c2 z|"), off)), "72@0/1/4");
  // Graces that would take the whole note are dropped.
  EXPECT_EQ(Show(Play(Tune("{ABcd}c z|"))), "72@0/1/8");
}

TEST(PerformanceTest, RollsAndTrillsArePlayedAsAbc2midiDoes) {
  // A roll on a note of three units: main, upper, main, lower, main (1, 1/4, 3/4, 1/4, 3/4 units).
  EXPECT_EQ(Show(Play(Tune("~G3 z|"))),
            "67@0/1/8 69@1/8/1/32 67@5/32/3/32 65@1/4/1/32 67@9/32/3/32");
  // Any other length: the upper note for a quarter unit first.
  EXPECT_EQ(Show(Play(Tune("~G2 z|"))), "69@0/1/32 67@1/32/7/32");
  // A trill at 120 crotchets a minute: thirty-seconds alternating from the upper note.
  EXPECT_EQ(Keys(Play(Tune("TG z|"))), (std::vector<int>{A, G, A, G}));
  PerformOptions off;
  off.ornaments = false;
  EXPECT_EQ(Show(Play(Tune("TG ~G2|"), off)), "67@0/1/8 67@1/8/1/4");
}

TEST(PerformanceTest, StaccatoHalvesAndFermataDoubles) {
  EXPECT_EQ(Show(Play(Tune(".C D HE F|"))), "60@0/1/16 62@1/8/1/8 64@1/4/1/4 65@1/2/1/8");
}

TEST(PerformanceTest, HornpipesSwingPairsOfEighths) {
  std::string text = "X:1\nT:Hp\nR:hornpipe\nM:4/4\nL:1/8\nK:C\nCDEF G2 AB|\n";
  EXPECT_EQ(Show(Play(text)),
            "60@0/1/6 62@1/6/1/12 64@1/4/1/6 65@5/12/1/12 67@1/2/1/4 69@3/4/1/6 71@11/12/1/12");
}

TEST(PerformanceTest, TempoComesFromQAndDefaultsTo120Crotchets) {
  EXPECT_EQ(Play(Tune("C|")).tempi.at(0).microseconds_per_quarter, 500000);
  EXPECT_EQ(Play(Tune("C|", "M:6/8\nL:1/8\nQ:3/8=60\nK:C\n")).tempi.at(0).microseconds_per_quarter, 666666);
  // A bare number counts crotchets, whatever L: is (as abc2midi reads it).
  EXPECT_EQ(Play(Tune("C|", "M:6/8\nL:1/8\nQ:90\nK:C\n")).tempi.at(0).microseconds_per_quarter, 666666);
  Performance p = Play(Tune("C [Q:1/4=60] D|"));
  ASSERT_EQ(p.tempi.size(), 2u);
  EXPECT_EQ(p.tempi[1].at, Fraction(1, 8));
  EXPECT_EQ(p.tempi[1].microseconds_per_quarter, 1000000);
}

TEST(PerformanceTest, MeterAndKeyEventsComeFromTheHeaderAndTheBody) {
  Performance p = Play(Tune("C D [M:3/4][K:Am] E|", "M:6/8\nL:1/8\nK:D\n"));
  ASSERT_EQ(p.meters.size(), 2u);
  EXPECT_EQ(p.meters[0].numerator, 6);
  EXPECT_EQ(p.meters[0].denominator, 8);
  EXPECT_EQ(p.meters[1].at, Fraction(1, 4));
  ASSERT_EQ(p.keys.size(), 2u);
  EXPECT_EQ(p.keys[0].sharps, 2);
  EXPECT_FALSE(p.keys[0].minor);
  EXPECT_EQ(p.keys[1].sharps, 0);
  EXPECT_TRUE(p.keys[1].minor);
}

TEST(PerformanceTest, TransposeShiftsEveryNoteAndRefusesToLeaveTheMidiRange) {
  PerformOptions up;
  up.transpose = 2;
  EXPECT_EQ(Keys(Play(Tune("C E G|"), up)), (std::vector<int>{D, 66, A}));
  up.transpose = 48;
  abc::Tune tune = abc::ParseTune(Tune("c'' |"));
  auto p = Perform(tune, up);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("expected MIDI keys 0..127"), std::string::npos);
}

TEST(PerformanceTest, ATuneWithoutNotesIsRefused) {
  abc::Tune tune = abc::ParseTune(Tune("z4|"));
  auto p = Perform(tune);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("expected notes"), std::string::npos);
}

TEST(TuneMidiTest, MidiFileHasTempoMeterKeyProgramAndTheNotesInTicks) {
  PerformOptions options;
  options.program = 73;  // flute
  auto bytes = AbcToMidi(Tune("C2 [CE] z|", "M:3/4\nL:1/8\nQ:1/4=100\nK:G\n"), options);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto smf = DecodeSmf(*bytes);
  ASSERT_TRUE(smf.ok());
  EXPECT_EQ(smf->format, 1);
  EXPECT_EQ(smf->division, 480);
  ASSERT_EQ(smf->tracks.size(), 2u);
  EXPECT_EQ(FirstTempo(*smf), 600000);
  bool meter = false, key = false, program = false;
  for (const auto& track : smf->tracks)
    for (const auto& e : track.events) {
      if (e.status == 0xFF && e.meta_type == 0x58) meter = e.data[0] == 3 && e.data[1] == 2;
      if (e.status == 0xFF && e.meta_type == 0x59) key = e.data[0] == 1 && e.data[1] == 0;
      if ((e.status & 0xF0) == 0xC0) program = e.data[0] == 73;
    }
  EXPECT_TRUE(meter);
  EXPECT_TRUE(key);
  EXPECT_TRUE(program);
  auto notes = CollectNotes(*smf);
  ASSERT_EQ(notes.size(), 3u);
  EXPECT_EQ(notes[0].onset, 0);
  EXPECT_EQ(notes[0].duration, 480);
  EXPECT_EQ(notes[1].onset, 480);
  EXPECT_EQ(notes[2].onset, 480);
  EXPECT_EQ(notes[2].duration, 240);
  // The file lasts until the end of the closing rest: 4 quavers at 100 crotchets a minute = 1.2 s.
  EXPECT_DOUBLE_EQ(DurationSeconds(*smf), 1.2);
}

TEST(TuneMidiTest, TicksRoundDownLikeAbc2midi) {
  EXPECT_EQ(ToTicks(Fraction(1, 4)), 480);
  EXPECT_EQ(ToTicks(Fraction(1, 28)), 68);  // a seventh of a half note: 68.57 ticks
  EXPECT_EQ(ToTicks(Fraction(3, 2)), 2880);
}

TEST(TuneMidiTest, TextWithoutATuneIsAnError) {
  auto bytes = AbcToMidi("just some words, no K: field\n");
  ASSERT_FALSE(bytes.ok());
  EXPECT_NE(bytes.status().message().find("expected"), std::string::npos);
}

}  // namespace
}  // namespace abcrnn::midi

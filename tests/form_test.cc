// Specification of the form metrics and of the melody the metrics read from parsed ABC: known
// endings and tonics, repeat structures with pickups and endings, bar-length problems, chords,
// ties, unit length and key independence, and the bar index built from ABC files with its cache.
#include "abcrnn/eval/form.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "abcrnn/abc/controls.h"
#include "abcrnn/abc/parser.h"
#include "abcrnn/eval/melody.h"
#include "abcrnn/eval/novelty.h"
#include "abcrnn/util/file.h"

namespace abcrnn::eval {
namespace {

TuneForm Form(const std::string& text) { return AnalyzeForm(abc::ParseTune(text)); }
Melody Mel(const std::string& text) { return MelodyFromTune(abc::ParseTune(text)); }

const char kAabb[] =
    "X:1\nT:Aabb\nM:4/4\nL:1/8\nK:D\n"
    "|:DFAF DFAF|GBdB AFD2:|\n"
    "|:fdfa gfed|cABc d4:|\n";

TEST(FormTest, AnAabbTuneInDEndingOnDHasEveryProperty) {
  TuneForm f = Form(kAabb);
  EXPECT_TRUE(f.parses);
  EXPECT_TRUE(f.valid);
  EXPECT_TRUE(f.bars_ok);
  EXPECT_TRUE(f.has_header);
  EXPECT_EQ(f.ends_on_tonic, 1);
  EXPECT_TRUE(f.has_repeats);
  EXPECT_TRUE(f.equal_parts);
  EXPECT_EQ(f.bars, 4);
  EXPECT_EQ(f.pitch_range, 81 - 62);  // D (62) to a (81)
}

TEST(FormTest, EndingOnAnotherNoteIsNotATonicEnding) {
  EXPECT_EQ(Form("X:1\nM:4/4\nL:1/8\nK:D\nDFAF DFAF|GBdB AFE2|]\n").ends_on_tonic, 0);
}

TEST(FormTest, TheTonicIsTheModesTonicAndTheLastKeyCounts) {
  EXPECT_EQ(Form("X:1\nM:3/4\nL:1/4\nK:Ador\nA B c|d e c|B G A|]\n").ends_on_tonic, 1);
  EXPECT_EQ(Form("X:1\nM:3/4\nL:1/4\nK:Bb\nB d f|B3|]\n").ends_on_tonic, 1);  // B is flat in Bb
  EXPECT_EQ(Form("X:1\nM:3/4\nL:1/4\nK:G\nG B d|\nK:D\nd B A|D3|]\n").ends_on_tonic, 1);
  EXPECT_EQ(Form("X:1\nM:3/4\nL:1/4\nK:none\nC D E|C3|]\n").ends_on_tonic, -1);
}

TEST(FormTest, PickupAndClosingBarMakeWholePartsTogether) {
  TuneForm f = Form("X:1\nM:6/8\nL:1/8\nK:G\nD|GAB c2A|BGE D2:|\n|:d|efg d2B|cAF G2:|\n");
  EXPECT_TRUE(f.bars_ok);
  EXPECT_TRUE(f.has_repeats);
  EXPECT_TRUE(f.equal_parts);
  EXPECT_EQ(f.ends_on_tonic, 1);
}

// Real tunes write a pickup before the first |: and take the next part's pickup out of the
// closing bar without shortening it; musicians (and the N:form line) still count 8+8.
TEST(FormTest, PartsAreCountedAsTheFormLineCountsThem) {
  TuneForm outside = Form("X:1\nM:6/8\nL:1/8\nK:G\nD|:GAB c2A|BGE D2:|\n|:d|efg d2B|cAF G2:|\n");
  EXPECT_TRUE(outside.bars_ok);
  EXPECT_TRUE(outside.equal_parts);
  const char uncompensated[] = "X:1\nM:4/4\nL:1/8\nK:D\nA|DFAF DFAF|GBdB AFD2||\nfg|afdf gfed|cABc d4|]\n";
  EXPECT_TRUE(Form(uncompensated).equal_parts);
  EXPECT_EQ(abc::PartBars(abc::SplitIntoParts(abc::ParseTune(uncompensated))), (std::vector<int>{2, 2}));
  // Rounding does not hide a short bar inside a part.
  const char short_bar_text[] = "X:1\nM:4/4\nL:1/8\nK:D\n|:DFAF DFAF|GBdB A2|D2 D2:|\n|:fdfa gfed|cABc d4:|\n";
  EXPECT_EQ(abc::PartBars(abc::SplitIntoParts(abc::ParseTune(short_bar_text))), (std::vector<int>{2, 2}));
  TuneForm short_bar = Form(short_bar_text);
  EXPECT_FALSE(short_bar.bars_ok);
  EXPECT_FALSE(short_bar.equal_parts);
  // A pickup is not a part, so one part with a pickup is not two equal parts.
  EXPECT_FALSE(Form("X:1\nM:6/8\nL:1/8\nK:G\nD|:GAB c2A|BGE D2:|\n").equal_parts);
}

TEST(FormTest, SecondEndingsAreNotCountedInThePartLength) {
  TuneForm f = Form(
      "X:1\nM:4/4\nL:1/8\nK:D\n|:ABcd efga|1 bagf e4:|2 bagf d4||\n|:d2fd a2fd|1 gfed e4:|2 gfed "
      "d4|]\n");
  EXPECT_TRUE(f.has_repeats);
  EXPECT_TRUE(f.equal_parts);
}

TEST(FormTest, PartsOfDifferentLengthAreNotEqualAndThroughComposedHasNoRepeats) {
  TuneForm f =
      Form("X:1\nM:4/4\nL:1/8\nK:D\n|:DFAF DFAF|GBdB AFD2:|\n|:fdfa gfed|fdfa gfed|cABc d4:|\n");
  EXPECT_TRUE(f.has_repeats);
  EXPECT_FALSE(f.equal_parts);
  TuneForm g = Form("X:1\nM:4/4\nL:1/8\nK:D\nDFAF DFAF|GBdB AFD2|fdfa gfed|cABc d4|]\n");
  EXPECT_FALSE(g.has_repeats);
  EXPECT_FALSE(g.equal_parts);
}

TEST(FormTest, AnOverfullBarParsesButHasWrongBars) {
  TuneForm f = Form("X:1\nM:4/4\nL:1/8\nK:D\nDFAF DFAF A|GBdB AFD2|]\n");
  EXPECT_TRUE(f.parses);
  EXPECT_FALSE(f.valid);
  EXPECT_FALSE(f.bars_ok);
}

// abc2midi refuses R:hornpipe in M:C| ("Hornpipe must be in 2/4 or 4/4 time"), so check calls it
// invalid; the music is all there, and a real hornpipe written so must stay in eval's reference.
TEST(FormTest, AHornpipeInCutTimeParsesButIsNotValid) {
  TuneForm f = Form("X:1\nR:hornpipe\nM:C|\nL:1/8\nK:D\n|:DFAF DFAF|GBdB AFD2:|\n");
  EXPECT_TRUE(f.parses);
  EXPECT_FALSE(f.valid);
  EXPECT_TRUE(f.bars_ok);
  EXPECT_EQ(f.ends_on_tonic, 1);
  // A syntax error still makes it unreadable.
  EXPECT_FALSE(Form("X:1\nR:hornpipe\nM:C|\nL:1/8\nK:D\n|:DFAF DFAF|GBdB AFD2 ?:|\n").parses);
}

TEST(FormTest, MissingMeterIsAMissingHeaderField) {
  TuneForm f = Form("X:1\nL:1/8\nK:D\nDFAF DFAF|GBdB AFD2|]\n");
  EXPECT_FALSE(f.has_header);
}

// A bar echoes when it plays one of the 8 bars before it again, note for note, however it is
// written (a chord's top note, a unit length); rests-only bars and bars 9 back do not count.
TEST(FormTest, BarsThatPlayOneOfTheEightBeforeAgainAreEchoes) {
  EXPECT_EQ(Form(kAabb).echo_bars, 0);
  // Bar 3 is bar 1 (written with L:1/16), bar 4 bar 2 with a chord whose top note is the same.
  TuneForm f = Form("X:1\nM:4/4\nL:1/8\nK:D\nDFAF DFAF|GBdB AFD2|"
                    "[L:1/16]D2F2A2F2 D2F2A2F2|G2B2d2B2 A2F2[D,D]4|");
  EXPECT_EQ(f.bars, 4);
  EXPECT_EQ(f.echo_bars, 2);
  // Same pitches, other lengths: no echo. A bar of rests after a bar of rests: no echo.
  EXPECT_EQ(Form("X:1\nM:2/4\nL:1/8\nK:C\ncdef|c2d2|z4|z4|").echo_bars, 0);
  // Eight bars back counts; nine do not.
  const std::string run = "cdef|defg|efga|fgab|gabc'|abc'd'|bc'd'e'|c'd'e'f'|";
  EXPECT_EQ(Form("X:1\nM:2/4\nL:1/8\nK:C\n" + run + "cdef|").echo_bars, 1);
  EXPECT_EQ(Form("X:1\nM:2/4\nL:1/8\nK:C\n" + run + "C2C2|cdef|").echo_bars, 0);
}

TEST(MelodyTest, ChordsGiveTheirTopNoteAndTiesWithinABarJoin) {
  Melody m = Mel("X:1\nM:4/4\nL:1/4\nK:C\n[CEG] c- c d|e4|]\n");
  ASSERT_EQ(m.bars.size(), 2u);
  ASSERT_EQ(m.bars[0].notes.size(), 3u);
  EXPECT_EQ(m.bars[0].notes[0].pitch, 67);  // G of the chord
  EXPECT_EQ(m.bars[0].notes[1].pitch, 72);
  EXPECT_EQ(m.bars[0].notes[1].duration, Duration::Of(1, 2));  // c- c
  EXPECT_EQ(m.bars[1].notes[0].duration, Duration::Of(1, 1));
  EXPECT_EQ(m.bars[0].expected, Duration::Of(1, 1));
  EXPECT_EQ(m.tonic, 0);
}

TEST(MelodyTest, UnitLengthDoesNotChangeTheMelody) {
  Melody a = Mel("X:1\nM:6/8\nL:1/8\nK:G\nGAB c2A|B3 z3|]\n");
  Melody b = Mel("X:1\nM:6/8\nL:1/16\nK:G\nG2A2B2 c4A2|B6 z6|]\n");
  ASSERT_EQ(a.bars.size(), b.bars.size());
  EXPECT_EQ(BarKeys(a)[0].content, BarKeys(b)[0].content);
  EXPECT_EQ(BarKeys(a)[1].content, BarKeys(b)[1].content);
  EXPECT_EQ(NoteTokens(a), NoteTokens(b));
}

TEST(MelodyTest, ATuneWrittenInAnotherKeyIsACopyOfEveryBar) {
  BarIndex index = BarIndex::Build({Mel(kAabb)});
  // kAabb a tone higher, in E.
  Melody e = Mel("X:2\nM:4/4\nL:1/8\nK:E\n|:EGBG EGBG|AceB BGE2:|\n|:gegb agfe|dBcd e4:|\n");
  // Bar 2 differs on purpose (B instead of c#): the run is bars 3-4.
  EXPECT_EQ(index.LongestCopiedRun(e).bars, 2);
  Melody exact = Mel("X:2\nM:4/4\nL:1/8\nK:E\n|:EGBG EGBG|Acec BGE2:|\n|:gegb agfe|dBcd e4:|\n");
  EXPECT_EQ(index.LongestCopiedRun(exact).bars, 4);
}

TEST(BarIndexCacheTest, BuildsOnceThenLoadsAndRebuildsWhenTheDataChanges) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("abcrnn_cache_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string data = (dir / "train.abc").string(), cache = (dir / "train.barindex").string();
  ASSERT_TRUE(
      WriteFileAtomically(data, std::string(kAabb) + "\nX:2\nM:3/4\nL:1/4\nK:G\nG B d|g3|]\n")
          .ok());
  auto first = LoadOrBuildBarIndex({data}, cache);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->tune_count(), 2);
  ASSERT_TRUE(fs::exists(cache));
  auto stored = BarIndex::Load(cache);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->source_fingerprint(), first->source_fingerprint());
  EXPECT_NE(first->source_fingerprint(), 0u);
  auto again = LoadOrBuildBarIndex({data}, cache);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->tune_count(), 2);
  ASSERT_TRUE(WriteFileAtomically(data, std::string(kAabb)).ok());
  auto rebuilt = LoadOrBuildBarIndex({data}, cache);
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_EQ(rebuilt->tune_count(), 1);
  EXPECT_NE(rebuilt->source_fingerprint(), first->source_fingerprint());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace abcrnn::eval

// The cleaner and `abcrnn clean` / `abcrnn transpose`: the training form, each category kept by
// its option, the tunes dropped and why (errors, overfull bars, several voices, duplicates, also
// transposed ones), moving to a common tonic, the output file and the exit codes.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "abcrnn/abc/clean.h"
#include "abcrnn/abc/parser.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn {
namespace {
namespace fs = std::filesystem;

const char kJigD[] =
    "X:1\nT:Jig in D\nR:jig\nM:6/8\nL:1/8\nK:D\n\"D\"~d2A {g}(FAd)|\"A\"c2e !fermata!a3|\nw:la\n";
// The same melody a fourth higher, with other decorations: a duplicate after transposition.
const char kJigG[] = "X:2\nT:Jig in G\nM:6/8\nL:1/8\nK:G\ng2d Bdg|f2a d'3|\n";
const char kOverfull[] = "X:3\nT:Overfull\nM:2/4\nL:1/8\nK:C\nCDEFG|CDEF|\n";
const char kVoices[] = "X:4\nT:Two voices\nM:2/4\nL:1/8\nK:C\nV:1\nCDEF|\nV:2\nEFGA|\n";
const char kBroken[] = "X:5\nT:Broken\nM:2/4\nL:1/8\nK:C\n[CEG|\n";

TEST(CleanText, WritesTheTrainingFormWithOnlyMeterUnitLengthKeyAndMusic) {
  CleanResult r = CleanText(kJigD, "jigs.abc", CleanOptions());
  ASSERT_EQ(r.tunes.size(), 1u);
  EXPECT_EQ(r.tunes[0].text, "M:6/8\nL:1/8\nK:D\nd2A FAd|c2e a3|\n");
  EXPECT_EQ(r.tunes[0].x, "1");
  EXPECT_EQ(r.tunes[0].title, "Jig in D");
  EXPECT_EQ(r.tunes[0].source, "jigs.abc");
  EXPECT_EQ(r.tunes[0].line, 1);
}

// "~ d2A" is refused by abc2midi, but the training form leaves decorations out: only a cleaner
// that keeps them drops the tune.
TEST(CleanText, ADecorationApartFromItsNoteDropsTheTuneOnlyWhenDecorationsAreKept) {
  const char detached[] = "X:1\nT:Apart\nM:6/8\nL:1/8\nK:D\n~ d2A FAd|c2e a3|\n";
  CleanResult r = CleanText(detached, "f", CleanOptions());
  ASSERT_EQ(r.tunes.size(), 1u);
  EXPECT_EQ(r.tunes[0].text, "M:6/8\nL:1/8\nK:D\nd2A FAd|c2e a3|\n");
  CleanOptions keep;
  keep.keep_decorations = true;
  EXPECT_TRUE(CleanText(detached, "f", keep).tunes.empty());
}

// "cA>B" under R:hornpipe is refused by abc2midi (its swing of c A), but the training form leaves
// the R: field out: only a cleaner that keeps the fields drops the tune.
TEST(CleanText, AHornpipeSwingDropsTheTuneOnlyWhenTheRFieldIsKept) {
  const char swung[] = "X:1\nT:Swung\nR:hornpipe\nM:4/4\nL:1/8\nK:C\ncA>Bc dedc|\n";
  CleanResult r = CleanText(swung, "f", CleanOptions());
  ASSERT_EQ(r.tunes.size(), 1u);
  EXPECT_EQ(r.tunes[0].text, "M:4/4\nL:1/8\nK:C\ncA>Bc dedc|\n");
  CleanOptions keep;
  keep.keep_fields = true;
  EXPECT_TRUE(CleanText(swung, "f", keep).tunes.empty());
}

TEST(CleanText, KeepsEachCategoryWhenItsOptionSaysSo) {
  auto with = [](void (*set)(CleanOptions*)) {
    CleanOptions o;
    set(&o);
    return CleanText(kJigD, "f", o).tunes.at(0).text;
  };
  EXPECT_NE(with([](CleanOptions* o) { o->keep_fields = true; }).find("T:Jig in D\nR:jig\n"),
            std::string::npos);
  EXPECT_NE(with([](CleanOptions* o) { o->keep_lyrics = true; }).find("\nw:la\n"),
            std::string::npos);
  EXPECT_NE(with([](CleanOptions* o) { o->keep_chord_symbols = true; }).find("\"D\"d2A"),
            std::string::npos);
  EXPECT_NE(with([](CleanOptions* o) { o->keep_decorations = true; }).find("~d2A"),
            std::string::npos);
  EXPECT_NE(with([](CleanOptions* o) { o->keep_decorations = true; }).find("!fermata!a3"),
            std::string::npos);
  EXPECT_NE(with([](CleanOptions* o) { o->keep_grace_notes = true; }).find("{g}FAd"),
            std::string::npos);
  EXPECT_NE(with([](CleanOptions* o) { o->keep_slurs = true; }).find("(FAd)"), std::string::npos);
  std::string all = CleanText(kJigD, "f", CleanOptions::KeepAll()).tunes.at(0).text;
  EXPECT_EQ(
      all,
      "T:Jig in D\nR:jig\nM:6/8\nL:1/8\nK:D\n\"D\"~d2A {g}(FAd)|\"A\"c2e !fermata!a3|\nw:la\n");
}

TEST(CleanText, DropsATransposedDuplicate) {
  CleanResult r = CleanText(std::string(kJigD) + "\n" + kJigG, "f", CleanOptions());
  EXPECT_EQ(r.report.read, 2);
  EXPECT_EQ(r.report.kept, 1);
  EXPECT_EQ(r.report.dropped["duplicate"], 1);
  CleanOptions keep;
  keep.drop_duplicates = false;
  EXPECT_EQ(CleanText(std::string(kJigD) + "\n" + kJigG, "f", keep).report.kept, 2);
}

TEST(CleanText, DropsTunesWithErrorsOverfullBarsOrSeveralVoicesAndSaysWhy) {
  std::string text = std::string(kOverfull) + "\n" + kVoices + "\n" + kBroken + "\n" + kJigD;
  CleanResult r = CleanText(text, "f", CleanOptions());
  EXPECT_EQ(r.report.read, 4);
  EXPECT_EQ(r.report.kept, 1);
  EXPECT_EQ(r.report.dropped["overfull-bar"], 1);
  EXPECT_EQ(r.report.dropped["several-voices"], 1);
  EXPECT_EQ(r.report.dropped["errors"], 1);
  EXPECT_EQ(FormatCleanReport(r.report),
            "kept 1 of 4 tunes; dropped 3: 1 errors, 1 overfull-bar, 1 several-voices");
}

TEST(CleanText, MovesEveryTuneToTheCommonTonicKeepingItsMode) {
  CleanOptions o;
  o.transpose_to = "C";
  o.drop_duplicates = false;
  CleanResult r = CleanText(std::string(kJigD) + "\n" + kJigG, "f", o);
  ASSERT_EQ(r.tunes.size(), 2u);
  EXPECT_EQ(r.tunes[0].text, "M:6/8\nL:1/8\nK:C\nc2G EGc|B2d g3|\n");
  // G to C: up a fourth (the nearer way), so an octave above the D tune moved down a tone.
  EXPECT_EQ(r.tunes[1].text, "M:6/8\nL:1/8\nK:C\nc'2g egc'|b2d' g'3|\n");
  o.transpose_to = "H";
  EXPECT_EQ(CleanText(kJigD, "f", o).report.dropped["invalid-transpose-to"], 1);
}

class CleanCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("abcrnn_clean_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    in_ = (dir_ / "in.abc").string();
    ASSERT_TRUE(
        WriteFileAtomically(in_, std::string(kJigD) + "\n" + kJigG + "\n" + kOverfull).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string in_;
};

// Essen's songs (../shared/data/essen) leave out the bar line at the end of a line that ends a
// bar; a line that ends mid-bar goes on. Read as written, the first tune's bars run together.
const char kEssenLike[] =
    "X:1\nT:Lines as bars\nM:2/4\nL:1/8\nK:F\nA | A2GA | c2BA | G2AB | G2z2\nc2AB | G2z2 | A2GA | F2z\n\n"
    "X:2\nT:A phrase ends mid-bar\nM:2/4\nL:1/8\nK:F\nF | F2GA | B2z\nB | A2cd | c2z2\ndcBA | G2G\nG | cBAG | F2z\n";

TEST(CleanText, LineEndBarsClosesABarThatIsFullAtTheEndOfItsLineAndOnlyThat) {
  CleanResult plain = CleanText(kEssenLike, "f", CleanOptions());
  EXPECT_EQ(plain.report.dropped["overfull-bar"], 2);
  CleanOptions o;
  o.line_end_bars = true;
  CleanResult r = CleanText(kEssenLike, "f", o);
  ASSERT_EQ(r.report.kept, 2) << FormatCleanReport(r.report);
  EXPECT_EQ(r.tunes[0].text, "M:2/4\nL:1/8\nK:F\nA|A2GA|c2BA|G2AB|G2z2|\nc2AB|G2z2|A2GA|F2z|]\n");
  // Lines that end mid-bar (B2z, G2G) go on into the next line's first notes.
  EXPECT_EQ(r.tunes[1].text, "M:2/4\nL:1/8\nK:F\nF|F2GA|B2z\nB|A2cd|c2z2|\ndcBA|G2G\nG|cBAG|F2z|]\n");
}

TEST(CleanText, CollapseEmptyBarsKeepsOneBarLineOfARunTheStrongest) {
  const char tune[] = "X:1\nM:2/4\nL:1/8\nK:C\n| | |C2D2|E4| ||G4|\n|:c4| :|\n";
  CleanOptions o;
  EXPECT_EQ(CleanText(tune, "f", o).tunes.at(0).text, "M:2/4\nL:1/8\nK:C\n| | |C2D2|E4| ||G4|\n|:c4| :|\n");
  o.collapse_empty_bars = true;
  EXPECT_EQ(CleanText(tune, "f", o).tunes.at(0).text, "M:2/4\nL:1/8\nK:C\n|C2D2|E4||G4\n|:c4:|\n");
}

TEST(CleanOptionsJson, RoundTripsAndKeepsDefaultsForWhatIsAbsentOrMistyped) {
  CleanOptions o;
  o.keep_slurs = true;
  o.drop_duplicates = false;
  o.controls = true;
  o.transpose_to = "D";
  o.line_end_bars = true;
  o.collapse_empty_bars = true;
  o.beat = true;
  const CleanOptions back = CleanOptionsFromJson(CleanOptionsToJson(o));
  EXPECT_EQ(CleanOptionsToJson(back), CleanOptionsToJson(o));
  EXPECT_TRUE(back.keep_slurs && back.controls && !back.drop_duplicates && back.beat);
  EXPECT_TRUE(back.line_end_bars && back.collapse_empty_bars);
  EXPECT_EQ(back.transpose_to, "D");
  CleanOptions defaults;
  defaults.keep_lyrics = true;
  const CleanOptions partial = CleanOptionsFromJson(R"({"controls": true, "keep_lyrics": "yes", "transpose_to": 3})",
                                                    defaults);
  EXPECT_TRUE(partial.controls);
  EXPECT_TRUE(partial.keep_lyrics);  // a string is not a flag: the default stays
  EXPECT_EQ(partial.transpose_to, "");
  EXPECT_EQ(CleanOptionsToJson(CleanOptionsFromJson("not json", defaults)), CleanOptionsToJson(defaults));
}

TEST_F(CleanCommand, WritesValidMultiTuneAbcNumberedFromOneAndReportsDrops) {
  std::string out = (dir_ / "out.abc").string();
  auto r = testing::RunCommand(
      testing::Program("abcrnn") + " clean --keep-duplicates " + in_ + " -o " + out, true);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("kept 2 of 3 tunes; dropped 1: 1 overfull-bar"), std::string::npos) << r.out;
  auto text = ReadFile(out);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(
      *text,
      "X:1\nM:6/8\nL:1/8\nK:D\nd2A FAd|c2e a3|\n\nX:2\nM:6/8\nL:1/8\nK:G\ng2d Bdg|f2a d'3|\n");
  abc::AbcFile parsed = abc::ParseAbcFile(*text);
  ASSERT_EQ(parsed.tunes.size(), 2u);
  EXPECT_TRUE(parsed.tunes[1].valid());
}

TEST_F(CleanCommand, ExitsWithTwoForABadTonicAMissingFileOrNothingLeft) {
  std::string abcrnn = testing::Program("abcrnn");
  EXPECT_EQ(
      testing::RunCommand(abcrnn + " clean --transpose-to Q " + in_ + " 2>/dev/null").exit_code, 2);
  EXPECT_EQ(
      testing::RunCommand(abcrnn + " clean " + (dir_ / "absent.abc").string() + " 2>/dev/null")
          .exit_code,
      2);
  std::string only_bad = (dir_ / "bad.abc").string();
  ASSERT_TRUE(WriteFileAtomically(only_bad, kOverfull).ok());
  EXPECT_EQ(testing::RunCommand(abcrnn + " clean " + only_bad + " 2>/dev/null").exit_code, 2);
}

TEST_F(CleanCommand, TransposeCommandRespellsTheKeyAndChordSymbols) {
  auto r = testing::RunCommand(testing::Program("abcrnn") + " transpose --semitones 1 " + in_ +
                               " 2>/dev/null");
  EXPECT_EQ(r.exit_code,
            0);  // the overfull tune is transposed too: bar lengths are not errors here
  EXPECT_NE(r.out.find("K:Eb\n\"Eb\"~e2B {a}(GBe)|\"Bb\"d2f !fermata!b3|\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("X:2\nT:Jig in G\nM:6/8\nL:1/8\nK:Ab\n"), std::string::npos) << r.out;
  auto bad = testing::RunCommand(testing::Program("abcrnn") + " transpose " + in_ + " 2>/dev/null");
  EXPECT_EQ(bad.exit_code, 2);  // --semitones is required
}

}  // namespace
}  // namespace abcrnn

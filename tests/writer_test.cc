// The ABC writer, construct by construct: canonical lengths and field values, header order,
// normalised spacing and line breaks, categories dropped, accidentals added where dropping a
// grace note would change a pitch.
#include <gtest/gtest.h>

#include "abcrnn/abc/parser.h"
#include "abcrnn/abc/writer.h"

namespace abcrnn::abc {
namespace {

std::string Rewrite(const std::string& abc, const WriteOptions& o = {}) {
  Tune t = ParseTune(abc);
  EXPECT_TRUE(t.valid()) << (t.diagnostics.empty() ? "" : t.diagnostics[0].ToString());
  return WriteTune(t, o);
}

TEST(WriterLengths, AreWrittenInCanonicalForm) {
  EXPECT_EQ(LengthText(Fraction(1)), "");
  EXPECT_EQ(LengthText(Fraction(2)), "2");
  EXPECT_EQ(LengthText(Fraction(1, 2)), "/");
  EXPECT_EQ(LengthText(Fraction(3, 2)), "3/");
  EXPECT_EQ(LengthText(Fraction(1, 4)), "/4");
  EXPECT_EQ(LengthText(Fraction(3, 4)), "3/4");
}

// abc2midi swings a hornpipe's quaver only when its written numerator is 1: "G2/" is a quaver it
// does not swing, so the writer keeps a numerator there ("2/"), where "G" would change the tune
// abc2midi plays (and may make it refuse a broken rhythm: the hornpipe-swing rule).
TEST(WriterLengths, KeepANumeratorThatReducesAway) {
  EXPECT_EQ(Rewrite("X:1\nM:4/4\nL:1/8\nK:C\nG2/A c2/4d/ e4/2 f2/2 a4/4b|\n"),
            "X:1\nM:4/4\nL:1/8\nK:C\nG2/A c2/4d/ e2 f2/ a2/b|\n");
  const std::string hornpipe = "X:1\nR:hornpipe\nM:2/4\nL:1/16\nK:C\nC/D/E/F/G/A/ G>AG2/F/G/E/F/|G8|]\n";
  const Tune t = ParseTune(hornpipe);
  ASSERT_TRUE(t.valid()) << t.diagnostics.front().ToString();
  const Tune again = ParseTune(WriteTune(t, {}));
  EXPECT_TRUE(again.valid()) << WriteTune(t, {}) << again.diagnostics.front().ToString();
}

TEST(WriterFieldValues, AreNormalised) {
  EXPECT_EQ(KeyText(*ParseKey("E minor")), "Em");
  EXPECT_EQ(KeyText(*ParseKey("ADor")), "Ador");
  EXPECT_EQ(KeyText(*ParseKey("Bb mix")), "Bbmix");
  EXPECT_EQ(KeyText(*ParseKey("D =c")), "D =c");
  EXPECT_EQ(KeyText(*ParseKey("D exp _b")), "D exp _b");
  EXPECT_EQ(KeyText(*ParseKey("F#m")), "F#m");
  EXPECT_EQ(KeyText(*ParseKey("none")), "none");
  EXPECT_EQ(MeterText(*ParseMeter("C|")), "C|");
  EXPECT_EQ(MeterText(*ParseMeter("6/8")), "6/8");
  EXPECT_EQ(UnitLengthText(Fraction(1, 16)), "1/16");
}

TEST(Writer, PutsHeaderFieldsInCanonicalOrderWithTheDefaultUnitLengthMadeExplicit) {
  EXPECT_EQ(Rewrite("X:7\nR:reel\nM:C|\nT:Title\nQ:1/2=90\nC:Trad\nK:G\nGABc|\n"),
            "X:7\nT:Title\nR:reel\nC:Trad\nM:C|\nL:1/8\nQ:1/2=90\nK:G\nGABc|\n");
}

TEST(Writer, NormalisesSpacingAroundBarsAndKeepsBeamBreaks) {
  EXPECT_EQ(Rewrite("X:1\nM:6/8\nL:1/8\nK:D\n  A/2B3/2  c  d>e f |  [1 f2 e :|[2 f3 |]\n"),
            "X:1\nM:6/8\nL:1/8\nK:D\nA/B3/ c d>e f|[1f2 e:|[2f3|]\n");
}

TEST(Writer, KeepsASpaceWhereBarLinesInARowWouldRunTogetherIntoARepeatSign) {
  // "|" then ":|" must not become "|:|" (read as "|:" then "|"), nor "|:" then ":|" "|::|".
  const std::string abc = "X:1\nM:2/4\nL:1/8\nK:C\n|:CDEF|  :|GABc|: :|\n";
  const std::string written = Rewrite(abc);
  EXPECT_EQ(written, "X:1\nM:2/4\nL:1/8\nK:C\n|:CDEF| :|GABc|: :|\n");
  auto kinds = [](const Tune& t) {
    std::vector<BarKind> out;
    for (const auto& e : t.voices.at(0).elements)
      if (const auto* b = e.get_if<BarLine>()) out.push_back(b->kind);
    return out;
  };
  EXPECT_EQ(kinds(ParseTune(written)), kinds(ParseTune(abc)));
}

TEST(Writer, KeepsEmptyBarsApartSoTheyStaySingleBarLines) {
  // "| |" written as "||" would be a double bar, and "| | | |]" as "||||]" no bar line at all.
  const std::string abc = "X:1\nM:4/4\nL:1/8\nK:C\nabcd efga | | bagf edcB | | | |]\n";
  const std::string written = Rewrite(abc);
  EXPECT_EQ(written, "X:1\nM:4/4\nL:1/8\nK:C\nabcd efga| |bagf edcB| | | |]\n");
  EXPECT_TRUE(ParseTune(written).valid());
}

TEST(Writer, NeverStartsAMusicLineLikeAFieldLine) {
  // "e :|" at the start of a line written as "e:|" would read as an "e:" field to abcm2ps.
  const std::string written = Rewrite("X:1\nM:2/4\nL:1/4\nK:C\n|:c d|\ne :|\nd e|\nC :|\n");
  EXPECT_EQ(written, "X:1\nM:2/4\nL:1/4\nK:C\n|:c d|\ne :|\nd e|\nC :|\n");
  EXPECT_TRUE(ParseTune(written).valid());
}

TEST(Writer, KeepsTupletsChordsTiesSlursGracesDecorationsAndChordSymbols) {
  std::string music = "(3abc \"Am\"[CEG]2 A-A|{g}(AB) ~c!trill!d .e|\n";
  EXPECT_EQ(Rewrite("X:1\nM:4/4\nL:1/8\nK:C\n" + music), "X:1\nM:4/4\nL:1/8\nK:C\n" + music);
}

TEST(Writer, TurnsDollarLineBreaksIntoNewlinesAndJoinsContinuations) {
  EXPECT_EQ(Rewrite("X:1\nM:2/4\nL:1/8\nK:C\nCDEF|$GABc|\\\ncBAG|\n"),
            "X:1\nM:2/4\nL:1/8\nK:C\nCDEF|\nGABc|cBAG|\n");
}

TEST(WriterTrainingForm, KeepsOnlyMeterUnitLengthKeyAndTheMusic) {
  std::string abc =
      "X:1\nT:T\nR:jig\nM:6/8\nK:D\n% a comment\n\"D\"~A2{g}A (Bcd)|!fermata!e3 e3|\nw:la la\n";
  EXPECT_EQ(Rewrite(abc, WriteOptions::Training()), "M:6/8\nL:1/8\nK:D\nA2A Bcd|e3 e3|\n");
}

TEST(WriterTrainingForm, KeepsTheSharpAGraceNoteCarriedWhenDroppingIt) {
  // The grace's ^f sharpens the later F of the bar (any octave); without the grace the first F
  // must say so itself.
  EXPECT_EQ(Rewrite("X:1\nM:2/4\nL:1/8\nK:C\n{^f}f2 F2|F4|\n", WriteOptions::Training()),
            "M:2/4\nL:1/8\nK:C\n^f2 F2|F4|\n");
}

TEST(WriterTrainingForm, ClosesALastBarLeftOpenAndOnlyThat) {
  // Essen-style music whose last line ends without a bar line gets "|]" after its last note, on
  // the same line and before trailing comment or field lines.
  EXPECT_EQ(Rewrite("X:1\nM:2/4\nL:1/8\nK:C\nc|BA G2|F2\nE|D2 C2\n", WriteOptions::Training()),
            "M:2/4\nL:1/8\nK:C\nc|BA G2|F2\nE|D2 C2|]\n");
  EXPECT_EQ(Rewrite("X:1\nM:2/4\nL:1/8\nK:C\nD2 C2\nK:G\n", WriteOptions::Training()),
            "M:2/4\nL:1/8\nK:C\nD2 C2|]\nK:G\n");
  // A tune that already ends on a bar line, of any kind, is left as it is.
  for (const char* music : {"D2 C2|\n", "D2 C2:|\n", "D2 C2|]\n", "|:D2 C2:|\n", "D2 C2||\n"})
    EXPECT_EQ(Rewrite(std::string("X:1\nM:2/4\nL:1/8\nK:C\n") + music, WriteOptions::Training()),
              std::string("M:2/4\nL:1/8\nK:C\n") + music);
  // Only the training form does it: the formatter keeps the source's ending.
  EXPECT_EQ(Rewrite("X:1\nM:2/4\nL:1/8\nK:C\nD2 C2\n"), "X:1\nM:2/4\nL:1/8\nK:C\nD2 C2\n");
}

TEST(Writer, KeepsInlineFieldsAndBodyKeyChanges) {
  EXPECT_EQ(Rewrite("X:1\nM:3/4\nL:1/4\nK:G\nGAB|[M:2/4]cd|\nK:Dm\nDE|\n"),
            "X:1\nM:3/4\nL:1/4\nK:G\nGAB|[M:2/4]cd|\nK:Dm\nDE|\n");
}

TEST(Writer, WritesATupletWithNonDefaultRatioInFull) {
  EXPECT_EQ(Rewrite("X:1\nM:4/4\nL:1/8\nK:C\n(3:2:2a2b (5cdefg z3|\n"),
            "X:1\nM:4/4\nL:1/8\nK:C\n(3::2a2b (5cdefg z3|\n");
}

}  // namespace
}  // namespace abcrnn::abc

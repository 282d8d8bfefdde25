// Specification of BreakLongLines: long music lines broken after every fourth bar line, never
// between a bar line and its ending number; headers, short lines and the music itself unchanged.
#include "abcrnn/abc/line_breaks.h"

#include <gtest/gtest.h>

#include "abcrnn/abc/parser.h"

namespace abcrnn::abc {
namespace {

std::string WithoutLayout(std::string s) {
  std::string out;
  for (char c : s)
    if (c != '\n' && c != ' ') out += c;
  return out;
}

TEST(BreakLongLinesTest, ALineOfTwelveBarsBecomesThreeLinesOfFour) {
  const std::string head = "M:4/4\nL:1/8\nK:D\n";
  std::string line;
  for (int i = 0; i < 12; ++i) line += "ABcd efga|";
  const std::string out = BreakLongLines(head + line + "\n");
  EXPECT_EQ(out, head + "ABcd efga|ABcd efga|ABcd efga|ABcd efga|\nABcd efga|ABcd efga|ABcd efga|ABcd efga|\n"
                        "ABcd efga|ABcd efga|ABcd efga|ABcd efga|\n");
}

TEST(BreakLongLinesTest, ShortLinesHeadersAndEndingsStay) {
  const std::string tune = "S:essen\nM:4/4\nL:1/8\nK:D\n|:ABcd efga|ABcd efga:|\n";
  EXPECT_EQ(BreakLongLines(tune), tune);
  // Broken after every fourth bar line when more than six, but not inside "|1" or ":|2".
  const std::string head = "M:4/4\nL:1/8\nK:D\n";
  const std::string music = "|:A8|B8|c8|d8|1e8:|2f8|g8|a8|b8|]\n";
  const std::string out = BreakLongLines(head + music, 4, 6);
  EXPECT_NE(out, head + music);
  EXPECT_EQ(out.find("|\n1"), std::string::npos) << out;
  EXPECT_EQ(out.find(":|\n2"), std::string::npos) << out;
  EXPECT_EQ(WithoutLayout(out), WithoutLayout(head + music));
}

TEST(BreakLongLinesTest, ALineNeverStartsLikeAFieldLine) {
  // Broken before "f:|", the new line would read as an "f:" field to abcm2ps.
  const std::string head = "M:2/4\nL:1/4\nK:D\n";
  const std::string music = "|:A2|B2|c2|d2|e2|f2|g2|f:|\n";
  const std::string out = BreakLongLines(head + music, 4, 6);
  EXPECT_NE(out.find("\nf :|"), std::string::npos) << out;
  EXPECT_EQ(WithoutLayout(out), WithoutLayout(head + music));
  EXPECT_TRUE(ParseTune("X:1\n" + out).valid()) << out;
}

TEST(BreakLongLinesTest, TheTuneParsesToTheSameMusic) {
  const std::string tune = "M:3/4\nL:1/8\nK:G\n"
                           "|:G2 B2 d2|g4 fe|d2 B2 G2|A6|B2 d2 g2|b4 ag|f2 d2 B2|c6|e2 c2 A2|G6:|\n";
  const std::string out = BreakLongLines(tune);
  EXPECT_GT(std::count(out.begin(), out.end(), '\n'), std::count(tune.begin(), tune.end(), '\n'));
  Tune a = ParseTune(tune), b = ParseTune(out);
  ASSERT_TRUE(a.valid());
  ASSERT_TRUE(b.valid());
  ASSERT_EQ(a.voices.size(), b.voices.size());
  EXPECT_EQ(a.voices[0].end, b.voices[0].end);
}

}  // namespace
}  // namespace abcrnn::abc

// Specification of BreakLongLines: long music lines broken after every fourth bar line, never
// between a bar line and its ending number; headers, short lines and the music itself unchanged.
// And of LayoutMusicLines: four full bars a line, parts on lines of their own, an upbeat on the
// line of the bars it leads into, never a line end inside a bar; over the corpus, the same notes.
#include "abcrnn/abc/line_breaks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <vector>
#include <sstream>

#include "abcrnn/abc/parser.h"
#include "support/paths.h"

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

// The notes and rests of a tune's first voice: pitches, onsets and durations, in order.
std::string Notes(const Tune& t) {
  std::ostringstream out;
  if (t.voices.empty()) return "";
  for (const Element& e : t.voices[0].elements) {
    if (const Note* n = e.get_if<Note>()) {
      for (const Pitch& p : n->pitches) out << p.midi << (p.tie ? "-" : "") << ',';
      out << n->onset.ToString() << '+' << n->duration.ToString() << ' ';
    } else if (const Rest* r = e.get_if<Rest>()) {
      out << 'z' << r->onset.ToString() << '+' << r->duration.ToString() << ' ';
    }
  }
  return out.str();
}

// Music lines of `text` (after K:) that end inside a bar, not with a bar line; the tune's last
// music line is not counted (many tunes end without a bar line).
int LinesEndingInsideABar(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  bool body = false;
  std::vector<bool> inside;
  while (std::getline(in, line)) {
    if (!body) {
      body = line.rfind("K:", 0) == 0;
      continue;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    // A field line is a letter and ':' ("M:3/4"); "|:" and "::" start music lines.
    if (line.empty() || (line.size() >= 2 && std::isalpha(static_cast<unsigned char>(line[0])) && line[1] == ':') ||
        line.find('%') != std::string::npos ||
        line.back() == '\\')
      continue;
    inside.push_back(line.back() != '|' && line.back() != ':' && line.back() != ']');
  }
  if (!inside.empty()) inside.pop_back();
  return static_cast<int>(std::count(inside.begin(), inside.end(), true));
}

TEST(LayoutMusicLinesTest, ASongWrittenInPhrasesGetsFourBarsALineWithItsUpbeat) {
  // An Essen song: lines end at phrase ends, inside bars; the first bar is an upbeat.
  const std::string head = "S:essen\nR:song\nM:3/4\nL:1/8\nK:F\n";
  const std::string music = "C2|F2E2D2|E2D2C2|F2C2C2|A,2C2\nC2|A,2C2\nC2|D3CB,2|A,2C2\nF2|F2G2A2|C4|]\n";
  const std::string out = LayoutMusicLines(head + music);
  EXPECT_EQ(out, head + "C2|F2E2D2|E2D2C2|F2C2C2|A,2C2 C2|\nA,2C2 C2|D3CB,2|A,2C2 F2|F2G2A2|C4|]\n")
      << "the last bar joins the line before rather than stand alone";
  EXPECT_EQ(Notes(ParseTune(out)), Notes(ParseTune(head + music)));
}

TEST(LayoutMusicLinesTest, EachPartStartsALineAndEndingsStayWithTheirBarLines) {
  const std::string head = "R:jig\nM:6/8\nL:1/8\nK:A\n";
  // Two parts, the first with first and second endings, the second after "|| |:".
  const std::string music = "c|efe aec|Ace ecA|Ace aec|eag aef|ecA Aee|f2d B2e|cBA fec|1dBG A2:|2dBG A3||"
                            " |:ecA ecA|dcB B2e|cBA fec|dBG A3:|\n";
  const std::string out = LayoutMusicLines(head + music);
  EXPECT_EQ(out, head + "c|efe aec|Ace ecA|Ace aec|eag aef|\necA Aee|f2d B2e|cBA fec|1dBG A2:|2dBG A3||\n"
                        "|:ecA ecA|dcB B2e|cBA fec|dBG A3:|\n");
  EXPECT_EQ(Notes(ParseTune(out)), Notes(ParseTune(head + music)));
  // Asked for two bars a line: "|1" and ":|2" are never split, so the endings share a line.
  const std::string two = LayoutMusicLines(head + music, 2);
  EXPECT_EQ(two.find("|\n1"), std::string::npos) << two;
  EXPECT_EQ(two.find(":|\n2"), std::string::npos) << two;
  EXPECT_NE(two.find("\ncBA fec|1dBG A2:|2dBG A3||\n"), std::string::npos) << two;
  EXPECT_EQ(Notes(ParseTune(two)), Notes(ParseTune(head + music)));
}

TEST(LayoutMusicLinesTest, FieldLinesCommentsAndLyricsStayWhereTheyAre) {
  const std::string head = "M:2/4\nL:1/8\nK:G\n";
  // A meter change on its own line, and a comment: the runs on either side are laid out apart.
  const std::string with_fields = head + "GABc|dedB|\ncBAG|\nM:3/4\nA2B2c2|d6|\n% end\nG6|]\n";
  const std::string out = LayoutMusicLines(with_fields);
  EXPECT_EQ(out, head + "GABc|dedB|cBAG|\nM:3/4\nA2B2c2|d6|\n% end\nG6|]\n");
  // Lyrics are aligned line by line with their music: such a tune is only broken where long.
  const std::string lyrics = head + "GABc|\nw:la la la la\ndedB|]\n";
  EXPECT_EQ(LayoutMusicLines(lyrics), BreakLongLines(lyrics));
  // A field line after leading spaces is a field to the parser: never joined to the music.
  const std::string spaced = head + "GABc|dedB|\n M:3/4\nA2B2c2|d6|]\n";
  EXPECT_EQ(LayoutMusicLines(spaced), spaced);
  // Joined after a "\\", two bar lines stay two ("| |"), not a double bar.
  const std::string continued = head + "GABc|dedB|\\\n|cBAG|]\n";
  EXPECT_EQ(LayoutMusicLines(continued), head + "GABc|dedB| |cBAG|]\n");
  // A repeat after a chord ends its bar: the line is not cut before it, inside the bar.
  const std::string chord = head + "GABc|dedB|cBA[GB]|:cBAG|dedB|]\n";
  EXPECT_EQ(LayoutMusicLines(chord), chord);
}

// Over the real tunes: the laid-out tune has the same notes at the same times, the same number of
// errors, and its lines end inside a bar only where the source's run of music lines did (before
// a field line or a comment, or at the tune's end without a bar line).
TEST(LayoutMusicLinesTest, TheCorpusKeepsItsNotesAndLosesItsLineEndsInsideBars) {
  ABCRNN_REQUIRE_CORPUS();
  int tunes = 0, laid = 0, inside_before = 0, inside_after = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(::abcrnn::testing::CorpusDir())) {
    if (entry.path().extension() != ".abc") continue;
    auto file = ReadAbcFile(entry.path().string());
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    for (const Tune& t : file->tunes) {
      if (t.voices.size() != 1) continue;
      ++tunes;
      const std::string out = LayoutMusicLines(t.text);
      laid += out != t.text;
      const Tune back = ParseTune(out);
      ASSERT_EQ(Notes(back), Notes(t)) << entry.path() << " X:" << t.x << "\n" << t.text << "\n---\n" << out;
      inside_before += LinesEndingInsideABar(t.text);
      inside_after += LinesEndingInsideABar(out);
    }
  }
  std::printf("%d single-voice tunes, %d laid out anew; music lines ending inside a bar: %d before, %d after\n",
              tunes, laid, inside_before, inside_after);
  EXPECT_GT(tunes, 10000);
  EXPECT_LT(inside_after * 20, inside_before) << "at most a twentieth of the line ends inside bars remain";
}

}  // namespace
}  // namespace abcrnn::abc

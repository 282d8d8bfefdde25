// PrefixParser against ParseTune: for every prefix of real tunes, of raw collection text with its
// X: lines, comments and continuations, and of texts it must hand to ParseTune (blank lines,
// carriage returns, a tune that is replaced by another), the parse is the same: the tune written
// back, every element's position and timing, every diagnostic.
#include "abcrnn/abc/prefix_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "abcrnn/abc/clean.h"
#include "abcrnn/abc/writer.h"
#include "support/paths.h"

namespace abcrnn::abc {
namespace {

// Everything a caller of the parse can see, as text.
std::string Fingerprint(const Tune& t) {
  std::string out = WriteTune(t) + "\n#key " + std::to_string(t.has_key) + " end " + std::to_string(t.end_line) +
                    " start " + std::to_string(t.start.line) + " x " + std::to_string(t.x) + "\n";
  for (const Diagnostic& d : t.diagnostics) out += d.ToString() + "\n";
  for (const Voice& v : t.voices)
    for (const Element& e : v.elements) {
      out += std::to_string(static_cast<int>(e.kind())) + "@" + std::to_string(e.pos.line) + ":" +
             std::to_string(e.pos.column);
      if (const Note* n = e.get_if<Note>())
        out += "=" + n->duration.ToString() + "/" + n->onset.ToString() + "/" + std::to_string(n->pitches.size());
      out += " ";
    }
  return out + "\n#text " + t.text;
}

// Parses every prefix of `text` (one character longer each time) with one PrefixParser and with
// ParseTune; returns the prefixes compared.
int CompareEveryPrefix(const std::string& text, bool keep_text, int* mismatches) {
  ParseOptions o;
  o.prefix = true;
  o.keep_text = keep_text;
  PrefixParser p(o);
  int n = 0;
  for (size_t len = 0; len <= text.size(); ++len, ++n) {
    const std::string_view prefix(text.data(), len);
    const std::string want = Fingerprint(ParseTune(prefix, o));
    const std::string got = Fingerprint(p.Parse(prefix));
    if (got != want && ++*mismatches <= 3)
      ADD_FAILURE() << "prefix of " << len << " characters:\n" << prefix << "\n--- ParseTune:\n" << want
                    << "\n--- PrefixParser:\n" << got;
  }
  return n;
}

TEST(PrefixParserTest, EqualsParseTuneOnEveryPrefixOfHandMadeTexts) {
  int bad = 0;
  const char* texts[] = {
      "M:6/8\nL:1/8\nK:D\n|:A|dfa afd|[1 e3 e2A:|[2 e3 d2||\n\"Am\"(3ABc {g}A2 B>c|]\n",
      "X:1\nT:Two\nM:4/4\nK:G\nGABc|\nX:2\nT:Other\nK:D\nd4|\n",   // a second X: starts another tune
      "M:4/4\nL:1/8\nK:C\nCDEF|\n\nGABc|\n",                        // a blank line ends the tune
      "M:4/4\r\nL:1/8\r\nK:C\r\nCDEF GABc|\r\n",                    // CRLF: handed to ParseTune
      "T:A \\\n+:continued\nM:3/4\nL:1/4\nK:Am % comment\nA B c|[M:2/4] d e|\nw:la la\n% a comment\n c2|]\n",
      "\xEF\xBB\xBFM:2/4\nK:C\nCD|\n",                            // a byte-order mark
      "K:C\nCDE[FA|\nG2|\n", "K:C\nCD|]\n  \n",
  };
  for (const char* t : texts) {
    CompareEveryPrefix(t, false, &bad);
    CompareEveryPrefix(t, true, &bad);
  }
  EXPECT_EQ(bad, 0);
}

TEST(PrefixParserTest, RewritingTheTextStartsAgain) {
  ParseOptions o;
  o.keep_text = false;
  PrefixParser p(o);
  p.Parse("M:4/4\nL:1/8\nK:C\nCDEF GABc|\ncBAG|");
  EXPECT_EQ(p.snapshot_chars(), std::string("M:4/4\nL:1/8\nK:C\nCDEF GABc|\n").size());
  // A backtrack (the text cut back past a snapshot line) and another tune: the parse is still
  // ParseTune's.
  for (const std::string text : {"M:4/4\nL:1/8\nK:C\nCDE", "M:3/4\nL:1/4\nK:G\nG A B|\nc"}) {
    o.prefix = true;
    EXPECT_EQ(Fingerprint(p.Parse(text)), Fingerprint(ParseTune(text, o))) << text;
  }
}

// Real tunes in training form (the sampler's texts) and raw collection files.
TEST(PrefixParserTest, EqualsParseTuneOnEveryPrefixOfCorpusTunes) {
  ABCRNN_REQUIRE_CORPUS();
  CleanOptions co;
  co.controls = true;
  auto cleaned = CleanFiles({::abcrnn::testing::CorpusDir()}, co);
  ASSERT_TRUE(cleaned.ok()) << cleaned.status().ToString();
  int bad = 0, prefixes = 0;
  for (size_t i = 0; i < cleaned->tunes.size(); i += 97) prefixes += CompareEveryPrefix(cleaned->tunes[i].text, false, &bad);
  std::printf("[ measured ] %d prefixes of %zu cleaned tunes\n", prefixes, (cleaned->tunes.size() + 96) / 97);
  EXPECT_GT(prefixes, 10000);
  EXPECT_EQ(bad, 0);
}

}  // namespace
}  // namespace abcrnn::abc

// Specification of the musical units (vocab/tokenizer.h) and of the token vocabulary built on
// them (vocab/vocab.h): units are notes, bar lines, tuplets, broken rhythms and field lines, and
// every text cuts into units that concatenate back to it.
#include "abcrnn/vocab/tokenizer.h"

#include <gtest/gtest.h>

#include "abcrnn/abc/clean.h"
#include "abcrnn/vocab/vocab.h"
#include "support/paths.h"

namespace abcrnn {
namespace {

std::string Joined(const std::vector<std::string>& units) {
  std::string out;
  for (const auto& u : units) out += (out.empty() ? "" : "·") + u;
  return out;
}

TEST(TokenizerTest, UnitsAreMusicalUnits) {
  const struct {
    const char* text;
    const char* units;  // joined by ·
  } kTable[] = {
      {"^c'3/2", "^c'3/2"},                   // a note with accidental, octave and length
      {"_B,,2A/ z4 x", "_B,,2·A/· ·z4· ·x"},  // rests and lengths
      {"=f//g", "=f//·g"},
      {"A|B||c|]d[|e", "A·|·B·||·c·|]·d·[|·e"},
      {"|:ab:|cd::e:|2f|1g[2a", "|:·a·b·:|·c·d·::·e·:|2·f·|1·g·[2·a"},
      {"(3abc (3:2:3d", "(3·a·b·c· ·(3:2:3·d"},  // tuplet marks
      {"a>b c<<d", "a·>·b· ·c·<<·d"},              // broken rhythm
      {"a-a (ab)", "a·-·a· ·(·a·b·)"},             // ties and slurs: characters
      {"[CEG]2", "[·C·E·G·]·2"},                   // a chord: its notes
      {"\"Am\"A !trill!B [K:G]c", "\"Am\"·A· ·!trill!·B· ·[K:G]·c"},
      {"M:6/8\nN:form 8+8 AABB\nK:D\nAB|\nK:G\nc|", "M:6/8·\n·N:form 8+8 AABB·\n·K:D·\n·A·B·|·\n·K:G·\n·c·|"},
      {"é\xE9", "é·\xE9"},  // other characters, valid or not, alone
  };
  for (const auto& row : kTable) EXPECT_EQ(Joined(SplitMusicalUnits(row.text)), row.units) << row.text;
}

TEST(TokenizerTest, EveryCorpusTuneRoundTripsThroughTheTokenVocabulary) {
  ABCRNN_REQUIRE_CORPUS();
  CleanOptions clean;
  clean.controls = true;
  clean.form_repeats = true;
  auto cleaned = CleanFiles({testing::CorpusDir()}, clean);
  ASSERT_TRUE(cleaned.ok()) << cleaned.status().ToString();
  std::vector<std::string> texts;
  for (const auto& t : cleaned->tunes) texts.push_back(t.text);
  ASSERT_GT(texts.size(), 1000u);
  // The vocabulary from every other tune; the rest still tokenises (characters fall back).
  std::vector<std::string> half;
  for (size_t i = 0; i < texts.size(); i += 2) half.push_back(texts[i]);
  const Vocab v = Vocab::BuildTokens(half);
  EXPECT_EQ(v.tokenizer(), Tokenizer::kToken);
  size_t tokens = 0, chars = 0, untokenised = 0;
  for (const auto& t : texts) {
    std::string units;
    for (const auto& u : SplitMusicalUnits(t)) units += u;
    ASSERT_EQ(units, t);
    auto ids = v.Encode(t);
    if (!ids.ok()) {  // a character only the other half has
      ++untokenised;
      continue;
    }
    ASSERT_EQ(v.Decode(*ids), t);
    tokens += ids->size();
    chars += SplitCharacters(t).size();
  }
  EXPECT_LT(untokenised, texts.size() / 100);
  // Musical units make a tune shorter than its characters, but not by much: the training form
  // keeps the spaces between beamed groups, and most notes at L:1/8 are a single letter
  // (measured: 1.5 characters per token).
  EXPECT_LT(4 * tokens, 3 * chars) << tokens << " tokens for " << chars << " characters";
}

}  // namespace
}  // namespace abcrnn

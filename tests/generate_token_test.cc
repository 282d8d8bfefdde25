// Specification of generation and scoring with a token vocabulary (vocab/vocab.h): lengths are
// characters, strict mode checks each token's characters, scores are bits per character of the
// text beside bits per token, and a prime that does not tokenise is named where it fails.
#include <gtest/gtest.h>

#include <cmath>

#include "abcrnn/infer/generate.h"
#include "support/make_tunes.h"
#include "support/reference_engine.h"
#include "support/tiny_model.h"

namespace abcrnn {
namespace {

// testing::TinyModel over the tokens of a few jig bars (notes with lengths, bar lines with
// repeats, field lines), <eos> a little less likely.
struct TokenModel : testing::TinyModel {
  TokenModel() : testing::TinyModel(Vocab::BuildTokens({"M:6/8\nL:1/8\nK:D\n|:ABc dBG|A2B c3:|\n"}, 1), -1.0f) {}
};

// `num` tunes of at most `length` characters after a jig's header, from `seed`.
GenerateOptions JigOptions(int num, int length, uint64_t seed) {
  GenerateOptions o;
  o.num = num;
  o.length = length;
  o.prime = "M:6/8\nL:1/8\nK:D\n";
  o.seed = seed;
  return o;
}

TEST(TokenGenerateTest, TheVocabularyHoldsMusicalUnits) {
  TokenModel m;
  for (const char* unit : {"A2B", "M:6/8", "K:D", "|:", ":|", "A2", "c3"})
    EXPECT_EQ(m.vocab.Id(unit) >= 0, std::string(unit) != "A2B") << unit;
}

TEST(TokenGenerateTest, TheLengthLimitCountsCharactersAndCutsATokenPastIt) {
  TokenModel m;
  auto fast = testing::NewFast(m.weights);
  const GenerateOptions o = JigOptions(30, 61, 3);
  int cut = 0;
  for (const GeneratedTune& t : testing::MakeTunes(*fast, m.vocab, o)) {
    EXPECT_EQ(t.text.rfind(o.prime, 0), 0u);
    const size_t chars = SplitCharacters(t.text).size();
    EXPECT_LE(chars, 61u);
    if (!t.ended) {
      EXPECT_EQ(chars, 61u) << t.text;
    }
    cut += !t.ended;
    EXPECT_EQ(t.sampled, static_cast<int>(chars - o.prime.size()));
  }
  EXPECT_GT(cut, 0);
}

TEST(TokenGenerateTest, StrictTunesAreCompleteValidAndWithinTheLength) {
  TokenModel m;
  auto fast = testing::NewFast(m.weights);
  GenerateOptions o = JigOptions(60, 300, 5);
  o.strict = true;
  StrictChecker checker;
  int kept = 0;
  for (const GeneratedTune& t : testing::MakeTunes(*fast, m.vocab, o)) {
    if (t.failed) continue;
    ++kept;
    EXPECT_TRUE(checker.IsComplete(t.text)) << t.text;
    EXPECT_LE(SplitCharacters(t.text).size(), 300u);
  }
  EXPECT_GT(kept, 5);  // random weights: most tunes stall (a character model's kept 20 of 60 here)
}

TEST(TokenGenerateTest, StrictModeChecksEveryCharacterOfAToken) {
  // "A2" after a full 6/8 bar overfills it: its "A" is refused, so the token is too; "|" fits.
  StrictChecker checker;
  const std::string text = "M:6/8\nL:1/8\nK:D\nABc dBG";
  EXPECT_FALSE(checker.AllowsNext(text, "A2"));
  EXPECT_TRUE(checker.AllowsNext(text, "|"));
  EXPECT_TRUE(checker.AllowsNext(text, "|:"));
  EXPECT_FALSE(checker.AllowsNext("M:6/8\nL:1/8\n", "X:1"));  // a field line token: X: is ours
}

TEST(TokenGenerateTest, APrimeThatDoesNotTokeniseIsNamedWithItsLineAndColumn) {
  TokenModel m;
  auto fast = testing::NewFast(m.weights);
  GenerateOptions o;
  o.prime = "M:6/8\nL:1/8\nK:D\nAB#";
  Status st = GenerateTunes(*fast, m.vocab, o, [](const GeneratedTune&) { return true; });
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("'#' at line 4, column 3"), std::string::npos) << st.message();
}

TEST(TokenScoreTest, BitsAreTheReferenceEnginesPerTokenAndCountedPerCharacter) {
  TokenModel m;
  auto fast = testing::NewFast(m.weights);
  const std::vector<std::string> texts = {"M:6/8\nL:1/8\nK:D\n|:A2B c3:|\n", "ABc", "dBG|A2B c3|\n"};
  auto scores = ScoreTexts(*fast, m.vocab, texts, 2);
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_TRUE(scores[i].status.ok());
    const testing::ReferenceSteps r = testing::ReferenceStepsOf(m.weights, m.vocab, texts[i]);
    double bits = 0;
    for (size_t t = 0; t < r.probs.size(); ++t) bits -= std::log2(r.probs[t][r.ids[t + 1]]);
    EXPECT_EQ(scores[i].predicted, static_cast<int64_t>(r.ids.size() - 1));  // tokens + <eos>
    EXPECT_EQ(scores[i].chars, static_cast<int64_t>(texts[i].size() + 1));  // characters + <eos>
    EXPECT_NEAR(scores[i].bits, bits, 1e-4 * bits) << i;
  }
  EXPECT_LT(scores[0].predicted, scores[0].chars);  // the header lines and notes are tokens
}

}  // namespace
}  // namespace abcrnn

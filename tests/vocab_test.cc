// Specification of the character vocabulary.
#include "abcrnn/vocab/vocab.h"

#include <gtest/gtest.h>

namespace abcrnn {
namespace {

TEST(VocabTest, BuildSortsCharactersByCodePointAfterSpecialSymbols) {
  Vocab v = Vocab::Build({"cab", "é|a"});
  ASSERT_EQ(v.size(), 2 + 5);
  EXPECT_EQ(v.symbol(0), "<bos>");
  EXPECT_EQ(v.symbol(1), "<eos>");
  EXPECT_EQ(v.symbol(2), "a");
  EXPECT_EQ(v.symbol(3), "b");
  EXPECT_EQ(v.symbol(4), "c");
  EXPECT_EQ(v.symbol(5), "|");
  EXPECT_EQ(v.symbol(6), "é");
}

TEST(VocabTest, EncodeDecodeRoundTrip) {
  Vocab v = Vocab::Build({"X:1\nK:D\nABc|é"});
  auto ids = v.Encode("K:D\néA");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->size(), 6u);
  EXPECT_EQ(v.Decode(*ids), "K:D\néA");
}

TEST(VocabTest, UnknownCharacterIsNamedWithItsPosition) {
  Vocab v = Vocab::Build({"AB\nC"});
  auto ids = v.Encode("AB\nAq");
  ASSERT_FALSE(ids.ok());
  EXPECT_NE(ids.status().message().find("'q'"), std::string::npos);
  EXPECT_NE(ids.status().message().find("line 2, column 2"), std::string::npos);
}

TEST(VocabTest, SpecialSymbolsAreNotCharacters) {
  Vocab v = Vocab::Build({"<"});
  EXPECT_EQ(v.Id("<bos>"), -1);
  EXPECT_EQ(v.Id("<"), 2);
}

TEST(VocabTest, InvalidUtf8FallsBackToLatin1) {
  auto chars = SplitCharacters(std::string("a\xE9z"));
  ASSERT_EQ(chars.size(), 3u);
  EXPECT_EQ(chars[1], "é");
}

TEST(VocabTest, FromSymbolsRoundTripsAndRejectsDamage) {
  Vocab v = Vocab::Build({"abc"});
  auto again = Vocab::FromSymbols(v.symbols());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*again == v);
  EXPECT_FALSE(Vocab::FromSymbols({"<bos>", "<eos>", "a", "a"}).ok());
  EXPECT_FALSE(Vocab::FromSymbols({"<eos>", "<bos>"}).ok());
  EXPECT_FALSE(Vocab::FromSymbols({"<bos>", "<eos>", "ab"}).ok());
}

TEST(VocabTest, TokenVocabularyHasTheCharactersThenTheFrequentUnits) {
  const Vocab v = Vocab::BuildTokens({"A2B|A2B|A2c|:d\n"}, /*min_count=*/2);
  EXPECT_EQ(v.tokenizer(), Tokenizer::kToken);
  // <bos>, <eos>, "\n", "2", ":", "A", "B", "c", "d", "|", then "A2" (3 times); "|:" once: spelled.
  ASSERT_EQ(v.size(), 2 + 8 + 1);
  EXPECT_EQ(v.symbol(10), "A2");
  EXPECT_EQ(v.chars(10), 2);
  EXPECT_EQ(v.chars(Vocab::kEos), 0);
  auto ids = v.Encode("A2c|:A2\n");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<int>{10, v.Id("c"), v.Id("|"), v.Id(":"), 10, v.Id("\n")}));
  EXPECT_EQ(v.Decode(*ids), "A2c|:A2\n");
}

TEST(VocabTest, TokenVocabularyNamesTheFirstCharacterItCannotSpell) {
  const Vocab v = Vocab::BuildTokens({"M:6/8\nK:D\nABc|\n"}, 1);
  auto ids = v.Encode("M:6/8\nK:D\nAB#c|\n");
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(ids.status().message().find("'#' at line 3, column 3"), std::string::npos) << ids.status().message();
}

TEST(VocabTest, TokenVocabularyFromSymbolsRoundTripsAndRejectsDamage) {
  const Vocab v = Vocab::BuildTokens({"A2B2|A2B2|\n"}, 2);
  auto again = Vocab::FromSymbols(v.symbols(), Tokenizer::kToken);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*again == v);
  EXPECT_FALSE(Vocab::FromSymbols(v.symbols()).ok());  // the same symbols read as characters: refused
  EXPECT_FALSE(Vocab::FromSymbols({"<bos>", "<eos>", "A2", "A2"}, Tokenizer::kToken).ok());
  EXPECT_FALSE(Vocab::FromSymbols({"<bos>", "<eos>", ""}, Tokenizer::kToken).ok());
  EXPECT_FALSE(Vocab::FromSymbols({"<bos>", "<eos>", "A\xE9"}, Tokenizer::kToken).ok());
  EXPECT_EQ(std::string(TokenizerName(*ParseTokenizer("token"))), "token");
  EXPECT_FALSE(ParseTokenizer("bpe").ok());
}

}  // namespace
}  // namespace abcrnn

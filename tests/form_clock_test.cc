// The form clock (abc/form_clock.h): hand-made tunes where each position's clock is known, and
// the shared corpus, where the clock must say "last bar of the part" just before nearly every
// part closes, and "every part closed" at the end of nearly every tune.
#include "abcrnn/abc/form_clock.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "abcrnn/abc/clean.h"
#include "abcrnn/vocab/vocab.h"
#include "support/paths.h"

namespace abcrnn::abc {
namespace {

// The clock after the prefix of `text` that ends just after its `n`-th occurrence of `mark`,
// walked symbol by symbol as the trainer and sampler walk it.
FormClock ClockAfter(const std::string& text, const std::string& mark, int n = 1, int extra = 0) {
  size_t at = 0;
  for (int i = 0; i < n; ++i) {
    at = text.find(mark, i == 0 ? 0 : at + 1);
    if (at == std::string::npos) ADD_FAILURE() << "no " << n << "th '" << mark << "' in the text";
  }
  const std::vector<FormClock> clocks = FormClockOfSymbols(SplitCharacters(text.substr(0, at + mark.size() + extra)));
  return clocks.back();
}

// Rows as documented: bars written, 17 + bars left, 36 + parts left.
FormClock At(int done, int left, int parts) { return {done, 17 + left, 36 + parts}; }

constexpr const char* kReel =
    "S:test\nR:reel\nN:form 2+2\nM:4/4\nL:1/8\nK:C\n"
    "|:CDEF GABc|cBAG FEDC:|\n"
    "|:EFGA Bcde|edcB AGFE:|\n";

TEST(FormClock, HeaderUntilTheKeyLineEnds) {
  const std::string text = kReel;
  const auto clocks = FormClockOfSymbols(SplitCharacters(text));
  ASSERT_EQ(clocks.size(), SplitCharacters(text).size() + 1);
  EXPECT_EQ(clocks[0], HeaderClock());
  const size_t body = text.find("K:C\n") + 4;
  for (size_t i = 0; i < body; ++i) EXPECT_EQ(clocks[i], HeaderClock()) << "at character " << i;
  // The newline of the K: line starts the first part: nothing written, 2 bars left, 2 parts.
  EXPECT_EQ(clocks[body], At(0, 2, 2));
}

TEST(FormClock, MovesOnlyAfterABarLineIsComplete) {
  const std::string text = kReel;
  // "|:C": the clock moves at C (the repeat sign is complete), not at ':' (it could be "|:" or "|").
  EXPECT_EQ(ClockAfter(text, "|:C"), At(0, 2, 2));
  EXPECT_FALSE(FormClockMoves("K:C\n|:CDEF GABc|"));
  EXPECT_FALSE(FormClockMoves("K:C\n|:CDEF GABc|c"  ":"));
  EXPECT_TRUE(FormClockMoves("K:C\n|:CDEF GABc|c"));
  // In the second bar: one bar written, one left.
  EXPECT_EQ(ClockAfter(text, "GABc|c"), At(1, 1, 2));
  // After ":|" and its newline: the second part, none of it written yet.
  EXPECT_EQ(ClockAfter(text, "FEDC:|\n"), At(0, 2, 1));
  EXPECT_EQ(ClockAfter(text, "Bcde|e"), At(1, 1, 1));
  // The end: every part closed, nothing left to write.
  EXPECT_EQ(FormClockOfSymbols(SplitCharacters(text)).back(), (FormClock{16, 34, 36}));
}

TEST(FormClock, APickupAndItsShortLastBarMakeOneBar) {
  const std::string text =
      "N:form 2+2\nM:4/4\nL:1/8\nK:C\n"
      "G|CDEF GABc|cBAG FED:|\n"
      "G|EFGA Bcde|edcB AGF|]\n";
  EXPECT_EQ(ClockAfter(text, "G|C"), At(0, 2, 2));         // the pickup alone is no bar
  EXPECT_EQ(ClockAfter(text, "GABc|c"), At(1, 1, 2));      // pickup + a full bar: 1 written
  EXPECT_EQ(ClockAfter(text, "FED:|\n"), At(0, 2, 1));     // the short bar closed the part
  EXPECT_EQ(ClockAfter(text, "G|E"), At(0, 2, 1));         // the second part's pickup
  EXPECT_EQ(FormClockOfSymbols(SplitCharacters(text)).back(), (FormClock{16, 34, 36}));
}

TEST(FormClock, ASecondEndingStandsInForTheFirst) {
  const std::string text =
      "N:form 3+2\nM:4/4\nL:1/8\nK:C\n"
      "|:CDEF GABc|cBAG FEDC|1 D8:|2 E8||\n"
      "EFGA Bcde|edcB AGFE|]\n";
  EXPECT_EQ(ClockAfter(text, "|1 D"), At(2, 1, 2));   // in the first ending: the part's last bar
  EXPECT_EQ(ClockAfter(text, ":|2 E"), At(2, 1, 2));  // the second ending is that bar again
  EXPECT_EQ(ClockAfter(text, "E8||\n"), At(0, 2, 1));
}

TEST(FormClock, NoFormNoClock) {
  const std::string text = "M:4/4\nL:1/8\nK:C\n|:CDEF GABc|cBAG FEDC:|\n";
  for (const FormClock& c : FormClockOfSymbols(SplitCharacters(text))) EXPECT_EQ(c, HeaderClock());
  // More bars than the form has: "over".
  const std::string over = "N:form 1\nM:4/4\nL:1/8\nK:C\nCDEF GABc|cBAG FEDC|c";
  EXPECT_EQ(FormClockOfSymbols(SplitCharacters(over)).back()[1], 33);
}

// Every cleaned tune of the corpus with a form, walked symbol by symbol: where a part closes (the
// "parts left" row drops), the clock through the bar before said "1 bar left"; at the end every
// part is closed.
TEST(FormClock, CorpusPartsCloseWhenTheClockSaysTheirLastBar) {
  ABCRNN_REQUIRE_CORPUS();
  CleanOptions o;
  o.controls = true;
  o.transpose_to = "C";
  auto cleaned = CleanFiles({::abcrnn::testing::CorpusDir()}, o);
  ASSERT_TRUE(cleaned.ok()) << cleaned.status().ToString();
  int with_form = 0, complete = 0, closes = 0, closes_on_last_bar = 0;
  for (const CleanedTune& t : cleaned->tunes) {
    if (t.controls.part_bars.empty()) continue;
    ++with_form;
    const auto clocks = FormClockOfSymbols(SplitCharacters(t.text));
    FormClock last_bar_of = HeaderClock();  // the clock before the latest move
    for (size_t i = 1; i < clocks.size(); ++i) {
      if (clocks[i] == clocks[i - 1]) continue;
      if (clocks[i - 1] != HeaderClock() && clocks[i][2] < clocks[i - 1][2]) {
        ++closes;
        closes_on_last_bar += clocks[i - 1][1] == 17 + 1;
      }
      last_bar_of = clocks[i - 1];
    }
    complete += clocks.back()[2] == 36;
  }
  std::printf("[ measured ] %d tunes with a form: %d end with every part closed; %d of %d parts close after "
              "a bar the clock called their last\n",
              with_form, complete, closes_on_last_bar, closes);
  ASSERT_GT(with_form, 5000);
  EXPECT_GE(complete, with_form * 97 / 100);
  EXPECT_GE(closes_on_last_bar, closes * 95 / 100);
}

}  // namespace
}  // namespace abcrnn::abc

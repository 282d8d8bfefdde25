// The form clock (abc/form_clock.h): hand-made tunes where each position's clock is known, and
// the shared corpus, where the clock must say "last bar of the part" just before nearly every
// part closes, and "every part closed" at the end of nearly every tune.
#include "abcrnn/abc/form_clock.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "abcrnn/abc/clean.h"
#include "abcrnn/abc/controls.h"
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

// Rows as documented: bars written, 17 + bars left, 36 + parts left, 41 + the type's index
// (41: reel; 53: none), 54 + the final's semitones (66: none).
constexpr int kReelRow = 41, kNoType = 53, kTonicRow = 54, kNoFinal = 66;
FormClock At(int done, int left, int parts, int type = kReelRow, int final_row = kNoFinal) {
  return {done, 17 + left, 36 + parts, type, final_row};
}

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
  // The type row from the newline that completes "R:reel"; the form rows stay "none".
  const size_t typed = text.find("R:reel\n") + 7;
  FormClock header_of_a_reel = HeaderClock();
  header_of_a_reel[3] = kReelRow;
  for (size_t i = 0; i < body; ++i)
    EXPECT_EQ(clocks[i], i < typed ? HeaderClock() : header_of_a_reel) << "at character " << i;
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
  EXPECT_EQ(FormClockOfSymbols(SplitCharacters(text)).back(), (FormClock{16, 34, 36, kReelRow, kNoFinal}));
}

TEST(FormClock, APickupAndItsShortLastBarMakeOneBar) {
  const std::string text =
      "N:form 2+2\nM:4/4\nL:1/8\nK:C\n"
      "G|CDEF GABc|cBAG FED:|\n"
      "G|EFGA Bcde|edcB AGF|]\n";
  EXPECT_EQ(ClockAfter(text, "G|C"), At(0, 2, 2, kNoType));      // the pickup alone is no bar
  EXPECT_EQ(ClockAfter(text, "GABc|c"), At(1, 1, 2, kNoType));   // pickup + a full bar: 1 written
  EXPECT_EQ(ClockAfter(text, "FED:|\n"), At(0, 2, 1, kNoType));  // the short bar closed the part
  EXPECT_EQ(ClockAfter(text, "G|E"), At(0, 2, 1, kNoType));      // the second part's pickup
  EXPECT_EQ(FormClockOfSymbols(SplitCharacters(text)).back(), (FormClock{16, 34, 36, kNoType, kNoFinal}));
}

TEST(FormClock, ASecondEndingStandsInForTheFirst) {
  const std::string text =
      "N:form 3+2\nM:4/4\nL:1/8\nK:C\n"
      "|:CDEF GABc|cBAG FEDC|1 D8:|2 E8||\n"
      "EFGA Bcde|edcB AGFE|]\n";
  EXPECT_EQ(ClockAfter(text, "|1 D"),
            At(2, 1, 2, kNoType));  // in the first ending: the part's last bar
  EXPECT_EQ(ClockAfter(text, ":|2 E"),
            At(2, 1, 2, kNoType));  // the second ending is that bar again
  EXPECT_EQ(ClockAfter(text, "E8||\n"), At(0, 2, 1, kNoType));
}

TEST(FormClock, ARepeatStartAfterASecondEndingOpensTheNextPart) {
  const std::string text =
      "N:form 3+2\nM:4/4\nL:1/8\nK:C\n"
      "|:CDEF GABc|cBAG FEDC|1 D8:|2 E8||:\n"
      "EFGA Bcde|edcB AGFE:|\n";
  EXPECT_EQ(ClockAfter(text, ":|2 E"), At(2, 1, 2, kNoType));  // the second ending is the last bar again
  EXPECT_EQ(ClockAfter(text, "\nE"), At(0, 2, 1, kNoType));    // "||:" closed it: the second part begins
  EXPECT_EQ(ClockAfter(text, "Bcde|e"), At(1, 1, 1, kNoType));
}

// The type row: from the R: line once it is complete, whatever the form; normalised as the
// cleaner normalises R:; an unknown type, or none, is "none". A scheme reads 3 or 4 fields.
TEST(FormClock, TheTypeRowComesFromTheRLine) {
  const auto last = [](const std::string& text) {
    return FormClockOfSymbols(SplitCharacters(text)).back();
  };
  EXPECT_EQ(last("R:jig\n")[3], kReelRow + 1);
  EXPECT_EQ(last("R:jig")[3], kNoType);  // not yet complete
  EXPECT_EQ(last("R:song\nM:4/4\nL:1/8\nK:C\nCDEF|")[3], kReelRow + 11);
  EXPECT_EQ(last("R:Double Jig\nM:6/8\nL:1/8\nK:C\nCDE FGA|")[3], kReelRow + 1);
  EXPECT_EQ(last("R:gavotte\nM:4/4\nL:1/8\nK:C\nCDEF|")[3], kNoType);
  EXPECT_EQ(last("M:4/4\nL:1/8\nK:C\nR:reel\nCDEF|")[3], kNoType);  // only the header's R: counts
  ASSERT_EQ(KnownTuneTypes().size() + 1, static_cast<size_t>(kFormClockTypeRows));
  EXPECT_EQ(FormClockFields(1), 3);
  EXPECT_EQ(FormClockRows(1), 41);
  EXPECT_EQ(FormClockFields(2), 4);
  EXPECT_EQ(FormClockRows(2), 54);
  EXPECT_EQ(FormClockFields(3), 5);
  EXPECT_EQ(FormClockRows(3), 67);
  EXPECT_TRUE(KnownFormClockScheme(3));
  EXPECT_FALSE(KnownFormClockScheme(4));
  EXPECT_FALSE(KnownFormClockScheme(0));
}

// The final row is set by the newline that completes the header's "N:final" line and stays to the
// end of the tune, beside the form's rows; a tune without that line has "none" throughout.
TEST(FormClock, TheFinalRowComesFromTheFinalLine) {
  const std::string text = "R:reel\nN:form 2+2\nN:final 5\nM:4/4\nL:1/8\nK:C\n"
                           "|:CDEF GABc|cBAG FEDC:|\n|:EFGA Bcde|edcB AGFG:|\n";
  const auto clocks = FormClockOfSymbols(SplitCharacters(text));
  const size_t finalled = text.find("N:final 5\n") + 10;  // the input after its newline
  for (size_t i = 0; i < clocks.size(); ++i)
    EXPECT_EQ(clocks[i][4], i < finalled ? kNoFinal : kTonicRow + 7) << "at character " << i;
  EXPECT_EQ(clocks.back(), (FormClock{16, 34, 36, kReelRow, kTonicRow + 7}));  // every part closed
  const auto last = [](const std::string& t) { return FormClockOfSymbols(SplitCharacters(t)).back(); };
  EXPECT_EQ(last("N:final b3\nM:4/4\nL:1/8\nK:C\nCDEF|")[4], kTonicRow + 3);
  EXPECT_EQ(last("N:final 1")[4], kNoFinal);  // not yet complete
  EXPECT_EQ(last("N:final x\nM:4/4\nL:1/8\nK:C\nCDEF|")[4], kNoFinal);  // not a degree
  EXPECT_EQ(last("M:4/4\nL:1/8\nK:C\nN:final 1\nCDEF|")[4], kNoFinal);  // only the header's line counts
  EXPECT_EQ(last(kReel)[4], kNoFinal);
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
      if (clocks[i - 1][2] != HeaderClock()[2] && clocks[i][2] < clocks[i - 1][2]) {  // parts left drop
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

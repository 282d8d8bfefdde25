// Specification of form per tune type: a tune's type comes from its R: field as
// abc::NormaliseTuneType reads it, and a type is reported only with enough tunes in both sets.
#include "abcrnn/eval/form_by_type.h"

#include <gtest/gtest.h>

#include "abcrnn/abc/parser.h"

namespace abcrnn::eval {
namespace {

std::string TypeOf(const std::string& header) {
  return TuneTypeOf(abc::ParseTune("X:1\nT:t\n" + header + "M:6/8\nL:1/8\nK:G\nGAB c2A|]\n"));
}

TEST(FormByTypeTest, TheTypeIsTheFirstRFieldThatNamesAKnownType) {
  EXPECT_EQ(TypeOf("R:jig\n"), "jig");
  EXPECT_EQ(TypeOf("R:Double Jig\n"), "jig");
  EXPECT_EQ(TypeOf("R:Slip-jig\n"), "slip jig");
  EXPECT_EQ(TypeOf("R:whatever\nR:reel\n"), "reel");
  EXPECT_EQ(TypeOf(""), "");  // no guessing from the 6/8 meter
}

TuneForm Form(bool repeats, bool equal_parts, int bars) {
  TuneForm f;
  f.has_repeats = repeats;
  f.equal_parts = equal_parts;
  f.bars = bars;
  return f;
}

TEST(FormByTypeTest, ReportsTypesWithEnoughTunesInBothSetsMostCommonFirst) {
  std::vector<TuneForm> gf, rf;
  std::vector<std::string> gt, rt;
  for (int i = 0; i < 6; ++i) gf.push_back(Form(i < 3, i < 2, 16)), gt.push_back("jig");
  for (int i = 0; i < 8; ++i) gf.push_back(Form(true, true, 8 + i % 2 * 8)), gt.push_back("reel");
  for (int i = 0; i < 5; ++i) gf.push_back(Form(true, true, 32)), gt.push_back("waltz");
  for (int i = 0; i < 9; ++i) gf.push_back(Form(false, false, 4)), gt.push_back("");
  for (int i = 0; i < 5; ++i) rf.push_back(Form(true, false, 24)), rt.push_back("jig");
  for (int i = 0; i < 5; ++i) rf.push_back(Form(false, false, 20)), rt.push_back("reel");
  for (int i = 0; i < 4; ++i) rf.push_back(Form(true, true, 32)), rt.push_back("waltz");
  const auto rows = FormByType(gf, gt, rf, rt, 5);
  ASSERT_EQ(rows.size(), 2u);  // waltz has 4 reference tunes, "" is no type
  EXPECT_EQ(rows[0].type, "reel");
  EXPECT_EQ(rows[0].generated.tunes, 8);
  EXPECT_DOUBLE_EQ(rows[0].generated.mean_bars, 12);
  EXPECT_DOUBLE_EQ(rows[0].reference.repeats, 0);
  EXPECT_EQ(rows[1].type, "jig");
  EXPECT_DOUBLE_EQ(rows[1].generated.repeats, 0.5);
  EXPECT_DOUBLE_EQ(rows[1].generated.equal_parts, 1.0 / 3);
  EXPECT_DOUBLE_EQ(rows[1].reference.mean_bars, 24);
  EXPECT_EQ(FormByType(gf, gt, rf, rt, 7).size(), 0u);
}

TEST(FormByTypeTest, TheTonicShareCountsOnlyTunesThatHaveATonic) {
  std::vector<TuneForm> gf(6, Form(true, true, 16)), rf(5, Form(true, true, 16));
  const int generated_tonic[] = {1, 1, 0, -1, 1, 0};  // -1: K:none or no notes
  for (size_t i = 0; i < gf.size(); ++i) gf[i].ends_on_tonic = generated_tonic[i];
  for (auto& f : rf) f.ends_on_tonic = -1;
  const std::vector<std::string> gt(6, "song"), rt(5, "song");
  const auto rows = FormByType(gf, gt, rf, rt, 5);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].generated.tonic_tunes, 5);
  EXPECT_DOUBLE_EQ(rows[0].generated.ends_on_tonic, 3.0 / 5);
  EXPECT_EQ(rows[0].reference.tonic_tunes, 0);
  EXPECT_DOUBLE_EQ(rows[0].reference.ends_on_tonic, 0);
}

}  // namespace
}  // namespace abcrnn::eval

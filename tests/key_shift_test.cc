// Keys with a key-normalised model (infer/key_shift.h): the prime moved into the model's tonic,
// the tunes moved back by the same interval, and primes left alone where there is nothing to move.
#include "abcrnn/infer/key_shift.h"

#include <gtest/gtest.h>

#include "abcrnn/abc/check.h"
#include "abcrnn/abc/parser.h"

namespace abcrnn {
namespace {

TEST(KeyShiftTest, HeaderPrimeMovesToTheModelTonicKeepingTheMode) {
  auto p = PlanKeyShift("M:6/8\nL:1/8\nK:Dmix\n", "C");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->model_prime, "M:6/8\nL:1/8\nK:Cmix\n");
  EXPECT_EQ(p->semitones, 2);
  p = PlanKeyShift("M:4/4\nL:1/8\nK:G\n", "C");  // G is 5 below C (cleaning moved G up 5)
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->model_prime, "M:4/4\nL:1/8\nK:C\n");
  EXPECT_EQ(p->semitones, -5);
  p = PlanKeyShift("M:3/4\nL:1/8\nK:Am\n", "C");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->model_prime, "M:3/4\nL:1/8\nK:Cm\n");
  EXPECT_EQ(p->semitones, -3);
  p = PlanKeyShift("M:4/4\nL:1/8\nK:F#m\n", "C");  // six semitones: down, as cleaning moved it up
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->model_prime, "M:4/4\nL:1/8\nK:Cm\n");
  EXPECT_EQ(p->semitones, -6);
}

TEST(KeyShiftTest, NothingMovesWithoutANormalisedModelAKeyOrAnotherTonic) {
  for (const std::string prime : {"", "M:4/4\nL:1/8\n", "M:4/4\nL:1/8\nK:D", "M:4/4\nL:1/8\nK:none\n|:ab",
                                   "M:4/4\nL:1/8\nK:Cdor\n|:C2"}) {
    auto p = PlanKeyShift(prime, "C");
    ASSERT_TRUE(p.ok()) << prime;
    EXPECT_EQ(p->model_prime, prime);
    EXPECT_EQ(p->semitones, 0) << prime;
  }
  auto p = PlanKeyShift("M:4/4\nL:1/8\nK:D\n", "");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->model_prime, "M:4/4\nL:1/8\nK:D\n");
  EXPECT_EQ(p->semitones, 0);
}

TEST(KeyShiftTest, PrimeMusicMovesWithItsKeyAndComesBackAsWritten) {
  const std::string prime = "M:6/8\nL:1/8\nK:D\n|:DEF A2";  // F is F# in D: E natural in C
  auto p = PlanKeyShift(prime, "C");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->model_prime, "M:6/8\nL:1/8\nK:C\n|:CDE G2");
  EXPECT_EQ(p->semitones, 2);
  // The model's tune (prime and what follows, in C) moved back starts with the prime as written.
  auto back = ShiftTune(p->model_prime + "c|d3 c2B|c3-c3:|\n", p->semitones);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, "M:6/8\nL:1/8\nK:D\n|:DEF A2d|e3 d2c|d3-d3:|\n");
}

TEST(KeyShiftTest, ShiftedTunesStayValidWithAccidentalsRespelled) {
  const std::string tune = "M:4/4\nL:1/8\nK:Cdor\nCDEF G2_B2|=B2c2 ^F2G2|c8|]\n";
  ASSERT_FALSE(abc::HasErrors(abc::ParseTune(tune).diagnostics));
  for (int s = -6; s <= 5; ++s) {
    auto moved = ShiftTune(tune, s);
    ASSERT_TRUE(moved.ok()) << s << ": " << moved.status().ToString();
    abc::Tune t = abc::ParseTune(*moved);
    EXPECT_FALSE(abc::HasErrors(t.diagnostics)) << *moved;
    auto home = ShiftTune(*moved, -s);
    ASSERT_TRUE(home.ok());
    EXPECT_EQ(*home, tune) << "moved " << s << ":\n" << *moved;
  }
  auto same = ShiftTune("anything at all", 0);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, "anything at all");
}

TEST(KeyShiftTest, TunesComeBackInTheKeyAsTheUserSpelledIt) {
  // F# and Gb are the same six semitones below C; the tune says the key the prime asked for.
  const std::string music = "|:CDEF G2B2|c8:|\n";
  for (const auto& [key, want] : std::vector<std::pair<std::string, std::string>>{
           {"F#", "K:F#\n|:F,G,A,B, C2E2|F8:|\n"}, {"Gb", "K:Gb\n|:G,A,B,C D2F2|G8:|\n"},
           {"C#", "K:C#\n|:CDEF G2B2|c8:|\n"}, {"Db", "K:Db\n|:DEFG A2c2|d8:|\n"}}) {
    auto p = PlanKeyShift("M:4/4\nL:1/8\nK:" + key + "\n", "C");
    ASSERT_TRUE(p.ok()) << key;
    EXPECT_EQ(p->tonic, key);
    auto back = ShiftTune(p->model_prime + music, p->semitones, p->tonic);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, "M:4/4\nL:1/8\n" + want) << key;
  }
  auto p = PlanKeyShift("M:4/4\nL:1/8\nK:D#m\n", "C");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(ShiftTune(p->model_prime + music, p->semitones, p->tonic)->find("K:D#m\n"), 12u);
  // A tonic that is not the move's is refused, not misspelled.
  EXPECT_FALSE(ShiftTune("M:4/4\nL:1/8\nK:C\n" + music, 6, "G").ok());
}

TEST(KeyShiftTest, UnreadableKeysPrimesAndTonicsAreClearErrors) {
  auto p = PlanKeyShift("M:4/4\nL:1/8\nK:Q\n", "C");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("the prime's K: line"), std::string::npos) << p.status().message();
  p = PlanKeyShift("M:4/4\nL:1/8\nK:D\n", "H");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("the model's tonic"), std::string::npos) << p.status().message();
  p = PlanKeyShift("M:4/4\nL:1/8\nK:D\n|:D[[E", "C");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("the prime: line"), std::string::npos) << p.status().message();
  auto s = ShiftTune("M:4/4\nL:1/8\nK:C\n|:C[[D|]\n", 2);
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace abcrnn

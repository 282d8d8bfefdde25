// Specification of scripts/compare_lines.py, the judge of scripts/compare_models.sh: Welch's
// p-values against known t-table values, Holm's step-down, and verdicts on sets built here (two
// equal models flag nothing family-wise; a line moved far is flagged worse or better). Skips,
// saying so, without python3.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class CompareLinesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::HaveTool("python3")) GTEST_SKIP() << "python3 is not installed: compare_lines.py not checked";
    // One folder per test: ctest runs the tests of this suite at the same time.
    dir_ = ::testing::TempDir() + "/abcrnn_compare_lines_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  std::string Python(const std::string& code) {
    auto r = testing::RunCommand("cd " + testing::SourceDir() + "/scripts && python3 -c '" + code + "'", true);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    return r.out;
  }
  // One seed's eval of a set: every line near the real tunes' value, with a small wobble per seed.
  void WriteSet(const std::string& model, int seed, double tonic, double notes_per_bar_overlap) {
    const double wobble = 0.004 * ((seed * 7 + (model == "B" ? 3 : 0)) % 5 - 2);
    json form_gen{{"valid", 1.0}, {"ends_on_tonic", tonic + wobble}, {"repeats", 0.65 - wobble},
                  {"equal_parts", 0.7 + wobble}, {"mean_bars", 16.0 + 10 * wobble}, {"mean_pitch_range", 19 - wobble}};
    json form_ref{{"valid", 1.0}, {"ends_on_tonic", 0.726}, {"repeats", 0.65}, {"equal_parts", 0.7},
                  {"mean_bars", 16.0}, {"mean_pitch_range", 18.7}};
    json style = json::array({{{"feature", "interval"}, {"overlap", 0.9 + wobble}},
                              {{"feature", "notes_per_bar"}, {"overlap", notes_per_bar_overlap + wobble}}});
    json j{{"generated", {{"form", form_gen}}}, {"reference", {{"form", form_ref}}}, {"style", style},
           {"classifier", {{"accuracy", 0.6 + wobble}}}};
    ASSERT_TRUE(WriteFileAtomically(dir_ + "/" + model + "-reel-" + std::to_string(seed) + ".json", j.dump()).ok());
  }
  std::string Judge() {
    auto r = testing::RunCommand("python3 " + testing::SourceDir() + "/scripts/compare_lines.py " + dir_ +
                                 " reel '2 3 4 5 6'", true);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    return r.out;
  }
  std::string dir_;
};

TEST_F(CompareLinesTest, WelchPValuesMatchTheTTableAndHolmStopsAtTheFirstSurvivor) {
  // Two-sided p of t = 2.306 with 8 degrees of freedom is 0.05, of 4.604 with 4 is 0.01.
  std::string out = Python(
      "import compare_lines as c; "
      "print(round(c.betainc(4, 0.5, 8 / (8 + 2.306 ** 2)), 4), round(c.betainc(2, 0.5, 4 / (4 + 4.604 ** 2)), 4)); "
      "print(c.holm([0.001, 0.02, 0.04, 0.5]), c.holm([0.01, 0.011, 0.012])); "
      "print(c.welch_p([1, 2, 3], [1, 2, 3]), c.welch_p([1.0, 1.1, 0.9], [5.0, 5.1, 4.9]) < 1e-5)");
  EXPECT_EQ(out, "0.05 0.01\n[True, False, False, False] [True, True, True]\n1.0 True\n");
}

TEST_F(CompareLinesTest, EqualModelsFlagNothingAndAFarLineIsFlaggedFamilyWise) {
  for (int seed = 2; seed <= 6; ++seed) {
    WriteSet("A", seed, 0.75, 0.97);
    WriteSet("B", seed, 0.75, 0.97);
  }
  std::string out = Judge();
  EXPECT_NE(out.find("family-wise (Holm over 9 lines, alpha 0.05): 0 better*, 0 worse*"), std::string::npos) << out;
  for (int seed = 2; seed <= 6; ++seed) WriteSet("B", seed, 0.85, 0.99);  // further from 0.726; closer overlap
  out = Judge();
  EXPECT_NE(out.find("(worse*)"), std::string::npos) << out;
  EXPECT_NE(out.find("(better*)"), std::string::npos) << out;
  EXPECT_NE(out.find("1 better*, 1 worse*"), std::string::npos) << out;
  const size_t tonic = out.find("end on the tonic");
  ASSERT_NE(tonic, std::string::npos) << out;
  EXPECT_NE(out.substr(tonic, out.find('\n', tonic) - tonic).find("worse (worse*)"), std::string::npos) << out;
}

// A mix's line says how often the set ends on the tonic; the types under it say which moved it.
TEST_F(CompareLinesTest, AMixShowsEachTypesTonicSharePooledOverTheSeeds) {
  for (int seed = 2; seed <= 6; ++seed) {
    WriteSet("A", seed, 0.75, 0.97);  // one type only: no breakdown
    WriteSet("B", seed, 0.75, 0.97);
  }
  EXPECT_EQ(Judge().find("by R: type"), std::string::npos);
  for (int seed = 2; seed <= 6; ++seed) {
    for (const std::string model : {"A", "B"}) {
      const double song = model == "A" ? 0.75 : (seed == 2 ? 0.5 : 0.7);  // B: (50 + 4 * 140) / 900
      const int song_tunes = model == "B" && seed == 2 ? 100 : 200;
      json by_type{{"song", {{"generated", {{"ends_on_tonic", song}, {"tonic_tunes", song_tunes}}},
                             {"reference", {{"ends_on_tonic", 0.8}, {"tonic_tunes", 50}}}}},
                   {"jig", {{"generated", {{"ends_on_tonic", 0.9}, {"tonic_tunes", 40}}},
                            {"reference", {{"ends_on_tonic", 0.76}, {"tonic_tunes", 30}}}}},
                   {"air", {{"generated", {{"ends_on_tonic", 0.9}, {"tonic_tunes", 8}}},  // an older eval:
                            {"reference", {{"ends_on_tonic", nullptr}, {"tonic_tunes", 0}}}}}};  // no share
      const std::string path = dir_ + "/" + model + "-reel-" + std::to_string(seed) + ".json";
      auto text = ReadFile(path);
      ASSERT_TRUE(text.ok());
      json j = json::parse(*text);
      j["by_type"] = by_type;
      ASSERT_TRUE(WriteFileAtomically(path, j.dump()).ok());
    }
  }
  const std::string out = Judge();
  const size_t head = out.find("end on the tonic by R: type within a set of several");
  ASSERT_NE(head, std::string::npos) << out;
  const std::string within = out.substr(head);
  EXPECT_NE(within.find("song                        0.750           0.678          -0.072  "
                        "(real: 0.800; tunes 1000, 900)"),
            std::string::npos)
      << out;
  EXPECT_LT(within.find("song"), within.find("jig"));  // the type with more tunes first
  EXPECT_EQ(within.find(" air "), std::string::npos) << out;  // no real share to set it against
  EXPECT_NE(out.find("family-wise (Holm over 9 lines"), std::string::npos) << out;  // not judged
}

// The share of bars that play one of the 8 before again is judged as a form line, closer to the
// real tunes' being better, where every set has it (evals older than the line have not).
TEST_F(CompareLinesTest, EchoedBarsAreAFormLineWhereEverySetHasThem) {
  auto add_echo = [&](const std::string& model, int seed, double generated) {
    const std::string path = dir_ + "/" + model + "-reel-" + std::to_string(seed) + ".json";
    auto text = ReadFile(path);
    ASSERT_TRUE(text.ok());
    json j = json::parse(*text);
    j["generated"]["form"]["echo_bars"] = generated + 0.002 * (seed % 3);
    j["reference"]["form"]["echo_bars"] = 0.20;
    ASSERT_TRUE(WriteFileAtomically(path, j.dump()).ok());
  };
  for (int seed = 2; seed <= 6; ++seed) {
    WriteSet("A", seed, 0.75, 0.97);
    WriteSet("B", seed, 0.75, 0.97);
    add_echo("B", seed, 0.19);
  }
  std::string out = Judge();
  EXPECT_EQ(out.find("bars echoing"), std::string::npos) << out;  // A's sets are older
  for (int seed = 2; seed <= 6; ++seed) add_echo("A", seed, 0.07);
  out = Judge();
  EXPECT_NE(out.find("family-wise (Holm over 10 lines"), std::string::npos) << out;
  const size_t line = out.find("bars echoing (8 back)");
  ASSERT_NE(line, std::string::npos) << out;
  EXPECT_NE(out.substr(line, out.find('\n', line) - line).find("better (better*)  (real: 0.200, 0.200)"),
            std::string::npos)
      << out;
}

// A card still running (or a seed left out) is named, not a Python traceback: exit code 2 and the
// files it still needs.
TEST_F(CompareLinesTest, MissingSetsAreNamedAndNothingIsJudged) {
  for (int seed = 2; seed <= 6; ++seed) WriteSet("A", seed, 0.75, 0.97);
  for (int seed = 2; seed <= 4; ++seed) WriteSet("B", seed, 0.75, 0.97);
  auto r = testing::RunCommand("python3 " + testing::SourceDir() + "/scripts/compare_lines.py " + dir_ +
                                   " reel '2 3 4 5 6'",
                               true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("expected 2 more eval files"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(dir_ + "/B-reel-5.json, " + dir_ + "/B-reel-6.json"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Traceback"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("family-wise"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace abcrnn

// Specification of `abcrnn eval` and `abcrnn baseline` as programs: a set judged against itself
// overlaps fully, copies every bar and ends on the tonic as often as it does; JSON is complete;
// the classifier test and the form per R: type appear when the sets are large enough; the
// baseline chooses its order on validation tunes and samples reproducibly by seed. On the shared
// corpus: real tunes against other real tunes (the yardstick) in a few seconds.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "abcrnn/abc/clean.h"
#include "abcrnn/data/corpus.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn {
namespace {

using testing::CommandResult;
using testing::Program;
using testing::RunCommand;

const char kTunes[] =
    "X:1\nT:One\nM:4/4\nL:1/8\nK:D\n|:DFAF DFAF|GBdB AFD2:|\n|:fdfa gfed|cABc d4:|\n\n"
    "X:2\nT:Two\nM:6/8\nL:1/8\nK:G\nD|GAB c2A|BGE D2:|\n|:d|efg d2B|cAF G2:|\n\n"
    "X:3\nT:Three\nM:3/4\nL:1/4\nK:Ador\nA B c|d e c|B G A|]\n\n"
    "X:4\nT:Four\nM:4/4\nL:1/8\nK:D\nDFAF DFAF|GBdB AFE2|]\n";

// `n` tunes numbered from `first_x` with header line `r_field` (e.g. "R:reel"), each a little
// different: reels in 4/4 and jigs in 6/8, both AABB with repeats; hornpipes of one part.
std::string TypedTunes(const std::string& kind, const std::string& r_field, int n, int first_x) {
  std::string out;
  for (int k = 0; k < n; ++k) {
    const std::string v(1, "FGABcde"[k % 7]);
    out += "X:" + std::to_string(first_x + k) + "\nT:" + kind + " " + std::to_string(k) + "\n" +
           r_field + "\n";
    if (kind == "reel")
      out += "M:4/4\nL:1/8\nK:D\n|:D" + v + "AF DFAF|GBdB AFD2:|\n|:fdfa gfed|cABc d4:|\n\n";
    else if (kind == "jig")
      out += "M:6/8\nL:1/8\nK:G\n|:GAB c2A|B" + v + "E D3:|\n|:efg d2B|cAF G3:|\n\n";
    else
      out += "M:4/4\nL:1/8\nK:A\nA2B2 c2" + v + "2|e8|]\n\n";
  }
  return out;
}

class EvalCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("abcrnn_evalcli_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    tunes_ = (dir_ / "tunes.abc").string();
    ASSERT_TRUE(WriteFileAtomically(tunes_, kTunes).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string tunes_;
};

TEST_F(EvalCliTest, ASetAgainstItselfOverlapsFullyAndCopiesEveryBar) {
  CommandResult r = RunCommand(Program("abcrnn") + " eval " + tunes_ + " --reference " + tunes_ +
                               " --train " + tunes_ + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["generated"]["form"]["tunes"], 4);
  EXPECT_DOUBLE_EQ(j["generated"]["form"]["ends_on_tonic"].get<double>(), 0.75);  // Four ends on E
  EXPECT_DOUBLE_EQ(j["generated"]["form"]["repeats"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["generated"]["form"]["bars_ok"].get<double>(), 1.0);
  ASSERT_EQ(j["generated"]["per_tune"].size(), 4u);
  EXPECT_EQ(j["generated"]["per_tune"][3]["name"], "Four");
  EXPECT_EQ(j["generated"]["per_tune"][3]["ends_on_tonic"], 0);
  EXPECT_EQ(j["generated"]["per_tune"][0]["equal_parts"], true);
  ASSERT_EQ(j["style"].size(), 5u);
  for (const auto& row : j["style"]) {
    EXPECT_NEAR(row["overlap"].get<double>(), 1.0, 1e-9) << row["feature"];
    EXPECT_NEAR(row["kl"].get<double>(), 0.0, 1e-9) << row["feature"];
  }
  const auto& novelty = j["novelty"]["generated"];
  EXPECT_DOUBLE_EQ(novelty["copy_2_bars"].get<double>(), 1.0);
  for (const auto& t : novelty["per_tune"]) {
    EXPECT_EQ(t["longest_copied_bars"], t["bars"]) << t["name"];
    EXPECT_EQ(t["copied_from"], t["name"]);
    EXPECT_EQ(t["nearest"], t["name"]);
    EXPECT_DOUBLE_EQ(t["nearest_distance"].get<double>(), 0.0);
  }
}

TEST_F(EvalCliTest, TablePrintsTheThreeSectionsReadsStandardInputAndMissingFilesAreUsageErrors) {
  CommandResult r = RunCommand(Program("abcrnn") + " eval " + tunes_ + " --reference " + tunes_ +
                               " --train " + tunes_);
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("end on the tonic"), std::string::npos);
  EXPECT_NE(r.out.find("Style against the reference"), std::string::npos);
  EXPECT_NE(r.out.find("copy 8 bars or more"), std::string::npos);
  CommandResult piped =
      RunCommand("cat " + tunes_ + " | " + Program("abcrnn") + " eval - --reference " + tunes_);
  EXPECT_EQ(piped.exit_code, 0);
  EXPECT_NE(piped.out.find("tunes                                         4"), std::string::npos)
      << piped.out;
  CommandResult missing =
      RunCommand(Program("abcrnn") + " eval /nonexistent.abc --reference " + tunes_, true);
  EXPECT_EQ(missing.exit_code, 2);
}

TEST_F(EvalCliTest, ClassifierRowAndFormPerTypeTableAppearForTypedSetsOfTenOrMoreTunes) {
  const std::string generated = (dir_ / "generated.abc").string();
  const std::string reference = (dir_ / "reference.abc").string();
  ASSERT_TRUE(WriteFileAtomically(generated, TypedTunes("reel", "R:reel", 6, 1) +
                                                 TypedTunes("jig", "R:Double Jig", 7, 7) +
                                                 TypedTunes("hornpipe", "R:hornpipe", 2, 14))
                  .ok());
  ASSERT_TRUE(WriteFileAtomically(reference, TypedTunes("reel", "R:Reel", 8, 1) +
                                                 TypedTunes("jig", "R:jig", 5, 9) +
                                                 TypedTunes("hornpipe", "R:hornpipe", 6, 14))
                  .ok());
  const std::string command =
      Program("abcrnn") + " eval " + generated + " --reference " + reference;
  CommandResult table = RunCommand(command);
  ASSERT_EQ(table.exit_code, 0) << table.out;
  EXPECT_NE(table.out.find("classifier accuracy (5-fold, logistic)  0."), std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("tunes per set 15"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("Form per type (R:)"), std::string::npos) << table.out;
  // reel: 6 generated tunes, all with repeats, two equal parts of 2 bars and the tonic (D) last.
  EXPECT_NE(
      table.out.find("  reel              6   100.0%       100.0%       4.0  100.0%        8   100.0%"),
      std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("  jig               7"), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("  hornpipe"), std::string::npos) << table.out;  // 2 generated

  CommandResult json = RunCommand(command + " --json --classifier-seed 7");
  ASSERT_EQ(json.exit_code, 0) << json.out;
  auto j = nlohmann::json::parse(json.out);
  const auto& c = j["classifier"];
  EXPECT_EQ(c["folds"], 5);
  EXPECT_EQ(c["per_class"], 15);
  EXPECT_EQ(c["seed"], 7);
  EXPECT_GE(c["accuracy"].get<double>(), 0.0);
  EXPECT_LE(c["accuracy"].get<double>(), 1.0);
  EXPECT_GE(c["sd"].get<double>(), 0.0);
  EXPECT_EQ(c["fold_accuracy"].size(), 5u);
  CommandResult again = RunCommand(command + " --json --classifier-seed 7");
  EXPECT_EQ(nlohmann::json::parse(again.out)["classifier"], c);
  ASSERT_EQ(j["by_type"].size(), 2u);
  EXPECT_EQ(j["by_type"]["jig"]["generated"]["tunes"], 7);
  EXPECT_EQ(j["by_type"]["jig"]["reference"]["tunes"], 5);
  EXPECT_DOUBLE_EQ(j["by_type"]["jig"]["generated"]["repeats"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["by_type"]["jig"]["generated"]["equal_parts"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["by_type"]["reel"]["reference"]["mean_bars"].get<double>(), 4.0);
  EXPECT_EQ(j["by_type"]["reel"]["generated"]["tonic_tunes"], 6);
  EXPECT_DOUBLE_EQ(j["by_type"]["reel"]["generated"]["ends_on_tonic"].get<double>(), 1.0);
  EXPECT_FALSE(j["by_type"].contains("hornpipe"));
}

TEST_F(EvalCliTest, ClassifierIsSkippedSayingWhyBelowTenTunesAndUntypedTunesGetNoTypeTable) {
  CommandResult table =
      RunCommand(Program("abcrnn") + " eval " + tunes_ + " --reference " + tunes_);
  ASSERT_EQ(table.exit_code, 0) << table.out;
  EXPECT_NE(table.out.find("classifier accuracy (5-fold, logistic)  skipped: generated has 4 "
                           "tunes with notes, needs 10"),
            std::string::npos)
      << table.out;
  EXPECT_EQ(table.out.find("Form per type"), std::string::npos) << table.out;
  CommandResult json =
      RunCommand(Program("abcrnn") + " eval " + tunes_ + " --reference " + tunes_ + " --json");
  auto j = nlohmann::json::parse(json.out);
  EXPECT_TRUE(j["classifier"].contains("skipped"));
  EXPECT_FALSE(j["classifier"].contains("accuracy"));
  EXPECT_TRUE(j["by_type"].empty());
}

TEST_F(EvalCliTest, BaselineChoosesAnOrderOnValidationAndSamplesReproducibly) {
  const std::string base = Program("abcrnn") + " baseline " + tunes_ + " --valid " + tunes_;
  CommandResult r = RunCommand(base + " --orders 1,3 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["orders"].size(), 2u);
  EXPECT_LT(j["orders"][1]["valid_bits_per_char"].get<double>(),
            j["orders"][0]["valid_bits_per_char"].get<double>());
  EXPECT_EQ(j["chosen_order"], 3);
  const std::string a = (dir_ / "a.abc").string(), b = (dir_ / "b.abc").string();
  ASSERT_EQ(RunCommand(base + " --order 3 --sample 5 --seed 9 -o " + a).exit_code, 0);
  ASSERT_EQ(RunCommand(base + " --order 3 --sample 5 --seed 9 -o " + b).exit_code, 0);
  EXPECT_EQ(*ReadFile(a), *ReadFile(b));
  EXPECT_NE(ReadFile(a)->find("X:5\n"), std::string::npos);
  CommandResult judged =
      RunCommand(Program("abcrnn") + " eval " + a + " --reference " + tunes_ + " --json");
  EXPECT_EQ(judged.exit_code, 0);
}

TEST_F(EvalCliTest, BaselineHoldsOutTheSameTunesAsTraining) {
  // 40 different one-line tunes over the same few characters.
  std::string many;
  for (int k = 0; k < 40; ++k) {
    many += "X:" + std::to_string(k + 1) + "\nM:4/4\nL:1/8\nK:D\n";
    for (int i = 0; i < 16; ++i) {
      many += "DEFGABcd"[(k * 7 + i * 3 + (k >> (i % 6)) + i * i * k) % 8];
      if (i % 8 == 7) many += "|";
    }
    many += "]\n\n";
  }
  ASSERT_TRUE(WriteFileAtomically(tunes_, many).ok());
  auto cleaned = CleanFiles({tunes_}, CleanOptions{});
  ASSERT_TRUE(cleaned.ok());
  std::vector<std::string> texts;
  for (const auto& t : cleaned->tunes) texts.push_back(t.text);
  auto corpus = BuildCorpus(texts, 0.5);
  ASSERT_TRUE(corpus.ok());
  const std::string prefix = (dir_ / "split").string();
  CommandResult r = RunCommand(Program("abcrnn") + " baseline " + tunes_ +
                               " --valid-fraction 0.5 --order 2 --json --split-out " + prefix);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["train_tunes"].get<size_t>(), corpus->train.size());
  EXPECT_EQ(j["valid_tunes"].get<size_t>(), corpus->valid.size());
  EXPECT_EQ(j["train_tunes"].get<size_t>() + j["valid_tunes"].get<size_t>() + corpus->valid_dropped,
            texts.size());
  EXPECT_GT(corpus->valid.size(), 5u);
  EXPECT_GT(corpus->train.size(), 5u);
  // The written split holds the same tunes, as valid ABC, in the training form.
  auto valid_file = CleanFiles({prefix + "-valid.abc"}, CleanOptions{});
  ASSERT_TRUE(valid_file.ok());
  ASSERT_EQ(valid_file->tunes.size(), corpus->valid.size());
  for (size_t i = 0; i < corpus->valid.size(); ++i)
    EXPECT_EQ(valid_file->tunes[i].text, corpus->vocab.Decode(corpus->valid[i]));
}

TEST_F(EvalCliTest, BaselineTransposeToWorksOnTheTunesInOneTonicAsAKeyNormalisedModelDoes) {
  const std::string prefix = (dir_ / "in-c").string();
  CommandResult r = RunCommand(Program("abcrnn") + " baseline " + tunes_ + " --valid " + tunes_ +
                               " --order 3 --transpose-to C --json --split-out " + prefix);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  CleanOptions in_c;
  in_c.transpose_to = "C";
  auto expected = CleanFiles({tunes_}, in_c);
  ASSERT_TRUE(expected.ok());
  auto written = CleanFiles({prefix + "-valid.abc"}, CleanOptions{});
  ASSERT_TRUE(written.ok());
  ASSERT_EQ(written->tunes.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(written->tunes[i].text, expected->tunes[i].text);
    EXPECT_NE(written->tunes[i].text.find("\nK:C"), std::string::npos) << written->tunes[i].text;
  }
  CommandResult bad = RunCommand(Program("abcrnn") + " baseline " + tunes_ + " --transpose-to H", true);
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
}

TEST(EvalCorpusTest, RealJigsAgainstRealReelsOverlapWellAndRarelyCopyFourBars) {
  ABCRNN_REQUIRE_CORPUS();
  const std::string n = testing::CorpusDir() + "/nottingham/";
  CommandResult r = RunCommand(Program("abcrnn") + " eval " + n + "jigs.abc --reference " + n +
                               "reelsa-c.abc " + n + "reelsd-g.abc --train " + n + "hpps.abc " + n +
                               "reelsh-l.abc " + n + "reelsm-q.abc --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["generated"]["form"]["tunes"].get<int>(), 300);
  EXPECT_GT(j["generated"]["form"]["parses"].get<double>(), 0.95);
  EXPECT_GT(j["generated"]["form"]["ends_on_tonic"].get<double>(), 0.7);
  for (const auto& row : j["style"]) EXPECT_GT(row["overlap"].get<double>(), 0.6) << row["feature"];
  // Different tunes of one tradition share short figures, seldom four bars.
  EXPECT_LT(j["novelty"]["generated"]["copy_4_bars"].get<double>(), 0.05);
}

// The style comparison and the classifier read a seeded uniform sample of a large set, so eval's
// memory stays flat (bench/README.md): the counts still cover every tune, the sample is the same
// every run, and a bound above the set's size changes nothing.
TEST(EvalCorpusTest, StyleReadsABoundedReproducibleSampleOfALargeSet) {
  ABCRNN_REQUIRE_CORPUS();
  const std::string n = testing::CorpusDir() + "/nottingham/";
  const std::string base = Program("abcrnn") + " eval " + n + "jigs.abc --reference " + n + "reelsa-c.abc";
  const CommandResult full = RunCommand(base);
  const CommandResult sampled = RunCommand(base + " --max-style-tunes 50");
  const CommandResult again = RunCommand(base + " --max-style-tunes 50");
  const CommandResult above = RunCommand(base + " --max-style-tunes 100000");
  ASSERT_EQ(full.exit_code, 0) << full.out;
  ASSERT_EQ(sampled.exit_code, 0) << sampled.out;
  EXPECT_EQ(sampled.out, again.out);
  EXPECT_EQ(above.out, full.out);
  EXPECT_NE(sampled.out, full.out);
  EXPECT_NE(sampled.out.find("tunes per set 50 "), std::string::npos) << sampled.out;
  // The count of tunes compared is every tune with notes, sampled or not.
  const auto compared = [](const std::string& out) { return out.substr(out.find("tunes compared"), 80); };
  EXPECT_EQ(compared(sampled.out), compared(full.out));
  EXPECT_EQ(RunCommand(base + " --max-style-tunes 3 2>&1").exit_code, 2);
}

}  // namespace
}  // namespace abcrnn

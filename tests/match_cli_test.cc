// Specification of the match model on the command line: `abcrnn export --match-from` fits it into
// the checkpoint's metadata, `score` and `generate` use it unless told --no-match-model, and a
// damaged one is refused with exit code 2.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/infer/match_model.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"
#include "support/tiny_model.h"

namespace abcrnn {
namespace {
namespace fs = std::filesystem;

// Tunes that repeat their figures, and a random model whose vocabulary spells their training form.
struct Fixture {
  fs::path dir = fs::temp_directory_path() / ("abcrnn_match_cli_" + std::to_string(getpid()));
  std::string tunes, model;
  Fixture() {
    fs::create_directories(dir);
    tunes = (dir / "tunes.abc").string();
    model = (dir / "model.ckpt").string();
    std::string abc;
    const char* bodies[] = {"|:ABc dBG|ABc d2e|fed cBA|B3 A3:|", "|:GAB AFD|GAB A2B|cBA GFE|D3 D3:|",
                            "|:def edB|def e2f|gfe dcB|A3 A3:|", "|:FAd AFD|FAd f2e|dcB AGF|E3 E3:|"};
    for (int i = 0; i < 12; ++i)
      abc += "X:" + std::to_string(i + 1) + "\nT:T" + std::to_string(i) + "\nM:6/8\nL:1/8\nK:D\n" + bodies[i % 4] +
             "\n" + bodies[(i + i / 4 + 1) % 4] + "\n" + bodies[i % 4] + "\n\n";  // 12 different tunes, ABA
    EXPECT_TRUE(WriteFileAtomically(tunes, abc).ok());
    Checkpoint c;
    c.vocab = Vocab::Build({"M:6/8\nL:1/8\nK:D\n|:ABcdefgGFED23:|] \n"});
    c.model = {c.vocab.size(), 8, 16, 2, 0.0f};
    testing::FillRandomWeights(&c, 5);
    c.metadata_json = R"({"training": {"valid_fraction": 0.0}})";
    EXPECT_TRUE(WriteCheckpoint(model, c).ok());
  }
  ~Fixture() { fs::remove_all(dir); }
};

double OverallBits(const std::string& json_text) {
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return -1;
  return j["overall"]["bits_per_char"].get<double>();
}

TEST(MatchCli, ExportFitsTheMatchModelAndScoreAndGenerateUseIt) {
  Fixture f;
  const std::string ship = (f.dir / "ship.ckpt").string();
  auto r = testing::RunCommand(testing::Program("abcrnn") + " export " + f.model + " -o " + ship + " --match-from " +
                               f.tunes);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("match model fitted on 12 training tunes"), std::string::npos) << r.out;
  auto back = ReadCheckpoint(ship);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  auto meta = nlohmann::json::parse(back->metadata_json);
  ASSERT_TRUE(meta.contains("match_model")) << back->metadata_json;
  auto mix = MatchMixFromJson(meta["match_model"].dump());
  ASSERT_TRUE(mix.ok()) << mix.status().ToString();
  // These tunes repeat their parts' figures: a random LSTM knows nothing, the matches a lot.
  EXPECT_GT(mix->Weight(16), 0.5);
  EXPECT_FALSE(mix->aligned());  // the model has no form clock

  auto with = testing::RunCommand(testing::Program("abcrnn") + " score --json --model " + ship + " " + f.tunes);
  auto without = testing::RunCommand(testing::Program("abcrnn") + " score --json --no-match-model --model " + ship +
                                     " " + f.tunes);
  ASSERT_EQ(with.exit_code, 0) << with.out;
  ASSERT_EQ(without.exit_code, 0) << without.out;
  EXPECT_LT(OverallBits(with.out), 0.85 * OverallBits(without.out)) << with.out << without.out;
  EXPECT_GT(OverallBits(with.out), 0);

  const std::string gen = testing::Program("abcrnn") + " generate --no-strict --num 4 --seed 3 --length 200 --model " +
                          ship + " --prime '" + "M:6/8\nL:1/8\nK:D\n|:ABc dBG|ABc' ";
  auto a = testing::RunCommand(gen);
  auto b = testing::RunCommand(gen + " --no-match-model");
  auto c = testing::RunCommand(gen);
  ASSERT_EQ(a.exit_code, 0) << a.out;
  ASSERT_EQ(b.exit_code, 0) << b.out;
  EXPECT_NE(a.out, b.out);
  EXPECT_EQ(a.out, c.out);  // the same seed, the same tunes
  // Each tune's remake line says how the match model was used.
  EXPECT_NE(b.out.find("--no-match-model"), std::string::npos) << b.out;
  auto fitted = testing::RunCommand(gen + " --match-boost 0");
  ASSERT_EQ(fitted.exit_code, 0) << fitted.out;
  EXPECT_NE(fitted.out.find("--match-boost 0 "), std::string::npos) << fitted.out;
  EXPECT_EQ(a.out.find("--match-boost"), std::string::npos) << a.out;
  EXPECT_EQ(testing::RunCommand(gen + " --match-boost 1.5", true).exit_code, 2);
}

TEST(MatchCli, ADamagedMatchModelIsRefusedWithItsFieldNamed) {
  Fixture f;
  auto c = ReadCheckpoint(f.model);
  ASSERT_TRUE(c.ok());
  c->metadata_json = R"({"match_model": {"max_match": 32, "lengths": [3, 4], "weights": [0.2]}})";
  const std::string bad = (f.dir / "bad.ckpt").string();
  ASSERT_TRUE(WriteCheckpoint(bad, *c).ok());
  for (const std::string& cmd : {" generate --num 1 --model " + bad, " score --model " + bad + " " + f.tunes}) {
    auto r = testing::RunCommand(testing::Program("abcrnn") + cmd, true);
    EXPECT_EQ(r.exit_code, 2) << cmd << r.out;
    EXPECT_NE(r.out.find("match_model: expected as many weights as lengths"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace abcrnn

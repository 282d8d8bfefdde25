// Specification of what `abcrnn generate` does beyond printing: the novelty guard drops and
// replaces tunes that copy more than N consecutive bars of a corpus, --render writes files to hear
// and see each tune, --format midi writes a MIDI file per tune (tune-<X>.mid; one named .mid file
// for one tune). Runs the real program on a small random-weight checkpoint, an LSTM and a GRU.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "abcrnn/abc/parser.h"
#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/eval/melody.h"
#include "abcrnn/eval/novelty.h"
#include "abcrnn/infer/engine.h"
#include "support/cells.h"
#include "support/paths.h"

namespace abcrnn {
namespace {
namespace fs = std::filesystem;
using testing::Program;
using testing::RunCommand;

class GenerateOutputTest : public ::testing::TestWithParam<const char*> {  // the model's cell
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("abcrnn_generate_output_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    Checkpoint c;
    c.vocab = Vocab::Build({"M:4/4\nL:1/8\nK:D\n|:ABCDEFG abcdefg z2345/ []:|\n"});
    c.model = {c.vocab.size(), 8, 24, 2, 0.0f};
    c.model.architecture = GetParam();
    RnnWeights w = RandomRnnWeights(c.model, 9, 2.0f);
    w.head_b[Vocab::kEos] -= 3.0f;  // longer tunes: several bars each
    c.weights = RnnWeightsToTensors(w);
    model_ = (dir_ / "tiny.ckpt").string();
    ASSERT_TRUE(WriteCheckpoint(model_, c).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  testing::CommandResult Generate(const std::string& args) {
    return RunCommand(Program("abcrnn-sample") + " generate --model " + model_ + " " + args + " 2>" +
                      (dir_ / "err.txt").string());
  }
  std::string Read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path dir_;
  std::string model_;
};

TEST_P(GenerateOutputTest, NoveltyGuardDropsCopiesAndKeepsOnlyTunesWithinTheLimit) {
  const std::string corpus = (dir_ / "corpus.abc").string();
  // The same seed makes the same four tunes first: each copies itself, so those with more than
  // two bars must be dropped and replaced by later random streams. The first seed whose tunes
  // have such a tune (the random test model writes many short ones) is the one tested; so is
  // one whose first eight tunes find no valid ending (the command then gives up, exit 1).
  std::string seed;
  int self_copies = 0;
  for (int s = 3; s < 30 && self_copies == 0; ++s) {
    seed = std::to_string(s);
    const int code = Generate("--seed " + seed + " --num 4 --length 400 --key D --meter 4/4 --out " + corpus).exit_code;
    if (code == 1 && Read(dir_ / "err.txt").find("found a valid ending") != std::string::npos) continue;
    ASSERT_EQ(code, 0) << Read(dir_ / "err.txt");
    auto built = eval::LoadOrBuildBarIndex({corpus}, "");
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    for (const auto& tune : abc::ParseAbcFile(Read(corpus)).tunes)
      self_copies += built->LongestCopiedRun(eval::MelodyFromTune(tune)).bars > 2;
  }
  ASSERT_GT(self_copies, 0) << "the test model's tunes are too short to test the guard";
  auto index = eval::LoadOrBuildBarIndex({corpus}, "");
  ASSERT_TRUE(index.ok()) << index.status().ToString();

  const std::string out = (dir_ / "new.abc").string();
  auto r = Generate("--seed " + seed + " --num 4 --length 400 --key D --meter 4/4 --novelty-against " + corpus +
                    " --max-copied-bars 2 --novelty-cache " + (dir_ / "bars.idx").string() + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << Read(dir_ / "err.txt");
  std::smatch m;
  std::string err = Read(dir_ / "err.txt");
  ASSERT_TRUE(std::regex_search(err, m, std::regex("novelty guard: (\\d+) tune\\(s\\) dropped"))) << err;
  EXPECT_GE(std::stoi(m[1]), self_copies);
  EXPECT_TRUE(fs::exists(dir_ / "bars.idx"));

  auto kept = abc::ParseAbcFile(Read(out)).tunes;
  ASSERT_EQ(kept.size(), 4u);
  for (size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(kept[i].x, static_cast<int>(i) + 1);
    EXPECT_LE(index->LongestCopiedRun(eval::MelodyFromTune(kept[i])).bars, 2) << "tune " << i + 1;
  }
}

TEST_P(GenerateOutputTest, RenderWritesAbcAndMidiForEveryTune) {
  const fs::path out = dir_ / "render";
  ASSERT_EQ(Generate("--seed 5 --num 2 --length 200 --key D --meter 4/4 --render " + out.string()).exit_code, 0)
      << Read(dir_ / "err.txt");
  for (int x : {1, 2}) {
    const std::string stem = "tune-" + std::to_string(x);
    EXPECT_NE(Read(out / (stem + ".abc")).find("X:" + std::to_string(x)), std::string::npos);
    EXPECT_EQ(Read(out / (stem + ".mid")).substr(0, 4), "MThd");
    if (testing::HaveTool("abcm2ps")) {
      EXPECT_NE(Read(out / (stem + ".svg")).find("<svg"), std::string::npos);
    }
    if (fs::exists("/usr/share/sounds/sf2/FluidR3_GM.sf2")) {
      EXPECT_EQ(Read(out / (stem + ".wav")).substr(0, 4), "RIFF");
    }
  }
}

TEST_P(GenerateOutputTest, FormatMidiWritesOneFilePerTuneAndNeedsAFolder) {
  const fs::path out = dir_ / "midi";
  ASSERT_EQ(Generate("--seed 5 --num 3 --length 200 --key D --meter 4/4 --format midi --out " + out.string()).exit_code, 0)
      << Read(dir_ / "err.txt");
  for (int x : {1, 2, 3}) EXPECT_EQ(Read(out / ("tune-" + std::to_string(x) + ".mid")).substr(0, 4), "MThd");
  EXPECT_EQ(Generate("--seed 5 --num 1 --format midi").exit_code, 2);
  EXPECT_NE(Read(dir_ / "err.txt").find("--out"), std::string::npos);
}

TEST_P(GenerateOutputTest, FormatMidiWithOneTuneAndAMidOutWritesThatFile) {
  const fs::path out = dir_ / "new" / "one.mid";
  ASSERT_EQ(Generate("--seed 5 --num 1 --length 200 --key D --meter 4/4 --format midi --out " + out.string()).exit_code,
            0)
      << Read(dir_ / "err.txt");
  ASSERT_TRUE(fs::is_regular_file(out)) << "a file, not a folder of that name";
  EXPECT_EQ(Read(out).substr(0, 4), "MThd");
}

TEST_P(GenerateOutputTest, FormatMidiRefusesSeveralTunesIntoOneMidFile) {
  const fs::path out = dir_ / "two.mid";
  EXPECT_EQ(Generate("--seed 5 --num 2 --length 200 --format midi --out " + out.string()).exit_code, 2);
  EXPECT_NE(Read(dir_ / "err.txt").find("expected --num 1 for one MIDI file, got --num 2"), std::string::npos)
      << Read(dir_ / "err.txt");
  EXPECT_FALSE(fs::exists(out));
}

ABCRNN_FOR_EVERY_CELL(GenerateOutputTest);

}  // namespace
}  // namespace abcrnn

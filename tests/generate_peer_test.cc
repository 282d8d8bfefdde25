// The shipped model's tunes as the reference tools see them: every tune `abcrnn generate` prints,
// for the default options and four other option sets, over a fixed seed, is read by abc2midi and
// abcm2ps without one error line. "Valid" in abcrnn means both tools accept it (doc/abc-dialect.md).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "abcrnn/util/file.h"
#include "support/paths.h"
#include "support/peer.h"

namespace abcrnn {
namespace {
namespace fs = std::filesystem;
using testing::Program;
using testing::RunCommand;

// The error lines `command` prints (abc2midi: "Error in line-char ..."; abcm2ps: "...: error: ...").
std::vector<std::string> ErrorLines(const std::string& command) {
  auto r = RunCommand(command, true);
  std::vector<std::string> errors;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (line.find("Error") != std::string::npos || line.find("error:") != std::string::npos) errors.push_back(line);
  return errors;
}

struct OptionSet {
  const char* name;
  const char* options;
  int num;
};

TEST(GeneratePeer, EveryTuneOfSevenOptionSetsPassesAbc2midiAndAbcm2ps) {
  if (!testing::HaveTool("abc2midi") || !testing::HaveTool("abcm2ps"))
    GTEST_SKIP() << "abc2midi or abcm2ps absent: peer test skipped (apt-get install abcmidi abcm2ps)";
  const std::string model = testing::SourceDir() + "/models/default.ckpt";
  if (!fs::exists(model)) GTEST_SKIP() << "no shipped model at " << model;
  const fs::path dir = fs::path(testing::ScratchRoot()) / ("abcrnn_generate_peer_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  // 150 tunes a set keep CI within its time (about 80 s for all sets); 1,000 a set of six sets
  // are measured by scripts/peer_check.sh (figures in doc/abc-dialect.md).
  constexpr int kTunes = 150;
  const OptionSet sets[] = {
      {"default", "", kTunes},
      {"rhythm", "--rhythm jig --free-form", kTunes},
      {"rhythm-kept", "--rhythm reel", 10},
      {"meter", "--meter 3/4", kTunes},
      {"key", "--key F#m", kTunes},
      {"temperature", "--temperature 1.3", kTunes},
      // A music prime leaves the drawn form to the model, which writes on past it (fragments
      // closed by |]) until it closes the prime's |:: the hardest case for the checker.
      {"prime", "--prime '|:'", 100},
  };
  for (const OptionSet& set : sets) {
    const std::string abc = (dir / (std::string(set.name) + ".abc")).string();
    auto r = RunCommand(Program("abcrnn") + " generate --model " + model + " --seed 11 --num " +
                            std::to_string(set.num) + " " + set.options + " --out " + abc,
                        true);
    ASSERT_EQ(r.exit_code, 0) << set.name << ": " << r.out;
    auto text = ReadFile(abc);
    ASSERT_TRUE(text.ok());
    size_t tunes = 0;
    for (size_t at = 0; (at = text->find("\nX:", at)) != std::string::npos; ++at) ++tunes;
    EXPECT_EQ(static_cast<int>(tunes + (text->rfind("X:", 0) == 0)), set.num) << set.name;
    const auto midi =
        ErrorLines("cd " + dir.string() + " && abc2midi " + abc + " -quiet; rm -f " + (dir / "*.mid").string());
    const auto sheet = ErrorLines("abcm2ps " + abc + " -O /dev/null");
    EXPECT_TRUE(midi.empty()) << set.name << ": abc2midi: " << midi.size() << " error line(s), first: " << midi[0];
    EXPECT_TRUE(sheet.empty()) << set.name << ": abcm2ps: " << sheet.size() << " error line(s), first: " << sheet[0];
  }
  fs::remove_all(dir);
}

TEST(GeneratePeer, ATuneMovedToItsKeyIsStillValid) {
  // This hornpipe was drawn in C with a G2/ that abc2midi does not swing; moved to G, the writer
  // printed it as G, which it swings, and abc2midi then refused the broken rhythm after it. The
  // writer now keeps the numerator (WriterLengths.KeepANumeratorThatReducesAway), and the
  // session checks every moved tune and draws another where one still fails.
  const std::string model = testing::SourceDir() + "/models/default.ckpt";
  if (!fs::exists(model)) GTEST_SKIP() << "no shipped model at " << model;
  const fs::path dir = fs::path(testing::ScratchRoot()) / ("abcrnn_generate_moved_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string abc = (dir / "hornpipe.abc").string();
  auto r = RunCommand(Program("abcrnn") + " generate --model " + model +
                          " --seed 11 --first 485 --num 1 --length 1000 --rhythm hornpipe --out " + abc,
                      true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto check = RunCommand(Program("abcrnn") + " check " + abc, true);
  EXPECT_EQ(check.exit_code, 0) << check.out;
  if (testing::HaveTool("abc2midi")) {
    const auto midi = ErrorLines("cd " + dir.string() + " && abc2midi " + abc + " -quiet");
    EXPECT_TRUE(midi.empty()) << midi[0];
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace abcrnn

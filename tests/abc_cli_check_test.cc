// Specification of `abcrnn check`: one line per problem, a summary, --json, standard input, and
// the exit codes 0 (all valid), 1 (some invalid) and 2 (usage or file errors).
#include <gtest/gtest.h>

#include <filesystem>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn {
namespace {
namespace fs = std::filesystem;
using ::abcrnn::testing::Program;
using ::abcrnn::testing::RunCommand;

class CheckCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("abcrnn_check_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    good_ = (dir_ / "good.abc").string();
    bad_ = (dir_ / "bad.abc").string();
    ASSERT_TRUE(WriteFileAtomically(good_, "X:1\nT:Fine\nM:4/4\nL:1/8\nK:G\nABcd efga|]\n").ok());
    ASSERT_TRUE(
        WriteFileAtomically(bad_,
                            "X:1\nT:Fine\nM:4/4\nL:1/8\nK:G\nABcd efga|]\n\n"
                            "X:2\nT:Long bar\nM:4/4\nL:1/8\nK:G\nABcd efgab|]\n\n"
                            "X:3\nT:Short bar\nM:4/4\nL:1/8\nK:G\nABcd efga|bag|fedc BAGF|]\n")
            .ok());
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Check(const std::string& args) { return Program("abcrnn") + " check " + args; }
  fs::path dir_;
  std::string good_, bad_;
};

TEST_F(CheckCommandTest, ValidFileExitsZeroWithASummary) {
  auto r = RunCommand(Check(good_));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("tunes read: 1, valid: 1, with warnings: 0, with errors: 0"),
            std::string::npos)
      << r.out;
}

TEST_F(CheckCommandTest, ProblemsArePrintedOnePerLineAndExitIsOne) {
  auto r = RunCommand(Check(bad_));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(bad_ + ":13:1: error: [overfull-bar] expected a bar of 1 (whole notes), "
                              "got 9/8 (1/8 too long) (X:2 \"Long bar\")"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(bad_ + ":20:11: warning: [underfull-bar]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tunes read: 3, valid: 2, with warnings: 1, with errors: 1"),
            std::string::npos);
  EXPECT_NE(r.out.find("overfull-bar: 1 in 1 tune(s)"), std::string::npos);
}

TEST_F(CheckCommandTest, JsonReportHasTheSummaryAndEveryProblem) {
  auto r = RunCommand(Check("--json " + bad_));
  EXPECT_EQ(r.exit_code, 1);
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["tunes"], 3);
  EXPECT_EQ(j["valid"], 2);
  EXPECT_EQ(j["with_errors"], 1);
  EXPECT_EQ(j["by_kind"]["overfull-bar"]["problems"], 1);
  ASSERT_EQ(j["problems"].size(), 2u);
  EXPECT_EQ(j["problems"][0]["kind"], "overfull-bar");
  EXPECT_EQ(j["problems"][0]["line"], 13);
  EXPECT_EQ(j["problems"][0]["x"], 2);
  EXPECT_EQ(j["problems"][0]["title"], "Long bar");
}

TEST_F(CheckCommandTest, StandardInputIsReadForDash) {
  auto r = RunCommand("cat " + good_ + " | " + Check("-"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("tunes read: 1"), std::string::npos);
}

TEST_F(CheckCommandTest, MissingFileAndMissingArgumentsExitTwo) {
  EXPECT_EQ(RunCommand(Check((dir_ / "absent.abc").string()), true).exit_code, 2);
  EXPECT_EQ(RunCommand(Check(""), true).exit_code, 2);
}

TEST_F(CheckCommandTest, AMissingFileIsReportedAfterTheOthersAreChecked) {
  auto r = RunCommand(Check(bad_ + " " + (dir_ / "absent.abc").string() + " " + good_), true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("tunes read: 4, valid: 3"), std::string::npos) << r.out;  // both files checked
  EXPECT_NE(r.out.find("absent.abc: no such file or folder"), std::string::npos) << r.out;
  EXPECT_GT(r.out.find("absent.abc: no such file"), r.out.find("tunes read:")) << r.out;  // said last
}

TEST_F(CheckCommandTest, FoldersWithoutAbcFilesAndBinaryFilesAreNamedForWhatTheyAre) {
  fs::create_directories(dir_ / "notes");
  ASSERT_TRUE(WriteFileAtomically((dir_ / "notes" / "tunes.txt").string(), "X:1\nK:C\nabc|\n").ok());
  auto r = RunCommand(Check((dir_ / "notes").string()), true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("no .abc files in this folder (found tunes.txt; pass a file by name"), std::string::npos)
      << r.out;
  r = RunCommand(Program("abcrnn") + " clean " + (dir_ / "notes").string() + " -o -", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("found tunes.txt"), std::string::npos) << r.out;
  // A MIDI file given as ABC.
  const std::string mid = (dir_ / "good.mid").string();
  ASSERT_EQ(RunCommand(Program("abcrnn") + " midi " + good_ + " --out " + mid).exit_code, 0);
  for (const std::string& command : {Check(mid), Program("abcrnn") + " clean " + mid + " -o -"}) {
    r = RunCommand(command, true);
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_NE(r.out.find("good.mid: expected ABC text, got a MIDI file"), std::string::npos) << r.out;
  }
}

TEST_F(CheckCommandTest, EvalSaysNotApplicableWhereNoTuneCanTell) {
  const std::string empty = (dir_ / "empty.abc").string();
  ASSERT_TRUE(WriteFileAtomically(empty, "X:1\nT:No music\nK:C\n").ok());
  auto r = RunCommand(Program("abcrnn") + " eval " + empty + " --reference " + good_ + " 2>/dev/null");
  EXPECT_NE(r.out.find("end on the tonic                            n/a"), std::string::npos) << r.out;
  r = RunCommand(Program("abcrnn") + " eval " + empty + " --reference " + good_ + " --json 2>/dev/null");
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["generated"]["form"]["ends_on_tonic"].is_null()) << r.out;
  EXPECT_FALSE(j["reference"]["form"]["ends_on_tonic"].is_null()) << r.out;
  // A tune that does not parse (an unknown key): no bar, key or copy can be judged.
  const std::string unparsed = (dir_ / "unparsed.abc").string();
  ASSERT_TRUE(WriteFileAtomically(unparsed, "X:1\nT:Bad key\nM:4/4\nL:1/8\nK:Q\nABcd efga|]\n").ok());
  r = RunCommand(Program("abcrnn") + " eval " + unparsed + " --reference " + good_ + " --train " + good_ +
                 " 2>/dev/null");
  for (const char* row : {"every bar the right length                  n/a", "end on the tonic                            n/a",
                          "nearest tune distance (mean)                n/a", "copy 2 bars or more                         n/a"})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
  r = RunCommand(Program("abcrnn") + " eval " + unparsed + " --reference " + good_ + " --train " + good_ +
                 " --json 2>/dev/null");
  const auto k = nlohmann::json::parse(r.out);
  EXPECT_TRUE(k["novelty"]["generated"]["mean_nearest_distance"].is_null()) << r.out.substr(0, 2000);
  EXPECT_FALSE(k["novelty"]["reference"]["mean_nearest_distance"].is_null()) << r.out.substr(0, 2000);
  EXPECT_TRUE(k["generated"]["form"]["ends_on_tonic"].is_null()) << r.out.substr(0, 2000);
}

TEST_F(CheckCommandTest, EveryCommandThatWritesTakesDashOAndDashDashOut) {
  const std::string abcrnn = Program("abcrnn");
  for (const std::string out : {"-o", "--out", "--output"}) {
    const fs::path file = dir_ / ("clean" + out + ".abc");
    EXPECT_EQ(RunCommand(abcrnn + " clean " + good_ + " " + out + " " + file.string()).exit_code, 0) << out;
    EXPECT_TRUE(fs::exists(file)) << out;
  }
  EXPECT_EQ(RunCommand(abcrnn + " transpose --semitones 2 " + good_ + " --out " + (dir_ / "up.abc").string()).exit_code,
            0);
  EXPECT_TRUE(fs::exists(dir_ / "up.abc"));
  EXPECT_EQ(RunCommand(abcrnn + " midi " + good_ + " --out " + (dir_ / "one.mid").string()).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir_ / "one.mid"));
  const std::string model = testing::SourceDir() + "/models/default.ckpt";
  EXPECT_EQ(RunCommand(abcrnn + " generate --model " + model + " --num 1 --seed 1 -o " + (dir_ / "new.abc").string())
                .exit_code,
            0);
  EXPECT_TRUE(fs::exists(dir_ / "new.abc"));
  // "-o -" is standard output, not a file named "-".
  for (const std::string& command : {abcrnn + " generate --model " + model + " --num 1 --seed 1 -o -",
                                    abcrnn + " clean " + good_ + " -o -"}) {
    auto r = RunCommand("cd " + dir_.string() + " && " + command);
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_EQ(r.out.rfind("X:1\n", 0), 0u) << command << "\n" << r.out;
    EXPECT_FALSE(fs::exists(dir_ / "-")) << command;
  }
  // A MIDI file on standard output for one tune, refused for several; a checkpoint on standard
  // output (not to a terminal); never a folder or a file named "-".
  auto midi = RunCommand("cd " + dir_.string() + " && " + abcrnn + " generate --model " + model +
                         " --num 1 --seed 1 --format midi -o - | head -c 4");
  EXPECT_EQ(midi.out, "MThd");
  EXPECT_EQ(RunCommand("cd " + dir_.string() + " && " + abcrnn + " generate --model " + model +
                       " --num 2 --seed 1 --format midi -o - 2>/dev/null")
                .exit_code,
            2);
  // The whole checkpoint, and nothing else, on standard output: it reads back as the file export.
  const std::string piped = (dir_ / "piped.ckpt").string(), named = (dir_ / "named.ckpt").string();
  EXPECT_EQ(RunCommand("cd " + dir_.string() + " && " + abcrnn + " export " + model + " -o - > " + piped).exit_code, 0);
  EXPECT_EQ(RunCommand(abcrnn + " export " + model + " -o " + named).exit_code, 0);
  EXPECT_EQ(*ReadFile(piped), *ReadFile(named));
  EXPECT_FALSE(fs::exists(dir_ / "-"));
  if (fs::exists(Program("abcrnn-train"))) {
    auto train = RunCommand("cd " + dir_.string() + " && " + Program("abcrnn-train") + " --data " + good_ +
                            " --out - --steps 1", true);
    EXPECT_EQ(train.exit_code, 2);
    EXPECT_NE(train.out.find("--out: expected a folder"), std::string::npos) << train.out;
    EXPECT_FALSE(fs::exists(dir_ / "-"));
  }
  // Missing folders above an output file are made.
  EXPECT_EQ(RunCommand(abcrnn + " clean " + good_ + " -o " + (dir_ / "a" / "b" / "c.abc").string()).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir_ / "a" / "b" / "c.abc"));
  EXPECT_EQ(RunCommand(abcrnn + " midi " + good_ + " -o " + (dir_ / "d" / "e.mid").string()).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir_ / "d" / "e.mid"));
  // The cleaning flags are spelled alike in clean and train.
  EXPECT_EQ(RunCommand(abcrnn + " clean --keep-chord-symbols --keep-grace-notes " + good_ + " -o -").exit_code, 0);
  EXPECT_EQ(RunCommand(abcrnn + " clean --keep-chords --keep-graces " + good_ + " -o -").exit_code, 0);
  if (fs::exists(Program("abcrnn-train"))) {  // built with LibTorch
    auto help = RunCommand(Program("abcrnn-train") + " --help");
    EXPECT_NE(help.out.find("-o,--out"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("--keep-chords,--keep-chord-symbols"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("--keep-graces,--keep-grace-notes"), std::string::npos) << help.out;
  }
}

TEST_F(CheckCommandTest, AClosedPipeEndsEveryCommandQuietlyWithExitCode0) {
  // More output than a pipe holds: 4,000 tunes (for check, each with a bar too long).
  std::string good, bad;
  for (int i = 1; i <= 4000; ++i) {
    const std::string head = "X:" + std::to_string(i) + "\nT:Tune\nM:4/4\nL:1/8\nK:G\n";
    good += head + "ABcd efga|gfed cBAG|]\n\n";
    bad += head + "ABcd efgab|ABcd efga|]\n\n";
  }
  const std::string good_file = (dir_ / "many.abc").string(), bad_file = (dir_ / "many-bad.abc").string();
  const std::string err = (dir_ / "err.txt").string();
  ASSERT_TRUE(WriteFileAtomically(good_file, good).ok());
  ASSERT_TRUE(WriteFileAtomically(bad_file, bad).ok());
  const std::string abcrnn = Program("abcrnn");
  for (const std::string& command :
       {abcrnn + " check " + bad_file, abcrnn + " clean --keep-duplicates " + good_file + " -o -",
        abcrnn + " transpose --semitones 2 " + good_file}) {
    auto r = RunCommand("bash -c '" + command + " 2>" + err + " | head -n 1 >/dev/null; echo ${PIPESTATUS[0]}'");
    EXPECT_EQ(r.out, "0\n") << command;
    auto said = ReadFile(err);
    ASSERT_TRUE(said.ok());
    EXPECT_EQ(said->find("error"), std::string::npos) << command << ": " << *said;
  }
}

TEST(CommandLine, TyposGetTheNearestNameAndABareProgramItsUsage) {
  const std::string abcrnn = Program("abcrnn");
  auto r = RunCommand(abcrnn + " generat", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("did you mean 'generate'?"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("A subcommand is required"), std::string::npos) << "the suggestion alone: " << r.out;
  // Forwarded to abcrnn-sample, whose parser makes the suggestion.
  r = RunCommand(abcrnn + " generate --temprature 0.5 --num 0", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("unknown option '--temprature'; did you mean '--temperature'?"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("were not expected"), std::string::npos) << "the suggestion alone: " << r.out;
  // A typo beside a bad value: both are said.
  r = RunCommand(abcrnn + " generate --temperature abc --sede 3", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--temperature"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("did you mean '--seed'?"), std::string::npos) << r.out;
  r = RunCommand(Program("abcrnn-sample") + " generate --temperature -1", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--temperature: expected a number of 0 or more, got -1"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("179769313486231570"), std::string::npos) << r.out;  // not the largest double
  r = RunCommand(abcrnn + " eval x.abc --refrence y.abc", true);
  EXPECT_NE(r.out.find("did you mean '--reference'?"), std::string::npos) << r.out;
  // Bare: the usage, on standard error, exit 2; `help`: the usage on standard output, exit 0.
  r = RunCommand(abcrnn, true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("SUBCOMMAND"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("generate"), std::string::npos) << r.out;
  r = RunCommand(abcrnn + " help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("SUBCOMMAND"), std::string::npos) << r.out;
  // Help and --version speak as the user runs them, whichever program answers.
  EXPECT_NE(RunCommand(abcrnn + " generate --help").out.find("Usage: abcrnn generate"), std::string::npos);
  const std::string help = RunCommand(abcrnn + " generate --help").out;
  EXPECT_NE(help.find("(the default)"), std::string::npos) << "--strict is shown as on by default: " << help;
  EXPECT_EQ(help.find("{false}"), std::string::npos) << help;
  for (const std::string command : {"check", "eval", "render", "export", "clean", "midi"})
    EXPECT_NE(RunCommand(abcrnn + " " + command + " --help").out.find("Usage: abcrnn " + command), std::string::npos)
        << command;
  for (const std::string program : {"abcrnn", "abcrnn-sample", "abcrnn-train"}) {
    if (!fs::exists(Program(program))) continue;  // abcrnn-train: built with LibTorch
    r = RunCommand(Program(program) + " --version");
    EXPECT_EQ(r.exit_code, 0) << program;
    EXPECT_EQ(r.out.rfind(program + " ", 0), 0u) << r.out;
  }
  if (fs::exists(Program("abcrnn-train"))) {  // a typo, not the required --out it hides
    r = RunCommand(Program("abcrnn-train") + " --stps 3", true);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.out.find("did you mean '--steps'?"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("required"), std::string::npos) << r.out;
  }
  // A word far from every command gets no guess.
  r = RunCommand(abcrnn + " frobnicate", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out.find("did you mean"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace abcrnn

// Specification of the abcrnn-train program: clear errors and exit code 2 before any long work,
// a run that writes checkpoints, metrics and log (bucketed unless told otherwise), --resume that
// continues it, SIGTERM that saves and exits cleanly, and `abcrnn train` forwarding to it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/eval/note_runs.h"
#include "abcrnn/util/file.h"
#include "abcrnn/util/file_lock.h"
#include "support/paths.h"
#include "torch/tiny_tunes.h"
#include "torch/tiny_tunes_folder.h"

namespace abcrnn {
namespace {

namespace fs = std::filesystem;
using testing::Program;
using testing::RunCommand;

class TrainCliTest : public testing::TinyTunesFolderTest {
 protected:
  TrainCliTest() : TinyTunesFolderTest("abcrnn_train_cli_") {}
  std::string Train(const std::string& args) {
    return Program("abcrnn-train") + " --data " + data_ + " --layers 1 --hidden 16 --embed 8 --batch 4 --seq 32 "
           "--sample-chars 40 --threads 1 " + args;
  }
  // Four tunes of `model` from abcrnn generate in strict mode (two threads, batches of 3) into
  // `tunes`, every one passing abcrnn check.
  void ExpectFourValidTunes(const std::string& model, const std::string& tunes) {
    auto r = RunCommand(Program("abcrnn") + " generate --model " + model + " --seed 3 --num 4 --length 400 --strict "
                        "--threads 2 --batch 3 -o " + tunes, true);
    ASSERT_EQ(r.exit_code, 0) << r.out;
    auto text = ReadFile(tunes);
    ASSERT_TRUE(text.ok());
    EXPECT_NE(text->find("X:4\n"), std::string::npos) << *text;
    r = RunCommand(Program("abcrnn") + " check " + tunes, true);
    EXPECT_EQ(r.exit_code, 0) << r.out << *text;
  }
};

TEST_F(TrainCliTest, BadOptionsExitWithCode2AndNameTheOption) {
  auto r = RunCommand(Program("abcrnn-train") + " --data " + data_ + " --out " + dir_ + "/o --layers 0", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--layers: expected 1 to 16, got 0"), std::string::npos) << r.out;
  r = RunCommand(Train("--out " + dir_ + "/o --batching zigzag"), true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  r = RunCommand(Train("--out " + dir_ + "/o --controls --oversample hornpipe=0"), true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--oversample 'hornpipe=0': expected N"), std::string::npos) << r.out;
  r = RunCommand(Train("--out " + dir_ + "/o --oversample hornpipe=2"), true);  // no --controls
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--oversample: expected --controls too"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ + "/o/last.ckpt"));
  r = RunCommand(Program("abcrnn-train") + " --data " + data_, true);  // no --out
  EXPECT_EQ(r.exit_code, 2) << r.out;
  r = RunCommand(Program("abcrnn-train") + " --out " + dir_ + "/o", true);  // no --data
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--data: expected"), std::string::npos) << r.out;
}

TEST_F(TrainCliTest, UnreadableDataNoTunesAndUnwritableOutExitWithCode2) {
  auto r = RunCommand(Program("abcrnn-train") + " --data " + dir_ + "/absent.abc --out " + dir_ + "/o", true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/empty.abc", "% nothing here\n").ok());
  r = RunCommand(Program("abcrnn-train") + " --data " + dir_ + "/empty.abc --out " + dir_ + "/o", true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("expected at least one tune"), std::string::npos) << r.out;
  r = RunCommand(Train("--out /proc/abcrnn-not-writable"), true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--out"), std::string::npos) << r.out;
}

TEST_F(TrainCliTest, RunWritesCheckpointsMetricsAndLogAndResumeContinues) {
  std::string out = dir_ + "/run";
  auto r = RunCommand(Train("--out " + out + " --steps 6 --eval-every 3"), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("kept 24 of 24 tunes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bits/char"), std::string::npos) << r.out;
  for (const char* f : {"best.ckpt", "last.ckpt", "metrics.jsonl", "train.log"})
    EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  {  // no --batching given: the program trains as the library's default does, bucketed
    auto first = ReadCheckpoint(out + "/last.ckpt");
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_EQ(nlohmann::json::parse(first->metadata_json)["training"]["batching"], "bucket");
    // The copy guard's memory: every 32-note run of the 24 tunes (training and validation).
    EXPECT_EQ(first->note_runs.notes, 32);
    EXPECT_EQ(first->note_runs.hashes, eval::NoteRunSet::BuildFromTexts(testing::TinyTunes(24), 32).hashes());
    EXPECT_GT(first->note_runs.hashes.size(), 24u * 10);
  }
  r = RunCommand(Program("abcrnn") + " train --data " + data_ + " --out " + out + " --resume " + out + " --steps 9 -q", true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("resumed at step 6"), std::string::npos) << r.out;
  auto ck = ReadCheckpoint(out + "/last.ckpt");
  ASSERT_TRUE(ck.ok()) << ck.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(ck->metadata_json)["step"], 9);
  EXPECT_EQ(ck->model.hidden, 16);  // the shape comes from the checkpoint
  EXPECT_EQ(ck->note_runs.hashes.size(), ReadCheckpoint(out + "/best.ckpt")->note_runs.hashes.size());
}

// --ema: refused out of range; a run says it averages, records the decay, keeps the live weights
// for its resume, which averages on without being told again; the exported model drops them.
TEST_F(TrainCliTest, AnAveragedRunResumesAveragingAndItsExportKeepsTheAverageAlone) {
  auto r = RunCommand(Train("--out " + dir_ + "/bad --ema 1"), true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--ema: expected a decay in [0, 1)"), std::string::npos) << r.out;
  std::string out = dir_ + "/avg";
  r = RunCommand(Train("--out " + out + " --steps 6 --eval-every 3 --ema 0.9"), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("weight average: decay 0.9 per step (0 updates so far)"), std::string::npos) << r.out;
  auto has_live = [](const Checkpoint& ck) {
    return std::any_of(ck.optimizer.begin(), ck.optimizer.end(),
                       [](const NamedTensor& t) { return t.name.rfind("live.", 0) == 0; });
  };
  r = RunCommand(Program("abcrnn") + " train --data " + data_ + " --out " + out + " --resume " + out + " --steps 9 -q", true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("weight average: decay 0.9 per step (6 updates so far)"), std::string::npos) << r.out;
  auto ck = ReadCheckpoint(out + "/last.ckpt");
  ASSERT_TRUE(ck.ok()) << ck.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(ck->metadata_json)["training"]["ema"], 0.9);
  EXPECT_EQ(nlohmann::json::parse(ck->trainer_state_json)["ema_updates"], 9);
  EXPECT_TRUE(has_live(*ck));
  r = RunCommand(Program("abcrnn") + " export " + out + "/last.ckpt -o " + dir_ + "/avg.ckpt", true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto exported = ReadCheckpoint(dir_ + "/avg.ckpt");
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  EXPECT_FALSE(has_live(*exported));
  ASSERT_EQ(exported->weights.size(), ck->weights.size());
  for (size_t i = 0; i < ck->weights.size(); ++i)
    EXPECT_TRUE(exported->weights[i].data == ck->weights[i].data) << ck->weights[i].name;
}

TEST_F(TrainCliTest, AGruTrainsResumesAndGeneratesValidTunesInStrictMode) {
  // End to end: --cell gru is recorded as the checkpoint's architecture, --resume keeps it, and
  // abcrnn generate runs the checkpoint (strict mode, the default) to tunes abcrnn check passes.
  // (Trained enough to end its tunes: 150 steps of 1 x 32 at --lr 0.01 reach about 0.8 bits/char.)
  const std::string out = dir_ + "/gru";
  auto r = RunCommand(Program("abcrnn-train") + " --data " + data_ + " --cell gru --layers 1 --hidden 32 --embed 8 "
                      "--batch 4 --seq 32 --lr 0.01 --threads 1 --sample-chars 40 --out " + out +
                      " --steps 100 --eval-every 50 -q", true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = RunCommand(Program("abcrnn") + " train --data " + data_ + " --out " + out + " --resume " + out + " --steps 150 -q",
                 true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("resumed at step 100"), std::string::npos) << r.out;
  auto ck = ReadCheckpoint(out + "/last.ckpt");
  ASSERT_TRUE(ck.ok()) << ck.status().ToString();
  EXPECT_EQ(ck->model.architecture, "gru");
  EXPECT_EQ(nlohmann::json::parse(ck->metadata_json)["step"], 150);
  EXPECT_NE(ck->Find("gru.weight_ih_l0"), nullptr);
  ExpectFourValidTunes(out + "/last.ckpt", dir_ + "/gru.abc");
  // A --cell this abcrnn does not know is a usage error naming the choices.
  r = RunCommand(Train("--cell transformer --out " + dir_ + "/bad"), true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--cell"), std::string::npos) << r.out;
}

TEST_F(TrainCliTest, TwoRunsExportAsAnEnsembleThatScoresBetterThanTheirMeanAndWritesValidTunes) {
  // Two runs of one recipe, seeds 1 and 2, joined by abcrnn export --ensemble-with: one checkpoint
  // of two networks that abcrnn generate runs to valid tunes, that abcrnn score finds no worse on
  // every tune than the mean of its networks (the log of a mean is at least the mean of the logs),
  // and that --resume refuses.
  const std::string run = Program("abcrnn-train") + " --data " + data_ + " --layers 1 --hidden 32 --embed 8 --batch 4 "
                          "--seq 32 --lr 0.01 --threads 1 --sample-chars 40 --steps 200 --eval-every 50 -q";
  ASSERT_EQ(RunCommand(run + " --seed 1 --out " + dir_ + "/s1", true).exit_code, 0);
  ASSERT_EQ(RunCommand(run + " --seed 2 --out " + dir_ + "/s2", true).exit_code, 0);
  const std::string ensemble = dir_ + "/ensemble.ckpt";
  auto r = RunCommand(Program("abcrnn") + " export " + dir_ + "/s1/best.ckpt --ensemble-with " + dir_ +
                          "/s2/best.ckpt -o " + ensemble, true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("weights of an ensemble of 2 networks"), std::string::npos) << r.out;
  auto ck = ReadCheckpoint(ensemble);
  ASSERT_TRUE(ck.ok()) << ck.status().ToString();
  EXPECT_EQ(ck->model.members, 2);
  auto second = ReadCheckpoint(dir_ + "/s2/best.ckpt");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(ck->Find("member1.lstm.weight_hh_l0")->data, second->Find("lstm.weight_hh_l0")->data);
  const auto records = nlohmann::json::parse(ck->metadata_json)["ensemble"]["networks"];
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1]["fingerprint"], CheckpointFingerprint(*second));
  EXPECT_EQ(records[1]["seed"], 2);
  // An ensemble joined again keeps its networks and their records, and adds the other's.
  r = RunCommand(Program("abcrnn") + " export " + ensemble + " --ensemble-with " + dir_ + "/s1/best.ckpt -o " + dir_ +
                     "/three.ckpt", true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto three = ReadCheckpoint(dir_ + "/three.ckpt");
  ASSERT_TRUE(three.ok()) << three.status().ToString();
  EXPECT_EQ(three->model.members, 3);
  EXPECT_EQ(three->Find("member2.head.bias")->data, ck->Find("head.bias")->data);
  const auto three_records = nlohmann::json::parse(three->metadata_json)["ensemble"]["networks"];
  ASSERT_EQ(three_records.size(), 3u);
  EXPECT_EQ(three_records[1], records[1]);
  EXPECT_EQ(three_records[2]["seed"], 1);

  auto score = [&](const std::string& model) {
    auto s = RunCommand(Program("abcrnn") + " score --json --model " + model + " " + data_);
    EXPECT_EQ(s.exit_code, 0) << s.out;
    return nlohmann::json::parse(s.out);
  };
  const auto both = score(ensemble), one = score(dir_ + "/s1/best.ckpt"), two = score(dir_ + "/s2/best.ckpt");
  ASSERT_EQ(both["tunes"].size(), one["tunes"].size());
  ASSERT_GT(both["tunes"].size(), 0u);
  for (size_t i = 0; i < both["tunes"].size(); ++i)
    EXPECT_LE(both["tunes"][i]["bits"].get<double>(),
              (one["tunes"][i]["bits"].get<double>() + two["tunes"][i]["bits"].get<double>()) / 2 + 1e-3)
        << i;
  EXPECT_NE(both["overall"]["bits_per_char"], one["overall"]["bits_per_char"]);

  ExpectFourValidTunes(ensemble, dir_ + "/ensemble.abc");

  r = RunCommand(Train("--out " + dir_ + "/more --resume " + ensemble + " -q"), true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("an ensemble of 2 networks (abcrnn export --ensemble-with) is for generation"),
            std::string::npos) << r.out;
  // Another run's shape is refused, naming both, and nothing is written.
  ASSERT_EQ(RunCommand(Train("--steps 2 --eval-every 1 --out " + dir_ + "/small"), true).exit_code, 0);
  r = RunCommand(Program("abcrnn") + " export " + dir_ + "/s1/best.ckpt --ensemble-with " + dir_ +
                     "/small/last.ckpt -o " + dir_ + "/bad.ckpt", true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("expected a network of " + dir_ + "/s1/best.ckpt's shape (lstm, 1 x 32"), std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(dir_ + "/bad.ckpt"));
}

TEST_F(TrainCliTest, ATokenModelTrainsAndGeneratesWithTheOptionsOfACharacterModel) {
  // End to end: --vocab token is recorded in the checkpoint (format version 3), validation reports
  // bits per character of the text beside bits per token, and abcrnn generate runs the model (with
  // a form clock, and again with a match model) in strict mode with controls, a prime and a length
  // to tunes abcrnn check passes. (300 steps of 1 x 32 at --lr 0.01 reach about 0.45 bits/char,
  // enough to end its tunes.)
  std::string file = testing::TinyTunesFile(24);
  for (size_t at = 0; (at = file.find("\nM:6/8", at)) != std::string::npos; at += 8) file.insert(at, "\nR:jig");
  const std::string data = dir_ + "/jigs.abc", out = dir_ + "/token";
  ASSERT_TRUE(WriteFileAtomically(data, file).ok());
  auto r = RunCommand(Program("abcrnn") + " train --data " + data + " --vocab token --controls --form-clock "
                      "--layers 1 --hidden 32 --embed 8 --batch 4 --seq 32 --lr 0.01 --threads 1 --sample-chars 40 --out " + out +
                      " --steps 300 --eval-every 100 -q", true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("token vocabulary: "), std::string::npos) << r.out;
  auto bytes = ReadFile(out + "/last.ckpt");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*bytes)[8], 3);
  auto ck = ReadCheckpoint(out + "/last.ckpt");
  ASSERT_TRUE(ck.ok()) << ck.status().ToString();
  EXPECT_EQ(ck->vocab.tokenizer(), Tokenizer::kToken);
  EXPECT_GE(ck->vocab.Id("M:6/8"), 0);
  EXPECT_GE(ck->vocab.Id("|]"), 0);
  const nlohmann::json meta = nlohmann::json::parse(ck->metadata_json);
  EXPECT_EQ(meta["vocab"], "token");
  const nlohmann::json& last = meta["history"].back();
  // A token carries several characters: fewer bits per character than per token.
  EXPECT_LT(last["valid_bits"].get<double>(), last["valid_bits_per_token"].get<double>()) << last.dump();
  const std::string gen = Program("abcrnn") + " generate --threads 1 --model " + out;
  const std::string tunes = dir_ + "/token.abc";
  r = RunCommand(Program("abcrnn") + " export " + out + "/last.ckpt --match-from " + data + " -o " + out + "/m.ckpt",
                 true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const std::string& args :
       {std::string("/last.ckpt --seed 3 --num 4 --length 400 --rhythm jig --meter 6/8 --key D"),
        std::string("/m.ckpt --seed 3 --num 3 --length 400"),  // the match model
        std::string("/last.ckpt --seed 4 --num 3 --length 300 --prime 'M:6/8\\nL:1/8\\nK:D\\nDEF'"),
        std::string("/last.ckpt --seed 5 --num 3 --length 300 --key G --rhythm jig --free-form")}) {
    r = RunCommand(gen + args + " -o " + tunes, true);
    ASSERT_EQ(r.exit_code, 0) << args << "\n" << r.out;
    auto text = ReadFile(tunes);
    ASSERT_TRUE(text.ok());
    EXPECT_NE(text->find("X:3\n"), std::string::npos) << *text;
    if (args.find("DEF") != std::string::npos) {
      EXPECT_NE(text->find("K:D\nDEF"), std::string::npos) << *text;
    }
    auto check = RunCommand(Program("abcrnn") + " check " + tunes, true);
    EXPECT_EQ(check.exit_code, 0) << args << "\n" << check.out << *text;
  }
  // A prime with a character the vocabulary cannot spell: a usage error naming where.
  r = RunCommand(gen + "/last.ckpt --prime 'M:6/8\\nL:1/8\\nK:D\\nDE#'", true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("'#' at line 4, column 3"), std::string::npos) << r.out;
  // abcrnn score: bits per character of the text, and per token beside it.
  r = RunCommand(Program("abcrnn") + " score --model " + out + "/last.ckpt " + data, true);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("bits/char"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bits/token"), std::string::npos) << r.out;
}

TEST_F(TrainCliTest, ANewRunIntoAFolderHoldingOneIsRefusedUnlessForced) {
  std::string out = dir_ + "/run";
  auto r = RunCommand(Train("--out " + out + " --steps 6 --eval-every 3 -q"), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto best = ReadFile(out + "/best.ckpt");
  ASSERT_TRUE(best.ok());
  r = RunCommand(Train("--out " + out + " --steps 2 -q"), true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("expected a folder without a run"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--resume " + out + "/last.ckpt"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--force"), std::string::npos) << r.out;
  EXPECT_EQ(*ReadFile(out + "/best.ckpt"), *best);  // nothing touched
  // --force starts over: the metrics hold the new run only.
  r = RunCommand(Train("--out " + out + " --steps 2 --eval-every 1 --force -q"), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto metrics = ReadFile(out + "/metrics.jsonl");
  ASSERT_TRUE(metrics.ok());
  int lines = 0, last_step = 0;
  for (size_t a = 0, b; (b = metrics->find('\n', a)) != std::string::npos; a = b + 1, ++lines)
    last_step = nlohmann::json::parse(metrics->substr(a, b - a))["step"].get<int>();
  EXPECT_EQ(lines, 2) << *metrics;
  EXPECT_EQ(last_step, 2);
}

// Starts a long run, sends `signal` once it trains, and returns its exit code; stderr in `log`.
int InterruptRun(const std::string& command, const std::string& signal, const std::string& log,
                 const std::string& started, const std::string& script) {
  std::string text = command + " 2>" + log + " & pid=$!\nfor i in $(seq 1 600); do grep -q '" + started + "' " + log +
                     " && break; sleep 0.1; done\nsleep 0.5\nkill -" + signal + " $pid\nwait $pid\n";
  EXPECT_TRUE(WriteFileAtomically(script, text).ok());
  return RunCommand("bash " + script, true).exit_code;
}

TEST_F(TrainCliTest, OneRunAtATimeInAFolderWhichItsResumeFindsAsTheCheckpointLeftIt) {
  const std::string out = dir_ + "/run";
  auto r = RunCommand(Train("--out " + out + " --steps 4 --eval-every 2 -q"), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string at4 = *ReadFile(out + "/last.ckpt");
  {  // A second writer while one holds the folder is refused and names it.
    auto held = FileLock::TryAcquire(out + "/.lock");
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    r = RunCommand(Train("--out " + out + " --resume " + out + " --steps 6 -q"), true);
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_NE(r.out.find("another abcrnn train is writing there (pid " + std::to_string(::getpid()) + ")"),
              std::string::npos)
        << r.out;
  }
  r = RunCommand(Train("--out " + out + " --resume " + out + " --steps 6 -q"), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // As after a SIGKILL between logging step 6 and saving last.ckpt: last.ckpt at step 4, the log
  // and metrics at step 6, and a temporary file of the write that never finished.
  ASSERT_TRUE(WriteFileAtomically(out + "/last.ckpt", at4).ok());
  ASSERT_TRUE(WriteFileAtomically(out + "/.last.ckpt.tmp.AbC123", "half a checkpoint").ok());
  r = RunCommand(Train("--out " + out + " --resume " + out + " --steps 8 -q"), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_FALSE(fs::exists(out + "/.last.ckpt.tmp.AbC123"));
  // Every step is in the metrics once, in order, and the log says each step once.
  std::vector<int> steps;
  const std::string metrics = *ReadFile(out + "/metrics.jsonl");
  for (size_t a = 0, b; (b = metrics.find('\n', a)) != std::string::npos; a = b + 1)
    steps.push_back(nlohmann::json::parse(metrics.substr(a, b - a))["step"].get<int>());
  EXPECT_EQ(steps, (std::vector<int>{2, 4, 6, 8})) << metrics;
  const std::string log = *ReadFile(out + "/train.log");
  EXPECT_EQ(log.find("step 6 "), log.rfind("step 6 ")) << log;
  EXPECT_NE(log.find("resumed at step 4"), std::string::npos) << log;
}

TEST_F(TrainCliTest, ARunWithoutValidationTunesSaysSoInsteadOfAnInfiniteBest) {
  auto r = RunCommand(Train("--out " + dir_ + "/nv --steps 2 --valid-fraction 0"), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("no validation tunes, so no best.ckpt (use last.ckpt)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("inf bits/char"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("step -1"), std::string::npos) << r.out;
}

// Stopped before its first validation, a run with validation tunes says so; it does not claim
// to have none (steps of 4 characters: the first epoch, some 500 steps, is seconds off when Ctrl-C comes).
TEST_F(TrainCliTest, ARunStoppedBeforeItsFirstValidationSaysSo) {
  const std::string log = dir_ + "/early.txt";
  const std::string run = Program("abcrnn-train") + " --data " + data_ +
                          " --layers 2 --hidden 1024 --embed 8 --batch 1 --seq 4 --threads 1 --out " + dir_ +
                          "/early --steps 1000000 --eval-every 1000000";
  int code = InterruptRun(run, "INT", log, "planned", dir_ + "/early.sh");
  auto err = ReadFile(log);
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(code, 130) << *err;
  ASSERT_EQ(err->find("valid "), std::string::npos) << "validated before Ctrl-C came: " << *err;
  EXPECT_NE(err->find("stopped before the first validation, so no best.ckpt yet (use last.ckpt)"), std::string::npos)
      << *err;
  EXPECT_EQ(err->find("no validation tunes"), std::string::npos) << *err;
}

TEST_F(TrainCliTest, ARefusedStartLeavesNoFolderBehind) {
  const std::string out = dir_ + "/never";
  auto r = RunCommand(Train("--out " + out + " --resume " + dir_ + "/absent.ckpt -q"), true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(TrainCliTest, SigtermSavesTheLastCheckpointAndExits143) {
  std::string out = dir_ + "/sig";
  std::string log = dir_ + "/stderr.txt";
  // --patience 0: a run this small may otherwise stop early, on its own, before the signal comes.
  int code = InterruptRun(Train("--out " + out + " --steps 1000000 --eval-every 1000000 --patience 0"), "TERM", log,
                          "planned",
                          dir_ + "/sigterm.sh");
  auto err = ReadFile(log);
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(code, 128 + 15) << *err;
  EXPECT_NE(err->find("interrupted at step"), std::string::npos) << *err;
  auto ck = ReadCheckpoint(out + "/last.ckpt");
  ASSERT_TRUE(ck.ok()) << ck.status().ToString();
  EXPECT_GT(nlohmann::json::parse(ck->metadata_json)["step"].get<int>(), 0);
}

TEST_F(TrainCliTest, CtrlCExits130AndTheHintItPrintsContinuesTheRunAsPrinted) {
  std::string out = dir_ + "/my run";  // a space: the hint must quote it
  std::string log = dir_ + "/stderr.txt";
  // --patience 0: else the resumed run (a few thousand steps a second on 24 tunes) can stop early
  // on its own within the half second before Ctrl-C comes, and exit 0.
  int code = InterruptRun(Train("--out '" + out + "' --steps 1000000 --eval-every 1000000 --patience 0"), "INT", log,
                          "planned",
                          dir_ + "/sigint.sh");
  auto err = ReadFile(log);
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(code, 130) << *err;
  const std::string head = "continue with:\n  ";
  size_t at = err->find(head);
  ASSERT_NE(at, std::string::npos) << *err;
  std::string hint = err->substr(at + head.size(), err->find('\n', at + head.size()) - at - head.size());
  EXPECT_EQ(hint.rfind("abcrnn train --data ", 0), 0u) << hint;
  // Run the hint exactly as printed (abcrnn from the build folder), until it has resumed.
  std::string bin = fs::path(Program("abcrnn")).parent_path().string();
  std::string log2 = dir_ + "/stderr2.txt";
  code = InterruptRun("PATH=" + bin + ":$PATH " + hint, "INT", log2, "resumed at step", dir_ + "/resume.sh");
  auto err2 = ReadFile(log2);
  ASSERT_TRUE(err2.ok());
  EXPECT_EQ(code, 130) << hint << "\n" << *err2;
  EXPECT_NE(err2->find("resumed at step"), std::string::npos) << hint << "\n" << *err2;
}

}  // namespace
}  // namespace abcrnn

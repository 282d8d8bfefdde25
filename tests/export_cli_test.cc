// Specification of `abcrnn export`: the generation-only copy keeps weights, vocabulary and
// metadata bit for bit, drops the optimiser state, and refuses damaged input with exit code 2.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include "abcrnn/abc/control_table.h"
#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/eval/note_runs.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"
#include "support/tiny_model.h"

namespace abcrnn {
namespace {
namespace fs = std::filesystem;

Checkpoint TrainedLookingCheckpoint() {
  Checkpoint c;
  c.vocab = Vocab::Build({"M:6/8\nL:1/8\nK:D\nABc|"});
  c.model = {c.vocab.size(), 4, 6, 2, 0.0f};
  testing::FillRandomWeights(&c, 3, /*adam=*/true);
  c.metadata_json = R"({"step":40})";
  c.trainer_state_json = R"({"position":7})";
  return c;
}

TEST(ExportCommand, DropsOptimizerStateAndKeepsTheModel) {
  fs::path dir = fs::temp_directory_path() / ("abcrnn_export_" + std::to_string(getpid()));
  fs::create_directories(dir);
  Checkpoint c = TrainedLookingCheckpoint();
  ASSERT_TRUE(WriteCheckpoint((dir / "last.ckpt").string(), c).ok());
  auto r = testing::RunCommand(testing::Program("abcrnn") + " export " + (dir / "last.ckpt").string() +
                               " -o " + (dir / "ship.ckpt").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto back = ReadCheckpoint((dir / "ship.ckpt").string());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->optimizer.empty());
  EXPECT_EQ(back->trainer_state_json, "");
  EXPECT_EQ(back->metadata_json, R"({"step":40})");
  EXPECT_EQ(CheckpointFingerprint(*back), CheckpointFingerprint(c));
  EXPECT_LT(fs::file_size(dir / "ship.ckpt"), fs::file_size(dir / "last.ckpt"));
  fs::remove_all(dir);
}

TEST(ExportCommand, NoteRunsFromDataAreTheGuardsOfThoseTunesAndKeptOnTheNextExport) {
  fs::path dir = fs::temp_directory_path() / ("abcrnn_export_runs_" + std::to_string(getpid()));
  fs::create_directories(dir);
  Checkpoint c = TrainedLookingCheckpoint();
  c.metadata_json = R"({"cleaning": {"transpose_to": "C", "drop_duplicates": true}})";
  ASSERT_TRUE(WriteCheckpoint((dir / "last.ckpt").string(), c).ok());
  // Two tunes of 68 quavers, the second the first moved up a tone.
  const std::string line = "|DEFG ABcd|edcB AGFE|DEFG ABcd|edcB AGFE|DEFG ABcd|edcB AGFE|DEFG ABcd|edcB AGFE|DEFG|]\n";
  const std::string up = "|EFGA Bcde|fedc BAGF|EFGA Bcde|fedc BAGF|EFGA Bcde|fedc BAGF|EFGA Bcde|fedc BAGF|EFGA|]\n";
  std::string abc = "X:1\nT:One\nM:4/4\nL:1/8\nK:D\n" + line + "\nX:2\nT:Two\nM:4/4\nL:1/8\nK:E\n" + up;
  ASSERT_TRUE(WriteFileAtomically((dir / "tunes.abc").string(), abc).ok());
  auto r = testing::RunCommand(testing::Program("abcrnn") + " export " + (dir / "last.ckpt").string() + " -o " +
                               (dir / "ship.ckpt").string() + " --note-runs-from " + (dir / "tunes.abc").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("runs of 32 notes (copy guard)"), std::string::npos) << r.out;
  auto back = ReadCheckpoint((dir / "ship.ckpt").string());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->note_runs.notes, 32);
  EXPECT_EQ(back->note_runs.hash, "abcrnn-note-run-1");
  // The E tune is the D tune moved: the runs of one tune, in any key.
  const auto one = eval::NoteRunSet::BuildFromTexts({"M:4/4\nL:1/8\nK:D\n" + line}, 32);
  EXPECT_GT(one.hashes().size(), 10u);
  EXPECT_EQ(back->note_runs.hashes, one.hashes());
  EXPECT_EQ(CheckpointFingerprint(*back), CheckpointFingerprint(c));
  // Exporting the export keeps them.
  r = testing::RunCommand(testing::Program("abcrnn") + " export " + (dir / "ship.ckpt").string() + " -o " +
                          (dir / "again.ckpt").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(ReadCheckpoint((dir / "again.ckpt").string())->note_runs.hashes, back->note_runs.hashes);
  // A missing data file is a usage error.
  r = testing::RunCommand(testing::Program("abcrnn") + " export " + (dir / "last.ckpt").string() + " -o " +
                          (dir / "x.ckpt").string() + " --note-runs-from " + (dir / "missing.abc").string(), true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_FALSE(fs::exists(dir / "x.ckpt"));
  fs::remove_all(dir);
}

TEST(ExportCommand, ControlsFromDataCountTheTrainingTunesFormsWithTheirRepeats) {
  fs::path dir = fs::temp_directory_path() / ("abcrnn_export_controls_" + std::to_string(getpid()));
  fs::create_directories(dir);
  Checkpoint c = TrainedLookingCheckpoint();
  // A model trained before the table knew repeats: its forms are bars only.
  c.metadata_json = R"({"cleaning": {"controls": true, "transpose_to": "C"},
                        "training": {"valid_fraction": 0.0, "valid_per_type": 0},
                        "controls": {"version": 1, "fields": ["style", "type", "form", "meter", "unit_length", "key"],
                                     "rows": [["tunes", "reel", "2+2", "4/4", "1/8", "D", 2]]}})";
  ASSERT_TRUE(WriteCheckpoint((dir / "last.ckpt").string(), c).ok());
  const std::string abc =
      "X:1\nR:reel\nM:4/4\nL:1/8\nK:D\n|:ABcd efge|dcBA GABc:|\n|:cdef gabc|bagf edcB:|\n\n"
      "X:2\nR:reel\nM:4/4\nL:1/8\nK:G\nABcd efge|dcBA GABc||\ncdef gabc|bagf edcB|]\n";
  ASSERT_TRUE(WriteFileAtomically((dir / "tunes.abc").string(), abc).ok());
  auto r = testing::RunCommand(testing::Program("abcrnn") + " export " + (dir / "last.ckpt").string() + " -o " +
                               (dir / "ship.ckpt").string() + " --controls-from " + (dir / "tunes.abc").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto back = ReadCheckpoint((dir / "ship.ckpt").string());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  const auto meta = nlohmann::json::parse(back->metadata_json);
  auto table = abc::ControlTable::FromJson(meta["controls"].dump());
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->Counts("form"), (std::map<std::string, int64_t>{{"2+2 AABB", 1}, {"2+2 AB", 1}}));
  EXPECT_EQ(table->Counts("key"), (std::map<std::string, int64_t>{{"D", 1}, {"G", 1}}));
  EXPECT_EQ(meta["cleaning"], nlohmann::json::parse(c.metadata_json)["cleaning"]);  // the rest is kept
  EXPECT_EQ(CheckpointFingerprint(*back), CheckpointFingerprint(c));
  // A model without a control table has none to count.
  c.metadata_json = R"({"cleaning": {"transpose_to": "C"}})";
  ASSERT_TRUE(WriteCheckpoint((dir / "plain.ckpt").string(), c).ok());
  r = testing::RunCommand(testing::Program("abcrnn") + " export " + (dir / "plain.ckpt").string() + " -o " +
                              (dir / "x.ckpt").string() + " --controls-from " + (dir / "tunes.abc").string(),
                          true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--controls-from: expected a model trained with --controls"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "x.ckpt"));
  fs::remove_all(dir);
}

TEST(ExportCommand, SamplingOptionsRecordTheModelsDefaultsAndLaterExportsChangeOnlyWhatTheyName) {
  fs::path dir = fs::temp_directory_path() / ("abcrnn_export_sampling_" + std::to_string(getpid()));
  fs::create_directories(dir);
  Checkpoint c = TrainedLookingCheckpoint();
  ASSERT_TRUE(WriteCheckpoint((dir / "last.ckpt").string(), c).ok());
  const std::string exporter = testing::Program("abcrnn") + " export ";
  auto r = testing::RunCommand(exporter + (dir / "last.ckpt").string() + " -o " + (dir / "ship.ckpt").string() +
                               " --temperature 0.95 --top-p 0.9 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("generate draws at --temperature 0.95 --top-k 0 --top-p 0.9 unless asked otherwise"),
            std::string::npos)
      << r.out;
  auto back = ReadCheckpoint((dir / "ship.ckpt").string());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  auto meta = nlohmann::json::parse(back->metadata_json);
  EXPECT_EQ(meta["step"], 40);  // the rest of the metadata kept
  EXPECT_EQ(meta["generation"], nlohmann::json::parse(R"({"temperature": 0.95, "top_k": 0, "top_p": 0.9})"));
  EXPECT_EQ(CheckpointFingerprint(*back), CheckpointFingerprint(c));  // the same model
  // Exported again with only --top-k: the other two stay as recorded.
  r = testing::RunCommand(exporter + (dir / "ship.ckpt").string() + " -o " + (dir / "again.ckpt").string() +
                          " --top-k 5 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  meta = nlohmann::json::parse(ReadCheckpoint((dir / "again.ckpt").string())->metadata_json);
  EXPECT_EQ(meta["generation"], nlohmann::json::parse(R"({"temperature": 0.95, "top_k": 5, "top_p": 0.9})"));
  // Out of range: refused by the option's name, nothing written.
  r = testing::RunCommand(exporter + (dir / "last.ckpt").string() + " -o " + (dir / "bad.ckpt").string() +
                          " --temperature -1 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--temperature"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "bad.ckpt"));
  // A checkpoint whose record is out of range is refused even when no option names it.
  c.metadata_json = R"({"generation": {"top_p": 0}})";
  ASSERT_TRUE(WriteCheckpoint((dir / "damaged.ckpt").string(), c).ok());
  r = testing::RunCommand(exporter + (dir / "damaged.ckpt").string() + " -o " + (dir / "bad.ckpt").string() +
                          " 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("damaged.ckpt: generation: top_p"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "bad.ckpt"));
  fs::remove_all(dir);
}

TEST(ExportCommand, EnsembleNetworksMustShareTheCleaningTheyMeanNotItsSpelling) {
  fs::path dir = fs::temp_directory_path() / ("abcrnn_export_ensemble_" + std::to_string(getpid()));
  fs::create_directories(dir);
  // A model trained before --beat existed records no "beat"; one trained since records false.
  Checkpoint old = TrainedLookingCheckpoint();
  old.metadata_json = R"({"cleaning": {"controls": true, "transpose_to": "C"}})";
  Checkpoint since = TrainedLookingCheckpoint();
  since.weights.clear();
  testing::FillRandomWeights(&since, 4);
  since.metadata_json = R"({"cleaning": {"controls": true, "transpose_to": "C", "beat": false}, "seed": 2})";
  Checkpoint beat = since;
  beat.metadata_json = R"({"cleaning": {"controls": true, "transpose_to": "C", "beat": true}})";
  for (const auto& [name, c] : {std::pair{"old", &old}, {"since", &since}, {"beat", &beat}})
    ASSERT_TRUE(WriteCheckpoint((dir / (std::string(name) + ".ckpt")).string(), *c).ok());
  const std::string exporter = testing::Program("abcrnn") + " export " + (dir / "old.ckpt").string();
  auto r = testing::RunCommand(exporter + " --ensemble-with " + (dir / "since.ckpt").string() + " -o " +
                                   (dir / "both.ckpt").string(), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto both = ReadCheckpoint((dir / "both.ckpt").string());
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ(both->model.members, 2);
  EXPECT_EQ(both->Find("member1.head.weight")->data, since.Find("head.weight")->data);
  EXPECT_EQ(nlohmann::json::parse(both->metadata_json)["ensemble"]["networks"][1]["seed"], 2);
  r = testing::RunCommand(exporter + " --ensemble-with " + (dir / "beat.ckpt").string() + " -o " +
                              (dir / "bad.ckpt").string(), true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("'s cleaning options"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "bad.ckpt"));
  fs::remove_all(dir);
}

// --ensemble-weights: the networks' shares, normalised, written as version 5; equal shares are the
// plain ensemble; a wrong count, a share <= 0, one network, or a weighted ensemble joined again
// without new shares are usage errors that write nothing.
TEST(ExportCommand, EnsembleWeightsAreNormalisedSharesAndBadOnesWriteNothing) {
  fs::path dir = fs::temp_directory_path() / ("abcrnn_export_shares_" + std::to_string(getpid()));
  fs::create_directories(dir);
  Checkpoint a = TrainedLookingCheckpoint();
  Checkpoint b = TrainedLookingCheckpoint();
  b.weights.clear();
  testing::FillRandomWeights(&b, 4);
  ASSERT_TRUE(WriteCheckpoint((dir / "a.ckpt").string(), a).ok());
  ASSERT_TRUE(WriteCheckpoint((dir / "b.ckpt").string(), b).ok());
  const std::string join = testing::Program("abcrnn") + " export " + (dir / "a.ckpt").string() +
                           " --ensemble-with " + (dir / "b.ckpt").string();
  auto r = testing::RunCommand(join + " --ensemble-weights 3 1 -o " + (dir / "w.ckpt").string(), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("ensemble of 2 networks in shares 0.75, 0.25"), std::string::npos) << r.out;
  auto w = ReadCheckpoint((dir / "w.ckpt").string());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->model.member_weights, (std::vector<double>{0.75, 0.25}));
  auto bytes = ReadFile((dir / "w.ckpt").string());
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ((*bytes)[8], 5);
  // Equal shares are the plain ensemble, byte for byte.
  ASSERT_EQ(testing::RunCommand(join + " --ensemble-weights 2 2 -o " + (dir / "eq.ckpt").string()).exit_code, 0);
  ASSERT_EQ(testing::RunCommand(join + " -o " + (dir / "plain.ckpt").string()).exit_code, 0);
  EXPECT_EQ(ReadFile((dir / "eq.ckpt").string()).value(), ReadFile((dir / "plain.ckpt").string()).value());
  // An ensemble weighted again without joining: new shares, as given.
  r = testing::RunCommand(testing::Program("abcrnn") + " export " + (dir / "w.ckpt").string() +
                              " --ensemble-weights 1 4 -o " + (dir / "w2.ckpt").string(), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(ReadCheckpoint((dir / "w2.ckpt").string())->model.member_weights, (std::vector<double>{0.2, 0.8}));
  const std::vector<std::pair<std::string, std::string>> bad = {
      {join + " --ensemble-weights 1 2 3", "expected 2 shares, one for each network, got 3"},
      {join + " --ensemble-weights 1 0", "expected shares > 0"},
      {testing::Program("abcrnn") + " export " + (dir / "a.ckpt").string() + " --ensemble-weights 1 1",
       "the checkpoint holds one network"},
      {testing::Program("abcrnn") + " export " + (dir / "w.ckpt").string() + " --ensemble-with " +
           (dir / "b.ckpt").string(),
       "give --ensemble-weights for every network"}};
  for (const auto& [command, why] : bad) {
    r = testing::RunCommand(command + " -o " + (dir / "bad.ckpt").string(), true);
    EXPECT_EQ(r.exit_code, 2) << command << "\n" << r.out;
    EXPECT_NE(r.out.find(why), std::string::npos) << command << "\n" << r.out;
    EXPECT_FALSE(fs::exists(dir / "bad.ckpt")) << command;
  }
  fs::remove_all(dir);
}

TEST(ExportCommand, DamagedInputIsAUsageErrorAndWritesNothing) {
  fs::path dir = fs::temp_directory_path() / ("abcrnn_export_bad_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::string bytes = SerializeCheckpoint(TrainedLookingCheckpoint());
  ASSERT_TRUE(WriteFileAtomically((dir / "cut.ckpt").string(), bytes.substr(0, bytes.size() / 2)).ok());
  auto r = testing::RunCommand(testing::Program("abcrnn") + " export " + (dir / "cut.ckpt").string() +
                                   " -o " + (dir / "out.ckpt").string(),
                               /*merge_stderr=*/true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("truncated"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "out.ckpt"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace abcrnn

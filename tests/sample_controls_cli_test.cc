// Specification of `abcrnn generate` with a model trained with controls (a small random-weight
// checkpoint, an LSTM and a GRU alike, whose metadata carries a control table, written by the
// test): what it knows is listed, given controls are kept (the form by construction), the rest is
// drawn per tune and reproducible, keys are drawn and moved, and bad controls are clear usage errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "abcrnn/abc/control_table.h"
#include "abcrnn/abc/controls.h"
#include "abcrnn/abc/parser.h"
#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/infer/engine.h"
#include "abcrnn/util/file.h"
#include "support/cells.h"
#include "support/paths.h"

namespace abcrnn {
namespace {
namespace fs = std::filesystem;
using testing::Program;
using testing::RunCommand;

class SampleControlsTest : public ::testing::TestWithParam<const char*> {  // the model's cell
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("abcrnn_controls_cli_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    abc::ControlTable t;
    t.Add({"nottingham", "reel", "4+4", "2/4", "1/8", "D", 30});
    t.Add({"nottingham", "reel", "4+4", "2/4", "1/8", "G", 10});
    t.Add({"oneills1850", "reel", "4+4+4", "2/4", "1/8", "Ador", 10});
    t.Add({"nottingham", "jig", "4+4", "6/8", "1/8", "Em", 20});
    model_ = WriteModel("controls.ckpt", t, false);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A random model with the control table `t`, trained (it says) with --form-repeats or not (and
  // --final, --beat when the table has finals, beats).
  std::string WriteModel(const std::string& name, const abc::ControlTable& t, bool form_repeats) {
    Checkpoint c;
    const bool beats = !t.Counts("beat").empty();
    c.vocab = Vocab::Build({"S:nottingham oneills1850\nR:reel jig\nN:form 8+2\nM:6/8 2/4 4/4\nL:1/8\nK:Dmix GA\n"
                            "|:ABCDEFG abcdefg z2345/ []:|\n" +
                            std::string(beats ? "N:beat even mixed dotted\n" : "")});
    c.model = {c.vocab.size(), 8, 24, 2, 0.0f};
    c.model.architecture = GetParam();
    RnnWeights w = RandomRnnWeights(c.model, 5, 2.0f);
    // Notes, bar lines and <eos> more likely than the header letters the vocabulary also holds,
    // so that noise fills bars and ends tunes often enough for these tests.
    for (char ch : std::string("ABCDEFGabcdefg|")) {
      auto id = c.vocab.Encode(std::string(1, ch));
      if (id.ok()) w.head_b[id->front()] += 3.0f;
    }
    w.head_b[Vocab::kEos] += 2.0f;
    c.weights = RnnWeightsToTensors(w);
    c.metadata_json = std::string(R"({"cleaning": {"transpose_to": "C", "controls": true, "form_repeats": )") +
                      (form_repeats ? "true" : "false") + R"(, "final_degree": )" +
                      (t.Counts("final").empty() ? "false" : "true") + R"(, "beat": )" + (beats ? "true" : "false") +
                      R"(}, "controls": )" + t.ToJson() + "}";
    const std::string path = (dir_ / name).string();
    EXPECT_TRUE(WriteCheckpoint(path, c).ok());
    return path;
  }

  testing::CommandResult Generate(const std::string& args, const std::string& err_file = "/dev/null") {
    return RunCommand(Program("abcrnn-sample") + " generate --model " + model_ + " " + args + " 2>" + err_file);
  }
  std::vector<nlohmann::json> Json(const std::string& args) {
    auto r = Generate(args + " --format jsonl");
    EXPECT_EQ(r.exit_code, 0) << args;
    return JsonLines(r.out);
  }
  // One parsed object per line of `--format jsonl` output.
  static std::vector<nlohmann::json> JsonLines(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  }
  std::string ReadText(const std::string& path) {
    auto text = ReadFile(path);
    return text.ok() ? *text : "";
  }

  fs::path dir_;
  std::string model_;
};

TEST_P(SampleControlsTest, ListControlsPrintsWhatTheModelKnowsWithCounts) {
  auto r = Generate("--list-controls");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("type (--rhythm): reel (50), jig (20)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("style (--style): nottingham (60), oneills1850 (10)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("key (--key): D (30), Em (20), Ador (10), G (10)"), std::string::npos) << r.out;
}

TEST_P(SampleControlsTest, GivenPartsAndBarsAreAlwaysKeptAndTheTunesPassCheck) {
  const std::string out = (dir_ / "form.abc").string();
  const std::string err = (dir_ / "err.txt").string();
  auto r = Generate("--seed 2 --num 20 --length 400 --rhythm reel --parts 2 --bars 2 --out " + out, err);
  ASSERT_EQ(r.exit_code, 0) << ReadText(err);
  abc::AbcFile file = abc::ParseAbcFile(ReadText(out));
  ASSERT_EQ(file.tunes.size(), 20u);
  for (const auto& tune : file.tunes) {
    EXPECT_EQ(abc::PartBars(abc::SplitIntoParts(tune)), (std::vector<int>{2, 2})) << tune.text;
    bool reel = false;
    for (const auto& f : tune.header) reel = reel || (f.letter == 'R' && f.value == "reel");
    EXPECT_TRUE(reel);
  }
  auto check = RunCommand(Program("abcrnn") + " check " + out + " 2>&1");
  EXPECT_EQ(check.exit_code, 0) << check.out.substr(0, 2000);
}

TEST_P(SampleControlsTest, ControlsNotGivenAreDrawnPerTuneReproduciblyAndKeysAreMoved) {
  auto a = Json("--seed 5 --num 40 --length 200 --rhythm reel");
  auto b = Json("--seed 5 --num 40 --length 200 --rhythm reel --batch 3");
  ASSERT_EQ(a.size(), 40u);
  ASSERT_EQ(b.size(), 40u);
  std::map<std::string, int> keys, styles;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i]["text"], b[i]["text"]);
    EXPECT_EQ(a[i]["type"], "reel");
    const std::string header = a[i]["header"];
    const std::string text = a[i]["text"];
    EXPECT_EQ(text.rfind(header, 0), 0u) << header << "\n---\n" << text;  // moved back to the drawn key
    const size_t k = header.find("K:");
    ++keys[header.substr(k + 2, header.find('\n', k) - k - 2)];
    ++styles[a[i]["style"].get<std::string>()];
    const int moved = a[i]["moved_semitones"];
    if (header.find("K:D\n") != std::string::npos) {
      EXPECT_EQ(moved, 2);
    }
    if (header.find("K:Ador\n") != std::string::npos) {
      EXPECT_EQ(moved, -3);
    }
  }
  EXPECT_GE(keys.size(), 2u);  // D, G and A dorian in the table's proportions, drawn
  EXPECT_EQ(keys.count("Em"), 0u);  // the jig's key is not a reel's
  EXPECT_GE(styles.size(), 1u);
  // Tune 7 alone, from its stream (the remake line's --first), is the same tune.
  const int index = a[6]["index"];
  EXPECT_NE(a[6]["abc"].get<std::string>().find("--first " + std::to_string(index) + " "), std::string::npos);
  auto one = Json("--seed 5 --first " + std::to_string(index) + " --num 1 --length 200 --rhythm reel");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0]["text"], a[6]["text"]);
  EXPECT_NE(a[6]["abc"].get<std::string>().find("--rhythm \"reel\""), std::string::npos);
}

TEST_P(SampleControlsTest, DrawnRepeatsAreKeptWhereTheModelLearntThemAndNotShownToOneThatDidNot) {
  abc::ControlTable t;
  t.Add({"nottingham", "reel", "2+2 AAB", "2/4", "1/8", "D", 10});
  auto run = [&](const std::string& model) {
    return RunCommand(Program("abcrnn-sample") + " generate --model " + model +
                      " --seed 3 --num 12 --length 300 --rhythm reel --format jsonl 2>/dev/null");
  };
  auto r = run(WriteModel("repeats.ckpt", t, true));
  ASSERT_EQ(r.exit_code, 0);
  std::istringstream lines(r.out);
  int tunes = 0;
  for (std::string line; std::getline(lines, line); ++tunes) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["form"], "2+2 AAB");
    EXPECT_NE(j["header"].get<std::string>().find("N:form 2+2 AAB\n"), std::string::npos) << j["header"];
    const abc::Form form = abc::FormOfParts(abc::SplitIntoParts(abc::ParseAbcFile(j["abc"].get<std::string>()).tunes.at(0)));
    EXPECT_EQ(form.bars, (std::vector<int>{2, 2})) << j["text"];
    EXPECT_EQ(form.repeated, (std::vector<bool>{true, false})) << j["text"];
  }
  EXPECT_EQ(tunes, 12);
  // A model trained without --form-repeats never saw the letters: its header has none.
  r = run(WriteModel("plain.ckpt", t, false));
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("N:form 2+2\\n"), std::string::npos) << r.out.substr(0, 500);
  EXPECT_EQ(r.out.find("AAB"), std::string::npos);
}

// Music primed is drawn a header it fits: `|:` only under forms whose first part is played twice
// (one row of the type's in four here), so every tune of the run has one, where the same run
// without the prime draws both; music that fits no row is the prime's error, naming the tune.
TEST_P(SampleControlsTest, APrimeOfMusicIsDrawnAHeaderItFits) {
  abc::ControlTable t;
  t.Add({"nottingham", "reel", "2+2 AB", "2/4", "1/8", "D", 30});
  t.Add({"nottingham", "reel", "2+2 AAB", "2/4", "1/8", "D", 10});
  const std::string model = WriteModel("primed.ckpt", t, true);
  auto forms = [&](const std::string& prime) {
    auto r = RunCommand(Program("abcrnn-sample") + " generate --model " + model +
                        " --seed 3 --num 12 --length 300 --rhythm reel --format jsonl" + prime + " 2>/dev/null");
    EXPECT_EQ(r.exit_code, 0) << prime;
    std::map<std::string, int> count;
    for (const auto& j : JsonLines(r.out)) {
      ++count[j["form"].get<std::string>()];
      if (!prime.empty()) {
        EXPECT_NE(j["text"].get<std::string>().find("K:D\n|:AB"), std::string::npos) << j["text"];
      }
    }
    return count;
  };
  const auto primed = forms(" --prime '|:AB'");
  EXPECT_EQ(primed, (std::map<std::string, int>{{"2+2 AAB", 12}}));
  const auto unprimed = forms("");
  EXPECT_GT(unprimed.count("2+2 AB"), 0u);
  EXPECT_GT(unprimed.count("2+2 AAB"), 0u);
  // Five quavers fill no bar of 2/4.
  auto r = RunCommand(Program("abcrnn-sample") + " generate --model " + model +
                          " --seed 3 --num 2 --length 300 --rhythm reel --prime 'ABcde|' 2>&1",
                      true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("tune 1: prime: expected the beginning of a valid tune"), std::string::npos) << r.out;
}

// A model trained with --final: each tune's header says its final, drawn with the type's rows or
// as --final asks; the JSON line and the remake line say it too. A model without finals refuses
// --final, and a degree that is not one is a usage error.
TEST_P(SampleControlsTest, TheFinalIsDrawnOrAskedForWithAModelTrainedWithFinals) {
  abc::ControlTable t;
  t.Add({"nottingham", "reel", "2+2", "2/4", "1/8", "D", 30, "1"});
  t.Add({"nottingham", "reel", "2+2", "2/4", "1/8", "D", 10, "5"});
  const std::string finals = WriteModel("finals.ckpt", t, false);
  auto run = [&](const std::string& args) {
    return RunCommand(Program("abcrnn-sample") + " generate --model " + finals + " --seed 4 --num 12 --length 300 " +
                      args + " --format jsonl 2>/dev/null");
  };
  auto drawn = run("--rhythm reel");
  ASSERT_EQ(drawn.exit_code, 0);
  std::map<std::string, int> drawn_finals;
  for (const auto& j : JsonLines(drawn.out)) {
    const std::string f = j["final"].is_string() ? j["final"].get<std::string>() : "none";
    ++drawn_finals[f];
    EXPECT_NE(j["header"].get<std::string>().find("N:final " + f + "\n"), std::string::npos) << j["header"];
  }
  EXPECT_EQ(drawn_finals["1"] + drawn_finals["5"], 12);
  EXPECT_GT(drawn_finals["1"], 0);
  auto asked = run("--rhythm reel --final 5");
  ASSERT_EQ(asked.exit_code, 0);
  const auto asked_tunes = JsonLines(asked.out);
  for (const auto& j : asked_tunes) {
    EXPECT_EQ(j["final"], "5");
    EXPECT_NE(j["header"].get<std::string>().find("N:final 5\n"), std::string::npos) << j["header"];
    EXPECT_NE(j["abc"].get<std::string>().find(" --final 5"), std::string::npos);  // the remake line
    // A given final is kept: a tune the model ended ends on it, or its last bar was drawn again
    // as often as allowed.
    if (j["ended"] == "eos") {
      const int final_semitones = abc::FinalSemitones(abc::ParseAbcFile(j["abc"].get<std::string>()).tunes.at(0));
      EXPECT_TRUE(final_semitones == 7 || j["final_redraws"].get<int>() >= 8) << j["abc"];
    }
  }
  EXPECT_EQ(asked_tunes.size(), 12u);
  // A drawn final is the model's to follow (its last bar is never drawn again for it) unless
  // --keep-final, which the remake line repeats.
  for (const auto& j : JsonLines(drawn.out)) EXPECT_EQ(j["final_redraws"], 0);
  auto kept = run("--rhythm reel --keep-final");
  ASSERT_EQ(kept.exit_code, 0);
  const auto kept_tunes = JsonLines(kept.out);
  for (const auto& j : kept_tunes)
    EXPECT_NE(j["abc"].get<std::string>().find(" --keep-final"), std::string::npos);
  EXPECT_EQ(kept_tunes.size(), 12u);
  const std::string err = (dir_ / "final-err.txt").string();
  auto bad = RunCommand(Program("abcrnn-sample") + " generate --model " + finals + " --final 9 2>" + err);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(ReadText(err).find("--final: expected a degree of the scale"), std::string::npos) << ReadText(err);
  auto without = Generate("--rhythm reel --final 1", err);  // the fixture's model has no finals
  EXPECT_EQ(without.exit_code, 2);
  EXPECT_NE(ReadText(err).find("--final: expected a model trained with --final"), std::string::npos) << ReadText(err);
  auto plain = Json("--seed 4 --num 2 --length 200 --rhythm reel");
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_TRUE(plain[0]["final"].is_null());
  EXPECT_EQ(plain[0]["header"].get<std::string>().find("N:final"), std::string::npos);
}

// A model trained with --beat: each tune's header says its beat, drawn with the type's rows or as
// --beat asks; the JSON line and the remake line say it too. A model without beats refuses --beat,
// and a beat that is not one is a usage error.
TEST_P(SampleControlsTest, TheBeatIsDrawnOrAskedForWithAModelTrainedWithBeats) {
  abc::ControlTable t;
  t.Add({"nottingham", "reel", "2+2", "2/4", "1/8", "D", 30, "1", "even"});
  t.Add({"nottingham", "reel", "2+2", "2/4", "1/8", "D", 10, "1", "mixed"});
  t.Add({"nottingham", "jig", "2+2", "6/8", "1/8", "D", 10, "1", "dotted"});
  const std::string beats = WriteModel("beats.ckpt", t, false);
  auto run = [&](const std::string& args) {
    return RunCommand(Program("abcrnn-sample") + " generate --model " + beats + " --seed 4 --num 12 --length 300 " +
                      args + " --format jsonl 2>/dev/null");
  };
  auto drawn = run("--rhythm reel");
  ASSERT_EQ(drawn.exit_code, 0);
  std::map<std::string, int> drawn_beats;
  for (const auto& j : JsonLines(drawn.out)) {
    const std::string b = j["beat"].is_string() ? j["beat"].get<std::string>() : "none";
    ++drawn_beats[b];
    EXPECT_NE(j["header"].get<std::string>().find("N:final 1\nN:beat " + b + "\nM:2/4\n"), std::string::npos)
        << j["header"];
    EXPECT_EQ(j["abc"].get<std::string>().find(" --beat"), std::string::npos);  // drawn: not in the remake line
  }
  EXPECT_EQ(drawn_beats["even"] + drawn_beats["mixed"], 12);  // a reel's, never the jig's dotted
  EXPECT_GT(drawn_beats["even"], 0);
  auto asked = run("--rhythm reel --beat dotted");
  ASSERT_EQ(asked.exit_code, 0);
  const auto asked_tunes = JsonLines(asked.out);
  EXPECT_EQ(asked_tunes.size(), 12u);
  for (const auto& j : asked_tunes) {
    EXPECT_EQ(j["beat"], "dotted");
    EXPECT_NE(j["header"].get<std::string>().find("R:reel\n"), std::string::npos) << j["header"];
    EXPECT_NE(j["header"].get<std::string>().find("N:beat dotted\n"), std::string::npos) << j["header"];
    EXPECT_NE(j["abc"].get<std::string>().find(" --beat dotted"), std::string::npos);  // the remake line
  }
  const std::string err = (dir_ / "beat-err.txt").string();
  auto bad = RunCommand(Program("abcrnn-sample") + " generate --model " + beats + " --beat swung 2>" + err);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(ReadText(err).find("--beat: expected even, mixed or dotted, got 'swung'"), std::string::npos)
      << ReadText(err);
  auto without = Generate("--rhythm reel --beat even", err);  // the fixture's model has no beats
  EXPECT_EQ(without.exit_code, 2);
  EXPECT_NE(ReadText(err).find("--beat: expected a model trained with --beat"), std::string::npos) << ReadText(err);
  auto plain = Json("--seed 4 --num 2 --length 200 --rhythm reel");
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_TRUE(plain[0]["beat"].is_null());
  EXPECT_EQ(plain[0]["header"].get<std::string>().find("N:beat"), std::string::npos);
}

TEST_P(SampleControlsTest, TitlesComeFromTitleOrThePrimeAndAnUnknownMeterIsWarnedOf) {
  auto r = Generate("--seed 1 --num 2 --length 200 --rhythm reel --title 'Morning Reel'");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("X:1\nT:Morning Reel 1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("X:2\nT:Morning Reel 2\n"), std::string::npos) << r.out;
  // The remake line names the tune's own title, so it makes the tune again, title and all.
  EXPECT_NE(r.out.find("--seed 1 --first 1 --num 1 --length 200 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" --title 'Morning Reel 2'"), std::string::npos) << r.out;
  const std::string second = r.out.substr(r.out.find("X:2\n"));
  auto again = Generate("--seed 1 --first 1 --num 1 --length 200 --rhythm reel --title 'Morning Reel 2'");
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.out.substr(again.out.find("\nT:")), second.substr(second.find("\nT:")));
  // The prime's T: is the tune's title (the model itself is not shown it).
  r = Generate("--seed 1 --num 1 --length 200 --prime 'T:Sunrise\\nS:nottingham\\nR:reel\\nM:2/4\\nL:1/8\\nK:D\\n'");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("X:1\nT:Sunrise\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(" --title Sunrise"), std::string::npos) << "the remake line keeps it: " << r.out;
  // Quoted for the shell whatever the title holds: run as printed, it gives the title back.
  r = Generate("--seed 1 --num 1 --length 200 --title 'The \"Rose\" of $HOME'");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("T:The \"Rose\" of $HOME\n"), std::string::npos) << r.out;
  const size_t title_at = r.out.find(" --title ");
  ASSERT_NE(title_at, std::string::npos) << r.out;
  const std::string quoted = r.out.substr(title_at + 9, r.out.find(" (model", title_at) - title_at - 9);
  EXPECT_EQ(RunCommand("printf '%s' " + quoted).out, "The \"Rose\" of $HOME");
  const std::string err = (dir_ / "err.txt").string();
  r = Generate("--seed 1 --num 1 --length 200 --meter 7/8", err);
  EXPECT_NE(ReadText(err).find("--meter 7/8: the model was trained on no tune in 7/8 (it knows 2/4, 6/8)"),
            std::string::npos)
      << ReadText(err);
  r = Generate("--seed 1 --num 1 --length 200 --meter 6/8", err);
  EXPECT_EQ(ReadText(err).find("trained on no tune"), std::string::npos) << ReadText(err);
  // Not a meter at all: refused, naming --meter, with no warning about the model before it.
  r = Generate("--seed 1 --num 1 --length 200 --meter foo", err);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(ReadText(err).find("--meter: expected a meter"), std::string::npos) << ReadText(err);
  EXPECT_EQ(ReadText(err).find("trained on no tune"), std::string::npos) << ReadText(err);
}

TEST_P(SampleControlsTest, BadControlsAreUsageErrorsThatNameWhatTheModelKnows) {
  const std::string err = (dir_ / "err.txt").string();
  struct Case {
    const char* args;
    const char* says;
  } cases[] = {{"--rhythm foo", "reel (50), jig (20)"},
               {"--bars 0", "--bars: expected 1 to 64, got 0"},
               {"--parts 0", "--parts: expected 1 to 8, got 0"},
               {"--style essen", "nottingham (60), oneills1850 (10)"},
               {"--rhythm jig --style oneills1850", "nottingham (20)"},
               {"--key Q", "--key"}};
  for (const auto& c : cases) {
    auto r = Generate(std::string("--num 1 ") + c.args, err);
    EXPECT_EQ(r.exit_code, 2) << c.args;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(ReadText(err).find(c.says), std::string::npos) << c.args << ": " << ReadText(err);
  }
}

// Every test for every cell: a GRU checkpoint generates with every option an LSTM has.
ABCRNN_FOR_EVERY_CELL(SampleControlsTest);

}  // namespace
}  // namespace abcrnn

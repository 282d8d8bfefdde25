// Old checkpoints generate the same tunes, bit for bit: tests/golden/default-2026-11-29.ckpt (the
// model shipped as models/default.ckpt on 2026-11-29, kept here so that shipping another model
// leaves this test as it is; format version 1, a character LSTM with a form clock and a match model)
// against tunes saved from abcrnn-sample at 22d166c, before the vocabulary became a choice.
// Regenerate tests/golden/*.abc only on purpose (a change meant to alter what a character model
// draws), with the commands the failures print.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <sstream>

#include "abcrnn/abc/parser.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn {
namespace {

using testing::OldShippedModel;
using testing::Program;
using testing::RunCommand;
using testing::SourceDir;

void ExpectSameTunes(const std::string& args, const std::string& golden) {
  const std::string model = OldShippedModel();
  ASSERT_TRUE(std::filesystem::exists(model)) << model << " is part of the source tree";
  auto expected = ReadFile(SourceDir() + "/tests/golden/" + golden);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  // The model's own line ends, as printed then (the default layout of 4 bars a line came later and
  // changes no note).
  auto r = RunCommand(Program("abcrnn-sample") + " generate --bars-per-line 0 --model " + model + " " + args +
                      " 2>/dev/null");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out == *expected) << "abcrnn-sample generate --model " << model << " " << args
                                  << " > tests/golden/" << golden << " differs:\n" << r.out;
}

TEST(DefaultModelGoldenTest, StrictTunesWithDrawnControlsAreTheSameBytes) {
  ExpectSameTunes("--seed 1 --num 6", "default_seed1.abc");
}

TEST(DefaultModelGoldenTest, UnconstrainedTunesAreTheSameBytes) {
  ExpectSameTunes("--seed 2 --num 4 --no-strict --length 400", "default_seed2_no_strict.abc");
}

// The default layout (issue 14): the same tunes as the model's own line ends, note for note, with
// no music line ending inside a bar but a tune's last, and no line of more than 4 full bars plus
// an upbeat or a closing bar.
TEST(DefaultModelGoldenTest, TunesArePrintedFourBarsALineWithTheSameNotes) {
  const std::string model = OldShippedModel();
  ASSERT_TRUE(std::filesystem::exists(model)) << model << " is part of the source tree";
  const std::string run = Program("abcrnn-sample") + " generate --model " + model + " --seed 5 --num 24";
  auto laid = RunCommand(run + " 2>/dev/null");
  auto own = RunCommand(run + " --bars-per-line 0 2>/dev/null");
  ASSERT_EQ(laid.exit_code, 0);
  ASSERT_EQ(own.exit_code, 0);
  EXPECT_NE(laid.out, own.out) << "the model's own line ends differ from four bars a line";
  auto parse = [](const std::string& text) {
    std::vector<std::string> notes;
    for (const abc::Tune& t : abc::ParseAbcFile(text).tunes) {
      std::ostringstream s;
      for (const abc::Element& e : t.voices.at(0).elements)
        if (const abc::Note* n = e.get_if<abc::Note>()) s << n->pitches[0].midi << '@' << n->onset.ToString() << ' ';
      notes.push_back(s.str());
    }
    return notes;
  };
  const std::vector<std::string> a = parse(laid.out), b = parse(own.out);
  ASSERT_EQ(a.size(), 24u);
  EXPECT_EQ(a, b);
  // Line by line: inside the body of each tune, every music line but the last ends with a bar line.
  std::istringstream in(laid.out);
  std::string line, previous;
  bool body = false;
  int inside = 0, lines = 0, longest = 0;
  auto close = [&](bool last) {
    if (previous.empty()) return;
    ++lines;
    const char c = previous.back();
    if (!last && c != '|' && c != ':' && c != ']') {
      ++inside;
      ADD_FAILURE() << "a line ends inside a bar: " << previous;
    }
    int bars = 0;
    for (size_t i = 0; i < previous.size(); ++i)
      if (previous[i] == '|' && (i + 1 == previous.size() || previous[i + 1] != '|')) ++bars;
    longest = std::max(longest, bars);
  };
  while (std::getline(in, line)) {
    if (line.rfind("X:", 0) == 0) body = false;
    if (!body) {
      body = line.rfind("K:", 0) == 0;
      continue;
    }
    if (line.empty()) {
      close(true);
      previous.clear();
      continue;
    }
    // A field line in the body (a key change); "|:" and "::" start music lines.
    if (line.size() >= 2 && std::isalpha(static_cast<unsigned char>(line[0])) && line[1] == ':') continue;
    close(false);
    previous = line;
  }
  close(true);
  EXPECT_GT(lines, 24 * 3);
  EXPECT_EQ(inside, 0);
  EXPECT_LE(longest, 6) << "4 bars, and at most an upbeat's bar line and a last bar more";
}

}  // namespace
}  // namespace abcrnn

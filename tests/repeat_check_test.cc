// Specification of the bad-repeat rule: abc2midi lays out a voice's repeats (inserting a missing
// |:, reading a second |: as ::) and then plays them; what it reports as an error on the way is an
// error of `abcrnn check`, at the bar line or ending abc2midi was at. Each case was run through
// abc2midi 4.84; the peer test at the end runs them again, and 300 random bar structures besides.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <random>

#include "abc_test_util.h"
#include "abcrnn/abc/repeats.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"
#include "support/peer.h"

namespace abcrnn::abc {
namespace {

using test::ParseBody;
using K = DiagnosticKind;

constexpr const char* kHeader = "M:4/4\nL:1/4\nK:C\n";

struct Case {
  const char* body;
  const char* abc2midi;  // abc2midi's words, "" when it reads the tune without an error
  int column;            // where the rule reports (line 6, the body's), 0 when it does not
};

const Case kCases[] = {
    {"|:CCCC|DDDD|]|:EEEE|FFFF:|\n", "found another |: after a |:", 12},  // "|]|:" is one bar line
    {"|:CCCC|DDDD|:EEEE|FFFF:|\n", "found another |: after a |:", 12},
    {"|:CCCC|DDDD|| |:EEEE|FFFF:|\n", "found another |: after a |:", 15},
    {"|:CCCC|DDDD:|EEEE|1FFFF:|2GGGG|]\n", "found [1 or like before |:", 19},
    {"|:CCCC|DDDD|]\n", "Missing :| at end of tune", 1},
    {"|:CCCC:|:DDDD::EEEE|FFFF|]\n", "found :: before |:", 14},
    // A |2 with no |: open (abc2midi inserts one at the :| before it), then a |: on the first
    // pass of that repeat ("Expected end repeat not found at |:" too): a generated tune's shape.
    {"|:CCCC|DDDD:|\n|:EEEE|FFFF:|\n|2GGGG|AAAA||\n|:BBBB|CCCC:|\n", "found [1 or like before |:", 0},
    // Read without an error.
    {"|:CCCC|DDDD:|EEEE|FFFF:|\n", "", 0},
    {"CCCC|DDDD::EEEE|FFFF:|\n", "", 0},
    {"CCCC|1DDDD:|2EEEE|]\n", "", 0},
    {"|:CCCC|1DDDD:|2EEEE||\n|:FFFF|GGGG:|\n", "", 0},
    // abc2midi reads "||:" as || and a dotted bar, ":|:" as :| and a dotted bar: no repeat
    // starts there, so nothing is left open (abcm2ps draws a repeat; see doc/abc-dialect.md).
    {"|:CCCC|DDDD||:EEEE|FFFF:|\n", "", 0},
    {"|:CCCC|DDDD:|:EEEE|FFFF|]\n", "", 0},
};

std::vector<const Diagnostic*> BadRepeats(const Tune& t) {
  std::vector<const Diagnostic*> out;
  for (const Diagnostic& d : t.diagnostics)
    if (d.kind == K::kBadRepeat) out.push_back(&d);
  return out;
}

TEST(RepeatCheck, WhatAbc2midiCannotFollowIsAnErrorWhereItStands) {
  for (const Case& c : kCases) {
    const Tune t = ParseBody(c.body, kHeader);
    const auto found = BadRepeats(t);
    if (*c.abc2midi == '\0') {
      EXPECT_TRUE(found.empty()) << c.body << found.front()->ToString();
      EXPECT_TRUE(t.valid()) << c.body << test::Kinds(t);
      continue;
    }
    ASSERT_FALSE(found.empty()) << c.body << test::Kinds(t);
    EXPECT_FALSE(t.valid());
    const Diagnostic& d = *found.front();
    EXPECT_EQ(d.severity, Severity::kError);
    EXPECT_EQ(d.message.rfind("expected ", 0), 0u) << d.message;
    EXPECT_NE(d.message.find(std::string("abc2midi: \"") + c.abc2midi + "\""), std::string::npos)
        << c.body << d.message;
    if (c.column > 0) {
      EXPECT_EQ(d.pos.line, 6) << c.body;
      EXPECT_EQ(d.pos.column, c.column) << c.body << d.message;
    }
  }
}

TEST(RepeatCheck, AnUnfinishedTuneIsNotJudged) {
  ParseOptions prefix;
  prefix.prefix = true;
  EXPECT_TRUE(BadRepeats(ParseBody("|:CCCC|DDDD|]", kHeader, prefix)).empty());
  EXPECT_FALSE(BadRepeats(ParseBody("|:CCCC|DDDD|]\n", kHeader)).empty());
}

// An ending rule already spoke: one message about the repeats is enough.
TEST(RepeatCheck, AnEndingErrorIsNotRepeated) {
  const Tune t = ParseBody("|:CCCC|1DDDD|2EEEE:|\n", kHeader);
  EXPECT_GT(test::Count(t, K::kEndingWithoutRepeat), 0) << test::Kinds(t);
  EXPECT_EQ(test::Count(t, K::kBadRepeat), 0) << test::Kinds(t);
}

// The MIDI writer plays "||:" as abc2midi does: no repeat starts there.
TEST(RepeatCheck, PlayOrderReadsBarTextAsAbc2midiDoes) {
  const Tune t = ParseBody("CCCC||:DDDD:|\n", kHeader);
  int notes = 0;
  for (size_t e : PlayOrder(t.voices[0]))
    if (t.voices[0].elements[e].get_if<Note>()) ++notes;
  EXPECT_EQ(notes, 16);  // both bars twice: the :| repeats from the start
}

// Random bar structures: bar lines, repeat signs and endings between full bars.
std::vector<std::string> RandomStructures(int count, unsigned seed) {
  std::mt19937 rng(seed);
  const char* bars[] = {"|", "|", "|", "|", "||", "|]", "|:", ":|", "::", ":|:", "||:", ":||:", "[|", ":|]"};
  const char* endings[] = {"1", "2", "1,2", "3"};
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::vector<std::string> out;
  for (int t = 0; t < count; ++t) {
    std::string s;
    if (pick(10) < 4) s += std::vector<std::string>{"|:", "|", "[|"}[pick(3)];
    const int n = 2 + pick(8);
    for (int i = 0; i < n; ++i) {
      s += std::string(4, "CDEFGAB"[pick(7)]);
      std::string b = bars[pick(14)];
      if (pick(4) == 0 && (b == "|" || b == ":|" || b == "||")) b += endings[pick(4)];
      s += b;
    }
    out.push_back(s + "\n");
  }
  return out;
}

// The cases above, and 300 random structures, against abc2midi itself: where it prints an error
// line, `check` finds an error; where the rule reports, abc2midi prints one.
TEST(RepeatCheck, Abc2midiAgrees) {
  if (!testing::HaveTool("abc2midi"))
    GTEST_SKIP() << "abc2midi absent: peer test skipped (apt-get install abcmidi)";
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(testing::ScratchRoot()) / ("abcrnn_repeat_check_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto errors = [&](const std::string& body) {
    EXPECT_TRUE(WriteFileAtomically((dir / "t.abc").string(), "X:1\nT:Test\n" + std::string(kHeader) + body).ok());
    const std::string out = testing::RunCommand("cd " + dir.string() + " && abc2midi t.abc -o t.mid", true).out;
    std::string lines;
    for (size_t at = out.find("Error"); at != std::string::npos; at = out.find("Error", at + 1))
      lines += out.substr(at, out.find('\n', at) - at) + "\n";
    return lines;
  };
  for (const Case& c : kCases) {
    const std::string said = errors(c.body);
    if (*c.abc2midi == '\0') {
      EXPECT_EQ(said, "") << c.body;
    } else {
      EXPECT_NE(said.find(c.abc2midi), std::string::npos) << c.body << said;
    }
  }
  int refused = 0, flagged = 0;
  for (const std::string& body : RandomStructures(300, 20261130)) {
    const std::string said = errors(body);
    const Tune t = ParseBody(body, kHeader);
    refused += !said.empty();
    flagged += !BadRepeats(t).empty();
    if (!said.empty()) {
      EXPECT_FALSE(t.valid()) << body << said;
    }
    if (!BadRepeats(t).empty()) {
      EXPECT_NE(said, "") << body << BadRepeats(t).front()->ToString();
    }
  }
  // The structures are varied enough to exercise the rule both ways.
  EXPECT_GT(refused, 100);
  EXPECT_GT(flagged, 50);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace abcrnn::abc

// Specification of the hornpipe-swing rule: in a tune whose header has R:hornpipe, abc2midi plays
// two equal quavers (semiquavers in 2/4) starting on an off-beat as a broken rhythm, and then
// refuses a broken rhythm whose notes are no longer equally long ("Cannot apply broken rhythm").
// Each case below was run through abc2midi 4.84; the peer test at the end runs them again.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "abc_test_util.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"
#include "support/peer.h"

namespace abcrnn::abc {
namespace {

using test::ParseBody;
using K = DiagnosticKind;

constexpr const char* kHornpipe = "R:hornpipe\nM:4/4\nL:1/8\nK:C\n";
constexpr const char* kHornpipe24 = "R:hornpipe\nM:2/4\nL:1/16\nK:C\n";

struct Case {
  const char* header;
  const char* body;
  int line;    // 1-based line of the body where the rule reports, 0: no report
  int column;  // 1-based column there
  const char* why;
};

// abc2midi refuses every one of these with "Cannot apply broken rhythm" (and nothing else).
const Case kRefused[] = {
    {kHornpipe, "cA>Bc dedc|\n", 1, 3, "c A swung, then A>B: reported at the >"},
    {kHornpipe, "cA<Bc dedc|\n", 1, 3, "either direction"},
    {kHornpipe, "cA>>Bc dedc|\n", 1, 3, "any count"},
    {kHornpipe, "c A > B c dedc|\n", 1, 5, "spaces change nothing"},
    {kHornpipe, "{g}cA>Bc dedc|\n", 1, 6, "a grace note before the pair"},
    {kHornpipe, "c\"C\"A>Bc d4|\n", 1, 6, "a chord symbol inside the pair"},
    {kHornpipe, "c(A>B)c d4|\n", 1, 4, "slurs"},
    {kHornpipe, "c2/2A>Bc d4|\n", 1, 6,
     "c2/2 is a quaver: only the second note's numerator counts"},
    {kHornpipe, "cdef gabc|cA>Bc d4|\n", 1, 13, "each bar line starts the count again"},
    {kHornpipe, "c7 ::cA>B c4:|\n", 1, 8, "after a repeat sign"},
    {kHornpipe, "cdef gab\nA>Bc d4|\n", 2, 2, "a line break does not end the bar: b A is a pair"},
    {kHornpipe, "[c2e2] cA>Bc d3|\n", 1, 10, "a chord counts as its first note"},
    {kHornpipe, "zA>Bc dedc|\n", 1, 5, "A>B leaves B short; B c would swing: reported at the c"},
    {kHornpipe, "[ce]A>Bc dedc|\n", 1, 8, "the same after a chord"},
    {kHornpipe, "c{g}A>Bc dedc|\n", 1, 8, "a grace note keeps c A apart, then B c"},
    {kHornpipe, "c3A>Bc d2|\n", 1, 6, "B c from an off-beat"},
    {kHornpipe, "c3A<B c d2|\n", 1, 7, "B made long"},
    {kHornpipe, "cA2/2>Bc d4|\n", 1, 8, "A2/2 does not swing (numerator 2), B c does"},
    {kHornpipe, "(2:1:2cdA>Bc d4|\n", 1, 12, "after a tuplet"},
    {kHornpipe, ".cA dedc d2|\n", 1, 3, "a staccato halves c, so c A are unequal"},
    {kHornpipe, "c.A dedc d2|\n", 1, 3, "a staccato halves A"},
    {kHornpipe, "HcA dedc d2|\n", 1, 3, "a fermata doubles c"},
    {kHornpipe, "c!breath!A d6|\n", 1, 10, "!breath! halves A"},
    {"R:hornpipe\nM:C\nL:1/8\nK:C\n", "cA>Bc d4|\n", 1, 3, "C is 4/4"},
    {"R:hornpipe\nL:1/8\nK:C\n", "cA>Bc d4|\n", 1, 3, "no M: is 4/4 to abc2midi"},
    {"R:hornpipe\nM:none\nL:1/8\nK:C\n", "cA>Bc d4|\n", 1, 3, "so is M:none"},
    {"R:Hornpipe\nM:4/4\nL:1/8\nK:C\n", "cA>Bc d4|\n", 1, 3, "capital H"},
    {"R: hornpipe\nM:4/4\nL:1/8\nK:C\n", "cA>Bc d4|\n", 1, 3, "a space before"},
    {"R:hornpipes\nM:4/4\nL:1/8\nK:C\n", "cA>Bc d4|\n", 1, 3, "the R: field starts with hornpipe"},
    {"R:reel\nR:hornpipe\nM:4/4\nL:1/8\nK:C\n", "cA>Bc d4|\n", 1, 3, "any R: of the header"},
    {kHornpipe24, "cA>Bc d4|\n", 1, 3, "2/4 swings semiquavers"},
    {kHornpipe24, "c3A>B c d4|\n", 1, 7, "2/4, B c"},
    {"R:hornpipe\nM:2/4\nL:1/8\nK:C\n", "c/A/>B/c/ d2|\n", 1, 5, "semiquavers written c/"},
};

// abc2midi reads each of these without an error line.
const Case kAccepted[] = {
    {kHornpipe, "cdA>B dedc|\n", 0, 0, "A>B starts on the beat"},
    {"M:4/4\nL:1/8\nK:C\n", "cA>Bc dedc|\n", 0, 0, "no R:hornpipe, no swing"},
    {"R:HORNPIPE\nM:4/4\nL:1/8\nK:C\n", "cA>Bc d4|\n", 0, 0,
     "abc2midi compares hornpipe or Hornpipe only"},
    {"R:hornPipe\nM:4/4\nL:1/8\nK:C\n", "cA>Bc d4|\n", 0, 0, "mixed case"},
    {"R:set dance hornpipe\nM:4/4\nL:1/8\nK:C\n", "cA>Bc d4|\n", 0, 0, "hornpipe not first"},
    {kHornpipe, "c2 A>B c dec|\n", 0, 0, "A>B on the beat after a crotchet"},
    {kHornpipe, "cdef gab|A>Bc d4|\n", 0, 0, "the bar line starts the count again"},
    {kHornpipe, "c3A>B z d2|\n", 0, 0, "a rest after B"},
    {kHornpipe, "c3A>B c/ d2 z/|\n", 0, 0, "a semiquaver after B"},
    {kHornpipe, "c-cA>B dedc|\n", 0, 0, "ties change nothing: c-c swing, A>B on the beat"},
    {kHornpipe, "cA-A>B d4|\n", 0, 0, "c A- swing, then A>B on the beat"},
    {kHornpipe, "(3cdc A>B c d2c|\n", 0, 0, "after a triplet"},
    {kHornpipe, "(3:1:3cdeA>B f4|\n", 0, 0, "tuplet notes never swing"},
    {kHornpipe, "c2 c(2:2:1d e4|\n", 0, 0, "a note in a tuplet of q = 2 has a numerator of 2"},
    {kHornpipe, "~cA dedc d2|\n", 0, 0, "a roll keeps the length"},
    {kHornpipe, "TcA dedc d2|\n", 0, 0, "so does a trill"},
    {kHornpipe, "c!staccato!A d6|\n", 0, 0, "abc2midi ignores !staccato!"},
    {kHornpipe, ".c.A d6|\n", 0, 0, "both halved: still equal"},
    {kHornpipe, "HcHA d6|\n", 0, 0, "both doubled"},
    {kHornpipe, "[ce]2 cA>Bc d2|\n", 0, 0,
     "abc2midi counts [ce]2 as a quaver: A>B starts on its off-beat"},
    {kHornpipe, "[ce] cA>Bc d3|\n", 0, 0, "a chord is no first note of a pair"},
    {kHornpipe, "c2/2A2/2>B2/2c2/2 d4|\n", 0, 0, "numerators of 2 never swing"},
    {kHornpipe, "c2 cA2 B2 z|\n", 0, 0, "unequal notes"},
    {"R:hornpipe\nM:4/4\nL:1/16\nK:C\n", "c2A2>B2c2 d8|\n", 0, 0,
     "quavers written c2 do not swing"},
    {"R:hornpipe\nM:2/4\nL:1/8\nK:C\n", "cA>Bc|\n", 0, 0, "2/4 swings semiquavers only"},
    {kHornpipe24, "c2A>Bc d3|\n", 0, 0, "A>B on an off-beat semiquaver: swung in place of the >"},
};

const Diagnostic* Swing(const Tune& t) {
  for (const Diagnostic& d : t.diagnostics)
    if (d.kind == K::kHornpipeSwing) return &d;
  return nullptr;
}

// The file line of body line `line` under `header`.
int Line(const Case& c, int line) {
  int header_lines = 0;
  for (const char* p = c.header; *p; ++p) header_lines += *p == '\n';
  return 2 + header_lines + line;
}

TEST(HornpipeSwing, ABrokenRhythmAbc2midiCannotApplyAfterItsSwingIsAnErrorWhereItStands) {
  for (const Case& c : kRefused) {
    const Tune t = ParseBody(c.body, c.header);
    const Diagnostic* d = Swing(t);
    ASSERT_NE(d, nullptr) << c.header << c.body << c.why;
    EXPECT_EQ(d->severity, Severity::kError);
    EXPECT_EQ(d->pos.line, Line(c, c.line)) << c.body << c.why;
    EXPECT_EQ(d->pos.column, c.column) << c.body << c.why;
    EXPECT_EQ(d->message.rfind("expected ", 0), 0u) << d->message;
    EXPECT_NE(d->message.find(", got "), std::string::npos) << d->message;
    EXPECT_FALSE(t.valid());
  }
}

TEST(HornpipeSwing, WhatAbc2midiPlaysIsValid) {
  for (const Case& c : kAccepted) {
    const Tune t = ParseBody(c.body, c.header);
    const Diagnostic* d = Swing(t);
    EXPECT_EQ(d, nullptr) << c.header << c.body << c.why << ": " << d->ToString();
    EXPECT_TRUE(t.valid()) << c.header << c.body << test::Kinds(t);
  }
}

TEST(HornpipeSwing, TheMessageNamesThePairAndTheRefusal) {
  const Tune after_pair = ParseBody("cA>Bc dedc|\n", kHornpipe);
  const Diagnostic* d = Swing(after_pair);
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->message.find("notes at line 7, column 1 and line 7, column 2"), std::string::npos)
      << d->message;
  EXPECT_NE(d->message.find("Cannot apply broken rhythm"), std::string::npos) << d->message;
  const Tune pair_after = ParseBody("c3A>Bc d2|\n", kHornpipe);
  d = Swing(pair_after);
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->message.find("got 1/12 against 1/8"), std::string::npos) << d->message;
  EXPECT_NE(d->message.find("second of the broken rhythm at line 7, column 4"), std::string::npos)
      << d->message;
}

// A hornpipe drawn in cut time is written in common time (abc::HornpipeInCommonTime), where
// abc2midi swings it; abc2midi refuses M:C| with R:hornpipe outright. So C| swings as C here,
// and the other meters abc2midi refuses for a hornpipe do not swing.
TEST(HornpipeSwing, CutTimeSwingsAsCommonTimeOtherMetersNot) {
  EXPECT_NE(Swing(ParseBody("cA>Bc d4|\n", "R:hornpipe\nM:C|\nL:1/8\nK:C\n")), nullptr);
  EXPECT_NE(Swing(ParseBody("cA>Bc d4|\n", "R:hornpipe\nM:2/2\nL:1/8\nK:C\n")), nullptr);
  EXPECT_EQ(Swing(ParseBody("cA>Bc d2|\n", "R:hornpipe\nM:3/4\nL:1/8\nK:C\n")), nullptr);
  EXPECT_EQ(Swing(ParseBody("cA>Bc dc|\n", "R:hornpipe\nM:6/8\nL:1/8\nK:C\n")), nullptr);
  // A meter changed in the music changes nothing: abc2midi decides on the header's.
  EXPECT_NE(Swing(ParseBody("c8|[M:3/4]cA>Bc d2|\n", kHornpipe)), nullptr);
}

// In a sampler's unfinished tune the rule speaks only once more text cannot change the answer.
TEST(HornpipeSwing, PrefixModeWaitsForTheLastNotesLength) {
  ParseOptions prefix;
  prefix.prefix = true;
  // The > itself is refused at once: whatever follows, abc2midi cannot apply it.
  EXPECT_NE(Swing(ParseBody("cA>", kHornpipe, prefix)), nullptr);
  // "c" may still become "c/": no swing of B c then.
  EXPECT_EQ(Swing(ParseBody("c3A>Bc", kHornpipe, prefix)), nullptr);
  EXPECT_NE(Swing(ParseBody("c3A>Bcd", kHornpipe, prefix)), nullptr);
  EXPECT_EQ(Swing(ParseBody("c3A>Bc/", kHornpipe, prefix)), nullptr);
}

// The cases above against abc2midi itself: it prints "Cannot apply broken rhythm" for exactly the
// refused ones, on the line the rule names (abc2midi names the note after a refused >).
TEST(HornpipeSwing, Abc2midiRefusesExactlyTheRefusedCases) {
  if (!testing::HaveTool("abc2midi"))
    GTEST_SKIP() << "abc2midi absent: peer test skipped (apt-get install abcmidi)";
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::path(testing::ScratchRoot()) / ("abcrnn_hornpipe_swing_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto run = [&](const Case& c) {
    const std::string abc = (dir / "t.abc").string();
    EXPECT_TRUE(WriteFileAtomically(abc, std::string("X:1\nT:Test\n") + c.header + c.body).ok());
    return testing::RunCommand("cd " + dir.string() + " && abc2midi t.abc -o t.mid", true).out;
  };
  for (const Case& c : kRefused) {
    const std::string out = run(c);
    const std::string at = "Error in line-char " + std::to_string(Line(c, c.line)) + "-";
    EXPECT_NE(out.find(at), std::string::npos) << c.header << c.body << out;
    EXPECT_NE(out.find("Cannot apply broken rhythm"), std::string::npos)
        << c.header << c.body << out;
  }
  for (const Case& c : kAccepted) {
    const std::string out = run(c);
    EXPECT_EQ(out.find("Error"), std::string::npos) << c.header << c.body << out;
  }
  fs::remove_all(dir);
}

// hornpipe-meter: abc2midi refuses R:hornpipe (after spaces, "hornpipe" or "Hornpipe" first) in
// any header meter but 2/4, 4/4 and C (and none); "set hornpipe" is no hornpipe to it. Each case
// runs through abc2midi too.
TEST(HornpipeSwing, AHornpipeInAMeterAbc2midiRefusesIsAnErrorAtItsMeter) {
  struct MeterCase {
    const char* r;
    const char* m;
    bool refused;
  } cases[] = {{"hornpipe", "C|", true},     {"hornpipe", "2/2", true},      {"Hornpipe", "6/8", true},
               {"hornpipe, set", "3/2", true}, {"hornpipe", "C", false},     {"hornpipe", "4/4", false},
               {"hornpipe", "2/4", false},   {"hornpipe", "none", false},    {"set hornpipe", "C|", false},
               {"reel", "C|", false}};
  const bool peer = testing::HaveTool("abc2midi");
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(testing::ScratchRoot()) / ("abcrnn_hornpipe_meter_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const MeterCase& c : cases) {
    const std::string text = std::string("X:1\nT:Test\nR:") + c.r + "\nM:" + c.m + "\nL:1/8\nK:D\nABcd efga|gfed cBAG|]\n";
    const Tune t = ParseTune(text);
    const Diagnostic* d = nullptr;
    for (const Diagnostic& x : t.diagnostics)
      if (x.kind == K::kHornpipeMeter) d = &x;
    EXPECT_EQ(d != nullptr, c.refused) << c.r << " " << c.m;
    if (d != nullptr) {
      EXPECT_EQ(d->pos.line, 4) << "at the M: line";
      EXPECT_NE(d->message.find("Hornpipe must be in 2/4 or 4/4 time"), std::string::npos) << d->message;
    }
    if (!peer) continue;
    ASSERT_TRUE(WriteFileAtomically((dir / "m.abc").string(), text).ok());
    const std::string out = testing::RunCommand("cd " + dir.string() + " && abc2midi m.abc -o m.mid", true).out;
    EXPECT_EQ(out.find("Hornpipe must be in 2/4 or 4/4 time") != std::string::npos, c.refused)
        << c.r << " " << c.m << ": " << out;
  }
  fs::remove_all(dir);
}

// Outside hornpipes too, abc2midi holds a fermata note twice as long and a staccato "." or
// !breath! one half as long before it applies a written broken rhythm, and then refuses an unequal
// pair ("Cannot apply broken rhythm"): not around a chord, not when the second note is a "~" roll,
// and !staccato! halves nothing. Each case runs through abc2midi too.
TEST(HornpipeSwing, ABrokenRhythmWithAFermataOrStaccatoOnOneNoteOnlyIsUneven) {
  struct BrokenCase {
    const char* body;
    bool refused;
  } cases[] = {{"Ha>g fedc|", true},        {"a>Hg fedc|", true},          {".a>b fedc|", true},
               {"a<.b fedc|", true},        {"!breath!a>b fedc|", true},   {"!fermata!a>b fedc|", true},
               {"Hz>b fedc|", true},        {"~Ha>b fedc|", true},         {"G>(HA B2) c4|", true},
               {".a>.b fedc|", false},      {"Ha>Hg fedc|", false},        {".[ac]>b fedc|", false},
               {"H[ac]>b fedc|", false},    {"a>.[bd] fedc|", false},      {".z>b fedc|", false},
               {"Ha>~b fedc|", false},      {"!staccato!a>b fedc|", false}, {"~a>b fedc|", false},
               // A decoration before grace notes is theirs, not the main note's.
               {"!fermata!{g}a>b fedc|", false}, {"!breath!{g}a>b fedc|", false},
               {"a>!fermata!{g}b fedc|", false}, {"!fermata!{g}a>!fermata!b fedc|", true}};
  const bool peer = testing::HaveTool("abc2midi");
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(testing::ScratchRoot()) / ("abcrnn_broken_held_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const BrokenCase& c : cases) {
    const std::string text = std::string("X:1\nT:Test\nM:4/4\nL:1/8\nK:D\n") + c.body + "]\n";
    const Tune t = ParseTune(text);
    int uneven = 0;
    for (const Diagnostic& d : t.diagnostics) uneven += d.kind == K::kHeldBrokenRhythm;
    EXPECT_EQ(uneven, c.refused ? 1 : 0) << c.body;
    EXPECT_EQ(t.valid(), !c.refused) << c.body;
    if (!peer) continue;
    ASSERT_TRUE(WriteFileAtomically((dir / "b.abc").string(), text).ok());
    const std::string out = testing::RunCommand("cd " + dir.string() + " && abc2midi b.abc -o b.mid", true).out;
    EXPECT_EQ(out.find("Cannot apply broken rhythm") != std::string::npos, c.refused) << c.body << ": " << out;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace abcrnn::abc

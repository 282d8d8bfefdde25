// Specification of the problems the parser and the bar check report: each with its kind,
// severity, position and an "expected ..., got ..." message; bar lengths with pickups, closing
// bars, repeats and endings; prefix mode for unfinished tunes.
#include <gtest/gtest.h>

#include "abc_test_util.h"
#include "abcrnn/abc/check.h"

namespace abcrnn::abc {
namespace {

using test::Count;
using test::Kinds;
using test::ParseBody;
using K = DiagnosticKind;

const Diagnostic* First(const Tune& t, K kind) {
  for (const Diagnostic& d : t.diagnostics)
    if (d.kind == kind) return &d;
  return nullptr;
}

TEST(AbcProblems, MissingKeyIsAnError) {
  Tune t = ParseTune("X:1\nT:No key\nM:4/4\nABcd|\n");
  ASSERT_NE(First(t, K::kMissingKey), nullptr);
  EXPECT_EQ(First(t, K::kMissingKey)->pos.line, 4);
  EXPECT_FALSE(t.valid());
  Tune header_only = ParseTune("X:1\nT:Only a header\n");
  EXPECT_EQ(Count(header_only, K::kMissingKey), 1);
}

TEST(AbcProblems, InvalidKeyMeterAndUnitLength) {
  EXPECT_EQ(Count(ParseBody("A|\n", "K: Es\n"), K::kInvalidKey), 1);
  EXPECT_EQ(Count(ParseBody("A|\n", "M:FREI4/4\nK:C\n"), K::kInvalidMeter), 1);
  EXPECT_EQ(Count(ParseBody("A|\n", "L:0\nK:C\n"), K::kInvalidUnitLength), 1);
  EXPECT_EQ(Count(ParseBody("A|\n", "L:1/12\nK:C\n"), K::kInvalidUnitLength), 1);  // abc2midi, abcm2ps
  EXPECT_EQ(Count(ParseBody("A|\nL:1/6\nB|\n"), K::kInvalidUnitLength), 1);
  // Header-only fields in the music: abc2midi "Field not allowed in tune body".
  for (const char* line : {"N:note\n", "R:reel\n", "S:src\n", "Z:tr\n", "O:irl\n"})
    EXPECT_EQ(Count(ParseBody(std::string("A|\n") + line + "B|\n"), K::kInvalidField), 1) << line;
  // A music line that starts like a field line: abcm2ps reads it as one.
  EXPECT_EQ(Count(ParseBody("A|\nf:|\n"), K::kInvalidField), 1);
  EXPECT_EQ(Count(ParseBody("A|\nC:|\n"), K::kInvalidField), 1);
  EXPECT_TRUE(ParseBody("A|\nf :|\n").valid());
  // One space or tab and then ':' (" :|"): abcm2ps "tune info ' :' not treated". Two spaces pass.
  EXPECT_EQ(Count(ParseBody("|:A|\n :|B|\n"), K::kInvalidField), 1);
  EXPECT_EQ(Count(ParseBody("|:A|\n\t:|B|\n"), K::kInvalidField), 1);
  EXPECT_TRUE(ParseBody("|:A|\n  :|B|\n").valid());
  EXPECT_TRUE(ParseBody("|:A|\n:|B|\n").valid());
  for (const char* line : {"T:Part two\n", "P:B\n", "Q:1/4=120\n", "W:words\n", "r:remark\n"})
    EXPECT_TRUE(ParseBody(std::string("A|\n") + line + "B|\n").valid()) << line;
  Tune t = ParseBody("A|\n", "K:Bn\n");
  const Diagnostic* d = First(t, K::kInvalidKey);
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->message.find("expected a key"), std::string::npos);
  EXPECT_NE(d->message.find("got 'Bn'"), std::string::npos);
}

TEST(AbcProblems, UnterminatedConstructs) {
  EXPECT_EQ(Count(ParseBody("[CEG A|\n"), K::kUnterminatedChord), 1);
  EXPECT_EQ(Count(ParseBody("\"Am A|\n"), K::kUnterminatedString), 1);
  EXPECT_EQ(Count(ParseBody("{ga A|\n"), K::kUnterminatedGrace), 1);
  EXPECT_EQ(Count(ParseBody("!trill A|\n"), K::kUnterminatedDecoration), 1);
  EXPECT_EQ(Count(ParseBody("(AB c|\n"), K::kUnterminatedSlur), 1);
  EXPECT_EQ(Count(ParseBody("AB) c|\n"), K::kUnmatchedSlur), 1);
  EXPECT_EQ(Count(ParseBody("[K:D A|\n"), K::kUnterminatedInlineField), 1);
}

TEST(AbcProblems, BadLengthsPitchesChordsAndTuplets) {
  EXPECT_EQ(Count(ParseBody("A0 B|\n"), K::kBadLength), 1);
  EXPECT_EQ(Count(ParseBody("A/0 B|\n"), K::kBadLength), 1);
  EXPECT_EQ(Count(ParseBody("A100 B|\n"), K::kBadLength), 1);
  // Lengths one note head cannot show (abcm2ps: "Note too much dotted"), with L:1/8.
  for (const char* body : {"A5 B3|\n", "[CE]5 B3|\n", "z5 B3|\n", "A9 z7|\n", "A3>A3 B2|\n", "(3A5A5A5 z|\n",
                           "A7/32 z7|\n"})  // 7/256: a double-dotted 64th, whose last dot abcm2ps cannot draw
    EXPECT_GE(Count(ParseBody(body), K::kBadLength), 1) << body;
  for (const char* body : {"A15 z|\n", "A7 B|\n", "A6 B2|\n", "A3/2 B/2 c6|\n", "A>A B>>B c>>>c d2|\n"})
    EXPECT_EQ(Count(ParseBody(body), K::kBadLength), 0) << body;
  EXPECT_EQ(Count(ParseBody("[CE5]2 z6|\n"), K::kBadLength), 1);
  EXPECT_EQ(Count(ParseBody("[C E]2 z6|\n"), K::kSpaceInChord), 1);
  // A decoration letter is read by abc2midi as part of the note right after it ("Malformed
  // note" for each of these; the shipped model wrote "MLLL :|").
  for (const char* body : {"~ G2 z6|\n", "T (c8)|\n", "M {g}c8|\n", "H !trill!c8|\n", "L \"C\"c8|\n", "u(3ccc c5|\n"})
    EXPECT_EQ(Count(ParseBody(body), K::kDetachedDecoration), 1) << body;
  for (const char* body : {"~G2 z6|\n", "T^c8|\n", "M[ce]8|\n", "Hz8|\n", "uvc8|\n", "Lx8|\n"})
    EXPECT_TRUE(ParseBody(body).valid()) << body;
  EXPECT_EQ(Count(ParseBody("c8|M|\n"), K::kSyntax), 1);  // before a bar line: no note at all
  // The staccato dot too, where it is no bar line (".|") or dotted slur (".("): abc2midi "Malformed
  // note" for each of these (".(3" reads as a dotted slur and then "3"), abcm2ps reads them all.
  for (const char* body : {". c8|\n", "c . d6 z|\n", "c. d6 z|\n", "c .(3ded e4|\n", "c .{g}d6 z|\n",
                           "c .\"C\"d6 z|\n", "c .!trill!d6 z|\n", "c .y d6 z|\n", "c .>d6 z|\n"})
    EXPECT_EQ(Count(ParseBody(body), K::kDetachedDecoration), 1) << body;
  for (const char* body : {".c8|\n", "c .d6 z|\n", "c ._d6 z|\n", "c .[ce]6 z|\n", "c .z6 z|\n", "c .x6 z|\n",
                           "c .(d6) z|\n", "c .~d6 z|\n", "c ~.d6 z|\n", "c ..d6 z|\n", "c7 .|\n", "c8 .||\n"})
    EXPECT_TRUE(ParseBody(body).valid()) << body << ": " << Kinds(ParseBody(body));
  EXPECT_EQ(Count(ParseBody("|:c8 .:|\n"), K::kSyntax), 1);  // before a repeat sign: no note at all
  EXPECT_EQ(Count(ParseBody("c7 .\n"), K::kSyntax), 1);      // nor at the end of the line
  EXPECT_EQ(Count(ParseBody("[CE2-]E2 z4|\n"), K::kTieMismatch), 1);
  EXPECT_TRUE(ParseBody("[C2E4] z6|\n").valid());
  EXPECT_TRUE(ParseBody("[CE-]E z6|\n").valid());
  EXPECT_EQ(Count(ParseBody("c'''''' B|\n"), K::kPitchOutOfRange), 1);
  EXPECT_EQ(Count(ParseBody("C,,,,,,|\n"), K::kPitchOutOfRange), 1);
  EXPECT_EQ(Count(ParseBody("[C[E]G]|\n"), K::kNestedChord), 1);
  EXPECT_EQ(Count(ParseBody("[]A|\n"), K::kEmptyChord), 1);
  EXPECT_EQ(Count(ParseBody("(3AB|\n"), K::kBadTuplet), 1);
  EXPECT_EQ(Count(ParseBody("(1AB|\n"), K::kBadTuplet), 1);
  EXPECT_EQ(Count(ParseBody("|>A B|\n"), K::kBadBrokenRhythm), 1);
  EXPECT_EQ(Count(ParseBody("A B R c|\n"), K::kSyntax), 1);
}

TEST(AbcProblems, EndingsNeedARepeat) {
  EXPECT_EQ(Count(ParseBody("A4|[1 B4|[2 c4|]\n"), K::kEndingWithoutRepeat), 1);
  EXPECT_EQ(Count(ParseBody("A4|2 c4|]\n"), K::kEndingWithoutRepeat), 1);
  EXPECT_EQ(Count(ParseBody("|:A4|1 B4:|2 c4|]\n"), K::kEndingWithoutRepeat), 0);
  // A first ending never closed by :| is reported at the || that ends it and at the end.
  EXPECT_EQ(Count(ParseBody("|:A4|[1 B4||\n"), K::kEndingWithoutRepeat), 2);
  EXPECT_EQ(Count(ParseBody("|:A4|[1 B4|\n"), K::kEndingWithoutRepeat), 1);
  // A |: after a second ending closed by :| (abc2midi: "Expected end repeat not found at |:").
  EXPECT_EQ(Count(ParseBody("|:A8:|2B8:|\n|:c8|]\n"), K::kEndingWithoutRepeat), 1);
  EXPECT_TRUE(ParseBody("|:A8|1B8:|2c8|]\n|:d8:|\n").valid());
}

TEST(AbcProblems, DiagnosticsCarryFileTunePositionAndReadableText) {
  ParseOptions o;
  o.file_name = "song.abc";
  Tune t = ParseTune("X:3\nT:Title\nM:4/4\nL:1/4\nK:C\nABCDE|\n", o);
  const Diagnostic* d = First(t, K::kOverfullBar);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->file, "song.abc");
  EXPECT_EQ(d->x, 3);
  EXPECT_EQ(d->title, "Title");
  EXPECT_EQ(d->pos.line, 6);
  EXPECT_EQ(d->pos.column, 1);
  EXPECT_EQ(d->severity, Severity::kError);
  EXPECT_EQ(d->ToString(),
            "song.abc:6:1: error: [overfull-bar] expected a bar of 1 (whole notes), got 5/4 "
            "(1/4 too long) (X:3 \"Title\")");
}

TEST(AbcProblems, KindNamesAreStableAndRoundTrip) {
  EXPECT_EQ(KindName(K::kOverfullBar), "overfull-bar");
  EXPECT_EQ(KindName(K::kMissingKey), "missing-key");
  EXPECT_EQ(KindName(K::kUnterminatedChord), "unterminated-chord");
  for (int k = 0; k <= static_cast<int>(K::kBadRepeat); ++k) {
    K kind = static_cast<K>(k);
    EXPECT_NE(KindName(kind), "unknown");
    EXPECT_EQ(KindFromName(KindName(kind)), kind);
  }
  EXPECT_FALSE(KindFromName("no-such-kind").has_value());
}

constexpr const char* kReel = "M:4/4\nL:1/8\nK:D\n";

TEST(AbcBarCheck, FullBarsArePerfect) {
  EXPECT_EQ(Kinds(ParseBody("ABcd efga|bagf edcB|]\n", kReel)), "");
}

TEST(AbcBarCheck, OverfullBarsAreErrorsEvenInTheFirstBar) {
  Tune t = ParseBody("ABcd efgab|bagf edcB|]\n", kReel);
  EXPECT_EQ(Count(t, K::kOverfullBar), 1);
  EXPECT_FALSE(t.valid());
}

TEST(AbcBarCheck, PickupAndClosingBarMayBeShort) {
  EXPECT_EQ(Kinds(ParseBody("A|dcBA defg|fedc BAG|]\n", kReel)), "");
}

TEST(AbcBarCheck, ShortBarInTheMiddleIsAWarning) {
  Tune t = ParseBody("ABcd efga|bag|fedc BAGF|]\n", kReel);
  EXPECT_EQ(Count(t, K::kUnderfullBar), 1);
  EXPECT_TRUE(t.valid());
  EXPECT_EQ(First(t, K::kUnderfullBar)->severity, Severity::kWarning);
}

TEST(AbcBarCheck, ShortBarsAtRepeatsAndEndingsComplementPickups) {
  // A two-part tune with pickups: the short bars before :| and || are fine, as are the endings.
  const char* body =
      "A|:dcBA defg|fedc BAG:|\n"
      "|:g|fedc BAGF|[1 ABcd efg:|[2 ABcd e3||\n"
      "f|gfed cBAG|FGAB c3|]\n";
  Tune t = ParseBody(body, kReel);
  EXPECT_EQ(Kinds(t), "");
}

TEST(AbcBarCheck, AShortBarBeforeADoubleBarMustBeMadeUpByTheUpbeatAfterIt) {
  // As abc2midi adds the two: "e3||f|" makes a bar; "e3||" before a full bar, or 4/4 bars closed
  // by || in 5/4, do not ("Bar N has X time units while the time signature has Y").
  EXPECT_EQ(Kinds(ParseBody("A|dcBA defg|fedc e3||f|gfed cBAG|]\n", kReel)), "");
  Tune t = ParseBody("dcBA defg|fedc e3||gfed cBAG|dcBA defg|]\n", kReel);
  EXPECT_EQ(Count(t, K::kUnderfullBar), 1);
  EXPECT_TRUE(t.valid());
  EXPECT_NE(First(t, K::kUnderfullBar)->message.find("upbeat after it"), std::string::npos);
  EXPECT_EQ(Count(ParseBody("ABcd efga|ABcd efga||ABcd efga|ABcd efga|]\n", "M:5/4\nL:1/8\nK:D\n"), K::kUnderfullBar),
            1);
  // Not at a repeat, an ending or a field: those stay section boundaries.
  EXPECT_EQ(Kinds(ParseBody("dcBA defg|fedc e3:|gfed cBAG|dcBA defg|]\n", kReel)), "");
  EXPECT_EQ(Kinds(ParseBody("dcBA defg|fedc e3||[M:3/4]gfe dcB|AGF EDC|]\n", kReel)), "");
  // Being written (prefix mode): an upbeat that may still make the bar up is not judged yet.
  ParseOptions prefix;
  prefix.prefix = true;
  EXPECT_EQ(Count(ParseTune(std::string("X:1\n") + kReel + "dcBA defg|fedc e3||f", prefix), K::kUnderfullBar), 0);
  EXPECT_EQ(Count(ParseTune(std::string("X:1\n") + kReel + "dcBA defg|fedc e3||f/g/a", prefix), K::kUnderfullBar), 1);
}

TEST(AbcBarCheck, MeterChangesAndFreeMeter) {
  EXPECT_EQ(Kinds(ParseBody("ABcd efga|[M:3/4]bag fed|[M:6/8] cde fga|]\n", kReel)), "");
  EXPECT_EQ(Kinds(ParseBody("ABcdefgabc|de|]\n", "M:none\nL:1/8\nK:C\n")), "");
  EXPECT_EQ(Count(ParseBody("ABcd efga|bagf edc|[M:3/4]bag fed|]\n", kReel), K::kUnderfullBar),
            0);  // a meter change is a section boundary
}

TEST(AbcBarCheck, TupletsAndBrokenRhythmFillBarsExactly) {
  EXPECT_EQ(Kinds(ParseBody("(3ABc (3def g>a b<c|(3:2:6ABcdef g2 a2|]\n", kReel)), "");
}

TEST(AbcBarCheck, SplitBarsGivesDurationsAndExpectedLengths) {
  Tune t = ParseBody("A|dcBA defg|fedc BAG|]\n", kReel);
  std::vector<BarSpan> bars = SplitBars(t.voices[0]);
  ASSERT_GE(bars.size(), 3u);
  EXPECT_EQ(bars[0].duration, Fraction(1, 8));
  EXPECT_EQ(bars[1].duration, Fraction(1));
  EXPECT_EQ(bars[1].expected, Fraction(1));
  EXPECT_EQ(bars[1].start, Fraction(1, 8));
  EXPECT_EQ(bars[2].duration, Fraction(7, 8));
}

TEST(AbcPrefix, AnUnfinishedTuneReportsOnlyWhatMoreTextCannotFix) {
  ParseOptions o;
  o.prefix = true;
  Tune t = ParseTune("X:1\nT:Growing\nM:4/4\nL:1/8\nK:G\nABcd efga|(bag \"Am", o);
  EXPECT_EQ(Kinds(t), "");
  Tune chord = ParseTune("X:1\nM:4/4\nL:1/8\nK:G\nABcd efga|[GB", o);
  EXPECT_EQ(Kinds(chord), "");
  Tune bad = ParseTune("X:1\nM:4/4\nL:1/8\nK:G\nABcd efgab|[GB", o);
  EXPECT_EQ(Kinds(bad), "overfull-bar");
  Tune header = ParseTune("X:1\nT:Just started\nM:6/8\n", o);
  EXPECT_EQ(Kinds(header), "");
  // An accidental whose letter has not come yet, alone, in a chord, in grace notes.
  for (const char* end : {"^", "^^", "_", "__", "=", "[G^", "{_"})
    EXPECT_EQ(Kinds(ParseTune(std::string("X:1\nM:4/4\nL:1/8\nK:G\nABcd ") + end, o)), "") << end;
  // Not at the end of the text, or not a prefix: an error.
  EXPECT_EQ(Kinds(ParseTune("X:1\nM:4/4\nL:1/8\nK:G\nABcd ^\nABcd|", o)), "syntax");
  EXPECT_EQ(Kinds(ParseTune("X:1\nM:4/4\nL:1/8\nK:G\nABcd ^^^", o)), "syntax");
  EXPECT_EQ(Kinds(ParseTune("X:1\nM:4/4\nL:1/8\nK:G\nABcd ^ % comment", o)), "syntax");
  EXPECT_EQ(Kinds(ParseTune("X:1\nM:4/4\nL:1/8\nK:G\nABcd ^", ParseOptions{})), "syntax");
  // A last note whose length is still being written may shrink: "E" of "E/" does not overfill
  // the bar yet; once its length is complete (a space, a bar line) it does.
  EXPECT_EQ(Kinds(ParseTune("X:1\nM:2/4\nL:1/8\nK:C\nEG GF/E", o)), "");
  EXPECT_EQ(Kinds(ParseTune("X:1\nM:2/4\nL:1/8\nK:C\nEG GF/E/", o)), "");
  EXPECT_EQ(Kinds(ParseTune("X:1\nM:2/4\nL:1/8\nK:C\nEG GF/[CE]", o)), "");
  EXPECT_EQ(Kinds(ParseTune("X:1\nM:2/4\nL:1/8\nK:C\nEG GF/E ", o)), "overfull-bar");
  EXPECT_EQ(Kinds(ParseTune("X:1\nM:2/4\nL:1/8\nK:C\nEG GF/E|", o)), "overfull-bar");
  EXPECT_EQ(Kinds(ParseTune("X:1\nM:2/4\nL:1/8\nK:C\nEG GFE", o)), "overfull-bar");  // full without E
}

}  // namespace
}  // namespace abcrnn::abc

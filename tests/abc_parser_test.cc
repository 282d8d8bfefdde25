// Specification of the ABC parser: lengths, broken rhythm, tuplets, MIDI pitches with key
// signatures and bar accidentals, ties, chords, rests, bar lines and endings, decorations,
// annotations, inline fields, line breaks, files, encodings, voices and source positions.
#include <gtest/gtest.h>

#include "abc_test_util.h"

namespace abcrnn::abc {
namespace {

using test::All;
using test::Count;
using test::Durations;
using test::Kinds;
using test::Midis;
using test::ParseBody;
using V = std::vector<std::string>;
using M = std::vector<int>;

TEST(AbcLengths, WrittenLengthsMultiplyTheUnitLength) {
  Tune t = ParseBody("A A2 A/ A// A3/2 A/4 A3/ A///|\n");
  EXPECT_EQ(Durations(t), (V{"1/8", "1/4", "1/16", "1/32", "3/16", "1/32", "3/16", "1/64"}));
  std::vector<const Note*> notes = All<Note>(t);
  EXPECT_EQ(notes[4]->written_length, Fraction(3, 2));
  EXPECT_EQ(notes[1]->written_length, Fraction(2));
}

TEST(AbcLengths, OnsetsAccumulateInWrittenOrder) {
  Tune t = ParseBody("A2 B C/D/|E4|\n");
  std::vector<const Note*> n = All<Note>(t);
  ASSERT_EQ(n.size(), 5u);
  EXPECT_EQ(n[0]->onset, Fraction(0));
  EXPECT_EQ(n[1]->onset, Fraction(1, 4));
  EXPECT_EQ(n[2]->onset, Fraction(3, 8));
  EXPECT_EQ(n[3]->onset, Fraction(7, 16));
  EXPECT_EQ(n[4]->onset, Fraction(1, 2));
  EXPECT_EQ(t.voices[0].end, Fraction(1));
}

TEST(AbcLengths, DefaultUnitLengthComesFromTheMeterWhenLIsMissing) {
  EXPECT_EQ(Durations(ParseBody("A|\n", "M:2/4\nK:C\n")), (V{"1/16"}));
  EXPECT_EQ(Durations(ParseBody("A|\n", "M:6/8\nK:C\n")), (V{"1/8"}));
  EXPECT_EQ(Durations(ParseBody("A|\n", "K:C\n")), (V{"1/8"}));
}

TEST(AbcLengths, BrokenRhythmDotsTheFirstOrSecondNote) {
  EXPECT_EQ(Durations(ParseBody("A>B C<D|\n")), (V{"3/16", "1/16", "1/16", "3/16"}));
  EXPECT_EQ(Durations(ParseBody("A>>B A<<B|\n")), (V{"7/32", "1/32", "1/32", "7/32"}));
  EXPECT_EQ(Durations(ParseBody("A2>B2|\n")), (V{"3/8", "1/8"}));
  Tune t = ParseBody("A>B C|\n");
  std::vector<const Note*> n = All<Note>(t);
  EXPECT_EQ(n[1]->onset, Fraction(3, 16));
  EXPECT_EQ(n[2]->onset, Fraction(1, 4));
  ASSERT_EQ(All<BrokenRhythm>(t).size(), 1u);
  EXPECT_TRUE(All<BrokenRhythm>(t)[0]->first_longer);
}

TEST(AbcTuplets, StandardDefaultsDependOnTheMeter) {
  EXPECT_EQ(Durations(ParseBody("(3ABC D|\n")), (V{"1/12", "1/12", "1/12", "1/8"}));
  EXPECT_EQ(Durations(ParseBody("(2AB C|\n", "M:6/8\nL:1/8\nK:C\n")), (V{"3/16", "3/16", "1/8"}));
  EXPECT_EQ(Durations(ParseBody("(4ABCD|\n", "M:6/8\nL:1/8\nK:C\n")),
            (V{"3/32", "3/32", "3/32", "3/32"}));
  // (5 is 5 in the time of 2 in simple meter, of 3 in compound meter.
  EXPECT_EQ(Durations(ParseBody("(5ABCDE|\n"))[0], "1/20");
  EXPECT_EQ(Durations(ParseBody("(5ABCDE|\n", "M:6/8\nL:1/8\nK:C\n"))[0], "3/40");
  Tuplet t = *All<Tuplet>(ParseBody("(3ABC|\n"))[0];
  EXPECT_EQ(t.p, 3);
  EXPECT_EQ(t.q, 2);
  EXPECT_EQ(t.r, 3);
}

TEST(AbcTuplets, PQRFormsWithOmittedParts) {
  EXPECT_EQ(Durations(ParseBody("(3:2:2AB C|\n")), (V{"1/12", "1/12", "1/8"}));
  EXPECT_EQ(Durations(ParseBody("(3::2AB C|\n")), (V{"1/12", "1/12", "1/8"}));
  EXPECT_EQ(Durations(ParseBody("(5:4A2B2CDE|\n")), (V{"1/5", "1/5", "1/10", "1/10", "1/10"}));
  Tuplet t = *All<Tuplet>(ParseBody("(3::2AB C|\n"))[0];
  EXPECT_EQ(t.q, 2);
  EXPECT_EQ(t.r, 2);
  EXPECT_EQ(t.text, "(3::2");
}

TEST(AbcPitches, MidiNumbersFollowOctaveMarks) {
  EXPECT_EQ(Midis(ParseBody("C c c' C, C,, c'' B, b|\n")), (M{60, 72, 84, 48, 36, 96, 59, 83}));
  Pitch p = All<Note>(ParseBody("c'|\n"))[0]->pitches[0];
  EXPECT_EQ(p.letter, 'C');
  EXPECT_EQ(p.octave, 2);
}

TEST(AbcPitches, AccidentalsAndKeySignatures) {
  EXPECT_EQ(Midis(ParseBody("^F _B =B ^^C __D|\n")), (M{66, 70, 71, 62, 60}));
  EXPECT_EQ(Midis(ParseBody("F c f|\n", "K:D\n")), (M{66, 73, 78}));
  EXPECT_EQ(Midis(ParseBody("B E A|\n", "K:Bb\n")), (M{70, 63, 69}));
  EXPECT_EQ(Midis(ParseBody("F =F|\n", "K:G\n")), (M{66, 65}));
  EXPECT_EQ(Midis(ParseBody("F C c|\n", "K:D =c\n")), (M{66, 60, 72}));
  EXPECT_EQ(Midis(ParseBody("F c g|\n", "K:Hp\n")), (M{66, 73, 79}));
  EXPECT_EQ(Midis(ParseBody("F c|\n", "K:Ador\n")), (M{66, 72}));
  Pitch p = All<Note>(ParseBody("=F|\n", "K:G\n"))[0]->pitches[0];
  EXPECT_EQ(p.written, Accidental::kNatural);
  EXPECT_EQ(p.alter, 0);
}

TEST(AbcPitches, AccidentalsCarryThroughTheBarInEveryOctave) {
  // As abc2midi 4.84 plays it (checked with midi2abc -midigram).
  EXPECT_EQ(Midis(ParseBody("^c C c C|C c|\n")), (M{73, 61, 73, 61, 60, 72}));
  EXPECT_EQ(Midis(ParseBody("_B b =B B|\n")), (M{70, 82, 71, 71}));
}

TEST(AbcPitches, GraceNoteAccidentalsCarryToo) {
  Tune t = ParseBody("{^d}d d D|d|\n");
  EXPECT_EQ(Midis(t), (M{75, 75, 63, 74}));
  ASSERT_EQ(All<GraceGroup>(t).size(), 1u);
  EXPECT_EQ(All<GraceGroup>(t)[0]->pitches[0].midi, 75);
}

TEST(AbcTies, ATiedNoteKeepsItsAccidentalAcrossTheBarLine) {
  Tune t = ParseBody("^c2-|c2 c2|\n");
  EXPECT_EQ(Midis(t), (M{73, 73, 72}));
  EXPECT_TRUE(All<Note>(t)[0]->pitches[0].tie);
  EXPECT_EQ(Count(t, DiagnosticKind::kTieMismatch), 0);
}

TEST(AbcTies, ChordTiesAndTiesInsideChords) {
  Tune t = ParseBody("[CE]-[CE] [C-E]C|\n");
  std::vector<const Note*> n = All<Note>(t);
  ASSERT_EQ(n.size(), 4u);
  EXPECT_TRUE(n[0]->chord_tie);
  EXPECT_TRUE(n[0]->pitches[1].tie);
  EXPECT_TRUE(n[2]->pitches[0].tie);
  EXPECT_FALSE(n[2]->pitches[1].tie);
  EXPECT_EQ(Kinds(t), "");
}

TEST(AbcTies, TieBetweenDifferentPitchesIsAnError) {
  Tune t = ParseBody("G3-A B2C2|\n");
  EXPECT_EQ(Count(t, DiagnosticKind::kTieMismatch), 1);
  EXPECT_FALSE(t.valid());
}

TEST(AbcChords, ChordHoldsItsPitchesAndTheFirstNoteSetsTheLength) {
  Tune t = ParseBody("[CEG]2 [C2E2] [ceg]/|\n");
  std::vector<const Note*> n = All<Note>(t);
  ASSERT_EQ(n.size(), 3u);
  EXPECT_TRUE(n[0]->chord);
  EXPECT_EQ(n[0]->pitches.size(), 3u);
  EXPECT_EQ(n[0]->written_length, Fraction(2));
  EXPECT_EQ(Durations(t), (V{"1/4", "1/4", "1/16"}));
  EXPECT_EQ(n[1]->pitches[1].written_length, Fraction(2));
  EXPECT_EQ(Midis(t), (M{60, 64, 67, 60, 64, 72, 76, 79}));
}

TEST(AbcRests, VisibleInvisibleAndMultiBarRests) {
  Tune t = ParseBody("z2 x A z/|Z4|\n", "M:3/4\nL:1/8\nK:C\n");
  std::vector<const Rest*> r = All<Rest>(t);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_FALSE(r[0]->invisible);
  EXPECT_TRUE(r[1]->invisible);
  EXPECT_EQ(r[0]->duration, Fraction(1, 4));
  EXPECT_EQ(r[3]->bars, 4);
  EXPECT_EQ(r[3]->duration, Fraction(3));
  EXPECT_EQ(Count(t, DiagnosticKind::kOverfullBar), 0);
}

TEST(AbcBars, EveryBarLineFormHasItsKindAndRepeatFlags) {
  Tune t = ParseBody("|:A|B||c|]d[|e:|f::g:|:a.|b[|]c|\n");
  std::vector<const BarLine*> b = All<BarLine>(t);
  ASSERT_EQ(b.size(), 11u);
  EXPECT_EQ(b[0]->kind, BarKind::kRepeatStart);
  EXPECT_TRUE(b[0]->repeat_start);
  EXPECT_EQ(b[1]->kind, BarKind::kSingle);
  EXPECT_EQ(b[2]->kind, BarKind::kDouble);
  EXPECT_EQ(b[3]->kind, BarKind::kFinal);
  EXPECT_EQ(b[4]->kind, BarKind::kStart);
  EXPECT_EQ(b[5]->kind, BarKind::kRepeatEnd);
  EXPECT_TRUE(b[5]->repeat_end);
  EXPECT_EQ(b[6]->kind, BarKind::kRepeatBoth);
  EXPECT_EQ(b[7]->kind, BarKind::kRepeatBoth);
  EXPECT_EQ(b[7]->text, ":|:");
  EXPECT_EQ(b[8]->kind, BarKind::kDotted);
  EXPECT_EQ(b[9]->kind, BarKind::kInvisible);
  EXPECT_EQ(b[10]->kind, BarKind::kSingle);
}

TEST(AbcBars, EndingsAttachedOrBracketedWithSeveralNumbers) {
  Tune t = ParseBody("|:A4|1 B4:|2 c4||[1,3 d4:|[2-4 e4|]\n");  // || closes ending 2 (abc2midi)
  std::vector<const Ending*> e = All<Ending>(t);
  ASSERT_EQ(e.size(), 4u);
  EXPECT_TRUE(e[0]->attached);
  EXPECT_EQ(e[0]->numbers, (std::vector<int>{1}));
  EXPECT_EQ(e[1]->numbers, (std::vector<int>{2}));
  EXPECT_FALSE(e[2]->attached);
  EXPECT_EQ(e[2]->numbers, (std::vector<int>{1, 3}));
  EXPECT_EQ(e[3]->numbers, (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(e[3]->text, "2-4");
  EXPECT_EQ(Count(t, DiagnosticKind::kEndingWithoutRepeat), 0);
}

TEST(AbcDecorations, LettersBangsAndPlusForms) {
  Tune t = ParseBody("~A .B HC !trill!D +fermata+E uF vG TA|\n");
  std::vector<const Decoration*> d = All<Decoration>(t);
  ASSERT_EQ(d.size(), 8u);
  EXPECT_EQ(d[0]->name, "roll");
  EXPECT_EQ(d[1]->name, "staccato");
  EXPECT_EQ(d[2]->name, "fermata");
  EXPECT_EQ(d[3]->name, "trill");
  EXPECT_EQ(d[3]->written, "!trill!");
  EXPECT_EQ(d[4]->name, "fermata");
  EXPECT_EQ(d[5]->name, "upbow");
  EXPECT_EQ(d[6]->name, "downbow");
  EXPECT_EQ(d[7]->name, "trill");
  EXPECT_EQ(All<Note>(t).size(), 8u);
  EXPECT_EQ(Kinds(t), "");
}

TEST(AbcAnnotations, ChordSymbolsAndPlacedText) {
  Tune t = ParseBody("\"Am7\"A \"^over\"B \"_under\"c \"<left\"d|\n");
  std::vector<const Annotation*> a = All<Annotation>(t);
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0]->place, Annotation::Place::kChordSymbol);
  EXPECT_EQ(a[0]->text, "Am7");
  EXPECT_EQ(a[1]->place, Annotation::Place::kAbove);
  EXPECT_EQ(a[1]->text, "over");
  EXPECT_EQ(a[2]->place, Annotation::Place::kBelow);
  EXPECT_EQ(a[3]->place, Annotation::Place::kLeft);
}

TEST(AbcSlursAndGraces, SlursNestAndGraceNotesTakeNoTime) {
  Tune t = ParseBody("(A(B)c) {/g}A {gag}B|\n");
  EXPECT_EQ(All<Slur>(t).size(), 4u);
  std::vector<const GraceGroup*> g = All<GraceGroup>(t);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_TRUE(g[0]->acciaccatura);
  EXPECT_EQ(g[1]->pitches.size(), 3u);
  EXPECT_EQ(t.voices[0].end, Fraction(5, 8));
  EXPECT_EQ(Kinds(t), "");
}

TEST(AbcFields, InlineAndBodyFieldsChangeKeyMeterAndUnitLength) {
  Tune t = ParseBody("F [K:D] F [L:1/4] F|\nM:3/4\nK:Bb\nB|\n", "M:4/4\nL:1/8\nK:C\n");
  EXPECT_EQ(Midis(t), (M{65, 66, 66, 70}));
  EXPECT_EQ(Durations(t), (V{"1/8", "1/8", "1/4", "1/4"}));
  std::vector<const FieldChange*> f = All<FieldChange>(t);
  ASSERT_EQ(f.size(), 4u);
  EXPECT_TRUE(f[0]->is_inline);
  EXPECT_EQ(f[0]->field.letter, 'K');
  EXPECT_EQ(f[0]->state->key.tonic, 'D');
  EXPECT_EQ(f[2]->state->meter.BarLength(), Fraction(3, 4));
  EXPECT_FALSE(f[2]->is_inline);
}

TEST(AbcFields, StateAtGivesTheKeyMeterAndUnitInForceAtAnElement) {
  Tune t = ParseBody("F [K:D] F|\nM:3/4\nB|\n", "M:4/4\nL:1/8\nK:C\n");
  const Voice& v = t.voices[0];
  EXPECT_EQ(StateAt(v, 0).key.tonic, 'C');
  size_t second_f = 0;
  for (size_t i = 0, notes = 0; i < v.elements.size(); ++i)
    if (v.elements[i].kind() == ElementKind::kNote && ++notes == 2) second_f = i;
  EXPECT_EQ(StateAt(v, second_f).key.tonic, 'D');
  EXPECT_EQ(StateAt(v, second_f).meter.BarLength(), Fraction(1));
  EXPECT_EQ(StateAt(v, v.elements.size()).meter.BarLength(), Fraction(3, 4));
}

TEST(AbcHeader, FieldsInOrderTitlesAndState) {
  Tune t = ParseTune(
      "X:7\nT:First\nT:Second\nC:Trad.\nM:6/8\nL:1/8\nQ:3/8=100\nR:jig\nY:odd\nK:Ador\nA|\n");
  EXPECT_EQ(t.x, 7);
  EXPECT_EQ(t.titles, (std::vector<std::string>{"First", "Second"}));
  EXPECT_EQ(t.title(), "First");
  ASSERT_EQ(t.header.size(), 10u);
  EXPECT_EQ(t.header[4].letter, 'M');
  EXPECT_EQ(t.header[8].letter, 'Y');  // unknown: kept, with a warning
  EXPECT_EQ(Count(t, DiagnosticKind::kUnknownField), 1);
  EXPECT_EQ(t.initial.tempo.bpm, 100);
  EXPECT_EQ(t.initial.tempo.beat, Fraction(3, 8));
  EXPECT_EQ(t.initial.key.mode, Mode::kDorian);
  EXPECT_TRUE(t.has_key);
  EXPECT_TRUE(t.valid());
}

TEST(AbcHeader, BackslashContinuesAHeaderLineOrDirective) {
  Tune t = ParseTune("X:1\nT:Long \\\ntitle\n%%Bfly 0 300 \\\n 0 0 3 2\nM:2/4\nK:G\nGA|\n");
  EXPECT_EQ(t.title(), "Long title");
  ASSERT_GE(t.header.size(), 2u);
  EXPECT_EQ(t.header[1].value, "Long title");
  EXPECT_EQ(t.initial.meter.BarLength(), Fraction(1, 2));
  EXPECT_EQ(Kinds(t), "");
}

TEST(AbcLines, LineBreaksContinuationsDollarAndComments) {
  Tune t = ParseBody("AB|\\\ncd|$ef| % a comment\ngf|\n");
  std::vector<const LineBreak*> lb = All<LineBreak>(t);
  ASSERT_EQ(lb.size(), 3u);
  EXPECT_EQ(lb[0]->kind, LineBreak::Kind::kDollar);
  EXPECT_EQ(lb[1]->kind, LineBreak::Kind::kEndOfLine);
  std::vector<const Comment*> c = All<Comment>(t);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0]->text, " a comment");
  EXPECT_EQ(All<Note>(t).size(), 8u);
}

TEST(AbcLines, BangIsALineBreakWhenItIsNoDecoration) {
  Tune t = ParseBody("g|fed c2A|!fed c2A|B3 g3 |\n", "M:6/8\nL:1/8\nK:G\n");
  std::vector<const LineBreak*> lb = All<LineBreak>(t);
  ASSERT_EQ(lb.size(), 2u);
  EXPECT_EQ(lb[0]->kind, LineBreak::Kind::kBang);
  EXPECT_TRUE(All<Decoration>(t).empty());
  EXPECT_EQ(Kinds(t), "");
}

TEST(AbcFiles, SeveralTunesFileHeaderFreeTextAndLineEndings) {
  std::string text =
      "% collection\r\nA:Somewhere\r\nsome free text\r\n\r\nX:1\r\nT:One\r\nK:G\r\nGAB|\r\n\r\n"
      "words between tunes\r\n\r\nX:2\rT:Two\rK:D\rDEF|\r\rX:3\nT:Three\nK:C\nCDE|\n";
  AbcFile f = ParseAbcFile(text, ParseOptions{"mem.abc"});
  ASSERT_EQ(f.tunes.size(), 3u);
  ASSERT_EQ(f.file_header.size(), 1u);
  EXPECT_EQ(f.file_header[0].letter, 'A');
  EXPECT_EQ(f.tunes[0].title(), "One");
  EXPECT_EQ(f.tunes[1].title(), "Two");
  EXPECT_EQ(f.tunes[2].x, 3);
  EXPECT_EQ(Midis(f.tunes[1]), (M{62, 64, 66}));
  EXPECT_EQ(f.tunes[1].start.line, 12);
  for (const Tune& t : f.tunes) EXPECT_TRUE(t.valid()) << Kinds(t);
}

TEST(AbcFiles, TextFieldsAreUtf8WithALatin1Fallback) {
  Tune utf8 = ParseTune("X:1\nT:Caf\xc3\xa9\nK:C\nC|\n");
  EXPECT_EQ(utf8.title(), "Caf\xc3\xa9");
  EXPECT_EQ(Count(utf8, DiagnosticKind::kEncoding), 0);
  Tune latin1 = ParseTune("X:1\nT:Caf\xe9\nK:C\nC|\n");
  EXPECT_EQ(latin1.title(), "Caf\xc3\xa9");
  EXPECT_EQ(Count(latin1, DiagnosticKind::kEncoding), 1);
  EXPECT_TRUE(latin1.valid());
}

TEST(AbcVoices, EachVoiceHasItsOwnElementsAndTime) {
  Tune t = ParseTune(
      "X:1\nT:Two\nM:2/4\nL:1/8\nV:1 clef=treble\nV:2 clef=bass\nK:C\n"
      "V:1\nABcd|\nV:2\nA,4|\nV:1\nef|\n");
  ASSERT_EQ(t.voices.size(), 2u);
  EXPECT_EQ(t.voices[0].id, "1");
  EXPECT_EQ(t.voices[1].properties, "clef=bass");
  EXPECT_EQ(All<Note>(t, 0).size(), 6u);
  EXPECT_EQ(All<Note>(t, 1).size(), 1u);
  EXPECT_EQ(t.voices[0].end, Fraction(3, 4));
  EXPECT_EQ(t.voices[1].end, Fraction(1, 2));
}

TEST(AbcPositions, ElementsKnowTheirLineAndColumn) {
  Tune t = ParseBody("AB |c\n");  // X, T, M, L, K: the music is line 6
  const Element& c = t.voices[0].elements[3];
  ASSERT_EQ(c.kind(), ElementKind::kBarLine);
  EXPECT_EQ(c.pos.line, 6);
  EXPECT_EQ(c.pos.column, 4);
  EXPECT_EQ(t.voices[0].elements[4].pos.column, 5);
}

}  // namespace
}  // namespace abcrnn::abc

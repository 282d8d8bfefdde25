// Part of TuneParser (tune_parser.h): abc2midi's hornpipe swing. Under R:hornpipe abc2midi plays
// two equal quavers (2/4: semiquavers) from an off-beat as a broken rhythm, then refuses one whose
// notes are no longer equal ("Cannot apply broken rhythm"). Rules (its store.c: hornp,
// brokenadjust) and cases checked against abc2midi: doc/abc-dialect.md,
// tests/hornpipe_swing_test.cc.
#include <string>

#include "abc/tune_parser.h"

namespace abcrnn::abc {
namespace {

std::string At(SourcePos p) {
  return "line " + std::to_string(p.line) + ", column " + std::to_string(p.column);
}

// abc2midi's test of an R: field: after spaces, "hornpipe" or "Hornpipe" (any ending).
bool SaysHornpipe(std::string_view r) {
  while (!r.empty() && (r.front() == ' ' || r.front() == '\t')) r.remove_prefix(1);
  return r.compare(0, 8, "hornpipe") == 0 || r.compare(0, 8, "Hornpipe") == 0;
}

// The share of its written length abc2midi gives the second note of a broken rhythm in a
// hornpipe: its swing ratio is 2:1 (a > of one sign gives 4/3 and 2/3), >> 7:1, >>> 15:1.
Fraction SecondShare(int count, bool second_longer) {
  const int64_t longer = count == 1 ? 4 : count == 2 ? 7 : 15;
  const int64_t shorter = count == 1 ? 2 : 1;
  const int64_t whole = (longer + shorter) / 2;
  return Fraction(second_longer ? longer : shorter, whole);
}

}  // namespace

void TuneParser::StartSwing() {
  swing_note_ = Fraction(0);
  bool hornpipe = false;
  SourcePos meter_at = tune_->start;
  for (const Field& f : tune_->header) {
    hornpipe = hornpipe || (f.letter == 'R' && SaysHornpipe(f.value));
    if (f.letter == 'M') meter_at = f.pos;
  }
  if (!hornpipe) return;
  if (const Meter& m = tune_->initial.meter; !HornpipeMeterPlayed(m)) {
    const bool cut = m.kind == Meter::Kind::kCut || m.text == "2/2";
    Report(DiagnosticKind::kHornpipeMeter, meter_at,
           "expected M:2/4, M:4/4 or M:C in a tune marked R:hornpipe, got M:" + m.text +
               " (abc2midi: \"Hornpipe must be in 2/4 or 4/4 time\"); " +
               (cut ? "write it in M:C or drop the R: field" : "drop the R: field"));
  }
  // abc2midi decides on the header's meter: quavers swing in 4/4 (C, and no meter, which it reads
  // as 4/4), semiquavers in 2/4; any other meter it refuses for a hornpipe ("Hornpipe must be in
  // 2/4 or 4/4 time"). abcrnn writes a hornpipe drawn in cut time in common time
  // (HornpipeInCommonTime), where abc2midi swings it: so C| and 2/2 swing as C here.
  const Meter& m = tune_->initial.meter;
  int beats = 0;
  for (int k : m.numerators) beats += k;
  if (m.kind != Meter::Kind::kNumeric || (m.denominator == 4 && beats == 4) ||
      (m.denominator == 2 && beats == 2))
    swing_note_ = Fraction(1, 8);
  else if (m.denominator == 4 && beats == 2)
    swing_note_ = Fraction(1, 16);
}

void TuneParser::SwingTimed(size_t index, Fraction length, Fraction tuplet, bool numerator_one,
                            SourcePos pos) {
  VoiceState& v = vs();
  const Element& e = voice().elements[index];
  const Note* n = e.get_if<Note>();
  // What abc2midi holds before any broken rhythm: a fermata doubles a note or rest, a staccato
  // or !breath! halves a note.
  Fraction held = length;
  if (v.next_fermata) held *= Fraction(2);
  if (v.next_halved && n != nullptr) held *= Fraction(1, 2);
  v.timed_factor = length.is_positive() ? held / length : Fraction(1);
  v.timed_chord = n != nullptr && n->chord;
  v.timed_tilde = v.next_tilde;
  v.next_fermata = v.next_halved = v.next_tilde = false;
  if (!swing_note_.is_positive()) return;
  const bool plain = n != nullptr && !n->chord;
  bool swung = false;
  SourcePos from;
  // The note swings with the one before when both are the swung length as written (the second
  // with a numerator of 1: "c2/2" swings, "A2/2" does not), nothing but notes came between (a
  // rest, chord or grace note does), and it starts on an odd multiple of its length in abc2midi's
  // count of the bar.
  if (plain && numerator_one && length == swing_note_ && swing_previous_ == length &&
      swing_bar_.den() == swing_note_.den()) {
    const Note* before =
        v.last_timed >= 0 ? voice().elements[v.last_timed].get_if<Note>() : nullptr;
    if (before != nullptr) from = voice().elements[v.last_timed].pos;
    if (before != nullptr && !before->chord && v.held_length == held) {
      swung = true;
    } else if (!length_open_) {  // "c" of "c/" at a prefix's end may still not swing
      std::string why;
      if (before == nullptr || before->chord)
        why = "abc2midi has no note before it in this voice";
      else if (v.last_closed_broken && v.broken_count == 0)
        why = "the note before is the second of the broken rhythm at " + At(v.broken_pos);
      else
        why = "a staccato, fermata or !breath! makes one of them shorter or longer";
      Report(DiagnosticKind::kHornpipeSwing, pos,
             "expected the note before this one" +
                 (before ? " (" + At(from) + ")" : std::string()) +
                 " as long as this one, which abc2midi swings with it in a tune marked R:hornpipe, "
                 "got " +
                 v.held_length.ToString() + " against " + held.ToString() + " of a whole note: " +
                 why + " (abc2midi: \"Cannot apply broken rhythm\")" + SwingMeterNote());
    }
  }
  // abc2midi's count of the bar: written lengths with tuplets, before broken rhythm and fermatas;
  // a chord counts as its first note ("[ce]2" as a quaver).
  Fraction counted = length;
  if (n != nullptr && n->chord && !n->pitches.empty())
    counted = n->pitches.front().written_length * v.state.unit_length * tuplet;
  swing_bar_ += counted;
  if (!swing_bar_.valid()) swing_bar_ = Fraction(0);
  swing_previous_ = plain ? length : Fraction(0);
  if (swung) {
    held *= Fraction(2, 3);
  } else if (v.broken_count > 0 && v.held_length == held) {
    held *= SecondShare(v.broken_count, !v.broken_first_longer);
  }
  v.held_length = held;
  v.last_swung = swung;
  v.swung_from = from;
}

void TuneParser::SwingBrokenRhythm(std::string_view sign, SourcePos pos) {
  const VoiceState& v = vs();
  if (!v.last_swung || v.last_timed < 0) return;
  Report(DiagnosticKind::kHornpipeSwing, pos,
         "expected a broken rhythm after a note abc2midi plays as written, got '" +
             std::string(sign) + "' after the notes at " + At(v.swung_from) + " and " +
             At(voice().elements[v.last_timed].pos) +
             ", which abc2midi swings as a broken rhythm in a tune marked R:hornpipe; this one it "
             "then cannot "
             "apply (\"Cannot apply broken rhythm\")" +
             SwingMeterNote());
}

void TuneParser::SwingRestOfBars(Fraction bar_length) {
  VoiceState& v = vs();
  v.next_fermata = v.next_halved = v.next_tilde = false;
  v.last_swung = false;
  v.held_length = bar_length;
  swing_previous_ = Fraction(0);
  swing_bar_ += bar_length;
  if (!swing_bar_.valid()) swing_bar_ = Fraction(0);
}

std::string TuneParser::SwingMeterNote() const {
  const Meter& m = tune_->initial.meter;
  if (m.kind == Meter::Kind::kCut || (m.kind == Meter::Kind::kNumeric && m.denominator == 2))
    return "; abc2midi refuses R:hornpipe in " + m.text + " outright, and plays it so in M:C";
  return "";
}

}  // namespace abcrnn::abc

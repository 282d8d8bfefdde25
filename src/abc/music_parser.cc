// The music-line lexer/parser: one pass over the characters of a line, no regex, no allocation
// per character. Notes, chords, rests, bar lines, endings, tuplets, broken rhythm, ties, slurs,
// grace notes, decorations, annotations, inline fields, `$`/`!` line breaks, comments, `\`.
// Accidentals carry through the bar for the same letter in every octave (as abc2midi does).
#include <algorithm>
#include <string>

#include "abc/text_util.h"
#include "abc/tune_parser.h"

namespace abcrnn::abc {
namespace {
// "line 3, column 7", for messages that point back at an earlier place.
std::string PosText(SourcePos p) {
  return "line " + std::to_string(p.line) + ", column " + std::to_string(p.column);
}

// abcm2ps draws at most this many notes in a chord ("Too many notes in chord").
constexpr size_t kMaxChordNotes = 8;

bool IsAccidentalChar(char c) { return c == '^' || c == '_' || c == '='; }

// Single-character decorations of ABC 2.1 and their names.
const char* DecorationLetterName(char c) {
  switch (c) {
    case '~':
      return "roll";
    case '.':
      return "staccato";
    case 'H':
      return "fermata";
    case 'L':
      return "accent";
    case 'M':
      return "lowermordent";
    case 'O':
      return "coda";
    case 'P':
      return "uppermordent";
    case 'S':
      return "segno";
    case 'T':
      return "trill";
    case 'u':
      return "upbow";
    case 'v':
      return "downbow";
    default:
      return nullptr;
  }
}

// A plausible decoration name between ! ! or + +: no spaces, no bar lines, short.
bool IsDecorationName(std::string_view s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '.' ||
              c == '<' || c == '>' || c == '(' || c == ')' || c == '-' || c == '_' || c == '+' ||
              c == '/' || c == '^' || c == '\'';
    if (!ok) return false;
  }
  return true;
}

// The decorations ABC 2.1 names (for telling an unterminated !trill from a `!` line break).
bool IsKnownDecoration(std::string_view w) {
  static constexpr const char* kNames[] = {"trill",
                                           "trill(",
                                           "trill)",
                                           "lowermordent",
                                           "uppermordent",
                                           "mordent",
                                           "pralltriller",
                                           "roll",
                                           "turn",
                                           "turnx",
                                           "invertedturn",
                                           "invertedturnx",
                                           "arpeggio",
                                           "accent",
                                           "emphasis",
                                           "fermata",
                                           "invertedfermata",
                                           "tenuto",
                                           "plus",
                                           "snap",
                                           "slide",
                                           "wedge",
                                           "upbow",
                                           "downbow",
                                           "open",
                                           "thumb",
                                           "breath",
                                           "pppp",
                                           "ppp",
                                           "pp",
                                           "p",
                                           "mp",
                                           "mf",
                                           "f",
                                           "ff",
                                           "fff",
                                           "ffff",
                                           "sfz",
                                           "crescendo(",
                                           "crescendo)",
                                           "diminuendo(",
                                           "diminuendo)",
                                           "segno",
                                           "coda",
                                           "D.S.",
                                           "D.C.",
                                           "dacoda",
                                           "dacapo",
                                           "fine",
                                           "shortphrase",
                                           "mediumphrase",
                                           "longphrase",
                                           "marcato",
                                           "staccato",
                                           "ped",
                                           "ped-up",
                                           "<(",
                                           "<)",
                                           ">(",
                                           ">)"};
  for (const char* n : kNames)
    if (w == n) return true;
  return false;
}

std::string Quote(std::string_view s, size_t i, size_t n = 1) {
  std::string out = "'";
  for (size_t k = i; k < s.size() && k < i + n; ++k) {
    unsigned char c = static_cast<unsigned char>(s[k]);
    if (c < 0x20 || c >= 0x7f) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "'";
}

}  // namespace

void TuneParser::ResetBarAccidentals() { vs().bar_set.fill(false); }

bool TuneParser::OpenEndAt(std::string_view s, size_t j, SourcePos pos) const {
  return j == s.size() && !music_line_trimmed_ && AtOpenEnd(pos);
}

bool TuneParser::OpenAccidental(std::string_view s, size_t i, SourcePos pos) const {
  const std::string_view rest = s.substr(i);
  const bool prefix_of_a_note = rest == "^" || rest == "^^" || rest == "_" || rest == "__" || rest == "=";
  return prefix_of_a_note && OpenEndAt(s, s.size(), pos);
}

bool TuneParser::ParsePitch(std::string_view s, size_t* i, Pitch* p) {
  size_t j = *i;
  Accidental a = Accidental::kNone;
  if (j + 1 < s.size() && s[j] == '^' && s[j + 1] == '^') {
    a = Accidental::kDoubleSharp;
    j += 2;
  } else if (j + 1 < s.size() && s[j] == '_' && s[j + 1] == '_') {
    a = Accidental::kDoubleFlat;
    j += 2;
  } else if (j < s.size() && s[j] == '^') {
    a = Accidental::kSharp;
    ++j;
  } else if (j < s.size() && s[j] == '_') {
    a = Accidental::kFlat;
    ++j;
  } else if (j < s.size() && s[j] == '=') {
    a = Accidental::kNatural;
    ++j;
  }
  if (j >= s.size() || !IsNoteLetter(s[j])) return false;
  char c = s[j++];
  int octave = 0;
  if (c >= 'a') {
    octave = 1;
    c = static_cast<char>(c - 'a' + 'A');
  }
  // Octave marks raise lower-case and lower upper-case letters only (abc2midi: "Bad pitch
  // specifier , after note d"); a mark the other way is left for the caller to report.
  const char mark = octave == 1 ? '\'' : ',';
  while (j < s.size() && s[j] == mark) {
    octave += mark == '\'' ? 1 : -1;
    if (octave > 20) octave = 20;
    if (octave < -20) octave = -20;
    ++j;
  }
  p->letter = c;
  p->octave = static_cast<int8_t>(octave);
  p->written = a;
  *i = j;
  return true;
}

Fraction TuneParser::ParseLength(std::string_view s, size_t* i, SourcePos pos) {
  size_t j = *i;
  int64_t num = 1, den = 1;
  bool overflow = false;
  bool have_num = ParseSmallInt(s, &j, &num, &overflow);
  length_numerator_one_ = !have_num || num == 1;
  int slashes = 0;
  bool after_digits = false;  // a '/' after "/4" (as in /4/4 or /2/) is read by neither tool
  bool odd = false;           // a denominator that is not a power of two (/3, /12)
  while (j < s.size() && s[j] == '/' && !after_digits) {
    ++j;
    ++slashes;
    int64_t d = 2;
    if (ParseSmallInt(s, &j, &d, &overflow)) {
      after_digits = true;
      odd = odd || d <= 0 || (d & (d - 1)) != 0;
    }
    if (den < (int64_t{1} << 30))
      den *= d;
    else
      overflow = true;
  }
  std::string_view written = s.substr(*i, j - *i);
  // In prefix mode a length that reaches the end of the text may still grow ("/3" of "/32").
  length_open_ = OpenEndAt(s, j, pos);
  if (j < s.size() && s[j] == '/') {
    Report(DiagnosticKind::kBadLength, pos,
           "expected a note length such as /, //, /2 or 3/2, got '" + std::string(s.substr(*i, j + 1 - *i)) +
               "' (a '/' after the denominator)");
    while (j < s.size() && (s[j] == '/' || IsDigit(s[j]))) ++j;
    *i = j;
    return Fraction(1);
  }
  *i = j;
  if (odd && !length_open_) {
    // abc2midi: "is not a power of 2".
    Report(DiagnosticKind::kBadLength, pos,
           "expected a length whose denominator is a power of two, got '" + std::string(written) + "'");
    return Fraction(1);
  }
  if (!have_num && slashes == 0) return Fraction(1);
  if (overflow || num == 0 || den == 0) {
    Report(
        DiagnosticKind::kBadLength, pos,
        "expected a non-zero note length of reasonable size, got '" + std::string(written) + "'");
    return Fraction(1);
  }
  Fraction f(num, den);
  if (f > Fraction(64) || f < Fraction(1, 64)) {
    Report(DiagnosticKind::kBadLength, pos,
           "expected a note length between 1/64 and 64 units, got '" + std::string(written) + "'");
    return Fraction(1);
  }
  return f;
}

void TuneParser::ResolvePitch(Pitch* p, SourcePos pos, bool grace) {
  VoiceState& v = vs();
  int li = LetterIndex(p->letter);
  int alter;
  bool from_tie = false;
  if (!grace && p->written == Accidental::kNone && v.tie_from >= 0) {
    const Note* prev = voice().elements[v.tie_from].get_if<Note>();
    if (prev) {
      for (const Pitch& q : prev->pitches) {
        if (q.tie && q.letter == p->letter && q.octave == p->octave) {
          alter = q.alter;
          from_tie = true;
          break;
        }
      }
    }
  }
  if (!from_tie) {
    if (p->written != Accidental::kNone) {
      alter = AccidentalSemitones(p->written);
      v.bar_alter[li] = static_cast<int8_t>(alter);
      v.bar_set[li] = true;
    } else if (v.bar_set[li]) {
      alter = v.bar_alter[li];
    } else {
      alter = v.state.key.alter[li];
    }
  }
  p->alter = static_cast<int8_t>(alter);
  int midi = 12 * (p->octave + 5) + LetterSemitones(p->letter) + alter;
  p->midi = static_cast<int16_t>(midi);
  if (midi < 0 || midi > 127) {
    Report(DiagnosticKind::kPitchOutOfRange, pos,
           "expected a pitch within MIDI 0..127, got " + std::to_string(midi));
  }
}

void TuneParser::CheckTie(Note* note, SourcePos pos, bool pitch_open) {
  VoiceState& v = vs();
  if (v.tie_from < 0) return;
  const Note* prev = voice().elements[v.tie_from].get_if<Note>();
  // The tied-to note is the next one written, across repeats too: abcm2ps ("Bad tie") and
  // abc2midi compare those two.
  v.tie_from = -1;
  v.repeat_since_tie = false;
  if (!prev) return;
  for (const Pitch& q : prev->pitches) {
    if (!q.tie) continue;
    bool found = false;
    for (const Pitch& p : note->pitches)
      if (p.midi == q.midi) found = true;
    if (!found) {
      if (pitch_open) return;  // "c" of "c'": octave marks may still come
      Report(DiagnosticKind::kTieMismatch, pos,
             "expected a tied note of MIDI pitch " + std::to_string(q.midi) + ", got " +
                 (note->pitches.empty() ? std::string("none")
                                        : std::to_string(note->pitches.front().midi)));
      return;
    }
  }
}

namespace {
// True when a note of `d` whole notes can be drawn as one note head: a power of two times 1, 3, 7
// or 15 (plain, dotted, double or triple dotted). abcm2ps refuses the rest ("Note too much
// dotted"): C5 with L:1/8, or C3>C3, whose first note lasts 9/16.
bool DrawableLength(Fraction d) {
  if (!d.is_positive() || (d.den() & (d.den() - 1)) != 0) return true;  // judged elsewhere
  // Its dots down to a 128th at most: a double-dotted 64th (7/256) is "Invalid note duration".
  if (d.den() > 128) return false;
  int64_t odd = d.num();
  while (odd % 2 == 0) odd /= 2;
  return odd == 1 || odd == 3 || odd == 7 || odd == 15;
}
}  // namespace

void TuneParser::Timed(size_t index, Fraction base_length, SourcePos pos) {
  VoiceState& v = vs();
  Element& e = voice().elements[index];
  Fraction d = base_length * v.state.unit_length;
  if ((d < Fraction(1, 64) || d > Fraction(4)) && d.valid() && !length_open_) {
    // abcm2ps draws notes from a 64th to a longa ("Note too short", "Bad length").
    Report(DiagnosticKind::kBadLength, pos,
           "expected a note from a 64th to four whole notes long, got " + d.ToString() + " of a whole note");
  } else if (d.valid() && !length_open_ && !DrawableLength(d)) {
    Report(DiagnosticKind::kBadLength, pos,
           "expected a length one note can show (a power of two times 1, 3, 7 or 15: plain or with up to "
           "three dots), got " + d.ToString() + " of a whole note; write it as tied notes");
  }
  const bool in_tuplet = !v.tuplets.empty();
  Fraction tuplet(1);
  bool q_one = true;
  for (ActiveTuplet& t : v.tuplets) {
    d *= t.factor;
    tuplet *= t.factor;
    q_one = q_one && t.q == 1;
    --t.remaining;
  }
  while (!v.tuplets.empty() && v.tuplets.back().remaining <= 0) v.tuplets.pop_back();
  for (size_t k = 0; k < v.tuplets.size();) {
    if (v.tuplets[k].remaining <= 0)
      v.tuplets.erase(v.tuplets.begin() + k);
    else
      ++k;
  }
  SwingTimed(index, d, tuplet, length_numerator_one_ && q_one, pos);
  if (v.broken_count > 0) {
    if (in_tuplet != v.broken_first_in_tuplet) {
      Report(DiagnosticKind::kUnevenBrokenRhythm, v.broken_pos,
             "expected both notes of the broken rhythm inside a tuplet or both outside, got one of each");
    } else if (base_length != v.broken_first_length && !length_open_) {
      // abc2midi plays a broken rhythm only between notes written equally long ("Notes not
      // equal durations"); the standard defines it for such pairs.
      Report(DiagnosticKind::kUnevenBrokenRhythm, v.broken_pos,
             "expected notes of equal written length around the broken rhythm, got " +
                 v.broken_first_length.ToString() + " and " + base_length.ToString() + " units");
    } else if (v.broken_first_factor != v.timed_factor && !v.broken_first_chord && !v.timed_chord &&
               !v.timed_tilde) {
      // abc2midi holds a fermata note twice as long and a staccato one half as long before it
      // applies the broken rhythm, and then refuses the unequal pair (not around a chord, nor
      // when the second note is a "~" roll, which it plays as several notes).
      Report(DiagnosticKind::kHeldBrokenRhythm, v.broken_pos,
             "expected a fermata, staccato '.' or !breath! on both notes of the broken rhythm or on neither "
             "(abc2midi holds such a note longer or shorter, then: \"Cannot apply broken rhythm\")");
    }
    Fraction shortf(1, int64_t{1} << v.broken_count);
    const Fraction longer = base_length * v.state.unit_length * (Fraction(2) - shortf);
    if (!length_open_ && longer.valid() && !DrawableLength(longer) && DrawableLength(d))
      Report(DiagnosticKind::kBadLength, v.broken_pos,
             "expected a broken rhythm whose longer note one note head can show (a power of two times 1, 3, 7 "
             "or 15), got " + longer.ToString() + " of a whole note");
    d *= v.broken_first_longer ? shortf : Fraction(2) - shortf;
    v.broken_count = 0;
    v.last_closed_broken = true;
  } else {
    v.last_closed_broken = false;
  }
  if (!d.valid()) {
    Report(DiagnosticKind::kBadLength, pos, "expected a representable duration, got an overflow");
    d = Fraction(0);
  }
  if (Note* n = e.get_if<Note>()) {
    n->duration = d;
    n->onset = v.time;
  } else if (Rest* r = e.get_if<Rest>()) {
    r->duration = d;
    r->onset = v.time;
  }
  v.time += d;
  if (!v.time.valid()) v.time = Fraction(0);
  v.last_timed = static_cast<int64_t>(index);
  v.last_timed_adjacent = true;
  v.last_timed_length = base_length;
  v.last_timed_in_tuplet = in_tuplet;
}

size_t TuneParser::ParseNoteOrRest(std::string_view s, size_t i, int32_t line_no) {
  SourcePos pos{line_no, static_cast<int32_t>(i) + 1};
  char c = s[i];
  if (c == 'z' || c == 'x') {
    ++i;
    Rest r;
    r.invisible = c == 'x';
    r.written_length = ParseLength(s, &i, pos);
    Fraction len = r.written_length;
    size_t idx = voice().elements.size();
    Add(pos, std::move(r));
    if (vs().tie_from >= 0) {
      Report(DiagnosticKind::kDanglingTie, pos, "expected a note after the tie, got a rest");
      vs().tie_from = -1;
    }
    Timed(idx, len, pos);
    return i;
  }
  if (c == 'Z' || c == 'X') {
    ++i;
    int64_t bars = 1;
    bool overflow = false;
    ParseSmallInt(s, &i, &bars, &overflow);
    if (overflow || bars <= 0 || bars > 10000) {
      Report(DiagnosticKind::kBadLength, pos,
             "expected a number of bars from 1 to 10000 after Z, got " + std::to_string(bars));
      bars = 1;
    }
    Rest r;
    r.invisible = c == 'X';
    r.bars = static_cast<int32_t>(bars);
    r.duration = vs().state.meter.BarLength() * Fraction(bars);
    r.onset = vs().time;
    SwingRestOfBars(vs().state.meter.BarLength());
    vs().time += r.duration;
    size_t idx = voice().elements.size();
    Add(pos, std::move(r));
    vs().last_timed = static_cast<int64_t>(idx);
    vs().last_timed_adjacent = false;  // no broken rhythm with multi-bar rests
    return i;
  }
  Note n;
  Pitch p;
  size_t j = i;
  if (!ParsePitch(s, &j, &p)) {
    // An accidental without a letter; at a prefix's open end the letter may still come.
    if (OpenAccidental(s, i, pos)) return s.size();
    Report(DiagnosticKind::kSyntax, pos,
           "expected a note letter after the accidental, got " + Quote(s, j));
    return j + 1 > s.size() ? s.size() : (j == i ? i + 1 : j);
  }
  // At a prefix's open end, octave marks may still come after the letter.
  const bool pitch_open = OpenEndAt(s, j, pos);
  n.written_length = ParseLength(s, &j, pos);
  n.numerator_reduced = !length_numerator_one_ && n.written_length.num() == 1;
  ResolvePitch(&p, pos, /*grace=*/false);
  bool tie = false;
  if (j < s.size() && s[j] == '-') {
    tie = true;
    ++j;
  }
  n.pitches.push_back(p);
  CheckTie(&n, pos, pitch_open);
  if (tie) n.pitches[0].tie = true;
  Fraction len = n.written_length;
  size_t idx = voice().elements.size();
  Add(pos, std::move(n));
  Timed(idx, len, pos);
  if (tie) {
    vs().tie_from = static_cast<int64_t>(idx);
    vs().repeat_since_tie = false;
  }
  return j;
}

size_t TuneParser::ParseChord(std::string_view s, size_t i, int32_t line_no) {
  SourcePos pos{line_no, static_cast<int32_t>(i) + 1};
  size_t j = i + 1;
  Note n;
  n.chord = true;
  std::vector<Element> pre;  // decorations and annotations written inside the chord
  bool closed = false;
  while (j < s.size()) {
    char c = s[j];
    SourcePos p2{line_no, static_cast<int32_t>(j) + 1};
    if (c == ']') {
      closed = true;
      ++j;
      break;
    }
    if (c == ' ' || c == '\t') {
      // abc2midi reads it; abcm2ps stops there ("Not a note").
      Report(DiagnosticKind::kSpaceInChord, p2,
             "expected a note or ']' inside the chord, got a space (abcm2ps refuses it)");
      while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
    } else if (c == '[') {
      Report(DiagnosticKind::kNestedChord, p2, "expected a note or ']' inside the chord, got '['");
      ++j;
    } else if (c == '|') {
      Report(DiagnosticKind::kUnexpectedBarInChord, p2,
             "expected a note or ']' inside the chord, got a bar line");
      break;
    } else if (IsNoteLetter(c) || IsAccidentalChar(c)) {
      Pitch p;
      size_t k = j;
      if (!ParsePitch(s, &k, &p)) {
        if (OpenAccidental(s, j, p2)) {
          j = s.size();
          continue;
        }
        Report(DiagnosticKind::kSyntax, p2,
               "expected a note letter after the accidental, got " + Quote(s, k));
        j = k + 1;
        continue;
      }
      p.written_length = ParseLength(s, &k, p2);
      ResolvePitch(&p, p2, /*grace=*/false);
      if (k < s.size() && s[k] == '-') {
        p.tie = true;
        ++k;
      }
      n.pitches.push_back(p);
      if (n.pitches.size() == kMaxChordNotes + 1)
        Report(DiagnosticKind::kSyntax, p2,
               "expected at most " + std::to_string(kMaxChordNotes) + " notes in a chord (abcm2ps), got more");
      j = k;
    } else if (c == '"') {
      size_t e = s.find('"', j + 1);
      if (e == std::string_view::npos) break;
      Annotation a;
      a.text = std::string(s.substr(j + 1, e - j - 1));
      pre.push_back(Element{p2, std::move(a)});
      j = e + 1;
    } else if (c == '!' || c == '+') {
      size_t e = s.find(c, j + 1);
      if (e == std::string_view::npos || !IsDecorationName(s.substr(j + 1, e - j - 1))) {
        Report(DiagnosticKind::kUnterminatedDecoration, p2,
               std::string("expected a decoration closed by '") + c + "', got " + Quote(s, j, 12));
        ++j;
        continue;
      }
      Decoration d;
      d.name = std::string(s.substr(j + 1, e - j - 1));
      d.written = std::string(s.substr(j, e - j + 1));
      pre.push_back(Element{p2, std::move(d)});
      j = e + 1;
    } else if (const char* name = DecorationLetterName(c)) {
      Decoration d;
      d.name = name;
      d.written = std::string(1, c);
      pre.push_back(Element{p2, std::move(d)});
      ++j;
    } else {
      Report(DiagnosticKind::kSyntax, p2,
             "expected a note or ']' inside the chord, got " + Quote(s, j));
      ++j;
    }
  }
  if (!closed && !AtOpenEnd(pos)) {
    Report(DiagnosticKind::kUnterminatedChord, pos,
           "expected ']' to close the chord opened here, got the end of the line");
  }
  for (Element& e : pre) voice().elements.push_back(std::move(e));
  if (closed) {
    n.written_length = ParseLength(s, &j, pos);
    if (j < s.size() && s[j] == '-') {
      n.chord_tie = true;
      for (Pitch& p : n.pitches) p.tie = true;
      ++j;
    }
  }
  if (n.pitches.empty()) {
    if (closed) Report(DiagnosticKind::kEmptyChord, pos, "expected notes in the chord, got none");
    return j;
  }
  // Ties into this chord are judged before its own ties are recorded.
  std::vector<bool> own_ties;
  own_ties.reserve(n.pitches.size());
  for (Pitch& p : n.pitches) {
    own_ties.push_back(p.tie);
    p.tie = false;
  }
  CheckTie(&n, pos);
  bool any_tie = false;
  for (size_t k = 0; k < n.pitches.size(); ++k) {
    n.pitches[k].tie = own_ties[k];
    any_tie = any_tie || own_ties[k];
  }
  Fraction len = n.pitches.front().written_length * n.written_length;
  // The chord lasts as long as its first note (Timed judges that length); abcm2ps draws every
  // other note with its own, and abc2midi wants a tie to leave a note that ends with the chord.
  if (!length_open_) {
    for (size_t k = 1; k < n.pitches.size(); ++k) {
      const Pitch& p = n.pitches[k];
      const Fraction own = p.written_length * n.written_length;
      const Fraction whole = own * vs().state.unit_length;
      if (whole.valid() && !DrawableLength(whole))
        Report(DiagnosticKind::kBadLength, pos,
               "expected chord notes of lengths one note head can show (a power of two times 1, 3, 7 or 15), "
               "got " + whole.ToString() + " of a whole note");
      else if (own_ties[k] && own != len)
        Report(DiagnosticKind::kTieMismatch, pos,
               "expected a tied note in a chord as long as the chord (its first note), got " + own.ToString() +
                   " units against " + len.ToString());
    }
  }
  size_t idx = voice().elements.size();
  Add(pos, std::move(n));
  Timed(idx, len, pos);
  if (any_tie) {
    vs().tie_from = static_cast<int64_t>(idx);
    vs().repeat_since_tie = false;
  }
  return j;
}

size_t TuneParser::ParseGrace(std::string_view s, size_t i, int32_t line_no) {
  SourcePos pos{line_no, static_cast<int32_t>(i) + 1};
  size_t j = i + 1;
  GraceGroup g;
  if (j < s.size() && s[j] == '/') {
    g.acciaccatura = true;
    ++j;
  }
  bool closed = false;
  while (j < s.size()) {
    char c = s[j];
    SourcePos p2{line_no, static_cast<int32_t>(j) + 1};
    if (c == '}') {
      closed = true;
      ++j;
      break;
    }
    if (c == ' ' || c == '\t' || c == '[' || c == ']' || c == '-' || c == '`') {
      ++j;  // chords and ties inside grace groups are flattened
    } else if (IsNoteLetter(c) || IsAccidentalChar(c)) {
      Pitch p;
      size_t k = j;
      if (!ParsePitch(s, &k, &p)) {
        if (OpenAccidental(s, j, p2)) {
          j = s.size();
          continue;
        }
        Report(DiagnosticKind::kSyntax, p2,
               "expected a note letter after the accidental, got " + Quote(s, k));
        j = k + 1;
        continue;
      }
      p.written_length = ParseLength(s, &k, p2);
      ResolvePitch(&p, p2, /*grace=*/true);
      g.pitches.push_back(p);
      j = k;
    } else if (c == '|' || c == '{') {
      Report(DiagnosticKind::kUnterminatedGrace, pos,
             "expected '}' to close the grace notes opened here, got " + Quote(s, j));
      if (!g.pitches.empty()) {
        swing_previous_ = Fraction(0);  // abc2midi swings no note after a grace note
        vs().next_fermata = vs().next_halved = vs().next_tilde = false;  // theirs, not the main note's
      }
      Add(pos, std::move(g));
      return j;
    } else {
      Report(DiagnosticKind::kSyntax, p2,
             "expected a note or '}' inside the grace notes, got " + Quote(s, j));
      ++j;
    }
  }
  if (!closed && !AtOpenEnd(pos)) {
    Report(DiagnosticKind::kUnterminatedGrace, pos,
           "expected '}' to close the grace notes opened here, got the end of the line");
  }
  if (!g.pitches.empty()) {
    swing_previous_ = Fraction(0);
    // abc2midi gives a decoration before grace notes to the first of them, not to the main note.
    vs().next_fermata = vs().next_halved = vs().next_tilde = false;
  }
  Add(pos, std::move(g));
  return j;
}

size_t TuneParser::ParseTuplet(std::string_view s, size_t i, SourcePos pos) {
  size_t j = i + 1;  // after '('
  int64_t p = 0, q = 0, r = 0;
  bool overflow = false;
  ParseSmallInt(s, &j, &p, &overflow);
  bool q_given = false, r_given = false;
  if (j < s.size() && s[j] == ':') {
    ++j;
    q_given = ParseSmallInt(s, &j, &q, &overflow);
    if (j < s.size() && s[j] == ':') {
      ++j;
      r_given = ParseSmallInt(s, &j, &r, &overflow);
    }
  }
  std::string text(s.substr(i, j - i));
  // p from 2 to 9: abc2midi refuses more ("Only tuples (2 - (9 allowed").
  if (overflow || p < 2 || p > 9 || (q_given && (q < 1 || q > 64)) || (r_given && (r < 1 || r > 64))) {
    Report(DiagnosticKind::kBadTuplet, pos, "expected a tuplet (p:q:r with p from 2 to 9), got '" + text + "'");
    return j;
  }
  if (vs().broken_count > 0) {
    // abc2midi: "Cannot apply broken rhythm" to a tuplet's note.
    Report(DiagnosticKind::kBadBrokenRhythm, vs().broken_pos,
           "expected a plain note after the broken rhythm, got the tuplet '" + text + "'");
  }
  for (const ActiveTuplet& open : vs().tuplets) {
    if (open.remaining > 0) {
      // Neither abc2midi ("nested tuples") nor abcm2ps ("Bad nested tuplet") nests tuplets.
      Report(DiagnosticKind::kBadTuplet, pos,
             "expected the notes of the tuplet at " + PosText(open.pos) + " to finish before '" + text +
                 "', got a tuplet inside it");
      return j;
    }
  }
  if (!q_given) {
    const Meter& m = vs().state.meter;
    Fraction bar = m.BarLength();
    int64_t beats = 0;
    for (int k : m.numerators) beats += k;
    bool compound = m.kind == Meter::Kind::kNumeric && beats % 3 == 0 && beats > 3;
    (void)bar;
    switch (p) {
      case 2:
        q = 3;
        break;
      case 3:
        q = 2;
        break;
      case 4:
        q = 3;
        break;
      case 6:
        q = 2;
        break;
      case 8:
        q = 3;
        break;
      default:
        q = compound ? 3 : 2;
        break;
    }
  }
  if (!r_given) r = p;
  Tuplet t;
  t.p = static_cast<int>(p);
  t.q = static_cast<int>(q);
  t.r = static_cast<int>(r);
  t.text = text;
  ActiveTuplet at;
  at.factor = Fraction(q, p);
  at.q = static_cast<int>(q);
  at.remaining = static_cast<int>(r);
  at.pos = pos;
  if (vs().tuplets.size() < 8) vs().tuplets.push_back(at);
  Add(pos, std::move(t));
  return j;
}

size_t TuneParser::ParseInlineField(std::string_view s, size_t i, int32_t line_no) {
  SourcePos pos{line_no, static_cast<int32_t>(i) + 1};
  size_t e = s.find(']', i);
  if (e == std::string_view::npos) {
    if (!AtOpenEnd(pos)) {
      Report(DiagnosticKind::kUnterminatedInlineField, pos,
             "expected ']' to close the inline field, got the end of the line");
    }
    return s.size();
  }
  Field f;
  f.letter = s[i + 1];
  f.pos = pos;
  f.value = DecodeText(Trim(s.substr(i + 3, e - i - 3)), pos);
  BodyField(std::move(f), /*is_inline=*/true);
  return e + 1;
}

size_t TuneParser::ParseEnding(std::string_view s, size_t i, SourcePos pos, bool attached) {
  size_t j = i;
  Ending en;
  while (j < s.size()) {
    int64_t a = 0;
    bool overflow = false;
    if (!ParseSmallInt(s, &j, &a, &overflow)) break;
    if (a > 100) a = 100;
    int last = en.numbers.empty() ? 0 : en.numbers.back();
    if (j < s.size() && s[j] == '-' && j + 1 < s.size() && IsDigit(s[j + 1])) {
      ++j;
      int64_t b = 0;
      ParseSmallInt(s, &j, &b, &overflow);
      if (b > 100) b = 100;
      for (int64_t k = a; k <= b; ++k) en.numbers.push_back(static_cast<int>(k));
    } else {
      en.numbers.push_back(static_cast<int>(a));
    }
    (void)last;
    if (j + 1 < s.size() && s[j] == ',' && IsDigit(s[j + 1])) {
      ++j;
      continue;
    }
    break;
  }
  en.text = std::string(s.substr(i, j - i));
  en.attached = attached;
  VoiceState& v = vs();
  int lowest = 1000;
  for (int k : en.numbers) lowest = std::min(lowest, k);
  if (lowest <= 1 && v.first_ending_open) {
    Report(DiagnosticKind::kEndingWithoutRepeat, pos,
           "expected a :| closing ending [1 at " + PosText(v.first_ending_pos) + " before ending " + en.text +
               ", got none");
  }
  if (v.tie_from >= 0) {
    // abcm2ps: "Bad tie"; abc2midi holds the note past the end of the track.
    Report(DiagnosticKind::kDanglingTie, pos, "expected the tied note before ending " + en.text + ", got the ending");
    v.tie_from = -1;
  }
  if (v.later_ending_open) {
    // abc2midi: "Need || |: :| or :: to mark end of variant ending".
    Report(DiagnosticKind::kEndingWithoutRepeat, pos,
           "expected || or a repeat to close the previous ending before ending " + en.text + ", got none");
  }
  v.later_ending_open = lowest > 1;
  if (lowest > 1) v.later_ending_pos = pos;
  if (lowest <= 1) {
    v.first_ending_open = true;
    v.first_ending_pos = pos;
    v.repeat_end_since_ending = false;
  } else {
    if (!v.repeat_end_since_ending) {
      Report(DiagnosticKind::kEndingWithoutRepeat, pos,
             "expected a :| repeat before ending " + en.text + ", got none");
    }
    v.repeat_end_since_ending = false;
    v.first_ending_open = false;
  }
  Add(pos, std::move(en));
  return j;
}

void TuneParser::CloseFullBarAtLineEnd(int32_t line_no, size_t column) {
  VoiceState& v = vs();
  const Fraction bar = v.state.meter.BarLength();
  if (!bar.is_positive() || v.time - v.bar_start != bar || v.broken_count > 0) return;
  for (const ActiveTuplet& t : v.tuplets)
    if (t.remaining > 0) return;
  const std::vector<Element>& els = voice().elements;
  for (size_t k = els.size(); k > 0; --k) {
    const ElementKind kind = els[k - 1].kind();
    if (kind == ElementKind::kBarLine || kind == ElementKind::kEnding) return;  // closed already
    if (kind == ElementKind::kNote || kind == ElementKind::kRest) break;
  }
  // As if "|" stood just after the line's music.
  const std::string line = std::string(column, ' ') + "|";
  ParseBar(line, column, line_no);
}

size_t TuneParser::ParseBar(std::string_view s, size_t i, int32_t line_no) {
  SourcePos pos{line_no, static_cast<int32_t>(i) + 1};
  size_t j = i;
  // The token: [| .| or a run of | : with a ] right after a |.
  if (s[j] == '[' || s[j] == '.') ++j;
  while (j < s.size()) {
    char c = s[j];
    if (c == '|' || c == ':') {
      ++j;
    } else if (c == ']' && j > i && s[j - 1] == '|' && !(j - i >= 2 && s[j - 2] == '|')) {
      ++j;  // "|]" (not "||]": abc2midi reads that ']' as the end of a chord)
    } else if (c == '[' && j > i && s[j - 1] == '|' && j + 1 < s.size() && s[j + 1] == '|') {
      ++j;  // |[| style compound bars
    } else {
      break;
    }
  }
  std::string_view tok = s.substr(i, j - i);
  size_t lead = 0, trail = 0;
  while (lead < tok.size() && tok[lead] == ':') ++lead;
  while (trail < tok.size() - lead && tok[tok.size() - 1 - trail] == ':') ++trail;
  std::string_view core = tok.substr(lead, tok.size() - lead - trail);
  BarLine b;
  b.text = std::string(tok);
  b.repeat_end = lead > 0;
  b.repeat_start = trail > 0;
  b.repeat_count = static_cast<int8_t>(lead > 9 ? 9 : lead);
  if (!core.empty() && (lead > 1 || trail > 1)) {
    // abc2midi reads one ':' each side ("::|" does not close an ending for it).
    Report(DiagnosticKind::kSyntax, pos, "expected a repeat sign with one ':' each side (:| |: ::), got '" +
                                             std::string(tok) + "'");
  }
  if (core.find("[|]") != std::string_view::npos) {
    // ABC 2.1's invisible bar line; abc2midi reads it as a chord ("Chord already finished").
    Report(DiagnosticKind::kSyntax, pos, "expected a bar line abc2midi reads, got '" + std::string(tok) + "'");
  }
  // "|:|" and "|:|||:" (a colon inside the token): abc2midi starts a repeat there.
  if (core.find(':') != std::string_view::npos) b.repeat_start = true;
  if (core.empty()) {
    if (tok.size() < 2) {
      Report(DiagnosticKind::kSyntax, pos, "expected a bar line such as :| or ::, got ':'");
      return j;
    }
    // "::" and ":::": end and start of repeats.
    b.repeat_end = b.repeat_start = true;
    b.repeat_count = 1;
  }
  if (b.repeat_end && b.repeat_start)
    b.kind = BarKind::kRepeatBoth;
  else if (b.repeat_end)
    b.kind = BarKind::kRepeatEnd;
  else if (b.repeat_start)
    b.kind = BarKind::kRepeatStart;
  else if (core == "|")
    b.kind = BarKind::kSingle;
  else if (core == "||")
    b.kind = BarKind::kDouble;
  else if (core == "[|]")
    b.kind = BarKind::kInvisible;
  else if (core.front() == '[')
    b.kind = BarKind::kStart;
  else if (core.front() == '.')
    b.kind = BarKind::kDotted;
  else if (core.back() == ']')
    b.kind = BarKind::kFinal;
  else
    b.kind = BarKind::kDouble;
  VoiceState& v = vs();
  if (v.broken_count > 0) {
    Report(DiagnosticKind::kBadBrokenRhythm, v.broken_pos,
           "expected a note after the broken rhythm, got the bar line " + b.text);
    v.broken_count = 0;
  }
  for (const ActiveTuplet& t : v.tuplets) {
    if (t.remaining <= 0) continue;
    // abc2midi loses count of a tuplet that crosses a bar line.
    Report(DiagnosticKind::kBadTuplet, t.pos,
           "expected " + std::to_string(t.remaining) + " more note(s) for the tuplet started here before the bar line " +
               b.text);
    v.tuplets.clear();
    break;
  }
  if (b.repeat_start && v.later_ending_repeated) {
    // "|: A :|2 B :| |: C ..." : abc2midi "Expected end repeat not found at |:".
    Report(DiagnosticKind::kEndingWithoutRepeat, pos,
           "expected a second ending closed by | or || (abc2midi refuses " + b.text +
               " after an ending closed by :|), got :| before it");
  }
  if (b.repeat_end && v.later_ending_open) v.later_ending_repeated = true;
  if (b.kind != BarKind::kSingle && b.kind != BarKind::kDotted && b.kind != BarKind::kInvisible)
    v.later_ending_open = false;
  if (!b.repeat_end && v.first_ending_open && (b.kind == BarKind::kDouble || b.kind == BarKind::kFinal)) {
    // abc2midi ends the variant at || and then finds no :| for it.
    Report(DiagnosticKind::kEndingWithoutRepeat, pos,
           "expected a :| closing ending [1 at " + PosText(v.first_ending_pos) + " before " + b.text + ", got none");
  }
  if (b.repeat_start && !b.repeat_end && v.first_ending_open) {
    // abc2midi: "Expected end repeat not found at |:".
    Report(DiagnosticKind::kEndingWithoutRepeat, pos,
           "expected a :| closing ending [1 at " + PosText(v.first_ending_pos) + " before " + b.text + ", got none");
  }
  if (b.repeat_end) {
    v.repeat_end_since_ending = true;
    v.first_ending_open = false;
  }
  if (b.repeat_end || b.repeat_start) v.repeat_since_tie = true;
  v.bar_start = v.time;
  ResetBarAccidentals();
  swing_bar_ = Fraction(0);
  v.last_timed_adjacent = false;
  Add(pos, std::move(b));
  if (j < s.size() && IsDigit(s[j])) {
    if (core != "|" || b.repeat_start) {
      // abc2midi reads an ending number only after a bar line that ends in '|' (|1, :|2).
      Report(DiagnosticKind::kSyntax, SourcePos{line_no, static_cast<int32_t>(j) + 1},
             "expected an ending number only after | or :| (|1, :|2), got it after '" +
                 std::string(tok) + "'");
    }
    j = ParseEnding(s, j, SourcePos{line_no, static_cast<int32_t>(j) + 1}, /*attached=*/true);
  }
  return j;
}

void TuneParser::MusicLine(std::string_view line, int32_t line_no) {
  if (!body_started_music_) body_started_music_ = true;
  // Where the comment starts (a % outside quotes) and whether the line continues (\ at its end).
  size_t end = line.size();
  bool in_quote = false;
  for (size_t k = 0; k < line.size(); ++k) {
    char c = line[k];
    if (c == '"')
      in_quote = !in_quote;
    else if (c == '%' && !in_quote && (k == 0 || line[k - 1] != '\\')) {
      end = k;
      break;
    }
  }
  size_t music_end = end;
  while (music_end > 0 && IsSpace(line[music_end - 1])) --music_end;
  bool continued = music_end > 0 && line[music_end - 1] == '\\';
  if (continued) --music_end;
  std::string_view s = line.substr(0, music_end);
  music_line_trimmed_ = music_end < line.size();

  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    SourcePos pos{line_no, static_cast<int32_t>(i) + 1};
    switch (c) {
      case ' ':
      case '\t': {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        std::vector<Element>& els = voice().elements;
        if (!els.empty() && els.back().kind() != ElementKind::kSpace &&
            els.back().kind() != ElementKind::kLineBreak)
          Add(pos, Space{});
        continue;
      }
      case '`':
      case 'y':
        ++i;
        continue;
      case '|':
        i = ParseBar(s, i, line_no);
        continue;
      case ':':
        i = ParseBar(s, i, line_no);
        continue;
      case '[':
        if (i + 2 < s.size() && s[i + 2] == ':' &&
            ((s[i + 1] >= 'A' && s[i + 1] <= 'Z') || (s[i + 1] >= 'a' && s[i + 1] <= 'z'))) {
          i = ParseInlineField(s, i, line_no);
        } else if (i + 1 < s.size() && s[i + 1] == '|') {
          i = ParseBar(s, i, line_no);
        } else if (i + 1 < s.size() && IsDigit(s[i + 1])) {
          i = ParseEnding(s, i + 1, pos, /*attached=*/false);
        } else {
          i = ParseChord(s, i, line_no);
        }
        continue;
      case '.':
        if (i + 1 < s.size() && s[i + 1] == '|') {
          i = ParseBar(s, i, line_no);
          continue;
        }
        if (i + 1 < s.size() && s[i + 1] == '(' && !(i + 2 < s.size() && IsDigit(s[i + 2]))) {
          vs().slurs.push_back(pos);
          Add(pos, Slur{true, true});
          i += 2;
          continue;
        }
        break;  // a staccato: a decoration letter like the others, below
      case '(':
        if (i + 1 < s.size() && IsDigit(s[i + 1])) {
          i = ParseTuplet(s, i, pos);
        } else {
          vs().slurs.push_back(pos);
          Add(pos, Slur{true, false});
          ++i;
        }
        continue;
      case ')':
        if (vs().slurs.empty()) {
          Report(DiagnosticKind::kUnmatchedSlur, pos, "expected an open slur before ')', got none");
        } else {
          vs().slurs.pop_back();
        }
        Add(pos, Slur{false, false});
        ++i;
        continue;
      case '{':
        i = ParseGrace(s, i, line_no);
        continue;
      case '"': {
        size_t e = s.find('"', i + 1);
        if (e == std::string_view::npos) {
          if (!AtOpenEnd(pos)) {
            Report(DiagnosticKind::kUnterminatedString, pos,
                   "expected '\"' to close the text opened here, got the end of the line");
          }
          i = s.size();
          continue;
        }
        std::string_view body = s.substr(i + 1, e - i - 1);
        Annotation a;
        if (!body.empty()) {
          switch (body[0]) {
            case '^':
              a.place = Annotation::Place::kAbove;
              break;
            case '_':
              a.place = Annotation::Place::kBelow;
              break;
            case '<':
              a.place = Annotation::Place::kLeft;
              break;
            case '>':
              a.place = Annotation::Place::kRight;
              break;
            case '@':
              a.place = Annotation::Place::kAnywhere;
              break;
            default:
              break;
          }
        }
        if (a.place != Annotation::Place::kChordSymbol) body.remove_prefix(1);
        a.text = DecodeText(body, pos);
        Add(pos, std::move(a));
        i = e + 1;
        continue;
      }
      case '!':
      case '+': {
        size_t e = s.find(c, i + 1);
        if (e != std::string_view::npos && IsDecorationName(s.substr(i + 1, e - i - 1))) {
          Decoration d;
          d.name = std::string(s.substr(i + 1, e - i - 1));
          d.written = std::string(s.substr(i, e - i + 1));
          if (d.name == "fermata") vs().next_fermata = true;
          if (d.name == "breath") vs().next_halved = true;
          Add(pos, std::move(d));
          i = e + 1;
        } else if (c == '!') {
          // Not a decoration: `!` used as a score line break (ABC 2.0, Aird's tunes).
          size_t k = i + 1;
          while (k < s.size() && !IsSpace(s[k]) && s[k] != '|' && s[k] != '!') ++k;
          bool known = IsKnownDecoration(s.substr(i + 1, k - i - 1));
          if (known && e == std::string_view::npos && !AtOpenEnd(pos)) {
            Report(DiagnosticKind::kUnterminatedDecoration, pos,
                   "expected a decoration closed by '!', got " + Quote(s, i, k - i));
            i = k;
          } else {
            Add(pos, LineBreak{LineBreak::Kind::kBang});
            ++i;
          }
        } else {
          if (!AtOpenEnd(pos)) {
            Report(DiagnosticKind::kUnterminatedDecoration, pos,
                   "expected a decoration closed by '+', got " + Quote(s, i, 12));
          }
          ++i;
        }
        continue;
      }
      case '$':
        Add(pos, LineBreak{LineBreak::Kind::kDollar});
        ++i;
        continue;
      case '-': {
        VoiceState& v = vs();
        Note* last = v.last_timed >= 0 ? voice().elements[v.last_timed].get_if<Note>() : nullptr;
        if (last && v.last_timed_adjacent && v.tie_from < 0) {
          for (Pitch& p : last->pitches) p.tie = true;
          if (last->chord) last->chord_tie = true;
          v.tie_from = v.last_timed;
          v.repeat_since_tie = false;
        } else if (last && v.tie_from == v.last_timed) {
          // abc2midi: "Bad tie: possibly two ties in a row"; abcm2ps: "Too many ties".
          Report(DiagnosticKind::kSyntax, pos, "expected a note after the tie, got a second tie '-'");
        } else {
          Report(DiagnosticKind::kSyntax, pos, "expected a note before the tie '-', got none");
        }
        ++i;
        continue;
      }
      case '>':
      case '<': {
        size_t k = i;
        while (k < s.size() && s[k] == c) ++k;
        int count = static_cast<int>(k - i);
        VoiceState& v = vs();
        if (v.last_closed_broken && v.last_timed_adjacent && v.broken_count == 0 && count <= 3) {
          // abc2midi applies one broken rhythm per note: A>B<c is refused.
          Report(DiagnosticKind::kBadBrokenRhythm, pos,
                 "expected a note that is not already the second of a broken rhythm before " + Quote(s, i, k - i));
          i = k;
          continue;
        }
        if (count > 3 || v.last_timed < 0 || !v.last_timed_adjacent || v.broken_count > 0) {
          Report(DiagnosticKind::kBadBrokenRhythm, pos,
                 "expected a broken rhythm (> >> >>> < << <<<) between two notes, got " +
                     Quote(s, i, k - i));
          i = k;
          continue;
        }
        Element& prev = voice().elements[v.last_timed];
        Fraction shortf(1, int64_t{1} << count);
        Fraction factor = c == '>' ? Fraction(2) - shortf : shortf;
        Fraction* dur = nullptr;
        Fraction onset;
        if (Note* n = prev.get_if<Note>()) {
          dur = &n->duration;
          onset = n->onset;
        } else if (Rest* r = prev.get_if<Rest>()) {
          dur = &r->duration;
          onset = r->onset;
        }
        if (dur) {
          *dur *= factor;
          v.time = onset + *dur;
        }
        SwingBrokenRhythm(s.substr(i, k - i), pos);
        v.broken_count = count;
        v.broken_first_longer = c == '>';
        v.broken_first_length = v.last_timed_length;
        v.broken_first_in_tuplet = v.last_timed_in_tuplet;
        v.broken_first_factor = v.timed_factor;
        v.broken_first_chord = v.timed_chord;
        v.broken_pos = pos;
        BrokenRhythm br;
        br.count = count;
        br.first_longer = c == '>';
        Add(pos, br);
        i = k;
        continue;
      }
      case '&':
        if (!overlay_reported_) {
          overlay_reported_ = true;
          Report(DiagnosticKind::kUnsupported, pos,
                 "expected one voice per line, got a voice overlay '&': its notes count in the "
                 "same bar");
        }
        Add(pos, Overlay{});
        ++i;
        continue;
      default:
        break;
    }
    if (IsNoteLetter(c) || IsAccidentalChar(c) || c == 'z' || c == 'x' || c == 'Z' || c == 'X') {
      i = ParseNoteOrRest(s, i, line_no);
      continue;
    }
    if (const char* name = DecorationLetterName(c)) {
      // abc2midi reads a decoration letter as part of the note right after it: a letter, an
      // accidental, a rest (z, x), a chord or another decoration letter. A space, a bar line, a
      // slur, a tuplet, grace notes, a !decoration! or a chord symbol there is "Malformed note".
      const char after = i + 1 < s.size() ? s[i + 1] : 0;
      const bool bar_next = after == '|' || after == ':' || after == ']' ||
                            (after == '[' && i + 2 < s.size() && (s[i + 2] == '|' || IsDigit(s[i + 2])));
      const bool chord_next = after == '[' && !bar_next;  // "[" at the open end may still be a chord
      const bool note_next = IsNoteLetter(after) || IsAccidentalChar(after) || after == 'z' || after == 'x' ||
                             (after != 0 && DecorationLetterName(after) != nullptr) || chord_next;
      if (after != 0 && !bar_next && !note_next) {
        Report(DiagnosticKind::kDetachedDecoration, pos,
               "expected the note right after the decoration '" + std::string(1, c) + "', got " + Quote(s, i + 1));
      } else if (i + 1 < s.size() ? bar_next : !AtOpenEnd(pos) || music_line_trimmed_) {
        // abc2midi: "Malformed note : expecting a-g or A-G" for a decoration with no note.
        Report(DiagnosticKind::kSyntax, pos,
               "expected a note after the decoration '" + std::string(1, c) + "', got " +
                   (i + 1 < s.size() ? Quote(s, i + 1) : std::string("the end of the line")));
      }
      if (c == 'H') vs().next_fermata = true;
      if (c == '.') vs().next_halved = true;
      if (c == '~') vs().next_tilde = true;
      Add(pos, Decoration{name, std::string(1, c)});
      ++i;
      continue;
    }
    Report(DiagnosticKind::kSyntax, pos,
           "expected a note, rest, bar line or other music symbol, got " + Quote(s, i));
    ++i;
  }
  if (end < line.size()) {
    Comment cm;
    std::string_view text = line.substr(end + 1);
    cm.directive = !text.empty() && text[0] == '%';
    if (cm.directive) text.remove_prefix(1);
    cm.text = DecodeText(text, SourcePos{line_no, static_cast<int32_t>(end) + 1});
    Add(SourcePos{line_no, static_cast<int32_t>(end) + 1}, std::move(cm));
  }
  if (!continued) {
    if (!AtOpenEnd(SourcePos{line_no, 1})) {
      for (const ActiveTuplet& t : vs().tuplets) {
        if (t.remaining <= 0) continue;
        // abcm2ps: "End of line found inside a tuplet".
        Report(DiagnosticKind::kBadTuplet, t.pos,
               "expected " + std::to_string(t.remaining) +
                   " more note(s) for the tuplet started here before the end of the line");
      }
    }
    std::vector<Element>& els = voice().elements;
    if (!els.empty() && els.back().kind() == ElementKind::kSpace) els.pop_back();
    if (options_.line_end_bars) CloseFullBarAtLineEnd(line_no, music_end);
    Add(SourcePos{line_no, static_cast<int32_t>(music_end) + 1}, LineBreak{});
  }
}

}  // namespace abcrnn::abc

// The tune model: what the parser gives every other module (writer, cleaner, MIDI, metrics,
// sampler). Plain value types: a Tune holds header fields, the music state, one or more voices of
// elements in written order (with source positions), and its diagnostics. No text re-parsing is
// ever needed downstream. Durations are exact: written lengths in units of L:, durations and
// onsets in whole notes (1/4 = a crotchet).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "abcrnn/abc/diagnostic.h"
#include "abcrnn/abc/fraction.h"
#include "abcrnn/abc/key.h"
#include "abcrnn/abc/meter.h"

namespace abcrnn::abc {

// A field line ("T:Title") or inline field ("[K:G]"): letter and value as written (trimmed).
struct Field {
  char letter = 0;  // 'A'..'Z', 'a'..'z' (w: lyrics, m: macro, ...)
  std::string value;
  SourcePos pos;  // of the field letter
};

// What governs the music at a point: key, meter, unit length, tempo. Changed by K: M: L: Q:
// in the body or inline.
struct MusicState {
  KeySignature key;
  Meter meter;
  Fraction unit_length{1, 8};  // L:, or the meter's default when L: is absent
  bool unit_length_explicit = false;
  Tempo tempo;
};

// One written pitch. Octave: 0 for C..B (C = middle C, MIDI 60), 1 for c..b, +1 per ', -1 per ,
// (so c' = 2, C, = -1). A writer prints octave >= 1 as lowercase + (octave-1) apostrophes and
// octave <= 0 as uppercase + (-octave) commas.
struct Pitch {
  char letter = 'C';  // 'A'..'G'
  int8_t octave = 0;
  Accidental written = Accidental::kNone;  // as written before the note
  int8_t alter = 0;   // effective semitones after key signature, bar carry and ties (-2..2)
  int16_t midi = 60;  // 12 * (octave + 5) + LetterSemitones(letter) + alter; may leave 0..127
                      // (then a pitch-out-of-range error is reported)
  Fraction written_length{1};  // inside a chord: this note's own length as written ([C2E2]);
                               // 1 outside chords (the Note holds the length)
  bool tie = false;            // tied to the same pitch in the next note ("C-", "[C-E]")
};

// A note or a chord ([CEG]); single notes have one pitch and chord == false.
struct Note {
  std::vector<Pitch> pitches;
  bool chord = false;      // written in [ ]
  bool chord_tie = false;  // "[CE]-": a tie after the ] (every pitch's tie is set too)
  // As written: the length multiplier of the unit length ("3/2" for C3/2, 1 for C); for a chord
  // the multiplier after ] ("[CE]2" → 2). The chord's own duration uses its first pitch's
  // written_length times this (the standard's rule).
  Fraction written_length{1};
  // Written with a numerator other than 1 that reduces away ("G2/" = G, "c2/4" = c/): abc2midi
  // swings a hornpipe's note only when its written numerator is 1, so a writer keeps one.
  bool numerator_reduced = false;
  Fraction duration;  // whole notes, after L:, broken rhythm and tuplets
  Fraction onset;     // whole notes from the start of the voice, written order, no repeats
};

// z (visible), x (invisible), Z / X (multi-bar rests: `Z4` = 4 bars of the current meter).
struct Rest {
  bool invisible = false;
  int32_t bars = 0;            // > 0 only for Z/X: number of whole bars
  Fraction written_length{1};  // for z/x: multiplier of L:; for Z/X: 1
  Fraction duration;           // whole notes (Z4 in 3/4: 3)
  Fraction onset;
};

enum class BarKind : int8_t {
  kSingle,       // |
  kDouble,       // ||
  kFinal,        // |]
  kStart,        // [|
  kRepeatStart,  // |:  (also [|:, ||:)
  kRepeatEnd,    // :|  (also :||, :|], ::|)
  kRepeatBoth,   // ::  (also :|:, :||:, :|][|:)
  kDotted,       // .|
  kInvisible,    // [|] or [] used as a bar
};

struct BarLine {
  BarKind kind = BarKind::kSingle;
  bool repeat_start = false;
  bool repeat_end = false;
  int8_t repeat_count = 0;  // number of ':' on the end side (":|" → 1, "::|" → 2)
  std::string text;         // as written ("|:", ":||", ...), without any ending number
};

// A first/second (...) ending: "[1", "|2" (attached: true, following a bar line directly),
// ":|2", "[1,3", "[1-3".
struct Ending {
  std::vector<int> numbers;  // {1}, {1, 3}, {1, 2, 3} for "1-3"
  std::string text;          // the numbers as written ("1,3")
  bool attached = false;     // written right after a bar line without "[" ("|1", ":|2")
};

// (p:q:r: put p notes into the time of q, for the next r notes. Defaults filled in.
struct Tuplet {
  int p = 3;
  int q = 2;
  int r = 3;
  std::string text;  // as written ("(3", "(3::2", "(5:4:5")
};

// Between two notes: ">" (count 1, first_longer), "<<" (count 2, !first_longer), ...
// The notes' durations already include it.
struct BrokenRhythm {
  int count = 1;
  bool first_longer = true;
};

struct Slur {
  bool open = true;     // "(" or ")"
  bool dotted = false;  // ".(" (dotted slur)
};

// {gag}, {/g} (acciaccatura). Grace notes take no time; their pitches use the key and the bar's
// accidentals like other notes, and their accidentals carry on through the bar (as abc2midi does).
struct GraceGroup {
  bool acciaccatura = false;
  std::vector<Pitch> pitches;  // written_length as written
};

// A decoration: "~" → "roll", "." → "staccato", "T" → "trill", "!fermata!" → "fermata",
// "+trill+" → "trill". `written` keeps the form as written ("~", "!fermata!").
struct Decoration {
  std::string name;
  std::string written;
};

// Text in double quotes: a chord symbol ("Am7") or an annotation ("^text", "_text", "<", ">", "@").
struct Annotation {
  enum class Place : int8_t { kChordSymbol, kAbove, kBelow, kLeft, kRight, kAnywhere };
  Place place = Place::kChordSymbol;
  std::string text;  // without quotes; for annotations without the placement character
};

// A field in the body: on its own line ("K:D") or inline ("[K:D]"). `state` is the music state
// that holds after it (the voice's state until the next FieldChange); shared and immutable so
// that elements stay small. Never null in parser output.
struct FieldChange {
  Field field;
  bool is_inline = false;
  std::shared_ptr<const MusicState> state;
};

// The end of a line of music as the tune wrote it. kEndOfLine is a newline (a `\` continuation
// gives none); kDollar and kBang are `$` and `!` used as score line breaks.
struct LineBreak {
  enum class Kind : int8_t { kEndOfLine, kDollar, kBang };
  Kind kind = Kind::kEndOfLine;
};

// White space between elements: ends a beam group. (y spacers and backquotes are dropped.)
struct Space {};

// "% text" in the body, or a "%%directive".
struct Comment {
  std::string text;  // after the % (or %%)
  bool directive = false;
};

// "&": voice overlay (parsed, not modelled further; reported as unsupported).
struct Overlay {};

using ElementValue =
    std::variant<Note, Rest, BarLine, Ending, Tuplet, BrokenRhythm, Slur, GraceGroup, Decoration,
                 Annotation, FieldChange, LineBreak, Space, Comment, Overlay>;

// Index order of ElementValue's alternatives.
enum class ElementKind : int8_t {
  kNote,
  kRest,
  kBarLine,
  kEnding,
  kTuplet,
  kBrokenRhythm,
  kSlur,
  kGraceGroup,
  kDecoration,
  kAnnotation,
  kFieldChange,
  kLineBreak,
  kSpace,
  kComment,
  kOverlay
};

struct Element {
  SourcePos pos;  // of the element's first character
  ElementValue value;

  ElementKind kind() const { return static_cast<ElementKind>(value.index()); }
  template <typename T>
  const T* get_if() const {
    return std::get_if<T>(&value);
  }
  template <typename T>
  T* get_if() {
    return std::get_if<T>(&value);
  }
};

// One voice: V:id (empty id for the implicit single voice). Elements are in written order.
struct Voice {
  std::string id;          // "1", "T1", ""
  std::string properties;  // the rest of the V: line ("clef=bass name=...")
  MusicState initial;      // state at the voice's start (the tune header's, then V: changes)
  std::vector<Element> elements;
  Fraction end;  // onset after the last note/rest (total written duration)
};

// The music state in force at element `index` of `voice` (after every FieldChange before it):
// the voice's initial state when none precedes. REQUIRES: index <= voice.elements.size().
const MusicState& StateAt(const Voice& voice, size_t index);

struct Tune {
  int x = -1;                       // X: number; -1 when missing
  std::vector<std::string> titles;  // every T: of the header, in order
  std::vector<Field> header;        // every header field in order (X: first ... K: last), unknown
                                    // letters kept; text fields decoded to UTF-8
  MusicState initial;               // after the header's K:
  bool has_key = false;             // a K: field ended the header
  std::vector<Voice> voices;        // at least one when the tune has music
  std::vector<Diagnostic> diagnostics;  // syntax and semantic problems, then bar checks
  SourcePos start;                      // the X: line (or the first line of the tune)
  int32_t end_line = 0;                 // last line of the tune (inclusive)
  std::string text;                     // the tune's source text as read (UTF-8 or raw bytes)

  const std::string& title() const {
    static const std::string kEmpty;
    return titles.empty() ? kEmpty : titles.front();
  }
  bool valid() const { return !HasErrors(diagnostics); }
  bool has_warnings() const;
};

}  // namespace abcrnn::abc

// Accidentals and key signatures (K: fields): tonic, mode, explicit extra accidentals, K:none and
// the bagpipe keys K:Hp / K:HP. Parsing a K: value and the alteration each letter gets from it.
// Spelling for transposition is left to the writer/transposer (abctools).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "abcrnn/util/status.h"

namespace abcrnn::abc {

// An accidental as written before a note or in a key signature.
enum class Accidental : int8_t { kNone, kDoubleFlat, kFlat, kNatural, kSharp, kDoubleSharp };

// Semitones an accidental sets (kNone and kNatural: 0). REQUIRES: nothing.
int AccidentalSemitones(Accidental a);
// "__", "_", "=", "^", "^^", "" (kNone).
std::string_view AccidentalText(Accidental a);
// The written accidental that sets `semitones` (-2..2); 0 gives kNatural.
Accidental AccidentalForSemitones(int semitones);

// 'C'..'B' → 0..6 (C D E F G A B), the index used by KeySignature::alter. -1 for other chars.
int LetterIndex(char upper_letter);
// Semitones above C of the natural letter (C=0, D=2, E=4, F=5, G=7, A=9, B=11).
int LetterSemitones(char upper_letter);

enum class Mode : int8_t { kMajor, kMinor, kDorian, kPhrygian, kLydian, kMixolydian, kLocrian };
// "maj", "min", "dor", "phr", "lyd", "mix", "loc".
std::string_view ModeName(Mode m);

// One explicit accidental of a key signature ("K:D =c" → {'C', kNatural}).
struct KeyAccidental {
  char letter = 'C';  // 'A'..'G'
  Accidental accidental = Accidental::kNone;
};

struct KeySignature {
  char tonic = 'C';                                 // 'A'..'G'
  Accidental tonic_accidental = Accidental::kNone;  // kSharp for F#, kFlat for Bb
  Mode mode = Mode::kMajor;
  bool none = false;                 // K:none: no signature, no tonic
  bool highland_pipes = false;       // K:Hp or K:HP: F# and C# (G natural); tonic A mixolydian
  std::vector<KeyAccidental> extra;  // explicit accidentals after the tonic, in written order
  // "exp" (K:D exp _b): the extras are the whole signature (only B flat), not added to the key's.
  bool explicit_only = false;
  // Semitone alteration per letter, index LetterIndex (C..B), after mode and extras.
  std::array<int8_t, 7> alter{};
  std::string text;  // the K: value as written (after the field letter, trimmed)

  // Sharps (>0) or flats (<0) of the tonic+mode signature, ignoring extras (K:D → 2, K:Ador → 0).
  int SharpsOrFlats() const;
};

// Parses a K: value such as "G", "Ador", "E minor", "D =c", "Hp", "none", "Bb mix clef=treble".
// Clef and other name=value parts after the key are accepted and ignored. An empty value means
// C major (as the standard). Errors: "expected a key such as G, Ador, Bb minor, none, got 'Es'".
Result<KeySignature> ParseKey(std::string_view value);

}  // namespace abcrnn::abc

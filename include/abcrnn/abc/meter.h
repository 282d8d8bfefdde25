// Meter (M:), unit note length (L:) and tempo (Q:), and the standard's default unit length:
// meter below 3/4 → 1/16, otherwise 1/8 (M:none and no M: → 1/8).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "abcrnn/abc/fraction.h"
#include "abcrnn/util/status.h"

namespace abcrnn::abc {

struct Meter {
  enum class Kind : int8_t { kNone, kNumeric, kCommon, kCut };  // none, 6/8, C (4/4), C| (2/2)
  Kind kind = Kind::kNone;
  std::vector<int> numerators;  // {6} for 6/8, {2, 3} for 2+3/8; {4} for C, {2} for C|
  int denominator = 0;          // 8 for 6/8; 4 for C; 2 for C|; 0 for none
  std::string text;             // as written

  // Sum of numerators over denominator, in whole notes; 0 for none (no bar checks).
  Fraction BarLength() const;
  bool has_bars() const { return kind != Kind::kNone; }
};

// True for the meters abc2midi plays a tune marked R:hornpipe in: 2/4, 4/4, C, and none (which it
// reads as 4/4); any other it refuses ("Hornpipe must be in 2/4 or 4/4 time").
bool HornpipeMeterPlayed(const Meter& m);

// Parses "6/8", "C", "C|", "none", "2+3/8", "(2+3)/8". Error: "expected a meter such as 6/8, C,
// C| or none, got ...".
Result<Meter> ParseMeter(std::string_view value);

// Parses an L: value ("1/8", "1/16", "1"): a positive fraction, at most 1/1024 fine and at most 16.
Result<Fraction> ParseUnitLength(std::string_view value);

// The standard's default when L: is absent: 1/16 when the meter's bar is shorter than 3/4,
// else 1/8 (M:none → 1/8).
Fraction DefaultUnitLength(const Meter& meter);

struct Tempo {
  bool present = false;
  Fraction beat{1, 4};  // beat length in whole notes ("1/4=120" → 1/4); Q:120 uses L:
  int bpm = 0;          // beats per minute; 0 when only text ("Q:"Allegro"")
  std::string text;     // as written
};

// Parses "1/4=120", "120" (beat = unit length), "3/8=60", "\"Allegro\" 1/4=120", "C=120".
Result<Tempo> ParseTempo(std::string_view value, Fraction unit_length);

}  // namespace abcrnn::abc

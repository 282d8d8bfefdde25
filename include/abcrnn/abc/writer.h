// The ABC writer: prints a parsed Tune back as canonical ABC (header fields in canonical order,
// normalised values, spacing and line breaks, lengths as `A/`, `A3/2`, `A/4`), optionally without
// whole categories (fields, comments, lyrics, chord symbols, decorations, graces, slurs).
// Accidentals are re-derived so that writing and parsing again gives every note its pitch.
#pragma once

#include <string>

#include "abcrnn/abc/key.h"
#include "abcrnn/abc/meter.h"
#include "abcrnn/abc/tune.h"

namespace abcrnn::abc {

struct WriteOptions {
  bool write_x = true;  // the X: line first
  int x = -1;           // X: number to write; -1: the tune's own (1 when it has none)
  // Categories; each false drops it. M:, L: and K: (header, body and inline) are always written.
  bool fields = true;         // every other field: T: C: O: R: Q: P: N: ..., header and body
  bool comments = true;       // % comments and %% directives in the music
  bool lyrics = true;         // w: and W:
  bool chord_symbols = true;  // "Am" and annotations ("^text")
  bool decorations = true;    // ~ . T !trill! +fermata+ ...
  bool grace_notes = true;    // {gag}
  bool slurs = true;          // ( )
  // Ends a single-voice tune whose music stops after a note or rest (no bar line after its last
  // bar) with "|]", so every tune ends on a bar line: a model learns one way to end a tune.
  bool close_last_bar = false;
  // The training form's settings: only M:, L:, K: and the music, the last bar closed.
  static WriteOptions Training();
};

// Writes `tune` as ABC text ending in "\n", without blank lines (so tunes can be concatenated
// with a blank line between them). Every line of music of the tune stays a line; `$` and `!`
// line breaks become newlines; `\` continuations are joined. A note keeps its written accidental;
// one is added (e.g. `=f`) wherever dropping a category or transposing would otherwise change the
// pitch the key signature, the bar's earlier accidentals or a tie give it.
std::string WriteTune(const Tune& tune, const WriteOptions& options = {});

// Normalised field values: "Ador", "F#m", "Bbmix", "D =c" (K:); "6/8", "C", "C|", "none" (M:);
// "1/8" (L:).
std::string KeyText(const KeySignature& key);
std::string MeterText(const Meter& meter);
std::string UnitLengthText(const Fraction& unit_length);
// A written length as a multiplier of L:: "" (1), "2", "/" (1/2), "3/2", "/4", "3/4".
std::string LengthText(const Fraction& length);

}  // namespace abcrnn::abc

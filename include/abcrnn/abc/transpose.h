// Transposition of a parsed tune: key signatures respelled conventionally (fewest sharps or
// flats, the mode kept: D major up 1 is Eb major, not D# major), every note spelled by the same
// interval (accidentals the writer needs are re-derived by WriteTune), chord symbols transposed
// ("Am/C" up 2 is "Bm/D"). Annotations and everything else stay as they are.
#pragma once

#include <string>
#include <string_view>

#include "abcrnn/abc/key.h"
#include "abcrnn/abc/tune.h"
#include "abcrnn/util/status.h"

namespace abcrnn::abc {

// A pitch class as spelled: letter 'A'..'G' and its alteration in semitones (-2..2).
struct SpelledNote {
  char letter = 'C';
  int alter = 0;
};

// The interval a transposition moves every note by: semitones, and letter steps (D to Eb is
// {1, 1}; D to D# would be {1, 0}).
struct Interval {
  int semitones = 0;
  int steps = 0;
};

// Sharps (>0) or flats (<0) of the key with tonic `tonic` in `mode` (D major: 2, C dorian: -2).
int KeySharps(SpelledNote tonic, Mode mode);
// The conventional tonic for pitch class `pc` (0 = C .. 11 = B) in `mode`: the spelling whose
// key signature has the fewest sharps or flats; F# major against Gb major (6 each) goes to the
// sharps when `prefer_sharps`.
SpelledNote ConventionalTonic(int pc, Mode mode, bool prefer_sharps);
// The interval from `key`'s tonic to its conventional respelling `semitones` higher (K:none is
// taken as C major, K:Hp as A mixolydian).
Interval IntervalForKey(const KeySignature& key, int semitones);
// `key` moved by `interval`, mode and explicit accidentals moved along; K:Hp becomes the
// mixolydian key it sounds as; K:none stays none. A tonic needing a double accidental is
// respelled enharmonically.
KeySignature TransposeKey(const KeySignature& key, const Interval& interval);
// A chord symbol moved by `interval`: "Am/C" by {2, 1} is "Bm/D", "F#7" by {1, 1} is "G7". Text
// that does not start with a chord root A-G is returned unchanged.
std::string TransposeChordSymbol(std::string_view symbol, const Interval& interval);

// OK when `tune` can be moved and written again without losing anything: it has music and no
// errors but bar lengths (the writer keeps every note). Else InvalidArgument naming the first
// error's line, column and message.
Status CheckRewritable(const Tune& tune);

// The tune `semitones` higher (negative: lower), keys spelled conventionally. InvalidArgument when
// a note would leave MIDI 0..127.
Result<Tune> TransposeTune(const Tune& tune, int semitones);
// The tune `semitones` higher with its tonic spelled with `tonic`'s letter: C major moved -6 with
// F# is F# major (TransposeTune writes Gb). InvalidArgument when `tonic` is not the pitch class
// `semitones` from the tune's tonic, or a note would leave MIDI 0..127.
Result<Tune> TransposeToSpelledTonic(const Tune& tune, int semitones, SpelledNote tonic);
// The tune moved to the nearest key (at most 6 semitones up or 5 down) whose tonic is `tonic`,
// its mode kept. K:none tunes are returned unchanged.
Result<Tune> TransposeToTonic(const Tune& tune, SpelledNote tonic);
// Parses "C", "F#", "Bb", "eb" as a tonic. InvalidArgument otherwise.
Result<SpelledNote> ParseTonic(std::string_view text);

}  // namespace abcrnn::abc

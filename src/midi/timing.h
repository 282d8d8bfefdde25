// Durations as abc2midi plays them, worked out per voice in written order before playing:
// ties merged, broken rhythm it ignores or plays 2:1, hornpipe swing. Internal to src/midi (used
// by performance.cc); see doc/midi.md for the rules.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "abcrnn/abc/tune.h"

namespace abcrnn::midi {

// A FieldChange's music state, whether the tune model holds it by value or shares it
// (std::shared_ptr<const MusicState>, branch abc after b272f77): compiles against both.
inline const abc::MusicState& StateOf(const abc::MusicState& s) { return s; }
inline const abc::MusicState& StateOf(const std::shared_ptr<const abc::MusicState>& s) { return *s; }

// True when a is a whole multiple of b (b > 0).
bool IsMultiple(const abc::Fraction& a, const abc::Fraction& b);

// (element index, pitch index) of a note in a voice.
using NoteRef = std::pair<size_t, size_t>;

// Ties merged in written order, as abc2midi's tiefix: the first note of a chain sounds for the
// whole chain; the notes tied into are silent (their time still passes).
struct Ties {
  std::map<NoteRef, abc::Fraction> extra;  // added to the first note's duration
  std::set<NoteRef> silent;
};
Ties MergeTies(const abc::Voice& voice);

// Durations abc2midi plays differently from the standard, by element index (notes and rests):
// - a broken rhythm (> <) between notes or rests of different written lengths (a fermata
//   doubling one), or with one staccato note, is ignored;
// - with "hornpipe" in R:, a broken rhythm is 2:1 instead of 3:1, and in a meter of 8 units a
//   bar (4/4 or C with L:1/8, 2/4 with L:1/16) two notes of one unit that start on an even unit
//   of the bar swing to 4/3 and 2/3 of a unit.
// `fermata` and `staccato`: whether those decorations are played (PerformOptions).
std::map<size_t, abc::Fraction> DurationOverrides(const abc::Voice& voice, bool hornpipe, bool fermata,
                                                  bool staccato);

}  // namespace abcrnn::midi

// A tune as it is played: every sounding note with its onset and duration in exact whole-note
// fractions, after repeats and first/second endings are expanded, ties merged, grace notes,
// rolls and trills played, staccato and fermatas applied, all as abc2midi plays them (see
// doc/midi.md for its rules and our few deliberate differences). Also tempo, meter and key
// changes. The MIDI file is made from this (tune_midi.h); tests compare it with abc2midi.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "abcrnn/abc/fraction.h"
#include "abcrnn/abc/tune.h"
#include "abcrnn/util/status.h"

namespace abcrnn::midi {

struct PerformOptions {
  int program = 40;                // General MIDI program, 0-based (40 = violin; 73 = flute)
  int transpose = 0;               // semitones added to every note (-48..48)
  bool grace_notes = true;         // play {grace} notes: each 1/4 of L:, taken from the next note
  bool ornaments = true;           // play ~ (roll) and T / !trill! as note figures
  bool staccato = true;            // staccato (.) and !breath! notes sound half their length
  bool fermata = true;             // a fermata (H, !fermata!) doubles the note or rest
  int default_quarters_per_minute = 120;  // when the tune has no Q: (abc2midi's default)
};

// One sounding note. Durations and onsets in whole notes (1/4 = a crotchet), exact.
struct PerformedNote {
  abc::Fraction onset;
  abc::Fraction duration;  // > 0
  int key = 60;            // MIDI key after transposition, 0..127
  int velocity = 80;       // beat accents as abc2midi: 105 bar start, 95 strong beat, 80 other
  int voice = 0;           // index in Tune::voices
  int chord_index = 0;     // k for the k-th written pitch of a chord, 0 for single notes
  bool ornament = false;   // produced by a grace note, roll or trill
};

struct TempoChange {
  abc::Fraction at;
  int microseconds_per_quarter = 500000;
};
struct MeterChange {
  abc::Fraction at;
  int numerator = 4;
  int denominator = 4;  // a power of two
};
struct KeyChange {
  abc::Fraction at;
  int sharps = 0;  // -7..7
  bool minor = false;
};

struct Performance {
  std::vector<PerformedNote> notes;  // sorted by onset, voice, chord_index
  std::vector<TempoChange> tempi;    // the first at 0
  std::vector<MeterChange> meters;   // in the first voice's played order; none for M:none
  std::vector<KeyChange> keys;
  abc::Fraction end;                 // where the longest voice stops
  std::string title;
};

// Plays every voice of `tune`. Fails (InvalidArgument) when the tune has no music, an invalid
// length, or a transposed key outside 0..127; a tune with errors is played as far as it parsed.
Result<Performance> Perform(const abc::Tune& tune, const PerformOptions& options = {});

// Microseconds per quarter note that a Q: field asks for, as abc2midi reads it: "1/4=120" and
// "3/8=60" by their beat; a bare "120" counts quarter notes (whatever L: is); text only: 0.
int MicrosecondsPerQuarter(const abc::Tempo& tempo);

}  // namespace abcrnn::midi

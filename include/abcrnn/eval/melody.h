// The melody line the metrics look at: per bar, the notes (top pitch of a chord, tied notes
// within a bar merged) and rests with exact durations in whole notes, plus the key's tonic.
// Built from a parsed abc::Tune (first voice) by MelodyFromTune, or by hand in tests; key and
// unit length are gone, so every metric is independent of them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace abcrnn::abc {
struct Tune;
}

namespace abcrnn::eval {

// An exact duration num/den in whole notes (1/4 = a crotchet), normalised (gcd 1, den > 0).
struct Duration {
  int64_t num = 0;
  int64_t den = 1;
  static Duration Of(int64_t num, int64_t den);  // normalises
  double ToDouble() const { return static_cast<double>(num) / static_cast<double>(den); }
  bool operator==(const Duration& o) const { return num == o.num && den == o.den; }
  bool operator!=(const Duration& o) const { return !(*this == o); }
};

struct MelodyNote {
  int pitch = -1;  // MIDI pitch; -1 for a rest
  Duration duration;
  bool is_rest() const { return pitch < 0; }
  bool operator==(const MelodyNote& o) const { return pitch == o.pitch && duration == o.duration; }
};

struct MelodyBar {
  std::vector<MelodyNote> notes;  // in time order
  Duration duration;              // sum of the notes' durations
  Duration expected;              // the meter's bar length (0 for M:none)
};

struct Melody {
  std::string name;             // title, else "X:n", for reports
  int tonic = -1;               // pitch class of the key's tonic (C = 0 .. B = 11); -1 for K:none
  std::vector<MelodyBar> bars;  // written order, repeats not expanded

  // Pitched notes of all bars in order (rests skipped).
  std::vector<int> Pitches() const;
  int note_count() const;
};

// The melody of the tune's first voice (chords give their highest pitch; grace notes are
// ignored; a tie joins two notes of a bar into one). A tune without music gives no bars.
Melody MelodyFromTune(const abc::Tune& tune);

}  // namespace abcrnn::eval

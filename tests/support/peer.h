// abc2midi as a peer: runs it once over a multi-tune ABC file (one .mid per tune, named by X:)
// and compares the melodies (channel 0) of two renderings note by note: pitch, onset, duration.
// Used by the writer and transposition peer tests; differences are reported by cause.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "abcrnn/util/status.h"
#include "support/smf.h"

namespace abcrnn::testing {

// Runs `abc2midi ABC_PATH -quiet -silent` (the .mid files land beside ABC_PATH, named
// <stem><X>.mid) and reads every file back: X number -> file. Tunes abc2midi did not render are
// absent. REQUIRES: the folder of ABC_PATH holds no other <stem>*.mid files.
Result<std::map<int, SmfFile>> RunAbc2Midi(const std::string& abc_path);

// The first difference between two melodies, or an empty cause when they agree note for note
// (`actual` pitches minus `semitones` equal `expected` pitches; onsets and durations equal in
// ticks). Causes: "note-count", "pitch", "onset", "duration".
struct MelodyDiff {
  std::string cause;   // "" when equal
  std::string detail;  // "note 12: expected pitch 62 at 1440 for 240 ticks, got pitch 63 ..."
  bool equal() const { return cause.empty(); }
};
MelodyDiff CompareMelodies(const std::vector<SmfNote>& expected, const std::vector<SmfNote>& actual,
                           int semitones = 0);

}  // namespace abcrnn::testing

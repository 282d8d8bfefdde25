// Data augmentation by transposition: each training tune also in other keys, transposed on the
// parsed tune (abc::TransposeTune) so key signatures and accidentals stay right, and re-written
// in the training form with the same cleaning options. Only the training side is augmented (a
// transposed copy of a validation tune would leak into training). No LibTorch.
#pragma once

#include <string>
#include <vector>

#include "abcrnn/abc/clean.h"

namespace abcrnn {

struct AugmentResult {
  std::vector<std::string> tunes;  // the originals, then every transposed copy
  int added = 0;                   // copies added
  int skipped = 0;                 // copies left out (a note beyond MIDI 0..127, or a K:none tune)
};

// `tunes` (cleaned texts) plus each of them moved by every shift in `semitones` (non-zero,
// e.g. {-2, 3, 5}). Copies equal to their original text (K:none, unpitched) are skipped.
AugmentResult AugmentByTransposition(const std::vector<std::string>& tunes, const std::vector<int>& semitones,
                                     const CleanOptions& clean);

}  // namespace abcrnn

// Keys with a key-normalised model. A model trained with every tune moved to one tonic
// (`abcrnn train --transpose-to C`) knows its tunes in that tonic only (C major, C minor, C dorian,
// ...). It is asked for another key by moving the prime there, and each tune it writes is moved
// back to the key asked for: the same interval both ways, so the prime comes back as written.
#pragma once

#include <string>

#include "abcrnn/util/status.h"

namespace abcrnn {

struct KeyShift {
  std::string model_prime;  // the prime in the model's tonic (the prime itself when no move)
  int semitones = 0;        // how far each generated tune moves afterwards, -6..5 (0: not at all)
  std::string tonic;        // the prime's tonic as it spells it ("F#", not "Gb"); "" with no move
};

// Plans the move for `prime` (training form: header lines, then music) and a model trained in
// `model_tonic` ("C", "D", "Bb"...; "" = not key-normalised: no move). The key is the prime's
// first complete K: line; a prime without one, or with K:none, is given as it is and the tunes
// stay in the model's tonic. The prime's music, if any, moves with its key. InvalidArgument when
// `model_tonic` is not a tonic or the prime's K: or music cannot be read.
Result<KeyShift> PlanKeyShift(const std::string& prime, const std::string& model_tonic);

// A tune in training form moved `semitones` and written again in training form: its tonic spelled
// as `tonic` when given (KeyShift::tonic, so --key F# writes K:F#), else conventionally
// (abc/transpose.h). The text itself when `semitones` is 0.
Result<std::string> ShiftTune(const std::string& text, int semitones, const std::string& tonic = "");

}  // namespace abcrnn

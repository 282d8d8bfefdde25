// Oversampling scarce tune types: each training tune of a named type (its R: control) is in an
// epoch several times, so a type with few tunes is trained on more often. The split, the
// vocabulary and the control table (what generate draws forms and keys from) stay as they were;
// only the epoch plan (data/batches.h) changes. No LibTorch; pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "abcrnn/util/status.h"

namespace abcrnn {

inline constexpr int kMaxOversample = 16;

// "hornpipe=2" -> {"hornpipe": 2}; repeated specs of one type keep the last. InvalidArgument,
// naming the spec, unless TYPE is a known type (abc::KnownTuneTypes) and N an integer in
// 1..kMaxOversample.
Result<std::map<std::string, int>> ParseOversample(const std::vector<std::string>& specs);

// Per tune: the times of its type, 1 for a type not named (or none).
std::vector<int> TuneRepeats(const std::vector<std::string>& types, const std::map<std::string, int>& times);

}  // namespace abcrnn

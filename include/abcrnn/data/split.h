// The training/validation split and the data fingerprint. Whole tunes go to one side or the other
// by a hash of their cleaned text, so adding tunes never moves an old tune across the split and
// duplicates always land together. No LibTorch; pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace abcrnn {

// FNV-1a 64 of the text's bytes: stable across machines and versions (the split depends on it).
uint64_t TuneHash(std::string_view text);

// True when the tune belongs to the validation side: its hash (of the text without an
// "N:final" and "N:beat" lines, abc::SplitKeyText), mapped to [0, 1), is below `valid_fraction`.
// REQUIRES: 0 <= valid_fraction < 1.
bool IsValidationTune(std::string_view text, double valid_fraction);

struct DataSplit {
  std::vector<std::string> train;  // in input order
  std::vector<std::string> valid;  // in input order
};

// Splits cleaned tune texts (IsValidationTune), keeping their order on each side. With
// `valid_per_type` > 0, tunes whose R: control names a type (abc/controls.h) are held out at that
// type's own fraction, max(valid_fraction, min(kMaxTypeValidFraction, valid_per_type / tunes of
// the type)), so about `valid_per_type` tunes of each type are held out (the hash decides which,
// so the count varies by a few).
DataSplit SplitTunes(const std::vector<std::string>& tunes, double valid_fraction, int valid_per_type = 0);
inline constexpr double kMaxTypeValidFraction = 0.4;

// The fraction each type gets (only types with tunes, only with valid_per_type > 0).
std::map<std::string, double> ValidFractionsByType(const std::vector<std::string>& tunes, double valid_fraction,
                                                   int valid_per_type);

// A short hex fingerprint (16 digits) of the tune texts in order: two runs see the same data in
// the same order exactly when their fingerprints match (recorded in checkpoints, checked on
// --resume).
std::string DataFingerprint(const std::vector<std::string>& tunes);

}  // namespace abcrnn

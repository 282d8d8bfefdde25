// Hash-based split of whole tunes and the data fingerprint (FNV-1a 64, fixed constants).
#include "abcrnn/data/split.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "abcrnn/abc/controls.h"

namespace abcrnn {
namespace {

constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

uint64_t Fnv1a(std::string_view bytes, uint64_t h) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

// splitmix64's finaliser: spreads FNV's low-entropy high bits before mapping to [0, 1).
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

uint64_t TuneHash(std::string_view text) { return Fnv1a(text, kFnvOffset); }

bool IsValidationTune(std::string_view text, double valid_fraction) {
  // Top 53 bits as a double in [0, 1): exact and identical on every IEEE machine. The final's and
  // the beat's lines are left out so that --final and --beat keep the split of the same options
  // without them.
  double u = static_cast<double>(Mix(TuneHash(abc::SplitKeyText(text))) >> 11) * (1.0 / 9007199254740992.0);
  return u < valid_fraction;
}

std::map<std::string, double> ValidFractionsByType(const std::vector<std::string>& tunes, double valid_fraction,
                                                   int valid_per_type) {
  std::map<std::string, double> out;
  if (valid_per_type <= 0) return out;
  std::map<std::string, int> counts;
  for (const auto& t : tunes) {
    const std::string type = abc::ReadControlLines(t).type;
    if (!type.empty()) ++counts[type];
  }
  for (const auto& [type, n] : counts)
    out[type] = std::max(valid_fraction, std::min(kMaxTypeValidFraction, static_cast<double>(valid_per_type) / n));
  return out;
}

DataSplit SplitTunes(const std::vector<std::string>& tunes, double valid_fraction, int valid_per_type) {
  const auto by_type = ValidFractionsByType(tunes, valid_fraction, valid_per_type);
  DataSplit split;
  for (const auto& t : tunes) {
    double f = valid_fraction;
    if (!by_type.empty()) {
      auto it = by_type.find(abc::ReadControlLines(t).type);
      if (it != by_type.end()) f = it->second;
    }
    (IsValidationTune(t, f) ? split.valid : split.train).push_back(t);
  }
  return split;
}

std::string DataFingerprint(const std::vector<std::string>& tunes) {
  uint64_t h = kFnvOffset;
  for (const auto& t : tunes) {
    char len[8];  // length prefix, little-endian, so tune boundaries count
    for (int k = 0; k < 8; ++k) len[k] = static_cast<char>((static_cast<uint64_t>(t.size()) >> (8 * k)) & 0xFF);
    h = Fnv1a(std::string_view(len, 8), h);
    h = Fnv1a(t, h);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace abcrnn

// Melody helpers that need no parser: exact durations, the pitched notes of a melody.
#include "abcrnn/eval/melody.h"

#include <numeric>

namespace abcrnn::eval {

Duration Duration::Of(int64_t num, int64_t den) {
  if (den < 0) num = -num, den = -den;
  int64_t g = std::gcd(num, den);
  if (g == 0) return Duration{0, 1};
  return Duration{num / g, den / g};
}

std::vector<int> Melody::Pitches() const {
  std::vector<int> out;
  for (const auto& bar : bars)
    for (const auto& n : bar.notes)
      if (!n.is_rest()) out.push_back(n.pitch);
  return out;
}

int Melody::note_count() const {
  int n = 0;
  for (const auto& bar : bars)
    for (const auto& note : bar.notes) n += note.is_rest() ? 0 : 1;
  return n;
}

}  // namespace abcrnn::eval

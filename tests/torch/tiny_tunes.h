// Synthetic tunes for the trainer tests: jigs in D major built from stepwise runs, in the cleaned
// training form (M:, L:, K:, music). Structured enough that a tiny LSTM beats the unigram entropy
// within a few hundred steps; cheap enough for tests that take seconds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace abcrnn::testing {

inline std::vector<std::string> TinyTunes(int n, uint64_t seed = 1) {
  static const char* kScale[] = {"D", "E", "F", "G", "A", "B", "c", "d", "e", "f", "g", "a"};
  std::vector<std::string> tunes;
  uint64_t s = seed;
  auto next = [&s] {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<int>(s >> 33);
  };
  for (int i = 0; i < n; ++i) {
    std::string t = "M:6/8\nL:1/8\nK:D\n";
    int pos = next() % 8;
    for (int bar = 0; bar < 8; ++bar) {
      for (int group = 0; group < 2; ++group) {
        int dir = next() % 2 ? 1 : -1;
        for (int k = 0; k < 3; ++k) {
          pos = std::max(0, std::min(11, pos + dir));
          t += kScale[pos];
        }
        if (group == 0) t += " ";
      }
      t += bar == 7 ? "|]\n" : bar == 3 ? "|\n" : "|";
    }
    tunes.push_back(t);
  }
  return tunes;
}

// The same tunes as an ABC file (X: fields and titles), for the command-line tests.
inline std::string TinyTunesFile(int n, uint64_t seed = 1) {
  std::string out;
  int x = 1;
  for (const auto& t : TinyTunes(n, seed)) {
    out += "X:" + std::to_string(x) + "\nT:Tune " + std::to_string(x) + "\n" + t + "\n";
    ++x;
  }
  return out;
}

}  // namespace abcrnn::testing

// Hand-made melodies for the metric tests: "62:1/8 66:1/8 | r:1/4 69:1/4" is two bars of MIDI
// pitches (or r for a rest) with durations in whole notes; every bar's expected length is given.
#pragma once

#include <sstream>
#include <string>

#include "abcrnn/eval/melody.h"

namespace abcrnn::testing {

inline eval::Melody MakeMelody(const std::string& text, int tonic = 0, int64_t bar_num = 1,
                               int64_t bar_den = 4, const std::string& name = "tune") {
  eval::Melody m;
  m.name = name;
  m.tonic = tonic;
  m.bars.emplace_back();
  std::istringstream in(text);
  std::string tok;
  while (in >> tok) {
    if (tok == "|") {
      m.bars.emplace_back();
      continue;
    }
    const size_t colon = tok.find(':'), slash = tok.find('/');
    eval::MelodyNote n;
    n.pitch = tok[0] == 'r' ? -1 : std::stoi(tok.substr(0, colon));
    n.duration = eval::Duration::Of(std::stoll(tok.substr(colon + 1, slash - colon - 1)),
                                    std::stoll(tok.substr(slash + 1)));
    auto& bar = m.bars.back();
    bar.notes.push_back(n);
    bar.duration =
        eval::Duration::Of(bar.duration.num * n.duration.den + n.duration.num * bar.duration.den,
                           bar.duration.den * n.duration.den);
  }
  for (auto& bar : m.bars) bar.expected = eval::Duration::Of(bar_num, bar_den);
  return m;
}

// The same melody shifted by `semitones` (key included).
inline eval::Melody Transpose(eval::Melody m, int semitones) {
  for (auto& bar : m.bars)
    for (auto& n : bar.notes)
      if (!n.is_rest()) n.pitch += semitones;
  if (m.tonic >= 0) m.tonic = ((m.tonic + semitones) % 12 + 12) % 12;
  return m;
}

}  // namespace abcrnn::testing

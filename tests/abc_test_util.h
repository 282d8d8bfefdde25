// Helpers for the ABC tests: parse a snippet under a standard header, pick out notes, rests and
// bar lines, and look for diagnostics by kind.
#pragma once

#include <string>
#include <vector>

#include "abcrnn/abc/parser.h"

namespace abcrnn::abc::test {

// Parses "X:1\nT:Test\n" + header + body as one tune.
inline Tune ParseBody(const std::string& body, const std::string& header = "M:4/4\nL:1/8\nK:C\n",
                      const ParseOptions& options = {}) {
  return ParseTune("X:1\nT:Test\n" + header + body, options);
}

template <typename T>
std::vector<const T*> All(const Tune& tune, size_t voice = 0) {
  std::vector<const T*> out;
  if (voice >= tune.voices.size()) return out;
  for (const Element& e : tune.voices[voice].elements)
    if (const T* t = e.get_if<T>()) out.push_back(t);
  return out;
}

inline std::vector<int> Midis(const Tune& tune) {
  std::vector<int> out;
  for (const Note* n : All<Note>(tune))
    for (const Pitch& p : n->pitches) out.push_back(p.midi);
  return out;
}

inline std::vector<std::string> Durations(const Tune& tune) {
  std::vector<std::string> out;
  for (const Element& e : tune.voices.at(0).elements) {
    if (const Note* n = e.get_if<Note>()) out.push_back(n->duration.ToString());
    if (const Rest* r = e.get_if<Rest>()) out.push_back(r->duration.ToString());
  }
  return out;
}

inline int Count(const Tune& tune, DiagnosticKind kind) {
  int n = 0;
  for (const Diagnostic& d : tune.diagnostics)
    if (d.kind == kind) ++n;
  return n;
}

inline std::string Kinds(const Tune& tune) {
  std::string out;
  for (const Diagnostic& d : tune.diagnostics) {
    if (!out.empty()) out += " ";
    out += KindName(d.kind);
  }
  return out;
}

}  // namespace abcrnn::abc::test

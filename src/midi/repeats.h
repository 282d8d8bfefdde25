// The order in which abc2midi plays a voice's elements: repeats and first/second endings expanded
// by its rules (a missing |: assumed at the start, or at the last || or :| before a later :|;
// a second |: read as ::; endings skipped to the next bar that closes a section). Internal to
// src/midi; see doc/midi.md.
#pragma once

#include <cstddef>
#include <vector>

#include "abcrnn/abc/tune.h"

namespace abcrnn::midi {

// Indices into voice.elements, in played order. Elements that are not music (bar lines,
// endings, fields ...) are included where they are passed, so callers can follow state changes.
std::vector<size_t> PlayOrder(const abc::Voice& voice);

}  // namespace abcrnn::midi

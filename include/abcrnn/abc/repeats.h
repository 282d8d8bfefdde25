// The order in which abc2midi plays a voice's elements: repeats and first/second endings expanded
// by its rules (a missing |: assumed at the start, or at the last || or :| before a later :|;
// a second |: read as ::; endings skipped to the next bar that closes a section). The MIDI
// writer plays by it (doc/midi.md); the checker reports what abc2midi cannot follow.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "abcrnn/abc/tune.h"

namespace abcrnn::abc {

// Indices into voice.elements, in played order. Elements that are not music (bar lines,
// endings, fields ...) are included where they are passed, so callers can follow state changes.
// With a P: sequence in the header (`parts`, e.g. "AABBC", "(AB)2C"), each part (from its P:
// field to the next) is played in that order, with repeats resolved within the part.
// abc2midi runs its repeat clean-up (fixreps) only on single-voice tunes: `several_voices` skips it.
std::vector<size_t> PlayOrder(const Voice& voice, const std::string& parts = "",
                              bool several_voices = false);

// "(AB)2C.D" -> "ABABCD": abc2midi's reading of a P: sequence (letters, counts, groups).
std::string ExpandParts(const std::string& sequence);

}  // namespace abcrnn::abc

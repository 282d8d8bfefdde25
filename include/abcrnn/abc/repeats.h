// The order in which abc2midi plays a voice's elements: repeats and first/second endings expanded
// by its rules (a missing |: assumed at the start, or at the last || or :| before a later :|;
// a second |: read as ::; endings skipped to the next bar that closes a section). The MIDI
// writer plays by it (doc/midi.md); the checker reports what abc2midi cannot follow.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "abcrnn/abc/tune.h"

namespace abcrnn::abc {

// Indices into voice.elements, in played order. Elements that are not music (bar lines,
// endings, fields ...) are included where they are passed, so callers can follow state changes.
// With a P: sequence in the header (`parts`, e.g. "AABBC", "(AB)2C"), each part (from its P:
// field to the next) is played in that order, with repeats resolved within the part.
// abc2midi runs its repeat clean-up (fixreps) only on single-voice tunes: `several_voices` skips it.
// True when abc2midi reads the two bar lines' texts as the same repeat signs ("::" and ":|:" it
// does not: it reads ":|:" as :| and a plain bar; "||:" is || and a plain bar to it, not |:).
bool SameBarForAbc2midi(std::string_view a, std::string_view b);

// What abc2midi reports as an error while it lays out a voice's repeats and plays them: a |:
// while one is open ("found another |: after a |:"), an ending before any |: ("found [1 or like
// before |:"), a |: where it still waits for a :| on the first pass ("Expected end repeat not
// found at |:"), a :| or :: it cannot follow, an ending not closed, a |: never closed ("Missing
// :| at end of tune"). Each once, at the bar line or ending abc2midi was at.
struct RepeatProblem {
  size_t element = 0;   // index in Voice::elements
  std::string message;  // abc2midi's words
};

struct PlayOptions {
  std::string parts;            // the header's P: sequence ("AABB"), "" when none
  bool several_voices = false;  // abc2midi runs its repeat clean-up only on single-voice tunes
};

std::vector<size_t> PlayOrder(const Voice& voice, const std::string& parts = "",
                              bool several_voices = false);
// As PlayOrder, and appends to `problems` what abc2midi reports for the voice.
std::vector<size_t> PlayOrder(const Voice& voice, const PlayOptions& options,
                              std::vector<RepeatProblem>* problems);

// "(AB)2C.D" -> "ABABCD": abc2midi's reading of a P: sequence (letters, counts, groups).
std::string ExpandParts(const std::string& sequence);

}  // namespace abcrnn::abc

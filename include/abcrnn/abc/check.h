// Checks on a parsed tune that need the whole voice: bar durations against the meter (pickup,
// closing bar, repeats and first/second endings as the standard and abc2midi treat them),
// endings without a repeat, repeat signs abc2midi cannot follow. ParseTune runs it when ParseOptions::check_bars; also callable alone.
#pragma once

#include <vector>

#include "abcrnn/abc/tune.h"

namespace abcrnn::abc {

struct CheckOptions {
  bool prefix = false;  // the tune is unfinished: do not judge its last bar
  // With prefix: the text ends in a note or rest whose length is still being written ("E" of
  // "E/"): the last bar is overfull only if it is without that note.
  bool last_length_open = false;
};

// Appends bar-length findings for every voice of `tune` to tune->diagnostics: overfull bars are
// errors, underfull bars that are neither the pickup, the last bar, nor a bar before/after a
// repeat sign or ending that complements it are warnings. See doc/abc-dialect.md.
void CheckBars(Tune* tune, const CheckOptions& options = {});

// Appends a "bad-repeat" error for each voice whose repeat signs abc2midi cannot follow when it
// plays them (abc/repeats.h: RepeatProblem), unless the tune already has an ending or repeat
// error: the first one found says enough. Only for whole tunes (a prefix may still close them).
void CheckRepeats(Tune* tune);

// One bar of a voice, as CheckBars sees it (exposed for tests, metrics and the sampler).
struct BarSpan {
  size_t first_element = 0;  // index in Voice::elements of the first element in the bar
  size_t end_element = 0;    // one past the bar line that closes it (or the voice's end)
  Fraction start;            // onset of the bar, whole notes
  Fraction duration;         // sum of note and rest durations in it
  Fraction expected;         // the meter's bar length at the bar's start (0: M:none)
  SourcePos pos;             // first element's position
  SourcePos bar_pos;         // the closing bar line's position (or the last element's)
};

// The bars of a voice in written order. A multi-bar rest (Z4) is one span of 4 bars' duration.
std::vector<BarSpan> SplitBars(const Voice& voice);

}  // namespace abcrnn::abc

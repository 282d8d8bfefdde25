// The form guard of strict generation: does a growing tune keep the form its header asks for
// ("N:form 8+8", abc/controls.h)? Parts and bars are counted as abc::SplitIntoParts and
// abc::PartBars count them, so what the guard lets through is what the controls call that form.
// Internal to src/infer (used by StrictChecker).
#pragma once

#include <vector>

namespace abcrnn::abc {
struct Tune;
}

namespace abcrnn::infer {

struct FormVerdict {
  bool ok = true;         // nothing so far breaks the form
  bool complete = false;  // every part has closed at its bar count (the tune may end here)
};

// Judges the parsed prefix `tune` against `part_bars` (bars per part, in order):
// - a single bar line is allowed only while the part has fewer bars than its count;
// - a section end (:|, ::, |:, ||, |], [|) is allowed only where the part has exactly its count
//   (a stretch under half a bar, a pickup, closes nothing), or where it closes a second ending;
// - a second (or later) ending has at most as many bars as the first;
// - no note or rest after the last part has closed, except in a later ending.
// REQUIRES: part_bars non-empty; tune has one voice with a meter that has bars.
FormVerdict JudgeForm(const abc::Tune& tune, const std::vector<int>& part_bars);

}  // namespace abcrnn::infer

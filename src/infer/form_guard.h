// The form guard of strict generation: does a growing tune keep the form its header asks for
// ("N:form 8+8", abc/controls.h)? Parts are cut as abc::SplitIntoParts cuts them, and must have
// exactly their bars, so what the guard lets through is what the controls call that form and what
// eval counts as parts of equal length.
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
  bool part_full = false;  // the part being written has its length: only a section end may follow
};

// Judges the parsed prefix `tune` against `part_bars` (bars per part, in order). Each part's
// music (notes and rests, second and later endings left out) must come to exactly its bars times
// the bar length, so a part that starts with a pickup ends with the short bar that completes it,
// as abcrnn eval's "parts of equal length" asks:
// - no note or rest takes a part past its length, a later ending past the first ending's, or
//   comes after the last part has closed (except in a later ending);
// - a tuplet only where its notes, at the unit length, fit what is left of the bar and part;
// - two bar lines in a row only where the second starts a repeat (":| |:");
// - a later ending only after a first one; a tuplet or ending mark only once a note has followed
//   the previous one, and never right before a bar line (the loops a stalling model writes);
// - a single bar line only while the part is short of its length, and only after a full bar
//   (or a pickup: the first bar of the tune or of a part);
// - a section end (:|, ::, |:, ||, |], [|) only where the part has exactly its length (music under
//   half a bar, a pickup before |:, closes nothing), or the later ending that of the first;
// - with `repeats` (one per part; empty: not checked), a part played twice closes with :| or ::
//   and only such a part holds a first ending or starts with |: (or ::); a part played once
//   closes with ||, |], |: or [|.
// REQUIRES: part_bars non-empty; tune has one voice with a meter that has bars.
FormVerdict JudgeForm(const abc::Tune& tune, const std::vector<int>& part_bars,
                      const std::vector<bool>& repeats = {});

}  // namespace abcrnn::infer

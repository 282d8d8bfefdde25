// The form clock: where a growing tune stands in the form its header asks for ("N:form 8+8",
// abc/controls.h), and what type of tune it is, as a model input beside each character. A character
// model that sees 64 characters back cannot count to 16 bars; given "bars written in this part",
// "bars left in it" and "parts left", it learns to close a part at its length and to cadence in the
// last bar.
//
// The clock is a function of the text so far, computed the same way by the trainer (over a whole
// tune, symbol by symbol) and by the sampler (as the tune grows), so what the model sees in
// training is what it sees when generating. It moves only where a bar line, or a line, has just
// been completed: when the symbol just fed is a newline, or is not part of a bar line ('|', ':',
// ']', an ending's number after '|' or '[') while the one before it was. The text up to that point
// is parsed (prefix mode) and its parts measured as abc::SplitIntoParts and abc::PartBars measure a
// whole tune: notes and rests of later endings replace the first ending's, a stretch under half a
// bar (a pickup) closes no part, and a pickup with the short bar that completes it make one bar.
// The type is there for the same reason as the form: the R: line is 250 characters behind by the
// end of a reel, and a model that forgets it drifts into hornpipe rhythm. The format is described
// in doc/controls.md ("The form clock"). No LibTorch.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace abcrnn::abc {

// One input step's clock: rows of the model's clock embedding (the model adds the rows of the
// fields its scheme has, FormClockFields(scheme), to the character's embedding).
//   [0] bars written in the part: 0..15 (15 = 15 or more), 16 = none;
//   [1] bars left in the part (its length minus those written): 17 + 0..15 (15 or more),
//       33 = more written than the form has, 34 = every part closed, 35 = none;
//   [2] parts left, the current one included: 36 = none left (the tune may end), 37..39 = 1, 2,
//       3 or more, 40 = none;
//   [3] (scheme 2) the tune's type, from its R: line once that line is complete: 41 + its index
//       in abc::KnownTuneTypes() (41 reel ... 52 song), 53 = none (no R: line, or not yet);
//   [4] (scheme 3) the tune's final, from its "N:final" line once that line is complete:
//       54 + semitones above the tonic (54 the tonic ... 65 a major seventh), 66 = none.
// "none" in [0..2]: the header (before the K: line is complete), no form line, or a meter
// without bars. Scheme 1 models (the form alone) read only [0..2], scheme 2 models [0..3].
inline constexpr int kFormClockFields = 5;
using FormClock = std::array<int, kFormClockFields>;
inline constexpr int kFormClockLeftBase = 17;  // row of field [1] for no bars left
inline constexpr int kFormClockTypeBase = 41;
inline constexpr int kFormClockTypeRows = 13;  // 12 known types and none
inline constexpr int kFormClockFinalBase = 54;
inline constexpr int kFormClockFinalRows = 13;  // 12 semitones and none
// What training writes: scheme 3 for a model whose tunes say their final (CleanOptions::
// final_degree), scheme 2 otherwise (a final field would be "none" throughout).
inline constexpr int kFormClockScheme = 2;
inline constexpr int kFormClockFinalScheme = 3;

// The schemes this abcrnn reads: 1 (the form), 2 (the form and the type) and 3 (the form, the
// type and the final).
bool KnownFormClockScheme(int scheme);
// Fields a model of `scheme` reads (3, 4 or 5), and the rows of its clock embedding (41, 54 or
// 67). REQUIRES: KnownFormClockScheme(scheme).
int FormClockFields(int scheme);
int FormClockRows(int scheme);

// The clock before any music (the header, <bos>).
FormClock HeaderClock();

// True when the clock moves after `text`, whose last symbol was just fed.
bool FormClockMoves(std::string_view text);

// The clock after `text` (a tune in training form, its last symbol just fed), given the clock
// `before` it: `before` unless FormClockMoves(text), else measured on the text.
FormClock AdvanceFormClock(std::string_view text, const FormClock& before);

// The clock at every input of a tune fed as <bos> then `symbols` (vocabulary symbols in order):
// symbols.size() + 1 clocks, HeaderClock() first.
std::vector<FormClock> FormClockOfSymbols(const std::vector<std::string>& symbols);

}  // namespace abcrnn::abc

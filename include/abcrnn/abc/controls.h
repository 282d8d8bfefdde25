// Controls: what a tune is (its type, its style, its form), derived from a parsed tune and written
// as ABC header lines before M: in the training form, so a model learns them and a user can ask
// for them. Used below both training data (clean) and generation (infer); doc/controls.md has the
// encoding and the counting rules. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "abcrnn/abc/fraction.h"
#include "abcrnn/util/status.h"

namespace abcrnn::abc {

struct BarLine;
struct Tune;

// True for the bar lines that end a section (part): :|, ::, |:, ||, |], [|.
bool IsSectionEnd(const BarLine& b);

// The parts of a tune as musicians count them: the music between section ends (:|, ::, |:, ||,
// |], [|), bars under a second (or later) ending left out, in written order. `durations` are
// whole notes; `bar_length` is the meter's bar (0 for M:none).
struct TuneParts {
  std::vector<Fraction> durations;
  std::vector<bool> repeated;  // per part: closed by :| or ::, or holding a first ending
  Fraction bar_length;
  bool has_repeats = false;  // a :| or :: or a numbered ending
};
TuneParts SplitIntoParts(const Tune& tune);

// A tune's form: bars per part and, when known, which parts are played twice (AABB).
struct Form {
  std::vector<int> bars;
  std::vector<bool> repeated;  // one per part, or empty: not known
};

// Bars per part: each part's duration in bars, rounded (a pickup and the short last bar that
// completes it make one bar; a pickup alone does not count, and joins the part after it). Empty
// when the tune has no bars (M:none) or a part rounds to no bar. FormOfParts adds each part's
// repeat (a pickup's goes with the part it joins).
Form FormOfParts(const TuneParts& parts);
std::vector<int> PartBars(const TuneParts& parts);

// The tune types abcrnn knows, in the order `--list-controls` prints them: reel, jig, slip jig,
// hornpipe, polka, waltz, strathspey, march, slide, mazurka, air, song.
const std::vector<std::string>& KnownTuneTypes();

// An R: (or title) text as a known type: "Double Jig" -> "jig", "Slip-jig" -> "slip jig",
// "Liebes - Lied" -> "song"; "" when it names none.
std::string NormaliseTuneType(std::string_view text);

// A type from the meter and rhythm when the source gives none: 6/8 -> jig, 9/8 -> slip jig,
// 12/8 -> slide; in common or cut time, mostly even quavers -> reel, mostly dotted pairs ->
// hornpipe. "" when the music does not say.
std::string InferTuneType(const Tune& tune);

struct TuneControls {
  std::string style;           // the collection's label ("nottingham"); "" none
  std::string type;            // a KnownTuneTypes() name; "" unknown
  std::vector<int> part_bars;  // bars per part; empty when unknown
  std::vector<bool> part_repeats;  // per part, played twice; empty when unknown (or no form)
};

// R: (normalised), else the title's type word, else InferTuneType; the form from PartBars
// (dropped past kMaxParts parts or kMaxPartBars bars in a part).
TuneControls DeriveControls(const Tune& tune, std::string style);
inline constexpr int kMaxParts = 8;
inline constexpr int kMaxPartBars = 64;

// "8+8" for {8, 8}; "" for none. With repeats, the musicians' letters after a space, a part's
// letter twice when it is played twice: "8+8 AABB", "4+8 AAB", "8+8+8+8 ABCD".
std::string FormText(const std::vector<int>& part_bars, const std::vector<bool>& repeats = {});
// Parses "8+8" or "8+8 AABB" (1 to kMaxParts parts of 1 to kMaxPartBars bars; the letters A, B,
// ... in order, each once or twice). InvalidArgument otherwise.
Result<Form> ParseForm(std::string_view text);
// The bars of ParseForm.
Result<std::vector<int>> ParseFormText(std::string_view text);

// The header lines of the controls in training form, each ending in "\n", in this order and only
// those known: "S:<style>", "R:<type>", "N:form <bars>+<bars>..." (with the repeat letters only
// when `with_repeats` and they are known). A style is lower case letters,
// digits, '-' and '_' (IsStyleName).
std::string ControlLines(const TuneControls& controls, bool with_repeats = false);
bool IsStyleName(std::string_view name);

// The controls written in a tune's header by ControlLines (S:, R: and an "N:form ..." line);
// fields absent stay empty. Reads text in training form up to its K: line.
TuneControls ReadControlLines(std::string_view text);

// The form a tune in training form asks for in its "N:form ..." header line, or empty.
std::vector<int> FormOfHeader(std::string_view text);

// A tune in training form whose type is a hornpipe written in cut time (M:C| or M:2/2) gets the
// common-time meter of the same bar length (M:C, M:4/4); other tunes come back unchanged.
// abc2midi swings hornpipes only in 2/4 and 4/4 and reports any other meter as an error
// ("Hornpipe must be in 2/4 or 4/4 time"); the notes and bars are the same in both meters.
std::string HornpipeInCommonTime(const std::string& text);

}  // namespace abcrnn::abc

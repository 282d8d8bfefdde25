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
  int final_semitones = -1;    // the last note above the tonic (FinalSemitones); -1 unknown
  std::string beat;            // "even", "mixed" or "dotted" (BeatOf); "" unknown
};

// The tune's final: its last note's pitch class in semitones above the tonic of the key in force
// at the end (0 ends on the tonic, 4 on a major third), the last note's highest pitch when it is
// a chord; -1 for K:none or a tune without notes. What `abcrnn eval` counts as ending on the tonic.
int FinalSemitones(const Tune& tune);

// A final as musicians name the degree: "1" "b2" "2" "b3" "3" "4" "#4" "5" "b6" "6" "b7" "7" for
// 0..11 semitones above the tonic. REQUIRES: 0 <= semitones < 12.
std::string DegreeText(int semitones);
// Parses a degree 1 to 7 of the major scale, with an optional b (flat) or # (sharp) before it:
// "1" -> 0, "b3" -> 3, "3" -> 4, "#4" -> 6, "b1" -> 11. InvalidArgument otherwise.
Result<int> ParseDegree(std::string_view text);

// The share of the tune's notes (its first voice's) that stand in dotted pairs: two notes in a row,
// one three times as long as the other, long-short or short-long ("A>B", "A<B", "A3/2B/", "A3B"
// under L:1/16), each note in one pair at most, in order. -1 for fewer than 8 notes.
double DottedShare(const Tune& tune);
// The tune's beat by DottedShare: "even" under kMixedBeatShare (straight notes, a dotted figure now
// and then: most reels and jigs), "dotted" from kDottedBeatShare (dotted throughout: Aird's and
// O'Neill's hornpipes, strathspeys), "mixed" between; "" when the share is -1. In the corpus
// (../shared/data cleaned with --controls) 88% of the reels are even and 1.5% dotted; 43% of the
// hornpipes are dotted and 49% even (Nottingham's are written even, as are about half O'Neill's).
inline constexpr double kMixedBeatShare = 0.1;
inline constexpr double kDottedBeatShare = 0.4;
std::string BeatOf(const Tune& tune);
// The beats a control line may say: "even", "mixed" and "dotted".
bool IsBeatName(std::string_view name);

// R: (normalised), else the title's type word, else InferTuneType; the form from PartBars
// (dropped past kMaxParts parts or kMaxPartBars bars in a part); the final from FinalSemitones; the
// beat from BeatOf.
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

// Which of the optional control lines ControlLines writes (each only when the tune's is known).
struct ControlLineOptions {
  bool repeats = false;  // the form line's repeat letters ("N:form 8+8 AABB")
  bool final = false;    // "N:final <degree>"
  bool beat = false;     // "N:beat even", "N:beat mixed", "N:beat dotted"
  // Every optional line the tune has: what generation writes in a drawn header.
  static ControlLineOptions All() { return {true, true, true}; }
};

// The header lines of the controls in training form, each ending in "\n", in this order and only
// those known: "S:<style>", "R:<type>", "N:form <bars>+<bars>..." (with the repeat letters only
// when `options.repeats` and they are known), with `options.final` "N:final <degree>"
// (DegreeText) and with `options.beat` "N:beat <beat>". A style is lower case letters, digits, '-'
// and '_' (IsStyleName).
std::string ControlLines(const TuneControls& controls, const ControlLineOptions& options = {});
bool IsStyleName(std::string_view name);

// The controls written in a tune's header by ControlLines (S:, R:, "N:form ...", "N:final ..." and
// "N:beat ..." lines); fields absent stay empty (final_semitones -1). Reads text in training form up to its K: line.
TuneControls ReadControlLines(std::string_view text);

// The form a tune in training form asks for in its "N:form ..." header line, or empty.
std::vector<int> FormOfHeader(std::string_view text);

// `text` without its header's "N:final ..." and "N:beat ..." lines: the text the split hashes
// (data/split.h), so that writing the final or the beat does not move tunes across the split.
std::string SplitKeyText(std::string_view text);

// A tune in training form whose type is a hornpipe written in cut time (M:C| or M:2/2) gets the
// common-time meter of the same bar length (M:C, M:4/4); other tunes come back unchanged.
// abc2midi swings hornpipes only in 2/4 and 4/4 and reports any other meter as an error
// ("Hornpipe must be in 2/4 or 4/4 time"); the notes and bars are the same in both meters.
std::string HornpipeInCommonTime(const std::string& text);

}  // namespace abcrnn::abc

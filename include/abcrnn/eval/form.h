// Form metrics of one parsed tune: does it parse, are its bars the right length, has it the
// header fields, does it end on the tonic of its key, has it a repeat structure with parts of
// equal length (AABB and the like), how many bars and what pitch range. Definitions in
// doc/eval.md; used by `abcrnn eval`.
#pragma once

namespace abcrnn::abc {
struct Tune;
}

namespace abcrnn::eval {

struct TuneForm {
  bool parses = false;       // no error other than bar-length ones (overfull bars) and a player's
                             // (abc::IsPlayerKind: a hornpipe in C|, which abc2midi refuses)
  bool valid = false;        // no error at all (what `abcrnn check` accepts)
  bool bars_ok = false;      // parses, and no overfull or underfull bar
  bool has_header = false;   // M: and K: in the header (L: may default, as the standard says)
  int ends_on_tonic = -1;    // 1: last note's pitch class is the key's tonic; 0: not; -1: no
                             // tonic (K:none) or no notes
  bool has_repeats = false;  // at least one :| or :: (or a first/second ending)
  bool equal_parts = false;  // two or more parts (between repeat signs, ||, |]) all of the
                             // same whole number of bars, second endings not counted
  int bars = 0;              // bars with notes or rests, written order
  int pitch_range = 0;       // semitones between the highest and lowest note
  // Bars that play one of the kEchoReach bars before them again, note for note (pitches and
  // lengths; a bar of rests only is not counted): phrases played twice within a part.
  int echo_bars = 0;
};

// How far back a bar may be to count as echoed (8: the two halves of a 16-bar part).
constexpr int kEchoReach = 8;

// REQUIRES: nothing (a tune without music gives bars = 0 and ends_on_tonic = -1).
TuneForm AnalyzeForm(const abc::Tune& tune);

}  // namespace abcrnn::eval

// Score line breaks for tunes shown to people: a music line with many bars is broken after every
// few bar lines, so abcm2ps can lay it out ("Line too much shrunk") and sheet music reads as
// musicians write it. Layout only: the notes, bars and everything else stay as they are.
#pragma once

#include <string>

namespace abcrnn::abc {

// `text`: a tune (header lines, then music lines after its K: line). Every music line with more
// than `max_bars` bars, or more than `bars_per_line` bars in more than 64 characters, is broken
// after every `bars_per_line`-th bar line (never between a
// bar line and the ending number attached to it, as in "|1" or ":|2"). Header and field lines,
// comments and shorter lines are unchanged. REQUIRES: 1 <= bars_per_line <= max_bars.
std::string BreakLongLines(const std::string& text, int bars_per_line = 4, int max_bars = 8);

// Lays a tune's music out as musicians write it: every run of plain music lines (no field line,
// comment, continuation or lyrics between them) is joined, then broken after every
// `bars_per_line`-th full bar, at the end of each part (after :|, ||, |] and ::), and before a |:
// that starts one; a short first bar (an upbeat) goes on the line of the bars it leads into, so
// no line starts with a lone upbeat, and no line breaks inside a bar. The music is the same
// (a line break and a space both end a beam group). A tune this cannot lay out (several voices,
// lyrics, one the parser cannot place bars in) gets BreakLongLines instead.
// REQUIRES: bars_per_line >= 1.
std::string LayoutMusicLines(const std::string& text, int bars_per_line = 4);

}  // namespace abcrnn::abc

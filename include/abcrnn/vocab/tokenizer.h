// The musical units of a tune in training form (abc/clean.h), for the token vocabulary: a note or
// rest with its accidentals, octave marks and length; a bar line with its repeat marks and ending
// number; a tuplet mark; a broken-rhythm mark; a whole field line (header fields and controls,
// "M:6/8", "N:form 8+8 AABB"); every other character alone. Which units become tokens is the
// vocabulary's business (vocab/vocab.h). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace abcrnn {

// Splits `text` into units whose concatenation is exactly `text` (any bytes, valid ABC or not).
// Each unit is one or more whole characters (UTF-8); "\n" is always a unit of its own.
std::vector<std::string> SplitMusicalUnits(std::string_view text);

}  // namespace abcrnn

// From a performance (or straight from ABC text) to a Standard MIDI File: format 1, track 0 with
// the title, tempo, meter and key events, then one track per voice (channel = voice index,
// skipping the drum channel 9) with the program change and the notes. 480 ticks per quarter.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "abcrnn/abc/tune.h"
#include "abcrnn/midi/performance.h"
#include "abcrnn/midi/smf.h"
#include "abcrnn/util/status.h"

namespace abcrnn::midi {

// Ticks for a time in whole notes: floor(whole_notes * 4 * division), as abc2midi rounds.
int64_t ToTicks(const abc::Fraction& whole_notes, int division = kDefaultDivision);

// The file for a performance. Each note sounds from ToTicks(onset) to ToTicks(onset + duration);
// a marker meta event ("end") in track 0 makes the file last until the performance's end.
Smf PerformanceToSmf(const Performance& performance, const PerformOptions& options);

// Parses, performs and encodes the first tune of `abc_text`. Fails when the text holds no tune,
// the tune has errors that leave no music, or Perform fails.
Result<std::string> AbcToMidi(std::string_view abc_text, const PerformOptions& options = {});

// Performs and encodes a parsed tune.
Result<std::string> TuneToMidi(const abc::Tune& tune, const PerformOptions& options = {});

}  // namespace abcrnn::midi

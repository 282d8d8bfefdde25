// A small Standard MIDI File reader for the peer tests: the notes (onset, duration, pitch,
// channel, track) of a format 0/1 file as abc2midi writes them. Tempo and meta events are skipped;
// times stay in ticks (the file's division, abc2midi: 480 per quarter note).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "abcrnn/util/status.h"

namespace abcrnn::testing {

struct SmfNote {
  int64_t onset = 0;     // ticks from the start of the file
  int64_t duration = 0;  // ticks (note-off, or note-on with velocity 0, minus onset)
  int pitch = 0;         // MIDI 0-127
  int channel = 0;       // 0-15
  int track = 0;         // index of the MTrk chunk
};

struct SmfFile {
  int format = 0;
  int division = 0;            // ticks per quarter note
  std::vector<SmfNote> notes;  // sorted by onset, then pitch, then channel
};

// Parses a whole file's bytes. Corruption ("expected MTrk, got ...") when the bytes are not SMF.
Result<SmfFile> ParseSmf(std::string_view bytes);
Result<SmfFile> ReadSmf(const std::string& path);

// The notes on `channel` (abc2midi plays the first voice on channel 0; chord symbols go to other
// channels), in the order of SmfFile::notes.
std::vector<SmfNote> ChannelNotes(const SmfFile& file, int channel);

}  // namespace abcrnn::testing

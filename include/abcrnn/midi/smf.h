// Standard MIDI Files (SMF, format 0 or 1): events in absolute ticks, an encoder that sorts and
// delta-encodes them, and a strict reader for tests and peer comparisons (abc2midi's files).
// Knows nothing about ABC; src/midi/performance.cc turns a tune into these events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "abcrnn/util/status.h"

namespace abcrnn::midi {

constexpr int kDefaultDivision = 480;  // ticks per quarter note, as abc2midi writes

// One event at an absolute time. Channel messages: status 0x80..0xEF (channel in the low nibble)
// and 1 or 2 data bytes. Meta events: status 0xFF, meta_type, payload in data. SysEx: 0xF0/0xF7.
struct SmfEvent {
  int64_t tick = 0;       // absolute, in ticks (see Smf::division)
  uint8_t status = 0;
  uint8_t meta_type = 0;  // only for status 0xFF
  std::string data;       // data bytes (channel message) or payload (meta, sysex)

  bool IsNoteOn() const { return (status & 0xF0) == 0x90 && data.size() == 2 && data[1] != 0; }
  // A note-off: 0x80, or 0x90 with velocity 0 (running-status idiom).
  bool IsNoteOff() const {
    return ((status & 0xF0) == 0x80 || ((status & 0xF0) == 0x90 && data.size() == 2 && data[1] == 0));
  }
  int Channel() const { return status & 0x0F; }
  int Key() const { return data.empty() ? -1 : static_cast<uint8_t>(data[0]); }
};

// Events in any order; EncodeSmf sorts them (see there). No end-of-track event needed.
struct SmfTrack {
  std::vector<SmfEvent> events;
};

struct Smf {
  int format = 1;                  // 0: one track; 1: simultaneous tracks (tempo map in track 0)
  int division = kDefaultDivision;  // ticks per quarter note (1..0x7FFF)
  std::vector<SmfTrack> tracks;
};

// Event builders. REQUIRES: channel 0..15, key/velocity/program 0..127.
SmfEvent NoteOn(int64_t tick, int channel, int key, int velocity);
SmfEvent NoteOff(int64_t tick, int channel, int key);  // 0x80 with release velocity 0
SmfEvent ProgramChange(int64_t tick, int channel, int program);  // 0-based GM program
// Tempo in microseconds per quarter note (500000 = 120 quarter notes per minute).
SmfEvent Tempo(int64_t tick, int microseconds_per_quarter);
// Time signature numerator/denominator (denominator a power of two, 1..64); clocks per click 24,
// 8 thirty-seconds per quarter, as abc2midi writes.
SmfEvent TimeSignature(int64_t tick, int numerator, int denominator);
// Key signature: sharps (-7..7, negative = flats) and minor (false = major).
SmfEvent KeySignature(int64_t tick, int sharps, bool minor);
SmfEvent TrackName(int64_t tick, std::string_view name);  // meta 0x03

// The file's bytes. Within each track, events are ordered by tick, then by kind (meta events,
// then other channel messages such as program changes, then note-offs, then note-ons), then in
// the order given; so a repeated note ends before it starts again at the same tick. Running
// status is not used; an end-of-track meta event closes every track at its last tick.
// Fails (InvalidArgument) on a negative tick, a bad format/division/track count, or a malformed
// event.
Result<std::string> EncodeSmf(const Smf& smf);

// Encodes and writes atomically.
Status WriteSmf(const std::string& path, const Smf& smf);

// Parses an SMF (MThd then MTrk chunks; unknown chunks skipped). Events get absolute ticks and keep
// the file order; end-of-track events are dropped. Fails (Corruption) with the byte offset on a
// truncated or malformed file.
Result<Smf> DecodeSmf(std::string_view bytes);

// A sounding note read back from a file: note-on paired with the next note-off of the same
// channel and key (first in, first out).
struct SmfNote {
  int64_t onset = 0;     // ticks
  int64_t duration = 0;  // ticks
  int key = 0;
  int velocity = 0;
  int channel = 0;
  int track = 0;

  bool operator==(const SmfNote& o) const {
    return onset == o.onset && duration == o.duration && key == o.key && velocity == o.velocity &&
           channel == o.channel && track == o.track;
  }
};

// Every note of every track, sorted by onset, then key, then track. A note-on left without a
// note-off ends at its track's last tick.
std::vector<SmfNote> CollectNotes(const Smf& smf);

// Microseconds per quarter of the first tempo event, or 500000 (the SMF default) when none.
int FirstTempo(const Smf& smf);

// Seconds from the start to the last event of any track, under the file's tempo map (tempo events
// of every track; 500000 us per quarter until the first).
double DurationSeconds(const Smf& smf);

}  // namespace abcrnn::midi

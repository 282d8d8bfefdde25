// Standard MIDI File decoding: chunks, variable-length quantities, running status, and pairing of
// note-on/note-off into notes. Strict: every length is checked against the bytes present.
#include <algorithm>
#include <deque>
#include <map>
#include <tuple>

#include "abcrnn/midi/smf.h"

namespace abcrnn::midi {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view bytes) : bytes_(bytes) {}
  size_t pos() const { return pos_; }
  size_t left() const { return bytes_.size() - pos_; }
  bool Byte(uint8_t* out) {
    if (left() < 1) return false;
    *out = static_cast<uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool BE(int bytes, uint32_t* out) {
    if (left() < static_cast<size_t>(bytes)) return false;
    uint32_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(bytes_[pos_++]);
    *out = v;
    return true;
  }
  bool VarLen(uint32_t* out) {  // at most 4 bytes (values < 2^28), as the standard says
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      uint8_t b;
      if (!Byte(&b)) return false;
      v = (v << 7) | (b & 0x7F);
      if (!(b & 0x80)) {
        *out = v;
        return true;
      }
    }
    return false;
  }
  bool Take(size_t n, std::string_view* out) {
    if (left() < n) return false;
    *out = bytes_.substr(pos_, n);
    pos_ += n;
    return true;
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

Status Bad(size_t offset, const std::string& what) {
  return Status::Corruption("SMF at byte " + std::to_string(offset) + ": " + what +
                            " (truncated or not a MIDI file?)");
}

Result<SmfTrack> DecodeTrack(std::string_view body, size_t base) {
  SmfTrack track;
  Cursor c(body);
  int64_t now = 0;
  uint8_t running = 0;
  while (c.left() > 0) {
    uint32_t delta;
    if (!c.VarLen(&delta)) return Bad(base + c.pos(), "expected a delta time");
    now += delta;
    uint8_t status;
    if (!c.Byte(&status)) return Bad(base + c.pos(), "expected an event after the delta time");
    SmfEvent e;
    e.tick = now;
    std::string_view data;
    if (status == 0xFF) {
      uint32_t len;
      if (!c.Byte(&e.meta_type) || !c.VarLen(&len) || !c.Take(len, &data))
        return Bad(base + c.pos(), "expected a complete meta event");
      e.status = status;
      e.data = std::string(data);
      if (e.meta_type == 0x2F) break;  // end of track
    } else if (status == 0xF0 || status == 0xF7) {
      uint32_t len;
      if (!c.VarLen(&len) || !c.Take(len, &data)) return Bad(base + c.pos(), "expected a complete sysex event");
      e.status = status;
      e.data = std::string(data);
      running = 0;
    } else {
      size_t first_data = 0;
      uint8_t first = 0;
      if (status < 0x80) {  // running status: this byte is the first data byte
        if (running == 0) return Bad(base + c.pos() - 1, "expected a status byte, got a data byte with no running status");
        first = status;
        status = running;
        first_data = 1;
      }
      if (status > 0xEF) return Bad(base + c.pos() - 1, "expected a channel status byte, got " + std::to_string(status));
      running = status;
      e.status = status;
      size_t need = ((status & 0xF0) == 0xC0 || (status & 0xF0) == 0xD0) ? 1 : 2;
      if (first_data) e.data.push_back(static_cast<char>(first));
      if (!c.Take(need - first_data, &data)) return Bad(base + c.pos(), "expected the event's data bytes");
      e.data += std::string(data);
    }
    track.events.push_back(std::move(e));
  }
  return track;
}

}  // namespace

Result<Smf> DecodeSmf(std::string_view bytes) {
  Cursor c(bytes);
  std::string_view id;
  uint32_t len, format, ntracks, division;
  if (!c.Take(4, &id) || id != "MThd") return Bad(0, "expected the header chunk 'MThd'");
  if (!c.BE(4, &len) || len < 6 || !c.BE(2, &format) || !c.BE(2, &ntracks) || !c.BE(2, &division))
    return Bad(c.pos(), "expected a header of at least 6 bytes");
  std::string_view rest;
  if (!c.Take(len - 6, &rest)) return Bad(c.pos(), "expected the rest of the header");
  if (format > 2) return Bad(8, "expected format 0, 1 or 2, got " + std::to_string(format));
  if (division & 0x8000) return Bad(12, "expected ticks per quarter, got SMPTE time division");
  Smf smf;
  smf.format = static_cast<int>(format);
  smf.division = static_cast<int>(division);
  while (c.left() > 0 && smf.tracks.size() < ntracks) {
    size_t at = c.pos();
    std::string_view body;
    if (!c.Take(4, &id) || !c.BE(4, &len) || !c.Take(len, &body)) return Bad(at, "expected a complete chunk");
    if (id != "MTrk") continue;  // unknown chunks are skipped, as the standard asks
    auto track = DecodeTrack(body, at + 8);
    if (!track.ok()) return track.status();
    smf.tracks.push_back(std::move(*track));
  }
  if (smf.tracks.size() != ntracks)
    return Bad(c.pos(), "expected " + std::to_string(ntracks) + " tracks, got " + std::to_string(smf.tracks.size()));
  return smf;
}

std::vector<SmfNote> CollectNotes(const Smf& smf) {
  std::vector<SmfNote> notes;
  for (size_t t = 0; t < smf.tracks.size(); ++t) {
    std::map<std::pair<int, int>, std::deque<size_t>> sounding;  // (channel, key) -> notes index
    int64_t last = 0;
    for (const SmfEvent& e : smf.tracks[t].events) {
      last = std::max(last, e.tick);
      if (e.IsNoteOn()) {
        SmfNote n;
        n.onset = e.tick;
        n.key = e.Key();
        n.velocity = static_cast<uint8_t>(e.data[1]);
        n.channel = e.Channel();
        n.track = static_cast<int>(t);
        sounding[{n.channel, n.key}].push_back(notes.size());
        notes.push_back(n);
      } else if (e.IsNoteOff()) {
        auto it = sounding.find({e.Channel(), e.Key()});
        if (it == sounding.end() || it->second.empty()) continue;  // stray note-off
        SmfNote& n = notes[it->second.front()];
        n.duration = e.tick - n.onset;
        it->second.pop_front();
      }
    }
    for (auto& [key, open] : sounding)
      for (size_t i : open) notes[i].duration = last - notes[i].onset;
  }
  std::stable_sort(notes.begin(), notes.end(), [](const SmfNote& a, const SmfNote& b) {
    return std::tie(a.onset, a.key, a.track) < std::tie(b.onset, b.key, b.track);
  });
  return notes;
}

int FirstTempo(const Smf& smf) {
  int64_t best_tick = -1;
  int tempo = 500000;
  for (const auto& track : smf.tracks)
    for (const auto& e : track.events)
      if (e.status == 0xFF && e.meta_type == 0x51 && e.data.size() == 3 && (best_tick < 0 || e.tick < best_tick)) {
        best_tick = e.tick;
        tempo = (static_cast<uint8_t>(e.data[0]) << 16) | (static_cast<uint8_t>(e.data[1]) << 8) |
                static_cast<uint8_t>(e.data[2]);
      }
  return tempo;
}

double DurationSeconds(const Smf& smf) {
  std::vector<std::pair<int64_t, int>> tempi;  // tick, microseconds per quarter
  int64_t last = 0;
  for (const auto& track : smf.tracks)
    for (const auto& e : track.events) {
      last = std::max(last, e.tick);
      if (e.status == 0xFF && e.meta_type == 0x51 && e.data.size() == 3)
        tempi.push_back({e.tick, (static_cast<uint8_t>(e.data[0]) << 16) |
                                     (static_cast<uint8_t>(e.data[1]) << 8) | static_cast<uint8_t>(e.data[2])});
    }
  std::stable_sort(tempi.begin(), tempi.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  double seconds = 0.0;
  int64_t at = 0;
  int tempo = 500000;
  for (const auto& [tick, us] : tempi) {
    if (tick >= last) break;
    seconds += double(tick - at) * tempo / (1e6 * smf.division);
    at = tick;
    tempo = us;
  }
  return seconds + double(last - at) * tempo / (1e6 * smf.division);
}

}  // namespace abcrnn::midi

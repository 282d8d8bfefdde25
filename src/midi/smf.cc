// Standard MIDI File encoding: event builders, stable ordering of simultaneous events,
// variable-length delta times, chunk layout (MThd, MTrk). Decoding lives in smf_reader.cc.
#include "abcrnn/midi/smf.h"

#include <algorithm>
#include <numeric>

#include "abcrnn/util/file.h"

namespace abcrnn::midi {
namespace {

std::string Bytes(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) s.push_back(static_cast<char>(v & 0xFF));
  return s;
}

SmfEvent Channel(int64_t tick, int status, int channel, std::string data) {
  SmfEvent e;
  e.tick = tick;
  e.status = static_cast<uint8_t>(status | (channel & 0x0F));
  e.data = std::move(data);
  return e;
}

SmfEvent Meta(int64_t tick, int type, std::string payload) {
  SmfEvent e;
  e.tick = tick;
  e.status = 0xFF;
  e.meta_type = static_cast<uint8_t>(type);
  e.data = std::move(payload);
  return e;
}

void AppendVarLen(std::string& out, uint64_t value) {
  // Big-endian groups of 7 bits, continuation bit set on all but the last.
  char buf[10];
  int n = 0;
  buf[n++] = static_cast<char>(value & 0x7F);
  while ((value >>= 7) != 0) buf[n++] = static_cast<char>(0x80 | (value & 0x7F));
  while (n > 0) out.push_back(buf[--n]);
}

void AppendBE(std::string& out, uint32_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

// Order of kinds at the same tick: meta (tempo, meter, key, names), sysex, other channel
// messages (program change, controllers), note-offs, note-ons.
int KindRank(const SmfEvent& e) {
  if (e.status == 0xFF) return 0;
  if (e.status == 0xF0 || e.status == 0xF7) return 1;
  if (e.IsNoteOff()) return 3;
  if (e.IsNoteOn()) return 4;
  return 2;
}

size_t ChannelDataLength(uint8_t status) {
  int kind = status & 0xF0;
  return (kind == 0xC0 || kind == 0xD0) ? 1 : 2;
}

Status CheckEvent(const SmfEvent& e, size_t track, size_t index) {
  auto where = [&] {
    return "track " + std::to_string(track) + " event " + std::to_string(index) + " (tick " +
           std::to_string(e.tick) + ")";
  };
  if (e.tick < 0) return Status::InvalidArgument(where() + ": expected a tick >= 0, got a negative one");
  if (e.status == 0xFF || e.status == 0xF0 || e.status == 0xF7) {
    if (e.status == 0xFF && e.meta_type == 0x2F)
      return Status::InvalidArgument(where() + ": expected no end-of-track event (added by the encoder)");
    return Status::OK();
  }
  if (e.status < 0x80 || e.status > 0xEF)
    return Status::InvalidArgument(where() + ": expected a status byte 0x80..0xEF, 0xF0, 0xF7 or 0xFF, got " +
                                   std::to_string(e.status));
  if (e.data.size() != ChannelDataLength(e.status))
    return Status::InvalidArgument(where() + ": expected " + std::to_string(ChannelDataLength(e.status)) +
                                   " data bytes, got " + std::to_string(e.data.size()));
  for (char c : e.data)
    if (static_cast<uint8_t>(c) > 0x7F)
      return Status::InvalidArgument(where() + ": expected data bytes 0..127, got " +
                                     std::to_string(static_cast<uint8_t>(c)));
  return Status::OK();
}

}  // namespace

SmfEvent NoteOn(int64_t tick, int channel, int key, int velocity) {
  return Channel(tick, 0x90, channel, Bytes({key, velocity}));
}
SmfEvent NoteOff(int64_t tick, int channel, int key) {
  return Channel(tick, 0x80, channel, Bytes({key, 0}));
}
SmfEvent ProgramChange(int64_t tick, int channel, int program) {
  return Channel(tick, 0xC0, channel, Bytes({program}));
}
SmfEvent Tempo(int64_t tick, int microseconds_per_quarter) {
  int us = microseconds_per_quarter;
  return Meta(tick, 0x51, Bytes({us >> 16, us >> 8, us}));
}
SmfEvent TimeSignature(int64_t tick, int numerator, int denominator) {
  int power = 0;
  while ((1 << power) < denominator && power < 7) ++power;
  return Meta(tick, 0x58, Bytes({numerator, power, 24, 8}));
}
SmfEvent KeySignature(int64_t tick, int sharps, bool minor) {
  return Meta(tick, 0x59, Bytes({sharps, minor ? 1 : 0}));
}
SmfEvent TrackName(int64_t tick, std::string_view name) {
  return Meta(tick, 0x03, std::string(name));
}

Result<std::string> EncodeSmf(const Smf& smf) {
  if (smf.format < 0 || smf.format > 1)
    return Status::InvalidArgument("SMF: expected format 0 or 1, got " + std::to_string(smf.format));
  if (smf.division < 1 || smf.division > 0x7FFF)
    return Status::InvalidArgument("SMF: expected a division of 1..32767 ticks per quarter, got " +
                                   std::to_string(smf.division));
  if (smf.tracks.empty() || (smf.format == 0 && smf.tracks.size() != 1) || smf.tracks.size() > 0xFFFF)
    return Status::InvalidArgument("SMF: expected one track (format 0) or 1..65535 (format 1), got " +
                                   std::to_string(smf.tracks.size()));
  std::string out = "MThd";
  AppendBE(out, 6, 4);
  AppendBE(out, static_cast<uint32_t>(smf.format), 2);
  AppendBE(out, static_cast<uint32_t>(smf.tracks.size()), 2);
  AppendBE(out, static_cast<uint32_t>(smf.division), 2);
  for (size_t t = 0; t < smf.tracks.size(); ++t) {
    const auto& events = smf.tracks[t].events;
    for (size_t i = 0; i < events.size(); ++i) {
      Status s = CheckEvent(events[i], t, i);
      if (!s.ok()) return s;
    }
    std::vector<size_t> order(events.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const SmfEvent& x = events[a];
      const SmfEvent& y = events[b];
      if (x.tick != y.tick) return x.tick < y.tick;
      return KindRank(x) < KindRank(y);
    });
    std::string body;
    int64_t now = 0;
    for (size_t i : order) {
      const SmfEvent& e = events[i];
      AppendVarLen(body, static_cast<uint64_t>(e.tick - now));
      now = e.tick;
      body.push_back(static_cast<char>(e.status));
      if (e.status == 0xFF) {
        body.push_back(static_cast<char>(e.meta_type));
        AppendVarLen(body, e.data.size());
      } else if (e.status == 0xF0 || e.status == 0xF7) {
        AppendVarLen(body, e.data.size());
      }
      body += e.data;
    }
    body += Bytes({0x00, 0xFF, 0x2F, 0x00});  // end of track, at the last event's tick
    out += "MTrk";
    AppendBE(out, static_cast<uint32_t>(body.size()), 4);
    out += body;
  }
  return out;
}

Status WriteSmf(const std::string& path, const Smf& smf) {
  auto bytes = EncodeSmf(smf);
  if (!bytes.ok()) return bytes.status();
  return WriteFileAtomically(path, *bytes);
}

}  // namespace abcrnn::midi

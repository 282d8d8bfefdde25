// Standard MIDI File reading for the peer tests: chunks, variable-length deltas, running status,
// note-on/off pairing per (channel, pitch) first in first out. Meta and sysex events are skipped;
// notes never switched off are dropped.
#include "support/smf.h"

#include <algorithm>
#include <deque>
#include <map>
#include <tuple>
#include <utility>

#include "abcrnn/util/file.h"

namespace abcrnn::testing {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view bytes) : b_(bytes) {}
  bool Has(size_t n) const { return pos_ + n <= b_.size(); }
  size_t pos() const { return pos_; }
  uint8_t U8() { return static_cast<uint8_t>(b_[pos_++]); }
  uint32_t U16() { uint32_t v = U8(); return (v << 8) | U8(); }
  uint32_t U32() { uint32_t v = U16(); return (v << 16) | U16(); }
  void Skip(size_t n) { pos_ += n; }
  // Variable-length quantity (at most 4 bytes); false when truncated.
  bool Vlq(uint32_t* out) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      if (!Has(1)) return false;
      uint8_t c = U8();
      v = (v << 7) | (c & 0x7f);
      if (!(c & 0x80)) { *out = v; return true; }
    }
    return false;
  }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

Status ParseTrack(std::string_view data, int track, std::vector<SmfNote>* notes) {
  Reader r(data);
  int64_t time = 0;
  uint8_t status = 0;
  std::map<std::pair<int, int>, std::deque<size_t>> open;  // (channel, pitch) -> note indexes
  auto close = [&](int ch, int pitch) {
    auto it = open.find({ch, pitch});
    if (it == open.end() || it->second.empty()) return;  // stray note-off: ignored
    SmfNote& n = (*notes)[it->second.front()];
    n.duration = time - n.onset;
    it->second.pop_front();
  };
  while (r.Has(1)) {
    uint32_t delta;
    if (!r.Vlq(&delta)) return Status::Corruption("track " + std::to_string(track) + ": truncated delta time");
    time += delta;
    if (!r.Has(1)) return Status::Corruption("track " + std::to_string(track) + ": truncated event");
    uint8_t c = r.U8();
    if (c == 0xff) {  // meta: type, length, data
      if (!r.Has(1)) return Status::Corruption("truncated meta event");
      uint8_t type = r.U8();
      uint32_t len;
      if (!r.Vlq(&len) || !r.Has(len)) return Status::Corruption("truncated meta event");
      r.Skip(len);
      if (type == 0x2f) break;  // end of track
      continue;
    }
    if (c == 0xf0 || c == 0xf7) {  // sysex
      uint32_t len;
      if (!r.Vlq(&len) || !r.Has(len)) return Status::Corruption("truncated sysex event");
      r.Skip(len);
      continue;
    }
    uint8_t d1;
    if (c & 0x80) {
      status = c;
      if (!r.Has(1)) return Status::Corruption("truncated channel event");
      d1 = r.U8();
    } else {
      if (!status) return Status::Corruption("expected a status byte, got running status at the start");
      d1 = c;
    }
    int kind = status & 0xf0, ch = status & 0x0f;
    bool two = kind != 0xc0 && kind != 0xd0;
    uint8_t d2 = 0;
    if (two) {
      if (!r.Has(1)) return Status::Corruption("truncated channel event");
      d2 = r.U8();
    }
    if (kind == 0x90 && d2 > 0) {
      open[{ch, d1}].push_back(notes->size());
      notes->push_back(SmfNote{time, -1, d1, ch, track});
    } else if (kind == 0x80 || (kind == 0x90 && d2 == 0)) {
      close(ch, d1);
    }
  }
  // Notes never switched off (abc2midi writes some for malformed chords) are dropped, as
  // midi2abc -midigram does.
  std::vector<SmfNote> closed;
  for (auto& n : *notes)
    if (n.track != track || n.duration >= 0) closed.push_back(n);
  notes->swap(closed);
  return Status::OK();
}

}  // namespace

Result<SmfFile> ParseSmf(std::string_view bytes) {
  Reader r(bytes);
  if (!r.Has(14) || bytes.substr(0, 4) != "MThd")
    return Status::Corruption("expected an MThd chunk at the start, got something else");
  r.Skip(4);
  uint32_t hlen = r.U32();
  SmfFile f;
  f.format = static_cast<int>(r.U16());
  uint32_t ntracks = r.U16();
  f.division = static_cast<int>(r.U16());
  if (hlen < 6 || !r.Has(hlen - 6)) return Status::Corruption("expected a 6-byte MThd, got a truncated one");
  r.Skip(hlen - 6);
  for (uint32_t t = 0; t < ntracks; ++t) {
    if (!r.Has(8)) return Status::Corruption("expected " + std::to_string(ntracks) + " tracks, got " + std::to_string(t));
    size_t at = r.pos();
    if (bytes.substr(at, 4) != "MTrk")
      return Status::Corruption("expected MTrk, got '" + std::string(bytes.substr(at, 4)) + "'");
    r.Skip(4);
    uint32_t len = r.U32();
    if (!r.Has(len)) return Status::Corruption("track " + std::to_string(t) + " truncated");
    Status s = ParseTrack(bytes.substr(r.pos(), len), static_cast<int>(t), &f.notes);
    if (!s.ok()) return s;
    r.Skip(len);
  }
  std::stable_sort(f.notes.begin(), f.notes.end(), [](const SmfNote& a, const SmfNote& b) {
    return std::tie(a.onset, a.pitch, a.channel) < std::tie(b.onset, b.pitch, b.channel);
  });
  return f;
}

Result<SmfFile> ReadSmf(const std::string& path) {
  auto bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  auto f = ParseSmf(*bytes);
  if (!f.ok()) return Status::Corruption(path + ": " + f.status().message());
  return f;
}

std::vector<SmfNote> ChannelNotes(const SmfFile& file, int channel) {
  std::vector<SmfNote> out;
  for (const auto& n : file.notes)
    if (n.channel == channel) out.push_back(n);
  return out;
}

}  // namespace abcrnn::testing

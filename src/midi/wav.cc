// WAV (RIFF, 16-bit little-endian PCM) encoding and decoding.
#include "abcrnn/midi/wav.h"

#include <cmath>

namespace abcrnn::midi {
namespace {

void Le(std::string& out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint32_t ReadLe(std::string_view b, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  return v;
}

}  // namespace

double Pcm::Rms() const {
  if (samples.empty()) return 0.0;
  double sum = 0.0;
  for (int16_t s : samples) sum += double(s) * double(s);
  return std::sqrt(sum / double(samples.size())) / 32768.0;
}

Result<std::string> EncodeWav(const Pcm& pcm) {
  if (pcm.channels < 1 || pcm.channels > 8)
    return Status::InvalidArgument("WAV: expected 1..8 channels, got " + std::to_string(pcm.channels));
  if (pcm.sample_rate < 1 || pcm.sample_rate > 384000)
    return Status::InvalidArgument("WAV: expected a sample rate of 1..384000, got " +
                                   std::to_string(pcm.sample_rate));
  if (pcm.samples.size() % pcm.channels != 0)
    return Status::InvalidArgument("WAV: expected whole frames, got " + std::to_string(pcm.samples.size()) +
                                   " samples for " + std::to_string(pcm.channels) + " channels");
  uint64_t data_bytes = pcm.samples.size() * 2;
  if (data_bytes > 0xFFFFFFFFull - 36)
    return Status::InvalidArgument("WAV: expected at most 4 GiB of samples, got " + std::to_string(data_bytes));
  std::string out;
  out.reserve(44 + data_bytes);
  out += "RIFF";
  Le(out, static_cast<uint32_t>(36 + data_bytes), 4);
  out += "WAVEfmt ";
  Le(out, 16, 4);
  Le(out, 1, 2);  // PCM
  Le(out, pcm.channels, 2);
  Le(out, pcm.sample_rate, 4);
  Le(out, pcm.sample_rate * pcm.channels * 2, 4);  // bytes per second
  Le(out, pcm.channels * 2, 2);                    // block align
  Le(out, 16, 2);                                  // bits per sample
  out += "data";
  Le(out, static_cast<uint32_t>(data_bytes), 4);
  for (int16_t s : pcm.samples) Le(out, static_cast<uint16_t>(s), 2);
  return out;
}

Result<Pcm> DecodeWav(std::string_view b) {
  if (b.size() < 12 || b.substr(0, 4) != "RIFF" || b.substr(8, 4) != "WAVE")
    return Status::Corruption("WAV: expected 'RIFF' ... 'WAVE' at the start, got something else");
  Pcm pcm;
  bool have_fmt = false;
  size_t at = 12;
  while (at + 8 <= b.size()) {
    std::string_view id = b.substr(at, 4);
    uint32_t len = ReadLe(b, at + 4, 4);
    if (len > b.size() - at - 8)
      return Status::Corruption("WAV: chunk '" + std::string(id) + "' at byte " + std::to_string(at) +
                                " expected " + std::to_string(len) + " bytes, got fewer (truncated?)");
    if (id == "fmt ") {
      if (len < 16) return Status::Corruption("WAV: expected a fmt chunk of 16 bytes or more, got " + std::to_string(len));
      int format = ReadLe(b, at + 8, 2), bits = ReadLe(b, at + 22, 2);
      if (format != 1 || bits != 16)
        return Status::Unsupported("WAV: expected 16-bit PCM (format 1), got format " + std::to_string(format) +
                                   " with " + std::to_string(bits) + " bits");
      pcm.channels = ReadLe(b, at + 10, 2);
      pcm.sample_rate = ReadLe(b, at + 12, 4);
      have_fmt = true;
    } else if (id == "data") {
      if (!have_fmt) return Status::Corruption("WAV: expected the fmt chunk before the data chunk");
      pcm.samples.resize(len / 2);
      for (size_t i = 0; i < pcm.samples.size(); ++i)
        pcm.samples[i] = static_cast<int16_t>(ReadLe(b, at + 8 + 2 * i, 2));
      return pcm;
    }
    at += 8 + len + (len & 1);
  }
  return Status::Corruption("WAV: expected a data chunk, got none");
}

}  // namespace abcrnn::midi

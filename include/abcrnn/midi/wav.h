// WAV files (RIFF, 16-bit PCM): the encoder the audio renderer writes with, and a reader for
// tests (length, loudness). No synthesis here: see synth.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "abcrnn/util/status.h"

namespace abcrnn::midi {

struct Pcm {
  int sample_rate = 44100;      // frames per second
  int channels = 2;             // interleaved
  std::vector<int16_t> samples;  // frames * channels

  int64_t frames() const { return channels > 0 ? int64_t(samples.size()) / channels : 0; }
  double seconds() const { return sample_rate > 0 ? double(frames()) / sample_rate : 0.0; }
  // Root mean square over all samples, as a fraction of full scale (0..1).
  double Rms() const;
};

// The canonical 44-byte-header WAV ("RIFF", "WAVE", "fmt " PCM 16-bit, "data").
// Fails (InvalidArgument) on channels outside 1..8, a sample rate outside 1..384000, or a sample
// count that is not a whole number of frames.
Result<std::string> EncodeWav(const Pcm& pcm);

// Reads a 16-bit PCM WAV; other chunks are skipped. Fails (Corruption/Unsupported) otherwise.
Result<Pcm> DecodeWav(std::string_view bytes);

}  // namespace abcrnn::midi

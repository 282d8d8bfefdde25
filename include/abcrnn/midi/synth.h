// Audio from MIDI: a Standard MIDI File played offline (faster than real time) through
// FluidSynth's library with a General MIDI sound font. Built into the abcrnn_audio library
// (links libfluidsynth); programs that do not render audio do not link it.
#pragma once

#include <string>
#include <string_view>

#include "abcrnn/midi/wav.h"
#include "abcrnn/util/status.h"

namespace abcrnn::midi {

struct SynthOptions {
  // Debian's fluid-soundfont-gm; FluidR3_GM.sf2 is the General MIDI set.
  std::string sound_font = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
  int sample_rate = 44100;
  double gain = 0.6;          // FluidSynth's master gain (0..10; its default is 0.2)
  double tail_seconds = 1.0;  // kept after the last event so the final note can ring out
};

// Plays `smf_bytes` (the whole file) and returns stereo 16-bit audio lasting exactly the file's
// duration (DurationSeconds, to the nearest frame) plus options.tail_seconds. Fails with
// Corruption when the bytes are not a MIDI file (DecodeSmf's message), NotFound when the
// sound font is missing (with the apt-get hint), Unsupported when abcrnn was built without
// FluidSynth, InvalidArgument when FluidSynth refuses the file.
Result<Pcm> RenderSmf(std::string_view smf_bytes, const SynthOptions& options = {});

// RenderSmf, then writes the WAV atomically.
Status WriteWavFromSmf(const std::string& path, std::string_view smf_bytes,
                       const SynthOptions& options = {});

}  // namespace abcrnn::midi

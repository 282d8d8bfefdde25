// A tune from the archive as a file to download: its ABC as stored, MIDI (midi/tune_midi.h), WAV
// (FluidSynth, midi/synth.h) or SVG (abcm2ps, midi/sheet.h), made in memory or in a private
// temporary folder; the file name is the server's ("tune-<id>.<ext>"), never the request's.
#pragma once

#include <string>

#include "abcrnn/midi/performance.h"
#include "abcrnn/util/status.h"

namespace abcrnn::serve {

struct Download {
  std::string bytes;
  std::string content_type;
};

// `format`: "abc", "mid", "wav" or "svg" (InvalidArgument otherwise). InvalidArgument when the
// text cannot be played or engraved; NotFound when the sound font or abcm2ps is missing (with the
// apt-get hint).
Result<Download> MakeDownload(const std::string& abc, const std::string& format, const midi::PerformOptions& perform,
                              double time_limit_s);

}  // namespace abcrnn::serve

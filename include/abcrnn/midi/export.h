// One call to hear and see a tune: its ABC text written as DIR/STEM.abc, .mid, .wav and .svg,
// for `abcrnn generate --render DIR` and anything else that makes tunes. Lives in abcrnn_audio
// (links FluidSynth); runs abcm2ps for the score.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "abcrnn/midi/performance.h"
#include "abcrnn/midi/sheet.h"
#include "abcrnn/midi/synth.h"
#include "abcrnn/util/status.h"

namespace abcrnn::midi {

struct ExportOptions {
  PerformOptions perform;
  SynthOptions synth;
  SheetOptions sheet;
  bool abc = true;   // STEM.abc: the text as given
  bool midi = true;  // STEM.mid
  bool wav = true;   // STEM.wav (FluidSynth)
  bool svg = true;   // STEM.svg (abcm2ps)
};

struct ExportedFiles {
  std::vector<std::string> written;  // paths, in the order abc, mid, wav, svg
  // What could not be made and why ("svg: ... apt-get install abcm2ps"); the other files are
  // still written.
  std::vector<std::string> skipped;
};

// Writes the files for the first tune in `abc_text` (a whole tune with X:, or the training form
// M:/L:/K: + music) into `dir` (created when missing), each atomically. Fails only when the text
// cannot be played at all (no tune, no notes: then nothing but the .abc is written) or a file
// cannot be written; a missing sound font or abcm2ps goes into `skipped`.
Result<ExportedFiles> ExportTune(std::string_view abc_text, const std::string& dir, const std::string& stem,
                                 const ExportOptions& options = {});

}  // namespace abcrnn::midi

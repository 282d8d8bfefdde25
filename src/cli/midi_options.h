// The playing options shared by `abcrnn midi` and `abcrnn render` (--program, --transpose,
// --no-grace ...), declared once.
#pragma once

#include <string>

#include "abcrnn/midi/performance.h"
#include "abcrnn/util/status.h"

namespace CLI {
class App;
}

namespace abcrnn::cli {

struct MidiOptionsArgs {
  int program = 41;  // 1-based General MIDI program number (41 = violin), as instruments are listed
  int transpose = 0;
  bool no_grace = false;
  bool no_ornaments = false;
  bool no_staccato = false;
  bool no_fermata = false;
  int tempo = 120;

  Result<midi::PerformOptions> ToOptions() const;
};

void AddMidiOptions(CLI::App* sub, MidiOptionsArgs* args);

}  // namespace abcrnn::cli

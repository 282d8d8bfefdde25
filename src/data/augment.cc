// AugmentByTransposition: parse the cleaned text, transpose, write it back in the training form.
#include "abcrnn/data/augment.h"

#include "abcrnn/abc/controls.h"
#include "abcrnn/abc/parser.h"
#include "abcrnn/abc/transpose.h"
#include "abcrnn/abc/writer.h"

namespace abcrnn {
AugmentResult AugmentByTransposition(const std::vector<std::string>& tunes, const std::vector<int>& semitones,
                                     const CleanOptions& clean) {
  AugmentResult r;
  r.tunes = tunes;
  const abc::WriteOptions w = TrainingWriteOptions(clean);
  abc::ParseOptions p;
  p.check_bars = false;
  p.keep_text = false;
  for (const auto& text : tunes) {
    abc::Tune tune = abc::ParseTune(text, p);
    for (int shift : semitones) {
      if (shift == 0) continue;
      auto moved = abc::TransposeTune(tune, shift);
      std::string out = moved.ok() ? abc::WriteTune(*moved, w) : std::string();
      // The control lines are the cleaner's, not the tune's fields: a copy keeps its original's
      // (a transposed reel is still a reel of the same form).
      if (!out.empty() && clean.controls)
        out = abc::ControlLines(abc::ReadControlLines(text), ControlLineOptionsOf(clean)) + out;
      if (out.empty() || out == text) {
        ++r.skipped;
        continue;
      }
      r.tunes.push_back(std::move(out));
      ++r.added;
    }
  }
  return r;
}

}  // namespace abcrnn

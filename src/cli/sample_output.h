// What `abcrnn generate` does with each finished tune besides printing it: the novelty guard
// (drop tunes that copy more than N consecutive bars of a corpus, eval/novelty.h) and the
// listening files (--render DIR: ABC, MIDI, WAV, SVG; --format midi: one .mid per tune). The names
// are the caller's (TuneFileNames).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "abcrnn/eval/novelty.h"
#include "abcrnn/midi/performance.h"
#include "abcrnn/util/file.h"
#include "abcrnn/util/status.h"

namespace abcrnn::cli {

class NoveltyGuard {
 public:
  // Loads the bar index of `paths` from `cache` when it was built from the same files, else
  // builds it and saves it there ("" = the default cache, $XDG_CACHE_HOME or ~/.cache/abcrnn).
  static Result<NoveltyGuard> Open(const std::vector<std::string>& paths, std::string cache, int max_bars);

  // The longest run of bars `abc` (one tune) shares with the corpus; `copied_from` names the
  // tune. True when the tune may be kept (run <= max_bars).
  bool Accept(const std::string& abc, int* run, std::string* copied_from) const;
  int max_bars() const { return max_bars_; }

 private:
  eval::BarIndex index_;
  int max_bars_ = 0;
};

// Writes DIR/STEM.abc, .mid, .wav and .svg for one tune; what could not be made (no abcm2ps, no
// sound font) is logged as a warning. Error only when the folder cannot be written.
// `perform`: instrument, tempo and what to play (--program, --tempo, ...).
Status RenderTune(const std::string& abc, const std::string& dir, const std::string& stem,
                  const midi::PerformOptions& perform);
// Writes `path` (a .mid file, atomically), making its folder when missing; with `batch`, adds it
// to the batch (one flush per 1,024 files, util/file.h), which the caller flushes at the end.
Status WriteTuneMidi(const std::string& abc, const std::string& path, const midi::PerformOptions& perform,
                     AtomicFileBatch* batch = nullptr);

}  // namespace abcrnn::cli

// Novelty against training tunes: the longest run of consecutive bars a tune shares with one
// (pitch and duration, any key) and the nearest one by edit distance on notes, via a BarIndex
// built once and cacheable in a file (doc/bar-index-format.md). Used by `abcrnn eval` and the
// `abcrnn generate` novelty guard. Immutable after construction: queries are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "abcrnn/eval/melody.h"
#include "abcrnn/util/status.h"

namespace abcrnn::eval {

// A bar's transposition-invariant content: a 64-bit hash of its notes as (pitch minus the
// bar's first pitch, duration) and rests as (rest, duration); plus the bar's first pitch
// relative to the previous bar's (kNoLink when either bar has no pitched note), which ties
// consecutive bars together so that a run of bars is compared as one transposed passage.
struct BarKey {
  static constexpr int kNoLink = 1000;
  uint64_t content = 0;
  int link = kNoLink;
};
std::vector<BarKey> BarKeys(const Melody& melody);

// One note as a token for the edit distance: hash of (interval from the previous pitched note,
// duration), rests as (rest, duration), so transposed tunes give equal tokens.
std::vector<uint32_t> NoteTokens(const Melody& melody);

// Levenshtein distance between two token sequences, banded (Ukkonen: the band doubles until the
// result lies inside it, so the answer is exact). O((n + m) * distance).
int EditDistance(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);

// The longest run of consecutive bars of a tune that also stands in an indexed tune.
struct CopiedRun {
  int bars = 0;        // length of the run (0 when no bar of the tune is in the index)
  int tune = -1;       // index of the training tune (BarIndex::name gives its name)
  int tune_bar = -1;   // first bar of the run in that training tune (0-based)
  int first_bar = -1;  // first bar of the run in the queried tune (0-based)
};

// The indexed tune nearest by edit distance on note tokens, among the `candidates` tunes that
// share the most distinct bars with the query (see doc/eval.md).
struct NearestTune {
  int tune = -1;          // -1 when no indexed tune shares a bar with the query
  int edits = 0;          // Levenshtein distance in notes
  double distance = 1.0;  // edits / max(notes of the two tunes), 0 = same notes
};

class BarIndex {
 public:
  // Indexes every bar and the note tokens of `tunes` (their names are kept for reports).
  // `source_fingerprint` identifies the data it came from (FingerprintFiles; 0 = unknown).
  static BarIndex Build(const std::vector<Melody>& tunes, uint64_t source_fingerprint = 0);

  BarIndex();
  BarIndex(BarIndex&&) noexcept;
  BarIndex& operator=(BarIndex&&) noexcept;
  ~BarIndex();

  int tune_count() const;
  int64_t bar_count() const;
  // REQUIRES: 0 <= tune < tune_count().
  const std::string& name(int tune) const;

  CopiedRun LongestCopiedRun(const Melody& melody) const;
  // True when `notes` consecutive notes of the tune (NoteTokens: each note's interval from the
  // previous note and its duration, so in any key) also stand consecutively in an indexed tune.
  // The first call for a length builds a set of that length's runs (thread-safe).
  // REQUIRES: notes >= 1.
  bool SharesNoteRun(const Melody& melody, int notes) const;
  NearestTune Nearest(const Melody& melody, int candidates = 16) const;

  // Writes the index (magic ABCRNNBI, version 1, source fingerprint, CRC-32) atomically.
  Status Save(const std::string& path) const;
  // Reads a saved index. Corruption naming what is wrong (magic, version, sizes, checksum).
  static Result<BarIndex> Load(const std::string& path);
  // The fingerprint given to Build (and stored by Save).
  uint64_t source_fingerprint() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// FNV-1a 64 of the given files' paths and bytes: a cache's source fingerprint.
// IOError when a file cannot be read.
Result<uint64_t> FingerprintFiles(const std::vector<std::string>& paths);

// The index of the tunes in `paths` (files or folders of *.abc; tunes with errors included as
// far as they parse), read from `cache_path` when that file exists and was built from the same
// files, else built and written there ("" = no cache).
Result<BarIndex> LoadOrBuildBarIndex(const std::vector<std::string>& paths,
                                     const std::string& cache_path);

}  // namespace abcrnn::eval

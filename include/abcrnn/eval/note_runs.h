// The copy guard's memory of the training tunes: the hashes of every run of N consecutive notes
// (NoteTokens: each note's interval from the previous one and its duration, so in any key),
// sorted, small enough to travel inside a checkpoint (doc/checkpoint-format.md, "Note runs").
// `abcrnn generate` drops a tune that shares such a run; `abcrnn eval` counts the same runs.
// Immutable after construction: queries are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "abcrnn/eval/melody.h"
#include "abcrnn/util/status.h"

namespace abcrnn::eval {

// The run length the shipped guard uses: issue 16 asks that no tune share a 32-note run.
inline constexpr int kGuardNoteRun = 32;
// The name of the hash below, stored beside the hashes so that a later change is detected.
inline constexpr const char* kNoteRunHash = "abcrnn-note-run-1";

// Calls fn(hash) for each run of `n` consecutive tokens, in order (a polynomial rolling hash mod
// 2^64 over token + 1). No call when n < 1 or there are fewer than n tokens.
void ForEachNoteRun(const std::vector<uint32_t>& tokens, int n, const std::function<void(uint64_t)>& fn);

class NoteRunSet {
 public:
  NoteRunSet() = default;
  // The runs of `notes` notes of every tune. REQUIRES: notes >= 1.
  static NoteRunSet Build(const std::vector<Melody>& tunes, int notes);
  // The runs of the tunes in ABC texts (any form ParseTune reads: training form included); a text
  // that does not parse adds the notes it has.
  static NoteRunSet BuildFromTexts(const std::vector<std::string>& texts, int notes);
  // From stored hashes. InvalidArgument unless notes >= 1 and the hashes are strictly increasing.
  static Result<NoteRunSet> FromHashes(int notes, std::vector<uint64_t> hashes);

  bool empty() const { return hashes_.empty(); }
  int notes() const { return notes_; }
  const std::vector<uint64_t>& hashes() const { return hashes_; }

  // The index of the first note of the first run the melody shares with the set, or -1.
  int FirstShared(const Melody& melody) const;
  bool Shares(const Melody& melody) const { return FirstShared(melody) >= 0; }

 private:
  int notes_ = 0;
  std::vector<uint64_t> hashes_;  // sorted, unique
};

}  // namespace abcrnn::eval

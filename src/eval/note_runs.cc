// The copy guard's sorted note-run hashes: built from melodies or texts, checked when read back,
// looked up by binary search.
#include "abcrnn/eval/note_runs.h"

#include <algorithm>

#include "abcrnn/abc/parser.h"
#include "abcrnn/eval/novelty.h"

namespace abcrnn::eval {

void ForEachNoteRun(const std::vector<uint32_t>& tokens, int n, const std::function<void(uint64_t)>& fn) {
  if (n < 1 || tokens.size() < static_cast<size_t>(n)) return;
  constexpr uint64_t kBase = 0x100000001B3ull;
  uint64_t top = 1;  // kBase^(n-1)
  for (int i = 1; i < n; ++i) top *= kBase;
  uint64_t h = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i >= static_cast<size_t>(n)) h -= top * (tokens[i - n] + 1ull);
    h = h * kBase + (tokens[i] + 1ull);
    if (i + 1 >= static_cast<size_t>(n)) fn(h);
  }
}

namespace {
void SortUnique(std::vector<uint64_t>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}
}  // namespace

NoteRunSet NoteRunSet::Build(const std::vector<Melody>& tunes, int notes) {
  NoteRunSet set;
  set.notes_ = notes;
  for (const Melody& m : tunes) ForEachNoteRun(NoteTokens(m), notes, [&](uint64_t h) { set.hashes_.push_back(h); });
  SortUnique(&set.hashes_);
  return set;
}

NoteRunSet NoteRunSet::BuildFromTexts(const std::vector<std::string>& texts, int notes) {
  NoteRunSet set;
  set.notes_ = notes;
  abc::ParseOptions po;
  po.keep_text = false;
  for (const std::string& text : texts)
    ForEachNoteRun(NoteTokens(MelodyFromTune(abc::ParseTune(text, po))), notes,
                   [&](uint64_t h) { set.hashes_.push_back(h); });
  SortUnique(&set.hashes_);
  return set;
}

Result<NoteRunSet> NoteRunSet::FromHashes(int notes, std::vector<uint64_t> hashes) {
  if (notes < 1) return Status::InvalidArgument("note runs: expected a run length of at least 1, got " +
                                                std::to_string(notes));
  for (size_t i = 1; i < hashes.size(); ++i)
    if (hashes[i - 1] >= hashes[i])
      return Status::InvalidArgument("note runs: expected strictly increasing hashes, entry " + std::to_string(i) +
                                     " is not above the one before");
  NoteRunSet set;
  set.notes_ = notes;
  set.hashes_ = std::move(hashes);
  return set;
}

int NoteRunSet::FirstShared(const Melody& melody) const {
  if (hashes_.empty()) return -1;
  int at = 0, found = -1;
  ForEachNoteRun(NoteTokens(melody), notes_, [&](uint64_t h) {
    if (found < 0 && std::binary_search(hashes_.begin(), hashes_.end(), h)) found = at;
    ++at;
  });
  return found;
}

}  // namespace abcrnn::eval

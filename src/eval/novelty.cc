// BarIndex: bar keys and note tokens, the longest copied run (dynamic programming over the
// index's occurrences), the nearest tune (candidates by shared bars, then banded edit distance),
// and the cache file (doc/bar-index-format.md).
#include "abcrnn/eval/novelty.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "abcrnn/eval/note_runs.h"
#include "abcrnn/util/file.h"
#include "ckpt/crc32.h"

namespace abcrnn::eval {
namespace {

constexpr char kMagic[8] = {'A', 'B', 'C', 'R', 'N', 'N', 'B', 'I'};
constexpr uint32_t kVersion = 1;
constexpr int kRestMark = 0x7FFF;

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 31);
}

int FirstPitch(const MelodyBar& bar) {
  for (const auto& n : bar.notes)
    if (!n.is_rest()) return n.pitch;
  return -1;
}

struct TuneEntry {
  std::string name;
  std::vector<BarKey> bars;
  std::vector<uint32_t> tokens;
};

// Little-endian writer/reader for the cache file.
void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

class Reader {
 public:
  Reader(const std::string& bytes, size_t end) : bytes_(bytes), end_(end) {}
  bool U32(uint32_t* v) {
    if (pos_ + 4 > end_) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i)
      *v |= static_cast<uint32_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return true;
  }
  bool U64(uint64_t* v) {
    uint32_t lo, hi;
    if (!U32(&lo) || !U32(&hi)) return false;
    *v = (static_cast<uint64_t>(hi) << 32) | lo;
    return true;
  }
  bool Bytes(size_t n, std::string* s) {
    if (n > end_ - pos_) return false;
    s->assign(bytes_, pos_, n);
    pos_ += n;
    return true;
  }
  size_t remaining() const { return end_ - pos_; }
  size_t pos() const { return pos_; }

 private:
  const std::string& bytes_;
  size_t end_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<BarKey> BarKeys(const Melody& melody) {
  std::vector<BarKey> keys;
  int previous_first = -1;
  for (const auto& bar : melody.bars) {
    const int first = FirstPitch(bar);
    uint64_t h = 0x243F6A8885A308D3ull;
    for (const auto& n : bar.notes) {
      h = Mix(h, static_cast<uint64_t>(n.is_rest() ? kRestMark : n.pitch - first));
      h = Mix(h, static_cast<uint64_t>(n.duration.num));
      h = Mix(h, static_cast<uint64_t>(n.duration.den));
    }
    BarKey k;
    k.content = h;
    k.link = (first >= 0 && previous_first >= 0) ? first - previous_first : BarKey::kNoLink;
    keys.push_back(k);
    previous_first = first;
  }
  return keys;
}

std::vector<uint32_t> NoteTokens(const Melody& melody) {
  std::vector<uint32_t> tokens;
  int previous = -1;
  for (const auto& bar : melody.bars) {
    for (const auto& n : bar.notes) {
      uint64_t h = 0x13198A2E03707344ull;
      h = Mix(h, static_cast<uint64_t>(n.is_rest()    ? kRestMark
                                       : previous < 0 ? 0
                                                      : n.pitch - previous));
      h = Mix(h, static_cast<uint64_t>(n.duration.num));
      h = Mix(h, static_cast<uint64_t>(n.duration.den));
      tokens.push_back(static_cast<uint32_t>(h >> 32));
      if (!n.is_rest()) previous = n.pitch;
    }
  }
  return tokens;
}

namespace {

// Levenshtein distance restricted to |i - j| <= band; exact when the result is <= band.
int BandedDistance(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, int band) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  const int kInf = n + m + 1;
  std::vector<int> prev(m + 1, kInf), cur(m + 1, kInf);
  for (int j = 0; j <= std::min(m, band); ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    std::fill(cur.begin(), cur.end(), kInf);
    const int lo = std::max(0, i - band), hi = std::min(m, i + band);
    if (lo == 0) cur[0] = i;
    for (int j = std::max(1, lo); j <= hi; ++j) {
      int best = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      best = std::min(best, prev[j] + 1);
      best = std::min(best, cur[j - 1] + 1);
      cur[j] = best;
    }
    std::swap(prev, cur);
  }
  return prev[m];
}

}  // namespace

int EditDistance(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  int band = std::max(std::abs(n - m), 8);
  for (;;) {
    int d = BandedDistance(a, b, band);
    if (d <= band || band >= std::max(n, m)) return d;
    band *= 2;
  }
}

struct BarIndex::Impl {
  std::vector<TuneEntry> tunes;
  // Runs of n note tokens, hashed, per n (SharesNoteRun); built on first use.
  std::mutex runs_mutex;
  std::map<int, std::unordered_set<uint64_t>> runs;
  // content hash → every (tune, bar) with that content; packed as tune << 32 | bar.
  std::unordered_map<uint64_t, std::vector<uint64_t>> occurrences;
  int64_t bars = 0;
  uint64_t fingerprint = 0;

  void BuildOccurrences() {
    occurrences.clear();
    bars = 0;
    for (size_t t = 0; t < tunes.size(); ++t)
      for (size_t b = 0; b < tunes[t].bars.size(); ++b, ++bars)
        occurrences[tunes[t].bars[b].content].push_back((static_cast<uint64_t>(t) << 32) | b);
  }
};

BarIndex::BarIndex() : impl_(std::make_unique<Impl>()) {}
BarIndex::BarIndex(BarIndex&&) noexcept = default;
BarIndex& BarIndex::operator=(BarIndex&&) noexcept = default;
BarIndex::~BarIndex() = default;

BarIndex BarIndex::Build(const std::vector<Melody>& tunes, uint64_t source_fingerprint) {
  BarIndex index;
  index.impl_->fingerprint = source_fingerprint;
  for (const auto& m : tunes)
    index.impl_->tunes.push_back(TuneEntry{m.name, BarKeys(m), NoteTokens(m)});
  index.impl_->BuildOccurrences();
  return index;
}

int BarIndex::tune_count() const { return static_cast<int>(impl_->tunes.size()); }
int64_t BarIndex::bar_count() const { return impl_->bars; }
const std::string& BarIndex::name(int tune) const { return impl_->tunes[tune].name; }
uint64_t BarIndex::source_fingerprint() const { return impl_->fingerprint; }


bool BarIndex::SharesNoteRun(const Melody& melody, int notes) const {
  const std::unordered_set<uint64_t>* set = nullptr;
  {
    std::lock_guard<std::mutex> lock(impl_->runs_mutex);
    auto it = impl_->runs.find(notes);
    if (it == impl_->runs.end()) {
      std::unordered_set<uint64_t> runs;
      for (const auto& t : impl_->tunes) ForEachNoteRun(t.tokens, notes, [&](uint64_t h) { runs.insert(h); });
      it = impl_->runs.emplace(notes, std::move(runs)).first;
    }
    set = &it->second;
  }
  bool found = false;
  ForEachNoteRun(NoteTokens(melody), notes, [&](uint64_t h) { found = found || set->count(h) > 0; });
  return found;
}

CopiedRun BarIndex::LongestCopiedRun(const Melody& melody) const {
  const auto keys = BarKeys(melody);
  CopiedRun best;
  // run[(tune, bar)]: length of the common run ending at the query's previous bar and at `bar`.
  std::unordered_map<uint64_t, int> previous, current;
  for (size_t j = 0; j < keys.size(); ++j) {
    current.clear();
    auto it = impl_->occurrences.find(keys[j].content);
    if (it != impl_->occurrences.end()) {
      for (uint64_t occ : it->second) {
        const uint32_t t = static_cast<uint32_t>(occ >> 32), b = static_cast<uint32_t>(occ);
        int length = 1;
        if (j > 0 && b > 0 && keys[j].link == impl_->tunes[t].bars[b].link) {
          auto p = previous.find(occ - 1);
          if (p != previous.end()) length = p->second + 1;
        }
        current[occ] = length;
        if (length > best.bars) {
          best.bars = length;
          best.tune = static_cast<int>(t);
          best.tune_bar = static_cast<int>(b) - length + 1;
          best.first_bar = static_cast<int>(j) - length + 1;
        }
      }
    }
    std::swap(previous, current);
  }
  return best;
}

NearestTune BarIndex::Nearest(const Melody& melody, int candidates) const {
  // Candidates: the tunes sharing the most distinct bar contents with the query.
  std::unordered_set<uint64_t> distinct;
  for (const auto& k : BarKeys(melody)) distinct.insert(k.content);
  std::unordered_map<uint32_t, int> shared;
  for (uint64_t content : distinct) {
    auto it = impl_->occurrences.find(content);
    if (it == impl_->occurrences.end()) continue;
    uint32_t last = 0xFFFFFFFFu;
    for (uint64_t occ : it->second) {  // occurrences are in tune order: count each tune once
      const uint32_t t = static_cast<uint32_t>(occ >> 32);
      if (t != last) ++shared[t];
      last = t;
    }
  }
  std::vector<std::pair<int, uint32_t>> ranked;
  for (const auto& [t, count] : shared) ranked.emplace_back(-count, t);
  std::sort(ranked.begin(), ranked.end());
  if (static_cast<int>(ranked.size()) > candidates) ranked.resize(std::max(0, candidates));

  NearestTune best;
  const auto tokens = NoteTokens(melody);
  for (const auto& [negative_count, t] : ranked) {
    const auto& other = impl_->tunes[t].tokens;
    const size_t longest = std::max(tokens.size(), other.size());
    if (longest == 0) continue;
    const int edits = EditDistance(tokens, other);
    const double d = static_cast<double>(edits) / static_cast<double>(longest);
    if (best.tune < 0 || d < best.distance ||
        (d == best.distance && static_cast<int>(t) < best.tune)) {
      best.tune = static_cast<int>(t);
      best.edits = edits;
      best.distance = d;
    }
  }
  return best;
}

Status BarIndex::Save(const std::string& path) const {
  std::string out(kMagic, sizeof kMagic);
  PutU32(&out, kVersion);
  PutU64(&out, impl_->fingerprint);
  PutU32(&out, static_cast<uint32_t>(impl_->tunes.size()));
  for (const auto& t : impl_->tunes) {
    PutU32(&out, static_cast<uint32_t>(t.name.size()));
    out += t.name;
    PutU32(&out, static_cast<uint32_t>(t.bars.size()));
    for (const auto& b : t.bars) {
      PutU64(&out, b.content);
      PutU32(&out, static_cast<uint32_t>(static_cast<int32_t>(b.link)));
    }
    PutU32(&out, static_cast<uint32_t>(t.tokens.size()));
    for (uint32_t tok : t.tokens) PutU32(&out, tok);
  }
  PutU32(&out, Crc32(out.data(), out.size()));
  return WriteFileAtomically(path, out);
}

Result<BarIndex> BarIndex::Load(const std::string& path) {
  auto bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  const std::string& s = *bytes;
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption(path + ": " + what +
                              "; hint: delete the file and it is rebuilt from the tunes");
  };
  if (s.size() < sizeof kMagic + 4 + 8 + 4 + 4 || std::memcmp(s.data(), kMagic, sizeof kMagic) != 0)
    return corrupt("expected a bar index starting with magic ABCRNNBI, got " +
                   std::to_string(s.size()) + " bytes without it");
  Reader header(s, s.size());
  std::string magic;
  uint32_t version = 0;
  header.Bytes(sizeof kMagic, &magic);
  header.U32(&version);
  if (version != kVersion)
    return corrupt("expected bar index version " + std::to_string(kVersion) + ", got " +
                   std::to_string(version));
  Reader tail(s, s.size());
  std::string skip;
  tail.Bytes(s.size() - 4, &skip);
  uint32_t stored_crc = 0;
  tail.U32(&stored_crc);
  if (Crc32(s.data(), s.size() - 4) != stored_crc)
    return corrupt("expected a matching CRC-32, got a different one");

  Reader r(s, s.size() - 4);
  r.Bytes(sizeof kMagic + 4, &skip);
  BarIndex index;
  uint32_t count = 0;
  if (!r.U64(&index.impl_->fingerprint) || !r.U32(&count))
    return corrupt("expected a header, got a short file");
  for (uint32_t i = 0; i < count; ++i) {
    TuneEntry t;
    uint32_t n = 0;
    if (!r.U32(&n) || !r.Bytes(n, &t.name) || !r.U32(&n) ||
        static_cast<uint64_t>(n) * 12 > r.remaining())
      return corrupt("expected tune " + std::to_string(i) + " of " + std::to_string(count) +
                     ", got a short file");
    t.bars.resize(n);
    for (auto& b : t.bars) {
      uint32_t link = 0;
      r.U64(&b.content);
      r.U32(&link);
      b.link = static_cast<int32_t>(link);
    }
    if (!r.U32(&n) || static_cast<uint64_t>(n) * 4 > r.remaining())
      return corrupt("expected the notes of tune " + std::to_string(i) + ", got a short file");
    t.tokens.resize(n);
    for (auto& tok : t.tokens) r.U32(&tok);
    index.impl_->tunes.push_back(std::move(t));
  }
  if (r.remaining() != 0)
    return corrupt("expected the end of the index after " + std::to_string(count) + " tunes, got " +
                   std::to_string(r.remaining()) + " more bytes");
  index.impl_->BuildOccurrences();
  return index;
}

Result<uint64_t> FingerprintFiles(const std::vector<std::string>& paths) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  auto add = [&h](const std::string& bytes) {
    for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xFF) * 1099511628211ull;  // separator
  };
  for (const auto& p : paths) {
    auto bytes = ReadFile(p);
    if (!bytes.ok()) return bytes.status();
    add(p);
    add(*bytes);
  }
  return h;
}

}  // namespace abcrnn::eval

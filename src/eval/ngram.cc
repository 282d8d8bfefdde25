// NgramModel: counting into a trie (one node per distinct n-gram, children found through an
// open-addressing hash table), continuation counts, modified Kneser-Ney discounts, and the
// interpolated probability used for scoring and sampling.
#include "abcrnn/eval/ngram.h"

#include <algorithm>
#include <cmath>

namespace abcrnn::eval {
namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;
constexpr int kMaxOrder = 16;
constexpr int kMaxSymbols = 1024;  // ids fit in 10 bits of a child key

// (parent node, symbol) → child node. Keys are stored + 1 so that 0 marks an empty slot.
class ChildTable {
 public:
  ChildTable() { Rehash(1 << 16); }
  uint32_t Find(uint32_t parent, int symbol) const {
    const uint64_t key = Key(parent, symbol);
    for (size_t i = Slot(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) return values_[i];
      if (keys_[i] == 0) return kNone;
    }
  }
  // The child, or `fresh` after inserting it (then *inserted is true).
  uint32_t FindOrInsert(uint32_t parent, int symbol, uint32_t fresh, bool* inserted) {
    if (2 * (size_ + 1) > keys_.size()) Rehash(2 * keys_.size());
    const uint64_t key = Key(parent, symbol);
    for (size_t i = Slot(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) {
        *inserted = false;
        return values_[i];
      }
      if (keys_[i] == 0) {
        keys_[i] = key;
        values_[i] = fresh;
        ++size_;
        *inserted = true;
        return fresh;
      }
    }
  }

 private:
  static uint64_t Key(uint32_t parent, int symbol) {
    return ((static_cast<uint64_t>(parent) << 10) | static_cast<uint64_t>(symbol)) + 1;
  }
  size_t Slot(uint64_t key) const { return (key * 0x9E3779B97F4A7C15ull) >> shift_; }
  void Rehash(size_t capacity) {
    std::vector<uint64_t> old_keys(capacity, 0);
    std::vector<uint32_t> old_values(capacity, 0);
    old_keys.swap(keys_);
    old_values.swap(values_);
    mask_ = capacity - 1;
    shift_ = 64 - __builtin_ctzll(capacity);
    for (size_t j = 0; j < old_keys.size(); ++j) {
      if (old_keys[j] == 0) continue;
      size_t i = Slot(old_keys[j]);
      while (keys_[i] != 0) i = (i + 1) & mask_;
      keys_[i] = old_keys[j];
      values_[i] = old_values[j];
    }
  }
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> values_;
  size_t size_ = 0;
  size_t mask_ = 0;
  int shift_ = 0;
};

// One distinct symbol sequence s (length 0..order). As an n-gram it has the adjusted count
// `count` (raw count at the top order, continuation count N1+(. s) below); as a context it
// has the sum and the counts-of-one/two/three-or-more of its children's adjusted counts.
struct Node {
  uint32_t raw = 0;
  uint32_t count = 0;
  uint32_t parent = kNone;  // s without its last symbol
  uint32_t suffix = kNone;  // s without its first symbol
  uint64_t total = 0;
  uint32_t n1 = 0, n2 = 0, n3 = 0;
  uint8_t length = 0;
};

}  // namespace

struct NgramModel::Impl {
  int order = 0;
  Vocab vocab;
  std::vector<Node> nodes;  // nodes[0] is the empty sequence (the unigram context)
  ChildTable children;
  std::vector<uint32_t> bos_chain;  // bos_chain[k]: the node of <bos>^k, k = 0..order-1
  std::vector<std::array<double, 3>> discounts;

  // Context nodes for the last k symbols, k = 0..order-1 (kNone when never seen).
  using State = std::vector<uint32_t>;

  State Start() const { return bos_chain; }

  void Advance(State* state, int symbol) const {
    State& s = *state;
    for (int k = order - 1; k >= 1; --k)
      s[k] = (symbol < 0 || s[k - 1] == kNone) ? kNone : children.Find(s[k - 1], symbol);
  }

  double Prob(const State& state, int symbol) const {
    double p = 1.0 / static_cast<double>(vocab.size() - 1);  // uniform over all but <bos>
    for (int n = 1; n <= order; ++n) {
      const uint32_t h = state[n - 1];
      if (h == kNone) break;
      const Node& ctx = nodes[h];
      if (ctx.total == 0) continue;
      const uint32_t g = children.Find(h, symbol);
      const uint32_t a = g == kNone ? 0 : nodes[g].count;
      const auto& d = discounts[n - 1];
      const double discounted = a == 0 ? 0.0 : std::max(0.0, a - d[std::min<uint32_t>(a, 3) - 1]);
      const double gamma_mass = d[0] * ctx.n1 + d[1] * ctx.n2 + d[2] * ctx.n3;
      p = (discounted + gamma_mass * p) / static_cast<double>(ctx.total);
    }
    return p;
  }

  State StateAfter(const std::vector<int>& history) const {
    std::vector<int> padded(order - 1, Vocab::kBos);
    padded.insert(padded.end(), history.begin(), history.end());
    State s(order, kNone);
    s[0] = 0;
    for (int k = 1; k < order; ++k) {
      uint32_t node = 0;
      for (size_t i = padded.size() - k; i < padded.size() && node != kNone; ++i)
        node = children.Find(node, padded[i]);
      s[k] = node;
    }
    return s;
  }

  uint32_t AddChild(uint32_t parent, int symbol, uint32_t suffix) {
    bool inserted = false;
    const uint32_t id =
        children.FindOrInsert(parent, symbol, static_cast<uint32_t>(nodes.size()), &inserted);
    if (inserted) {
      Node n;
      n.parent = parent;
      n.suffix = suffix;
      n.length = static_cast<uint8_t>(nodes[parent].length + 1);
      nodes.push_back(n);
    }
    return id;
  }
};

namespace {

// Chen & Goodman's estimates from the counts of counts n1..n4 of one order; {0.5, 1, 1.5}
// where a count of counts is zero (tiny corpora), each clamped to [0, k].
std::array<double, 3> EstimateDiscounts(const std::array<double, 5>& nk) {
  if (nk[1] == 0 || nk[2] == 0 || nk[3] == 0 || nk[4] == 0) return {0.5, 1.0, 1.5};
  const double y = nk[1] / (nk[1] + 2 * nk[2]);
  std::array<double, 3> d = {1 - 2 * y * nk[2] / nk[1], 2 - 3 * y * nk[3] / nk[2],
                             3 - 4 * y * nk[4] / nk[3]};
  for (int k = 0; k < 3; ++k) d[k] = std::clamp(d[k], 0.0, static_cast<double>(k + 1));
  return d;
}

}  // namespace

NgramModel::NgramModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NgramModel::NgramModel(NgramModel&&) noexcept = default;
NgramModel& NgramModel::operator=(NgramModel&&) noexcept = default;
NgramModel::~NgramModel() = default;

Result<NgramModel> NgramModel::Train(const std::vector<std::string>& texts,
                                     const NgramOptions& options) {
  if (options.order < 1 || options.order > kMaxOrder)
    return Status::InvalidArgument("n-gram order: expected 1.." + std::to_string(kMaxOrder) +
                                   ", got " + std::to_string(options.order));
  if (texts.empty())
    return Status::InvalidArgument("n-gram training: expected at least one tune, got none");
  if (options.fixed_discounts) {
    for (int k = 0; k < 3; ++k) {
      double d = (*options.fixed_discounts)[k];
      if (!(d >= 0 && d <= k + 1))
        return Status::InvalidArgument("n-gram discount D" + std::to_string(k + 1) +
                                       ": expected 0.." + std::to_string(k + 1) + ", got " +
                                       std::to_string(d));
    }
  }
  auto impl = std::make_unique<Impl>();
  Impl& m = *impl;
  const int n_max = options.order;
  m.order = n_max;
  m.vocab = Vocab::Build(texts);
  if (m.vocab.size() > kMaxSymbols)
    return Status::InvalidArgument("n-gram vocabulary: expected at most " +
                                   std::to_string(kMaxSymbols) + " symbols, got " +
                                   std::to_string(m.vocab.size()));
  m.nodes.emplace_back();  // the empty sequence
  m.bos_chain.push_back(0);
  for (int k = 1; k < n_max; ++k)
    m.bos_chain.push_back(m.AddChild(m.bos_chain.back(), Vocab::kBos, kNone));

  // Raw counts of every n-gram (n = 1..order) that ends in a predicted symbol.
  std::vector<uint32_t> prev(n_max), cur(n_max + 1);
  for (const auto& text : texts) {
    auto ids = m.vocab.Encode(text);
    if (!ids.ok()) return ids.status();  // cannot happen: the vocabulary holds every character
    ids->push_back(Vocab::kEos);
    for (int k = 0; k < n_max; ++k) prev[k] = m.bos_chain[k];
    for (int w : *ids) {
      cur[0] = 0;
      for (int n = 1; n <= n_max; ++n) {
        cur[n] = m.AddChild(prev[n - 1], w, cur[n - 1]);
        ++m.nodes[cur[n]].raw;
      }
      for (int k = 0; k < n_max; ++k) prev[k] = cur[k];
    }
  }
  // Adjusted counts: raw at the top order, continuation counts below.
  for (auto& node : m.nodes)
    if (node.raw > 0 && node.length >= 2) ++m.nodes[node.suffix].count;
  for (auto& node : m.nodes)
    if (node.length == n_max) node.count = node.raw;
  // Context statistics and counts of counts per order.
  std::vector<std::array<double, 5>> count_of_counts(n_max + 1, std::array<double, 5>{});
  for (const auto& node : m.nodes) {
    if (node.length == 0 || node.count == 0) continue;
    Node& ctx = m.nodes[node.parent];
    ctx.total += node.count;
    (node.count == 1 ? ctx.n1 : node.count == 2 ? ctx.n2 : ctx.n3) += 1;
    if (node.count <= 4) count_of_counts[node.length][node.count] += 1;
  }
  for (int n = 1; n <= n_max; ++n)
    m.discounts.push_back(options.fixed_discounts ? *options.fixed_discounts
                                                  : EstimateDiscounts(count_of_counts[n]));
  return NgramModel(std::move(impl));
}

int NgramModel::order() const { return impl_->order; }
const Vocab& NgramModel::vocab() const { return impl_->vocab; }
std::vector<std::array<double, 3>> NgramModel::discounts() const { return impl_->discounts; }
int64_t NgramModel::nodes() const { return static_cast<int64_t>(impl_->nodes.size()); }

double NgramModel::Probability(const std::vector<int>& history, int next) const {
  if (next <= Vocab::kBos || next >= impl_->vocab.size()) return 0.0;
  return impl_->Prob(impl_->StateAfter(history), next);
}

std::vector<double> NgramModel::Distribution(const std::vector<int>& history) const {
  const auto state = impl_->StateAfter(history);
  std::vector<double> p(impl_->vocab.size(), 0.0);
  for (int w = 1; w < impl_->vocab.size(); ++w) p[w] = impl_->Prob(state, w);
  return p;
}

NgramScore NgramModel::Score(const std::vector<std::string>& texts) const {
  NgramScore score;
  for (const auto& text : texts) {
    auto state = impl_->Start();
    auto chars = SplitCharacters(text);
    for (size_t i = 0; i <= chars.size(); ++i) {
      const int w = i == chars.size() ? Vocab::kEos : impl_->vocab.Id(chars[i]);
      if (w < 0) {
        ++score.unknown;
      } else {
        score.bits -= std::log2(impl_->Prob(state, w));
        ++score.symbols;
      }
      impl_->Advance(&state, w);
    }
  }
  return score;
}

std::string NgramModel::Sample(Rng* rng, int max_chars) const {
  const Impl& m = *impl_;
  auto state = m.Start();
  std::string out;
  std::vector<double> p(m.vocab.size());
  for (int produced = 0; produced < max_chars; ++produced) {
    double sum = 0;
    for (int w = 1; w < m.vocab.size(); ++w) sum += (p[w] = m.Prob(state, w));
    double u = rng->Uniform() * sum;  // sum is 1 up to rounding
    int chosen = m.vocab.size() - 1;
    for (int w = 1; w < m.vocab.size(); ++w) {
      if (u < p[w]) {
        chosen = w;
        break;
      }
      u -= p[w];
    }
    if (chosen == Vocab::kEos) break;
    out += m.vocab.symbol(chosen);
    m.Advance(&state, chosen);
  }
  return out;
}

}  // namespace abcrnn::eval

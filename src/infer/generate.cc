// GenerateTunes: a rolling batch of tunes (a finished row takes the next tune, or is filled by the
// last active row), each with its own random stream; ScoreTexts: log-probabilities of whole tunes.
#include "abcrnn/infer/generate.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace abcrnn {
namespace {

// One tune being made in one row of the batch.
struct Row {
  int index = 0;
  Rng rng{0};
  size_t fed = 0;         // prime ids fed so far (the prime is fed after <bos>)
  std::vector<int> ids;   // sampled ids
  int next_input = Vocab::kBos;
};

}  // namespace

Status GenerateTunes(const FastLstm& engine, const Vocab& vocab, const GenerateOptions& o,
                     const TuneSink& sink) {
  const int V = engine.config().vocab_size;
  if (vocab.size() != V)
    return Status::InvalidArgument("expected a vocabulary of " + std::to_string(V) +
                                   " symbols for this model, got " + std::to_string(vocab.size()));
  if (o.num < 0 || o.first < 0 || o.batch < 1 || o.length < 1)
    return Status::InvalidArgument("expected num >= 0, first >= 0, batch >= 1 and length >= 1, got num " +
                                   std::to_string(o.num) + ", first " + std::to_string(o.first) +
                                   ", batch " + std::to_string(o.batch) + ", length " + std::to_string(o.length));
  if (!(o.sampler.temperature >= 0) || o.sampler.top_k < 0 || !(o.sampler.top_p > 0 && o.sampler.top_p <= 1))
    return Status::InvalidArgument("expected temperature >= 0, top-k >= 0 and 0 < top-p <= 1");
  Result<std::vector<int>> prime = vocab.Encode(o.prime);
  if (!prime.ok()) return Status::InvalidArgument("prime: " + prime.status().message());
  const int prime_chars = static_cast<int>(prime->size());
  if (prime_chars >= o.length)
    return Status::InvalidArgument("expected a prime shorter than the length limit (" + std::to_string(o.length) +
                                   " characters), got " + std::to_string(prime_chars) + " characters");

  std::vector<uint8_t> mask(V, 1);
  mask[Vocab::kBos] = 0;  // a tune never restarts
  const int capacity = std::min(o.batch, std::max(o.num, 1));
  FastLstm::Batch batch = engine.NewBatch(capacity);
  std::vector<Row> rows;
  std::vector<int> inputs(capacity);
  std::vector<float> logits(static_cast<size_t>(capacity) * V);
  std::map<int, GeneratedTune> done;  // finished, waiting for earlier tunes
  int next_tune = 0, next_emit = 0;

  auto start = [&](int slot) {
    Row r;
    r.index = o.first + next_tune++;
    r.rng = Rng::ForStream(o.seed, static_cast<uint64_t>(r.index));
    engine.ResetRow(&batch, slot);
    if (slot == static_cast<int>(rows.size()))
      rows.push_back(std::move(r));
    else
      rows[slot] = std::move(r);
  };
  while (next_tune < o.num && static_cast<int>(rows.size()) < capacity) start(static_cast<int>(rows.size()));

  while (!rows.empty()) {
    const int n = static_cast<int>(rows.size());
    for (int b = 0; b < n; ++b) inputs[b] = rows[b].next_input;
    engine.Step(inputs.data(), n, &batch, logits.data());
    // Decide each row's next input; collect the rows that finished.
    std::vector<int> finished;
    for (int b = 0; b < n; ++b) {
      Row& r = rows[b];
      if (r.fed < prime->size()) {
        r.next_input = (*prime)[r.fed++];
        continue;
      }
      const int id = SampleNext(&logits[static_cast<size_t>(b) * V], V, o.sampler, r.rng, mask.data());
      const bool eos = id == Vocab::kEos;
      if (!eos) r.ids.push_back(id);
      if (eos || prime_chars + static_cast<int>(r.ids.size()) >= o.length) {
        GeneratedTune t;
        t.index = r.index;
        t.text = o.prime + vocab.Decode(r.ids);
        t.ended = eos;
        t.sampled = static_cast<int>(r.ids.size());
        done.emplace(t.index, std::move(t));
        finished.push_back(b);
      } else {
        r.next_input = id;
      }
    }
    // Refill finished rows with new tunes, or close the gap with the last row (highest slot first
    // so that moved rows are never ones still to be handled).
    for (auto it = finished.rbegin(); it != finished.rend(); ++it) {
      const int slot = *it;
      if (next_tune < o.num) {
        start(slot);
      } else {
        const int last = static_cast<int>(rows.size()) - 1;
        if (slot != last) {
          engine.CopyRow(&batch, last, slot);
          rows[slot] = std::move(rows[last]);
        }
        rows.pop_back();
      }
    }
    while (!done.empty() && done.begin()->first == o.first + next_emit) {
      if (!sink(done.begin()->second)) return Status::OK();
      done.erase(done.begin());
      ++next_emit;
    }
  }
  return Status::OK();
}

std::vector<TuneScore> ScoreTexts(const FastLstm& engine, const Vocab& vocab,
                                  const std::vector<std::string>& texts, int batch_size) {
  const int V = engine.config().vocab_size;
  std::vector<TuneScore> scores(texts.size());
  std::vector<std::vector<int>> seqs(texts.size());
  std::vector<size_t> order;
  for (size_t i = 0; i < texts.size(); ++i) {
    Result<std::vector<int>> ids = vocab.Encode(texts[i]);
    if (!ids.ok()) {
      scores[i].status = ids.status();
      continue;
    }
    seqs[i].push_back(Vocab::kBos);
    seqs[i].insert(seqs[i].end(), ids->begin(), ids->end());
    seqs[i].push_back(Vocab::kEos);
    order.push_back(i);
  }
  // Similar lengths together: less stepping of finished rows.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return seqs[a].size() > seqs[b].size(); });
  batch_size = std::max(1, batch_size);
  FastLstm::Batch batch = engine.NewBatch(batch_size);
  std::vector<float> logits(static_cast<size_t>(batch_size) * V);
  std::vector<int> inputs(batch_size);
  for (size_t g = 0; g < order.size(); g += batch_size) {
    const int n = static_cast<int>(std::min<size_t>(batch_size, order.size() - g));
    for (int b = 0; b < n; ++b) engine.ResetRow(&batch, b);
    // Rows are sorted longest first: at step t the rows still going are a prefix.
    int active = n;
    for (size_t t = 0; t + 1 < seqs[order[g]].size(); ++t) {
      while (active > 0 && t + 1 >= seqs[order[g + active - 1]].size()) --active;
      for (int b = 0; b < active; ++b) inputs[b] = seqs[order[g + b]][t];
      engine.Step(inputs.data(), active, &batch, logits.data());
      for (int b = 0; b < active; ++b) {
        const float* l = &logits[static_cast<size_t>(b) * V];
        const double top = *std::max_element(l, l + V);
        double sum = 0;
        for (int v = 0; v < V; ++v) sum += std::exp(l[v] - top);
        const int target = seqs[order[g + b]][t + 1];
        TuneScore& s = scores[order[g + b]];
        s.bits += -((l[target] - top) - std::log(sum)) / std::log(2.0);
        s.predicted += 1;
      }
    }
  }
  return scores;
}

}  // namespace abcrnn

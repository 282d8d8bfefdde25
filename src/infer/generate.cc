// GenerateTunes: a rolling batch of tunes (a finished row takes the next tune, or is filled by the
// last active row), each with its own random stream; ScoreTexts: log-probabilities of whole tunes.
#include "abcrnn/infer/generate.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <numeric>

#include "abcrnn/abc/controls.h"
#include "abcrnn/abc/form_clock.h"
#include "abcrnn/infer/match_model.h"

namespace abcrnn {
namespace {

// A prime checked once: its text, ids (symbols of the vocabulary) and length in characters.
struct Prime {
  std::string text;
  std::vector<int> ids;
  int chars = 0;
  std::vector<abc::FormClock> clock;  // the clock after each prime symbol (with a form clock)
  std::vector<int> tags;  // the bars left in the part before each prime symbol (match model)
  size_t music = SIZE_MAX;  // where its music starts, in symbols (SIZE_MAX: in the header)
};

// One tune being made in one row of the batch.
struct Row {
  int index = 0;
  Rng rng{0};
  std::shared_ptr<const Prime> prime;  // this tune's prime
  size_t fed = 0;         // prime ids fed so far (the prime is fed after <bos>)
  std::vector<int> ids;   // sampled ids
  int chars = 0;          // characters of the sampled ids (the length limit counts characters)
  // With an aligned match model: per position of prime + ids, the bars left in the part when it
  // was drawn (the clock's field 1).
  std::vector<int> tags;
  std::string text;       // prime + sampled characters (strict mode, a form clock or a match model)
  size_t music = SIZE_MAX;  // where the music of prime + ids starts, in symbols (SIZE_MAX: not yet)
  abc::FormClock clock = abc::HeaderClock();  // with a form clock: that of next_input
  size_t last_complete = 0;  // strict: text length at the last complete point, 0 = none
  int next_input = Vocab::kBos;
  int64_t draws = 0, first_rejected = 0;
  int attempts = 1;
  // This step's draw (filled in parallel, one row per task): the id (-1: a dead end), and whether
  // the tune has stalled after it; `prime` when the row is still being fed its prime.
  int drawn = 0;
  bool stalled = false;
  bool priming = false;
  // Strict: the point just before the last bar line ('|') was fed, to go back to when the tune
  // reaches a dead end or stalls (engine state, text and ids lengths, the bar line to feed).
  struct Mark {
    bool valid = false;
    std::vector<float> state;
    size_t text = 0, ids = 0, last_complete = 0;
    int chars = 0;
    int next_input = 0;
    abc::FormClock clock_before{};  // the clock before next_input was fed
  } mark, prev_mark;  // the last bar line, and the one before it
  int backtracks = 0;  // in this attempt
  int total_backtracks = 0;
  bool keeps_form = false;  // strict mode keeps a form from the prime's header
  int end_redraws = 0;      // in this attempt
  int final_redraws = 0;    // in this attempt
  int total_final_redraws = 0;
  abc::PrefixParser parse = StrictChecker::NewCache();  // strict: the parse of `text`'s lines so far
};

constexpr int kMaxAttempts = 8;
// Dead ends and stalls go back to the last bar line this many times per attempt before the
// tune starts again from its prime.
constexpr int kMaxBacktracks = 24;
// A tune whose form is complete, where the model would rather go on than end, writes its last
// bar again this many times at most (see DrawStrict); not with a form clock.
constexpr int kMaxEndRedraws = 8;
constexpr int kRedrawEnd = -2;
// A tune that would end on another degree than its header's final writes its last bar again this
// many times an attempt at most (GenerateOptions::keep_final).
constexpr int kMaxFinalRedraws = 8;
constexpr int kRedrawLastBar = -3;


// Where the music of `text` starts, in symbols of its encoding `ids` (n of them): MusicStartSymbol,
// counted in the vocabulary's symbols rather than characters.
size_t MusicStartOfIds(const Vocab& vocab, std::string_view text, const int* ids, size_t n) {
  const size_t chars = MusicStartSymbol(text);
  if (vocab.tokenizer() == Tokenizer::kChar || chars == SIZE_MAX) return chars;
  size_t seen = 0, k = 0;
  while (k < n && seen < chars) seen += static_cast<size_t>(vocab.chars(ids[k++]));
  return k;
}

Result<std::shared_ptr<const Prime>> PreparePrime(const std::string& text, const Vocab& vocab,
                                                 const GenerateOptions& o, const StrictChecker& checker) {
  Result<std::vector<int>> ids = vocab.Encode(text);
  if (!ids.ok()) return Status::InvalidArgument("prime: " + ids.status().message());
  const int chars = static_cast<int>(SplitCharacters(text).size());
  if (chars >= o.length)
    return Status::InvalidArgument("expected a prime shorter than the length limit (" + std::to_string(o.length) +
                                   " characters), got " + std::to_string(chars) + " characters");
  if (o.strict) {  // the prime must itself be a valid beginning
    const std::vector<std::string> characters = SplitCharacters(text);
    const size_t valid = checker.ValidPrefixChars(text);
    if (valid < characters.size())
      return Status::InvalidArgument("prime: expected the beginning of a valid tune in training form (M:, L:, K: "
                                     "lines, then music), got an error at character " + std::to_string(valid + 1) +
                                     " ('" + characters[valid] + "'); fix the prime or use --no-strict");
  }
  auto p = std::make_shared<Prime>();
  p->text = text;
  p->ids = std::move(ids).value();
  p->chars = chars;
  p->music = MusicStartOfIds(vocab, text, p->ids.data(), p->ids.size());
  std::vector<std::string> symbols;
  for (int id : p->ids) symbols.push_back(vocab.symbol(id));
  p->clock = abc::FormClockOfSymbols(symbols);
  for (size_t k = 0; k < p->ids.size(); ++k) p->tags.push_back(p->clock[k][1]);  // clock[0] is <bos>'s
  p->clock.erase(p->clock.begin());  // <bos>'s; clock[k] is that after prime symbol k
  return std::shared_ptr<const Prime>(std::move(p));
}

// For a token vocabulary: per id, the other ids whose symbols start with the same character (a
// refused first character refuses them all). Empty lists for a character vocabulary.
std::vector<std::vector<int>> SameFirstCharacter(const Vocab& vocab) {
  std::vector<std::vector<int>> out(vocab.size());
  if (vocab.tokenizer() == Tokenizer::kChar) return out;
  std::map<std::string, std::vector<int>> by_first;
  for (int id = 2; id < vocab.size(); ++id) by_first[SplitCharacters(vocab.symbol(id))[0]].push_back(id);
  for (const auto& [first, ids] : by_first)
    for (int id : ids)
      for (int other : ids)
        if (other != id) out[id].push_back(other);
  return out;
}

// Strict draw: the sampled id if it keeps the tune valid, else masked out and drawn again.
// -1 when no character is left (a dead end). A refused token whose first character is refused
// too masks every symbol that starts with that character at once (rejection sampling draws from
// the same distribution either way; for characters there are none). Where a kept form has just
// been completed (only the end may follow) and the first draw is music, the model would rather
// go on than end here: kRedrawEnd asks for the last bar to be written again (a few times), so the
// tune ends where the model is ready to end, as it would if it chose the form itself (rejection
// sampling of the last bar on the model's own wish to end).
int DrawStrict(const float* logits, int V, const GenerateOptions& o, const Vocab& vocab,
               const std::vector<std::vector<int>>& same_first, const StrictChecker& checker, int max_end_redraws,
               std::vector<uint8_t>* mask, Row* r) {
  int allowed = 0;
  for (uint8_t m : *mask) allowed += m;
  bool first = true;
  ++r->draws;
  while (allowed > 0) {
    const int id = SampleNext(logits, V, o.sampler, r->rng, mask->data());
    const bool ok = id == Vocab::kEos ? r->last_complete == r->text.size() && r->last_complete > 0
                                      : checker.AllowsNext(r->text, vocab.symbol(id), &r->parse);
    if (ok && id == Vocab::kEos && o.keep_final && r->final_redraws < kMaxFinalRedraws && r->mark.valid &&
        !checker.EndsOnAskedFinal(r->text))
      return kRedrawLastBar;
    if (ok) return id;
    if (first && r->keeps_form && r->end_redraws < max_end_redraws && r->mark.valid && checker.AtPartEnd(r->text, &r->parse))
      return kRedrawEnd;
    if (first) ++r->first_rejected;
    first = false;
    (*mask)[id] = 0;
    --allowed;
    if (id == Vocab::kEos || same_first[id].empty()) continue;
    const std::vector<std::string> chars = SplitCharacters(vocab.symbol(id));
    if (chars.size() > 1 && checker.AllowsNext(r->text, chars[0], &r->parse)) continue;
    for (int other : same_first[id])
      if ((*mask)[other]) {
        (*mask)[other] = 0;
        --allowed;
      }
  }
  return -1;
}

// The first `n` characters of `text`.
std::string FirstCharacters(const std::string& text, int n) {
  std::string out;
  const std::vector<std::string> chars = SplitCharacters(text);
  for (int k = 0; k < n && k < static_cast<int>(chars.size()); ++k) out += chars[k];
  return out;
}

bool EndsWithBarLineChar(const std::string& text) {
  size_t i = text.find_last_not_of(" \n");
  return i != std::string::npos && (text[i] == '|' || text[i] == ']');
}

}  // namespace

Status GenerateTunes(const FastEngine& engine, const Vocab& vocab, const GenerateOptions& o,
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
  if (!(o.match_boost >= 0 && o.match_boost < 1))
    return Status::InvalidArgument("expected a match boost in [0, 1), got " + std::to_string(o.match_boost));
  MatchMix match = o.match;  // with the boost
  for (double& w : match.weights) w += o.match_boost * (1 - w);
  std::vector<uint8_t> base_mask(V, 1);
  base_mask[Vocab::kBos] = 0;  // a tune never restarts
  const StrictChecker checker(o.enforce_form);
  const std::vector<std::vector<int>> same_first = SameFirstCharacter(vocab);
  // A model with a form clock sees, beside each input, where the tune stands in its form: the
  // text is kept for it even without strict mode.
  const bool clocked = engine.config().form_clock != 0;
  // A model that sees the form clock knows where its parts end: its last bar is not drawn again
  // (measured on the shipped model, 150 reels: 84% on the tonic without, 88% with, real 76%;
  // classifier 0.68 against 0.72).
  const int max_end_redraws = clocked ? 0 : kMaxEndRedraws;
  std::shared_ptr<const Prime> shared_prime;
  if (!o.prime_for) {
    auto p = PreparePrime(o.prime, vocab, o, checker);
    if (!p.ok()) return p.status();
    shared_prime = *p;
  }
  Status prime_error;
  const int capacity = std::min(o.batch, std::max(o.num, 1));
  FastEngine::Batch batch = engine.NewBatch(capacity);
  std::vector<Row> rows;
  std::vector<int> inputs(capacity);
  std::vector<int> clocks(static_cast<size_t>(capacity) * abc::kFormClockFields);
  std::vector<float> logits(static_cast<size_t>(capacity) * V);
  std::map<int, GeneratedTune> done;  // finished, waiting for earlier tunes
  int next_tune = 0, next_emit = 0;

  auto start = [&](int slot) {
    Row r;
    r.index = o.first + next_tune++;
    r.rng = Rng::ForStream(o.seed, static_cast<uint64_t>(r.index));
    r.prime = shared_prime;
    if (o.prime_for) {
      auto p = PreparePrime(o.prime_for(r.index), vocab, o, checker);
      if (p.ok()) {
        r.prime = *p;
      } else {
        if (prime_error.ok()) prime_error = Status::InvalidArgument("tune " + std::to_string(r.index + 1) + ": " +
                                                                    p.status().message());
        r.prime = std::make_shared<const Prime>();
      }
    }
    r.text = r.prime->text;
    r.music = r.prime->music;
    r.tags = r.prime->tags;
    r.keeps_form = o.strict && o.enforce_form && !abc::FormOfHeader(r.text).empty();
    engine.ResetRow(&batch, slot);
    if (slot == static_cast<int>(rows.size()))
      rows.push_back(std::move(r));
    else
      rows[slot] = std::move(r);
  };
  // Row `slot` back to `m`: engine state, text and ids as they were just before its bar line was
  // fed, which is fed next.
  auto GoBack = [&](const Row::Mark& mark, int slot, Row* r) {  // changes no mark of r
    engine.LoadRow(&batch, slot, mark.state);
    r->text.resize(mark.text);
    r->ids.resize(mark.ids);
    r->chars = mark.chars;
    r->last_complete = mark.last_complete;
    r->next_input = mark.next_input;
    r->ids.push_back(mark.next_input);
    r->chars += vocab.chars(mark.next_input);
    r->text += vocab.symbol(mark.next_input);
    if (clocked) r->clock = abc::AdvanceFormClock(r->text, mark.clock_before);
  };
  while (next_tune < o.num && static_cast<int>(rows.size()) < capacity) start(static_cast<int>(rows.size()));
  if (!prime_error.ok()) return prime_error;

  while (!rows.empty()) {
    if (o.stop && o.stop()) return Status::OK();
    const int n = static_cast<int>(rows.size());
    for (int b = 0; b < n; ++b) {
      inputs[b] = rows[b].next_input;
      std::copy(rows[b].clock.begin(), rows[b].clock.end(),
                clocks.begin() + abc::kFormClockFields * b);
    }
    engine.Step(inputs.data(), n, &batch, logits.data(), clocked ? clocks.data() : nullptr);
    // Each row's draw touches only that row (its stream, its text), so the rows are shared out
    // between the engine's threads; the strict checks are most of the work.
    engine.ForRows(n, [&](int b0, int b1) {
      std::vector<uint8_t> mask;
      std::vector<int> history;
      std::vector<float> mixed;
      for (int b = b0; b < b1; ++b) {
        Row& r = rows[b];
        r.priming = r.fed < r.prime->ids.size();
        if (r.priming) continue;
        const float* row_logits = &logits[static_cast<size_t>(b) * V];
        if (!match.empty()) {
          history = r.prime->ids;
          history.insert(history.end(), r.ids.begin(), r.ids.end());
          // The tag of the position drawn now: the bars left in the part (r.clock); those of
          // earlier positions were recorded when they were drawn (or come from the prime).
          const bool aligned = clocked && match.aligned();
          if (aligned) {
            r.tags.resize(history.size());
            r.tags.push_back(r.clock[1]);
          }
          if (r.music == SIZE_MAX) r.music = MusicStartOfIds(vocab, r.text, history.data(), history.size());
          const MatchPredictions c =
              PredictMusicMatches(history.data(), aligned ? r.tags.data() : nullptr, history.size(), r.music,
                                  aligned ? r.clock[1] : 0, match.min_match(), match.max_match);
          MixMatchLogits(match, c, row_logits, V, &mixed);
          row_logits = mixed.data();
        }
        int id;
        if (o.strict) {
          mask = base_mask;
          id = DrawStrict(row_logits, V, o, vocab, same_first, checker, max_end_redraws, &mask, &r);
        } else {
          id = SampleNext(row_logits, V, o.sampler, r.rng, base_mask.data());
        }
        r.drawn = id;
        r.stalled = false;  // strict: no note or rest for StrictChecker::kMaxStall characters
        if (id >= 0 && id != Vocab::kEos) {
          r.ids.push_back(id);
          r.chars += vocab.chars(id);
          if ((clocked || !match.empty()) && !o.strict) {
            r.text += vocab.symbol(id);
            if (clocked) r.clock = abc::AdvanceFormClock(r.text, r.clock);
          }
          if (o.strict) {
            if (vocab.symbol(id)[0] == '|' && !r.text.empty() && std::strchr("|:] \n", r.text.back()) == nullptr) {
              // a point to come back to: a bar line after music, not yet fed (a token "|:" or
              // "|1" too)
              r.prev_mark = std::move(r.mark);
              r.mark = Row::Mark();
              r.mark.valid = true;
              r.mark.state = engine.SaveRow(batch, b);
              r.mark.text = r.text.size();
              r.mark.ids = r.ids.size() - 1;
              r.mark.chars = r.chars - vocab.chars(id);
              r.mark.last_complete = r.last_complete;
              r.mark.next_input = id;
              r.mark.clock_before = r.clock;
            }
            r.text += vocab.symbol(id);
            if (clocked) r.clock = abc::AdvanceFormClock(r.text, r.clock);
            // A token may pass the length limit: a tune complete only beyond it is not complete.
            if (EndsWithBarLineChar(r.text) && r.prime->chars + r.chars <= o.length && checker.IsComplete(r.text))
              r.last_complete = r.text.size();
            r.stalled = checker.Stalled(r.text);
          }
        }
      }
    });
    // Decide each row's next input, in row order; collect the rows that finished.
    std::vector<int> finished;
    for (int b = 0; b < n; ++b) {
      Row& r = rows[b];
      if (r.priming) {
        r.clock = r.prime->clock[r.fed];
        r.next_input = r.prime->ids[r.fed++];
        continue;
      }
      const int id = r.drawn;
      const bool eos = id == Vocab::kEos;
      const bool stalled = r.stalled;
      const bool at_limit = r.prime->chars + r.chars >= o.length;
      if (id == kRedrawLastBar) {
        // Back to the bar line before the tune's last bar: the last mark when music follows it,
        // else (it is the closing bar line) the one before.
        ++r.final_redraws;
        ++r.total_final_redraws;
        const bool music_after =
            r.text.find_first_of("ABCDEFGabcdefg", r.mark.text) != std::string::npos || !r.prev_mark.valid;
        if (music_after) {
          GoBack(r.mark, b, &r);
        } else {
          GoBack(r.prev_mark, b, &r);
          r.mark = std::move(r.prev_mark);
          r.prev_mark = Row::Mark();
        }
        continue;
      }
      if (id == kRedrawEnd) {
        // Back to the bar line before the part's last bar (the one before the last when the
        // tune stands just after a bar line).
        ++r.end_redraws;
        ++r.total_backtracks;
        const bool just_after =
            r.mark.text + vocab.symbol(r.mark.next_input).size() == r.text.size() && r.prev_mark.valid;
        const Row::Mark& m = just_after ? r.prev_mark : r.mark;
        GoBack(m, b, &r);
        if (just_after) r.mark = r.prev_mark;
        continue;
      }
      if (o.strict && (id < 0 || stalled) && !at_limit && r.mark.valid && r.backtracks < kMaxBacktracks) {
        // Back to just before the last bar line: the model writes the bar again (its random
        // stream goes on, so it draws other characters).
        ++r.backtracks;
        ++r.total_backtracks;
        GoBack(r.mark, b, &r);
        continue;
      }
      if (o.strict && (id < 0 || stalled || (at_limit && r.last_complete == 0)) && r.attempts < kMaxAttempts) {
        // A dead end: start this tune again from the prime, same random stream.
        ++r.attempts;
        r.fed = 0;
        r.ids.clear();
        r.chars = 0;
        r.text = r.prime->text;
        r.music = r.prime->music;
        r.tags = r.prime->tags;
        r.last_complete = 0;
        r.mark = Row::Mark();
        r.prev_mark = Row::Mark();
        r.backtracks = 0;
        r.end_redraws = 0;
        r.final_redraws = 0;
        r.next_input = Vocab::kBos;
        r.clock = abc::HeaderClock();
        engine.ResetRow(&batch, b);
        continue;
      }
      if (eos || id < 0 || stalled || at_limit) {
        GeneratedTune t;
        t.index = r.index;
        t.ended = eos;
        if (o.strict) {
          t.failed = r.last_complete == 0 || stalled;
          t.text = t.failed ? r.text : r.text.substr(0, r.last_complete);
        } else {
          t.text = r.prime->text + vocab.Decode(r.ids);
          if (r.prime->chars + r.chars > o.length) t.text = FirstCharacters(t.text, o.length);  // a token past it
        }
        t.sampled = static_cast<int>(SplitCharacters(t.text).size()) - r.prime->chars;
        t.draws = r.draws;
        t.first_rejected = r.first_rejected;
        t.attempts = r.attempts;
        t.backtracks = r.total_backtracks;
        t.final_redraws = r.total_final_redraws;
        done.emplace(t.index, std::move(t));
        finished.push_back(b);
      } else {
        r.next_input = id;
      }
    }
    // Refill finished rows with new tunes, or close the gap with the last row (highest slot first
    // so that moved rows are never ones still to be handled).
    if (!prime_error.ok()) return prime_error;
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

std::vector<TuneScore> ScoreTexts(const FastEngine& engine, const Vocab& vocab,
                                  const std::vector<std::string>& texts, int batch_size, const MatchMix* match,
                                  std::vector<MatchObservation>* observations) {
  const int V = engine.config().vocab_size;
  std::vector<TuneScore> scores(texts.size());
  std::vector<std::vector<int>> seqs(texts.size());
  std::vector<std::vector<abc::FormClock>> seq_clocks(texts.size());
  std::vector<std::vector<int>> seq_tags(texts.size());  // bars left in the part at each input
  std::vector<size_t> music(texts.size(), SIZE_MAX);     // where each text's music starts, in symbols
  const bool clocked = engine.config().form_clock != 0;
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
    scores[i].chars = 1;  // <eos>
    for (int id : *ids) scores[i].chars += vocab.chars(id);
    music[i] = MusicStartOfIds(vocab, texts[i], ids->data(), ids->size());
    if (clocked) {
      std::vector<std::string> symbols;
      for (int id : *ids) symbols.push_back(vocab.symbol(id));
      seq_clocks[i] = abc::FormClockOfSymbols(symbols);  // <bos>, each symbol
      for (const abc::FormClock& c : seq_clocks[i]) seq_tags[i].push_back(c[1]);
    }
    order.push_back(i);
  }
  // The match model's buckets: the one given, or (observations only) those fitting starts from.
  const bool matching = match != nullptr || observations != nullptr;
  const MatchMix mm = match != nullptr ? *match : MatchMix::Initial(clocked);
  const bool aligned = clocked && mm.aligned();
  // Similar lengths together: less stepping of finished rows.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return seqs[a].size() > seqs[b].size(); });
  batch_size = std::max(1, batch_size);
  FastEngine::Batch batch = engine.NewBatch(batch_size);
  std::vector<float> logits(static_cast<size_t>(batch_size) * V);
  std::vector<int> inputs(batch_size);
  std::vector<int> clocks(static_cast<size_t>(batch_size) * abc::kFormClockFields);
  for (size_t g = 0; g < order.size(); g += batch_size) {
    const int n = static_cast<int>(std::min<size_t>(batch_size, order.size() - g));
    for (int b = 0; b < n; ++b) engine.ResetRow(&batch, b);
    // Rows are sorted longest first: at step t the rows still going are a prefix.
    int active = n;
    for (size_t t = 0; t + 1 < seqs[order[g]].size(); ++t) {
      while (active > 0 && t + 1 >= seqs[order[g + active - 1]].size()) --active;
      for (int b = 0; b < active; ++b) {
        inputs[b] = seqs[order[g + b]][t];
        if (clocked)
          std::copy_n(seq_clocks[order[g + b]][t].begin(), abc::kFormClockFields,
                      clocks.begin() + abc::kFormClockFields * b);
      }
      engine.Step(inputs.data(), active, &batch, logits.data(), clocked ? clocks.data() : nullptr);
      for (int b = 0; b < active; ++b) {
        const float* l = &logits[static_cast<size_t>(b) * V];
        const double top = *std::max_element(l, l + V);
        double sum = 0;
        for (int v = 0; v < V; ++v) sum += std::exp(l[v] - top);
        const std::vector<int>& seq = seqs[order[g + b]];
        const int target = seq[t + 1];
        TuneScore& s = scores[order[g + b]];
        const double log_p = (l[target] - top) - std::log(sum);
        double p = std::exp(log_p);
        if (matching) {
          // The text so far is seq[1..t] (after <bos>); with a clock, the tag of text position p
          // is the bars left in the part at the input that predicted it (input p).
          const std::vector<int>& tags = seq_tags[order[g + b]];
          const MatchPredictions c = PredictMusicMatches(seq.data() + 1, aligned ? tags.data() : nullptr, t,
                                                         music[order[g + b]], aligned ? tags[t] : 0, mm.min_match(),
                                                         mm.max_match);
          if (c.plain.length > 0) {
            auto prob_of = [&](const MatchPrediction& pr) {
              for (const auto& [id, q] : pr.next)
                if (id == target) return q;
              return 0.0;
            };
            const MatchObservation o{c.plain.length, p, prob_of(c.plain), c.aligned.length, prob_of(c.aligned),
                                     c.plain.periodic};
            if (observations != nullptr) observations->push_back(o);
            if (match != nullptr) p = MixedProbability(*match, o);
          }
        }
        s.bits += match != nullptr ? -std::log2(p) : -log_p / std::log(2.0);
        s.predicted += 1;
      }
    }
  }
  return scores;
}

}  // namespace abcrnn

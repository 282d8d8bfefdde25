// Plays a parsed tune into timed notes, following abc2midi: repeats (repeats.cc), ties and
// rhythm corrections (timing.cc), grace notes taking 1/4 of L: each from the next note, rolls and
// trills as its note figures, staccato at half length, fermatas doubling, beat accents.
// Times are exact fractions of a whole note; tune_midi.cc turns them into ticks.
#include "abcrnn/midi/performance.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "abcrnn/abc/repeats.h"
#include "timing.h"

namespace abcrnn::midi {
namespace {

using abc::Fraction;

int DiatonicNeighbour(const abc::Pitch& p, int step, const abc::KeySignature& key) {
  static const char kLetters[] = "CDEFGAB";
  int index = abc::LetterIndex(p.letter);
  int octave = p.octave;
  index += step;
  if (index > 6) index -= 7, ++octave;
  if (index < 0) index += 7, --octave;
  char letter = kLetters[index];
  return 12 * (octave + 5) + abc::LetterSemitones(letter) + key.alter[index];
}

// Strong-beat spacing for velocity accents: 3/8 in compound meters, 1/2 in 4/4, else one beat.
Fraction StrongBeat(const abc::Meter& m) {
  if (!m.has_bars() || m.denominator <= 0) return Fraction(1, 4);
  int num = 0;
  for (int n : m.numerators) num += n;
  if (m.denominator == 8 && num % 3 == 0 && num > 3) return Fraction(3, 8);
  if (num == 4 && m.denominator == 4) return Fraction(1, 2);
  return Fraction(1, m.denominator);
}

class VoicePlayer {
 public:
  VoicePlayer(const abc::Voice& voice, int voice_index, int tempo_us, bool hornpipe, std::string parts,
              const PerformOptions& options, Performance* out)
      : voice_(voice), index_(voice_index), options_(options), out_(out), tempo_us_(tempo_us),
        hornpipe_(hornpipe), parts_(std::move(parts)) {}

  Status Play() {
    ties_ = MergeTies(voice_);
    changed_ = DurationOverrides(voice_, hornpipe_, options_.fermata, options_.staccato);
    state_ = voice_.initial;
    for (size_t e : abc::PlayOrder(voice_, parts_, several_voices_)) {
      Status s = Step(e);
      if (!s.ok()) return s;
    }
    if (t_ > out_->end) out_->end = t_;
    return Status::OK();
  }

 private:
  Status Step(size_t e) {
    const abc::Element& el = voice_.elements[e];
    switch (el.kind()) {
      case abc::ElementKind::kFieldChange:
        FieldChange(*el.get_if<abc::FieldChange>());
        break;
      case abc::ElementKind::kBarLine:
        bar_start_ = t_;
        grace_ = nullptr;  // grace notes do not reach over a bar line (abc2midi drops them)
        break;
      case abc::ElementKind::kTuplet: {
        const auto& tp = *el.get_if<abc::Tuplet>();
        if (tp.p > 0 && tp.q > 0 && tp.r > 0) tuplets_.push_back({Fraction(tp.q, tp.p), tp.r});
        break;
      }
      case abc::ElementKind::kDecoration:
        decorations_.insert(el.get_if<abc::Decoration>()->name);
        break;
      case abc::ElementKind::kSlur:
        if (el.get_if<abc::Slur>()->open) decorations_.clear();  // "T(G": abc2midi loses the T
        break;
      case abc::ElementKind::kGraceGroup:
        grace_ = el.get_if<abc::GraceGroup>();
        grace_factor_ = TupletFactor();  // a tuplet that starts after the graces does not scale them
        break;
      case abc::ElementKind::kRest: {
        auto ch = changed_.find(e);
        Fraction d = ch == changed_.end() ? el.get_if<abc::Rest>()->duration : ch->second;
        if (options_.fermata && decorations_.count("fermata")) d *= 2;
        return Advance(d);
      }
      case abc::ElementKind::kNote:
        return PlayNote(e, *el.get_if<abc::Note>());
      default:
        break;
    }
    return Status::OK();
  }

  void FieldChange(const abc::FieldChange& fc) {
    state_ = StateOf(fc.state);
    if (fc.field.letter == 'Q') {
      int us = MicrosecondsPerQuarter(state_.tempo);
      tempo_us_ = us > 0 ? us : tempo_us_;
    }
    if (index_ != 0) return;  // tempo, meter and key events come from the first voice
    switch (fc.field.letter) {
      case 'Q':
        if (tempo_us_ > 0) out_->tempi.push_back({t_, tempo_us_});
        break;
      case 'M':
        AddMeter(out_, t_, state_.meter);
        break;
      case 'K':
        out_->keys.push_back({t_, state_.key.none ? 0 : state_.key.SharpsOrFlats(), state_.key.mode == abc::Mode::kMinor});
        break;
      default:
        break;
    }
  }

  Fraction TupletFactor() const {
    Fraction f(1);
    for (const auto& t : tuplets_) f *= t.first;
    return f;
  }

  Status Advance(const Fraction& d) {
    if (!d.valid() || d < Fraction(0))
      return Status::InvalidArgument("expected note and rest lengths >= 0, got " + d.ToString());
    t_ += d;
    if (!t_.valid()) return Status::InvalidArgument("expected a tune shorter than 2^62 whole notes");
    for (auto& t : tuplets_) --t.second;
    tuplets_.erase(std::remove_if(tuplets_.begin(), tuplets_.end(), [](const auto& t) { return t.second <= 0; }),
                   tuplets_.end());
    decorations_.clear();
    grace_ = nullptr;
    return Status::OK();
  }

  int Velocity(const Fraction& at) const {
    Fraction pos = at - bar_start_;
    if (pos.is_zero()) return 105;
    return IsMultiple(pos, StrongBeat(state_.meter)) ? 95 : 80;
  }

  Status Emit(const Fraction& onset, const Fraction& duration, int key, int chord_index, bool ornament) {
    if (!duration.is_positive()) return Status::OK();
    int k = key + options_.transpose;
    if (k < 0 || k > 127)
      return Status::InvalidArgument("expected MIDI keys 0..127 after transposing by " +
                                     std::to_string(options_.transpose) + ", got " + std::to_string(k));
    out_->notes.push_back({onset, duration, k, Velocity(onset), index_, chord_index, ornament});
    return Status::OK();
  }

  Status PlayNote(size_t e, const abc::Note& n) {
    auto ch = changed_.find(e);
    Fraction advance = ch == changed_.end() ? n.duration : ch->second;
    if (options_.fermata && decorations_.count("fermata")) advance *= 2;
    Fraction start = t_;
    const Fraction unit = state_.unit_length;
    // Grace notes: 1/4 of L: each (scaled by an enclosing tuplet), taken from this note; dropped
    // when they would take all of it.
    if (grace_ && options_.grace_notes && !grace_->pitches.empty()) {
      Fraction g = unit / 4 * grace_factor_;
      Fraction total;
      for (const auto& gp : grace_->pitches) total += g * gp.written_length;
      Fraction first = advance + FirstExtra(e, n);
      if (total < first) {
        Fraction at = t_;
        for (const auto& gp : grace_->pitches) {
          Status s = Emit(at, g * gp.written_length, gp.midi, 0, true);
          if (!s.ok()) return s;
          at += g * gp.written_length;
        }
        start = t_ + total;
      }
    }
    Fraction lost = start - t_;
    int chord_index = 0;
    for (size_t k = 0; k < n.pitches.size(); ++k) {
      if (ties_.silent.count({e, k})) continue;
      auto it = ties_.extra.find({e, k});
      Fraction sounding = advance - lost + (it == ties_.extra.end() ? Fraction(0) : it->second);
      const abc::Pitch& p = n.pitches[k];
      Status s;
      if (!n.chord && options_.ornaments && decorations_.count("roll")) {
        s = Roll(start, sounding, p, unit);
      } else if (!n.chord && options_.ornaments && decorations_.count("trill")) {
        s = Trill(start, sounding, p, unit);
      } else {
        if (!n.chord && options_.staccato && (decorations_.count("staccato") || decorations_.count("breath")))
          sounding /= 2;
        s = Emit(start, sounding, p.midi, n.chord ? chord_index : 0, false);
      }
      if (!s.ok()) return s;
      ++chord_index;
    }
    return Advance(advance);
  }

  Fraction FirstExtra(size_t e, const abc::Note& n) const {
    for (size_t k = 0; k < n.pitches.size(); ++k) {
      if (ties_.silent.count({e, k})) continue;
      auto it = ties_.extra.find({e, k});
      return it == ties_.extra.end() ? Fraction(0) : it->second;
    }
    return Fraction(0);
  }

  // abc2midi's roll: a note of exactly 3 units plays main, upper, main, lower, main
  // (1, 1/4, 3/4, 1/4, 3/4 units); any other length plays the upper neighbour for 1/4 unit first.
  Status Roll(const Fraction& at, const Fraction& d, const abc::Pitch& p, const Fraction& unit) {
    int up = DiatonicNeighbour(p, 1, state_.key), down = DiatonicNeighbour(p, -1, state_.key);
    Fraction q = unit / 4;
    if (d == unit * 3) {
      const std::pair<int, Fraction> figure[] = {{p.midi, unit}, {up, q}, {p.midi, q * 3}, {down, q}, {p.midi, q * 3}};
      Fraction t = at;
      for (const auto& [key, len] : figure) {
        Status s = Emit(t, len, key, 0, key != p.midi || t != at);
        if (!s.ok()) return s;
        t += len;
      }
      return Status::OK();
    }
    if (d <= q) return Emit(at, d, p.midi, 0, false);
    Status s = Emit(at, q, up, 0, true);
    return s.ok() ? Emit(at + q, d - q, p.midi, 0, true) : s;
  }

  // abc2midi's trill: upper and main note alternating, starting above. The note of n/m units
  // (reduced) starts as n parts of 1/m unit; parts are halved (and doubled in number) while one
  // lasts more than 100 ms at the current tempo.
  Status Trill(const Fraction& at, const Fraction& d, const abc::Pitch& p, const Fraction& unit) {
    int up = DiatonicNeighbour(p, 1, state_.key);
    Fraction units = d / unit;
    if (!units.is_positive()) return Emit(at, d, p.midi, 0, false);
    Fraction piece = unit / units.den();
    int64_t count = units.num();
    for (int guard = 0; guard < 20 && count < 4096; ++guard) {
      Fraction us = piece * 4 * int64_t{tempo_us_};
      if (!us.valid() || us.num() / us.den() <= 100000) break;
      piece /= 2;
      count *= 2;
    }
    for (int64_t i = 0; i < count; ++i) {
      Status s = Emit(at + piece * i, piece, i % 2 == 0 ? up : p.midi, 0, true);
      if (!s.ok()) return s;
    }
    return Status::OK();
  }

 public:
  void set_several_voices(bool several) { several_voices_ = several; }

  static void AddMeter(Performance* out, const Fraction& at, const abc::Meter& m) {
    if (!m.has_bars() || m.denominator <= 0 || (m.denominator & (m.denominator - 1)) != 0) return;
    int num = 0;
    for (int n : m.numerators) num += n;
    if (num <= 0 || num > 255) return;
    out->meters.push_back({at, num, m.denominator});
  }

 private:
  const abc::Voice& voice_;
  int index_;
  const PerformOptions& options_;
  Performance* out_;
  int tempo_us_;  // microseconds per quarter now (trills depend on it)
  bool hornpipe_;
  std::string parts_;  // the header's P: sequence, "" when none
  bool several_voices_ = false;
  Ties ties_;
  std::map<size_t, Fraction> changed_;  // durations abc2midi plays otherwise, by element
  abc::MusicState state_;
  Fraction t_;
  Fraction bar_start_;
  std::vector<std::pair<Fraction, int>> tuplets_;  // factor q/p, notes left
  std::set<std::string> decorations_;              // pending for the next note or rest
  const abc::GraceGroup* grace_ = nullptr;          // pending for the next note
  Fraction grace_factor_{1};                         // the tuplet factor where the graces stand
};

}  // namespace

int MicrosecondsPerQuarter(const abc::Tempo& tempo) {
  if (!tempo.present || tempo.bpm <= 0) return 0;
  // A bare number ("Q:120") counts quarter notes in abc2midi, whatever L: is.
  Fraction beat = tempo.text.find('=') == std::string::npos ? Fraction(1, 4) : tempo.beat;
  if (!beat.is_positive()) return 0;
  Fraction us = Fraction(60000000) / (beat * 4 * tempo.bpm);
  if (!us.valid()) return 0;
  int64_t v = us.num() / us.den();
  return v >= 1 && v <= 0xFFFFFF ? static_cast<int>(v) : 0;
}

Result<Performance> Perform(const abc::Tune& tune, const PerformOptions& options) {
  if (options.transpose < -48 || options.transpose > 48)
    return Status::InvalidArgument("expected a transposition of -48..48 semitones, got " +
                                   std::to_string(options.transpose));
  Performance out;
  out.title = tune.title();
  if (tune.voices.empty())
    return Status::InvalidArgument("tune X:" + std::to_string(tune.x) + ": expected music after K:, got none");
  int us = MicrosecondsPerQuarter(tune.initial.tempo);
  if (us == 0) us = 60000000 / std::max(1, options.default_quarters_per_minute);
  out.tempi.push_back({Fraction(0), us});
  VoicePlayer::AddMeter(&out, Fraction(0), tune.initial.meter);
  const auto& key = tune.initial.key;
  out.keys.push_back({Fraction(0), key.none ? 0 : key.SharpsOrFlats(), key.mode == abc::Mode::kMinor});
  bool hornpipe = false;
  std::string parts;
  for (const auto& f : tune.header) {
    if (f.letter == 'P') parts = f.value;
    std::string r = f.value;
    for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((f.letter == 'R' || f.letter == 'r') && r.find("hornpipe") != std::string::npos) hornpipe = true;
  }
  for (size_t v = 0; v < tune.voices.size(); ++v) {
    VoicePlayer player(tune.voices[v], static_cast<int>(v), us, hornpipe, parts, options, &out);
    player.set_several_voices(tune.voices.size() > 1);
    Status s = player.Play();
    if (!s.ok()) return Status::InvalidArgument("tune X:" + std::to_string(tune.x) + ": " + s.message());
  }
  if (out.notes.empty())
    return Status::InvalidArgument("tune X:" + std::to_string(tune.x) + ": expected notes, got none");
  std::stable_sort(out.notes.begin(), out.notes.end(), [](const PerformedNote& a, const PerformedNote& b) {
    return std::tie(a.onset, a.voice, a.chord_index) < std::tie(b.onset, b.voice, b.chord_index);
  });
  return out;
}

}  // namespace abcrnn::midi

// Transposition: conventional key spelling by circle-of-fifths position, notes moved by one
// interval (letter steps + semitones) so that the key signature covers them, chord symbols moved
// by the same interval. The writer re-derives which notes need a written accidental.
#include "abcrnn/abc/transpose.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>

#include "abcrnn/abc/writer.h"

namespace abcrnn::abc {
namespace {

int Mod(int a, int m) { return ((a % m) + m) % m; }
// -6..5 representative of a semitone difference.
int Centered(int a) { return Mod(a + 6, 12) - 6; }

int PitchClass(SpelledNote n) { return Mod(LetterSemitones(n.letter) + n.alter, 12); }

// Circle-of-fifths position of a spelled note: F -1, C 0, G 1, ... B 5; each sharp adds 7.
int Fifths(SpelledNote n) {
  static constexpr int kByIndex[7] = {0, 2, 4, -1, 1, 3, 5};  // C D E F G A B
  return kByIndex[LetterIndex(n.letter)] + 7 * n.alter;
}

// How many fifths the mode's signature lies below the major key on the same tonic.
int ModeFifths(Mode m) {
  switch (m) {
    case Mode::kLydian:
      return -1;
    case Mode::kMajor:
      return 0;
    case Mode::kMixolydian:
      return 1;
    case Mode::kDorian:
      return 2;
    case Mode::kMinor:
      return 3;
    case Mode::kPhrygian:
      return 4;
    case Mode::kLocrian:
      return 5;
  }
  return 0;
}

char LetterAt(int index) { return "CDEFGAB"[Mod(index, 7)]; }

// The key's tonic and mode as transposition sees them (K:none: C major, K:Hp: A mixolydian).
SpelledNote TonicOf(const KeySignature& key) {
  if (key.none) return {'C', 0};
  if (key.highland_pipes) return {'A', 0};
  return {key.tonic, AccidentalSemitones(key.tonic_accidental)};
}
Mode ModeOf(const KeySignature& key) {
  return key.highland_pipes ? Mode::kMixolydian : key.none ? Mode::kMajor : key.mode;
}

// Letter steps congruent to `steps_mod7` (mod 7) that best match `semitones`.
int SignedSteps(int steps_mod7, int semitones) {
  double want = semitones * 7.0 / 12.0;
  int k = static_cast<int>(std::lround((want - steps_mod7) / 7.0));
  return steps_mod7 + 7 * k;
}

// A note (letter, alteration) moved by the interval; the alteration may reach +-2 or beyond
// (callers respell).
SpelledNote MoveSpelled(SpelledNote n, const Interval& iv) {
  char letter = LetterAt(LetterIndex(n.letter) + iv.steps);
  int alter = Centered(PitchClass(n) + iv.semitones - LetterSemitones(letter));
  return {letter, alter};
}

// The spelling of pitch class `pc` on the letter nearest to `letter` with |alter| <= 1.
SpelledNote Respell(int pc, char letter) {
  for (int d : {0, 1, -1, 2, -2}) {
    char l = LetterAt(LetterIndex(letter) + d);
    int a = Centered(pc - LetterSemitones(l));
    if (std::abs(a) <= 1) return {l, a};
  }
  return {'C', Centered(pc)};
}

Status TransposePitch(Pitch* p, const Interval& iv) {
  int index = p->octave * 7 + LetterIndex(p->letter) + iv.steps;  // absolute letter index
  int midi = p->midi + iv.semitones;
  if (midi < 0 || midi > 127)
    return Status::InvalidArgument("expected every pitch within MIDI 0..127 after transposing by " +
                                   std::to_string(iv.semitones) + " semitones, got " +
                                   std::to_string(midi));
  auto spell = [&](int idx) {
    int octave = idx >= 0 ? idx / 7 : -((-idx + 6) / 7);
    int natural = 12 * (octave + 5) + LetterSemitones(LetterAt(idx));
    return std::make_pair(octave, midi - natural);
  };
  auto [octave, alter] = spell(index);
  if (std::abs(alter) > 2) {  // respell on a neighbouring letter (e.g. a triple sharp)
    for (int d : {1, -1, 2, -2}) {
      auto [o2, a2] = spell(index + d);
      if (std::abs(a2) <= 1) {
        index += d;
        octave = o2;
        alter = a2;
        break;
      }
    }
  }
  bool written = p->written != Accidental::kNone;
  p->letter = LetterAt(index);
  p->octave = static_cast<int8_t>(octave);
  p->alter = static_cast<int8_t>(alter);
  p->midi = static_cast<int16_t>(midi);
  p->written = written ? AccidentalForSemitones(alter) : Accidental::kNone;
  return Status::OK();
}

Result<Tune> TransposeWith(const Tune& tune, const Interval& iv) {
  Tune t = tune;
  t.text.clear();  // the source text no longer describes the tune
  t.initial.key = TransposeKey(t.initial.key, iv);
  for (auto& f : t.header)
    if (f.letter == 'K') f.value = KeyText(t.initial.key);
  std::map<const MusicState*, std::shared_ptr<const MusicState>> moved_states;
  for (auto& v : t.voices) {
    v.initial.key = TransposeKey(v.initial.key, iv);
    // Notes follow the interval of the key they are in: a key change that had to be respelled
    // (K:F moved down a semitone is E, not Fb) spells its notes by its own interval.
    Interval here = iv;
    for (auto& e : v.elements) {
      if (auto* n = e.get_if<Note>()) {
        for (auto& p : n->pitches) {
          Status s = TransposePitch(&p, here);
          if (!s.ok()) return s;
        }
      } else if (auto* g = e.get_if<GraceGroup>()) {
        for (auto& p : g->pitches) {
          Status s = TransposePitch(&p, here);
          if (!s.ok()) return s;
        }
      } else if (auto* a = e.get_if<Annotation>()) {
        if (a->place == Annotation::Place::kChordSymbol)
          a->text = TransposeChordSymbol(a->text, here);
      } else if (auto* fc = e.get_if<FieldChange>()) {
        if (!fc->state) continue;
        // States are shared between elements and immutable: each one is replaced once.
        auto& moved = moved_states[fc->state.get()];
        if (!moved) {
          auto copy = std::make_shared<MusicState>(*fc->state);
          copy->key = TransposeKey(fc->state->key, iv);
          moved = std::move(copy);
        }
        const KeySignature& old = fc->state->key;
        if (fc->field.letter == 'K') {
          fc->field.value = KeyText(moved->key);
          if (!old.none && !moved->key.none) {
            int steps = Mod(LetterIndex(moved->key.tonic) - LetterIndex(TonicOf(old).letter), 7);
            here = {iv.semitones, SignedSteps(steps, iv.semitones)};
          }
        }
        fc->state = moved;
      }
    }
  }
  return t;
}

}  // namespace

int KeySharps(SpelledNote tonic, Mode mode) { return Fifths(tonic) - ModeFifths(mode); }

SpelledNote ConventionalTonic(int pc, Mode mode, bool prefer_sharps) {
  SpelledNote best;
  int best_cost = 1000;
  for (char l : std::string("CDEFGAB")) {
    int a = Centered(pc - LetterSemitones(l));
    if (std::abs(a) > 1) continue;
    int sharps = KeySharps({l, a}, mode);
    int cost = 2 * std::abs(sharps) + ((sharps > 0) == prefer_sharps || sharps == 0 ? 0 : 1);
    if (cost < best_cost) {
      best_cost = cost;
      best = {l, a};
    }
  }
  return best;
}

Interval IntervalForKey(const KeySignature& key, int semitones) {
  SpelledNote from = TonicOf(key);
  Mode mode = ModeOf(key);
  bool prefer_sharps = KeySharps(from, mode) > 0 || (KeySharps(from, mode) == 0 && semitones > 0);
  SpelledNote to = ConventionalTonic(Mod(PitchClass(from) + semitones, 12), mode, prefer_sharps);
  int steps = Mod(LetterIndex(to.letter) - LetterIndex(from.letter), 7);
  return {semitones, SignedSteps(steps, semitones)};
}

KeySignature TransposeKey(const KeySignature& key, const Interval& iv) {
  if (key.none && key.extra.empty()) return key;
  KeySignature k;
  k.none = key.none;
  k.explicit_only = key.explicit_only;
  k.mode = ModeOf(key);
  if (!key.none) {
    SpelledNote tonic = MoveSpelled(TonicOf(key), iv);
    if (std::abs(tonic.alter) > 1 || std::abs(KeySharps(tonic, k.mode)) > 7)
      tonic = ConventionalTonic(PitchClass(tonic), k.mode, tonic.alter > 0);
    k.tonic = tonic.letter;
    k.tonic_accidental = tonic.alter > 0   ? Accidental::kSharp
                         : tonic.alter < 0 ? Accidental::kFlat
                                           : Accidental::kNone;
  }
  for (const auto& x : key.extra) {
    SpelledNote moved = MoveSpelled({x.letter, AccidentalSemitones(x.accidental)}, iv);
    if (std::abs(moved.alter) > 2) moved = Respell(PitchClass(moved), moved.letter);
    k.extra.push_back({moved.letter, AccidentalForSemitones(moved.alter)});
  }
  k.text = KeyText(k);
  auto parsed = ParseKey(k.text);
  if (parsed.ok()) {
    KeySignature out = std::move(parsed).value();
    out.text = k.text;
    return out;
  }
  return k;  // unreachable for keys built above; keeps the tonic and mode
}

std::string TransposeChordSymbol(std::string_view s, const Interval& iv) {
  // A note name at `pos`: letter (upper case, or either case for a bass) and # or b.
  auto note_at = [&](size_t pos, bool any_case, SpelledNote* n, size_t* len) {
    if (pos >= s.size()) return false;
    char c = s[pos];
    bool lower = c >= 'a' && c <= 'g';
    if (!(c >= 'A' && c <= 'G') && !(any_case && lower)) return false;
    n->letter = lower ? static_cast<char>(c - 'a' + 'A') : c;
    n->alter = 0;
    *len = 1;
    if (pos + 1 < s.size() && (s[pos + 1] == '#' || s[pos + 1] == 'b')) {
      n->alter = s[pos + 1] == '#' ? 1 : -1;
      *len = 2;
    }
    return true;
  };
  auto text_of = [&](SpelledNote n, bool lower) {
    n = MoveSpelled(n, iv);
    if (std::abs(n.alter) > 1) n = Respell(PitchClass(n), n.letter);
    std::string out(1, lower ? static_cast<char>(n.letter - 'A' + 'a') : n.letter);
    if (n.alter > 0) out += '#';
    if (n.alter < 0) out += 'b';
    return out;
  };
  SpelledNote root;
  size_t len;
  if (!note_at(0, false, &root, &len)) return std::string(s);
  std::string out = text_of(root, false);
  size_t slash = s.find('/', len);
  std::string_view quality =
      s.substr(len, slash == std::string_view::npos ? std::string_view::npos : slash - len);
  out += quality;
  if (slash == std::string_view::npos) return out;
  SpelledNote bass;
  size_t blen;
  if (!note_at(slash + 1, true, &bass, &blen)) return out + std::string(s.substr(slash));
  bool lower = s[slash + 1] >= 'a';
  return out + "/" + text_of(bass, lower) + std::string(s.substr(slash + 1 + blen));
}

Result<Tune> TransposeTune(const Tune& tune, int semitones) {
  if (std::abs(semitones) > 127)
    return Status::InvalidArgument("expected a transposition within -127..127 semitones, got " +
                                   std::to_string(semitones));
  return TransposeWith(tune, IntervalForKey(tune.initial.key, semitones));
}

Result<Tune> TransposeToSpelledTonic(const Tune& tune, int semitones, SpelledNote tonic) {
  const KeySignature& key = tune.initial.key;
  if (key.none || key.highland_pipes) return TransposeTune(tune, semitones);
  const SpelledNote from = TonicOf(key);
  if (std::abs(semitones) > 127 || Mod(PitchClass(from) + semitones, 12) != PitchClass(tonic))
    return Status::InvalidArgument("expected a tonic " + std::to_string(semitones) + " semitones from the tune's, got " +
                                   std::string(1, tonic.letter) + (tonic.alter > 0 ? "#" : tonic.alter < 0 ? "b" : ""));
  const int steps = SignedSteps(Mod(LetterIndex(tonic.letter) - LetterIndex(from.letter), 7), semitones);
  return TransposeWith(tune, {semitones, steps});
}

Result<Tune> TransposeToTonic(const Tune& tune, SpelledNote tonic) {
  const KeySignature& key = tune.initial.key;
  if (key.none) return tune;
  SpelledNote from = TonicOf(key);
  int semitones = Mod(PitchClass(tonic) - PitchClass(from), 12);
  if (semitones > 6) semitones -= 12;
  int steps = SignedSteps(Mod(LetterIndex(tonic.letter) - LetterIndex(from.letter), 7), semitones);
  return TransposeWith(tune, {semitones, steps});
}

Status CheckRewritable(const Tune& tune) {
  for (const auto& d : tune.diagnostics)
    if (d.severity == Severity::kError && d.kind != DiagnosticKind::kOverfullBar)
      return Status::InvalidArgument("line " + std::to_string(d.pos.line) + ", column " +
                                     std::to_string(d.pos.column) + ": " + d.message);
  if (tune.voices.empty()) return Status::InvalidArgument("expected music, got none");
  return Status::OK();
}

Result<SpelledNote> ParseTonic(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidArgument("expected a tonic such as C, F#, Bb, got '" + std::string(text) +
                                   "'");
  };
  if (text.empty() || text.size() > 2) return bad();
  SpelledNote n;
  n.letter = static_cast<char>(text[0] >= 'a' ? text[0] - 'a' + 'A' : text[0]);
  if (n.letter < 'A' || n.letter > 'G') return bad();
  if (text.size() == 2) {
    if (text[1] != '#' && text[1] != 'b') return bad();
    n.alter = text[1] == '#' ? 1 : -1;
  }
  return n;
}

}  // namespace abcrnn::abc

// Key signatures: parsing K: values (tonic, mode, extra accidentals, none, Hp) and the alteration
// each letter gets. Only the first three letters of a mode name count, as the standard says.
#include "abcrnn/abc/key.h"

#include <cctype>

#include "abc/text_util.h"

namespace abcrnn::abc {
namespace {

// Position of each natural letter on the circle of fifths relative to C (F=-1 ... B=5).
int LetterFifths(char upper) {
  switch (upper) {
    case 'F':
      return -1;
    case 'C':
      return 0;
    case 'G':
      return 1;
    case 'D':
      return 2;
    case 'A':
      return 3;
    case 'E':
      return 4;
    case 'B':
      return 5;
    default:
      return 0;
  }
}

// Fifths offset of a mode from its relative major (D dorian = C major: -2).
int ModeFifths(Mode m) {
  switch (m) {
    case Mode::kMajor:
      return 0;
    case Mode::kMinor:
      return -3;
    case Mode::kDorian:
      return -2;
    case Mode::kPhrygian:
      return -4;
    case Mode::kLydian:
      return 1;
    case Mode::kMixolydian:
      return -1;
    case Mode::kLocrian:
      return -5;
  }
  return 0;
}

bool ParseModeWord(std::string_view word, Mode* mode) {
  std::string w = ToLowerAscii(word);
  if (w == "m") {
    *mode = Mode::kMinor;
    return true;
  }
  if (w.size() < 3) return false;
  std::string_view p(w.data(), 3);
  // Longer words must still be a prefix-compatible spelling ("minor", "mixolydian", "dorian").
  struct Entry {
    const char* prefix;
    const char* full;
    Mode mode;
  };
  static constexpr Entry kModes[] = {
      {"maj", "major", Mode::kMajor},     {"ion", "ionian", Mode::kMajor},
      {"min", "minor", Mode::kMinor},     {"aeo", "aeolian", Mode::kMinor},
      {"dor", "dorian", Mode::kDorian},   {"phr", "phrygian", Mode::kPhrygian},
      {"lyd", "lydian", Mode::kLydian},   {"mix", "mixolydian", Mode::kMixolydian},
      {"loc", "locrian", Mode::kLocrian},
  };
  for (const Entry& e : kModes) {
    if (p == e.prefix) {
      *mode = e.mode;
      return true;
    }
  }
  return false;
}

bool IsClefWord(std::string_view w) {
  std::string l = ToLowerAscii(w);
  return l == "treble" || l == "bass" || l == "alto" || l == "tenor" || l == "perc" ||
         l == "none" || l == "bass3" || l == "alto1" || l == "alto2" || l == "treble8";
}

// "^f", "__b", "=c" → one KeyAccidental. False when `w` is not such a token.
bool ParseKeyAccidental(std::string_view w, KeyAccidental* out) {
  size_t i = 0;
  Accidental a = Accidental::kNone;
  if (w.substr(0, 2) == "^^") {
    a = Accidental::kDoubleSharp;
    i = 2;
  } else if (w.substr(0, 2) == "__") {
    a = Accidental::kDoubleFlat;
    i = 2;
  } else if (!w.empty() && w[0] == '^') {
    a = Accidental::kSharp;
    i = 1;
  } else if (!w.empty() && w[0] == '_') {
    a = Accidental::kFlat;
    i = 1;
  } else if (!w.empty() && w[0] == '=') {
    a = Accidental::kNatural;
    i = 1;
  } else
    return false;
  if (w.size() != i + 1) return false;
  char c = static_cast<char>(std::toupper(static_cast<unsigned char>(w[i])));
  if (LetterIndex(c) < 0) return false;
  out->letter = c;
  out->accidental = a;
  return true;
}

// One or more accidentals written together ("^f", "^f^c", "=c_b"): appended to *out. False, with
// *out unchanged, when `w` is not made of them.
bool ParseKeyAccidentals(std::string_view w, std::vector<KeyAccidental>* out) {
  std::vector<KeyAccidental> found;
  while (!w.empty()) {
    size_t n = 0;
    while (n < w.size() && (w[n] == '^' || w[n] == '_' || w[n] == '=')) ++n;
    KeyAccidental ka;
    if (n == 0 || n >= w.size() || !ParseKeyAccidental(w.substr(0, n + 1), &ka)) return false;
    found.push_back(ka);
    w.remove_prefix(n + 1);
  }
  if (found.empty()) return false;
  out->insert(out->end(), found.begin(), found.end());
  return true;
}

}  // namespace

int AccidentalSemitones(Accidental a) {
  switch (a) {
    case Accidental::kDoubleFlat:
      return -2;
    case Accidental::kFlat:
      return -1;
    case Accidental::kSharp:
      return 1;
    case Accidental::kDoubleSharp:
      return 2;
    default:
      return 0;
  }
}

std::string_view AccidentalText(Accidental a) {
  switch (a) {
    case Accidental::kDoubleFlat:
      return "__";
    case Accidental::kFlat:
      return "_";
    case Accidental::kNatural:
      return "=";
    case Accidental::kSharp:
      return "^";
    case Accidental::kDoubleSharp:
      return "^^";
    default:
      return "";
  }
}

Accidental AccidentalForSemitones(int semitones) {
  switch (semitones) {
    case -2:
      return Accidental::kDoubleFlat;
    case -1:
      return Accidental::kFlat;
    case 1:
      return Accidental::kSharp;
    case 2:
      return Accidental::kDoubleSharp;
    default:
      return Accidental::kNatural;
  }
}

int LetterIndex(char c) {
  switch (c) {
    case 'C':
      return 0;
    case 'D':
      return 1;
    case 'E':
      return 2;
    case 'F':
      return 3;
    case 'G':
      return 4;
    case 'A':
      return 5;
    case 'B':
      return 6;
    default:
      return -1;
  }
}

int LetterSemitones(char c) {
  static constexpr int kSemis[7] = {0, 2, 4, 5, 7, 9, 11};
  int i = LetterIndex(c);
  return i < 0 ? 0 : kSemis[i];
}

std::string_view ModeName(Mode m) {
  switch (m) {
    case Mode::kMajor:
      return "maj";
    case Mode::kMinor:
      return "min";
    case Mode::kDorian:
      return "dor";
    case Mode::kPhrygian:
      return "phr";
    case Mode::kLydian:
      return "lyd";
    case Mode::kMixolydian:
      return "mix";
    case Mode::kLocrian:
      return "loc";
  }
  return "maj";
}

int KeySignature::SharpsOrFlats() const {
  if (none) return 0;
  if (highland_pipes) return 2;
  return LetterFifths(tonic) + 7 * AccidentalSemitones(tonic_accidental) + ModeFifths(mode);
}

Result<KeySignature> ParseKey(std::string_view value) {
  KeySignature k;
  std::string_view v = Trim(value);
  k.text = std::string(v);
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(
        "expected a key such as G, Ador, Bb minor, D =c, Hp or none, got '" + std::string(v) + "'" +
        std::string(why));
  };
  std::vector<std::string_view> words = SplitWords(v);
  size_t w = 0;
  if (w < words.size()) {
    std::string_view first = words[w];
    std::string lower = ToLowerAscii(first);
    if (lower == "none") {
      k.none = true;
      ++w;
    } else if (first == "Hp" || first == "HP") {
      k.highland_pipes = true;
      k.tonic = 'A';
      k.mode = Mode::kMixolydian;
      ++w;
    } else if ((first.find('=') != std::string_view::npos && LetterIndex(first[0]) < 0) || IsClefWord(first) ||
               lower == "exp" || first[0] == '^' || first[0] == '_' || (first[0] == '=')) {
      // no tonic: clef or accidentals only (C major base)
    } else {
      char t = first[0];
      if (LetterIndex(t) < 0) return bad(": the tonic must be a letter A-G");
      k.tonic = t;
      size_t i = 1;
      if (i < first.size() && first[i] == '#') {
        k.tonic_accidental = Accidental::kSharp;
        ++i;
      } else if (i < first.size() && first[i] == 'b') {
        k.tonic_accidental = Accidental::kFlat;
        ++i;
      }
      std::string_view rest = first.substr(i);
      // Accidentals may follow the tonic and mode at once, as abc2midi reads them ("Dmix=c").
      const size_t glued = rest.find_first_of("^_=");
      if (glued != std::string_view::npos) {
        if (!ParseKeyAccidentals(rest.substr(glued), &k.extra))
          return bad(": unexpected '" + std::string(rest.substr(glued)) + "'");
        rest = rest.substr(0, glued);
      }
      ++w;
      if (rest.empty() && w < words.size()) {
        Mode m;
        if (ParseModeWord(words[w], &m)) {
          k.mode = m;
          ++w;
        }
      } else if (!rest.empty()) {
        Mode m;
        if (!ParseModeWord(rest, &m)) return bad(": unknown mode '" + std::string(rest) + "'");
        k.mode = m;
      }
    }
  }
  for (; w < words.size(); ++w) {
    std::string_view word = words[w];
    if (ParseKeyAccidentals(word, &k.extra)) continue;
    if (ToLowerAscii(word) == "exp") {
      k.explicit_only = true;
    } else if (word.find('=') != std::string_view::npos || IsClefWord(word)) {
      // clef=, octave=, transpose=, middle=, stafflines=, or a clef name: not our business
      if (word.back() == '=' && w + 1 < words.size()) ++w;  // "clef= bass"
    } else {
      return bad(": unexpected '" + std::string(word) + "'");
    }
  }
  k.alter.fill(0);
  if (!k.none && !k.explicit_only) {
    int sf = k.SharpsOrFlats();
    static constexpr char kSharpOrder[7] = {'F', 'C', 'G', 'D', 'A', 'E', 'B'};
    static constexpr char kFlatOrder[7] = {'B', 'E', 'A', 'D', 'G', 'C', 'F'};
    if (sf > 14 || sf < -14) return bad(": too many sharps or flats");
    for (int i = 0; i < sf; ++i) k.alter[LetterIndex(kSharpOrder[i % 7])] += 1;
    for (int i = 0; i < -sf; ++i) k.alter[LetterIndex(kFlatOrder[i % 7])] -= 1;
  }
  for (const KeyAccidental& ka : k.extra)
    k.alter[LetterIndex(ka.letter)] = static_cast<int8_t>(AccidentalSemitones(ka.accidental));
  return k;
}

}  // namespace abcrnn::abc

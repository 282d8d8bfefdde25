// The ABC writer: header in canonical order, music element by element with normalised spacing,
// and the accidental bookkeeping (key, bar carry, ties) that decides where a written accidental
// is needed so that the text parses back to the same pitches.
#include "abcrnn/abc/writer.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "abc/text_util.h"
#include "abcrnn/abc/repeats.h"

namespace abcrnn::abc {
namespace {

// ---- text of values --------------------------------------------------------------------------

std::string PitchLetters(const Pitch& p) {
  std::string s;
  if (p.octave >= 1) {
    s += static_cast<char>(p.letter - 'A' + 'a');
    for (int i = 1; i < p.octave; ++i) s += '\'';
  } else {
    s += p.letter;
    for (int i = 0; i < -p.octave; ++i) s += ',';
  }
  return s;
}

bool IsLyricsField(char letter) { return letter == 'w' || letter == 'W'; }
bool IsMusicField(char letter) { return letter == 'K' || letter == 'M' || letter == 'L'; }

// ---- accidentals -----------------------------------------------------------------------------

// What a parser gives an unmarked note: the key's alteration, unless an earlier accidental of
// the bar (any octave: the standard's rule, also abc2midi's) or a tie from the previous note says
// otherwise. kUnknown marks a letter whose carry is uncertain (after a key change or a tie
// continuation in the bar): such a note always gets a written accidental.
class AccidentalTracker {
 public:
  static constexpr int kNoCarry = 100;
  static constexpr int kUnknown = 101;

  void SetKey(const KeySignature& key, bool mid_bar) {
    key_ = key.alter;
    if (mid_bar) carry_.fill(kUnknown);
  }
  void NewBar() { carry_.fill(kNoCarry); }

  // The accidental to write for `p` (its effective alteration `p.alter`), updating the state.
  // `keep` is the accidental the source wrote (kept when it gives the right pitch).
  Accidental Decide(const Pitch& p, bool is_grace) {
    int li = LetterIndex(p.letter);
    if (li < 0) return p.written;
    std::optional<int> tied;
    if (!is_grace) {
      for (const auto& t : ties_)
        if (t.letter == p.letter && t.octave == p.octave) tied = t.alter;
    }
    Accidental out = p.written;
    if (out != Accidental::kNone && AccidentalSemitones(out) != p.alter) out = Accidental::kNone;
    if (out == Accidental::kNone) {
      int implied = tied ? *tied : carry_[li] != kNoCarry ? carry_[li] : key_[li];
      if (implied != p.alter) out = AccidentalForSemitones(p.alter);
    }
    if (out != Accidental::kNone) {
      carry_[li] = p.alter;
    } else if (tied && carry_[li] == kNoCarry && *tied != key_[li]) {
      carry_[li] = kUnknown;  // parsers differ on whether a tie carries into the new bar
    }
    return out;
  }
  // After a note: its tied pitches become the next note's ties.
  void EndNote(const Note& n) {
    ties_.clear();
    for (const auto& p : n.pitches)
      if (p.tie || n.chord_tie) ties_.push_back({p.letter, p.octave, p.alter});
  }
  void EndRest() { ties_.clear(); }

 private:
  struct Tie {
    char letter;
    int8_t octave;
    int8_t alter;
  };
  std::array<int8_t, 7> key_{};
  std::array<int, 7> carry_{kNoCarry, kNoCarry, kNoCarry, kNoCarry, kNoCarry, kNoCarry, kNoCarry};
  std::vector<Tie> ties_;
};

// ---- output with normalised spacing ------------------------------------------------------------

enum class Tok { kPrefix, kNote, kBar, kBroken, kOther };

class Out {
 public:
  void Put(const std::string& s, Tok type) {
    if (space_ && !line_.empty() && prev_ != Tok::kPrefix && prev_ != Tok::kBar &&
        prev_ != Tok::kBroken && type != Tok::kBar && type != Tok::kBroken)
      line_ += ' ';
    // Bar lines in a row keep a space: together they would read as another bar line ("|" then
    // ":|" as "|:" then "|", "| |" as "||", "| | |]" as "||" then "|]").
    if (type == Tok::kBar && prev_ == Tok::kBar && !line_.empty()) line_ += ' ';
    // A line that would start with a note letter and ':' ("f:|") reads as a field line to
    // abcm2ps: the bar line keeps a space from the note.
    if (type == Tok::kBar && line_.size() == 1 && StartsLikeFieldLine(line_ + s)) line_ += ' ';
    space_ = false;
    line_ += s;
    prev_ = type;
  }
  void Space() { space_ = true; }
  // Ends the current line; an empty line is never written.
  void EndLine() {
    space_ = false;
    prev_ = Tok::kOther;
    if (line_.empty()) return;
    while (!line_.empty() && line_.back() == ' ') line_.pop_back();
    text_ += line_;
    text_ += '\n';
    line_.clear();
  }
  void Line(const std::string& s) {
    EndLine();
    line_ = s;
    EndLine();
  }
  bool at_line_start() const { return line_.empty(); }
  std::string Finish() {
    EndLine();
    return std::move(text_);
  }

 private:
  std::string text_, line_;
  bool space_ = false;
  Tok prev_ = Tok::kOther;
};

std::string CanonicalBarText(const BarLine& b) {
  switch (b.kind) {
    case BarKind::kSingle:
      return "|";
    case BarKind::kDouble:
      return "||";
    case BarKind::kFinal:
      return "|]";
    case BarKind::kStart:
      return "[|";
    case BarKind::kRepeatStart:
      return "|:";
    case BarKind::kRepeatEnd:
      return std::string(b.repeat_count > 1 ? b.repeat_count : 1, ':') + "|";
    case BarKind::kRepeatBoth:
      return "::";
    case BarKind::kDotted:
      return ".|";
    case BarKind::kInvisible:
      return "[|]";
  }
  return "|";
}

// The canonical spelling of the bar line, or the source's where abc2midi reads the two
// differently (":|:" is :| to it, "||:" is ||, while "::" and "|:" are repeat signs).
std::string BarText(const BarLine& b) {
  std::string canonical = CanonicalBarText(b);
  if (b.text.empty() || SameBarForAbc2midi(b.text, canonical)) return canonical;
  return b.text;
}

// "(p" when q and r are what a parser infers for p in `meter` (the standard's defaults: q is 3
// for p = 2, 4, 8; 2 for p = 3, 6; for other p 3 in compound meters, else 2), so that
// abc2midi, whose defaults differ for (5 (7 (9, reads it as it read the source; else "(p:q:r".
std::string TupletText(const Tuplet& t, const Meter& meter) {
  int beats = 0;
  for (int k : meter.numerators) beats += k;
  bool compound = meter.kind == Meter::Kind::kNumeric && beats % 3 == 0 && beats > 3;
  int q_default = (t.p == 3 || t.p == 6)               ? 2
                  : (t.p == 2 || t.p == 4 || t.p == 8) ? 3
                  : compound                           ? 3
                                                       : 2;
  if (t.q == q_default && t.r == t.p) return "(" + std::to_string(t.p);
  if (t.q == q_default) return "(" + std::to_string(t.p) + "::" + std::to_string(t.r);
  return "(" + std::to_string(t.p) + ":" + std::to_string(t.q) + ":" + std::to_string(t.r);
}

std::string AnnotationText(const Annotation& a) {
  static constexpr const char* kPrefix[] = {"", "^", "_", "<", ">", "@"};
  return "\"" + std::string(kPrefix[static_cast<int>(a.place)]) + a.text + "\"";
}

std::string DecorationText(const Decoration& d) {
  if (d.written.size() == 1) return d.written;  // ~ . H L M O P S T u v
  return "!" + d.name + "!";
}

std::string FieldValue(const FieldChange& fc) {
  if (!fc.state) return fc.field.value;
  switch (fc.field.letter) {
    case 'K':
      return KeyText(fc.state->key);
    case 'M':
      return MeterText(fc.state->meter);
    case 'L':
      return UnitLengthText(fc.state->unit_length);
    default:
      return fc.field.value;
  }
}

// A length of numerator 1 written with numerator 2 ("2/" for 1, "2/4" for 1/2), as the source
// wrote "G2/" or "c2/4": abc2midi swings the note of a hornpipe only when its numerator is 1.
std::string NumeratorTwoLengthText(const Fraction& l) {
  if (!l.valid() || l.num() != 1) return LengthText(l);
  return l.den() == 1 ? "2/" : "2/" + std::to_string(2 * l.den());
}

class TuneWriter {
 public:
  TuneWriter(const Tune& tune, const WriteOptions& o) : tune_(tune), o_(o) {}

  std::string Write() {
    WriteHeader();
    if (tune_.voices.size() == 1 && tune_.voices[0].id.empty()) {
      const Voice& v = tune_.voices[0];
      VoiceState st;
      Start(v, &st);
      // With close_last_bar, the music up to its last symbol, "|]" when that leaves a bar open,
      // then what follows (spaces, line breaks, comment and field lines).
      const size_t end = o_.close_last_bar ? EndOfMusic(v) : v.elements.size();
      WriteElements(v, 0, end, &st);
      if (o_.close_last_bar && st.mid_bar) out_.Put("|]", Tok::kBar);
      WriteElements(v, end, v.elements.size(), &st);
      return out_.Finish();
    }
    // Several voices: their lines interleaved as the source wrote them (each voice's elements
    // cut into lines, lines ordered by source position), a V: line wherever the voice changes.
    struct Segment {
      SourcePos pos;
      size_t voice, begin, end;
    };
    std::vector<Segment> segments;
    for (size_t v = 0; v < tune_.voices.size(); ++v) {
      const auto& els = tune_.voices[v].elements;
      // A line of its own: a comment or a field line; other lines end at a line break.
      auto own_line = [&](size_t i) {
        const auto* fc = els[i].get_if<FieldChange>();
        return els[i].kind() == ElementKind::kComment || (fc && !fc->is_inline);
      };
      size_t begin = 0;
      for (size_t i = 0; i <= els.size(); ++i) {
        size_t end;
        if (i == els.size())
          end = i;
        else if (els[i].kind() == ElementKind::kLineBreak)
          end = i + 1;
        else if (own_line(i))
          end = i > begin ? i : i + 1;
        else
          continue;
        if (end > begin) segments.push_back({els[begin].pos, v, begin, end});
        begin = end;
        if (i < els.size() && own_line(i) && end == i) {
          segments.push_back({els[i].pos, v, i, i + 1});
          begin = i + 1;
        }
      }
      if (segments.empty() || segments.back().voice != v)
        segments.push_back({SourcePos{}, v, 0, 0});
    }
    std::stable_sort(segments.begin(), segments.end(), [](const Segment& a, const Segment& b) {
      return a.pos.line != b.pos.line ? a.pos.line < b.pos.line : a.pos.column < b.pos.column;
    });
    std::vector<VoiceState> states(tune_.voices.size());
    std::vector<bool> started(tune_.voices.size(), false);
    size_t current = SIZE_MAX;
    for (const auto& seg : segments) {
      const Voice& v = tune_.voices[seg.voice];
      // The voice changes where its music starts (field and comment lines stay before it, as
      // sources write "P:B" then "[V:1] ...").
      bool music = false;
      for (size_t i = seg.begin; i < seg.end && !music; ++i) {
        const auto* fc = v.elements[i].get_if<FieldChange>();
        music = v.elements[i].kind() != ElementKind::kComment && !(fc && !fc->is_inline);
      }
      if (seg.voice != current && music) {
        out_.Line("V:" + v.id + (v.properties.empty() ? "" : " " + v.properties));
        current = seg.voice;
      }
      if (!started[seg.voice]) {
        Start(v, &states[seg.voice]);
        started[seg.voice] = true;
      }
      WriteElements(v, seg.begin, seg.end, &states[seg.voice]);
    }
    return out_.Finish();
  }

 private:
  void WriteHeader() {
    if (o_.write_x) out_.Line("X:" + std::to_string(o_.x >= 0 ? o_.x : tune_.x >= 0 ? tune_.x : 1));
    const auto& h = tune_.header;
    if (o_.fields) {
      for (const auto& f : h)
        if (f.letter == 'T') out_.Line("T:" + f.value);
      for (const auto& f : h) {
        char c = f.letter;
        if (c == 'X' || c == 'T' || IsMusicField(c) || c == 'Q' || c == 'V' || IsLyricsField(c))
          continue;
        out_.Line(std::string(1, c) + ":" + f.value);
      }
    }
    if (o_.lyrics)
      for (const auto& f : h)
        if (IsLyricsField(f.letter)) out_.Line(std::string(1, f.letter) + ":" + f.value);
    out_.Line("M:" + MeterText(tune_.initial.meter));
    out_.Line("L:" + UnitLengthText(tune_.initial.unit_length));
    if (o_.fields) {
      for (const auto& f : h)
        if (f.letter == 'Q' || (f.letter == 'V' && tune_.voices.size() > 1))
          out_.Line(std::string(1, f.letter) + ":" + f.value);
    }
    out_.Line("K:" + KeyText(tune_.initial.key));
  }

  // One past the voice's last element that is not a space, line break, comment or field line.
  static size_t EndOfMusic(const Voice& v) {
    size_t end = v.elements.size();
    while (end > 0) {
      const Element& e = v.elements[end - 1];
      const auto* fc = e.get_if<FieldChange>();
      const bool trailing = e.kind() == ElementKind::kSpace || e.kind() == ElementKind::kLineBreak ||
                            e.kind() == ElementKind::kComment || (fc && !fc->is_inline);
      if (!trailing) break;
      --end;
    }
    return end;
  }

  struct VoiceState {
    AccidentalTracker acc;
    bool mid_bar = false;
    Meter meter;  // for the tuplet defaults
  };
  void Start(const Voice& v, VoiceState* st) {
    st->acc.SetKey(v.initial.key, false);
    st->meter = v.initial.meter;
    st->acc.NewBar();
  }

  // Writes v.elements[begin, end).
  void WriteElements(const Voice& v, size_t begin, size_t end, VoiceState* st) {
    AccidentalTracker& acc = st->acc;
    bool& mid_bar = st->mid_bar;
    for (size_t i = begin; i < end; ++i) {
      const Element& e = v.elements[i];
      switch (e.kind()) {
        case ElementKind::kNote: {
          const Note& n = *e.get_if<Note>();
          std::string s;
          if (n.chord) s += '[';
          for (const auto& p : n.pitches) {
            s += AccidentalText(acc.Decide(p, false));
            s += PitchLetters(p);
            if (n.chord) {
              s += LengthText(p.written_length);
              if (p.tie && !n.chord_tie) s += '-';
            }
          }
          if (n.chord) s += ']';
          s += n.numerator_reduced && !n.chord ? NumeratorTwoLengthText(n.written_length)
                                                : LengthText(n.written_length);
          if (n.chord ? n.chord_tie : (!n.pitches.empty() && n.pitches[0].tie)) s += '-';
          acc.EndNote(n);
          out_.Put(s, Tok::kNote);
          mid_bar = true;
          break;
        }
        case ElementKind::kRest: {
          const Rest& r = *e.get_if<Rest>();
          if (r.bars > 0) {
            out_.Put(
                std::string(r.invisible ? "X" : "Z") + (r.bars != 1 ? std::to_string(r.bars) : ""),
                Tok::kNote);
          } else {
            out_.Put(std::string(r.invisible ? "x" : "z") + LengthText(r.written_length),
                     Tok::kNote);
          }
          acc.EndRest();
          mid_bar = true;
          break;
        }
        case ElementKind::kBarLine:
          out_.Put(BarText(*e.get_if<BarLine>()), Tok::kBar);
          acc.NewBar();
          mid_bar = false;
          break;
        case ElementKind::kEnding: {
          const Ending& en = *e.get_if<Ending>();
          out_.Put(en.attached ? en.text : "[" + en.text, Tok::kPrefix);
          break;
        }
        case ElementKind::kTuplet:
          out_.Put(TupletText(*e.get_if<Tuplet>(), st->meter), Tok::kPrefix);
          break;
        case ElementKind::kBrokenRhythm: {
          const BrokenRhythm& b = *e.get_if<BrokenRhythm>();
          out_.Put(std::string(b.count, b.first_longer ? '>' : '<'), Tok::kBroken);
          break;
        }
        case ElementKind::kSlur:
          if (o_.slurs) {
            const Slur& s = *e.get_if<Slur>();
            if (s.open)
              out_.Put(s.dotted ? ".(" : "(", Tok::kPrefix);
            else
              out_.Put(")", Tok::kOther);
          }
          break;
        case ElementKind::kGraceGroup: {
          const GraceGroup& g = *e.get_if<GraceGroup>();
          if (!o_.grace_notes) break;
          std::string s = g.acciaccatura ? "{/" : "{";
          for (const auto& p : g.pitches) {
            s += AccidentalText(acc.Decide(p, true));
            s += PitchLetters(p);
            s += LengthText(p.written_length);
          }
          out_.Put(s + "}", Tok::kPrefix);
          break;
        }
        case ElementKind::kDecoration:
          if (o_.decorations) out_.Put(DecorationText(*e.get_if<Decoration>()), Tok::kPrefix);
          break;
        case ElementKind::kAnnotation:
          if (o_.chord_symbols) out_.Put(AnnotationText(*e.get_if<Annotation>()), Tok::kPrefix);
          break;
        case ElementKind::kFieldChange: {
          const FieldChange& fc = *e.get_if<FieldChange>();
          char c = fc.field.letter;
          bool keep = IsMusicField(c) || (IsLyricsField(c) ? o_.lyrics : o_.fields);
          if (c == 'V') keep = false;  // voices are written per Voice
          if (fc.state) {
            if (c == 'K') acc.SetKey(fc.state->key, mid_bar);
            st->meter = fc.state->meter;
          }
          if (!keep) break;
          std::string text = std::string(1, c) + ":" + FieldValue(fc);
          if (fc.is_inline)
            out_.Put("[" + text + "]", Tok::kOther);
          else
            out_.Line(text);
          break;
        }
        case ElementKind::kLineBreak:
          out_.EndLine();
          break;
        case ElementKind::kSpace:
          out_.Space();
          break;
        case ElementKind::kComment: {
          if (!o_.comments) break;
          const Comment& c = *e.get_if<Comment>();
          out_.Put((c.directive ? "%%" : "%") + c.text, Tok::kOther);
          out_.EndLine();
          break;
        }
        case ElementKind::kOverlay:
          out_.Put("&", Tok::kOther);
          break;
      }
    }
  }

  const Tune& tune_;
  const WriteOptions& o_;
  Out out_;
};

}  // namespace

WriteOptions WriteOptions::Training() {
  WriteOptions o;
  o.write_x = false;
  o.fields = o.comments = o.lyrics = o.chord_symbols = o.decorations = o.grace_notes = o.slurs =
      false;
  o.close_last_bar = true;
  return o;
}

std::string KeyText(const KeySignature& key) {
  std::string s;
  if (key.none) {
    s = "none";
  } else if (key.highland_pipes) {
    s = key.text.rfind("HP", 0) == 0 ? "HP" : "Hp";
  } else {
    s += key.tonic;
    if (key.tonic_accidental == Accidental::kSharp) s += '#';
    if (key.tonic_accidental == Accidental::kFlat) s += 'b';
    if (key.mode == Mode::kMinor)
      s += 'm';
    else if (key.mode != Mode::kMajor)
      s += ModeName(key.mode);
  }
  if (key.explicit_only) s += " exp";
  for (const auto& x : key.extra) {
    s += ' ';
    s += AccidentalText(x.accidental);
    s += static_cast<char>(x.letter - 'A' + 'a');
  }
  return s;
}

std::string MeterText(const Meter& m) {
  switch (m.kind) {
    case Meter::Kind::kNone:
      return "none";
    case Meter::Kind::kCommon:
      return "C";
    case Meter::Kind::kCut:
      return "C|";
    case Meter::Kind::kNumeric:
      break;
  }
  std::string s;
  for (size_t i = 0; i < m.numerators.size(); ++i)
    s += (i ? "+" : "") + std::to_string(m.numerators[i]);
  return s + "/" + std::to_string(m.denominator);
}

std::string UnitLengthText(const Fraction& l) {
  return std::to_string(l.num()) + "/" + std::to_string(l.den());
}

std::string LengthText(const Fraction& l) {
  if (!l.valid() || l == Fraction(1)) return "";
  std::string num = l.num() == 1 ? "" : std::to_string(l.num());
  if (l.den() == 1) return num;
  if (l.den() == 2) return num + "/";
  return num + "/" + std::to_string(l.den());
}

std::string WriteTune(const Tune& tune, const WriteOptions& options) {
  return TuneWriter(tune, options).Write();
}

}  // namespace abcrnn::abc

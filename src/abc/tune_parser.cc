// One tune, line by line: header fields until K:, then body lines (fields, comments, music; the
// music itself is in music_parser.cc), voices, and the end-of-tune problems (unterminated
// slurs, dangling ties, pending tuplets), then the bar checks of check.cc.
#include "abc/tune_parser.h"

#include <cstring>

#include "abc/text_util.h"
#include "abcrnn/abc/check.h"

namespace abcrnn::abc {
namespace {

constexpr size_t kMaxDiagnosticsPerTune = 200;

bool IsFieldLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// Letters ABC 2.1 defines as fields (anything else is kept with an unknown-field warning).
bool IsKnownField(char c) {
  switch (c) {
    case 'A':
    case 'B':
    case 'C':
    case 'D':
    case 'F':
    case 'G':
    case 'H':
    case 'I':
    case 'K':
    case 'L':
    case 'M':
    case 'N':
    case 'O':
    case 'P':
    case 'Q':
    case 'R':
    case 'S':
    case 'T':
    case 'U':
    case 'V':
    case 'W':
    case 'X':
    case 'Z':
    case 'm':
    case 'r':
    case 's':
    case 'w':
      return true;
    default:
      return false;
  }
}

// Is `line` a field line in the body? Letters that are also note names (A-G, a-g) count as a
// field only when no bar line follows on the line ("B:|" is music).
bool IsBodyFieldLine(std::string_view line) {
  if (line.size() < 2 || line[1] != ':' || !IsFieldLetter(line[0])) return false;
  char c = line[0];
  bool note_letter = (c >= 'A' && c <= 'G') || (c >= 'a' && c <= 'g');
  if (!note_letter) return true;
  return line.find('|') == std::string_view::npos;
}

}  // namespace

TuneParser::TuneParser(const ParseOptions& options, Tune* tune, int32_t last_line)
    : options_(options), tune_(tune), last_line_(last_line) {
  tune_->initial.key = KeySignature();
  tune_->initial.meter = Meter();
}

TuneParser::TuneParser(const TuneParser& other, const ParseOptions& options, Tune* tune)
    : options_(options),
      tune_(tune),
      last_line_(other.last_line_),
      in_body_(other.in_body_),
      header_continued_(other.header_continued_),
      length_open_(other.length_open_),
      length_numerator_one_(other.length_numerator_one_),
      swing_note_(other.swing_note_),
      swing_previous_(other.swing_previous_),
      swing_bar_(other.swing_bar_),
      music_line_trimmed_(other.music_line_trimmed_),
      overlay_reported_(other.overlay_reported_),
      header_voices_(other.header_voices_),
      body_started_music_(other.body_started_music_),
      current_(other.current_),
      states_(other.states_),
      // last_field_ is the header's last field when set (HeaderLine), in the copy's tune.
      last_field_(other.last_field_ != nullptr && !tune->header.empty() ? &tune->header.back() : nullptr) {}

void TuneParser::Report(DiagnosticKind kind, SourcePos pos, std::string message) {
  if (tune_->diagnostics.size() >= kMaxDiagnosticsPerTune) return;
  Diagnostic d;
  d.severity = DefaultSeverity(kind);
  d.kind = kind;
  d.pos = pos;
  d.message = std::move(message);
  if (tune_->diagnostics.size() + 1 == kMaxDiagnosticsPerTune) {
    d.message += " (further problems in this tune are not listed)";
  }
  tune_->diagnostics.push_back(std::move(d));
}

bool TuneParser::AtOpenEnd(SourcePos pos) const {
  return options_.prefix && pos.line >= last_line_;
}

std::string TuneParser::DecodeText(std::string_view raw, SourcePos pos) {
  if (IsValidUtf8(raw)) return std::string(raw);
  Report(DiagnosticKind::kEncoding, pos, "expected UTF-8 text, got invalid bytes: read as Latin-1");
  return Latin1ToUtf8(raw);
}

void TuneParser::Line(std::string_view line, int32_t line_no) {
  if (!in_body_) {
    HeaderLine(line, line_no);
  } else {
    BodyLine(line, line_no);
  }
}

void TuneParser::AppendToLastField(std::string_view raw, SourcePos pos) {
  if (last_field_ == nullptr) return;
  last_field_->value += " ";
  last_field_->value += DecodeText(raw, pos);
  if (last_field_->letter == 'T' && !tune_->titles.empty()) {
    tune_->titles.back() = last_field_->value;
  }
}

void TuneParser::HeaderLine(std::string_view line, int32_t line_no) {
  std::string_view t = Trim(line);
  HeaderContinuation from_before = header_continued_;
  bool continues = !t.empty() && t.back() == '\\';
  if (continues) t = Trim(t.substr(0, t.size() - 1));
  SourcePos pos{line_no, static_cast<int32_t>(t.data() - line.data()) + 1};
  if (from_before != HeaderContinuation::kNone) {
    // The previous header line ended with a backslash: this line continues it.
    if (from_before == HeaderContinuation::kField) AppendToLastField(Trim(StripComment(t)), pos);
    if (!continues) header_continued_ = HeaderContinuation::kNone;
    return;
  }
  bool comment = t.empty() || t[0] == '%';
  header_continued_ = !continues ? HeaderContinuation::kNone
                      : comment  ? HeaderContinuation::kComment
                                 : HeaderContinuation::kField;
  if (comment) return;  // comments and %%directives in the header
  if (t.size() >= 2 && t[0] == '+' && t[1] == ':') {
    AppendToLastField(Trim(StripComment(t.substr(2))), pos);
    return;
  }
  if (t.size() < 2 || t[1] != ':' || !IsFieldLetter(t[0])) {
    // Music before K: - the key is missing; parse it as music in C major.
    Report(DiagnosticKind::kMissingKey, pos,
           "expected a K: field before the music, got '" + std::string(t.substr(0, 20)) + "'");
    StartBody(pos);
    BodyLine(line, line_no);
    return;
  }
  char letter = t[0];
  std::string_view raw = Trim(StripComment(t.substr(2)));
  Field f;
  f.letter = letter;
  f.pos = pos;
  f.value = DecodeText(raw, pos);
  MusicState& st = tune_->initial;
  if (!IsKnownField(letter)) {
    Report(DiagnosticKind::kUnknownField, pos,
           std::string("expected a known field letter, got '") + letter + ":': kept as is");
  }
  switch (letter) {
    case 'X': {
      size_t i = 0;
      int64_t x = 0;
      bool overflow = false;
      std::string_view v = Trim(raw);
      if (ParseSmallInt(v, &i, &x, &overflow) && !overflow) {
        tune_->x = static_cast<int>(x);
      } else {
        Report(DiagnosticKind::kInvalidField, pos,
               "expected a tune number after X:, got '" + std::string(v) + "'");
      }
      break;
    }
    case 'T':
      tune_->titles.push_back(f.value);
      break;
    case 'M': {
      Result<Meter> m = ParseMeter(raw);
      if (m.ok())
        st.meter = *m;
      else
        Report(DiagnosticKind::kInvalidMeter, pos, m.status().message());
      break;
    }
    case 'L': {
      Result<Fraction> l = ParseUnitLength(raw);
      if (l.ok()) {
        st.unit_length = *l;
        st.unit_length_explicit = true;
      } else {
        Report(DiagnosticKind::kInvalidUnitLength, pos, l.status().message());
      }
      break;
    }
    case 'Q': {
      Fraction unit = st.unit_length_explicit ? st.unit_length : DefaultUnitLength(st.meter);
      Result<Tempo> q = ParseTempo(raw, unit);
      if (q.ok())
        st.tempo = *q;
      else
        Report(DiagnosticKind::kInvalidTempo, pos, q.status().message());
      break;
    }
    case 'V': {
      header_voices_ = true;
      tune_->header.push_back(f);
      last_field_ = &tune_->header.back();
      SelectVoice(raw, pos, /*create_only=*/true);
      return;
    }
    default:
      break;
  }
  tune_->header.push_back(std::move(f));
  last_field_ = &tune_->header.back();
  if (letter == 'K') {
    Result<KeySignature> k = ParseKey(raw);
    tune_->has_key = true;
    if (k.ok())
      st.key = *k;
    else
      Report(DiagnosticKind::kInvalidKey, pos, k.status().message());
    StartBody(pos);
  }
}

void TuneParser::StartBody(SourcePos pos) {
  (void)pos;
  in_body_ = true;
  last_field_ = nullptr;
  MusicState& st = tune_->initial;
  if (!st.unit_length_explicit) st.unit_length = DefaultUnitLength(st.meter);
  if (tune_->voices.empty()) {
    tune_->voices.emplace_back();
  }
  states_.resize(tune_->voices.size());
  for (size_t v = 0; v < tune_->voices.size(); ++v) {
    tune_->voices[v].initial = st;
    states_[v].state = st;
  }
  current_ = 0;
  // About one element per two characters of music: one allocation instead of many.
  tune_->voices[0].elements.reserve(tune_->text.size() / 2 + 16);
  StartSwing();
}

void TuneParser::SelectVoice(std::string_view value, SourcePos pos, bool create_only) {
  (void)pos;
  std::string_view v = Trim(value);
  size_t sp = 0;
  while (sp < v.size() && !IsSpace(v[sp])) ++sp;
  std::string id(v.substr(0, sp));
  std::string props(Trim(v.substr(sp)));
  std::vector<Voice>& voices = tune_->voices;
  for (size_t i = 0; i < voices.size(); ++i) {
    if (voices[i].id == id) {
      if (!props.empty()) voices[i].properties = props;
      if (!create_only) current_ = i;
      return;
    }
  }
  // The implicit voice takes the first id if it has no music yet.
  if (voices.size() == 1 && voices[0].id.empty() && in_body_) {
    bool has_timed = false;
    for (const Element& e : voices[0].elements)
      if (e.kind() == ElementKind::kNote || e.kind() == ElementKind::kRest) has_timed = true;
    if (!has_timed) {
      voices[0].id = id;
      voices[0].properties = props;
      current_ = 0;
      return;
    }
  }
  Voice nv;
  nv.id = id;
  nv.properties = props;
  nv.initial = tune_->initial;
  voices.push_back(std::move(nv));
  if (in_body_) {
    VoiceState s;
    s.state = tune_->initial;
    states_.push_back(s);
    if (!create_only) current_ = voices.size() - 1;
  }
}

void TuneParser::BodyLine(std::string_view line, int32_t line_no) {
  size_t lead = 0;
  while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t')) ++lead;
  std::string_view t = line.substr(lead);
  if (t.empty()) return;
  SourcePos pos{line_no, static_cast<int32_t>(lead) + 1};
  if (t[0] == '%') {
    Comment c;
    c.directive = t.size() >= 2 && t[1] == '%';
    c.text = DecodeText(t.substr(c.directive ? 2 : 1), pos);
    Add(pos, std::move(c));
    return;
  }
  if (IsBodyFieldLine(t)) {
    Field f;
    f.letter = t[0];
    f.pos = pos;
    std::string_view raw = Trim(StripComment(t.substr(2)));
    f.value = DecodeText(raw, pos);
    BodyField(std::move(f), /*is_inline=*/false);
    return;
  }
  if (t.size() >= 2 && t[0] == '+' && t[1] == ':') {
    Field f;
    f.letter = '+';
    f.pos = pos;
    f.value = DecodeText(Trim(StripComment(t.substr(2))), pos);
    FieldChange fc;
    fc.field = std::move(f);
    fc.state = std::make_shared<const MusicState>(vs().state);
    Add(pos, std::move(fc));
    return;
  }
  if (StartsLikeFieldLine(t)) {  // music here (a bar line follows), a field to abcm2ps
    Report(DiagnosticKind::kInvalidField, pos,
           std::string("expected a music line that does not start like a field line, got '") + t[0] +
               ":' (abcm2ps reads it as a field); write '" + t[0] + " :' instead");
  } else if (lead == 1 && t[0] == ':') {  // " :|": abcm2ps reads any X: at a line's start as a field
    Report(DiagnosticKind::kInvalidField, SourcePos{line_no, 1},
           "expected a music line that does not start with one space or tab before ':' (abcm2ps reads "
           "it as a field, \"tune info ' :' not treated\"); write ':' at the line's start instead");
  }
  MusicLine(line, line_no);
}

void TuneParser::BodyField(Field field, bool is_inline) {
  SourcePos pos = field.pos;
  const std::string& value = field.value;
  if (value.find_first_not_of(" \t") == std::string::npos &&
      (field.letter == 'M' || field.letter == 'L' || field.letter == 'K')) {
    // abc2midi: "Expecting fraction in form A/B"; abcm2ps: "Empty meter string".
    Report(DiagnosticKind::kInvalidField, pos,
           std::string("expected a value in the ") + field.letter + ": field in the music, got none");
    return;
  }
  switch (field.letter) {
    case 'V':
      SelectVoice(value, pos, /*create_only=*/false);
      break;
    case 'K': {
      Result<KeySignature> k = ParseKey(value);
      if (k.ok()) {
        vs().state.key = *k;
        ResetBarAccidentals();
      } else {
        Report(DiagnosticKind::kInvalidKey, pos, k.status().message());
      }
      break;
    }
    case 'M': {
      Result<Meter> m = ParseMeter(value);
      if (m.ok())
        vs().state.meter = *m;
      else
        Report(DiagnosticKind::kInvalidMeter, pos, m.status().message());
      break;
    }
    case 'L': {
      Result<Fraction> l = ParseUnitLength(value);
      if (l.ok()) {
        vs().state.unit_length = *l;
        vs().state.unit_length_explicit = true;
      } else {
        Report(DiagnosticKind::kInvalidUnitLength, pos, l.status().message());
      }
      break;
    }
    case 'Q': {
      Result<Tempo> q = ParseTempo(value, vs().state.unit_length);
      if (q.ok())
        vs().state.tempo = *q;
      else
        Report(DiagnosticKind::kInvalidTempo, pos, q.status().message());
      break;
    }
    default:
      if (!IsKnownField(field.letter)) {
        Report(
            DiagnosticKind::kUnknownField, pos,
            std::string("expected a known field letter, got '") + field.letter + ":': kept as is");
      } else if (!is_inline && std::strchr("ABCDFGHNORSZm", field.letter) != nullptr) {
        // Header-only fields: abc2midi "Field not allowed in tune body" (abcm2ps reads most).
        Report(DiagnosticKind::kInvalidField, pos,
               std::string("expected a field the music may hold (K: L: M: P: Q: T: V: W: w: I: r:), got '") +
                   field.letter + ":', which belongs in the header (abc2midi refuses it here)");
      }
      break;
  }
  FieldChange fc;
  fc.field = std::move(field);
  fc.is_inline = is_inline;
  fc.state = std::make_shared<const MusicState>(vs().state);
  Add(pos, std::move(fc));
}

void TuneParser::Finish() {
  SourcePos end_pos{tune_->end_line, 1};
  if (!in_body_) {
    if (!options_.prefix) {
      Report(DiagnosticKind::kMissingKey, end_pos,
             "expected a K: field to end the header, got the end of the tune");
    }
    StartBody(end_pos);
  }
  bool any_music = false;
  for (size_t v = 0; v < tune_->voices.size(); ++v) {
    current_ = v;
    VoiceState& s = states_[v];
    for (const Element& e : tune_->voices[v].elements)
      if (e.kind() == ElementKind::kNote || e.kind() == ElementKind::kRest) any_music = true;
    if (!options_.prefix) {
      for (const SourcePos& p : s.slurs) {
        Report(DiagnosticKind::kUnterminatedSlur, p,
               "expected ')' to close the slur opened here, got the end of the tune");
      }
      for (const ActiveTuplet& t : s.tuplets) {
        Report(DiagnosticKind::kBadTuplet, t.pos,
               "expected " + std::to_string(t.remaining) +
                   " more note(s) for the tuplet started here, got the end of the tune");
      }
      if (s.broken_count > 0) {
        Report(DiagnosticKind::kBadBrokenRhythm, s.broken_pos,
               "expected a note after the broken rhythm, got the end of the tune");
      }
      if (s.tie_from >= 0) {
        Report(DiagnosticKind::kDanglingTie, tune_->voices[v].elements[s.tie_from].pos,
               "expected a note after the tie, got the end of the tune");
      }
      if (s.later_ending_open && !s.first_ending_open) {
        // abc2midi: "Cannot find :| || [| or |] to close variant ending".
        Report(DiagnosticKind::kEndingWithoutRepeat, s.later_ending_pos,
               "expected || or |] to close the ending started here, got the end of the tune");
      }
      if (s.first_ending_open) {
        Report(DiagnosticKind::kEndingWithoutRepeat, s.first_ending_pos,
               "expected a :| repeat to close the first ending started here, got the end of the "
               "tune");
      }
    }
    tune_->voices[v].end = s.time;
  }
  if (!any_music && !options_.prefix) {
    Report(DiagnosticKind::kEmptyTune, end_pos, "expected music after the header, got none");
  }
  if (options_.check_bars) {
    CheckOptions co;
    co.prefix = options_.prefix;
    co.last_length_open = options_.prefix && length_open_;
    CheckBars(tune_, co);
    if (!options_.prefix) CheckRepeats(tune_);
  }
  for (Diagnostic& d : tune_->diagnostics) {
    d.file = options_.file_name;
    d.x = tune_->x;
    d.title = tune_->title();
  }
}

}  // namespace abcrnn::abc

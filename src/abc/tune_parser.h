// The single-pass parser of one tune, fed line by line by parser.cc: header fields until K:, then
// body lines (fields, comments, music). music_parser.cc holds the music-line lexer/parser,
// hornpipe_swing.cc abc2midi's swing of R:hornpipe tunes, tune_parser.cc the fields, voices and
// the end-of-tune checks. Internal to src/abc.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "abcrnn/abc/parser.h"
#include "abcrnn/abc/tune.h"

namespace abcrnn::abc {

class TuneParser {
 public:
  // `tune` receives everything; it must outlive the parser. `last_line` is the number of the
  // tune's last physical line (for prefix mode: problems on it that more text could fix are
  // not reported).
  TuneParser(const ParseOptions& options, Tune* tune, int32_t last_line);
  // A copy of `other`'s state, writing into `tune` (a copy of other's tune) with `options`
  // (equal to other's): PrefixParser resumes from a snapshot this way.
  TuneParser(const TuneParser& other, const ParseOptions& options, Tune* tune);
  TuneParser(const TuneParser&) = delete;
  TuneParser& operator=(const TuneParser&) = delete;
  // The number of the tune's last physical line (prefix mode: problems on it that more text
  // could fix are not reported).
  void set_last_line(int32_t last_line) { last_line_ = last_line; }

  // One physical line (without its line ending) numbered `line_no` (1-based, in the file).
  void Line(std::string_view line, int32_t line_no);
  // End of the tune: unterminated slurs, dangling ties, bar checks, tune info in diagnostics.
  void Finish();

 private:
  // Per-voice parsing state beside Tune::voices.
  struct ActiveTuplet {
    Fraction factor;  // q/p
    int q = 2;        // as given or defaulted (abc2midi's hornpipe swing asks for q = 1)
    int remaining = 0;
    SourcePos pos;
  };
  struct VoiceState {
    MusicState state;
    Fraction time;                      // onset of the next note, whole notes
    Fraction bar_start;                 // `time` at the last bar line
    std::array<int8_t, 7> bar_alter{};  // accidentals written in this bar, per letter (C..B)
    std::array<bool, 7> bar_set{};
    std::vector<ActiveTuplet> tuplets;
    int64_t last_timed = -1;           // element index of the last Note/Rest
    bool last_timed_adjacent = false;  // no note-breaking element since it (for > <)
    Fraction last_timed_length;        // its written length in units (chord: as timed)
    int broken_count = 0;              // pending broken rhythm for the next note (0: none)
    bool broken_first_longer = false;
    Fraction broken_first_length;      // the written length before the pending > or <
    bool last_closed_broken = false;   // the last note was the second of a broken rhythm
    bool last_timed_in_tuplet = false;
    bool broken_first_in_tuplet = false;
    // How abc2midi holds the last Note/Rest against its written length (a fermata doubles a note
    // or rest, a staccato "." or !breath! halves a note), whether it is a chord; and the same for
    // the first note of the pending broken rhythm.
    Fraction timed_factor{1};
    bool timed_chord = false;
    bool timed_tilde = false;
    Fraction broken_first_factor{1};
    bool broken_first_chord = false;
    SourcePos broken_pos;
    int64_t tie_from = -1;  // Note element waiting for its tied-to note
    bool repeat_since_tie = false;
    std::vector<SourcePos> slurs;  // open slurs
    bool repeat_end_since_ending = false;
    bool first_ending_open = false;  // [1 seen, no :| yet
    bool later_ending_open = false;  // [2 (or later) seen, no || :| |: :: |] yet
    bool later_ending_repeated = false;  // a later ending was closed by :| (abc2midi then refuses a |:)
    SourcePos later_ending_pos;
    SourcePos first_ending_pos;
    // abc2midi's hornpipe swing (hornpipe_swing.cc): the last Note/Rest's length as abc2midi holds
    // it (whole notes: written, tuplets, a fermata doubles, a staccato or !breath! halves, then
    // broken rhythm and swing), whether it was swung as the second of a pair and from where.
    Fraction held_length;
    bool last_swung = false;
    SourcePos swung_from;
    bool next_fermata = false;  // decorations waiting for their note
    bool next_halved = false;
    bool next_tilde = false;  // "~", which abc2midi plays as a roll of several notes
  };

  // ---- tune_parser.cc
  void HeaderLine(std::string_view line, int32_t line_no);
  void BodyLine(std::string_view line, int32_t line_no);
  void StartBody(SourcePos pos);
  void AppendToLastField(std::string_view raw, SourcePos pos);
  // Applies a body or inline field to the current voice; returns false for unknown letters.
  void BodyField(Field field, bool is_inline);
  void SelectVoice(std::string_view value, SourcePos pos, bool create_only);
  std::string DecodeText(std::string_view raw, SourcePos pos);
  void Report(DiagnosticKind kind, SourcePos pos, std::string message);
  // Prefix mode: a problem at the end of the text that more text could resolve.
  bool AtOpenEnd(SourcePos pos) const;

  // ---- music_parser.cc
  void MusicLine(std::string_view line, int32_t line_no);
  // Parses a note (with accidentals, octave marks) at line[*i]; false when none is there.
  bool ParsePitch(std::string_view s, size_t* i, Pitch* p);
  Fraction ParseLength(std::string_view s, size_t* i, SourcePos pos);
  void ResolvePitch(Pitch* p, SourcePos pos, bool grace);
  size_t ParseBar(std::string_view s, size_t i, int32_t line_no);
  // ParseOptions::line_end_bars: a bar line at the end of the music of line `line_no` (column
  // `column`) when the bar is full there.
  void CloseFullBarAtLineEnd(int32_t line_no, size_t column);
  size_t ParseEnding(std::string_view s, size_t i, SourcePos pos, bool attached);
  size_t ParseChord(std::string_view s, size_t i, int32_t line_no);
  size_t ParseNoteOrRest(std::string_view s, size_t i, int32_t line_no);
  size_t ParseGrace(std::string_view s, size_t i, int32_t line_no);
  size_t ParseTuplet(std::string_view s, size_t i, SourcePos pos);
  size_t ParseInlineField(std::string_view s, size_t i, int32_t line_no);
  // Fills duration and onset of the timed element `index` (a Note or Rest) from its written
  // length, advancing the voice's time; handles tuplets, broken rhythm and ties.
  void Timed(size_t index, Fraction base_length, SourcePos pos);
  // ---- hornpipe_swing.cc: abc2midi's swing of R:hornpipe tunes
  // At the end of the header: whether the tune swings, and which length (swing_note_).
  void StartSwing();
  // For the timed element `index` of `length` whole notes (written, unit and `tuplet` factor
  // applied; `numerator_one`: written with a numerator of 1, in no tuplet with q > 1), before
  // its broken rhythm is applied: swings it with the note before, or reports why abc2midi cannot.
  void SwingTimed(size_t index, Fraction length, Fraction tuplet, bool numerator_one, SourcePos pos);
  // A broken rhythm `sign` at `pos` after the last note: reported when that note was swung.
  void SwingBrokenRhythm(std::string_view sign, SourcePos pos);
  // A multi-bar rest of `length` whole notes (abc2midi counts one bar of it).
  void SwingRestOfBars(Fraction length);
  // "" or, for a hornpipe in cut time, what abc2midi says of that meter (for messages).
  std::string SwingMeterNote() const;

  // pitch_open: the note ends a prefix's open end, where octave marks may still change its pitch.
  void CheckTie(Note* note, SourcePos pos, bool pitch_open = false);
  void ResetBarAccidentals();
  // True when s[j..] is empty at a prefix's open end: the music line `s` is the text's last, and
  // nothing (no spaces, no comment) was trimmed after it, so what ends at j may still grow.
  bool OpenEndAt(std::string_view s, size_t j, SourcePos pos) const;
  // True when s[i..] is a note's accidentals ("^", "^^", "_", "__", "=") at a prefix's open end,
  // where the note's letter may still come.
  bool OpenAccidental(std::string_view s, size_t i, SourcePos pos) const;
  // Appends an element of alternative T, built in place (no variant-to-variant move).
  template <typename T>
  Element& Add(SourcePos pos, T&& value) {
    std::vector<Element>& els = voice().elements;
    Element& e = els.emplace_back();
    e.pos = pos;
    e.value.template emplace<std::decay_t<T>>(std::forward<T>(value));
    return e;
  }

  Voice& voice() { return tune_->voices[current_]; }
  VoiceState& vs() { return states_[current_]; }

  // A new member must also be copied by the resuming constructor above.
  const ParseOptions& options_;
  Tune* tune_;
  int32_t last_line_;
  bool in_body_ = false;
  // Whether the last header line ended with a backslash, and what it was.
  enum class HeaderContinuation { kNone, kField, kComment };
  HeaderContinuation header_continued_ = HeaderContinuation::kNone;
  // The last length ParseLength read reached the open end of a prefix (it may still grow).
  bool length_open_ = false;
  bool length_numerator_one_ = true;  // ... and had no numerator or 1 ("c", "c/2", not "c2/2")
  // abc2midi's hornpipe swing, kept for the whole tune as abc2midi keeps it (not per voice):
  Fraction swing_note_;      // the length that swings: 1/8, 1/16 in 2/4; 0 when the tune does not
  Fraction swing_previous_;  // the last note's length (tuplets applied); 0 after a rest, chord, grace
  Fraction swing_bar_;       // abc2midi's count of the bar so far: written lengths, tuplets applied
  bool music_line_trimmed_ = false;  // the music line being read had spaces or a comment after it
  bool overlay_reported_ = false;
  bool header_voices_ = false;  // V: fields in the header declared voices
  bool body_started_music_ = false;
  size_t current_ = 0;  // index into tune_->voices
  std::vector<VoiceState> states_;
  Field* last_field_ = nullptr;  // for "+:" continuation in the header
};

}  // namespace abcrnn::abc

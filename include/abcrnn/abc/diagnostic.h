// Problems found in ABC text: severity, a stable kind with a short name (used in summaries and
// --json), where (file, tune X and title, line, column) and an "expected ..., got ..." message.
// Errors make a tune invalid; warnings do not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace abcrnn::abc {

// 1-based line and column in the file's text; column counts bytes. {0, 0}: unknown.
struct SourcePos {
  int32_t line = 0;
  int32_t column = 0;
};

enum class Severity : int8_t { kWarning, kError };

// Stable names (KindName) never change once released; add new kinds at the end.
enum class DiagnosticKind : int8_t {
  kSyntax,                   // "syntax": a character that starts nothing in music
  kMissingKey,               // "missing-key": no K: field before the music
  kInvalidKey,               // "invalid-key"
  kInvalidMeter,             // "invalid-meter"
  kInvalidUnitLength,        // "invalid-unit-length"
  kInvalidTempo,             // "invalid-tempo" (warning)
  kUnterminatedChord,        // "unterminated-chord": [CEG without ]
  kUnterminatedString,       // "unterminated-string": "Am without closing quote
  kUnterminatedGrace,        // "unterminated-grace": {ab without }
  kUnterminatedDecoration,   // "unterminated-decoration": !trill or +trill without the end
  kUnterminatedSlur,         // "unterminated-slur": ( never closed
  kUnmatchedSlur,            // "unmatched-slur": ) without (
  kUnterminatedInlineField,  // "unterminated-inline-field": [K:G without ]
  kBadLength,                // "bad-length": zero, malformed or absurd note length
  kPitchOutOfRange,          // "pitch-out-of-range": MIDI outside 0..127
  kNestedChord,              // "nested-chord": [ inside [ ]
  kTieMismatch,              // "tie-mismatch": tie to a note of another pitch
  kDanglingTie,              // "dangling-tie" (warning): tie with no following note
  kEndingWithoutRepeat,      // "ending-without-repeat": [2 with no :| before it
  kOverfullBar,              // "overfull-bar" (error)
  kUnderfullBar,             // "underfull-bar" (warning)
  kUnknownField,             // "unknown-field" (warning)
  kBadTuplet,                // "bad-tuplet": (p:q:r malformed or fewer notes than r
  kBadBrokenRhythm,          // "bad-broken-rhythm": > or < not between two notes
  kEncoding,                 // "encoding" (warning): not UTF-8, read as Latin-1
  kEmptyChord,               // "empty-chord": [] or a chord with only rests/spaces
  kUnsupported,              // "unsupported" (warning): microtones, voice overlay ...
  kEmptyTune,                // "empty-tune" (warning): no music after the header
  kInvalidField,             // "invalid-field": malformed field line (e.g. X:abc)
  kUnexpectedBarInChord,     // "bar-in-chord": a bar line inside [ ] or { }
  kUnevenBrokenRhythm,       // "uneven-broken-rhythm": > or < between notes of unequal length or
                             // one in a tuplet (readable, but abc2midi refuses it)
  kSpaceInChord,             // "space-in-chord": [C E] (readable, but abcm2ps refuses it)
  kDetachedDecoration,       // "detached-decoration": ~ G, T (c (abc2midi: "Malformed note")
  kHornpipeSwing,            // "hornpipe-swing": R:hornpipe, where abc2midi swings pairs of quavers and
                             // then cannot apply a written broken rhythm ("Cannot apply broken rhythm")
  kBadRepeat,                // "bad-repeat": repeat signs abc2midi cannot follow when it plays the tune
                             // (a |: while one is open, a :| missing at the end, an ending before any |:)
  kHornpipeMeter,            // "hornpipe-meter": R:hornpipe in a meter abc2midi refuses for one (C|,
                             // 2/2, 6/8 ...: "Hornpipe must be in 2/4 or 4/4 time")
  kHeldBrokenRhythm,         // "held-broken-rhythm": > or < with a fermata, staccato or !breath! on one
                             // note only (abc2midi: "Cannot apply broken rhythm")
};

// "overfull-bar", "missing-key", ... (see the enum).
std::string_view KindName(DiagnosticKind kind);
// Inverse of KindName; nullopt for unknown names.
std::optional<DiagnosticKind> KindFromName(std::string_view name);
// The severity a kind has by default (what the parser and checks use).
Severity DefaultSeverity(DiagnosticKind kind);
std::string_view SeverityName(Severity s);  // "error", "warning"
// True for the kinds that mean the text could not be read as written (unexpected characters,
// unterminated or nested constructs, missing or invalid K:/M:/L:, bad lengths, tuplets or broken
// rhythm, pitches outside MIDI): a "syntax error" in corpus statistics. Bar-length findings,
// slurs, ties, endings and warnings are not.
bool IsSyntaxKind(DiagnosticKind kind);
// True for the errors that leave the music read as written but that a player or engraver refuses
// (abc2midi's hornpipe and broken-rhythm rules, abcm2ps's spaces in chords, repeats abc2midi cannot
// follow): the notes, bars and key are all there. `abcrnn check` still calls such a tune invalid;
// `abcrnn eval` still reads its melody.
bool IsPlayerKind(DiagnosticKind kind);

struct Diagnostic {
  Severity severity = Severity::kError;
  DiagnosticKind kind = DiagnosticKind::kSyntax;
  std::string file;   // as given to the parser (ParseOptions::file_name); may be empty
  int x = -1;         // the tune's X: number, -1 when none or outside a tune
  std::string title;  // the tune's first T:, may be empty
  SourcePos pos;
  std::string message;  // "expected ..., got ..."

  // "file:line:col: error: [overfull-bar] message (X:3 "Title")".
  std::string ToString() const;
};

bool HasErrors(const std::vector<Diagnostic>& diagnostics);

}  // namespace abcrnn::abc

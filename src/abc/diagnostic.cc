// Diagnostic kinds' stable names and default severities, and the one-line text form.
#include "abcrnn/abc/diagnostic.h"

#include "abcrnn/abc/tune.h"

namespace abcrnn::abc {
namespace {

struct KindInfo {
  DiagnosticKind kind;
  const char* name;
  Severity severity;
};

constexpr KindInfo kKinds[] = {
    {DiagnosticKind::kSyntax, "syntax", Severity::kError},
    {DiagnosticKind::kMissingKey, "missing-key", Severity::kError},
    {DiagnosticKind::kInvalidKey, "invalid-key", Severity::kError},
    {DiagnosticKind::kInvalidMeter, "invalid-meter", Severity::kError},
    {DiagnosticKind::kInvalidUnitLength, "invalid-unit-length", Severity::kError},
    {DiagnosticKind::kInvalidTempo, "invalid-tempo", Severity::kWarning},
    {DiagnosticKind::kUnterminatedChord, "unterminated-chord", Severity::kError},
    {DiagnosticKind::kUnterminatedString, "unterminated-string", Severity::kError},
    {DiagnosticKind::kUnterminatedGrace, "unterminated-grace", Severity::kError},
    {DiagnosticKind::kUnterminatedDecoration, "unterminated-decoration", Severity::kError},
    {DiagnosticKind::kUnterminatedSlur, "unterminated-slur", Severity::kError},
    {DiagnosticKind::kUnmatchedSlur, "unmatched-slur", Severity::kError},
    {DiagnosticKind::kUnterminatedInlineField, "unterminated-inline-field", Severity::kError},
    {DiagnosticKind::kBadLength, "bad-length", Severity::kError},
    {DiagnosticKind::kPitchOutOfRange, "pitch-out-of-range", Severity::kError},
    {DiagnosticKind::kNestedChord, "nested-chord", Severity::kError},
    {DiagnosticKind::kTieMismatch, "tie-mismatch", Severity::kError},
    {DiagnosticKind::kDanglingTie, "dangling-tie", Severity::kError},
    {DiagnosticKind::kEndingWithoutRepeat, "ending-without-repeat", Severity::kError},
    {DiagnosticKind::kOverfullBar, "overfull-bar", Severity::kError},
    {DiagnosticKind::kUnderfullBar, "underfull-bar", Severity::kWarning},
    {DiagnosticKind::kUnknownField, "unknown-field", Severity::kWarning},
    {DiagnosticKind::kBadTuplet, "bad-tuplet", Severity::kError},
    {DiagnosticKind::kBadBrokenRhythm, "bad-broken-rhythm", Severity::kError},
    {DiagnosticKind::kEncoding, "encoding", Severity::kWarning},
    {DiagnosticKind::kEmptyChord, "empty-chord", Severity::kError},
    {DiagnosticKind::kUnsupported, "unsupported", Severity::kWarning},
    {DiagnosticKind::kEmptyTune, "empty-tune", Severity::kWarning},
    {DiagnosticKind::kInvalidField, "invalid-field", Severity::kError},
    {DiagnosticKind::kUnexpectedBarInChord, "bar-in-chord", Severity::kError},
    {DiagnosticKind::kUnevenBrokenRhythm, "uneven-broken-rhythm", Severity::kError},
    {DiagnosticKind::kSpaceInChord, "space-in-chord", Severity::kError},
    {DiagnosticKind::kDetachedDecoration, "detached-decoration", Severity::kError},
    {DiagnosticKind::kHornpipeSwing, "hornpipe-swing", Severity::kError},
    {DiagnosticKind::kBadRepeat, "bad-repeat", Severity::kError},
    {DiagnosticKind::kHornpipeMeter, "hornpipe-meter", Severity::kError},
    {DiagnosticKind::kHeldBrokenRhythm, "held-broken-rhythm", Severity::kError},
};

const KindInfo* Find(DiagnosticKind kind) {
  for (const KindInfo& k : kKinds)
    if (k.kind == kind) return &k;
  return nullptr;
}

}  // namespace

std::string_view KindName(DiagnosticKind kind) {
  const KindInfo* k = Find(kind);
  return k ? k->name : "unknown";
}

std::optional<DiagnosticKind> KindFromName(std::string_view name) {
  for (const KindInfo& k : kKinds)
    if (name == k.name) return k.kind;
  return std::nullopt;
}

Severity DefaultSeverity(DiagnosticKind kind) {
  const KindInfo* k = Find(kind);
  return k ? k->severity : Severity::kError;
}

bool IsSyntaxKind(DiagnosticKind kind) {
  switch (kind) {
    case DiagnosticKind::kSyntax:
    case DiagnosticKind::kMissingKey:
    case DiagnosticKind::kInvalidKey:
    case DiagnosticKind::kInvalidMeter:
    case DiagnosticKind::kInvalidUnitLength:
    case DiagnosticKind::kUnterminatedChord:
    case DiagnosticKind::kUnterminatedString:
    case DiagnosticKind::kUnterminatedGrace:
    case DiagnosticKind::kUnterminatedDecoration:
    case DiagnosticKind::kUnterminatedInlineField:
    case DiagnosticKind::kBadLength:
    case DiagnosticKind::kPitchOutOfRange:
    case DiagnosticKind::kNestedChord:
    case DiagnosticKind::kBadTuplet:
    case DiagnosticKind::kBadBrokenRhythm:
    case DiagnosticKind::kEmptyChord:
    case DiagnosticKind::kInvalidField:
    case DiagnosticKind::kUnexpectedBarInChord:
      return true;
    default:
      return false;
  }
}

bool IsPlayerKind(DiagnosticKind kind) {
  switch (kind) {
    case DiagnosticKind::kUnevenBrokenRhythm:
    case DiagnosticKind::kSpaceInChord:
    case DiagnosticKind::kDetachedDecoration:
    case DiagnosticKind::kHornpipeSwing:
    case DiagnosticKind::kBadRepeat:
    case DiagnosticKind::kHornpipeMeter:
    case DiagnosticKind::kHeldBrokenRhythm:
      return true;
    default:
      return false;
  }
}

std::string_view SeverityName(Severity s) { return s == Severity::kError ? "error" : "warning"; }

std::string Diagnostic::ToString() const {
  std::string out = file.empty() ? std::string("<input>") : file;
  out += ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": ";
  out += SeverityName(severity);
  out += ": [";
  out += KindName(kind);
  out += "] ";
  out += message;
  if (x >= 0 || !title.empty()) {
    out += " (X:" + (x >= 0 ? std::to_string(x) : std::string("?"));
    if (!title.empty()) out += " \"" + title + "\"";
    out += ")";
  }
  return out;
}

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& d : diagnostics)
    if (d.severity == Severity::kError) return true;
  return false;
}

bool Tune::has_warnings() const {
  for (const Diagnostic& d : diagnostics)
    if (d.severity == Severity::kWarning) return true;
  return false;
}

}  // namespace abcrnn::abc

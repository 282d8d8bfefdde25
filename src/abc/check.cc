// Bar checks: every bar's duration against the meter. Overfull bars are errors. Underfull bars
// are warnings unless they are the first bar (pickup), the last bar, or touch a section boundary
// (a bar line other than a single one, or an ending) where a short bar complements a pickup.
#include "abcrnn/abc/check.h"

#include <algorithm>

#include "abcrnn/abc/repeats.h"

namespace abcrnn::abc {
namespace {

bool IsPlainBar(const BarLine& b) {
  return !b.repeat_start && !b.repeat_end &&
         (b.kind == BarKind::kSingle || b.kind == BarKind::kDotted ||
          b.kind == BarKind::kInvisible);
}

std::string Describe(const Fraction& f) { return f.ToString(); }

// The duration of the last note or rest of `bar`.
Fraction LastTimedDuration(const std::vector<Element>& els, const BarSpan& bar) {
  for (size_t k = std::min(bar.end_element, els.size()); k > bar.first_element; --k) {
    if (const auto* n = els[k - 1].get_if<Note>()) return n->duration;
    if (const auto* r = els[k - 1].get_if<Rest>()) return r->duration;
  }
  return Fraction(0);
}

// What the writer of the tune should have done instead, for each of abc2midi's repeat errors.
std::string Expected(const std::string& abc2midi_words) {
  static const std::pair<const char*, const char*> kExpected[] = {
      {"found another |: after a |:", "a :| closing the open repeat before this |:"},
      {"found [1 or like before |:", "a |: before the first ending"},
      {"found :: before |:", "a |: before this ::"},
      {"Expected end repeat not found at |:", "a :| before this |: on the first pass"},
      {"Found unexpected :|", "a |: before this :|"},
      {"Found unexpected ::", "a |: before this ::"},
      {"Need || |: :| or :: to mark end of variant ending", "||, |:, :| or :: closing the ending before this one"},
      {"multiple endings do not follow |: or ::", "a |: or :: before this ending"},
      {"Cannot find :| || [| or |] to close variant ending", ":|, ||, [| or |] closing this ending"},
      {"Missing :| at end of tune", "a :| closing this |: before the end of the tune"},
  };
  for (const auto& [words, expected] : kExpected)
    if (abc2midi_words == words) return expected;
  return "repeat signs abc2midi can follow";
}

}  // namespace

void CheckRepeats(Tune* tune) {
  for (const Diagnostic& d : tune->diagnostics)
    if (d.severity == Severity::kError &&
        (d.kind == DiagnosticKind::kEndingWithoutRepeat || d.kind == DiagnosticKind::kBadRepeat))
      return;
  PlayOptions options;
  for (const Field& f : tune->header)
    if (f.letter == 'P') options.parts = f.value;
  options.several_voices = tune->voices.size() > 1;
  for (const Voice& voice : tune->voices) {
    std::vector<RepeatProblem> problems;
    PlayOrder(voice, options, &problems);
    for (const RepeatProblem& p : problems) {
      Diagnostic d;
      d.kind = DiagnosticKind::kBadRepeat;
      d.severity = DefaultSeverity(d.kind);
      d.pos = voice.elements[p.element].pos;
      d.message = "expected " + Expected(p.message) + ", got none (abc2midi: \"" + p.message + "\")";
      tune->diagnostics.push_back(std::move(d));
    }
  }
}

std::vector<BarSpan> SplitBars(const Voice& voice) {
  std::vector<BarSpan> bars;
  bars.reserve(voice.elements.size() / 8 + 4);
  const Meter* meter = &voice.initial.meter;
  BarSpan cur;
  bool have_timed = false;
  bool started = false;
  Fraction extra_bars(0);  // multi-bar rests: bars beyond the first
  const std::vector<Element>& els = voice.elements;
  auto close = [&](size_t end, SourcePos bar_pos) {
    if (!started) return;
    cur.end_element = end;
    cur.bar_pos = bar_pos;
    if (!have_timed) cur.expected = meter->BarLength();
    cur.expected += cur.expected * extra_bars;
    bars.push_back(cur);
    cur = BarSpan();
    have_timed = false;
    started = false;
    extra_bars = Fraction(0);
  };
  for (size_t i = 0; i < els.size(); ++i) {
    const Element& e = els[i];
    if (!started) {
      started = true;
      cur.first_element = i;
      cur.pos = e.pos;
    }
    switch (e.kind()) {
      case ElementKind::kFieldChange: {
        const FieldChange& fc = std::get<FieldChange>(e.value);
        if (fc.state) meter = &fc.state->meter;
        break;
      }
      case ElementKind::kNote:
      case ElementKind::kRest: {
        Fraction d, onset;
        if (const Note* n = e.get_if<Note>()) {
          d = n->duration;
          onset = n->onset;
        } else {
          const Rest& r = std::get<Rest>(e.value);
          d = r.duration;
          onset = r.onset;
          if (r.bars > 1) extra_bars += Fraction(r.bars - 1);
        }
        if (!have_timed) {
          have_timed = true;
          cur.start = onset;
          cur.expected = meter->BarLength();
        }
        cur.duration += d;
        break;
      }
      case ElementKind::kBarLine:
        close(i + 1, e.pos);
        break;
      default:
        break;
    }
  }
  if (started) close(els.size(), els.empty() ? SourcePos{} : els.back().pos);
  return bars;
}

void CheckBars(Tune* tune, const CheckOptions& options) {
  for (const Voice& voice : tune->voices) {
    std::vector<BarSpan> all = SplitBars(voice);
    const std::vector<Element>& els = voice.elements;
    // Only bars with notes or rests count; remember each one's neighbours.
    std::vector<size_t> timed;
    for (size_t b = 0; b < all.size(); ++b)
      if (all[b].duration.is_positive()) timed.push_back(b);
    for (size_t t = 0; t < timed.size(); ++t) {
      const BarSpan& bar = all[timed[t]];
      if (!bar.expected.is_positive()) continue;  // M:none
      bool last = t + 1 == timed.size();
      bool closed = bar.end_element > 0 && bar.end_element <= els.size() &&
                    els[bar.end_element - 1].kind() == ElementKind::kBarLine;
      if (bar.duration > bar.expected && !(options.last_length_open && last && !closed &&
                                            bar.duration - LastTimedDuration(els, bar) < bar.expected)) {
        Diagnostic d;
        d.kind = DiagnosticKind::kOverfullBar;
        d.severity = DefaultSeverity(d.kind);
        d.pos = bar.pos;
        d.message = "expected a bar of " + Describe(bar.expected) + " (whole notes), got " +
                    Describe(bar.duration) + " (" + Describe(bar.duration - bar.expected) +
                    " too long)";
        tune->diagnostics.push_back(std::move(d));
        continue;
      }
      if (bar.duration == bar.expected) continue;
      if (t == 0 || last) continue;  // pickup, closing bar
      if (options.prefix && last && !closed) continue;
      // Section boundaries: the closing bar line is not a single one, an ending follows it or
      // begins the bar, or the bar before ended at such a boundary.
      bool boundary = false;
      bool double_close = false;  // closed by || or |] (no repeat), the only boundary so far
      if (closed) {
        const BarLine& b = std::get<BarLine>(els[bar.end_element - 1].value);
        if (!IsPlainBar(b)) boundary = true;
        double_close = !b.repeat_start && !b.repeat_end && (b.kind == BarKind::kDouble || b.kind == BarKind::kFinal);
      }
      for (size_t k = bar.end_element; k < els.size() && (!boundary || double_close); ++k) {
        ElementKind kind = els[k].kind();
        if (kind == ElementKind::kEnding || kind == ElementKind::kFieldChange) double_close = false;
        if (kind == ElementKind::kEnding) boundary = true;
        if (kind == ElementKind::kNote || kind == ElementKind::kRest ||
            kind == ElementKind::kBarLine)
          break;
        if (kind == ElementKind::kFieldChange) boundary = true;  // e.g. a new part P: or M:
      }
      for (size_t k = bar.first_element; k < bar.end_element && !boundary; ++k) {
        ElementKind kind = els[k].kind();
        if (kind == ElementKind::kEnding || kind == ElementKind::kFieldChange) boundary = true;
        if (kind == ElementKind::kNote || kind == ElementKind::kRest) break;
      }
      for (size_t k = bar.first_element; k < bar.end_element && double_close; ++k) {
        ElementKind kind = els[k].kind();
        if (kind == ElementKind::kEnding || kind == ElementKind::kFieldChange) double_close = false;
        if (kind == ElementKind::kNote || kind == ElementKind::kRest) break;
      }
      if (bar.first_element > 0) {
        const Element& before = els[bar.first_element - 1];
        if (const BarLine* b = before.get_if<BarLine>()) {
          if (!IsPlainBar(*b)) boundary = true, double_close = false;
        }
      }
      // A short bar before || or |] in the middle of a tune is made up by the upbeat after it, as
      // abc2midi reads it (it adds the two and warns "Bar N has X time units while the time
      // signature has Y" when they are not a bar): 4/4 bars closed by || in 5/4 are not a section
      // boundary.
      const BarSpan& after = all[timed[t + 1]];
      const Fraction next = after.duration;
      // A tune being written (strict mode) may still be writing the upbeat, and its last note's
      // length may still shrink ("f" of "f/"): only an upbeat already too long without that note
      // is refused then.
      const bool after_open = options.prefix && t + 2 == timed.size() &&
                              !(after.end_element > 0 && after.end_element <= els.size() &&
                                els[after.end_element - 1].kind() == ElementKind::kBarLine);
      const bool made_up = !after_open ? bar.duration + next == bar.expected
                           : options.last_length_open ? bar.duration + next - LastTimedDuration(els, after) < bar.expected
                                                      : bar.duration + next <= bar.expected;
      if (double_close && !made_up) {
        Diagnostic d;
        d.kind = DiagnosticKind::kUnderfullBar;
        d.severity = DefaultSeverity(d.kind);
        d.pos = bar.pos;
        d.message = "expected a bar of " + Describe(bar.expected) + " (whole notes) before the " +
                    std::get<BarLine>(els[bar.end_element - 1].value).text + ", or one the upbeat after it makes up, got " +
                    Describe(bar.duration) + " and an upbeat of " + Describe(next);
        tune->diagnostics.push_back(std::move(d));
        continue;
      }
      if (boundary) continue;
      Diagnostic d;
      d.kind = DiagnosticKind::kUnderfullBar;
      d.severity = DefaultSeverity(d.kind);
      d.pos = bar.pos;
      d.message = "expected a bar of " + Describe(bar.expected) + " (whole notes), got " +
                  Describe(bar.duration) + " (" + Describe(bar.expected - bar.duration) + " short)";
      tune->diagnostics.push_back(std::move(d));
    }
  }
}

}  // namespace abcrnn::abc

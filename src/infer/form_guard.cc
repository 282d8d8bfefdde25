// JudgeForm: one pass over the parsed prefix, measuring each part's music (a pickup and the short
// bar that completes it make one bar; second endings replace the first) against its length.
#include "form_guard.h"

#include <algorithm>
#include <cmath>

#include "abcrnn/abc/controls.h"
#include "abcrnn/abc/tune.h"

namespace abcrnn::infer {
namespace {

using abc::IsSectionEnd;

}  // namespace

FormVerdict JudgeForm(const abc::Tune& tune, const std::vector<int>& part_bars, const std::vector<bool>& repeats) {
  FormVerdict v;
  if (tune.voices.empty() || part_bars.empty()) return v;
  const abc::Voice& voice = tune.voices.front();
  const abc::Fraction bar = voice.initial.meter.BarLength();
  if (!bar.is_positive()) return v;
  const size_t parts = part_bars.size();
  const bool check_repeats = repeats.size() == parts;
  size_t k = 0;                   // the part being written (parts: all closed)
  abc::Fraction part(0);          // its music so far, later endings left out
  abc::Fraction first_ending(0);  // music under the current first ending
  abc::Fraction later(0);         // music under the current later ending
  bool in_first = false, in_later = false, first_awaits_later = false;
  abc::Fraction this_bar(0);     // music since the last bar line
  bool mark_waits = false;        // a tuplet or ending mark with no note after it yet
  int bar_lines_in_row = 0;       // bar lines since the last note or rest
  bool after_section_end = true;  // the last bar line was a section end (or none yet)
  auto fail = [&v] {
    v.ok = false;
    return v;
  };
  auto length = [&](size_t part_index) { return abc::Fraction(part_bars[part_index]) * bar; };
  abc::Fraction unit = voice.initial.unit_length;
  for (const auto& e : voice.elements) {
    if (e.kind() == abc::ElementKind::kNote || e.kind() == abc::ElementKind::kRest) {
      const auto* n = e.get_if<abc::Note>();
      const abc::Fraction d = n ? n->duration : e.get_if<abc::Rest>()->duration;
      this_bar += d;
      mark_waits = false;
      bar_lines_in_row = 0;
      if (in_later) {
        later += d;
        if (later > first_ending) return fail();  // a later ending longer than the first
      } else {
        if (k >= parts) return fail();  // music after the last part
        part += d;
        if (in_first) first_ending += d;
        if (part > length(k)) return fail();  // past the part's length
      }
    } else if (const auto* t = e.get_if<abc::Tuplet>()) {
      if (mark_waits) return fail();  // "(3(3": marks without notes, a model stalling
      mark_waits = true;
      // Its notes, at the unit length, must fit what is left of the bar and of the part: a
      // triplet started in the last quaver of a bar is a dead end a few notes later.
      const abc::Fraction need = abc::Fraction(t->q * t->r, t->p) * unit;
      abc::Fraction left = bar - this_bar;
      if (in_later) {
        left = std::min(left, first_ending - later);
      } else if (k < parts) {
        left = std::min(left, length(k) - part);
      }
      if (need > left) return fail();
    } else if (const auto* fc = e.get_if<abc::FieldChange>()) {
      if (fc->field.letter == 'L') unit = fc->state->unit_length;
    } else if (const auto* ending = e.get_if<abc::Ending>()) {
      if (mark_waits) return fail();  // "[1[1"
      mark_waits = true;
      const bool first = std::any_of(ending->numbers.begin(), ending->numbers.end(), [](int n) { return n == 1; });
      if (first) {
        if (k >= parts) return fail();
        if (check_repeats && !repeats[k]) return fail();  // endings in a part played once
        in_first = true;
        in_later = false;
        first_ending = abc::Fraction(0);
        first_awaits_later = true;
      } else {
        if (!first_awaits_later) return fail();  // a later ending needs a first ending before it
        in_first = false;
        in_later = true;
        later = abc::Fraction(0);
        first_awaits_later = false;
      }
    } else if (const auto* b = e.get_if<abc::BarLine>()) {
      // A short bar closed by a single bar line is a pickup (after a section end) or a dead end:
      // only the tune's end or a repeat may follow it, and the form is not complete.
      const bool short_single = !IsSectionEnd(*b) && this_bar.is_positive() && this_bar < bar;
      if (short_single && !after_section_end) return fail();
      if (mark_waits) return fail();  // "(3|", "[1|": a mark with no note, a model stalling
      // Two bar lines in a row only as ":| |:" or "|| |:" (a repeat starting the next part).
      if (++bar_lines_in_row > 2 || (bar_lines_in_row == 2 && !b->repeat_start)) return fail();
      if (this_bar.is_positive() || IsSectionEnd(*b)) after_section_end = IsSectionEnd(*b);
      this_bar = abc::Fraction(0);
      if (in_later) {
        if (IsSectionEnd(*b)) {
          if (later != first_ending) return fail();  // as long as the first ending
          in_later = false;
        } else if (later >= first_ending) {
          return fail();
        }
        continue;
      }
      if (IsSectionEnd(*b)) {
        in_first = false;
        if ((part / bar).ToDouble() >= 0.5) {  // a pickup (or nothing) closes no part
          if (k >= parts || part != length(k)) return fail();
          if (check_repeats && b->repeat_end != repeats[k]) return fail();  // :| ends exactly the parts played twice
          ++k;
          part = abc::Fraction(0);
        }
        // |: (or ::) opens a part played twice.
        if (check_repeats && b->repeat_start && (k >= parts || !repeats[k])) return fail();
      } else if (k < parts && part >= length(k)) {
        return fail();  // the part is full: only a section end may follow
      }
    }
  }
  v.complete = k == parts && !in_first && !first_awaits_later;
  v.part_full = !in_later && k < parts && part == length(k);
  return v;
}

}  // namespace abcrnn::infer

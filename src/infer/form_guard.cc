// JudgeForm: one pass over the parsed prefix, counting bars per part as musicians do (pickups and
// the short bar that completes them make one bar; second endings replace the first).
#include "form_guard.h"

#include <algorithm>
#include <cmath>

#include "abcrnn/abc/tune.h"

namespace abcrnn::infer {
namespace {

bool IsSectionEnd(const abc::BarLine& b) {
  return b.repeat_end || b.repeat_start || b.kind == abc::BarKind::kDouble || b.kind == abc::BarKind::kFinal ||
         b.kind == abc::BarKind::kStart;
}

long Bars(const abc::Fraction& d, const abc::Fraction& bar) { return std::lround((d / bar).ToDouble()); }

}  // namespace

FormVerdict JudgeForm(const abc::Tune& tune, const std::vector<int>& part_bars) {
  FormVerdict v;
  if (tune.voices.empty() || part_bars.empty()) return v;
  const abc::Voice& voice = tune.voices.front();
  const abc::Fraction bar = voice.initial.meter.BarLength();
  if (!bar.is_positive()) return v;
  const size_t parts = part_bars.size();
  size_t k = 0;                   // the part being written (parts: all closed)
  abc::Fraction part(0);          // its music so far, later endings left out
  abc::Fraction first_ending(0);  // music under the current first ending
  abc::Fraction later(0);         // music under the current later ending
  bool in_first = false, in_later = false, first_awaits_later = false;
  auto fail = [&v] {
    v.ok = false;
    return v;
  };
  for (const auto& e : voice.elements) {
    if (e.kind() == abc::ElementKind::kNote || e.kind() == abc::ElementKind::kRest) {
      const auto* n = e.get_if<abc::Note>();
      const abc::Fraction d = n ? n->duration : e.get_if<abc::Rest>()->duration;
      if (in_later) {
        later += d;
      } else {
        if (k >= parts) return fail();  // music after the last part
        part += d;
        if (in_first) first_ending += d;
      }
    } else if (const auto* ending = e.get_if<abc::Ending>()) {
      const bool first = std::any_of(ending->numbers.begin(), ending->numbers.end(), [](int n) { return n == 1; });
      if (first) {
        if (k >= parts) return fail();
        in_first = true;
        in_later = false;
        first_ending = abc::Fraction(0);
        first_awaits_later = true;
      } else {
        in_first = false;
        in_later = true;
        later = abc::Fraction(0);
        first_awaits_later = false;
      }
    } else if (const auto* b = e.get_if<abc::BarLine>()) {
      if (in_later) {
        const long most = std::max(1L, Bars(first_ending, bar));
        if (IsSectionEnd(*b)) {
          in_later = false;
        } else if (Bars(later, bar) >= most) {
          return fail();  // a later ending longer than the first
        }
        continue;
      }
      if (IsSectionEnd(*b)) {
        in_first = false;
        if ((part / bar).ToDouble() < 0.5) continue;  // a pickup (or nothing) closes no part
        if (k >= parts || Bars(part, bar) != part_bars[k]) return fail();
        ++k;
        part = abc::Fraction(0);
      } else if (k < parts && Bars(part, bar) >= part_bars[k]) {
        return fail();  // the part is full: only a section end may follow
      }
    }
  }
  v.complete = k == parts && !in_first && !first_awaits_later;
  return v;
}

}  // namespace abcrnn::infer

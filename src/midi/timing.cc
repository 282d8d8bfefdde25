// Durations as abc2midi plays them: ties merged in written order (its tiefix), broken rhythm
// between unequal or singly staccato notes ignored, hornpipe swing (its hornp). See timing.h.
#include "timing.h"

#include <cstdint>

namespace abcrnn::midi {

using abc::Fraction;

Ties MergeTies(const abc::Voice& voice) {
  Ties ties;
  const auto& els = voice.elements;
  for (size_t i = 0; i < els.size(); ++i) {
    const auto* n = els[i].get_if<abc::Note>();
    if (!n) continue;
    for (size_t k = 0; k < n->pitches.size(); ++k) {
      if (ties.silent.count({i, k})) continue;
      size_t at = i, pk = k;
      Fraction extra;
      for (int guard = 0; guard < 1000; ++guard) {
        const auto& cur = *els[at].get_if<abc::Note>();
        if (!cur.pitches[pk].tie) break;
        Fraction end = cur.onset + cur.duration;
        bool found = false;
        for (size_t j = at + 1; j < els.size() && !found; ++j) {
          const auto* next = els[j].get_if<abc::Note>();
          if (!next) continue;
          if (next->onset > end || !next->onset.valid()) break;
          if (next->onset != end) continue;
          for (size_t q = 0; q < next->pitches.size(); ++q) {
            if (next->pitches[q].midi == cur.pitches[pk].midi && !ties.silent.count({j, q})) {
              ties.silent.insert({j, q});
              extra += next->duration;
              at = j;
              pk = q;
              found = true;
              break;
            }
          }
        }
        if (!found) break;
      }
      if (!extra.is_zero()) ties.extra[{i, k}] = extra;
    }
  }
  return ties;
}

bool IsMultiple(const Fraction& a, const Fraction& b) {
  Fraction q = a / b;
  return q.valid() && q.den() == 1;
}

std::map<size_t, Fraction> DurationOverrides(const abc::Voice& voice, bool hornpipe, bool fermata,
                                             bool staccato) {
  std::map<size_t, Fraction> changed;
  const auto& els = voice.elements;
  // Notes and rests under a fermata: abc2midi doubles their written length before it looks at
  // broken rhythm; a staccato note (played half length) pairs in a broken rhythm only with another.
  std::set<size_t> doubled, shortened;
  bool pending_fermata = false, pending_staccato = false;
  for (size_t i = 0; i < els.size(); ++i) {
    if (const auto* d = els[i].get_if<abc::Decoration>()) {
      if (d->name == "fermata") pending_fermata = fermata;
      if (d->name == "staccato") pending_staccato = staccato;
    }
    if (els[i].get_if<abc::Note>() || els[i].get_if<abc::Rest>()) {
      if (pending_fermata) doubled.insert(i);
      if (pending_staccato && els[i].get_if<abc::Note>()) shortened.insert(i);
      pending_fermata = pending_staccato = false;
    }
  }
  abc::MusicState state = voice.initial;
  Fraction bar_pos;
  // Swung pairs: in a meter of 8 units a bar (4/4 or C with L:1/8, 2/4 with L:1/16), two notes of
  // one unit starting on an even unit of the bar.
  auto swings = [&] {
    const abc::Meter& m = state.meter;
    return hornpipe && m.kind != abc::Meter::Kind::kCut && m.has_bars() &&
           m.BarLength() == state.unit_length * 8;
  };
  auto plain_unit = [&](const abc::Note* n) {
    return n && !n->chord && n->pitches.size() == 1 && !n->pitches[0].tie && n->written_length == Fraction(1) &&
           n->duration == state.unit_length;
  };
  auto duration = [&](size_t i) {
    if (const auto* n = els[i].get_if<abc::Note>()) return n->duration;
    return els[i].get_if<abc::Rest>()->duration;
  };
  auto written = [&](size_t i) {
    Fraction w = els[i].get_if<abc::Rest>() ? els[i].get_if<abc::Rest>()->written_length : Fraction(1);
    if (const auto* n = els[i].get_if<abc::Note>())
      w = n->chord && !n->pitches.empty() ? n->written_length * n->pitches[0].written_length : n->written_length;
    return doubled.count(i) ? w * 2 : w;
  };
  // The next note or rest after element i, skipping what takes no time (decorations, graces,
  // slurs, spaces, annotations); SIZE_MAX when a bar line, tuplet or field comes first.
  auto next_music = [&](size_t i) -> size_t {
    for (size_t j = i + 1; j < els.size(); ++j) {
      switch (els[j].kind()) {
        case abc::ElementKind::kNote:
        case abc::ElementKind::kRest:
          return j;
        case abc::ElementKind::kDecoration:
        case abc::ElementKind::kGraceGroup:
        case abc::ElementKind::kSlur:
        case abc::ElementKind::kSpace:
        case abc::ElementKind::kAnnotation:
        case abc::ElementKind::kLineBreak:
        case abc::ElementKind::kComment:
          continue;
        default:
          return SIZE_MAX;
      }
    }
    return SIZE_MAX;
  };
  for (size_t i = 0; i < els.size(); ++i) {
    const abc::Element& e = els[i];
    if (const auto* fc = e.get_if<abc::FieldChange>()) state = StateOf(fc->state);
    if (e.get_if<abc::BarLine>()) bar_pos = Fraction(0);
    const auto* n = e.get_if<abc::Note>();
    if (!n && !e.get_if<abc::Rest>()) continue;
    if (!changed.count(i)) {
      size_t j = i + 1;
      while (j < els.size() && els[j].kind() == abc::ElementKind::kSpace) ++j;
      const auto* br = j < els.size() ? els[j].get_if<abc::BrokenRhythm>() : nullptr;
      size_t k = br ? next_music(j) : SIZE_MAX;
      if (br && k != SIZE_MAX && br->count >= 1 && br->count <= 3) {
        // The parser's factors: longer (2^(c+1)-1)/2^c, shorter 1/2^c.
        Fraction shorter(1, int64_t{1} << br->count), longer = Fraction(2) - shorter;
        Fraction f1 = br->first_longer ? longer : shorter, f2 = br->first_longer ? shorter : longer;
        if (written(i) != written(k) || shortened.count(i) != shortened.count(k)) {
          changed[i] = duration(i) / f1;
          changed[k] = duration(k) / f2;
        } else if (br->count == 1 && hornpipe) {
          Fraction total = duration(i) + duration(k);
          changed[i] = br->first_longer ? total * Fraction(2, 3) : total / 3;
          changed[k] = total - changed[i];
        }
      } else if (n && swings() && plain_unit(n) && IsMultiple(bar_pos, state.unit_length * 2)) {
        size_t k2 = next_music(i);
        const auto* m = k2 != SIZE_MAX ? els[k2].get_if<abc::Note>() : nullptr;
        if (plain_unit(m)) {
          changed[i] = state.unit_length * Fraction(4, 3);
          changed[k2] = state.unit_length * Fraction(2, 3);
        }
      }
    }
    bar_pos += duration(i);
  }
  return changed;
}

}  // namespace abcrnn::midi

// Repeat expansion as abc2midi 4.x does it: first its clean-up pass over the bar lines (missing
// |: inserted, |: after |: made ::, :| followed by a lone :| made ::), then its playback state
// machine (pass number, the saved repeat point, which endings play on which pass).
#include "repeats.h"

#include <algorithm>

namespace abcrnn::midi {
namespace {

// abc2midi's bar features.
enum class Bar { kNone, kSingle, kDouble, kThinThick, kThickThin, kBarRep, kRepBar, kDoubleRep, kPlayOnRep };

struct Item {
  Bar bar = Bar::kNone;
  size_t element = 0;  // index in voice.elements; the first item is a virtual "||" (element 0)
  bool is_virtual = false;
};

Bar BarOf(const abc::BarLine& b) {
  switch (b.kind) {
    case abc::BarKind::kDouble: return Bar::kDouble;
    case abc::BarKind::kFinal: return Bar::kThinThick;
    case abc::BarKind::kStart: return Bar::kThickThin;
    case abc::BarKind::kRepeatStart: return Bar::kBarRep;
    case abc::BarKind::kRepeatEnd: return Bar::kRepBar;
    case abc::BarKind::kRepeatBoth: return Bar::kDoubleRep;
    default: return Bar::kSingle;
  }
}

std::vector<Item> Items(const abc::Voice& voice) {
  std::vector<Item> items;
  items.push_back({Bar::kDouble, 0, true});  // abc2midi puts a || before the music
  for (size_t i = 0; i < voice.elements.size(); ++i) {
    const abc::Element& e = voice.elements[i];
    Bar bar = Bar::kNone;
    if (const auto* b = e.get_if<abc::BarLine>()) bar = BarOf(*b);
    if (e.get_if<abc::Ending>()) bar = Bar::kPlayOnRep;
    items.push_back({bar, i, false});
  }
  return items;
}

// abc2midi's scan_for_missing_repeats and fixreps.
void FixRepeats(std::vector<Item>& items) {
  for (const Item& it : items) {
    if (it.bar == Bar::kBarRep) break;
    if (it.bar == Bar::kRepBar || it.bar == Bar::kDoubleRep) {
      items[0].bar = Bar::kBarRep;  // :| before any |: repeats from the start
      break;
    }
  }
  auto place_start = [&](size_t at) {
    Bar& b = items[at].bar;
    if (b == Bar::kDouble || b == Bar::kSingle) b = Bar::kBarRep;
    else if (b == Bar::kRepBar) b = Bar::kDoubleRep;
  };
  bool expect_repeat = false;
  int nplays = 0;
  size_t rep_point = 0;
  for (size_t j = 0; j < items.size(); ++j) {
    switch (items[j].bar) {
      case Bar::kDouble:
        rep_point = j;
        break;
      case Bar::kBarRep:
        if (expect_repeat) items[j].bar = Bar::kDoubleRep;  // |: after |: is read as ::
        expect_repeat = true;
        break;
      case Bar::kRepBar:
        if (!expect_repeat && nplays < 1) place_start(rep_point);
        expect_repeat = false;
        rep_point = j;
        break;
      case Bar::kPlayOnRep:
        if (nplays == 0 && !expect_repeat) place_start(rep_point);
        ++nplays;
        break;
      case Bar::kDoubleRep:
        if (!expect_repeat) place_start(rep_point);
        expect_repeat = true;
        break;
      default:
        break;
    }
  }
}

bool EndingPlays(const abc::Voice& voice, size_t element, int pass) {
  const auto* e = voice.elements[element].get_if<abc::Ending>();
  return e && std::find(e->numbers.begin(), e->numbers.end(), pass) != e->numbers.end();
}

}  // namespace

std::vector<size_t> PlayOrder(const abc::Voice& voice) {
  std::vector<Item> items = Items(voice);
  FixRepeats(items);
  std::vector<size_t> order;
  int pass = 1, maxpass = 2;
  bool expect_repeat = false;
  size_t saved = 0;  // item index of the repeat start
  // A generous bound against pathological input (each :| can replay the tune a few times).
  const size_t limit = 16 * items.size() + 64;
  for (size_t j = 0; j < items.size() && order.size() < limit; ++j) {
    const Item& it = items[j];
    if (!it.is_virtual) order.push_back(it.element);
    switch (it.bar) {
      case Bar::kBarRep:
        saved = j;
        expect_repeat = true;
        pass = 1;
        maxpass = 2;
        break;
      case Bar::kRepBar:
        if (pass == 1) {
          if (expect_repeat) {
            ++pass;
            j = saved;
            expect_repeat = false;
          }
        } else if (pass < maxpass) {
          expect_repeat = false;
          ++pass;
          j = saved;
        }
        break;
      case Bar::kDoubleRep:
        if (pass > 1) {  // the second time through: acts as |:
          expect_repeat = true;
          saved = j;
          pass = 1;
          maxpass = 2;
        } else if (!expect_repeat) {  // no |: before it: only a repeat start
          expect_repeat = true;
          saved = j;
          pass = 1;
        } else {
          j = saved;
          ++pass;
        }
        break;
      case Bar::kPlayOnRep:
        if (!EndingPlays(voice, it.element, (expect_repeat || pass > 1) ? pass : 1)) {
          // Skip to the bar that ends this section; that bar is skipped too (abc2midi's j+1).
          ++j;
          while (j < items.size() && items[j].bar != Bar::kRepBar && items[j].bar != Bar::kBarRep &&
                 items[j].bar != Bar::kDouble && items[j].bar != Bar::kThinThick &&
                 items[j].bar != Bar::kThickThin && items[j].bar != Bar::kPlayOnRep)
            ++j;
        } else if (maxpass < 4) {
          maxpass = pass + 1;
        }
        break;
      default:
        break;
    }
  }
  return order;
}

}  // namespace abcrnn::midi

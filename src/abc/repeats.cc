// Repeat expansion as abc2midi 4.x does it: first its clean-up pass over the bar lines (missing
// |: inserted, |: after |: made ::, :| followed by a lone :| made ::), then its playback state
// machine (pass number, the saved repeat point, which endings play on which pass).
#include "abcrnn/abc/repeats.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

namespace abcrnn::abc {
namespace {

// abc2midi's bar features.
enum class Bar { kNone, kSingle, kDouble, kThinThick, kThickThin, kBarRep, kRepBar, kDoubleRep, kPlayOnRep };

struct Item {
  Bar bar = Bar::kNone;
  size_t element = 0;  // index in voice.elements; the first item is a virtual "||" (element 0)
  bool is_virtual = false;  // not played: the virtual "||", or a bar line's second feature
};

// Collects each problem once (playback passes an element more than once); no-op without a list.
class Problems {
 public:
  explicit Problems(std::vector<RepeatProblem>* list) : list_(list) {}
  void Add(const Item& at, const char* message) {
    if (list_ == nullptr) return;
    for (const RepeatProblem& p : *list_)
      if (p.element == at.element && p.message == message) return;
    list_->push_back({at.element, message});
  }

 private:
  std::vector<RepeatProblem>* list_;
};

// The bar features abc2midi reads in a bar line's text, left to right: "|:" |: , "||" || ,
// "|]" |] , "[|" [| , "::" :: , ":|" :| (a "]" after it belongs to it), "|" and ":" alone
// (abc2midi's dotted bar) plain. So "||:" is || and a plain bar (no repeat starts there) and
// ":|:" is :| and a plain bar, where the parser and abcm2ps read a repeat start.
std::vector<Bar> BarFeatures(std::string_view text) {
  std::vector<Bar> bars;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c == '|' && next == ':') {
      bars.push_back(Bar::kBarRep);
      i += 2;
    } else if (c == '|' && next == '|') {
      bars.push_back(Bar::kDouble);
      i += 2;
    } else if (c == '|' && next == ']') {
      bars.push_back(Bar::kThinThick);
      i += 2;
    } else if (c == '[' && next == '|') {
      bars.push_back(Bar::kThickThin);
      i += 2;
    } else if (c == ':' && next == ':') {
      bars.push_back(Bar::kDoubleRep);
      i += 2;
    } else if (c == ':' && next == '|') {
      bars.push_back(Bar::kRepBar);
      i += 2;
      if (i < text.size() && text[i] == ']') ++i;
    } else {
      if (c == '|' || c == ':') bars.push_back(Bar::kSingle);
      ++i;
    }
  }
  if (bars.empty()) bars.push_back(Bar::kSingle);
  return bars;
}

std::vector<Item> Items(const Voice& voice, size_t begin, size_t end) {
  std::vector<Item> items;
  items.push_back({Bar::kDouble, begin, true});  // abc2midi puts a || before the music
  for (size_t i = begin; i < end; ++i) {
    const Element& e = voice.elements[i];
    if (const auto* b = e.get_if<BarLine>()) {
      bool first = true;
      for (Bar bar : BarFeatures(b->text)) {
        items.push_back({bar, i, !first});  // the element is played once, at its first feature
        first = false;
      }
      continue;
    }
    items.push_back({e.get_if<Ending>() ? Bar::kPlayOnRep : Bar::kNone, i, false});
  }
  return items;
}

// abc2midi's scan_for_missing_repeats (per part) and, for tunes without parts, fixreps.
void FixRepeats(std::vector<Item>& items, bool in_part, Problems& problems) {
  for (const Item& it : items) {
    if (it.bar == Bar::kBarRep) break;
    if (it.bar == Bar::kRepBar || it.bar == Bar::kDoubleRep) {
      items[0].bar = Bar::kBarRep;  // :| before any |: repeats from the start
      break;
    }
  }
  if (in_part) return;
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
        if (expect_repeat) {  // |: after |: is read as ::
          items[j].bar = Bar::kDoubleRep;
          problems.Add(items[j], "found another |: after a |:");
        }
        expect_repeat = true;
        break;
      case Bar::kRepBar:
        if (!expect_repeat && nplays < 1) place_start(rep_point);
        expect_repeat = false;
        rep_point = j;
        break;
      case Bar::kPlayOnRep:
        if (nplays == 0 && !expect_repeat) {
          place_start(rep_point);
          problems.Add(items[j], "found [1 or like before |:");
        }
        ++nplays;
        break;
      case Bar::kDoubleRep:
        if (!expect_repeat) {
          place_start(rep_point);
          problems.Add(items[j], "found :: before |:");
        }
        expect_repeat = true;
        break;
      default:
        break;
    }
  }
}

bool EndingPlays(const Voice& voice, size_t element, int pass) {
  const auto* e = voice.elements[element].get_if<Ending>();
  return e && std::find(e->numbers.begin(), e->numbers.end(), pass) != e->numbers.end();
}

// Plays elements [begin, end) and appends their indices to `order`.
void PlayRange(const Voice& voice, size_t begin, size_t end, bool in_part, std::vector<size_t>& order,
               Problems& problems) {
  std::vector<Item> items = Items(voice, begin, end);
  FixRepeats(items, in_part, problems);
  int pass = 1, maxpass = 2;
  bool expect_repeat = false;
  bool in_ending = false;  // playing an ending: the next ending needs a || or repeat before it
  size_t saved = 0;  // item index of the repeat start
  // A generous bound against pathological input (each :| can replay the tune a few times).
  const size_t limit = order.size() + 16 * items.size() + 64;
  for (size_t j = 0; j < items.size() && order.size() < limit; ++j) {
    const Item& it = items[j];
    if (!it.is_virtual) order.push_back(it.element);
    switch (it.bar) {
      case Bar::kDouble:
        in_ending = false;
        break;
      case Bar::kBarRep:
        in_ending = false;
        if (pass == 1 && expect_repeat) problems.Add(it, "Expected end repeat not found at |:");
        saved = j;
        expect_repeat = true;
        pass = 1;
        maxpass = 2;
        break;
      case Bar::kRepBar:
        in_ending = false;
        if (pass == 1) {
          if (!expect_repeat) problems.Add(it, "Found unexpected :|");
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
        in_ending = false;
        if (pass > 1) {  // the second time through: acts as |:
          expect_repeat = true;
          saved = j;
          pass = 1;
          maxpass = 2;
        } else if (!expect_repeat) {  // no |: before it: only a repeat start
          problems.Add(it, "Found unexpected ::");
          expect_repeat = true;
          saved = j;
          pass = 1;
        } else {
          j = saved;
          ++pass;
        }
        break;
      case Bar::kPlayOnRep:
        if (in_ending) problems.Add(it, "Need || |: :| or :: to mark end of variant ending");
        if (!expect_repeat && pass == 1) problems.Add(it, "multiple endings do not follow |: or ::");
        if (!EndingPlays(voice, it.element, (expect_repeat || pass > 1) ? pass : 1)) {
          // Skip to the bar that ends this section; that bar is skipped too (abc2midi's j+1).
          ++j;
          while (j < items.size() && items[j].bar != Bar::kRepBar && items[j].bar != Bar::kBarRep &&
                 items[j].bar != Bar::kDouble && items[j].bar != Bar::kThinThick &&
                 items[j].bar != Bar::kThickThin && items[j].bar != Bar::kPlayOnRep)
            ++j;
          if (j >= items.size()) problems.Add(it, "Cannot find :| || [| or |] to close variant ending");
        } else {
          in_ending = true;
          if (maxpass < 4) maxpass = pass + 1;
        }
        break;
      default:
        break;
    }
  }
  if (expect_repeat && pass == 1 && items.size() > 1) problems.Add(items[saved], "Missing :| at end of tune");
}

}  // namespace

bool SameBarForAbc2midi(std::string_view a, std::string_view b) { return BarFeatures(a) == BarFeatures(b); }

std::string ExpandParts(const std::string& written) {
  std::string sequence = written.substr(0, written.find('%'));  // a comment may follow
  // Recursive descent over letters, (groups) and repeat counts; anything else is ignored.
  size_t i = 0;
  std::function<std::string(int)> group = [&](int depth) -> std::string {
    std::string out;
    while (i < sequence.size()) {
      char c = sequence[i];
      std::string unit;
      if (c == '(') {
        ++i;
        unit = depth < 8 ? group(depth + 1) : std::string();
      } else if (c == ')') {
        ++i;
        return out;
      } else if (c >= 'A' && c <= 'Z') {
        unit = std::string(1, c);
        ++i;
      } else {
        ++i;
        continue;
      }
      int count = 0;
      while (i < sequence.size() && std::isdigit(static_cast<unsigned char>(sequence[i])) && count < 100)
        count = count * 10 + (sequence[i++] - '0');
      for (int k = 0; k < std::max(1, count) && out.size() < 4096; ++k) out += unit;
    }
    return out;
  };
  return group(0);
}

std::vector<size_t> PlayOrder(const Voice& voice, const std::string& parts, bool several_voices) {
  PlayOptions options;
  options.parts = parts;
  options.several_voices = several_voices;
  return PlayOrder(voice, options, nullptr);
}

std::vector<size_t> PlayOrder(const Voice& voice, const PlayOptions& options,
                              std::vector<RepeatProblem>* problem_list) {
  Problems problems(problem_list);
  const std::string& parts = options.parts;
  const bool several_voices = options.several_voices;
  std::vector<size_t> order;
  // Where each part starts (its P: field) and ends (the next P: field).
  std::map<char, std::pair<size_t, size_t>> spans;
  size_t first_part = voice.elements.size();
  char open = 0;
  for (size_t i = 0; i < voice.elements.size(); ++i) {
    const auto* fc = voice.elements[i].get_if<FieldChange>();
    if (!fc || fc->field.letter != 'P') continue;
    if (open) spans[open].second = i;
    open = fc->field.value.empty() ? 0 : fc->field.value[0];
    first_part = std::min(first_part, i);
    if (open && !spans.count(open)) spans[open] = {i, voice.elements.size()};
    else open = 0;  // a part written twice: abc2midi plays the first
  }
  std::string sequence = ExpandParts(parts);
  if (sequence.empty() || spans.empty()) {
    PlayRange(voice, 0, voice.elements.size(), several_voices, order, problems);
    return order;
  }
  if (first_part > 0) PlayRange(voice, 0, first_part, true, order, problems);
  for (char part : sequence) {
    auto it = spans.find(part);
    if (it != spans.end()) PlayRange(voice, it->second.first, it->second.second, true, order, problems);
  }
  return order;
}

}  // namespace abcrnn::abc

// Overfull bars found by abcrnn's bar check against abc2midi's check-only mode (`abc2midi FILE
// -c`) on every corpus file. Bars are matched by the line of their closing bar line; every
// disagreement is given a cause, the report is printed, and the unexplained rest is bounded.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "abcrnn/abc/check.h"
#include "abcrnn/abc/parser.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn::abc {
namespace {

using ::abcrnn::testing::CorpusDir;
using ::abcrnn::testing::HaveTool;
using ::abcrnn::testing::RunCommand;

// abc2midi's overfull bars of one file: the file lines of their closing bar lines (a multiset).
std::multiset<int> Abc2midiOverfull(const std::string& path) {
  std::multiset<int> lines;
  std::set<std::pair<int, int>> seen;  // (line, column): a bar reported again in a repeat
  auto r = RunCommand("abc2midi '" + path + "' -c", /*merge_stderr=*/true);
  static const std::regex kRe(
      R"(line-char (\d+)-(\d+) : Track \d+ Bar \d+ has (\d+)(?:/(\d+))? time units while the time signature has (\d+)(?:/(\d+))?( in repeat)?)");
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), kRe);
       it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    // abc2midi reports a bar once per pass through a repeat ("... in repeat"), sometimes only
    // on the second pass: count each bar once.
    if (!seen.insert({std::stoi(m[1]), std::stoi(m[2])}).second) continue;
    Fraction have(std::stoll(m[3]), m[4].matched ? std::stoll(m[4]) : 1);
    Fraction want(std::stoll(m[5]), m[6].matched ? std::stoll(m[6]) : 1);
    if (have > want) lines.insert(std::stoi(m[1]));
  }
  return lines;
}

struct OurBar {
  int line = 0;         // closing bar line's line
  bool closed = false;  // ends with a bar line
  bool fermata = false;
  bool overfull = false;
  bool multi_voice = false;
  bool first = false;          // the voice's first bar with notes
  bool after_short = false;    // the voice's previous bar with notes is shorter than the meter
  bool syntax_errors = false;  // the tune has syntax errors (the parsers recover differently)
  bool invalid_meter = false;  // the tune has an invalid M: (we skip checks; abc2midi assumes 4/4)
};

std::vector<OurBar> OurBars(const AbcFile& file) {
  std::vector<OurBar> out;
  for (const Tune& tune : file.tunes) {
    bool invalid_meter = false, syntax_errors = false;
    for (const Diagnostic& d : tune.diagnostics) {
      if (d.kind == DiagnosticKind::kInvalidMeter) invalid_meter = true;
      if (IsSyntaxKind(d.kind)) syntax_errors = true;
    }
    for (const Voice& voice : tune.voices) {
      bool seen_notes = false, prev_short = false;
      for (const BarSpan& bar : SplitBars(voice)) {
        OurBar b;
        b.invalid_meter = invalid_meter;
        b.syntax_errors = syntax_errors;
        b.first = !seen_notes && bar.duration.is_positive();
        seen_notes = seen_notes || bar.duration.is_positive();
        b.after_short = prev_short;
        if (bar.duration.is_positive())
          prev_short = bar.expected.is_positive() && bar.duration < bar.expected;
        b.line = bar.bar_pos.line;
        b.closed = bar.end_element > 0 &&
                   voice.elements[bar.end_element - 1].kind() == ElementKind::kBarLine;
        b.multi_voice = tune.voices.size() > 1;
        for (size_t k = bar.first_element; k < bar.end_element; ++k) {
          const Decoration* d = voice.elements[k].get_if<Decoration>();
          if (d && d->name == "fermata") b.fermata = true;
        }
        b.overfull = bar.expected.is_positive() && bar.duration > bar.expected;
        out.push_back(b);
      }
    }
  }
  return out;
}

TEST(AbcOverfullPeer, OverfullBarsAgreeWithAbc2midiCheckModeOnTheCorpus) {
  ABCRNN_REQUIRE_CORPUS();
  if (!HaveTool("abc2midi")) GTEST_SKIP() << "abc2midi not installed";
  auto files = ExpandPaths({CorpusDir()}, {".abc"});
  ASSERT_TRUE(files.ok());
  int agree = 0, ours_total = 0, theirs_total = 0;
  std::map<std::string, int> causes;
  std::vector<std::string> examples;
  for (const std::string& path : *files) {
    auto parsed = ReadAbcFile(path);
    ASSERT_TRUE(parsed.ok()) << path;
    std::multiset<int> theirs = Abc2midiOverfull(path);
    theirs_total += static_cast<int>(theirs.size());
    std::vector<OurBar> bars = OurBars(*parsed);
    std::map<int, std::vector<const OurBar*>> by_line;
    for (const OurBar& b : bars) by_line[b.line].push_back(&b);
    // First bars last: abc2midi never reports a first bar, so a line's report belongs to a later
    // bar on that line when there is one.
    std::vector<const OurBar*> order;
    for (const OurBar& b : bars)
      if (b.overfull && !b.first) order.push_back(&b);
    for (const OurBar& b : bars)
      if (b.overfull && b.first) order.push_back(&b);
    for (const OurBar* bp : order) {
      const OurBar& b = *bp;
      ++ours_total;
      auto it = theirs.find(b.line);
      if (it != theirs.end()) {
        ++agree;
        theirs.erase(it);
      } else if (!b.closed) {
        ++causes["ours only: last bar has no closing bar line (abc2midi checks a bar at its bar line)"];
      } else if (b.first) {
        ++causes["ours only: first bar (abc2midi never checks it: it may be a pickup)"];
      } else if (b.multi_voice) {
        ++causes["ours only: tune with several voices"];
      } else if (b.syntax_errors) {
        ++causes["ours only: tune with syntax errors (the parsers recover differently)"];
      } else {
        ++causes["ours only: other"];
        if (examples.size() < 10) examples.push_back(path + ":" + std::to_string(b.line) + " ours only");
      }
    }
    for (int line : theirs) {
      bool fermata = false, multi = false, bad_meter = false, syntax = false, carried = false;
      bool first = false;
      for (const OurBar* b : by_line[line]) {
        fermata = fermata || b->fermata;
        multi = multi || b->multi_voice;
        bad_meter = bad_meter || b->invalid_meter;
        syntax = syntax || b->syntax_errors;
        carried = carried || b->after_short;
        first = first || b->first;
      }
      if (bad_meter) {
        ++causes["abc2midi only: invalid M: (we report it and check no bars; abc2midi assumes 4/4)"];
      } else if (fermata) {
        ++causes["abc2midi only: fermata (abc2midi lengthens the note, we keep its written length)"];
      } else if (first) {
        ++causes["abc2midi only: first bar, replayed in a repeat after the short bar before :|"];
      } else if (carried) {
        ++causes["abc2midi only: the bar before is short (before ||, :| or an ending) and abc2midi "
                 "adds it to this bar"];
      } else if (multi) {
        ++causes["abc2midi only: tune with several voices"];
      } else if (syntax) {
        ++causes["abc2midi only: tune with syntax errors (the parsers recover differently)"];
      } else {
        ++causes["abc2midi only: other"];
        if (examples.size() < 10)
          examples.push_back(path + ":" + std::to_string(line) + " abc2midi only");
      }
    }
  }
  std::printf("overfull bars: ours %d, abc2midi %d, agreeing %d\n", ours_total, theirs_total,
              agree);
  for (const auto& [cause, n] : causes) std::printf("  %5d  %s\n", n, cause.c_str());
  for (const std::string& e : examples) std::printf("  example: %s\n", e.c_str());
  ASSERT_GT(theirs_total, 0);
  EXPECT_GE(agree, ours_total * 97 / 100);
  EXPECT_GE(agree, theirs_total * 97 / 100);
  EXPECT_LE(causes["ours only: other"] + causes["abc2midi only: other"], (ours_total + 99) / 100);
}

}  // namespace
}  // namespace abcrnn::abc

// The writer over the whole corpus: every tune that parses without errors (bar-length findings
// allowed) is written (everything kept, and in the training form) and parsed again, and every
// note keeps its MIDI pitches and duration, every rest its duration.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>

#include "abcrnn/abc/parser.h"
#include "abcrnn/abc/transpose.h"
#include "abcrnn/abc/writer.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn::abc {
namespace {

bool Rewritable(const Tune& tune) {
  for (const auto& d : tune.diagnostics)
    if (d.severity == Severity::kError && d.kind != DiagnosticKind::kOverfullBar) return false;
  return !tune.voices.empty();
}

// "pitches:duration" per note and rest of every voice, in order.
std::vector<std::string> Melody(const Tune& tune) {
  std::vector<std::string> out;
  for (const auto& v : tune.voices)
    for (const auto& e : v.elements) {
      if (const auto* n = e.get_if<Note>()) {
        std::string s;
        for (const auto& p : n->pitches) s += std::to_string(p.midi) + ",";
        out.push_back(s + ":" + n->duration.ToString());
      } else if (const auto* r = e.get_if<Rest>()) {
        out.push_back("z:" + r->duration.ToString());
      }
    }
  return out;
}

// Index of the first difference, or -1.
long FirstDifference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return static_cast<long>(i);
  return a.size() == b.size() ? -1 : static_cast<long>(n);
}

TEST(WriterCorpus, WritingAndParsingAgainKeepsEveryNotesPitchAndDuration) {
  ABCRNN_REQUIRE_CORPUS();
  auto files = ExpandPaths({testing::CorpusDir()}, {".abc"});
  ASSERT_TRUE(files.ok());
  auto t0 = std::chrono::steady_clock::now();
  int tunes = 0, compared = 0, failures = 0;
  std::map<std::string, int> mismatched;  // options -> tunes
  for (const auto& path : *files) {
    auto file = ReadAbcFile(path);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    for (const auto& tune : file->tunes) {
      ++tunes;
      if (!Rewritable(tune)) continue;
      ++compared;
      std::vector<std::string> before = Melody(tune);
      for (const auto& [name, options] : {std::make_pair("keep-all", WriteOptions()),
                                          std::make_pair("training", WriteOptions::Training())}) {
        std::string text = WriteTune(tune, options);
        Tune again = ParseTune(text);
        long at = FirstDifference(before, Melody(again));
        bool ok = at < 0 && Rewritable(again);
        if (!ok) {
          ++mismatched[name];
          if (++failures <= 5)
            ADD_FAILURE() << path << " X:" << tune.x << " (" << name << "): "
                          << (at < 0 ? "new errors" : "first difference at note " + std::to_string(at))
                          << "\n" << text;
        }
      }
    }
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "writer round trip: " << tunes << " tunes, " << compared
            << " without errors compared twice (keep-all, training) in " << s << " s; mismatches:";
  for (const auto& [k, v] : mismatched) std::cout << " " << k << "=" << v;
  std::cout << "\n";
  EXPECT_GT(compared, 12000);
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace abcrnn::abc

namespace abcrnn::abc {
namespace {

TEST(TransposeCorpus, TransposedTunesParseBackToEveryNoteShiftedBySemitones) {
  ABCRNN_REQUIRE_CORPUS();
  auto files = ExpandPaths({testing::CorpusDir()}, {".abc"});
  ASSERT_TRUE(files.ok());
  int compared = 0, failures = 0, out_of_range = 0, i = 0;
  for (const auto& path : *files) {
    auto file = ReadAbcFile(path);
    ASSERT_TRUE(file.ok());
    for (const auto& tune : file->tunes) {
      if (!Rewritable(tune)) continue;
      int n = (i++ % 13) - 6;  // -6..6 in turn
      auto moved = TransposeTune(tune, n);
      if (!moved.ok()) {
        ++out_of_range;
        continue;
      }
      ++compared;
      std::vector<std::string> want;
      for (const auto& v : tune.voices)
        for (const auto& e : v.elements) {
          if (const auto* note = e.get_if<Note>()) {
            std::string s;
            for (const auto& p : note->pitches) s += std::to_string(p.midi + n) + ",";
            want.push_back(s + ":" + note->duration.ToString());
          } else if (const auto* r = e.get_if<Rest>()) {
            want.push_back("z:" + r->duration.ToString());
          }
        }
      std::string text = WriteTune(*moved);
      Tune again = ParseTune(text);
      long at = FirstDifference(want, Melody(again));
      if (at >= 0 || !Rewritable(again)) {
        if (++failures <= 5)
          ADD_FAILURE() << path << " X:" << tune.x << " by " << n << ": "
                        << (at < 0 ? "new errors" : "first difference at note " + std::to_string(at)) << "\n"
                        << text;
      }
    }
  }
  std::cout << "transposition round trip: " << compared << " tunes moved by -6..6 semitones, "
            << failures << " with a different melody, " << out_of_range << " out of MIDI range\n";
  EXPECT_GT(compared, 12000);
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace abcrnn::abc

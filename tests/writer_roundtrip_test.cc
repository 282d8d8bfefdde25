// The writer over the whole corpus: every tune that parses without errors (bar-length findings
// allowed) is written (everything kept, and in the training form) and parsed again, and every
// note keeps its MIDI pitches and duration, every rest its duration.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <random>

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

bool HasPartFields(const Tune& tune) {
  for (const Voice& v : tune.voices)
    for (const Element& e : v.elements)
      if (const auto* f = e.get_if<FieldChange>(); f != nullptr && f->field.letter == 'P') return true;
  return false;
}

bool OnlyBadRepeats(const Tune& tune) {
  for (const auto& d : tune.diagnostics)
    if (d.severity == Severity::kError && d.kind != DiagnosticKind::kBadRepeat) return false;
  return true;
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
  int parts_dropped = 0;
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
        if (!ok && at < 0 && !options.fields && HasPartFields(tune) && OnlyBadRepeats(again)) {
          // Without its P: fields abc2midi lays out the repeats of the whole tune anew; the
          // cleaner drops such a tune ("invalid-once-cleaned").
          ++parts_dropped;
          continue;
        }
        if (!ok) {
          ++mismatched[name];
          if (++failures <= 5)
            ADD_FAILURE() << path << " X:" << tune.x << " (" << name << "): "
                          << (at < 0 ? "new errors"
                                     : "first difference at note " + std::to_string(at))
                          << "\n"
                          << text;
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
  std::cout << "training forms whose repeats abc2midi lays out anew without P: fields: " << parts_dropped << "\n";
  EXPECT_LE(parts_dropped, 5);
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
                        << (at < 0 ? "new errors"
                                   : "first difference at note " + std::to_string(at))
                        << "\n"
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

namespace abcrnn::abc {
namespace {

// Damaged text (bytes replaced, deleted, duplicated by a seeded generator) must never crash the
// writer or the transposer, and whatever still parses without errors must round-trip.
TEST(WriterMutations, DamagedTunesThatStillParseRoundTripAndNothingCrashes) {
  ABCRNN_REQUIRE_CORPUS();
  std::vector<std::string> seeds;
  for (const char* f : {"/nottingham/jigs.abc", "/oneills1850/0001-0050.abc", "/aird/book1.abc",
                        "/essen/han1.abc", "/miscfolk/americanfifeopus.abc"}) {
    auto text = ReadFile(testing::CorpusDir() + f);
    ASSERT_TRUE(text.ok());
    // Split into tunes at "X:" lines.
    size_t pos = 0;
    while ((pos = text->find("\nX:", pos)) != std::string::npos) {
      size_t end = text->find("\nX:", pos + 1);
      seeds.push_back(
          text->substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos));
      pos += 1;
    }
  }
  ASSERT_GT(seeds.size(), 500u);
  std::mt19937 rng(20261125);
  const std::string alphabet = "abcdefgABCDEFGz|:[]()^_=,'/<>-{}\"!~.0123456789 \nKMLT";
  int tried = 0, rewritten = 0, failures = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string t = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !t.empty(); ++k) {
      size_t at = rng() % t.size();
      switch (rng() % 3) {
        case 0:
          t[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          t.erase(at, 1 + rng() % 3);
          break;
        default:
          t.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
      }
    }
    ++tried;
    Tune tune = ParseTune(t);
    if (!Rewritable(tune)) continue;
    ++rewritten;
    std::string text = WriteTune(tune);
    if (FirstDifference(Melody(tune), Melody(ParseTune(text))) >= 0 && ++failures <= 3)
      ADD_FAILURE() << "mutated input:\n" << t << "\nwritten:\n" << text;
    int n = static_cast<int>(rng() % 13) - 6;
    auto moved = TransposeTune(tune, n);
    if (!moved.ok()) continue;
    // The transposed tune's own model and its text agree (its pitches are the originals + n).
    std::string moved_text = WriteTune(*moved);
    if (FirstDifference(Melody(*moved), Melody(ParseTune(moved_text))) >= 0 && ++failures <= 3)
      ADD_FAILURE() << "mutated input:\n" << t << "\ntransposed by " << n << ":\n" << moved_text;
  }
  std::cout << "writer mutations: " << tried << " damaged tunes, " << rewritten
            << " still without errors, rewritten and transposed, " << failures
            << " with another melody\n";
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace abcrnn::abc

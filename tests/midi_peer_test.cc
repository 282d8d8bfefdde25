// Peer test: over the whole shared corpus, the notes abcrnn plays (pitch, onset, duration) equal
// abc2midi's, for every tune both accept. abc2midi runs once per file (it writes <stem><X>.mid
// per tune) with -NGUI (no accompaniment track from chord symbols). Its files differ from ours
// in two mechanical ways that are mapped before comparing (doc/midi.md): every note starts one
// tick late and ends on time, and the k-th note of a chord starts 10*k ticks late (chordattack).
// Differences are counted by cause and printed; each cause is written down in doc/midi.md.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <tuple>

#include "abcrnn/abc/parser.h"
#include "abcrnn/midi/performance.h"
#include "abcrnn/midi/smf.h"
#include "abcrnn/midi/tune_midi.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn::midi {
namespace {
namespace fs = std::filesystem;

using Note3 = std::tuple<int64_t, int, int64_t>;  // onset tick, key, duration ticks

// What abc2midi writes for our performance, in its ticks (see the file comment).
std::vector<Note3> AsAbc2midiPlays(const Performance& p) {
  std::vector<Note3> notes;
  for (const auto& n : p.notes) {
    int64_t delay = 1 + 10 * n.chord_index;
    int64_t on = ToTicks(n.onset) + delay;
    int64_t dur = ToTicks(n.duration) - delay;
    if (dur <= 0) continue;
    notes.emplace_back(on, n.key, dur);
  }
  std::sort(notes.begin(), notes.end());
  return notes;
}

std::vector<Note3> NotesOfFile(const std::string& path, bool* ok) {
  std::vector<Note3> notes;
  auto bytes = ReadFile(path);
  *ok = bytes.ok();
  if (!*ok) return notes;
  auto smf = DecodeSmf(*bytes);
  *ok = smf.ok();
  if (!*ok) return notes;
  for (const auto& n : CollectNotes(*smf)) notes.emplace_back(n.onset, n.key, n.duration);
  std::sort(notes.begin(), notes.end());
  return notes;
}

bool HasDecoration(const abc::Tune& t, const char* name) {
  for (const auto& v : t.voices)
    for (const auto& e : v.elements)
      if (const auto* d = e.get_if<abc::Decoration>(); d && d->name == name) return true;
  return false;
}
bool Has(const abc::Tune& t, abc::ElementKind kind) {
  for (const auto& v : t.voices)
    for (const auto& e : v.elements)
      if (e.kind() == kind) return true;
  return false;
}
bool HasChord(const abc::Tune& t) {
  for (const auto& v : t.voices)
    for (const auto& e : v.elements)
      if (const auto* n = e.get_if<abc::Note>(); n && n->chord) return true;
  return false;
}
bool HasTie(const abc::Tune& t) {
  for (const auto& v : t.voices)
    for (const auto& e : v.elements)
      if (const auto* n = e.get_if<abc::Note>())
        for (const auto& p : n->pitches)
          if (p.tie) return true;
  return false;
}

// The most specific feature of a tune that differs: a label for the report.
std::string Cause(const abc::Tune& t, const std::vector<Note3>& ours, const std::vector<Note3>& theirs,
                  const PerformOptions& options) {
  if (t.voices.size() > 1) return "several voices";
  if (Has(t, abc::ElementKind::kOverlay)) return "voice overlay (&)";
  if (!t.valid()) return "tune with errors";
  bool same_keys = ours.size() == theirs.size();
  for (size_t i = 0; same_keys && i < ours.size(); ++i) same_keys = std::get<1>(ours[i]) == std::get<1>(theirs[i]);
  if (options.grace_notes && Has(t, abc::ElementKind::kGraceGroup)) return "grace notes";
  if (HasDecoration(t, "roll") || HasDecoration(t, "trill")) return "rolls or trills";
  if (HasChord(t)) return "chords";
  if (HasTie(t)) return "ties";
  if (Has(t, abc::ElementKind::kEnding)) return "endings";
  if (Has(t, abc::ElementKind::kTuplet)) return "tuplets";
  if (Has(t, abc::ElementKind::kFieldChange)) return "fields in the body";
  return same_keys ? "timing, other" : "pitches, other";
}

std::string Show(const std::vector<Note3>& v, size_t from) {
  std::string s;
  for (size_t i = from; i < v.size() && i < from + 4; ++i)
    s += std::to_string(std::get<1>(v[i])) + "@" + std::to_string(std::get<0>(v[i])) + "/" +
         std::to_string(std::get<2>(v[i])) + " ";
  return s;
}

struct PeerReport {
  int compared = 0, identical = 0, ours_refused = 0, theirs_refused = 0;
  std::map<std::string, int> causes;
  std::map<std::string, std::string> examples;
  std::string all_differences;  // one line per differing tune

  double Share() const { return compared ? 100.0 * identical / compared : 0.0; }
  void Print(const char* title) const {
    std::printf("abc2midi peer test (%s): %d tunes compared, %d identical (%.2f%%); abc2midi wrote no notes "
                "for %d, abcrnn refused %d\n",
                title, compared, identical, Share(), theirs_refused, ours_refused);
    for (const auto& [cause, n] : causes)
      std::printf("  %-20s %5d  e.g. %s\n", cause.c_str(), n, examples.at(cause).c_str());
  }
};

// The corpus copied once into a temporary folder (abc2midi writes its files beside its input,
// and never may into the corpus), shared by the tests below.
class MidiPeerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (abcrnn::testing::CorpusDir().empty() || !abcrnn::testing::HaveTool("abc2midi")) return;
    tmp_ = new fs::path(fs::temp_directory_path() / ("abcrnn_midi_peer_" + std::to_string(::getpid())));
    files_ = new std::vector<std::pair<std::string, std::string>>();
    for (const auto& entry : fs::recursive_directory_iterator(abcrnn::testing::CorpusDir())) {
      if (entry.path().extension() != ".abc") continue;
      std::string stem = entry.path().parent_path().filename().string() + "_" + entry.path().stem().string();
      for (char& c : stem)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
      files_->emplace_back(entry.path().string(), stem);
    }
    std::sort(files_->begin(), files_->end());
  }
  static void TearDownTestSuite() {
    if (tmp_) fs::remove_all(*tmp_);
    delete tmp_;
    delete files_;
    tmp_ = nullptr;
    files_ = nullptr;
  }
  void SetUp() override {
    ABCRNN_REQUIRE_CORPUS();
    if (!abcrnn::testing::HaveTool("abc2midi")) GTEST_SKIP() << "abc2midi absent (apt-get install abcmidi): peer test skipped";
  }

  // Runs abc2midi with `flags` over a fresh copy of the corpus and compares every tune.
  static PeerReport Compare(const std::string& flags, const PerformOptions& options) {
    PeerReport r;
    fs::remove_all(*tmp_);
    fs::create_directories(*tmp_);
    for (const auto& [path, stem] : *files_) fs::copy_file(path, *tmp_ / (stem + ".abc"));
    abcrnn::testing::RunCommand("cd '" + tmp_->string() + "' && ls *.abc | xargs -P2 -I{} sh -c 'abc2midi {} " +
                                flags + " >/dev/null 2>&1'");
    for (const auto& [path, stem] : *files_) {
      auto parsed = abc::ReadAbcFile(path);
      if (!parsed.ok()) {
        ADD_FAILURE() << parsed.status().ToString();
        continue;
      }
      std::map<int, const abc::Tune*> last;  // abc2midi's file for a repeated X is the last tune's
      for (const auto& t : parsed->tunes) last[t.x] = &t;
      for (const auto& [x, tune] : last) {
        bool readable = false;
        std::vector<Note3> theirs = NotesOfFile((*tmp_ / (stem + std::to_string(x) + ".mid")).string(), &readable);
        auto performance = Perform(*tune, options);
        if (!readable || theirs.empty()) {
          ++r.theirs_refused;
          continue;
        }
        if (!performance.ok()) {
          ++r.ours_refused;
          continue;
        }
        ++r.compared;
        std::vector<Note3> ours = AsAbc2midiPlays(*performance);
        if (ours == theirs) {
          ++r.identical;
          continue;
        }
        std::string cause = Cause(*tune, ours, theirs, options);
        ++r.causes[cause];
        size_t i = 0;
        while (i < ours.size() && i < theirs.size() && ours[i] == theirs[i]) ++i;
        std::string example = path + " X:" + std::to_string(x) + " note " + std::to_string(i) + ": ours " +
                              Show(ours, i) + "| abc2midi " + Show(theirs, i);
        if (!r.examples.count(cause)) r.examples[cause] = example;
        r.all_differences += cause + "\t" + example + "\n";
      }
    }
    // Every differing tune, when asked: ABCRNN_PEER_REPORT=path (the last comparison's).
    if (const char* report = std::getenv("ABCRNN_PEER_REPORT"); report && *report) {
      EXPECT_TRUE(WriteFileAtomically(report, r.all_differences).ok());
    }
    return r;
  }

  static fs::path* tmp_;
  static std::vector<std::pair<std::string, std::string>>* files_;  // corpus path, copy's stem
};
fs::path* MidiPeerTest::tmp_ = nullptr;
std::vector<std::pair<std::string, std::string>>* MidiPeerTest::files_ = nullptr;

// The comparison the issue asks for: grace notes switched off on both sides (-NGRA), because
// abc2midi's grace timing has corner cases we do not copy (doc/midi.md).
TEST_F(MidiPeerTest, NotesEqualAbc2midisForAtLeast99PercentOfTheCorpus) {
  PerformOptions options;
  options.grace_notes = false;
  PeerReport r = Compare("-silent -NGUI -NGRA", options);
  r.Print("-NGUI -NGRA, abcrnn without grace notes");
  EXPECT_GT(r.compared, 12000);
  EXPECT_GE(r.Share(), 99.0);
}

// Everything on, grace notes included: how close the default performance is.
TEST_F(MidiPeerTest, WithGraceNotesToo99PercentOfTheCorpusIsIdentical) {
  PeerReport r = Compare("-silent -NGUI", PerformOptions());
  r.Print("-NGUI, abcrnn defaults");
  EXPECT_GT(r.compared, 12000);
  EXPECT_GE(r.Share(), 99.0);
}

}  // namespace
}  // namespace abcrnn::midi

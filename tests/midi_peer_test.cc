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
std::string Cause(const abc::Tune& t, const std::vector<Note3>& ours, const std::vector<Note3>& theirs) {
  if (t.voices.size() > 1) return "several voices";
  if (Has(t, abc::ElementKind::kOverlay)) return "voice overlay (&)";
  if (!t.valid()) return "tune with errors";
  bool same_keys = ours.size() == theirs.size();
  for (size_t i = 0; same_keys && i < ours.size(); ++i) same_keys = std::get<1>(ours[i]) == std::get<1>(theirs[i]);
  if (Has(t, abc::ElementKind::kGraceGroup)) return "grace notes";
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

TEST(MidiPeerTest, NotesEqualAbc2midisForAtLeast99PercentOfTheCorpus) {
  ABCRNN_REQUIRE_CORPUS();
  if (!abcrnn::testing::HaveTool("abc2midi")) GTEST_SKIP() << "abc2midi absent (apt-get install abcmidi): peer test skipped";
  fs::path tmp = fs::temp_directory_path() / ("abcrnn_midi_peer_" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  // Copies, so that abc2midi writes its files beside them and never into the corpus.
  std::vector<std::pair<std::string, std::string>> files;  // corpus path, copy stem
  for (const auto& entry : fs::recursive_directory_iterator(abcrnn::testing::CorpusDir())) {
    if (entry.path().extension() != ".abc") continue;
    std::string stem = entry.path().parent_path().filename().string() + "_" + entry.path().stem().string();
    for (char& c : stem)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
    fs::copy_file(entry.path(), tmp / (stem + ".abc"), fs::copy_options::overwrite_existing);
    files.emplace_back(entry.path().string(), stem);
  }
  std::sort(files.begin(), files.end());
  abcrnn::testing::RunCommand("cd '" + tmp.string() +
                              "' && ls *.abc | xargs -P2 -I{} sh -c 'abc2midi {} -silent -NGUI >/dev/null 2>&1'");

  int compared = 0, identical = 0, ours_refused = 0, theirs_refused = 0;
  std::string all_differences;  // one line per differing tune, for ABCRNN_PEER_REPORT
  std::map<std::string, int> causes;
  std::map<std::string, std::string> examples;
  for (const auto& [path, stem] : files) {
    auto parsed = abc::ReadAbcFile(path);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    std::map<int, const abc::Tune*> last;  // abc2midi's file for a repeated X is the last tune's
    for (const auto& t : parsed->tunes) last[t.x] = &t;
    for (const auto& [x, tune] : last) {
      bool readable = false;
      std::vector<Note3> theirs = NotesOfFile((tmp / (stem + std::to_string(x) + ".mid")).string(), &readable);
      auto performance = Perform(*tune);
      if (!readable || theirs.empty()) {
        ++theirs_refused;
        continue;
      }
      if (!performance.ok()) {
        ++ours_refused;
        continue;
      }
      ++compared;
      std::vector<Note3> ours = AsAbc2midiPlays(*performance);
      if (ours == theirs) {
        ++identical;
        continue;
      }
      std::string cause = Cause(*tune, ours, theirs);
      ++causes[cause];
      size_t i = 0;
      while (i < ours.size() && i < theirs.size() && ours[i] == theirs[i]) ++i;
      std::string example = path + " X:" + std::to_string(x) + " note " + std::to_string(i) + ": ours " +
                            Show(ours, i) + "| abc2midi " + Show(theirs, i);
      if (!examples.count(cause)) examples[cause] = example;
      all_differences += cause + "\t" + example + "\n";
    }
  }
  fs::remove_all(tmp);
  // Every differing tune, when asked: ABCRNN_PEER_REPORT=path.
  if (const char* report = std::getenv("ABCRNN_PEER_REPORT"); report && *report) {
    EXPECT_TRUE(WriteFileAtomically(report, all_differences).ok());
  }
  double share = compared ? 100.0 * identical / compared : 0.0;
  std::printf("abc2midi peer test: %d tunes compared, %d identical (%.2f%%); abc2midi wrote no notes for %d, "
              "abcrnn refused %d\n",
              compared, identical, share, theirs_refused, ours_refused);
  for (const auto& [cause, n] : causes)
    std::printf("  %-22s %5d  e.g. %s\n", cause.c_str(), n, examples[cause].c_str());
  EXPECT_GT(compared, 12000);
  EXPECT_GE(share, 99.0);
}

}  // namespace
}  // namespace abcrnn::midi

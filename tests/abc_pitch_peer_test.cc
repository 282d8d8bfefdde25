// MIDI pitches, onsets and durations of the parser against abc2midi as a peer: a sample of corpus
// tunes that abc2midi plays as written (one voice, no repeats, endings, grace notes, chords,
// fermatas, staccato or ornaments) is rendered with `abc2midi` and read back with `midi2abc
// -midigram`; every note must have the same pitch, onset and length (480 ticks a crotchet, tied
// notes merged, +-2 ticks; the melody channel only: abc2midi plays chord symbols as accompaniment
// on other channels).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "abcrnn/abc/parser.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn::abc {
namespace {
namespace fs = std::filesystem;
using ::abcrnn::testing::CorpusDir;
using ::abcrnn::testing::HaveTool;
using ::abcrnn::testing::RunCommand;

struct PlayedNote {
  int64_t start = 0;  // ticks, 1920 per whole note
  int64_t end = 0;
  int pitch = 0;
};

// Notes as abc2midi would play this tune written straight through; false if the tune uses
// something we leave out of this comparison.
bool Eligible(const Tune& tune, std::vector<PlayedNote>* out) {
  if (!tune.valid() || tune.voices.size() != 1) return false;
  for (const Diagnostic& d : tune.diagnostics)
    if (d.severity == Severity::kWarning && d.kind != DiagnosticKind::kUnknownField) return false;
  std::vector<PlayedNote> notes;
  std::vector<bool> tied;
  for (const Element& e : tune.voices[0].elements) {
    switch (e.kind()) {
      case ElementKind::kBarLine: {
        const BarLine& b = std::get<BarLine>(e.value);
        if (b.repeat_start || b.repeat_end) return false;
        break;
      }
      case ElementKind::kEnding:
      case ElementKind::kGraceGroup:
      case ElementKind::kOverlay:
        return false;
      case ElementKind::kDecoration: {
        // abc2midi lengthens fermata notes, shortens staccato ones and plays ornaments (rolls,
        // trills, mordents) as several notes; other decorations it plays as written.
        const std::string& name = std::get<Decoration>(e.value).name;
        for (const char* played :
             {"fermata", "staccato", "tenuto", "roll", "trill", "lowermordent", "uppermordent",
              "mordent", "pralltriller", "turn", "invertedturn"})
          if (name == played) return false;
        break;
      }
      case ElementKind::kFieldChange:
        if (std::get<FieldChange>(e.value).field.letter == 'V') return false;
        break;
      case ElementKind::kNote: {
        const Note& n = std::get<Note>(e.value);
        if (n.chord || n.pitches.size() != 1) return false;
        int64_t start = (n.onset * Fraction(1920)).num();
        int64_t end = ((n.onset + n.duration) * Fraction(1920)).num();
        if ((n.onset * Fraction(1920)).den() != 1) return false;
        if (!notes.empty() && tied.back() && notes.back().pitch == n.pitches[0].midi &&
            notes.back().end == start) {
          notes.back().end = end;  // abc2midi merges tied notes
        } else {
          notes.push_back({start, end, n.pitches[0].midi});
          tied.push_back(false);
        }
        tied.back() = n.pitches[0].tie;
        break;
      }
      default:
        break;
    }
  }
  if (notes.empty()) return false;
  *out = std::move(notes);
  return true;
}

std::vector<PlayedNote> Abc2midiNotes(const std::string& abc_path, const std::string& mid_path) {
  std::vector<PlayedNote> notes;
  RunCommand("abc2midi '" + abc_path + "' -o '" + mid_path + "' >/dev/null 2>&1");
  auto r = RunCommand("midi2abc -midigram -f '" + mid_path + "' 2>/dev/null");
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    PlayedNote n;
    int track = 0, channel = 0, velocity = 0;
    long long s = 0, e = 0;
    if (std::sscanf(line.c_str(), "%lld %lld %d %d %d %d", &s, &e, &track, &channel, &n.pitch,
                    &velocity) == 6 &&
        channel == 1) {  // the melody; chord symbols are played on other channels
      n.start = s;
      n.end = e;
      notes.push_back(n);
    }
  }
  return notes;
}

TEST(AbcPitchPeer, PitchesOnsetsAndLengthsAgreeWithAbc2midiOnCorpusTunes) {
  ABCRNN_REQUIRE_CORPUS();
  if (!HaveTool("abc2midi") || !HaveTool("midi2abc")) GTEST_SKIP() << "abcmidi not installed";
  auto files = ExpandPaths({CorpusDir()}, {".abc"});
  ASSERT_TRUE(files.ok());
  fs::path dir = fs::temp_directory_path() / ("abcrnn_pitch_peer_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string abc = (dir / "t.abc").string(), mid = (dir / "t.mid").string();
  int tunes = 0, notes = 0, pitch_diff = 0, onset_diff = 0, length_diff = 0, count_diff = 0;
  std::vector<std::string> examples;
  size_t seen = 0;
  for (const std::string& path : *files) {
    auto parsed = ReadAbcFile(path);
    ASSERT_TRUE(parsed.ok());
    for (const Tune& tune : parsed->tunes) {
      std::vector<PlayedNote> ours;
      if (!Eligible(tune, &ours)) continue;
      if (seen++ % 25 != 0) continue;  // a sample: every 25th eligible tune
      ASSERT_TRUE(WriteFileAtomically(abc, tune.text + "\n").ok());
      std::vector<PlayedNote> theirs = Abc2midiNotes(abc, mid);
      ++tunes;
      std::string where = path + " X:" + std::to_string(tune.x);
      if (theirs.size() != ours.size()) {
        ++count_diff;
        if (examples.size() < 10)
          examples.push_back(where + ": " + std::to_string(ours.size()) + " notes vs " +
                             std::to_string(theirs.size()));
        continue;
      }
      for (size_t i = 0; i < ours.size(); ++i) {
        ++notes;
        const PlayedNote& a = ours[i];
        const PlayedNote& b = theirs[i];
        bool bad = false;
        if (a.pitch != b.pitch) {
          ++pitch_diff;
          bad = true;
        } else if (std::llabs(a.start - b.start) > 2) {
          ++onset_diff;
          bad = true;
        } else if (std::llabs(a.end - b.end) > 2) {
          ++length_diff;
          bad = true;
        }
        if (bad && examples.size() < 10) {
          examples.push_back(where + " note " + std::to_string(i) + ": ours " +
                             std::to_string(a.pitch) + "@" + std::to_string(a.start) + "-" +
                             std::to_string(a.end) + ", abc2midi " + std::to_string(b.pitch) + "@" +
                             std::to_string(b.start) + "-" + std::to_string(b.end));
        }
      }
    }
  }
  fs::remove_all(dir);
  std::printf(
      "abc2midi peer: %d tunes (every 25th of %zu eligible), %d notes compared; "
      "pitch differs %d, onset %d, length %d; tunes with another note count %d\n",
      tunes, seen, notes, pitch_diff, onset_diff, length_diff, count_diff);
  for (const std::string& e : examples) std::printf("  example: %s\n", e.c_str());
  EXPECT_GT(tunes, 100);
  EXPECT_EQ(pitch_diff, 0);
  EXPECT_EQ(onset_diff, 0);
  EXPECT_EQ(length_diff, 0);
  EXPECT_EQ(count_diff, 0);
}

// Key signatures with accidentals of their own, spaced or written against the tonic, mode or each
// other (issue 14: "K:Dmix=c" was read as C major): every pitch of a two-octave scale as abc2midi
// plays it.
TEST(AbcPitchPeer, KeysWithTheirOwnAccidentalsPlayAsAbc2midiPlaysThem) {
  if (!HaveTool("abc2midi") || !HaveTool("midi2abc")) GTEST_SKIP() << "abcmidi not installed";
  fs::path dir = fs::temp_directory_path() / ("abcrnn_key_peer_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string abc = (dir / "k.abc").string(), mid = (dir / "k.mid").string();
  for (const char* key : {"Dmix=c", "D=c", "Dmix^g", "Dmix =c", "D exp ^f ^c", "D exp _b", "G =f", "C ^f _b",
                          "Ador^f", "D ^g_b", "Bb=e", "F#m=d"}) {
    const Tune tune = ParseTune(std::string("X:1\nT:k\nM:4/4\nL:1/8\nK:") + key + "\nCDEF GABc|defg abc'2|]\n");
    std::vector<PlayedNote> ours;
    ASSERT_TRUE(Eligible(tune, &ours)) << key;
    ASSERT_TRUE(WriteFileAtomically(abc, tune.text + "\n").ok());
    const std::vector<PlayedNote> theirs = Abc2midiNotes(abc, mid);
    ASSERT_EQ(theirs.size(), ours.size()) << key;
    for (size_t i = 0; i < ours.size(); ++i) EXPECT_EQ(ours[i].pitch, theirs[i].pitch) << "K:" << key << " note " << i;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace abcrnn::abc

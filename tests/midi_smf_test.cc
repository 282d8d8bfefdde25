// Specification of midi/smf (the project's writer and reader): exact bytes for small files,
// variable-length quantities, round trips through our reader and through midi2abc (a peer).
#include "abcrnn/midi/smf.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <sstream>
#include <tuple>

#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn::midi {
namespace {
namespace fs = std::filesystem;

std::string Hex(const std::string& bytes) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out += ' ';
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// The bytes of the one track of a format-0 file with `events` (the MTrk body after its length).
std::string TrackBody(std::vector<SmfEvent> events) {
  Smf smf;
  smf.format = 0;
  smf.tracks.push_back({std::move(events)});
  auto bytes = EncodeSmf(smf);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? bytes->substr(14 + 8) : std::string();
}

TEST(SmfTest, OneNoteFormatZeroFileHasTheExactBytesOfTheStandard) {
  Smf smf;
  smf.format = 0;
  smf.tracks.push_back({{Tempo(0, 500000), NoteOn(0, 0, 60, 100), NoteOff(480, 0, 60)}});
  auto bytes = EncodeSmf(smf);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(Hex(*bytes),
            "4D 54 68 64 00 00 00 06 00 00 00 01 01 E0 "  // MThd, 6, format 0, 1 track, 480
            "4D 54 72 6B 00 00 00 14 "                    // MTrk, 20 bytes
            "00 FF 51 03 07 A1 20 "                       // tempo 500000 us per quarter
            "00 90 3C 64 "                                // note on C4 velocity 100
            "83 60 80 3C 00 "                             // 480 ticks later note off
            "00 FF 2F 00");                               // end of track
}

TEST(SmfTest, DeltaTimesAreVariableLengthQuantitiesAsTheStandardsExamples) {
  // The standard's table: 0 -> 00, 7F -> 7F, 80 -> 81 00, 3FFF -> FF 7F, 4000 -> 81 80 00,
  // 0FFFFFFF -> FF FF FF 7F.
  struct Case {
    int64_t tick;
    std::string hex;
  };
  for (const Case& c : {Case{0, "00"}, Case{0x7F, "7F"}, Case{0x80, "81 00"}, Case{0x3FFF, "FF 7F"},
                        Case{0x4000, "81 80 00"}, Case{0x0FFFFFFF, "FF FF FF 7F"}}) {
    std::string body = TrackBody({ProgramChange(c.tick, 0, 40)});
    EXPECT_EQ(Hex(body), c.hex + " C0 28 00 FF 2F 00") << "tick " << c.tick;
  }
}

TEST(SmfTest, SimultaneousEventsGoMetaThenProgramThenNoteOffThenNoteOn) {
  // Given in the worst order: the repeated A4 must end before it sounds again.
  std::string body = TrackBody({NoteOn(0, 0, 69, 80), NoteOn(240, 0, 69, 90), NoteOff(240, 0, 69),
                                ProgramChange(0, 0, 40), KeySignature(0, 2, false),
                                NoteOff(480, 0, 69)});
  EXPECT_EQ(Hex(body),
            "00 FF 59 02 02 00 "  // key D major
            "00 C0 28 "           // violin
            "00 90 45 50 "        // A4 on
            "81 70 80 45 00 "     // 240: A4 off before ...
            "00 90 45 5A "        // ... A4 on again
            "81 70 80 45 00 00 FF 2F 00");
}

TEST(SmfTest, MetaEventsHaveTheStandardsLayout) {
  EXPECT_EQ(Hex(TrackBody({TimeSignature(0, 6, 8)})), "00 FF 58 04 06 03 18 08 00 FF 2F 00");
  EXPECT_EQ(Hex(TrackBody({KeySignature(0, -3, true)})), "00 FF 59 02 FD 01 00 FF 2F 00");
  EXPECT_EQ(Hex(TrackBody({TrackName(0, "Reel")})), "00 FF 03 04 52 65 65 6C 00 FF 2F 00");
  EXPECT_EQ(Hex(TrackBody({Tempo(0, 400000)})), "00 FF 51 03 06 1A 80 00 FF 2F 00");
}

TEST(SmfTest, BadInputIsRefusedWithExpectedGot) {
  Smf smf;
  smf.tracks.push_back({{NoteOn(-1, 0, 60, 100)}});
  auto r = EncodeSmf(smf);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expected a tick >= 0"), std::string::npos);
  smf.tracks[0].events = {};
  smf.division = 0;
  EXPECT_FALSE(EncodeSmf(smf).ok());
  smf.division = 480;
  smf.format = 0;
  smf.tracks.push_back({});
  r = EncodeSmf(smf);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expected one track (format 0)"), std::string::npos);
}

Smf TwoTrackTune() {
  Smf smf;
  smf.tracks.push_back({{Tempo(0, 500000), TimeSignature(0, 3, 4), KeySignature(0, 1, false)}});
  SmfTrack melody;
  melody.events.push_back(ProgramChange(0, 0, 40));
  int keys[] = {67, 69, 71, 71, 74, 67};
  for (int i = 0; i < 6; ++i) {
    melody.events.push_back(NoteOn(i * 480, 0, keys[i], 80 + i));
    melody.events.push_back(NoteOff(i * 480 + 480, 0, keys[i]));
  }
  melody.events.push_back(NoteOn(0, 0, 55, 70));  // a chord note under the first two
  melody.events.push_back(NoteOff(960, 0, 55));
  smf.tracks.push_back(melody);
  return smf;
}

TEST(SmfTest, ReaderReturnsTheNotesAndMetaEventsWritten) {
  Smf smf = TwoTrackTune();
  auto bytes = EncodeSmf(smf);
  ASSERT_TRUE(bytes.ok());
  auto back = DecodeSmf(*bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->format, 1);
  EXPECT_EQ(back->division, 480);
  ASSERT_EQ(back->tracks.size(), 2u);
  EXPECT_EQ(back->tracks[0].events.size(), 3u);
  EXPECT_EQ(FirstTempo(*back), 500000);
  std::vector<SmfNote> notes = CollectNotes(*back);
  ASSERT_EQ(notes.size(), 7u);
  EXPECT_EQ(notes[0], (SmfNote{0, 960, 55, 70, 0, 1}));
  EXPECT_EQ(notes[1], (SmfNote{0, 480, 67, 80, 0, 1}));
  EXPECT_EQ(notes[4], (SmfNote{1440, 480, 71, 83, 0, 1}));  // the repeated B4, not merged
  EXPECT_EQ(notes[6], (SmfNote{2400, 480, 67, 85, 0, 1}));
}

TEST(SmfTest, ReaderFollowsRunningStatusAndVelocityZeroNoteOffs) {
  // As many files (not ours) write: 90 3C 64, then running status 3C 00 as the note-off.
  std::string file = std::string("MThd\0\0\0\6\0\0\0\1\1\xE0", 14) + std::string("MTrk\0\0\0\x0C", 8) +
                     std::string("\x00\x90\x3C\x64\x83\x60\x3C\x00\x00\xFF\x2F\x00", 12);
  auto smf = DecodeSmf(file);
  ASSERT_TRUE(smf.ok()) << smf.status().ToString();
  auto notes = CollectNotes(*smf);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], (SmfNote{0, 480, 60, 100, 0, 0}));
}

TEST(SmfTest, TruncatedFilesAreCorruptionWithTheByteOffset) {
  auto bytes = EncodeSmf(TwoTrackTune());
  ASSERT_TRUE(bytes.ok());
  for (size_t cut : {size_t{3}, size_t{13}, size_t{20}, bytes->size() - 1}) {
    auto r = DecodeSmf(std::string_view(*bytes).substr(0, cut));
    ASSERT_FALSE(r.ok()) << "cut at " << cut;
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
    EXPECT_NE(r.status().message().find("at byte"), std::string::npos);
  }
  EXPECT_FALSE(DecodeSmf("RIFF....WAVEfmt ").ok());
}

TEST(SmfTest, Midi2abcReadsOurFileAsTheSameNotes) {
  if (!abcrnn::testing::HaveTool("midi2abc")) GTEST_SKIP() << "midi2abc absent (apt-get install abcmidi)";
  fs::path path = fs::temp_directory_path() / ("abcrnn_smf_test_" + std::to_string(::getpid()) + ".mid");
  ASSERT_TRUE(WriteSmf(path.string(), TwoTrackTune()).ok());
  auto r = abcrnn::testing::RunCommand("midi2abc " + path.string() + " -midigram");
  fs::remove(path);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // midigram lines: onset offset track channel key velocity (onset/offset shifted alike).
  std::istringstream in(r.out);
  std::string line;
  std::vector<std::array<long, 4>> seen;  // onset, duration, key, velocity
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    long on, off, track, channel, key, vel;
    if (fields >> on >> off >> track >> channel >> key >> vel) seen.push_back({on, off - on, key, vel});
  }
  auto ours = CollectNotes(TwoTrackTune());
  ASSERT_EQ(seen.size(), ours.size()) << r.out;
  std::sort(seen.begin(), seen.end(), [](const auto& a, const auto& b) {
    return std::tie(a[0], a[2]) < std::tie(b[0], b[2]);
  });
  long shift = seen[0][0] - ours[0].onset;
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(seen[i][0] - shift, ours[i].onset) << "note " << i;
    EXPECT_EQ(seen[i][1], ours[i].duration) << "note " << i;
    EXPECT_EQ(seen[i][2], ours[i].key) << "note " << i;
    EXPECT_EQ(seen[i][3], ours[i].velocity) << "note " << i;
  }
}

}  // namespace
}  // namespace abcrnn::midi

// Specification of `abcrnn midi`, `abcrnn render` and ExportTune: files written where asked (one
// per tune, <stem>-<X>.<ext>), audio as long as the tune and not silent, sheet music when abcm2ps
// is installed, exit code 2 with a clear message for bad input.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "abcrnn/abc/parser.h"
#include "abcrnn/midi/export.h"
#include "abcrnn/midi/performance.h"
#include "abcrnn/midi/sheet.h"
#include "abcrnn/midi/smf.h"
#include "abcrnn/midi/tune_midi.h"
#include "abcrnn/midi/wav.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn::midi {
namespace {
namespace fs = std::filesystem;
using abcrnn::testing::Program;
using abcrnn::testing::RunCommand;

constexpr const char* kTwoTunes =
    "X:1\nT:First\nM:3/4\nL:1/8\nQ:1/4=120\nK:D\n|:d2 fe dc|B2 A4:|\n\n"
    "X:7\nT:Second\nM:2/4\nL:1/8\nK:G\nGA Bc|d4|]\n";

class MidiCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("abcrnn_midi_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    abc_ = (dir_ / "tunes.abc").string();
    ASSERT_TRUE(WriteFileAtomically(abc_, kTwoTunes).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Abcrnn(const std::string& args) { return Program("abcrnn") + " " + args; }
  fs::path dir_;
  std::string abc_;
};

// The names of the files in `dir`, sorted.
std::vector<std::string> FilesIn(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST_F(MidiCliTest, MidiWritesOneFilePerTuneNamedByTheFileStemAndX) {
  auto r = RunCommand(Abcrnn("midi " + abc_ + " -o " + (dir_ / "out").string()), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto first = ReadFile((dir_ / "out" / "tunes-1.mid").string());
  auto second = ReadFile((dir_ / "out" / "tunes-7.mid").string());
  ASSERT_TRUE(first.ok() && second.ok()) << r.out;
  auto smf = DecodeSmf(*first);
  ASSERT_TRUE(smf.ok());
  EXPECT_EQ(CollectNotes(*smf).size(), 14u);  // 7 notes, repeated
  // The same bytes as the library makes.
  abc::AbcFile file = abc::ParseAbcFile(kTwoTunes);
  EXPECT_EQ(*second, *TuneToMidi(file.tunes[1]));
}

TEST_F(MidiCliTest, TunesSharingAnXNumberAllGetAFileAndDashIsStandardOutput) {
  const std::string three = (dir_ / "three.abc").string();
  ASSERT_TRUE(WriteFileAtomically(three, "X:1\nK:C\nabc|\n\nX:1\nK:C\ncba|\n\nX:1\nK:C\nccc|\n").ok());
  auto r = RunCommand(Abcrnn("midi " + three + " -o " + (dir_ / "dup").string()), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* name : {"three-1.mid", "three-1-2.mid", "three-1-3.mid"})
    EXPECT_TRUE(fs::exists(dir_ / "dup" / name)) << name;
  EXPECT_NE(r.out.find("2 tune(s) share an X: number with an earlier tune"), std::string::npos) << r.out;
  const abc::AbcFile file = abc::ParseAbcFile(*ReadFile(three));
  EXPECT_EQ(*ReadFile((dir_ / "dup" / "three-1-3.mid").string()), *TuneToMidi(file.tunes[2]));
  // "midi - -o -": ABC in, one tune's MIDI out.
  r = RunCommand("cat " + abc_ + " | " + Abcrnn("midi - -o - 2>/dev/null"));
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, *TuneToMidi(abc::ParseAbcFile(kTwoTunes).tunes[0]));
}

TEST_F(MidiCliTest, MidiFromStandardInputNamesItsFilesTuneX) {
  auto r = RunCommand("cat " + abc_ + " | " + Abcrnn("midi - -o " + (dir_ / "in").string()), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(FilesIn(dir_ / "in"), (std::vector<std::string>{"tune-1.mid", "tune-7.mid"}));
}

TEST_F(MidiCliTest, MidiOfSeveralFilesNamesEachTuneByItsOwnFileStem) {
  const std::string other = (dir_ / "other.abc").string();
  ASSERT_TRUE(WriteFileAtomically(other, "X:1\nK:C\nabc|\n").ok());
  auto r = RunCommand(Abcrnn("midi " + abc_ + " " + other + " -o " + (dir_ / "both").string()), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(FilesIn(dir_ / "both"), (std::vector<std::string>{"other-1.mid", "tunes-1.mid", "tunes-7.mid"}));
  EXPECT_EQ(r.out.find("share an X: number"), std::string::npos) << "different stems are no repeat: " << r.out;
}

TEST_F(MidiCliTest, AnEngraverThatHangsIsStoppedAndItsTemporaryFolderRemoved) {
  // A stand-in for abcm2ps that never ends, as abcm2ps does on some meters.
  const std::string hang = (dir_ / "hang.sh").string();
  ASSERT_TRUE(WriteFileAtomically(hang, "#!/bin/sh\nexec sleep 100\n").ok());
  fs::permissions(hang, fs::perms::owner_all);
  auto sheet_dirs = [] {
    int n = 0;
    for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))
      n += e.path().filename().string().rfind("abcrnn-sheet-", 0) == 0;
    return n;
  };
  const int before = sheet_dirs();
  SheetOptions options;
  options.abcm2ps = hang;
  options.time_limit_s = 0.3;
  const auto start = std::chrono::steady_clock::now();
  Status s = RenderSheet(kTwoTunes, (dir_ / "x.svg").string(), SheetFormat::kSvg, options);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("ran over 0.3 s on this tune and was stopped"), std::string::npos) << s.ToString();
  std::atomic<bool> stop{true};
  options.time_limit_s = 0;
  options.stop = &stop;
  s = RenderSheet(kTwoTunes, (dir_ / "x.svg").string(), SheetFormat::kSvg, options);
  EXPECT_NE(s.message().find("interrupted"), std::string::npos) << s.ToString();
  EXPECT_FALSE(fs::exists(dir_ / "x.svg"));
  EXPECT_EQ(sheet_dirs(), before);
  // A tune whose meter does not parse never reaches abcm2ps.
  const std::string loop = (dir_ / "loop.abc").string();
  std::string meter = "999999999";
  for (int i = 0; i < 99; ++i) meter += "+999999999";
  ASSERT_TRUE(WriteFileAtomically(loop, "X:1\nT:Loop\nM:" + meter + "/4\nL:1/8\nK:C\nabc|\n").ok());
  auto r = RunCommand(Abcrnn("render " + loop + " -o " + (dir_ / "loop.svg").string()), true);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("X:1 cannot be rendered: [invalid-meter]"), std::string::npos) << r.out;
}

TEST_F(MidiCliTest, MidiWithTuneWritesThatTuneToOneFileWithTheProgramAsked) {
  std::string out = (dir_ / "seven.mid").string();
  auto r = RunCommand(Abcrnn("midi " + abc_ + " --tune 7 --program 74 --transpose -2 -o " + out), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto smf = DecodeSmf(*ReadFile(out));
  ASSERT_TRUE(smf.ok());
  auto notes = CollectNotes(*smf);
  ASSERT_EQ(notes.size(), 5u);
  EXPECT_EQ(notes[0].key, 67 - 2);
  bool flute = false;
  for (const auto& e : smf->tracks[1].events) flute |= (e.status & 0xF0) == 0xC0 && e.data[0] == 73;
  EXPECT_TRUE(flute) << "--program is 1-based: 74 is GM program 73 (flute)";
}

TEST_F(MidiCliTest, MidiRefusesBadInputWithExitCode2AndSaysWhy) {
  auto missing = RunCommand(Abcrnn("midi " + (dir_ / "none.abc").string() + " -o " + dir_.string()), true);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("none.abc"), std::string::npos) << missing.out;
  auto no_tune = RunCommand(Abcrnn("midi " + abc_ + " --tune 99 -o " + (dir_ / "x.mid").string()), true);
  EXPECT_EQ(no_tune.exit_code, 2);
  EXPECT_NE(no_tune.out.find("X:99"), std::string::npos) << no_tune.out;
  auto program = RunCommand(Abcrnn("midi " + abc_ + " --program 0 -o " + dir_.string()), true);
  EXPECT_EQ(program.exit_code, 2);
  EXPECT_NE(program.out.find("expected a General MIDI program 1..128"), std::string::npos) << program.out;
  auto usage = RunCommand(Abcrnn("midi " + abc_), true);  // no -o
  EXPECT_EQ(usage.exit_code, 2);
}

TEST_F(MidiCliTest, RenderedAudioLastsTheTunePlusOneSecondAndIsNotSilent) {
  if (!fs::exists(SynthOptions().sound_font)) GTEST_SKIP() << "sound font absent (apt-get install fluid-soundfont-gm)";
  std::string wav = (dir_ / "first.wav").string();
  auto r = RunCommand(Abcrnn("render " + abc_ + " --tune 1 -o " + wav), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto pcm = DecodeWav(*ReadFile(wav));
  ASSERT_TRUE(pcm.ok()) << pcm.status().ToString();
  // The first tune: two bars of 3/4, repeated = 12 crotchets at 120 a minute = 6 s, + 1 s tail.
  abc::AbcFile file = abc::ParseAbcFile(kTwoTunes);
  auto performance = Perform(file.tunes[0]);
  ASSERT_TRUE(performance.ok());
  double seconds = performance->end.ToDouble() * 4 * 0.5;
  EXPECT_DOUBLE_EQ(seconds, 6.0);
  EXPECT_NEAR(pcm->seconds(), seconds + 1.0, 1.0 / pcm->sample_rate);
  EXPECT_GT(pcm->Rms(), 0.01);
}

TEST_F(MidiCliTest, RenderOfAFileOfSeveralTunesToWavWritesOneRecordingPerTune) {
  if (!fs::exists(SynthOptions().sound_font)) GTEST_SKIP() << "sound font absent (apt-get install fluid-soundfont-gm)";
  fs::create_directories(dir_ / "wav");
  auto r = RunCommand(Abcrnn("render " + abc_ + " -o " + (dir_ / "wav" / "all.wav").string()), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(FilesIn(dir_ / "wav"), (std::vector<std::string>{"all-1.wav", "all-7.wav"}));
  auto second = DecodeWav(*ReadFile((dir_ / "wav" / "all-7.wav").string()));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_GT(second->Rms(), 0.01);
}

TEST_F(MidiCliTest, RenderWritesSvgSheetMusicWhenAbcm2psIsInstalled) {
  std::string svg = (dir_ / "second.svg").string();
  auto r = RunCommand(Abcrnn("render " + abc_ + " --tune 7 -o " + svg), true);
  if (!ProgramAvailable("abcm2ps")) {
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.out.find("apt-get install abcm2ps"), std::string::npos) << r.out;
    return;
  }
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto text = ReadFile(svg);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("<svg"), std::string::npos);
  EXPECT_NE(text->find("Second"), std::string::npos);
}

TEST_F(MidiCliTest, RenderRefusesUnknownOutputsAndMissingFilesWithExitCode2) {
  auto png = RunCommand(Abcrnn("render " + abc_ + " -o " + (dir_ / "x.png").string()), true);
  EXPECT_EQ(png.exit_code, 2);
  EXPECT_NE(png.out.find("expected an output ending in .wav, .svg or .pdf"), std::string::npos) << png.out;
  auto missing = RunCommand(Abcrnn("render " + (dir_ / "none.abc").string() + " -o " + (dir_ / "x.wav").string()), true);
  EXPECT_EQ(missing.exit_code, 2);
  auto font = RunCommand(Abcrnn("render " + abc_ + " --sound-font /nonexistent.sf2 -o " + (dir_ / "x.wav").string()), true);
  EXPECT_EQ(font.exit_code, 2);
  EXPECT_NE(font.out.find("apt-get install fluid-soundfont-gm"), std::string::npos) << font.out;
  // A damaged MIDI file is unreadable input, as everywhere: 2, not 1 ("found problems").
  ASSERT_TRUE(WriteFileAtomically((dir_ / "bad.mid").string(), "MThd garbage").ok());
  auto damaged = RunCommand(Abcrnn("render " + (dir_ / "bad.mid").string() + " -o " + (dir_ / "x.wav").string()), true);
  EXPECT_EQ(damaged.exit_code, 2) << damaged.out;
  EXPECT_NE(damaged.out.find("not a MIDI file"), std::string::npos) << damaged.out;
}

constexpr const char* kThreeTunes =
    "X:1\nT:Reel One\nM:4/4\nL:1/8\nK:D\nABcd efga|\n\n"
    "X:2\nT:Jig Two\nM:6/8\nL:1/8\nK:G\nGAB cBA|\n\n"
    "X:5\nT:Waltz Five\nM:3/4\nL:1/8\nK:A\nA2 c2 e2|\n";

TEST_F(MidiCliTest, RenderOfAFileOfSeveralTunesWritesOneSvgPerTuneBesideOut) {
  if (!ProgramAvailable("abcm2ps")) GTEST_SKIP() << "abcm2ps absent (apt-get install abcm2ps): sheet music test skipped";
  const std::string book = (dir_ / "book.abc").string();
  ASSERT_TRUE(WriteFileAtomically(book, kThreeTunes).ok());
  fs::create_directories(dir_ / "svg");
  auto r = RunCommand(Abcrnn("-v render " + book + " -o " + (dir_ / "svg" / "out.svg").string()), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(FilesIn(dir_ / "svg"), (std::vector<std::string>{"out-1.svg", "out-2.svg", "out-5.svg"}));
  EXPECT_NE(ReadFile((dir_ / "svg" / "out-1.svg").string())->find("Reel One"), std::string::npos);
  EXPECT_NE(ReadFile((dir_ / "svg" / "out-2.svg").string())->find("Jig Two"), std::string::npos);
  EXPECT_NE(ReadFile((dir_ / "svg" / "out-5.svg").string())->find("Waltz Five"), std::string::npos);
  EXPECT_NE(r.out.find("3 of 3 tunes written as " + (dir_ / "svg" / "out-<X>.svg").string() + ", 0 failed"),
            std::string::npos)
      << r.out;
}

TEST_F(MidiCliTest, RenderWithTuneWritesExactlyOutFromAFileOfSeveralTunes) {
  if (!ProgramAvailable("abcm2ps")) GTEST_SKIP() << "abcm2ps absent (apt-get install abcm2ps): sheet music test skipped";
  const std::string book = (dir_ / "book.abc").string();
  ASSERT_TRUE(WriteFileAtomically(book, kThreeTunes).ok());
  fs::create_directories(dir_ / "one");
  auto r = RunCommand(Abcrnn("render " + book + " --tune 2 -o " + (dir_ / "one" / "jig.svg").string()), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(FilesIn(dir_ / "one"), (std::vector<std::string>{"jig.svg"}));
  EXPECT_NE(ReadFile((dir_ / "one" / "jig.svg").string())->find("Jig Two"), std::string::npos);
}

TEST_F(MidiCliTest, RenderGivesARepeatedXNumberASuffixAndWarnsOnce) {
  if (!ProgramAvailable("abcm2ps")) GTEST_SKIP() << "abcm2ps absent (apt-get install abcm2ps): sheet music test skipped";
  const std::string dup = (dir_ / "dup.abc").string();
  ASSERT_TRUE(WriteFileAtomically(dup, "X:1\nT:First take\nK:C\nabc|\n\nX:1\nT:Second take\nK:C\ncba|\n\n"
                                       "X:1\nT:Third take\nK:C\nccc|\n\nX:2\nT:Other\nK:C\nddd|\n").ok());
  fs::create_directories(dir_ / "dup");
  auto r = RunCommand(Abcrnn("render " + dup + " -o " + (dir_ / "dup" / "s.svg").string()), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(FilesIn(dir_ / "dup"), (std::vector<std::string>{"s-1-2.svg", "s-1-3.svg", "s-1.svg", "s-2.svg"}));
  EXPECT_NE(ReadFile((dir_ / "dup" / "s-1-3.svg").string())->find("Third take"), std::string::npos);
  const std::string warning = "2 tune(s) share an X: number with an earlier tune";
  ASSERT_NE(r.out.find(warning), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(warning, r.out.find(warning) + 1), std::string::npos) << "one warning: " << r.out;
}

TEST_F(MidiCliTest, RenderKeepsGoingPastATuneThatFailsAndExits1) {
  if (!ProgramAvailable("abcm2ps")) GTEST_SKIP() << "abcm2ps absent (apt-get install abcm2ps): sheet music test skipped";
  const std::string mixed = (dir_ / "mixed.abc").string();
  ASSERT_TRUE(WriteFileAtomically(mixed, "X:1\nT:Good\nM:4/4\nK:C\nabc|\n\n"
                                         "X:2\nT:Bad\nM:4/x\nK:C\ncba|\n\n"
                                         "X:3\nT:Also good\nM:3/4\nK:C\nccc|\n").ok());
  fs::create_directories(dir_ / "mixed");
  auto r = RunCommand(Abcrnn("render " + mixed + " -o " + (dir_ / "mixed" / "m.svg").string()), true);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(FilesIn(dir_ / "mixed"), (std::vector<std::string>{"m-1.svg", "m-3.svg"}));
  EXPECT_NE(r.out.find(mixed + ":9:1: X:2 cannot be rendered: [invalid-meter]"), std::string::npos) << r.out;
}

TEST_F(MidiCliTest, CtrlCStopsARenderOfSeveralTunesKeepsTheFilesWrittenAndExits130) {
  // A stand-in for abcm2ps (`abcm2ps -q -g -O DIR/sheet FILE`) that engraves quickly but hangs on
  // the tune titled Slow; Ctrl-C comes while it hangs.
  const fs::path bin = dir_ / "bin";
  fs::create_directories(bin);
  ASSERT_TRUE(WriteFileAtomically((bin / "abcm2ps").string(),
                                  "#!/bin/sh\nif grep -q 'T:Slow' \"$5\"; then exec sleep 100; fi\n"
                                  "echo '<svg/>' > \"$4\"001.svg\n").ok());
  fs::permissions(bin / "abcm2ps", fs::perms::owner_all);
  const std::string slow = (dir_ / "slow.abc").string();
  ASSERT_TRUE(WriteFileAtomically(slow, "X:1\nT:Quick\nK:C\nabc|\n\nX:2\nT:Slow\nK:C\ncba|\n\n"
                                        "X:3\nT:Never\nK:C\nccc|\n").ok());
  fs::create_directories(dir_ / "int");
  const std::string first = (dir_ / "int" / "s-1.svg").string(), err = (dir_ / "err.txt").string();
  const std::string script = "PATH=" + bin.string() + ":$PATH " + Abcrnn("render " + slow + " -o ") +
                             (dir_ / "int" / "s.svg").string() + " 2>" + err + " & pid=$!\n" +
                             "for i in $(seq 100); do [ -e " + first + " ] && break; sleep 0.1; done\n" +
                             "sleep 0.5\nkill -INT $pid\nwait $pid\n";
  ASSERT_TRUE(WriteFileAtomically((dir_ / "int.sh").string(), script).ok());
  const auto start = std::chrono::steady_clock::now();
  auto r = RunCommand("bash " + (dir_ / "int.sh").string());
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 20.0);
  const std::string said = ReadFile(err).ok() ? *ReadFile(err) : "";
  EXPECT_EQ(r.exit_code, 130) << said;
  EXPECT_EQ(FilesIn(dir_ / "int"), (std::vector<std::string>{"s-1.svg"}));
  EXPECT_NE(said.find("interrupted after 1 tune(s): kept the 1 file(s) written"), std::string::npos) << said;
}

// Audio finishes the tune it is rendering when Ctrl-C comes, and keeps that file: the message
// counts every recording left in the folder, whenever the signal lands.
TEST_F(MidiCliTest, CtrlCDuringAudioCountsEveryRecordingKept) {
  if (!fs::exists(SynthOptions().sound_font)) GTEST_SKIP() << "sound font absent (apt-get install fluid-soundfont-gm)";
  std::string many;
  for (int x = 1; x <= 40; ++x)
    many += "X:" + std::to_string(x) + "\nT:T\nM:4/4\nL:1/8\nK:D\nABcd efga|gfed cBAG|ABcd efga|g8|]\n\n";
  const std::string book = (dir_ / "many.abc").string(), err = (dir_ / "err.txt").string();
  ASSERT_TRUE(WriteFileAtomically(book, many).ok());
  fs::create_directories(dir_ / "audio");
  const std::string first = (dir_ / "audio" / "a-1.wav").string();
  const std::string script = Abcrnn("render " + book + " -o ") + (dir_ / "audio" / "a.wav").string() + " 2>" + err +
                             " & pid=$!\nfor i in $(seq 200); do [ -e " + first +
                             " ] && break; sleep 0.05; done\nkill -INT $pid\nwait $pid\n";
  ASSERT_TRUE(WriteFileAtomically((dir_ / "audio.sh").string(), script).ok());
  auto r = RunCommand("bash " + (dir_ / "audio.sh").string());
  const std::string said = ReadFile(err).ok() ? *ReadFile(err) : "";
  EXPECT_EQ(r.exit_code, 130) << said;
  const size_t kept = FilesIn(dir_ / "audio").size();
  EXPECT_GE(kept, 1u);
  EXPECT_LT(kept, 40u) << "the run ended before Ctrl-C";
  EXPECT_NE(said.find("kept the " + std::to_string(kept) + " file(s) written"), std::string::npos)
      << kept << " files: " << said;
}

// A tune the engraver refuses is the tune's problem (exit 1), as in a file of several tunes; a
// missing engraver is the machine's (exit 2).
TEST_F(MidiCliTest, ATuneTheEngraverRefusesExits1AndAMissingEngraver2) {
  const fs::path bin = dir_ / "refusing";
  fs::create_directories(bin);
  ASSERT_TRUE(WriteFileAtomically((bin / "abcm2ps").string(), "#!/bin/sh\necho 'error: no music' >&2\nexit 1\n").ok());
  fs::permissions(bin / "abcm2ps", fs::perms::owner_all);
  const std::string one = "PATH=" + bin.string() + ":$PATH " + Abcrnn("render " + abc_ + " --tune 7 -o ");
  auto refused = RunCommand(one + (dir_ / "r.svg").string() + " 2>&1");
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.out.find("not rendered"), std::string::npos) << refused.out;
  EXPECT_FALSE(fs::exists(dir_ / "r.svg"));
  auto all = RunCommand("PATH=" + bin.string() + ":$PATH " + Abcrnn("render " + abc_ + " -o ") +
                        (dir_ / "all" / "r.svg").string() + " 2>&1");
  EXPECT_EQ(all.exit_code, 1) << all.out;
  auto missing = RunCommand("PATH=/nonexistent " + Abcrnn("render " + abc_ + " --tune 7 -o ") +
                            (dir_ / "m.svg").string() + " 2>&1");
  EXPECT_EQ(missing.exit_code, 2) << missing.out;
}

TEST_F(MidiCliTest, CtrlCStopsMidiOfAFolderKeepsEveryFileWrittenAndExits130) {
  // Files are made durable a batch at a time: Ctrl-C mid-way keeps each finished one, whole,
  // and leaves no temporary file.
  std::string text;
  for (int x = 1; x <= 60000; ++x) text += "X:" + std::to_string(x) + "\nL:1/8\nM:4/4\nK:G\nGABc dedB|\n\n";
  const std::string many = (dir_ / "many.abc").string();
  ASSERT_TRUE(WriteFileAtomically(many, text).ok());
  const fs::path out = dir_ / "many";
  const std::string err = (dir_ / "err.txt").string();
  const std::string script = Abcrnn("midi " + many + " -o ") + out.string() + " 2>" + err + " & pid=$!\n" +
                             "for i in $(seq 200); do [ -e " + (out / "many-1.mid").string() +
                             " ] && break; sleep 0.05; done\nkill -INT $pid\nwait $pid\n";
  ASSERT_TRUE(WriteFileAtomically((dir_ / "int.sh").string(), script).ok());
  auto r = RunCommand("bash " + (dir_ / "int.sh").string());
  const std::string said = ReadFile(err).ok() ? *ReadFile(err) : "";
  EXPECT_EQ(r.exit_code, 130) << said;
  const std::vector<std::string> files = FilesIn(out);
  ASSERT_GT(files.size(), 0u);
  EXPECT_LT(files.size(), 60000u) << "the run ended before Ctrl-C; make the input larger";
  EXPECT_NE(said.find("interrupted: kept the " + std::to_string(files.size()) + " MIDI file(s) written"),
            std::string::npos)
      << said;
  for (const std::string& f : files) ASSERT_EQ(f.find(".tmp."), std::string::npos) << f;
  auto last = ReadFile((out / files.back()).string());
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->substr(0, 4), "MThd");
}

TEST_F(MidiCliTest, ExportTuneWritesAbcMidiWavAndSvgSideBySide) {
  // The training form (no X:), as the sampler writes it.
  std::string text = "M:6/8\nL:1/8\nK:G\nGAB cBA|G3 D3|]\n";
  ExportOptions options;
  options.synth.sample_rate = 22050;
  auto files = ExportTune(text, (dir_ / "gen").string(), "tune-001", options);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_TRUE(fs::exists(dir_ / "gen" / "tune-001.abc"));
  EXPECT_TRUE(fs::exists(dir_ / "gen" / "tune-001.mid"));
  bool have_font = fs::exists(SynthOptions().sound_font);
  EXPECT_EQ(fs::exists(dir_ / "gen" / "tune-001.wav"), have_font);
  EXPECT_EQ(fs::exists(dir_ / "gen" / "tune-001.svg"), ProgramAvailable("abcm2ps"));
  EXPECT_EQ(files->written.size() + files->skipped.size(), 4u);
  auto bad = ExportTune("no tune here\n", (dir_ / "gen").string(), "bad", options);
  EXPECT_FALSE(bad.ok());
}

}  // namespace
}  // namespace abcrnn::midi

// Specification of midi/wav, midi/synth and midi/sheet: WAV bytes, audio as long as the music
// and not silent (FluidSynth with the GM sound font), sheet music through abcm2ps.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "abcrnn/midi/sheet.h"
#include "abcrnn/midi/smf.h"
#include "abcrnn/midi/synth.h"
#include "abcrnn/midi/wav.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn::midi {
namespace {
namespace fs = std::filesystem;

class AudioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("abcrnn_audio_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(AudioTest, WavHasTheCanonicalHeaderAndLittleEndianSamples) {
  Pcm pcm;
  pcm.sample_rate = 8000;
  pcm.channels = 1;
  pcm.samples = {0, 1, -1, 32767};
  auto wav = EncodeWav(pcm);
  ASSERT_TRUE(wav.ok());
  ASSERT_EQ(wav->size(), 44u + 8u);
  EXPECT_EQ(wav->substr(0, 4), "RIFF");
  EXPECT_EQ(wav->substr(8, 8), "WAVEfmt ");
  EXPECT_EQ(wav->substr(36, 4), "data");
  EXPECT_EQ(wav->substr(44), std::string("\x00\x00\x01\x00\xFF\xFF\xFF\x7F", 8));
  auto back = DecodeWav(*wav);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->sample_rate, 8000);
  EXPECT_EQ(back->channels, 1);
  EXPECT_EQ(back->samples, pcm.samples);
  EXPECT_FALSE(DecodeWav(wav->substr(0, 50)).ok());
  pcm.channels = 3;
  EXPECT_FALSE(EncodeWav(pcm).ok());  // 4 samples are not whole frames of 3
}

// Four crotchets at 120 per minute (2 s), A4 B4 C#5 D5 on a violin.
std::string FourCrotchets() {
  Smf smf;
  smf.tracks.push_back({{Tempo(0, 500000), TimeSignature(0, 4, 4)}});
  SmfTrack melody{{ProgramChange(0, 0, 40)}};
  int keys[] = {69, 71, 73, 74};
  for (int i = 0; i < 4; ++i) {
    melody.events.push_back(NoteOn(i * 480, 0, keys[i], 100));
    melody.events.push_back(NoteOff(i * 480 + 479, 0, keys[i]));
  }
  melody.events.push_back(NoteOff(1920, 0, 0));  // ends the track at 2 s exactly
  smf.tracks.push_back(melody);
  return *EncodeSmf(smf);
}

bool HaveSoundFont() { return fs::exists(SynthOptions().sound_font); }

TEST_F(AudioTest, RenderedAudioLastsTheMusicPlusTheTailAndIsNotSilent) {
  if (!HaveSoundFont()) GTEST_SKIP() << "sound font absent (apt-get install fluid-soundfont-gm)";
  SynthOptions options;
  options.sample_rate = 22050;
  auto pcm = RenderSmf(FourCrotchets(), options);
  ASSERT_TRUE(pcm.ok()) << pcm.status().ToString();
  EXPECT_EQ(pcm->channels, 2);
  EXPECT_EQ(pcm->frames(), 3 * 22050) << "2 s of music and 1 s of tail";
  EXPECT_GT(pcm->Rms(), 0.01) << "the melody should be clearly audible";
  // The last half second of the tail has (almost) died away compared to the music.
  Pcm end = *pcm;
  end.samples.erase(end.samples.begin(), end.samples.end() - 2 * 11025);
  EXPECT_LT(end.Rms(), pcm->Rms() / 4);
}

TEST_F(AudioTest, WavFileFromMidiIsWrittenAndReadsBack) {
  if (!HaveSoundFont()) GTEST_SKIP() << "sound font absent (apt-get install fluid-soundfont-gm)";
  std::string path = (dir_ / "tune.wav").string();
  ASSERT_TRUE(WriteWavFromSmf(path, FourCrotchets()).ok());
  auto bytes = ReadFile(path);
  ASSERT_TRUE(bytes.ok());
  auto pcm = DecodeWav(*bytes);
  ASSERT_TRUE(pcm.ok()) << pcm.status().ToString();
  EXPECT_EQ(pcm->sample_rate, 44100);
  EXPECT_EQ(pcm->frames(), 3 * 44100);
}

TEST_F(AudioTest, MissingSoundFontIsNotFoundWithTheInstallHint) {
  SynthOptions options;
  options.sound_font = (dir_ / "none.sf2").string();
  auto pcm = RenderSmf(FourCrotchets(), options);
  ASSERT_FALSE(pcm.ok());
  EXPECT_EQ(pcm.status().code(), Status::Code::kNotFound);
  EXPECT_NE(pcm.status().message().find("apt-get install fluid-soundfont-gm"), std::string::npos);
}

TEST_F(AudioTest, GarbageIsRefusedAsCorruption) {
  auto pcm = RenderSmf("not a midi file at all");
  ASSERT_FALSE(pcm.ok());
  EXPECT_EQ(pcm.status().code(), Status::Code::kCorruption);
}

constexpr const char* kTune = "X:1\nT:Sheet test\nM:3/4\nL:1/8\nK:D\nd2 fe dc|B2 A4|]\n";

TEST_F(AudioTest, SvgSheetMusicIsEngravedByAbcm2ps) {
  if (!ProgramAvailable("abcm2ps")) GTEST_SKIP() << "abcm2ps absent (apt-get install abcm2ps)";
  std::string path = (dir_ / "tune.svg").string();
  Status s = RenderSheet(kTune, path, SheetFormat::kSvg);
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto svg = ReadFile(path);
  ASSERT_TRUE(svg.ok());
  EXPECT_NE(svg->find("<svg"), std::string::npos);
  EXPECT_NE(svg->find("Sheet test"), std::string::npos);  // the title is printed
}

TEST_F(AudioTest, MissingAbcm2psSaysHowToInstallIt) {
  SheetOptions options;
  options.abcm2ps = "abcm2ps-that-does-not-exist";
  Status s = RenderSheet(kTune, (dir_ / "x.svg").string(), SheetFormat::kSvg, options);
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_NE(s.message().find("apt-get install abcm2ps"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "x.svg"));
}

TEST_F(AudioTest, PdfNeedsPs2pdfAndSaysSoWhenAbsent) {
  if (!ProgramAvailable("abcm2ps")) GTEST_SKIP() << "abcm2ps absent (apt-get install abcm2ps)";
  std::string path = (dir_ / "tune.pdf").string();
  Status s = RenderSheet(kTune, path, SheetFormat::kPdf);
  if (ProgramAvailable("ps2pdf")) {
    ASSERT_TRUE(s.ok()) << s.ToString();
    auto pdf = ReadFile(path);
    ASSERT_TRUE(pdf.ok());
    EXPECT_EQ(pdf->substr(0, 5), "%PDF-");
  } else {
    EXPECT_EQ(s.code(), Status::Code::kNotFound);
    EXPECT_NE(s.message().find("ghostscript"), std::string::npos);
  }
}

TEST_F(AudioTest, SheetFormatFollowsTheExtension) {
  EXPECT_EQ(*SheetFormatForPath("a/B.SVG"), SheetFormat::kSvg);
  EXPECT_EQ(*SheetFormatForPath("x.pdf"), SheetFormat::kPdf);
  auto bad = SheetFormatForPath("x.png");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("expected an output ending in .svg or .pdf"), std::string::npos);
}

}  // namespace
}  // namespace abcrnn::midi

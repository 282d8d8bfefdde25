// Specification of the one naming rule for per-tune files (cli/common.h: TuneFileNames,
// TuneFileStem), used by `abcrnn midi`, `abcrnn render` and `abcrnn generate`: STEM-X.EXT, the
// place in the file for a tune without X:, -2, -3 ... for a name already given.
#include <gtest/gtest.h>

#include "cli/common.h"

namespace abcrnn::cli {
namespace {

TEST(TuneFileNamesTest, ANameIsTheStemADashAndTheXNumber) {
  TuneFileNames names(".mid");
  EXPECT_EQ(names.Next("tunes", 3, 1), "tunes-3.mid");
  EXPECT_EQ(names.Next("tunes", 12, 2), "tunes-12.mid");
  EXPECT_EQ(names.renamed(), 0);
  EXPECT_EQ(names.RenamedWarning(), "");
}

TEST(TuneFileNamesTest, ATuneWithoutXIsNamedByItsOneBasedPlaceInTheFile) {
  TuneFileNames names(".svg");
  EXPECT_EQ(names.Next("book", -1, 4), "book-4.svg");
}

TEST(TuneFileNamesTest, ARepeatedNameGetsTheNextFreeSuffixAndOneWarningCountsThem) {
  TuneFileNames names(".mid");
  EXPECT_EQ(names.Next("t", 1, 1), "t-1.mid");
  EXPECT_EQ(names.Next("t", 1, 2), "t-1-2.mid");
  EXPECT_EQ(names.Next("t", 1, 3), "t-1-3.mid");
  EXPECT_EQ(names.Next("u", 1, 1), "u-1.mid") << "another stem is another name";
  EXPECT_EQ(names.renamed(), 2);
  EXPECT_EQ(names.RenamedWarning(),
            "2 tune(s) share an X: number with an earlier tune; each was written under its number and a suffix "
            "(the first: t-1-2.mid), so none replaced another");
}

TEST(TuneFileNamesTest, AnEmptyExtensionGivesStemsForSeveralFilesOfOneTune) {
  TuneFileNames names("");
  EXPECT_EQ(names.Next("tune", 5, 5), "tune-5");
  EXPECT_EQ(names.Next("tune", 5, 5), "tune-5-2");
}

TEST(TuneFileNamesTest, TheStemIsTheInputFileStemOrTuneForStandardInput) {
  EXPECT_EQ(TuneFileStem("data/tunes.abc"), "tunes");
  EXPECT_EQ(TuneFileStem("reels"), "reels");
  EXPECT_EQ(TuneFileStem("-"), "tune");
  EXPECT_EQ(TuneFileStem(""), "tune");
}

TEST(TuneFileNamesTest, MidiFileNamesEndInMidOrMidiInAnyCase) {
  EXPECT_TRUE(IsMidiFileName("one.mid"));
  EXPECT_TRUE(IsMidiFileName("out/One.MIDI"));
  EXPECT_FALSE(IsMidiFileName("midi"));
  EXPECT_FALSE(IsMidiFileName("midi/"));
  EXPECT_FALSE(IsMidiFileName("tune.mid.d"));
}

}  // namespace
}  // namespace abcrnn::cli

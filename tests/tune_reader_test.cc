// TuneReader, the one-tune-at-a-time reader every command uses: over a file read in pieces it
// gives the tunes, texts, line numbers and problems of the whole-text parser, line breaks split
// across pieces included, and refuses binary files as ReadAbcText does.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "abcrnn/abc/parser.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn::abc {
namespace {
namespace fs = std::filesystem;

std::vector<Tune> ReadAll(TuneReader& reader) {
  std::vector<Tune> tunes;
  Tune tune;
  while (reader.Next(&tune)) tunes.push_back(tune);
  EXPECT_TRUE(reader.status().ok()) << reader.status().ToString();
  return tunes;
}

std::string Problems(const Tune& t) {
  std::string s;
  for (const Diagnostic& d : t.diagnostics) s += d.ToString() + "\n";
  return s;
}

// Kind and place of every problem (a message may name another line of the tune).
std::string Places(const Tune& t) {
  std::string s;
  for (const Diagnostic& d : t.diagnostics)
    s += std::string(KindName(d.kind)) + "@" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + " ";
  return s;
}

// Tune for tune the same as `expected`: X:, lines, source text and every problem with its place.
void ExpectSameTunes(const std::vector<Tune>& expected, const std::vector<Tune>& got, const std::string& what) {
  ASSERT_EQ(expected.size(), got.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(expected[i].x, got[i].x) << what << " tune " << i;
    EXPECT_EQ(expected[i].start.line, got[i].start.line) << what << " tune " << i;
    EXPECT_EQ(expected[i].end_line, got[i].end_line) << what << " tune " << i;
    EXPECT_EQ(expected[i].text, got[i].text) << what << " tune " << i;
    EXPECT_EQ(Problems(expected[i]), Problems(got[i])) << what << " tune " << i;
  }
}

// Lines starting "X:", counted by the test's own split (LF, CRLF and CR all end a line).
int XLines(const std::string& text) {
  int n = 0;
  bool line_start = true;
  for (size_t i = 0; i < text.size(); ++i) {
    if (line_start && text.compare(i, 2, "X:") == 0) ++n;
    line_start = text[i] == '\n' || text[i] == '\r';
  }
  return n;
}

std::string TempPath(const std::string& name) {
  return (fs::temp_directory_path() / ("abcrnn_tune_reader_" + std::to_string(::getpid()) + "_" + name)).string();
}

TEST(TuneReader, ReadsEveryCorpusFileTuneForTuneAsTheWholeTextParser) {
  ABCRNN_REQUIRE_CORPUS();
  auto files = ExpandPaths({::abcrnn::testing::CorpusDir()}, {".abc"});
  ASSERT_TRUE(files.ok());
  int tunes = 0;
  for (const std::string& path : *files) {
    auto text = ReadAbcText(path);
    ASSERT_TRUE(text.ok()) << text.status().ToString();
    ParseOptions o;
    o.file_name = path;
    const AbcFile whole = ParseAbcFile(*text, o);
    auto reader = TuneReader::Open(path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    const std::vector<Tune> read = ReadAll(**reader);
    ExpectSameTunes(whole.tunes, read, path);
    EXPECT_EQ(static_cast<int>(read.size()), XLines(*text)) << path;
    // Each tune's text parsed alone gives its problems, moved to the tune's first line.
    for (const Tune& t : read) {
      Tune alone = ParseTune(t.text, o);
      for (Diagnostic& d : alone.diagnostics) d.pos.line += t.start.line - 1;
      ASSERT_EQ(Places(alone), Places(t)) << path << " X:" << t.x;
    }
    tunes += static_cast<int>(read.size());
  }
  std::printf("[ measured ] %d tunes in %zu files read one at a time\n", tunes, files->size());
  EXPECT_GT(tunes, 10000);
}

// A file of tunes a little over one read piece whose line end `eol` has its first byte at the
// piece's last byte: a CRLF is split across two reads.
std::string PieceFile(const std::string& eol) {
  std::string text = "%abc-2.1" + eol + "M:6/8" + eol + eol;
  for (int x = 1; text.size() < TuneReader::kPieceBytes + 4096; ++x) {
    text += "X:" + std::to_string(x) + eol + "T:Tune " + std::to_string(x) + eol + "L:1/8" + eol + "K:G" + eol;
    text += "|:GAB cde|d2B G3:|" + eol + "|:gfe dcB|A2F D2 z/:|" + eol + eol;
  }
  // Pad the comment of the first line until a line end starts at the piece's last byte.
  size_t at = text.rfind(eol, TuneReader::kPieceBytes - 1);
  text.insert(8, std::string(TuneReader::kPieceBytes - 1 - at, '%'));
  EXPECT_EQ(text.compare(TuneReader::kPieceBytes - 1, eol.size(), eol), 0);
  return text;
}

TEST(TuneReader, ALineBreakSplitAcrossReadPiecesIsOneBreak) {
  for (const std::string eol : {"\r\n", "\r", "\n"}) {
    const std::string text = PieceFile(eol);
    const std::string path = TempPath("big.abc");
    ASSERT_TRUE(WriteFileAtomically(path, text).ok());
    ParseOptions o;
    o.file_name = path;
    const AbcFile whole = ParseAbcFile(text, o);
    auto reader = TuneReader::Open(path);
    ASSERT_TRUE(reader.ok());
    const std::vector<Tune> read = ReadAll(**reader);
    ExpectSameTunes(whole.tunes, read, "line end of " + std::to_string(eol.size()) + " byte(s)");
    EXPECT_EQ(static_cast<int>(read.size()), XLines(text));
    ASSERT_EQ((*reader)->file_header().size(), 1u);
    EXPECT_EQ((*reader)->file_header()[0].value, "6/8");
    // Lines counted by the test: the last tune ends on the file's last line but one.
    int lines = 0;
    for (size_t i = 0; i < text.size(); ++i)
      if (text[i] == eol[0]) ++lines;
    EXPECT_EQ(read.back().end_line, lines - 1);
    fs::remove(path);
  }
}

TEST(TuneReader, AByteOrderMarkAndAFileWithoutAFinalLineBreak) {
  const std::string text = "\xEF\xBB\xBFX:1\nK:C\nCDEF|\n\nX:2\nK:D\nDEFG|";
  const std::string path = TempPath("bom.abc");
  ASSERT_TRUE(WriteFileAtomically(path, text).ok());
  auto reader = TuneReader::Open(path);
  ASSERT_TRUE(reader.ok());
  const std::vector<Tune> read = ReadAll(**reader);
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].text, "X:1\nK:C\nCDEF|");
  EXPECT_EQ(read[1].text, "X:2\nK:D\nDEFG|");
  EXPECT_EQ(read[1].start.line, 5);
  fs::remove(path);
}

TEST(TuneReader, RefusesAMidiFileByItsFirstBytesAsReadAbcTextDoes) {
  const std::string path = TempPath("tune.abc");
  ASSERT_TRUE(WriteFileAtomically(path, std::string("MThd\0\0\0\6", 8)).ok());
  auto reader = TuneReader::Open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().ToString(), ReadAbcText(path).status().ToString());
  EXPECT_NE(reader.status().message().find("a MIDI file"), std::string::npos);
  fs::remove(path);
  auto missing = TuneReader::Open(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace abcrnn::abc

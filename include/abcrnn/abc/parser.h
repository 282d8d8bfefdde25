// Parsing ABC text into tunes: whole files (several tunes, free text and a file header before the
// first X:, comments, directives, `\` continuations, LF/CRLF/CR, UTF-8 with a Latin-1 fallback)
// or one tune's text. A single pass, hand-written; never throws, reports problems as
// Diagnostics. Thread-compatible: no shared state.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "abcrnn/abc/tune.h"
#include "abcrnn/util/file.h"
#include "abcrnn/util/status.h"

namespace abcrnn::abc {

struct ParseOptions {
  std::string file_name;   // copied into every Diagnostic::file
  bool check_bars = true;  // run CheckBars (bar lengths, repeats) after parsing each tune
  // The text is an unfinished tune (a sampler's prefix): problems that more text could fix
  // (unterminated slur/chord/string at the very end, a short last bar, no music yet) are not
  // reported.
  bool prefix = false;
  bool keep_text = true;  // fill Tune::text with each tune's source text
  // A music line that ends where a bar is full (the notes since the last bar line fill the meter)
  // and without a bar line ends with one: for collections that write each bar or phrase on its
  // own line and leave the bar line out (Essen's songs). A line that ends mid-bar goes on.
  bool line_end_bars = false;
};

struct AbcFile {
  std::string file_name;
  std::vector<Field> file_header;  // fields before the first X: (a file header), in order
  std::vector<Tune> tunes;
  std::vector<Diagnostic> diagnostics;  // problems outside any tune (e.g. music before X:)
};

// Parses a whole file's text. Tunes start at "X:" lines and end at a blank line (or the next X:).
AbcFile ParseAbcFile(std::string_view text, const ParseOptions& options = {});

// Reads a file's tunes one at a time, in order, so a command's memory is that of one tune and a
// read buffer whatever the file's size. The same tunes, text and line numbers as ParseAbcFile.
// Thread-compatible.
class TuneReader {
 public:
  static constexpr size_t kPieceBytes = size_t{1} << 20;  // read from a file at a time

  // Over text in memory. REQUIRES: `text` outlives the reader.
  TuneReader(std::string_view text, const ParseOptions& options);
  // Over a file read in pieces ("-": standard input); refuses what ReadAbcText refuses.
  // file_name defaults to `path`.
  static Result<std::unique_ptr<TuneReader>> Open(const std::string& path, const ParseOptions& options = {});

  // Parses the next tune into *tune: false at the end of the input or on a read error
  // (status() says which).
  bool Next(Tune* tune);
  const Status& status() const { return status_; }
  // The fields before the first X:, complete once the first tune is read.
  const std::vector<Field>& file_header() const { return file_header_; }

 private:
  TuneReader(FileReader file, const ParseOptions& options);
  // Finds the line starting at byte `at` of the window: its end (before the terminator) and
  // the start of the next line; reads more of the file when the line is not complete. False at
  // the end of the input.
  bool LineAt(size_t at, size_t* end, size_t* next);
  bool Fill();

  ParseOptions options_;
  std::unique_ptr<FileReader> file_;  // null when reading from memory
  std::string buffer_;                // the unread part of the file (file input only)
  std::string_view window_;           // text or buffer_
  size_t pos_ = 0;                    // start of the next line to read
  int32_t line_ = 1;                  // its number
  bool at_end_ = false;               // the file has no more bytes
  bool seen_tune_ = false;
  std::vector<Field> file_header_;
  Status status_;
};

// Parses one tune's text (an X: line is optional; without one, x is -1). Everything before the
// K: line is header. When the text holds several tunes, only the first is returned.
Tune ParseTune(std::string_view text, const ParseOptions& options = {});

// Reads (ReadFile, "-" for standard input) and parses a file; file_name defaults to `path`.
Result<AbcFile> ReadAbcFile(const std::string& path, const ParseOptions& options = {});

// The bytes of `path` as ABC text: InvalidArgument naming the file when it is a MIDI file ("MThd"),
// another known binary format (WAV, PDF, PNG, a checkpoint) or holds NUL bytes, since parsing
// such a file finds no tunes and says nothing useful.
Result<std::string> ReadAbcText(const std::string& path);

}  // namespace abcrnn::abc

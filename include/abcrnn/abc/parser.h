// Parsing ABC text into tunes: whole files (several tunes, free text and a file header before the
// first X:, comments, directives, `\` continuations, LF/CRLF/CR, UTF-8 with a Latin-1 fallback)
// or one tune's text. A single pass, hand-written; never throws, reports problems as
// Diagnostics. Thread-compatible: no shared state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "abcrnn/abc/tune.h"
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
};

struct AbcFile {
  std::string file_name;
  std::vector<Field> file_header;  // fields before the first X: (a file header), in order
  std::vector<Tune> tunes;
  std::vector<Diagnostic> diagnostics;  // problems outside any tune (e.g. music before X:)
};

// Parses a whole file's text. Tunes start at "X:" lines and end at a blank line (or the next X:).
AbcFile ParseAbcFile(std::string_view text, const ParseOptions& options = {});

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

// Files into tunes: splits the text into physical lines (LF, CRLF, CR), keeps the file header
// before the first X:, and hands each tune's lines (X: up to a blank line or the next X:) to a
// TuneParser. Free text between tunes is skipped.
#include "abcrnn/abc/parser.h"

#include "abc/text_util.h"
#include "abc/tune_parser.h"
#include "abcrnn/util/file.h"

namespace abcrnn::abc {
namespace {

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  lines.reserve(text.size() / 30 + 1);
  size_t start = 0;
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    char c = text[i];
    if (c == '\n' || c == '\r') {
      lines.push_back(text.substr(start, i - start));
      if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  if (start < n) lines.push_back(text.substr(start));
  return lines;
}

bool IsBlank(std::string_view line) { return Trim(line).empty(); }
bool IsXLine(std::string_view line) { return line.size() >= 2 && line[0] == 'X' && line[1] == ':'; }

// Parses lines [first, last) as one tune.
Tune ParseLines(const std::vector<std::string_view>& lines, size_t first, size_t last,
                const ParseOptions& options) {
  Tune tune;
  tune.start = SourcePos{static_cast<int32_t>(first) + 1, 1};
  tune.end_line = static_cast<int32_t>(last);
  if (options.keep_text && last > first) {
    const char* b = lines[first].data();
    const char* e = lines[last - 1].data() + lines[last - 1].size();
    tune.text.assign(b, e);
  }
  TuneParser parser(options, &tune, static_cast<int32_t>(last));
  for (size_t i = first; i < last; ++i) parser.Line(lines[i], static_cast<int32_t>(i) + 1);
  parser.Finish();
  return tune;
}

// One past the last line of the tune starting at `first`.
size_t TuneEnd(const std::vector<std::string_view>& lines, size_t first) {
  size_t i = first + 1;
  while (i < lines.size() && !IsBlank(lines[i]) && !IsXLine(lines[i])) ++i;
  return i;
}

std::string_view StripBom(std::string_view text) {
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
    text.remove_prefix(3);
  return text;
}

}  // namespace

AbcFile ParseAbcFile(std::string_view text, const ParseOptions& options) {
  AbcFile file;
  file.file_name = options.file_name;
  std::vector<std::string_view> lines = SplitLines(StripBom(text));
  bool seen_tune = false;
  size_t i = 0;
  while (i < lines.size()) {
    std::string_view line = lines[i];
    if (IsXLine(line)) {
      size_t end = TuneEnd(lines, i);
      file.tunes.push_back(ParseLines(lines, i, end, options));
      seen_tune = true;
      i = end;
      continue;
    }
    if (!seen_tune) {
      std::string_view t = Trim(line);
      if (t.size() >= 2 && t[1] == ':' &&
          ((t[0] >= 'A' && t[0] <= 'Z') || (t[0] >= 'a' && t[0] <= 'z'))) {
        Field f;
        f.letter = t[0];
        f.pos = SourcePos{static_cast<int32_t>(i) + 1, 1};
        std::string_view v = Trim(StripComment(t.substr(2)));
        f.value = IsValidUtf8(v) ? std::string(v) : Latin1ToUtf8(v);
        file.file_header.push_back(std::move(f));
      }
    }
    ++i;
  }
  return file;
}

Tune ParseTune(std::string_view text, const ParseOptions& options) {
  std::vector<std::string_view> lines = SplitLines(StripBom(text));
  size_t first = 0;
  while (first < lines.size() && !IsXLine(lines[first])) ++first;
  size_t end;
  if (first < lines.size()) {
    end = TuneEnd(lines, first);
  } else {
    // No X: line: the text from its first non-blank line to the next blank line.
    first = 0;
    while (first < lines.size() && IsBlank(lines[first])) ++first;
    end = first;
    while (end < lines.size() && !IsBlank(lines[end])) ++end;
  }
  return ParseLines(lines, first, end, options);
}

Result<std::string> ReadAbcText(const std::string& path) {
  Result<std::string> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  const std::string_view s = *bytes;
  auto starts = [&s](std::string_view magic) { return s.substr(0, magic.size()) == magic; };
  auto refuse = [&path](const std::string& what, const std::string& hint) {
    return Status::InvalidArgument(path + ": expected ABC text, got " + what + "; hint: " + hint);
  };
  if (starts("MThd"))
    return refuse("a MIDI file", "abcrnn midi writes MIDI from ABC; to read MIDI as ABC, convert it first (midi2abc)");
  if (starts("RIFF")) return refuse("a WAV (RIFF) file", "pass the ABC file the audio was made from");
  if (starts("%PDF")) return refuse("a PDF file", "pass the ABC file the sheet music was made from");
  if (starts("\x89PNG")) return refuse("a PNG image", "pass an ABC file");
  if (starts("ABCRNN")) return refuse("an abcrnn binary file (a checkpoint or index)", "pass it with --model");
  if (s.substr(0, 4096).find('\0') != std::string_view::npos)
    return refuse("a binary file (it holds NUL bytes)", "pass an ABC text file");
  return bytes;
}

Result<AbcFile> ReadAbcFile(const std::string& path, const ParseOptions& options) {
  Result<std::string> bytes = ReadAbcText(path);
  if (!bytes.ok()) return bytes.status();
  ParseOptions o = options;
  if (o.file_name.empty()) o.file_name = path;
  return ParseAbcFile(*bytes, o);
}

}  // namespace abcrnn::abc

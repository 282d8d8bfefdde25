// Files into tunes: splits the text into physical lines (LF, CRLF, CR), keeps the file header
// before the first X:, and hands each tune's lines (X: up to a blank line or the next X:) to a
// TuneParser. Free text between tunes is skipped.
#include "abcrnn/abc/parser.h"

#include "abc/text_util.h"
#include "abc/tune_parser.h"
#include "abcrnn/util/file.h"

namespace abcrnn::abc {
namespace {

constexpr size_t kSniffBytes = 4096;     // read before judging whether a file is text

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

// Parses `text` (whole lines, the first numbered `first_line`) as one tune.
Tune ParseTuneText(std::string_view text, int32_t first_line, const ParseOptions& options) {
  const std::vector<std::string_view> lines = SplitLines(text);
  const int32_t last_line = first_line + static_cast<int32_t>(lines.size()) - 1;
  Tune tune;
  tune.start = SourcePos{first_line, 1};
  tune.end_line = last_line;
  if (options.keep_text) tune.text.assign(text);
  TuneParser parser(options, &tune, last_line);
  for (size_t i = 0; i < lines.size(); ++i) parser.Line(lines[i], first_line + static_cast<int32_t>(i));
  parser.Finish();
  return tune;
}

// Parses lines [first, last) of a split text as one tune.
Tune ParseLines(const std::vector<std::string_view>& lines, size_t first, size_t last,
                const ParseOptions& options) {
  if (last <= first) {
    Tune tune;
    tune.start = SourcePos{static_cast<int32_t>(first) + 1, 1};
    tune.end_line = static_cast<int32_t>(last);
    TuneParser parser(options, &tune, static_cast<int32_t>(last));
    parser.Finish();
    return tune;
  }
  const char* b = lines[first].data();
  const char* e = lines[last - 1].data() + lines[last - 1].size();
  return ParseTuneText(std::string_view(b, static_cast<size_t>(e - b)), static_cast<int32_t>(first) + 1, options);
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

// A field line of the file header (before the first X:), or false.
bool FileHeaderField(std::string_view line, int32_t line_number, Field* f) {
  std::string_view t = Trim(line);
  if (t.size() < 2 || t[1] != ':' || !((t[0] >= 'A' && t[0] <= 'Z') || (t[0] >= 'a' && t[0] <= 'z'))) return false;
  f->letter = t[0];
  f->pos = SourcePos{line_number, 1};
  std::string_view v = Trim(StripComment(t.substr(2)));
  f->value = IsValidUtf8(v) ? std::string(v) : Latin1ToUtf8(v);
  return true;
}

// What ReadAbcText refuses, judged from the first bytes of the file.
Status CheckAbcBytes(const std::string& path, std::string_view s) {
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
  if (s.substr(0, kSniffBytes).find('\0') != std::string_view::npos)
    return refuse("a binary file (it holds NUL bytes)", "pass an ABC text file");
  return Status::OK();
}

}  // namespace

TuneReader::TuneReader(std::string_view text, const ParseOptions& options)
    : options_(options), window_(StripBom(text)), at_end_(true) {}

TuneReader::TuneReader(FileReader file, const ParseOptions& options)
    : options_(options), file_(std::make_unique<FileReader>(std::move(file))) {}

Result<std::unique_ptr<TuneReader>> TuneReader::Open(const std::string& path, const ParseOptions& options) {
  Result<FileReader> file = FileReader::Open(path);
  if (!file.ok()) return file.status();
  ParseOptions o = options;
  if (o.file_name.empty()) o.file_name = path;
  std::unique_ptr<TuneReader> reader(new TuneReader(std::move(file).value(), o));
  while (!reader->at_end_ && reader->buffer_.size() < kSniffBytes)
    if (!reader->Fill()) return reader->status_;
  Status s = CheckAbcBytes(path, reader->buffer_);
  if (!s.ok()) return s;
  reader->buffer_.erase(0, reader->buffer_.size() - StripBom(reader->buffer_).size());
  reader->window_ = reader->buffer_;
  return reader;
}

bool TuneReader::Fill() {
  Result<size_t> n = file_->Append(&buffer_, kPieceBytes);
  window_ = buffer_;
  if (!n.ok()) {
    status_ = n.status();
    at_end_ = true;
    return false;
  }
  if (*n == 0) at_end_ = true;
  return true;
}

bool TuneReader::LineAt(size_t at, size_t* end, size_t* next) {
  size_t i = at;
  for (;;) {
    const size_t n = window_.size();
    while (i < n && window_[i] != '\n' && window_[i] != '\r') ++i;
    if (i < n && !(window_[i] == '\r' && i + 1 == n && !at_end_)) {  // a CR needs the byte after it
      *end = i;
      *next = window_[i] == '\r' && i + 1 < n && window_[i + 1] == '\n' ? i + 2 : i + 1;
      return true;
    }
    if (at_end_) {
      if (at >= n) return false;
      *end = *next = n;
      return true;
    }
    if (!Fill()) return false;
  }
}

bool TuneReader::Next(Tune* tune) {
  if (!status_.ok()) return false;
  if (file_ && pos_ > buffer_.size() / 2) {  // drop what was read, a half at a time
    buffer_.erase(0, pos_);
    window_ = buffer_;
    pos_ = 0;
  }
  size_t end, next;
  while (LineAt(pos_, &end, &next)) {
    if (IsXLine(window_.substr(pos_, end - pos_))) {
      // The tune: this line up to a blank line, the next X: line or the end.
      const size_t start = pos_;
      const int32_t first_line = line_;
      size_t tune_end = end, at = next, line_end, line_next;
      int32_t lines = 1;
      while (LineAt(at, &line_end, &line_next)) {
        std::string_view l = window_.substr(at, line_end - at);
        if (IsBlank(l) || IsXLine(l)) break;
        tune_end = line_end;
        at = line_next;
        ++lines;
      }
      if (!status_.ok()) return false;
      pos_ = at;
      line_ = first_line + lines;
      seen_tune_ = true;
      *tune = ParseTuneText(window_.substr(start, tune_end - start), first_line, options_);
      return true;
    }
    Field f;
    if (!seen_tune_ && FileHeaderField(window_.substr(pos_, end - pos_), line_, &f)) file_header_.push_back(std::move(f));
    pos_ = next;
    ++line_;
  }
  return false;
}

AbcFile ParseAbcFile(std::string_view text, const ParseOptions& options) {
  AbcFile file;
  file.file_name = options.file_name;
  TuneReader reader(text, options);
  Tune tune;
  while (reader.Next(&tune)) file.tunes.push_back(std::move(tune));
  file.file_header = reader.file_header();
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
  Status s = CheckAbcBytes(path, *bytes);
  if (!s.ok()) return s;
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

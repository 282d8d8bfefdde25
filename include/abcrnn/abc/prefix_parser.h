// Parsing a tune that grows at its end, as a sampler writes it: each Parse gives what
// ParseTune(text, options) gives, with options.prefix set, but reads again only the text's last
// line. The lines before it are parsed once, into a snapshot of the parser that every later text
// extending them resumes from (the parser reads a tune line by line, and a line before the last
// is never at the open end of a prefix). Strict decoding asks several questions per character of
// a 400-character tune; re-parsing the whole prefix for each was most of generate's time.
// One PrefixParser per growing text (not thread-safe; cheap to move).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "abcrnn/abc/parser.h"
#include "abcrnn/abc/tune.h"

namespace abcrnn::abc {

class TuneParser;

class PrefixParser {
 public:
  // `options.prefix` is set whatever it says; keep_text is honoured.
  explicit PrefixParser(ParseOptions options);
  ~PrefixParser();
  PrefixParser(PrefixParser&&) noexcept;
  PrefixParser& operator=(PrefixParser&&) noexcept;

  // Equals ParseTune(text, options). Texts the snapshot cannot stand for (an X: line, a blank
  // line, a carriage return, a byte-order mark) are parsed whole, as ParseTune parses them.
  // The tune lives in this parser until its next Parse (copy it to keep it).
  const Tune& Parse(std::string_view text);

  // The characters of the text the snapshot holds (for tests and benchmarks).
  size_t snapshot_chars() const { return done_.size(); }

 private:
  // Feeds the snapshot the complete lines of text[done_.size(), end); false (and the snapshot
  // dropped) when one of them is one the snapshot cannot stand for.
  bool Extend(std::string_view text, size_t end);
  void Reset();

  std::unique_ptr<ParseOptions> options_;  // the parsers hold a reference: a stable address
  std::string done_;                       // the snapshot's text: whole lines, each with its '\n'
  int32_t lines_ = 0;                      // lines in done_
  std::unique_ptr<Tune> tune_;
  std::unique_ptr<TuneParser> parser_;
  Tune scratch_;  // the last Parse's tune
};

}  // namespace abcrnn::abc

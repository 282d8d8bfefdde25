// PrefixParser (abc/prefix_parser.h): a snapshot of the parser after a text's lines but its last,
// extended as the text grows, copied to read the last line.
#include "abcrnn/abc/prefix_parser.h"

#include <cstdint>
#include <limits>

#include "abc/tune_parser.h"

namespace abcrnn::abc {
namespace {

// A line the snapshot can stand for: ParseTune would take it as one more line of the same tune
// (not blank, not an X: line starting another) and split the text there as we do (no '\r').
bool PlainLine(std::string_view line) {
  if (line.find('\r') != std::string_view::npos) return false;
  if (line.size() >= 2 && line[0] == 'X' && line[1] == ':') return false;
  return line.find_first_not_of(" \t") != std::string_view::npos;
}

// Where the text's last line begins: after its last '\n', or after the one before a final '\n'
// (ParseTune's lines do not include an empty one after a final line break).
size_t LastLineStart(std::string_view text) {
  if (text.empty()) return 0;
  const size_t from = text.back() == '\n' ? text.size() - 1 : text.size();
  if (from == 0) return 0;
  const size_t nl = text.rfind('\n', from - 1);
  return nl == std::string_view::npos ? 0 : nl + 1;
}

}  // namespace

PrefixParser::PrefixParser(ParseOptions options) : options_(std::make_unique<ParseOptions>(std::move(options))) {
  options_->prefix = true;
  Reset();
}

PrefixParser::~PrefixParser() = default;
PrefixParser::PrefixParser(PrefixParser&&) noexcept = default;
PrefixParser& PrefixParser::operator=(PrefixParser&&) noexcept = default;

void PrefixParser::Reset() {
  done_.clear();
  lines_ = 0;
  tune_ = std::make_unique<Tune>();
  tune_->start = SourcePos{1, 1};
  // No line of the snapshot is at the open end: the text's last line is read by each Parse.
  parser_ = std::make_unique<TuneParser>(*options_, tune_.get(), std::numeric_limits<int32_t>::max());
}

bool PrefixParser::Extend(std::string_view text, size_t end) {
  size_t at = done_.size();
  while (at < end) {
    const size_t nl = text.find('\n', at);
    const std::string_view line = text.substr(at, nl - at);
    if (!PlainLine(line)) {
      Reset();
      return false;
    }
    parser_->Line(line, ++lines_);
    at = nl + 1;
  }
  done_.append(text.substr(done_.size(), end - done_.size()));
  return true;
}

const Tune& PrefixParser::Parse(std::string_view text) {
  const bool bom = text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF;
  const size_t last = LastLineStart(text);
  if (bom || text.compare(0, done_.size(), done_) != 0 || done_.size() > last) Reset();
  if (bom || !Extend(text, last)) return scratch_ = ParseTune(text, *options_);
  std::string_view rest = text.substr(last);
  if (!rest.empty() && rest.back() == '\n') rest.remove_suffix(1);
  // Empty: the text ends with a blank line, which ends the tune at the line before it.
  if (rest.empty() || !PlainLine(rest)) return scratch_ = ParseTune(text, *options_);
  // Copy-assigned, not constructed: the elements the last question's tune had at the same places
  // (the snapshot's, as a rule) keep their storage, so the copy allocates nothing.
  scratch_ = *tune_;
  Tune& tune = scratch_;
  TuneParser parser(*parser_, *options_, &tune);
  const int32_t n = lines_ + 1;
  parser.set_last_line(n);
  tune.end_line = n;
  parser.Line(rest, n);
  parser.Finish();
  if (options_->keep_text) {
    tune.text.assign(text);
    if (!tune.text.empty() && tune.text.back() == '\n') tune.text.pop_back();
  }
  return tune;
}

}  // namespace abcrnn::abc

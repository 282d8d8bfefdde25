// Vocab: building from texts (characters, or characters and musical units), checking stored
// symbol lists, encoding and decoding.
#include "abcrnn/vocab/vocab.h"

#include <algorithm>
#include <map>
#include <set>

#include "abcrnn/vocab/tokenizer.h"

namespace abcrnn {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
size_t Utf8Length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  if (n == 2 && c < 0xC2) return 0;  // overlong
  return n;
}

// Code point of one UTF-8 character (already split).
uint32_t CodePoint(const std::string& ch) {
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(ch[k])); };
  switch (ch.size()) {
    case 1: return b(0);
    case 2: return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3: return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default: return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

// True when `s` is whole valid UTF-8 characters.
bool ValidUtf8(std::string_view s) {
  size_t k = 0;
  while (k < s.size() && Utf8Length(s, k) > 0) k += Utf8Length(s, k);
  return k == s.size();
}

std::string Printable(const std::string& ch) {
  if (ch.size() == 1 && (static_cast<unsigned char>(ch[0]) < 0x20 || ch[0] == 0x7F)) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(ch[0]));
    return buf;
  }
  return ch;
}

}  // namespace

std::vector<std::string> SplitCharacters(std::string_view text) {
  std::vector<std::string> out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8Length(text, i);
    if (n == 0) {  // Latin-1 fallback: the byte's value as a code point
      unsigned char c = static_cast<unsigned char>(text[i]);
      out.push_back(std::string{static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))});
      i += 1;
    } else {
      out.emplace_back(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

const char* TokenizerName(Tokenizer t) { return t == Tokenizer::kToken ? "token" : "char"; }

Result<Tokenizer> ParseTokenizer(std::string_view name) {
  if (name == "char") return Tokenizer::kChar;
  if (name == "token") return Tokenizer::kToken;
  return Status::InvalidArgument("tokenizer: expected char or token, got '" + std::string(name) + "'");
}

Vocab::Vocab() {
  Add(kBosSymbol);
  Add(kEosSymbol);
}

void Vocab::Add(std::string symbol) {
  const int id = size();
  ids_[symbol] = id;
  chars_.push_back(id < 2 ? 0 : static_cast<int>(SplitCharacters(symbol).size()));
  symbols_.push_back(std::move(symbol));
}

Vocab Vocab::Build(const std::vector<std::string>& texts) {
  std::set<std::string> seen;
  for (const auto& t : texts)
    for (auto& ch : SplitCharacters(t)) seen.insert(std::move(ch));
  std::vector<std::string> chars(seen.begin(), seen.end());
  std::sort(chars.begin(), chars.end(),
            [](const std::string& a, const std::string& b) { return CodePoint(a) < CodePoint(b); });
  Vocab v;
  for (auto& ch : chars) v.Add(std::move(ch));
  return v;
}

Vocab Vocab::BuildTokens(const std::vector<std::string>& texts, int min_count) {
  Vocab v = Build(texts);
  v.tokenizer_ = Tokenizer::kToken;
  std::map<std::string, int> counts;  // units of several characters, sorted by their bytes
  for (const auto& t : texts)
    for (auto& unit : SplitMusicalUnits(t))
      if (SplitCharacters(unit).size() > 1 && ValidUtf8(unit)) ++counts[std::move(unit)];
  for (auto& [unit, n] : counts)
    if (n >= min_count) v.Add(unit);
  return v;
}

Result<Vocab> Vocab::FromSymbols(std::vector<std::string> symbols, Tokenizer tokenizer) {
  if (symbols.size() < 2 || symbols[0] != kBosSymbol || symbols[1] != kEosSymbol)
    return Status::Corruption("vocabulary: expected <bos> and <eos> as symbols 0 and 1");
  Vocab v;
  v.tokenizer_ = tokenizer;
  for (size_t i = 2; i < symbols.size(); ++i) {
    const std::string& s = symbols[i];
    if (tokenizer == Tokenizer::kChar && (s.empty() || Utf8Length(s, 0) != s.size()))
      return Status::Corruption("vocabulary: symbol " + std::to_string(i) +
                                " is not a single UTF-8 character");
    if (tokenizer == Tokenizer::kToken && (s.empty() || !ValidUtf8(s)))
      return Status::Corruption("vocabulary: symbol " + std::to_string(i) + " is not a non-empty UTF-8 string");
    if (v.ids_.count(s) != 0)
      return Status::Corruption("vocabulary: symbol " + std::to_string(i) + " ('" + Printable(s) +
                                "') appears twice");
    v.Add(s);
  }
  return v;
}

int Vocab::Id(std::string_view symbol) const {
  auto it = ids_.find(std::string(symbol));
  return it == ids_.end() || it->second < 2 ? -1 : it->second;
}

Result<std::vector<int>> Vocab::Encode(std::string_view text) const {
  std::vector<int> ids;
  ids.reserve(text.size());
  size_t line = 1, column = 1;
  auto add_char = [&](const std::string& ch) -> Status {
    const int id = Id(ch);
    if (id < 0)
      return Status::InvalidArgument("character '" + Printable(ch) + "' at line " + std::to_string(line) +
                                     ", column " + std::to_string(column) +
                                     " is not in the model's vocabulary; remove it or use a model "
                                     "trained on text that has it");
    ids.push_back(id);
    if (ch == "\n") {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    return Status::OK();
  };
  if (tokenizer_ == Tokenizer::kChar) {
    for (const auto& ch : SplitCharacters(text))
      if (Status s = add_char(ch); !s.ok()) return s;
    return ids;
  }
  for (const auto& unit : SplitMusicalUnits(text)) {
    const int id = Id(unit);
    if (id >= 0 && chars_[id] > 1) {  // a token of several characters (never a newline)
      ids.push_back(id);
      column += static_cast<size_t>(chars_[id]);
      continue;
    }
    for (const auto& ch : SplitCharacters(unit))
      if (Status s = add_char(ch); !s.ok()) return s;
  }
  return ids;
}

std::string Vocab::Decode(const std::vector<int>& ids) const {
  std::string out;
  for (int id : ids)
    if (id >= 2 && id < size()) out += symbols_[id];
  return out;
}

}  // namespace abcrnn

// The vocabulary: the symbols a model reads and writes, with the tokenizer that cuts text into
// them (recorded in the checkpoint). Ids are dense ints: 0 = <bos>, 1 = <eos>, then every Unicode
// character (code point, stored as its UTF-8 bytes) seen in the training tunes, sorted by code
// point; a token vocabulary then adds the musical units (vocab/tokenizer.h) of several
// characters seen often enough, sorted by their bytes. So the same texts always give the same
// ids. A symbol's text is whole characters; decoding is concatenation. Immutable after
// construction; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "abcrnn/util/status.h"

namespace abcrnn {

// How text becomes symbols. kChar: each character. kToken: each musical unit that is a symbol,
// else the unit's characters (so any text of known characters tokenises).
enum class Tokenizer { kChar, kToken };
// "char" or "token": the names `abcrnn train --vocab` and the checkpoint use.
const char* TokenizerName(Tokenizer t);
// InvalidArgument naming the known names otherwise.
Result<Tokenizer> ParseTokenizer(std::string_view name);

class Vocab {
 public:
  static constexpr int kBos = 0;
  static constexpr int kEos = 1;
  static constexpr const char* kBosSymbol = "<bos>";
  static constexpr const char* kEosSymbol = "<eos>";
  // A musical unit of several characters becomes a token when the training tunes have it at
  // least this often; rarer ones (a title, a one-off length) are spelled in characters.
  static constexpr int kMinTokenCount = 3;

  Vocab();  // just <bos> and <eos>, characters

  // Every character of `texts`. Invalid UTF-8 bytes are taken as Latin-1 characters.
  static Vocab Build(const std::vector<std::string>& texts);
  // Every character of `texts` and every musical unit of several characters seen at least
  // `min_count` times.
  static Vocab BuildTokens(const std::vector<std::string>& texts, int min_count = kMinTokenCount);
  // From a stored symbol list (a checkpoint's): symbols[0] must be <bos>, symbols[1] <eos>, the
  // rest distinct single characters (kChar) or distinct non-empty UTF-8 strings (kToken).
  // Corruption otherwise, naming the bad entry.
  static Result<Vocab> FromSymbols(std::vector<std::string> symbols, Tokenizer tokenizer = Tokenizer::kChar);

  Tokenizer tokenizer() const { return tokenizer_; }
  int size() const { return static_cast<int>(symbols_.size()); }
  const std::vector<std::string>& symbols() const { return symbols_; }
  // REQUIRES: 0 <= id < size().
  const std::string& symbol(int id) const { return symbols_[id]; }
  // Characters in symbol `id` (0 for <bos> and <eos>). REQUIRES: 0 <= id < size().
  int chars(int id) const { return chars_[id]; }
  // Id of one symbol given as UTF-8; -1 when it is not in the vocabulary.
  int Id(std::string_view symbol) const;

  // The ids of `text`'s symbols (no <bos>/<eos> added). A character that is in no symbol is an
  // InvalidArgument error that names it, its position, and says how to proceed.
  Result<std::vector<int>> Encode(std::string_view text) const;
  // The text of `ids`; <bos> and <eos> become nothing.
  std::string Decode(const std::vector<int>& ids) const;

  bool operator==(const Vocab& other) const {
    return tokenizer_ == other.tokenizer_ && symbols_ == other.symbols_;
  }

 private:
  void Add(std::string symbol);

  Tokenizer tokenizer_ = Tokenizer::kChar;
  std::vector<std::string> symbols_;
  std::vector<int> chars_;
  std::unordered_map<std::string, int> ids_;
};

// Splits UTF-8 text into characters (each as its bytes). An invalid byte becomes the UTF-8 of the
// Latin-1 character with that value, so every byte string splits without error.
std::vector<std::string> SplitCharacters(std::string_view text);

}  // namespace abcrnn

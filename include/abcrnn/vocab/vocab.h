// The character vocabulary: every Unicode character (code point, stored as its UTF-8 bytes) seen
// in the training tunes, plus the begin-of-tune and end-of-tune symbols. Ids are dense ints:
// 0 = <bos>, 1 = <eos>, then the characters sorted by code point, so the same texts always give
// the same ids. Immutable after construction; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "abcrnn/util/status.h"

namespace abcrnn {

class Vocab {
 public:
  static constexpr int kBos = 0;
  static constexpr int kEos = 1;
  static constexpr const char* kBosSymbol = "<bos>";
  static constexpr const char* kEosSymbol = "<eos>";

  Vocab();  // just <bos> and <eos>

  // Every character of `texts`. Invalid UTF-8 bytes are taken as Latin-1 characters.
  static Vocab Build(const std::vector<std::string>& texts);
  // From a stored symbol list (a checkpoint's): symbols[0] must be <bos>, symbols[1] <eos>, the
  // rest distinct single characters. Corruption otherwise, naming the bad entry.
  static Result<Vocab> FromSymbols(std::vector<std::string> symbols);

  int size() const { return static_cast<int>(symbols_.size()); }
  const std::vector<std::string>& symbols() const { return symbols_; }
  // REQUIRES: 0 <= id < size().
  const std::string& symbol(int id) const { return symbols_[id]; }
  // Id of one character given as UTF-8; -1 when it is not in the vocabulary.
  int Id(std::string_view character) const;

  // The ids of `text`'s characters (no <bos>/<eos> added). An unknown character is an
  // InvalidArgument error that names it, its position, and says how to proceed.
  Result<std::vector<int>> Encode(std::string_view text) const;
  // The text of `ids`; <bos> and <eos> become nothing.
  std::string Decode(const std::vector<int>& ids) const;

  bool operator==(const Vocab& other) const { return symbols_ == other.symbols_; }

 private:
  std::vector<std::string> symbols_;
  std::unordered_map<std::string, int> ids_;
};

// Splits UTF-8 text into characters (each as its bytes). An invalid byte becomes the UTF-8 of the
// Latin-1 character with that value, so every byte string splits without error.
std::vector<std::string> SplitCharacters(std::string_view text);

}  // namespace abcrnn

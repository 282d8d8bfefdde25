// Strict generation: which next characters keep a growing tune valid ABC (parsed as it grows with
// the ABC parser's prefix mode), and when a tune may end. Used by GenerateTunes when strict.
// Stateless and thread-safe. A question re-parses the tune (tens of microseconds), or with a
// per-tune cache only its last line (abc/prefix_parser.h).
#pragma once

#include <string>

#include "abcrnn/abc/prefix_parser.h"

namespace abcrnn {

// REQUIRES: `text` is a tune prefix in training form (abc/clean.h) that this checker accepted
// character by character (or a prime).
class StrictChecker {
 public:
  // With `enforce_form`, a tune whose header has a form line ("N:form 8+8", abc/controls.h) must
  // also keep that form: parts close exactly at their bar counts, and the tune may end only when
  // its last part has closed (infer/form_guard.h has the rules).
  explicit StrictChecker(bool enforce_form = false) : enforce_form_(enforce_form) {}

  // A cache for the questions below about one growing tune: the parse of its lines before the
  // last, kept between questions. Pass the same cache for the same tune (a text that does not
  // extend the cached one is still answered right, from scratch); nullptr: no cache. The answers
  // are the same with or without one.
  static abc::PrefixParser NewCache();

  // True when `text` + `next` (one character as UTF-8, or a token of several: then each of its
  // characters in turn; not <bos>/<eos>) can still become a valid tune: no blank line or line of spaces (it would end the tune), no X: line, only ABC 2.1 field letters (no X:, V:
  // or unknown ones), M: and L: before K:, header lines (before the K: line is
  // complete) are fields and parse once their line ends, and music parses in prefix mode without
  // errors (syntax, overfull bars, endings without repeats, ...), allowing a last token that a bar
  // line would complete (":" of ":|"). A field line in the music is judged when it ends.
  bool AllowsNext(const std::string& text, const std::string& next, abc::PrefixParser* cache = nullptr) const;

  // How many characters of `text`, read one at a time from the start as AllowsNext reads them,
  // are a valid beginning: all of them (SplitCharacters(text).size()) when the whole text is; else
  // the place of the first refused one.
  size_t ValidPrefixChars(const std::string& text) const;

  // True when `text` is a whole valid tune: it parses with no errors, has its K: and at least one
  // note, ends with a bar line (trailing spaces and newlines aside) that opens nothing (not |: or
  // ::), and every |: repeat is closed by a :|.
  bool IsComplete(const std::string& text) const;
  // True when the music of `text` has gone more than kMaxStall characters without a note or rest
  // (field lines' letters are not notes): the tune has stalled. Real tunes in training form never
  // do (longest run in ../shared/data's cleaned tunes: 22, bar-line junk aside); a model that has
  // closed a short bar in mid-tune, where no note may follow, writes tuplet marks and bar lines
  // instead, and generation treats that as a dead end.
  bool Stalled(const std::string& text) const;
  static constexpr int kMaxStall = 24;

  // With a form kept: true when the part being written has its full length, so only the bar
  // line that closes it (or the tune's end) may come next.
  bool AtPartEnd(const std::string& text, abc::PrefixParser* cache = nullptr) const;

  // True when `text`'s header asks no final ("N:final 1", abc/controls.h), or the tune ends on
  // it (abc::FinalSemitones). Asked where a whole tune would end.
  bool EndsOnAskedFinal(const std::string& text) const;

 private:
  bool enforce_form_;
};

}  // namespace abcrnn

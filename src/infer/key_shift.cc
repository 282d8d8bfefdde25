// Keys with a key-normalised model: the prime moved to the model's tonic, the tunes moved back.
#include "abcrnn/infer/key_shift.h"

#include "abcrnn/abc/key.h"
#include "abcrnn/abc/parser.h"
#include "abcrnn/abc/transpose.h"
#include "abcrnn/abc/writer.h"

namespace abcrnn {
namespace {

int Mod12(int a) { return ((a % 12) + 12) % 12; }

// The text of `tune` moved `semitones`, in training form; `keep_open` leaves an unfinished last
// bar open (a prime) and ends with a newline only where `text` did.
Result<std::string> Move(const std::string& full_text, int semitones, bool keep_open, const std::string& tonic = "") {
  // Control lines (S:, R:, N:; abc/controls.h) lead the header and do not move with the key.
  size_t controls = 0;
  while (controls + 1 < full_text.size() && (full_text.compare(controls, 2, "S:") == 0 ||
                                             full_text.compare(controls, 2, "R:") == 0 ||
                                             full_text.compare(controls, 2, "N:") == 0)) {
    const size_t nl = full_text.find('\n', controls);
    if (nl == std::string::npos) break;
    controls = nl + 1;
  }
  const std::string head = full_text.substr(0, controls);
  const std::string text = full_text.substr(controls);
  abc::ParseOptions po;
  po.prefix = keep_open;  // a prime is unfinished: a repeat it opens may close later
  abc::Tune tune = abc::ParseTune(text, po);
  if (Status s = abc::CheckRewritable(tune); !s.ok()) return s;
  Result<abc::Tune> moved = abc::TransposeTune(tune, semitones);
  if (!tonic.empty()) {
    Result<abc::SpelledNote> spelled = abc::ParseTonic(tonic);
    if (!spelled.ok()) return spelled.status();
    moved = abc::TransposeToSpelledTonic(tune, semitones, *spelled);
  }
  if (!moved.ok()) return moved.status();
  abc::WriteOptions wo = abc::WriteOptions::Training();
  wo.write_x = false;
  if (keep_open) wo.close_last_bar = false;
  std::string out = abc::WriteTune(*moved, wo);
  if (keep_open && !text.empty() && text.back() != '\n' && !out.empty() && out.back() == '\n') out.pop_back();
  return head + out;
}

}  // namespace

Result<KeyShift> PlanKeyShift(const std::string& prime, const std::string& model_tonic) {
  KeyShift plan;
  plan.model_prime = prime;
  if (model_tonic.empty()) return plan;
  Result<abc::SpelledNote> tonic = abc::ParseTonic(model_tonic);
  if (!tonic.ok()) return Status::InvalidArgument("the model's tonic: " + tonic.status().message());
  // The first complete K: line (the header's end in training form).
  size_t at = prime.rfind("K:", 0) == 0 ? 0 : prime.find("\nK:");
  if (at == std::string::npos) return plan;
  if (at != 0) ++at;
  const size_t end = prime.find('\n', at);
  if (end == std::string::npos) return plan;
  Result<abc::KeySignature> key = abc::ParseKey(prime.substr(at + 2, end - at - 2));
  if (!key.ok()) return Status::InvalidArgument("the prime's K: line: " + key.status().message());
  if (key->none) return plan;
  // The tonic's pitch class (K:Hp sounds as A mixolydian).
  const int from = key->highland_pipes ? 9 : abc::LetterSemitones(key->tonic) + abc::AccidentalSemitones(key->tonic_accidental);
  int semitones = Mod12(from - (abc::LetterSemitones(tonic->letter) + tonic->alter));
  if (semitones > 5) semitones -= 12;  // the inverse of cleaning's move (at most 6 up, 5 down)
  if (semitones == 0) return plan;
  Result<std::string> moved = Move(prime, -semitones, /*keep_open=*/true);
  if (!moved.ok()) return Status::InvalidArgument("the prime: " + moved.status().message());
  plan.model_prime = *moved;
  plan.semitones = semitones;
  if (!key->highland_pipes) {
    const int alter = abc::AccidentalSemitones(key->tonic_accidental);
    plan.tonic = std::string(1, key->tonic) + (alter > 0 ? "#" : alter < 0 ? "b" : "");
  }
  return plan;
}

Result<std::string> ShiftTune(const std::string& text, int semitones, const std::string& tonic) {
  if (semitones == 0) return text;
  return Move(text, semitones, /*keep_open=*/false, tonic);
}

}  // namespace abcrnn

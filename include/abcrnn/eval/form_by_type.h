// Form per tune type: the R: field names a tune's type (reel, jig, ...); for each type with
// enough tunes in both a generated and a reference set, the share with repeats, the share with
// parts of equal length, the mean bars and the share that ends on the tonic of each. Used by
// `abcrnn eval`; doc/eval.md.
#pragma once

#include <string>
#include <vector>

#include "abcrnn/eval/form.h"

namespace abcrnn::abc {
struct Tune;
}

namespace abcrnn::eval {

// The type the tune's header R: field names, as abc::NormaliseTuneType gives it ("R:Double Jig"
// -> "jig"); the first R: that names a known type; "" when none does (no guessing from the meter).
std::string TuneTypeOf(const abc::Tune& tune);

struct TypeForm {
  int tunes = 0;
  double repeats = 0;      // share of the tunes with repeats (TuneForm::has_repeats)
  double equal_parts = 0;  // share with parts of equal length (TuneForm::equal_parts)
  double mean_bars = 0;    // mean of TuneForm::bars
  int tonic_tunes = 0;     // tunes with a tonic and notes (TuneForm::ends_on_tonic >= 0)
  double ends_on_tonic = 0;  // share of those that end on it; 0 when tonic_tunes is 0
};

struct TypeFormRow {
  std::string type;
  TypeForm generated, reference;
};

// One row per type with at least `min_tunes` tunes in both sets, the generated set's most common
// type first (ties by name). Tunes of type "" are left out.
// REQUIRES: each forms vector parallel to its types vector.
std::vector<TypeFormRow> FormByType(const std::vector<TuneForm>& generated_forms,
                                    const std::vector<std::string>& generated_types,
                                    const std::vector<TuneForm>& reference_forms,
                                    const std::vector<std::string>& reference_types,
                                    int min_tunes = 5);

}  // namespace abcrnn::eval

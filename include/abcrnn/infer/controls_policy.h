// What a generated tune is asked to be: the controls the user gave (type, style, parts, bars,
// meter, unit, key), checked against what the model knows (its ControlTable), and the rest drawn
// per tune from the training tunes' combinations that agree with them, seeded. Used by the
// generation session (infer/session.h). Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "abcrnn/abc/control_table.h"
#include "abcrnn/abc/controls.h"
#include "abcrnn/infer/sampler.h"
#include "abcrnn/util/status.h"

namespace abcrnn {

// Empty strings and -1: not given (drawn).
struct ControlRequest {
  std::string style;        // "oneills1850"
  std::string type;         // "reel" (abc::NormaliseTuneType accepts "Reel", "slip-jig" ...)
  int parts = -1;           // number of parts
  int bars = -1;            // bars per part
  std::string meter;        // "6/8"
  std::string unit_length;  // "1/8"
  std::string key;          // "Ador", "D"
  int final_semitones = -1;  // the last note, semitones above the tonic (abc::ParseDegree of "5": 7)
  std::string beat;          // "even", "mixed", "dotted" (abc::BeatOf)
};

// The whole header of one tune, ready to prime a model trained with controls.
struct DrawnControls {
  abc::TuneControls controls;
  std::string meter, unit_length, key;  // key in the tune's own tonic ("Dmix")
  // "S:..\nR:..\nN:form ..\nM:..\nL:..\nK:..\n" in training form.
  std::string Header() const;
};

// InvalidArgument (the message names what the model knows, with counts) when a control is not
// one the model knows (--rhythm foo, a style it was not trained on), a number given is out of
// range (--parts 0, --bars 65), the key or meter does not parse, no training tune has the given
// type and style together, or a final or a beat is asked of a model whose tunes did not say theirs.
Status CheckRequest(const abc::ControlTable& table, ControlRequest* request);

// Draws the controls of one tune. Rows of the table that agree with the given type and style
// (always), then with the meter, the unit, the key's mode, the parts, the bars, the final and the
// beat (each only while some row still agrees), are drawn in proportion to their counts; what the
// user gave then overrides the drawn row (parts and bars set the form: parts x bars, or the drawn
// form's other number). A table with finals or beats (a model trained with --final, --beat) draws
// them with the row.
// REQUIRES: CheckRequest(table, &request) passed.
DrawnControls DrawControls(const abc::ControlTable& table, const ControlRequest& request, Rng& rng);

// The random stream tune `index` draws its controls from: separate from the one it samples its
// characters from (Rng::ForStream(seed, index)), so the same seed gives the same tune with or
// without a given control that the draw would have chosen anyway.
Rng ControlStream(uint64_t seed, int index);

// "style oneills1850 (812), nottingham (630) ...; type reel (...)": what `--list-controls` prints,
// one line per control.
std::string DescribeControls(const abc::ControlTable& table);

}  // namespace abcrnn

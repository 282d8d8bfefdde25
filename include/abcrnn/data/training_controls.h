// The control table of a model's training tunes (abc/control_table.h): the cleaned tunes on the
// training side of the split, counted by style, type, form (with its repeats), meter, unit and
// key. Written by abcrnn-train into the checkpoint, and by `abcrnn export --controls-from` into
// an older one. No LibTorch; a pure function, thread-safe.
#pragma once

#include "abcrnn/abc/clean.h"
#include "abcrnn/abc/control_table.h"

namespace abcrnn {

// Counts the tunes of `cleaned` (cleaned with CleanOptions::controls) that SplitTunes puts on the
// training side at `valid_fraction` and `valid_per_type`.
abc::ControlTable TrainingControlTable(const CleanResult& cleaned, double valid_fraction, int valid_per_type);

}  // namespace abcrnn

// The LibTorch boundary: runs a piece of LibTorch work and turns any c10::Error or std::exception
// it throws into a Status, so no LibTorch exception leaves src/model or src/train.
#pragma once

#include <functional>
#include <string>

#include "abcrnn/util/status.h"

namespace abcrnn {

// Runs `fn`; a thrown exception becomes Status::Internal("<what>: <exception text>").
Status CatchTorch(const std::string& what, const std::function<Status()>& fn);

}  // namespace abcrnn

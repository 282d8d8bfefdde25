// CatchTorch: LibTorch's exceptions (c10::Error carries a long backtrace) become one-line Statuses.
#include "model/torch_boundary.h"

#include <c10/util/Exception.h>

namespace abcrnn {

Status CatchTorch(const std::string& what, const std::function<Status()>& fn) {
  try {
    return fn();
  } catch (const c10::Error& e) {
    return Status::Internal(what + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    return Status::Internal(what + ": " + e.what());
  }
}

}  // namespace abcrnn

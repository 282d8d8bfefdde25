// Option checks with messages people read: "--temperature: expected a number of 0 or more, got
// -1" where CLI11's own range checks print the range up to the largest double.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace abcrnn::cli {

// A number >= 0 (`positive` false) or > 0 (`positive` true).
inline CLI::Validator NumberAtLeastZero(bool positive = false) {
  return CLI::Validator(
      [positive](std::string& value) -> std::string {
        double v = 0;
        size_t used = 0;
        try {
          v = std::stod(value, &used);
        } catch (...) {
          used = 0;
        }
        if (used == 0 || used != value.size())
          return "expected a number, got '" + value + "'";
        if (positive ? !(v > 0) : !(v >= 0))
          return std::string("expected a number ") + (positive ? "above 0" : "of 0 or more") + ", got " + value;
        return "";
      },
      positive ? "NUMBER > 0" : "NUMBER >= 0");
}

}  // namespace abcrnn::cli

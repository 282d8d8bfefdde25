// The progress display of abcrnn-train: a bar on a terminal, plain lines in a pipe or a file.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "cli/train_cli.h"

namespace abcrnn::cli {
namespace {

std::string Duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  char buf[32];
  long t = std::lround(s);
  if (t >= 3600) {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t / 60) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  }
  return buf;
}

}  // namespace

Progress::Progress(bool enabled, bool lines)
    : enabled_(enabled), lines_(lines), tty_(::isatty(STDERR_FILENO) == 1) {}

void Progress::Step(const StepInfo& s) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if (since < (tty_ ? 0.2 : 10.0) && s.step != s.total_steps) return;
  last_ = now;
  const double frac = s.total_steps > 0 ? std::min(1.0, static_cast<double>(s.step) / s.total_steps) : 0;
  char buf[256];
  if (tty_) {
    constexpr int kWidth = 24;
    std::string bar(kWidth, ' ');
    for (int i = 0; i < static_cast<int>(frac * kWidth); ++i) bar[i] = '=';
    std::snprintf(buf, sizeof buf, "\r[%s] %3.0f%% step %lld/%lld epoch %lld (%.0f%%) loss %.3f %.0f chars/s %s left\033[K",
                  bar.c_str(), 100 * frac, static_cast<long long>(s.step), static_cast<long long>(s.total_steps),
                  static_cast<long long>(s.epoch + 1), 100 * s.epoch_fraction, s.loss, s.chars_per_s,
                  Duration(s.eta_s).c_str());
    std::fputs(buf, stderr);
    bar_shown_ = true;
  } else {
    std::snprintf(buf, sizeof buf, "abcrnn-train: step %lld/%lld epoch %lld (%.0f%%) loss %.4f lr %.2e %.0f chars/s, %s left\n",
                  static_cast<long long>(s.step), static_cast<long long>(s.total_steps),
                  static_cast<long long>(s.epoch + 1), 100 * s.epoch_fraction, s.loss, s.lr, s.chars_per_s,
                  Duration(s.eta_s).c_str());
    std::fputs(buf, stderr);
  }
  std::fflush(stderr);
}

void Progress::Line(const std::string& text) {
  if (!lines_) return;
  if (bar_shown_) std::fputs("\r\033[K", stderr);
  bar_shown_ = false;
  std::fputs(("abcrnn-train: " + text + "\n").c_str(), stderr);
  std::fflush(stderr);
}

void Progress::Finish() {
  if (bar_shown_) std::fputs("\n", stderr);
  bar_shown_ = false;
}

}  // namespace abcrnn::cli

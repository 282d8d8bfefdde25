// Sheet music from ABC text through abcm2ps (an external program): SVG with `abcm2ps -g`, PDF
// with abcm2ps's PostScript converted by ps2pdf. Missing programs give a NotFound status that
// says which Debian package to install.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "abcrnn/util/status.h"

namespace abcrnn::midi {

enum class SheetFormat { kSvg, kPdf };

// kSvg for ".svg", kPdf for ".pdf" (case-insensitive); InvalidArgument otherwise.
Result<SheetFormat> SheetFormatForPath(const std::string& path);

struct SheetOptions {
  std::string abcm2ps = "abcm2ps";  // program name (looked up on PATH) or path
  std::string ps2pdf = "ps2pdf";
  // Each program is stopped (SIGKILL) after this many seconds: abcm2ps loops forever on some
  // input (an M: of a hundred huge terms). 0: no limit.
  double time_limit_s = 30;
  // Asked while a program runs (every 10 ms); true stops it and returns Internal("interrupted"),
  // the temporary folder removed. Unset: never.
  const std::atomic<bool>* stop = nullptr;
};

// Engraves `abc_text` (one or more tunes; every tune is engraved) into `out_path`, written
// atomically. SVG: abcm2ps writes one SVG per tune; the first tune's is kept (give one tune).
// Fails with NotFound ("... apt-get install abcm2ps" / "ghostscript") when a program is missing,
// InvalidArgument with abcm2ps's own messages when it writes nothing.
Status RenderSheet(std::string_view abc_text, const std::string& out_path, SheetFormat format,
                   const SheetOptions& options = {});

// True when `program` (a name on PATH or a path) can be executed.
bool ProgramAvailable(const std::string& program);

}  // namespace abcrnn::midi

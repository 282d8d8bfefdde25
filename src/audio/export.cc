// ExportTune: ABC text to .abc, .mid, .wav and .svg files side by side.
#include "abcrnn/midi/export.h"

#include <filesystem>

#include "abcrnn/midi/tune_midi.h"
#include "abcrnn/util/file.h"

namespace abcrnn::midi {
namespace fs = std::filesystem;

Result<ExportedFiles> ExportTune(std::string_view abc_text, const std::string& dir, const std::string& stem,
                                 const ExportOptions& options) {
  if (stem.empty() || stem.find('/') != std::string::npos)
    return Status::InvalidArgument("export: expected a file stem without '/', got '" + stem + "'");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("export: cannot create the folder " + dir + ": " + ec.message());
  ExportedFiles out;
  auto path = [&](const char* ext) { return (fs::path(dir) / (stem + ext)).string(); };
  if (options.abc) {
    Status s = WriteFileAtomically(path(".abc"), abc_text);
    if (!s.ok()) return s;
    out.written.push_back(path(".abc"));
  }
  if (options.midi || options.wav) {
    auto smf = AbcToMidi(abc_text, options.perform);
    if (!smf.ok()) return smf.status();
    if (options.midi) {
      Status s = WriteFileAtomically(path(".mid"), *smf);
      if (!s.ok()) return s;
      out.written.push_back(path(".mid"));
    }
    if (options.wav) {
      Status s = WriteWavFromSmf(path(".wav"), *smf, options.synth);
      if (s.ok()) out.written.push_back(path(".wav"));
      else if (s.code() == Status::Code::kIOError) return s;
      else out.skipped.push_back("wav: " + s.ToString());
    }
  }
  if (options.svg) {
    // abcm2ps wants X: before the tune; the training form has none.
    std::string text(abc_text);
    if (text.rfind("X:", 0) != 0 && text.find("\nX:") == std::string::npos) text = "X:1\n" + text;
    Status s = RenderSheet(text, path(".svg"), SheetFormat::kSvg, options.sheet);
    if (s.ok()) out.written.push_back(path(".svg"));
    else if (s.code() == Status::Code::kIOError) return s;
    else out.skipped.push_back("svg: " + s.ToString());
  }
  return out;
}

}  // namespace abcrnn::midi

// Downloads (see downloads.h): the project's own MIDI, audio and sheet renderers, one tune each.
#include "serve/downloads.h"

#include <stdlib.h>

#include <filesystem>

#include "abcrnn/midi/sheet.h"
#include "abcrnn/midi/synth.h"
#include "abcrnn/midi/tune_midi.h"
#include "abcrnn/midi/wav.h"
#include "abcrnn/util/file.h"

namespace abcrnn::serve {
namespace {

// The SVG abcm2ps engraves, through a folder of our own under the system's temporary folder.
Result<std::string> Svg(const std::string& abc, double time_limit_s) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "abcrnn-serve-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) return Status::IOError("svg: cannot make a temporary folder");
  const std::string out = tmpl + "/tune.svg";
  midi::SheetOptions o;
  o.time_limit_s = time_limit_s;
  Status st = midi::RenderSheet(abc, out, midi::SheetFormat::kSvg, o);
  Result<std::string> bytes = st.ok() ? ReadFile(out) : Result<std::string>(st);
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  return bytes;
}

}  // namespace

Result<Download> MakeDownload(const std::string& abc, const std::string& format, const midi::PerformOptions& perform,
                              double time_limit_s) {
  if (format == "abc") return Download{abc, "text/vnd.abc; charset=utf-8"};
  if (format == "svg") {
    Result<std::string> svg = Svg(abc, time_limit_s);
    if (!svg.ok()) return svg.status();
    return Download{std::move(*svg), "image/svg+xml"};
  }
  if (format != "mid" && format != "wav")
    return Status::InvalidArgument("format: expected abc, mid, wav or svg, got '" + format.substr(0, 20) + "'");
  Result<std::string> smf = midi::AbcToMidi(abc, perform);
  if (!smf.ok()) return Status::InvalidArgument("the tune cannot be played: " + smf.status().message());
  if (format == "mid") return Download{std::move(*smf), "audio/midi"};
  Result<midi::Pcm> pcm = midi::RenderSmf(*smf);
  if (!pcm.ok()) return pcm.status();
  Result<std::string> wav = midi::EncodeWav(*pcm);
  if (!wav.ok()) return wav.status();
  return Download{std::move(*wav), "audio/wav"};
}

}  // namespace abcrnn::serve

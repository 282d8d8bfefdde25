// Performance to Standard MIDI File: times to ticks, the meta track, one track per voice.
#include "abcrnn/midi/tune_midi.h"

#include "abcrnn/abc/parser.h"

namespace abcrnn::midi {

int64_t ToTicks(const abc::Fraction& whole_notes, int division) {
  abc::Fraction t = whole_notes * (int64_t{4} * division);
  if (!t.valid()) return 0;
  int64_t q = t.num() / t.den();
  if (t.num() < 0 && q * t.den() != t.num()) --q;  // floor for negative values
  return q;
}

Smf PerformanceToSmf(const Performance& performance, const PerformOptions& options) {
  Smf smf;
  smf.format = 1;
  smf.division = kDefaultDivision;
  SmfTrack meta;
  if (!performance.title.empty()) meta.events.push_back(TrackName(0, performance.title));
  for (const auto& t : performance.tempi) meta.events.push_back(Tempo(ToTicks(t.at), t.microseconds_per_quarter));
  for (const auto& m : performance.meters)
    meta.events.push_back(TimeSignature(ToTicks(m.at), m.numerator, m.denominator));
  for (const auto& k : performance.keys) meta.events.push_back(KeySignature(ToTicks(k.at), k.sharps, k.minor));
  SmfEvent end;
  end.tick = ToTicks(performance.end);
  end.status = 0xFF;
  end.meta_type = 0x06;  // marker
  end.data = "end";
  meta.events.push_back(end);
  smf.tracks.push_back(std::move(meta));

  int voices = 0;
  for (const auto& n : performance.notes) voices = std::max(voices, n.voice + 1);
  for (int v = 0; v < voices; ++v) {
    int channel = v < 9 ? v : std::min(15, v + 1);  // channel 9 is General MIDI's drum kit
    SmfTrack track;
    track.events.push_back(ProgramChange(0, channel, options.program & 0x7F));
    for (const auto& n : performance.notes) {
      if (n.voice != v) continue;
      int64_t on = ToTicks(n.onset), off = ToTicks(n.onset + n.duration);
      if (off <= on) continue;  // shorter than a tick
      track.events.push_back(NoteOn(on, channel, n.key, n.velocity));
      track.events.push_back(NoteOff(off, channel, n.key));
    }
    smf.tracks.push_back(std::move(track));
  }
  return smf;
}

Result<std::string> TuneToMidi(const abc::Tune& tune, const PerformOptions& options) {
  auto performance = Perform(tune, options);
  if (!performance.ok()) return performance.status();
  return EncodeSmf(PerformanceToSmf(*performance, options));
}

Result<std::string> AbcToMidi(std::string_view abc_text, const PerformOptions& options) {
  abc::ParseOptions parse;
  parse.keep_text = false;
  abc::AbcFile file = abc::ParseAbcFile(abc_text, parse);
  if (file.tunes.empty()) {
    abc::Tune tune = abc::ParseTune(abc_text, parse);
    if (!tune.has_key || tune.voices.empty())
      return Status::InvalidArgument("expected an ABC tune (K: and music), got none");
    return TuneToMidi(tune, options);
  }
  return TuneToMidi(file.tunes.front(), options);
}

}  // namespace abcrnn::midi

// Offline MIDI synthesis with FluidSynth: a player driven by the synth's sample clock, pulled
// 64 frames at a time with fluid_synth_write_s16 for the music's length plus a tail.
// Compiled without FluidSynth (ABCRNN_HAVE_FLUIDSYNTH=0) it reports Unsupported.
#include "abcrnn/midi/synth.h"

#include <filesystem>
#include <memory>

#include "abcrnn/midi/smf.h"
#include "abcrnn/util/file.h"

#if ABCRNN_HAVE_FLUIDSYNTH
#include <fluidsynth.h>
#endif

namespace abcrnn::midi {

#if ABCRNN_HAVE_FLUIDSYNTH
namespace {

struct SettingsDeleter {
  void operator()(fluid_settings_t* s) const { delete_fluid_settings(s); }
};
struct SynthDeleter {
  void operator()(fluid_synth_t* s) const { delete_fluid_synth(s); }
};
struct PlayerDeleter {
  void operator()(fluid_player_t* p) const { delete_fluid_player(p); }
};

}  // namespace

Result<Pcm> RenderSmf(std::string_view smf_bytes, const SynthOptions& options) {
  // The music's length from our own reader (FluidSynth's player keeps going a while after the
  // last event, so its status does not say where the music ends).
  auto smf = DecodeSmf(smf_bytes);
  if (!smf.ok()) return smf.status();
  const int64_t music_frames = int64_t(DurationSeconds(*smf) * options.sample_rate + 0.5);
  const int64_t tail_frames = int64_t(options.tail_seconds * options.sample_rate + 0.5);
  if (music_frames > int64_t(options.sample_rate) * 3600)
    return Status::InvalidArgument("MIDI file: expected at most an hour of music, got " +
                                   std::to_string(music_frames / options.sample_rate) + " s");

  std::error_code ec;
  if (!std::filesystem::is_regular_file(options.sound_font, ec))
    return Status::NotFound("sound font: expected a file at " + options.sound_font +
                            ", got none (apt-get install fluid-soundfont-gm)");
  if (options.sample_rate < 8000 || options.sample_rate > 96000)
    return Status::InvalidArgument("synth: expected a sample rate of 8000..96000, got " +
                                   std::to_string(options.sample_rate));
  // FluidSynth prints its own warnings on standard error; only errors matter here.
  fluid_set_log_function(FLUID_WARN, nullptr, nullptr);
  fluid_set_log_function(FLUID_INFO, nullptr, nullptr);
  fluid_set_log_function(FLUID_DBG, nullptr, nullptr);
  std::unique_ptr<fluid_settings_t, SettingsDeleter> settings(new_fluid_settings());
  if (!settings) return Status::Internal("FluidSynth: cannot create settings");
  fluid_settings_setnum(settings.get(), "synth.sample-rate", options.sample_rate);
  fluid_settings_setnum(settings.get(), "synth.gain", options.gain);
  fluid_settings_setint(settings.get(), "synth.lock-memory", 0);
  fluid_settings_setint(settings.get(), "synth.cpu-cores", 1);
  fluid_settings_setstr(settings.get(), "player.timing-source", "sample");
  std::unique_ptr<fluid_synth_t, SynthDeleter> synth(new_fluid_synth(settings.get()));
  if (!synth) return Status::Internal("FluidSynth: cannot create a synthesiser");
  if (fluid_synth_sfload(synth.get(), options.sound_font.c_str(), 1) == FLUID_FAILED)
    return Status::InvalidArgument("sound font: expected a SoundFont 2 file at " + options.sound_font +
                                   ", got one FluidSynth cannot load");
  std::unique_ptr<fluid_player_t, PlayerDeleter> player(new_fluid_player(synth.get()));
  if (!player) return Status::Internal("FluidSynth: cannot create a player");
  if (fluid_player_add_mem(player.get(), smf_bytes.data(), smf_bytes.size()) != FLUID_OK)
    return Status::InvalidArgument("FluidSynth: expected a Standard MIDI File, got bytes it refuses");
  if (fluid_player_play(player.get()) != FLUID_OK)
    return Status::InvalidArgument("FluidSynth: cannot play the MIDI file");

  constexpr int kBlock = 64;  // FluidSynth's internal block size, in frames
  Pcm pcm;
  pcm.sample_rate = options.sample_rate;
  pcm.channels = 2;
  int16_t block[2 * kBlock];
  auto render_block = [&]() -> bool {
    if (fluid_synth_write_s16(synth.get(), kBlock, block, 0, 2, block, 1, 2) != FLUID_OK) return false;
    pcm.samples.insert(pcm.samples.end(), block, block + 2 * kBlock);
    return true;
  };
  while (pcm.frames() < music_frames + tail_frames)
    if (!render_block()) return Status::Internal("FluidSynth: rendering failed");
  pcm.samples.resize(2 * (music_frames + tail_frames));  // exact length, not whole blocks
  return pcm;
}

#else  // !ABCRNN_HAVE_FLUIDSYNTH

Result<Pcm> RenderSmf(std::string_view, const SynthOptions&) {
  return Status::Unsupported(
      "audio: expected abcrnn built with FluidSynth, got a build without it "
      "(apt-get install libfluidsynth-dev, then configure again)");
}

#endif

Status WriteWavFromSmf(const std::string& path, std::string_view smf_bytes, const SynthOptions& options) {
  auto pcm = RenderSmf(smf_bytes, options);
  if (!pcm.ok()) return pcm.status();
  auto wav = EncodeWav(*pcm);
  if (!wav.ok()) return wav.status();
  return WriteFileAtomically(path, *wav);
}

}  // namespace abcrnn::midi

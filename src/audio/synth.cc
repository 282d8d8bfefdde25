// Offline MIDI synthesis with FluidSynth: a player driven by the synth's sample clock, pulled
// 64 frames at a time with fluid_synth_write_s16 for the music's length plus a tail.
// FluidSynth is opened (dlopen) the first time a note is rendered: the sixty or so libraries it
// pulls in are not loaded by the programs and commands that never play one.
// Compiled without FluidSynth's header (ABCRNN_HAVE_FLUIDSYNTH=0) it reports Unsupported.
#include "abcrnn/midi/synth.h"

#include <filesystem>
#include <memory>
#include <string>
#include <type_traits>

#include "abcrnn/midi/smf.h"
#include "abcrnn/util/file.h"

#if ABCRNN_HAVE_FLUIDSYNTH
#include <dlfcn.h>
#include <fluidsynth.h>
#endif

namespace abcrnn::midi {

#if ABCRNN_HAVE_FLUIDSYNTH
namespace {

// The FluidSynth functions used here, from the library opened at run time.
struct Fluid {
  decltype(&fluid_set_log_function) set_log_function = nullptr;
  decltype(&new_fluid_settings) new_settings = nullptr;
  decltype(&delete_fluid_settings) delete_settings = nullptr;
  decltype(&fluid_settings_setnum) settings_setnum = nullptr;
  decltype(&fluid_settings_setint) settings_setint = nullptr;
  decltype(&fluid_settings_setstr) settings_setstr = nullptr;
  decltype(&new_fluid_synth) new_synth = nullptr;
  decltype(&delete_fluid_synth) delete_synth = nullptr;
  decltype(&fluid_synth_sfload) synth_sfload = nullptr;
  decltype(&fluid_synth_write_s16) synth_write_s16 = nullptr;
  decltype(&new_fluid_player) new_player = nullptr;
  decltype(&delete_fluid_player) delete_player = nullptr;
  decltype(&fluid_player_add_mem) player_add_mem = nullptr;
  decltype(&fluid_player_play) player_play = nullptr;
  std::string error;  // why it could not be opened; empty when every function was found
};

Fluid Open() {
  Fluid f;
  void* lib = nullptr;
  for (const char* name : {"libfluidsynth.so.3", "libfluidsynth.so.2", "libfluidsynth.so"})
    if ((lib = ::dlopen(name, RTLD_NOW | RTLD_LOCAL)) != nullptr) break;
  if (lib == nullptr) {
    f.error = "audio: expected FluidSynth's library (libfluidsynth.so.3), got none: " + std::string(::dlerror()) +
              " (apt-get install libfluidsynth3)";
    return f;
  }
  auto find = [&](auto* slot, const char* symbol) {
    *slot = reinterpret_cast<std::remove_pointer_t<decltype(slot)>>(::dlsym(lib, symbol));
    if (*slot == nullptr && f.error.empty()) f.error = std::string("audio: FluidSynth's library lacks ") + symbol;
  };
  find(&f.set_log_function, "fluid_set_log_function");
  find(&f.new_settings, "new_fluid_settings");
  find(&f.delete_settings, "delete_fluid_settings");
  find(&f.settings_setnum, "fluid_settings_setnum");
  find(&f.settings_setint, "fluid_settings_setint");
  find(&f.settings_setstr, "fluid_settings_setstr");
  find(&f.new_synth, "new_fluid_synth");
  find(&f.delete_synth, "delete_fluid_synth");
  find(&f.synth_sfload, "fluid_synth_sfload");
  find(&f.synth_write_s16, "fluid_synth_write_s16");
  find(&f.new_player, "new_fluid_player");
  find(&f.delete_player, "delete_fluid_player");
  find(&f.player_add_mem, "fluid_player_add_mem");
  find(&f.player_play, "fluid_player_play");
  return f;  // the library stays open for the life of the process
}

// Opened once, on first use (thread-safe: a function-local static).
const Fluid& Api() {
  static const Fluid api = Open();
  return api;
}

struct SettingsDeleter {
  void operator()(fluid_settings_t* s) const { Api().delete_settings(s); }
};
struct SynthDeleter {
  void operator()(fluid_synth_t* s) const { Api().delete_synth(s); }
};
struct PlayerDeleter {
  void operator()(fluid_player_t* p) const { Api().delete_player(p); }
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
  const Fluid& fl = Api();
  if (!fl.error.empty()) return Status::Unsupported(fl.error);
  // FluidSynth prints its own warnings on standard error; only errors matter here.
  fl.set_log_function(FLUID_WARN, nullptr, nullptr);
  fl.set_log_function(FLUID_INFO, nullptr, nullptr);
  fl.set_log_function(FLUID_DBG, nullptr, nullptr);
  std::unique_ptr<fluid_settings_t, SettingsDeleter> settings(fl.new_settings());
  if (!settings) return Status::Internal("FluidSynth: cannot create settings");
  fl.settings_setnum(settings.get(), "synth.sample-rate", options.sample_rate);
  fl.settings_setnum(settings.get(), "synth.gain", options.gain);
  fl.settings_setint(settings.get(), "synth.lock-memory", 0);
  fl.settings_setint(settings.get(), "synth.cpu-cores", 1);
  fl.settings_setstr(settings.get(), "player.timing-source", "sample");
  std::unique_ptr<fluid_synth_t, SynthDeleter> synth(fl.new_synth(settings.get()));
  if (!synth) return Status::Internal("FluidSynth: cannot create a synthesiser");
  if (fl.synth_sfload(synth.get(), options.sound_font.c_str(), 1) == FLUID_FAILED)
    return Status::InvalidArgument("sound font: expected a SoundFont 2 file at " + options.sound_font +
                                   ", got one FluidSynth cannot load");
  std::unique_ptr<fluid_player_t, PlayerDeleter> player(fl.new_player(synth.get()));
  if (!player) return Status::Internal("FluidSynth: cannot create a player");
  if (fl.player_add_mem(player.get(), smf_bytes.data(), smf_bytes.size()) != FLUID_OK)
    return Status::InvalidArgument("FluidSynth: expected a Standard MIDI File, got bytes it refuses");
  if (fl.player_play(player.get()) != FLUID_OK)
    return Status::InvalidArgument("FluidSynth: cannot play the MIDI file");

  constexpr int kBlock = 64;  // FluidSynth's internal block size, in frames
  Pcm pcm;
  pcm.sample_rate = options.sample_rate;
  pcm.channels = 2;
  int16_t block[2 * kBlock];
  auto render_block = [&]() -> bool {
    if (fl.synth_write_s16(synth.get(), kBlock, block, 0, 2, block, 1, 2) != FLUID_OK) return false;
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

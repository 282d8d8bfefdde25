// Options shared by `abcrnn midi`, `abcrnn render` and `abcrnn generate --render / --format midi`:
// instrument, tempo, transposition, what to play.
#include <CLI/CLI.hpp>

#include "cli/midi_options.h"

namespace abcrnn::cli {

Result<midi::PerformOptions> MidiOptionsArgs::ToOptions() const {
  if (program < 1 || program > 128)
    return Status::InvalidArgument("--program: expected a General MIDI program 1..128 (41 violin, 74 flute), got " +
                                   std::to_string(program));
  if (transpose < -48 || transpose > 48)
    return Status::InvalidArgument("--transpose: expected -48..48 semitones, got " + std::to_string(transpose));
  if (tempo < 1 || tempo > 1000)
    return Status::InvalidArgument("--tempo: expected 1..1000 quarter notes per minute, got " + std::to_string(tempo));
  midi::PerformOptions o;
  o.program = program - 1;
  o.transpose = transpose;
  o.grace_notes = !no_grace;
  o.ornaments = !no_ornaments;
  o.staccato = !no_staccato;
  o.fermata = !no_fermata;
  o.default_quarters_per_minute = tempo;
  return o;
}

void AddMidiOptions(CLI::App* sub, MidiOptionsArgs* args) {
  sub->add_option("--program", args->program, "General MIDI instrument, 1..128 (41 violin, 74 flute)")
      ->capture_default_str();
  sub->add_option("--transpose", args->transpose, "Semitones to shift every note")->capture_default_str();
  sub->add_option("--tempo", args->tempo, "Quarter notes per minute when the tune has no Q:")->capture_default_str();
  sub->add_flag("--no-grace", args->no_grace, "Do not play grace notes");
  sub->add_flag("--no-ornaments", args->no_ornaments, "Play rolls (~) and trills (T) as plain notes");
  sub->add_flag("--no-staccato", args->no_staccato, "Play staccato notes at full length");
  sub->add_flag("--no-fermata", args->no_fermata, "Do not lengthen notes under a fermata");
}

}  // namespace abcrnn::cli

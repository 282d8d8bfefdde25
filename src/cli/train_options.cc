// abcrnn-train's options: declared once here, grouped, each with its default and help text.
#include <CLI/CLI.hpp>

#include "abcrnn/abc/form_clock.h"
#include "cli/train_cli.h"

namespace abcrnn::cli {

void AddTrainOptions(CLI::App& app, TrainCliOptions& o) {
  TrainOptions& t = o.train;
  const std::string data = "Data", model = "Model", optim = "Optimisation", eval = "Evaluation", run = "Run";
  app.add_option("--data", o.data, "ABC files or folders (*.abc below), '-' for standard input; repeatable")
      ->group(data);
  app.add_option("--valid-fraction", t.valid_fraction, "Share of tunes kept for validation, chosen by a hash of "
                 "each cleaned tune")->capture_default_str()->group(data);
  app.add_option("--valid-per-type", t.valid_per_type, "Hold out about this many tunes of each type (R:) for "
                 "validation, at most 40% of a type (with --controls; 0: --valid-fraction for all)")
      ->capture_default_str()->group(data);
  app.add_option("--oversample", o.oversample, "Train on each training tune of TYPE N times per epoch, e.g. "
                 "hornpipe=2, so a type with few tunes is seen more often (needs --controls; the split and the "
                 "controls generate draws from stay as they are); repeatable")->type_name("TYPE=N")->group(data);
  app.add_option("--batching", o.batching, "bucket: tunes of similar length side by side, each from a zero state "
                 "as in generation, padded and masked; pack: tunes end to end in --batch lanes, state carried "
                 "across tunes (no padding, but a model that has rarely seen a tune start from a zero state)")->check(CLI::IsMember({"bucket", "pack"}))
      ->capture_default_str()->group(data);
  app.add_option("--augment-transpose", t.augment_transpose, "Also train on every training tune transposed by "
                 "these semitones, e.g. -2,2,5 (validation tunes are never augmented)")->delimiter(',')->group(data);
  app.add_flag("--keep-fields", o.clean.keep_fields, "Cleaning: keep T:, R: and other fields")->group(data);
  app.add_flag("--keep-comments", o.clean.keep_comments, "Cleaning: keep % comments and %% directives")->group(data);
  app.add_flag("--keep-lyrics", o.clean.keep_lyrics, "Cleaning: keep w: and W: lyrics")->group(data);
  app.add_flag("--keep-chords,--keep-chord-symbols", o.clean.keep_chord_symbols, "Cleaning: keep \"Am\" chords, annotations")
      ->group(data);
  app.add_flag("--keep-decorations", o.clean.keep_decorations, "Cleaning: keep decorations")->group(data);
  app.add_flag("--keep-graces,--keep-grace-notes", o.clean.keep_grace_notes, "Cleaning: keep {grace notes}")->group(data);
  app.add_flag("--keep-slurs", o.clean.keep_slurs, "Cleaning: keep slurs")->group(data);
  app.add_flag("!--keep-duplicates", o.clean.drop_duplicates, "Cleaning: keep tunes whose music repeats an "
               "earlier one")->group(data);
  app.add_flag("--controls", o.clean.controls, "Cleaning: write each tune's style (--data NAME=PATH, else its "
               "folder), type (R:) and form (N:form 8+8) before M:, so generate can ask for them")->group(data);
  app.add_flag("--form-repeats", o.clean.form_repeats, "Cleaning, with --controls: the form line also says "
               "which parts repeat (N:form 8+8 AABB), so generate keeps them (changes the split)")->group(data);
  app.add_flag("--final", o.clean.final_degree, "Cleaning, with --controls: a line says on which degree of the "
               "key each tune ends (N:final 1, N:final 3), so generate can ask for it (the split stays)")->group(data);
  app.add_flag("--beat", o.clean.beat, "Cleaning, with --controls: a line says how much of each tune is in "
               "dotted pairs (N:beat even, mixed, dotted), so generate can ask for it (the split stays)")->group(data);
  app.add_option("--transpose-to", o.clean.transpose_to, "Cleaning: transpose every tune to this tonic (C, D, ...)")
      ->group(data);
  app.add_flag("--line-end-bars", o.clean.line_end_bars, "Cleaning: a music line that ends where a bar is full "
               "has a bar line there (Essen's songs leave it out)")->group(data);
  app.add_flag("--collapse-empty-bars", o.clean.collapse_empty_bars, "Cleaning: runs of bar lines with no note "
               "between become one bar line")->group(data);

  app.add_option("--vocab", o.vocab, "Vocabulary: char (every character a symbol) or token (musical units: a "
                 "note with its accidental, octave and length, a bar line, a tuplet or broken-rhythm mark, a field "
                 "line; rare units spelled in characters), recorded in the checkpoint; --resume keeps the "
                 "checkpoint's")
      ->check(CLI::IsMember({"char", "token"}))->capture_default_str()->group(model);
  app.add_option("--cell", t.cell, "Recurrent cell: lstm or gru (PyTorch's torch.nn.LSTM or torch.nn.GRU), "
                 "recorded as the checkpoint's architecture")
      ->check(CLI::IsMember({"lstm", "gru"}))->capture_default_str()->group(model);
  app.add_option("--layers", t.layers, "Recurrent layers (L)")->capture_default_str()->group(model);
  app.add_option("--hidden", t.hidden, "Units per recurrent layer (H)")->capture_default_str()->group(model);
  app.add_option("--embed", t.embed, "Character embedding size (E)")->capture_default_str()->group(model);
  app.add_option("--dropout", t.dropout, "Dropout between recurrent layers")->capture_default_str()->group(model);
  app.add_option("--output-dropout", t.output_dropout,
                 "Dropout on the last recurrent layer's output, before the head (0: none, as before)")
      ->capture_default_str()->group(model);
  app.add_option("--weight-drop", t.weight_drop,
                 "Weight drop: in training, drop this share of each layer's hidden-to-hidden weights, one "
                 "draw per step (AWD-LSTM's DropConnect; 0: none, as before)")
      ->capture_default_str()->group(model);
  app.add_flag_callback("--form-clock", [&t] { t.form_clock = abc::kFormClockScheme; },
                        "The model also sees where each character stands in its tune's form (bars written "
                        "and left in the part, parts left) and the tune's type, from the header --controls "
                        "writes, so it can close parts at their length and keep to its type")
      ->group(model);

  app.add_option("--lr", t.lr, "Peak learning rate (Adam)")->capture_default_str()->group(optim);
  app.add_option("--min-lr-fraction", t.min_lr_fraction, "The cosine schedule ends at lr times this")
      ->capture_default_str()->group(optim);
  app.add_option("--warmup", t.warmup_steps, "Linear warm-up steps")->capture_default_str()->group(optim);
  app.add_option("--clip", t.clip, "Gradient-norm clipping threshold (0: off)")->capture_default_str()->group(optim);
  app.add_option("--ema", t.ema, "Average the weights as training goes (an exponential moving average with this "
                 "decay per step, e.g. 0.999; 0: off): validation and the checkpoints' weights are the average, "
                 "training goes on from the weights themselves; --resume keeps the checkpoint's unless given")
      ->capture_default_str()->group(optim);
  app.add_option("--batch", t.batch, "Rows per step (B)")->capture_default_str()->group(optim);
  app.add_option("--seq", t.seq, "Characters per row and step (T, back-propagation length)")
      ->capture_default_str()->group(optim);
  app.add_option("--epochs", t.epochs, "Passes over the training tunes")->capture_default_str()->group(optim);
  app.add_option("--steps", t.steps, "Train this many steps instead of --epochs")->group(optim);
  app.add_option("--seed", t.seed, "Seed of every random choice (initial weights, order, dropout)")
      ->capture_default_str()->group(optim);

  app.add_option("--eval-every", t.eval_every, "Also validate every this many steps (0: each epoch)")
      ->capture_default_str()->group(eval);
  app.add_option("--patience", t.patience, "Stop after this many validations without improvement (0: never)")
      ->capture_default_str()->group(eval);
  app.add_option("--sample-chars", t.sample_chars, "Length of the sample tune shown at each validation (0: none)")
      ->capture_default_str()->group(eval);

  app.add_option("-o,--out", t.out_dir, "Output folder: best.ckpt, last.ckpt, metrics.jsonl, train.log")
      ->required()->group(run);
  app.add_option("--resume", o.resume, "Continue from a checkpoint (or a folder's last.ckpt) exactly; --steps or "
                 "--epochs may extend the run")->group(run);
  app.add_flag("--force", o.force, "Start a new run in an --out that holds one (its checkpoints, metrics and log "
               "are replaced); without it that is refused")->group(run);
  app.add_option("--threads", t.threads, "LibTorch threads (0: the measured default)")->capture_default_str()
      ->group(run);
  app.add_flag("--reference-lstm", t.reference_lstm,
               "Run torch::nn::LSTM instead of the fused LSTM layers (same numbers to float rounding; to compare speed)")
      ->group(run);
  app.add_flag("-q,--quiet", o.quiet, "No progress display")->group(run);

  const char* dist = "Data parallel (doc/distributed.md)";
  app.add_option("--nproc", o.nproc, "Train with this many processes on this machine (each takes a slice of every "
                 "batch; the run is the same as with one)")->capture_default_str()->group(dist);
  app.add_option("--rank", t.rank, "This process's rank in a run over several machines (env RANK)")->group(dist);
  app.add_option("--world-size", t.world_size, "Processes in the run (env WORLD_SIZE)")->group(dist);
  app.add_option("--master", t.master, "host:port where rank 0 listens (env MASTER_ADDR, MASTER_PORT)")->group(dist);
  app.add_option("--dist-timeout", t.dist_timeout_s, "Seconds a process waits for its peers before the run ends")
      ->capture_default_str()->group(dist);
  app.add_option("--bucket-mb", t.bucket_mb, "Gradients summed in buckets of this many MB while backward goes on "
                 "(0: one sum after backward)")->capture_default_str()->check(CLI::Range(0.0, 1024.0))->group(dist);
  app.add_flag("-v,--verbose", o.verbosity, "More log output")->group(run);
}

}  // namespace abcrnn::cli

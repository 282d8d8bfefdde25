// The checkpoint: one self-describing file per saved model (layout in doc/checkpoint-format.md).
// It holds the model shape, the vocabulary, metadata as JSON text (training and cleaning options,
// data fingerprint, seed, step, epoch, loss history, abcrnn version), float32 weights by PyTorch
// name, and optionally the optimiser state and trainer position for --resume.
// Read and written without LibTorch: the sampler links only this. Thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "abcrnn/util/status.h"
#include "abcrnn/vocab/vocab.h"

namespace abcrnn {

// A row-major float32 tensor with its PyTorch parameter name.
struct NamedTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;  // product(shape) values
};

// The network's shape. Parameter names and layouts follow PyTorch's CharLSTM
// (../shared/bench/torch_reference.py): embed.weight (V,E); lstm.weight_ih_l{k} (4H, E or H),
// lstm.weight_hh_l{k} (4H,H), lstm.bias_ih_l{k} (4H), lstm.bias_hh_l{k} (4H), gates in PyTorch's
// order i, f, g, o; head.weight (V,H), head.bias (V). With a form clock, also clock.weight (C,E)
// after embed.weight: the input of a step is embed[id] plus the clock's three rows
// (abc/form_clock.h; C = abc::FormClockRows(form_clock): 41 for scheme 1, 54 for 2).
// Another architecture names its recurrent tensors after itself, with its own gate count G:
// <architecture>.weight_ih_l{k} (G*H, E or H) and so on (ArchitectureGates).
struct ModelConfig {
  int vocab_size = 0;  // V
  int embed = 64;      // E
  int hidden = 256;    // H
  int layers = 2;      // L
  float dropout = 0.0f;  // between stacked layers, in training
  // The form-clock input's scheme (abc::kFormClockScheme), 0 for none: a character model alone.
  int form_clock = 0;
  // The recurrent cell, by the name the checkpoint records (model.architecture; llama.cpp's
  // general.architecture): one of KnownArchitectures(). Files without it hold an "lstm".
  std::string architecture = "lstm";
  // Dropout on the last layer's output, before the head, in training (model.output_dropout,
  // written only when not 0).
  float output_dropout = 0.0f;
  // Weight drop: DropConnect on every layer's hidden-to-hidden weights in training (AWD-LSTM's
  // WeightDrop; model.weight_drop, written only when not 0). Inference uses the weights whole.
  float weight_drop = 0.0f;
  // Networks of this shape the checkpoint holds (model.members, format version 4, written only when
  // more than one): an ensemble whose next-symbol distribution is the mean of its networks'
  // (abcrnn export --ensemble-with; infer/engine.h, NewModelEngine). Network 0's tensors have the
  // names above; network k's the same names after MemberPrefix(k).
  int members = 1;
  // Each network's share of the mixture (model.member_weights, format version 5, written only when
  // given): members numbers, each > 0, summing to 1. Empty: equal shares, 1/members each.
  std::vector<double> member_weights = {};
};

// The prefix of network `member`'s tensor names in an ensemble: "" for network 0, "member<k>." for
// the others ("member1.embed.weight").
std::string MemberPrefix(int member);

// What is wrong with `shares` as the mixture of `members` networks (model.member_weights: one
// finite share > 0 for each of two or more networks, summing to 1 within 1e-6), as the end of an
// error message ("expected one share > 0 for each of the 2 networks, summing to 1; got ..."); ""
// when nothing is. The checkpoint's reader and the sampler's ensemble both ask it.
std::string MemberSharesProblem(const std::vector<double>& shares, int members);

// Gate blocks of H rows in a layer's weight matrices of `architecture` ("lstm": 4, i, f, g, o as
// torch.nn.LSTM; "gru": 3, r, z, n as torch.nn.GRU), or 0 for a name this abcrnn does not know.
int ArchitectureGates(const std::string& architecture);
// The names this abcrnn knows, for messages: "lstm, gru".
std::string KnownArchitectures();

// The copy guard's memory of the training tunes (eval/note_runs.h): hashes of every run of
// `notes` consecutive notes, strictly increasing, computed by the hash named `hash`. Empty: the
// checkpoint has none (written before abcrnn recorded them).
struct NoteRunHashes {
  int notes = 0;
  std::string hash;
  std::vector<uint64_t> hashes;
};

struct Checkpoint {
  ModelConfig model;
  Vocab vocab;
  // JSON object text: every other fact about the run (see doc/checkpoint-format.md).
  std::string metadata_json = "{}";
  std::vector<NamedTensor> weights;
  // Optional, for --resume: Adam moments etc., by name ("adam.exp_avg.<param>", ...).
  std::vector<NamedTensor> optimizer;
  // Optional opaque trainer state (data position, RNG state), as JSON text; "" when absent.
  std::string trainer_state_json;
  // Optional: the training tunes' note runs, for `abcrnn generate`'s copy guard.
  NoteRunHashes note_runs;

  // The weight called `name`, or nullptr.
  const NamedTensor* Find(const std::string& name) const;
};

// The names and shapes a ModelConfig requires, in file order: network 0's, then each other
// member's under its MemberPrefix.
std::vector<std::pair<std::string, std::vector<int64_t>>> ExpectedWeights(const ModelConfig& config);

// Checks that the architecture is known (Unsupported otherwise, naming it and the known ones), that
// `ckpt` has every expected weight with the right shape, no extras, finite values,
// and that vocab.size() == model.vocab_size. Corruption naming the first bad item otherwise.
Status ValidateCheckpoint(const Checkpoint& ckpt);

// Serialises to the file format (magic, version, sections, checksums).
// REQUIRES: metadata_json and trainer_state_json are JSON text ("" for none); may throw otherwise
// (WriteCheckpoint checks and returns InvalidArgument instead).
std::string SerializeCheckpoint(const Checkpoint& ckpt);
// Parses and validates; `source` names the file in messages. Bad magic, unknown version,
// truncated or damaged data: a Corruption/Unsupported status with what was expected and a hint.
Result<Checkpoint> ParseCheckpoint(std::string_view bytes, const std::string& source);

// File variants. WriteCheckpoint is atomic (temporary file, fsync, rename).
Status WriteCheckpoint(const std::string& path, const Checkpoint& ckpt);
Result<Checkpoint> ReadCheckpoint(const std::string& path);

// A short stable fingerprint of the weights and vocabulary (hex), recorded in generated tunes.
std::string CheckpointFingerprint(const Checkpoint& ckpt);

}  // namespace abcrnn

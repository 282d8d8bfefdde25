// The checkpoint file format, versions 1 to 4 (doc/checkpoint-format.md): a fixed 24-byte
// preamble (magic, version, header CRC, header length), a JSON header describing everything, then
// float32 tensors, each 64-byte aligned with its own CRC. Readers check every field and refuse the
// rest. Version 2 adds the model's architecture, version 3 the vocabulary's tokenizer, version 4
// an ensemble's count of networks; each file is written in the oldest version that describes it (a
// character LSTM still as version 1).
#include "abcrnn/ckpt/checkpoint.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>

#include <nlohmann/json.hpp>

#include "abcrnn/abc/form_clock.h"
#include "abcrnn/util/file.h"
#include "ckpt/crc32.h"

namespace abcrnn {
namespace {

using json = nlohmann::json;

constexpr char kMagic[8] = {'A', 'B', 'C', 'R', 'N', 'N', 'C', 'K'};
constexpr uint32_t kVersion = 5;        // the newest version read and written
constexpr uint32_t kVersionLstmOnly = 1;  // no model.architecture: an LSTM
constexpr uint32_t kVersionCharsOnly = 2;  // no tokenizer: a character vocabulary
constexpr uint32_t kVersionOneNetwork = 3;  // no model.members: one network
constexpr uint32_t kVersionEqualShares = 4;  // no model.member_weights: networks mixed equally
constexpr int kMaxMembers = 16;

constexpr size_t kPreamble = 24;  // magic 8, version 4, header crc 4, header length 8
constexpr size_t kAlign = 64;
constexpr uint64_t kMaxHeader = 64ull << 20;

size_t AlignUp(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint64_t GetLE(std::string_view b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

int64_t Product(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + ")";
}

bool HostIsLittleEndian() {
  uint32_t one = 1;
  unsigned char b;
  std::memcpy(&b, &one, 1);
  return b == 1;
}

json TensorEntry(const NamedTensor& t, const char* section, size_t offset) {
  return json{{"name", t.name},
              {"section", section},
              {"shape", t.shape},
              {"offset", offset},
              {"crc32", Crc32(t.data.data(), t.data.size() * sizeof(float))}};
}

// The version a checkpoint is written in: the oldest that describes it, so that an LSTM stays
// readable by every abcrnn (and its bytes as they always were).
uint32_t VersionFor(const Checkpoint& c) {
  if (!c.model.member_weights.empty()) return kVersion;
  if (c.model.members != 1) return kVersionEqualShares;
  if (c.vocab.tokenizer() != Tokenizer::kChar) return kVersionOneNetwork;
  return c.model.architecture == "lstm" ? kVersionLstmOnly : kVersionCharsOnly;
}

}  // namespace

int ArchitectureGates(const std::string& architecture) {
  if (architecture == "lstm") return 4;
  if (architecture == "gru") return 3;
  return 0;
}

std::string KnownArchitectures() { return "lstm, gru"; }

std::string MemberPrefix(int member) { return member == 0 ? "" : "member" + std::to_string(member) + "."; }

std::string MemberSharesProblem(const std::vector<double>& shares, int members) {
  double sum = 0;
  std::string bad;
  for (double w : shares) {
    if (!(std::isfinite(w) && w > 0) && bad.empty()) {
      char text[32];
      std::snprintf(text, sizeof text, "%g", w);
      bad = text;
    }
    sum += w;
  }
  if (members < 2)
    return "expected shares only for two or more networks, got " + std::to_string(shares.size()) + " for one";
  std::string got;
  if (shares.size() != static_cast<size_t>(members))
    got = std::to_string(shares.size()) + " shares";
  else if (!bad.empty())
    got = "a share of " + bad;
  else if (std::abs(sum - 1) > 1e-6)
    got = std::to_string(shares.size()) + " summing to " + std::to_string(sum);
  else
    return "";
  return "expected one share > 0 for each of the " + std::to_string(members) + " networks, summing to 1; got " + got;
}

const NamedTensor* Checkpoint::Find(const std::string& name) const {
  for (const auto& t : weights)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<std::pair<std::string, std::vector<int64_t>>> ExpectedWeights(const ModelConfig& c) {
  std::vector<std::pair<std::string, std::vector<int64_t>>> w;
  const int64_t V = c.vocab_size, E = c.embed, H = c.hidden, G = ArchitectureGates(c.architecture) * H;
  w.push_back({"embed.weight", {V, E}});
  if (c.form_clock != 0) w.push_back({"clock.weight", {abc::FormClockRows(c.form_clock), E}});
  const std::string cell = c.architecture + ".";
  for (int k = 0; k < c.layers; ++k) {
    std::string s = std::to_string(k);
    w.push_back({cell + "weight_ih_l" + s, {G, k == 0 ? E : H}});
    w.push_back({cell + "weight_hh_l" + s, {G, H}});
    w.push_back({cell + "bias_ih_l" + s, {G}});
    w.push_back({cell + "bias_hh_l" + s, {G}});
  }
  w.push_back({"head.weight", {V, H}});
  w.push_back({"head.bias", {V}});
  const size_t one = w.size();
  for (int m = 1; m < c.members; ++m)
    for (size_t i = 0; i < one; ++i) w.push_back({MemberPrefix(m) + w[i].first, w[i].second});
  return w;
}

Status ValidateCheckpoint(const Checkpoint& ckpt) {
  const ModelConfig& c = ckpt.model;
  if (ArchitectureGates(c.architecture) == 0)
    return Status::Unsupported("model architecture '" + c.architecture + "': this abcrnn knows " +
                               KnownArchitectures() + "; use the abcrnn that wrote it");
  if (c.vocab_size < 3 || c.embed < 1 || c.hidden < 1 || c.layers < 1 || c.layers > 64 ||
      c.embed > 65536 || c.hidden > 65536 || c.vocab_size > 1 << 20 || !(c.dropout >= 0 && c.dropout < 1) ||
      !(c.output_dropout >= 0 && c.output_dropout < 1) || !(c.weight_drop >= 0 && c.weight_drop < 1) ||
      c.members < 1 || c.members > kMaxMembers)
    return Status::Corruption("model shape: expected vocab >= 3, 1 <= layers <= 64, embed and hidden "
                              "in 1..65536, dropouts in [0,1), 1 to " + std::to_string(kMaxMembers) +
                              " networks; got vocab " + std::to_string(c.vocab_size) +
                              ", layers " + std::to_string(c.layers) + ", embed " + std::to_string(c.embed) +
                              ", hidden " + std::to_string(c.hidden) + ", networks " + std::to_string(c.members));
  if (!c.member_weights.empty())
    if (std::string problem = MemberSharesProblem(c.member_weights, c.members); !problem.empty())
      return Status::Corruption("model.member_weights: " + problem);
  if (c.form_clock != 0 && !abc::KnownFormClockScheme(c.form_clock))
    return Status::Unsupported("model inputs: form clock scheme " + std::to_string(c.form_clock) +
                               ", this abcrnn knows schemes 1 to " +
                               std::to_string(abc::kFormClockFinalScheme) +
                               " (and models without one); use the abcrnn that trained it");
  if (ckpt.vocab.size() != c.vocab_size)
    return Status::Corruption("vocabulary: the model expects " + std::to_string(c.vocab_size) +
                              " symbols, the vocabulary has " + std::to_string(ckpt.vocab.size()));
  auto expected = ExpectedWeights(c);
  for (const auto& [name, shape] : expected)
    if (!ckpt.Find(name)) return Status::Corruption("weights: tensor '" + name + "' is missing");
  if (ckpt.weights.size() != expected.size()) {
    std::string extra;
    for (const auto& t : ckpt.weights)
      if (std::none_of(expected.begin(), expected.end(), [&](const auto& e) { return e.first == t.name; })) extra = t.name;
    return Status::Corruption("weights: expected " + std::to_string(expected.size()) + " tensors for " +
                              (c.members > 1 ? std::to_string(c.members) + " networks of " : std::string()) +
                              std::to_string(c.layers) + " layers" + (c.form_clock ? " and a form clock" : "") +
                              ", got " + std::to_string(ckpt.weights.size()) +
                              (extra.empty() ? "" : " ('" + extra + "' is not one of them)"));
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    const NamedTensor* t = ckpt.Find(expected[i].first);
    if (t->shape != expected[i].second)
      return Status::Corruption("weights: tensor '" + t->name + "' expected shape " +
                                ShapeText(expected[i].second) + ", got " + ShapeText(t->shape));
    if (static_cast<int64_t>(t->data.size()) != Product(t->shape))
      return Status::Corruption("weights: tensor '" + t->name + "' has " + std::to_string(t->data.size()) +
                                " values for shape " + ShapeText(t->shape));
    for (float v : t->data)
      if (!std::isfinite(v)) return Status::Corruption("weights: tensor '" + t->name + "' holds NaN or infinity");
  }
  const NoteRunHashes& runs = ckpt.note_runs;
  if (!runs.hashes.empty()) {
    if (runs.notes < 1 || runs.hash.empty())
      return Status::Corruption("note runs: expected a run length >= 1 and a hash name, got " +
                                std::to_string(runs.notes) + " and '" + runs.hash + "'");
    for (size_t i = 1; i < runs.hashes.size(); ++i)
      if (runs.hashes[i - 1] >= runs.hashes[i])
        return Status::Corruption("note runs: expected strictly increasing hashes; entry " + std::to_string(i) +
                                  " is not");
  }
  return Status::OK();
}

std::string SerializeCheckpoint(const Checkpoint& ckpt) {
  json header;
  header["format"] = "abcrnn-checkpoint";
  const uint32_t version = VersionFor(ckpt);
  header["version"] = version;
  header["model"] = {{"vocab_size", ckpt.model.vocab_size}, {"embed", ckpt.model.embed},
                     {"hidden", ckpt.model.hidden},         {"layers", ckpt.model.layers},
                     {"dropout", ckpt.model.dropout}};
  if (version >= 2) header["model"]["architecture"] = ckpt.model.architecture;
  if (ckpt.model.form_clock != 0) header["model"]["form_clock"] = ckpt.model.form_clock;
  // Written only when used, so a model trained without it is the same file as before.
  if (ckpt.model.output_dropout != 0) header["model"]["output_dropout"] = ckpt.model.output_dropout;
  if (ckpt.model.weight_drop != 0) header["model"]["weight_drop"] = ckpt.model.weight_drop;
  if (version >= 4) header["model"]["members"] = ckpt.model.members;
  if (version >= 5) header["model"]["member_weights"] = ckpt.model.member_weights;
  if (version >= 3) header["tokenizer"] = TokenizerName(ckpt.vocab.tokenizer());
  header["vocab"] = ckpt.vocab.symbols();
  header["metadata"] = json::parse(ckpt.metadata_json.empty() ? "{}" : ckpt.metadata_json);
  header["trainer_state"] =
      ckpt.trainer_state_json.empty() ? json(nullptr) : json::parse(ckpt.trainer_state_json);
  json tensors = json::array();
  size_t offset = 0;
  auto add = [&](const std::vector<NamedTensor>& list, const char* section) {
    for (const auto& t : list) {
      tensors.push_back(TensorEntry(t, section, offset));
      offset += AlignUp(t.data.size() * sizeof(float));
    }
  };
  add(ckpt.weights, "weights");
  add(ckpt.optimizer, "optimizer");
  header["tensors"] = tensors;
  const auto& runs = ckpt.note_runs.hashes;
  const size_t runs_offset = offset;
  if (!runs.empty()) {
    header["note_runs"] = {{"notes", ckpt.note_runs.notes},
                           {"hash", ckpt.note_runs.hash},
                           {"count", runs.size()},
                           {"offset", runs_offset},
                           {"crc32", Crc32(runs.data(), runs.size() * sizeof(uint64_t))}};
    offset += AlignUp(runs.size() * sizeof(uint64_t));
  }
  header["data_bytes"] = offset;
  std::string text = header.dump(1);

  std::string out(kMagic, sizeof kMagic);
  PutU32(out, version);
  PutU32(out, Crc32(text.data(), text.size()));
  PutU64(out, text.size());
  out += text;
  out.resize(AlignUp(out.size()), '\0');
  size_t data_start = out.size();
  out.reserve(data_start + offset);
  auto write = [&](const std::vector<NamedTensor>& list) {
    for (const auto& t : list) {
      size_t bytes = t.data.size() * sizeof(float);
      out.append(reinterpret_cast<const char*>(t.data.data()), bytes);
      out.resize(AlignUp(out.size() - data_start) + data_start, '\0');
    }
  };
  write(ckpt.weights);
  write(ckpt.optimizer);
  if (!runs.empty()) {
    out.append(reinterpret_cast<const char*>(runs.data()), runs.size() * sizeof(uint64_t));
    out.resize(AlignUp(out.size() - data_start) + data_start, '\0');
  }
  return out;
}

namespace {

// `count` values of T stored at p, copied in one pass where p is aligned for T (a resize would write
// zeros first: one more pass over fresh pages).
template <typename T>
std::vector<T> CopyOut(const char* p, size_t count) {
  if (reinterpret_cast<uintptr_t>(p) % alignof(T) == 0) {
    const T* v = reinterpret_cast<const T*>(p);
    return std::vector<T>(v, v + count);
  }
  std::vector<T> out(count);
  std::memcpy(out.data(), p, count * sizeof(T));
  return out;
}

}  // namespace

Result<Checkpoint> ParseCheckpoint(std::string_view b, const std::string& source) {
  auto bad = [&](const std::string& what) { return Status::Corruption(source + ": " + what); };
  if (!HostIsLittleEndian()) return Status::Unsupported(source + ": checkpoints need a little-endian machine");
  if (b.size() < kPreamble || std::memcmp(b.data(), kMagic, sizeof kMagic) != 0)
    return bad("not an abcrnn checkpoint: expected the magic bytes 'ABCRNNCK' at the start (is it a "
               "checkpoint written by 'abcrnn train'?)");
  uint32_t version = static_cast<uint32_t>(GetLE(b, 8, 4));
  if (version < kVersionLstmOnly || version > kVersion)
    return Status::Unsupported(source + ": checkpoint format version " + std::to_string(version) +
                               ", this abcrnn reads versions 1 to " + std::to_string(kVersion) +
                               "; use the abcrnn that wrote it, or retrain");
  uint32_t header_crc = static_cast<uint32_t>(GetLE(b, 12, 4));
  uint64_t header_len = GetLE(b, 16, 8);
  if (header_len > kMaxHeader || kPreamble + header_len > b.size())
    return bad("truncated or damaged: the header claims " + std::to_string(header_len) + " bytes, the file has " +
               std::to_string(b.size()));
  std::string_view text = b.substr(kPreamble, header_len);
  if (Crc32(text.data(), text.size()) != header_crc) return bad("damaged: header checksum mismatch");
  Checkpoint ckpt;
  try {
    json h = json::parse(text);
    if (h.value("format", "") != "abcrnn-checkpoint" || h.value("version", 0u) != version)
      return bad("header: expected format 'abcrnn-checkpoint' version " + std::to_string(version) +
                 " (the preamble's)");
    const json& m = h.at("model");
    ckpt.model.vocab_size = m.at("vocab_size").get<int>();
    ckpt.model.embed = m.at("embed").get<int>();
    ckpt.model.hidden = m.at("hidden").get<int>();
    ckpt.model.layers = m.at("layers").get<int>();
    ckpt.model.dropout = m.at("dropout").get<float>();
    ckpt.model.form_clock = m.value("form_clock", 0);
    ckpt.model.output_dropout = m.value("output_dropout", 0.0f);
    ckpt.model.weight_drop = m.value("weight_drop", 0.0f);
    // Version 1 has no architecture: its models are LSTMs. Version 2 names it.
    ckpt.model.architecture = version == kVersionLstmOnly ? "lstm" : m.at("architecture").get<std::string>();
    // Versions 1 to 3 hold one network. Version 4 counts them.
    ckpt.model.members = version <= kVersionOneNetwork ? 1 : m.at("members").get<int>();
    // Version 4 mixes its networks equally. Version 5 gives each its share.
    if (version > kVersionEqualShares) ckpt.model.member_weights = m.at("member_weights").get<std::vector<double>>();
    // Versions 1 and 2 have no tokenizer: their vocabularies are characters. Version 3 names it.
    Tokenizer tokenizer = Tokenizer::kChar;
    if (version >= 3) {
      auto t = ParseTokenizer(h.at("tokenizer").get<std::string>());
      if (!t.ok())
        return Status::Unsupported(source + ": " + t.status().message() + "; use the abcrnn that wrote it");
      tokenizer = *t;
    }
    auto vocab = Vocab::FromSymbols(h.at("vocab").get<std::vector<std::string>>(), tokenizer);
    if (!vocab.ok()) return bad(vocab.status().message());
    ckpt.vocab = std::move(vocab.value());
    ckpt.metadata_json = h.at("metadata").dump();
    const json& ts = h.at("trainer_state");
    ckpt.trainer_state_json = ts.is_null() ? "" : ts.dump();

    size_t data_start = AlignUp(kPreamble + header_len);
    uint64_t data_bytes = h.at("data_bytes").get<uint64_t>();
    if (data_start > b.size() || b.size() - data_start != data_bytes)
      return bad("truncated or damaged: expected " + std::to_string(data_start + data_bytes) +
                 " bytes in all, got " + std::to_string(b.size()));
    for (const json& e : h.at("tensors")) {
      NamedTensor t;
      t.name = e.at("name").get<std::string>();
      t.shape = e.at("shape").get<std::vector<int64_t>>();
      uint64_t count = 1;
      for (int64_t d : t.shape) {
        if (d < 0 || d > (1 << 30)) return bad("tensor '" + t.name + "': invalid shape " + ShapeText(t.shape));
        count *= static_cast<uint64_t>(d);
        if (count > data_bytes) return bad("tensor '" + t.name + "': shape larger than the data");
      }
      uint64_t offset = e.at("offset").get<uint64_t>();
      uint64_t bytes = count * sizeof(float);
      if (offset % kAlign != 0 || offset > data_bytes || bytes > data_bytes - offset)
        return bad("tensor '" + t.name + "': data at offset " + std::to_string(offset) + " lies outside the file");
      const char* p = b.data() + data_start + offset;
      if (Crc32(p, bytes) != e.at("crc32").get<uint32_t>())
        return bad("damaged: tensor '" + t.name + "' checksum mismatch");
      t.data = CopyOut<float>(p, count);
      std::string section = e.at("section").get<std::string>();
      if (section == "weights") {
        ckpt.weights.push_back(std::move(t));
      } else if (section == "optimizer") {
        ckpt.optimizer.push_back(std::move(t));
      } else {
        return bad("tensor '" + t.name + "': unknown section '" + section + "'");
      }
    }
    if (h.contains("note_runs")) {
      const json& r = h.at("note_runs");
      const uint64_t count = r.at("count").get<uint64_t>(), offset = r.at("offset").get<uint64_t>();
      if (offset % kAlign != 0 || offset > data_bytes || count > (data_bytes - offset) / sizeof(uint64_t))
        return bad("note runs: " + std::to_string(count) + " hashes at offset " + std::to_string(offset) +
                   " lie outside the file");
      const char* p = b.data() + data_start + offset;
      if (Crc32(p, count * sizeof(uint64_t)) != r.at("crc32").get<uint32_t>())
        return bad("damaged: note runs checksum mismatch");
      NoteRunHashes& runs = ckpt.note_runs;
      runs.notes = r.at("notes").get<int>();
      runs.hash = r.at("hash").get<std::string>();
      runs.hashes = CopyOut<uint64_t>(p, count);
      if (count == 0) return bad("note runs: expected some hashes, got an empty entry");
    }
  } catch (const json::exception& e) {
    return bad(std::string("header: malformed (") + e.what() + ")");
  }
  Status s = ValidateCheckpoint(ckpt);
  if (s.code() == Status::Code::kUnsupported) return Status::Unsupported(source + ": " + s.message());
  if (!s.ok()) return bad(s.message());
  return ckpt;
}

Status WriteCheckpoint(const std::string& path, const Checkpoint& ckpt) {
  Status s = ValidateCheckpoint(ckpt);
  if (!s.ok()) return Status::InvalidArgument("refusing to write " + path + ": " + s.message());
  try {
    return WriteFileAtomically(path, SerializeCheckpoint(ckpt));
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument("refusing to write " + path + ": metadata is not valid JSON (" + e.what() + ")");
  }
}

Result<Checkpoint> ReadCheckpoint(const std::string& path) {
  Result<MappedFile> file = MappedFile::Open(path);  // parsed in place: no copy of the file's bytes
  if (!file.ok()) return file.status();
  return ParseCheckpoint(file->bytes(), path);
}

std::string CheckpointFingerprint(const Checkpoint& ckpt) {
  // FNV-1a 64 taken a 64-bit little-endian word at a time (then byte by byte for the tail): the
  // weights are megabytes and this runs at every sampler start.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (; n >= 8; n -= 8, p += 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      h = (h ^ w) * 1099511628211ull;
    }
    for (; n > 0; --n, ++p) h = (h ^ *p) * 1099511628211ull;
  };
  for (const auto& s : ckpt.vocab.symbols()) mix(s.data(), s.size() + 1);
  // The networks' shares change the distribution; equal shares (none written) leave the
  // fingerprint of an ensemble as it was.
  if (!ckpt.model.member_weights.empty())
    mix(ckpt.model.member_weights.data(), ckpt.model.member_weights.size() * sizeof(double));
  for (const auto& t : ckpt.weights) {
    mix(t.name.data(), t.name.size() + 1);
    mix(t.data.data(), t.data.size() * sizeof(float));
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace abcrnn

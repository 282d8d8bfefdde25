// Sampling speed of the fast engine (`--cell lstm|gru`, LSTM by default), shaped like
// ../shared/bench/torch_reference.py's `sample`: random weights, B sequences, each step = cell step
// + softmax + one draw per sequence.
// Prints one JSON line (chars_per_s is the figure). `--write-model FILE` instead writes a checkpoint
// of that shape with random weights and a 96-symbol vocabulary (for timing abcrnn-sample itself);
// `--precision bf16` holds the weights as generate --precision does (`--bf16 1`, the older
// spelling, is bf16); `--kernel avx2` (or avx512, scalar) runs that product kernel instead of the fastest this CPU has.
// `--ceiling 1` times a large OpenBLAS sgemm (2048^3, its default threads): the machine's ceiling.
// bench/sample_bench.sh runs it beside the reference; results in bench/README.md.
#include <cblas.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "abcrnn/infer/engine.h"
#include "abcrnn/infer/sampler.h"

namespace {

std::string StrArg(int argc, char** argv, const char* name) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  return "";
}

int Arg(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace abcrnn;
  ModelConfig c;
  c.layers = Arg(argc, argv, "--layers", 2);
  c.hidden = Arg(argc, argv, "--hidden", 256);
  c.embed = Arg(argc, argv, "--embed", 0);
  if (c.embed == 0) c.embed = c.hidden;  // as the reference
  c.vocab_size = Arg(argc, argv, "--vocab", 96);
  if (std::string cell = StrArg(argc, argv, "--cell"); !cell.empty()) c.architecture = cell;
  if (ArchitectureGates(c.architecture) == 0) {
    std::fprintf(stderr, "--cell: expected one of %s, got '%s'\n", KnownArchitectures().c_str(), c.architecture.c_str());
    return 2;
  }
  const int batch = Arg(argc, argv, "--batch", 1);
  const int chars = Arg(argc, argv, "--chars", 1000);
  const int threads = Arg(argc, argv, "--threads", 1);
  const int warmup = Arg(argc, argv, "--warmup", 20);

  if (std::string path = StrArg(argc, argv, "--write-model"); !path.empty()) {
    std::string chars = "\n";
    for (char ch = ' '; static_cast<int>(chars.size()) + 2 < c.vocab_size && ch < 127; ++ch) chars += ch;
    Checkpoint ckpt;
    ckpt.vocab = Vocab::Build({chars});
    c.vocab_size = ckpt.vocab.size();
    ckpt.model = c;
    ckpt.weights = RnnWeightsToTensors(RandomRnnWeights(c, 0));
    Status st = WriteCheckpoint(path, ckpt);
    if (!st.ok()) std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return st.ok() ? 0 : 1;
  }
  if (Arg(argc, argv, "--ceiling", 0)) {
    const int n = 2048;
    std::vector<float> a(size_t(n) * n, 0.5f), b(size_t(n) * n, 0.25f), y(size_t(n) * n);
    double best = 1e9;
    for (int rep = 0; rep < 5; ++rep) {
      auto t0 = std::chrono::steady_clock::now();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, y.data(), n);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::printf("{\"what\": \"sgemm-ceiling\", \"n\": %d, \"gflops\": %.1f}\n", n, 2.0 * n * n * n / best * 1e-9);
    return 0;
  }
  auto t_load = std::chrono::steady_clock::now();
  FastEngineOptions engine_options;
  engine_options.threads = threads;
  const std::string precision = Arg(argc, argv, "--bf16", 0) != 0 ? "bf16" : StrArg(argc, argv, "--precision");
  if (!precision.empty() && !ParsePrecision(precision, &engine_options.precision)) {
    std::fprintf(stderr, "unknown precision '%s'\n", precision.c_str());
    return 2;
  }
  engine_options.kernel = StrArg(argc, argv, "--kernel");   // avx512, avx2, scalar; default the best
  auto made = NewFastEngine(RandomRnnWeights(c, 0), engine_options);
  if (!made.ok()) {
    std::fprintf(stderr, "%s\n", made.status().ToString().c_str());
    return 1;
  }
  const FastEngine& engine = **made;
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_load).count();
  FastEngine::Batch state = engine.NewBatch(batch);
  std::vector<Rng> rngs;
  for (int b = 0; b < batch; ++b) rngs.push_back(Rng::ForStream(0, b));
  std::vector<int> ids(batch, 0);
  std::vector<float> logits(static_cast<size_t>(batch) * c.vocab_size);
  SamplerOptions options;
  auto step = [&] {
    engine.Step(ids.data(), batch, &state, logits.data());
    engine.ForRows(batch, [&](int b0, int b1) {  // each row's draw on the engine's threads
      for (int b = b0; b < b1; ++b)
        ids[b] = SampleNext(&logits[static_cast<size_t>(b) * c.vocab_size], c.vocab_size, options, rngs[b]);
    });
  };
  for (int i = 0; i < warmup; ++i) step();
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < chars; ++i) step();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // Multiply-adds per character: layer 0 (table row + W_hh), W_ih and W_hh above, the head.
  const double G = ArchitectureGates(c.architecture);
  const double macs = G * c.hidden * c.hidden + (c.layers - 1) * 2.0 * G * c.hidden * c.hidden +
                      double(c.vocab_size) * c.hidden;
  std::printf(
      "{\"what\": \"sample\", \"impl\": \"abcrnn-fast\", \"kernel\": \"%s\", \"cell\": \"%s\", \"threads\": %d, \"layers\": %d, "
      "\"hidden\": %d, "
      "\"embed\": %d, \"batch\": %d, \"vocab\": %d, \"chars\": %d, \"seconds\": %.4f, \"chars_per_s\": %.1f, "
      "\"gflops\": %.2f, \"load_ms\": %.2f}\n",
      engine.kernel().c_str(), c.architecture.c_str(), threads, c.layers, c.hidden, c.embed, batch, c.vocab_size, chars, s, batch * chars / s,
      2.0 * macs * batch * chars / s * 1e-9, load_s * 1e3);
  return 0;
}

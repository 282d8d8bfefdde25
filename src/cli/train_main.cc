// abcrnn-train: the only program that links LibTorch. Parses the options, checks everything that
// can fail cheaply (options, --out, --resume, the data) before training, then trains with a
// progress display; SIGINT/SIGTERM save last.ckpt, print the command that continues, and exit
// 128 + the signal.
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "abcrnn/abc/control_table.h"
#include "abcrnn/abc/controls.h"
#include "abcrnn/abc/form_clock.h"
#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/data/corpus.h"
#include "abcrnn/data/oversample.h"
#include "abcrnn/data/split.h"
#include "abcrnn/data/training_controls.h"
#include "abcrnn/eval/note_runs.h"
#include "abcrnn/util/file_lock.h"
#include "cli/common.h"
#include "cli/train_cli.h"

namespace abcrnn::cli {
namespace {

int Fail(const Status& s) {
  std::cerr << "abcrnn-train: " << s.ToString() << "\n";
  return ExitCodeFor(s);
}

// LibTorch's OpenMP threads spin while they wait (GOMP's default), which on a 2-core machine
// fights OpenBLAS's own threads and slows training several times (bench/README.md, "Threads").
// libgomp reads OMP_WAIT_POLICY once, when it is loaded, before main: so when the variable is
// unset we set it to PASSIVE and re-execute this program. Setting it yourself (even to ACTIVE)
// skips this.
void EnsurePassiveOpenMp(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  ::execv("/proc/self/exe", argv);  // returns only on failure: then train with the default policy
}

// A run's files in --out: starting a new run there would replace best.ckpt and mix two runs in
// metrics.jsonl, so that needs --resume (continue it) or --force (start over).
Status CheckOutFolderIsFree(const TrainCliOptions& o) {
  if (!o.resume.empty() || o.force) return Status::OK();
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const char* name : {"last.ckpt", "best.ckpt", "metrics.jsonl"}) {
    if (fs::exists(fs::path(o.train.out_dir) / name, ec))
      return Status::InvalidArgument("--out " + o.train.out_dir + ": expected a folder without a run, got one (" +
                                     name + "); continue it with --resume " +
                                     (fs::path(o.train.out_dir) / "last.ckpt").string() +
                                     ", or start over with --force (replaces its checkpoints, metrics and log)");
  }
  return Status::OK();
}

// Holds --out for this run: a second abcrnn train there is refused while this one lives (two runs
// in one folder rewrite each other's log and metrics). Then removes the temporary files an
// earlier run killed mid-write left (".NAME.tmp.XXXXXX", util/file.h), which no live run owns.
Result<FileLock> TakeOutFolder(const std::string& out_dir) {
  namespace fs = std::filesystem;
  auto lock = FileLock::TryAcquire((fs::path(out_dir) / ".lock").string());
  if (!lock.ok()) {
    if (lock.status().code() != Status::Code::kInvalidArgument) return lock.status();
    const std::string& m = lock.status().message();
    const size_t pid = m.find("(pid ");
    return Status::InvalidArgument("--out " + out_dir + ": another abcrnn train is writing there" +
                                   (pid == std::string::npos ? "" : " " + m.substr(pid)) +
                                   "; wait for it to end, or choose another --out");
  }
  std::error_code ec;
  for (auto it = fs::directory_iterator(out_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > 1 && name[0] == '.' && name.find(".tmp.") != std::string::npos && it->is_regular_file())
      fs::remove(it->path(), ec);
  }
  return lock;
}

// Removes --out when this run made it and leaves it holding nothing but its lock (a refused
// --resume, bad data): a failed start leaves no empty folder behind.
class RemoveOutIfUnused {
 public:
  explicit RemoveOutIfUnused(std::string dir) : dir_(std::move(dir)) {
    std::error_code ec;
    made_here_ = !std::filesystem::exists(dir_, ec);
  }
  void Keep() { made_here_ = false; }
  ~RemoveOutIfUnused() {
    if (!made_here_) return;
    namespace fs = std::filesystem;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir_, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
      if (it->path().filename() != ".lock") return;
    fs::remove_all(dir_, ec);
  }

 private:
  std::string dir_;
  bool made_here_ = false;
};

// The command that continues an interrupted run, runnable as printed: the same data and --out,
// and the same processes (--nproc N for a run this machine's launcher started, kLaunchedNprocEnv;
// rank 0's --rank, --world-size and --master for a run across machines); every other option
// comes from the checkpoint.
std::string ResumeCommand(const TrainCliOptions& o, const std::string& checkpoint) {
  std::string cmd = "abcrnn train";
  for (const auto& d : o.data) cmd += " --data " + ShellQuote(d);
  cmd += " --out " + ShellQuote(o.train.out_dir) + " --resume " + ShellQuote(checkpoint);
  if (o.train.world_size > 1) {
    const char* nproc = std::getenv(kLaunchedNprocEnv);
    if (nproc != nullptr && *nproc != '\0')
      cmd += " --nproc " + std::string(nproc);
    else
      cmd += " --rank 0 --world-size " + std::to_string(o.train.world_size) + " --master " + ShellQuote(o.train.master) +
             "   # and on each other machine its own --rank";
  }
  return cmd;
}

}  // namespace

int RunTrain(TrainCliOptions& o) {
  auto batching = ParseBatching(o.batching);
  if (!batching.ok()) return Fail(batching.status());
  o.train.batching = *batching;
  auto oversample = ParseOversample(o.oversample);
  if (!oversample.ok()) return Fail(oversample.status());
  o.train.oversample = *oversample;
  if (o.data.empty())
    return Fail(Status::InvalidArgument("--data: expected ABC files or folders, got none"));
  RemoveOutIfUnused out_cleanup(o.train.out_dir);
  if (Status s = CheckTrainOptions(o.train); !s.ok()) return Fail(s);
  // Rank 0 owns --out (its lock, checks and files); the other ranks of a run only read.
  const bool rank0 = o.train.rank == 0;
  Result<FileLock> lock = Status::Internal("--out is rank 0's");
  if (rank0) {
    lock = TakeOutFolder(o.train.out_dir);
    if (!lock.ok()) {
      out_cleanup.Keep();  // another run's folder
      return Fail(lock.status());
    }
    if (Status s = CheckOutFolderIsFree(o); !s.ok()) return Fail(s);
  } else {
    out_cleanup.Keep();
  }
  Progress progress(!o.quiet && rank0, rank0);

  // --resume: the run's own options, cleaning and vocabulary come from the checkpoint.
  std::unique_ptr<Checkpoint> resume;
  if (!o.resume.empty()) {
    std::string path = o.resume;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) path += "/last.ckpt";
    auto ck = ReadCheckpoint(path);
    if (!ck.ok()) return Fail(ck.status());
    if (ck->model.members != 1)
      return Fail(Status::InvalidArgument(path + ": an ensemble of " + std::to_string(ck->model.members) +
                                          " networks (abcrnn export --ensemble-with) is for generation; resume "
                                          "the run of one of its networks"));
    resume = std::make_unique<Checkpoint>(std::move(ck).value());
    auto opts = OptionsFromCheckpoint(*resume, o.train, o.given);
    if (!opts.ok()) return Fail(opts.status());
    o.train = *opts;
    o.clean = CleanOptionsFromJson(o.train.cleaning_json, o.clean);
  }
  o.train.cleaning_json = CleanOptionsToJson(o.clean);
  if (!o.train.oversample.empty() && !o.clean.controls)
    return Fail(Status::InvalidArgument("--oversample: expected --controls too (a tune's type is the R: line it "
                                        "writes), got none"));

  auto cleaned = CleanFiles(o.data, o.clean);
  if (!cleaned.ok()) return Fail(cleaned.status());
  progress.Line(FormatCleanReport(cleaned->report));
  if (cleaned->tunes.empty())
    return Fail(Status::InvalidArgument("--data: expected at least one tune left after cleaning, got none; check "
                                        "the files hold ABC tunes (X: fields)"));
  if (o.clean.controls && !resume) {
    abc::ControlTable table = TrainingControlTable(*cleaned, o.train.valid_fraction, o.train.valid_per_type);
    o.train.controls_json = table.ToJson();
    std::string fields = "style, type, form, meter, unit, key";
    if (o.clean.final_degree) fields += ", final";
    if (o.clean.beat) fields += ", beat";
    progress.Line("controls: " + std::to_string(table.rows().size()) + " combinations of " + fields + " over " +
                  std::to_string(table.total()) + " training tunes");
  }
  std::vector<std::string> texts;
  texts.reserve(cleaned->tunes.size());
  for (auto& t : cleaned->tunes) texts.push_back(std::move(t.text));
  o.train.data_tunes_read = cleaned->report.read;
  {
    // Every tune the model will learn from, training and validation alike: generate's copy guard.
    eval::NoteRunSet runs = eval::NoteRunSet::BuildFromTexts(texts, eval::kGuardNoteRun);
    o.train.note_runs = {runs.notes(), eval::kNoteRunHash, runs.hashes()};
    progress.Line("copy guard: " + std::to_string(runs.hashes().size()) + " runs of " +
                  std::to_string(runs.notes()) + " notes recorded");
  }
  auto tokenizer = ParseTokenizer(o.vocab);
  if (!tokenizer.ok()) return Fail(tokenizer.status());
  auto corpus = BuildCorpus(texts, o.train.valid_fraction, resume ? &resume->vocab : nullptr,
                            o.train.augment_transpose, o.clean, o.train.valid_per_type, *tokenizer);
  if (!corpus.ok()) return Fail(corpus.status());
  if (o.train.form_clock) {
    if (!o.clean.controls)
      return Fail(Status::InvalidArgument("--form-clock: expected --controls too (the clock reads each tune's "
                                          "N:form line), got none"));
    // Tunes that say their final get the clock that carries it to the last bar (scheme 3).
    if (o.clean.final_degree && o.train.form_clock == abc::kFormClockScheme)
      o.train.form_clock = abc::kFormClockFinalScheme;
    AddFormClocks(&*corpus);
  }
  if (corpus->valid_dropped > 0)
    progress.Line(std::to_string(corpus->valid_dropped) +
                  " validation tunes left out: they use characters no training tune has");
  if (corpus->augmented > 0)
    progress.Line("augmentation: " + std::to_string(corpus->augmented) + " transposed copies of training tunes added");
  char buf[200];
  std::snprintf(buf, sizeof buf, "data %s: %zu training tunes (%lld chars), %zu validation tunes (%lld chars); "
                "unigram entropy %.3f bits/char", corpus->fingerprint.c_str(), corpus->train.size(),
                static_cast<long long>(corpus->train_chars), corpus->valid.size(),
                static_cast<long long>(corpus->valid_chars), corpus->unigram_bits);
  progress.Line(buf);
  if (corpus->vocab.tokenizer() == Tokenizer::kToken) {
    int several = 0;
    for (int id = 2; id < corpus->vocab.size(); ++id) several += corpus->vocab.chars(id) > 1;
    progress.Line("token vocabulary: " + std::to_string(corpus->vocab.size()) + " symbols, " +
                  std::to_string(several) + " of them musical units of several characters; the counts above are "
                  "tokens + <eos>, and so is the unigram entropy's unit");
  }

  InstallStopSignals();
  TrainHooks hooks;
  hooks.stop = &StopRequested();
  if (rank0) {
    hooks.on_step = [&](const StepInfo& s) { progress.Step(s); };
    hooks.log = [&](const std::string& line) { progress.Line(line); };
  }
  auto r = Train(o.train, *corpus, hooks, resume.get());
  progress.Finish();
  if (!r.ok()) return Fail(r.status());
  if (r->interrupted && !rank0) return StopExitCode();
  if (r->interrupted) {
    std::cerr << "abcrnn-train: stopped at step " << r->steps << "; " << r->last_checkpoint
              << " holds the run; continue with:\n  " << ResumeCommand(o, r->last_checkpoint) << "\n";
    return StopExitCode();
  }
  return kExitOk;
}

}  // namespace abcrnn::cli

int main(int argc, char** argv) {
  using namespace abcrnn::cli;
  EnsurePassiveOpenMp(argv);
  KeepFreedMemoryForReuse();
  CLI::App app{"abcrnn-train: train a stacked LSTM or GRU on ABC tunes"};
  app.set_version_flag("--version", std::string("abcrnn-train ") + ABCRNN_VERSION);
  app.name("abcrnn train");  // usage reads "abcrnn train ...", as users run it
  TrainCliOptions o;
  AddTrainOptions(app, o);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return ReportParseError(app, e);
  }
  o.given.length = app.count("--steps") + app.count("--epochs") > 0;
  o.given.eval_every = app.count("--eval-every") > 0;
  o.given.patience = app.count("--patience") > 0;
  o.given.ema = app.count("--ema") > 0;
  SetupLogging("abcrnn-train", o.verbosity);
  const bool joined = app.count("--rank") + app.count("--world-size") + app.count("--master") > 0;
  if (o.nproc != 1) {
    if (o.nproc < 1 || o.nproc > 256)
      return Fail(abcrnn::Status::InvalidArgument("--nproc: expected 1 to 256 processes, got " + std::to_string(o.nproc)));
    if (joined)
      return Fail(abcrnn::Status::InvalidArgument("--nproc: expected it alone, got --rank, --world-size or --master too; "
                                          "--nproc starts the ranks itself"));
    return LaunchLocalRanks(o.nproc, argc, argv);
  }
  if (abcrnn::Status s = DistributedFromEnvironment(&o.train, app.count("--rank") > 0, app.count("--world-size") > 0,
                                            app.count("--master") > 0);
      !s.ok())
    return Fail(s);
  return RunTrain(o);
}

// Specification of data-parallel training (issue 13): `--nproc 2` and `--nproc 3` on 127.0.0.1
// train as one process does with the same global batch, dropout included, and so do two ranks in
// two network namespaces joined by a veth pair; a killed or frozen worker ends the run naming its
// rank and keeps the last checkpoint; SIGTERM stops every rank and saves, and the resume hint
// runs as printed; bad use exits 2 with a clear message.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <cmath>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"
#include "torch/tiny_tunes_folder.h"
#include "train/local_address.h"

namespace abcrnn {
namespace {

using testing::Program;
using testing::RunCommand;

class DistributedTest : public testing::TinyTunesFolderTest {
 protected:
  DistributedTest() : TinyTunesFolderTest("abcrnn_distributed_") {}
  // Two layers with dropout between them and on the output, and weight drop: the masks must not
  // depend on the number of processes.
  std::string Train(const std::string& args) {
    return Program("abcrnn-train") + " --data " + data_ + " --layers 2 --hidden 16 --embed 8 --dropout 0.3 "
           "--output-dropout 0.2 --weight-drop 0.2 --batch 4 --seq 32 --sample-chars 0 --threads 1 -q " + args;
  }
  // Starts a 2-process run of `args` into `out` in the background (its peers waiting at most
  // `dist_timeout_s` for each other), waits up to 30 s for the shell
  // test `ready`, runs `then` ($pid is the launcher), waits for the launcher (60 s at most).
  // Returns the script's exit status and the run's standard error.
  std::pair<int, std::string> RunThen(const std::string& out, const std::string& args, const std::string& ready,
                                      const std::string& then, int dist_timeout_s = 10) {
    const std::string log = dir_ + "/stderr.txt", script = dir_ + "/run.sh";
    const std::string text = Train("--out " + out + " --steps 1000000 --dist-timeout " + std::to_string(dist_timeout_s) +
                                   " --nproc 2 " + args) + " 2>" +
                             log + " & pid=$!\nfor i in $(seq 1 300); do " + ready + " && break; sleep 0.1; done\n" +
                             then + "\nwait $pid\n";
    EXPECT_TRUE(WriteFileAtomically(script, text).ok());
    const int code = RunCommand("timeout 60 bash " + script, true).exit_code;
    auto err = ReadFile(log);
    EXPECT_TRUE(err.ok());
    return {code, err.ok() ? *err : std::string()};
  }
  // Trains `out` with w processes as `one_out` was trained with one, and expects the same weights
  // and losses; then resumes it in one process.
  void ExpectTheSameRun(const std::string& one_out, const std::string& out, int w, const std::string& args);
  // A run that ended with an error (not the test's timeout) saying `says`, whose last.ckpt is
  // intact and resumes in one process.
  void ExpectEndedSayingAndResumable(int code, const std::string& err, const std::string& says,
                                     const std::string& out) {
    EXPECT_NE(code, 0) << err;
    EXPECT_NE(code, 124) << "the run did not end: " << err;
    EXPECT_NE(err.find(says), std::string::npos) << err;
    auto ck = ReadCheckpoint(out + "/last.ckpt");
    ASSERT_TRUE(ck.ok()) << ck.status().ToString();
    auto resumed = RunCommand(Train("--out " + out + " --resume " + out + " --steps 12"), true);
    EXPECT_EQ(resumed.exit_code, 0) << resumed.out;
  }
  // The same weights (within 1e-5) and losses in the last.ckpt and metrics of two runs.
  void ExpectTheSameResult(const std::string& one_out, const std::string& out, const std::string& what);
};

// The last validation's line of a run's metrics.jsonl.
nlohmann::json LastMetrics(const std::string& out) {
  auto text = ReadFile(out + "/metrics.jsonl");
  EXPECT_TRUE(text.ok());
  std::string last;
  for (size_t a = 0, b; (b = text->find('\n', a)) != std::string::npos; a = b + 1) last = text->substr(a, b - a);
  return nlohmann::json::parse(last);
}

TEST_F(DistributedTest, TwoAndThreeProcessesTrainAsOneDoesWithTheSameGlobalBatch) {
  auto one = RunCommand(Train("--out " + dir_ + "/one --steps 30 --eval-every 30"), true);
  ASSERT_EQ(one.exit_code, 0) << one.out;
  // Two processes sum the gradients once after backward; three split the batch of 4 unevenly
  // (rows 1, 1 and 2) and sum them in buckets of 131 floats started during backward: each weight
  // matrix of this model is larger, so it starts a bucket of its own (6 buckets in all).
  ExpectTheSameRun(dir_ + "/one", dir_ + "/w2", 2, "--bucket-mb 0");
  ExpectTheSameRun(dir_ + "/one", dir_ + "/w3", 3, "--bucket-mb 0.0005");
}

void DistributedTest::ExpectTheSameRun(const std::string& one_out, const std::string& out, int w,
                                       const std::string& args) {
  SCOPED_TRACE(std::to_string(w) + " processes, " + args);
  auto run = RunCommand(Train("--out " + out + " --steps 30 --eval-every 30 --nproc " + std::to_string(w) + " " + args),
                        true);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  auto log = ReadFile(out + "/train.log");
  ASSERT_TRUE(log.ok());
  if (args == "--bucket-mb 0") {
    EXPECT_NE(log->find("gradients summed in one all-reduce after backward"), std::string::npos) << *log;
  } else {
    std::smatch m;
    ASSERT_TRUE(std::regex_search(*log, m, std::regex(R"(gradients summed in (\d+) buckets started during backward)")))
        << *log;
    EXPECT_GE(std::stoi(m[1].str()), 4) << *log;
  }
  ExpectTheSameResult(one_out, out, std::to_string(w) + " processes");
  // The W-process checkpoint goes on in one process.
  auto resumed = RunCommand(Train("--out " + out + " --resume " + out + " --steps 32"), true);
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out;
}

void DistributedTest::ExpectTheSameResult(const std::string& one_out, const std::string& out,
                                          const std::string& what) {
  auto a = ReadCheckpoint(one_out + "/last.ckpt");
  auto b = ReadCheckpoint(out + "/last.ckpt");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->weights.size(), b->weights.size());
  // Tolerance: the runs differ only in the order of float sums (each rank sums its rows, then
  // Gloo sums the ranks): a few float ulps (weights are below 1, an ulp about 6e-8) per step. Over
  // 30 steps that stays below 1e-5 unless the runs compute different things: a wrong slice, a
  // gradient scaled by W or other dropout masks move weights by up to lr = 2e-3 per step.
  double worst = 0;
  for (size_t i = 0; i < a->weights.size(); ++i) {
    ASSERT_EQ(a->weights[i].name, b->weights[i].name);
    ASSERT_EQ(a->weights[i].data.size(), b->weights[i].data.size());
    for (size_t j = 0; j < a->weights[i].data.size(); ++j)
      worst = std::max(worst, static_cast<double>(std::fabs(a->weights[i].data[j] - b->weights[i].data[j])));
  }
  EXPECT_LT(worst, 1e-5) << "largest weight difference";
  std::cout << "largest weight difference between one process and " << what << ": " << worst << "\n";
  // The same losses: the training loss is the whole batch's (the ranks' shares summed), not a rank's.
  const auto m1 = LastMetrics(one_out), m2 = LastMetrics(out);
  EXPECT_NEAR(m1["valid_loss"].get<double>(), m2["valid_loss"].get<double>(), 1e-5);
  EXPECT_NEAR(m1["train_loss"].get<double>(), m2["train_loss"].get<double>(), 1e-5);
}

// Two "machines": two network namespaces joined by a veth pair, made here (skipped where the
// test may not make them). Rank 1 reaches rank 0 only over the link, at 10.213.7.1 (addresses of
// the namespaces alone: nothing leaves this machine), and the run equals one process's.
TEST_F(DistributedTest, TwoNetworkNamespacesTrainAsOneProcessDoes) {
  const std::string id = std::to_string(::getpid() % 100000);
  const std::string a = "abcrnn_a" + id, b = "abcrnn_b" + id, va = "abva" + id, vb = "abvb" + id;
  const std::string script = dir_ + "/netns.sh";
  const std::string rank = " --steps 30 --eval-every 30 --world-size 2 --dist-timeout 20 --master 10.213.7.1:29517 ";
  const std::string text =
      "a=" + a + " b=" + b + " va=" + va + " vb=" + vb + "\n"
      "ip netns add $a 2>/dev/null || { echo 'cannot make network namespaces (needs root or CAP_NET_ADMIN, and ip)'; exit 77; }\n"
      "trap 'ip netns del $a 2>/dev/null; ip netns del $b 2>/dev/null' EXIT\n"
      "set -e\n"
      "ip netns add $b\n"
      "ip link add $va type veth peer name $vb 2>/dev/null || { echo 'cannot make a veth pair (no veth module?)'; exit 77; }\n"
      "ip link set $va netns $a\n"
      "ip link set $vb netns $b\n"
      "ip -n $a addr add 10.213.7.1/24 dev $va\n"
      "ip -n $b addr add 10.213.7.2/24 dev $vb\n"
      "for n in $a $b; do ip -n $n link set lo up; done\n"
      "ip -n $a link set $va up\n"
      "ip -n $b link set $vb up\n"
      "ip netns exec $a " + Train("--out " + dir_ + "/ns --rank 0" + rank) + " > " + dir_ + "/rank0.txt 2>&1 &\n"
      "zero=$!\n"
      "ip netns exec $b " + Train("--out " + dir_ + "/ns-rank1 --rank 1" + rank) + " > " + dir_ + "/rank1.txt 2>&1\n"
      "wait $zero\n";
  ASSERT_TRUE(WriteFileAtomically(script, text).ok());
  const auto run = RunCommand("timeout 120 bash " + script, true);
  if (run.exit_code == 77) GTEST_SKIP() << run.out;
  auto r0 = ReadFile(dir_ + "/rank0.txt"), r1 = ReadFile(dir_ + "/rank1.txt");
  ASSERT_EQ(run.exit_code, 0) << run.out << "\nrank 0:\n" << (r0.ok() ? *r0 : "") << "\nrank 1:\n" << (r1.ok() ? *r1 : "");
  auto one = RunCommand(Train("--out " + dir_ + "/one --steps 30 --eval-every 30"), true);
  ASSERT_EQ(one.exit_code, 0) << one.out;
  ExpectTheSameResult(dir_ + "/one", dir_ + "/ns", "two network namespaces");
}

TEST_F(DistributedTest, AKilledWorkerEndsTheRunNamingItsRankAndKeepsTheLastCheckpoint) {
  const std::string out = dir_ + "/run";
  const auto [code, err] = RunThen(out, "--eval-every 5", "[ -f " + out + "/last.ckpt ]",
                                   "worker=$(pgrep -P $pid -f -- '--rank 1 ')\nkill -KILL $worker");
  ExpectEndedSayingAndResumable(code, err, "rank 1 of 2 was killed by signal 9", out);
}

TEST_F(DistributedTest, AFrozenWorkerEndsTheRunWithinTheTimeoutNamingItsRank) {
  const std::string out = dir_ + "/run";
  const auto start = std::chrono::steady_clock::now();
  const auto [code, err] = RunThen(out, "--eval-every 5", "[ -f " + out + "/last.ckpt ]",
                                   "worker=$(pgrep -P $pid -f -- '--rank 1 ')\nkill -STOP $worker", 3);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // --dist-timeout 3, once for the all-reduce; the rest is start-up and the launcher's polling.
  EXPECT_LT(seconds, 30) << err;
  ExpectEndedSayingAndResumable(code, err, "rank 1 of 2 is stopped", out);
}

TEST_F(DistributedTest, SigtermToTheLauncherStopsEveryRankAtOneStepAndSavesTheLastCheckpoint) {
  // The ranks agree on the stop with the step's all-reduce: none waits for a peer that stopped.
  const std::string out = dir_ + "/run";
  const auto [code, err] = RunThen(out, "--eval-every 1000000", "grep -q planned " + dir_ + "/stderr.txt",
                                   "sleep 0.5\nkill -TERM $pid");
  EXPECT_EQ(code, 128 + 15) << err;
  EXPECT_NE(err.find("stopped at step"), std::string::npos) << err;
  auto ck = ReadCheckpoint(out + "/last.ckpt");
  ASSERT_TRUE(ck.ok()) << ck.status().ToString();
  const int step = nlohmann::json::parse(ck->metadata_json)["step"].get<int>();
  EXPECT_GT(step, 0);
  // The hint resumes with the same processes, and runs as printed (two more steps added).
  const std::string head = "continue with:\n  ";
  const size_t at = err.find(head);
  ASSERT_NE(at, std::string::npos) << err;
  const std::string hint = err.substr(at + head.size(), err.find('\n', at + head.size()) - at - head.size());
  EXPECT_NE(hint.find(" --nproc 2"), std::string::npos) << hint;
  const std::string bin = Program("abcrnn").substr(0, Program("abcrnn").rfind('/'));
  auto resumed = RunCommand("PATH=" + bin + ":$PATH " + hint + " --steps " + std::to_string(step + 2), true);
  EXPECT_EQ(resumed.exit_code, 0) << hint << "\n" << resumed.out;
  EXPECT_NE(resumed.out.find("data parallel: 2 processes"), std::string::npos) << resumed.out;
}

TEST(LocalAddressTest, TheAddressTowardsALocalMasterIsLoopbackInIpv4) {
  auto loop = train::LocalAddressTowards("127.0.0.1", 29500);
  ASSERT_TRUE(loop.ok()) << loop.status().ToString();
  EXPECT_EQ(*loop, "127.0.0.1");
  auto named = train::LocalAddressTowards("localhost", 29500);
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_EQ(*named, "127.0.0.1") << "IPv4 first";
  // (A name that does not resolve is not tried: resolving it would ask a DNS server off this machine.)
}

TEST_F(DistributedTest, BadUseExitsWithCode2AndSaysWhy) {
  auto r = RunCommand(Train("--out " + dir_ + "/o --rank 2 --world-size 2 --master 127.0.0.1:1"), true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--rank: expected 0 to 1"), std::string::npos) << r.out;
  r = RunCommand(Train("--out " + dir_ + "/o --nproc 2 --rank 0"), true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--nproc: expected it alone"), std::string::npos) << r.out;
  r = RunCommand("RANK=x " + Train("--out " + dir_ + "/o"), true);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("RANK: expected"), std::string::npos) << r.out;
  // A port in use: rank 0 cannot listen there.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string port = std::to_string(ntohs(addr.sin_port));
  r = RunCommand(Train("--out " + dir_ + "/p --steps 2 --rank 0 --world-size 2 --dist-timeout 5 --master 127.0.0.1:" +
                       port),
                 true);
  ::close(fd);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("is the port in use?"), std::string::npos) << r.out;
  // A master nobody listens at (the port just closed): rank 1 gives up after about --dist-timeout.
  const auto start = std::chrono::steady_clock::now();
  r = RunCommand(Train("--out " + dir_ + "/q --steps 2 --rank 1 --world-size 2 --dist-timeout 2 --master 127.0.0.1:" +
                       port),
                 true);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("rank 1 could not reach rank 0 there within --dist-timeout"), std::string::npos) << r.out;
  EXPECT_LT(seconds, 15) << r.out;
}

}  // namespace
}  // namespace abcrnn

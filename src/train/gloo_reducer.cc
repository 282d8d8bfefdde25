// GradReducer over c10d: a TCPStore at --master for the rendezvous (rank 0 is its server) and a
// ProcessGroupGloo that all-reduces (SUM) one flat buffer per dtype. The group's timeout bounds
// every collective, so a dead or frozen peer ends the run instead of hanging it.
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>

#include "train/grad_reducer.h"
#include "train/local_address.h"

namespace abcrnn::train {
namespace {

class GlooReducer : public GradReducer {
 public:
  GlooReducer(int rank, int world, c10::intrusive_ptr<c10d::TCPStore> store,
              c10::intrusive_ptr<c10d::ProcessGroupGloo> group)
      : rank_(rank), world_(world), store_(std::move(store)), group_(std::move(group)) {}
  int rank() const override { return rank_; }
  int world_size() const override { return world_; }

  double seconds() const override { return seconds_; }

  Status SumInPlace(const std::vector<at::Tensor>& tensors) override {
    const auto start = std::chrono::steady_clock::now();
    // One flat buffer per dtype (gradients are float, the step's scalars double): one all-reduce
    // each instead of one per parameter.
    std::map<at::ScalarType, std::vector<at::Tensor>> by_type;
    for (const auto& t : tensors) by_type[t.scalar_type()].push_back(t);
    try {
      for (auto& [type, group] : by_type) {
        std::vector<at::Tensor> flat_parts;
        for (const auto& t : group) flat_parts.push_back(t.reshape({-1}));
        std::vector<at::Tensor> buffer{torch::cat(flat_parts)};
        group_->allreduce(buffer)->wait();
        int64_t at = 0;
        for (auto& t : group) {
          t.copy_(buffer[0].narrow(0, at, t.numel()).view(t.sizes()));
          at += t.numel();
        }
      }
    } catch (const std::exception& e) {
      return Status::Internal("rank " + std::to_string(rank_) + " of " + std::to_string(world_) +
                              ": all-reduce failed, a peer died or did not answer within --dist-timeout: " +
                              FirstLine(e.what()));
    }
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return Status::OK();
  }

  void StartSum(const at::Tensor& flat) override {
    std::vector<at::Tensor> buffer{flat};
    try {
      pending_.push_back(group_->allreduce(buffer));
    } catch (const std::exception& e) {
      if (start_error_.empty()) start_error_ = FirstLine(e.what());
    }
  }

  Status FinishSums() override {
    const auto start = std::chrono::steady_clock::now();
    std::vector<c10::intrusive_ptr<c10d::Work>> pending;
    pending.swap(pending_);
    std::string error;
    error.swap(start_error_);
    for (auto& work : pending) {
      try {
        work->wait();
      } catch (const std::exception& e) {
        if (error.empty()) error = FirstLine(e.what());
      }
    }
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!error.empty())
      return Status::Internal("rank " + std::to_string(rank_) + " of " + std::to_string(world_) +
                              ": all-reduce failed, a peer died or did not answer within --dist-timeout: " + error);
    return Status::OK();
  }

  static std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

 private:
  int rank_, world_;
  c10::intrusive_ptr<c10d::TCPStore> store_;  // kept alive: rank 0 serves the rendezvous
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
  std::vector<c10::intrusive_ptr<c10d::Work>> pending_;  // sums started, not yet waited for (ended first)
  std::string start_error_;
  double seconds_ = 0;
};

}  // namespace

Result<std::unique_ptr<GradReducer>> MakeGlooReducer(const TrainOptions& o) {
  const size_t colon = o.master.rfind(':');
  const std::string host = colon == std::string::npos ? "" : o.master.substr(0, colon);
  const std::string port_text = colon == std::string::npos ? "" : o.master.substr(colon + 1);
  char* end = nullptr;
  const long port = port_text.empty() ? -1 : std::strtol(port_text.c_str(), &end, 10);
  if (host.empty() || port < 1 || port > 65535 || *end != '\0')
    return Status::InvalidArgument("--master: expected host:port with a port in 1..65535, got '" + o.master + "'");
  // Gloo binds where this machine meets the master (local_address.h), or on the interfaces
  // GLOO_SOCKET_IFNAME names (comma-separated), as PyTorch lets one choose.
  const char* ifnames = std::getenv("GLOO_SOCKET_IFNAME");
  const bool by_interface = ifnames != nullptr && *ifnames != '\0';
  std::string local;
  if (!by_interface) {
    Result<std::string> address = LocalAddressTowards(host, static_cast<int>(port));
    if (!address.ok()) return address.status();
    local = *address;
  }
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(o.dist_timeout_s * 1000));
  c10::intrusive_ptr<c10d::TCPStore> store;
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<uint16_t>(port);
    so.isServer = o.rank == 0;
    so.numWorkers = static_cast<size_t>(o.world_size);
    so.waitWorkers = false;
    so.timeout = timeout;
    store = c10::make_intrusive<c10d::TCPStore>(host, so);
  } catch (const std::exception& e) {
    const std::string what = GlooReducer::FirstLine(e.what());
    if (o.rank == 0)
      return Status::InvalidArgument("--master " + o.master + ": rank 0 could not listen there (" + what +
                                     "); is the port in use? choose another");
    return Status::InvalidArgument("--master " + o.master + ": rank " + std::to_string(o.rank) +
                                   " could not reach rank 0 there within --dist-timeout (" + what + ")");
  }
  try {
    auto opts = c10d::ProcessGroupGloo::Options::create(timeout);
    if (by_interface) {
      std::string names = ifnames;
      for (size_t a = 0, b; a <= names.size(); a = b + 1) {
        b = names.find(',', a);
        if (b == std::string::npos) b = names.size();
        if (b > a) opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(names.substr(a, b - a)));
      }
    } else {
      opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(local));
    }
    auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, o.rank, o.world_size, opts);
    return std::unique_ptr<GradReducer>(new GlooReducer(o.rank, o.world_size, store, group));
  } catch (const std::exception& e) {
    return Status::Internal("rank " + std::to_string(o.rank) + " of " + std::to_string(o.world_size) +
                            ": the process group did not form within --dist-timeout (" +
                            GlooReducer::FirstLine(e.what()) + "); did every rank start?");
  }
}

}  // namespace abcrnn::train

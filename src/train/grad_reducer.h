// The hook between backward and the optimiser step: sums tensors (gradients, a step's partial loss)
// over the processes of a data-parallel run. One process needs nothing (LocalReducer); several use
// c10d's Gloo process group (gloo_reducer.cc). Only src/train includes this.
#pragma once

#include <ATen/Tensor.h>

#include <memory>
#include <vector>

#include "abcrnn/train/trainer.h"
#include "abcrnn/util/status.h"

namespace abcrnn::train {

class GradReducer {
 public:
  virtual ~GradReducer() = default;
  virtual int rank() const = 0;
  virtual int world_size() const = 0;
  // Sums each of `tensors` element-wise over all processes, in place. Every process calls it with
  // the same shapes, dtypes and order. An error names the peer that failed where it is known.
  virtual Status SumInPlace(const std::vector<at::Tensor>& tensors) = 0;
  // Starts summing `flat` (one contiguous float tensor) in place and returns at once, so that the
  // sum travels while backward goes on; FinishSums waits for every sum started since the last
  // call. Every process starts the same sums in the same order. By default (one process, or a
  // reducer without asynchronous sums) the sum is done in FinishSums.
  virtual void StartSum(const at::Tensor& flat) { started_.push_back(flat); }
  virtual Status FinishSums() {
    std::vector<at::Tensor> started;
    started.swap(started_);
    return started.empty() ? Status::OK() : SumInPlace(started);
  }
  // Seconds spent in SumInPlace and FinishSums so far (waiting for peers included).
  virtual double seconds() const = 0;

 private:
  std::vector<at::Tensor> started_;
};

// One process: the sum is the tensor itself.
class LocalReducer : public GradReducer {
 public:
  int rank() const override { return 0; }
  int world_size() const override { return 1; }
  Status SumInPlace(const std::vector<at::Tensor>&) override { return Status::OK(); }
  double seconds() const override { return 0; }
};

// Joins the run at options.master ("host:port"; rank 0 listens there) as options.rank of
// options.world_size over TCPStore and ProcessGroupGloo, with options.dist_timeout_s for the
// rendezvous and every collective. InvalidArgument for a bad address or a port in use, Internal
// when a peer does not come.
Result<std::unique_ptr<GradReducer>> MakeGlooReducer(const TrainOptions& options);

}  // namespace abcrnn::train

// LIBLINEAR (Debian liblinear-dev) training for the classify models: a sparse matrix in its
// layout and one seeded, quiet, serialised training run. Internal to src/classify.
#pragma once

#include <linear.h>

#include <cstdint>
#include <vector>

#include "classify/features.h"
#include "core/status.h"

namespace openupr::classify {

// The training matrix in LIBLINEAR's layout: per row, (index, value) nodes from index 1, the
// bias node, then index -1. `features` (the number of feature columns) must be set before Add.
struct LinearMatrix {
  std::vector<feature_node> nodes;
  std::vector<size_t> row_begin;
  int features = 0;
  // Adds a row: x's features, then `extra` (index, value) pairs (indexes from 0, below features).
  void Add(const SparseVector& x, const std::vector<std::pair<int, double>>& extra = {});
};

// A LIBLINEAR model, freed on scope exit.
struct LinearModelPtr {
  model* m = nullptr;
  LinearModelPtr() = default;
  LinearModelPtr(const LinearModelPtr&) = delete;
  LinearModelPtr& operator=(const LinearModelPtr&) = delete;
  ~LinearModelPtr() {
    if (m) free_and_destroy_model(&m);
  }
};

// Trains one LIBLINEAR model over the given rows of m and labels y (one per row). LIBLINEAR's
// dual solvers draw their visiting order from rand(): seeding it right before train() makes a
// run reproducible. rand() is process-global, so trainings are serialised.
Status TrainLinear(LinearMatrix& m, const std::vector<size_t>& rows, std::vector<double>& y,
                   int solver, double c, uint64_t seed, LinearModelPtr& out);

}  // namespace openupr::classify

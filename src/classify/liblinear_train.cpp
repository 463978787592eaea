#include "classify/liblinear_train.h"

#include <cstdlib>
#include <mutex>
#include <string>

namespace openupr::classify {
namespace {
void Quiet(const char*) {}
}  // namespace

void LinearMatrix::Add(const SparseVector& x, const std::vector<std::pair<int, double>>& extra) {
  row_begin.push_back(nodes.size());
  for (size_t i = 0; i < x.index.size(); ++i)
    nodes.push_back({x.index[i] + 1, static_cast<double>(x.value[i])});
  for (const auto& [index, value] : extra) nodes.push_back({index + 1, value});
  nodes.push_back({features + 1, 1.0});
  nodes.push_back({-1, 0.0});
}

Status TrainLinear(LinearMatrix& m, const std::vector<size_t>& rows, std::vector<double>& y,
                   int solver, double c, uint64_t seed, LinearModelPtr& out) {
  static std::mutex mu;
  std::vector<feature_node*> x;
  x.reserve(rows.size());
  for (size_t r : rows) x.push_back(&m.nodes[m.row_begin[r]]);
  problem prob{};
  prob.l = static_cast<int>(rows.size());
  prob.n = m.features + 1;
  prob.y = y.data();
  prob.x = x.data();
  prob.bias = 1.0;
  parameter param{};
  param.solver_type = solver;
  param.C = c;
  param.eps = 0.01;
  param.p = 0.1;
  if (const char* err = check_parameter(&prob, &param))
    return Status::Internal(std::string("liblinear: ") + err);
  std::lock_guard<std::mutex> lock(mu);
  set_print_string_function(&Quiet);
  std::srand(static_cast<unsigned>(seed));
  out.m = train(&prob, &param);
  if (!out.m) return Status::Internal("liblinear: training failed");
  return Status::Ok();
}

}  // namespace openupr::classify

#include "classify/support.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "classify/classifier.h"
#include "classify/liblinear_train.h"

namespace openupr::classify {
namespace {

// The one-hot keys of a record's states and action (the only meta features).
void MetaKeys(std::string_view sur, std::span<const std::string> from, int action,
              std::vector<std::string>& out) {
  out.clear();
  if (!sur.empty()) out.push_back("S:" + std::string(sur));
  for (const auto& f : from)
    if (!f.empty()) out.push_back("F:" + f);
  if (action >= 1 && action <= 5) out.push_back("A:" + std::to_string(action));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace

Result<SupportModel> SupportModel::Train(std::span<const Example> examples,
                                         const FeatureSpace& features, const Options& options) {
  SupportModel s;
  s.options_ = options;
  s.text_features_ = features.size();
  // The meta features, in sorted key order so that the model does not depend on the order
  // of the examples' first appearance beyond their content.
  std::map<std::string, int32_t> keys;
  std::vector<std::string> mk;
  for (const Example& e : examples) {
    if (e.supported != 0 && e.supported != 1) continue;
    MetaKeys(e.sur, e.from, e.action, mk);
    for (auto& k : mk) keys.emplace(std::move(k), 0);
    SupportHistory& h = s.sur_history_[e.sur];
    ++h.recommendations;
    h.supported += e.supported;
    ++s.overall_.recommendations;
    s.overall_.supported += e.supported;
  }
  if (s.overall_.recommendations == 0)
    return Status::InvalidArgument("no recommendation with a response (supported or noted)");
  if (s.overall_.supported == 0 || s.overall_.supported == s.overall_.recommendations)
    return Status::InvalidArgument("every recommendation has the same response: nothing to learn");
  int32_t next = s.text_features_;
  for (auto& [k, idx] : keys) {
    idx = next++;
    s.meta_.emplace(k, idx);
  }
  LinearMatrix m;
  m.features = next;
  std::vector<size_t> rows;
  std::vector<double> y;
  SparseVector x;
  std::vector<std::pair<int, double>> extra;
  for (const Example& e : examples) {
    if (e.supported != 0 && e.supported != 1) continue;
    features.Transform(e.text, x);
    MetaKeys(e.sur, e.from, e.action, mk);
    extra.clear();
    for (const auto& k : mk) extra.emplace_back(s.meta_.at(k), options.meta_weight);
    rows.push_back(m.row_begin.size());
    m.Add(x, extra);
    y.push_back(e.supported ? 1.0 : -1.0);
  }
  LinearModelPtr mp;
  OPENUPR_RETURN_IF_ERROR(TrainLinear(m, rows, y, L2R_LR, options.c, options.seed, mp));
  int labels[2] = {0, 0};
  get_labels(mp.m, labels);
  // LIBLINEAR's one weight vector of a two-class model is for labels[0].
  const double sign = labels[0] == 1 ? 1.0 : -1.0;
  s.w_.assign(static_cast<size_t>(next), 0.f);
  for (int32_t f = 0; f < next; ++f)
    s.w_[f] = static_cast<float>(sign * get_decfun_coef(mp.m, f + 1, 0));
  s.bias_ = sign * get_decfun_bias(mp.m, 0);
  return s;
}

double SupportModel::Probability(const SparseVector& x, std::string_view sur,
                                 std::span<const std::string> from, int action) const {
  double z = bias_;
  for (size_t i = 0; i < x.index.size(); ++i)
    if (x.index[i] < text_features_) z += static_cast<double>(x.value[i]) * w_[x.index[i]];
  thread_local std::vector<std::string> mk;
  MetaKeys(sur, from, action, mk);
  for (const auto& k : mk)
    if (auto it = meta_.find(k); it != meta_.end()) z += options_.meta_weight * w_[it->second];
  return 1 / (1 + std::exp(-z));
}

SupportHistory SupportModel::SurHistory(std::string_view sur) const {
  auto it = sur_history_.find(std::string(sur));
  return it == sur_history_.end() ? SupportHistory{} : it->second;
}

void SupportModel::Write(BlobWriter& w) const {
  w.F64(options_.c);
  w.F64(options_.meta_weight);
  w.U64(options_.seed);
  w.I32(text_features_);
  std::map<std::string, int32_t> meta(meta_.begin(), meta_.end());  // a deterministic order
  w.U32(static_cast<uint32_t>(meta.size()));
  for (const auto& [k, idx] : meta) {
    w.Str(k);
    w.I32(idx);
  }
  w.Vec(w_);
  w.F64(bias_);
  std::map<std::string, SupportHistory> hist(sur_history_.begin(), sur_history_.end());
  w.U32(static_cast<uint32_t>(hist.size()));
  for (const auto& [sur, h] : hist) {
    w.Str(sur);
    w.U64(static_cast<uint64_t>(h.recommendations));
    w.U64(static_cast<uint64_t>(h.supported));
  }
}

Result<SupportModel> SupportModel::Read(BlobReader& r, int32_t text_features) {
  SupportModel s;
  uint32_t nmeta = 0, nhist = 0;
  if (!r.F64(s.options_.c) || !r.F64(s.options_.meta_weight) || !r.U64(s.options_.seed) ||
      !r.I32(s.text_features_) || s.text_features_ != text_features || !r.U32(nmeta) ||
      nmeta > r.remaining())
    return Status::BadInput("model blob: bad support model header");
  for (uint32_t i = 0; i < nmeta; ++i) {
    std::string k;
    int32_t idx = 0;
    if (!r.Str(k) || !r.I32(idx) || idx < text_features)
      return Status::BadInput("model blob: bad support model features");
    s.meta_.emplace(std::move(k), idx);
  }
  if (!r.Vec(s.w_) || s.w_.size() != static_cast<size_t>(text_features) + nmeta ||
      !r.F64(s.bias_) || !r.U32(nhist) || nhist > r.remaining())
    return Status::BadInput("model blob: bad support model weights");
  for (const auto& [k, idx] : s.meta_)
    if (static_cast<size_t>(idx) >= s.w_.size())
      return Status::BadInput("model blob: bad support model features");
  for (uint32_t i = 0; i < nhist; ++i) {
    std::string sur;
    uint64_t n = 0, sup = 0;
    if (!r.Str(sur) || !r.U64(n) || !r.U64(sup) || sup > n)
      return Status::BadInput("model blob: bad support model history");
    SupportHistory h{static_cast<int64_t>(n), static_cast<int64_t>(sup)};
    s.overall_.recommendations += h.recommendations;
    s.overall_.supported += h.supported;
    s.sur_history_.emplace(std::move(sur), h);
  }
  return s;
}

}  // namespace openupr::classify

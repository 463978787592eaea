#include "classify/metrics.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

namespace openupr::classify {
namespace {

double F1(int tp, int fp, int fn) { return tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn); }

void Finish(Metrics& m) {
  int tp = 0, fp = 0, fn = 0, counted = 0;
  double f1_sum = 0;
  for (auto& l : m.labels) {
    l.support = l.tp + l.fn;
    l.precision = l.tp + l.fp ? static_cast<double>(l.tp) / (l.tp + l.fp) : 0;
    l.recall = l.support ? static_cast<double>(l.tp) / l.support : 0;
    l.f1 = F1(l.tp, l.fp, l.fn);
    tp += l.tp;
    fp += l.fp;
    fn += l.fn;
    // A label never true and never predicted has no F1 to average (scikit-learn would warn).
    if (l.tp + l.fp + l.fn > 0) {
      f1_sum += l.f1;
      ++counted;
    }
  }
  m.micro_precision = tp + fp ? static_cast<double>(tp) / (tp + fp) : 0;
  m.micro_recall = tp + fn ? static_cast<double>(tp) / (tp + fn) : 0;
  m.micro_f1 = F1(tp, fp, fn);
  m.macro_f1 = counted ? f1_sum / counted : 0;
}

}  // namespace

Metrics SingleLabelMetrics(const std::vector<std::string>& labels, const std::vector<int>& truth,
                           const std::vector<int>& predicted) {
  Metrics m;
  const int k = static_cast<int>(labels.size());
  for (const auto& l : labels) m.labels.push_back({l});
  m.confusion.assign(k, std::vector<int>(k, 0));
  const size_t n = std::min(truth.size(), predicted.size());
  m.n = static_cast<int>(n);
  int right = 0;
  for (size_t i = 0; i < n; ++i) {
    const int t = truth[i], p = predicted[i];
    if (t == p) ++right;
    const bool t_ok = t >= 0 && t < k, p_ok = p >= 0 && p < k;
    if (t_ok && p_ok) ++m.confusion[t][p];
    if (t == p && t_ok) {
      ++m.labels[t].tp;
    } else {
      if (t_ok) ++m.labels[t].fn;
      if (p_ok) ++m.labels[p].fp;
    }
  }
  m.accuracy = n ? static_cast<double>(right) / n : 0;
  Finish(m);
  return m;
}

Metrics MultiLabelMetrics(const std::vector<std::string>& labels,
                          const std::vector<std::vector<int>>& truth,
                          const std::vector<std::vector<int>>& predicted) {
  Metrics m;
  const int k = static_cast<int>(labels.size());
  for (const auto& l : labels) m.labels.push_back({l});
  const size_t n = std::min(truth.size(), predicted.size());
  m.n = static_cast<int>(n);
  int exact = 0;
  for (size_t i = 0; i < n; ++i) {
    std::vector<int> t = truth[i], p = predicted[i];
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    std::sort(p.begin(), p.end());
    p.erase(std::unique(p.begin(), p.end()), p.end());
    if (t == p) ++exact;
    for (int x : t)
      if (x >= 0 && x < k) {
        if (std::binary_search(p.begin(), p.end(), x))
          ++m.labels[x].tp;
        else
          ++m.labels[x].fn;
      }
    for (int x : p)
      if (x >= 0 && x < k && !std::binary_search(t.begin(), t.end(), x)) ++m.labels[x].fp;
  }
  m.accuracy = n ? static_cast<double>(exact) / n : 0;
  Finish(m);
  return m;
}

nlohmann::json MetricsJson(const Metrics& m) {
  nlohmann::json j = {{"n", m.n},
                      {"accuracy", m.accuracy},
                      {"micro_precision", m.micro_precision},
                      {"micro_recall", m.micro_recall},
                      {"micro_f1", m.micro_f1},
                      {"macro_f1", m.macro_f1}};
  nlohmann::json per = nlohmann::json::array();
  for (const auto& l : m.labels)
    per.push_back({{"label", l.label},
                   {"support", l.support},
                   {"precision", l.precision},
                   {"recall", l.recall},
                   {"f1", l.f1}});
  j["labels"] = per;
  if (!m.confusion.empty()) j["confusion"] = m.confusion;
  return j;
}

ProbabilityMetrics BinaryProbabilityMetrics(const std::vector<int>& truth,
                                            const std::vector<double>& probability, int bins) {
  ProbabilityMetrics m;
  const size_t n = std::min(truth.size(), probability.size());
  m.n = static_cast<int>(n);
  bins = std::max(bins, 1);
  m.calibration.resize(static_cast<size_t>(bins));
  for (int b = 0; b < bins; ++b) {
    m.calibration[b].lo = static_cast<double>(b) / bins;
    m.calibration[b].hi = static_cast<double>(b + 1) / bins;
  }
  if (n == 0) return m;
  int64_t positives = 0;
  for (size_t i = 0; i < n; ++i) {
    const double p = probability[i], y = truth[i] ? 1.0 : 0.0;
    positives += truth[i] ? 1 : 0;
    m.brier += (p - y) * (p - y);
    const double q = std::clamp(p, 1e-15, 1 - 1e-15);
    m.log_loss -= y * std::log(q) + (1 - y) * std::log(1 - q);
    auto& bin =
        m.calibration[std::min(static_cast<size_t>(p * bins), static_cast<size_t>(bins - 1))];
    ++bin.n;
    bin.mean_predicted += p;
    bin.observed += y;
  }
  for (auto& bin : m.calibration)
    if (bin.n) {
      bin.mean_predicted /= bin.n;
      bin.observed /= bin.n;
    }
  m.positive_rate = static_cast<double>(positives) / n;
  m.brier /= n;
  m.log_loss /= n;
  // AUC = (sum of the positives' ranks - P(P+1)/2) / (P * N), ranks averaged over ties.
  const int64_t negatives = static_cast<int64_t>(n) - positives;
  if (positives == 0 || negatives == 0) {
    m.auc = 0.5;
    return m;
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return probability[a] < probability[b]; });
  double rank_sum = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && probability[order[j]] == probability[order[i]]) ++j;
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;  // 1-based
    for (size_t k = i; k < j; ++k)
      if (truth[order[k]]) rank_sum += rank;
    i = j;
  }
  m.auc = (rank_sum - static_cast<double>(positives) * (positives + 1) / 2) /
          (static_cast<double>(positives) * negatives);
  return m;
}

nlohmann::json ProbabilityMetricsJson(const ProbabilityMetrics& m) {
  nlohmann::json bins = nlohmann::json::array();
  for (const auto& b : m.calibration)
    bins.push_back({{"from", b.lo},
                    {"to", b.hi},
                    {"n", b.n},
                    {"mean_predicted", b.n ? nlohmann::json(b.mean_predicted) : nlohmann::json()},
                    {"observed", b.n ? nlohmann::json(b.observed) : nlohmann::json()}});
  return {{"n", m.n},         {"positive_rate", m.positive_rate}, {"auc", m.auc},
          {"brier", m.brier}, {"log_loss", m.log_loss},           {"calibration", bins}};
}

}  // namespace openupr::classify

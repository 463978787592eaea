#include "classify/metrics.h"

#include <algorithm>
#include <nlohmann/json.hpp>

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

}  // namespace openupr::classify

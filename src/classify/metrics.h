// Classification metrics (issue 16): accuracy, micro- and macro-averaged F1, per-label
// precision/recall/F1 and the confusion matrix, for single-label (action category) and
// multi-label (themes) predictions. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "nlohmann/json_fwd.hpp"

namespace openupr::classify {

struct LabelMetrics {
  std::string label;
  int tp = 0, fp = 0, fn = 0;
  int support = 0;                           // tp + fn: how often the label is true
  double precision = 0, recall = 0, f1 = 0;  // 0 when undefined (no prediction / no support)
};

struct Metrics {
  int n = 0;            // examples
  double accuracy = 0;  // single-label: share exactly right; multi-label: exact set match
  double micro_f1 = 0;  // F1 over the summed tp/fp/fn of every label
  double macro_f1 = 0;  // mean F1 over the labels with support or predictions
  double micro_precision = 0, micro_recall = 0;
  std::vector<LabelMetrics> labels;  // in the order of the label list given
  // Single-label only: confusion[true][predicted], in label order.
  std::vector<std::vector<int>> confusion;
};

// Single-label: truth[i] and predicted[i] index into labels (-1: none predicted).
Metrics SingleLabelMetrics(const std::vector<std::string>& labels, const std::vector<int>& truth,
                           const std::vector<int>& predicted);
// Multi-label: sets of indexes into labels.
Metrics MultiLabelMetrics(const std::vector<std::string>& labels,
                          const std::vector<std::vector<int>>& truth,
                          const std::vector<std::vector<int>>& predicted);

nlohmann::json MetricsJson(const Metrics& m);

}  // namespace openupr::classify

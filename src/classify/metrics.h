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

// Probabilities of a binary outcome (the support model): ranking and calibration.
struct ProbabilityMetrics {
  int n = 0;
  double positive_rate = 0;  // share of outcomes that are 1
  double auc = 0;            // ROC AUC (ties count half); 0.5 when one class is absent
  double brier = 0;          // mean squared error of the probabilities
  double log_loss = 0;       // mean negative log-likelihood (probabilities clipped to 1e-15)
  struct Bin {
    double lo = 0, hi = 0;  // [lo, hi) of the predicted probability (the last bin includes 1)
    int n = 0;
    double mean_predicted = 0, observed = 0;  // 0 when n == 0
  };
  std::vector<Bin> calibration;  // equal-width bins over [0, 1]
};
// truth[i] in {0, 1}; probability[i] in [0, 1].
ProbabilityMetrics BinaryProbabilityMetrics(const std::vector<int>& truth,
                                            const std::vector<double>& probability, int bins = 10);
nlohmann::json ProbabilityMetricsJson(const ProbabilityMetrics& m);

}  // namespace openupr::classify

// Training data from the database and the time-split evaluation (issue 16): train on some
// sessions, test on later ones, and measure the classifier beside plain fastText and the
// first-word rule with the same metrics (metrics.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "classify/classifier.h"
#include "classify/metrics.h"
#include "core/status.h"
#include "nlohmann/json_fwd.hpp"
#include "store/store.h"

namespace openupr::classify {

// A stored recommendation with its source labels.
struct LabelledRecord {
  std::string uid;
  int session = 0;
  Example example;
};

// Every recommendation of the database (id order) with session in [first, last] (0, 0: all).
Result<std::vector<LabelledRecord>> LoadRecords(store::Store& store, int first_session = 0,
                                                int last_session = 0);

// The XXH3-128 fingerprint of training data: uid, action and themes of every record, in order.
std::string TrainingFingerprint(const std::vector<LabelledRecord>& records);

struct SystemResult {
  std::string name;  // "openupr", "fasttext", "first-word"
  bool has_themes = false;
  Metrics themes;
  Metrics action;
  double train_seconds = 0;
};

// The support model on the test records with a response (supported or noted), its action
// category the predicted one (as for a draft), beside the baseline of the state under review's
// supported share in the training sessions (the whole training share for a state it lacks).
struct SupportResult {
  ProbabilityMetrics model;
  ProbabilityMetrics baseline;
  int unseen_states = 0;  // test records whose state under review the training data lacks
};

struct Evaluation {
  int train_first = 0, train_last = 0, test_first = 0, test_last = 0;
  int train_records = 0, test_records = 0;
  std::vector<SystemResult> systems;
  std::optional<SupportResult> support;  // when the trained model has a support part
};

struct EvaluateOptions {
  TrainOptions train;
  bool baselines = true;  // fastText and the first-word rule too
  std::string tmp_dir;    // fastText's training files (required with baselines)
  // fastText's training threads: 1 is reproducible (its Hogwild updates race otherwise).
  int fasttext_threads = 1;
};

// Measures a trained classifier on test records (themes over records with themes, action over
// records with one).
SystemResult MeasureClassifier(const Classifier& c, const std::vector<LabelledRecord>& test);
// Measures c's support model (nullopt without one) on test records with a response.
std::optional<SupportResult> MeasureSupport(const Classifier& c,
                                            const std::vector<LabelledRecord>& test);

// Trains on sessions [train_first, train_last] and tests on [test_first, test_last]. Errors:
// kInvalidArgument for an empty or overlapping split, store and training errors.
Result<Evaluation> Evaluate(store::Store& store, int train_first, int train_last, int test_first,
                            int test_last, const EvaluateOptions& options);

nlohmann::json EvaluationJson(const Evaluation& e);
std::string EvaluationText(const Evaluation& e);

}  // namespace openupr::classify

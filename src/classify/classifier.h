// Labels for any text (issue 16, docs/classify.md): the UPR Info themes (multi-label, a score
// per theme, at least one predicted), the action category 1-5 (with a score) and the SDG goals
// 1-17 (from the themes and the SDG targets' texts, sdg.h). Linear models trained with LIBLINEAR
// over our own features (features.h).
//
// Use: train in memory (Classifier::Train) or load one stored in the database (model_store.h),
// then Predict. A Classifier is immutable after Train/Deserialize: Predict is thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "classify/features.h"
#include "classify/sdg.h"
#include "classify/support.h"
#include "core/status.h"

namespace openupr::classify {

// The blob format this build writes and reads (Serialize). Bumped on any change of layout.
// 2: the SDG targets' texts; 3: the support model (support.h).
inline constexpr uint32_t kModelFormatVersion = 3;

// One labelled text for training. action 0 = unknown (left out of the action model); an empty
// themes list = unknown (left out of the theme models).
struct Example {
  std::string text;
  int action = 0;
  std::vector<std::string> themes;
  // For the support model (support.h): ISO3 of the state under review and of the recommending
  // states ("" unknown), and the response: 1 supported, 0 noted, -1 unknown or other (left out).
  std::string sur;
  std::vector<std::string> from;
  int supported = -1;
};

enum class Solver {
  kSvm,       // L2-regularised squared hinge (LinearSVC); scores by a logistic mapping
  kLogistic,  // L2-regularised logistic regression; scores are its probabilities
};

struct TrainOptions {
  uint64_t seed = 1;  // LIBLINEAR's coordinate descent visits examples in a seeded order
  Solver solver = Solver::kSvm;
  double theme_c = 0.3;
  double action_c = 0.3;
  // A theme is predicted when its decision value exceeds this (SVM) or its probability does
  // (logistic); the best-scoring theme always is. Default per solver when NaN.
  double theme_threshold = std::numeric_limits<double>::quiet_NaN();
  int min_df = 2;
  // The SDG targets' texts (sdg.h ReadSdgTargets), kept in the model for its goal scores; empty:
  // goals from the theme table only.
  SdgTargets sdg_targets;
  // The support model's regularisation C (LIBLINEAR logistic regression); trained whenever
  // examples carry responses of both kinds.
  double support_c = 0.3;
};

struct LabelScore {
  std::string label;
  double score = 0;  // 0..1: a probability (logistic) or a mapped decision value (SVM)
};

// The estimated chance of support for a text made to a state (support.h).
struct SupportEstimate {
  double probability = 0;  // 0..1
  std::string sur;
  std::vector<std::string> from;
  SupportHistory history;  // the state under review's record in the training data
};

// Whom a text is addressed to, for the support estimate: ISO3 codes.
struct SupportQuery {
  std::string sur;
  std::vector<std::string> from;
};

struct Prediction {
  int action = 0;  // 1..5; 0 when the model has no action part
  double action_score = 0;
  std::vector<LabelScore> themes;          // predicted themes, best first (at least one)
  std::vector<LabelScore> sdgs;            // predicted goals "1".."17", best first (may be empty)
  std::optional<SupportEstimate> support;  // when asked for and the model has a support part
};

class Classifier {
 public:
  // Errors: kInvalidArgument when there is nothing to learn from (no labelled example).
  static Result<Classifier> Train(std::span<const Example> examples, const TrainOptions& options);

  // Errors: kInvalidArgument for an empty (or all-whitespace) text. With a SupportQuery, the
  // prediction has the support estimate (with the predicted action category), when the model
  // has a support part.
  Result<Prediction> Predict(std::string_view text, const SupportQuery* query = nullptr) const;
  // The same from features computed by Features(); for the evaluation and the benchmark.
  Prediction PredictFeatures(const SparseVector& x, const FeatureKeys& keys) const;
  // The decision values of every theme, in themes() order, and of the actions 1..5.
  void Decisions(const SparseVector& x, std::vector<double>& themes, double actions[5]) const;
  // Decision value -> score (0..1), per solver (docs/classify.md).
  double Score(double decision) const;
  // A theme is predicted when its decision value exceeds this (or it is the best one).
  double theme_threshold() const { return theme_threshold_; }
  const FeatureSpace& features() const { return *features_; }

  const std::vector<std::string>& themes() const { return themes_; }
  // The support model; null when the training data had no responses of both kinds.
  const SupportModel* support() const { return support_.get(); }
  const TrainOptions& options() const { return options_; }

  // The model as bytes: magic, format version, the schema version of the database it was
  // trained from, the options, the features and the weights, and a checksum.
  std::string Serialize(int schema_version) const;
  // Errors: kBadInput for a blob that is not a model, corrupt or truncated, or of another format
  // version; kConflict when it was trained for another schema version than schema_version
  // ("model trained for schema 9, database is 10: retrain with `openupr classify train`").
  static Result<Classifier> Deserialize(std::string_view blob, int schema_version);

 private:
  TrainOptions options_;
  double theme_threshold_ = 0;
  std::shared_ptr<const FeatureSpace> features_;
  std::vector<std::string> themes_;
  // Weights feature-major: theme_w_[f * themes + t]; bias per theme.
  std::vector<float> theme_w_;
  std::vector<float> theme_b_;
  std::vector<float> action_w_;  // action_w_[f * 5 + (a - 1)]
  std::vector<float> action_b_;
  std::shared_ptr<const SdgScorer> sdg_;
  std::shared_ptr<const SupportModel> support_;
  // For prediction: the theme and action weights of each feature side by side, stride_ floats
  // a feature (themes, then the five actions, then padding), so one vectorised loop does both;
  // and the goals of each theme.
  std::vector<float> dense_;
  size_t stride_ = 0;
  std::vector<std::vector<int>> theme_goals_;
  // Builds the members above from the trained or read weights.
  void Finish();
};

}  // namespace openupr::classify

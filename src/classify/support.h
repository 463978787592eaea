// Will it be supported? (issue 16, docs/classify.md "Support"): the probability that the state
// under review supports a recommendation, from its text, the state under review, the
// recommending states and the action category. L2-regularised logistic regression (LIBLINEAR)
// over the classifier's text features plus one-hot features of the two states and the action
// category (the states' one-hots carry their history: a state's learnt weight is its
// tendency to support, beyond what the texts explain). Trained with the classifier
// (classifier.h) and stored in its blob.
//
// Immutable after Train/Read: Probability is thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "classify/blob.h"
#include "classify/features.h"
#include "core/status.h"

namespace openupr::classify {

struct Example;

// One state's record in the training data: recommendations received with a response (supported
// or noted) and how many were supported.
struct SupportHistory {
  int64_t recommendations = 0;
  int64_t supported = 0;
};

class SupportModel {
 public:
  struct Options {
    double c = 0.3;            // LIBLINEAR's C
    double meta_weight = 0.3;  // value of the state and action one-hots (text block is L2 = 1)
    uint64_t seed = 1;
  };

  // Trains on the examples with a response (Example::supported 0 or 1), their texts turned into
  // features by `features`. Errors: kInvalidArgument when no example has a response, or all
  // have the same one (nothing to learn).
  static Result<SupportModel> Train(std::span<const Example> examples, const FeatureSpace& features,
                                    const Options& options);

  // The probability of support. x: the text's features (features.h, the same FeatureSpace);
  // sur: ISO3 of the state under review; from: ISO3 of the recommending states (joint ones have
  // several); action: 1..5, or 0 when unknown. States never seen in training add nothing.
  double Probability(const SparseVector& x, std::string_view sur, std::span<const std::string> from,
                     int action) const;

  // The state's training record (zeros for a state never seen), and the whole training data's.
  SupportHistory SurHistory(std::string_view sur) const;
  const SupportHistory& overall() const { return overall_; }

  void Write(BlobWriter& w) const;
  // Errors: kBadInput naming what is damaged. text_features: the FeatureSpace's size.
  static Result<SupportModel> Read(BlobReader& r, int32_t text_features);

 private:
  Options options_;
  int32_t text_features_ = 0;
  std::unordered_map<std::string, int32_t> meta_;  // "S:FRA", "F:GBR", "A:5" -> weight index
  std::vector<float> w_;                           // text features, then meta_ indexes
  double bias_ = 0;
  std::unordered_map<std::string, SupportHistory> sur_history_;
  SupportHistory overall_;
};

}  // namespace openupr::classify

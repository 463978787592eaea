// The baselines the classifier is measured against (issue 16), by the same evaluation:
// - plain fastText (Debian's libfasttext, its C++ API) with the settings: supervised,
//   word bigrams, 30 epochs, softmax for the action, one-vs-all for the themes with threshold
//   0.5, other settings at fastText's supervised defaults, one thread (reproducible);
// - the first-word rule: the majority action category of the training texts that open with the
//   same word (the overall majority for an unseen word).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "classify/classifier.h"
#include "core/status.h"

namespace openupr::classify {

// fastText's view of a text: folded, words and punctuation marks as tokens.
std::string FastTextTokens(std::string_view text);

class FastTextBaseline {
 public:
  ~FastTextBaseline();
  // Trains the two models (themes, action) through temporary files in tmp_dir. Errors: kIo for
  // the files, kInternal when fastText throws.
  static Result<std::unique_ptr<FastTextBaseline>> Train(std::span<const Example> examples,
                                                         const std::string& tmp_dir, int seed,
                                                         int threads = 1);
  // The predicted themes (those with probability >= 0.5; possibly none) and action (0: none).
  void Predict(std::string_view text, std::vector<std::string>& themes, int& action) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class FirstWordRule {
 public:
  static FirstWordRule Train(std::span<const Example> examples);
  int Predict(std::string_view text) const;

 private:
  std::unordered_map<std::string, int> action_;
  int majority_ = 0;
};

}  // namespace openupr::classify

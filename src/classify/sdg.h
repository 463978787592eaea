// SDG goals 1-17 for a text (docs/classify.md): the goals the predicted UPR Info themes link to
// (the table below, written for OpenUPR), together with the similarity of the text to each
// goal's targets (the 169 targets' English texts of ../shared/data/sdg/en/global_targets.yml,
// read when a model is trained and kept in the model: the data is never copied into the tree).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "classify/features.h"
#include "classify/key_index.h"
#include "core/status.h"

namespace openupr::classify {

// One row of the theme-to-goal table: an UPR Info theme and the SDG goals it serves.
struct ThemeGoals {
  std::string_view theme;
  std::vector<int> goals;
};
// Every UPR Info theme with its goals (empty for themes no goal covers, e.g. "UPR process").
std::span<const ThemeGoals> ThemeGoalTable();

// The targets' texts by goal (index 1..17, 0 unused) of the text of a global_targets.yml
// ("1-1: text" lines, folded continuation lines indented); lines of any other form are skipped.
using SdgTargets = std::vector<std::vector<std::string>>;
SdgTargets ParseSdgTargets(std::string_view yaml);
// The same from a file. Errors: kIo naming the file; kBadInput when it holds no target.
Result<SdgTargets> ReadSdgTargets(const std::string& path);

// Scores goals: immutable after construction, thread-safe.
class SdgScorer {
 public:
  // targets: ParseSdgTargets' result; empty: goals from the theme table only.
  explicit SdgScorer(SdgTargets targets);
  // Cosine similarity (0..1) of the text's word n-grams to each goal's targets (TF-IDF over the
  // 17 goals' target texts); index 1..17.
  std::vector<double> Similarity(const FeatureKeys& keys) const;
  // The predicted goals: every goal linked to a theme with a score >= 0.5 (score: the best such
  // theme score), and every goal whose similarity is >= kMinSimilarity (score: similarity
  // mapped to 0.5..1); the higher of the two.
  // theme_goals[t]: GoalsOfTheme of theme t; theme_scores[t]: its score (0: not predicted).
  std::vector<std::pair<int, double>> Goals(const FeatureKeys& keys,
                                            std::span<const std::vector<int>> theme_goals,
                                            std::span<const double> theme_scores) const;
  // The goals of a theme by the table (case-insensitive name); empty for an unknown theme.
  std::vector<int> GoalsOfTheme(std::string_view theme) const;
  static constexpr double kMinSimilarity = 0.2;

 private:
  KeyIndex keys_;  // key -> index into postings_ and idf_
  std::vector<std::vector<std::pair<int, float>>> postings_;  // (goal, weight) per key
  std::vector<float> idf_;
  std::unordered_map<std::string, std::vector<int>> theme_goals_;  // folded theme name -> goals
};

}  // namespace openupr::classify

// `openupr classify evaluate|train|label|apply` (issue 16, docs/cli.md): thin adapters over
// src/classify.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "cli/commands.h"

namespace openupr::cli {

struct ClassifyArgs {
  std::string what;  // evaluate, train, label, apply, text
  std::string train_sessions = "1-13", test_sessions = "14-17";
  uint64_t seed = 1;
  std::string solver = "svm";        // svm or logistic
  double theme_c = 0, action_c = 0;  // 0: the solver's default
  double theme_threshold = std::numeric_limits<double>::quiet_NaN();
  bool no_baselines = false;
  std::string sdg_targets;  // global_targets.yml; default: $OPENUPR_DATA_DIR/sdg/en/...
  std::string file, format = "csv", output;  // label
  std::string text, sur, from;               // text
};
int RunClassify(const CommonOptions& common, const ClassifyArgs& args);

}  // namespace openupr::cli

// The CLI's commands for similar and repeated recommendations (engine/similar.h):
// `openupr similar UID|--text TEXT` and `openupr repeated`. Each prints what the API's endpoint
// of the same name answers (server/similar_api.h): its JSON with --json, else a table.
#pragma once

#include <string>

#include "cli/commands.h"

namespace openupr::cli {

struct SimilarArgs {
  std::string uid;   // a recommendation's uid or row number, or
  std::string text;  // a free text
  std::string query;
  FilterOptions filters;
  int limit = 10;
  double min_score = 0;
};
int RunSimilar(const CommonOptions& common, const SimilarArgs& args);

struct RepeatedArgs {
  std::string query;
  FilterOptions filters;
  double min_score = -1;  // < 0: the engine's default threshold
  int limit = 20;
};
int RunRepeated(const CommonOptions& common, const RepeatedArgs& args);

}  // namespace openupr::cli

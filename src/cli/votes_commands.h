// The CLI's commands for the Council's record: `openupr resolutions`, `openupr votes ...`, and
// `openupr show ohchr-N`. Each builds the engine's VoteIndex from the database and prints what
// the API's endpoint of the same name answers (server/votes_api.h): its JSON with --json, else
// a table.
#pragma once

#include <string>
#include <vector>

#include "cli/commands.h"

namespace openupr::cli {

// The selection of roll calls every votes command takes (the API's q, body, year, session,
// agenda_item, outcome).
struct ResolutionOptions {
  std::string query, body, year, session;
  std::vector<std::string> agenda_item, outcome;
};

struct ResolutionsArgs {
  ResolutionOptions selection;
  bool roll_calls = false;
  int page = 1, per_page = 20;
};
int RunResolutions(const CommonOptions& common, const ResolutionsArgs& args);
int RunShowResolution(const CommonOptions& common, const std::string& uid);

struct VotesArgs {
  std::string what;  // agreement, matrix, cohesion, map, groups, record, discrepancies
  std::vector<std::string> states;  // agreement: STATE [WITH]; record: STATE
  std::string group, reference;
  int min_shared = 20, min_votes = 20, limit = 20;
  bool per_roll_call = false;
  ResolutionOptions selection;
};
int RunVotes(const CommonOptions& common, const VotesArgs& args);

struct PoliticizationArgs {
  std::string what;  // severity, leniency, double-standards, reciprocity
  std::string query, outcome = "action";
  FilterOptions filters;
  int min_recs = 1, min_shared = 20, limit = 20;
  bool weighted = false;
  bool with_agreement = false;  // severity: only the dyads with an agreement
};
// `openupr politicization ...`: the API's /api/v1/politicization/* answers.
int RunPoliticization(const CommonOptions& common, const PoliticizationArgs& args);

}  // namespace openupr::cli

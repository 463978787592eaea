// The CLI's commands for OHCHR's Universal Human Rights Index: `openupr observations` and
// `openupr show uhri-...`. Each builds the engine's ObservationIndex from the database and prints
// what the API's endpoint of the same name answers (server/observations_api.h): its JSON with
// --json, else a table.
#pragma once

#include <string>
#include <vector>

#include "cli/commands.h"

namespace openupr::cli {

struct ObservationsArgs {
  std::string query, year, since, until;
  std::vector<std::string> state, mechanism, body, document, theme, sdg, affected, type;
  std::vector<std::string> facets;  // printed below the results
  bool missing = false;
  int page = 1, per_page = 20;
};
int RunObservations(const CommonOptions& common, const ObservationsArgs& args);
int RunShowObservation(const CommonOptions& common, const std::string& uid);

}  // namespace openupr::cli

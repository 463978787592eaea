// A selection of recommendations by their attributes, shared by search, stats and export, in the
// CLI and (later) the HTTP API. Values within one field are alternatives (OR); different fields
// must all hold (AND).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/states.h"
#include "core/status.h"

namespace openupr {

struct Filters {
  std::vector<std::string> sur;   // ISO3 of the state under review
  std::vector<std::string> from;  // ISO3 of a recommending state
  std::vector<Region> sur_region;
  std::vector<Region> from_region;
  std::vector<int> sessions;
  std::vector<int> cycles;
  std::vector<Response> responses;
  std::vector<int> actions;  // 1..5, 0 = unknown
  std::vector<std::string> themes;
  // Organisations of the state under review / of a recommending state, as named in the source's
  // comma-separated lists ("AU, OIC"): matched one list item at a time, ignoring spaces and ASCII
  // case (OrgKey).
  std::vector<std::string> sur_orgs;
  std::vector<std::string> from_orgs;
  std::vector<int> sdgs;  // SDG goals 1..17 (recommendation_sdg.goal)
  // The value "unknown" of "from" and "from-region", as the facets name it: a record with a
  // recommending state the source does not name (or none at all); for "from-region" also one
  // whose recommending state has no known region. An alternative of its field like any value.
  bool from_unknown = false;
  bool from_region_unknown = false;
  // "labels": "all" (the default) counts a recommendation the source left without an action
  // category or without themes under its predicted ones (`openupr classify apply`, table
  // predicted_label); "source" leaves out every recommendation counted under a predicted label,
  // so that every figure rests on the source's labels alone.
  bool source_labels_only = false;

  bool empty() const;
};

// The filter fields, as named on the command line and in the API: "sur", "from", "region"
// (of the state under review), "from-region", "session", "cycle", "response", "action", "theme",
// "sur-org", "from-org", "sdg", "labels" ("source" or "all"). (The CLI has options for the first
// nine and "labels".)
inline constexpr const char* kFilterFields[] = {
    "sur",    "from",  "region",  "from-region", "session", "cycle", "response",
    "action", "theme", "sur-org", "from-org",    "sdg",     "labels"};

// The form in which organisation names are compared: spaces removed, ASCII letters lower-cased
// ("Commonwealth " -> "commonwealth"). Applied to filter values and to each item of the stored
// lists alike, by every backend.
std::string OrgKey(std::string_view org);

// Adds one user-supplied value to a field. States by ISO3 or any known name ("unknown" for
// "from"), regions by code ("unknown" for "from-region"); sessions also as ranges "10-13"; comma-separated lists are split (theme and organisation lists always).
// kInvalidArgument names the field and value.
Status AddFilterValue(Filters& filters, std::string_view field, std::string_view value);

}  // namespace openupr

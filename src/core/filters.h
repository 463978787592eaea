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

  bool empty() const;
};

// The filter fields, as named on the command line and in the API: "sur", "from", "region"
// (of the state under review), "from-region", "session", "cycle", "response", "action", "theme".
inline constexpr const char* kFilterFields[] = {"sur",   "from",     "region", "from-region",
                                                "session", "cycle", "response", "action",
                                                "theme"};

// Adds one user-supplied value to a field. States by ISO3 or any known name; sessions also as
// ranges "10-13"; comma-separated lists are split. kInvalidArgument names the field and value.
Status AddFilterValue(Filters& filters, std::string_view field, std::string_view value);

}  // namespace openupr

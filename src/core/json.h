// The JSON shapes of domain values, shared by the CLI and the HTTP API (docs/formats.md).
#pragma once

#include <nlohmann/json.hpp>

#include "core/model.h"

namespace openupr {

// {"id", "uid", "sur": {"iso3","name","region"}, "from": [{"iso3","name","region","raw_name"}],
// "text",
//  "session", "cycle", "response", "response_raw", "action", "action_predicted", "themes",
//  "themes_predicted", "sdgs", "sur_orgs",
//  "from_orgs", "source": {"file","line","import_id"}, "duplicate_of", "duplicate_of_uid"}
nlohmann::json RecommendationToJson(const Recommendation& rec);
// {"id", "uid", "state": {"iso3","name","region"}, "session", "cycle", "year", "dates", "text",
//  "action", "themes", "source": {"file", "line"}}: the source file without its directory (a
// record never shows where a server keeps its files); year and dates of the session when known.
nlohmann::json PledgeToJson(const Pledge& pledge);
// {"iso3","name","region"} or null for an unknown state.
nlohmann::json StateToJson(const std::string& iso3);

}  // namespace openupr

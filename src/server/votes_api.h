// The JSON API of the Council's record (docs/api.md "Resolutions and votes"): resolutions
// searched with facets, one resolution with how every state voted, the roll calls that do not
// reconcile, and the vote analytics (agreement, cohesion, the voting map) over any selection of
// roll calls. Each function takes the request's parameters and an engine::VoteIndex and returns
// the JSON text or an ApiError naming the parameter; http_server.cpp routes them and the CLI
// prints them (`openupr votes`, `openupr resolutions`), so both give the same answers.
//
// Thread-safe: pure functions of their arguments.
#pragma once

#include "engine/votes.h"
#include "server/api.h"

namespace openupr::server {

// The selection parameters every votes endpoint takes: q (words of the titles), body (hrc,
// chr), year (2010 or 2006-2010), session (the Council's: 30 or 30-35), agenda_item (repeatable,
// comma-separated), outcome (repeatable, engine::kOutcomes).
inline constexpr const char* kResolutionFilterParams[] = {"q", "body", "year", "session",
                                                          "agenda_item", "outcome"};
std::variant<engine::ResolutionFilter, ApiError> ParseResolutionFilter(const Params& params);

// GET /api/v1/resolutions: a page (page, per_page) of the selection, newest first, with facets.
ApiResult<Body> ResolutionsJson(const engine::VoteIndex& index, const Params& params);
// GET /api/v1/resolutions/{uid}: one resolution (uid "ohchr-27576" or its record number), with
// every state's vote (name, regional group) and the counts by regional group. kNotFound if none.
ApiResult<Body> ResolutionJson(const engine::VoteIndex& index, const std::string& uid,
                               const Params& params);
// GET /api/v1/votes/discrepancies: the roll calls whose counted votes differ from the totals.
ApiResult<Body> DiscrepanciesJson(const engine::VoteIndex& index, const Params& params);
// GET /api/v1/votes/agreement?state=FRA[&with=USA]: with `with`, the pair's agreement; without,
// every other state ranked by agreement with state (min_shared roll calls, default 20).
ApiResult<Body> AgreementJson(const engine::VoteIndex& index, const Params& params);
// GET /api/v1/votes/matrix: the full state x state agreement matrix (both, alike per pair).
ApiResult<Body> AgreementMatrixJson(const engine::VoteIndex& index, const Params& params);
// GET /api/v1/votes/cohesion[?group=weog]: one group's Hix-Noury-Roland cohesion, per roll call
// too (per_roll_call=true), or every group's mean.
ApiResult<Body> CohesionJson(const engine::VoteIndex& index, const Params& params);
// GET /api/v1/votes/map: the states' positions (ideal points) on a 1- and 2-dimensional map.
ApiResult<Body> VotingMapJson(const engine::VoteIndex& index, const Params& params);
// GET /api/v1/votes/groups: the groups cohesion can be asked for, with their members.
ApiResult<Body> GroupsJson(const engine::VoteIndex& index, const Params& params);
// GET /api/v1/votes/record?state=FRA: how the state voted on each selected roll call.
ApiResult<Body> VotingRecordJson(const engine::VoteIndex& index, const Params& params);

}  // namespace openupr::server

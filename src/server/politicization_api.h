// The politicization measures over HTTP (docs/politicization.md): the UPR record's dyads (a
// recommending state and a state under review) joined with the two states' vote agreement in
// the Council. Each takes the UPR selection of the recommendations endpoints (q and the filters
// of core/filters.h, checked as they are) and answers from the backend's dyad table and vote
// index. The CLI's `openupr politicization` prints the same answers.
//
// Agreement of a pair is computed over the Human Rights Council's roll calls (2006 on, the
// years of the UPR) and given only when the two states both voted on at least min_shared of
// them (default 20); a dyad without it is left out of the measures that need it.
//
// Thread-safe as the backend.
#pragma once

#include "server/api.h"
#include "server/backend.h"

namespace openupr::server {

// GET /api/v1/politicization/severity: every dyad with its count, mean action category, share
// noted, and the pair's agreement and shared regional group; by count (limit: the first n).
ApiResult<Body> SeverityJson(QueryBackend& backend, const Params& params);
// GET /api/v1/politicization/leniency: the regression of severity (outcome=action|noted) on
// agreement, same regional group and shared organisation, with both states' fixed effects.
ApiResult<Body> LeniencyJson(QueryBackend& backend, const Params& params);
// GET /api/v1/politicization/double-standards: per recommending state, how much softer it is
// with its allies than with its rivals.
ApiResult<Body> DoubleStandardsJson(QueryBackend& backend, const Params& params);
// GET /api/v1/politicization/reciprocity: whether severity from A to B goes with B to A.
ApiResult<Body> ReciprocityJson(QueryBackend& backend, const Params& params);

}  // namespace openupr::server

// Similar and repeated recommendations over HTTP (engine/similar.h, docs/similar.md): the most
// similar records to a recommendation or to a free text, and the repeats of a recommendation to
// the same state in the next cycle with how the response changed. Each answers from the
// backend's in-memory index (QueryBackend::Similarity); candidates and repeats are narrowed by
// q and the filters of core/filters.h, checked as the other endpoints check them. The CLI's
// `openupr similar` and `openupr repeated` print the same answers.
//
// Thread-safe as the backend.
#pragma once

#include <string>
#include <string_view>

#include "server/api.h"
#include "server/backend.h"

namespace openupr::server {

// GET /api/v1/recommendations/{uid}/similar?limit=&min_score=&q=&<filters>: id_text a uid or
// a row number (as /recommendations/{id}).
ApiResult<Body> SimilarJson(QueryBackend& backend, const std::string& id_text,
                            const Params& params);
// POST /api/v1/similar with body {"text": "...", "limit": N, "min_score": x, "q": "...",
// "sur": "FRA" or ["FRA", ...], any other filter field likewise}. Errors name the JSON path
// ("$.limit") and what was expected; the body is read by ParseJsonObjectBody (json_body.h).
ApiResult<Body> SimilarTextJson(QueryBackend& backend, std::string_view body);
// GET /api/v1/repeated?min_score=&limit=&offset=&q=&<filters>: the counts, the response and
// action transition tables, and a page of chains with their records.
ApiResult<Body> RepeatedJson(QueryBackend& backend, const Params& params);

}  // namespace openupr::server

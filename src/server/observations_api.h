// The JSON API of OHCHR's Universal Human Rights Index (docs/api.md "Observations"): every
// mechanism's observations and recommendations searched with facets, and one record. Each
// function takes the request's parameters and an engine::ObservationIndex and returns the JSON
// text or an ApiError naming the parameter; http_server.cpp routes them and the CLI prints them
// (`openupr observations`), so both give the same answers.
//
// Thread-safe: pure functions of their arguments.
#pragma once

#include <functional>
#include <variant>

#include "classify/model_store.h"
#include "engine/observations.h"
#include "server/api.h"

namespace openupr::server {

// The selection parameters: q (words of the text), state (repeatable, comma-separated; ISO3 or
// a name in any official language), mechanism (upr, treaty-body, special-procedure), body,
// document (a symbol), year (2015 or 2015-2020), since, until (years), theme (UHRI's), sdg (a
// target "16.2" or a goal "16"), affected (persons), type (annotation type), missing (false,
// true: also the records the newest export no longer has).
inline constexpr const char* kObservationFilterParams[] = {
    "q",     "state", "mechanism", "body",     "document", "year", "since",
    "until", "theme", "sdg",       "affected", "type",     "missing"};
std::variant<engine::ObservationFilter, ApiError> ParseObservationFilter(const Params& params);

// GET /api/v1/observations: a page (page, per_page) of the selection, newest first, with the
// facets asked (facets=mechanism,body,...; default all of engine::kObservationFacets; top=N
// values each, default 20).
ApiResult<Body> ObservationsJson(const engine::ObservationIndex& index, const Params& params);
// The predicted labels of a record by its uid (classify::PredictedLabelsOf).
using PredictedLabelsOfUid =
    std::function<Result<std::vector<classify::PredictedLabel>>(const std::string& uid)>;
// GET /api/v1/observations/{uid}: one record ("uhri-" and its AnnotationId), with its predicted
// labels ("predicted": the classifier's action category, UPR Info themes and SDG goals, or
// null when it has none). kNotFound if none.
ApiResult<Body> ObservationJson(const engine::ObservationIndex& index, const std::string& uid,
                                const Params& params, const PredictedLabelsOfUid& predicted);

}  // namespace openupr::server

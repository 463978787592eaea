// POST /api/v1/classify (issue 16, docs/api.md): {"text": "...", "sur": "LKA", "from": "FRA"}
// -> the predicted action category, themes and SDG goals of the text and, with "sur", the
// estimated chance that that state supports it, by the classifier stored in the database
// (`openupr classify train`). Thread-safe (as the backend).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/api.h"

namespace openupr::server {

struct ClassifyRequest {
  std::string text;
  std::string sur;                // ISO3; empty: no support estimate
  std::vector<std::string> from;  // ISO3 of the recommending states
};

// A classify request: a JSON object with the member "text", a non-empty string, and optionally
// "sur" (the state under review) and "from" (the recommending state, or an array of them),
// each a state's ISO3 code or name in any of the six languages (core/states.h FindState).
// Errors (kInvalidArgument, with the JSON path as parameter): the body's (json_body.h: too
// large, too deep, not JSON, not an object), an unknown member, "text" missing, not a string or
// empty, a state that is no state, "from" without "sur".
std::variant<ClassifyRequest, ApiError> ParseClassifyRequest(std::string_view body);

// The endpoint: the prediction as JSON. Errors: the request's, kConflict when no model is
// stored (naming `openupr classify train`), the backend's.
ApiResult<Body> Classify(QueryBackend& backend, std::string_view body);

}  // namespace openupr::server

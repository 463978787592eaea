// POST /api/v1/classify (issue 16, docs/api.md): {"text": "..."} -> the predicted action
// category, themes and SDG goals of the text, by the classifier stored in the database
// (`openupr classify train`). Thread-safe (as the backend).
#pragma once

#include <string>
#include <string_view>

#include "server/api.h"

namespace openupr::server {

// Request bodies larger than this are refused (413) before they are read.
inline constexpr size_t kMaxClassifyBodyBytes = 64 * 1024;

// The text of a classify request: a JSON object with exactly one member "text", a non-empty
// string. Errors (kInvalidArgument, with the JSON path as parameter): not JSON (the byte
// offset), not an object, an unknown member, "text" missing, not a string or empty. Nesting
// deeper than the object's members is not kept (bounded: no recursion on the input's depth).
std::variant<std::string, ApiError> ParseClassifyRequest(std::string_view body);

// The endpoint: the prediction as JSON. Errors: the request's, kConflict when no model is
// stored (naming `openupr classify train`), the backend's.
ApiResult<Body> Classify(QueryBackend& backend, std::string_view body);

}  // namespace openupr::server

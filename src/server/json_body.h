// The JSON bodies of the POST endpoints (POST /api/v1/classify, POST /api/v1/similar): one
// reader for both, so that they bound and report alike (docs/api.md "Request bodies").
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>
#include <variant>

#include "server/api.h"

namespace openupr::server {

// Request bodies larger than this are refused (413 before they are read; 400 here).
inline constexpr size_t kMaxJsonBodyBytes = 64 * 1024;
// JSON nesting allowed in a body (the endpoints need 2: an object holding arrays of strings).
inline constexpr int kMaxJsonBodyDepth = 8;

// body as a JSON object. The nesting is checked on the bytes before parsing (no recursion on the
// input's depth). Errors (kInvalidArgument, parameter "$"): "$: the body is N bytes; at most M
// are accepted", "$: nested deeper than 8 levels; expected <shape>", "$: not JSON (at byte N);
// expected <shape>" (a number too large for a double too), "$: expected <shape>" for another
// value than an object. shape names the expected object, e.g. {"text": "..."}.
std::variant<nlohmann::json, ApiError> ParseJsonObjectBody(std::string_view body,
                                                           std::string_view shape);

}  // namespace openupr::server

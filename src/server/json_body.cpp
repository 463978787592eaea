#include "server/json_body.h"

#include <string>

#include "server/params.h"

namespace openupr::server {
namespace {

// The bytes of body nest deeper than max (outside strings)?
bool TooDeep(std::string_view body, int max) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace

std::variant<nlohmann::json, ApiError> ParseJsonObjectBody(std::string_view body,
                                                           std::string_view shape) {
  const std::string expected = "expected a JSON object such as " + std::string(shape);
  if (body.size() > kMaxJsonBodyBytes)
    return Invalid("$", "$: the body is " + std::to_string(body.size()) + " bytes; at most " +
                            std::to_string(kMaxJsonBodyBytes) + " are accepted");
  if (TooDeep(body, kMaxJsonBodyDepth))
    return Invalid(
        "$", "$: nested deeper than " + std::to_string(kMaxJsonBodyDepth) + " levels; " + expected);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    return Invalid("$", "$: not JSON (at byte " + std::to_string(e.byte) + "); " + expected);
  } catch (const nlohmann::json::exception& e) {  // e.g. out_of_range: a number like 6e66866
    return Invalid("$", std::string("$: not JSON (") + e.what() + "); " + expected);
  }
  if (!j.is_object()) return Invalid("$", "$: " + expected);
  return j;
}

}  // namespace openupr::server

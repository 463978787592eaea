#include "server/classify_api.h"

#include <nlohmann/json.hpp>

#include "classify/label_file.h"
#include "core/text.h"

namespace openupr::server {

std::variant<std::string, ApiError> ParseClassifyRequest(std::string_view body) {
  using nlohmann::json;
  auto bad = [](std::string msg, std::string param = "") {
    return ApiError{Status::InvalidArgument(std::move(msg)), std::move(param)};
  };
  if (body.size() > kMaxClassifyBodyBytes)
    return bad("request body: at most " + std::to_string(kMaxClassifyBodyBytes) + " bytes");
  json j;
  try {
    // Values below the top object's members are dropped as they are parsed, so that a deeply
    // nested body costs no deep tree (and no deep recursion to free it).
    j = json::parse(body, [](int depth, json::parse_event_t, json&) { return depth <= 1; });
  } catch (const json::parse_error& e) {
    return bad("request body: expected a JSON object {\"text\": \"...\"}: not JSON (at byte " +
               std::to_string(e.byte) + ")");
  } catch (const json::exception& e) {  // e.g. out_of_range: a number too large (6e66866)
    return bad(std::string("request body: expected a JSON object {\"text\": \"...\"}: ") +
               e.what());
  }
  if (!j.is_object()) return bad("request body: expected a JSON object {\"text\": \"...\"}");
  for (const auto& [key, value] : j.items())
    if (key != "text") return bad("$." + key + ": unknown member (expected only \"text\")", key);
  auto it = j.find("text");
  if (it == j.end()) return bad("$.text: missing (expected {\"text\": \"...\"})", "text");
  if (!it->is_string()) return bad("$.text: expected a string", "text");
  std::string text = it->get<std::string>();
  if (!IsValidUtf8(text)) return bad("$.text: not UTF-8", "text");
  if (CollapseWhitespace(text).empty()) return bad("$.text: empty text", "text");
  return text;
}

ApiResult<Body> Classify(QueryBackend& backend, std::string_view body) {
  auto parsed = ParseClassifyRequest(body);
  if (auto* e = std::get_if<ApiError>(&parsed)) return *e;
  const std::string& text = std::get<std::string>(parsed);
  auto c = backend.Classifier();
  if (!c.ok()) return ApiError{c.status(), ""};
  auto p = (*c)->Predict(text);
  if (!p.ok()) return ApiError{Status::InvalidArgument("$.text: " + p.status().message()), "text"};
  return classify::PredictionJson(*p).dump();
}

}  // namespace openupr::server

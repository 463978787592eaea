#include "server/classify_api.h"

#include <nlohmann/json.hpp>

#include "classify/label_file.h"
#include "core/states.h"
#include "core/text.h"

namespace openupr::server {

namespace {

constexpr const char* kShape =
    R"(expected a JSON object {"text": "...", "sur": "...", "from": "..."})";

// A state named by a request: its ISO3, or an error naming the JSON path.
std::variant<std::string, ApiError> StateOf(const nlohmann::json& v, const std::string& path,
                                            const std::string& param) {
  auto bad = [&](std::string msg) {
    return ApiError{Status::InvalidArgument(path + ": " + std::move(msg)), param};
  };
  if (!v.is_string()) return bad("expected a state's ISO3 code or name (a string)");
  const std::string name = v.get<std::string>();
  const StateInfo* s = IsValidUtf8(name) ? FindState(name) : nullptr;
  if (!s)
    return bad("unknown state \"" + (IsValidUtf8(name) ? name : std::string("(not UTF-8)")) +
               "\" (expected an ISO3 code or a name, e.g. \"FRA\" or \"France\")");
  return std::string(s->iso3);
}

}  // namespace

std::variant<ClassifyRequest, ApiError> ParseClassifyRequest(std::string_view body) {
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
    return bad(std::string("request body: ") + kShape + ": not JSON (at byte " +
               std::to_string(e.byte) + ")");
  } catch (const json::exception& e) {  // e.g. out_of_range: a number too large (6e66866)
    return bad(std::string("request body: ") + kShape + ": " + e.what());
  }
  if (!j.is_object()) return bad(std::string("request body: ") + kShape);
  for (const auto& [key, value] : j.items())
    if (key != "text" && key != "sur" && key != "from")
      return bad("$." + key + ": unknown member (expected \"text\", \"sur\" or \"from\")", key);
  ClassifyRequest req;
  auto it = j.find("text");
  if (it == j.end()) return bad("$.text: missing (expected {\"text\": \"...\"})", "text");
  if (!it->is_string()) return bad("$.text: expected a string", "text");
  req.text = it->get<std::string>();
  if (!IsValidUtf8(req.text)) return bad("$.text: not UTF-8", "text");
  if (CollapseWhitespace(req.text).empty()) return bad("$.text: empty text", "text");
  if (auto s = j.find("sur"); s != j.end() && !s->is_null()) {
    auto iso = StateOf(*s, "$.sur", "sur");
    if (auto* e = std::get_if<ApiError>(&iso)) return *e;
    req.sur = std::get<std::string>(iso);
  }
  if (auto f = j.find("from"); f != j.end() && !f->is_null()) {
    if (req.sur.empty())
      return bad(
          "$.from: given without \"sur\" (the support estimate needs the state under "
          "review)",
          "from");
    // Values below the top object were dropped by the parse: an array arrives empty.
    if (f->is_array())
      return bad("$.from: expected one state's ISO3 code or name (a string)", "from");
    auto iso = StateOf(*f, "$.from", "from");
    if (auto* e = std::get_if<ApiError>(&iso)) return *e;
    req.from.push_back(std::get<std::string>(iso));
  }
  return req;
}

ApiResult<Body> Classify(QueryBackend& backend, std::string_view body) {
  auto parsed = ParseClassifyRequest(body);
  if (auto* e = std::get_if<ApiError>(&parsed)) return *e;
  const ClassifyRequest& req = std::get<ClassifyRequest>(parsed);
  auto m = backend.Classifier();
  if (!m.ok()) return ApiError{m.status(), ""};
  const classify::LoadedModel& model = **m;
  classify::SupportQuery q{req.sur, req.from};
  auto p = model.classifier->Predict(req.text, req.sur.empty() ? nullptr : &q);
  if (!p.ok()) return ApiError{Status::InvalidArgument("$.text: " + p.status().message()), "text"};
  nlohmann::json out = classify::PredictionJson(*p);
  if (req.sur.empty()) {
    out["support"] = nullptr;
  } else if (!model.classifier->support()) {
    return ApiError{Status::Conflict("the stored classifier has no support model (its training "
                                     "data had no responses): retrain with `openupr classify "
                                     "train`"),
                    "sur"};
  } else {
    // The support model's measured quality, as stored with the model.
    nlohmann::json quality = nlohmann::json::parse(model.info.quality_json, nullptr, false);
    nlohmann::json mq = nullptr;
    if (quality.is_object() && quality.contains("support_auc"))
      mq = {{"auc", quality["support_auc"]},
            {"brier", quality.value("support_brier", nlohmann::json())},
            {"holdout", quality.value("holdout", nlohmann::json())}};
    out["support"]["model"] = mq;
  }
  return out.dump();
}

}  // namespace openupr::server

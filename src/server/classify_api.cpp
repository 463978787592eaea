#include "server/classify_api.h"

#include <nlohmann/json.hpp>

#include "classify/label_file.h"
#include "core/states.h"
#include "core/text.h"
#include "server/json_body.h"

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
  auto bad = [](std::string msg, std::string param) {
    return ApiError{Status::InvalidArgument(std::move(msg)), std::move(param)};
  };
  auto parsed = ParseJsonObjectBody(body, kShape);
  if (auto* e = std::get_if<ApiError>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
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
    // One state, or an array of them (a joint recommendation).
    if (f->is_array()) {
      if (f->empty()) return bad("$.from: an empty array (expected states)", "from");
      for (size_t i = 0; i < f->size(); ++i) {
        auto iso = StateOf((*f)[i], "$.from[" + std::to_string(i) + "]", "from");
        if (auto* e = std::get_if<ApiError>(&iso)) return *e;
        req.from.push_back(std::get<std::string>(iso));
      }
    } else {
      auto iso = StateOf(*f, "$.from", "from");
      if (auto* e = std::get_if<ApiError>(&iso)) return *e;
      req.from.push_back(std::get<std::string>(iso));
    }
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

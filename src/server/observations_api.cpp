#include "server/observations_api.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/states.h"
#include "server/params.h"

namespace openupr::server {
namespace {

using json = nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Check Names(const Params& params, std::vector<std::string_view> extra) {
  return KnownNames(params, kObservationFilterParams, std::move(extra));
}

json Summary(const engine::ObservationRecord& r) {
  json j = {{"uid", r.uid},
            {"mechanism", MechanismCode(r.mechanism)},
            {"type", r.annotation_type},
            {"body", r.body},
            {"document", r.symbol},
            {"published", r.published.empty() ? json(nullptr) : json(r.published)},
            {"year", r.year ? json(r.year) : json(nullptr)},
            {"states", r.states},
            {"countries", r.countries},
            {"themes", r.themes},
            {"sdgs", r.sdgs},
            {"affected", r.affected},
            {"text", r.text},
            {"missing", r.missing}};
  if (r.mechanism == Mechanism::kUpr) {
    j["upr"] = {{"session", r.upr_session ? json(r.upr_session) : json(nullptr)},
                {"positions", r.upr_positions},
                {"recommending", r.recommending},
                {"recommendation",
                 r.recommendation_uid.empty() ? json(nullptr) : json(r.recommendation_uid)},
                {"match", r.match.empty() ? json(nullptr) : json(r.match)}};
  }
  return j;
}

// The classifier's labels of a record, marked as such by their place: {"model_id", "action":
// {"category", "score"} or null, "themes": [{"name", "score"}], "sdgs": [{"goal", "score"}]};
// null without any.
json PredictedJson(const std::vector<classify::PredictedLabel>& labels) {
  if (labels.empty()) return nullptr;
  json out = {{"model_id", labels.front().model_id},
              {"action", nullptr},
              {"themes", json::array()},
              {"sdgs", json::array()}};
  for (const auto& l : labels) {
    if (l.kind == "action") {
      out["action"] = {{"category", std::atoi(l.label.c_str())}, {"score", l.score}};
    } else if (l.kind == "theme") {
      out["themes"].push_back({{"name", l.label}, {"score", l.score}});
    } else if (l.kind == "sdg") {
      out["sdgs"].push_back({{"goal", std::atoi(l.label.c_str())}, {"score", l.score}});
    }
  }
  return out;
}

}  // namespace

std::variant<engine::ObservationFilter, ApiError> ParseObservationFilter(const Params& params) {
  engine::ObservationFilter f;
  std::optional<std::string> v;
  OPENUPR_RETURN_IF_API_ERROR(Single(params, "q", v));
  if (v) f.query = *v;
  for (const std::string& s : List(params, "state")) {
    const StateInfo* info = FindState(s);
    if (!info)
      return Invalid("state", "state '" + s +
                                  "': expected a state's ISO3 code or name (e.g. PER or Peru)");
    f.states.push_back(info->iso3);
  }
  for (const std::string& m : List(params, "mechanism")) {
    auto mech = ParseMechanismCode(m);
    if (!mech)
      return Invalid("mechanism",
                     "mechanism '" + m + "': expected upr, treaty-body or special-procedure");
    f.mechanisms.push_back(*mech);
  }
  // Bodies and documents may hold commas ("Working Group on ..., ..."): repeat the parameter.
  for (const auto& [name, value] : params) {
    if (name == "body") f.bodies.push_back(value);
    if (name == "document") f.documents.push_back(value);
    if (name == "theme") f.themes.push_back(value);
    if (name == "affected") f.affected.push_back(value);
    if (name == "type") f.types.push_back(value);
  }
  f.sdgs = List(params, "sdg");
  for (const std::string& s : f.sdgs)
    if (SdgTargetOf(s) != s)
      return Invalid("sdg", "sdg '" + s + "': expected a goal (16) or a target (16.2)");
  OPENUPR_RETURN_IF_API_ERROR(Range(params, "year", 1946, 2100, f.year_from, f.year_to));
  int to = 0;
  OPENUPR_RETURN_IF_API_ERROR(Range(params, "since", 1946, 2100, f.year_from, to));
  int from = 0;
  OPENUPR_RETURN_IF_API_ERROR(Range(params, "until", 1946, 2100, from, f.year_to));
  std::string missing;
  OPENUPR_RETURN_IF_API_ERROR(Choice(params, "missing", {"false", "true"}, missing));
  f.include_missing = missing == "true";
  return f;
}

ApiResult<Body> ObservationsJson(const engine::ObservationIndex& ix, const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(Names(params, {"page", "per_page", "facets", "top"}));
  auto filter = ParseObservationFilter(params);
  if (auto* e = std::get_if<ApiError>(&filter)) return *e;
  int64_t page = 1, per_page = kDefaultPerPage, top = 20;
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "page", 1, 1'000'000, page));
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "per_page", 1, kMaxPerPage, per_page));
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "top", 0, 100'000, top));
  std::vector<std::string> facets = List(params, "facets");
  if (params.find("facets") == params.end())
    facets.assign(std::begin(engine::kObservationFacets), std::end(engine::kObservationFacets));
  auto found = ix.Search(std::get<engine::ObservationFilter>(filter), (page - 1) * per_page,
                         per_page, facets, top);
  if (!found.ok())
    return FromStatus(found.status(),
                      found.status().message().starts_with("facet") ? "facets" : "q");
  json results = json::array();
  for (uint32_t i : found->hits) results.push_back(Summary(ix.record(i)));
  json fj = json::object();
  for (const auto& fc : found->facets) {
    json values = json::array();
    for (const auto& v : fc.values) values.push_back({{"key", v.key}, {"count", v.count}});
    fj[fc.field] = values;
  }
  return Dump({{"total", found->total},
               {"page", page},
               {"per_page", per_page},
               {"results", results},
               {"facets", fj}});
}

ApiResult<Body> ObservationJson(const engine::ObservationIndex& ix, const std::string& uid,
                                const Params& params, const PredictedLabelsOfUid& predicted) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {}, false));
  const auto i = ix.Find(uid);
  if (!i)
    return ApiError{Status::NotFound("no observation '" + uid +
                                     "': expected a uid such as "
                                     "uhri-0d2c8f9e-5b1a-4c3e-9f00-1a2b3c4d5e6f (\"uhri-\" and "
                                     "the index's AnnotationId)"),
                    ""};
  const engine::ObservationRecord& r = ix.record(*i);
  json j = Summary(r);
  auto labels = predicted(r.uid);
  if (!labels.ok()) return FromStatus(labels.status(), "");
  j["predicted"] = PredictedJson(*labels);
  return Dump(j);
}

}  // namespace openupr::server

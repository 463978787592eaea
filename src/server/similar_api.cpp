#include "server/similar_api.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/identity.h"
#include "engine/similar.h"
#include "server/json_body.h"
#include "server/params.h"

namespace openupr::server {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

ApiError BackendError(const Status& st, const std::string& parameter) {
  return {st, st.code() == StatusCode::kInvalidArgument ? parameter : ""};
}

// A number in [min, max]; out unchanged when absent.
Check Number(const Params& params, const std::string& name, double min, double max, double& out) {
  std::optional<std::string> v;
  OPENUPR_RETURN_IF_API_ERROR(Single(params, name, v));
  if (!v) return std::nullopt;
  double x = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
  if (ec != std::errc() || p != v->data() + v->size() || !(x >= min && x <= max))
    return Invalid(name, name + " '" + *v + "': expected a number from " + Dump(json(min)) +
                             " to " + Dump(json(max)));
  out = x;
  return std::nullopt;
}

// What a hit or a chain shows of a record.
json RecordJson(const Recommendation& r) {
  json from = json::array();
  for (const RecommendingState& f : r.from)
    from.push_back(f.iso3.empty() ? json(nullptr) : json(f.iso3));
  return {{"id", r.id},
          {"uid", r.uid},
          {"sur", r.sur},
          {"from", std::move(from)},
          {"text", r.text},
          {"session", r.session},
          {"cycle", r.cycle},
          {"response", ResponseCode(r.response)},
          {"action", r.action ? json(*r.action) : json(nullptr)},
          {"themes", r.themes}};
}

// The records of ids by id (from the backend's summaries).
std::variant<std::unordered_map<int64_t, Recommendation>, ApiError> Records(
    QueryBackend& backend, const std::vector<int64_t>& ids) {
  auto recs = backend.Summaries(ids);
  if (!recs.ok()) return BackendError(recs.status(), "");
  std::unordered_map<int64_t, Recommendation> out;
  for (Recommendation& r : *recs) out.emplace(r.id, std::move(r));
  return out;
}

ApiResult<Body> Answer(QueryBackend& backend, const engine::SimilarRequest& req,
                       const std::string& text_field) {
  auto index = backend.Similarity();
  if (!index.ok()) return BackendError(index.status(), "");
  auto found = (*index)->Similar(req);
  if (!found.ok()) {
    // The engine names the request's field first ("limit: ..."); the API names it as given.
    // Anything else is the query's.
    const std::string& m = found.status().message();
    std::string field = m.substr(0, m.find(':'));
    if (field == "text" || field == "uid")
      field = text_field;
    else if (field != "limit" && field != "min_score")
      field = req.query.empty() ? "" : "q";
    if (text_field.starts_with("$.") && !field.empty() && field[0] != '$') field = "$." + field;
    return BackendError(found.status(), field);
  }
  std::vector<int64_t> ids;
  for (const auto& h : found->hits) ids.push_back(h.id);
  if (found->source_id) ids.push_back(found->source_id);
  for (const auto* link : {&found->repeat_of, &found->repeated_as})
    if (link->id) ids.push_back(link->id);
  auto recs = Records(backend, ids);
  if (auto* e = std::get_if<ApiError>(&recs)) return *e;
  auto& by_id = std::get<0>(recs);
  json j;
  if (found->source_id && by_id.count(found->source_id))
    j["source"] = RecordJson(by_id.at(found->source_id));
  else
    j["text"] = req.text;
  j["terms"] = found->terms;
  j["unknown_terms"] = found->unknown_terms;
  j["candidates"] = found->candidates;
  j["total"] = found->total;
  json hits = json::array();
  for (const auto& h : found->hits) {
    auto it = by_id.find(h.id);
    if (it == by_id.end()) continue;
    json hit = RecordJson(it->second);
    hit["score"] = h.score;
    hit["self"] = h.id == found->source_id;
    hits.push_back(std::move(hit));
  }
  j["hits"] = std::move(hits);
  if (found->source_id) {
    // The repeat links of the record (similar.md): each the other record with the link's score.
    auto link = [&](const engine::SimilarHit& l) -> json {
      auto it = by_id.find(l.id);
      if (!l.id || it == by_id.end()) return nullptr;
      json r = RecordJson(it->second);
      r["score"] = l.score;
      return r;
    };
    j["repeat_of"] = link(found->repeat_of);
    j["repeated_as"] = link(found->repeated_as);
  }
  return Dump(j);
}

}  // namespace

ApiResult<Body> SimilarJson(QueryBackend& backend, const std::string& id_text,
                            const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {"limit", "min_score", "q"}, true));
  engine::SimilarRequest req;
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "limit", 1, engine::kMaxSimilarLimit, req.limit));
  OPENUPR_RETURN_IF_API_ERROR(Number(params, "min_score", 0, 1, req.min_score));
  OPENUPR_RETURN_IF_API_ERROR(Selection(backend, params, req.query, req.filters));
  if (IsRecommendationUid(id_text)) {
    req.uid = id_text;
  } else {
    int64_t id = 0;
    auto [p, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc() || p != id_text.data() + id_text.size() || id < 1)
      return Invalid("id", "id '" + id_text +
                               "': expected a record uid such as LKA-14-5e1c09ab3f2d, or a "
                               "positive integer (this database's row number)");
    const int64_t ids[] = {id};
    auto recs = backend.Summaries(ids);
    if (!recs.ok()) return BackendError(recs.status(), "");
    if (recs->empty())
      return ApiError{Status::NotFound("no recommendation with id " + id_text), "id"};
    req.uid = recs->front().uid;
  }
  auto answer = Answer(backend, req, "id");
  if (auto* e = std::get_if<ApiError>(&answer); e && e->status.code() == StatusCode::kNotFound)
    return ApiError{Status::NotFound("no recommendation with uid " + id_text), "id"};
  return answer;
}

ApiResult<Body> SimilarTextJson(QueryBackend& backend, std::string_view body) {
  auto parsed = ParseJsonObjectBody(body, R"({"text": "...", "sur": "FRA"})");
  if (auto* e = std::get_if<ApiError>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
  Params params;
  engine::SimilarRequest req;
  bool has_text = false;
  for (const auto& [key, value] : j.items()) {
    const std::string path = "$." + key;
    if (key == "text") {
      if (!value.is_string()) return Invalid(path, path + ": expected a string");
      req.text = value.get<std::string>();
      has_text = true;
    } else if (key == "limit") {
      if (!value.is_number_integer() || value.get<int64_t>() < 1 ||
          value.get<int64_t>() > engine::kMaxSimilarLimit)
        return Invalid(path, path + ": expected an integer from 1 to " +
                                 std::to_string(engine::kMaxSimilarLimit));
      req.limit = value.get<int64_t>();
    } else if (key == "min_score") {
      if (!value.is_number() || !(value.get<double>() >= 0 && value.get<double>() <= 1))
        return Invalid(path, path + ": expected a number from 0 to 1");
      req.min_score = value.get<double>();
    } else if (key == "q" || std::find(std::begin(kFilterFields), std::end(kFilterFields), key) !=
                                 std::end(kFilterFields)) {
      // A filter: a string or an array of strings (as the query string repeats a parameter); a
      // whole number is its decimal text ("action": 5 as "action": "5").
      auto text_of = [](const json& v, std::string& out) {
        if (v.is_string()) {
          out = v.get<std::string>();
          return true;
        }
        if (v.is_number_integer()) {
          out = std::to_string(v.get<int64_t>());
          return true;
        }
        return false;
      };
      std::string one;
      if (key == "q" ? value.is_string() : text_of(value, one)) {
        params.emplace(key, key == "q" ? value.get<std::string>() : one);
      } else if (value.is_array() && key != "q") {
        for (size_t i = 0; i < value.size(); ++i) {
          if (!text_of(value[i], one))
            return Invalid(
                path, path + "[" + std::to_string(i) + "]: expected a string or a whole number");
          params.emplace(key, one);
        }
      } else {
        return Invalid(
            path, path + (key == "q" ? ": expected a string"
                                     : ": expected a string, a whole number or an array of them"));
      }
    } else {
      std::string expected = "text, limit, min_score, q";
      for (const char* f : kFilterFields) expected += std::string(", ") + f;
      return Invalid(path, path + ": unknown field; expected " + expected);
    }
  }
  if (!has_text) return Invalid("$.text", "$.text: missing; expected the text to compare");
  if (auto e = Selection(backend, params, req.query, req.filters)) {
    e->parameter = e->parameter.empty() ? "$" : "$." + e->parameter;
    return *e;
  }
  return Answer(backend, req, "$.text");
}

ApiResult<Body> RepeatedJson(QueryBackend& backend, const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {"min_score", "limit", "offset", "q"}, true));
  engine::RepeatedRequest req;
  int64_t limit = 50, offset = 0;
  OPENUPR_RETURN_IF_API_ERROR(Number(params, "min_score", engine::kRepeatFloor, 1, req.min_score));
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "limit", 0, 10000, limit));
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "offset", 0, INT32_MAX, offset));
  OPENUPR_RETURN_IF_API_ERROR(Selection(backend, params, req.query, req.filters));
  auto index = backend.Similarity();
  if (!index.ok()) return BackendError(index.status(), "");
  auto found = (*index)->Repeated(req);
  if (!found.ok()) return BackendError(found.status(), req.query.empty() ? "min_score" : "q");
  const engine::RepeatedResponse& r = *found;

  const size_t begin = std::min<size_t>(static_cast<size_t>(offset), r.chains.size());
  const size_t end = std::min<size_t>(begin + static_cast<size_t>(limit), r.chains.size());
  std::vector<int64_t> ids;
  for (size_t i = begin; i < end; ++i)
    ids.insert(ids.end(), r.chains[i].ids.begin(), r.chains[i].ids.end());
  auto recs = Records(backend, ids);
  if (auto* e = std::get_if<ApiError>(&recs)) return *e;
  auto& by_id = std::get<0>(recs);

  static constexpr const char* kResponses[] = {"supported", "noted", "other"};
  auto table = [](const auto& m, bool responses) {
    json rows = json::array();
    for (size_t a = 0; a < m.size(); ++a)
      for (size_t b = 0; b < m[a].size(); ++b) {
        if (!m[a][b]) continue;
        json from = responses ? json(kResponses[a]) : (a ? json(a) : json(nullptr));
        json to = responses ? json(kResponses[b]) : (b ? json(b) : json(nullptr));
        rows.push_back({{"from", from}, {"to", to}, {"count", m[a][b]}});
      }
    return rows;
  };
  json j;
  j["rule"] = {{"min_score", r.min_score},
               {"same_state_under_review", true},
               {"cycles", "c -> c+1"},
               {"matching", "one-to-one, greedy by score"}};
  j["later_records"] = r.later_records;
  j["repeats"] = r.repeats;
  j["repeat_share"] = r.later_records ? json(double(r.repeats) / r.later_records) : json(nullptr);
  j["repeats_same_from"] = r.repeats_same_from;
  j["responses"] = table(r.responses, true);
  j["responses_same_from"] = table(r.responses_same_from, true);
  j["actions"] = table(r.actions, false);
  j["chain_count"] = r.chains.size();
  json chains = json::array();
  for (size_t i = begin; i < end; ++i) {
    json records = json::array();
    for (int64_t id : r.chains[i].ids) {
      auto it = by_id.find(id);
      if (it != by_id.end()) records.push_back(RecordJson(it->second));
    }
    chains.push_back({{"records", std::move(records)}, {"scores", r.chains[i].scores}});
  }
  j["chains"] = std::move(chains);
  return Dump(j);
}

}  // namespace openupr::server

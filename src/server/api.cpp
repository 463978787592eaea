#include "server/api.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "core/about.h"
#include "core/citation.h"
#include "core/coverage.h"
#include "core/identity.h"
#include "core/sessions.h"
#include "core/json.h"
#include "core/json_writer.h"
#include "core/states.h"
#include "core/text.h"
#include "server/openapi.h"
#include "server/params.h"

namespace openupr::server {
namespace {

using nlohmann::json;

Check Dimensions(const Params& params, const std::string& name, size_t max,
                 std::vector<analytics::Dimension>& out) {
  for (const std::string& v : List(params, name)) {
    auto d = analytics::ParseDimension(v);
    if (!d)
      return Invalid(name, name + " '" + v +
                               "': expected sur, from, region, from-region, session, cycle, "
                               "response, action or theme");
    if (std::find(out.begin(), out.end(), *d) != out.end())
      return Invalid(name, name + " '" + v + "': given twice");
    out.push_back(*d);
  }
  if (out.size() > max)
    return Invalid(name, name + ": at most " + std::to_string(max) + " dimensions");
  return std::nullopt;
}

// A backend failure: a bad query is the q parameter's fault, anything else is the server's.
ApiError BackendError(const Status& st, const std::string& query) {
  return FromStatus(st, st.code() == StatusCode::kInvalidArgument && !query.empty() ? "q" : "");
}

bool IsNumericDimension(analytics::Dimension d, const std::string& key) {
  using analytics::Dimension;
  return d == Dimension::kSession || d == Dimension::kCycle ||
         (d == Dimension::kAction && key != "unknown");
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json Counts(const analytics::StatsRow& r) {
  return {{"count", r.count},
          {"supported", r.supported},
          {"noted", r.noted},
          {"other", r.other},
          {"supported_share", r.supported_share()}};
}

// The members of Counts (inside an object the caller opened).
void WriteCounts(JsonWriter& w, const analytics::StatsRow& r) {
  w.Key("count").Int(r.count);
  w.Key("supported").Int(r.supported);
  w.Key("noted").Int(r.noted);
  w.Key("other").Int(r.other);
  w.Key("supported_share").Double(r.supported_share());
}

// A key as the API shows it: a number for sessions, cycles and known actions, else a string.
void WriteKey(JsonWriter& w, analytics::Dimension d, const std::string& key) {
  if (IsNumericDimension(d, key)) {
    w.Int(std::stoll(key));
  } else {
    w.String(key);
  }
}

// {"count", ..., "keys": {dimension: value}}
void WriteRow(JsonWriter& w, const std::vector<analytics::Dimension>& by,
              const analytics::StatsRow& r) {
  w.BeginObject();
  WriteCounts(w, r);
  w.Key("keys").BeginObject();
  for (size_t i = 0; i < r.keys.size() && i < by.size(); ++i) {
    w.Key(analytics::DimensionName(by[i]));
    WriteKey(w, by[i], r.keys[i]);
  }
  w.EndObject().EndObject();
}

// One dimension's rows as [{name: key, count, ...}], plus the state's name for sur/from.
void WriteBreakdown(JsonWriter& w, const analytics::StatsResult& s) {
  const analytics::Dimension d = s.by.at(0);
  const std::string_view name = analytics::DimensionName(d);
  w.BeginArray();
  for (const auto& r : s.rows) {
    w.BeginObject();
    WriteCounts(w, r);
    w.Key(name);
    WriteKey(w, d, r.keys[0]);
    if (d == analytics::Dimension::kSur || d == analytics::Dimension::kFrom)
      if (const StateInfo* st = FindStateByIso3(r.keys[0])) w.Key("name").String(st->un_name);
    w.EndObject();
  }
  w.EndArray();
}

// core/json.h StateToJson: {"iso3", "name", "region"}, null for an unknown state.
void WriteState(JsonWriter& w, const std::string& iso3) {
  const StateInfo* s = iso3.empty() ? nullptr : FindStateByIso3(iso3);
  if (!s) {
    w.Null();
    return;
  }
  w.BeginObject();
  w.Key("iso3").String(s->iso3).Key("name").String(s->un_name);
  w.Key("region").String(RegionCode(s->region));
  w.EndObject();
}

// A search hit: the fields of RecommendationToJson a result list shows, the snippet and score.
void WriteHit(JsonWriter& w, const openupr::Recommendation& rec, const search::SearchHit& hit) {
  w.BeginObject();
  w.Key("id").Int(hit.id);
  w.Key("uid").String(rec.uid);
  w.Key("sur");
  WriteState(w, rec.sur);
  w.Key("from").BeginArray();
  for (const RecommendingState& f : rec.from) {
    const StateInfo* s = f.iso3.empty() ? nullptr : FindStateByIso3(f.iso3);
    w.BeginObject();
    if (f.iso3.empty()) {
      w.Key("iso3").Null().Key("name").Null().Key("region").Null();
    } else if (s) {
      w.Key("iso3").String(s->iso3).Key("name").String(s->un_name);
      w.Key("region").String(RegionCode(s->region));
    }
    w.Key("raw_name").String(f.raw_name);
    w.EndObject();
  }
  w.EndArray();
  w.Key("text").String(rec.text);
  w.Key("snippet_html").String(search::RenderSnippetHtml(hit.snippet));
  w.Key("score").Double(hit.score);
  w.Key("response").String(ResponseCode(rec.response));
  w.Key("action");
  if (rec.action) {
    w.Int(*rec.action);
  } else {
    w.Null();
  }
  w.Key("action_predicted").Bool(rec.action_predicted);
  w.Key("themes").BeginArray();
  for (const std::string& t : rec.themes) w.String(t);
  w.EndArray();
  w.Key("themes_predicted").Bool(rec.themes_predicted);
  w.Key("session").Int(rec.session);
  w.Key("cycle").Int(rec.cycle);
  w.EndObject();
}

// A state's rows by cycle, one for every cycle the record touches (a cycle without any of the
// state's recommendations too, with zero counts): "in_record" says whether the state's review of
// that cycle is in the record, false when it has none there and the record lacks sessions of
// the cycle (the review may lie in one: "not in this record", never 0); "cycle_whole" whether
// the record holds every session of the cycle.
void WriteCycleBreakdown(JsonWriter& w, const analytics::StatsResult& s, const Coverage& coverage) {
  std::map<int, const analytics::StatsRow*> by_cycle;
  for (const auto& r : s.rows) by_cycle[std::stoi(r.keys[0])] = &r;
  std::vector<int> cycles;
  for (const CycleCoverage& c : coverage.cycles) cycles.push_back(c.cycle);
  for (const auto& [cycle, row] : by_cycle)
    if (!coverage.Touches(cycle)) cycles.push_back(cycle);  // only if the record moved under us
  std::sort(cycles.begin(), cycles.end());
  w.BeginArray();
  for (int cycle : cycles) {
    auto it = by_cycle.find(cycle);
    const analytics::StatsRow none;
    const analytics::StatsRow& r = it == by_cycle.end() ? none : *it->second;
    w.BeginObject();
    WriteCounts(w, r);
    w.Key("cycle").Int(cycle);
    w.Key("in_record").Bool(coverage.ReviewInRecord(cycle, r.count));
    w.Key("cycle_whole").Bool(coverage.HoldsWholeCycle(cycle));
    w.EndObject();
  }
  w.EndArray();
}

// The "coverage" object of GET /api/v1/about (docs/api.md).
json CoverageJson(const Coverage& c, const std::vector<store::SourceFileRecord>& files,
                  const search::PledgeSearchResponse& pledges) {
  json cycles = json::array();
  for (const CycleCoverage& cy : c.cycles)
    cycles.push_back({{"cycle", cy.cycle},
                      {"first_session", cy.first_session},
                      {"last_session", cy.last_session},
                      {"sessions", cy.sessions},
                      {"whole", cy.whole()}});
  std::vector<int> pledge_sessions;
  for (const auto& [session, count] : pledges.sessions) pledge_sessions.push_back(session);
  const Coverage pc = ComputeCoverage(pledge_sessions);
  // The dates of every session the record has anything of: recommendations or pledges.
  std::vector<int> all = c.sessions;
  all.insert(all.end(), pc.sessions.begin(), pc.sessions.end());
  json dates = json::array();
  for (int session : ComputeCoverage(std::move(all)).sessions)
    if (const SessionDates* d = FindSessionDates(session))
      dates.push_back({{"session", session}, {"cycle", d->cycle}, {"start", d->start},
                       {"end", d->end}, {"year", d->year}, {"dates", FormatSessionDates(*d)}});
  // Sources by data source, each with its files' names (never the paths they were imported from).
  json sources = json::array();
  for (const store::SourceFileRecord& f : files) {
    const std::string name = SourceName(f.format);
    auto it = std::find_if(sources.begin(), sources.end(),
                           [&](const json& j) { return j["name"] == name; });
    if (it == sources.end()) {
      sources.push_back({{"name", name}, {"format", f.format}, {"files", json::array()}});
      it = sources.end() - 1;
    }
    (*it)["files"].push_back(std::string(FileNameOf(f.path)));
  }
  return {{"sessions", c.sessions},
          {"session_ranges", SessionRanges(c.sessions)},
          {"first_year", c.first_year ? json(c.first_year) : json(nullptr)},
          {"last_year", c.last_year ? json(c.last_year) : json(nullptr)},
          {"cycles", std::move(cycles)},
          {"session_dates", std::move(dates)},
          {"sources", std::move(sources)},
          {"statement", CoverageStatement(c)},
          {"pledges",
           {{"count", pledges.total},
            {"sessions", pc.sessions},
            {"session_ranges", SessionRanges(pc.sessions)},
            {"first_year", pc.first_year ? json(pc.first_year) : json(nullptr)},
            {"last_year", pc.last_year ? json(pc.last_year) : json(nullptr)}}}};
}

// {"en": ..., "fr": ..., "es": ..., "ar": ..., "zh": ..., "ru": ...}: the languages the reference
// table has a name in.
json StateNames(const StateInfo& s) {
  json names = json::object();
  for (std::string_view language : kStateNameLanguages)
    if (std::string_view name = StateName(s, language); !name.empty())
      names[std::string(language)] = name;
  return names;
}

// One component of a query string decoded as HTML forms encode it ('+' is a space, %XX a byte);
// false when a '%' is not followed by two hex digits.
bool DecodeComponent(std::string_view in, std::string& out) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%') {
      if (i + 2 >= in.size() || hex(in[i + 1]) < 0 || hex(in[i + 2]) < 0) return false;
      out.push_back(static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return true;
}

// The filter suggestions and "did you mean" of a search box, counted on the backend.
Status Suggestions(QueryBackend& backend, search::Interpretation& interpretation,
                   const Filters& filters) {
  auto themes = backend.ThemeNames();
  if (!themes.ok()) return themes.status();
  auto vocabulary = backend.Vocabulary();
  if (!vocabulary.ok()) return vocabulary.status();
  search::SuggestContext context;
  context.themes = *themes;
  context.vocabulary = vocabulary->get();
  context.count = [&backend](const std::string& query, const Filters& f) -> Result<int64_t> {
    search::SearchRequest probe;
    probe.query = query;
    probe.filters = f;
    probe.limit = 1;
    probe.snippets = false;
    auto found = backend.Search(probe);
    if (!found.ok()) return found.status();
    return found->total;
  };
  return search::Suggest(interpretation, filters, context);
}

void WriteBoxFilter(JsonWriter& w, const search::BoxFilter& f) {
  w.Key("field").String(f.field).Key("value").String(f.value);
  w.Key("label").String(f.label).Key("text").String(f.text);
}

// {"input", "box", "query", "repairs": [{position, message}], "applied": [{field, value, label,
// text}], "suggestions": [{field, value, label, text, q, total}], "did_you_mean": [{q, query,
// total, corrections: [{word, suggestion}]}]}
void WriteInterpretation(JsonWriter& w, const search::Interpretation& in) {
  w.BeginObject();
  w.Key("input").String(in.input).Key("box").String(in.box).Key("query").String(in.query);
  w.Key("repairs").BeginArray();
  for (const auto& r : in.repairs)
    w.BeginObject().Key("position").Int(static_cast<int64_t>(r.position)).Key("message").String(r.message).EndObject();
  w.EndArray();
  w.Key("applied").BeginArray();
  for (const auto& a : in.applied) {
    w.BeginObject();
    WriteBoxFilter(w, a);
    w.EndObject();
  }
  w.EndArray();
  w.Key("suggestions").BeginArray();
  for (const auto& s : in.suggestions) {
    w.BeginObject();
    WriteBoxFilter(w, s.filter);
    w.Key("q").String(s.box).Key("total").Int(s.total);
    w.EndObject();
  }
  w.EndArray();
  w.Key("did_you_mean").BeginArray();
  for (const auto& d : in.did_you_mean) {
    w.BeginObject().Key("q").String(d.box).Key("query").String(d.query).Key("total").Int(d.total);
    w.Key("corrections").BeginArray();
    for (const auto& c : d.corrections)
      w.BeginObject().Key("word").String(c.word).Key("suggestion").String(c.suggestion).EndObject();
    w.EndArray().EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::variant<Params, ApiError> ParseQueryString(std::string_view query) {
  Params params;
  std::string_view rest = query;
  const size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  std::string name, value;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      const std::string_view raw_name = pair.substr(0, eq);
      const std::string_view raw_value =
          eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
      const bool name_ok = DecodeComponent(raw_name, name) && IsValidUtf8(name) &&
                           name.find('\0') == std::string::npos;
      const std::string shown = name_ok ? name : std::string(raw_name);
      if (!name_ok)
        return ApiError{Status::InvalidArgument("parameter name '" + shown +
                                                "': expected UTF-8 text, percent-encoded "
                                                "with two hex digits after each '%'"),
                        ""};
      if (!DecodeComponent(raw_value, value))
        return ApiError{Status::InvalidArgument(name + " '" + std::string(raw_value) +
                                                "': a '%' must be followed by two hex digits"),
                        name};
      if (!IsValidUtf8(value) || value.find('\0') != std::string::npos)
        return ApiError{Status::InvalidArgument(name + " '" + std::string(raw_value) +
                                                "': not UTF-8 text (percent-encode UTF-8 bytes)"),
                        name};
      params.emplace(name, value);
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return params;
}


ApiResult<Body> Api::Recommendations(const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(
      CheckNames(params, {"q", "facets", "sort", "page", "per_page"}, true));
  search::SearchRequest req;
  search::Interpretation interpretation;
  OPENUPR_RETURN_IF_API_ERROR(
      Selection(backend_, params, req.query, req.filters, &interpretation));
  std::string sort;
  OPENUPR_RETURN_IF_API_ERROR(Choice(params, "sort", {"relevance", "id"}, sort));
  int64_t page = 1, per_page = kDefaultPerPage;
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "page", 1, 1'000'000, page));
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "per_page", 1, kMaxPerPage, per_page));
  std::vector<analytics::Dimension> facets;
  OPENUPR_RETURN_IF_API_ERROR(Dimensions(params, "facets", 9, facets));

  const int64_t offset = (page - 1) * per_page;
  // Without a text query the backend already orders by id. With one, sort=id needs every hit:
  // the backends only rank by relevance, so the page is cut here.
  const bool cut_here = sort == "id" && !req.query.empty();
  req.limit = cut_here ? 0 : per_page;
  req.offset = cut_here ? 0 : offset;
  // One call for the page and the facets (the engine evaluates the selection once for both).
  auto found = backend_.SearchFaceted(req, facets);
  if (!found.ok()) return BackendError(found.status(), req.query);
  std::vector<search::SearchHit> hits = std::move(found->search.hits);
  if (cut_here) {
    std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    const auto begin = std::min<size_t>(hits.size(), static_cast<size_t>(offset));
    const auto end = std::min<size_t>(hits.size(), begin + static_cast<size_t>(per_page));
    hits = std::vector<search::SearchHit>(hits.begin() + begin, hits.begin() + end);
  }
  std::vector<int64_t> ids;
  for (const auto& h : hits) ids.push_back(h.id);
  auto recs = backend_.Summaries(ids);
  if (!recs.ok()) return BackendError(recs.status(), "");
  std::unordered_map<int64_t, const openupr::Recommendation*> by_id;
  for (const auto& r : *recs) by_id[r.id] = &r;
  if (!interpretation.input.empty()) {
    auto suggested = Suggestions(backend_, interpretation, req.filters);
    if (!suggested.ok()) return BackendError(suggested, "");
  }

  JsonWriter w;
  w.BeginObject();
  w.Key("total").Int(found->search.total);
  w.Key("page").Int(page);
  w.Key("per_page").Int(per_page);
  w.Key("sort").String(sort);
  w.Key("results").BeginArray();
  for (const auto& h : hits) {
    auto it = by_id.find(h.id);
    if (it == by_id.end()) continue;  // deleted between the two calls
    WriteHit(w, *it->second, h);
  }
  w.EndArray();
  w.Key("facets").BeginObject();
  for (const analytics::Facet& f : found->facets.facets) {
    w.Key(analytics::DimensionName(f.field)).BeginArray();
    for (const auto& v : f.values) w.BeginObject().Key("key").String(v.key).Key("count").Int(v.count).EndObject();
    w.EndArray();
  }
  w.EndObject();
  if (!interpretation.input.empty()) {
    w.Key("interpretation");
    WriteInterpretation(w, interpretation);
  }
  w.EndObject();
  return w.Take();
}

ApiResult<Body> Api::Recommendation(const std::string& id_text, const Params& params,
                                    std::string_view base_url) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {}, false));
  auto id = ResolveRecommendation(id_text);
  if (std::holds_alternative<ApiError>(id)) return std::get<ApiError>(id);
  const int64_t ids[] = {std::get<int64_t>(id)};
  auto recs = backend_.Get(ids);
  if (!recs.ok()) return BackendError(recs.status(), "");
  if (recs->empty())
    return ApiError{Status::NotFound("no recommendation with id " + id_text), "id"};
  json j = RecommendationToJson(recs->front());
  j["citation"] = RecommendationCitation(recs->front(), base_url);
  // A client sees the source's file name and line, not the server's folders.
  j["source"]["file"] = FileNameOf(recs->front().provenance.source_file);
  return Dump(j);
}

std::variant<int64_t, ApiError> Api::ResolveRecommendation(std::string_view id_text) {
  if (IsRecommendationUid(id_text)) {
    auto id = backend_.FindByUid(id_text);
    if (!id.ok()) return BackendError(id.status(), "");
    if (!*id)
      return ApiError{Status::NotFound("no recommendation with uid " + std::string(id_text)),
                      "id"};
    return **id;
  }
  int64_t id = 0;
  auto [p, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc() || p != id_text.data() + id_text.size() || id < 1)
    return Invalid("id", "id '" + std::string(id_text) +
                             "': expected a record uid such as LKA-14-5e1c09ab3f2d, or a "
                             "positive integer (this database's row number)");
  return id;
}

std::variant<std::string, ApiError> Api::RecommendationUidOf(std::string_view id_text) {
  auto id = ResolveRecommendation(id_text);
  if (std::holds_alternative<ApiError>(id)) return std::get<ApiError>(id);
  const int64_t ids[] = {std::get<int64_t>(id)};
  auto recs = backend_.Summaries(ids);
  if (!recs.ok()) return BackendError(recs.status(), "");
  if (recs->empty())
    return ApiError{Status::NotFound("no recommendation with id " + std::string(id_text)), "id"};
  return recs->front().uid;
}

ApiResult<Body> Api::Aggregations(const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {"by", "q", "sort", "limit"}, true));
  analytics::StatsRequest req;
  OPENUPR_RETURN_IF_API_ERROR(Dimensions(params, "by", 3, req.by));
  OPENUPR_RETURN_IF_API_ERROR(Selection(backend_, params, req.query, req.filters));
  std::string sort;
  OPENUPR_RETURN_IF_API_ERROR(Choice(params, "sort", {"count", "key"}, sort));
  req.sort_by_key = sort == "key";
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "limit", 0, 1'000'000, req.limit));
  auto stats = backend_.Stats(req);
  if (!stats.ok()) return BackendError(stats.status(), req.query);
  JsonWriter w;
  w.BeginObject();
  w.Key("by").BeginArray();
  for (auto d : req.by) w.String(analytics::DimensionName(d));
  w.EndArray();
  w.Key("total").BeginObject();
  WriteCounts(w, stats->total);
  w.EndObject();
  w.Key("predicted").Int(stats->predicted);
  w.Key("rows").BeginArray();
  for (const auto& r : stats->rows) WriteRow(w, req.by, r);
  w.EndArray();
  w.EndObject();
  return w.Take();
}

ApiResult<Body> Api::States(const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {}, false));
  std::unordered_map<std::string, int64_t> received, made;
  for (auto [dim, counts] : {std::pair{analytics::Dimension::kSur, &received},
                             std::pair{analytics::Dimension::kFrom, &made}}) {
    analytics::StatsRequest req;
    req.by = {dim};
    auto stats = backend_.Stats(req);
    if (!stats.ok()) return BackendError(stats.status(), "");
    for (const auto& r : stats->rows) (*counts)[r.keys[0]] = r.count;
  }
  json states = json::array();
  for (const StateInfo& s : AllStates()) {
    states.push_back({{"iso3", s.iso3},
                      {"m49", s.m49},
                      {"name", s.un_name},
                      {"names", StateNames(s)},
                      {"region", RegionCode(s.region)},
                      {"un_member", s.un_member},
                      {"received", received.count(s.iso3) ? received[s.iso3] : 0},
                      {"made", made.count(s.iso3) ? made[s.iso3] : 0}});
  }
  return Dump(json{{"total", states.size()}, {"states", states}});
}

ApiResult<Body> Api::State(const std::string& iso3, const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {"theme"}, false));
  // theme= narrows both sides to recommendations with one of these themes (Compare's filter).
  Filters themes;
  auto [theme_begin, theme_end] = params.equal_range("theme");
  for (auto it = theme_begin; it != theme_end; ++it)
    if (Status st = AddFilterValue(themes, "theme", it->second); !st.ok())
      return FromStatus(std::move(st), "theme");
  if (Status st = backend_.ValidateFilters(themes); !st.ok())
    return FromStatus(std::move(st), st.code() == StatusCode::kInvalidArgument ? "theme" : "");
  std::string upper = iso3;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const StateInfo* state = upper.size() == 3 ? FindStateByIso3(upper) : nullptr;
  if (!state)
    return ApiError{Status::NotFound("no state with ISO 3166 alpha-3 code '" + iso3 + "'"),
                    "iso3"};
  auto coverage = RecordCoverage();
  if (std::holds_alternative<ApiError>(coverage)) return std::get<ApiError>(coverage);
  JsonWriter w;
  w.BeginObject();
  w.Key("iso3").String(state->iso3).Key("m49").String(state->m49);
  w.Key("name").String(state->un_name).Key("names").Raw(Dump(StateNames(*state)));
  w.Key("region").String(RegionCode(state->region)).Key("un_member").Bool(state->un_member);
  // Received: the state under review; made: a recommending state. Top counterparts each way.
  for (bool as_sur : {true, false}) {
    w.Key(as_sur ? "received" : "made").BeginObject();
    const auto counterpart = as_sur ? analytics::Dimension::kFrom : analytics::Dimension::kSur;
    const std::pair<const char*, analytics::Dimension> parts[] = {
        {"by_cycle", analytics::Dimension::kCycle},
        {"by_response", analytics::Dimension::kResponse},
        {"by_theme", analytics::Dimension::kTheme},
        {as_sur ? "top_recommending_states" : "top_states_under_review", counterpart}};
    bool total_written = false;
    for (const auto& [name, dim] : parts) {
      analytics::StatsRequest req;
      req.filters.themes = themes.themes;
      (as_sur ? req.filters.sur : req.filters.from).push_back(state->iso3);
      req.by = {dim};
      req.sort_by_key = dim == analytics::Dimension::kCycle;
      req.limit = dim == counterpart ? 10 : 0;
      auto stats = backend_.Stats(req);
      if (!stats.ok()) return BackendError(stats.status(), "");
      if (!total_written) {
        w.Key("total").BeginObject();
        WriteCounts(w, stats->total);
        w.EndObject();
        total_written = true;
      }
      w.Key(name);
      if (dim == analytics::Dimension::kCycle) {
        WriteCycleBreakdown(w, *stats, std::get<Coverage>(coverage));
      } else {
        WriteBreakdown(w, *stats);
      }
    }
    w.EndObject();
  }
  w.EndObject();
  return w.Take();
}

ApiResult<Body> Api::Sessions(const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {}, false));
  analytics::StatsRequest req;
  req.by = {analytics::Dimension::kSession};
  req.sort_by_key = true;
  auto stats = backend_.Stats(req);
  if (!stats.ok()) return BackendError(stats.status(), "");
  json sessions = json::array();
  for (const auto& r : stats->rows) {
    const int session = std::stoi(r.keys[0]);
    json j = {{"session", session}, {"cycle", CycleOfSession(session)}};
    if (const SessionDates* d = FindSessionDates(session))
      j.update({{"start", d->start}, {"end", d->end}, {"year", d->year},
                {"dates", FormatSessionDates(*d)}});
    j.update(Counts(r));
    sessions.push_back(std::move(j));
  }
  return Dump(json{{"total", Counts(stats->total)}, {"sessions", sessions}});
}

std::variant<Coverage, ApiError> Api::RecordCoverage() {
  analytics::StatsRequest req;
  req.by = {analytics::Dimension::kSession};
  auto stats = backend_.Stats(req);
  if (!stats.ok()) return BackendError(stats.status(), "");
  std::vector<int> sessions;
  for (const auto& r : stats->rows) sessions.push_back(std::stoi(r.keys[0]));
  return ComputeCoverage(std::move(sessions));
}

ApiResult<Body> Api::Pledges(const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(
      params, {"q", "state", "session", "cycle", "theme", "page", "per_page"}, false));
  search::PledgeRequest req;
  std::optional<std::string> q;
  OPENUPR_RETURN_IF_API_ERROR(Single(params, "q", q));
  req.query = q.value_or("");
  // The pledging state is the state under review: the filters' "sur".
  for (const auto& [param, field] : {std::pair{"state", "sur"}, std::pair{"session", "session"},
                                     std::pair{"cycle", "cycle"}, std::pair{"theme", "theme"}}) {
    auto [b, e] = params.equal_range(param);
    for (auto it = b; it != e; ++it)
      if (Status st = AddFilterValue(req.filters, field, it->second); !st.ok()) {
        std::string message = st.message();
        if (message.rfind("--", 0) == 0) message = message.substr(2);
        if (message.rfind(field, 0) == 0) message = param + message.substr(std::strlen(field));
        return Invalid(param, message);
      }
  }
  if (Status st = backend_.ValidateFilters(req.filters); !st.ok()) {
    std::string parameter = st.code() == StatusCode::kInvalidArgument ? "theme" : "";
    return FromStatus(std::move(st), std::move(parameter));
  }
  int64_t page = 1, per_page = kDefaultPerPage;
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "page", 1, 1'000'000, page));
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "per_page", 1, kMaxPerPage, per_page));
  req.limit = per_page;
  req.offset = (page - 1) * per_page;
  auto found = backend_.SearchPledges(req);
  if (!found.ok()) return BackendError(found.status(), req.query);
  json results = json::array();
  for (const search::PledgeHit& h : found->hits) {
    json j = PledgeToJson(h.pledge);
    j["snippet_html"] = search::RenderSnippetHtml(h.snippet);
    j["score"] = h.score;
    results.push_back(std::move(j));
  }
  json sessions = json::array();
  for (const auto& [session, count] : found->sessions)
    sessions.push_back({{"key", std::to_string(session)}, {"count", count}});
  return Dump(json{{"total", found->total},
                   {"page", page},
                   {"per_page", per_page},
                   {"results", std::move(results)},
                   {"facets", {{"session", std::move(sessions)}}}});
}

ApiResult<Body> Api::PledgeByUid(const std::string& uid, const Params& params,
                                 std::string_view base_url) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {}, false));
  if (!IsPledgeUid(uid))
    return Invalid("uid",
                   "uid '" + uid + "': expected a pledge uid such as LKA-14-vp-5e1c09ab3f2d");
  auto found = backend_.FindPledge(uid);
  if (!found.ok()) return BackendError(found.status(), "");
  if (!*found) return ApiError{Status::NotFound("no pledge with uid " + uid), "uid"};
  json j = PledgeToJson(**found);
  j["citation"] = PledgeCitation(**found, base_url);
  return Dump(j);
}

ApiResult<ExportPlan> Api::PlanExport(const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {"format", "q", "bom"}, true));
  ExportPlan plan;
  OPENUPR_RETURN_IF_API_ERROR(Selection(backend_, params, plan.request.query,
                                        plan.request.filters));
  std::string format, bom;
  OPENUPR_RETURN_IF_API_ERROR(Choice(params, "format", {"csv", "json", "xlsx"}, format));
  OPENUPR_RETURN_IF_API_ERROR(Choice(params, "bom", {"true", "false"}, bom));
  plan.format = *search::ParseExportFormat(format);
  plan.options.bom = bom == "true";
  plan.content_type = search::ExportContentType(plan.format);
  plan.filename = search::ExportFileNameFor(plan.request, plan.format);
  // A one-hit search checks the query before the stream starts and gives the size.
  search::SearchRequest probe = plan.request;
  probe.limit = 1;
  auto found = backend_.Search(probe);
  if (!found.ok()) return BackendError(found.status(), probe.query);
  plan.total = found->total;
  if (Status st = search::CheckExportSize(plan.format, plan.total); !st.ok())
    return ApiError{std::move(st), "format"};
  return plan;
}

std::string ContentDisposition(const search::ExportFileName& name) {
  std::string v = "attachment; filename=\"" + name.ascii + "\"";
  if (name.utf8 == name.ascii) return v;
  // RFC 8187: the name's UTF-8 bytes, percent-encoded but for the unreserved characters (a
  // subset of its attr-char).
  v += "; filename*=UTF-8''" + PercentEncode(name.utf8);
  return v;
}

ApiResult<Body> Api::About(const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {}, false));
  auto summary = backend_.DatabaseSummary();
  if (!summary.ok()) return BackendError(summary.status(), "");
  json sources = json::array();
  std::vector<std::string> formats;
  std::string last_import;
  for (const store::SourceFileRecord& f : summary->sources) {
    sources.push_back({{"file", FileNameOf(f.path)},
                       {"format", f.format},
                       {"encoding", f.encoding},
                       {"line_ends", f.line_ends},
                       {"bytes", f.bytes},
                       {"rows", f.rows},
                       {"added", f.added},
                       {"duplicates", f.repeats},
                       {"already_present", f.already_present},
                       {"skipped", f.skipped},
                       {"import_id", f.import_id},
                       {"imported_at", f.imported_at},
                       {"hash", f.content_hash}});
    formats.push_back(f.format);
    last_import = std::max(last_import, f.imported_at);  // ISO 8601 UTC: text order is time order
  }
  auto coverage = RecordCoverage();
  if (std::holds_alternative<ApiError>(coverage)) return std::get<ApiError>(coverage);
  search::PledgeRequest every_pledge;
  every_pledge.limit = 1;
  auto pledges = backend_.SearchPledges(every_pledge);
  if (!pledges.ok()) return BackendError(pledges.status(), "");
  const store::Counts& c = summary->counts;
  return Dump(json{{"version", Version()},
              {"schema_version", summary->schema_version},
              {"counts",
               {{"recommendations", c.recommendations},
                {"pledges", c.pledges},
                {"states", summary->states},
                {"sessions", summary->sessions},
                {"cycles", summary->cycles}}},
              {"sources", std::move(sources)},
              {"coverage", CoverageJson(std::get<Coverage>(coverage), summary->sources, *pledges)},
              {"citation", Citation(formats, last_import)}});
}

ApiResult<Body> Api::OpenApi(const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {}, false));
  try {
    return Dump(json::parse(OpenApiDocument()));
  } catch (const json::exception& e) {
    return ApiError{Status::Internal(std::string("openapi.json: ") + e.what()), ""};
  }
}

}  // namespace openupr::server

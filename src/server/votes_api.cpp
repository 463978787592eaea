#include "server/votes_api.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/former_states.h"
#include "core/identity.h"
#include "core/states.h"
#include "server/params.h"

namespace openupr::server {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// "2010" or "2006-2010" into [from, to].
std::string StateName(const std::string& iso3) {
  if (const StateInfo* s = FindStateByIso3(iso3)) return s->un_name;
  if (const FormerStateInfo* f = FindFormerState(iso3)) return f->name;
  return iso3;
}

std::string StateRegion(const std::string& iso3) {
  if (const StateInfo* s = FindStateByIso3(iso3)) return std::string(RegionCode(s->region));
  if (const FormerStateInfo* f = FindFormerState(iso3)) return std::string(RegionCode(f->region));
  return "none";
}

// A vote as the API names it (core/resolution.h VoteCode's names, and "absent").
const char* CastName(analytics::VoteCast c) {
  static constexpr const char* kNames[] = {"absent", "yes", "no", "abstain", "non-voting", "blank"};
  return kNames[static_cast<int>(c)];
}

json Count(const std::optional<int>& n) { return n ? json(*n) : json(nullptr); }

json ResolutionSummary(const engine::VoteIndex& ix, uint32_t i) {
  const Resolution& r = ix.resolutions()[i];
  json j = {{"uid", r.uid},
            {"record_id", r.record_id},
            {"symbol", r.symbol},
            {"title", r.title},
            {"date", r.date},
            {"year", r.year},
            {"body", std::string(BodyCode(ParseBody(r.body).value_or(openupr::Body::kCouncil)))},
            {"session", r.session ? json(r.session) : json(nullptr)},
            {"agenda_item", r.agenda_item_no},
            {"vote_type", r.vote_type},
            {"outcome", std::string(engine::ResolutionOutcome(r))},
            {"yes", Count(r.yes)},
            {"no", Count(r.no)},
            {"abstain", Count(r.abstain)},
            {"roll_call", r.counted_votes > 0}};
  if (r.reconciles) j["reconciles"] = *r.reconciles;
  return j;
}

// The filter and the roll calls it selects, or the error.
struct Selected {
  engine::ResolutionFilter filter;
  std::vector<uint32_t> roll_calls;
};
std::variant<Selected, ApiError> SelectRollCalls(const engine::VoteIndex& ix,
                                                 const Params& params) {
  auto filter = ParseResolutionFilter(params);
  if (auto* e = std::get_if<ApiError>(&filter)) return *e;
  Selected s{std::get<engine::ResolutionFilter>(filter), {}};
  auto rc = ix.SelectRollCalls(s.filter);
  if (!rc.ok()) return FromStatus(rc.status(), "q");
  s.roll_calls = std::move(rc).value();
  return s;
}

json SelectionJson(const engine::VoteIndex& ix, const Selected& s) {
  std::string first, last;
  if (!s.roll_calls.empty()) {
    first = ix.resolutions()[ix.ResolutionOfRollCall(s.roll_calls.front())].date;
    last = ix.resolutions()[ix.ResolutionOfRollCall(s.roll_calls.back())].date;
  }
  return {{"roll_calls", s.roll_calls.size()},
          {"from", first.empty() ? json(nullptr) : json(first)},
          {"to", last.empty() ? json(nullptr) : json(last)}};
}

Check State(const engine::VoteIndex& ix, const Params& params, const std::string& name,
            bool required, std::optional<uint32_t>& out) {
  std::optional<std::string> v;
  OPENUPR_RETURN_IF_API_ERROR(Single(params, name, v));
  if (!v) {
    if (required) return Invalid(name, name + ": required (a state's ISO3 code or name)");
    return std::nullopt;
  }
  std::string code = *v;
  if (const StateInfo* s = FindState(*v)) code = s->iso3;
  out = ix.FindState(code);
  if (!out)
    return Invalid(name, name + " '" + *v +
                             "': expected a state that voted in the record (ISO3 code or name, "
                             "e.g. FRA or France; former states: SUN, YUG, CSK, DDR, GER)");
  return std::nullopt;
}

json AgreementCell(const analytics::PairAgreement& a) {
  const auto share = a.share();
  return {{"both", a.both}, {"alike", a.alike}, {"share", share ? json(*share) : json(nullptr)}};
}

// Names allowed: the filter's and extra.
Check Names(const Params& params, std::vector<std::string_view> extra) {
  return KnownNames(params, kResolutionFilterParams, std::move(extra));
}

}  // namespace

std::variant<engine::ResolutionFilter, ApiError> ParseResolutionFilter(const Params& params) {
  engine::ResolutionFilter f;
  std::optional<std::string> v;
  OPENUPR_RETURN_IF_API_ERROR(Single(params, "q", v));
  if (v) f.query = *v;
  v.reset();
  OPENUPR_RETURN_IF_API_ERROR(Single(params, "body", v));
  if (v) {
    f.body = ParseBody(*v);
    if (!f.body) return Invalid("body", "body '" + *v + "': expected hrc (the Human Rights "
                                                       "Council) or chr (the Commission)");
  }
  OPENUPR_RETURN_IF_API_ERROR(Range(params, "year", 1946, 2100, f.year_from, f.year_to));
  OPENUPR_RETURN_IF_API_ERROR(Range(params, "session", 1, 999, f.session_from, f.session_to));
  for (std::string item : List(params, "agenda_item")) {
    while (!item.empty() && item.back() == '.') item.pop_back();
    f.agenda_items.push_back(item);
  }
  f.outcomes = List(params, "outcome");
  if (Status st = engine::ValidateResolutionFilter(f); !st.ok()) {
    const std::string& m = st.message();
    return FromStatus(st, m.starts_with("outcome") ? "outcome"
                          : m.starts_with("year")  ? "year"
                          : m.starts_with("session") ? "session"
                                                     : "q");
  }
  return f;
}

ApiResult<Body> ResolutionsJson(const engine::VoteIndex& ix, const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(Names(params, {"page", "per_page", "roll_calls"}));
  auto filter = ParseResolutionFilter(params);
  if (auto* e = std::get_if<ApiError>(&filter)) return *e;
  auto& f = std::get<engine::ResolutionFilter>(filter);
  std::string roll_calls;
  OPENUPR_RETURN_IF_API_ERROR(Choice(params, "roll_calls", {"false", "true"}, roll_calls));
  f.roll_calls_only = roll_calls == "true";
  int64_t page = 1, per_page = kDefaultPerPage;
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "page", 1, 1'000'000, page));
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "per_page", 1, kMaxPerPage, per_page));
  auto found = ix.Search(f, (page - 1) * per_page, per_page);
  if (!found.ok()) return FromStatus(found.status(), "q");
  json results = json::array();
  for (uint32_t i : found->hits) results.push_back(ResolutionSummary(ix, i));
  json facets = json::object();
  for (const auto& fc : found->facets) {
    json values = json::array();
    for (const auto& v : fc.values) values.push_back({{"key", v.key}, {"count", v.count}});
    facets[fc.field] = values;
  }
  return Dump({{"total", found->total},
               {"page", page},
               {"per_page", per_page},
               {"results", results},
               {"facets", facets}});
}

ApiResult<Body> ResolutionJson(const engine::VoteIndex& ix, const std::string& uid,
                               const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {}, false));
  const auto i = ix.FindResolution(uid);
  if (!i)
    return ApiError{Status::NotFound("no resolution '" + uid +
                                     "': expected a uid such as ohchr-27576 (the OHCHR Search "
                                     "Library's record number)"),
                    ""};
  const Resolution& r = ix.resolutions()[*i];
  json j = ResolutionSummary(ix, *i);
  j["statement"] = r.statement;
  j["body_name"] = r.body;
  j["meeting"] = r.meeting;
  j["agenda_item_title"] = r.agenda_item_title;
  j["agenda_symbol"] = r.agenda_symbol;
  j["agenda_subject"] = r.agenda_subject;
  j["main_sponsors"] = r.main_sponsors;
  j["draft"] = r.draft;
  j["non_voting"] = Count(r.non_voting);
  j["total"] = Count(r.total);
  j["counted"] = {{"yes", r.counted_yes},
                  {"no", r.counted_no},
                  {"abstain", r.counted_abstain},
                  {"listed", r.counted_votes}};
  j["links"] = {{"resolution", r.url_resolution},
                {"draft", r.url_draft},
                {"record", r.record_url}};
  j["source"] = {{"file", r.source_file}, {"line", r.line}};
  json votes = json::array();
  json by_region = json::object();
  if (const auto rc = ix.RollCallOf(*i)) {
    const auto& m = ix.matrix();
    for (size_t s = 0; s < m.states.size(); ++s) {
      const analytics::VoteCast c = m.At(s, *rc);
      if (c == analytics::VoteCast::kAbsent) continue;
      const char* vote = CastName(c);
      const std::string region = StateRegion(m.states[s]);
      votes.push_back({{"state", m.states[s]},
                       {"name", StateName(m.states[s])},
                       {"region", region},
                       {"vote", vote}});
      json& g = by_region[region];
      if (g.is_null()) g = {{"yes", 0}, {"no", 0}, {"abstain", 0}, {"non-voting", 0}, {"blank", 0}};
      g[vote] = g[vote].get<int>() + 1;
    }
  }
  j["votes"] = votes;
  j["votes_by_region"] = by_region;
  return Dump(j);
}

ApiResult<Body> DiscrepanciesJson(const engine::VoteIndex& ix, const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {}, false));
  json out = json::array();
  for (uint32_t i = 0; i < ix.resolutions().size(); ++i) {
    const Resolution& r = ix.resolutions()[i];
    if (!r.reconciles || *r.reconciles) continue;
    json j = ResolutionSummary(ix, i);
    j["counted"] = {{"yes", r.counted_yes}, {"no", r.counted_no}, {"abstain", r.counted_abstain}};
    out.push_back(std::move(j));
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return a["record_id"].get<int64_t>() < b["record_id"].get<int64_t>();
  });
  return Dump({{"total", out.size()}, {"results", out}});
}

ApiResult<Body> AgreementJson(const engine::VoteIndex& ix, const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(Names(params, {"state", "with", "min_shared", "limit"}));
  std::optional<uint32_t> a, b;
  OPENUPR_RETURN_IF_API_ERROR(State(ix, params, "state", true, a));
  OPENUPR_RETURN_IF_API_ERROR(State(ix, params, "with", false, b));
  int64_t min_shared = 20, limit = 0;
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "min_shared", 1, 100000, min_shared));
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "limit", 0, 1000, limit));
  auto sel = SelectRollCalls(ix, params);
  if (auto* e = std::get_if<ApiError>(&sel)) return *e;
  const Selected& s = std::get<Selected>(sel);
  const auto& states = ix.matrix().states;
  json out = {{"state", states[*a]}, {"name", StateName(states[*a])},
              {"selection", SelectionJson(ix, s)}};
  if (b) {
    auto pair = ix.bits().Agreement(*a, *b, s.roll_calls);
    if (!pair.ok()) return FromStatus(pair.status(), "");
    out["with"] = states[*b];
    out["with_name"] = StateName(states[*b]);
    out["agreement"] = AgreementCell(*pair);
    return Dump(out);
  }
  auto alike = ix.bits().MostAlike(*a, s.roll_calls, static_cast<uint32_t>(min_shared));
  if (!alike.ok()) return FromStatus(alike.status(), "");
  json ranked = json::array();
  for (const auto& n : *alike) {
    if (limit > 0 && static_cast<int64_t>(ranked.size()) >= limit) break;
    json cell = AgreementCell(n.agreement);
    cell["state"] = n.iso3;
    cell["name"] = StateName(n.iso3);
    cell["region"] = StateRegion(n.iso3);
    ranked.push_back(std::move(cell));
  }
  out["min_shared"] = min_shared;
  out["states"] = ranked;
  return Dump(out);
}

ApiResult<Body> AgreementMatrixJson(const engine::VoteIndex& ix, const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(Names(params, {}));
  auto sel = SelectRollCalls(ix, params);
  if (auto* e = std::get_if<ApiError>(&sel)) return *e;
  const Selected& s = std::get<Selected>(sel);
  auto m = ix.bits().Matrix(s.roll_calls);
  if (!m.ok()) return FromStatus(m.status(), "");
  json both = json::array(), alike = json::array();
  for (size_t a = 0; a < m->states; ++a) {
    json rb = json::array(), ra = json::array();
    for (size_t b = 0; b < m->states; ++b) {
      rb.push_back(m->At(a, b).both);
      ra.push_back(m->At(a, b).alike);
    }
    both.push_back(std::move(rb));
    alike.push_back(std::move(ra));
  }
  return Dump({{"states", ix.matrix().states},
               {"selection", SelectionJson(ix, s)},
               {"both", both},
               {"alike", alike}});
}

ApiResult<Body> CohesionJson(const engine::VoteIndex& ix, const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(Names(params, {"group", "per_roll_call"}));
  std::optional<std::string> group;
  OPENUPR_RETURN_IF_API_ERROR(Single(params, "group", group));
  std::string per_roll_call;
  OPENUPR_RETURN_IF_API_ERROR(Choice(params, "per_roll_call", {"false", "true"}, per_roll_call));
  auto sel = SelectRollCalls(ix, params);
  if (auto* e = std::get_if<ApiError>(&sel)) return *e;
  const Selected& s = std::get<Selected>(sel);
  std::vector<const engine::StateGroup*> groups;
  if (group) {
    const engine::StateGroup* g = ix.FindGroup(*group);
    if (!g) {
      std::string all;
      for (const auto& x : ix.groups()) all += (all.empty() ? "" : ", ") + x.code;
      return Invalid("group", "group '" + *group + "': expected one of " + all);
    }
    groups.push_back(g);
  } else {
    for (const auto& g : ix.groups()) groups.push_back(&g);
  }
  json out = json::array();
  for (const engine::StateGroup* g : groups) {
    auto c = analytics::GroupCohesion(ix.matrix(), g->members, s.roll_calls);
    if (!c.ok()) return FromStatus(c.status(), "group");
    json j = {{"group", g->code},
              {"name", g->name},
              {"kind", g->kind},
              {"members", g->members.size()},
              {"mean_ai", c->mean_ai ? json(*c->mean_ai) : json(nullptr)},
              {"roll_calls_used", c->roll_calls_used},
              {"roll_calls_skipped", c->roll_calls_skipped}};
    if (per_roll_call == "true") {
      json rows = json::array();
      for (const auto& r : c->per_roll_call) {
        const Resolution& res = ix.resolutions()[ix.ResolutionOfRollCall(r.roll_call)];
        rows.push_back({{"uid", res.uid},
                        {"symbol", res.symbol},
                        {"date", res.date},
                        {"yes", r.yes},
                        {"no", r.no},
                        {"abstain", r.abstain},
                        {"ai", r.ai}});
      }
      j["per_roll_call"] = rows;
    }
    out.push_back(std::move(j));
  }
  return Dump({{"selection", SelectionJson(ix, s)}, {"groups", out}});
}

ApiResult<Body> VotingMapJson(const engine::VoteIndex& ix, const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(Names(params, {"reference", "min_votes"}));
  analytics::IdealPointOptions options;
  std::optional<std::string> reference;
  OPENUPR_RETURN_IF_API_ERROR(Single(params, "reference", reference));
  if (reference) {
    const StateInfo* st = FindState(*reference);
    options.reference_state = st ? st->iso3 : *reference;
  }
  int64_t min_votes = options.min_votes;
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "min_votes", 1, 100000, min_votes));
  options.min_votes = static_cast<uint32_t>(min_votes);
  auto sel = SelectRollCalls(ix, params);
  if (auto* e = std::get_if<ApiError>(&sel)) return *e;
  const Selected& s = std::get<Selected>(sel);
  auto points = analytics::ComputeIdealPoints(ix.matrix(), s.roll_calls, options);
  if (!points.ok()) return FromStatus(points.status(), "");
  json pts = json::array();
  for (const auto& p : points->points)
    pts.push_back({{"state", p.iso3},
                   {"name", StateName(p.iso3)},
                   {"region", StateRegion(p.iso3)},
                   {"x", p.x},
                   {"y", p.y},
                   {"votes", p.votes}});
  json dropped = json::array();
  for (const auto& d : points->dropped) dropped.push_back({{"state", d.iso3}, {"votes", d.votes}});
  return Dump({{"selection", SelectionJson(ix, s)},
               {"method", "principal components of the yes (1) / abstain (0.5) / no (0) matrix, "
                          "lopsided roll calls and states with few votes left out "
                          "(docs/analysis.md)"},
               {"reference_state", points->reference_state},
               {"roll_calls_used", points->roll_calls_used},
               {"roll_calls_lopsided", points->roll_calls_lopsided},
               {"explained", {{"x", points->explained_x}, {"y", points->explained_y}}},
               {"points", pts},
               {"dropped", dropped}});
}

ApiResult<Body> GroupsJson(const engine::VoteIndex& ix, const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(CheckNames(params, {}, false));
  json out = json::array();
  for (const auto& g : ix.groups()) {
    json members = json::array();
    for (uint32_t s : g.members) members.push_back(ix.matrix().states[s]);
    out.push_back({{"group", g.code}, {"name", g.name}, {"kind", g.kind}, {"members", members}});
  }
  return Dump({{"groups", out}});
}

ApiResult<Body> VotingRecordJson(const engine::VoteIndex& ix, const Params& params) {
  OPENUPR_RETURN_IF_API_ERROR(Names(params, {"state"}));
  std::optional<uint32_t> state;
  OPENUPR_RETURN_IF_API_ERROR(State(ix, params, "state", true, state));
  auto sel = SelectRollCalls(ix, params);
  if (auto* e = std::get_if<ApiError>(&sel)) return *e;
  const Selected& s = std::get<Selected>(sel);
  json rows = json::array();
  json totals = {{"yes", 0}, {"no", 0}, {"abstain", 0}, {"non-voting", 0}, {"blank", 0}};
  for (auto it = s.roll_calls.rbegin(); it != s.roll_calls.rend(); ++it) {
    const analytics::VoteCast c = ix.matrix().At(*state, *it);
    if (c == analytics::VoteCast::kAbsent) continue;
    const char* vote = CastName(c);
    totals[vote] = totals[vote].get<int>() + 1;
    json j = ResolutionSummary(ix, ix.ResolutionOfRollCall(*it));
    j["vote"] = vote;
    rows.push_back(std::move(j));
  }
  const std::string& iso3 = ix.matrix().states[*state];
  return Dump({{"state", iso3},
               {"name", StateName(iso3)},
               {"selection", SelectionJson(ix, s)},
               {"totals", totals},
               {"results", rows}});
}

}  // namespace openupr::server

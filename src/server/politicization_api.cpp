#include "server/politicization_api.h"

#include <nlohmann/json.hpp>
#include <unordered_map>

#include "analytics/politicization.h"
#include "core/states.h"
#include "server/params.h"

namespace openupr::server {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json Opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

// What every measure needs: the dyads of the selection and the pair values.
struct Joined {
  analytics::DyadResponse dyads;
  std::shared_ptr<const engine::VoteIndex> votes;
  analytics::AgreementMatrix agreement;  // over the Council's roll calls
  int64_t min_shared = 20;
  size_t roll_calls = 0;
  analytics::Outcome outcome = analytics::Outcome::kMeanAction;
  int64_t min_recs = 1;

  std::optional<analytics::PairAgreement> Pair(std::string_view a, std::string_view b) const {
    const auto x = votes->FindState(a), y = votes->FindState(b);
    if (!x || !y) return std::nullopt;
    return agreement.At(*x, *y);
  }
  std::optional<double> Agreement(std::string_view a, std::string_view b) const {
    const auto p = Pair(a, b);
    if (!p || p->both < static_cast<uint32_t>(min_shared)) return std::nullopt;
    return p->share();
  }
  static std::optional<double> SameGroup(std::string_view a, std::string_view b) {
    const StateInfo* x = FindStateByIso3(a);
    const StateInfo* y = FindStateByIso3(b);
    if (!x || !y || x->region == Region::kNone || y->region == Region::kNone) return std::nullopt;
    return x->region == y->region ? 1.0 : 0.0;
  }
  std::optional<double> SharedOrg(std::string_view a, std::string_view b) const {
    const auto x = votes->FindState(a), y = votes->FindState(b);
    if (!x || !y) return 0.0;
    for (const engine::StateGroup* g : votes->GroupsOf(*x)) {
      if (g->kind != "organisation") continue;
      if (std::binary_search(g->members.begin(), g->members.end(), *y)) return 1.0;
    }
    return 0.0;
  }
};

std::variant<Joined, ApiError> Join(QueryBackend& backend, const Params& params,
                                    std::initializer_list<std::string_view> extra) {
  std::vector<std::string_view> allowed = {"q", "outcome", "min_recs", "min_shared"};
  allowed.insert(allowed.end(), extra.begin(), extra.end());
  for (const auto& [name, value] : params) {
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    if (std::find(std::begin(kFilterFields), std::end(kFilterFields), name) !=
        std::end(kFilterFields))
      continue;
    std::string expected;
    for (std::string_view a : allowed) expected += std::string(a) + ", ";
    return Invalid(name, "unknown parameter '" + name + "'; expected " + expected +
                             "or a filter (sur, from, region, cycle, theme, ...)");
  }
  Joined j;
  std::string query;
  Filters filters;
  OPENUPR_RETURN_IF_API_ERROR(Selection(backend, params, query, filters));
  std::string outcome;
  OPENUPR_RETURN_IF_API_ERROR(Choice(params, "outcome", {"action", "noted"}, outcome));
  j.outcome = outcome == "noted" ? analytics::Outcome::kNotedShare : analytics::Outcome::kMeanAction;
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "min_recs", 1, 100000, j.min_recs));
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "min_shared", 1, 100000, j.min_shared));
  auto dyads = backend.Dyads(query, filters);
  if (!dyads.ok()) return FromStatus(dyads.status(), query.empty() ? "" : "q");
  j.dyads = std::move(dyads).value();
  auto votes = backend.Votes();
  if (!votes.ok()) return FromStatus(votes.status(), "");
  j.votes = std::move(votes).value();
  engine::ResolutionFilter council;
  council.body = openupr::Body::kCouncil;
  auto roll_calls = j.votes->SelectRollCalls(council);
  if (!roll_calls.ok()) return FromStatus(roll_calls.status(), "");
  j.roll_calls = roll_calls->size();
  auto m = j.votes->bits().Matrix(*roll_calls);
  if (!m.ok()) return FromStatus(m.status(), "");
  j.agreement = std::move(m).value();
  return j;
}

json Basis(const Joined& j) {
  return {{"recommendations", j.dyads.total},
          {"predicted", j.dyads.predicted},
          {"dyads", j.dyads.pairs},
          {"outcome", std::string(analytics::OutcomeName(j.outcome))},
          {"agreement_over",
           {{"body", "hrc"}, {"roll_calls", j.roll_calls}, {"min_shared", j.min_shared}}}};
}

json CoefficientJson(const analytics::Coefficient& c) {
  return {{"name", c.name},       {"estimate", c.estimate},     {"se", c.se},
          {"t", c.t},             {"cluster_se", c.cluster_se}, {"cluster_t", c.cluster_t}};
}

}  // namespace

ApiResult<Body> SeverityJson(QueryBackend& backend, const Params& params) {
  int64_t limit = 0;
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "limit", 0, 1'000'000, limit));
  std::string with_agreement;
  OPENUPR_RETURN_IF_API_ERROR(Choice(params, "with_agreement", {"false", "true"}, with_agreement));
  auto joined = Join(backend, params, {"limit", "with_agreement"});
  if (auto* e = std::get_if<ApiError>(&joined)) return *e;
  const Joined& j = std::get<Joined>(joined);
  json rows = json::array();
  int64_t matched = 0;  // rows before limit
  for (const analytics::Dyad& d : j.dyads.dyads) {
    if (d.count < j.min_recs) continue;
    const auto pair = d.from == "unknown" ? std::nullopt : j.Pair(d.from, d.sur);
    if (with_agreement == "true" &&
        (!pair || pair->both < static_cast<uint32_t>(j.min_shared) || !pair->share()))
      continue;
    ++matched;
    if (limit > 0 && static_cast<int64_t>(rows.size()) >= limit) continue;
    json agreement = nullptr;
    if (pair) agreement = {{"both", pair->both}, {"alike", pair->alike}, {"share", Opt(pair->share())}};
    rows.push_back({{"from", d.from},
                    {"sur", d.sur},
                    {"count", d.count},
                    {"with_action", d.with_action},
                    {"mean_action", Opt(d.mean_action())},
                    {"noted", d.noted},
                    {"noted_share", Opt(d.noted_share())},
                    {"agreement", agreement},
                    {"same_group", Opt(Joined::SameGroup(d.from, d.sur))},
                    {"shared_organisation", Opt(j.SharedOrg(d.from, d.sur))}});
  }
  json out = Basis(j);
  out["matched"] = matched;
  out["results"] = rows;
  return Dump(out);
}

ApiResult<Body> LeniencyJson(QueryBackend& backend, const Params& params) {
  std::string weighted;
  OPENUPR_RETURN_IF_API_ERROR(Choice(params, "weighted", {"false", "true"}, weighted));
  auto joined = Join(backend, params, {"weighted"});
  if (auto* e = std::get_if<ApiError>(&joined)) return *e;
  const Joined& j = std::get<Joined>(joined);
  analytics::LeniencyOptions options;
  options.outcome = j.outcome;
  options.min_recs = j.min_recs;
  options.weighted = weighted == "true";
  options.covariates.emplace_back("same_group", Joined::SameGroup);
  options.covariates.emplace_back(
      "shared_organisation", [&j](std::string_view a, std::string_view b) { return j.SharedOrg(a, b); });
  auto fit = analytics::EstimateLeniency(
      j.dyads.dyads, [&j](std::string_view a, std::string_view b) { return j.Agreement(a, b); },
      options);
  if (!fit.ok()) return FromStatus(fit.status(), "");
  json out = Basis(j);
  json coefficients = json::array();
  for (const auto& c : fit->coefficients) coefficients.push_back(CoefficientJson(c));
  out["weighted"] = options.weighted;
  out["coefficients"] = coefficients;
  out["fit"] = {{"dyads", fit->dyads},
                {"from_states", fit->from_states},
                {"sur_states", fit->sur_states},
                {"fixed_effects", fit->fixed_effects},
                {"dof", fit->dof},
                {"clusters", fit->clusters},
                {"r2", fit->r2},
                {"r2_within", fit->r2_within},
                {"residual_se", fit->residual_se}};
  return Dump(out);
}

ApiResult<Body> DoubleStandardsJson(QueryBackend& backend, const Params& params) {
  int64_t min_dyads = 8;
  OPENUPR_RETURN_IF_API_ERROR(Integer(params, "min_dyads", 3, 100000, min_dyads));
  auto joined = Join(backend, params, {"min_dyads"});
  if (auto* e = std::get_if<ApiError>(&joined)) return *e;
  const Joined& j = std::get<Joined>(joined);
  analytics::DoubleStandardsOptions options;
  options.outcome = j.outcome;
  options.min_recs = j.min_recs;
  options.min_dyads = min_dyads;
  auto list = analytics::DoubleStandards(
      j.dyads.dyads, [&j](std::string_view a, std::string_view b) { return j.Agreement(a, b); },
      options);
  if (!list.ok()) return FromStatus(list.status(), "");
  json rows = json::array();
  for (const auto& d : *list) {
    const StateInfo* s = FindStateByIso3(d.from);
    rows.push_back({{"from", d.from},
                    {"name", s ? s->un_name : d.from},
                    {"dyads", d.dyads},
                    {"q1", d.q1},
                    {"q3", d.q3},
                    {"rivals", d.rivals},
                    {"allies", d.allies},
                    {"rivals_mean", d.rivals_mean},
                    {"allies_mean", d.allies_mean},
                    {"index", d.index},
                    {"slope", d.slope},
                    {"slope_se", d.slope_se}});
  }
  json out = Basis(j);
  out["min_dyads"] = min_dyads;
  out["results"] = rows;
  return Dump(out);
}

ApiResult<Body> ReciprocityJson(QueryBackend& backend, const Params& params) {
  auto joined = Join(backend, params, {});
  if (auto* e = std::get_if<ApiError>(&joined)) return *e;
  const Joined& j = std::get<Joined>(joined);
  analytics::ReciprocityOptions options;
  options.outcome = j.outcome;
  options.min_recs = j.min_recs;
  auto r = analytics::Reciprocity(j.dyads.dyads, options);
  if (!r.ok()) return FromStatus(r.status(), "");
  json out = Basis(j);
  out["pairs"] = r->pairs;
  out["fitted_dyads"] = r->fitted_dyads;
  out["correlation"] = Opt(r->correlation);
  out["adjusted_correlation"] = Opt(r->adjusted_correlation);
  return Dump(out);
}

}  // namespace openupr::server

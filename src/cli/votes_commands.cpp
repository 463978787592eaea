#include "cli/votes_commands.h"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/output.h"
#include "engine/votes.h"
#include "server/politicization_api.h"
#include "server/sql_backend.h"
#include "server/votes_api.h"

namespace openupr::cli {
namespace {

using nlohmann::json;

server::Params SelectionParams(const ResolutionOptions& s) {
  server::Params p;
  if (!s.query.empty()) p.emplace("q", s.query);
  if (!s.body.empty()) p.emplace("body", s.body);
  if (!s.year.empty()) p.emplace("year", s.year);
  if (!s.session.empty()) p.emplace("session", s.session);
  for (const auto& a : s.agenda_item) p.emplace("agenda_item", a);
  for (const auto& o : s.outcome) p.emplace("outcome", o);
  return p;
}

// Runs an endpoint on a VoteIndex built from the database: its JSON, or the exit code of the
// failure (already reported).
std::variant<json, int> Answer(const CommonOptions& common, const server::Params& params,
                               const std::function<server::ApiResult<server::Body>(
                                   const engine::VoteIndex&, const server::Params&)>& endpoint) {
  auto store = OpenExisting(common);
  if (!store.ok()) return Fail(common, store.status());
  auto index = engine::VoteIndex::Build(**store);
  if (!index.ok()) return Fail(common, index.status());
  if ((*index)->resolutions().empty())
    return Fail(common,
                Status::NotFound("the database holds no resolutions: import OHCHR's voting records "
                                 "first (openupr import resolutions.csv votes_long.csv)"));
  auto body = endpoint(**index, params);
  if (auto* e = std::get_if<server::ApiError>(&body)) return Fail(common, CliStatus(*e));
  return json::parse(std::get<server::Body>(body));
}

// With --json, prints j as the answer and returns true.
bool PrintedAsJson(const CommonOptions& common, const json& j) {
  if (!common.json) return false;
  std::cout << j.dump(2) << '\n';
  return true;
}

std::string Share(const json& share) {
  return share.is_null() ? "-" : FormatPercent(share.get<double>());
}

std::string Str(const json& j) {
  if (j.is_null()) return "-";
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_float()) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3f", j.get<double>());
    return b;
  }
  return j.dump();
}

void PrintSelection(const json& s) {
  std::cout << "Over " << s["roll_calls"].get<int64_t>() << " roll calls";
  if (!s["from"].is_null()) std::cout << " (" << Str(s["from"]) << " to " << Str(s["to"]) << ")";
  std::cout << "\n\n";
}

}  // namespace

int RunResolutions(const CommonOptions& common, const ResolutionsArgs& args) {
  server::Params p = SelectionParams(args.selection);
  if (args.roll_calls) p.emplace("roll_calls", "true");
  p.emplace("page", std::to_string(args.page));
  p.emplace("per_page", std::to_string(args.per_page));
  auto answer = Answer(common, p, server::ResolutionsJson);
  if (auto* code = std::get_if<int>(&answer)) return *code;
  const json& j = std::get<json>(answer);
  if (PrintedAsJson(common, j)) return kExitOk;
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : j["results"])
    rows.push_back(
        {Str(r["uid"]), Str(r["date"]), Str(r["symbol"]), Str(r["outcome"]),
         r["yes"].is_null() ? "" : Str(r["yes"]) + "-" + Str(r["no"]) + "-" + Str(r["abstain"]),
         Str(r["title"]).substr(0, 70)});
  PrintTable({"uid", "date", "symbol", "outcome", "yes-no-abst.", "title"}, rows);
  std::cout << j["total"].get<int64_t>() << " resolutions; page " << args.page << '\n';
  return kExitOk;
}

int RunShowResolution(const CommonOptions& common, const std::string& uid) {
  auto answer = Answer(common, {}, [&uid](const engine::VoteIndex& ix, const server::Params& p) {
    return server::ResolutionJson(ix, uid, p);
  });
  if (auto* code = std::get_if<int>(&answer)) return *code;
  const json& j = std::get<json>(answer);
  if (PrintedAsJson(common, j)) return kExitOk;
  std::cout << Str(j["symbol"]) << "  " << Str(j["uid"]) << "\n"
            << Str(j["title"]) << "\n"
            << Str(j["body_name"]) << ", " << Str(j["date"])
            << (j["session"].is_null() ? "" : ", session " + Str(j["session"])) << ", agenda item "
            << Str(j["agenda_item"]) << "\n"
            << "Outcome: " << Str(j["outcome"]) << " (" << Str(j["vote_type"]) << ")\n";
  if (!j["yes"].is_null())
    std::cout << "Official totals: " << Str(j["yes"]) << " yes, " << Str(j["no"]) << " no, "
              << Str(j["abstain"]) << " abstentions\n";
  if (j["roll_call"].get<bool>()) {
    const json& c = j["counted"];
    std::cout << "Roll call: " << Str(c["yes"]) << " yes, " << Str(c["no"]) << " no, "
              << Str(c["abstain"]) << " abstentions, " << Str(c["listed"]) << " states listed";
    if (j.contains("reconciles") && !j["reconciles"].get<bool>())
      std::cout << " (does not reconcile with the official totals)";
    std::cout << "\n\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& v : j["votes"])
      rows.push_back({Str(v["state"]), Str(v["name"]), Str(v["region"]), Str(v["vote"])});
    PrintTable({"state", "name", "group", "vote"}, rows);
  }
  std::cout << "Source: " << Str(j["source"]["file"]) << ":" << Str(j["source"]["line"]) << "; "
            << Str(j["links"]["record"]) << '\n';
  return kExitOk;
}

int RunVotes(const CommonOptions& common, const VotesArgs& args) {
  server::Params p = SelectionParams(args.selection);
  std::function<server::ApiResult<server::Body>(const engine::VoteIndex&, const server::Params&)>
      endpoint;
  const std::string& w = args.what;
  if (w == "agreement") {
    if (args.states.empty() || args.states.size() > 2)
      return Fail(common, Status::InvalidArgument(
                              "votes agreement: expected STATE, or STATE OTHER for one pair"));
    p.emplace("state", args.states[0]);
    if (args.states.size() == 2) p.emplace("with", args.states[1]);
    p.emplace("min_shared", std::to_string(args.min_shared));
    p.emplace("limit", std::to_string(args.limit));
    endpoint = server::AgreementJson;
  } else if (w == "record") {
    if (args.states.size() != 1)
      return Fail(common, Status::InvalidArgument("votes record: expected one STATE"));
    p.emplace("state", args.states[0]);
    endpoint = server::VotingRecordJson;
  } else if (w == "cohesion") {
    if (!args.group.empty()) p.emplace("group", args.group);
    if (args.per_roll_call) p.emplace("per_roll_call", "true");
    endpoint = server::CohesionJson;
  } else if (w == "map") {
    if (!args.reference.empty()) p.emplace("reference", args.reference);
    p.emplace("min_votes", std::to_string(args.min_votes));
    endpoint = server::VotingMapJson;
  } else if (w == "matrix") {
    endpoint = server::AgreementMatrixJson;
  } else if (w == "groups") {
    p.clear();
    endpoint = server::GroupsJson;
  } else {
    p.clear();
    endpoint = server::DiscrepanciesJson;
  }
  auto answer = Answer(common, p, endpoint);
  if (auto* code = std::get_if<int>(&answer)) return *code;
  const json& j = std::get<json>(answer);
  if (PrintedAsJson(common, j)) return kExitOk;
  std::vector<std::vector<std::string>> rows;
  if (w == "agreement") {
    PrintSelection(j["selection"]);
    if (j.contains("agreement")) {
      const json& a = j["agreement"];
      std::cout << Str(j["name"]) << " and " << Str(j["with_name"]) << " voted alike on "
                << Str(a["alike"]) << " of the " << Str(a["both"])
                << " roll calls on which both voted: " << Share(a["share"]) << '\n';
      return kExitOk;
    }
    std::cout << "States voting most like " << Str(j["name"]) << " (at least "
              << Str(j["min_shared"]) << " roll calls both voted on):\n";
    for (const auto& s : j["states"])
      rows.push_back({Str(s["state"]), Str(s["name"]), Str(s["region"]), Share(s["share"]),
                      Str(s["alike"]) + " of " + Str(s["both"])});
    PrintTable({"state", "name", "group", "agreement", "roll calls"}, rows);
  } else if (w == "record") {
    PrintSelection(j["selection"]);
    for (const auto& r : j["results"])
      rows.push_back(
          {Str(r["date"]), Str(r["symbol"]), Str(r["vote"]), Str(r["title"]).substr(0, 70)});
    PrintTable({"date", "symbol", "vote", "title"}, rows);
    const json& t = j["totals"];
    std::cout << Str(j["name"]) << ": " << Str(t["yes"]) << " yes, " << Str(t["no"]) << " no, "
              << Str(t["abstain"]) << " abstentions, " << Str(t["non-voting"]) << " non-voting\n";
  } else if (w == "cohesion") {
    PrintSelection(j["selection"]);
    for (const auto& g : j["groups"])
      rows.push_back({Str(g["group"]), Str(g["kind"]), Str(g["members"]), Str(g["mean_ai"]),
                      Str(g["roll_calls_used"])});
    PrintTable({"group", "kind", "members", "mean HNR index", "roll calls"}, rows);
    if (args.per_roll_call && j["groups"].size() == 1) {
      rows.clear();
      for (const auto& r : j["groups"][0]["per_roll_call"])
        rows.push_back({Str(r["date"]), Str(r["symbol"]), Str(r["yes"]), Str(r["no"]),
                        Str(r["abstain"]), Str(r["ai"])});
      std::cout << '\n';
      PrintTable({"date", "symbol", "yes", "no", "abstain", "index"}, rows);
    }
  } else if (w == "map") {
    PrintSelection(j["selection"]);
    for (const auto& pt : j["points"])
      rows.push_back({Str(pt["state"]), Str(pt["name"]), Str(pt["region"]), Str(pt["x"]),
                      Str(pt["y"]), Str(pt["votes"])});
    PrintTable({"state", "name", "group", "x", "y", "votes"}, rows);
    std::cout << "Dimension 1 explains " << FormatPercent(j["explained"]["x"].get<double>())
              << ", dimension 2 " << FormatPercent(j["explained"]["y"].get<double>())
              << " of the variance; " << Str(j["roll_calls_used"]) << " roll calls used, "
              << Str(j["roll_calls_lopsided"]) << " lopsided ones left out; " << j["dropped"].size()
              << " states with too few votes left out\n";
  } else if (w == "matrix") {
    // CSV: the agreement shares, one row per state.
    const json& states = j["states"];
    std::cout << "state";
    for (const auto& s : states) std::cout << ',' << s.get<std::string>();
    std::cout << '\n';
    for (size_t a = 0; a < states.size(); ++a) {
      std::cout << states[a].get<std::string>();
      for (size_t b = 0; b < states.size(); ++b) {
        const int both = j["both"][a][b].get<int>();
        std::cout << ',';
        if (both) {
          char buf[16];
          std::snprintf(buf, sizeof buf, "%.4f", j["alike"][a][b].get<double>() / both);
          std::cout << buf;
        }
      }
      std::cout << '\n';
    }
  } else if (w == "groups") {
    for (const auto& g : j["groups"])
      rows.push_back({Str(g["group"]), Str(g["kind"]), std::to_string(g["members"].size())});
    PrintTable({"group", "kind", "members"}, rows);
  } else {
    for (const auto& r : j["results"])
      rows.push_back({Str(r["uid"]), Str(r["symbol"]), Str(r["date"]),
                      Str(r["yes"]) + "-" + Str(r["no"]) + "-" + Str(r["abstain"]),
                      Str(r["counted"]["yes"]) + "-" + Str(r["counted"]["no"]) + "-" +
                          Str(r["counted"]["abstain"])});
    PrintTable({"uid", "symbol", "date", "official y-n-a", "counted y-n-a"}, rows);
    std::cout << Str(j["total"])
              << " roll calls whose listed country votes differ from the official totals\n";
  }
  return kExitOk;
}

int RunPoliticization(const CommonOptions& common, const PoliticizationArgs& args) {
  server::Params p;
  if (!args.query.empty()) p.emplace("q", args.query);
  args.filters.ForEachValue([&p](const char* name, const std::string& v) { p.emplace(name, v); });
  p.emplace("outcome", args.outcome);
  p.emplace("min_recs", std::to_string(args.min_recs));
  p.emplace("min_shared", std::to_string(args.min_shared));
  auto backend = server::SqlBackend::Open(common.db, 1);
  if (!backend.ok()) return Fail(common, backend.status());
  server::ApiResult<server::Body> body;
  const std::string& w = args.what;
  if (w == "severity") {
    p.emplace("limit", std::to_string(args.limit));
    if (args.with_agreement) p.emplace("with_agreement", "true");
    body = server::SeverityJson(**backend, p);
  } else if (w == "leniency") {
    if (args.weighted) p.emplace("weighted", "true");
    body = server::LeniencyJson(**backend, p);
  } else if (w == "double-standards") {
    body = server::DoubleStandardsJson(**backend, p);
  } else {
    body = server::ReciprocityJson(**backend, p);
  }
  if (auto* e = std::get_if<server::ApiError>(&body)) return Fail(common, e->status);
  const json j = json::parse(std::get<server::Body>(body));
  if (PrintedAsJson(common, j)) return kExitOk;
  std::cout << "Over " << Str(j["recommendations"]) << " recommendations in " << Str(j["dyads"])
            << " dyads; severity: "
            << (args.outcome == "noted" ? "share noted" : "mean action category")
            << "; agreement over the Council's " << Str(j["agreement_over"]["roll_calls"])
            << " roll calls (pairs with at least " << Str(j["agreement_over"]["min_shared"])
            << " both voted on)\n\n";
  std::vector<std::vector<std::string>> rows;
  if (w == "severity") {
    for (const auto& d : j["results"])
      rows.push_back({Str(d["from"]), Str(d["sur"]), Str(d["count"]), Str(d["mean_action"]),
                      Share(d["noted_share"]),
                      d["agreement"].is_null() ? "-" : Share(d["agreement"]["share"])});
    PrintTable({"from", "to", "recs", "mean action", "noted", "agreement"}, rows);
    std::cout << rows.size() << " of " << Str(j["matched"]) << " dyads listed (--limit)\n";
  } else if (w == "leniency") {
    for (const auto& c : j["coefficients"])
      rows.push_back({Str(c["name"]), Str(c["estimate"]), Str(c["se"]), Str(c["cluster_se"]),
                      Str(c["cluster_t"])});
    PrintTable({"regressor", "coefficient", "s.e.", "clustered s.e.", "t (clustered)"}, rows);
    const json& fit = j["fit"];
    std::cout << "\n"
              << Str(fit["dyads"]) << " dyads, fixed effects for " << Str(fit["from_states"])
              << " recommending states and " << Str(fit["sur_states"])
              << " states under review; R2 within " << Str(fit["r2_within"])
              << ". A negative agreement coefficient: softer toward states that vote alike.\n";
  } else if (w == "double-standards") {
    for (const auto& d : j["results"]) {
      if (args.limit > 0 && static_cast<int>(rows.size()) >= args.limit) break;
      rows.push_back({Str(d["from"]), Str(d["name"]), Str(d["dyads"]), Str(d["rivals_mean"]),
                      Str(d["allies_mean"]), Str(d["index"]), Str(d["slope"])});
    }
    PrintTable({"state", "name", "dyads", "rivals", "allies", "index", "slope"}, rows);
    std::cout << "\nIndex: severity toward its rivals minus toward its allies (bottom and top "
                 "quartiles of agreement), each relative to what the reviewed state gets from "
                 "others; > 0: softer with allies.\n";
  } else {
    std::cout << Str(j["pairs"]) << " pairs with recommendations both ways: correlation "
              << Str(j["correlation"]) << ", adjusted for each state's general severity "
              << Str(j["adjusted_correlation"]) << '\n';
  }
  return kExitOk;
}

}  // namespace openupr::cli

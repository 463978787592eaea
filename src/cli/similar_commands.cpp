#include "cli/similar_commands.h"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/output.h"
#include "server/similar_api.h"
#include "server/sql_backend.h"

namespace openupr::cli {
namespace {

using nlohmann::json;

void AddFilters(server::Params& p, const FilterOptions& f) {
  auto add = [&p](const char* name, const std::vector<std::string>& values) {
    for (const auto& v : values) p.emplace(name, v);
  };
  add("sur", f.sur), add("from", f.from), add("region", f.region);
  add("from-region", f.from_region), add("session", f.session), add("cycle", f.cycle);
  add("response", f.response), add("action", f.action), add("theme", f.theme);
  add("sur-org", f.sur_org), add("from-org", f.from_org), add("sdg", f.sdg);
}

// The API's error with the option the user gave instead of the parameter or JSON path.
int Failed(const CommonOptions& common, const server::ApiError& e) {
  std::string parameter = e.parameter;
  if (parameter.starts_with("$.")) parameter = parameter.substr(2);
  std::string message = e.status.message();
  if (message.starts_with("$.")) message = message.substr(2);
  if (!parameter.empty() && message.starts_with(parameter)) {
    std::string option = parameter == "q" ? "query" : parameter == "id" ? "UID" : parameter;
    for (char& c : option) c = c == '_' ? '-' : c;
    message = (option == "UID" ? option : "--" + option) + message.substr(parameter.size());
  }
  switch (e.status.code()) {
    case StatusCode::kInvalidArgument:
      return Fail(common, Status::InvalidArgument(message));
    case StatusCode::kNotFound:
      return Fail(common, Status::NotFound(message));
    default:
      return Fail(common, e.status);
  }
}

// x as the user would write it (0.45, not 0.450000).
std::string Plain(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.15g", x);
  return b;
}

std::string Fixed(double x, int digits) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", digits, x);
  return b;
}

std::string Cut(const std::string& text, size_t width) {
  if (text.size() <= width) return text;
  size_t end = width;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

std::string From(const json& from) {
  std::string out;
  for (const auto& f : from)
    out += (out.empty() ? "" : ",") + (f.is_null() ? "?" : f.get<std::string>());
  return out;
}

}  // namespace

int RunSimilar(const CommonOptions& common, const SimilarArgs& args) {
  if (args.uid.empty() == args.text.empty())
    return Fail(common, Status::InvalidArgument(args.uid.empty()
                                                    ? "give a recommendation's UID or --text TEXT"
                                                    : "give a UID or --text, not both"));
  auto backend = server::SqlBackend::Open(common.db, 1);
  if (!backend.ok()) return Fail(common, backend.status());
  server::ApiResult<server::Body> body;
  if (!args.uid.empty()) {
    server::Params p;
    AddFilters(p, args.filters);
    if (!args.query.empty()) p.emplace("q", args.query);
    p.emplace("limit", std::to_string(args.limit));
    p.emplace("min_score", Plain(args.min_score));
    body = server::SimilarJson(**backend, args.uid, p);
  } else {
    json req = {{"text", args.text}, {"limit", args.limit}, {"min_score", args.min_score}};
    if (!args.query.empty()) req["q"] = args.query;
    server::Params p;
    AddFilters(p, args.filters);
    for (const auto& [name, value] : p) req[name].push_back(value);
    body = server::SimilarTextJson(**backend, req.dump());
  }
  if (auto* e = std::get_if<server::ApiError>(&body)) return Failed(common, *e);
  const json j = json::parse(std::get<server::Body>(body));
  if (common.json) {
    std::cout << j.dump(2) << '\n';
    return kExitOk;
  }
  if (j.contains("source"))
    std::cout << j["source"]["uid"].get<std::string>() << ": "
              << j["source"]["text"].get<std::string>() << "\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& h : j["hits"])
    rows.push_back({Fixed(h["score"].get<double>(), 3), h["uid"].get<std::string>(),
                    h["sur"].get<std::string>(), From(h["from"]), h["response"].get<std::string>(),
                    Cut(h["text"].get<std::string>(), 90)});
  PrintTable({"score", "uid", "sur", "from", "response", "text"}, rows);
  std::cout << rows.size() << " of " << j["total"].get<int64_t>() << " records sharing a term (of "
            << j["candidates"].get<int64_t>() << " candidates)\n";
  return kExitOk;
}

int RunRepeated(const CommonOptions& common, const RepeatedArgs& args) {
  server::Params p;
  AddFilters(p, args.filters);
  if (!args.query.empty()) p.emplace("q", args.query);
  if (args.min_score >= 0) p.emplace("min_score", Plain(args.min_score));
  p.emplace("limit", std::to_string(args.limit));
  auto backend = server::SqlBackend::Open(common.db, 1);
  if (!backend.ok()) return Fail(common, backend.status());
  auto body = server::RepeatedJson(**backend, p);
  if (auto* e = std::get_if<server::ApiError>(&body)) return Failed(common, *e);
  const json j = json::parse(std::get<server::Body>(body));
  if (common.json) {
    std::cout << j.dump(2) << '\n';
    return kExitOk;
  }
  const int64_t later = j["later_records"].get<int64_t>(), repeats = j["repeats"].get<int64_t>();
  std::cout << repeats << " of " << later << " recommendations of a later cycle repeat one of the "
            << "cycle before (" << (later ? FormatPercent(double(repeats) / later) : "-")
            << "; similarity >= " << Fixed(j["rule"]["min_score"].get<double>(), 2) << "), "
            << j["repeats_same_from"].get<int64_t>() << " of them by a same recommending state\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : j["responses"])
    rows.push_back({t["from"].get<std::string>(), t["to"].get<std::string>(),
                    std::to_string(t["count"].get<int64_t>())});
  PrintTable({"earlier response", "later response", "repeats"}, rows);
  std::cout << '\n';
  rows.clear();
  for (const auto& c : j["chains"]) {
    const auto& recs = c["records"];
    for (size_t i = 0; i < recs.size(); ++i)
      rows.push_back({i ? Fixed(c["scores"][i - 1].get<double>(), 3) : "",
                      recs[i]["uid"].get<std::string>(), From(recs[i]["from"]),
                      recs[i]["response"].get<std::string>(),
                      Cut(recs[i]["text"].get<std::string>(), 80)});
  }
  PrintTable({"score", "uid", "from", "response", "text"}, rows);
  std::cout << j["chains"].size() << " of " << j["chain_count"].get<int64_t>()
            << " chains listed (--limit)\n";
  return kExitOk;
}

}  // namespace openupr::cli

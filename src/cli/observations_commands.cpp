#include "cli/observations_commands.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/output.h"
#include "engine/observations.h"
#include "server/observations_api.h"

namespace openupr::cli {
namespace {

using nlohmann::json;

// Runs an endpoint on an ObservationIndex built from the database: its JSON, or the exit code
// of the failure (already reported).
std::variant<json, int> Answer(
    const CommonOptions& common, const server::Params& params,
    const std::function<server::ApiResult<server::Body>(const engine::ObservationIndex&,
                                                        const server::Params&)>& endpoint) {
  auto store = OpenExisting(common);
  if (!store.ok()) return Fail(common, store.status());
  auto index = engine::ObservationIndex::Build(**store);
  if (!index.ok()) return Fail(common, index.status());
  if ((*index)->size() == 0)
    return Fail(common, Status::NotFound("the database holds no UHRI records: import an export "
                                         "of OHCHR's Universal Human Rights Index first "
                                         "(openupr import export.json)"));
  auto body = endpoint(**index, params);
  if (auto* e = std::get_if<server::ApiError>(&body)) return Fail(common, CliStatus(*e));
  return json::parse(std::get<server::Body>(body));
}

std::string Str(const json& j) {
  if (j.is_null()) return "-";
  if (j.is_string()) return j.get<std::string>();
  return j.dump();
}

std::string Joined(const json& list) {
  std::string out;
  for (const auto& v : list) out += (out.empty() ? "" : ", ") + Str(v);
  return out;
}

// The first line of a text, cut to n bytes at a UTF-8 boundary.
std::string FirstLine(const std::string& text, size_t n) {
  std::string s = text.substr(0, text.find('\n'));
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "…";
}

}  // namespace

int RunObservations(const CommonOptions& common, const ObservationsArgs& a) {
  server::Params p;
  if (!a.query.empty()) p.emplace("q", a.query);
  if (!a.year.empty()) p.emplace("year", a.year);
  if (!a.since.empty()) p.emplace("since", a.since);
  if (!a.until.empty()) p.emplace("until", a.until);
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {
      {"state", &a.state}, {"mechanism", &a.mechanism}, {"body", &a.body},
      {"document", &a.document}, {"theme", &a.theme}, {"sdg", &a.sdg},
      {"affected", &a.affected}, {"type", &a.type}};
  for (const auto& [name, values] : lists)
    for (const std::string& v : *values) p.emplace(name, v);
  if (a.missing) p.emplace("missing", "true");
  p.emplace("page", std::to_string(a.page));
  p.emplace("per_page", std::to_string(a.per_page));
  std::string facets;
  for (const std::string& f : a.facets) facets += (facets.empty() ? "" : ",") + f;
  if (!common.json) p.emplace("facets", facets);
  auto answer = Answer(common, p, server::ObservationsJson);
  if (auto* code = std::get_if<int>(&answer)) return *code;
  const json& j = std::get<json>(answer);
  if (common.json) {
    std::cout << j.dump(2) << '\n';
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : j["results"])
    rows.push_back({Str(r["published"]), Str(r["mechanism"]), Str(r["body"]).substr(0, 24),
                    Joined(r["states"]), Str(r["document"]), FirstLine(Str(r["text"]), 70)});
  PrintTable({"published", "mechanism", "body", "states", "document", "text"}, rows);
  std::cout << j["total"].get<int64_t>() << " records; page " << a.page << '\n';
  for (const auto& [field, values] : j["facets"].items()) {
    std::cout << '\n' << field << ":";
    for (const auto& v : values) std::cout << "  " << Str(v["key"]) << " (" << Str(v["count"]) << ")";
    std::cout << '\n';
  }
  return kExitOk;
}

int RunShowObservation(const CommonOptions& common, const std::string& uid) {
  auto store = OpenExisting(common);
  if (!store.ok()) return Fail(common, store.status());
  auto answer = Answer(
      common, {}, [&uid, &store](const engine::ObservationIndex& ix, const server::Params& p) {
        return server::ObservationJson(ix, uid, p, [&store](const std::string& record_uid) {
          return classify::PredictedLabelsOf(**store, record_uid);
        });
      });
  if (auto* code = std::get_if<int>(&answer)) return *code;
  const json& j = std::get<json>(answer);
  if (common.json) {
    std::cout << j.dump(2) << '\n';
    return kExitOk;
  }
  std::cout << Str(j["uid"]) << "\n"
            << Str(j["body"]) << " (" << Str(j["mechanism"]) << "), " << Str(j["type"]) << "\n"
            << Str(j["document"]) << ", " << Str(j["published"]) << "\n"
            << "States: " << Joined(j["countries"]) << "\n";
  if (!j["themes"].empty()) std::cout << "Themes: " << Joined(j["themes"]) << "\n";
  if (!j["sdgs"].empty()) std::cout << "SDG targets: " << Joined(j["sdgs"]) << "\n";
  if (!j["affected"].empty()) std::cout << "Affected persons: " << Joined(j["affected"]) << "\n";
  if (j.contains("upr")) {
    const json& u = j["upr"];
    std::cout << "UPR session " << Str(u["session"]) << ", recommended by "
              << Joined(u["recommending"]) << ", " << Joined(u["positions"]) << "\n"
              << "Recommendation: " << Str(u["recommendation"]) << " (" << Str(u["match"])
              << ")\n";
  }
  if (!j["predicted"].is_null()) {
    // The classifier's labels, never the source's (openupr classify apply).
    const json& p = j["predicted"];
    std::string themes, sdgs;
    for (const auto& t : p["themes"]) themes += (themes.empty() ? "" : ", ") + Str(t["name"]);
    for (const auto& g : p["sdgs"]) sdgs += (sdgs.empty() ? "" : ", ") + Str(g["goal"]);
    std::cout << "Predicted (model " << Str(p["model_id"]) << "): action category "
              << (p["action"].is_null() ? "-" : Str(p["action"]["category"])) << "; themes "
              << (themes.empty() ? "-" : themes) << "; SDG goals " << (sdgs.empty() ? "-" : sdgs)
              << "\n";
  }
  if (j["missing"].get<bool>()) std::cout << "No longer in the newest export imported.\n";
  std::cout << "\n" << Str(j["text"]) << "\n";
  return kExitOk;
}

}  // namespace openupr::cli

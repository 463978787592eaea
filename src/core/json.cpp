#include "core/json.h"

#include "core/citation.h"
#include "core/sessions.h"
#include "core/states.h"

namespace openupr {

nlohmann::json StateToJson(const std::string& iso3) {
  const StateInfo* s = FindStateByIso3(iso3);
  if (!s) return nullptr;
  return {{"iso3", s->iso3}, {"name", s->un_name}, {"region", RegionCode(s->region)}};
}

nlohmann::json RecommendationToJson(const Recommendation& rec) {
  nlohmann::json from = nlohmann::json::array();
  for (const RecommendingState& f : rec.from) {
    nlohmann::json j = f.iso3.empty() ? nlohmann::json{{"iso3", nullptr}, {"name", nullptr},
                                                       {"region", nullptr}}
                                      : StateToJson(f.iso3);
    j["raw_name"] = f.raw_name;
    from.push_back(std::move(j));
  }
  return {
      {"id", rec.id},
      {"uid", rec.uid},
      {"sur", StateToJson(rec.sur)},
      {"from", std::move(from)},
      {"text", rec.text},
      {"session", rec.session},
      {"cycle", rec.cycle},
      {"response", ResponseCode(rec.response)},
      {"response_raw", rec.response_raw},
      {"action", rec.action ? nlohmann::json(*rec.action) : nlohmann::json(nullptr)},
      {"action_predicted", rec.action_predicted},
      {"themes", rec.themes},
      {"themes_predicted", rec.themes_predicted},
      {"sdgs", rec.sdgs},
      {"sur_orgs", rec.sur_orgs},
      {"from_orgs", rec.from_orgs},
      {"source",
       {{"file", rec.provenance.source_file},
        {"line", rec.provenance.line},
        {"import_id", rec.provenance.import_id}}},
      {"duplicate_of",
       rec.duplicate_of ? nlohmann::json(*rec.duplicate_of) : nlohmann::json(nullptr)},
      {"duplicate_of_uid", rec.duplicate_of_uid.empty() ? nlohmann::json(nullptr)
                                                        : nlohmann::json(rec.duplicate_of_uid)},
  };
}

nlohmann::json PledgeToJson(const Pledge& p) {
  nlohmann::json j = {
      {"id", p.id},
      {"uid", p.uid},
      {"state", StateToJson(p.state)},
      {"session", p.session},
      {"cycle", p.cycle},
      {"year", nullptr},
      {"dates", nullptr},
      {"text", p.text},
      {"action", p.action ? nlohmann::json(*p.action) : nlohmann::json(nullptr)},
      {"themes", p.themes},
      {"source",
       {{"file", std::string(FileNameOf(p.provenance.source_file))},
        {"line", p.provenance.line}}},
  };
  if (const SessionDates* d = FindSessionDates(p.session)) {
    j["year"] = d->year;
    j["dates"] = FormatSessionDates(*d);
  }
  return j;
}

}  // namespace openupr

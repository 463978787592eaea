// The project's state reference table, checked against ../shared/data/states/states.csv, and the
// name -> ISO3 mapping of every state name the UPR Info export uses.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/states.h"
#include "ingest/csv_reader.h"
#include "ingest/upr_info.h"
#include "test_util.h"

namespace openupr {
namespace {

using testing::DataDir;
using testing::ReadAll;

std::vector<std::map<std::string, std::string>> ReadStatesCsv() {
  const std::string path = DataDir() + "/states/states.csv";
  auto records = ingest::ReadCsv(ReadAll(path), ingest::LineEnds::kMixed, path);
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  std::vector<std::map<std::string, std::string>> rows;
  if (!records.ok() || records->empty()) return rows;
  const auto& header = records->front().fields;
  for (size_t i = 1; i < records->size(); ++i) {
    std::map<std::string, std::string> row;
    for (size_t c = 0; c < header.size(); ++c) row[header[c]] = (*records)[i].fields.at(c);
    rows.push_back(std::move(row));
  }
  return rows;
}

Region RegionOfCsv(const std::string& group) {
  if (group.empty()) return Region::kNone;
  auto r = ParseRegion(group);
  EXPECT_TRUE(r.has_value()) << group;
  return r.value_or(Region::kNone);
}

TEST(StateTable, MatchesStatesCsv) {
  const auto rows = ReadStatesCsv();
  ASSERT_EQ(rows.size(), 252u);
  std::set<std::string> members_csv;
  std::map<std::string, const std::map<std::string, std::string>*> by_iso3;
  for (const auto& r : rows) {
    by_iso3[r.at("iso3")] = &r;
    if (r.at("un_member") == "1") members_csv.insert(r.at("iso3"));
  }
  ASSERT_EQ(members_csv.size(), 193u);
  std::set<std::string> members_ours;
  for (const StateInfo& s : AllStates()) {
    ASSERT_TRUE(by_iso3.count(s.iso3)) << s.iso3 << " is not in states.csv";
    const auto& csv = *by_iso3[s.iso3];
    EXPECT_EQ(csv.at("iso2"), s.iso2) << s.iso3;
    EXPECT_EQ(csv.at("m49"), s.m49) << s.iso3;
    EXPECT_EQ(RegionOfCsv(csv.at("regional_group")), s.region) << s.iso3;
    EXPECT_EQ(csv.at("un_member") == "1", s.un_member) << s.iso3;
    // The names in the other UN languages are states.csv's, byte for byte ("" where it has none).
    EXPECT_EQ(csv.at("name_fr"), s.names.fr) << s.iso3;
    EXPECT_EQ(csv.at("name_es"), s.names.es) << s.iso3;
    EXPECT_EQ(csv.at("name_ar"), s.names.ar) << s.iso3;
    EXPECT_EQ(csv.at("name_zh"), s.names.zh) << s.iso3;
    EXPECT_EQ(csv.at("name_ru"), s.names.ru) << s.iso3;
    if (s.un_member) members_ours.insert(s.iso3);
  }
  EXPECT_EQ(members_ours, members_csv);
  EXPECT_EQ(AllStates().size(), 195u);  // 193 members + Holy See + State of Palestine
}

TEST(StateTable, EveryCsvNameOfAMemberResolvesToItsCode) {
  for (const auto& r : ReadStatesCsv()) {
    if (r.at("un_member") != "1") continue;
    for (const char* col : {"name", "official_name", "name_ohchr", "name_fr", "name_es"}) {
      const std::string& name = r.at(col);
      if (name.empty()) continue;
      const StateInfo* s = FindState(name);
      ASSERT_NE(s, nullptr) << col << " '" << name << "'";
      EXPECT_EQ(std::string(s->iso3), r.at("iso3")) << col << " '" << name << "'";
    }
  }
}

// Every state of the table (observers too) is found by each of its names in the six languages.
TEST(StateTable, EveryLocalizedNameResolvesToItsCode) {
  int names = 0;
  for (const auto& r : ReadStatesCsv()) {
    if (!FindStateByIso3(r.at("iso3"))) continue;
    for (const char* col : {"name_fr", "name_es", "name_ar", "name_zh", "name_ru"}) {
      const std::string& name = r.at(col);
      if (name.empty()) continue;
      ++names;
      const StateInfo* s = FindState(name);
      ASSERT_NE(s, nullptr) << col << " '" << name << "'";
      EXPECT_EQ(std::string(s->iso3), r.at("iso3")) << col << " '" << name << "'";
    }
  }
  EXPECT_EQ(names, 5 * (195 - 3));  // Colombia, Nicaragua and Portugal have none in states.csv
}

TEST(StateTable, StateNameByLanguage) {
  const StateInfo* fra = FindStateByIso3("FRA");
  ASSERT_NE(fra, nullptr);
  EXPECT_EQ(StateName(*fra, "en"), "France");
  EXPECT_EQ(StateName(*fra, "es"), "Francia");
  EXPECT_EQ(StateName(*fra, "ru"), "Франция");
  EXPECT_EQ(StateName(*fra, "de"), "");
  const StateInfo* col = FindStateByIso3("COL");
  ASSERT_NE(col, nullptr);
  EXPECT_EQ(StateName(*col, "en"), "Colombia");
  EXPECT_EQ(StateName(*col, "fr"), "");  // states.csv has no French name for it
  EXPECT_STREQ(FindState("Côte d'Ivoire")->iso3, "CIV");
  EXPECT_STREQ(FindState("Costa de Marfil")->iso3, "CIV");
  EXPECT_STREQ(FindState("Allemagne")->iso3, "DEU");
  EXPECT_STREQ(FindState("ALEMANIA")->iso3, "DEU");
  EXPECT_STREQ(FindState("германия")->iso3, "DEU");  // case folded in Cyrillic too
}

TEST(StateTable, NoTwoStatesShareANameKey) {
  std::map<std::string, std::string> owner;
  for (const StateInfo& s : AllStates()) {
    std::vector<std::string> names;
    for (std::string_view language : kStateNameLanguages)
      if (!StateName(s, language).empty()) names.emplace_back(StateName(s, language));
    std::string_view a = s.aliases;
    while (!a.empty()) {
      size_t bar = a.find('|');
      names.emplace_back(a.substr(0, bar));
      if (bar == std::string_view::npos) break;
      a.remove_prefix(bar + 1);
    }
    for (const auto& n : names) {
      auto [it, inserted] = owner.emplace(StateNameKey(n), s.iso3);
      EXPECT_TRUE(inserted || it->second == s.iso3)
          << "'" << n << "' of " << s.iso3 << " also names " << it->second;
    }
  }
}

TEST(StateTable, UprInfoNamesMapToIso3) {
  const std::pair<const char*, const char*> cases[] = {
      {"Viet Nam", "VNM"},          {"Iran", "IRN"},
      {"DPR Korea", "PRK"},         {"Democratic People's Republic of Korea", "PRK"},
      {"Republic of Korea", "KOR"}, {"Democratic Republic of Congo", "COD"},
      {"Republic of Congo", "COG"}, {"Holy See", "VAT"},
      {"Palestine", "PSE"},         {"Macedonia FYR", "MKD"},
      {"St Kitts & Nevis", "KNA"},  {"St Vincent & the Grenadines", "VCT"},
      {"Sao Tome & Principe", "STP"}, {"Antigua & Barbuda", "ATG"},
      {"Bosnia & Herzegovina", "BIH"}, {"Trinidad & Tobago", "TTO"},
      {"Laos", "LAO"},              {"Micronesia", "FSM"},
      {"Syria", "SYR"},             {"Venezuela", "VEN"},
      {"Yemen", "YEM"},             {"South Sudan", "SSD"},
      {"Côte d'Ivoire", "CIV"},     {"Cote d'Ivoire", "CIV"},
      {"  united   KINGDOM ", "GBR"}, {"usa", "USA"},
      {"fra", "FRA"},
  };
  for (const auto& [name, iso3] : cases) {
    const StateInfo* s = FindState(name);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_STREQ(s->iso3, iso3) << name;
  }
  EXPECT_EQ(FindState("Atlantis"), nullptr);
  EXPECT_EQ(FindState("(Unknown)"), nullptr);
}

// Every state name in the real export resolves (the importer fails on unknown names).
TEST(StateTable, EveryNameInTheRealExportResolves) {
  for (const char* f : {"sessions-01-05.csv", "sessions-06-09.csv", "sessions-10-13.csv",
                        "sessions-14-17.csv", "voluntary-pledges.csv"}) {
    const std::string path = testing::UprFile(f);
    auto text = ReadAll(path);
    ASSERT_FALSE(text.empty()) << path;
    auto records = ingest::ReadCsv(text, ingest::LineEnds::kCr, path);
    ASSERT_TRUE(records.ok()) << records.status().ToString();
    auto parsed = ingest::ParseUprInfo(*records, path, false);
    EXPECT_TRUE(parsed.unknown_states.empty())
        << path << ": " << parsed.unknown_states.front().name;
  }
}

TEST(Regions, ParseCodesNamesAndUprInfoAbbreviations) {
  EXPECT_EQ(ParseRegion("WEOG"), Region::kWesternEuropeanOthers);
  EXPECT_EQ(ParseRegion("Western European and others"), Region::kWesternEuropeanOthers);
  EXPECT_EQ(ParseRegion("GRULAC"), Region::kLatinAmericanCaribbean);
  EXPECT_EQ(ParseRegion("Asia"), Region::kAsiaPacific);
  EXPECT_EQ(ParseRegion("asia-pacific"), Region::kAsiaPacific);
  EXPECT_EQ(ParseRegion("Africa"), Region::kAfrican);
  EXPECT_EQ(ParseRegion("EEG"), Region::kEasternEuropean);
  EXPECT_EQ(ParseRegion("Observer"), Region::kNone);
  EXPECT_FALSE(ParseRegion("Oceania").has_value());
  for (Region r : kAllRegions) EXPECT_EQ(ParseRegion(RegionCode(r)), r);
}

}  // namespace
}  // namespace openupr

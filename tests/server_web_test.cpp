// What the web app asks of `openupr serve` (issue 4), over real HTTP on 127.0.0.1: localized state
// names and M49 codes, GET /api/v1/about, the XLSX export read back with openpyxl and compared
// cell by cell with the CSV export of the same result set. The server runs the engine backend
// (the default of `openupr serve`) over the real UPR Info data.
#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "core/about.h"
#include "core/states.h"
#include "ingest/importer.h"
#include "server/engine_backend.h"
#include "server/http_server.h"
#include "live_server.h"
#include "test_util.h"
#include "xlsx_reader.h"

namespace openupr::server {
namespace {

using nlohmann::json;
using testing::TempDir;
using testing::UprFile;

constexpr const char* kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

class WebApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string db = dir_->File("upr.db");
    ASSERT_TRUE(testing::ImportRealFiles(
        db, {"sessions-01-05.csv", "sessions-06-09.csv", "sessions-10-13.csv",
             "sessions-14-17.csv", "voluntary-pledges.csv"}));
    auto backend = EngineBackend::Open(db, 2);
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = backend.value().release();
    live_ = new testing::LiveServer(*backend_);
    auto s = store::Store::Open(db, store::OpenMode::kExisting);
    ASSERT_TRUE(s.ok());
    store_ = s.value().release();
  }
  static void TearDownTestSuite() {
    delete live_;
    delete backend_;
    delete store_;
    delete dir_;
  }

  static httplib::Result Get(const std::string& target) {
    return testing::HttpGet(live_->port(), target, 120);
  }
  static json GetJson(const std::string& target, int status = 200) {
    return testing::GetJsonExpecting(live_->port(), target, status, 120);
  }

  static TempDir* dir_;
  static EngineBackend* backend_;
  static testing::LiveServer* live_;
  static store::Store* store_;
};

TempDir* WebApi::dir_ = nullptr;
EngineBackend* WebApi::backend_ = nullptr;
testing::LiveServer* WebApi::live_ = nullptr;
store::Store* WebApi::store_ = nullptr;

json ExpectedNames(const StateInfo& s) {
  json names = json::object();
  for (std::string_view language : kStateNameLanguages)
    if (!StateName(s, language).empty()) names[std::string(language)] = StateName(s, language);
  return names;
}

TEST_F(WebApi, StatesCarryM49AndTheNamesInEveryLanguageTheTableHas) {
  json j = GetJson("/api/v1/states");
  ASSERT_EQ(j["states"].size(), AllStates().size());
  const std::set<std::string> keys = {"iso3",   "m49",       "name",     "names",
                                      "region", "un_member", "received", "made"};
  for (const auto& s : j["states"]) {
    std::set<std::string> have;
    for (const auto& [k, v] : s.items()) have.insert(k);
    EXPECT_EQ(have, keys) << s;
    const StateInfo* info = FindStateByIso3(s["iso3"].get<std::string>());
    ASSERT_NE(info, nullptr) << s;
    EXPECT_TRUE(std::regex_match(s["m49"].get<std::string>(), std::regex("[0-9]{3}"))) << s;
    EXPECT_EQ(s["m49"], info->m49);
    EXPECT_EQ(s["names"], ExpectedNames(*info));
    EXPECT_EQ(s["names"]["en"], s["name"]);
  }
  json fra = GetJson("/api/v1/states/FRA");
  EXPECT_EQ(fra["m49"], "250");
  EXPECT_EQ(fra["names"], (json{{"en", "France"},
                                {"fr", "France"},
                                {"es", "Francia"},
                                {"ar", "فرنسا"},
                                {"zh", "法國"},
                                {"ru", "Франция"}}));
  EXPECT_TRUE(fra.contains("received") && fra.contains("made"));
  // Only the languages the table has: states.csv has no other names for Colombia.
  EXPECT_EQ(GetJson("/api/v1/states/col")["names"], (json{{"en", "Colombia"}}));
  EXPECT_EQ(GetJson("/api/v1/states/CIV")["m49"], "384");
}

TEST_F(WebApi, AboutGivesVersionCountsSourcesAndCitation) {
  json j = GetJson("/api/v1/about");
  EXPECT_EQ(j["version"], std::string(Version()));
  EXPECT_EQ(j["schema_version"], store_->schema_version());
  EXPECT_EQ(j["counts"]["recommendations"], 33082);
  EXPECT_EQ(j["counts"]["pledges"], 947);
  EXPECT_EQ(j["counts"]["cycles"], 2);  // sessions 1-20: cycles 1 and 2
  // Independent counts: states on either side of a recommendation or pledging, and sessions.
  std::set<std::string> states;
  const json all_states = GetJson("/api/v1/states");  // kept alive for the loop below
  for (const auto& s : all_states["states"])
    if (s["received"].get<int64_t>() + s["made"].get<int64_t>() > 0)
      states.insert(s["iso3"].get<std::string>());
  ASSERT_TRUE(store_->db()
                  .ForEachRow("SELECT DISTINCT state FROM pledge",
                              [&](store::Statement& st) { states.insert(st.String(0)); })
                  .ok());
  EXPECT_EQ(j["counts"]["states"], states.size());
  auto pledge_sessions =
      store_->db().QueryInt("SELECT count(DISTINCT session) FROM pledge WHERE session > 17");
  ASSERT_TRUE(pledge_sessions.ok());
  EXPECT_EQ(j["counts"]["sessions"], 17 + *pledge_sessions);

  const std::pair<const char*, int64_t> files[] = {{"sessions-01-05.csv", 6094},
                                                   {"sessions-06-09.csv", 8343},
                                                   {"sessions-10-13.csv", 9047},
                                                   {"sessions-14-17.csv", 9598},
                                                   {"voluntary-pledges.csv", 947}};
  const int64_t repeats[] = {0, 1, 1, 2, 3};  // docs/formats.md, "Repeats are kept and reported"
  ASSERT_EQ(j["sources"].size(), 5u) << j["sources"];
  for (size_t i = 0; i < 5; ++i) {
    const json& f = j["sources"][i];
    SCOPED_TRACE(f.dump());
    EXPECT_EQ(f["file"], files[i].first);  // the file's name: a client never sees server paths
    EXPECT_EQ(f["format"], "upr-info");
    EXPECT_EQ(f["encoding"], "mac-roman");
    EXPECT_EQ(f["line_ends"], "cr");
    EXPECT_EQ(f["rows"], files[i].second);
    EXPECT_EQ(f["added"], files[i].second);
    EXPECT_EQ(f["duplicates"], repeats[i]);
    EXPECT_EQ(f["already_present"], 0);
    EXPECT_EQ(f["skipped"], 0);
    EXPECT_TRUE(std::regex_match(f["imported_at"].get<std::string>(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
    EXPECT_TRUE(std::regex_match(f["hash"].get<std::string>(), std::regex("xxh3-128:[0-9a-f]{32}")));
  }
  const std::string citation = j["citation"];
  EXPECT_EQ(citation.rfind("OpenUPR " + std::string(Version()), 0), 0u) << citation;
  EXPECT_NE(citation.find("UPR Info"), std::string::npos) << citation;
  EXPECT_NE(citation.find(j["sources"][0]["imported_at"].get<std::string>().substr(0, 10)),
            std::string::npos)
      << citation;
  json bad = GetJson("/api/v1/about?x=1", 400);
  EXPECT_EQ(bad["error"]["parameter"], "x");
  // Listed with the other endpoints.
  const json endpoints = GetJson("/api/v1")["endpoints"];
  EXPECT_NE(std::find(endpoints.begin(), endpoints.end(), "/api/v1/about"), endpoints.end());
}

// The same filtered result set as CSV and as XLSX: every cell of the workbook, read by openpyxl,
// equals the CSV field.
TEST_F(WebApi, XlsxExportEqualsTheCsvExportCellByCell) {
  const std::string query =
      "/api/v1/export?q=torture+OR+%22death+penalty%22&region=african"
      "&region=asia-pacific&cycle=1";
  auto csv = Get(query + "&format=csv");
  auto xlsx = Get(query + "&format=xlsx");
  ASSERT_TRUE(csv && xlsx);
  ASSERT_EQ(xlsx->status, 200) << xlsx->body.substr(0, 500);
  EXPECT_EQ(xlsx->get_header_value("Content-Type"), kXlsxType);
  EXPECT_EQ(xlsx->get_header_value("Content-Disposition"),
            "attachment; filename=\"openupr-african-asia-pacific-cycle-1-torture-or-death-"
            "penalty.xlsx\"");
  EXPECT_EQ(xlsx->get_header_value("X-Total-Count"), csv->get_header_value("X-Total-Count"));
  EXPECT_EQ(xlsx->body.substr(0, 2), "PK");  // a zip container
  const std::string path = dir_->Write("export.xlsx", xlsx->body);
  const json sheet = testing::ReadXlsx(path, *dir_);
  const size_t rows = testing::ExpectSheetEqualsCsv(sheet, csv->body);
  EXPECT_EQ(std::to_string(rows), xlsx->get_header_value("X-Total-Count"));
  EXPECT_GT(rows, 100u);
  ASSERT_FALSE(sheet.is_null());
  EXPECT_EQ(sheet["sheets"], json::array({"Recommendations"}));
  EXPECT_EQ(sheet["auto_filter"], "A1:X" + std::to_string(rows + 1));  // 24 columns
}

TEST_F(WebApi, XlsxExportOfNothingIsTheHeaderRow) {
  auto xlsx = Get("/api/v1/export?format=xlsx&q=zzzznotaword");
  ASSERT_TRUE(xlsx);
  ASSERT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->get_header_value("X-Total-Count"), "0");
  const json sheet = testing::ReadXlsx(dir_->Write("empty.xlsx", xlsx->body), *dir_);
  auto csv = Get("/api/v1/export?format=csv&q=zzzznotaword");
  ASSERT_TRUE(csv);
  EXPECT_EQ(testing::ExpectSheetEqualsCsv(sheet, csv->body), 0u);
  ASSERT_FALSE(sheet.is_null());
  EXPECT_EQ(sheet["rows"].size(), 1u);
  // A bad request is still a JSON 400 before any byte of a workbook.
  EXPECT_EQ(GetJson("/api/v1/export?format=xlsx&cycle=9", 400)["error"]["parameter"], "cycle");
  EXPECT_EQ(GetJson("/api/v1/export?format=xls", 400)["error"]["parameter"], "format");
}

}  // namespace
}  // namespace openupr::server

// What the record holds (issue 14, item 4): the coverage the API states (/api/v1/about), a
// review missing from the record shown as missing and not as 0 (/api/v1/states/{iso3}), and the
// voluntary pledges searched (/api/v1/pledges). Over HTTP on both query backends, on the real
// UPR Info data (sessions 1-17 and the 947 pledges).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "core/coverage.h"
#include "ingest/importer.h"
#include "live_server.h"
#include "search/pledge_search.h"
#include "server/engine_backend.h"
#include "server/sql_backend.h"
#include "test_util.h"

namespace openupr::server {
namespace {

using nlohmann::json;
using testing::TempDir;
using Running = testing::LiveServer;

TEST(Coverage, CyclesWholeOrInPartAndTheYears) {
  const Coverage c =
      ComputeCoverage({17, 3, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 3, 60});
  ASSERT_EQ(c.sessions.size(), 17u);  // the repeat and the unknown session 60 left out
  EXPECT_EQ(c.first_year, 2008);
  EXPECT_EQ(c.last_year, 2013);
  ASSERT_EQ(c.cycles.size(), 2u);
  EXPECT_TRUE(c.cycles[0].whole());
  EXPECT_FALSE(c.cycles[1].whole());
  EXPECT_EQ(c.cycles[1].first_session, 13);
  EXPECT_EQ(c.cycles[1].last_session, 26);
  EXPECT_TRUE(c.ReviewInRecord(1, 0));   // cycle 1 is whole: none there is none at all
  EXPECT_FALSE(c.ReviewInRecord(2, 0));  // may lie in sessions 18-26
  EXPECT_TRUE(c.ReviewInRecord(2, 12));
  EXPECT_FALSE(c.ReviewInRecord(3, 0));  // not touched at all
  EXPECT_EQ(CoverageStatement(c),
            "UPR sessions 1–17 (2008–2013): cycle 1 whole (sessions 1–12), cycle 2 in part "
            "(sessions 13–17 of 13–26)");
  EXPECT_EQ(SessionRanges({1, 2, 3, 5, 7, 8}), "1–3, 5, 7–8");
  EXPECT_EQ(CoverageStatement(ComputeCoverage({})), "no UPR session");
}

// The pledge index is the connection's own (temp.pledge_fts): pledges imported after it was
// built are found by the next search on the same connection.
TEST(PledgeSearch, FindsPledgesImportedAfterItsIndexWasBuilt) {
  TempDir dir;
  auto s = store::Store::Open(dir.File("upr.db"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  store::Store& st = **s;
  auto r = ingest::ImportFiles(
      st,
      {dir.Write("a.csv",
                 std::string(testing::kHeader) +
                     "\nChad,,,Pledges to end torture,Chad,,,Voluntary Pledge,,Torture,6")},
      {});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  search::PledgeRequest req;
  req.query = "tortur*";
  auto first = search::SearchPledges(st, req);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->total, 1);
  r = ingest::ImportFiles(
      st,
      {dir.Write("b.csv", std::string(testing::kHeader) +
                              "\nPeru,,,Will criminalise torture,Peru,GRULAC,,Voluntary Pledge,4,"
                              "Torture,19")},
      {});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  auto second = search::SearchPledges(st, req);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_EQ(second->total, 2);
  // Ranked hits carry whole pledges: state, session, cycle, themes, provenance.
  std::vector<std::string> states;
  for (const auto& h : second->hits) states.push_back(h.pledge.state);
  std::sort(states.begin(), states.end());
  EXPECT_EQ(states, (std::vector<std::string>{"PER", "TCD"}));
  for (const auto& h : second->hits) {
    EXPECT_EQ(h.pledge.themes, std::vector<std::string>{"Torture"});
    EXPECT_NE(h.snippet.find(search::kMarkBegin), std::string::npos);
    EXPECT_EQ(h.pledge.provenance.line, 2);
  }
  // Filters and a lone NOT.
  req.filters.sur = {"PER"};
  auto peru = search::SearchPledges(st, req);
  ASSERT_TRUE(peru.ok());
  ASSERT_EQ(peru->total, 1);
  EXPECT_EQ(peru->hits[0].pledge.cycle, 2);
  EXPECT_EQ(peru->sessions, (std::vector<std::pair<int, int64_t>>{{19, 1}}));
  search::PledgeRequest not_end;
  not_end.query = "NOT end";
  auto rest = search::SearchPledges(st, not_end);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->total, 1);
  EXPECT_EQ(rest->hits[0].pledge.state, "PER");
  search::PledgeRequest by_response;
  by_response.filters.responses = {Response::kNoted};
  EXPECT_EQ(search::SearchPledges(st, by_response).status().code(), StatusCode::kInvalidArgument);
}

class RecordCoverage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string db = dir_->File("upr.db");
    ASSERT_TRUE(testing::ImportRealFiles(
        db, {"sessions-01-05.csv", "sessions-06-09.csv", "sessions-10-13.csv", "sessions-14-17.csv",
             "voluntary-pledges.csv"}));
    auto sql = SqlBackend::Open(db, 2);
    ASSERT_TRUE(sql.ok()) << sql.status().ToString();
    sql_ = sql.value().release();
    auto engine = EngineBackend::Open(db, 2);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = engine.value().release();
    servers_[0] = new Running(*sql_);
    servers_[1] = new Running(*engine_);
  }
  static void TearDownTestSuite() {
    for (Running*& s : servers_) delete std::exchange(s, nullptr);
    delete engine_;
    delete sql_;
    delete dir_;
  }
  // The same request on both backends: the answers must be identical (but for the citation's
  // links, which name each server's port); returns the first.
  static json Get(const std::string& target, int status = 200) {
    json a = testing::GetJsonExpecting(servers_[0]->port(), target, status);
    json b = testing::GetJsonExpecting(servers_[1]->port(), target, status);
    json a_cmp = a, b_cmp = b;
    if (a_cmp.is_object()) a_cmp.erase("citation");
    if (b_cmp.is_object()) b_cmp.erase("citation");
    EXPECT_EQ(a_cmp, b_cmp) << target << ": the SQL and engine backends differ";
    return a;
  }
  static json CycleRow(const json& rows, int cycle) {
    for (const json& r : rows)
      if (r["cycle"] == cycle) return r;
    ADD_FAILURE() << "no row for cycle " << cycle << " in " << rows.dump();
    return json();
  }

  static TempDir* dir_;
  static SqlBackend* sql_;
  static EngineBackend* engine_;
  static Running* servers_[2];
};
TempDir* RecordCoverage::dir_ = nullptr;
SqlBackend* RecordCoverage::sql_ = nullptr;
EngineBackend* RecordCoverage::engine_ = nullptr;
Running* RecordCoverage::servers_[2] = {nullptr, nullptr};

TEST_F(RecordCoverage, AboutSaysWhatTheRecordHolds) {
  const json about = Get("/api/v1/about");
  const json& c = about["coverage"];
  std::vector<int> sessions;
  for (int s = 1; s <= 17; ++s) sessions.push_back(s);
  EXPECT_EQ(c["sessions"].get<std::vector<int>>(), sessions);
  EXPECT_EQ(c["session_ranges"], "1–17");
  EXPECT_EQ(c["first_year"], 2008);
  EXPECT_EQ(c["last_year"], 2013);
  ASSERT_EQ(c["cycles"].size(), 2u);
  EXPECT_EQ(c["cycles"][0]["whole"], true);
  EXPECT_EQ(c["cycles"][1]["whole"], false);
  EXPECT_EQ(c["cycles"][1]["last_session"], 26);
  EXPECT_EQ(c["session_dates"].size(), 19u);  // the pledges' sessions 18 and 19 too
  EXPECT_EQ(c["session_dates"][18]["year"], 2014);
  EXPECT_EQ(c["session_dates"][13]["session"], 14);
  EXPECT_EQ(c["session_dates"][13]["year"], 2012);
  EXPECT_EQ(c["session_dates"][13]["dates"], "22 October – 5 November 2012");
  // Sources by file name: never the directories the server imported them from.
  ASSERT_EQ(c["sources"].size(), 1u);
  EXPECT_EQ(c["sources"][0]["format"], "upr-info");
  EXPECT_EQ(c["sources"][0]["files"],
            json({"sessions-01-05.csv", "sessions-06-09.csv", "sessions-10-13.csv",
                  "sessions-14-17.csv", "voluntary-pledges.csv"}));
  // The pledges reach two sessions further than the recommendations.
  EXPECT_EQ(c["pledges"]["count"], 947);
  EXPECT_EQ(c["pledges"]["session_ranges"], "1–19");
  EXPECT_EQ(c["pledges"]["last_year"], 2014);
  EXPECT_EQ(c["statement"],
            "UPR sessions 1–17 (2008–2013): cycle 1 whole (sessions 1–12), cycle 2 in part "
            "(sessions 13–17 of 13–26)");
}

TEST_F(RecordCoverage, AMissingReviewIsNotInTheRecordNotZeroIssue14) {
  // The USA's second review (session 22, 2015) is not in the record: cycle 2 says so.
  const json usa = Get("/api/v1/states/USA");
  const json usa1 = CycleRow(usa["received"]["by_cycle"], 1);
  EXPECT_GT(usa1["count"].get<int>(), 200);
  EXPECT_EQ(usa1["in_record"], true);
  const json usa2 = CycleRow(usa["received"]["by_cycle"], 2);
  EXPECT_EQ(usa2["count"], 0);
  EXPECT_EQ(usa2["in_record"], false);
  EXPECT_EQ(usa2["cycle_whole"], false);
  // Brazil was reviewed in session 13 (2012): its cycle-2 numbers are in the record.
  const json bra2 = CycleRow(Get("/api/v1/states/BRA")["received"]["by_cycle"], 2);
  EXPECT_GT(bra2["count"].get<int>(), 100);
  EXPECT_EQ(bra2["in_record"], true);
  // A cycle the record holds whole with no recommendation really is 0: a state that made none.
  const json states = Get("/api/v1/states");
  std::string silent;
  for (const json& s : states["states"])
    if (s["made"] == 0 && s["received"].get<int>() > 0) silent = s["iso3"];
  ASSERT_FALSE(silent.empty()) << "every reviewed state made a recommendation";
  const json made1 = CycleRow(Get("/api/v1/states/" + silent)["made"]["by_cycle"], 1);
  EXPECT_EQ(made1["count"], 0);
  EXPECT_EQ(made1["in_record"], true);
  EXPECT_EQ(made1["cycle_whole"], true);
}

// Whether text holds a word beginning with "tortur", in any case: what tortur* must match.
bool HasTorturWord(const std::string& text) {
  static const std::regex word(R"((^|[^A-Za-z])[Tt][Oo][Rr][Tt][Uu][Rr])");
  return std::regex_search(text, word);
}

TEST_F(RecordCoverage, PledgesAreSearchedFilteredAndNamedByUid) {
  // Every pledge, page by page, as the reference for the searches below.
  std::vector<json> all;
  for (int page = 1;; ++page) {
    const json p = Get("/api/v1/pledges?per_page=200&page=" + std::to_string(page));
    EXPECT_EQ(p["total"], 947);
    for (const json& r : p["results"]) all.push_back(r);
    if (p["results"].size() < 200) break;
  }
  ASSERT_EQ(all.size(), 947u);
  int64_t tortur = 0, sri_lanka_14 = 0;
  for (const json& r : all) {
    tortur += HasTorturWord(r["text"].get<std::string>());
    sri_lanka_14 += r["state"]["iso3"] == "LKA" && r["session"] == 14;
    EXPECT_EQ(r["source"]["file"], "voluntary-pledges.csv");
    EXPECT_EQ(r["uid"].get<std::string>().find("-vp-"), 6u) << r.dump();
  }
  ASSERT_GT(tortur, 0);

  const json found = Get("/api/v1/pledges?q=tortur*&per_page=200");
  EXPECT_EQ(found["total"], tortur);
  for (const json& r : found["results"]) {
    EXPECT_TRUE(HasTorturWord(r["text"])) << r["text"];
    EXPECT_NE(r["snippet_html"].get<std::string>().find("<mark>"), std::string::npos);
    EXPECT_GT(r["score"].get<double>(), 0);
  }
  int64_t per_session = 0;
  for (const json& s : found["facets"]["session"]) per_session += s["count"].get<int64_t>();
  EXPECT_EQ(per_session, tortur);

  const json lka = Get("/api/v1/pledges?state=Sri+Lanka&session=14");
  EXPECT_EQ(lka["total"], sri_lanka_14);
  ASSERT_FALSE(lka["results"].empty());
  const json first = lka["results"][0];
  EXPECT_EQ(first["year"], 2012);
  EXPECT_EQ(first["dates"], "22 October – 5 November 2012");
  EXPECT_EQ(first["cycle"], 2);

  // One pledge by its uid, whole.
  const json one = Get("/api/v1/pledges/" + first["uid"].get<std::string>());
  EXPECT_EQ(one["text"], first["text"]);
  EXPECT_EQ(one["themes"], first["themes"]);
  EXPECT_EQ(one["source"]["line"], first["source"]["line"]);
  // How to cite it: the review with its dates, the source file and line (never a server path),
  // the uid and its link.
  const std::string cite = one["citation"]["text"];
  const std::string uid = first["uid"];
  for (const std::string& part :
       {std::string("Voluntary pledge by Sri Lanka, Universal Periodic Review, Working Group "
                    "session 14 (22 October – 5 November 2012), second cycle: “"),
        "Source: UPR Info database export, voluntary-pledges.csv, line " +
            std::to_string(first["source"]["line"].get<int>()),
        "OpenUPR record " + uid, "/pledges/" + uid})
    EXPECT_NE(cite.find(part), std::string::npos) << part << "\n" << cite;
  EXPECT_EQ(cite.find("/upr-info/"), std::string::npos) << cite;
  EXPECT_EQ(one["citation"]["bibtex"].get<std::string>().rfind("@misc{openupr:" + uid + ",", 0),
            0u);
  EXPECT_EQ(one["citation"]["csl"]["issued"]["date-parts"][0][0], 2012);

  // Errors name the parameter at fault.
  EXPECT_EQ(Get("/api/v1/pledges?q=%22torture", 400)["error"]["parameter"], "q");
  const json bad_state = Get("/api/v1/pledges?state=Narnia", 400)["error"];
  EXPECT_EQ(bad_state["parameter"], "state");
  EXPECT_EQ(bad_state["message"].get<std::string>().rfind("state 'Narnia'", 0), 0u)
      << bad_state["message"];
  EXPECT_EQ(Get("/api/v1/pledges?response=noted", 400)["error"]["parameter"], "response");
  EXPECT_EQ(Get("/api/v1/pledges?theme=Nothing+such", 400)["error"]["parameter"], "theme");
  EXPECT_EQ(Get("/api/v1/pledges/LKA-14-vp-000000000000", 404)["error"]["parameter"], "uid");
  EXPECT_EQ(Get("/api/v1/pledges/LKA-14-000000000000", 400)["error"]["parameter"], "uid");
}

}  // namespace
}  // namespace openupr::server

// The API on both query backends at once: two servers on 127.0.0.1 over one database of the
// real UPR Info data, one on the SQL backend (a 1-dimension ComputeStats per facet), one on the
// in-memory engine (every facet in one pass, with the page), asked the same questions over
// HTTP; the facets, totals, pages and aggregations must be identical.
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "ingest/importer.h"
#include "server/engine_backend.h"
#include "server/http_server.h"
#include "server/sql_backend.h"
#include "live_server.h"
#include "test_util.h"

namespace openupr::server {
namespace {

using nlohmann::json;
using testing::TempDir;
using testing::UprFile;

using Running = testing::LiveServer;

class ServerBackends : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string db = dir_->File("upr.db");
    ASSERT_TRUE(testing::ImportRealFiles(db, {"sessions-01-05.csv", "sessions-06-09.csv",
                                              "sessions-10-13.csv", "sessions-14-17.csv"}));
    auto sql = SqlBackend::Open(db, 2);
    ASSERT_TRUE(sql.ok()) << sql.status().ToString();
    sql_ = sql.value().release();
    auto engine = EngineBackend::Open(db, 2);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = engine.value().release();
    sql_server_ = new Running(*sql_);
    engine_server_ = new Running(*engine_);
  }
  static void TearDownTestSuite() {
    delete engine_server_;
    delete sql_server_;
    delete engine_;
    delete sql_;
    delete dir_;
  }

  static TempDir* dir_;
  static SqlBackend* sql_;
  static EngineBackend* engine_;
  static Running* sql_server_;
  static Running* engine_server_;
};
TempDir* ServerBackends::dir_ = nullptr;
SqlBackend* ServerBackends::sql_ = nullptr;
EngineBackend* ServerBackends::engine_ = nullptr;
Running* ServerBackends::sql_server_ = nullptr;
Running* ServerBackends::engine_server_ = nullptr;

constexpr const char* kAllFacets = "sur,from,region,from-region,session,cycle,response,action,theme";

TEST_F(ServerBackends, FacetsAreIdenticalOnBothBackends) {
  const std::vector<std::string> selections = {
      "",
      "q=torture",
      "q=%22death+penalty%22",
      "q=tortur*",
      "q=women+OR+children",
      "q=violence+NOT+domestic",
      "q=NOT+women",
      "sur=CHN&cycle=2",
      "region=african&response=noted",
      "from=FRA&from=DEU",
      "from-region=weog&theme=Death+penalty",
      "q=torture&sur=CHN&cycle=2",
      "q=discrimination+women&region=grulac",
      "action=unknown,5&session=10-13",
      "q=zzzzunknownword",
  };
  int compared = 0;
  for (const std::string& sel : selections) {
    for (const std::string& extra :
         {std::string("facets=") + kAllFacets, std::string("facets=response,theme&page=2"),
          std::string("facets=cycle&facets=sur&per_page=5&sort=id")}) {
      const std::string target = "/api/v1/recommendations?" + sel + (sel.empty() ? "" : "&") + extra;
      SCOPED_TRACE(target);
      const auto [sql_status, want] = sql_server_->GetJson(target);
      const auto [engine_status, got] = engine_server_->GetJson(target);
      ASSERT_EQ(sql_status, 200) << want;
      ASSERT_EQ(engine_status, 200) << got;
      EXPECT_EQ(got["total"], want["total"]);
      EXPECT_EQ(got["facets"], want["facets"]);
      EXPECT_FALSE(got["facets"].empty());
      // The records of the page (the engine's from its own columns, the SQL backend's from the
      // store) are the same; scores agree to rounding and snippets may differ in a few words.
      auto shown = [](json results) {
        for (auto& r : results) {
          r.erase("score");
          r.erase("snippet_html");
        }
        return results;
      };
      EXPECT_EQ(shown(got["results"]), shown(want["results"]));
      ++compared;
    }
  }
  EXPECT_EQ(compared, 45);
  // Every facet holds every value with a count: here, all 9 fields over all records.
  const auto [status, all] = engine_server_->GetJson(std::string("/api/v1/recommendations?facets=") +
                                                 kAllFacets);
  ASSERT_EQ(status, 200);
  EXPECT_EQ(all["facets"].size(), 9u);
  int64_t responses = 0;
  for (const auto& b : all["facets"]["response"]) responses += b["count"].get<int64_t>();
  EXPECT_EQ(responses, all["total"].get<int64_t>());
  EXPECT_EQ(all["total"], 33082);
}

TEST_F(ServerBackends, AggregationsAndProfilesAreIdenticalOnBothBackends) {
  for (const std::string target :
       {"/api/v1/aggregations?by=theme,region,cycle", "/api/v1/aggregations?by=from,sur&limit=50",
        "/api/v1/aggregations?by=from-region,response&q=torture",
        "/api/v1/aggregations?by=session&sort=key&cycle=1", "/api/v1/states/CHN",
        "/api/v1/states", "/api/v1/sessions"}) {
    SCOPED_TRACE(target);
    const auto [sql_status, want] = sql_server_->GetJson(target);
    const auto [engine_status, got] = engine_server_->GetJson(target);
    ASSERT_EQ(sql_status, 200);
    ASSERT_EQ(engine_status, 200);
    EXPECT_EQ(got, want);
  }
}

TEST_F(ServerBackends, BadQueriesAreTheSameErrorOnBothBackends) {
  for (const std::string target : {"/api/v1/recommendations?q=a+OR+NOT+b&facets=theme",
                                   "/api/v1/recommendations?q=sur:Narnia&facets=sur",
                                   "/api/v1/recommendations?facets=planet"}) {
    SCOPED_TRACE(target);
    const auto [sql_status, want] = sql_server_->GetJson(target);
    const auto [engine_status, got] = engine_server_->GetJson(target);
    EXPECT_EQ(sql_status, 400);
    EXPECT_EQ(engine_status, 400);
    EXPECT_EQ(got, want);
  }
}

// Issue 14: the search box's text is interpreted alike on both backends: names offered as
// filters with the count they lead to, field terms applied, repairs, "did you mean".
TEST_F(ServerBackends, SearchBoxIsInterpretedAlikeOnBothBackendsIssue14) {
  auto both = [](const std::string& target) {
    SCOPED_TRACE(target);
    const auto [sql_status, want] = sql_server_->GetJson(target);
    const auto [engine_status, got] = engine_server_->GetJson(target);
    EXPECT_EQ(sql_status, 200) << want;
    EXPECT_EQ(engine_status, 200) << got;
    EXPECT_EQ(got["total"], want["total"]);
    EXPECT_EQ(got["interpretation"], want["interpretation"]);
    return got;
  };
  const std::string search = "/api/v1/recommendations?facets=theme&q=";
  json sri = both(search + "Sri+Lanka+enforced+disappearances");
  const json& in = sri["interpretation"];
  EXPECT_EQ(in["query"], "Sri Lanka enforced disappearances");
  json offered;
  for (const json& s : in["suggestions"])
    if (s["field"] == "sur" && s["value"] == "LKA") offered = s;
  ASSERT_FALSE(offered.is_null()) << in.dump();
  EXPECT_EQ(offered["label"], "Sri Lanka");
  EXPECT_EQ(offered["q"], "enforced disappearances");
  // Applying it: Sri Lanka's recommendations on enforced disappearances, as many as offered.
  json applied = both(search + "enforced+disappearances&sur=LKA");
  EXPECT_GT(applied["total"].get<int64_t>(), 10);
  EXPECT_EQ(applied["total"], offered["total"]);
  for (const json& r : applied["results"]) EXPECT_EQ(r["sur"]["iso3"], "LKA");
  bool theme = false;
  for (const json& s : applied["interpretation"]["suggestions"])
    theme = theme || (s["field"] == "theme" && s["value"] == "Enforced disappearances");
  EXPECT_TRUE(theme) << applied["interpretation"].dump();

  // The same in the box's own syntax.
  json field = both(search + "sur:LKA+enforced+disappearances");
  EXPECT_EQ(field["total"], applied["total"]);
  EXPECT_EQ(field["interpretation"]["applied"][0]["value"], "LKA");
  EXPECT_EQ(field["interpretation"]["query"], "enforced disappearances");

  // A misspelling: the record's word, with what it finds.
  json typo = both(search + "tortue");
  EXPECT_EQ(typo["total"], 0);
  ASSERT_EQ(typo["interpretation"]["did_you_mean"].size(), 1u) << typo["interpretation"].dump();
  EXPECT_EQ(typo["interpretation"]["did_you_mean"][0]["q"], "torture");
  EXPECT_EQ(typo["interpretation"]["did_you_mean"][0]["total"], both(search + "torture")["total"]);

  // A repair, and the facets are there.
  json repaired = both(search + "%22death+penalty");
  EXPECT_EQ(repaired["total"], both(search + "%22death+penalty%22")["total"]);
  EXPECT_EQ(repaired["interpretation"]["repairs"].size(), 1u);
  EXPECT_FALSE(repaired["facets"]["theme"].empty());
  // Exports and aggregations read the box alike.
  const auto [status, agg] = engine_server_->GetJson("/api/v1/aggregations?q=sur:LKA+%22enforced+disappearances");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(agg["total"]["count"], both(search + "%22enforced+disappearances%22&sur=LKA")["total"]);
}

}  // namespace
}  // namespace openupr::server

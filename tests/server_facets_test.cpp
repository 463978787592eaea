// Issue 14: a facet's count is what clicking it gives. Over HTTP, on both query backends (two
// real servers on 127.0.0.1 over one database of the real UPR Info data), for a few selections
// with and without a text query and filters: every value of every facet is "clicked" (the
// selection asked for again with that value added to its field, as the web app's facet links
// do) and the total that comes back is checked against the count the facet showed.
//
// Facets count each field without its own filter (disjunctive faceting), so:
// - in a field without a choice, the total after the click is exactly the value's count;
// - in a field with choices, the count is the total of the selection with that value as the
//   field's only choice; adding it to the choices (OR) gives the total plus its count when the
//   field has one value per record (a state under review, session, ...), and removing a chosen
//   value the total minus its count. Recommending states, their regions and themes can be
//   several per record: there the new total lies between the larger of the two and their sum.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"
#include "live_server.h"
#include "server/engine_backend.h"
#include "server/sql_backend.h"
#include "test_util.h"

namespace openupr::server {
namespace {

using nlohmann::json;
using testing::LiveServer;
using testing::TempDir;

// A selection as the web app's URLs hold it: parameters in order (filters may repeat).
using Selection = std::vector<std::pair<std::string, std::string>>;


std::string Target(const Selection& sel, const std::string& extra) {
  std::string t = "/api/v1/recommendations?";
  for (const auto& [k, v] : sel) t += PercentEncode(k) + "=" + PercentEncode(v) + "&";
  return t + extra;
}

// The filter parameter of a facet the API names ("sur-region" is the parameter "region").
std::string FilterOf(const std::string& facet) { return facet == "sur-region" ? "region" : facet; }

// The values of a filter in the selection.
std::vector<std::string> Chosen(const Selection& sel, const std::string& field) {
  std::vector<std::string> out;
  for (const auto& [k, v] : sel)
    if (k == field) out.push_back(v);
  return out;
}

Selection Without(const Selection& sel, const std::string& field) {
  Selection out;
  for (const auto& p : sel)
    if (p.first != field) out.push_back(p);
  return out;
}

Selection With(Selection sel, const std::string& field, const std::string& value) {
  sel.emplace_back(field, value);
  return sel;
}

Selection WithoutValue(const Selection& sel, const std::string& field, const std::string& value) {
  Selection out;
  for (const auto& p : sel)
    if (p.first != field || p.second != value) out.push_back(p);
  return out;
}

constexpr const char* kAllFacets =
    "sur,from,region,from-region,session,cycle,response,action,theme";
const std::set<std::string> kMultiValued = {"from", "from-region", "theme"};

class FacetClicks : public ::testing::Test {
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
    sql_server_ = new LiveServer(*sql_);
    engine_server_ = new LiveServer(*engine_);
  }
  static void TearDownTestSuite() {
    delete engine_server_;
    delete sql_server_;
    delete engine_;
    delete sql_;
    delete dir_;
  }

  // The total of a selection (status 200 expected).
  static int64_t Total(const LiveServer& server, const Selection& sel) {
    const std::string target = Target(sel, "per_page=1");
    const auto [status, body] = server.GetJson(target);
    EXPECT_EQ(status, 200) << target << "\n" << body;
    return status == 200 ? body["total"].get<int64_t>() : -1;
  }

  // Clicks every value of every facet of sel; returns the number of values clicked.
  static int ClickEverything(const LiveServer& server, const Selection& sel) {
    const auto [status, page] = server.GetJson(Target(sel, std::string("facets=") + kAllFacets));
    EXPECT_EQ(status, 200) << page;
    if (status != 200) return 0;
    const int64_t total = page["total"].get<int64_t>();
    EXPECT_EQ(page["facets"].size(), 9u);
    int clicked = 0;
    for (const auto& [facet, values] : page["facets"].items()) {
      const std::string field = FilterOf(facet);
      const std::vector<std::string> chosen = Chosen(sel, field);
      // Every chosen value stays listed, with the others.
      for (const std::string& c : chosen) {
        const bool listed =
            std::any_of(values.begin(), values.end(), [&](const json& v) { return v["key"] == c; });
        EXPECT_TRUE(listed) << facet << " " << c << " chosen but not listed";
      }
      for (const auto& v : values) {
        const std::string key = v["key"].get<std::string>();
        const int64_t count = v["count"].get<int64_t>();
        SCOPED_TRACE(facet + "=" + key + " (count " + std::to_string(count) + ")");
        EXPECT_GT(count, 0);
        const bool on = std::find(chosen.begin(), chosen.end(), key) != chosen.end();
        if (chosen.empty()) {
          // The click adds the value: exactly its count.
          EXPECT_EQ(Total(server, With(sel, field, key)), count);
        } else {
          // The value as the field's only choice: its count.
          EXPECT_EQ(Total(server, With(Without(sel, field), field, key)), count);
          // The click adds it to the choices, or removes a chosen one.
          const int64_t after = on ? Total(server, WithoutValue(sel, field, key))
                                   : Total(server, With(sel, field, key));
          const bool only = on && chosen.size() == 1;
          if (only) {
            // Removing the only choice: the whole selection without that filter.
            EXPECT_EQ(after, Total(server, Without(sel, field)));
          } else if (!kMultiValued.count(field)) {
            EXPECT_EQ(after, on ? total - count : total + count);
          } else if (on) {
            EXPECT_GE(after, total - count);
            EXPECT_LE(after, total);
          } else {
            EXPECT_GE(after, std::max(total, count));
            EXPECT_LE(after, total + count);
          }
        }
        ++clicked;
      }
    }
    return clicked;
  }

  static TempDir* dir_;
  static SqlBackend* sql_;
  static EngineBackend* engine_;
  static LiveServer* sql_server_;
  static LiveServer* engine_server_;
};
TempDir* FacetClicks::dir_ = nullptr;
SqlBackend* FacetClicks::sql_ = nullptr;
EngineBackend* FacetClicks::engine_ = nullptr;
LiveServer* FacetClicks::sql_server_ = nullptr;
LiveServer* FacetClicks::engine_server_ = nullptr;

// The selections: everything; a text query; a text query with two themes chosen (the issue's
// "theme facet said 282 and clicking it gave 1,423"); two states chosen with a response; and
// choices in the multi-valued fields, observers' "none" region and "unknown" states included.
const std::vector<Selection> kSelections = {
    {},
    {{"q", "torture"}},
    {{"q", "\"death penalty\""},
     {"theme", "Death penalty"},
     {"theme", "International instruments"}},
    {{"sur", "FRA"}, {"sur", "DEU"}, {"response", "noted"}},
    {{"q", "children"},
     {"from-region", "weog"},
     {"from-region", "none"},
     {"theme", "Rights of the Child"},
     {"cycle", "2"}},
    {{"from", "unknown"}, {"from", "FRA"}},
};

TEST_F(FacetClicks, EveryCountIsWhatClickingGivesOnTheEngine) {
  int clicked = 0;
  for (const Selection& sel : kSelections) {
    SCOPED_TRACE(Target(sel, ""));
    clicked += ClickEverything(*engine_server_, sel);
  }
  // Every state under review, recommending state and theme of the data is among them.
  EXPECT_GT(clicked, 1000);
}

TEST_F(FacetClicks, EveryCountIsWhatClickingGivesOnSql) {
  int clicked = 0;
  for (const Selection& sel : kSelections) {
    SCOPED_TRACE(Target(sel, ""));
    clicked += ClickEverything(*sql_server_, sel);
  }
  EXPECT_GT(clicked, 1000);
}

// The case: with two themes chosen, every theme is still listed, and a theme's count is
// that theme with the other filters, never the count within the themes already chosen.
TEST_F(FacetClicks, ChosenThemesKeepTheOtherThemesWithTheirOwnCounts) {
  const Selection sel = {{"q", "torture"}, {"theme", "Detention"}, {"theme", "Death penalty"}};
  for (const LiveServer* server : {engine_server_, sql_server_}) {
    const auto [status, page] = server->GetJson(Target(sel, "facets=theme"));
    ASSERT_EQ(status, 200);
    const auto [all_status, unfiltered] =
        server->GetJson(Target({{"q", "torture"}}, "facets=theme"));
    ASSERT_EQ(all_status, 200);
    // The theme facet of the selection is the theme facet of the text query alone.
    EXPECT_EQ(page["facets"]["theme"], unfiltered["facets"]["theme"]);
    EXPECT_GT(page["facets"]["theme"].size(), 40u);
    EXPECT_LT(page["total"].get<int64_t>(), unfiltered["total"].get<int64_t>());
  }
}

// "unknown" recommending states and regions, as the facets name them, are values of the from
// and from-region filters.
TEST_F(FacetClicks, UnknownRecommendingStateIsAFilterValue) {
  for (const LiveServer* server : {engine_server_, sql_server_}) {
    const auto [status, page] = server->GetJson("/api/v1/recommendations?facets=from,from-region");
    ASSERT_EQ(status, 200);
    int64_t unknown = 0;
    for (const auto& v : page["facets"]["from"])
      if (v["key"] == "unknown") unknown = v["count"].get<int64_t>();
    ASSERT_GT(unknown, 0);
    EXPECT_EQ(Total(*server, {{"from", "unknown"}}), unknown);
    EXPECT_EQ(Total(*server, {{"from-region", "unknown"}}), unknown);
    EXPECT_EQ(Total(*server, {{"from", "FRA,unknown"}}),
              Total(*server, {{"from", "FRA"}}) + unknown);
    const auto [bad, error] = server->GetJson("/api/v1/recommendations?from-region=nowhere");
    EXPECT_EQ(bad, 400);
    EXPECT_EQ(error["error"]["parameter"], "from-region");
    EXPECT_NE(error["error"]["message"].get<std::string>().find("unknown"), std::string::npos);
  }
}

// Compare's theme filter: a state profile with theme= counts only those themes, on both sides.
TEST_F(FacetClicks, StateProfileTakesAThemeFilter) {
  for (const LiveServer* server : {engine_server_, sql_server_}) {
    const auto [status, usa] =
        server->GetJson("/api/v1/states/USA?theme=Death+penalty&theme=Detention");
    ASSERT_EQ(status, 200) << usa;
    const int64_t received = usa["received"]["total"]["count"].get<int64_t>();
    EXPECT_GT(received, 0);
    EXPECT_EQ(received, Total(*server, {{"sur", "USA"}, {"theme", "Death penalty,Detention"}}));
    EXPECT_EQ(
        usa["made"]["total"]["count"].get<int64_t>(),
        Total(*server, {{"from", "USA"}, {"theme", "Death penalty"}, {"theme", "Detention"}}));
    EXPECT_EQ(
        usa["received"]["total"]["supported"].get<int64_t>(),
        Total(*server,
              {{"sur", "USA"}, {"theme", "Death penalty,Detention"}, {"response", "supported"}}));
    // Without it, everything the state received.
    const auto [all_status, all] = server->GetJson("/api/v1/states/USA");
    ASSERT_EQ(all_status, 200);
    EXPECT_EQ(all["received"]["total"]["count"].get<int64_t>(), Total(*server, {{"sur", "USA"}}));
    // A theme the data does not know, or another filter, is a 400 naming the parameter.
    const auto [bad, error] = server->GetJson("/api/v1/states/USA?theme=Astrology");
    EXPECT_EQ(bad, 400);
    EXPECT_EQ(error["error"]["parameter"], "theme");
    const auto [other, other_error] = server->GetJson("/api/v1/states/USA?cycle=1");
    EXPECT_EQ(other, 400);
    EXPECT_EQ(other_error["error"]["parameter"], "cycle");
  }
}

}  // namespace
}  // namespace openupr::server

// Refreshing the engine after an import: import two of the real session files, build, import
// the other two, refresh (in place, and as a copy that leaves the original as it was); every
// answer must then equal a fresh build's, scores and snippets included, and the SQL backend's.
#include <gtest/gtest.h>

#include "engine_backends.h"

namespace openupr::testing {
namespace {

using analytics::Dimension;

const std::vector<std::string> kQueries = {"",
                                           "torture",
                                           "\"death penalty\"",
                                           "discrimin*",
                                           "women NOT children",
                                           "NOT rights",
                                           "(torture detention) OR girls",
                                           "freedom of expression",
                                           "roma OR sinti"};

// Everything an index answers about one query, scores and snippets included.
json Answers(Backend& b, const std::string& q, bool with_scores) {
  json out;
  Filters weog;
  EXPECT_TRUE(AddFilterValue(weog, "from-region", "weog").ok());
  for (const Filters& f : {Filters(), weog}) {
    auto s = b.Search({q, f, 20, 0});
    EXPECT_TRUE(s.ok()) << q;
    if (!s.ok()) continue;
    json page = SearchJson(*s);
    if (with_scores)
      for (const auto& h : s->hits) page["hits"].push_back({h.score, h.snippet});
    out["search"].push_back(page);
    const Dimension fields[] = {Dimension::kSur, Dimension::kTheme, Dimension::kSession};
    auto facets = b.Facets(q, f, fields, 10);
    EXPECT_TRUE(facets.ok());
    if (facets.ok()) out["facets"].push_back(FacetsJson(*facets));
    auto stats =
        b.Stats({{Dimension::kFromRegion, Dimension::kCycle, Dimension::kAction}, f, q, false, 0});
    EXPECT_TRUE(stats.ok());
    if (stats.ok()) out["stats"].push_back(StatsJson(*stats));
    auto dyads = b.Dyads(q, f, 15);
    EXPECT_TRUE(dyads.ok());
    if (dyads.ok()) out["dyads"].push_back(DyadsJson(*dyads));
  }
  return out;
}

TEST(EngineRefresh, AddsTheNewRecordsAsAFreshBuildWould) {
  auto data = ImportRealData({"sessions-01-05.csv", "sessions-06-09.csv"});
  ASSERT_NE(data, nullptr);
  auto index = engine::Index::Build(*data->store);
  ASSERT_TRUE(index.ok());
  const int64_t first_size = (*index)->size();
  EXPECT_EQ(first_size, 6094 + 8343);
  {
    SqlBackend sql(*data->store);
    EngineBackend engine(**index);
    for (const auto& q : kQueries) {
      SCOPED_TRACE(q);
      EXPECT_EQ(Answers(engine, q, false), Answers(sql, q, false));
    }
  }

  auto second = ingest::ImportFiles(
      *data->store, {UprFile("sessions-10-13.csv"), UprFile("sessions-14-17.csv")}, {});
  ASSERT_TRUE(second.status.ok()) << second.status.ToString();
  auto copy = (*index)->Refreshed(*data->store);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  ASSERT_TRUE((*index)->Refresh(*data->store).ok());
  auto fresh = engine::Index::Build(*data->store);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*index)->size(), 33082);
  EXPECT_EQ((*copy)->size(), 33082);
  EXPECT_EQ((*index)->max_id(), (*fresh)->max_id());

  SqlBackend sql(*data->store);
  EngineBackend refreshed(**index), copied(**copy), rebuilt(**fresh);
  for (const auto& q : kQueries) {
    SCOPED_TRACE(q);
    const json want = Answers(rebuilt, q, true);
    EXPECT_EQ(Answers(refreshed, q, true), want);
    EXPECT_EQ(Answers(copied, q, true), want);
    EXPECT_EQ(Answers(rebuilt, q, false), Answers(sql, q, false));
  }
  // Nothing new: a refresh changes nothing.
  ASSERT_TRUE((*index)->Refresh(*data->store).ok());
  EXPECT_EQ((*index)->size(), 33082);
}

TEST(EngineRefresh, RefreshedLeavesTheOriginalAsItWas) {
  auto data = ImportRealData({"sessions-01-05.csv"});
  ASSERT_NE(data, nullptr);
  auto index = engine::Index::Build(*data->store);
  ASSERT_TRUE(index.ok());
  EngineBackend engine(**index);
  std::vector<json> before;
  for (const auto& q : kQueries) before.push_back(Answers(engine, q, true));
  auto second = ingest::ImportFiles(*data->store, {UprFile("sessions-06-09.csv")}, {});
  ASSERT_TRUE(second.status.ok());
  auto copy = (*index)->Refreshed(*data->store);
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ((*index)->size(), 6094);
  EXPECT_EQ((*copy)->size(), 6094 + 8343);
  for (size_t i = 0; i < kQueries.size(); ++i)
    EXPECT_EQ(Answers(engine, kQueries[i], true), before[i]) << kQueries[i];
}

}  // namespace
}  // namespace openupr::testing

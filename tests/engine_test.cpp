// The engine on a small fixture: the organisation and SDG filters (on both backends, against
// known answers), unknown actions and recommending states, errors, an empty database,
// snippets, concurrent readers, memory, and the store's bulk scan it loads from.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "engine_backends.h"
#include "store/scan.h"

namespace openupr::testing {
namespace {

class EngineFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto s = store::Store::Open(dir_->File("db"));
    ASSERT_TRUE(s.ok());
    store_ = s.value().release();
    const std::string csv =
        std::string(kHeader) +
        // 1
        "\nChina,Asia,\"SCO, APEC\",Prevent torture in detention centres,France,WEOG,"
        "\"EU, OIF\",Accepted,4,\"Torture and other CID treatment,Detention\",4"
        // 2
        "\nChina,Asia,\"SCO, APEC\",Abolish the death penalty,Germany,WEOG,EU,Noted,5,"
        "Death penalty,4"
        // 3
        "\nChina,Asia,\"SCO, APEC\",Investigate all allegations that detainees were tortured,"
        "Canada,WEOG,\"Commonwealth, OIF\",Noted,4,Torture and other CID treatment,17"
        // 4
        "\nEgypt,Africa,\"AU, OIC, AL\",Establish a moratorium on the death penalty with a "
        "view to its abolition,France,WEOG,\"EU, OIF\",Noted,3,Death penalty,7"
        // 5
        "\nEgypt,Africa,\"AU, OIC, AL\",Combat discrimination against women,Cuba,GRULAC,,"
        "Accepted,4,Women's rights,7"
        // 6
        "\nEgypt,Africa,\"AU, OIC, AL\",Adopt a law against discriminatory practices,"
        "&#40;Unknown&#41;,&#40;Unknown&#41;,,Accepted,,Racial discrimination,7"
        // 7
        "\nFrance,WEOG,\"EU, OIF\",The penalty of death for minors must not exist,China,Asia,"
        "SCO,Accepted,5,Death penalty,15"
        // 8
        "\nFrance,WEOG,\"EU, OIF\",Continue to protect the rights of migrants,Egypt,Africa,"
        "\"AU, OIC, AL\",Accepted,2,Migrants,15"
        // 9
        "\nAustralia,WEOG,\"PIF, AUS\",Ratify the Convention against Torture,Egypt,Africa,"
        "\"AU, OIC, AL\",Accepted,5,International instruments,10";
    auto r = ingest::ImportFiles(*store_, {dir_->Write("f.csv", csv)}, {});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    ASSERT_EQ(r.added, 9);
    // The importer does not link SDGs yet; the table is there.
    ASSERT_TRUE(store_->db()
                    .Exec("INSERT INTO recommendation_sdg(recommendation_id, goal, target) VALUES "
                          "(1, 16, ''), (1, 16, '16.10'), (4, 16, ''), (5, 5, ''), (5, 5, '5.1')")
                    .ok());
    auto index = engine::Index::Build(*store_);
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = std::move(index).value().release();
  }
  static void TearDownTestSuite() {
    delete index_;
    delete store_;
    delete dir_;
  }

  using Set = std::set<int64_t>;
  static Filters F(std::initializer_list<std::pair<const char*, const char*>> values) {
    Filters f;
    for (const auto& [field, value] : values) EXPECT_TRUE(AddFilterValue(f, field, value).ok());
    return f;
  }
  // The ids both backends find (they must agree).
  static Set Ids(const std::string& q, const Filters& f = {}) {
    auto sql = search::SqlSearch(*store_, {q, f, 0, 0});
    auto eng = index_->Search({q, f, 0, 0});
    EXPECT_TRUE(sql.ok() && eng.ok()) << q;
    if (!sql.ok() || !eng.ok()) return {};
    EXPECT_EQ(SearchJson(*eng), SearchJson(*sql)) << q;
    Set ids;
    for (const auto& h : eng->hits) ids.insert(h.id);
    return ids;
  }

  static TempDir* dir_;
  static store::Store* store_;
  static engine::Index* index_;
};
TempDir* EngineFixture::dir_ = nullptr;
store::Store* EngineFixture::store_ = nullptr;
engine::Index* EngineFixture::index_ = nullptr;

TEST_F(EngineFixture, OrganisationFiltersMatchWholeListItems) {
  EXPECT_EQ(Ids("", F({{"sur-org", "AU"}})), (Set{4, 5, 6}));  // not "AUS"
  EXPECT_EQ(Ids("", F({{"sur-org", "aus"}})), (Set{9}));
  EXPECT_EQ(Ids("", F({{"sur-org", "oic"}})), (Set{4, 5, 6}));
  EXPECT_EQ(Ids("", F({{"sur-org", "EU, SCO"}})), (Set{1, 2, 3, 7, 8}));
  EXPECT_EQ(Ids("", F({{"from-org", "OIF"}})), (Set{1, 3, 4}));
  EXPECT_EQ(Ids("", F({{"from-org", "AL"}})), (Set{8, 9}));
  EXPECT_EQ(Ids("", F({{"from-org", "Arab League"}})), (Set{}));
  EXPECT_EQ(Ids("death", F({{"sur-org", "EU"}})), (Set{7}));
  EXPECT_EQ(Ids("", F({{"sur-org", "AU"}, {"from-org", "EU"}})), (Set{4}));
}

TEST_F(EngineFixture, SdgFiltersMatchTheGoal) {
  EXPECT_EQ(Ids("", F({{"sdg", "16"}})), (Set{1, 4}));
  EXPECT_EQ(Ids("", F({{"sdg", "5"}})), (Set{5}));
  EXPECT_EQ(Ids("", F({{"sdg", "5,16"}})), (Set{1, 4, 5}));
  EXPECT_EQ(Ids("", F({{"sdg", "1"}})), (Set{}));
  EXPECT_EQ(Ids("torture", F({{"sdg", "16"}})), (Set{1}));
  Filters bad;
  EXPECT_EQ(AddFilterValue(bad, "sdg", "18").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AddFilterValue(bad, "sur-org", " ").code(), StatusCode::kInvalidArgument);
}

TEST_F(EngineFixture, UnknownActionsAndStatesCountAsTheSqlDoes) {
  EXPECT_EQ(Ids("", F({{"action", "unknown"}})), (Set{6}));
  EXPECT_EQ(Ids("", F({{"action", "unknown,2"}})), (Set{6, 8}));
  EXPECT_EQ(Ids("", F({{"from-region", "weog"}})), (Set{1, 2, 3, 4}));
  EXPECT_EQ(Ids("", F({{"theme", "death PENALTY"}})), (Set{2, 4, 7}));  // NOCASE, as in SQL
  SqlBackend sql(*store_);
  EngineBackend engine(*index_);
  using analytics::Dimension;
  for (const auto& by : std::vector<std::vector<Dimension>>{
           {Dimension::kAction},
           {Dimension::kFrom, Dimension::kFromRegion},
           {Dimension::kTheme, Dimension::kSurRegion, Dimension::kAction},
           {Dimension::kSession, Dimension::kCycle, Dimension::kResponse}}) {
    analytics::StatsRequest req{by, {}, "", false, 0};
    auto want = sql.Stats(req);
    auto got = engine.Stats(req);
    ASSERT_TRUE(want.ok() && got.ok());
    EXPECT_EQ(StatsJson(*got), StatsJson(*want));
  }
  auto want = sql.Dyads("", {}, 0);
  auto got = engine.Dyads("", {}, 0);
  ASSERT_TRUE(want.ok() && got.ok());
  EXPECT_EQ(DyadsJson(*got), DyadsJson(*want));
  EXPECT_EQ(got->dyads.size(), 9u);
}

TEST_F(EngineFixture, RefusesWhatTheSqlBackendRefuses) {
  for (const char* q : {"\"open", "a OR NOT b", "torture ...", "*"}) {
    auto sql = search::SqlSearch(*store_, {q, {}, 10, 0});
    auto eng = index_->Search({q, {}, 10, 0});
    ASSERT_FALSE(eng.ok()) << q;
    EXPECT_EQ(eng.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(eng.status().message(), sql.status().message());
  }
  using analytics::Dimension;
  analytics::StatsRequest four{
      {Dimension::kSur, Dimension::kFrom, Dimension::kTheme, Dimension::kCycle}, {}, "", false, 0};
  EXPECT_EQ(index_->Stats(four).status().message(),
            analytics::ComputeStats(*store_, four).status().message());
  analytics::StatsRequest twice{{Dimension::kSur, Dimension::kSur}, {}, "", false, 0};
  EXPECT_EQ(index_->Stats(twice).status().code(), StatusCode::kInvalidArgument);
  const Dimension fields[] = {Dimension::kSur};
  EXPECT_EQ(index_->Facets("(", {}, fields, 5).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index_->Dyads("a OR", {}, 5).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(EngineFixture, SnippetsMarkTheMatchedTermsAndPagesFollowTheRanking) {
  auto r = index_->Search({"death penalty", {}, 10, 0});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 3u);
  EXPECT_EQ(r->hits[0].id, 2);
  EXPECT_EQ(search::RenderSnippet(r->hits[0].snippet, "[", "]"), "Abolish the [death] [penalty]");
  for (const auto& h : r->hits) {
    if (h.id == 7) {
      EXPECT_EQ(search::RenderSnippet(h.snippet, "[", "]"),
                "The [penalty] of [death] for minors must not exist");
    }
  }
  auto all = index_->Search({"", {}, 3, 6});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total, 9);
  ASSERT_EQ(all->hits.size(), 3u);
  EXPECT_EQ(all->hits[0].id, 7);
  EXPECT_EQ(all->hits[0].score, 0);
  EXPECT_EQ(all->hits[0].snippet, "The penalty of death for minors must not exist");
  auto past = index_->Search({"torture", {}, 10, 50});
  ASSERT_TRUE(past.ok());
  EXPECT_EQ(past->total, 3);
  EXPECT_TRUE(past->hits.empty());
}

TEST_F(EngineFixture, ConcurrentReadersGetTheSequentialAnswers) {
  const std::vector<std::string> queries = {
      "torture",         "\"death penalty\"", "discrimin*",  "NOT death",
      "rights OR women", "death NOT minors",  "convention*", ""};
  std::vector<json> want;
  for (const auto& q : queries) {
    auto r = index_->Search({q, {}, 10, 0});
    ASSERT_TRUE(r.ok());
    json j = SearchJson(*r);
    for (const auto& h : r->hits) j["snippets"].push_back(h.snippet);
    want.push_back(j);
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round)
        for (size_t i = 0; i < queries.size(); ++i) {
          auto r = index_->Search({queries[(i + t) % queries.size()], {}, 10, 0});
          json j = r.ok() ? SearchJson(*r) : json();
          if (r.ok())
            for (const auto& h : r->hits) j["snippets"].push_back(h.snippet);
          mismatches[t] += j != want[(i + t) % queries.size()];
        }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST_F(EngineFixture, ReportsItsSizeAndMemory) {
  EXPECT_EQ(index_->size(), 9);
  EXPECT_EQ(index_->max_id(), 9);
  const engine::MemoryUsage m = index_->Memory();
  EXPECT_GT(m.text, 0u);
  EXPECT_GT(m.tokens, 0u);
  EXPECT_GT(m.postings, 0u);
  EXPECT_GT(m.columns, 0u);
  EXPECT_EQ(index_->MemoryBytes(), m.total());
}

TEST(EngineEmpty, AnEmptyDatabaseGivesEmptyAnswers) {
  TempDir dir;
  auto s = store::Store::Open(dir.File("db"));
  ASSERT_TRUE(s.ok());
  auto index = engine::Index::Build(**s);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ((*index)->size(), 0);
  EXPECT_EQ((*index)->max_id(), 0);
  for (const char* q : {"", "torture", "NOT torture", "tortur*"}) {
    auto r = (*index)->Search({q, {}, 10, 0});
    ASSERT_TRUE(r.ok()) << q;
    EXPECT_EQ(r->total, 0);
  }
  auto st = (*index)->Stats({{analytics::Dimension::kTheme}, {}, "", false, 0});
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->total.count, 0);
  EXPECT_TRUE(st->rows.empty());
  auto d = (*index)->Dyads("", {}, 10);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->pairs, 0);
  EXPECT_TRUE((*index)->Refresh(**s).ok());
}

TEST_F(EngineFixture, TheStoreScanStreamsRecordsAfterAnId) {
  std::vector<int64_t> ids;
  std::vector<std::string> from_of_6, themes_of_1;
  std::vector<int> goals_of_1;
  ASSERT_TRUE(store::ScanRecommendations(*store_, 0, [&](const store::ScannedRecommendation& r) {
                ids.push_back(r.id);
                if (r.id == 6) from_of_6.assign(r.from.begin(), r.from.end());
                if (r.id == 1) {
                  themes_of_1.assign(r.themes.begin(), r.themes.end());
                  goals_of_1 = r.sdg_goals;
                  EXPECT_EQ(r.sur, "CHN");
                  EXPECT_EQ(r.sur_orgs, "SCO, APEC");
                  EXPECT_EQ(r.response, "supported");
                  EXPECT_EQ(r.action, 4);
                }
                if (r.id == 6) {
                  EXPECT_EQ(r.action, 0);
                }
                return Status::Ok();
              }).ok());
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(from_of_6, std::vector<std::string>{""});
  EXPECT_EQ(std::set<std::string>(themes_of_1.begin(), themes_of_1.end()),
            (std::set<std::string>{"Detention", "Torture and other CID treatment"}));
  EXPECT_EQ(goals_of_1, std::vector<int>{16});

  ids.clear();
  Status stop = store::ScanRecommendations(*store_, 6, [&](const store::ScannedRecommendation& r) {
    ids.push_back(r.id);
    return r.id == 8 ? Status::Conflict("enough") : Status::Ok();
  });
  EXPECT_EQ(stop.code(), StatusCode::kConflict);
  EXPECT_EQ(ids, (std::vector<int64_t>{7, 8}));
}

// Term frequencies and positions are stored in a byte each: a term that occurs 255+ times in a
// record, and phrases past its 255th token, are counted from the record's tokens instead. The
// answers (matches, order, scores) must stay FTS5's.
TEST(EngineLongTexts, FrequenciesAndPositionsPast255CountAsFts5Does) {
  TempDir dir;
  auto s = store::Store::Open(dir.File("db"));
  ASSERT_TRUE(s.ok());
  std::string filler;
  for (int i = 0; i < 300; ++i) filler += "word" + std::to_string(i % 7) + " ";
  std::string tortures;
  for (int i = 0; i < 300; ++i) tortures += "torture ";
  auto row = [](const std::string& text, const char* theme) {
    return "\nChina,Asia,SCO," + text + ",France,WEOG,EU,Accepted,4," + theme + ",4";
  };
  const std::string csv = std::string(kHeader) +
                          row(filler + "abolish the death penalty now", "Death penalty") +
                          row("the death penalty " + filler + "death penalty", "Death penalty") +
                          row(tortures + "death penalty", "Torture and other CID treatment") +
                          row("torture and the death penalty", "Death penalty") +
                          row("torture torture torture", "Torture and other CID treatment");
  auto imported = ingest::ImportFiles(**s, {dir.Write("long.csv", csv)}, {});
  ASSERT_TRUE(imported.status.ok()) << imported.status.ToString();
  ASSERT_EQ(imported.added, 5);
  auto index = engine::Index::Build(**s);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  for (const char* q : {"\"death penalty\"", "torture", "\"torture torture\"", "torture penalty",
                        "\"the death penalty\"", "word3 \"death penalty\"", "tortur*"}) {
    SCOPED_TRACE(q);
    auto want = search::SqlSearch(**s, {q, {}, 10, 0});
    auto got = (*index)->Search({q, {}, 10, 0});
    ASSERT_TRUE(want.ok() && got.ok());
    EXPECT_EQ(SearchJson(*got), SearchJson(*want));
    ASSERT_EQ(got->hits.size(), want->hits.size());
    for (size_t i = 0; i < got->hits.size(); ++i)
      EXPECT_NEAR(got->hits[i].score, want->hits[i].score, 1e-9 * std::abs(want->hits[i].score));
  }
}

}  // namespace
}  // namespace openupr::testing

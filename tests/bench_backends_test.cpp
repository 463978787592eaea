// The side-by-side benchmark's backends (bench/sql_backends.h) on the real data: the SQLite
// backend gives the answers of the CLI's search and stats, and PostgreSQL (when $OPENUPR_PG names
// a server) gives the SQLite backend's.
#include <gtest/gtest.h>

#include <cstdlib>

#include "analytics/stats.h"
#include "bench/bench_sql.h"
#include "bench/engine_backend.h"
#include "bench/sql_backends.h"
#include "ingest/importer.h"
#include "search/sql_search.h"
#include "test_util.h"

namespace openupr::bench {
namespace {

using testing::TempDir;
using testing::UprFile;

class BenchBackends : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = dir_->File("real.db");
    auto s = store::Store::Open(db_);
    ASSERT_TRUE(s.ok());
    auto r = ingest::ImportFiles(**s,
                                 {UprFile("sessions-01-05.csv"), UprFile("sessions-06-09.csv"),
                                  UprFile("sessions-10-13.csv"), UprFile("sessions-14-17.csv")},
                                 {});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    store_ = s.value().release();
  }
  static void TearDownTestSuite() {
    delete store_;
    delete dir_;
  }

  static Filters ChinaCycle2() {
    Filters f;
    f.sur = {"CHN"};
    f.cycles = {2};
    return f;
  }
  static Filters AfricanNoted() {
    Filters f;
    f.sur_region = {Region::kAfrican};
    f.responses = {Response::kNoted};
    return f;
  }
  static Filters DeathPenaltyTheme() {
    Filters f;
    f.themes = {"Death penalty"};
    return f;
  }

  // What ComputeStats says for the same selection and dimensions, folded like an Answer.
  static Answer Stats(const Selection& sel, const std::vector<Dimension>& by, int64_t limit) {
    analytics::StatsRequest req;
    req.by = by;
    req.filters = sel.filters;
    req.query = sel.text;
    req.limit = limit;
    auto got = analytics::ComputeStats(*store_, req);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    Answer a;
    if (!got.ok()) return a;
    a.total = got->total.count;
    for (const auto& row : got->rows) {
      ++a.rows;
      a.counted += row.count;
      a.supported += row.supported;
    }
    return a;
  }

  static TempDir* dir_;
  static std::string db_;
  static store::Store* store_;
};
TempDir* BenchBackends::dir_ = nullptr;
std::string BenchBackends::db_;
store::Store* BenchBackends::store_ = nullptr;

const std::vector<std::string> kQueries = {"",
                                           "torture",
                                           "\"death penalty\"",
                                           "discrimination women",
                                           "tortur*",
                                           "women OR children",
                                           "violence NOT domestic",
                                           "NOT women"};

TEST_F(BenchBackends, SqliteSearchCountsAreTheClisCounts) {
  auto backend = MakeSqliteBackend(db_);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  for (const Filters& f : {Filters{}, ChinaCycle2(), AfricanNoted(), DeathPenaltyTheme()}) {
    for (const std::string& text : kQueries) {
      SCOPED_TRACE(text);
      auto got = backend->search({{text, f}, 10});
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      search::SearchRequest req;
      req.query = text;
      req.filters = f;
      req.limit = 10;
      auto want = search::SqlSearch(*store_, req);
      ASSERT_TRUE(want.ok()) << want.status().ToString();
      EXPECT_EQ(got->total, want->total);
      EXPECT_EQ(got->hits, static_cast<int64_t>(want->hits.size()));
    }
  }
}

TEST_F(BenchBackends, SqliteFacetsAndGroupsAreTheStatsCommandsCounts) {
  auto backend = MakeSqliteBackend(db_);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  const std::vector<Dimension> all = {Dimension::kSur,        Dimension::kFrom,
                                      Dimension::kSurRegion,  Dimension::kFromRegion,
                                      Dimension::kSession,    Dimension::kCycle,
                                      Dimension::kResponse,   Dimension::kAction,
                                      Dimension::kTheme};
  for (const Filters& f : {Filters{}, ChinaCycle2(), AfricanNoted()}) {
    for (const std::string& text : {std::string(), std::string("torture")}) {
      const Selection sel{text, f};
      auto got = backend->facets({sel, all, 20});
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      Answer want;
      for (Dimension d : all) {
        const Answer one = Stats(sel, {d}, 0);
        want.total = one.total;
        want.rows += one.rows;
        want.counted += one.counted;
      }
      EXPECT_EQ(got->total, want.total);
      EXPECT_EQ(got->rows, want.rows);
      EXPECT_EQ(got->counted, want.counted);
      EXPECT_EQ(got->hits, std::min<int64_t>(20, want.total));

      for (const auto& [by, limit] :
           std::vector<std::pair<std::vector<Dimension>, int64_t>>{
               {{Dimension::kTheme, Dimension::kSurRegion, Dimension::kCycle}, 0},
               {{Dimension::kFrom, Dimension::kSur}, 50},
               {{Dimension::kFromRegion, Dimension::kResponse}, 0}}) {
        auto group = backend->group_by({sel, by, limit});
        ASSERT_TRUE(group.ok()) << group.status().ToString();
        const Answer stats = Stats(sel, by, limit);
        EXPECT_EQ(group->rows, stats.rows);
        // Ties at the limit may pick other keys, never other counts.
        EXPECT_EQ(group->counted, stats.counted);
        if (limit == 0) {
          EXPECT_EQ(group->supported, stats.supported);
        }
      }
    }
  }
}

// Two backends' answers to one question: every count the same.
void ExpectSameAnswer(const Result<Answer>& a, const Result<Answer>& b) {
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(a->total, b->total);
  EXPECT_EQ(a->hits, b->hits);
  EXPECT_EQ(a->rows, b->rows);
  EXPECT_EQ(a->counted, b->counted);
  EXPECT_EQ(a->supported, b->supported);
}

// The engine shares OpenUPR's tokenizer with the SQLite backend: every count must agree, text
// queries included.
TEST_F(BenchBackends, EngineAgreesWithSqlite) {
  auto engine = MakeEngineBackend(db_);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_EQ(engine->name, "engine");
  auto lite = MakeSqliteBackend(db_);
  ASSERT_TRUE(lite.ok()) << lite.status().ToString();
  const std::vector<Dimension> facets = {Dimension::kResponse, Dimension::kAction,
                                         Dimension::kTheme, Dimension::kSurRegion,
                                         Dimension::kCycle, Dimension::kFrom,
                                         Dimension::kFromRegion};
  for (const Filters& f : {Filters{}, ChinaCycle2(), AfricanNoted(), DeathPenaltyTheme()}) {
    for (const std::string& text : kQueries) {
      SCOPED_TRACE(text);
      const Selection sel{text, f};
      ExpectSameAnswer(engine->search({sel, 10}), lite->search({sel, 10}));
      ExpectSameAnswer(engine->facets({sel, facets, 20}), lite->facets({sel, facets, 20}));
      ExpectSameAnswer(engine->facets({sel, facets, 0}), lite->facets({sel, facets, 0}));
      const std::vector<Dimension> by = {Dimension::kTheme, Dimension::kSurRegion,
                                         Dimension::kCycle};
      ExpectSameAnswer(engine->group_by({sel, by, 0}), lite->group_by({sel, by, 0}));
      // Ties at the limit may pick other pairs; counts of the 50 kept are the same.
      auto e = engine->group_by({sel, {Dimension::kFrom, Dimension::kSur}, 50});
      auto l = lite->group_by({sel, {Dimension::kFrom, Dimension::kSur}, 50});
      ASSERT_TRUE(e.ok() && l.ok());
      EXPECT_EQ(e->rows, l->rows);
      EXPECT_EQ(e->counted, l->counted);
    }
  }
  EXPECT_EQ(engine->search({{"(torture", {}}, 10}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(BenchBackends, PlaceholdersAreNumberedForPostgres) {
  EXPECT_EQ(NumberPlaceholders("a IN (?,?) AND b = ?"), "a IN ($1,$2) AND b = $3");
  auto where = WhereSql({"", {}}, nullptr);
  ASSERT_TRUE(where.ok());
  EXPECT_EQ(where->sql, "TRUE");
  EXPECT_EQ(WhereSql({"(torture", {}}, nullptr).status().code(), StatusCode::kInvalidArgument);
}

// Needs a server: OPENUPR_PG="host=127.0.0.1 port=... dbname=..." (its tables are replaced).
TEST_F(BenchBackends, PostgresAgreesWithSqlite) {
  const char* conninfo = std::getenv("OPENUPR_PG");
  if (!conninfo || !*conninfo) GTEST_SKIP() << "OPENUPR_PG is not set";
  if (!HavePostgres()) GTEST_SKIP() << "built without libpq";
  auto pg = MakePostgresBackend(conninfo, db_, [](const std::string&) {});
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  auto lite = MakeSqliteBackend(db_);
  ASSERT_TRUE(lite.ok());
  const std::vector<Dimension> facets = {Dimension::kResponse, Dimension::kAction,
                                         Dimension::kTheme, Dimension::kSurRegion,
                                         Dimension::kFromRegion};
  for (const Filters& f : {Filters{}, ChinaCycle2(), AfricanNoted(), DeathPenaltyTheme()}) {
    // These words are stemmed alike by both, and the phrase has no stop word.
    for (const char* text : {"", "torture", "\"death penalty\"", "discrimination women",
                                    "tortur*", "violence NOT domestic"}) {
      SCOPED_TRACE(text);
      const Selection sel{text, f};
      ExpectSameAnswer(pg->search({sel, 10}), lite->search({sel, 10}));
      ExpectSameAnswer(pg->facets({sel, facets, 20}), lite->facets({sel, facets, 20}));
      const std::vector<Dimension> by = {Dimension::kTheme, Dimension::kSurRegion,
                                         Dimension::kCycle};
      ExpectSameAnswer(pg->group_by({sel, by, 0}), lite->group_by({sel, by, 0}));
      const std::vector<Dimension> pairs = {Dimension::kFrom, Dimension::kSur};
      ExpectSameAnswer(pg->group_by({sel, pairs, 50}), lite->group_by({sel, pairs, 50}));
    }
  }
}

}  // namespace
}  // namespace openupr::bench

// The side-by-side benchmark's backends (bench/sql_backends.h) on the real data: the SQLite
// backend gives the answers of the CLI's search and stats, and PostgreSQL (when $OPENUPR_PG names
// a server) gives the SQLite backend's. The vote measures' SQL (bench/vote_sql.h) gives, row by
// row, what naive loops over the stored votes and recommendations give, and so do the engine,
// DuckDB (when bench/duckdb has its node_modules) and PostgreSQL (with $OPENUPR_PG).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "analytics/stats.h"
#include "bench/bench_sql.h"
#include "bench/engine_backend.h"
#include "bench/sql_backends.h"
#include "bench/vote_sql.h"
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
    const std::string votes = testing::DataDir() + "/hrc-votes/";
    auto r = ingest::ImportFiles(**s,
                                 {UprFile("sessions-01-05.csv"), UprFile("sessions-06-09.csv"),
                                  UprFile("sessions-10-13.csv"), UprFile("sessions-14-17.csv"),
                                  votes + "resolutions.csv", votes + "votes_long.csv"},
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

// ---- The vote and politicization measures ----------------------------------------------------

constexpr Measure kMeasures[] = {Measure::kAgreement, Measure::kCohesion, Measure::kSeverity};

// The three measures computed the plainest way, from the stored rows read one by one: every
// pair of voters per roll call, per group and roll call the three counts with the textbook AI,
// every recommendation once per named recommending state.
Answer Naive(store::Store& store, Measure m) {
  store::Database& db = store.db();
  MeasureFold fold(m);
  auto is_vote = [](const std::string& v) { return v == "yes" || v == "no" || v == "abstain"; };
  switch (m) {
    case Measure::kAgreement: {
      std::map<int64_t, std::vector<std::pair<std::string, std::string>>> by_roll_call;
      EXPECT_TRUE(
          db.ForEachRow("SELECT resolution_id, state, vote FROM vote", [&](store::Statement& s) {
              if (is_vote(s.String(2)))
                by_roll_call[s.Int(0)].emplace_back(s.String(1), s.String(2));
            }).ok());
      // Cells by the states' places in ISO3 order (a std::map of string pairs takes seconds).
      std::vector<std::string> states;
      for (const auto& [id, voters] : by_roll_call)
        for (const auto& voter : voters) states.push_back(voter.first);
      std::sort(states.begin(), states.end());
      states.erase(std::unique(states.begin(), states.end()), states.end());
      const size_t n = states.size();
      auto place = [&](const std::string& iso3) {
        return static_cast<size_t>(std::lower_bound(states.begin(), states.end(), iso3) -
                                   states.begin());
      };
      std::vector<int64_t> both(n * n), alike(n * n);
      for (const auto& [id, voters] : by_roll_call) {
        for (const auto& [a, va] : voters) {
          for (const auto& [b, vb] : voters) {
            if (b < a) continue;
            const size_t cell = place(a) * n + place(b);
            ++both[cell];
            if (va == vb) ++alike[cell];
          }
        }
      }
      for (size_t a = 0; a < n; ++a)
        for (size_t b = a; b < n; ++b)
          if (both[a * n + b] > 0)
            fold.Agreement(states[a], states[b], both[a * n + b], alike[a * n + b]);
      break;
    }
    case Measure::kCohesion: {
      std::map<std::string, std::string> region;
      for (const char* table : {"state", "former_state"})
        EXPECT_TRUE(db.ForEachRow(std::string("SELECT iso3, region FROM ") + table,
                                  [&](store::Statement& s) { region[s.String(0)] = s.String(1); })
                        .ok());
      // group -> roll call -> yes, no, abstain
      std::map<std::string, std::map<int64_t, std::array<int, 3>>> counts;
      EXPECT_TRUE(
          db.ForEachRow("SELECT resolution_id, state, vote FROM vote", [&](store::Statement& s) {
              const std::string v = s.String(2);
              const std::string& g = region[s.String(1)];
              if (!is_vote(v) || g.empty() || g == "none") return;
              auto& c = counts[g][s.Int(0)];
              c[v == "yes" ? 0 : v == "no" ? 1 : 2] += 1;
            }).ok());
      for (const auto& [group, roll_calls] : counts) {
        double sum = 0;
        int64_t used = 0;
        for (const auto& [id, c] : roll_calls) {
          const int total = c[0] + c[1] + c[2];
          if (total < 2) continue;
          const int top = std::max({c[0], c[1], c[2]});
          sum += (top - 0.5 * (total - top)) / total;
          ++used;
        }
        if (used > 0) fold.Cohesion(group, used, sum / static_cast<double>(used));
      }
      break;
    }
    case Measure::kSeverity: {
      struct Rec {
        std::string sur;
        std::optional<int64_t> action;
        bool noted = false;
        std::set<std::string> from;
      };
      std::map<int64_t, Rec> recs;
      EXPECT_TRUE(db.ForEachRow("SELECT id, sur, action, response FROM recommendation",
                                [&](store::Statement& s) {
                                  Rec& r = recs[s.Int(0)];
                                  r.sur = s.String(1);
                                  if (!s.IsNull(2)) r.action = s.Int(2);
                                  r.noted = s.String(3) == "noted";
                                })
                      .ok());
      EXPECT_TRUE(db.ForEachRow("SELECT recommendation_id, state FROM recommending_state",
                                [&](store::Statement& s) {
                                  recs[s.Int(0)].from.insert(s.IsNull(1) ? "unknown" : s.String(1));
                                })
                      .ok());
      struct Cell {
        int64_t count = 0, with_action = 0, action_sum = 0, noted = 0;
      };
      std::map<std::pair<std::string, std::string>, Cell> pairs;
      for (auto& [id, r] : recs) {
        if (r.from.empty()) r.from.insert("unknown");
        for (const std::string& f : r.from) {
          Cell& c = pairs[{f, r.sur}];
          ++c.count;
          if (r.action) {
            ++c.with_action;
            c.action_sum += *r.action;
          }
          if (r.noted) ++c.noted;
        }
      }
      for (const auto& [key, c] : pairs)
        fold.Severity(key.first, key.second, c.count, c.noted, c.with_action, c.action_sum);
      break;
    }
  }
  return fold.Finish();
}

void ExpectSameRows(const Result<Answer>& got, const Answer& want) {
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->rows, want.rows);
  EXPECT_EQ(got->counted, want.counted);
  EXPECT_EQ(got->supported, want.supported);
  EXPECT_EQ(got->digest, want.digest);
  // The engine's severity lacks the action sums until engine::Dyad has them (0: not computed).
  if (got->action_digest != 0) {
    EXPECT_EQ(got->action_digest, want.action_digest);
  }
}

TEST_F(BenchBackends, MeasuresOfSqliteAndTheEngineAreTheNaiveLoops) {
  auto lite = MakeSqliteBackend(db_);
  ASSERT_TRUE(lite.ok()) << lite.status().ToString();
  auto engine = MakeEngineBackend(db_);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  for (Measure m : kMeasures) {
    SCOPED_TRACE(std::string(MeasureName(m)));
    const Answer want = Naive(*store_, m);
    ASSERT_GT(want.rows, 0);
    auto got = lite->measure(m, true);  // the agreement matrix's self-join takes seconds
    ExpectSameRows(got, want);
    ExpectSameRows(engine->measure(m, true), want);
    if (m == Measure::kSeverity) {
      EXPECT_NE(got->action_digest, 0u);  // SQLite computes the action sums
    }
  }
  // Without fold the work is done, the rows not folded.
  auto timed = lite->measure(Measure::kCohesion, false);
  ASSERT_TRUE(timed.ok());
  EXPECT_EQ(timed->digest, 0u);
  // What the real data gives: 5 regional groups; 33,082 recommendations, 8,704 noted.
  EXPECT_EQ(Naive(*store_, Measure::kCohesion).rows, 5);
  const Answer severity = Naive(*store_, Measure::kSeverity);
  EXPECT_EQ(severity.supported, 8704);
}

TEST_F(BenchBackends, TheMeasureDigestSeesEveryCell) {
  auto fold = [](int64_t alike) {
    MeasureFold f(Measure::kAgreement);
    f.Agreement("FRA", "USA", 100, 60);
    f.Agreement("CHN", "RUS", 100, alike);
    return f.Finish();
  };
  EXPECT_EQ(fold(90).digest, fold(90).digest);
  EXPECT_NE(fold(90).digest, fold(91).digest);
  // Order-independent: the same rows in another order.
  MeasureFold a(Measure::kAgreement), b(Measure::kAgreement);
  a.Agreement("FRA", "USA", 1, 1);
  a.Agreement("CHN", "RUS", 2, 1);
  b.Agreement("CHN", "RUS", 2, 1);
  b.Agreement("FRA", "USA", 1, 1);
  EXPECT_EQ(a.Finish().digest, b.Finish().digest);
  // Swapped keys are another row.
  MeasureFold c(Measure::kAgreement);
  c.Agreement("USA", "FRA", 1, 1);
  c.Agreement("CHN", "RUS", 2, 1);
  EXPECT_NE(a.Finish().digest, c.Finish().digest);
}

TEST_F(BenchBackends, FoldRowsRefusesRowsOfTheWrongShape) {
  EXPECT_EQ(FoldRows(Measure::kAgreement, {{std::string("FRA"), std::string("USA"), int64_t{3}}})
                .status()
                .code(),
            StatusCode::kInternal);
  EXPECT_EQ(FoldRows(Measure::kCohesion, {{std::string("weog"), Cell{}, 0.5}}).status().code(),
            StatusCode::kInternal);
  EXPECT_EQ(FoldRows(Measure::kCohesion, {{int64_t{1}, int64_t{2}, 0.5}}).status().code(),
            StatusCode::kInternal);
  auto ok = FoldRows(Measure::kCohesion, {{std::string("weog"), int64_t{10}, int64_t{1}}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->rows, 1);
  EXPECT_DOUBLE_EQ(ok->mean, 1.0);
}

// Needs bench/duckdb/node_modules (npm ci there, as scripts/bench-side-by-side.sh does) and node.
TEST_F(BenchBackends, DuckDbMeasuresAreTheNaiveLoops) {
  const std::string dir = std::string(OPENUPR_TESTS_DIR) + "/../bench/duckdb";
  if (!std::filesystem::exists(dir + "/node_modules/@duckdb/node-api"))
    GTEST_SKIP() << "bench/duckdb has no node_modules (npm ci there)";
  auto duck = MakeDuckDbBackend(dir, db_, [](const std::string&) {});
  ASSERT_TRUE(duck.ok()) << duck.status().ToString();
  EXPECT_FALSE(duck->search);
  for (Measure m : kMeasures) {
    SCOPED_TRACE(std::string(MeasureName(m)));
    auto got = duck->measure(m, true);
    ExpectSameRows(got, Naive(*store_, m));
    ASSERT_TRUE(got.ok());
    EXPECT_TRUE(got->self_ms.has_value());
  }
}

TEST_F(BenchBackends, DuckDbNeedsItsPackage) {
  TempDir empty;
  auto duck = MakeDuckDbBackend(empty.File(""), db_, [](const std::string&) {});
  EXPECT_EQ(duck.status().code(), StatusCode::kNotFound);
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
  for (Measure m : kMeasures) {
    SCOPED_TRACE(std::string(MeasureName(m)));
    ExpectSameRows(pg->measure(m, true), Naive(*store_, m));
  }
}

}  // namespace
}  // namespace openupr::bench

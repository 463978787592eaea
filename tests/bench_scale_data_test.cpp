// The synthetic-data generator (bench/scale_data.h) on the real data: a valid OpenUPR database
// of the size asked, every attribute taken jointly from one real record, the response
// distribution of the source, and the same database for the same seed.
#include <gtest/gtest.h>

#include <string>

#include "bench/scale_data.h"
#include "ingest/importer.h"
#include "search/sql_search.h"
#include "store/store.h"
#include "test_util.h"

namespace openupr::bench {
namespace {

using testing::TempDir;
using testing::UprFile;

class ScaleData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    source_ = dir_->File("real.db");
    auto s = store::Store::Open(source_);
    ASSERT_TRUE(s.ok());
    auto r = ingest::ImportFiles(**s,
                                 {UprFile("sessions-01-05.csv"), UprFile("sessions-06-09.csv"),
                                  UprFile("sessions-10-13.csv"), UprFile("sessions-14-17.csv")},
                                 {});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  }
  static void TearDownTestSuite() { delete dir_; }

  static ScaleOptions Options(const std::string& out, int64_t records, uint64_t seed) {
    ScaleOptions o;
    o.source_path = source_;
    o.output_path = dir_->File(out);
    o.records = records;
    o.seed = seed;
    return o;
  }

  static std::unique_ptr<store::Store> OpenWithSource(const std::string& path) {
    auto s = store::Store::Open(path, store::OpenMode::kExisting);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return nullptr;
    EXPECT_TRUE((*s)->db().Exec("ATTACH DATABASE '" + source_ + "' AS src").ok());
    return std::move(s).value();
  }

  static int64_t Int(store::Store& s, const std::string& sql) {
    auto v = s.db().QueryInt(sql);
    EXPECT_TRUE(v.ok()) << sql << ": " << v.status().ToString();
    return v.ok() ? *v : -1;
  }

  static std::string Text(store::Store& s, const std::string& sql) {
    auto stmt = s.db().Prepare(sql);
    EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
    if (!stmt.ok()) return {};
    auto row = stmt->Step();
    EXPECT_TRUE(row.ok() && *row) << sql;
    return row.ok() && *row ? stmt->String(0) : std::string();
  }

  // Every record, its recommending states and themes, in id order (the import row's time left
  // out): equal dumps mean equal databases.
  static std::string Dump(const std::string& path) {
    auto s = OpenWithSource(path);
    if (!s) return {};
    return Text(*s,
                "SELECT group_concat(line, char(10)) FROM (SELECT r.id || '|' || r.sur || '|' || "
                "r.session || '|' || r.text || '|' || r.dup_key || '|' || r.response || '|' || "
                "coalesce(r.action, '') || '|' || r.source_line || '|' || "
                "(SELECT group_concat(coalesce(state, '?'), ',') FROM recommending_state "
                " WHERE recommendation_id = r.id) || '|' || "
                "(SELECT group_concat(theme_id, ',') FROM recommendation_theme "
                " WHERE recommendation_id = r.id) AS line FROM recommendation r ORDER BY r.id)");
  }

  static TempDir* dir_;
  static std::string source_;
};
TempDir* ScaleData::dir_ = nullptr;
std::string ScaleData::source_;

TEST_F(ScaleData, WritesAValidDatabaseOfTheSizeAsked) {
  auto report = GenerateScaledDatabase(Options("valid.db", 3000, 7));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->records, 3000);
  EXPECT_EQ(report->source_records, 33082);
  auto s = OpenWithSource(dir_->File("valid.db"));
  ASSERT_TRUE(s);
  auto counts = s->GetCounts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->recommendations, 3000);
  EXPECT_EQ(counts->supported + counts->noted + counts->other, 3000);
  EXPECT_EQ(counts->imports, 1);
  EXPECT_EQ(counts->source_files, 1);
  EXPECT_EQ(Int(*s, "SELECT count(DISTINCT recommendation_id) FROM recommending_state"), 3000);
  EXPECT_EQ(Int(*s, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
  // The full-text index is complete and consistent with the table.
  EXPECT_TRUE(s->db()
                  .Exec("INSERT INTO recommendation_fts(recommendation_fts, rank) "
                        "VALUES ('integrity-check', 1)")
                  .ok());
  search::SearchRequest req;
  req.query = "torture";
  auto found = search::SqlSearch(*s, req);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_GT(found->total, 0);
  EXPECT_EQ(found->total,
            Int(*s, "SELECT count(*) FROM recommendation_fts WHERE recommendation_fts MATCH "
                    "'\"torture\"'"));
  // And the command line opens it.
  auto info = testing::RunCli("--db '" + dir_->File("valid.db") + "' info", *dir_);
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("3000"), std::string::npos) << info.out;
}

TEST_F(ScaleData, EveryRecordTakesItsAttributesFromOneRealRecord) {
  auto report = GenerateScaledDatabase(Options("joint.db", 3000, 11));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto s = OpenWithSource(dir_->File("joint.db"));
  ASSERT_TRUE(s);
  // source_line is the id of the real record drawn; every attribute equals that record's.
  EXPECT_EQ(Int(*s,
                "SELECT count(*) FROM recommendation o LEFT JOIN src.recommendation r "
                "ON r.id = o.source_line WHERE r.id IS NULL OR o.sur != r.sur OR "
                "o.session != r.session OR o.cycle != r.cycle OR o.response != r.response OR "
                "o.response_raw != r.response_raw OR o.action IS NOT r.action OR "
                "o.sur_orgs != r.sur_orgs OR o.from_orgs != r.from_orgs"),
            0);
  EXPECT_EQ(Int(*s,
                "SELECT count(*) FROM recommendation o WHERE "
                "(SELECT group_concat(coalesce(state, '?') || raw_name, ',') FROM "
                " (SELECT * FROM recommending_state WHERE recommendation_id = o.id "
                "  ORDER BY position)) IS NOT "
                "(SELECT group_concat(coalesce(state, '?') || raw_name, ',') FROM "
                " (SELECT * FROM src.recommending_state WHERE recommendation_id = o.source_line "
                "  ORDER BY position))"),
            0);
  EXPECT_EQ(Int(*s,
                "SELECT count(*) FROM recommendation o WHERE "
                "(SELECT group_concat(name, ',') FROM (SELECT t.name FROM recommendation_theme rt "
                " JOIN theme t ON t.id = rt.theme_id WHERE rt.recommendation_id = o.id "
                " ORDER BY t.name)) IS NOT "
                "(SELECT group_concat(name, ',') FROM (SELECT t.name FROM "
                " src.recommendation_theme rt JOIN src.theme t ON t.id = rt.theme_id "
                " WHERE rt.recommendation_id = o.source_line ORDER BY t.name))"),
            0);
  // Texts are the real one or a splice of two real ones: some of each at the default share.
  const int64_t copies = Int(*s,
                             "SELECT count(*) FROM recommendation o JOIN src.recommendation r "
                             "ON r.id = o.source_line WHERE o.text = r.text");
  EXPECT_EQ(copies + report->spliced, 3000);
  EXPECT_GT(report->spliced, 300);
  EXPECT_GT(copies, 1500);
}

TEST_F(ScaleData, KeepsTheResponseDistributionOfTheSource) {
  auto report = GenerateScaledDatabase(Options("responses.db", 5000, 3));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto s = OpenWithSource(dir_->File("responses.db"));
  ASSERT_TRUE(s);
  const double source_share = 24378.0 / 33082;
  const double share =
      static_cast<double>(Int(*s, "SELECT count(*) FROM recommendation WHERE response = "
                                  "'supported'")) / 5000;
  // The standard error of the share at n = 5000 is 0.0062; 0.025 is four of them.
  EXPECT_NEAR(share, source_share, 0.025);
  const double cycle2 =
      static_cast<double>(Int(*s, "SELECT count(*) FROM recommendation WHERE cycle = 2")) / 5000;
  const double source_cycle2 =
      static_cast<double>(Int(*s, "SELECT count(*) FROM src.recommendation WHERE cycle = 2")) /
      33082;
  EXPECT_NEAR(cycle2, source_cycle2, 0.03);
}

TEST_F(ScaleData, TheSameSeedGivesTheSameDatabase) {
  ASSERT_TRUE(GenerateScaledDatabase(Options("a.db", 1500, 42)).ok());
  ASSERT_TRUE(GenerateScaledDatabase(Options("b.db", 1500, 42)).ok());
  ASSERT_TRUE(GenerateScaledDatabase(Options("c.db", 1500, 43)).ok());
  const std::string a = Dump(dir_->File("a.db"));
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, Dump(dir_->File("b.db")));
  EXPECT_NE(a, Dump(dir_->File("c.db")));
}

TEST_F(ScaleData, NoSplicingCopiesTextsAsTheyAre) {
  ScaleOptions o = Options("copies.db", 1000, 5);
  o.splice = 0;
  auto report = GenerateScaledDatabase(o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->spliced, 0);
  auto s = OpenWithSource(o.output_path);
  ASSERT_TRUE(s);
  EXPECT_EQ(Int(*s,
                "SELECT count(*) FROM recommendation o JOIN src.recommendation r "
                "ON r.id = o.source_line WHERE o.text = r.text AND o.dup_key = r.dup_key"),
            1000);
}

TEST_F(ScaleData, RefusesBadOptionsAndKeepsExistingFiles) {
  EXPECT_EQ(GenerateScaledDatabase(Options("zero.db", 0, 1)).status().code(),
            StatusCode::kInvalidArgument);
  ScaleOptions bad_share = Options("share.db", 10, 1);
  bad_share.splice = 1.5;
  EXPECT_EQ(GenerateScaledDatabase(bad_share).status().code(), StatusCode::kInvalidArgument);
  ScaleOptions missing = Options("missing.db", 10, 1);
  missing.source_path = dir_->File("no-such.db");
  EXPECT_EQ(GenerateScaledDatabase(missing).status().code(), StatusCode::kNotFound);
  ScaleOptions onto_source = Options("x.db", 10, 1);
  onto_source.output_path = source_;
  onto_source.overwrite = true;
  EXPECT_EQ(GenerateScaledDatabase(onto_source).status().code(), StatusCode::kInvalidArgument);

  const std::string existing = dir_->Write("existing.db", "keep me");
  EXPECT_EQ(GenerateScaledDatabase(Options("existing.db", 10, 1)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(testing::ReadAll(existing), "keep me");
  ScaleOptions force = Options("existing.db", 10, 1);
  force.overwrite = true;
  EXPECT_TRUE(GenerateScaledDatabase(force).ok());

  // A source that is not an OpenUPR database is refused and leaves no output behind.
  ScaleOptions foreign = Options("from-foreign.db", 10, 1);
  foreign.source_path = dir_->Write("foreign.txt", "not a database at all, just some text here");
  EXPECT_EQ(GenerateScaledDatabase(foreign).status().code(), StatusCode::kBadInput);
  EXPECT_FALSE(std::filesystem::exists(foreign.output_path));
}

TEST_F(ScaleData, RefusesASourceWithoutRecommendations) {
  const std::string empty = dir_->File("empty.db");
  ASSERT_TRUE(store::Store::Open(empty).ok());
  ScaleOptions o = Options("from-empty.db", 10, 1);
  o.source_path = empty;
  EXPECT_EQ(GenerateScaledDatabase(o).status().code(), StatusCode::kBadInput);
  EXPECT_FALSE(std::filesystem::exists(o.output_path));
}

}  // namespace
}  // namespace openupr::bench

// The synthetic-data generator (bench/scale_data.h) on the real data: a valid OpenUPR database
// of the size asked, every attribute taken jointly from one real record, the response
// distribution of the source, and the same database for the same seed; the Council's roll calls
// copied as they are, or multiplied with perturbed votes.
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
    const std::string votes = testing::DataDir() + "/hrc-votes/";
    auto r = ingest::ImportFiles(**s,
                                 {UprFile("sessions-01-05.csv"), UprFile("sessions-06-09.csv"),
                                  UprFile("sessions-10-13.csv"), UprFile("sessions-14-17.csv"),
                                  votes + "resolutions.csv", votes + "votes_long.csv"},
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
    o.vote_copies = 0;  // the tests of the votes ask for them
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

// The source's own counts, by SQL on the source file.
int64_t SourceInt(const std::string& source, const std::string& sql) {
  auto s = store::Store::Open(source, store::OpenMode::kExisting);
  EXPECT_TRUE(s.ok());
  if (!s.ok()) return -1;
  auto v = (*s)->db().QueryInt(sql);
  EXPECT_TRUE(v.ok()) << sql;
  return v.ok() ? *v : -1;
}

TEST_F(ScaleData, CopiesTheCouncilsRecordAsItIs) {
  ScaleOptions o = Options("votes1.db", 100, 3);
  o.vote_copies = 1;
  auto report = GenerateScaledDatabase(o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const int64_t resolutions = SourceInt(source_, "SELECT count(*) FROM resolution");
  const int64_t votes = SourceInt(source_, "SELECT count(*) FROM vote");
  ASSERT_GT(votes, 80000);
  EXPECT_EQ(report->resolutions, resolutions);
  EXPECT_EQ(report->votes, votes);
  EXPECT_EQ(report->votes_changed, 0);
  auto s = OpenWithSource(o.output_path);
  ASSERT_TRUE(s);
  // Every resolution and vote as in the source, with its counts and reconciliation flag.
  EXPECT_EQ(Int(*s,
                "SELECT count(*) FROM resolution o JOIN src.resolution r ON r.id = o.id "
                "WHERE o.record_id = r.record_id AND o.uid = r.uid AND o.symbol = r.symbol "
                "AND o.title = r.title AND o.date = r.date AND o.counted_votes = r.counted_votes "
                "AND o.reconciles IS r.reconciles AND o.source_line = r.id"),
            resolutions);
  EXPECT_EQ(Int(*s,
                "SELECT count(*) FROM vote o JOIN src.vote v ON v.resolution_id = o.resolution_id "
                "AND v.state = o.state AND v.vote = o.vote"),
            votes);
  EXPECT_EQ(Int(*s, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

TEST_F(ScaleData, MultipliesTheRollCallsWithPerturbedVotes) {
  ScaleOptions o = Options("votes2.db", 100, 9);
  o.vote_copies = 2;
  o.vote_noise = 0.1;
  auto report = GenerateScaledDatabase(o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const int64_t resolutions = SourceInt(source_, "SELECT count(*) FROM resolution");
  const int64_t roll_calls = SourceInt(source_, "SELECT count(DISTINCT resolution_id) FROM vote");
  const int64_t votes = SourceInt(source_, "SELECT count(*) FROM vote");
  const int64_t cast =
      SourceInt(source_, "SELECT count(*) FROM vote WHERE vote IN ('yes', 'no', 'abstain')");
  EXPECT_EQ(report->resolutions, resolutions + roll_calls);
  EXPECT_EQ(report->votes, 2 * votes);
  auto s = OpenWithSource(o.output_path);
  ASSERT_TRUE(s);
  EXPECT_EQ(Int(*s, "SELECT count(*) FROM resolution"), resolutions + roll_calls);
  EXPECT_EQ(Int(*s, "SELECT count(*) FROM vote"), 2 * votes);
  // Copy k of a roll call: its own record number k * 10^d + R (d: digits above every real one)
  // and uid, the real resolution's id as its source line, the same title and the same voters.
  const int64_t max_record = SourceInt(source_, "SELECT max(record_id) FROM resolution");
  int64_t stride = 10;
  while (stride <= max_record) stride *= 10;
  {
    const std::string copy =
        "FROM resolution o JOIN src.resolution r ON r.id = o.source_line AND o.record_id = " +
        std::to_string(stride) + " + r.record_id ";
    EXPECT_EQ(Int(*s, "SELECT count(*) " + copy +
                          "WHERE o.uid = 'ohchr-' || o.record_id AND o.title = r.title"),
              roll_calls);
    // Non-voting and blank stay, so every copy lists the same states, each with one vote.
    EXPECT_EQ(Int(*s, "SELECT count(*) " + copy +
                          "JOIN vote ov ON ov.resolution_id = o.id JOIN src.vote rv ON "
                          "rv.resolution_id = r.id AND rv.state = ov.state AND (rv.vote = ov.vote "
                          "OR (rv.vote IN ('yes', 'no', 'abstain') AND ov.vote IN ('yes', 'no', "
                          "'abstain')))"),
              votes);
  }
  // About a tenth of the copy's yes, no and abstain changed (78,813: 7,881 expected, the standard
  // deviation about 84), counted by comparing with the source.
  const int64_t changed =
      Int(*s,
          "SELECT count(*) FROM resolution o JOIN vote ov ON ov.resolution_id = o.id "
          "JOIN src.vote rv ON rv.resolution_id = o.source_line AND rv.state = ov.state "
          "WHERE o.record_id > " +
              std::to_string(stride) + " AND rv.vote <> ov.vote");
  EXPECT_EQ(changed, report->votes_changed);
  EXPECT_NEAR(static_cast<double>(changed), 0.1 * static_cast<double>(cast),
              0.01 * static_cast<double>(cast));
  // The copies' counted votes are recounted from their votes.
  EXPECT_EQ(Int(*s,
                "SELECT count(*) FROM resolution r WHERE counted_yes <> (SELECT count(*) FROM "
                "vote WHERE resolution_id = r.id AND vote = 'yes') OR counted_votes <> (SELECT "
                "count(*) FROM vote WHERE resolution_id = r.id)"),
            0);
  EXPECT_EQ(Int(*s, "SELECT count(*) FROM pragma_foreign_key_check"), 0);

  // The same seed gives the same votes, another seed others; the recommendations do not depend
  // on the votes.
  ScaleOptions again = o;
  again.output_path = dir_->File("votes2-again.db");
  ScaleOptions other = o;
  other.output_path = dir_->File("votes2-other.db");
  other.seed = 10;
  for (const ScaleOptions* one : {&again, &other}) ASSERT_TRUE(GenerateScaledDatabase(*one).ok());
  ScaleOptions none = o;
  none.output_path = dir_->File("votes2-none.db");
  none.vote_copies = 0;
  ASSERT_TRUE(GenerateScaledDatabase(none).ok());
  auto votes_dump = [&](const std::string& path) {
    auto db = OpenWithSource(path);
    return db ? Text(*db,
                     "SELECT group_concat(resolution_id || state || vote, ',') FROM "
                     "(SELECT * FROM vote ORDER BY resolution_id, state)")
              : std::string();
  };
  EXPECT_EQ(votes_dump(o.output_path), votes_dump(again.output_path));
  EXPECT_NE(votes_dump(o.output_path), votes_dump(other.output_path));
  EXPECT_EQ(Dump(o.output_path), Dump(none.output_path));
  auto no_votes = OpenWithSource(none.output_path);
  ASSERT_TRUE(no_votes);
  EXPECT_EQ(Int(*no_votes, "SELECT count(*) FROM resolution"), 0);
}

TEST_F(ScaleData, RefusesBadVoteOptions) {
  ScaleOptions copies = Options("copies-bad.db", 10, 1);
  copies.vote_copies = -1;
  EXPECT_EQ(GenerateScaledDatabase(copies).status().code(), StatusCode::kInvalidArgument);
  ScaleOptions noise = Options("noise-bad.db", 10, 1);
  noise.vote_noise = 1.5;
  EXPECT_EQ(GenerateScaledDatabase(noise).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(noise.output_path));
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

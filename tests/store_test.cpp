// The SQLite store: schema versioning and forward migrations, refusal of foreign, newer,
// damaged and truncated files.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <tuple>

#include "core/dup_key.h"
#include "core/identity.h"
#include "core/states.h"
#include "ingest/importer.h"
#include "store/bulk_writer.h"
#include "store/store.h"
#include "test_util.h"

namespace openupr::store {
namespace {

using testing::TempDir;

TEST(Store, CreatesTheCurrentSchemaWithReferenceData) {
  TempDir dir;
  auto s = Store::Open(dir.File("sub/folder/db.sqlite"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->schema_version(), BuiltinMigrations().back().version);
  EXPECT_EQ(*(*s)->db().QueryInt("PRAGMA user_version"), BuiltinMigrations().back().version);
  EXPECT_EQ(*(*s)->db().QueryInt("PRAGMA page_size"), kPageSize);
  EXPECT_EQ(*(*s)->db().QueryInt("PRAGMA application_id"), kApplicationId);
  EXPECT_EQ(*(*s)->db().QueryInt("SELECT count(*) FROM state"), 195);
  EXPECT_EQ(*(*s)->db().QueryInt("SELECT count(*) FROM session"), 54);
  EXPECT_EQ(*(*s)->db().QueryInt("SELECT cycle FROM session WHERE number = 27"), 3);
  EXPECT_EQ(*(*s)->db().QueryInt("PRAGMA foreign_keys"), 1);
  auto mode = (*s)->db().QueryText("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(*mode, "wal");
}

TEST(Store, RefreshesReferenceDataWhenTheProgramsTableChanged) {
  TempDir dir;
  const std::string path = dir.File("db");
  {
    auto s = Store::Open(path);
    ASSERT_TRUE(s.ok());
    // As if an older program had written other reference facts.
    ASSERT_TRUE((*s)->db().Exec("UPDATE state SET region = 'weog' WHERE iso3 = 'CHN'").ok());
    ASSERT_TRUE((*s)->db().Exec("UPDATE meta SET value = 'old' WHERE key = 'reference_digest'").ok());
  }
  auto s = Store::Open(path, OpenMode::kExisting);
  ASSERT_TRUE(s.ok());
  auto region = (*s)->db().Prepare("SELECT region FROM state WHERE iso3 = 'CHN'");
  ASSERT_TRUE(region.ok());
  ASSERT_TRUE(*region->Step());
  EXPECT_EQ(region->String(0), "asia-pacific");
}

TEST(Store, ExistingModeRefusesAMissingFile) {
  TempDir dir;
  auto s = Store::Open(dir.File("none.db"), OpenMode::kExisting);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.File("none.db")));
}

const int kLatest = BuiltinMigrations().back().version;
const Migration kNextTest = {kLatest + 1, "test: a follow-up table",
                             "CREATE TABLE follow_up (id INTEGER PRIMARY KEY, note TEXT);"};

TEST(Store, MigratesForwardAndKeepsData) {
  TempDir dir;
  const std::string path = dir.File("db");
  {
    auto s = Store::Open(path);
    ASSERT_TRUE(s.ok());
    auto r = ingest::ImportFiles(
        **s,
        {dir.Write("a.csv", std::string(testing::kHeader) +
                                "\nChad,Africa,AU,Ratify the CAT,Chile,GRULAC,OAS,Accepted,5,T,6\n")},
        {});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  }
  std::vector<Migration> v2(BuiltinMigrations().begin(), BuiltinMigrations().end());
  v2.push_back(kNextTest);
  {
    auto s = Store::Open(path, OpenMode::kExisting, v2);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ((*s)->schema_version(), kLatest + 1);
    EXPECT_EQ(*(*s)->db().QueryInt("PRAGMA user_version"), kLatest + 1);
    EXPECT_EQ(*(*s)->db().QueryInt("SELECT count(*) FROM recommendation"), 1);
    EXPECT_TRUE((*s)->db().Exec("INSERT INTO follow_up(note) VALUES ('x')").ok());
  }
  // This program refuses the newer file and leaves it alone.
  auto old = Store::Open(path);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), StatusCode::kBadInput);
  EXPECT_NE(old.status().message().find("newer"), std::string::npos) << old.status().message();
}

TEST(Store, AFailingMigrationChangesNothing) {
  TempDir dir;
  const std::string path = dir.File("db");
  ASSERT_TRUE(Store::Open(path).ok());
  std::vector<Migration> bad(BuiltinMigrations().begin(), BuiltinMigrations().end());
  bad.push_back(
      {kLatest + 1, "broken", "CREATE TABLE ok_table (x); CREATE TABLE recommendation (y);"});
  auto s = Store::Open(path, OpenMode::kExisting, bad);
  ASSERT_FALSE(s.ok());
  auto again = Store::Open(path);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*(*again)->db().QueryInt("PRAGMA user_version"), kLatest);
  EXPECT_EQ(*(*again)->db().QueryInt("SELECT count(*) FROM sqlite_master WHERE name = 'ok_table'"), 0);
}

std::string OneRow(const std::string& sur, const std::string& text) {
  return "\n" + sur + ",,," + text + ",France,WEOG,,Accepted,4,Torture,6";
}

int64_t FtsIntegrityErrors(Store& s) {
  return s.db()
                 .Exec("INSERT INTO recommendation_fts(recommendation_fts, rank) "
                       "VALUES ('integrity-check', 1)")
                 .ok()
             ? 0
             : 1;
}

int64_t FtsMatches(Store& s, const std::string& term) {
  auto stmt = s.db().Prepare(
      "SELECT count(*) FROM recommendation_fts WHERE recommendation_fts MATCH ?");
  EXPECT_TRUE(stmt.ok());
  stmt->Bind(1, term);
  EXPECT_TRUE(*stmt->Step());
  return stmt->Int(0);
}

TEST(Store, TheFullTextIndexIsFilledOnDemandAfterImports) {
  TempDir dir;
  auto s = Store::Open(dir.File("db"));
  ASSERT_TRUE(s.ok());
  Store& st = **s;
  auto r = ingest::ImportFiles(
      st, {dir.Write("a.csv", std::string(testing::kHeader) + OneRow("Chad", "Ratify the CAT") +
                                  OneRow("Chile", "End torture"))},
      {});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  // A bulk load into an empty store drops and rebuilds the secondary indexes: it is back.
  EXPECT_EQ(*st.db().QueryInt("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = "
                              "'recommendation_sur_session'"),
            1);
  // The import wrote the record only.
  EXPECT_EQ(*st.FullTextIndexedThrough(), 0);
  EXPECT_EQ(FtsMatches(st, "torture"), 0);
  EXPECT_EQ(*st.EnsureFullTextIndex(), 2);
  EXPECT_EQ(*st.FullTextIndexedThrough(), 2);
  EXPECT_EQ(FtsMatches(st, "torture"), 1);
  EXPECT_EQ(*st.EnsureFullTextIndex(), 0);  // current: nothing to do

  r = ingest::ImportFiles(
      st, {dir.Write("b.csv", std::string(testing::kHeader) + OneRow("Cuba", "Prevent torture"))},
      {});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(FtsMatches(st, "torture"), 1);
  EXPECT_EQ(*st.EnsureFullTextIndex(), 1);
  EXPECT_EQ(FtsMatches(st, "torture"), 2);
  EXPECT_EQ(FtsIntegrityErrors(st), 0);

  // Deleting or editing a row the index does not hold yet must not touch the index.
  r = ingest::ImportFiles(
      st, {dir.Write("c.csv", std::string(testing::kHeader) + OneRow("Chad", "Torture again") +
                                  OneRow("Chile", "More torture"))},
      {});
  ASSERT_TRUE(r.status.ok());
  ASSERT_TRUE(st.db().Exec("DELETE FROM recommendation WHERE id = 4").ok());
  ASSERT_TRUE(st.db().Exec("UPDATE recommendation SET text = 'Stop torture' WHERE id = 1").ok());
  // (An integrity check here would fail: the index is behind the content table by design.)
  EXPECT_EQ(*st.EnsureFullTextIndex(), 1);  // of ids 4 and 5, 5 remains to index
  EXPECT_EQ(FtsMatches(st, "torture"), 4);  // 1 (edited), 2, 3, 5
  EXPECT_EQ(FtsIntegrityErrors(st), 0);
}

// GET /api/v1/about reads this: counts over recommendations and pledges, and every file with the
// time of its import.
TEST(Store, SummaryCountsBothRecordKindsAndListsFilesWithTheirImportTime) {
  TempDir dir;
  auto s = Store::Open(dir.File("db"));
  ASSERT_TRUE(s.ok());
  Store& st = **s;
  auto empty = st.GetSummary();
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->states, 0);
  EXPECT_EQ(empty->sessions, 0);
  EXPECT_TRUE(empty->sources.empty());
  EXPECT_EQ(empty->schema_version, st.schema_version());
  // Two recommendations to Chad and Chile by France (session 6, cycle 1); a pledge by Peru in
  // session 19 (cycle 2); then a second import.
  auto r = ingest::ImportFiles(
      st,
      {dir.Write("a.csv", std::string(testing::kHeader) + OneRow("Chad", "Ratify the CAT") +
                              OneRow("Chile", "End torture") +
                              "\nPeru,,,Set up a mechanism,Peru,GRULAC,,Voluntary Pledge,4,"
                              "Torture,19")},
      {});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  r = ingest::ImportFiles(st,
                          {dir.Write("b.csv", std::string(testing::kHeader) +
                                                  OneRow("Chad", "Abolish the death penalty"))},
                          {});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  auto sum = st.GetSummary();
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(sum->counts.recommendations, 3);
  EXPECT_EQ(sum->counts.pledges, 1);
  EXPECT_EQ(sum->states, 4);    // TCD, CHL, FRA, and PER by its pledge
  EXPECT_EQ(sum->sessions, 2);  // 6 and 19
  EXPECT_EQ(sum->cycles, 2);
  ASSERT_EQ(sum->sources.size(), 2u);
  EXPECT_EQ(sum->sources[0].path, dir.File("a.csv"));
  EXPECT_EQ(sum->sources[0].rows, 3);
  EXPECT_EQ(sum->sources[0].added, 3);
  EXPECT_EQ(sum->sources[1].path, dir.File("b.csv"));
  EXPECT_EQ(sum->sources[1].import_id, sum->sources[0].import_id + 1);
  for (const auto& f : sum->sources) {
    EXPECT_EQ(f.imported_at.size(), 24u) << f.imported_at;  // 2026-11-23T12:58:25.378Z
    EXPECT_EQ(f.imported_at.back(), 'Z');
  }
  EXPECT_LE(sum->sources[0].imported_at, sum->sources[1].imported_at);
  auto found = st.FindSourceFileByHash(sum->sources[1].content_hash);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->imported_at, sum->sources[1].imported_at);
}

// Rows as an earlier version's import wrote them: an import, a source file and, for each
// (state under review, recommending state or "" for unknown, text, response), a recommendation
// of session 6 with the theme Torture; then pledges of session 6 by each given state. Raw SQL,
// since this version's importer writes columns those versions lack (uid, version 7).
void InsertAsAnEarlierVersion(
    Database& db, const std::vector<std::tuple<std::string, std::string, std::string, std::string>>& recs,
    const std::vector<std::pair<std::string, std::string>>& pledges = {}) {
  ASSERT_TRUE(db.Exec("INSERT INTO import(id, started_at, tool, options) VALUES "
                      "(1, '2026-01-01T00:00:00.000Z', 'openupr import', '{}');"
                      "INSERT INTO source_file(id, import_id, path, content_hash, bytes, format, "
                      "encoding, line_ends, rows, added, repeats, already_present, skipped) "
                      "VALUES (1, 1, 'a.csv', 'blake2b:00', 1, 'upr-info', 'utf-8', 'lf', 1, 1, "
                      "0, 0, 0);"
                      "INSERT INTO theme(id, name) VALUES (1, 'Torture');")
                  .ok());
  int64_t id = 0;
  for (const auto& [sur, from, text, response] : recs) {
    ++id;
    auto r = db.Prepare(
        "INSERT INTO recommendation(id, sur, session, cycle, text, dup_key, response, "
        "response_raw, action, source_file_id, source_line) VALUES (?, ?, 6, 1, ?, ?, ?, ?, 4, "
        "1, ?)");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    r->Bind(1, id).Bind(2, sur).Bind(3, text).Bind(4, "old" + std::to_string(id));
    r->Bind(5, response == "Accepted" ? "supported" : "noted").Bind(6, response).Bind(7, id + 1);
    ASSERT_TRUE(r->Run().ok());
    auto f = db.Prepare(
        "INSERT INTO recommending_state(recommendation_id, position, state, raw_name) "
        "VALUES (?, 0, ?, ?)");
    ASSERT_TRUE(f.ok());
    f->Bind(1, id);
    if (from.empty()) {
      f->Bind(2, std::optional<std::string>()).Bind(3, "(Unknown)");
    } else {
      f->Bind(2, from).Bind(3, FindStateByIso3(from)->un_name);
    }
    ASSERT_TRUE(f->Run().ok());
    auto t = db.Prepare("INSERT INTO recommendation_theme(recommendation_id, theme_id) VALUES (?, 1)");
    ASSERT_TRUE(t.ok());
    t->Bind(1, id);
    ASSERT_TRUE(t->Run().ok());
  }
  int64_t pid = 0;
  for (const auto& [state, text] : pledges) {
    ++pid;
    auto p = db.Prepare(
        "INSERT INTO pledge(id, state, session, cycle, text, dup_key, source_file_id, "
        "source_line) VALUES (?, ?, 6, 1, ?, ?, 1, ?)");
    ASSERT_TRUE(p.ok());
    p->Bind(1, pid).Bind(2, state).Bind(3, text).Bind(4, "old" + std::to_string(pid));
    p->Bind(5, 100 + pid);
    ASSERT_TRUE(p->Run().ok());
  }
}

// A file created with the first `version` migrations only, holding one recommendation as that
// version's import stored it (Chad, "End torture"); null on failure (reported).
std::unique_ptr<Store> OpenAtVersionWithOneRow(TempDir&, const std::string& path,
                                               size_t version) {
  auto s = Store::Open(path, OpenMode::kCreate, BuiltinMigrations().first(version));
  if (!s.ok()) {
    ADD_FAILURE() << s.status().ToString();
    return nullptr;
  }
  InsertAsAnEarlierVersion((*s)->db(), {{"TCD", "FRA", "End torture", "Accepted"}});
  if (::testing::Test::HasFatalFailure()) return nullptr;
  return std::move(s).value();
}

TEST(Store, MigratingAVersion1FileKeepsItsFullTextIndex) {
  TempDir dir;
  const std::string path = dir.File("db");
  {
    // A version-1 file: its full-text index held every row.
    auto s = OpenAtVersionWithOneRow(dir, path, 1);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->db().Exec("INSERT INTO recommendation_fts(recommendation_fts) "
                             "VALUES ('rebuild')").ok());
  }
  auto s = Store::Open(path, OpenMode::kExisting);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*(*s)->FullTextIndexedThrough(), 1);
  EXPECT_EQ(*(*s)->EnsureFullTextIndex(), 0);
  EXPECT_EQ(FtsMatches(**s, "torture"), 1);
  ASSERT_TRUE((*s)->db().Exec("DELETE FROM recommendation WHERE id = 1").ok());
  EXPECT_EQ(FtsMatches(**s, "torture"), 0);  // the delete trigger still runs for indexed rows
  EXPECT_EQ(FtsIntegrityErrors(**s), 0);
}

TEST(Store, MigratingAVersion2FileRewritesTheResponseCheckAndKeepsItsRows) {
  TempDir dir;
  const std::string path = dir.File("db");
  ASSERT_TRUE(OpenAtVersionWithOneRow(dir, path, 2));
  auto s = Store::Open(path, OpenMode::kExisting);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Database& db = (*s)->db();
  auto sql = db.Prepare("SELECT sql FROM sqlite_master WHERE name = 'recommendation'");
  ASSERT_TRUE(sql.ok());
  ASSERT_TRUE(*sql->Step());
  const std::string table = sql->String(0);
  EXPECT_NE(table.find("response = 'supported' OR response = 'noted' OR response = 'other'"),
            std::string::npos)
      << table;
  EXPECT_EQ(table.find("IN ("), std::string::npos) << table;
  EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM recommendation"), 1);
  auto check = db.Prepare("PRAGMA integrity_check");
  ASSERT_TRUE(check.ok());
  ASSERT_TRUE(*check->Step());
  EXPECT_EQ(check->String(0), "ok");
  // The check still refuses what it refused, on this connection and on a new one.
  const char* bad =
      "UPDATE recommendation SET response = 'rejected' WHERE id = 1";
  EXPECT_FALSE(db.Exec(bad).ok());
  auto other = Database::Open(path, false, false);
  ASSERT_TRUE(other.ok());
  const Status refused = (*other)->Exec(bad);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("CHECK constraint failed"), std::string::npos)
      << refused.ToString();
  EXPECT_TRUE(db.Exec("UPDATE recommendation SET response = 'noted' WHERE id = 1").ok());
}

// Version 5 changed how duplicate keys are hashed (XXH3 instead of BLAKE2b): every stored key is
// recomputed, so that the next import still recognises the rows already stored.
TEST(Store, MigratingAVersion4FileRecomputesTheDuplicateKeys) {
  TempDir dir;
  const std::string path = dir.File("db");
  {
    auto s = Store::Open(path, OpenMode::kCreate, BuiltinMigrations().first(4));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    // The keys an older version wrote (BLAKE2b digests) match nothing this version computes:
    // the helper stores "old1", "old2".
    InsertAsAnEarlierVersion((*s)->db(),
                             {{"TCD", "FRA", "End torture", "Accepted"},
                              {"TCD", "", "Abolish the death penalty", "Noted"}},
                             {{"TCD", "Pledges to end torture."}});
  }
  auto s = Store::Open(path, OpenMode::kExisting);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Database& db = (*s)->db();
  std::vector<std::string> keys;
  ASSERT_TRUE(db.ForEachRow("SELECT dup_key FROM recommendation ORDER BY id",
                            [&](Statement& row) { keys.push_back(row.String(0)); })
                  .ok());
  Recommendation chad;
  chad.sur = "TCD";
  chad.from = {{"FRA", "France"}};
  chad.session = 6;
  chad.text = "End torture";
  Recommendation unknown = chad;
  unknown.from = {{"", "(Unknown)"}};
  unknown.text = "Abolish the death penalty";
  EXPECT_EQ(keys, (std::vector<std::string>{RecommendationKey(chad), RecommendationKey(unknown)}));
  Pledge pledge;
  pledge.state = "TCD";
  pledge.session = 6;
  pledge.text = "Pledges to end torture.";
  EXPECT_EQ(*db.QueryText("SELECT dup_key FROM pledge"), PledgeKey(pledge));
  // The same rows from other bytes: all already present, nothing added.
  auto again = ingest::ImportFiles(
      **s,
      {dir.Write("b.csv", std::string(testing::kHeader) + OneRow("Chad", "End  torture.") +
                              "\nChad,,,Pledges to end torture,Chad,,,Voluntary Pledge,,Torture,6" +
                              "\nChad,,,Abolish the death penalty,(Unknown),,,Noted,,,6")},
      {});
  ASSERT_TRUE(again.status.ok()) << again.status.ToString();
  EXPECT_EQ(again.added, 0);
  EXPECT_EQ(again.already_present, 3);
}

TEST(Store, MigratingAVersion3FileDropsTheLinkTablesSecondaryIndexes) {
  TempDir dir;
  const std::string path = dir.File("db");
  ASSERT_TRUE(OpenAtVersionWithOneRow(dir, path, 3));
  auto index_names = [](Database& db) {
    std::string names;
    EXPECT_TRUE(db.ForEachRow("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS "
                              "NOT NULL ORDER BY name",
                              [&](Statement& s) { names += s.String(0) + " "; })
                    .ok());
    return names;
  };
  {
    auto v3 = Database::Open(path, false, false);
    ASSERT_TRUE(v3.ok());
    EXPECT_EQ(index_names(**v3),
              "recommendation_sur_session recommendation_theme_theme recommending_state_state ");
  }
  auto s = Store::Open(path, OpenMode::kExisting);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Database& db = (*s)->db();
  // (Version 7 then adds the uids' unique indexes, version 8 the resolutions' symbols', version
  // 10 the UHRI records' links to recommendations and states.)
  EXPECT_EQ(index_names(db),
            "pledge_uid recommendation_sur_session recommendation_uid resolution_symbol "
            "uhri_record_recommendation uhri_record_state_state ");
  EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM recommendation"), 1);
  // The filters' lookups go through the link tables' primary keys.
  auto plan = db.Prepare(
      "EXPLAIN QUERY PLAN SELECT count(*) FROM recommendation r WHERE EXISTS (SELECT 1 FROM "
      "recommending_state fs WHERE fs.recommendation_id = r.id AND fs.state IN ('FRA'))");
  ASSERT_TRUE(plan.ok());
  std::string steps;
  ASSERT_TRUE(plan->ForEachRow([&](Statement& p) { steps += p.String(3) + "\n"; }).ok());
  EXPECT_NE(steps.find("SEARCH fs USING PRIMARY KEY (recommendation_id=?)"), std::string::npos)
      << steps;
}

// An import row and a source file row for a bulk writer's rows to point to; the source file's id.
int64_t AddSourceFile(Store& st) {
  auto import_id = st.InsertImport("test", "{}");
  EXPECT_TRUE(import_id.ok());
  SourceFileRecord sf;
  sf.import_id = import_id.ok() ? *import_id : 0;
  sf.path = "a.csv";
  sf.content_hash = "h";
  auto sf_id = st.InsertSourceFile(sf);
  EXPECT_TRUE(sf_id.ok());
  return sf_id.ok() ? *sf_id : 0;
}

// France, session 2, recommended by Mexico.
Recommendation ARecommendationToFrance() {
  Recommendation rec;
  rec.sur = "FRA";
  rec.session = 2;
  rec.cycle = 1;
  rec.text = "Ratify the convention";
  rec.from.push_back({"MEX", "Mexico"});
  rec.uid = "FRA-02-0123456789ab";
  return rec;
}

// Imports write in a transaction where SQLite does not check foreign keys: the bulk writer
// checks every reference itself, and SQLite checks again once the transaction is over.
TEST(Store, TheBulkWriterRefusesReferencesWithoutAParentRow) {
  TempDir dir;
  auto s = Store::Open(dir.File("db"));
  ASSERT_TRUE(s.ok());
  Store& st = **s;
  auto fk_on = [&] { return *st.db().QueryInt("PRAGMA foreign_keys"); };
  ASSERT_EQ(fk_on(), 1);
  auto try_add = [&](auto edit) {
    auto tx = Transaction::Begin(st.db(), Transaction::ForeignKeys::kCheckedByCaller);
    EXPECT_TRUE(tx.ok());
    EXPECT_EQ(fk_on(), 0);
    int64_t source_file = AddSourceFile(st);
    auto w = RecommendationWriter::Begin(st, 1);
    EXPECT_TRUE(w.ok());
    Recommendation rec = ARecommendationToFrance();
    rec.provenance.line = 7;
    edit(rec, source_file);
    const std::string key = "k";
    auto id = (*w)->Add(rec, key, source_file);
    Status st_add = id.ok() ? (*w)->Finish() : id.status();
    return st_add;  // (rolled back when tx goes)
  };
  EXPECT_TRUE(try_add([](Recommendation&, int64_t&) {}).ok());
  const std::vector<std::pair<std::string, std::function<void(Recommendation&, int64_t&)>>> bad = {
      {"names state 'XXX'", [](Recommendation& r, int64_t&) { r.sur = "XXX"; }},
      {"names session 99", [](Recommendation& r, int64_t&) { r.session = 99; }},
      {"made by state 'YYY'", [](Recommendation& r, int64_t&) { r.from[0].iso3 = "YYY"; }},
      {"has no source_file row", [](Recommendation&, int64_t& sf) { sf += 100; }},
      {"repeats recommendation #4242",
       [](Recommendation& r, int64_t&) { r.duplicate_of = 4242; }},
      {"has no uid", [](Recommendation& r, int64_t&) { r.uid.clear(); }},
  };
  for (const auto& [needle, edit] : bad) {
    SCOPED_TRACE(needle);
    const Status refused = try_add(edit);
    EXPECT_EQ(refused.code(), StatusCode::kInternal);
    EXPECT_NE(refused.message().find(needle), std::string::npos) << refused.ToString();
    EXPECT_NE(refused.message().find("line 7"), std::string::npos) << refused.ToString();
  }
  EXPECT_EQ(fk_on(), 1);  // back on after every rollback
  EXPECT_EQ(*st.db().QueryInt("SELECT count(*) FROM recommendation"), 0);
}

// Sources list a theme or a goal twice in one row: one link each (the tables' keys), and the
// same theme in two rows is a link for each.
TEST(Store, TheBulkWriterLinksARepeatedThemeOrGoalOnce) {
  TempDir dir;
  auto s = Store::Open(dir.File("db"));
  ASSERT_TRUE(s.ok());
  Store& st = **s;
  auto tx = Transaction::Begin(st.db(), Transaction::ForeignKeys::kCheckedByCaller);
  ASSERT_TRUE(tx.ok());
  const int64_t sf_id = AddSourceFile(st);
  auto w = RecommendationWriter::Begin(st, 2);
  ASSERT_TRUE(w.ok());
  Recommendation a = ARecommendationToFrance();
  a.themes = {"Torture", "Women's rights", "Torture", "torture"};
  a.sdgs = {"5", "5.1", "5", "16.3", "5.1"};
  Recommendation b = a;
  b.uid = "FRA-02-0123456789ab-2";
  b.themes = {"Torture"};
  b.sdgs = {"5"};
  const std::string key_a = "a", key_b = "b";
  ASSERT_TRUE((*w)->Add(a, key_a, sf_id).ok());
  ASSERT_TRUE((*w)->Add(b, key_b, sf_id).ok());
  ASSERT_TRUE((*w)->Finish().ok());
  ASSERT_TRUE((*tx)->Commit().ok());
  auto count = [&](const char* sql) { return *st.db().QueryInt(sql); };
  EXPECT_EQ(count("SELECT count(*) FROM recommendation_theme WHERE recommendation_id = 1"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM recommendation_theme WHERE recommendation_id = 2"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM theme"), 2);  // names compare without case
  EXPECT_EQ(count("SELECT count(*) FROM recommendation_sdg WHERE recommendation_id = 1"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM recommendation_sdg WHERE recommendation_id = 2"), 1);
}

std::string JournalMode(Database& db) {
  auto mode = db.QueryText("PRAGMA journal_mode");
  return mode.ok() ? *mode : mode.status().ToString();
}

TEST(Store, BulkLoadsUseTheRollbackJournalOnlyWhenAloneWithTheFile) {
  TempDir dir;
  const std::string path = dir.File("db");
  auto s = Store::Open(path);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Database& db = (*s)->db();
  {
    RollbackJournalScope journal(db);
    EXPECT_TRUE(journal.active());
    EXPECT_EQ(JournalMode(db), "delete");
    EXPECT_EQ(*db.QueryInt("PRAGMA synchronous"), 2);  // FULL
  }
  EXPECT_EQ(JournalMode(db), "wal");
  EXPECT_EQ(*db.QueryInt("PRAGMA synchronous"), 1);  // NORMAL

  // Another connection that has read the file: WAL stays, and so does its snapshot.
  auto other = Database::Open(path, /*create=*/false, /*read_only=*/false);
  ASSERT_TRUE(other.ok());
  ReadSnapshot snapshot(**other);
  ASSERT_TRUE(snapshot.Begin().ok());
  EXPECT_EQ(*(*other)->QueryInt("SELECT count(*) FROM theme"), 0);
  {
    RollbackJournalScope journal(db);
    EXPECT_FALSE(journal.active());
    EXPECT_EQ(JournalMode(db), "wal");
    EXPECT_EQ(*db.QueryInt("PRAGMA synchronous"), 1);
    ASSERT_TRUE(db.Exec("INSERT INTO theme(name) VALUES ('Death penalty')").ok());
  }
  EXPECT_EQ(*(*other)->QueryInt("SELECT count(*) FROM theme"), 0);
  EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM theme"), 1);
}

// `openupr import` creates a new file with the rollback journal, which its bulk load uses, and
// the file is in WAL once the load is done, or else once the store is closed.
TEST(Store, ANewFileForAnImportKeepsTheRollbackJournalUntilTheLoadOrTheClose) {
  TempDir dir;
  const std::string path = dir.File("db");
  {
    auto s = Store::Open(path, OpenMode::kCreateForImport);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    Database& db = (*s)->db();
    EXPECT_EQ(*db.QueryInt("PRAGMA user_version"), BuiltinMigrations().back().version);
    EXPECT_EQ(*db.QueryInt("SELECT count(*) FROM state"), 195);
    EXPECT_EQ(JournalMode(db), "delete");
    EXPECT_EQ(*db.QueryInt("PRAGMA synchronous"), 2);  // FULL, as the rollback journal needs
    {
      RollbackJournalScope journal(db);
      EXPECT_TRUE(journal.active());
      EXPECT_EQ(JournalMode(db), "delete");
      ASSERT_TRUE(db.Exec("INSERT INTO theme(name) VALUES ('Death penalty')").ok());
    }
    EXPECT_EQ(JournalMode(db), "wal");
    EXPECT_EQ(*db.QueryInt("PRAGMA synchronous"), 1);  // NORMAL
  }
  // Opened again for an import: an existing file is in WAL.
  {
    auto s = Store::Open(path, OpenMode::kCreateForImport);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(JournalMode((*s)->db()), "wal");
    EXPECT_EQ(*(*s)->db().QueryInt("SELECT count(*) FROM theme"), 1);
  }
  // A new file no load used: WAL once closed (read from the file's header by a reader).
  const std::string unused = dir.File("unused");
  ASSERT_TRUE(Store::Open(unused, OpenMode::kCreateForImport).ok());
  auto reader = Database::Open(unused, /*create=*/false, /*read_only=*/true);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(JournalMode(**reader), "wal");
}

TEST(Store, RefusesAForeignSqliteDatabase) {
  TempDir dir;
  const std::string path = dir.File("other.db");
  {
    auto db = Database::Open(path, true, false);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE accounts (id INTEGER)").ok());
  }
  auto s = Store::Open(path);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kBadInput);
  EXPECT_NE(s.status().message().find("not an OpenUPR database"), std::string::npos);
  auto db = Database::Open(path, false, false);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM sqlite_master"), 1);  // untouched
}

TEST(Store, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  const std::string path = dir.Write("notes.db", "To,To-Rgrp\nthis is a CSV file, not SQLite\n");
  auto s = Store::Open(path);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kBadInput);
  EXPECT_EQ(testing::ReadAll(path), "To,To-Rgrp\nthis is a CSV file, not SQLite\n");
}

TEST(Store, ATruncatedDatabaseIsReportedAsBadInput) {
  TempDir dir;
  const std::string path = dir.File("db");
  {
    auto s = Store::Open(path);
    ASSERT_TRUE(s.ok());
    std::string csv = testing::kHeader;
    for (int i = 0; i < 3000; ++i)
      csv += "\nChad,Africa,AU,Recommendation number " + std::to_string(i) +
             " on the protection of human rights defenders,Chile,GRULAC,OAS,Accepted,5,T,6";
    ASSERT_TRUE(ingest::ImportFiles(**s, {dir.Write("a.csv", csv)}, {}).status.ok());
    ASSERT_TRUE((*s)->db().Exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  }
  const auto size = std::filesystem::file_size(path);
  ASSERT_GT(size, 100000u);
  std::filesystem::resize_file(path, size / 2);
  auto s = Store::Open(path, OpenMode::kExisting);
  Status st = s.ok() ? s.value()->GetCounts().status() : s.status();
  if (st.ok() && s.ok()) {
    auto recs = s.value()->db().QueryInt("SELECT sum(length(text)) FROM recommendation");
    st = recs.status();
  }
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kBadInput) << st.ToString();
}


// Version 7 gives every stored recommendation and pledge its uid, made from its own state,
// session and duplicate key, numbered by occurrence among the rows sharing a key; the same
// rows imported by this version get the same uids.
TEST(Store, MigratingAVersion6FileGivesEveryRecordTheUidAnImportWould) {
  TempDir dir;
  const std::string path = dir.File("db");
  {
    auto s = Store::Open(path, OpenMode::kCreate, BuiltinMigrations().first(6));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    InsertAsAnEarlierVersion((*s)->db(),
                             {{"TCD", "FRA", "End torture", "Accepted"},
                              {"TCD", "", "Abolish the death penalty", "Noted"},
                              {"TCD", "FRA", "End  torture.", "Noted"}},  // repeats the first
                             {{"TCD", "Pledges to end torture."}});
  }
  {
    // (Recompute the version-6 keys the way version 5 did: with this build's functions.)
    auto raw = Database::Open(path, false, false);
    ASSERT_TRUE(raw.ok());
    Recommendation chad;
    chad.sur = "TCD";
    chad.from = {{"FRA", "France"}};
    chad.session = 6;
    chad.text = "End torture";
    Recommendation unknown = chad;
    unknown.from = {{"", "(Unknown)"}};
    unknown.text = "Abolish the death penalty";
    Pledge pledge;
    pledge.state = "TCD";
    pledge.session = 6;
    pledge.text = "Pledges to end torture.";
    ASSERT_TRUE((*raw)->Exec("UPDATE recommendation SET dup_key = '" + RecommendationKey(chad) +
                             "' WHERE id IN (1, 3); UPDATE recommendation SET dup_key = '" +
                             RecommendationKey(unknown) + "' WHERE id = 2; UPDATE pledge SET "
                             "dup_key = '" + PledgeKey(pledge) + "'")
                    .ok());
  }
  auto s = Store::Open(path, OpenMode::kExisting);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Database& db = (*s)->db();
  std::vector<std::string> uids;
  ASSERT_TRUE(db.ForEachRow("SELECT uid FROM recommendation ORDER BY id",
                            [&](Statement& row) { uids.push_back(row.String(0)); })
                  .ok());
  ASSERT_EQ(uids.size(), 3u);
  const std::string chad_key = *db.QueryText("SELECT dup_key FROM recommendation WHERE id = 1");
  EXPECT_EQ(uids[0], "TCD-06-" + chad_key.substr(0, 12));
  EXPECT_EQ(uids[2], uids[0] + "-2");
  EXPECT_TRUE(IsRecommendationUid(uids[1])) << uids[1];
  EXPECT_TRUE(IsPledgeUid(*db.QueryText("SELECT uid FROM pledge"))) << *db.QueryText("SELECT uid FROM pledge");
  // Unique: a second row cannot take a uid.
  EXPECT_FALSE(db.Exec("UPDATE recommendation SET uid = '" + uids[0] + "' WHERE id = 2").ok());
  // The store finds a record by its uid.
  auto found = (*s)->FindRecommendationByUid(uids[2]);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, std::optional<int64_t>(3));
  auto rec = (*s)->GetRecommendation(3);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->uid, uids[2]);
  // The same rows imported into a new database by this version: the same uids.
  auto fresh = Store::Open(dir.File("fresh"));
  ASSERT_TRUE(fresh.ok());
  auto r = ingest::ImportFiles(
      **fresh,
      {dir.Write("same.csv", std::string(testing::kHeader) + OneRow("Chad", "End torture") +
                                 "\nChad,,,Abolish the death penalty,(Unknown),,,Noted,,,6" +
                                 "\nChad,,,End torture,France,WEOG,,Noted,4,Torture,6" +
                                 "\nChad,,,Pledges to end torture.,Chad,,,Voluntary Pledge,,Torture,6")},
      {});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  std::vector<std::string> fresh_uids;
  ASSERT_TRUE((*fresh)->db().ForEachRow("SELECT uid FROM recommendation ORDER BY id",
                                        [&](Statement& row) { fresh_uids.push_back(row.String(0)); })
                  .ok());
  EXPECT_EQ(fresh_uids, uids);
  EXPECT_EQ(*(*fresh)->db().QueryText("SELECT uid FROM pledge"), *db.QueryText("SELECT uid FROM pledge"));
}

}  // namespace
}  // namespace openupr::store

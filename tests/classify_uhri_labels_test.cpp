// Predicted labels for what UHRI leaves out (issue 17, item 4): the real classifier, trained on
// the real UPR Info record (sessions 1-5, to keep the training to a few seconds), labels the
// records of the hand-written UHRI export (tests/data/uhri): the UPR recommendations the import
// added (which carry no action category and no UPR Info theme) and the treaty bodies' and
// special procedures' observations, never touching the source's fields. The analyses then count
// the added recommendations under their predicted labels, alike in the SQL reference and the
// in-memory engine, and say how many of their records had one; labels=source leaves them out.
// A newer export's records are labelled by the next apply, which the engine and its snapshot's
// fingerprint follow.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "analytics/politicization.h"
#include "analytics/stats.h"
#include "classify/model_store.h"
#include "engine/index.h"
#include "engine/snapshot.h"
#include "ingest/importer.h"
#include "live_server.h"
#include "server/engine_backend.h"
#include "store/sqlite.h"
#include "test_util.h"

namespace openupr::testing {
namespace {

using analytics::Dimension;
using nlohmann::json;

std::string Fixture(const std::string& name) {
  return std::string(OPENUPR_TESTS_DIR) + "/data/uhri/" + name;
}

int64_t Int(store::Store& s, const std::string& sql) {
  auto v = s.db().QueryInt(sql);
  EXPECT_TRUE(v.ok()) << sql << ": " << v.status().ToString();
  return v.ok() ? *v : -1;
}

// Rows of a query as text, one string per row (columns joined by '|').
std::vector<std::string> Rows(store::Store& s, const std::string& sql) {
  std::vector<std::string> out;
  Status st = s.db().ForEachRow(sql, [&](store::Statement& row) {
    std::string line;
    for (int i = 0; i < row.ColumnCount(); ++i) {
      if (i) line += '|';
      line.append(row.Text(i));
    }
    out.push_back(std::move(line));
  });
  EXPECT_TRUE(st.ok()) << sql << ": " << st.ToString();
  return out;
}

Filters F(std::initializer_list<std::pair<const char*, const char*>> values) {
  Filters f;
  for (const auto& [field, value] : values) EXPECT_TRUE(AddFilterValue(f, field, value).ok());
  return f;
}

json StatsAnswer(const analytics::StatsResult& r) {
  json rows = json::array();
  for (const auto& row : r.rows) {
    json a = row.keys;
    for (int64_t v : {row.count, row.supported, row.noted, row.other}) a.push_back(v);
    rows.push_back(a);
  }
  return {{"total", {r.total.count, r.total.supported, r.total.noted, r.total.other}},
          {"predicted", r.predicted},
          {"rows", rows}};
}

json DyadsAnswer(const analytics::DyadResponse& r) {
  json rows = json::array();
  for (const auto& d : r.dyads)
    rows.push_back(
        {d.from, d.sur, d.count, d.supported, d.noted, d.other, d.with_action, d.action_sum});
  return {{"total", r.total}, {"predicted", r.predicted}, {"pairs", r.pairs}, {"rows", rows}};
}

// The source's labels and fields, to compare before and after `classify apply`.
std::vector<std::string> SourceLabels(store::Store& s) {
  std::vector<std::string> out;
  for (const char* sql :
       {"SELECT id, uid, coalesce(action, 'null') FROM recommendation ORDER BY id",
        "SELECT recommendation_id, theme_id FROM recommendation_theme ORDER BY 1, 2",
        "SELECT recommendation_id, goal, target FROM recommendation_sdg ORDER BY 1, 2, 3",
        "SELECT id, uid, fields_hash, text FROM uhri_record ORDER BY id",
        "SELECT uhri_id, term_id, position FROM uhri_record_term ORDER BY 1, 2"})
    for (std::string& row : Rows(s, sql)) out.push_back(std::move(row));
  return out;
}

// sessions-01-05.csv and export-v1.json in a new database, a model trained on it.
class UhriLabels : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("db");
    auto s = store::Store::Open(db_);
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    auto r = ingest::ImportFiles(*store_, {UprFile("sessions-01-05.csv")}, {});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    Import("export-v1.json");
    auto trained = classify::TrainAndStore(*store_, {});
    ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  }
  void Import(const std::string& name) {
    auto r = ingest::ImportFiles(*store_, {Fixture(name)}, {});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  }
  classify::ApplyReport Apply() {
    auto rep = classify::ApplyModel(*store_);
    EXPECT_TRUE(rep.ok()) << rep.status().ToString();
    return rep.ok() ? *rep : classify::ApplyReport{};
  }
  TempDir dir_;
  std::string db_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(UhriLabels, ApplyLabelsAddedRecommendationsAndObservationsIssue17) {
  const std::vector<std::string> before = SourceLabels(*store_);
  // What the source leaves out: the recommendations added for UHRI's UPR records, and every
  // observation of another mechanism.
  const int64_t added = Int(*store_, "SELECT count(*) FROM uhri_record WHERE match = 'added'");
  ASSERT_GE(added, 2);  // records 7 and 8 of export-v1 (cycle 3); maybe 10 (session 14)
  EXPECT_EQ(Int(*store_,
                "SELECT count(*) FROM recommendation r JOIN uhri_record u ON "
                "u.recommendation_id = r.id WHERE u.match = 'added' AND r.action IS NULL AND NOT "
                "EXISTS (SELECT 1 FROM recommendation_theme t WHERE t.recommendation_id = r.id)"),
            added);
  const int64_t observations =
      Int(*store_, "SELECT count(*) FROM uhri_record WHERE mechanism <> 'upr' AND text <> ''");
  EXPECT_EQ(observations, 7);  // export-v1 records 0-6 (record 11 has an empty text)

  const classify::ApplyReport rep = Apply();
  EXPECT_EQ(SourceLabels(*store_), before);  // the source's labels and fields untouched
  EXPECT_EQ(rep.observations, observations);
  // Every recommendation given a label is counted once; those given an action or themes are
  // exactly the added ones (every UPR Info record has both; SDG goals go to any record without).
  EXPECT_EQ(rep.recommendations,
            Int(*store_,
                "SELECT count(DISTINCT p.record_uid) FROM predicted_label p JOIN "
                "recommendation r ON r.uid = p.record_uid"));
  EXPECT_EQ(Int(*store_,
                "SELECT count(DISTINCT p.record_uid) FROM predicted_label p JOIN "
                "recommendation r ON r.uid = p.record_uid WHERE p.kind <> 'sdg'"),
            added);
  EXPECT_EQ(rep.records, rep.recommendations + rep.observations);
  EXPECT_EQ(Int(*store_, "SELECT count(*) FROM predicted_label"),
            rep.themes + rep.actions + rep.sdgs);
  // Each added recommendation and each observation has a predicted action and themes.
  for (const char* sql :
       {"SELECT r.uid FROM recommendation r JOIN uhri_record u ON u.recommendation_id = r.id "
        "WHERE u.match = 'added'",
        "SELECT uid FROM uhri_record WHERE mechanism <> 'upr' AND text <> ''"}) {
    for (const std::string& uid : Rows(*store_, sql)) {
      SCOPED_TRACE(uid);
      EXPECT_EQ(Int(*store_,
                    "SELECT count(*) FROM predicted_label WHERE kind = 'action' AND "
                    "label BETWEEN '1' AND '5' AND record_uid = '" +
                        uid + "'"),
                1);
      EXPECT_GE(Int(*store_,
                    "SELECT count(*) FROM predicted_label p JOIN theme t ON t.name = "
                    "p.label WHERE p.kind = 'theme' AND p.record_uid = '" +
                        uid + "'"),
                1);
    }
  }
  // No SDG goal is predicted for an observation UHRI gives SDG targets (record 0: 8.7, 16.2);
  // the other labels' uids are all known records.
  EXPECT_EQ(Int(*store_,
                "SELECT count(*) FROM predicted_label p JOIN uhri_record u ON u.uid = p.record_uid "
                "WHERE p.kind = 'sdg' AND EXISTS (SELECT 1 FROM uhri_record_term l JOIN "
                "uhri_term t ON t.id = l.term_id WHERE l.uhri_id = u.id AND t.kind = 'sdg')"),
            0);
  EXPECT_EQ(Int(*store_,
                "SELECT count(*) FROM predicted_label p WHERE NOT EXISTS (SELECT 1 FROM "
                "recommendation r WHERE r.uid = p.record_uid) AND NOT EXISTS (SELECT 1 FROM "
                "uhri_record u WHERE u.uid = p.record_uid AND u.mechanism <> 'upr')"),
            0);
  // Applying again gives the same labels.
  const std::vector<std::string> labels =
      Rows(*store_, "SELECT * FROM predicted_label ORDER BY 1, 3, 4");
  const classify::ApplyReport again = Apply();
  EXPECT_EQ(again.records, rep.records);
  EXPECT_EQ(Rows(*store_, "SELECT * FROM predicted_label ORDER BY 1, 3, 4"), labels);

  // A recommendation read back says which of its labels are predicted.
  std::vector<int64_t> ids;
  for (const std::string& id : Rows(*store_, "SELECT id FROM recommendation ORDER BY id"))
    ids.push_back(std::stoll(id));
  auto recs = store_->GetRecommendations(ids);
  ASSERT_TRUE(recs.ok());
  auto index = engine::Index::Build(*store_);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  const std::vector<Recommendation> summaries = (*index)->Summaries(ids);
  ASSERT_EQ(summaries.size(), recs->size());
  int64_t predicted = 0;
  for (size_t i = 0; i < recs->size(); ++i) {
    const Recommendation& r = (*recs)[i];
    const Recommendation& e = summaries[i];
    SCOPED_TRACE(r.uid);
    const auto action = Rows(*store_,
                             "SELECT label FROM predicted_label WHERE kind = 'action' "
                             "AND record_uid = '" +
                                 r.uid + "'");
    EXPECT_EQ(r.action_predicted, !action.empty());
    if (r.action_predicted) {
      ++predicted;
      EXPECT_EQ(r.action, std::stoi(action[0]));
      EXPECT_TRUE(r.themes_predicted);
      EXPECT_EQ(r.themes, Rows(*store_,
                               "SELECT label FROM predicted_label WHERE kind = 'theme' "
                               "AND record_uid = '" +
                                   r.uid + "' ORDER BY label COLLATE NOCASE"));
    }
    // The engine's summary says the same.
    EXPECT_EQ(e.action, r.action);
    EXPECT_EQ(e.action_predicted, r.action_predicted);
    EXPECT_EQ(e.themes, r.themes);
    EXPECT_EQ(e.themes_predicted, r.themes_predicted);
  }
  EXPECT_EQ(predicted, added);

  // The API and the CLI show an observation's predicted labels, marked as such.
  const std::string obs = "uhri-3f1c2a7e-9b4d-4c1a-8e2f-5a6b7c8d9e01";
  ASSERT_EQ(Int(*store_, "SELECT count(*) FROM uhri_record WHERE uid = '" + obs + "'"), 1);
  const std::string want_action =
      Rows(*store_, "SELECT label FROM predicted_label WHERE kind = 'action' AND record_uid = '" +
                        obs + "'")[0];
  const std::vector<std::string> want_themes =
      Rows(*store_, "SELECT label FROM predicted_label WHERE kind = 'theme' AND record_uid = '" +
                        obs + "' ORDER BY score DESC, label");
  server::EngineOptions no_snapshot;
  no_snapshot.snapshot = false;
  auto backend = server::EngineBackend::Open(db_, 2, no_snapshot);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  {
    LiveServer server(**backend);
    const json j = GetJsonExpecting(server.port(), "/api/v1/observations/" + obs);
    ASSERT_TRUE(j["predicted"].is_object()) << j.dump();
    EXPECT_EQ(j["predicted"]["action"]["category"], std::stoi(want_action));
    std::vector<std::string> themes;
    for (const auto& t : j["predicted"]["themes"]) themes.push_back(t["name"]);
    EXPECT_EQ(themes, want_themes);
    EXPECT_TRUE(j["predicted"]["sdgs"].empty());  // UHRI gives this record SDG targets
    ASSERT_EQ(j["sdgs"].size(), 2u);              // which are still the source's: 8.7 and 16.2
    EXPECT_EQ(j["sdgs"][0].get<std::string>().substr(0, 4), "8.7 ");
    EXPECT_EQ(j["sdgs"][1].get<std::string>().substr(0, 5), "16.2 ");
    // A recommendation's JSON marks the predicted action and themes.
    const std::string uid =
        Rows(*store_,
             "SELECT r.uid FROM recommendation r JOIN uhri_record u ON "
             "u.recommendation_id = r.id WHERE u.match = 'added' ORDER BY r.id")[0];
    const json rec = GetJsonExpecting(server.port(), "/api/v1/recommendations/" + uid);
    EXPECT_EQ(rec["action_predicted"], true);
    EXPECT_EQ(rec["themes_predicted"], true);
    const json source = GetJsonExpecting(server.port(), "/api/v1/recommendations/1");
    EXPECT_EQ(source["action_predicted"], false);
    EXPECT_EQ(source["themes_predicted"], false);
  }
  const CliResult cli = RunCli("--db '" + db_ + "' show " + obs, dir_);
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("Predicted (model "), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("action category " + want_action), std::string::npos) << cli.out;
  const CliResult cli_json = RunCli("--db '" + db_ + "' --json show " + obs, dir_);
  EXPECT_EQ(json::parse(cli_json.out)["predicted"]["action"]["category"], std::stoi(want_action));
}

TEST_F(UhriLabels, AnalysesCountAddedRecommendationsUnderPredictedLabelsIssue17) {
  Apply();
  auto index = engine::Index::Build(*store_);
  ASSERT_TRUE(index.ok()) << index.status().ToString();

  // Independent counts: the cycle-3 recommendations are all UHRI's (UPR Info's record here
  // ends at session 5), so they count under their predicted actions, read straight from
  // predicted_label.
  std::map<std::string, int64_t> by_action;
  for (const std::string& row :
       Rows(*store_,
            "SELECT p.label, count(*) FROM recommendation r JOIN predicted_label p ON "
            "p.record_uid = r.uid AND p.kind = 'action' WHERE r.cycle = 3 GROUP BY 1"))
    by_action[row.substr(0, row.find('|'))] = std::stoll(row.substr(row.find('|') + 1));
  const int64_t cycle3 = Int(*store_, "SELECT count(*) FROM recommendation WHERE cycle = 3");
  ASSERT_EQ(cycle3, 2);
  analytics::StatsRequest req{{Dimension::kAction}, F({{"cycle", "3"}}), "", true, 0};
  for (bool engine : {false, true}) {
    SCOPED_TRACE(engine ? "engine" : "SQL");
    auto got = engine ? (*index)->Stats(req) : analytics::ComputeStats(*store_, req);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->total.count, cycle3);
    EXPECT_EQ(got->predicted, cycle3);
    std::map<std::string, int64_t> counted;
    for (const auto& row : got->rows) counted[row.keys[0]] = row.count;
    EXPECT_EQ(counted, by_action);
  }
  // Severity: each cycle-3 dyad's with_action and action_sum, from the predicted labels.
  std::map<std::string, std::pair<int64_t, int64_t>> severity;
  for (const std::string& row :
       Rows(*store_,
            "SELECT s.state || '>' || r.sur, count(*), sum(CAST(p.label AS INTEGER)) "
            "FROM recommendation r JOIN recommending_state s ON s.recommendation_id = "
            "r.id JOIN predicted_label p ON p.record_uid = r.uid AND p.kind = 'action' "
            "WHERE r.cycle = 3 GROUP BY 1")) {
    const size_t a = row.find('|'), b = row.rfind('|');
    severity[row.substr(0, a)] = {std::stoll(row.substr(a + 1, b - a - 1)),
                                  std::stoll(row.substr(b + 1))};
  }
  ASSERT_EQ(severity.size(), 3u);  // Chile > PER, France > TUR, Germany > TUR
  for (bool engine : {false, true}) {
    SCOPED_TRACE(engine ? "engine" : "SQL");
    auto got = engine ? (*index)->Dyads("", F({{"cycle", "3"}}), 0)
                      : analytics::ComputeDyads(*store_, "", F({{"cycle", "3"}}), 0);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->predicted, cycle3);
    std::map<std::string, std::pair<int64_t, int64_t>> counted;
    for (const auto& d : got->dyads) counted[d.from + ">" + d.sur] = {d.with_action, d.action_sum};
    EXPECT_EQ(counted, severity);
    // labels=source leaves the predicted records out.
    auto source =
        engine ? (*index)->Dyads("", F({{"cycle", "3"}, {"labels", "source"}}), 0)
               : analytics::ComputeDyads(*store_, "", F({{"cycle", "3"}, {"labels", "source"}}), 0);
    ASSERT_TRUE(source.ok());
    EXPECT_EQ(source->total, 0);
    EXPECT_EQ(source->predicted, 0);
  }

  // The engine and the SQL reference agree over selections that touch predicted labels.
  const std::string predicted_action = by_action.begin()->first;
  const std::string predicted_theme =
      Rows(*store_,
           "SELECT label FROM predicted_label p JOIN recommendation r ON r.uid = "
           "p.record_uid WHERE p.kind = 'theme' ORDER BY label LIMIT 1")[0];
  struct Sel {
    std::string query;
    Filters filters;
  };
  const std::vector<Sel> selections = {
      {"", {}},
      {"", F({{"labels", "source"}})},
      {"", F({{"labels", "all"}})},
      {"", F({{"cycle", "3"}})},
      {"", F({{"sur", "PER"}})},
      {"", F({{"sur", "PER"}, {"labels", "source"}})},
      {"", F({{"action", predicted_action.c_str()}})},
      {"", F({{"action", "unknown"}})},
      {"", F({{"theme", predicted_theme.c_str()}})},
      {"", F({{"theme", predicted_theme.c_str()}, {"labels", "source"}})},
      {"", F({{"response", "noted"}, {"action", "1,2,3,4,5"}})},
      {"torture OR children", {}},
  };
  const std::vector<std::vector<Dimension>> groupings = {
      {},
      {Dimension::kAction},
      {Dimension::kTheme},
      {Dimension::kCycle, Dimension::kAction},
      {Dimension::kSur, Dimension::kTheme, Dimension::kResponse},
      {Dimension::kFrom, Dimension::kAction}};
  for (const Sel& s : selections) {
    SCOPED_TRACE("query '" + s.query + "'");
    for (const auto& by : groupings) {
      analytics::StatsRequest r{by, s.filters, s.query, true, 0};
      auto want = analytics::ComputeStats(*store_, r);
      auto got = (*index)->Stats(r);
      ASSERT_TRUE(want.ok()) << want.status().ToString();
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(StatsAnswer(*got), StatsAnswer(*want));
    }
    auto want = analytics::ComputeDyads(*store_, s.query, s.filters, 0);
    auto got = (*index)->Dyads(s.query, s.filters, 0);
    ASSERT_TRUE(want.ok() && got.ok());
    EXPECT_EQ(DyadsAnswer(*got), DyadsAnswer(*want));
    const std::vector<Dimension> fields = {Dimension::kAction, Dimension::kTheme};
    auto want_facets = analytics::ComputeFacets(*store_, s.query, s.filters, fields, 0,
                                                analytics::FacetScope::kDisjunctive);
    auto got_facets =
        (*index)->Facets(s.query, s.filters, fields, 0, analytics::FacetScope::kDisjunctive);
    ASSERT_TRUE(want_facets.ok() && got_facets.ok());
    EXPECT_EQ(want_facets->total, got_facets->total);
    for (size_t i = 0; i < fields.size(); ++i) {
      ASSERT_EQ(want_facets->facets[i].values.size(), got_facets->facets[i].values.size());
      for (size_t k = 0; k < want_facets->facets[i].values.size(); ++k) {
        EXPECT_EQ(want_facets->facets[i].values[k].key, got_facets->facets[i].values[k].key);
        EXPECT_EQ(want_facets->facets[i].values[k].count, got_facets->facets[i].values[k].count);
      }
    }
    search::SearchRequest sr;
    sr.query = s.query;
    sr.filters = s.filters;
    sr.limit = 1000;
    auto want_hits = search::SqlSearch(*store_, sr);
    auto got_hits = (*index)->Search(sr);
    ASSERT_TRUE(want_hits.ok() && got_hits.ok());
    EXPECT_EQ(want_hits->total, got_hits->total);
  }
  // Whole totals: labels=source is every record minus those counted under a predicted label.
  auto all = analytics::ComputeStats(*store_, {{}, {}, "", false, 0});
  auto source = analytics::ComputeStats(*store_, {{}, F({{"labels", "source"}}), "", false, 0});
  ASSERT_TRUE(all.ok() && source.ok());
  EXPECT_EQ(all->predicted,
            Int(*store_,
                "SELECT count(DISTINCT r.id) FROM recommendation r JOIN predicted_label "
                "p ON p.record_uid = r.uid WHERE p.kind IN ('action', 'theme')"));
  EXPECT_EQ(source->total.count, all->total.count - all->predicted);
}

TEST_F(UhriLabels, NewExportLabelledByTheNextApplyEngineAndSnapshotFollowIssue17) {
  Apply();
  auto index = engine::Index::Build(*store_);
  ASSERT_TRUE(index.ok());
  auto print_applied = engine::DatabaseFingerprint(*store_);
  ASSERT_TRUE(print_applied.ok());
  const std::string snapshot = dir_.File("db.engine");
  ASSERT_TRUE(engine::WriteSnapshot(**index, nullptr, *print_applied, snapshot).ok());

  // The newer export adds a UPR recommendation of cycle 4 and a CESCR observation: unlabelled
  // until the next apply; the engine appends the recommendation under "unknown".
  Import("export-v2.json");
  const std::string rec_uid =
      Rows(*store_, "SELECT r.uid FROM recommendation r WHERE r.cycle = 4")[0];
  const std::string obs_uid = "uhri-8d9e0f1a-2b3c-4d4e-9f5a-6b7c8d9e0f13";
  ASSERT_EQ(Int(*store_, "SELECT count(*) FROM uhri_record WHERE uid = '" + obs_uid + "'"), 1);
  EXPECT_EQ(Int(*store_, "SELECT count(*) FROM predicted_label WHERE record_uid IN ('" + rec_uid +
                             "', '" + obs_uid + "')"),
            0);
  auto refreshed = (*index)->Refreshed(*store_);
  ASSERT_TRUE(refreshed.ok());
  const analytics::StatsRequest cycle4{{Dimension::kAction}, F({{"cycle", "4"}}), "", true, 0};
  auto before = (*refreshed)->Stats(cycle4);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->rows.size(), 1u);
  EXPECT_EQ(before->rows[0].keys[0], "unknown");
  EXPECT_EQ(before->predicted, 0);
  auto print_imported = engine::DatabaseFingerprint(*store_);
  ASSERT_TRUE(print_imported.ok());

  // Apply again: the new records get labels; the refreshed index counts the new one under its
  // predicted action, as a new build and the SQL reference do; the fingerprint changed, so the
  // snapshot of the earlier state is refused.
  const classify::ApplyReport rep = Apply();
  EXPECT_GE(rep.observations, 1);
  EXPECT_EQ(Int(*store_,
                "SELECT count(*) FROM predicted_label WHERE kind = 'action' AND "
                "record_uid IN ('" +
                    rec_uid + "', '" + obs_uid + "')"),
            2);
  const std::string action = Rows(*store_,
                                  "SELECT label FROM predicted_label WHERE kind = "
                                  "'action' AND record_uid = '" +
                                      rec_uid + "'")[0];
  auto again = (*refreshed)->Refreshed(*store_);
  ASSERT_TRUE(again.ok());
  auto rebuilt = engine::Index::Build(*store_);
  ASSERT_TRUE(rebuilt.ok());
  for (const engine::Index* ix : {again->get(), rebuilt->get()}) {
    auto after = ix->Stats(cycle4);
    ASSERT_TRUE(after.ok());
    ASSERT_EQ(after->rows.size(), 1u);
    EXPECT_EQ(after->rows[0].keys[0], action);
    EXPECT_EQ(after->predicted, 1);
    auto whole =
        ix->Stats({{Dimension::kCycle, Dimension::kAction, Dimension::kTheme}, {}, "", true, 0});
    auto sql = analytics::ComputeStats(
        *store_, {{Dimension::kCycle, Dimension::kAction, Dimension::kTheme}, {}, "", true, 0});
    ASSERT_TRUE(whole.ok() && sql.ok());
    EXPECT_EQ(StatsAnswer(*whole), StatsAnswer(*sql));
  }
  auto print_reapplied = engine::DatabaseFingerprint(*store_);
  ASSERT_TRUE(print_reapplied.ok());
  EXPECT_NE(*print_reapplied, *print_imported);
  EXPECT_NE(*print_reapplied, *print_applied);
  auto stale = engine::ReadSnapshot(snapshot, *print_reapplied);
  EXPECT_EQ(stale.status().code(), StatusCode::kConflict);
  // The same labels applied again: the same fingerprint (nothing to rebuild).
  Apply();
  auto print_same = engine::DatabaseFingerprint(*store_);
  ASSERT_TRUE(print_same.ok());
  EXPECT_EQ(*print_same, *print_reapplied);
  // A new model drops the predicted labels: the fingerprint changes again, and the engine
  // counts the added recommendations under "unknown".
  ASSERT_TRUE(classify::TrainAndStore(*store_, {}).ok());
  auto print_trained = engine::DatabaseFingerprint(*store_);
  ASSERT_TRUE(print_trained.ok());
  EXPECT_NE(*print_trained, *print_reapplied);
  auto dropped = (*again)->Refreshed(*store_);
  ASSERT_TRUE(dropped.ok());
  auto none = (*dropped)->Stats(cycle4);
  ASSERT_TRUE(none.ok());
  ASSERT_EQ(none->rows.size(), 1u);
  EXPECT_EQ(none->rows[0].keys[0], "unknown");
  EXPECT_EQ(none->predicted, 0);
}

}  // namespace
}  // namespace openupr::testing

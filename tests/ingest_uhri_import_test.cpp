// Importing OHCHR's Universal Human Rights Index (issue 17): the hand-written exports of
// tests/data/uhri into a real SQLite file beside the real UPR Info record, each stored fact
// checked against the fixture itself (read with nlohmann-json, the independent reading): the
// records and their links, the two UPR records found among UPR Info's recommendations and the
// ones added, a second import of the same file (a no-op), the newer export (updated in place,
// the missing one marked, a predicted label kept), malformed files refused with the store
// unchanged; then the observations' index and its HTTP API answering "everything every
// mechanism said to Peru about child labour since 2015".
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/identity.h"
#include "core/text.h"
#include "engine/observations.h"
#include "ingest/importer.h"
#include "ingest/uhri_match.h"
#include "live_server.h"
#include "server/sql_backend.h"
#include "store/uhri.h"
#include "test_util.h"

namespace openupr::testing {
namespace {

using nlohmann::json;

std::string Fixture(const std::string& name) {
  return std::string(OPENUPR_TESTS_DIR) + "/data/uhri/" + name;
}

json ReadFixture(const std::string& name) {
  std::ifstream in(Fixture(name));
  return json::parse(in);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '-')) s.erase(s.begin());
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string Id(const json& r) { return Lower(Trimmed(r["AnnotationId"].get<std::string>())); }

bool Has(const json& list, const std::string& value) {
  if (!list.is_array()) return false;
  for (const auto& v : list)
    if (v.is_string() && Trimmed(v.get<std::string>()) == value) return true;
  return false;
}

int64_t Int(store::Store& s, const std::string& sql) {
  auto v = s.db().QueryInt(sql);
  EXPECT_TRUE(v.ok()) << sql;
  return v.ok() ? *v : -1;
}

class UhriImportIssue17 : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::Open(dir_.File("db"));
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    auto r = ingest::ImportFiles(
        *store_, {UprFile("sessions-01-05.csv"), UprFile("sessions-14-17.csv")}, {});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  }
  ingest::ImportReport Import(const std::string& name) {
    return ingest::ImportFiles(*store_, {Fixture(name)}, {});
  }
  TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(UhriImportIssue17, ExportGivesItsRecordsAndLinks) {
  const json v1 = ReadFixture("export-v1.json");
  const int64_t recs_before = Int(*store_, "SELECT count(*) FROM recommendation");
  auto report = Import("export-v1.json");
  ASSERT_TRUE(report.status.ok()) << report.status.ToString();
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0].format, "uhri");
  EXPECT_EQ(report.files[0].rows, static_cast<int64_t>(v1.size()));
  EXPECT_EQ(report.files[0].added, static_cast<int64_t>(v1.size()));

  // Every record, by its AnnotationId, with its mechanism, body, symbol and lists.
  int64_t upr = 0;
  for (const json& r : v1) {
    auto got = store::GetUhriRecord(*store_, UhriUid(Id(r)));
    ASSERT_TRUE(got.ok());
    ASSERT_TRUE(got->has_value()) << Id(r);
    const store::UhriStored& s = **got;
    const std::string body = Trimmed(r["Body"].get<std::string>());
    EXPECT_EQ(s.record.body, body);
    EXPECT_EQ(s.mechanism, MechanismOfBody(body));
    EXPECT_EQ(s.record.symbol, r["Symbol"].is_string() ? r["Symbol"].get<std::string>() : "");
    const std::string date = r["PublicationDate"].is_string()
                                 ? r["PublicationDate"].get<std::string>().substr(0, 10)
                                 : "";
    EXPECT_EQ(s.record.publication_date, date);
    EXPECT_EQ(s.year, date.size() == 10 ? std::stoi(date.substr(0, 4)) : 0);
    size_t countries = 0, themes = 0;
    if (r["Countries"].is_array())
      for (const auto& c : r["Countries"]) countries += c.is_string() && !Trimmed(c).empty();
    if (r["Themes"].is_array())
      for (const auto& t : r["Themes"]) themes += t.is_string() && !Trimmed(t).empty();
    EXPECT_EQ(s.record.countries.size(), countries) << Id(r);
    EXPECT_EQ(s.record.themes.size(), themes) << Id(r);
    for (size_t i = 0; i < s.record.countries.size(); ++i) {
      const StateInfo* st = FindState(s.record.countries[i]);
      ASSERT_NE(st, nullptr) << s.record.countries[i];
      EXPECT_EQ(s.country_iso3[i], st->iso3);
    }
    EXPECT_EQ(s.record.text.find('<'), std::string::npos) << "HTML left in " << Id(r);
    if (s.mechanism != Mechanism::kUpr) {
      EXPECT_EQ(s.recommendation_id, 0);
      continue;
    }
    ++upr;
    // A UPR record is a recommendation: UPR Info's (unchanged) or one added for it.
    ASSERT_GT(s.recommendation_id, 0) << Id(r);
    auto rec = store_->GetRecommendations(std::vector<int64_t>{s.recommendation_id});
    ASSERT_TRUE(rec.ok());
    ASSERT_EQ(rec->size(), 1u);
    const Recommendation& rc = rec->front();
    EXPECT_EQ(rc.sur, s.country_iso3[0]);
    EXPECT_EQ(rc.session, s.record.upr_session);
    EXPECT_EQ(s.recommendation_uid, rc.uid);
    EXPECT_TRUE(IsRecommendationUid(rc.uid));
    EXPECT_EQ(ingest::MatchKey(rc.text), ingest::MatchKey(s.record.text));
    if (s.match == store::UhriMatch::kAdded) {
      EXPECT_EQ(rc.text, s.record.text);
      EXPECT_EQ(rc.response, MapRawResponse(Trimmed(r["UprPositions"][0].get<std::string>())));
      EXPECT_GT(rc.id, recs_before);
    } else {
      EXPECT_EQ(s.match, store::UhriMatch::kSameText);
      EXPECT_LE(rc.id, recs_before);  // UPR Info's own
      EXPECT_TRUE(rc.provenance.source_file.find("sessions-") != std::string::npos);
    }
  }
  EXPECT_EQ(upr, 4);
  const auto& f = report.files[0];
  EXPECT_EQ(f.uhri_same_text, 2);  // the two real ones (README)
  EXPECT_EQ(f.uhri_added_recommendations, 2);
  EXPECT_EQ(Int(*store_, "SELECT count(*) FROM recommendation"), recs_before + 2);

  // The same bytes again: nothing to do.
  const int64_t imports = Int(*store_, "SELECT count(*) FROM import");
  auto again = Import("export-v1.json");
  ASSERT_TRUE(again.status.ok());
  EXPECT_EQ(again.import_id, 0);
  ASSERT_TRUE(again.files[0].previous.has_value());
  EXPECT_EQ(Int(*store_, "SELECT count(*) FROM import"), imports);
  EXPECT_EQ(Int(*store_, "SELECT count(*) FROM uhri_record"), static_cast<int64_t>(v1.size()));
}

TEST_F(UhriImportIssue17, NewerExportUpdatesInPlaceAndKeepsWhatIsAttached) {
  const json v1 = ReadFixture("export-v1.json");
  const json v2 = ReadFixture("export-v2.json");
  ASSERT_TRUE(Import("export-v1.json").status.ok());
  std::map<std::string, json> old_by_id, new_by_id;
  for (const json& r : v1) old_by_id[Id(r)] = r;
  for (const json& r : v2) new_by_id[Id(r)] = r;
  // What the fixture says changed, independently: added, removed, changed, the same.
  int64_t added = 0, changed = 0, same = 0;
  std::vector<std::string> removed;
  for (const auto& [id, r] : new_by_id) {
    auto it = old_by_id.find(id);
    if (it == old_by_id.end())
      ++added;
    else if (it->second == r)
      ++same;
    else
      ++changed;
  }
  for (const auto& [id, r] : old_by_id)
    if (!new_by_id.contains(id)) removed.push_back(UhriUid(id));
  ASSERT_EQ(removed.size(), 1u);

  // Something attached to a record that changes and to the one that goes.
  std::string changed_id;
  for (const auto& [id, r] : new_by_id)
    if (old_by_id.contains(id) && old_by_id[id] != r) changed_id = id;
  const int64_t row_before =
      Int(*store_, "SELECT id FROM uhri_record WHERE annotation_id = '" + changed_id + "'");
  ASSERT_TRUE(store_->db()
                  .Exec("INSERT INTO model(name, kind, created, training_fingerprint, "
                        "training_records, schema_version, seed, quality, blob) VALUES ('m', "
                        "'themes', '2026', 'x', 0, 10, 0, '{}', x'00');"
                        "INSERT INTO predicted_label VALUES ('" +
                        UhriUid(changed_id) + "', 1, 'theme', 'Labour', 0.9), ('" + removed[0] +
                        "', 1, 'theme', 'Right to food', 0.8);")
                  .ok());

  auto report = Import("export-v2.json");
  ASSERT_TRUE(report.status.ok()) << report.status.ToString();
  const auto& f = report.files[0];
  EXPECT_EQ(f.added, added);
  EXPECT_EQ(f.updated, changed);
  EXPECT_EQ(f.already_present, same);
  EXPECT_EQ(report.uhri_missing, removed);
  EXPECT_EQ(Int(*store_, "SELECT count(*) FROM uhri_record"),
            static_cast<int64_t>(v1.size()) + added);
  // Updated in place: same row, the new text.
  EXPECT_EQ(Int(*store_, "SELECT id FROM uhri_record WHERE annotation_id = '" + changed_id + "'"),
            row_before);
  auto got = store::GetUhriRecord(*store_, UhriUid(changed_id));
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_GT((*got)->updated_import_id, 0);
  EXPECT_EQ(Int(*store_, "SELECT count(*) FROM predicted_label"), 2);
  auto gone = store::GetUhriRecord(*store_, removed[0]);
  ASSERT_TRUE(gone.ok() && gone->has_value());
  EXPECT_EQ((*gone)->missing_import_id, report.import_id);
  // Importing v1 again brings the missing record back.
  auto back = Import("export-v1.json");  // stored before: its bytes are not read again
  EXPECT_EQ(back.import_id, 0);
}

TEST_F(UhriImportIssue17, MalformedExportsAreRefusedWithTheStoreUnchanged) {
  ASSERT_TRUE(Import("export-v1.json").status.ok());
  const std::string counts =
      "SELECT (SELECT count(*) FROM uhri_record) * 1000000 + (SELECT count(*) FROM "
      "recommendation) * 10 + (SELECT count(*) FROM import)";
  const int64_t before = Int(*store_, counts);
  for (const char* name :
       {"malformed-truncated.json", "malformed-wrong-type.json", "malformed-missing-id.json",
        "malformed-top-level-object.json", "malformed-duplicate-id.json"}) {
    auto r = Import(name);
    EXPECT_EQ(r.status.code(), StatusCode::kBadInput) << name;
    ASSERT_EQ(r.files.size(), 1u);
    ASSERT_FALSE(r.files[0].errors.empty()) << name;
    const std::string m = r.files[0].errors[0].ToString();
    EXPECT_NE(m.find(name), std::string::npos) << m;
    EXPECT_NE(m.find("byte "), std::string::npos) << m;
    EXPECT_EQ(Int(*store_, counts), before) << name;
  }
}

// Every row of the tables an import of UPR Info's CSVs and a UHRI export writes, one string a
// row, in a stable order; the import ids (which differ between one import and two) left out.
std::vector<std::string> Rows(store::Store& s) {
  const char* queries[] = {
      "SELECT * FROM recommendation ORDER BY id",
      "SELECT * FROM recommending_state ORDER BY 1, 2",
      "SELECT * FROM recommendation_theme ORDER BY 1, 2",
      "SELECT * FROM recommendation_sdg ORDER BY 1, 2, 3",
      "SELECT id, path, content_hash, bytes, format, encoding, line_ends, rows, added, repeats, "
      "already_present, skipped FROM source_file ORDER BY id",
      "SELECT id, uid, annotation_id, mechanism, annotation_type, body, symbol, document_id, "
      "published, published_on_uhri, year, text, upr_cycle, upr_session, recommendation_id, "
      "match, fields_hash, source_file_id, source_offset FROM uhri_record ORDER BY id",
      "SELECT * FROM uhri_record_state ORDER BY 1, 2, 3",
      "SELECT * FROM uhri_record_term ORDER BY 1, 2, 3",
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name",
  };
  std::vector<std::string> rows;
  for (const char* q : queries) {
    rows.push_back(q);
    Status st = s.db().ForEachRow(q, [&](store::Statement& row) {
      std::string line;
      for (int c = 0; c < row.ColumnCount(); ++c) {
        if (c > 0) line += '|';
        line += row.IsNull(c) ? "NULL" : row.String(c);
      }
      rows.push_back(std::move(line));
    });
    EXPECT_TRUE(st.ok()) << q << ": " << st.ToString();
  }
  return rows;
}

// `openupr import sessions-*.csv export.json` in one command: the CSV files are a bulk load (the
// recommendations' indexes dropped, then rebuilt), and the UHRI records are matched to the
// recommendations after it with the indexes back. The same records and links as the two imports
// one after the other (the fixture's store_).
TEST_F(UhriImportIssue17, MixedImportGivesWhatTheTwoImportsGive) {
  auto separate = Import("export-v1.json");
  ASSERT_TRUE(separate.status.ok()) << separate.status.ToString();
  ASSERT_EQ(separate.files.size(), 1u);
  // One UHRI export alone: its reader's time and its store's, each within the command's.
  EXPECT_GT(separate.parse_seconds, 0);
  EXPECT_LE(separate.parse_seconds, separate.seconds);
  EXPECT_GT(separate.store_seconds, 0);
  EXPECT_LE(separate.store_seconds, separate.seconds);

  TempDir dir;
  auto opened = store::Store::Open(dir.File("mixed.db"));
  ASSERT_TRUE(opened.ok());
  std::unique_ptr<store::Store> mixed = std::move(opened).value();
  auto report = ingest::ImportFiles(
      *mixed,
      {UprFile("sessions-01-05.csv"), UprFile("sessions-14-17.csv"), Fixture("export-v1.json")},
      {});
  ASSERT_TRUE(report.status.ok()) << report.status.ToString();
  ASSERT_EQ(report.files.size(), 3u);
  const ingest::FileReport& uhri = report.files[2];
  EXPECT_EQ(uhri.format, "uhri");
  EXPECT_EQ(uhri.uhri_same_text, separate.files[0].uhri_same_text);
  EXPECT_EQ(uhri.uhri_same_words, separate.files[0].uhri_same_words);
  EXPECT_EQ(uhri.uhri_added_recommendations, separate.files[0].uhri_added_recommendations);
  EXPECT_EQ(uhri.uhri_same_text, 2);  // the two real ones (README)
  EXPECT_GT(report.parse_seconds, 0);
  EXPECT_GT(report.store_seconds, 0);

  const std::vector<std::string> one = Rows(*mixed), two = Rows(*store_);
  EXPECT_GT(one.size(), 9u + 20000u);  // (the queries and the real record's rows)
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) ASSERT_EQ(one[i], two[i]) << "row " << i;
  // The links, by uid: each UPR record to the recommendation it is.
  EXPECT_EQ(Int(*mixed, "SELECT count(*) FROM uhri_record WHERE recommendation_id IS NOT NULL"), 4);
}

// "Everything every mechanism said to Peru about child labour since 2015", by the index and over
// HTTP, against the fixture read directly.
TEST_F(UhriImportIssue17, ObservationsOfEveryMechanismInOneQuery) {
  ASSERT_TRUE(Import("export-v1.json").status.ok());
  std::set<std::string> expected;
  std::map<std::string, int64_t> by_body;
  for (const json& r : ReadFixture("export-v1.json")) {
    const std::string date =
        r["PublicationDate"].is_string() ? r["PublicationDate"].get<std::string>() : "";
    if (Has(r["Countries"], "Peru") && Has(r["Themes"], "Child labour") && date >= "2015") {
      expected.insert(UhriUid(Id(r)));
      ++by_body[Trimmed(r["Body"].get<std::string>())];
    }
  }
  ASSERT_GE(expected.size(), 2u);
  auto ix = engine::ObservationIndex::Build(*store_);
  ASSERT_TRUE(ix.ok());
  engine::ObservationFilter f;
  f.states = {"PER"};
  f.themes = {"child LABOUR"};
  f.year_from = 2015;
  auto found = (*ix)->Search(f, 0, 100, {"body", "mechanism"}, 0);
  ASSERT_TRUE(found.ok());
  std::set<std::string> got;
  for (uint32_t i : found->hits) got.insert((*ix)->record(i).uid);
  EXPECT_EQ(got, expected);
  // Newest first.
  for (size_t k = 1; k < found->hits.size(); ++k)
    EXPECT_GE((*ix)->record(found->hits[k - 1]).published, (*ix)->record(found->hits[k]).published);
  std::map<std::string, int64_t> facet_body;
  for (const auto& v : found->facets[0].values) facet_body[v.key] = v.count;
  EXPECT_EQ(facet_body, by_body);
  // A UPR Info theme spans the UHRI themes the crosswalk gives it.
  engine::ObservationFilter g = f;
  g.themes = {"Rights of the Child"};
  auto wide = (*ix)->Search(g, 0, 100, {}, 0);
  ASSERT_TRUE(wide.ok());
  EXPECT_GE(wide->total, found->total);

  // Over HTTP, the same.
  auto backend = server::SqlBackend::Open(dir_.File("db"), 2);
  ASSERT_TRUE(backend.ok());
  LiveServer live(**backend);
  auto [status, body] =
      live.GetJson("/api/v1/observations?state=Peru&theme=Child%20labour&since=2015&per_page=50");
  ASSERT_EQ(status, 200) << body.dump();
  std::set<std::string> api;
  for (const auto& r : body["results"]) api.insert(r["uid"].get<std::string>());
  EXPECT_EQ(api, expected);
  EXPECT_EQ(body["total"].get<int64_t>(), static_cast<int64_t>(expected.size()));
  auto [s404, b404] =
      live.GetJson("/api/v1/observations/uhri-00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(s404, 404);
  auto [s400, b400] = live.GetJson("/api/v1/observations?mechanism=court");
  EXPECT_EQ(s400, 400);
  EXPECT_NE(b400.dump().find("mechanism"), std::string::npos);
  const std::string one = *expected.begin();
  auto [s200, rec] = live.GetJson("/api/v1/observations/" + one);
  ASSERT_EQ(s200, 200);
  EXPECT_EQ(rec["uid"], one);
}

}  // namespace
}  // namespace openupr::testing

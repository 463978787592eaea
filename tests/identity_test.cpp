// Stable identities (issue 14): a record's uid comes from the record itself, so the same source
// files imported in any order give every record the same uid; old numeric links redirect to it;
// every record says how to cite it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/citation.h"
#include "core/former_states.h"
#include "core/identity.h"
#include "core/record_type.h"
#include "core/states.h"
#include "core/model.h"
#include "core/sessions.h"
#include "ingest/importer.h"
#include "live_server.h"
#include "server/engine_backend.h"
#include "server/http_server.h"
#include "server/sql_backend.h"
#include "store/store.h"
#include "test_util.h"

namespace openupr {
namespace {

using nlohmann::json;
using testing::TempDir;
using testing::UprFile;

const std::vector<std::string> kFiles = {"sessions-01-05.csv", "sessions-06-09.csv",
                                         "sessions-10-13.csv", "sessions-14-17.csv",
                                         "voluntary-pledges.csv"};

// uid -> what the record is: state, session, recommending states, response, text, and the
// file name and line it came from.
std::map<std::string, std::string> RecordsByUid(store::Store& s, const char* table) {
  std::map<std::string, std::string> out;
  const std::string sql =
      std::string(table) == "pledge"
          ? "SELECT p.uid, p.state || '|' || p.session || '|' || p.text || '|' || f.path || ':' "
            "|| p.source_line FROM pledge p JOIN source_file f ON f.id = p.source_file_id"
          : "SELECT r.uid, r.sur || '|' || r.session || '|' || r.response || '|' || r.text || "
            "'|' || (SELECT group_concat(coalesce(state, raw_name), ';') FROM recommending_state "
            "WHERE recommendation_id = r.id) || '|' || f.path || ':' || r.source_line "
            "FROM recommendation r JOIN source_file f ON f.id = r.source_file_id";
  EXPECT_TRUE(s.db()
                  .ForEachRow(sql,
                              [&](store::Statement& row) {
                                std::string what = row.String(1);
                                // The file by its name: the two imports read the same files.
                                const size_t bar = what.rfind('|');
                                what = what.substr(0, bar + 1) +
                                       std::string(FileNameOf(what.substr(bar + 1)));
                                EXPECT_TRUE(out.emplace(row.String(0), what).second)
                                    << row.String(0);
                              })
                  .ok());
  return out;
}

TEST(Identity, TheSameFilesImportedInAnotherOrderGiveEveryRecordTheSameUidIssue14) {
  TempDir dir;
  std::vector<std::string> forward, backward;
  for (const auto& f : kFiles) forward.push_back(UprFile(f));
  backward.assign(forward.rbegin(), forward.rend());
  auto a = store::Store::Open(dir.File("a.db"));
  auto b = store::Store::Open(dir.File("b.db"));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(ingest::ImportFiles(**a, forward, {}).status.ok());
  // b: one file per command, in reverse order.
  for (const auto& f : backward) ASSERT_TRUE(ingest::ImportFiles(**b, {f}, {}).status.ok());

  const auto recs_a = RecordsByUid(**a, "recommendation");
  const auto recs_b = RecordsByUid(**b, "recommendation");
  EXPECT_EQ(recs_a.size(), 33082u);
  EXPECT_EQ(recs_a, recs_b);  // the same uid names the same record, from the same line
  EXPECT_EQ(RecordsByUid(**a, "pledge"), RecordsByUid(**b, "pledge"));
  // And the row numbers do differ: they are not identities.
  EXPECT_NE(*(*a)->db().QueryText("SELECT uid FROM recommendation WHERE id = 1"),
            *(*b)->db().QueryText("SELECT uid FROM recommendation WHERE id = 1"));
  for (const auto& [uid, what] : recs_a) ASSERT_TRUE(IsRecommendationUid(uid)) << uid;

  // The source's repeats (same state, recommending state, session and text) are numbered
  // after the first: exactly the rows that repeat an earlier one.
  EXPECT_EQ(*(*a)->db().QueryInt("SELECT count(*) FROM recommendation WHERE uid GLOB '*-[0-9]'"),
            *(*a)->db().QueryInt("SELECT count(*) FROM recommendation WHERE duplicate_of IS NOT NULL"));
  EXPECT_EQ(*(*a)->db().QueryInt(
                "SELECT count(*) FROM recommendation r JOIN recommendation d ON d.id = "
                "r.duplicate_of WHERE r.uid <> d.uid || '-2'"),
            0);
}

TEST(Identity, UidsHaveOneFormPerRecordType) {
  const std::string key = "5e1c09ab3f2d77aa00112233445566ff";
  EXPECT_EQ(RecommendationUid("LKA", 14, key), "LKA-14-5e1c09ab3f2d");
  EXPECT_EQ(RecommendationUid("LKA", 3, key, 2), "LKA-03-5e1c09ab3f2d-2");
  EXPECT_EQ(PledgeUid("LKA", 14, key), "LKA-14-vp-5e1c09ab3f2d");
  for (const char* good : {"LKA-14-5e1c09ab3f2d", "USA-09-000000000000-12", "FRA-123-abcdefabcdef"})
    EXPECT_TRUE(IsRecommendationUid(good)) << good;
  for (const char* bad : {"", "14321", "lka-14-5e1c09ab3f2d", "LKA-14-5E1C09AB3F2D",
                          "LKA-14-5e1c09ab3f2", "LKA-14-5e1c09ab3f2dx", "LKA-14-5e1c09ab3f2d-1",
                          "LKA-14-5e1c09ab3f2d-02", "LKA-1-5e1c09ab3f2d", "LKA-14-vp-5e1c09ab3f2d",
                          "LKA-14-5e1c09ab3f2d-"})
    EXPECT_FALSE(IsRecommendationUid(bad)) << bad;
  EXPECT_TRUE(IsPledgeUid("LKA-14-vp-5e1c09ab3f2d"));
  EXPECT_FALSE(IsPledgeUid("LKA-14-5e1c09ab3f2d"));
  EXPECT_EQ(ResolutionUid(27576), "ohchr-27576");
  EXPECT_EQ(ResolutionRecordId("ohchr-27576"), 27576);
  EXPECT_EQ(VoteUid(27576, "FRA"), "ohchr-27576/FRA");
  for (const char* bad : {"ohchr-", "ohchr-0", "ohchr-027576", "ohchr-27576x", "OHCHR-27576", "27576"})
    EXPECT_FALSE(IsResolutionUid(bad)) << bad;
  EXPECT_TRUE(IsVoteUid("ohchr-27576/FRA"));
  EXPECT_FALSE(IsVoteUid("ohchr-27576/fra"));
  // Each uid names one kind of record (core/record_type.h).
  const std::pair<const char*, RecordKind> kinds[] = {
      {"LKA-14-5e1c09ab3f2d", RecordKind::kRecommendation},
      {"LKA-14-vp-5e1c09ab3f2d", RecordKind::kPledge},
      {"ohchr-27576", RecordKind::kResolution},
      {"ohchr-27576/FRA", RecordKind::kVote}};
  for (const auto& [uid, kind] : kinds) {
    const RecordType* t = RecordTypeOfUid(uid);
    ASSERT_NE(t, nullptr) << uid;
    EXPECT_EQ(t->kind, kind) << uid;
    EXPECT_TRUE(RecordTypeOf(kind).is_uid(RecordTypeOf(kind).uid_example)) << uid;
    EXPECT_EQ(FindRecordType(t->plural), t);
  }
  EXPECT_EQ(RecordTypeOfUid("27576"), nullptr);
}

TEST(Identity, EveryStateOfTheVotingRecordsIsAStateOrAFormerState) {
  std::istringstream in(testing::ReadAll(testing::DataDir() + "/hrc-votes/votes_long.csv"));
  std::set<std::string> codes, former;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    // record_id,symbol,iso3,vote: the symbol may hold no comma, the code is the third field.
    const size_t b = line.find(',', line.find(',') + 1) + 1;
    codes.insert(line.substr(b, line.find(',', b) - b));
  }
  for (const std::string& c : codes) {
    if (FindStateByIso3(c)) continue;
    EXPECT_NE(FindFormerState(c), nullptr) << c;
    former.insert(c);
  }
  EXPECT_EQ(former.size(), FormerStates().size());  // every former state is used
  for (const FormerStateInfo& f : FormerStates())
    for (std::string_view s : {std::string_view(f.successor).substr(0, 3)})
      EXPECT_NE(FindStateByIso3(s), nullptr) << f.iso3;
}

TEST(Sessions, EverySessionHasDatesInItsCycleAndInOrder) {
  std::string previous_end;
  for (int s = kFirstSession; s <= kLastKnownSession; ++s) {
    const SessionDates* d = FindSessionDates(s);
    ASSERT_NE(d, nullptr) << s;
    EXPECT_EQ(d->number, s);
    EXPECT_EQ(d->cycle, CycleOfSession(s)) << s;
    ASSERT_EQ(d->start.size(), 10u) << s;
    ASSERT_EQ(d->end.size(), 10u) << s;
    EXPECT_LT(d->start, d->end) << s;
    EXPECT_GT(d->start, previous_end) << s;  // sessions do not overlap
    EXPECT_EQ(std::to_string(d->year), d->start.substr(0, 4)) << s;
    previous_end = std::string(d->end);
  }
  EXPECT_EQ(FindSessionDates(0), nullptr);
  EXPECT_EQ(FindSessionDates(kLastKnownSession + 1), nullptr);
  EXPECT_EQ(FormatSessionDates(*FindSessionDates(14)), "22 October – 5 November 2012");
  EXPECT_EQ(FormatSessionDates(*FindSessionDates(1)), "7–18 April 2008");
}

TEST(Citation, NamesTheReviewItsDocumentsAndTheSourceWithoutItsDirectory) {
  Recommendation rec;
  rec.uid = "USA-09-0123456789ab";
  rec.sur = "USA";
  rec.session = 9;
  rec.cycle = 1;
  rec.from = {{"FRA", "France"}, {"", "Some {odd} & 100% name_"}};
  rec.text = "Abolish the death penalty";
  rec.response = Response::kNoted;
  rec.provenance.source_file = "/srv/private/upr-info/sessions-06-09.csv";
  rec.provenance.line = 4242;
  const json c = RecommendationCitation(rec, "https://upr.example.org");
  EXPECT_EQ(c["url"], "https://upr.example.org/recommendations/USA-09-0123456789ab");
  EXPECT_EQ(c["review"]["name"], "United States of America");
  EXPECT_EQ(c["review"]["start"], "2010-11-01");
  EXPECT_EQ(c["review"]["year"], 2010);
  EXPECT_EQ(c["source"]["file"], "sessions-06-09.csv");
  EXPECT_EQ(c["source"]["line"], 4242);
  EXPECT_EQ(c.dump().find("/srv/private"), std::string::npos) << c.dump();
  ASSERT_GE(c["documents"].size(), 2u);
  EXPECT_EQ(c["documents"][0]["title"],
            "Report of the Working Group on the Universal Periodic Review: United States of "
            "America");
  EXPECT_EQ(c["documents"].back()["url"], "https://www.ohchr.org/en/hr-bodies/upr/us-index");
  const std::string text = c["text"];
  for (const char* part : {"Recommendation by France and Some {odd} & 100% name_ to United States",
                           "session 9 (1–12 November 2010)", "first cycle",
                           "“Abolish the death penalty”", "Response: noted",
                           "sessions-06-09.csv, line 4242", "USA-09-0123456789ab"})
    EXPECT_NE(text.find(part), std::string::npos) << part << " in " << text;
  const std::string bib = c["bibtex"];
  EXPECT_EQ(bib.rfind("@misc{openupr:USA-09-0123456789ab,", 0), 0u) << bib;
  EXPECT_NE(bib.find("Some \\{odd\\} \\& 100\\% name\\_"), std::string::npos) << bib;
  EXPECT_NE(bib.find("year         = {2010}"), std::string::npos) << bib;
  EXPECT_EQ(std::count(bib.begin(), bib.end(), '{'), std::count(bib.begin(), bib.end(), '}'));
  EXPECT_EQ(c["csl"]["id"], "USA-09-0123456789ab");
  EXPECT_EQ(c["csl"]["issued"]["date-parts"], json::parse("[[2010, 11, 1]]"));
  EXPECT_EQ(c["csl"]["URL"], c["url"]);
}

// A real server on the real data, both backends.
class IdentityServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = dir_->File("upr.db");
    ASSERT_TRUE(testing::ImportRealFiles(db_, {"sessions-06-09.csv", "sessions-01-05.csv"}));
  }
  static void TearDownTestSuite() { delete dir_; }
  static TempDir* dir_;
  static std::string db_;
};
TempDir* IdentityServer::dir_ = nullptr;
std::string IdentityServer::db_;

// "Abolish the death penalty" to the USA by a state, in session 9: its uid and row number.
std::pair<std::string, int64_t> UsaDeathPenalty(const std::string& db) {
  auto s = store::Store::Open(db, store::OpenMode::kExisting);
  EXPECT_TRUE(s.ok());
  auto row = (*s)->db().Prepare(
      "SELECT uid, id FROM recommendation WHERE sur = 'USA' AND session = 9 AND text LIKE "
      "'%abolish the death penalty%' ORDER BY id LIMIT 1");
  EXPECT_TRUE(row.ok());
  std::pair<std::string, int64_t> out;
  EXPECT_TRUE(row->ForEachRow([&](store::Statement& r) { out = {r.String(0), r.Int(1)}; }).ok());
  return out;
}

TEST_F(IdentityServer, TheApiFindsARecordByUidOrRowNumberWithItsCitationOnBothBackends) {
  const auto [uid, id] = UsaDeathPenalty(db_);
  ASSERT_TRUE(IsRecommendationUid(uid)) << uid;
  auto sql = server::SqlBackend::Open(db_, 2);
  auto engine = server::EngineBackend::Open(db_, 2);
  ASSERT_TRUE(sql.ok() && engine.ok());
  json first;
  for (server::QueryBackend* backend : {static_cast<server::QueryBackend*>(sql->get()),
                                        static_cast<server::QueryBackend*>(engine->get())}) {
    testing::LiveServer live(*backend);
    const json by_uid =
        testing::GetJsonExpecting(live.port(), "/api/v1/recommendations/" + uid);
    EXPECT_EQ(by_uid["uid"], uid);
    EXPECT_EQ(by_uid["id"], id);
    EXPECT_EQ(by_uid["sur"]["iso3"], "USA");
    EXPECT_EQ(by_uid["citation"]["url"], "http://127.0.0.1:" + std::to_string(live.port()) +
                                             "/recommendations/" + uid);
    EXPECT_EQ(by_uid["citation"]["review"]["dates"], "1–12 November 2010");
    EXPECT_EQ(by_uid["source"]["line"], by_uid["citation"]["source"]["line"]);
    const json by_id = testing::GetJsonExpecting(live.port(),
                                                 "/api/v1/recommendations/" + std::to_string(id));
    EXPECT_EQ(by_id, by_uid);
    if (first.is_null()) first = by_uid;
    json a = first, b = by_uid;
    a["citation"].erase("url"), b["citation"].erase("url");
    a["citation"].erase("text"), b["citation"].erase("text");
    a["citation"].erase("bibtex"), b["citation"].erase("bibtex");
    a["citation"]["csl"].erase("URL"), b["citation"]["csl"].erase("URL");
    EXPECT_EQ(a, b);  // the same record on both backends (but for the port in the links)
    // Search hits carry the uid.
    const json hits = testing::GetJsonExpecting(
        live.port(), "/api/v1/recommendations?q=%22abolish+the+death+penalty%22&sur=USA&per_page=50");
    bool found = false;
    for (const json& h : hits["results"]) found |= h["uid"] == uid;
    EXPECT_TRUE(found) << hits.dump();
    // Unknown and malformed names.
    const json missing = testing::GetJsonExpecting(
        live.port(), "/api/v1/recommendations/USA-09-000000000000", 404);
    EXPECT_NE(missing.dump().find("no recommendation with uid USA-09-000000000000"),
              std::string::npos)
        << missing.dump();
    const json bad = testing::GetJsonExpecting(live.port(), "/api/v1/recommendations/usa-9", 400);
    EXPECT_NE(bad.dump().find("expected a record uid"), std::string::npos) << bad.dump();
  }
}

TEST_F(IdentityServer, AnOldNumericLinkRedirectsToTheUidsPage) {
  const auto [uid, id] = UsaDeathPenalty(db_);
  auto backend = server::SqlBackend::Open(db_, 2);
  ASSERT_TRUE(backend.ok());
  server::HttpServer http(**backend, {.host = "127.0.0.1", .port = 0, .threads = 2});
  const std::string index = "<!doctype html><title>OpenUPR</title>";
  const std::vector<server::StaticFile> files = {{"/index.html", "", index, false}};
  ASSERT_TRUE(http.ServeStaticFiles(files).ok());
  auto port = http.Bind();
  ASSERT_TRUE(port.ok());
  std::thread t([&] { EXPECT_TRUE(http.Run().ok()); });
  {
    httplib::Client client("127.0.0.1", *port);
    auto res = client.Get(("/recommendations/" + std::to_string(id) + "?lang=fr").c_str());
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 301);
    EXPECT_EQ(res->get_header_value("Location"), "/recommendations/" + uid + "?lang=fr");
    // The uid's page is the web app; a row number nobody has is the app's own "not found".
    auto page = client.Get(("/recommendations/" + uid).c_str());
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_EQ(page->body, index);
    auto none = client.Get("/recommendations/99999999");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 200);
    EXPECT_EQ(none->body, index);
  }
  http.Stop();
  t.join();
}

}  // namespace
}  // namespace openupr

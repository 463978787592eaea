// The engine's snapshot file (engine/snapshot.h, issue 17): an index read back from its snapshot
// answers every question as the index it was written from (and as a fresh build), refreshes
// after an import as a fresh build would; a snapshot of another state of the database is rebuilt;
// a damaged, truncated or foreign file is ignored with a warning naming what is wrong; `serve`
// with a snapshot answers over HTTP as without one.
#include <gtest/gtest.h>
#include <xxhash.h>

#include <filesystem>
#include <mutex>

#include "engine/snapshot.h"
#include "engine_backends.h"
#include "live_server.h"
#include "server/engine_backend.h"
#include "store/sqlite.h"

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
                                           "roma OR sinti"};

// Everything an index answers about the queries: pages with scores and snippets, facets, a
// three-way group-by, dyads, record summaries, similar records, and its memory.
json Answers(const engine::Index& index) {
  json out;
  Filters weog;
  EXPECT_TRUE(AddFilterValue(weog, "from-region", "weog").ok());
  for (const std::string& q : kQueries) {
    for (const Filters& f : {Filters(), weog}) {
      auto s = index.Search({q, f, 20, 0});
      EXPECT_TRUE(s.ok()) << q;
      if (!s.ok()) continue;
      json page = SearchJson(*s);
      std::vector<int64_t> ids;
      for (const auto& h : s->hits) {
        page["hits"].push_back({h.score, h.snippet});
        ids.push_back(h.id);
      }
      for (const Recommendation& r : index.Summaries(ids))
        page["summaries"].push_back({r.uid, r.sur, r.text, r.session, r.themes});
      out["search"].push_back(page);
      const Dimension fields[] = {Dimension::kSur, Dimension::kFrom, Dimension::kTheme,
                                  Dimension::kSession, Dimension::kResponse};
      auto facets = index.Facets(q, f, fields, 0, analytics::FacetScope::kDisjunctive);
      EXPECT_TRUE(facets.ok());
      if (facets.ok()) out["facets"].push_back(FacetsJson(*facets));
      auto stats = index.Stats(
          {{Dimension::kTheme, Dimension::kSurRegion, Dimension::kCycle}, f, q, false, 0});
      EXPECT_TRUE(stats.ok());
      if (stats.ok()) out["stats"].push_back(StatsJson(*stats));
      auto dyads = index.Dyads(q, f, 0);
      EXPECT_TRUE(dyads.ok());
      if (dyads.ok()) out["dyads"].push_back(DyadsJson(*dyads));
    }
  }
  engine::SimilarRequest like;
  like.text = "Abolish the death penalty and ratify the protocol";
  auto similar = index.Similar(like);
  EXPECT_TRUE(similar.ok());
  if (similar.ok())
    for (const auto& h : similar->hits) out["similar"].push_back({h.id, h.score});
  const engine::MemoryUsage m = index.Memory();
  out["size"] = {index.size(), index.max_id()};
  out["memory"] = {m.text, m.tokens, m.postings, m.columns};
  return out;
}

// Compares two Answers key by key (a whole dump of the first difference would be megabytes).
void ExpectSameAnswers(const json& a, const json& b, bool with_memory = true) {
  for (const auto& [key, value] : a.items()) {
    if (!with_memory && key == "memory") continue;
    ASSERT_TRUE(b.contains(key)) << key;
    if (value == b[key]) continue;
    if (value.is_array() && b[key].is_array() && value.size() == b[key].size()) {
      for (size_t i = 0; i < value.size(); ++i)
        EXPECT_EQ(value[i].dump().substr(0, 2000), b[key][i].dump().substr(0, 2000))
            << key << "[" << i << "]";
    } else {
      ADD_FAILURE() << key << ": " << value.dump().substr(0, 500) << "\n vs "
                    << b[key].dump().substr(0, 500);
    }
  }
  EXPECT_EQ(a.size(), b.size());
}

std::string Fingerprint(store::Store& store) {
  auto f = engine::DatabaseFingerprint(store);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? *f : "";
}

// The whole real data, its index and its snapshot file, made once.
class SnapshotIssue17 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = ImportRealData(SessionFiles()).release();
    ASSERT_NE(data_, nullptr);
    auto index = engine::Index::Build(*data_->store);
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = std::move(index).value().release();
    auto vocabulary = search::Vocabulary::FromStore(*data_->store);
    ASSERT_TRUE(vocabulary.ok());
    vocabulary_ = new std::shared_ptr<const search::Vocabulary>(*vocabulary);
    path_ = new std::string(data_->dir.File("db.engine"));
    ASSERT_TRUE(
        engine::WriteSnapshot(*index_, vocabulary_->get(), Fingerprint(*data_->store), *path_)
            .ok());
    bytes_ = new std::string(ReadAll(*path_));
  }
  static void TearDownTestSuite() {
    delete bytes_;
    delete path_;
    delete vocabulary_;
    delete index_;
    delete data_;
  }

  static RealDataStore* data_;
  static engine::Index* index_;
  static std::shared_ptr<const search::Vocabulary>* vocabulary_;
  static std::string* path_;
  static std::string* bytes_;
};
RealDataStore* SnapshotIssue17::data_ = nullptr;
engine::Index* SnapshotIssue17::index_ = nullptr;
std::shared_ptr<const search::Vocabulary>* SnapshotIssue17::vocabulary_ = nullptr;
std::string* SnapshotIssue17::path_ = nullptr;
std::string* SnapshotIssue17::bytes_ = nullptr;

TEST_F(SnapshotIssue17, RoundTripAnswersAsTheBuiltIndexIssue17) {
  ASSERT_NE(index_, nullptr);
  auto read = engine::ReadSnapshot(*path_, Fingerprint(*data_->store));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_NE(read->index, nullptr);
  EXPECT_EQ(read->index->size(), 33082);
  const json built = Answers(*index_), loaded = Answers(*read->index);
  ExpectSameAnswers(built, loaded, /*with_memory=*/false);
  // The same bytes of data; a build leaves some spare capacity in its vectors, a load none.
  EXPECT_EQ(built["memory"][0], loaded["memory"][0]);  // text
  EXPECT_EQ(built["memory"][1], loaded["memory"][1]);  // tokens
  EXPECT_LE(loaded["memory"][3].get<int64_t>(), built["memory"][3].get<int64_t>());
  EXPECT_GE(loaded["memory"][3].get<int64_t>(), built["memory"][3].get<int64_t>() * 95 / 100);
  // And as the SQL reference for the counts: a fresh build is checked against it elsewhere
  // (engine_equivalence_test.cpp); this ties the snapshot to it directly.
  SqlBackend sql(*data_->store);
  for (const std::string& q : kQueries) {
    auto a = sql.Search({q, {}, 20, 0});
    auto b = read->index->Search({q, {}, 20, 0});
    ASSERT_TRUE(a.ok() && b.ok()) << q;
    EXPECT_EQ(SearchJson(*a), SearchJson(*b)) << q;
  }
  // The vocabulary: every word and count as read from the database.
  ASSERT_NE(read->vocabulary, nullptr);
  EXPECT_EQ(read->vocabulary->counts(), (*vocabulary_)->counts());
  EXPECT_GT(read->vocabulary->size(), 9000u);
  // Writing the loaded index again gives the same bytes.
  const std::string again = data_->dir.File("again.engine");
  ASSERT_TRUE(
      engine::WriteSnapshot(*read->index, read->vocabulary.get(), Fingerprint(*data_->store), again)
          .ok());
  EXPECT_TRUE(ReadAll(again) == *bytes_);
}

TEST(SnapshotRefreshIssue17, RefreshAfterLoadEqualsAFreshBuildIssue17) {
  auto data = ImportRealData({"sessions-01-05.csv"});
  ASSERT_NE(data, nullptr);
  auto built = engine::Index::Build(*data->store);
  ASSERT_TRUE(built.ok());
  const std::string path = data->dir.File("db.engine");
  const std::string before = Fingerprint(*data->store);
  ASSERT_TRUE(engine::WriteSnapshot(**built, nullptr, before, path).ok());
  // More records arrive (an import while serving): the loaded index appends them.
  auto r = ingest::ImportFiles(*data->store, {UprFile("sessions-06-09.csv")}, {});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_NE(Fingerprint(*data->store), before);
  auto read = engine::ReadSnapshot(path, before);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->vocabulary, nullptr);
  auto refreshed = read->index->Refreshed(*data->store);
  ASSERT_TRUE(refreshed.ok());
  EXPECT_EQ((*refreshed)->size(), 6094 + 8343);
  auto fresh = engine::Index::Build(*data->store);
  ASSERT_TRUE(fresh.ok());
  // (Memory differs: a refresh numbers new terms after the old ones and grows the vectors.)
  ExpectSameAnswers(Answers(**refreshed), Answers(**fresh), /*with_memory=*/false);
  // In place too.
  ASSERT_TRUE(read->index->Refresh(*data->store).ok());
  ExpectSameAnswers(Answers(*read->index), Answers(**fresh), /*with_memory=*/false);
}

TEST_F(SnapshotIssue17, StaleOrForeignSnapshotIsRefusedIssue17) {
  // Another fingerprint (the database changed) or another build: kConflict, nothing loaded.
  auto stale = engine::ReadSnapshot(*path_, "0123");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kConflict);
  EXPECT_NE(stale.status().message().find("the database has changed"), std::string::npos);
  auto missing = engine::ReadSnapshot(data_->dir.File("none.engine"), "x");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  // Checked without the key (as the fuzz target does), the same bytes load.
  auto any = engine::ParseSnapshot(*bytes_, "", /*check_key=*/false);
  EXPECT_TRUE(any.ok()) << any.status().ToString();
  // A format this build does not read.
  std::string other = *bytes_;
  other[8] = 7;
  auto format = engine::ParseSnapshot(other, Fingerprint(*data_->store));
  EXPECT_EQ(format.status().code(), StatusCode::kConflict);
  EXPECT_NE(format.status().message().find("format 7"), std::string::npos);
}

// The body checksum recomputed after a change, so that the content checks are reached.
std::string Resealed(std::string bytes) {
  const uint64_t h = XXH3_64bits(bytes.data() + 32, bytes.size() - 32);
  for (int i = 0; i < 8; ++i) bytes[24 + i] = static_cast<char>(h >> (8 * i));
  return bytes;
}

uint64_t U64At(const std::string& b, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(b[at + i])} << (8 * i);
  return v;
}

TEST_F(SnapshotIssue17, DamagedSnapshotIsRejectedNamingThePlaceIssue17) {
  const std::string fp = Fingerprint(*data_->store);
  const std::string& good = *bytes_;
  auto expect_bad = [&](const std::string& bytes, const std::string& says) {
    auto got = engine::ParseSnapshot(bytes, fp);
    ASSERT_FALSE(got.ok()) << says;
    EXPECT_EQ(got.status().code(), StatusCode::kBadInput) << got.status().ToString();
    EXPECT_NE(got.status().message().find(says), std::string::npos) << got.status().ToString();
  };
  expect_bad("", "truncated");
  expect_bad(good.substr(0, 20), "truncated");
  expect_bad("not a snapshot at all, just some text of more than 32 bytes", "byte 0");
  // Truncated anywhere: the header's body size no longer matches.
  for (size_t len : {size_t{32}, size_t{100}, good.size() / 2, good.size() - 1})
    expect_bad(good.substr(0, len), "truncated");
  // Truncated with a header resealed for the shorter body: the reader runs out inside a member.
  {
    std::string cut = good.substr(0, good.size() / 2);
    for (int i = 0; i < 8; ++i) cut[16 + i] = static_cast<char>((cut.size() - 32) >> (8 * i));
    expect_bad(Resealed(cut), " left");
  }
  // A flipped byte anywhere in the body: the checksum.
  for (size_t at : {size_t{40}, good.size() / 3, good.size() - 2}) {
    std::string flipped = good;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x5A);
    auto got = engine::ParseSnapshot(flipped, fp);
    ASSERT_FALSE(got.ok()) << at;
    EXPECT_TRUE(got.status().code() == StatusCode::kBadInput ||
                got.status().code() == StatusCode::kConflict)
        << got.status().ToString();
  }
  {
    std::string flipped = good;
    flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 1);
    expect_bad(flipped, "checksum");
  }
  // Content that passes the checksum but not the checks: a state code past the dictionary in
  // the first record's 'sur' (after the key and the ids).
  {
    size_t at = 32;
    at += 8 + U64At(good, at);  // build id
    at += 8 + U64At(good, at);  // fingerprint
    const uint64_t n = U64At(good, at);
    ASSERT_EQ(n, 33082u);
    at += 8 + 8 * n;  // ids
    ASSERT_EQ(U64At(good, at), n);
    std::string bad = good;
    bad[at + 8] = '\xF0';
    bad[at + 9] = '\x7F';
    expect_bad(Resealed(bad), "member 'sur'");
    // A count larger than the file.
    std::string huge = good;
    huge[at + 7] = '\x7F';
    expect_bad(Resealed(huge), "(sur)");
  }
  // Trailing bytes.
  {
    std::string longer = good + "xx";
    for (int i = 0; i < 8; ++i) longer[16 + i] = static_cast<char>((longer.size() - 32) >> (8 * i));
    expect_bad(Resealed(longer), "after the end");
  }
}

// Warnings the backend gives, collected.
struct Notes {
  std::mutex mu;
  std::vector<std::string> all;
  std::function<void(const std::string&)> Sink() {
    return [this](const std::string& s) {
      std::lock_guard lock(mu);
      all.push_back(s);
    };
  }
  std::string Joined() {
    std::lock_guard lock(mu);
    std::string out;
    for (const auto& s : all) out += s + "\n";
    return out;
  }
};

// A database of one real session file, and what `serve` would make of it.
struct SmallDb {
  TempDir dir;
  std::string db = dir.File("db");
  std::string snapshot = db + ".engine";
  Result<std::unique_ptr<server::EngineBackend>> Open(Notes& notes, bool snapshot_on = true,
                                                      std::string path = "") {
    server::EngineOptions o;
    o.snapshot = snapshot_on;
    o.snapshot_path = std::move(path);
    o.note = notes.Sink();
    return server::EngineBackend::Open(db, 2, std::move(o));
  }
};

int64_t Total(server::EngineBackend& b, const std::string& q) {
  auto got = b.Search({q, {}, 5, 0});
  EXPECT_TRUE(got.ok());
  return got.ok() ? got->total : -1;
}

TEST(SnapshotBackendIssue17, WrittenAfterABuildReadAtTheNextStartRebuiltWhenStaleIssue17) {
  SmallDb s;
  ASSERT_TRUE(ImportRealFiles(s.db, {"sessions-01-05.csv"}));
  Notes notes;
  {
    auto first = s.Open(notes);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_FALSE((*first)->from_snapshot());
    (*first)->WaitForSnapshot();
  }
  EXPECT_EQ(notes.Joined(), "");
  ASSERT_TRUE(std::filesystem::exists(s.snapshot));
  {
    auto second = s.Open(notes);
    ASSERT_TRUE(second.ok());
    EXPECT_TRUE((*second)->from_snapshot());
    EXPECT_EQ(Total(**second, ""), 6094);
    // The vocabulary came with it: "did you mean" without reading the texts again.
    auto v = (*second)->Vocabulary();
    ASSERT_TRUE(v.ok());
    EXPECT_GT((*v)->Count("torture"), 0);
  }
  EXPECT_EQ(notes.Joined(), "");
  // The database changes: the next start rebuilds (and says why), and writes a new snapshot.
  ASSERT_TRUE(ImportRealFiles(s.db, {"sessions-06-09.csv"}));
  {
    auto third = s.Open(notes);
    ASSERT_TRUE(third.ok());
    EXPECT_FALSE((*third)->from_snapshot());
    EXPECT_EQ(Total(**third, ""), 6094 + 8343);
    (*third)->WaitForSnapshot();
  }
  EXPECT_NE(notes.Joined().find("out of date"), std::string::npos) << notes.Joined();
  notes.all.clear();
  {
    auto fourth = s.Open(notes);
    ASSERT_TRUE(fourth.ok());
    EXPECT_TRUE((*fourth)->from_snapshot());
    EXPECT_EQ(Total(**fourth, ""), 6094 + 8343);
  }
  EXPECT_EQ(notes.Joined(), "");
  // --no-snapshot: neither read nor written.
  std::filesystem::remove(s.snapshot);
  {
    auto off = s.Open(notes, /*snapshot_on=*/false);
    ASSERT_TRUE(off.ok());
    EXPECT_FALSE((*off)->from_snapshot());
  }
  EXPECT_FALSE(std::filesystem::exists(s.snapshot));
}

TEST(SnapshotBackendIssue17, DamagedOrUnwritableSnapshotIsAWarningNeverAnErrorIssue17) {
  SmallDb s;
  ASSERT_TRUE(ImportRealFiles(s.db, {"sessions-01-05.csv"}));
  Notes notes;
  {
    auto first = s.Open(notes);
    ASSERT_TRUE(first.ok());
  }
  const std::string good = ReadAll(s.snapshot);
  ASSERT_GT(good.size(), 1000u);
  std::string flipped = good;
  flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x10);
  for (const std::string& bad : {good.substr(0, good.size() / 3), flipped, std::string("junk")}) {
    s.dir.Write("db.engine", bad);
    notes.all.clear();
    {
      auto opened = s.Open(notes);
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      EXPECT_FALSE((*opened)->from_snapshot());
      EXPECT_GT(Total(**opened, "torture"), 0);
      EXPECT_EQ(Total(**opened, ""), 6094);
    }
    EXPECT_NE(notes.Joined().find("engine snapshot ignored"), std::string::npos) << notes.Joined();
    EXPECT_NE(notes.Joined().find(s.snapshot), std::string::npos) << notes.Joined();
    // The damaged file was replaced by a good one.
    EXPECT_TRUE(ReadAll(s.snapshot) == good);
  }
  // A snapshot that cannot be written (its directory does not exist): a warning, and the
  // server runs on.
  notes.all.clear();
  {
    auto opened = s.Open(notes, true, s.dir.File("missing/dir/db.engine"));
    ASSERT_TRUE(opened.ok());
    (*opened)->WaitForSnapshot();
    EXPECT_EQ(Total(**opened, ""), 6094);
  }
  EXPECT_NE(notes.Joined().find("engine snapshot not written"), std::string::npos)
      << notes.Joined();
  // No temporary file is left behind.
  for (const auto& e : std::filesystem::directory_iterator(s.dir.File("")))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(SnapshotBackendIssue17, ServeWithSnapshotAnswersAsWithoutIssue17) {
  SmallDb s;
  ASSERT_TRUE(ImportRealFiles(s.db, {"sessions-01-05.csv", "sessions-14-17.csv"}));
  Notes notes;
  {
    auto first = s.Open(notes);
    ASSERT_TRUE(first.ok());
  }
  auto with = s.Open(notes);
  auto without = s.Open(notes, /*snapshot_on=*/false);
  ASSERT_TRUE(with.ok() && without.ok());
  ASSERT_TRUE((*with)->from_snapshot());
  ASSERT_FALSE((*without)->from_snapshot());
  LiveServer a(**with), b(**without);
  for (const std::string target :
       {"/api/v1/recommendations?q=torture&facets=sur,theme,response",
        "/api/v1/recommendations?q=%22death+penalty%22+women&per_page=50",
        "/api/v1/recommendations?q=tortre",  // did you mean: the vocabulary
        "/api/v1/recommendations?q=discrimin*&from-region=weog&sort=id&page=2",
        "/api/v1/recommendations?q=children+france", "/api/v1/aggregations?by=theme,cycle&q=women",
        "/api/v1/aggregations?by=from,sur&limit=20", "/api/v1/recommendations/1/similar",
        "/api/v1/repeated?min_score=0.9&limit=5"}) {
    auto [status_a, body_a] = a.GetJson(target);
    auto [status_b, body_b] = b.GetJson(target);
    EXPECT_EQ(status_a, 200) << target << "\n" << body_a.dump();
    EXPECT_EQ(status_a, status_b) << target;
    EXPECT_EQ(body_a, body_b) << target;
  }
  EXPECT_EQ(notes.Joined(), "");
}

}  // namespace
}  // namespace openupr::testing

// The import command's engine on small fixtures written by each test: every quirk of the UPR
// Info export, every fatal error (the database is left exactly as it was), duplicates and
// re-imports.
#include <gtest/gtest.h>
#include <sodium.h>
#include <xxhash.h>


#include "ingest/importer.h"
#include "store/store.h"
#include "test_util.h"

namespace openupr::ingest {
namespace {

using testing::kHeader;
using testing::TempDir;

std::string Csv(const std::vector<std::string>& rows, const std::string& eol = "\r") {
  std::string out = kHeader;
  for (const auto& r : rows) out += eol + r;
  return out;
}

const char* kRowA =
    "Afghanistan,Asia,OIC,\"Ratify the CAT, and its protocol\",France,WEOG,\"EU, OIF\",Accepted,5,"
    "\"Torture and other CID treatment,International instruments\",5";
const char* kRowB =
    "Afghanistan,Asia,OIC,Continue efforts on education,&#40;Unknown&#41;,&#40;Unknown&#41;,"
    "&#40;Unknown&#41;,Noted,2,Right to education,5";
const char* kRowC = "Viet Nam,Asia,\"ASEAN, OIF\",Abolish the death penalty,Iran,Asia,OIC,Noted,,"
                    "Death penalty,13";

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::Open(dir_.File("db.sqlite"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  ImportReport Import(const std::vector<std::string>& files, ImportOptions options = {}) {
    return ImportFiles(*store_, files, options);
  }
  store::Counts Counts() {
    auto c = store_->GetCounts();
    EXPECT_TRUE(c.ok());
    return c.ok() ? *c : store::Counts{};
  }
  // Asserts that the report failed as bad input with an error containing every needle.
  static void ExpectError(const ImportReport& r, const std::vector<std::string>& needles) {
    EXPECT_EQ(r.status.code(), StatusCode::kBadInput) << r.status.ToString();
    EXPECT_EQ(r.import_id, 0);
    std::string all;
    for (const auto& f : r.files)
      for (const auto& e : f.errors) all += e.ToString() + "\n";
    for (const auto& n : needles) EXPECT_NE(all.find(n), std::string::npos) << n << " in\n" << all;
  }
  TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(ImportTest, StoresEveryFieldOfTheExport) {
  const std::string f = dir_.Write("a.csv", Csv({kRowA, kRowB, kRowC}));
  ImportReport r = Import({f});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0].rows, 3);
  EXPECT_EQ(r.files[0].added, 3);
  EXPECT_EQ(r.files[0].line_ends, LineEnds::kCr);
  EXPECT_EQ(r.files[0].entities_decoded, 6);  // "(Unknown)" x 3 fields, 2 each

  auto a = store_->GetRecommendation(1);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->sur, "AFG");
  ASSERT_EQ(a->from.size(), 1u);
  EXPECT_EQ(a->from[0].iso3, "FRA");
  EXPECT_EQ(a->text, "Ratify the CAT, and its protocol");
  EXPECT_EQ(a->session, 5);
  EXPECT_EQ(a->cycle, 1);
  EXPECT_EQ(a->response, Response::kSupported);
  EXPECT_EQ(a->response_raw, "Accepted");
  EXPECT_EQ(a->action, 5);
  EXPECT_EQ(a->themes, (std::vector<std::string>{"International instruments",
                                                  "Torture and other CID treatment"}));
  EXPECT_EQ(a->from_orgs, "EU, OIF");
  EXPECT_EQ(a->provenance.source_file, f);
  EXPECT_EQ(a->provenance.line, 2);
  EXPECT_EQ(a->provenance.import_id, r.import_id);

  auto b = store_->GetRecommendation(2);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->from.size(), 1u);
  EXPECT_EQ(b->from[0].iso3, "");  // "(Unknown)": the source does not know the state
  EXPECT_EQ(b->from[0].raw_name, "(Unknown)");
  EXPECT_EQ(b->response, Response::kNoted);

  auto c = store_->GetRecommendation(3);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sur, "VNM");
  EXPECT_EQ(c->from[0].iso3, "IRN");
  EXPECT_FALSE(c->action.has_value());
  EXPECT_EQ(c->cycle, 2);
  EXPECT_EQ(c->provenance.line, 4);
}

TEST_F(ImportTest, EveryLineEndKindGivesTheSameRecords) {
  int n = 0;
  for (auto [eol, kind] : {std::pair{"\r", LineEnds::kCr}, std::pair{"\n", LineEnds::kLf},
                           std::pair{"\r\n", LineEnds::kCrLf}}) {
    TempDir d;
    auto s = store::Store::Open(d.File("db"));
    ASSERT_TRUE(s.ok());
    ImportReport r = ImportFiles(**s, {d.Write("x.csv", Csv({kRowA, kRowC}, eol))}, {});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(r.files[0].line_ends, kind);
    EXPECT_EQ(r.added, 2);
    auto rec = (*s)->GetRecommendation(2);
    ASSERT_TRUE(rec.ok());
    EXPECT_EQ(rec->text, "Abolish the death penalty");
    EXPECT_EQ(rec->provenance.line, 3);
    ++n;
  }
  EXPECT_EQ(n, 3);
}

TEST_F(ImportTest, DecodesMacRomanWindows1252AndUtf8Bom) {
  const std::string mac = "Afghanistan,Asia,OIC,Prot\x8Dger les r\x8E" "fugi\x8E" "s,France,WEOG,EU,"
                          "Accepted,4,Migrants,5";
  const std::string win = "Afghanistan,Asia,OIC,Prot\xE7ger les r\xE9" "fugi\xE9" "s,Spain,WEOG,EU,"
                          "Accepted,4,Migrants,5";
  const std::string utf = "Afghanistan,Asia,OIC,Prot\xC3\xA7ger les r\xC3\xA9" "fugi\xC3\xA9" "s,"
                          "Italy,WEOG,EU,Accepted,4,Migrants,5";
  ImportReport r = Import({dir_.Write("mac.csv", Csv({mac})), dir_.Write("win.csv", Csv({win}, "\r\n")),
                           dir_.Write("utf.csv", "\xEF\xBB\xBF" + Csv({utf}, "\n"))});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.files[0].encoding, Encoding::kMacRoman);
  EXPECT_EQ(r.files[1].encoding, Encoding::kWindows1252);
  EXPECT_EQ(r.files[2].encoding, Encoding::kUtf8Bom);
  for (int64_t id = 1; id <= 3; ++id) {
    auto rec = store_->GetRecommendation(id);
    ASSERT_TRUE(rec.ok());
    EXPECT_EQ(rec->text, "Prot\xC3\xA7ger les r\xC3\xA9" "fugi\xC3\xA9" "s") << id;
  }
}

TEST_F(ImportTest, ForcedEncodingIsUsedAndReported) {
  const std::string row = "Afghanistan,Asia,OIC,R\xE9" "fugi\xE9" "s,France,WEOG,EU,Accepted,4,Migrants,5";
  ImportOptions o;
  o.encoding = Encoding::kMacRoman;  // wrong on purpose: 0xE9 is È in Mac Roman
  ImportReport r = Import({dir_.Write("f.csv", Csv({row}))}, o);
  ASSERT_TRUE(r.status.ok());
  EXPECT_TRUE(r.files[0].encoding_forced);
  auto rec = store_->GetRecommendation(1);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->text, "R\xC3\x88" "fugi\xC3\x88" "s");
}

TEST_F(ImportTest, RepeatsAreKeptOnceEachAndReported) {
  // Row 3 repeats row 2 (same key; case, spacing and final dot differ); row 4 differs in response.
  const std::string dup1 = "Chad,Africa,AU,Ratify the CAT.,Chile,GRULAC,OAS,Accepted,5,Torture,6";
  const std::string dup2 = "Chad,Africa,AU,ratify  the cat,Chile,GRULAC,OAS,Accepted,5,Torture,6";
  const std::string dup3 = "Chad,Africa,AU,Ratify the CAT,Chile,GRULAC,OAS,Noted,5,Torture,6";
  ImportReport r = Import({dir_.Write("d.csv", Csv({dup1, dup2, dup3, kRowA}))});
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.added, 4);  // every source row is kept
  ASSERT_EQ(r.files[0].repeats.size(), 2u);
  EXPECT_EQ(r.files[0].repeats[0].line, 3);
  EXPECT_EQ(r.files[0].repeats[0].first_id, 1);
  EXPECT_TRUE(r.files[0].repeats[0].differs.empty());
  EXPECT_EQ(r.files[0].repeats[1].line, 4);
  EXPECT_EQ(r.files[0].repeats[1].differs, (std::vector<std::string>{"response"}));
  auto rec = store_->GetRecommendation(2);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->duplicate_of, 1);
}

// n rows, each with its own text ("Measure i"), for files longer than a parser's batch.
std::vector<std::string> NumberedRows(int n) {
  std::vector<std::string> rows;
  for (int i = 1; i <= n; ++i)
    rows.push_back("Chad,Africa,AU,Measure " + std::to_string(i) +
                   ",Chile,GRULAC,OAS,Accepted,5,Torture,6");
  return rows;
}

TEST_F(ImportTest, RepeatsAreFoundAcrossTheParsersBatches) {
  std::vector<std::string> rows = NumberedRows(2500);  // three batches of at most 1,024
  rows.push_back("Chad,Africa,AU,measure  1.,Chile,GRULAC,OAS,Noted,5,Torture,6");  // line 2502
  ImportReport r = Import({dir_.Write("long.csv", Csv(rows))});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.added, 2501);
  EXPECT_EQ(r.files[0].rows, 2501);
  EXPECT_EQ(r.files[0].recommendations, 2501);
  ASSERT_EQ(r.files[0].repeats.size(), 1u);
  EXPECT_EQ(r.files[0].repeats[0].line, 2502);
  EXPECT_EQ(r.files[0].repeats[0].first_id, 1);
  EXPECT_EQ(r.files[0].repeats[0].differs, (std::vector<std::string>{"response"}));
  EXPECT_EQ(Counts().recommendations, 2501);
  auto rows_stored = store_->db().QueryInt("SELECT rows FROM source_file");
  ASSERT_TRUE(rows_stored.ok());
  EXPECT_EQ(*rows_stored, 2501);
}

TEST_F(ImportTest, TheSameBytesTwiceInOneCommandAreStoredOnce) {
  const std::string a = dir_.Write("a.csv", Csv(NumberedRows(1500)));
  const std::string b = dir_.Write("b.csv", Csv({kRowC}));
  const std::string a_again = dir_.Write("copy-of-a.csv", Csv(NumberedRows(1500)));
  ImportReport r = Import({a, b, a_again});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.files.size(), 3u);
  EXPECT_FALSE(r.files[0].previous.has_value());
  ASSERT_TRUE(r.files[2].previous.has_value());
  EXPECT_EQ(r.files[2].previous->path, a);
  EXPECT_EQ(r.files[2].previous->import_id, 0);  // this command, not an earlier import
  EXPECT_EQ(r.files[2].added, 0);
  EXPECT_TRUE(r.files[2].repeats.empty());
  EXPECT_EQ(r.added, 1501);
  EXPECT_EQ(Counts().recommendations, 1501);
  EXPECT_EQ(Counts().source_files, 2);
}

TEST_F(ImportTest, ReimportingTheSameFileIsANoOp) {
  const std::string f = dir_.Write("a.csv", Csv({kRowA, kRowB}));
  ImportReport first = Import({f});
  ASSERT_TRUE(first.status.ok());
  const auto before = Counts();
  ImportReport again = Import({f});
  ASSERT_TRUE(again.status.ok());
  EXPECT_EQ(again.import_id, 0);
  ASSERT_TRUE(again.files[0].previous.has_value());
  EXPECT_EQ(again.files[0].previous->import_id, first.import_id);
  const auto after = Counts();
  EXPECT_EQ(after.recommendations, before.recommendations);
  EXPECT_EQ(after.imports, before.imports);
}

std::string Hex(unsigned char b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return {kDigits[b >> 4], kDigits[b & 15]};
}

// The content hash is "xxh3-128:" and the XXH3-128 of the file's bytes, big-endian, in hex.
TEST_F(ImportTest, AFilesContentHashIsTheXxh3Of128BitsOfItsBytes) {
  const std::string bytes = Csv({kRowA, kRowB});
  ImportReport r = Import({dir_.Write("a.csv", bytes)});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  XXH128_canonical_t c;
  XXH128_canonicalFromHash(&c, XXH3_128bits(bytes.data(), bytes.size()));
  std::string hex;
  for (unsigned char b : c.digest) hex += Hex(b);
  EXPECT_EQ(r.files[0].content_hash, "xxh3-128:" + hex);
  auto stored = store_->FindSourceFileByHash("xxh3-128:" + hex);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->path, r.files[0].path);
}

// Earlier versions stored "blake2b:" and the BLAKE2b-256 of a file's bytes: those bytes are still
// recognised, and not stored a second time.
TEST_F(ImportTest, AFileStoredWithAnEarlierVersionsBlake2bHashIsStillANoOp) {
  const std::string bytes = Csv({kRowA, kRowB});
  const std::string f = dir_.Write("a.csv", bytes);
  ImportReport first = Import({f});
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  ASSERT_EQ(sodium_init() >= 0, true);
  unsigned char h[crypto_generichash_BYTES];
  crypto_generichash(h, sizeof(h), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  std::string legacy = "blake2b:";
  for (unsigned char b : h) legacy += Hex(b);
  auto upd = store_->db().Prepare("UPDATE source_file SET content_hash = ?");
  ASSERT_TRUE(upd.ok());
  upd->Bind(1, legacy);
  ASSERT_TRUE(upd->Run().ok());
  const auto before = Counts();

  ImportReport again = Import({f});
  ASSERT_TRUE(again.status.ok()) << again.status.ToString();
  EXPECT_EQ(again.import_id, 0);
  ASSERT_TRUE(again.files[0].previous.has_value());
  EXPECT_EQ(again.files[0].previous->content_hash, legacy);
  EXPECT_EQ(again.files[0].previous->import_id, first.import_id);
  EXPECT_EQ(Counts().source_files, before.source_files);
  EXPECT_EQ(Counts().imports, before.imports);

  // Other bytes are still imported (with the new kind of hash) beside the old file.
  ImportReport other = Import({dir_.Write("b.csv", Csv({kRowC}))});
  ASSERT_TRUE(other.status.ok()) << other.status.ToString();
  EXPECT_TRUE(other.files[0].content_hash.starts_with(kContentHashPrefix));
  EXPECT_EQ(other.files[0].added, 1);
}

// `openupr import` opens the store while the files are read: once, and its failure is the
// report's status (the parsers already at work stop).
TEST_F(ImportTest, TheStoreIsOpenedOnceWhileTheFilesAreReadAndItsFailureIsTheStatus) {
  const std::string a = dir_.Write("a.csv", Csv({kRowA, kRowB}));
  const std::string c = dir_.Write("c.csv", Csv({kRowC}));
  int calls = 0;
  ImportReport r = ImportFiles(
      [&]() -> Result<store::Store*> {
        ++calls;
        return store_.get();
      },
      {a, c}, {});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(r.added, 3);
  EXPECT_EQ(Counts().recommendations, 3);

  // A new file created for the import, as the CLI does: in WAL once the import is done.
  std::unique_ptr<store::Store> fresh;
  ImportReport into_new = ImportFiles(
      [&]() -> Result<store::Store*> {
        auto s = store::Store::Open(dir_.File("new.sqlite"), store::OpenMode::kCreateForImport);
        if (!s.ok()) return s.status();
        fresh = std::move(s).value();
        return fresh.get();
      },
      {a, c}, {});
  ASSERT_TRUE(into_new.status.ok()) << into_new.status.ToString();
  EXPECT_EQ(into_new.added, 3);
  EXPECT_EQ(*fresh->db().QueryText("PRAGMA journal_mode"), "wal");

  ImportReport failed = ImportFiles(
      []() -> Result<store::Store*> { return Status::Io("db.sqlite: disk on fire"); },
      {dir_.Write("b.csv", Csv({kRowB, kRowC}, "\n"))}, {});
  EXPECT_EQ(failed.status.code(), StatusCode::kIo);
  EXPECT_EQ(failed.status.message(), "db.sqlite: disk on fire");
  EXPECT_TRUE(failed.files.empty());
  EXPECT_EQ(Counts().recommendations, 3);
}

TEST_F(ImportTest, AnImportWhileAnotherConnectionReadsRunsInWalBesideIt) {
  ASSERT_TRUE(Import({dir_.Write("a.csv", Csv({kRowA}))}).status.ok());
  auto reader = store::Database::Open(dir_.File("db.sqlite"), false, /*read_only=*/true);
  ASSERT_TRUE(reader.ok());
  store::ReadSnapshot snapshot(**reader);
  ASSERT_TRUE(snapshot.Begin().ok());
  EXPECT_EQ(*(*reader)->QueryInt("SELECT count(*) FROM recommendation"), 1);
  ImportReport r = Import({dir_.Write("b.csv", Csv({kRowB, kRowC}))});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(Counts().recommendations, 3);
  EXPECT_EQ(*(*reader)->QueryInt("SELECT count(*) FROM recommendation"), 1);  // its snapshot
}

TEST_F(ImportTest, RowsAlreadyInTheDatabaseAreNotDoubled) {
  ASSERT_TRUE(Import({dir_.Write("a.csv", Csv({kRowA, kRowB}))}).status.ok());
  // Another export (other bytes: LF line ends) overlapping the first and adding one row.
  ImportReport r = Import({dir_.Write("b.csv", Csv({kRowB, kRowA, kRowC}, "\n"))});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.files[0].already_present, 2);
  EXPECT_EQ(r.files[0].added, 1);
  EXPECT_EQ(Counts().recommendations, 3);
}

TEST_F(ImportTest, ARepeatOfARowFromAnEarlierImportPointsToIt) {
  ASSERT_TRUE(Import({dir_.Write("a.csv", Csv({kRowA}))}).status.ok());
  // Another export with the same row twice: one is already present, the other repeats #1.
  ImportReport r = Import({dir_.Write("b.csv", Csv({kRowA, kRowA}, "\n"))});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.files[0].already_present, 1);
  EXPECT_EQ(r.files[0].added, 1);
  ASSERT_EQ(r.files[0].repeats.size(), 1u);
  EXPECT_TRUE(r.files[0].repeats[0].earlier_import);
  auto rec = store_->GetRecommendation(2);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->duplicate_of, 1);
}

TEST_F(ImportTest, VoluntaryPledgesGoToTheirOwnTable) {
  const std::string pledge =
      "Albania,EEG,\"OIC, OIF\",Albania pledges to implement the Roma strategy,Albania,EEG,"
      "\"OIC, OIF\",Voluntary Pledge,5,Minorities,19";
  ImportReport r = Import({dir_.Write("p.csv", Csv({pledge, kRowA, pledge}))});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.files[0].pledges, 2);
  ASSERT_EQ(r.files[0].repeats.size(), 1u);
  EXPECT_TRUE(r.files[0].repeats[0].pledge);
  EXPECT_EQ(*store_->db().QueryInt("SELECT duplicate_of FROM pledge WHERE id = 2"), 1);
  EXPECT_EQ(r.files[0].recommendations, 1);
  auto c = Counts();
  EXPECT_EQ(c.pledges, 2);
  EXPECT_EQ(c.recommendations, 1);
}

// Each fatal error: the report names file:line and column, and nothing is stored.
class FatalImportTest : public ImportTest {
 protected:
  void SetUp() override {
    ImportTest::SetUp();
    ASSERT_TRUE(Import({dir_.Write("good.csv", Csv({kRowA, kRowB}))}).status.ok());
    before_ = Counts();
  }
  void TearDown() override {
    const auto after = Counts();
    EXPECT_EQ(after.recommendations, before_.recommendations);
    EXPECT_EQ(after.pledges, before_.pledges);
    EXPECT_EQ(after.imports, before_.imports);
    EXPECT_EQ(after.source_files, before_.source_files);
    auto themes = store_->ThemeNames();
    ASSERT_TRUE(themes.ok());
    EXPECT_EQ(themes->size(), 3u);
    // The failed import's rollback journal is gone: the file is in WAL again.
    auto mode = store_->db().QueryText("PRAGMA journal_mode");
    ASSERT_TRUE(mode.ok());
    EXPECT_EQ(*mode, "wal");
  }
  store::Counts before_;
};

TEST_F(FatalImportTest, WrongHeader) {
  const std::string f = dir_.Write(
      "h.csv", "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Answer,Action,Issue,Session\r" +
                   std::string(kRowC));
  ImportOptions o;
  o.format = "upr-info";
  ExpectError(Import({f}, o), {"h.csv:1", "missing column(s) Response", "unexpected column 'Answer'"});
  ExpectError(Import({f}), {"h.csv:1", "unrecognised format"});
}

TEST_F(FatalImportTest, UnterminatedQuote) {
  const std::string f =
      dir_.Write("q.csv", Csv({kRowC, "Chad,Africa,AU,\"Ratify the CAT,Chile,GRULAC,OAS,Accepted,5,Torture,6"}));
  ExpectError(Import({f}), {"q.csv:3", "column 4", "unterminated quote"});
}

TEST_F(FatalImportTest, BadSessionNumber) {
  const std::string f = dir_.Write(
      "s.csv", Csv({kRowC, "Chad,Africa,AU,Ratify the CAT,Chile,GRULAC,OAS,Accepted,5,Torture,99",
                    "Chad,Africa,AU,Ratify the CRC,Chile,GRULAC,OAS,Accepted,5,Torture,six"}));
  ExpectError(Import({f}), {"s.csv:3: column 'Session'", "found '99'", "s.csv:4: column 'Session'",
                            "found 'six'"});
}

TEST_F(FatalImportTest, UnknownStateListsEveryLine) {
  const std::string f = dir_.Write(
      "u.csv", Csv({kRowC, "Atlantis,Africa,AU,Ratify the CAT,Chile,GRULAC,OAS,Accepted,5,Torture,6",
                    "Chad,Africa,AU,Ratify the CAT,Atlantis,GRULAC,OAS,Accepted,5,Torture,6",
                    "Atlantis,Africa,AU,Ratify the CRC,Chile,GRULAC,OAS,Accepted,5,Torture,6"}));
  ImportReport r = Import({f});
  ExpectError(r, {"u.csv:3: column 'To': unknown state 'Atlantis' on line(s) 3,5",
                  "u.csv:4: column 'From': unknown state 'Atlantis' on line(s) 4"});
  ASSERT_EQ(r.files[0].unknown_states.size(), 2u);
}

TEST_F(FatalImportTest, WrongNumberOfFields) {
  const std::string f = dir_.Write("n.csv", Csv({kRowC, "Chad,Africa,AU,Ratify the CAT,Chile"}));
  ExpectError(Import({f}), {"n.csv:3", "expected 11 fields, found 5"});
}

TEST_F(FatalImportTest, BadActionCategory) {
  const std::string f = dir_.Write(
      "a.csv", Csv({"Chad,Africa,AU,Ratify the CAT,Chile,GRULAC,OAS,Accepted,7,Torture,6"}));
  ExpectError(Import({f}), {"a.csv:2: column 'Action'", "found '7'"});
}

TEST_F(FatalImportTest, ForcedUtf8OnMacRoman) {
  const std::string f = dir_.Write(
      "m.csv", Csv({"Chad,Africa,AU,R\x8E" "fugi\x8E" "s,Chile,GRULAC,OAS,Accepted,4,Migrants,6"}));
  ImportOptions o;
  o.encoding = Encoding::kUtf8;
  ExpectError(Import({f}, o), {"m.csv:2:17", "invalid UTF-8"});
}

TEST_F(FatalImportTest, OneBadFileKeepsTheGoodOnesOfTheSameCommandOut) {
  const std::string good = dir_.Write("g2.csv", Csv({kRowC}));
  const std::string bad = dir_.Write("b.csv", Csv({"Chad,Africa,AU,x,Chile,GRULAC,OAS,Accepted,5,T,0"}));
  ImportReport r = Import({good, bad});
  ExpectError(r, {"b.csv:2: column 'Session'"});
  EXPECT_TRUE(r.files[0].errors.empty());
}

// A file that cannot be read after others were read (and handed to the parser threads) stops
// the command with an I/O error naming it; the files before it are not kept.
TEST_F(ImportTest, AnUnreadableFileAfterReadableOnesStopsTheCommand) {
  const std::string a = dir_.Write("a1.csv", Csv({kRowA}));
  const std::string b = dir_.Write("b1.csv", Csv({kRowC}));
  ImportReport r = Import({a, b, dir_.File("no-such.csv"), a});
  EXPECT_EQ(r.status.code(), StatusCode::kIo) << r.status.ToString();
  EXPECT_NE(r.status.message().find("no-such.csv"), std::string::npos) << r.status.ToString();
  EXPECT_EQ(Counts().recommendations, 0);
  // The same files import once the missing one is left out.
  ImportReport ok = Import({a, b});
  EXPECT_TRUE(ok.status.ok()) << ok.status.ToString();
  EXPECT_EQ(Counts().recommendations, 2);
}

TEST_F(FatalImportTest, AnErrorAfterBatchesWereWrittenKeepsNoneOfThem) {
  // The parser hands over two batches of rows, which the writer stores, before line 2100's bad
  // session: the whole command is rolled back (TearDown checks every count).
  std::vector<std::string> rows = NumberedRows(2200);
  rows[2098] = "Chad,Africa,AU,Measure x,Chile,GRULAC,OAS,Accepted,5,Torture,99";
  const std::string bad = dir_.Write("long.csv", Csv(rows));
  ImportReport r = Import({bad});
  ExpectError(r, {"long.csv:2100", "Session", "found '99'"});
  EXPECT_EQ(r.files[0].added, 0);
}

// A failed import added a theme and rolled it back: the next import with the same store must not
// link to the theme's vanished id.
TEST_F(ImportTest, AThemeAddedByAFailedImportIsAddedAgainByTheNext) {
  const std::string row = "Chad,Africa,AU,Ratify the CAT,Chile,GRULAC,OAS,Accepted,5,Brand new theme,6";
  const std::string bad = "Chad,Africa,AU,Ratify the CRC,Chile,GRULAC,OAS,Accepted,5,Torture,99";
  ImportReport failed = Import({dir_.Write("bad.csv", Csv({row, bad}))});
  ASSERT_EQ(failed.status.code(), StatusCode::kBadInput);
  ImportReport r = Import({dir_.Write("good.csv", Csv({row}))});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  auto themes = store_->ThemeNames();
  ASSERT_TRUE(themes.ok());
  EXPECT_EQ(*themes, (std::vector<std::string>{"Brand new theme"}));
  EXPECT_EQ(*store_->db().QueryInt("SELECT count(*) FROM recommendation_theme rt JOIN theme t "
                                   "ON t.id = rt.theme_id WHERE t.name = 'Brand new theme'"),
            1);
  int violations = 0;
  ASSERT_TRUE(store_->db().ForEachRow("PRAGMA foreign_key_check", [&](auto&) { ++violations; }).ok());
  EXPECT_EQ(violations, 0);
}

// The bulk writer appends with a small page cache; the connection's own (the store's, which
// queries rely on) is back after an import, a failed one included.
TEST_F(ImportTest, AnImportLeavesTheConnectionsPageCacheAsItFoundIt) {
  const int64_t before = *store_->db().QueryInt("PRAGMA cache_size");
  ASSERT_TRUE(Import({dir_.Write("a.csv", Csv({kRowA, kRowB}))}).status.ok());
  EXPECT_EQ(*store_->db().QueryInt("PRAGMA cache_size"), before);
  const std::string bad = "Chad,Africa,AU,Ratify the CRC,Chile,GRULAC,OAS,Accepted,5,Torture,99";
  ASSERT_EQ(Import({dir_.Write("bad.csv", Csv({kRowC, bad}))}).status.code(),
            StatusCode::kBadInput);
  EXPECT_EQ(*store_->db().QueryInt("PRAGMA cache_size"), before);
}

TEST_F(FatalImportTest, TruncatedFileInTheMiddleOfAQuotedField) {
  std::string content = Csv({kRowC, kRowA});
  content.resize(content.size() - 40);  // cuts inside the quoted Issue field of the last row
  ExpectError(Import({dir_.Write("t.csv", content)}), {"t.csv:3", "unterminated quote"});
}

TEST_F(ImportTest, SkipUnknownStatesOnRequest) {
  ImportOptions o;
  o.skip_unknown_states = true;
  ImportReport r = Import(
      {dir_.Write("u.csv", Csv({kRowC, "Atlantis,Africa,AU,Ratify the CAT,Chile,GRULAC,OAS,"
                                       "Accepted,5,Torture,6"}))},
      o);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.files[0].skipped, 1);
  EXPECT_EQ(r.files[0].added, 1);
  ASSERT_EQ(r.files[0].unknown_states.size(), 1u);
  EXPECT_EQ(r.files[0].unknown_states[0].lines, (std::vector<int64_t>{3}));
}

}  // namespace
}  // namespace openupr::ingest

// The UHRI XLSX reader (ingest/uhri_xlsx.h, issue 17) on workbooks written here with
// libxlsxwriter, with shared strings (as Excel writes them) and with inline strings (its
// constant-memory mode): every field of every record against the values written, the header in
// any order and case, refusals naming the sheet, row and column, batches and a sink that stops.
#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <string>
#include <vector>

#include "ingest/uhri_xlsx.h"
#include "test_util.h"

namespace openupr::ingest {
namespace {

using testing::ReadAll;
using testing::TempDir;

// A cell to write: empty, text, a number, or a date (a number with a date format, as Excel
// stores one).
struct Cell {
  enum class Kind { kEmpty, kText, kNumber, kDate };
  Kind kind = Kind::kEmpty;
  std::string text;
  double number = 0;
  lxw_datetime date{};
};
Cell T(std::string s) {
  Cell c;
  c.kind = Cell::Kind::kText;
  c.text = std::move(s);
  return c;
}
Cell N(double n) {
  Cell c;
  c.kind = Cell::Kind::kNumber;
  c.number = n;
  return c;
}
Cell D(int y, int m, int d) {
  Cell c;
  c.kind = Cell::Kind::kDate;
  c.date.year = y;
  c.date.month = static_cast<uint8_t>(m);
  c.date.day = static_cast<uint8_t>(d);
  return c;
}
Cell E() { return {}; }
using Rows = std::vector<std::vector<Cell>>;

// Writes rows (from row 1) to a one-sheet workbook (or two sheets: the second is other_rows).
void WriteBook(const std::string& path, bool shared_strings, const Rows& rows,
               const std::string& sheet = "Export", const Rows* other_rows = nullptr) {
  lxw_workbook_options options = {};
  options.constant_memory = shared_strings ? LXW_FALSE : LXW_TRUE;
  lxw_workbook* book = workbook_new_opt(path.c_str(), &options);
  ASSERT_NE(book, nullptr);
  lxw_format* date_format = workbook_add_format(book);
  format_set_num_format(date_format, "yyyy-mm-dd");
  auto fill = [&](lxw_worksheet* ws, const Rows& rs) {
    for (size_t r = 0; r < rs.size(); ++r)
      for (size_t c = 0; c < rs[r].size(); ++c) {
        const Cell& cell = rs[r][c];
        const auto row = static_cast<lxw_row_t>(r);
        const auto col = static_cast<lxw_col_t>(c);
        lxw_error err = LXW_NO_ERROR;
        if (cell.kind == Cell::Kind::kText)
          err = worksheet_write_string(ws, row, col, cell.text.c_str(), nullptr);
        else if (cell.kind == Cell::Kind::kNumber)
          err = worksheet_write_number(ws, row, col, cell.number, nullptr);
        else if (cell.kind == Cell::Kind::kDate)
          err = worksheet_write_datetime(ws, row, col, const_cast<lxw_datetime*>(&cell.date),
                                         date_format);
        EXPECT_EQ(err, LXW_NO_ERROR) << lxw_strerror(err);
      }
  };
  fill(workbook_add_worksheet(book, sheet.c_str()), rows);
  if (other_rows) fill(workbook_add_worksheet(book, "Other"), *other_rows);
  ASSERT_EQ(workbook_close(book), LXW_NO_ERROR);
}

struct ReadResult {
  Status status;
  std::vector<UhriRecord> records;
  std::vector<size_t> batches;
  UhriXlsxStats stats;
};

ReadResult ReadFile(const std::string& path, int stop_after_batches = -1) {
  ReadResult out;
  out.status = ReadUhriXlsxFile(
      path,
      [&](std::vector<UhriRecord>&& batch) {
        out.batches.push_back(batch.size());
        for (auto& r : batch) out.records.push_back(std::move(r));
        return stop_after_batches < 0 || static_cast<int>(out.batches.size()) < stop_after_batches;
      },
      &out.stats);
  return out;
}

void ExpectRecord(const UhriRecord& got, const UhriRecord& want) {
  SCOPED_TRACE("row " + std::to_string(want.source_row));
  EXPECT_EQ(got.annotation_id, want.annotation_id);
  EXPECT_EQ(got.annotation_type, want.annotation_type);
  EXPECT_EQ(got.body, want.body);
  EXPECT_EQ(got.countries, want.countries);
  EXPECT_EQ(got.document_id, want.document_id);
  EXPECT_EQ(got.symbol, want.symbol);
  EXPECT_EQ(got.publication_date, want.publication_date);
  EXPECT_EQ(got.publication_date_on_uhri, want.publication_date_on_uhri);
  EXPECT_EQ(got.regions, want.regions);
  EXPECT_EQ(got.text, want.text);
  EXPECT_EQ(got.themes, want.themes);
  EXPECT_EQ(got.sdgs, want.sdgs);
  EXPECT_EQ(got.affected_persons, want.affected_persons);
  EXPECT_EQ(got.upr_cycle, want.upr_cycle);
  EXPECT_EQ(got.upr_session, want.upr_session);
  EXPECT_EQ(got.upr_positions, want.upr_positions);
  EXPECT_EQ(got.upr_recommending_countries, want.upr_recommending_countries);
  EXPECT_EQ(got.upr_recommending_regions, want.upr_recommending_regions);
  EXPECT_EQ(got.source_offset, 0);
  EXPECT_EQ(got.source_row, want.source_row);
}

const std::vector<std::string> kHeader = {"AnnotationId",
                                          "AnnotationType",
                                          "Body",
                                          "Countries",
                                          "DocumentId",
                                          "Symbol",
                                          "PublicationDate",
                                          "PublicationDateOnUhri",
                                          "Regions",
                                          "Text",
                                          "Themes",
                                          "Sdgs",
                                          "AffectedPersons",
                                          "UprCycle",
                                          "UprSession",
                                          "UprPositions",
                                          "UprRecommendingCountry",
                                          "UprRecommendingRegions"};

// Three records in the export's shape (cells in kHeader's order) and what they read as.
Rows ExportRows() {
  return {
      // A UPR recommendation: numbers, lists on lines, HTML with entities and a list.
      {T("6F1E3C2A-9B4D-4E8F-A1B2-C3D4E5F60718"), T("- Recommendations"), T("- UPR"), T("Peru"),
       N(284512), T("A/HRC/37/8"), T("2018-01-03T00:00:00"), T("2018-03-14"),
       T("Latin American and Caribbean"),
       T("<p>Ensure children&rsquo;s rights &amp; access to education.</p>\n"
         "<ul><li>Adopt a law</li><li>Ratify &lt;OP-CRC&gt;</li></ul>"),
       T("- Right to education\n- Children's rights"),
       T("4.1 - Ensure that all girls and boys complete free primary and secondary education\n"
         "16.2 - End abuse, exploitation, trafficking"),
       T("- Children"), N(3), N(28), T("Supported"), T("Spain\r\nFrance\nChile"),
       T("Western European and others\nLatin American and Caribbean")},
      // A treaty body: "; " lists, a date cell, empty cells, plain text kept as written.
      {T("  0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d "), T("- Concerns/Observations"), T("- CRC"),
       T("Chad; Niger"), T("CRC-2019-88"), T("CRC/C/TCD/CO/3-4"), D(2020, 3, 4), E(), E(),
       T("  The Committee is concerned & notes <3 reports.  "), T("- Juvenile justice"), E(),
       T("- Girls; - Persons with disabilities"), E(), E(), E(), E(), E()},
      // A special procedure: numbers as text with words around them, an entry-less list.
      {T("ffffffff-0000-4000-8000-000000000001"), E(),
       T("- Special Rapporteur on the right to food"), T("Yemen"), E(), T("A/HRC/43/44/Add.1"),
       T("2019-12-31 10:00"), T("2020-01-02T13:45:00"), T("Asia-Pacific"),
       T("<p>One.</p><p>&nbsp;</p><p>Two.</p>"), T("\n- \n"), E(), E(), T("Cycle 3"),
       T("34th session"), T("Noted"), T("Germany"), E()},
  };
}

std::vector<UhriRecord> ExportRecords() {
  UhriRecord upr;
  upr.annotation_id = "6f1e3c2a-9b4d-4e8f-a1b2-c3d4e5f60718";
  upr.annotation_type = "Recommendations";
  upr.body = "UPR";
  upr.countries = {"Peru"};
  upr.document_id = "284512";
  upr.symbol = "A/HRC/37/8";
  upr.publication_date = "2018-01-03";
  upr.publication_date_on_uhri = "2018-03-14";
  upr.regions = {"Latin American and Caribbean"};
  upr.text =
      "Ensure children\u2019s rights & access to education.\n\nAdopt a law\n\nRatify <OP-CRC>";
  upr.themes = {"Right to education", "Children's rights"};
  upr.sdgs = {"4.1 - Ensure that all girls and boys complete free primary and secondary education",
              "16.2 - End abuse, exploitation, trafficking"};
  upr.affected_persons = {"Children"};
  upr.upr_cycle = 3;
  upr.upr_session = 28;
  upr.upr_positions = {"Supported"};
  upr.upr_recommending_countries = {"Spain", "France", "Chile"};
  upr.upr_recommending_regions = {"Western European and others", "Latin American and Caribbean"};
  upr.source_row = 2;

  UhriRecord tb;
  tb.annotation_id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  tb.annotation_type = "Concerns/Observations";
  tb.body = "CRC";
  tb.countries = {"Chad", "Niger"};
  tb.document_id = "CRC-2019-88";
  tb.symbol = "CRC/C/TCD/CO/3-4";
  tb.publication_date = "2020-03-04";
  tb.text = "The Committee is concerned & notes <3 reports.";
  tb.themes = {"Juvenile justice"};
  tb.affected_persons = {"Girls", "Persons with disabilities"};
  tb.source_row = 3;

  UhriRecord sp;
  sp.annotation_id = "ffffffff-0000-4000-8000-000000000001";
  sp.body = "Special Rapporteur on the right to food";
  sp.countries = {"Yemen"};
  sp.symbol = "A/HRC/43/44/Add.1";
  sp.publication_date = "2019-12-31";
  sp.publication_date_on_uhri = "2020-01-02";
  sp.regions = {"Asia-Pacific"};
  sp.text = "One.\n\nTwo.";
  sp.upr_cycle = 3;
  sp.upr_session = 34;
  sp.upr_positions = {"Noted"};
  sp.upr_recommending_countries = {"Germany"};
  sp.source_row = 4;
  return {upr, tb, sp};
}

Rows WithHeader(const std::vector<std::string>& header, Rows rows) {
  std::vector<Cell> h;
  for (const auto& name : header) h.push_back(T(name));
  rows.insert(rows.begin(), h);
  return rows;
}

TEST(UhriXlsx, ReadsEveryFieldWithSharedAndInlineStringsIssue17) {
  for (bool shared : {true, false}) {
    SCOPED_TRACE(shared ? "shared strings" : "inline strings");
    TempDir dir;
    const std::string path = dir.File("uhri.xlsx");
    WriteBook(path, shared, WithHeader(kHeader, ExportRows()));
    const ReadResult r = ReadFile(path);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    const auto want = ExportRecords();
    ASSERT_EQ(r.records.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) ExpectRecord(r.records[i], want[i]);
    EXPECT_EQ(r.stats.records, 3);
    EXPECT_EQ(r.stats.bytes, std::filesystem::file_size(path));
    // &rsquo; &amp; &lt; &gt; in the first text, &nbsp; in the third; none in the plain one.
    EXPECT_EQ(r.stats.entities_decoded, 5);
    EXPECT_EQ(r.batches, std::vector<size_t>{3});
  }
}

// The header in another order and case, with unknown columns and gaps; a record with only the
// required fields; rows without cells skipped; only the first sheet read.
TEST(UhriXlsx, ReadsTheHeaderInAnyOrderAndCaseIssue17) {
  TempDir dir;
  const std::string path = dir.File("uhri.xlsx");
  const std::vector<std::string> header = {"text", "Remarks",      "UPRSESSION", " body ",
                                           "",     "annotationid", "countries"};
  Rows rows = WithHeader(header, {
                                     {T("First text"), T("ignored"), N(12), T("- CAT"), E(),
                                      T("11111111-2222-4333-8444-555555555555"), T("Togo")},
                                     {},
                                     {T("Second"), E(), E(), T("UPR"), T("x"),
                                      T("21111111-2222-4333-8444-555555555555")},
                                 });
  Rows other = {{T("AnnotationId")}, {T("not read at all")}};
  WriteBook(path, true, rows, "Export", &other);
  const ReadResult r = ReadFile(path);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.records.size(), 2u);
  UhriRecord a;
  a.annotation_id = "11111111-2222-4333-8444-555555555555";
  a.body = "CAT";
  a.text = "First text";
  a.upr_session = 12;
  a.countries = {"Togo"};
  a.source_row = 2;
  ExpectRecord(r.records[0], a);
  UhriRecord b;
  b.annotation_id = "21111111-2222-4333-8444-555555555555";
  b.body = "UPR";
  b.text = "Second";
  b.source_row = 4;
  ExpectRecord(r.records[1], b);
}

TEST(UhriXlsx, RefusesAHeaderWithoutARequiredColumnIssue17) {
  TempDir dir;
  const std::string path = dir.File("uhri.xlsx");
  WriteBook(path, true, {{T("AnnotationId"), T("Body"), T("Countries")}, {T("x")}}, "Data");
  ReadResult r = ReadFile(path);
  EXPECT_EQ(r.status.code(), StatusCode::kBadInput);
  EXPECT_EQ(r.status.message(), path +
                                    ": sheet 'Data' row 1: no column 'Text', expected a header "
                                    "with the export's field names, AnnotationId, Body and Text "
                                    "among them");
  EXPECT_TRUE(r.records.empty());

  WriteBook(path, true, {{T("AnnotationId"), T("Body"), T("Text"), T("BODY")}, {T("x")}}, "Data");
  r = ReadFile(path);
  EXPECT_EQ(r.status.message(),
            path +
                ": sheet 'Data' row 1: column 'Body' twice (columns B and D), expected each "
                "field once");

  WriteBook(path, true, {{}, {}, {T("AnnotationId"), T("Body"), T("Text")}}, "Data");
  r = ReadFile(path);
  EXPECT_EQ(r.status.message(),
            path +
                ": sheet 'Data' row 3: the first row with cells, expected the field names "
                "(AnnotationId, Body, Text, ...) in row 1");

  WriteBook(path, true, {}, "Data");
  r = ReadFile(path);
  EXPECT_EQ(r.status.message(), path + ": sheet 'Data': empty, expected the field names in row 1");
}

TEST(UhriXlsx, RefusesAWrongCellNamingSheetRowAndColumnIssue17) {
  const std::string id = "11111111-2222-4333-8444-555555555555";
  struct Case {
    Rows rows;
    std::string message;
  };
  const std::vector<std::string> header = {"AnnotationId", "Body",       "Text",
                                           "UprCycle",     "UprSession", "PublicationDate"};
  const std::vector<Case> cases = {
      {{{T(id), T("- CRC"), T("a")}, {T("not-a-uuid"), T("- CRC"), T("b")}},
       "row 3, column 'AnnotationId': 'not-a-uuid', expected a UUID like "
       "3f2b8c1e-9d4a-4e6f-8b2a-1c5d7e9f0a3b"},
      {{{E(), T("- CRC"), T("a")}}, "row 2, column 'AnnotationId': empty, expected a UUID"},
      {{{T(id), T(" - "), T("a")}},
       "row 2, column 'Body': empty, expected the mechanism, as '- CRC' or '- UPR'"},
      {{{T(id), T("UPR"), T("a"), T("third")}},
       "row 2, column 'UprCycle': 'third', expected a number or a text with one, like 3 or "
       "'Cycle 3'"},
      {{{T(id), T("UPR"), T("a"), N(3), T("session twenty-eight of the Working Group")}},
       "row 2, column 'UprSession': 'session twenty-eight of the Working Grou...', expected a "
       "number or a text with one, like 27 or '27th session'"},
      {{{T(id), T("UPR"), T("a"), E(), E(), T("04/03/2020")}},
       "row 2, column 'PublicationDate': '04/03/2020', expected a date YYYY-MM-DD (a time part "
       "after it is ignored) or a date cell"},
      {{{T(id), T("UPR"), T("a"), E(), E(), T("2020-13-01")}},
       "row 2, column 'PublicationDate': '2020-13-01', expected a date YYYY-MM-DD (a time part "
       "after it is ignored) or a date cell"},
  };
  for (const Case& c : cases) {
    TempDir dir;
    const std::string path = dir.File("uhri.xlsx");
    WriteBook(path, false, WithHeader(header, c.rows), "UHRI");
    const ReadResult r = ReadFile(path);
    EXPECT_EQ(r.status.code(), StatusCode::kBadInput);
    EXPECT_EQ(r.status.message(), path + ": sheet 'UHRI' " + c.message);
  }
}

TEST(UhriXlsx, RefusesWhatIsNoWorkbookIssue17) {
  TempDir dir;
  ReadResult r = ReadFile(dir.File("missing.xlsx"));
  EXPECT_EQ(r.status.code(), StatusCode::kIo);
  EXPECT_NE(r.status.message().find("missing.xlsx"), std::string::npos);
  const std::string csv = dir.Write("uhri.xlsx", "AnnotationId,Body,Text\n");
  r = ReadFile(csv);
  EXPECT_EQ(r.status.code(), StatusCode::kBadInput);
  EXPECT_EQ(r.status.message(), csv +
                                    ": not a readable zip archive (Not a zip archive); "
                                    "expected an .xlsx file, a zip of XML parts");
}

// 2,500 records come in batches of 1,024 in row order; a sink that says stop gets no more.
TEST(UhriXlsx, HandsRecordsInBatchesAndStopsWhenToldIssue17) {
  TempDir dir;
  const std::string path = dir.File("uhri.xlsx");
  Rows rows = {{T("AnnotationId"), T("Body"), T("Text"), T("UprSession")}};
  for (int i = 0; i < 2500; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "%08x-0000-4000-8000-000000000000", i);
    rows.push_back({T(id), T("- UPR"), T("Text " + std::to_string(i)), N(i % 54 + 1)});
  }
  WriteBook(path, false, rows);
  ReadResult r = ReadFile(path);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.batches, (std::vector<size_t>{1024, 1024, 452}));
  ASSERT_EQ(r.records.size(), 2500u);
  for (int i = 0; i < 2500; ++i) {
    EXPECT_EQ(r.records[i].source_row, i + 2);
    EXPECT_EQ(r.records[i].text, "Text " + std::to_string(i));
    EXPECT_EQ(r.records[i].upr_session, i % 54 + 1);
  }
  EXPECT_EQ(r.stats.records, 2500);

  r = ReadFile(path, 1);
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.batches, std::vector<size_t>{1024});
  EXPECT_EQ(r.stats.records, 1024);

  // Progress in the file's bytes, ending at its size.
  std::vector<std::pair<uint64_t, uint64_t>> seen;
  ASSERT_TRUE(ReadUhriXlsxFile(
                  path, [](std::vector<UhriRecord>&&) { return true; }, nullptr,
                  [&](uint64_t done, uint64_t total) { seen.emplace_back(done, total); })
                  .ok());
  ASSERT_FALSE(seen.empty());
  const uint64_t size = std::filesystem::file_size(path);
  EXPECT_EQ(seen.back(), std::make_pair(size, size));
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_LE(seen[i - 1].first, seen[i].first);
}

}  // namespace
}  // namespace openupr::ingest

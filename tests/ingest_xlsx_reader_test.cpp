// The XLSX reader (ingest/xlsx_reader.h): workbooks our writer made, hand-written OOXML that
// uses what Excel and other producers use (shared strings, rich text, phonetic runs, inline
// strings, other paths), and hostile or broken files, each refused with a message naming the
// part and what was expected.
#include <gtest/gtest.h>
#include <zip.h>

#include <string>
#include <utility>
#include <vector>

#include "ingest/xlsx_reader.h"
#include "search/xlsx_writer.h"
#include "test_util.h"

namespace openupr::ingest {
namespace {

using testing::ReadAll;
using testing::TempDir;

// The whole-workbook reader, checked against the streaming one on every workbook of these tests
// (issue 17): the same sheets with the same cells, or the same refusal.
using Streamed = std::vector<XlsxSheet>;
XlsxRowSink Collect(Streamed& out) {
  XlsxRowSink sink;
  sink.begin_sheet = [&out](const XlsxSheetInfo& info) {
    EXPECT_EQ(info.index, out.size());
    out.push_back({info.name, info.part, {}});
    return true;
  };
  sink.row = [&out](const XlsxSheetInfo& info, uint32_t row, std::span<XlsxCell> cells) {
    EXPECT_EQ(info.name, out.back().name);
    EXPECT_FALSE(cells.empty());
    for (XlsxCell& c : cells) {
      EXPECT_EQ(c.row, row);
      out.back().cells.push_back(std::move(c));
    }
    return true;
  };
  return sink;
}
void ExpectSame(const Result<XlsxWorkbook>& whole, const Status& status, const Streamed& sheets) {
  ASSERT_EQ(status.ok(), whole.ok()) << status.ToString();
  if (!whole.ok()) {
    EXPECT_EQ(status.ToString(), whole.status().ToString());
    return;
  }
  ASSERT_EQ(sheets.size(), whole->sheets.size());
  for (size_t i = 0; i < sheets.size(); ++i) {
    EXPECT_EQ(sheets[i].name, whole->sheets[i].name);
    EXPECT_EQ(sheets[i].part, whole->sheets[i].part);
    ASSERT_EQ(sheets[i].cells.size(), whole->sheets[i].cells.size());
    for (size_t k = 0; k < sheets[i].cells.size(); ++k) {
      EXPECT_EQ(sheets[i].cells[k].row, whole->sheets[i].cells[k].row);
      EXPECT_EQ(sheets[i].cells[k].column, whole->sheets[i].cells[k].column);
      EXPECT_EQ(sheets[i].cells[k].text, whole->sheets[i].cells[k].text);
    }
  }
}
Result<XlsxWorkbook> ReadChecked(std::string_view bytes, const std::string& label,
                                 const XlsxLimits& limits = {}) {
  auto whole = ReadXlsx(bytes, label, limits);
  Streamed sheets;
  const Status status = StreamXlsx(bytes, label, Collect(sheets), limits);
  ExpectSame(whole, status, sheets);
  return whole;
}
Result<XlsxWorkbook> ReadFileChecked(const std::string& path, const XlsxLimits& limits = {}) {
  auto whole = ReadXlsxFile(path, limits);
  Streamed sheets;
  const Status status = StreamXlsxFile(path, Collect(sheets), limits);
  ExpectSame(whole, status, sheets);
  return whole;
}

struct Part {
  std::string name, content;
};

// A zip of the parts, deflated, as bytes (written with libzip to a file of dir).
std::string Zip(const TempDir& dir, const std::vector<Part>& parts) {
  const std::string path = dir.File("made.zip");
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  EXPECT_NE(z, nullptr) << err;
  if (!z) return {};
  for (const Part& p : parts) {
    zip_source_t* src = zip_source_buffer(z, p.content.data(), p.content.size(), 0);
    const zip_int64_t i = zip_file_add(z, p.name.c_str(), src, ZIP_FL_OVERWRITE);
    EXPECT_GE(i, 0) << zip_strerror(z);
    if (i < 0) zip_source_free(src);
  }
  EXPECT_EQ(zip_close(z), 0);
  return ReadAll(path);
}

constexpr const char* kRootRels =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)";
constexpr const char* kWorkbook =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>)";
constexpr const char* kWorkbookRels =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>)";
constexpr const char* kSheetOpen =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)";
constexpr const char* kSheetClose = "</sheetData></worksheet>";

// A one-sheet workbook whose sheetData is rows and whose shared strings are the <si> items.
std::vector<Part> Book(const std::string& rows, const std::string& shared = "<si><t>s0</t></si>") {
  return {{"_rels/.rels", kRootRels},
          {"xl/workbook.xml", kWorkbook},
          {"xl/_rels/workbook.xml.rels", kWorkbookRels},
          {"xl/sharedStrings.xml",
           R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)" + shared +
               "</sst>"},
          {"xl/worksheets/sheet1.xml", kSheetOpen + rows + kSheetClose}};
}

Result<XlsxWorkbook> Read(const TempDir& dir, const std::vector<Part>& parts,
                          const XlsxLimits& limits = {}) {
  return ReadChecked(Zip(dir, parts), "t.xlsx", limits);
}

// The message of a refusal (kBadInput), or a failure when it was read.
std::string Refusal(const Result<XlsxWorkbook>& r) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "(read)";
  EXPECT_EQ(r.status().code(), StatusCode::kBadInput) << r.status().ToString();
  return r.status().message();
}

using Cells = std::vector<std::tuple<uint32_t, uint32_t, std::string>>;
Cells CellsOf(const XlsxSheet& sheet) {
  Cells out;
  for (const auto& c : sheet.cells) out.emplace_back(c.row, c.column, c.text);
  return out;
}

TEST(XlsxReader, ReadsBackWhatOurWriterWrote) {
  TempDir dir;
  const std::string path = dir.File("w.xlsx");
  const std::string_view header[] = {"id", "text", "note"};
  auto w = search::XlsxWriter::Create(path, "Recommendations", header, dir.File(""));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  const std::string long_text(40000, 'x');
  const std::vector<std::string> texts = {
      "Côte d'Ivoire; 中国; Россия; 😀", "\"quoted\", <tag> & ]]> more",
      "  leading and trailing  ",       "=SUM(A1:A2)",
      "line\nfeed\r\nand\rreturn\ttab", std::string("nul\0inside", 10),
      "\x01\x08\x0B\x0C\x1F controls",  "_x000D_ and _x005F_ written literally",
      "\xEF\xBF\xBE and \xEF\xBF\xBF",  long_text};
  int64_t id = 1;
  for (const auto& t : texts) {
    const search::XlsxCell row[] = {id++, std::string_view(t), std::monostate{}};
    ASSERT_TRUE((*w)->AddRow(row).ok()) << t;
  }
  ASSERT_TRUE((*w)->Close().ok());

  auto book = ReadFileChecked(path);
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  ASSERT_EQ(book->sheets.size(), 1u);
  const XlsxSheet& sheet = book->sheets[0];
  EXPECT_EQ(sheet.name, "Recommendations");
  EXPECT_EQ(sheet.part, "xl/worksheets/sheet1.xml");
  Cells expected = {{0, 0, "id"}, {0, 1, "text"}, {0, 2, "note"}};
  for (size_t i = 0; i < texts.size(); ++i) {
    expected.emplace_back(i + 1, 0, std::to_string(i + 1));  // numbers as their text
    expected.emplace_back(i + 1, 1, search::XlsxCellText(texts[i]));
  }
  EXPECT_EQ(CellsOf(sheet), expected);
  EXPECT_NE(search::XlsxCellText(long_text), long_text);  // the one cut, with its mark
}

TEST(XlsxReader, ReadsSharedStringsRichTextInlineStringsAndValues) {
  TempDir dir;
  const std::string shared =
      R"(<si><t>plain</t></si>)"
      R"(<si><r><rPr><b/></rPr><t xml:space="preserve">rich </t></r><r><t>text</t></r>)"
      R"(<rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si>)"
      R"(<si><t>  trimmed without preserve  </t></si>)"
      R"(<si><t xml:space="preserve">  kept  </t></si>)"
      R"(<si><t>a_x000D_b_x005F_x0041_c_xD83D__xDE00__xD800_</t></si>)";
  const std::string rows =
      R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>)"
      R"(<row r="3" spans="1:4"><c r="B3" t="s"><v>2</v></c><c t="s"><v>3</v></c>)"
      R"(<c r="E3" t="s"><v>4</v></c></row>)"
      R"(<row><c r="A4" t="inlineStr"><is><r><t>in</t></r><r><t xml:space="preserve">line </t></r></is></c>)"
      R"(<c r="B4"><v>3.5</v></c><c r="C4" t="b"><v>1</v></c><c r="D4" t="e"><v>#N/A</v></c>)"
      R"(<c r="E4" t="str"><f>A1&amp;"!"</f><v>plain!</v></c><c r="F4" s="1"/>)"
      R"(<c r="G4" t="inlineStr"><is><t></t></is></c><c r="XFD4"><v>1E+20</v></c></row>)"
      R"(<row r="1048576"><c r="A1048576" t="s"><v>0</v></c></row>)";
  auto book = Read(dir, Book(rows, shared));
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  ASSERT_EQ(book->sheets.size(), 1u);
  EXPECT_EQ(book->sheets[0].name, "Data");
  const Cells expected = {{0, 0, "plain"},
                          {0, 2, "rich text"},
                          {2, 1, "trimmed without preserve"},
                          {2, 2, "  kept  "},
                          {2, 4, "a\rb_x0041_c😀_xD800_"},
                          {3, 0, "inline "},
                          {3, 1, "3.5"},
                          {3, 2, "1"},
                          {3, 3, "#N/A"},
                          {3, 4, "plain!"},
                          {3, 16383, "1E+20"},
                          {1048575, 0, "plain"}};
  EXPECT_EQ(CellsOf(book->sheets[0]), expected);
}

// The parts are found through the relationships, wherever they are, and in the workbook's order;
// chart sheets are skipped.
TEST(XlsxReader, FollowsRelationshipsNotPaths) {
  TempDir dir;
  const std::vector<Part> parts = {
      {"_rels/.rels",
       R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="x" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="d" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" Target="/book/main.xml"/></Relationships>)"},
      {"book/main.xml",
       R"(<x:workbook xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:rel="http://purl.oclc.org/ooxml/officeDocument/relationships"><x:sheets><x:sheet name="Second" sheetId="2" rel:id="b"/><x:sheet name="Chart" sheetId="3" rel:id="c"/><x:sheet name="First" sheetId="1" rel:id="a"/></x:sheets></x:workbook>)"},
      {"book/_rels/main.xml.rels",
       R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="a" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="../data/one.xml"/><Relationship Id="b" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="./sheets/two.xml"/><Relationship Id="c" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/chartsheet" Target="charts/c.xml"/></Relationships>)"},
      {"data/one.xml",
       R"(<worksheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>one</t></is></c></row></sheetData></worksheet>)"},
      {"book/sheets/two.xml",
       R"(<worksheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"><sheetData><row r="2"><c r="B2"><v>2</v></c></row></sheetData></worksheet>)"}};
  auto book = Read(dir, parts);
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  ASSERT_EQ(book->sheets.size(), 2u);
  EXPECT_EQ(book->sheets[0].name, "Second");
  EXPECT_EQ(book->sheets[0].part, "book/sheets/two.xml");
  EXPECT_EQ(CellsOf(book->sheets[0]), (Cells{{1, 1, "2"}}));
  EXPECT_EQ(book->sheets[1].name, "First");
  EXPECT_EQ(book->sheets[1].part, "data/one.xml");
  EXPECT_EQ(CellsOf(book->sheets[1]), (Cells{{0, 0, "one"}}));
}

TEST(XlsxReader, RefusesWhatIsNotAZipOrIsCorrupt) {
  TempDir dir;
  EXPECT_EQ(Refusal(ReadChecked("", "t.xlsx")),
            "t.xlsx: an empty zip archive; expected an .xlsx file, a zip of XML parts");
  EXPECT_EQ(Refusal(ReadChecked("id,text\r\n1,a\r\n", "t.xlsx")),
            "t.xlsx: not a readable zip archive (Not a zip archive); expected an .xlsx file, a "
            "zip of XML parts");
  const std::string whole = Zip(dir, Book(R"(<row r="1"><c r="A1" t="s"><v>0</v></c></row>)"));
  ASSERT_TRUE(ReadChecked(whole, "t.xlsx").ok());
  // Cut anywhere: the central directory at the end is gone, or incomplete.
  for (size_t keep : {size_t{10}, whole.size() / 2, whole.size() - 1}) {
    const std::string m = Refusal(ReadChecked(whole.substr(0, keep), "t.xlsx"));
    EXPECT_EQ(m.rfind("t.xlsx: not a readable zip archive (", 0), 0u) << m;
  }
  // A part's compressed bytes damaged: the CRC or the inflater says so, naming the part.
  const size_t at = whole.find("xl/worksheets/sheet1.xml") + 24 + 5;  // into its local data
  std::string damaged = whole;
  for (size_t i = at; i < at + 8 && i < damaged.size(); ++i)
    damaged[i] = static_cast<char>(~damaged[i]);
  const std::string m = Refusal(ReadChecked(damaged, "t.xlsx"));
  EXPECT_EQ(m.rfind("t.xlsx: xl/worksheets/sheet1.xml: ", 0), 0u) << m;
}

TEST(XlsxReader, StopsAZipBombAtThePartLimit) {
  TempDir dir;
  // 8 MiB of spaces inside the sheet deflate to a few KB.
  const std::string padding(8 << 20, ' ');
  const std::string bytes = Zip(dir, Book("<row r=\"1\">" + padding + "</row>"));
  EXPECT_LT(bytes.size(), 64u * 1024);
  XlsxLimits limits;
  limits.max_part_bytes = 1 << 20;
  EXPECT_EQ(Refusal(ReadChecked(bytes, "t.xlsx", limits)),
            "t.xlsx: xl/worksheets/sheet1.xml: declares 8388793 bytes decompressed; expected at "
            "most 1048576");
  // A zip whose headers lie about the size (patched to 1,000 bytes) is stopped by what comes out.
  std::string lying = bytes;
  const std::string name = "xl/worksheets/sheet1.xml";
  for (size_t pos = lying.find(name); pos != std::string::npos; pos = lying.find(name, pos + 1)) {
    // Local header: the name at offset 30, the uncompressed size at 22; central: 46 and 24.
    const bool central = pos >= 46 && lying.compare(pos - 46, 4, "PK\x01\x02") == 0;
    const size_t size_at = central ? pos - 46 + 24 : pos - 30 + 22;
    const char small[4] = {static_cast<char>(0xE8), 0x03, 0, 0};
    lying.replace(size_at, 4, small, 4);
  }
  const std::string m = Refusal(ReadChecked(lying, "t.xlsx", limits));
  EXPECT_EQ(m.rfind("t.xlsx: xl/worksheets/sheet1.xml:", 0), 0u) << m;
  // All parts together are bounded too.
  limits = {};
  limits.max_total_bytes = 4 << 20;
  EXPECT_EQ(Refusal(ReadChecked(bytes, "t.xlsx", limits)),
            "t.xlsx: xl/worksheets/sheet1.xml: the parts read decompress to more than 4194304 "
            "bytes together; expected at most that");
}

TEST(XlsxReader, NamesAMissingPartAndWhoNamesIt) {
  TempDir dir;
  auto parts = Book(R"(<row r="1"><c r="A1" t="s"><v>0</v></c></row>)");
  parts.pop_back();  // no xl/worksheets/sheet1.xml
  EXPECT_EQ(Refusal(Read(dir, parts)),
            "t.xlsx: xl/worksheets/sheet1.xml: no such part in the zip (sheet 'Data', named by "
            "xl/_rels/workbook.xml.rels); expected the part to be there");
  parts = Book("");
  parts[1].content =
      R"(<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Gone" sheetId="1" r:id="rId7"/></sheets></workbook>)";
  EXPECT_EQ(Refusal(Read(dir, parts)),
            "t.xlsx: xl/_rels/workbook.xml.rels: no relationship rId7 for sheet 'Gone' of "
            "xl/workbook.xml; expected one with that Id");
  parts = Book("");
  parts.erase(parts.begin());  // no _rels/.rels
  EXPECT_EQ(Refusal(Read(dir, parts)),
            "t.xlsx: _rels/.rels: no such part in the zip (the package's relationships); "
            "expected the part to be there");
  parts = Book("");
  parts[0].content =
      R"(<Relationships><Relationship Id="d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="../../etc/passwd"/></Relationships>)";
  EXPECT_EQ(Refusal(Read(dir, parts)),
            "t.xlsx: _rels/.rels: relationship d targets '../../etc/passwd'; expected a part "
            "inside the package");
  parts[0].content = "<Relationships/>";
  EXPECT_EQ(Refusal(Read(dir, parts)),
            "t.xlsx: _rels/.rels: no officeDocument relationship; expected one naming the "
            "workbook");
}

TEST(XlsxReader, RefusesMalformedXmlWithLineAndColumn) {
  TempDir dir;
  EXPECT_EQ(Refusal(Read(dir, Book(R"(<row r="1"><c r="A1"><v>1</c></row>)"))),
            "t.xlsx: xl/worksheets/sheet1.xml:2:116: malformed XML: mismatched tag; expected "
            "well-formed XML");
  EXPECT_EQ(Refusal(Read(dir, Book(R"(<row r="1"><c r="A1"><v>1</v></c></row>)", "<si><t>x</si>"))),
            "t.xlsx: xl/sharedStrings.xml:1:82: malformed XML: mismatched tag; expected "
            "well-formed XML");
  auto parts = Book("");
  parts[4].content = std::string(kSheetOpen) + "<row r=\"1\"><c r=\"A1\"><v>1";  // truncated
  EXPECT_EQ(Refusal(Read(dir, parts)),
            "t.xlsx: xl/worksheets/sheet1.xml:2:114: malformed XML: no element found; expected "
            "well-formed XML");
  parts[4].content = "";
  EXPECT_EQ(Refusal(Read(dir, parts)),
            "t.xlsx: xl/worksheets/sheet1.xml:1:1: malformed XML: no element found; expected "
            "well-formed XML");
  // Entity expansion needs a DTD; there is none in OOXML.
  parts[4].content =
      R"(<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><worksheet>&lol2;</worksheet>)";
  EXPECT_EQ(Refusal(Read(dir, parts)),
            "t.xlsx: xl/worksheets/sheet1.xml:1:36: a DTD (<!DOCTYPE>); expected none in an "
            "OOXML part");
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<a>";
  EXPECT_EQ(Refusal(Read(dir, Book(deep))),
            "t.xlsx: xl/worksheets/sheet1.xml:2:179: elements nest deeper than 32 levels; "
            "expected a shallower part");
}

TEST(XlsxReader, RefusesCellsThatAreNotWhereTheySay) {
  TempDir dir;
  const struct {
    std::string rows, message;
  } cases[] = {
      {R"(<row r="1"><c r="A0"><v>1</v></c></row>)",
       "cell reference 'A0'; expected a column A to XFD and a row 1 to 1048576, as in B12"},
      {R"(<row r="1"><c r="XFE1"><v>1</v></c></row>)",
       "cell reference 'XFE1'; expected a column A to XFD and a row 1 to 1048576, as in B12"},
      {R"(<row r="1048577"/>)", "row number '1048577'; expected 1 to 1048576"},
      {R"(<row r="2"/><row r="1"/>)", "row 1 after row 2; expected rows in ascending order"},
      {R"(<row r="1"><c r="B2"><v>1</v></c></row>)",
       "cell B2 in row 1; expected the row's own cells"},
      {R"(<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>1</v></c></row>)",
       "cell A1 of row 1 after column 2; expected columns in ascending order"},
      {R"(<row r="1"><c r="A1" t="s"><v>1</v></c></row>)",
       "shared string index '1'; expected 0 to 0"},
      {R"(<row r="1"><c r="A1" t="s"><v>-1</v></c></row>)",
       "shared string index '-1'; expected 0 to 0"},
      {R"(<row r="1"><c r="A1" t="x"><v>1</v></c></row>)",
       "cell type 'x'; expected b, d, e, inlineStr, n, s or str"},
  };
  for (const auto& c : cases) {
    const std::string m = Refusal(Read(dir, Book(c.rows)));
    EXPECT_EQ(m.rfind("t.xlsx: xl/worksheets/sheet1.xml:2:", 0), 0u) << m;
    EXPECT_EQ(m.substr(m.find(": ", m.find(":2:")) + 2), c.message) << c.rows;
  }
}

TEST(XlsxReader, EnforcesCountLimits) {
  TempDir dir;
  const std::string rows = R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>0</v></c>)"
                           R"(<c r="C1" t="s"><v>0</v></c></row>)";
  XlsxLimits limits;
  limits.max_cells = 2;
  std::string m = Refusal(Read(dir, Book(rows), limits));
  EXPECT_EQ(m.substr(m.find(": ", m.find(":2:")) + 2), "more than 2 cells") << m;
  limits = {};
  limits.max_text_bytes = 5;  // a shared string counts once per cell
  m = Refusal(Read(dir, Book(rows, "<si><t>abc</t></si>"), limits));
  EXPECT_EQ(m.substr(m.find(": ", m.find(":2:")) + 2), "the cells hold more than 5 bytes of text")
      << m;
  limits = {};
  limits.max_shared_strings = 1;
  m = Refusal(Read(dir, Book(rows, "<si><t>a</t></si><si><t>b</t></si>"), limits));
  EXPECT_NE(m.find("t.xlsx: xl/sharedStrings.xml:1:"), std::string::npos) << m;
  EXPECT_NE(m.find(": more than 1 shared strings"), std::string::npos) << m;
  limits = {};
  limits.max_cell_bytes = 4;
  m = Refusal(Read(
      dir, Book(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>hello</t></is></c></row>)"), limits));
  EXPECT_EQ(m.substr(m.find(": ", m.find(":2:")) + 2), "a cell longer than 4 bytes") << m;
  limits = {};
  limits.max_sheets = 0;
  m = Refusal(Read(dir, Book(rows), limits));
  EXPECT_EQ(m, "t.xlsx: xl/workbook.xml:2:163: more than 0 sheets") << m;
}

TEST(XlsxReader, FileErrorsNameThePath) {
  TempDir dir;
  auto missing = ReadFileChecked(dir.File("nope.xlsx"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIo);
  EXPECT_NE(missing.status().message().find("nope.xlsx"), std::string::npos);
  XlsxLimits limits;
  limits.max_file_bytes = 3;
  const std::string path = dir.Write("small.xlsx", "abcd");
  EXPECT_EQ(Refusal(ReadFileChecked(path, limits)),
            path + ": 4 bytes; expected an .xlsx of at most 3");
}

// The streaming reader's own controls (issue 17): a sheet the sink skips is not read, a row the
// sink refuses ends the whole read with an ok status, and progress counts the sheet's bytes up
// to its declared size.
TEST(XlsxReader, StreamingSkipsSheetsStopsAndReportsProgressIssue17) {
  TempDir dir;
  const std::vector<Part> parts = {
      {"_rels/.rels", kRootRels},
      {"xl/workbook.xml",
       R"(<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="One" sheetId="1" r:id="rId1"/><sheet name="Two" sheetId="2" r:id="rId2"/><sheet name="Three" sheetId="3" r:id="rId3"/></sheets></workbook>)"},
      {"xl/_rels/workbook.xml.rels",
       R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet3.xml"/></Relationships>)"},
      // Sheet one is broken: skipping it must not even open it.
      {"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row r=\"1\">"},
      {"xl/worksheets/sheet2.xml",
       std::string(kSheetOpen) +
           R"(<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1"><v>1</v></c></row>)"
           R"(<row r="2"/><row r="3"><c r="C3"><v>3</v></c></row>)" +
           kSheetClose},
      {"xl/worksheets/sheet3.xml",
       std::string(kSheetOpen) + R"(<row r="1"><c r="A1"><v>9</v></c></row>)" + kSheetClose}};
  const std::string bytes = Zip(dir, parts);

  std::vector<std::string> seen;
  std::vector<std::pair<uint64_t, uint64_t>> progress;
  XlsxRowSink sink;
  sink.begin_sheet = [&](const XlsxSheetInfo& info) {
    seen.push_back("sheet " + std::to_string(info.index) + " " + info.name + " " + info.part);
    return info.index != 0;
  };
  sink.row = [&](const XlsxSheetInfo& info, uint32_t row, std::span<XlsxCell> cells) {
    std::string line = info.name + " row " + std::to_string(row) + ":";
    for (const auto& c : cells) {
      line += ' ';
      line += std::to_string(c.column);
      line += '=';
      line += c.text;
    }
    seen.push_back(line);
    return true;
  };
  sink.progress = [&](uint64_t done, uint64_t total) { progress.emplace_back(done, total); };
  ASSERT_TRUE(StreamXlsx(bytes, "t.xlsx", sink).ok());
  EXPECT_EQ(seen,
            (std::vector<std::string>{"sheet 0 One xl/worksheets/sheet1.xml",
                                      "sheet 1 Two xl/worksheets/sheet2.xml", "Two row 0: 0=a 1=1",
                                      "Two row 2: 2=3", "sheet 2 Three xl/worksheets/sheet3.xml",
                                      "Three row 0: 0=9"}));
  ASSERT_EQ(progress.size(), 2u);  // one chunk each of the two sheets read
  EXPECT_EQ(progress[0].first, parts[4].content.size());
  EXPECT_EQ(progress[0].second, parts[4].content.size());
  EXPECT_EQ(progress[1].first, parts[5].content.size());

  // Stopping at the first row of sheet Two: nothing more, and no error.
  seen.clear();
  sink.row = [&](const XlsxSheetInfo& info, uint32_t row, std::span<XlsxCell>) {
    seen.push_back(info.name + " row " + std::to_string(row));
    return false;
  };
  ASSERT_TRUE(StreamXlsx(bytes, "t.xlsx", sink).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"sheet 0 One xl/worksheets/sheet1.xml",
                                            "sheet 1 Two xl/worksheets/sheet2.xml", "Two row 0"}));

  // Without a sink for sheets, sheet One is read, and refused.
  sink.begin_sheet = nullptr;
  const Status broken = StreamXlsx(bytes, "t.xlsx", sink);
  EXPECT_EQ(broken.code(), StatusCode::kBadInput);
  EXPECT_EQ(broken.message().rfind("t.xlsx: xl/worksheets/sheet1.xml:1:", 0), 0u)
      << broken.message();
}

// The shared strings table is what a streaming read keeps: its bytes are capped.
TEST(XlsxReader, CapsTheSharedStringsBytesIssue17) {
  TempDir dir;
  XlsxLimits limits;
  limits.max_shared_string_bytes = 5;
  const std::string rows = R"(<row r="1"><c r="A1" t="s"><v>0</v></c></row>)";
  EXPECT_TRUE(Read(dir, Book(rows, "<si><t>abc</t></si><si><t>de</t></si>"), limits).ok());
  const std::string m =
      Refusal(Read(dir, Book(rows, "<si><t>abc</t></si><si><t>def</t></si>"), limits));
  EXPECT_EQ(m.rfind("t.xlsx: xl/sharedStrings.xml:1:", 0), 0u) << m;
  EXPECT_NE(m.find(": the shared strings hold more than 5 bytes together; expected at most that"),
            std::string::npos)
      << m;
}

// Found by the fuzzer: a <row> inside a <row> (well-formed XML, not OOXML) had the streaming
// reader hand the outer row's cells on as the inner row's. Each cell goes out with its own row.
TEST(XlsxReader, ANestedRowKeepsEachCellInItsRowIssue17) {
  TempDir dir;
  auto book = Read(
      dir, Book(R"(<row r="1"><c r="A1"><v>1</v></c><row r="2"><c r="B2"><v>2</v></c>)"
                R"(</row><c r="C2"><v>3</v></c></row><row r="4"><c r="A4"><v>4</v></c></row>)"));
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  EXPECT_EQ(CellsOf(book->sheets[0]), (Cells{{0, 0, "1"}, {1, 1, "2"}, {3, 0, "4"}}));
}

}  // namespace
}  // namespace openupr::ingest

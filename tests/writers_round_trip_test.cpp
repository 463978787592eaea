// What the CSV and XLSX writers write comes back whole through the project's readers
// (core/csv_write.h with ingest/csv_reader.h, search/xlsx_writer.h with ingest/xlsx_reader.h).
// The regressions found by fuzz/writers_fuzzer.cpp (issue 13) live here.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/csv_write.h"
#include "ingest/csv_reader.h"
#include "ingest/encoding.h"
#include "ingest/xlsx_reader.h"
#include "search/xlsx_writer.h"
#include "test_util.h"

namespace openupr {
namespace {

using testing::TempDir;

const std::vector<std::string> kHostile = {
    "",
    "plain",
    "Côte d'Ivoire",
    "comma, inside",
    "\"quoted\"",
    "\"",
    "line\nfeed",
    "carriage\rreturn",
    "crlf\r\n",
    "  spaces  ",
    "\ttabs\t",
    "\t",
    " ",
    "=HYPERLINK(\"http://x\")",
    "+1",
    "-1",
    "@SUM(A1)",
    std::string("nul\0byte", 8),
    "\x01\x1F\x7F",
    "_x000D_",
    std::string("_x0041\0", 7),  // the escape of NUL completed "_x0041" (found by the fuzzer)
    "_x0041\x01",
    "_x0041\xEF\xBF\xBF",
    "\xEF\xBF\xBF",
    "😀 中国"};

// Two records: a header of n names and the fields, as the export writes them.
std::string CsvOf(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) out += (i ? ",c" : "c") + std::to_string(i);
  out += "\r\n";
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    AppendCsvField(out, fields[i]);
  }
  out += "\r\n";
  return out;
}

// Issue 13: a field starting or ending with a tab was written unquoted, and the reader (libcsv)
// trims tabs from unquoted fields: "\tx" came back as "x".
TEST(CsvWrite, TabsAtTheEdgesAreQuotedIssue13) {
  std::string out;
  AppendCsvField(out, "\ttabs\t");
  EXPECT_EQ(out, "\"\ttabs\t\"");
  out.clear();
  AppendCsvField(out, "in\tside");
  EXPECT_EQ(out, "in\tside");
}

TEST(CsvWrite, HostileFieldsComeBackThroughTheReader) {
  for (const std::string& f : kHostile) {
    const std::vector<std::string> fields = {f, "x", f};
    const std::string csv = CsvOf(fields);
    for (auto ends : {ingest::LineEnds::kMixed, ingest::DetectLineEnds(csv)}) {
      auto records = ingest::ReadCsv(csv, ends, "t.csv");
      ASSERT_TRUE(records.ok()) << records.status().ToString();
      ASSERT_EQ(records->size(), 2u) << f;
      EXPECT_EQ((*records)[1].fields, fields) << f;
    }
  }
}

ingest::XlsxWorkbook WriteAndRead(const TempDir& dir, const std::vector<std::string>& texts) {
  const std::string path = dir.File("t.xlsx");
  const std::string_view header[] = {"a"};
  auto w = search::XlsxWriter::Create(path, "S", header, dir.File(""));
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  for (const auto& t : texts) {
    const search::XlsxCell row[] = {std::string_view(t)};
    const Status st = (*w)->AddRow(row);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  EXPECT_TRUE((*w)->Close().ok());
  auto book = ingest::ReadXlsxFile(path);
  EXPECT_TRUE(book.ok()) << book.status().ToString();
  return book.ok() ? std::move(book).value() : ingest::XlsxWorkbook{};
}

// Issue 13: libxlsxwriter escapes most control characters as _xHHHH_, but not a literal
// "_x000D_" (read back as a carriage return), not NUL (the text was cut there) and not U+FFFE or
// U+FFFF (the sheet was no longer XML). The writer escapes those itself, and the underscore of
// a "_x0041" that an escape after it would complete (the fuzzer's first find: "_x0041" and a
// NUL came back as "Ax0000_").
TEST(XlsxWriter, EveryTextComesBackWholeIssue13) {
  TempDir dir;
  const auto book = WriteAndRead(dir, kHostile);
  ASSERT_EQ(book.sheets.size(), 1u);
  std::vector<std::string> back(kHostile.size());
  for (const auto& c : book.sheets[0].cells) {
    ASSERT_EQ(c.column, 0u);
    if (c.row == 0) continue;  // the header
    ASSERT_LE(c.row, kHostile.size());
    back[c.row - 1] = c.text;
  }
  EXPECT_EQ(back, kHostile);
}

// Issue 13: escapes lengthen the stored text, and libxlsxwriter refuses a stored text over 32,767
// characters: a cell of 32,767 NULs failed the whole export. The limit counts them as stored.
TEST(XlsxWriter, TextsThatGrowWhenEscapedStayWithinTheLimitIssue13) {
  TempDir dir;
  const std::vector<std::string> texts = {std::string(search::kXlsxMaxCellChars, '\0'),
                                          [] {
                                            std::string s;
                                            while (s.size() < 40000) s += "_x0041_";
                                            return s;
                                          }(),
                                          std::string(5000, '\x01')};
  const auto book = WriteAndRead(dir, texts);
  ASSERT_EQ(book.sheets.size(), 1u);
  ASSERT_EQ(book.sheets[0].cells.size(), 4u);
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(book.sheets[0].cells[i + 1].text, search::XlsxCellText(texts[i]));
  }
  EXPECT_NE(search::XlsxCellText(texts[0]), texts[0]);
  EXPECT_EQ(search::XlsxCellText(texts[2]), texts[2]);  // libxlsxwriter's escapes are not counted
}

TEST(XlsxWriter, RefusesInvalidUtf8WithoutWritingTheRow) {
  TempDir dir;
  const std::string path = dir.File("t.xlsx");
  const std::string_view header[] = {"a", "b"};
  auto w = search::XlsxWriter::Create(path, "S", header, dir.File(""));
  ASSERT_TRUE(w.ok());
  const search::XlsxCell bad[] = {std::string_view("fine"), std::string_view("\xC3(")};
  const Status st = (*w)->AddRow(bad);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), path + ": row 2, column 2: the text is not valid UTF-8");
  EXPECT_EQ((*w)->rows(), 0);
  ASSERT_TRUE((*w)->Close().ok());
  auto book = ingest::ReadXlsxFile(path);
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  EXPECT_EQ(book->sheets[0].cells.size(), 2u);  // the header only
}

}  // namespace
}  // namespace openupr

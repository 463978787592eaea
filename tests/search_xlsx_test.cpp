// The XLSX export (search/xlsx_writer.h, search/export.h, `openupr export --format xlsx`): cells
// read back with openpyxl (tests/xlsx_dump.py) equal the CSV export of the same result set;
// Excel's cell-length limit is handled deliberately.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "search/export.h"
#include "search/xlsx_writer.h"
#include "test_util.h"
#include "xlsx_reader.h"

namespace openupr::search {
namespace {

using nlohmann::json;
using testing::TempDir;

size_t Utf16Length(const std::string& utf8) {
  size_t units = 0;
  for (unsigned char c : utf8)
    if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;
  return units;
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(XlsxCellText, KeepsWhatFitsAndCutsTheRestOnACharacterBoundary) {
  EXPECT_EQ(XlsxCellText("short"), "short");
  const std::string fits_ascii(kXlsxMaxCellChars, 'a');
  EXPECT_EQ(XlsxCellText(fits_ascii), fits_ascii);
  const std::string fits_accents = Repeat("é", kXlsxMaxCellChars);  // 2 bytes, 1 unit each
  EXPECT_EQ(XlsxCellText(fits_accents), fits_accents);
  for (const std::string& long_text : {std::string(kXlsxMaxCellChars + 1, 'a'), Repeat("é", 40000),
                                       Repeat("😀", 20000), Repeat("a😀", 11000)}) {
    const std::string cell = XlsxCellText(long_text);
    EXPECT_LE(Utf16Length(cell), kXlsxMaxCellChars);
    EXPECT_GT(Utf16Length(cell), kXlsxMaxCellChars - 2 - kXlsxTruncationMark.size());
    ASSERT_GT(cell.size(), kXlsxTruncationMark.size());
    EXPECT_EQ(cell.substr(cell.size() - kXlsxTruncationMark.size()), kXlsxTruncationMark);
    const std::string kept = cell.substr(0, cell.size() - kXlsxTruncationMark.size());
    EXPECT_EQ(long_text.substr(0, kept.size()), kept);  // a prefix, on a character boundary
    EXPECT_NE(static_cast<unsigned char>(long_text[kept.size()]) & 0xC0, 0x80);
  }
}

TEST(XlsxWriter, WritesTextNumbersAndEmptyCellsThatOpenpyxlReadsBack) {
  TempDir dir;
  const std::string path = dir.File("t.xlsx");
  const std::string_view header[] = {"id", "text", "note"};
  auto w = XlsxWriter::Create(path, "Sheet", header, dir.File(""));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  const std::string long_ascii(40000, 'x');
  const std::string long_accents = Repeat("é", 20000);  // 40,000 bytes but 20,000 characters
  const std::string spaced = "  leading and trailing spaces  ";
  const XlsxCell row1[] = {int64_t{1}, std::string_view(long_ascii), std::string_view("ok")};
  const XlsxCell row2[] = {int64_t{9007199254740991}, std::string_view(long_accents),
                           std::monostate{}};
  const XlsxCell row3[] = {
      std::monostate{}, std::string_view(spaced),
      std::string_view("Côte d'Ivoire; 中国; Россия; \"quoted\", <tag> & more")};
  ASSERT_TRUE((*w)->AddRow(row1).ok());
  ASSERT_TRUE((*w)->AddRow(row2).ok());
  ASSERT_TRUE((*w)->AddRow(row3).ok());
  const XlsxCell too_wide[] = {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{4}};
  EXPECT_EQ((*w)->AddRow(too_wide).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*w)->rows(), 3);
  EXPECT_EQ((*w)->truncated_cells(), 1);
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ((*w)->AddRow(row1).code(), StatusCode::kInternal);

  const json sheet = testing::ReadXlsx(path, dir);
  ASSERT_FALSE(sheet.is_null());
  EXPECT_EQ(sheet["sheets"], json::array({"Sheet"}));
  EXPECT_EQ(sheet["freeze_panes"], "A2");
  EXPECT_TRUE(sheet["header_bold"].get<bool>());
  EXPECT_EQ(sheet["auto_filter"], "A1:C4");
  const json& rows = sheet["rows"];
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], json::array({"id", "text", "note"}));
  EXPECT_EQ(rows[1][0], 1);
  EXPECT_EQ(rows[1][1], XlsxCellText(long_ascii));
  EXPECT_EQ(rows[1][1].get<std::string>().size(), kXlsxMaxCellChars);
  EXPECT_EQ(rows[2][0], int64_t{9007199254740991});  // 2^53 - 1: exact in a double
  EXPECT_EQ(rows[2][1], long_accents);               // under the limit in characters: whole
  EXPECT_TRUE(rows[2][2].is_null());
  EXPECT_TRUE(rows[3][0].is_null());
  EXPECT_EQ(rows[3][1], spaced);
  EXPECT_EQ(rows[3][2], "Côte d'Ivoire; 中国; Россия; \"quoted\", <tag> & more");
}

TEST(XlsxExport, MoreRecordsThanASheetHoldsAreRefusedNotCut) {
  EXPECT_TRUE(CheckExportSize(ExportFormat::kXlsx, 0).ok());
  EXPECT_TRUE(CheckExportSize(ExportFormat::kXlsx, 1048575).ok());
  Status st = CheckExportSize(ExportFormat::kXlsx, 1048576);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("1048575"), std::string::npos) << st.ToString();
  EXPECT_TRUE(CheckExportSize(ExportFormat::kCsv, 5'000'000).ok());
  EXPECT_TRUE(CheckExportSize(ExportFormat::kJson, 5'000'000).ok());
}

TEST(XlsxWriter, UnwritablePathIsAnIoError) {
  TempDir dir;
  const std::string_view header[] = {"a"};
  auto w = XlsxWriter::Create(dir.File("no/such/folder/t.xlsx"), "S", header);
  ASSERT_TRUE(w.ok()) << w.status().ToString();  // libxlsxwriter opens the file on close
  Status st = (*w)->Close();
  EXPECT_EQ(st.code(), StatusCode::kIo);
  EXPECT_NE(st.message().find("no/such/folder/t.xlsx"), std::string::npos) << st.ToString();
}

class ExportCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto r = testing::RunCli("--db '" + dir_->File("u.db") + "' -q import '" +
                                 testing::UprFile("sessions-10-13.csv") + "'",
                             *dir_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string Db() { return "--db '" + dir_->File("u.db") + "' "; }
  static TempDir* dir_;
};
TempDir* ExportCommand::dir_ = nullptr;

TEST_F(ExportCommand, XlsxEqualsCsvCellByCell) {
  const std::string filters = "--from-region weog --response noted -Q 'death penalty OR tortur*' ";
  auto csv = testing::RunCli(
      Db() + "export --format csv " + filters + "-o '" + dir_->File("e.csv") + "'", *dir_);
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  auto xlsx = testing::RunCli(
      Db() + "export --format xlsx " + filters + "-o '" + dir_->File("e.xlsx") + "'", *dir_);
  ASSERT_EQ(xlsx.exit_code, 0) << xlsx.err;
  const size_t rows = testing::ExpectSheetEqualsCsv(testing::ReadXlsx(dir_->File("e.xlsx"), *dir_),
                                                    testing::ReadAll(dir_->File("e.csv")));
  EXPECT_GT(rows, 20u);
  EXPECT_NE(xlsx.err.find("Exported " + std::to_string(rows) + " recommendations to "),
            std::string::npos)
      << xlsx.err;
}

TEST_F(ExportCommand, XlsxNeedsAnOutputFile) {
  for (const char* target : {"", "-o - "}) {
    auto r = testing::RunCli(Db() + "export --format xlsx " + target, *dir_);
    EXPECT_EQ(r.exit_code, 2) << target;
    EXPECT_NE(r.err.find("-o FILE"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
  auto bad = testing::RunCli(Db() + "export --format xls -o x.xls", *dir_);
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
}  // namespace openupr::search

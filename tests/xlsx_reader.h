// Reading an .xlsx back in tests with an independent reader: tests/xlsx_dump.py (openpyxl, run
// by Debian's python3), and comparing a sheet with the CSV export of the same result set.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ingest/csv_reader.h"
#include "search/export.h"
#include "test_util.h"

namespace openupr::testing {

// The sheet as xlsx_dump.py prints it; a failed test and null when the reader fails.
inline nlohmann::json ReadXlsx(const std::string& path, const TempDir& dir) {
  const std::string out = dir.File("xlsx_dump.json"), err = dir.File("xlsx_dump.err");
  const std::string cmd = std::string(OPENUPR_PYTHON) + " '" + OPENUPR_TESTS_DIR +
                          "/xlsx_dump.py' '" + path + "' > '" + out + "' 2> '" + err + "'";
  const int status = std::system(cmd.c_str());
  if (status != 0) {
    ADD_FAILURE() << cmd << " failed (" << status << "): " << ReadAll(err);
    return nullptr;
  }
  try {
    return nlohmann::json::parse(ReadAll(out));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "xlsx_dump.py printed no JSON: " << e.what();
    return nullptr;
  }
}

// Whether export column c holds integers (written as numbers in XLSX).
inline bool IsNumericExportColumn(const std::string& name) {
  return name == "id" || name == "session" || name == "cycle" || name == "action" ||
         name == "source_line" || name == "duplicate_of";
}

// Checks that the sheet has exactly the CSV's rows and cells: the header, then every record in
// the same order; text cells equal to the CSV field, number cells to its integer, empty cells to
// an empty field. Also the bold frozen header row. Returns the number of data rows compared.
inline size_t ExpectSheetEqualsCsv(const nlohmann::json& sheet, const std::string& csv_bytes) {
  // The CSV export starts with the UTF-8 byte-order mark (search::kUtf8Bom), which is not a
  // character of the header's first field.
  EXPECT_EQ(csv_bytes.rfind(search::kUtf8Bom, 0), 0u) << "no byte-order mark";
  const std::string csv = csv_bytes.rfind(search::kUtf8Bom, 0) == 0
                              ? csv_bytes.substr(search::kUtf8Bom.size())
                              : csv_bytes;
  auto records = ingest::ReadCsv(csv, ingest::LineEnds::kMixed, "export.csv");
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  if (!records.ok() || sheet.is_null()) return 0;
  EXPECT_EQ(sheet["freeze_panes"], "A2");
  EXPECT_TRUE(sheet["header_bold"].get<bool>());
  const auto& rows = sheet["rows"];
  EXPECT_EQ(rows.size(), records->size());
  if (rows.size() != records->size() || records->empty()) return 0;
  const std::vector<std::string>& header = records->front().fields;
  size_t mismatches = 0;
  for (size_t r = 0; r < records->size(); ++r) {
    const auto& fields = (*records)[r].fields;
    const auto& cells = rows[r];
    EXPECT_EQ(cells.size(), fields.size()) << "row " << r + 1;
    for (size_t c = 0; c < fields.size() && c < cells.size(); ++c) {
      const auto& cell = cells[c];
      const std::string& field = fields[c];
      bool same = false;
      if (field.empty()) {
        same = cell.is_null();
      } else if (r > 0 && IsNumericExportColumn(header[c])) {
        same = cell.is_number_integer() && std::to_string(cell.get<int64_t>()) == field;
      } else {
        same = cell.is_string() && cell.get<std::string>() == field;
      }
      if (!same && ++mismatches <= 10)
        ADD_FAILURE() << "row " << r + 1 << ", column " << header[c] << ": xlsx " << cell.dump()
                      << ", csv '" << field << "'";
    }
  }
  EXPECT_EQ(mismatches, 0u);
  return records->size() - 1;
}

}  // namespace openupr::testing

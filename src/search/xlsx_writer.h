// A one-sheet .xlsx table writer over libxlsxwriter, for the XLSX export (export.h): a bold,
// frozen header row with an autofilter, then rows of text and integer cells written in order.
// It runs in libxlsxwriter's constant-memory mode (each row goes to a temporary file as it is
// written; strings are stored inline), so memory stays flat whatever the number of rows.
//
// Not thread-safe: one writer belongs to one thread. Writers are independent of each other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "core/status.h"

namespace openupr::search {

// Excel's limits: characters in a cell (counted in UTF-16 code units, as Excel counts them) and
// rows on a sheet (the header included).
inline constexpr size_t kXlsxMaxCellChars = 32767;
inline constexpr int64_t kXlsxMaxRows = 1048576;

// What ends a text cut to kXlsxMaxCellChars (see XlsxCellText).
inline constexpr std::string_view kXlsxTruncationMark =
    " [truncated: Excel cells hold at most 32767 characters; the CSV and JSON exports have the "
    "full text]";

// A cell: nothing (left empty), text (UTF-8), or an integer (stored as a number: a double, so
// exact up to 2^53 in magnitude, which ids and counts never reach).
using XlsxCell = std::variant<std::monostate, std::string_view, int64_t>;

// The text a cell holds for text, which a reader gets back whole (ingest/xlsx_reader.h):
// characters XML cannot hold (NUL and the other control characters but tab and line feed,
// U+FFFE, U+FFFF) are stored as Excel's _xHHHH_ escapes, and a text that would read like one
// once stored ("_x000D_", or "_x0041" before a character stored escaped) has its underscore
// escaped (_x005F_), as Excel does; readers decode both.
// The result is text itself when it fits in kXlsxMaxCellChars, counted in UTF-16 code units as
// Excel counts them, except that NUL, U+FFFE and U+FFFF count 7 and the "_" of an escape-like
// "_xHHHH_" counts 8 (libxlsxwriter limits the stored form, escapes included). Otherwise it is
// the longest prefix that ends on a character boundary and leaves room for kXlsxTruncationMark,
// followed by the mark. text must be valid UTF-8.
std::string XlsxCellText(std::string_view text);

class XlsxWriter {
 public:
  // Starts a workbook to be written to path (created or replaced by Close) with one sheet named
  // sheet_name whose first row is header. temp_dir holds libxlsxwriter's temporary files (empty:
  // the system's). kInternal if libxlsxwriter cannot start a workbook.
  static Result<std::unique_ptr<XlsxWriter>> Create(const std::string& path,
                                                    const std::string& sheet_name,
                                                    std::span<const std::string_view> header,
                                                    const std::string& temp_dir = "");
  // Discards an unclosed workbook (no file is written).
  ~XlsxWriter();
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;

  // Sets a column's width (in characters of the default font). Call before the rows.
  Status SetColumnWidth(size_t column, double width);
  // Appends one row (cells beyond the header's width are an error). Text longer than Excel's
  // limit is cut as XlsxCellText says and counted in truncated_cells(). kInvalidArgument when
  // the sheet is full (kXlsxMaxRows), the row too wide or a text not valid UTF-8 (nothing of
  // the row is written then); kIo if the temporary file fails.
  Status AddRow(std::span<const XlsxCell> cells);
  // Writes the file. kIo if it cannot be written. Nothing may be added after Close.
  Status Close();

  int64_t rows() const { return rows_; }  // data rows added, header excluded
  int64_t truncated_cells() const { return truncated_cells_; }

 private:
  struct Handles;
  explicit XlsxWriter(std::unique_ptr<Handles> handles, std::string path, size_t columns);

  std::unique_ptr<Handles> handles_;
  std::string path_;
  size_t columns_;
  int64_t rows_ = 0;
  int64_t truncated_cells_ = 0;
};

}  // namespace openupr::search

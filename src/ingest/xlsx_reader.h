// Reading the cells of an .xlsx workbook (Office Open XML) as text: the round trip of our own
// XLSX export (search/xlsx_writer.h) and the spreadsheets other sources publish (UHRI's export,
// ingest/uhri_xlsx.h). An .xlsx is a zip (libzip) of XML parts (expat, streamed through
// callbacks: no DOM). The sheets are found the way OOXML defines it, not by assumed paths:
// _rels/.rels names the workbook part, its relationships name the worksheets and the shared
// strings.
//
// Two ways to read: the whole workbook into memory (ReadXlsx, ReadXlsxFile), or row by row
// (StreamXlsx, StreamXlsxFile), each row handed to a callback as expat parses the sheet, so that
// memory stays bounded by one row and the shared strings table (read first, whole) however many
// rows the sheets have. The whole-workbook reader is the streaming one collecting the rows.
//
// The input is outside input, so everything is bounded (XlsxLimits): the size of each part as
// decompressed (checked against the size the zip declares, and counted while reading, so a zip
// bomb stops at the cap), all parts together, sheets, shared strings, cells, the text of one
// cell and of all cells, and the nesting of XML elements. DTDs are refused (OOXML has none;
// they are how entity expansion attacks start).
//
// Errors are kBadInput (kIo when the file cannot be read) and read
// "book.xlsx: xl/worksheets/sheet1.xml:2:345: <what is wrong>, expected <what>", with the part
// and expat's line and column (1-based, in bytes) when the problem is inside a part.
//
// Thread-safe: no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace openupr::ingest {

struct XlsxLimits {
  uint64_t max_part_bytes = uint64_t{256} << 20;  // one XML part, decompressed
  uint64_t max_total_bytes = uint64_t{1} << 30;   // all parts read, decompressed
  size_t max_sheets = 1024;                       // worksheets read
  size_t max_shared_strings = 10'000'000;
  size_t max_cells = 20'000'000;                // non-empty cells, all sheets together
  size_t max_cell_bytes = size_t{1} << 20;      // UTF-8 text of one cell or shared string
  uint64_t max_text_bytes = uint64_t{1} << 30;  // text of all cells (a shared string counts
                                                // once per cell that uses it)
  int max_depth = 32;                           // nesting of XML elements (OOXML needs ~8)
  uint64_t max_file_bytes = uint64_t{1} << 30;  // ReadXlsxFile, StreamXlsxFile only
  // The shared strings table, all strings together: the memory a streaming read keeps.
  uint64_t max_shared_string_bytes = uint64_t{1} << 30;
};

struct XlsxCell {
  uint32_t row = 0;     // 0-based: 0 is the sheet's row 1
  uint32_t column = 0;  // 0-based: 0 is column A
  // The cell's value as text: strings (shared or inline; rich text runs concatenated, phonetic
  // runs left out; Excel's _xHHHH_ escapes decoded; leading and trailing XML whitespace of a
  // <t> trimmed unless it has xml:space="preserve"), numbers as written in the part ("42",
  // "3.5", "1E+20"), booleans "0"/"1", error values ("#N/A"), a formula's cached result.
  std::string text;
};

struct XlsxSheet {
  std::string name;  // as in workbook.xml
  std::string part;  // its part in the zip, e.g. "xl/worksheets/sheet1.xml"
  // The cells that hold something (a cell with no value or an empty text is not listed), in the
  // part's order, which is row by row, columns ascending (checked).
  std::vector<XlsxCell> cells;
};

struct XlsxWorkbook {
  std::vector<XlsxSheet> sheets;  // worksheets in the workbook's order (chart sheets skipped)
};

// A worksheet as the streaming reader announces it.
struct XlsxSheetInfo {
  size_t index = 0;  // among the workbook's worksheets (chart sheets not counted), 0-based
  std::string name;  // as in workbook.xml
  std::string part;  // its part in the zip
};

// What a streaming read does with the sheets and their rows. Called on the reader's thread, in
// the workbook's order.
struct XlsxRowSink {
  // Before a worksheet is read: true to read it, false to skip it (its part is not opened).
  // Empty: every worksheet is read.
  std::function<bool(const XlsxSheetInfo& sheet)> begin_sheet;
  // Each row that holds at least one cell (rows without cells are not announced): row is
  // 0-based, cells are those of XlsxSheet::cells for that row, in column order, valid until the
  // call returns; the sink may move from them. Returning false stops the whole read, which then
  // returns an ok status.
  std::function<bool(const XlsxSheetInfo& sheet, uint32_t row, std::span<XlsxCell> cells)> row;
  // Called now and then while a worksheet is read, with the bytes of its part decompressed so
  // far and the size its zip entry declares (0 if none). May be empty.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// Reads the worksheets of the .xlsx in bytes (which must outlive the call) row by row into sink.
// Errors and limits as ReadXlsx (a limit on cells or text counts every cell read, also of rows
// the sink has already taken); the rows delivered before an error have been delivered.
Status StreamXlsx(std::string_view bytes, const std::string& file_label, const XlsxRowSink& sink,
                  const XlsxLimits& limits = {});

// The same for a file, read from disk as it is decompressed (never whole in memory): kIo when it
// cannot be opened, kBadInput past limits.max_file_bytes or when it is no zip.
Status StreamXlsxFile(const std::string& path, const XlsxRowSink& sink,
                      const XlsxLimits& limits = {});

// Reads every worksheet of the .xlsx in bytes. file_label names the input in messages.
// kBadInput for anything malformed, missing or past a limit.
Result<XlsxWorkbook> ReadXlsx(std::string_view bytes, const std::string& file_label,
                              const XlsxLimits& limits = {});

// The same for a file: kIo when it cannot be read, kBadInput past limits.max_file_bytes.
Result<XlsxWorkbook> ReadXlsxFile(const std::string& path, const XlsxLimits& limits = {});

}  // namespace openupr::ingest

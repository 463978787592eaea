// Fuzz target: the XLSX reader (ingest/xlsx_reader.h) on a whole .xlsx file's bytes, as an
// import of a downloaded spreadsheet will take it. Whatever the bytes: no crash, leak, hang or
// undefined behaviour; a refusal is kBadInput naming the file; what is read keeps the reader's
// promises (cells inside Excel's grid, row by row with columns ascending, non-empty UTF-8 text,
// within the limits).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/text.h"
#include "ingest/xlsx_reader.h"

namespace {

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "xlsx_reader_fuzzer: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Limits small enough for a run to stay fast (a deflated part expands a thousandfold), large
  // enough for every path to be reached.
  openupr::ingest::XlsxLimits limits;
  limits.max_part_bytes = 4 << 20;
  limits.max_total_bytes = 16 << 20;
  limits.max_sheets = 64;
  limits.max_shared_strings = 100000;
  limits.max_cells = 100000;
  limits.max_cell_bytes = 64 * 1024;
  limits.max_text_bytes = 16 << 20;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto book = openupr::ingest::ReadXlsx(bytes, "fuzz.xlsx", limits);
  if (!book.ok()) {
    Check(book.status().code() == openupr::StatusCode::kBadInput, "a refusal that is not kBadInput");
    Check(book.status().message().rfind("fuzz.xlsx: ", 0) == 0, "a message not naming the file");
    return 0;
  }
  Check(book->sheets.size() <= limits.max_sheets, "more sheets than the limit");
  size_t cells = 0;
  for (const auto& sheet : book->sheets) {
    Check(!sheet.part.empty(), "a sheet without its part");
    int64_t last_row = -1, last_column = -1;
    for (const auto& c : sheet.cells) {
      Check(c.row < 1048576 && c.column < 16384, "a cell outside Excel's grid");
      Check(c.row > last_row || (c.row == last_row && c.column > last_column),
            "cells out of order");
      if (c.row != last_row) last_column = -1;
      last_row = c.row;
      last_column = c.column;
      Check(!c.text.empty() && c.text.size() <= limits.max_cell_bytes, "a cell's text size");
      Check(openupr::IsValidUtf8(c.text), "a cell's text is not UTF-8");
      ++cells;
    }
  }
  Check(cells <= limits.max_cells, "more cells than the limit");
  return 0;
}

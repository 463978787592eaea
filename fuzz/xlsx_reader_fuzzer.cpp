// Fuzz target: the XLSX reader (ingest/xlsx_reader.h) on a whole .xlsx file's bytes, as an
// import of a downloaded spreadsheet will take it, through both of its APIs, and the UHRI export's
// reader (ingest/uhri_xlsx.h) on the same bytes. Whatever the bytes: no crash, leak, hang or
// undefined behaviour; a refusal is kBadInput naming the file; what is read keeps the reader's
// promises (cells inside Excel's grid, row by row with columns ascending, non-empty UTF-8 text,
// within the limits); the streaming reader delivers exactly the whole-workbook reader's cells, or
// the same refusal; the UHRI records keep theirs (a lower-case UUID, a body, rows ascending from
// row 2, dates YYYY-MM-DD, UTF-8 everywhere), and a sink that says stop gets nothing more.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/text.h"
#include "ingest/uhri_xlsx.h"
#include "ingest/xlsx_reader.h"

namespace {

using openupr::IsValidUtf8;
using openupr::StatusCode;
namespace ingest = openupr::ingest;

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "xlsx_reader_fuzzer: %s\n", what);
  std::abort();
}

void CheckRefusal(const openupr::Status& st) {
  Check(st.code() == StatusCode::kBadInput, "a refusal that is not kBadInput");
  Check(st.message().rfind("fuzz.xlsx: ", 0) == 0, "a message not naming the file");
}

bool IsLowerUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

bool IsDate(std::string_view s) {
  if (s.empty()) return true;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

void CheckList(const std::vector<std::string>& list) {
  for (const auto& e : list) {
    Check(!e.empty(), "an empty list entry");
    Check(IsValidUtf8(e), "a list entry that is not UTF-8");
    Check(e.front() != ' ' && e.back() != ' ', "a list entry not trimmed");
  }
}

void FuzzUhri(std::string_view bytes, const ingest::XlsxLimits& limits, bool stop_early) {
  int64_t last_row = 1, taken = 0;
  int batches = 0;
  ingest::UhriXlsxStats stats;
  const openupr::Status st = ingest::ReadUhriXlsx(
      bytes, "fuzz.xlsx",
      [&](std::vector<openupr::UhriRecord>&& batch) {
        Check(!stop_early || batches == 0, "records after the sink said stop");
        Check(!batch.empty() && batch.size() <= 1024, "a batch's size");
        ++batches;
        for (const auto& r : batch) {
          Check(r.source_row > last_row, "records not in ascending rows after the header");
          last_row = r.source_row;
          Check(IsLowerUuid(r.annotation_id), "an AnnotationId that is not a lower-case UUID");
          Check(!r.body.empty() && IsValidUtf8(r.body), "a Body empty or not UTF-8");
          Check(IsValidUtf8(r.text) && IsValidUtf8(r.annotation_type) && IsValidUtf8(r.symbol) &&
                    IsValidUtf8(r.document_id),
                "a text that is not UTF-8");
          Check(IsDate(r.publication_date) && IsDate(r.publication_date_on_uhri), "a date");
          Check(r.upr_cycle >= 0 && r.upr_session >= 0, "a negative cycle or session");
          for (const auto* list :
               {&r.countries, &r.regions, &r.themes, &r.sdgs, &r.affected_persons, &r.upr_positions,
                &r.upr_recommending_countries, &r.upr_recommending_regions})
            CheckList(*list);
        }
        taken += static_cast<int64_t>(batch.size());
        return !stop_early;
      },
      &stats, limits);
  if (!st.ok()) CheckRefusal(st);
  Check(stats.records == taken, "records counted are not the records handed over");
  Check(stats.bytes == bytes.size(), "the file's bytes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Limits small enough for a run to stay fast (a deflated part expands a thousandfold), large
  // enough for every path to be reached.
  ingest::XlsxLimits limits;
  limits.max_part_bytes = 4 << 20;
  limits.max_total_bytes = 16 << 20;
  limits.max_sheets = 64;
  limits.max_shared_strings = 100000;
  limits.max_cells = 100000;
  limits.max_cell_bytes = 64 * 1024;
  limits.max_text_bytes = 16 << 20;
  limits.max_shared_string_bytes = 8 << 20;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto book = ingest::ReadXlsx(bytes, "fuzz.xlsx", limits);

  // The streaming reader, row by row, must agree with the whole-workbook one.
  std::vector<ingest::XlsxSheet> streamed;
  ingest::XlsxRowSink sink;
  sink.begin_sheet = [&](const ingest::XlsxSheetInfo& info) {
    Check(info.index == streamed.size(), "a sheet's index");
    streamed.push_back({info.name, info.part, {}});
    return true;
  };
  sink.row = [&](const ingest::XlsxSheetInfo&, uint32_t row, std::span<ingest::XlsxCell> cells) {
    Check(!cells.empty(), "a row without cells delivered");
    for (auto& c : cells) {
      Check(c.row == row, "a cell of another row");
      streamed.back().cells.push_back(std::move(c));
    }
    return true;
  };
  const openupr::Status streamed_status = ingest::StreamXlsx(bytes, "fuzz.xlsx", sink, limits);
  Check(streamed_status.ok() == book.ok(), "the streaming reader disagrees on success");

  FuzzUhri(bytes, limits, size % 2 == 1);

  if (!book.ok()) {
    CheckRefusal(book.status());
    Check(streamed_status.ToString() == book.status().ToString(),
          "the streaming reader refuses with another message");
    return 0;
  }
  Check(book->sheets.size() <= limits.max_sheets, "more sheets than the limit");
  Check(streamed.size() == book->sheets.size(), "the streaming reader's sheets");
  size_t cells = 0;
  for (size_t s = 0; s < book->sheets.size(); ++s) {
    const auto& sheet = book->sheets[s];
    Check(!sheet.part.empty(), "a sheet without its part");
    Check(streamed[s].name == sheet.name && streamed[s].part == sheet.part &&
              streamed[s].cells.size() == sheet.cells.size(),
          "the streaming reader's sheet differs");
    int64_t last_row = -1, last_column = -1;
    for (size_t i = 0; i < sheet.cells.size(); ++i) {
      const auto& c = sheet.cells[i];
      const auto& d = streamed[s].cells[i];
      Check(c.row == d.row && c.column == d.column && c.text == d.text,
            "the streaming reader's cell differs");
      Check(c.row < 1048576 && c.column < 16384, "a cell outside Excel's grid");
      Check(c.row > last_row || (c.row == last_row && c.column > last_column),
            "cells out of order");
      if (c.row != last_row) last_column = -1;
      last_row = c.row;
      last_column = c.column;
      Check(!c.text.empty() && c.text.size() <= limits.max_cell_bytes, "a cell's text size");
      Check(IsValidUtf8(c.text), "a cell's text is not UTF-8");
      ++cells;
    }
  }
  Check(cells <= limits.max_cells, "more cells than the limit");
  return 0;
}

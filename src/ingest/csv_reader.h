// RFC 4180 CSV reading through libcsv, with the physical line where each record starts, so that
// every error can name file:line. Line ends: the given kind only, or (kMixed/kNone) any of CR,
// LF and CRLF. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ingest/encoding.h"

namespace openupr::ingest {

struct CsvRecord {
  int64_t line = 0;  // 1-based physical line where the record starts
  std::vector<std::string> fields;
};

// Parses all of text (UTF-8). Returns kBadInput naming file:line and the column for a quote
// that is never closed or a malformed quoted field.
Result<std::vector<CsvRecord>> ReadCsv(std::string_view text, LineEnds line_ends,
                                       const std::string& file_label);

}  // namespace openupr::ingest

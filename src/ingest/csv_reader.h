// RFC 4180 CSV reading through libcsv, with the physical line where each record starts, so that
// every error can name file:line. Line ends: the given kind only, or (kMixed/kNone) any of CR,
// LF and CRLF. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <memory>
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

// Reads the records of text (UTF-8) one at a time, reusing the caller's record and its strings
// (an import reads hundreds of thousands of fields; this keeps them from being allocated one by
// one). text must outlive the stream. Not copyable.
class CsvStream {
 public:
  CsvStream(std::string_view text, LineEnds line_ends, std::string file_label);
  ~CsvStream();
  CsvStream(const CsvStream&) = delete;
  CsvStream& operator=(const CsvStream&) = delete;

  // Reads the next record into record: true if there was one, false at the end. kBadInput names
  // file:line and the column for a quote that is never closed or a malformed quoted field.
  Result<bool> Next(CsvRecord& record);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Parses all of text (UTF-8) into records. Errors as CsvStream::Next.
Result<std::vector<CsvRecord>> ReadCsv(std::string_view text, LineEnds line_ends,
                                       const std::string& file_label);

}  // namespace openupr::ingest

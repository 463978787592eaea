#include "core/csv_write.h"

#include <csv.h>

namespace openupr {

void AppendCsvField(std::string& out, std::string_view field) {
  // Readers trim unquoted fields of spaces and tabs (libcsv does, and so does ingest's
  // CsvStream): a field starting or ending with either is quoted to keep them.
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  const bool needs_quotes =
      !field.empty() && (field.find_first_of(",\"\r\n") != std::string_view::npos ||
                         blank(field.front()) || blank(field.back()));
  if (!needs_quotes) {
    out.append(field);
    return;
  }
  std::string buf(field.size() * 2 + 2, '\0');
  const size_t n = csv_write(buf.data(), buf.size(), field.data(), field.size());
  out.append(buf.data(), n);
}

}  // namespace openupr

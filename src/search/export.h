// Export of a result set (query + filters, no limit) as CSV (RFC 4180, UTF-8, CRLF), as a JSON
// array of recommendations (core/json.h), or as an Excel workbook (.xlsx, libxlsxwriter, through
// xlsx_writer.h). The three carry the same records in the same order; CSV and XLSX have the same
// columns and cells. Columns in docs/formats.md.
//
// Thread-safe as far as the Store is: one Store belongs to one thread at a time.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "core/status.h"
#include "search/sql_search.h"

namespace openupr::search {

enum class ExportFormat { kCsv, kJson, kXlsx };

// "csv", "json" or "xlsx" -> the format; nullopt otherwise.
std::optional<ExportFormat> ParseExportFormat(std::string_view name);
// "text/csv; charset=utf-8", "application/json", or
// "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".
std::string_view ExportContentType(ExportFormat format);

// Whether records records fit in format: kInvalidArgument (naming the format and the limit) for
// an XLSX export of more rows than an Excel sheet holds below its header (1,048,575); Ok
// otherwise. Checked by the exports themselves, and by callers before they commit to a stream.
Status CheckExportSize(ExportFormat format, int64_t records);

// The CSV header and XLSX header row, in order, ended by nullptr.
extern const char* const kExportColumns[];

// Writes every match of request (its limit and offset are ignored) to out. Returns the number
// of records written. XLSX is built in a temporary file (in temp_dir, or the system's temporary
// folder when empty) that is copied to out and removed. Errors: those of the search; kIo when
// out or the temporary file fails; kInvalidArgument when an XLSX export would pass Excel's
// 1,048,575 rows below the header.
Result<int64_t> ExportRecommendations(store::Store& store, const SearchRequest& request,
                                      ExportFormat format, std::ostream& out,
                                      const std::string& temp_dir = "");

// Writes every match of request as an .xlsx workbook at path (created or replaced). Text cells
// longer than Excel's 32,767 characters are cut and marked (xlsx_writer.h, XlsxCellText). Errors
// as ExportRecommendations; on error the file at path may be missing or partial.
Result<int64_t> ExportRecommendationsXlsx(store::Store& store, const SearchRequest& request,
                                          const std::string& path,
                                          const std::string& temp_dir = "");

}  // namespace openupr::search

// Export of a result set (query + filters, no limit) as CSV (RFC 4180, UTF-8 with a byte-order
// mark unless asked not to, CRLF), as a JSON array of recommendations (core/json.h), or as an
// Excel workbook (.xlsx, libxlsxwriter, through xlsx_writer.h). The three carry the same records
// in the same order; CSV and XLSX have the same columns and cells. Columns in docs/formats.md.
// An export names each record's source file by its file name only (core/citation.h FileNameOf), never by
// the importing machine's path; and ExportFileNameFor names the export after its selection.
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

// The UTF-8 byte-order mark (U+FEFF) a CSV export starts with: without it Excel reads a CSV file
// in the machine's legacy code page ("CÃ´te d'Ivoire"); LibreOffice and Python's utf-8-sig
// reader take it as the UTF-8 signature it is.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

struct ExportOptions {
  bool bom = true;  // CSV only: start with kUtf8Bom (JSON and XLSX never carry one)
  // The start of each record's link (the `link` column and field): base_url +
  // "/recommendations/" + uid, e.g. "http://127.0.0.1:8080"; empty gives the path alone.
  std::string base_url;
};


// A download's file name made from its selection, e.g. "openupr-LKA-death-penalty-cycle-2.csv"
// for sur=LKA, theme "Death penalty", cycle 2: "openupr-", then the states under review (ISO3),
// "from-" and the recommending states, the regions ("from-" for theirs), the themes,
// "session-" (runs as "10to13"), "cycle-", the responses, "action-", "sur-org-"/"from-org-",
// "sdg-", and last the query;
// "openupr-export" when nothing is selected. Text is folded (lower case, accents removed) and
// every run of other characters than ASCII letters and digits becomes one '-'; the part after
// "openupr-" is cut at kExportNameMaxChars, on a '-' where there is one.
//   ascii: that name, only [A-Za-z0-9.-]: safe as is in any file system and in a quoted
//          Content-Disposition filename.
//   utf8:  the same but keeping non-ASCII letters and digits as they are (lower-cased, not
//          folded) ("openupr-côte-d-ivoire.csv"); equal to ascii when the selection is ASCII.
struct ExportFileName {
  std::string ascii;
  std::string utf8;
};
inline constexpr size_t kExportNameMaxChars = 80;
ExportFileName ExportFileNameFor(const SearchRequest& request, ExportFormat format);

// Writes every match of request (its limit and offset are ignored) to out. Returns the number
// of records written. XLSX is built in a temporary file (in temp_dir, or the system's temporary
// folder when empty) that is copied to out and removed. Errors: those of the search; kIo when
// out or the temporary file fails; kInvalidArgument when an XLSX export would pass Excel's
// 1,048,575 rows below the header.
Result<int64_t> ExportRecommendations(store::Store& store, const SearchRequest& request,
                                      ExportFormat format, std::ostream& out,
                                      const ExportOptions& options = {},
                                      const std::string& temp_dir = "");

// Writes every match of request as an .xlsx workbook at path (created or replaced). Text cells
// longer than Excel's 32,767 characters are cut and marked (xlsx_writer.h, XlsxCellText). Errors
// as ExportRecommendations; on error the file at path may be missing or partial.
Result<int64_t> ExportRecommendationsXlsx(store::Store& store, const SearchRequest& request,
                                          const std::string& path,
                                          const ExportOptions& options = {},
                                          const std::string& temp_dir = "");

}  // namespace openupr::search

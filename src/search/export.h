// Export of a result set (query + filters, no limit) as CSV (RFC 4180, UTF-8, CRLF) or as a JSON
// array of recommendations (core/json.h), streamed in chunks. Columns in docs/formats.md.
#pragma once

#include <ostream>
#include <string>

#include "core/status.h"
#include "search/sql_search.h"

namespace openupr::search {

enum class ExportFormat { kCsv, kJson };

// The CSV header, in order.
extern const char* const kExportColumns[];

// Writes every match of request (its limit and offset are ignored). Returns the number of
// records written.
Result<int64_t> ExportRecommendations(store::Store& store, const SearchRequest& request,
                                      ExportFormat format, std::ostream& out);

}  // namespace openupr::search

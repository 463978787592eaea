// Facts about the program itself, for `openupr --version` and GET /api/v1/about: its version and
// how to cite the record it serves. Thread-safe (no state).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace openupr {

// The program's version, "MAJOR.MINOR.PATCH" (CMake's project version, set at build time).
std::string_view Version();

// How to cite the record: the program and its version, then each distinct data source, named
// after the input format its files were imported from (source_file.format: "upr-info" is the
// UPR Info database; an unknown format is named as it is), and the date the data was last
// imported (YYYY-MM-DD, the first 10 characters of an ISO 8601 time; nothing when empty).
std::string Citation(std::span<const std::string> source_formats, std::string_view imported_at);

// The data source behind an input format ("upr-info": "UPR Info, Database of UPR Recommendations
// and Voluntary Pledges (export)"; an unknown format is named as it is).
std::string SourceName(const std::string& format);

}  // namespace openupr

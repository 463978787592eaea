// Writing RFC 4180 CSV fields (libcsv's csv_write does the quoting).
#pragma once

#include <string>
#include <string_view>

namespace openupr {

// Appends one field to out, quoted (with doubled quotes) when it holds a comma, quote, CR or LF
// or starts or ends with a space or a tab. Any bytes are written as they are (the caller
// decides the encoding). A record of a single empty field is an empty line, which readers skip:
// write records of two fields or more (the export has twenty).
void AppendCsvField(std::string& out, std::string_view field);

}  // namespace openupr

// Byte-level facts of an input file: its character encoding (UTF-8 with or without BOM,
// Mac Roman, Windows-1252) and its line ends (CR, LF, CRLF), detected or forced, and the
// conversion to UTF-8 (glibc iconv). Thread-safe (no shared state).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "ingest/file_bytes.h"

namespace openupr::ingest {

enum class Encoding { kUtf8, kUtf8Bom, kMacRoman, kWindows1252 };
enum class LineEnds { kCr, kLf, kCrLf, kMixed, kNone };

std::string_view EncodingName(Encoding e);  // "utf-8", "utf-8-bom", "mac-roman", "windows-1252"
std::string_view LineEndsName(LineEnds l);  // "cr", "lf", "crlf", "mixed", "none"
// Parses a user's --encoding value (also accepts "utf8", "macintosh", "cp1252", ...).
std::optional<Encoding> ParseEncoding(std::string_view name);
std::optional<LineEnds> ParseLineEnds(std::string_view name);

// Valid UTF-8 (with its BOM if present) is UTF-8; otherwise Mac Roman or Windows-1252, whichever
// reads more of the non-ASCII bytes as letters inside words (Mac Roman's 0x8E is é, where
// Windows-1252 has Ž; Windows-1252's 0xE9 is é, where Mac Roman has È), and Windows-1252 only if
// it has no byte that Windows-1252 leaves undefined.
Encoding DetectEncoding(std::string_view bytes);

// Counts CR, LF and CRLF: the only kind found, kMixed if several, kNone if none.
LineEnds DetectLineEnds(std::string_view bytes);

// Converts bytes in the given encoding to UTF-8, dropping a UTF-8 BOM. Errors name the file,
// line and column of the first byte that is not valid in that encoding (kBadInput).
Result<std::string> DecodeToUtf8(std::string_view bytes, Encoding encoding,
                                 const std::string& file_label);
// The same without a copy where none is needed (an import's whole files): UTF-8 is returned as a
// view of bytes, without its BOM; other encodings are decoded into out, a new buffer, and the view
// is of out. Errors as above.
Result<std::string_view> DecodeToUtf8(std::string_view bytes, Encoding encoding,
                                      const std::string& file_label, LargeBuffer& out);

}  // namespace openupr::ingest

#include "ingest/encoding.h"

#include <iconv.h>
#include <utf8proc.h>

#include <cctype>
#include <cerrno>
#include <cstdio>

#include "core/text.h"

namespace openupr::ingest {
namespace {

// Position of byte `offset` as 1-based line and column (lines end at CR, LF or CRLF).
std::string Where(std::string_view bytes, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < bytes.size(); ++i) {
    if (bytes[i] == '\r' || bytes[i] == '\n') {
      if (bytes[i] == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') ++i;
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

// Offset of the first invalid UTF-8 sequence, or npos.
size_t FirstInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  const auto n = static_cast<utf8proc_ssize_t>(s.size());
  utf8proc_ssize_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0) return static_cast<size_t>(i);
    i += len;
  }
  return std::string_view::npos;
}

const char* IconvName(Encoding e) {
  switch (e) {
    case Encoding::kMacRoman: return "MACINTOSH";
    case Encoding::kWindows1252: return "CP1252";
    default: return "UTF-8";
  }
}

bool IsCp1252Undefined(unsigned char b) {
  return b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D;
}

// Decodes one byte with iconv; 0 if undefined.
utf8proc_int32_t DecodeByte(iconv_t cd, unsigned char b) {
  char in[1] = {static_cast<char>(b)};
  char out[8];
  char* ip = in;
  char* op = out;
  size_t il = 1, ol = sizeof(out);
  iconv(cd, nullptr, nullptr, nullptr, nullptr);
  if (iconv(cd, &ip, &il, &op, &ol) == static_cast<size_t>(-1)) return 0;
  utf8proc_int32_t cp = 0;
  if (utf8proc_iterate(reinterpret_cast<utf8proc_uint8_t*>(out), op - out, &cp) <= 0) return 0;
  return cp;
}

bool IsLetter(utf8proc_int32_t cp) {
  utf8proc_category_t c = utf8proc_category(cp);
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

// How many high bytes decode to a letter with an ASCII letter beside it ("Ã©" patterns
// don't occur here: this runs only on input that is not UTF-8).
int LetterScore(std::string_view bytes, Encoding e) {
  iconv_t cd = iconv_open("UTF-8", IconvName(e));
  if (cd == reinterpret_cast<iconv_t>(-1)) return -1;
  utf8proc_int32_t table[128];
  for (int b = 0; b < 128; ++b) table[b] = DecodeByte(cd, static_cast<unsigned char>(b + 128));
  iconv_close(cd);
  int score = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    if (b < 0x80) continue;
    utf8proc_int32_t cp = table[b - 128];
    if (cp == 0) {
      score -= 100;
      continue;
    }
    auto at = [&](size_t j) -> unsigned char { return j < bytes.size() ? bytes[j] : ' '; };
    const unsigned char prev = i > 0 ? at(i - 1) : ' ', next = at(i + 1);
    if (!IsLetter(cp)) {
      // Typographic punctuation where text puts it: "women’s" (Windows-1252 0x92; Mac Roman
      // reads í there, a letter, so this counts double), “quoted”.
      if (cp == 0x2019 && std::isalpha(prev) && std::isalpha(next)) {
        score += 2;
      } else if ((cp == 0x201C || cp == 0x2018) && !std::isalpha(prev) && std::isalnum(next)) {
        ++score;
      } else if (cp == 0x201D && std::isalnum(prev) && !std::isalpha(next)) {
        ++score;
      }
      continue;
    }
    // Inside a word a letter is lower case unless its neighbours are upper case: "R?union" wants
    // é (Windows-1252 0xE9), not È (Mac Roman 0xE9).
    const bool consistent =
        utf8proc_islower(cp) ? (std::islower(prev) || std::islower(next))
                             : (std::isupper(prev) && !std::islower(next)) ||
                                   (!std::isalpha(prev) && std::islower(next));
    if (consistent) ++score;
  }
  return score;
}

}  // namespace

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kUtf8: return "utf-8";
    case Encoding::kUtf8Bom: return "utf-8-bom";
    case Encoding::kMacRoman: return "mac-roman";
    case Encoding::kWindows1252: return "windows-1252";
  }
  return "utf-8";
}

std::string_view LineEndsName(LineEnds l) {
  switch (l) {
    case LineEnds::kCr: return "cr";
    case LineEnds::kLf: return "lf";
    case LineEnds::kCrLf: return "crlf";
    case LineEnds::kMixed: return "mixed";
    case LineEnds::kNone: return "none";
  }
  return "none";
}

std::optional<Encoding> ParseEncoding(std::string_view name) {
  std::string n = FoldText(name);
  if (n == "utf-8" || n == "utf8") return Encoding::kUtf8;
  if (n == "utf-8-bom" || n == "utf8-bom" || n == "utf-8-sig") return Encoding::kUtf8Bom;
  if (n == "mac-roman" || n == "macroman" || n == "macintosh" || n == "mac") return Encoding::kMacRoman;
  if (n == "windows-1252" || n == "cp1252" || n == "win-1252" || n == "windows1252")
    return Encoding::kWindows1252;
  return std::nullopt;
}

std::optional<LineEnds> ParseLineEnds(std::string_view name) {
  std::string n = FoldText(name);
  if (n == "cr") return LineEnds::kCr;
  if (n == "lf") return LineEnds::kLf;
  if (n == "crlf") return LineEnds::kCrLf;
  return std::nullopt;
}

Encoding DetectEncoding(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") return Encoding::kUtf8Bom;
  if (FirstInvalidUtf8(bytes) == std::string_view::npos) return Encoding::kUtf8;
  const int mac = LetterScore(bytes, Encoding::kMacRoman);
  const int win = LetterScore(bytes, Encoding::kWindows1252);
  bool win_possible = true;
  for (unsigned char b : bytes)
    if (IsCp1252Undefined(b)) win_possible = false;
  if (!win_possible) return Encoding::kMacRoman;
  return win > mac ? Encoding::kWindows1252 : Encoding::kMacRoman;
}

LineEnds DetectLineEnds(std::string_view bytes) {
  size_t cr = 0, lf = 0, crlf = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\r') {
      if (i + 1 < bytes.size() && bytes[i + 1] == '\n') {
        ++crlf;
        ++i;
      } else {
        ++cr;
      }
    } else if (bytes[i] == '\n') {
      ++lf;
    }
  }
  int kinds = (cr > 0) + (lf > 0) + (crlf > 0);
  if (kinds == 0) return LineEnds::kNone;
  if (kinds > 1) return LineEnds::kMixed;
  return cr ? LineEnds::kCr : lf ? LineEnds::kLf : LineEnds::kCrLf;
}

Result<std::string> DecodeToUtf8(std::string_view bytes, Encoding encoding,
                                 const std::string& file_label) {
  if (encoding == Encoding::kUtf8 || encoding == Encoding::kUtf8Bom) {
    std::string_view body = bytes;
    if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
    size_t bad = FirstInvalidUtf8(body);
    if (bad != std::string_view::npos)
      return Status::BadInput(file_label + ":" + Where(body, bad) +
                              ": invalid UTF-8 byte; expected UTF-8 text (try --encoding "
                              "mac-roman or windows-1252)");
    return std::string(body);
  }
  iconv_t cd = iconv_open("UTF-8", IconvName(encoding));
  if (cd == reinterpret_cast<iconv_t>(-1))
    return Status::Internal(std::string("iconv has no converter for ") + IconvName(encoding));
  // Converted in chunks through a small buffer: sizing the output for the worst case (3 bytes
  // per input byte) would zero-fill and fault in three times the file's size.
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  size_t rc = 0;
  int err = 0;
  char buf[65536];
  while (in_left > 0) {
    char* op = buf;
    size_t out_left = sizeof(buf);
    rc = iconv(cd, &in, &in_left, &op, &out_left);
    err = errno;
    out.append(buf, sizeof(buf) - out_left);
    if (rc == static_cast<size_t>(-1) && err != E2BIG) break;
    rc = 0;
  }
  iconv_close(cd);
  if (rc == static_cast<size_t>(-1)) {
    size_t offset = bytes.size() - in_left;
    (void)err;
    return Status::BadInput(file_label + ":" + Where(bytes, offset) + ": byte 0x" +
                            [&] {
                              char hex[3];
                              std::snprintf(hex, sizeof(hex), "%02X",
                                            static_cast<unsigned char>(bytes[offset]));
                              return std::string(hex);
                            }() +
                            " is not defined in " + std::string(EncodingName(encoding)));
  }
  return out;
}

}  // namespace openupr::ingest

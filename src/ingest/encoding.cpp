#include "ingest/encoding.h"

#include <iconv.h>
#include <utf8proc.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>

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
    i += static_cast<utf8proc_ssize_t>(AsciiPrefixLength(s.substr(static_cast<size_t>(i))));
    if (i == n) break;
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0) return static_cast<size_t>(i);
    i += len;
  }
  return std::string_view::npos;
}

std::string Hex(unsigned char b) {
  char hex[3];
  std::snprintf(hex, sizeof(hex), "%02X", b);
  return hex;
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

// A single-byte encoding as iconv decodes it: the UTF-8 bytes of each of the 256 byte values
// (len 0: undefined). Decoding through the table gives iconv's answers at a tenth of the cost of
// calling iconv on the text, which goes through UCS-4 for every character.
struct ByteTable {
  bool ascii_identity = true;  // bytes below 0x80 decode to themselves
  unsigned char len[256] = {};
  char utf8[256][4] = {};
};

const ByteTable* SingleByteTable(Encoding e) {
  auto build = [](Encoding enc) {
    auto t = std::make_unique<ByteTable>();
    iconv_t cd = iconv_open("UTF-8", IconvName(enc));
    if (cd == reinterpret_cast<iconv_t>(-1)) return std::unique_ptr<ByteTable>();
    for (int b = 0; b < 256; ++b) {
      char in[1] = {static_cast<char>(b)};
      char out[8];
      char* ip = in;
      char* op = out;
      size_t il = 1, ol = sizeof(out);
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
      const bool ok = iconv(cd, &ip, &il, &op, &ol) != static_cast<size_t>(-1) && il == 0;
      const auto n = static_cast<size_t>(op - out);
      if (!ok || n == 0 || n > 4) {
        t->ascii_identity &= b >= 0x80;
        continue;
      }
      t->len[b] = static_cast<unsigned char>(n);
      std::memcpy(t->utf8[b], out, n);
      if (b < 0x80 && (n != 1 || out[0] != static_cast<char>(b))) t->ascii_identity = false;
    }
    iconv_close(cd);
    return t;
  };
  static const std::unique_ptr<ByteTable> mac = build(Encoding::kMacRoman);
  static const std::unique_ptr<ByteTable> win = build(Encoding::kWindows1252);
  const ByteTable* t = e == Encoding::kMacRoman ? mac.get()
                       : e == Encoding::kWindows1252 ? win.get() : nullptr;
  return t && t->ascii_identity ? t : nullptr;
}

bool IsLetter(utf8proc_int32_t cp) {
  utf8proc_category_t c = utf8proc_category(cp);
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

// How many high bytes decode to a letter with an ASCII letter beside it ("Ã©" patterns
// don't occur here: this runs only on input that is not UTF-8).
int LetterScore(std::string_view bytes, Encoding e) {
  const ByteTable* bytes_to_utf8 = SingleByteTable(e);
  if (!bytes_to_utf8) return -1;
  utf8proc_int32_t table[128] = {};  // code points of the high bytes, 0 if undefined
  for (int b = 0; b < 128; ++b)
    if (bytes_to_utf8->len[b + 128] &&
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(bytes_to_utf8->utf8[b + 128]),
                         bytes_to_utf8->len[b + 128], &table[b]) <= 0)
      table[b] = 0;
  int score = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    i += AsciiPrefixLength(bytes.substr(i));
    if (i == bytes.size()) break;
    auto b = static_cast<unsigned char>(bytes[i]);
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
  for (size_t i = AsciiPrefixLength(bytes); i < bytes.size() && win_possible;
       i += 1 + AsciiPrefixLength(bytes.substr(i + 1)))
    win_possible = !IsCp1252Undefined(static_cast<unsigned char>(bytes[i]));
  if (!win_possible) return Encoding::kMacRoman;
  return win > mac ? Encoding::kWindows1252 : Encoding::kMacRoman;
}

LineEnds DetectLineEnds(std::string_view bytes) {
  // memchr over the text: lines are a hundred bytes or more.
  auto count = [&](char c, bool before_lf) {
    size_t found = 0;
    for (size_t i = bytes.find(c); i != std::string_view::npos; i = bytes.find(c, i + 1))
      if (!before_lf || (i + 1 < bytes.size() && bytes[i + 1] == '\n')) ++found;
    return found;
  };
  const size_t cr_all = count('\r', false), lf_all = count('\n', false);
  const size_t crlf = cr_all ? count('\r', true) : 0;
  const size_t cr = cr_all - crlf, lf = lf_all - crlf;
  int kinds = (cr > 0) + (lf > 0) + (crlf > 0);
  if (kinds == 0) return LineEnds::kNone;
  if (kinds > 1) return LineEnds::kMixed;
  return cr ? LineEnds::kCr : lf ? LineEnds::kLf : LineEnds::kCrLf;
}

Result<std::string_view> DecodeToUtf8(std::string_view bytes, Encoding encoding,
                                      const std::string& file_label, LargeBuffer& out) {
  if (encoding == Encoding::kUtf8 || encoding == Encoding::kUtf8Bom) {
    std::string_view body = bytes;
    if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
    size_t bad = FirstInvalidUtf8(body);
    if (bad != std::string_view::npos)
      return Status::BadInput(file_label + ":" + Where(body, bad) +
                              ": invalid UTF-8 byte; expected UTF-8 text (try --encoding "
                              "mac-roman or windows-1252)");
    return body;
  }
  // Mac Roman and Windows-1252: one byte is one character, of at most 4 bytes in UTF-8 (the
  // table's room; reserved, and only what is written is touched).
  if (const ByteTable* table = SingleByteTable(encoding)) {
    auto buffer = LargeBuffer::Allocate(sizeof(table->utf8[0]) * bytes.size());
    if (!buffer.ok()) return buffer.status();
    out = std::move(buffer).value();
    char* o = out.data();
    for (size_t i = 0; i < bytes.size(); ++i) {
      const size_t ascii = AsciiPrefixLength(bytes.substr(i));
      std::memcpy(o, bytes.data() + i, ascii);
      o += ascii;
      i += ascii;
      if (i == bytes.size()) break;
      const auto b = static_cast<unsigned char>(bytes[i]);
      if (table->len[b] == 0)
        return Status::BadInput(file_label + ":" + Where(bytes, i) + ": byte 0x" + Hex(b) +
                                " is not defined in " + std::string(EncodingName(encoding)));
      std::memcpy(o, table->utf8[b], table->len[b]);
      o += table->len[b];
    }
    out.set_size(static_cast<size_t>(o - out.data()));
    return out.view();
  }
  return Status::Internal(std::string("iconv has no single-byte converter for ") +
                          IconvName(encoding));
}

Result<std::string> DecodeToUtf8(std::string_view bytes, Encoding encoding,
                                 const std::string& file_label) {
  LargeBuffer buffer;
  auto text = DecodeToUtf8(bytes, encoding, file_label, buffer);
  if (!text.ok()) return text.status();
  return std::string(*text);
}

}  // namespace openupr::ingest

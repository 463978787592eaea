#include "ingest/html_text.h"

#include <algorithm>
#include <array>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace openupr::ingest {
namespace {

enum class TagKind : uint8_t { kInline, kBlock, kCell, kRawText };

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr std::array<bool, 256> kSpaceTable = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {' ', '\t', '\n', '\r', '\f', '\v'}) t[c] = true;
  return t;
}();

TagKind KindOf(std::string_view name) {
  // HTML's block-level elements and the others that start a new line when rendered.
  static constexpr std::string_view kBlocks[] = {
      "address",    "article", "aside",  "blockquote", "body", "br",   "caption", "center",
      "dd",         "details", "dialog", "dir",        "div",  "dl",   "dt",      "fieldset",
      "figcaption", "figure",  "footer", "form",       "h1",   "h2",   "h3",      "h4",
      "h5",         "h6",      "header", "hgroup",     "hr",   "html", "legend",  "li",
      "main",       "menu",    "nav",    "ol",         "p",    "pre",  "section", "summary",
      "table",      "tbody",   "tfoot",  "thead",      "tr",   "ul"};
  if (name == "script" || name == "style") return TagKind::kRawText;
  if (name == "td" || name == "th") return TagKind::kCell;
  for (std::string_view b : kBlocks) {
    if (name == b) return TagKind::kBlock;
  }
  return TagKind::kInline;
}

struct NamedEntity {
  std::string_view name;
  char32_t code_point;
};

// HTML 4.01's 252 named character references (the list Python's html.entities.name2codepoint
// carries) plus XML's &apos;, sorted by name (byte order) for a binary search. UHRI's HTML uses
// these (&eacute;, &rsquo;, &ndash;); HTML5's 2,000 further names are not expected in it.
constexpr NamedEntity kEntities[] = {
    {"AElig", 0xC6},     {"Aacute", 0xC1},   {"Acirc", 0xC2},     {"Agrave", 0xC0},
    {"Alpha", 0x391},    {"Aring", 0xC5},    {"Atilde", 0xC3},    {"Auml", 0xC4},
    {"Beta", 0x392},     {"Ccedil", 0xC7},   {"Chi", 0x3A7},      {"Dagger", 0x2021},
    {"Delta", 0x394},    {"ETH", 0xD0},      {"Eacute", 0xC9},    {"Ecirc", 0xCA},
    {"Egrave", 0xC8},    {"Epsilon", 0x395}, {"Eta", 0x397},      {"Euml", 0xCB},
    {"Gamma", 0x393},    {"Iacute", 0xCD},   {"Icirc", 0xCE},     {"Igrave", 0xCC},
    {"Iota", 0x399},     {"Iuml", 0xCF},     {"Kappa", 0x39A},    {"Lambda", 0x39B},
    {"Mu", 0x39C},       {"Ntilde", 0xD1},   {"Nu", 0x39D},       {"OElig", 0x152},
    {"Oacute", 0xD3},    {"Ocirc", 0xD4},    {"Ograve", 0xD2},    {"Omega", 0x3A9},
    {"Omicron", 0x39F},  {"Oslash", 0xD8},   {"Otilde", 0xD5},    {"Ouml", 0xD6},
    {"Phi", 0x3A6},      {"Pi", 0x3A0},      {"Prime", 0x2033},   {"Psi", 0x3A8},
    {"Rho", 0x3A1},      {"Scaron", 0x160},  {"Sigma", 0x3A3},    {"THORN", 0xDE},
    {"Tau", 0x3A4},      {"Theta", 0x398},   {"Uacute", 0xDA},    {"Ucirc", 0xDB},
    {"Ugrave", 0xD9},    {"Upsilon", 0x3A5}, {"Uuml", 0xDC},      {"Xi", 0x39E},
    {"Yacute", 0xDD},    {"Yuml", 0x178},    {"Zeta", 0x396},     {"aacute", 0xE1},
    {"acirc", 0xE2},     {"acute", 0xB4},    {"aelig", 0xE6},     {"agrave", 0xE0},
    {"alefsym", 0x2135}, {"alpha", 0x3B1},   {"amp", 0x26},       {"and", 0x2227},
    {"ang", 0x2220},     {"apos", 0x27},     {"aring", 0xE5},     {"asymp", 0x2248},
    {"atilde", 0xE3},    {"auml", 0xE4},     {"bdquo", 0x201E},   {"beta", 0x3B2},
    {"brvbar", 0xA6},    {"bull", 0x2022},   {"cap", 0x2229},     {"ccedil", 0xE7},
    {"cedil", 0xB8},     {"cent", 0xA2},     {"chi", 0x3C7},      {"circ", 0x2C6},
    {"clubs", 0x2663},   {"cong", 0x2245},   {"copy", 0xA9},      {"crarr", 0x21B5},
    {"cup", 0x222A},     {"curren", 0xA4},   {"dArr", 0x21D3},    {"dagger", 0x2020},
    {"darr", 0x2193},    {"deg", 0xB0},      {"delta", 0x3B4},    {"diams", 0x2666},
    {"divide", 0xF7},    {"eacute", 0xE9},   {"ecirc", 0xEA},     {"egrave", 0xE8},
    {"empty", 0x2205},   {"emsp", 0x2003},   {"ensp", 0x2002},    {"epsilon", 0x3B5},
    {"equiv", 0x2261},   {"eta", 0x3B7},     {"eth", 0xF0},       {"euml", 0xEB},
    {"euro", 0x20AC},    {"exist", 0x2203},  {"fnof", 0x192},     {"forall", 0x2200},
    {"frac12", 0xBD},    {"frac14", 0xBC},   {"frac34", 0xBE},    {"frasl", 0x2044},
    {"gamma", 0x3B3},    {"ge", 0x2265},     {"gt", 0x3E},        {"hArr", 0x21D4},
    {"harr", 0x2194},    {"hearts", 0x2665}, {"hellip", 0x2026},  {"iacute", 0xED},
    {"icirc", 0xEE},     {"iexcl", 0xA1},    {"igrave", 0xEC},    {"image", 0x2111},
    {"infin", 0x221E},   {"int", 0x222B},    {"iota", 0x3B9},     {"iquest", 0xBF},
    {"isin", 0x2208},    {"iuml", 0xEF},     {"kappa", 0x3BA},    {"lArr", 0x21D0},
    {"lambda", 0x3BB},   {"lang", 0x2329},   {"laquo", 0xAB},     {"larr", 0x2190},
    {"lceil", 0x2308},   {"ldquo", 0x201C},  {"le", 0x2264},      {"lfloor", 0x230A},
    {"lowast", 0x2217},  {"loz", 0x25CA},    {"lrm", 0x200E},     {"lsaquo", 0x2039},
    {"lsquo", 0x2018},   {"lt", 0x3C},       {"macr", 0xAF},      {"mdash", 0x2014},
    {"micro", 0xB5},     {"middot", 0xB7},   {"minus", 0x2212},   {"mu", 0x3BC},
    {"nabla", 0x2207},   {"nbsp", 0xA0},     {"ndash", 0x2013},   {"ne", 0x2260},
    {"ni", 0x220B},      {"not", 0xAC},      {"notin", 0x2209},   {"nsub", 0x2284},
    {"ntilde", 0xF1},    {"nu", 0x3BD},      {"oacute", 0xF3},    {"ocirc", 0xF4},
    {"oelig", 0x153},    {"ograve", 0xF2},   {"oline", 0x203E},   {"omega", 0x3C9},
    {"omicron", 0x3BF},  {"oplus", 0x2295},  {"or", 0x2228},      {"ordf", 0xAA},
    {"ordm", 0xBA},      {"oslash", 0xF8},   {"otilde", 0xF5},    {"otimes", 0x2297},
    {"ouml", 0xF6},      {"para", 0xB6},     {"part", 0x2202},    {"permil", 0x2030},
    {"perp", 0x22A5},    {"phi", 0x3C6},     {"pi", 0x3C0},       {"piv", 0x3D6},
    {"plusmn", 0xB1},    {"pound", 0xA3},    {"prime", 0x2032},   {"prod", 0x220F},
    {"prop", 0x221D},    {"psi", 0x3C8},     {"quot", 0x22},      {"rArr", 0x21D2},
    {"radic", 0x221A},   {"rang", 0x232A},   {"raquo", 0xBB},     {"rarr", 0x2192},
    {"rceil", 0x2309},   {"rdquo", 0x201D},  {"real", 0x211C},    {"reg", 0xAE},
    {"rfloor", 0x230B},  {"rho", 0x3C1},     {"rlm", 0x200F},     {"rsaquo", 0x203A},
    {"rsquo", 0x2019},   {"sbquo", 0x201A},  {"scaron", 0x161},   {"sdot", 0x22C5},
    {"sect", 0xA7},      {"shy", 0xAD},      {"sigma", 0x3C3},    {"sigmaf", 0x3C2},
    {"sim", 0x223C},     {"spades", 0x2660}, {"sub", 0x2282},     {"sube", 0x2286},
    {"sum", 0x2211},     {"sup", 0x2283},    {"sup1", 0xB9},      {"sup2", 0xB2},
    {"sup3", 0xB3},      {"supe", 0x2287},   {"szlig", 0xDF},     {"tau", 0x3C4},
    {"there4", 0x2234},  {"theta", 0x3B8},   {"thetasym", 0x3D1}, {"thinsp", 0x2009},
    {"thorn", 0xFE},     {"tilde", 0x2DC},   {"times", 0xD7},     {"trade", 0x2122},
    {"uArr", 0x21D1},    {"uacute", 0xFA},   {"uarr", 0x2191},    {"ucirc", 0xFB},
    {"ugrave", 0xF9},    {"uml", 0xA8},      {"upsih", 0x3D2},    {"upsilon", 0x3C5},
    {"uuml", 0xFC},      {"weierp", 0x2118}, {"xi", 0x3BE},       {"yacute", 0xFD},
    {"yen", 0xA5},       {"yuml", 0xFF},     {"zeta", 0x3B6},     {"zwj", 0x200D},
    {"zwnj", 0x200C},
};

// Windows-1252's characters at 0x80-0x9F, which HTML reads &#128;-&#159; as (0: none).
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// The code point an entity's name (between "&" and ";") stands for, or 0.
char32_t EntityCodePoint(std::string_view name) {
  if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 7) return 0;
    uint32_t v = 0;
    for (char c : digits) {
      uint32_t d;
      if (c >= '0' && c <= '9') {
        d = static_cast<uint32_t>(c - '0');
      } else if (hex && c >= 'a' && c <= 'f') {
        d = static_cast<uint32_t>(c - 'a' + 10);
      } else if (hex && c >= 'A' && c <= 'F') {
        d = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return 0;
      }
      v = v * (hex ? 16 : 10) + d;
    }
    if (v >= 0x80 && v <= 0x9F) return kCp1252High[v - 0x80];
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    return v;
  }
  const auto* end = std::end(kEntities);
  const auto* it =
      std::lower_bound(std::begin(kEntities), end, name,
                       [](const NamedEntity& e, std::string_view key) { return e.name < key; });
  return it != end && it->name == name ? it->code_point : 0;
}

// Writes cp as UTF-8 to out; returns the number of bytes (1 to 4).
size_t EncodeUtf8(char32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

// The position of the first byte in p[i, n) that may be whitespace: <= 0x20, or 0xC2 (the first
// byte of U+00A0); n if none. Sixteen bytes at a time where SSE2 is there (every x86-64).
size_t FindSpaceCandidate(const char* p, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i c2 = _mm_set1_epi8(static_cast<char>(0xC2));
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, space), v);  // v <= 0x20, unsigned
    const int mask = _mm_movemask_epi8(_mm_or_si128(low, _mm_cmpeq_epi8(v, c2)));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c <= 0x20 || c == 0xC2) return i;
  }
  return n;
}

// Appends words to out, turning whitespace into one space and block boundaries into "\n\n",
// with nothing before the first word.
class TextBuilder {
 public:
  explicit TextBuilder(std::string& out) : out_(out) {}
  void Space() { space_ = true; }
  void Break() { break_ = true; }

  // Appends text. Runs of words separated by single ASCII spaces (most of any text) go in with
  // one append each.
  void Append(std::string_view text) {
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
      while (i < n && IsSpaceAt(text, i)) {
        i += static_cast<unsigned char>(text[i]) == 0xC2 ? 2 : 1;
        space_ = true;
      }
      if (i >= n) break;
      size_t k = i;
      while ((k = FindSpaceCandidate(text.data(), k, n)) < n) {
        if (text[k] == ' ' && k + 1 < n && !IsSpaceAt(text, k + 1)) {
          ++k;  // one space between two words: kept as it is
        } else if (IsSpaceAt(text, k)) {
          break;
        } else {
          ++k;  // a control character, or 0xC2 starting another character than U+00A0
        }
      }
      Word(text.substr(i, k - i));
      i = k;
    }
  }

  // Appends text with its character references decoded ("&name;", "&#N;", "&#xH;"; the ";" is
  // required). A reference that stands for nothing stays as written. Returns the number decoded.
  int AppendDecoded(std::string_view text) {
    int decoded = 0;
    size_t from = 0;  // the start of what is not appended yet
    size_t i = 0;
    while ((i = text.find('&', i)) != std::string_view::npos) {
      size_t semi = i + 1;
      const size_t limit = std::min(text.size(), i + 12);
      while (semi < limit && text[semi] != ';' && text[semi] != '&') ++semi;
      const char32_t cp =
          semi < limit && text[semi] == ';' ? EntityCodePoint(text.substr(i + 1, semi - i - 1)) : 0;
      if (cp == 0) {
        ++i;
        continue;
      }
      Append(text.substr(from, i - from));
      char utf8[4];
      Append({utf8, EncodeUtf8(cp, utf8)});
      ++decoded;
      i = from = semi + 1;
    }
    Append(text.substr(from));
    return decoded;
  }

 private:
  // ASCII whitespace, or the two bytes of U+00A0 (no-break space) starting at i.
  static bool IsSpaceAt(std::string_view s, size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (kSpaceTable[c]) return true;
    return c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0;
  }

  void Word(std::string_view word) {
    if (!out_.empty()) {
      if (break_) {
        out_.append("\n\n");
      } else if (space_) {
        out_.push_back(' ');
      }
    }
    break_ = space_ = false;
    out_.append(word);
  }

  std::string& out_;
  bool space_ = false;
  bool break_ = false;
};

// The position just past the ">" that ends the tag whose name ends at i (quoted attribute
// values may hold ">"), or npos when the tag is never closed.
size_t TagEnd(std::string_view html, size_t i) {
  while (i < html.size()) {
    const char c = html[i];
    if (c == '>') return i + 1;
    if (c == '"' || c == '\'') {
      const size_t close = html.find(c, i + 1);
      if (close == std::string_view::npos) return std::string_view::npos;
      i = close + 1;
    } else {
      ++i;
    }
  }
  return std::string_view::npos;
}

// The position of "</name" (any case) at or after i followed by a character that cannot
// continue the name, or npos.
size_t FindEndTag(std::string_view html, size_t i, std::string_view name) {
  while ((i = html.find("</", i)) != std::string_view::npos) {
    size_t k = 0;
    while (k < name.size() && i + 2 + k < html.size() && AsciiLower(html[i + 2 + k]) == name[k]) {
      ++k;
    }
    const size_t after = i + 2 + k;
    if (k == name.size() && (after == html.size() || !IsAsciiAlpha(html[after]))) return i;
    i += 2;
  }
  return std::string_view::npos;
}

}  // namespace

std::string HtmlToText(std::string_view html, int* entities_decoded) {
  std::string out;
  out.reserve(html.size());
  TextBuilder text(out);
  int entities = 0;
  std::string name;
  // Appends the text html[begin, end), its entities decoded.
  auto append_text = [&](size_t begin, size_t end) {
    entities += text.AppendDecoded(html.substr(begin, end - begin));
  };

  size_t i = 0;
  size_t text_begin = 0;
  const size_t n = html.size();
  while ((i = html.find('<', i)) != std::string_view::npos) {
    const size_t lt = i;
    if (lt + 1 >= n) break;
    const char next = html[lt + 1];
    if (html.compare(lt, 4, "<!--") == 0) {
      append_text(text_begin, lt);
      const size_t close = html.find("-->", lt + 4);
      i = text_begin = close == std::string_view::npos ? n : close + 3;
      continue;
    }
    if (next == '!' || next == '?') {  // <!DOCTYPE ...>, <![CDATA[...]]>, <?xml ...?>
      const size_t close = html.find('>', lt + 2);
      if (close == std::string_view::npos) break;
      append_text(text_begin, lt);
      i = text_begin = close + 1;
      continue;
    }
    const bool end_tag = next == '/';
    size_t p = lt + (end_tag ? 2 : 1);
    if (p >= n || !IsAsciiAlpha(html[p])) {  // "a < b": text
      i = lt + 1;
      continue;
    }
    name.clear();
    while (p < n && (IsAsciiAlpha(html[p]) || (html[p] >= '0' && html[p] <= '9') ||
                     html[p] == '-' || html[p] == ':')) {
      name.push_back(AsciiLower(html[p]));
      ++p;
    }
    const size_t end = TagEnd(html, p);
    if (end == std::string_view::npos) break;  // never closed: the rest is text
    append_text(text_begin, lt);
    i = text_begin = end;
    switch (KindOf(name)) {
      case TagKind::kInline:
        break;
      case TagKind::kBlock:
        text.Break();
        break;
      case TagKind::kCell:
        text.Space();
        break;
      case TagKind::kRawText:
        if (!end_tag && html[end - 2] != '/') {
          const size_t close = FindEndTag(html, end, name);
          const size_t close_end =
              close == std::string_view::npos ? n : TagEnd(html, close + 2 + name.size());
          i = text_begin = close_end == std::string_view::npos ? n : close_end;
        }
        break;
    }
  }
  append_text(text_begin, n);
  if (entities_decoded) *entities_decoded = entities;
  return out;
}

}  // namespace openupr::ingest

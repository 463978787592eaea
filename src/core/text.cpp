#include "core/text.h"

#include <libstemmer.h>
#include <utf8proc.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace openupr {

size_t AsciiPrefixLength(std::string_view s) {
  // Eight bytes at a time: imports run this over whole files.
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if (word & 0x8080808080808080ULL) break;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

namespace {

bool IsAscii(std::string_view s) { return AsciiPrefixLength(s) == s.size(); }

std::string Utf8procMap(std::string_view s, int options) {
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                    static_cast<utf8proc_ssize_t>(s.size()), &out,
                                    static_cast<utf8proc_option_t>(options));
  if (n < 0) return std::string(s);  // invalid UTF-8: leave it to the caller's validation
  std::string result(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return result;
}

constexpr int kFoldOptions =
    UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE;

bool IsWordCodepoint(utf8proc_int32_t cp) {
  // ASCII: what isalnum says in the "C" locale (the program never sets another), without the
  // call per character.
  if (cp < 0x80)
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
  utf8proc_category_t cat = utf8proc_category(cp);
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
         (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
         (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

bool IsApostrophe(utf8proc_int32_t cp) { return cp == '\'' || cp == 0x2019; }

}  // namespace

std::string FoldText(std::string_view utf8) {
  if (IsAscii(utf8)) {
    std::string out(utf8);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  return Utf8procMap(utf8, kFoldOptions);
}

std::string DecodeHtmlEntities(std::string_view text, int* count) {
  int decoded = 0;
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    size_t semi;
    if (c != '&' || (semi = text.find(';', i + 1)) == std::string_view::npos || semi - i > 10) {
      out += c;
      ++i;
      continue;
    }
    std::string_view name = text.substr(i + 1, semi - i - 1);
    utf8proc_int32_t cp = -1;
    if (name.size() >= 2 && name[0] == '#') {
      bool hex = name[1] == 'x' || name[1] == 'X';
      std::string digits(name.substr(hex ? 2 : 1));
      char* end = nullptr;
      long v = digits.empty() ? -1 : std::strtol(digits.c_str(), &end, hex ? 16 : 10);
      if (end && *end == '\0' && v > 0 && v <= 0x10FFFF) cp = static_cast<utf8proc_int32_t>(v);
    } else if (name == "amp") {
      cp = '&';
    } else if (name == "lt") {
      cp = '<';
    } else if (name == "gt") {
      cp = '>';
    } else if (name == "quot") {
      cp = '"';
    } else if (name == "apos") {
      cp = '\'';
    } else if (name == "nbsp") {
      cp = 0xA0;
    }
    if (cp < 0 || !utf8proc_codepoint_valid(cp)) {
      out += c;
      ++i;
      continue;
    }
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, buf);
    out.append(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
    ++decoded;
    i = semi + 1;
  }
  if (count) *count = decoded;
  return out;
}

bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const utf8proc_ssize_t n = static_cast<utf8proc_ssize_t>(text.size());
  for (utf8proc_ssize_t i = 0; i < n;) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    utf8proc_int32_t cp;
    const utf8proc_ssize_t len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0) return false;
    i += len;
  }
  return true;
}

namespace {

// True when text is known to need no collapsing: no whitespace but single spaces between other
// characters, no space at either end. Checked eight bytes at a time, since imports clean every
// field of every row; a byte below 0x20 (a tab, a line end, any control character) answers
// false, and the caller's slow path then decides.
bool KnownCollapsed(std::string_view text) {
  const size_t n = text.size();
  if (n == 0) return true;
  if (text[0] == ' ' || text[n - 1] == ' ') return false;
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  bool prev_space = false;  // the byte before the current word is a space
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    if ((w - kOnes * 0x20) & ~w & kHigh) return false;  // some byte below 0x20
    const uint64_t t = w ^ (kOnes * 0x20);
    const uint64_t spaces = ~(((t & kLow7) + kLow7) | t | kLow7);  // 0x80 in each ' ' byte
    // Two spaces side by side, within the word or across its first byte (little-endian: byte
    // k + 1 is the next one in the text).
    if ((spaces & (spaces >> 8)) != 0 || (prev_space && (spaces & 0x80) != 0)) return false;
    prev_space = (spaces >> 63) != 0;
  }
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20) return false;
    if (c == ' ' && prev_space) return false;
    prev_space = c == ' ';
  }
  return true;
}

}  // namespace

void CollapseWhitespaceInPlace(std::string& text) {
  if (!KnownCollapsed(text)) text = CollapseWhitespace(std::string_view(text));
}

std::string CollapseWhitespace(std::string_view text) {
  auto is_space = [](unsigned char c) {
    return c <= ' ' && (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v');
  };
  // Most fields are already clean: those are copied whole.
  if (KnownCollapsed(text)) return std::string(text);
  const size_t n = text.size();
  std::string out;
  out.reserve(n);
  size_t i = 0;
  while (true) {
    while (i < n && is_space(static_cast<unsigned char>(text[i]))) ++i;
    if (i == n) break;
    size_t end = i;
    while (end < n && !is_space(static_cast<unsigned char>(text[end]))) ++end;
    if (!out.empty()) out += ' ';
    out.append(text.data() + i, end - i);
    i = end;
  }
  return out;
}

namespace {

// What each ASCII byte is in a key: the lower-case letter or digit it stands for, 0 for anything
// else.
constexpr std::array<char, 128> kKeyChar = [] {
  std::array<char, 128> t{};
  for (char c = '0'; c <= '9'; ++c) t[c] = c;
  for (char c = 'a'; c <= 'z'; ++c) t[c] = c;
  for (char c = 'A'; c <= 'Z'; ++c) t[c] = static_cast<char>(c - 'A' + 'a');
  return t;
}();

}  // namespace

std::string TextKey(std::string_view text) {
  std::string out;
  AppendTextKey(text, out);
  return out;
}

void AppendTextKey(std::string_view text, std::string& out) {
  if (!IsAscii(text)) {
    out += internal::TextKeyByTokenizer(text);
    return;
  }
  // The tokenizer's rules for ASCII, in one pass without allocations per word (imports compute
  // this key for every row): runs of letters and digits, lower-cased, an apostrophe kept only
  // between two of them, joined by one space. A test checks it against the tokenizer. Written
  // through a pointer into room for the worst case (the key is never longer than the text).
  const size_t start = out.size();
  out.resize(start + text.size());
  char* const begin = out.data() + start;
  char* o = begin;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);  // (ASCII: below 128)
    if (const char k = kKeyChar[c]) {
      if (!in_word && o != begin) *o++ = ' ';
      *o++ = k;
      in_word = true;
    } else if (c == '\'' && in_word && i + 1 < text.size() &&
               kKeyChar[static_cast<unsigned char>(text[i + 1])]) {
      *o++ = '\'';
    } else {
      in_word = false;
    }
  }
  out.resize(start + static_cast<size_t>(o - begin));
}

std::string internal::TextKeyByTokenizer(std::string_view text) {
  std::string out;
  Tokenizer tokenizer(/*stem=*/false);
  tokenizer.Tokenize(text, [&out](std::string_view term, size_t, size_t) {
    if (!out.empty()) out += ' ';
    out.append(term);
    return true;
  });
  return out;
}

Tokenizer::Tokenizer(bool stem) : stem_(stem) {
  if (stem_) stemmer_ = sb_stemmer_new("english", "UTF_8");
}

Tokenizer::~Tokenizer() {
  if (stemmer_) sb_stemmer_delete(stemmer_);
}

std::string_view Tokenizer::Normalize(std::string_view word, bool stem) {
  if (IsAscii(word)) {
    folded_.assign(word);
    for (char& c : folded_)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  } else {
    folded_ = Utf8procMap(word, kFoldOptions);
    // Typographic apostrophe folds to ASCII so "women’s" and "women's" stem alike.
    for (size_t p; (p = folded_.find("\xE2\x80\x99")) != std::string::npos;)
      folded_.replace(p, 3, "'");
  }
  if (!stem || !stemmer_) return folded_;
  auto it = stem_cache_.find(folded_);
  if (it != stem_cache_.end()) return it->second;
  const sb_symbol* s = sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(folded_.data()),
                                       static_cast<int>(folded_.size()));
  std::string stemmed = s ? std::string(reinterpret_cast<const char*>(s),
                                        static_cast<size_t>(sb_stemmer_length(stemmer_)))
                          : folded_;
  // A trailing apostrophe ("states'") carries no meaning for search.
  while (!stemmed.empty() && stemmed.back() == '\'') stemmed.pop_back();
  if (stem_cache_.size() > 200000) stem_cache_.clear();
  return stem_cache_.emplace(folded_, std::move(stemmed)).first->second;
}

void Tokenizer::Tokenize(std::string_view text,
                         const std::function<bool(std::string_view, size_t, size_t)>& emit) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const utf8proc_ssize_t n = static_cast<utf8proc_ssize_t>(text.size());
  utf8proc_ssize_t i = 0;
  utf8proc_ssize_t word_start = -1;
  utf8proc_ssize_t word_end = -1;
  auto finish = [&]() -> bool {
    if (word_start < 0) return true;
    std::string_view word = text.substr(static_cast<size_t>(word_start),
                                        static_cast<size_t>(word_end - word_start));
    word_start = -1;
    std::string_view term = Normalize(word, stem_);
    if (term.empty()) return true;
    const size_t begin = static_cast<size_t>(word.data() - text.data());
    return emit(term, begin, begin + word.size());
  };
  while (i < n) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t len;
    if (p[i] < 0x80) {
      cp = p[i];
      len = 1;
    } else {
      len = utf8proc_iterate(p + i, n - i, &cp);
      if (len <= 0) {  // invalid byte: a separator
        if (!finish()) return;
        ++i;
        continue;
      }
    }
    if (IsWordCodepoint(cp)) {
      if (word_start < 0) word_start = i;
      word_end = i + len;
    } else if (IsApostrophe(cp) && word_start >= 0 && i + len < n) {
      // Keep an apostrophe only between two word characters.
      utf8proc_int32_t next;
      utf8proc_ssize_t nlen = utf8proc_iterate(p + i + len, n - i - len, &next);
      if (nlen > 0 && IsWordCodepoint(next)) {
        word_end = i + len;
      } else if (!finish()) {
        return;
      }
    } else if (!finish()) {
      return;
    }
    i += len;
  }
  finish();
}

std::string PercentEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace openupr

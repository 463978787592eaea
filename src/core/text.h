// Text utilities shared by the importer, the store and the search engines: Unicode folding
// (utf8proc), HTML entity decoding, whitespace normalisation, the duplicate key of a
// recommendation text, and the word tokenizer with Snowball stemming (libstemmer) that every
// search backend uses so that they agree on what a term is.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

struct sb_stemmer;

namespace openupr {

// Case-folds and strips accents (NFKC, casefold, stripmark). Invalid UTF-8 is returned as is.
std::string FoldText(std::string_view utf8);

// The number of leading bytes of s below 0x80 (s.size() if it is all ASCII). Reads eight bytes
// at a time: imports run it over whole files.
size_t AsciiPrefixLength(std::string_view s);

// Decodes numeric (&#40; &#x28;) and the XML named entities (&amp; &lt; &gt; &quot; &apos;)
// plus &nbsp;. The UPR Info exports escape only these; an unknown named entity is left as is.
// A hand-written loop: the alternative, libxml2's HTML parser, is a large dependency for five
// names. Returns the number of entities decoded through *count when count is not null.
std::string DecodeHtmlEntities(std::string_view text, int* count = nullptr);

// True when text is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code points
// past U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Percent-encodes every byte but RFC 3986's unreserved characters (A-Z a-z 0-9 - . _ ~), as a
// URL's query value or an RFC 8187 header parameter (filename*=UTF-8''...) may carry it.
std::string PercentEncode(std::string_view bytes);

// Trims and collapses runs of ASCII whitespace (including CR/LF/TAB) into one space.
std::string CollapseWhitespace(std::string_view text);
// The same in place: text is left as it is (no copy) when it needs no change.
void CollapseWhitespaceInPlace(std::string& text);

// The key under which two recommendation texts count as the same: folded, punctuation dropped,
// words separated by one space ("Ratify the CAT." == "ratify the CAT").
std::string TextKey(std::string_view text);
// Appends TextKey(text) to out (an import's duplicate keys reuse one buffer per thread).
void AppendTextKey(std::string_view text, std::string& out);
namespace internal {
// TextKey through the general tokenizer (TextKey takes a faster path for ASCII text); for tests.
std::string TextKeyByTokenizer(std::string_view text);
}  // namespace internal

// Splits text into terms: runs of letters and digits (Unicode categories L and N), with an
// apostrophe between letters kept inside the word. Each term is folded and, if stemming is on,
// reduced by the English Snowball stemmer. Not thread-safe: use one Tokenizer per thread.
class Tokenizer {
 public:
  explicit Tokenizer(bool stem = true);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // Calls emit(term, byte_begin, byte_end) for each term, offsets into text.
  // If emit returns false, tokenizing stops.
  void Tokenize(std::string_view text,
                const std::function<bool(std::string_view, size_t, size_t)>& emit);
  // Folds and stems one word (as Tokenize would for a term).
  std::string_view Normalize(std::string_view word, bool stem);

 private:
  bool stem_;
  sb_stemmer* stemmer_ = nullptr;
  std::string folded_;
  std::unordered_map<std::string, std::string> stem_cache_;
};

}  // namespace openupr

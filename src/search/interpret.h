// What a user meant by the text of a search box (the web app's, the API's q, the CLI's query):
// the query language of query.h, made forgiving and aware of the record's vocabulary.
//
//  1. InterpretQuery: repairs what would not parse (an unclosed quote is closed, an unclosed '('
//     closed, a stray ')' or a dangling AND/OR/NOT dropped, a word without letters or digits
//     ignored), each repair with a message; and takes out field:value terms (sur:LKA, from:weog,
//     cycle:2, theme:"Death penalty", ...) as filters, applied. Only what the repairs cannot fix
//     (NOT beside OR, parentheses nested too deep, a bad field value) is an error.
//  2. Suggest: recognises state names and aliases (in the six languages of core/states.h, and
//     ISO3 codes typed in capitals), regional groups and theme names among the words, and offers
//     each as a filter with the box text that remains (only when that finds records); and, for
//     words the record never uses, the closest word it does use ("did you mean"), offered only
//     when the corrected query finds records.
//
// Both are pure functions of their arguments (Suggest calls the count function it is given) and
// thread-safe. Work is linear in the length of the text (a fixed number of words per state or
// theme name; at most kMaxCorrections words looked up in the vocabulary).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/filters.h"
#include "core/status.h"
#include "store/store.h"

namespace openupr::search {

inline constexpr size_t kMaxRepairsListed = 10;  // further repairs are summed up in one more
inline constexpr size_t kMaxCorrections = 5;     // misspelled words looked up per query
inline constexpr size_t kMaxSuggestions = 6;

// One repair of the text as typed. position: 1-based byte of the input it concerns.
struct QueryRepair {
  size_t position = 0;
  std::string message;
};

// A filter from the box: applied (field:value) or suggested (a recognised name).
struct BoxFilter {
  std::string field;  // a filter field of core/filters.h: "sur", "from-region", "theme", ...
  std::string value;  // its value as the API and URLs take it: "LKA", "weog", "2", a theme name
  std::string label;  // for people: "Sri Lanka", "Western European and others", "Cycle 2"
  std::string text;   // the words of the box it comes from: "sur:LKA", "Sri Lanka"
};

struct FilterSuggestion {
  BoxFilter filter;
  std::string box;    // the box text once the filter is applied (its words taken out)
  int64_t total = 0;  // records found with the filter and the rest of the box: always > 0
};

struct Correction {
  std::string word;        // as the box has it (folded)
  std::string suggestion;  // a word of the record
};

struct SpellingSuggestion {
  std::string box;    // the box text with the corrections
  std::string query;  // its full-text part (what is searched)
  int64_t total = 0;  // records found (with the same filters): always > 0
  std::vector<Correction> corrections;
};

struct Interpretation {
  std::string input;  // as typed
  std::string box;    // repaired, field:value terms kept: the text to show in the box again
  std::string query;  // the full-text query searched: repaired, field:value terms taken out
  std::vector<QueryRepair> repairs;
  std::vector<BoxFilter> applied;  // field:value terms, in the order typed
  std::vector<FilterSuggestion> suggestions;
  std::vector<SpellingSuggestion> did_you_mean;  // at most one for now
};

// Repairs text and takes out its field:value terms, adding their values to filters
// (AddFilterValue; "from:weog" and "sur:african" are read as from-region and region). The
// returned query always parses (ParseQuery). Errors (kInvalidArgument, naming the position and
// what was expected): a field value AddFilterValue refuses, a field term inside parentheses, after
// NOT or beside OR, and what ParseQuery still refuses after the repairs.
Result<Interpretation> InterpretQuery(std::string_view text, Filters& filters);

// The words of the record's texts (folded, not stemmed) with their number of occurrences, and
// their stems (what the full-text index holds). Immutable once built; thread-safe.
class Vocabulary {
 public:
  // Every word of texts.
  static std::shared_ptr<const Vocabulary> FromTexts(std::span<const std::string> texts);
  // Every word of the store's recommendation texts. Errors: the store's.
  static Result<std::shared_ptr<const Vocabulary>> FromStore(store::Store& store);
  // The vocabulary of these words and counts (as counts() gives them; the engine's snapshot
  // file keeps them, engine/snapshot.h).
  static std::shared_ptr<const Vocabulary> FromCounts(
      std::vector<std::pair<std::string, int64_t>> counts);

  size_t size() const { return counts_.size(); }
  int64_t Count(std::string_view folded_word) const;
  // Every word with its count, in no particular order.
  const std::unordered_map<std::string, int64_t>& counts() const { return counts_; }
  // True when a word with this stem occurs (the search would find the word).
  bool HasStem(std::string_view stem) const { return stems_.count(std::string(stem)) > 0; }
  // The word of the vocabulary closest to folded_word by edit distance (insertions, deletions,
  // substitutions, swaps of two neighbours): at most 1 for words of 4-5 bytes, 2 from 6; the most
  // frequent among the closest. Empty when there is none (or the word is shorter than 4).
  std::string Closest(std::string_view folded_word) const;

 private:
  void Add(std::string_view text);
  void Finish();
  std::unordered_map<std::string, int64_t> counts_;
  std::unordered_set<std::string> stems_;
  std::vector<std::vector<const std::pair<const std::string, int64_t>*>> by_length_;
};

// Records matching a full-text query (query.h) and filters; errors are passed on.
using CountFunction =
    std::function<Result<int64_t>(const std::string& query, const Filters& filters)>;

struct SuggestContext {
  std::span<const std::string> themes;     // the theme names of the data
  const Vocabulary* vocabulary = nullptr;  // null: no "did you mean"
  CountFunction count;                     // required
};

// Fills interpretation.suggestions and did_you_mean (see the top of this file). filters: those
// in force (the URL's and the applied ones); a suggestion already among them is not offered.
// Errors: those of count.
Status Suggest(Interpretation& interpretation, const Filters& filters,
               const SuggestContext& context);

}  // namespace openupr::search

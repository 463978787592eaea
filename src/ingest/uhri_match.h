// Which UPR Info recommendation a UPR record of OHCHR's index is (docs/data-model.md "UHRI"):
// the same review (state under review and Working Group session), the same recommending state
// when both sources name one, and the same text, compared in two steps:
//
//   same-text   the texts' match keys are equal (MatchKey: the index's paragraph number
//               "115.23" and the trailing "(France);" removed, then folded words as in the
//               duplicate keys: case, punctuation, spacing and apostrophes do not count);
//   same-words  otherwise the best candidate by the Dice coefficient of the two texts' word
//               sets, if it is at least kMinDice and ahead of the second best by kMinLead (an
//               edited word or two in a long text; a short text that differs is left alone).
//
// Each recommendation is matched once per import; one already linked to another UHRI record
// is not a candidate. A record without a match becomes a recommendation of its own ("added").
// Not thread-safe: uses the caller's Store.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/store.h"
#include "store/uhri.h"

namespace openupr::ingest {

inline constexpr double kMinDice = 0.8;
inline constexpr double kMinLead = 0.1;

// The text as compared: leading paragraph number and trailing parenthesised state(s) and
// punctuation removed, curly apostrophes made straight, then TextKey (core/text.h).
std::string MatchKey(std::string_view text);

struct UprMatch {
  int64_t recommendation_id = 0;
  store::UhriMatch how = store::UhriMatch::kNone;
  double dice = 0;  // of the word sets (1 for same-text)
};

class UprMatcher {
 public:
  // Candidates are read from store, one review at a time, as they are first needed.
  explicit UprMatcher(store::Store& store) : store_(store) {}
  // The recommendation this UPR record is, among the recommendations of (sur, session) that
  // come from UPR Info and are not linked to a UHRI record yet. recommending: ISO3 of the
  // states the record names ("" for one the index does not know); when one is known, only
  // candidates naming one of them count. A match is taken: not offered again.
  Result<std::optional<UprMatch>> Find(const std::string& sur, int session,
                                       std::string_view text,
                                       std::span<const std::string> recommending);
  // Records a recommendation as taken (linked by an earlier step of this import).
  void Take(int64_t recommendation_id) { taken_.insert(recommendation_id); }

 private:
  struct Candidate {
    int64_t id = 0;
    std::string key;                 // MatchKey
    std::vector<std::string> words;  // distinct words of key, sorted
    std::vector<std::string> from;   // ISO3 of its recommending states (sorted)
  };
  Status Load(const std::string& sur, int session, std::vector<Candidate>& out);
  store::Store& store_;
  std::map<std::pair<std::string, int>, std::vector<Candidate>> reviews_;
  std::unordered_set<int64_t> taken_;
};

}  // namespace openupr::ingest

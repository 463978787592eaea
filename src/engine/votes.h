// The Council's record in memory: every resolution of the store, the roll calls as a state x
// roll-call vote matrix (analytics/votes.h) with its bitsets, the states' groups (UN regional
// groups, and the organisations the UPR record lists for each state) and a word index over the
// resolutions' titles, answering the vote analytics and the resolutions search without touching
// the database after it is built.
//
// Thread-safety: immutable once built; its const methods may run concurrently from any number
// of threads. A newer import is taken in by building a new one (Build is cheap: about 50 ms).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analytics/votes.h"
#include "core/resolution.h"
#include "core/status.h"
#include "store/store.h"

namespace openupr::engine {

// What a resolution came to, from its vote type and totals: "adopted-by-vote", "rejected-by-vote"
// (a recorded vote with no more yes than no), "adopted-without-vote", "non-recorded" (adopted,
// the vote not recorded), "withdrawn", "not-considered", "other".
std::string_view ResolutionOutcome(const Resolution& r);
inline constexpr std::string_view kOutcomes[] = {
    "adopted-by-vote", "rejected-by-vote", "adopted-without-vote", "non-recorded", "withdrawn",
    "not-considered", "other"};

// Which resolutions (and so which roll calls) a question is about. Every field narrows; empty
// or 0 means any.
struct ResolutionFilter {
  // Words of the title, statement or agenda subject (search/query.h); a query with a '/' is a UN
  // symbol or its beginning instead ("A/HRC/RES/39/15").
  std::string query;
  std::optional<Body> body;
  int year_from = 0, year_to = 0;        // inclusive
  int session_from = 0, session_to = 0;  // the Council's sessions, inclusive
  std::vector<std::string> agenda_items;  // "4", "10" (the source's "4." read without the dot)
  std::vector<std::string> outcomes;      // of kOutcomes
  bool roll_calls_only = false;           // only resolutions with country votes
};

// kInvalidArgument naming the field for a bad value: a year or session range backwards, an
// outcome not in kOutcomes, a query that does not parse.
Status ValidateResolutionFilter(const ResolutionFilter& filter);

// A group of states whose cohesion can be measured.
struct StateGroup {
  std::string code;  // "weog", "african", ..., or an organisation as the UPR record writes it: "EU"
  std::string name;
  std::string kind;  // "region" or "organisation"
  std::vector<uint32_t> members;  // state indices of the vote matrix, ascending
};

struct ResolutionFacetValue {
  std::string key;
  int64_t count = 0;
};
struct ResolutionFacet {
  std::string field;  // "body", "year", "session", "outcome", "agenda_item"
  std::vector<ResolutionFacetValue> values;  // by count descending, then key; years and sessions
                                             // by key descending
};
struct ResolutionSearch {
  int64_t total = 0;
  std::vector<uint32_t> hits;  // resolution indices, newest first (then record number)
  // Each field counted over the selection without its own filter (as the recommendations'
  // facets): a value's count is the total that value alone gives.
  std::vector<ResolutionFacet> facets;
};

class VoteIndex {
 public:
  // Loads every resolution and vote (and the organisations of the UPR record). Errors: the
  // store's.
  static Result<std::unique_ptr<VoteIndex>> Build(store::Store& store);
  ~VoteIndex();
  VoteIndex(const VoteIndex&) = delete;
  VoteIndex& operator=(const VoteIndex&) = delete;

  // Every resolution, by date then record number.
  std::span<const Resolution> resolutions() const { return resolutions_; }
  // By record number or uid ("ohchr-27576"); nullopt if none.
  std::optional<uint32_t> FindResolution(std::string_view uid_or_record) const;
  // The resolutions with this symbol (exact), by date.
  std::vector<uint32_t> FindBySymbol(std::string_view symbol) const;

  // The roll calls: the resolutions with country votes, as the matrix's columns.
  const analytics::VoteMatrix& matrix() const { return matrix_; }
  const analytics::VoteBits& bits() const { return *bits_; }
  uint32_t ResolutionOfRollCall(uint32_t roll_call) const { return roll_call_resolution_[roll_call]; }
  // The matrix column of a resolution; nullopt if it has no country votes.
  std::optional<uint32_t> RollCallOf(uint32_t resolution) const;
  // The state's index in the matrix (ISO3, any case); nullopt if it never voted.
  std::optional<uint32_t> FindState(std::string_view iso3) const;

  // The resolutions that pass filter, ascending. Errors: ValidateResolutionFilter's.
  Result<std::vector<uint32_t>> Select(const ResolutionFilter& filter) const;
  // The roll calls (matrix columns, ascending) of the resolutions that pass filter.
  Result<std::vector<uint32_t>> SelectRollCalls(const ResolutionFilter& filter) const;
  // Search with facets over the whole selection; hits [offset, offset + limit).
  Result<ResolutionSearch> Search(const ResolutionFilter& filter, int64_t offset,
                                  int64_t limit) const;

  // The regional groups (of states and former states), then the organisations.
  std::span<const StateGroup> groups() const { return groups_; }
  const StateGroup* FindGroup(std::string_view code) const;  // any case
  // The groups a state belongs to.
  std::vector<const StateGroup*> GroupsOf(uint32_t state) const;

 private:
  VoteIndex();
  bool Matches(uint32_t resolution, const struct CompiledQuery& query) const;

  std::vector<Resolution> resolutions_;
  std::vector<std::string> outcomes_;  // per resolution
  std::unordered_map<int64_t, uint32_t> by_record_;
  analytics::VoteMatrix matrix_;
  std::unique_ptr<analytics::VoteBits> bits_;
  std::vector<uint32_t> roll_call_resolution_;
  std::vector<int32_t> resolution_roll_call_;  // -1: none
  std::vector<StateGroup> groups_;
  // Words: the stemmed terms of each resolution's texts, in order, as ids into terms_.
  std::vector<std::string> terms_;  // sorted
  std::vector<std::vector<uint32_t>> words_;
};

}  // namespace openupr::engine

// The store's part of the Council's record (core/resolution.h): resolutions and their roll
// calls in the resolution and vote tables (schema version 8, store/schema.cpp). Writes run inside
// the caller's Transaction (the importer's); reads see one snapshot each. Not thread-safe: uses
// the caller's Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/resolution.h"
#include "core/status.h"
#include "store/store.h"

namespace openupr::store {

// What writing one row did.
enum class Upsert { kAdded, kUpdated, kUnchanged };

// Writes resolutions and votes within the caller's transaction, with its statements prepared
// once. Valid while the store is.
class VoteRecordWriter {
 public:
  explicit VoteRecordWriter(Store& store) : store_(store) {}
  // Stores a resolution by its record_id: added if new, its fields replaced if the source's
  // row changed (compared by a hash of the row), untouched otherwise. res.uid and res.session
  // are the caller's. Returns the row's id and what happened.
  Result<std::pair<int64_t, Upsert>> Resolution(const openupr::Resolution& res,
                                                int64_t source_file_id);
  // Stores one state's vote on the resolution with row id resolution_id, likewise.
  Result<Upsert> Vote(int64_t resolution_id, const CountryVote& vote, int64_t source_file_id);

 private:
  Result<Statement*> Prepared(int slot, const char* sql);
  Store& store_;
  std::optional<Statement> statements_[5];
};
// record_id -> row id of every stored resolution.
Result<std::unordered_map<int64_t, int64_t>> ResolutionIdsByRecord(Store& store);
// Recounts the stored votes of every resolution (counted_*, reconciles).
Status RecountVotes(Store& store);

struct VoteRecordCounts {
  int64_t resolutions = 0;
  int64_t council = 0;       // of the Human Rights Council
  int64_t recorded = 0;      // adopted (or rejected) by a recorded vote
  int64_t roll_calls = 0;    // resolutions with country votes stored
  int64_t votes = 0;         // country votes stored
  int64_t not_reconciling = 0;  // roll calls whose counted votes differ from the official totals
};
Result<VoteRecordCounts> CountVoteRecords(Store& store);

// The resolution with this record number; nullopt if none.
Result<std::optional<Resolution>> GetResolution(Store& store, int64_t record_id);
// The resolutions with this symbol (exact), by record number.
Result<std::vector<Resolution>> FindResolutionsBySymbol(Store& store, const std::string& symbol);
// Every stored resolution, by date, then record number.
Result<std::vector<Resolution>> ListResolutions(Store& store);
// The roll calls that do not reconcile with their official totals, by record number.
Result<std::vector<Resolution>> ListDiscrepancies(Store& store);

struct StoredVote {
  int64_t record_id = 0;  // the resolution's OHCHR record number
  std::string state;      // ISO3 (or a former state's code)
  Vote vote = Vote::kBlank;
};
// The votes on one resolution (by state), or on all (by record number, then state).
Result<std::vector<StoredVote>> VotesOn(Store& store, int64_t record_id);
Result<std::vector<StoredVote>> AllVotes(Store& store);

}  // namespace openupr::store

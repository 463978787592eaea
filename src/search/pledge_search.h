// Search of the voluntary pledges (the commitments states under review make themselves): the
// query language of query.h over the pledge texts, with the same tokenizer and BM25 ranking as
// the recommendations, filtered by state, session, cycle and theme.
//
// The index: 947 pledges in the real record, so no persistent index and no schema change. Each
// connection builds temp.pledge_fts (FTS5, tokenizer 'openupr', in memory) on its first pledge
// query and rebuilds it when the pledge table changed (count or highest id differ): the first
// pledge query of a connection took 31 ms against 3-10 ms for the next ones on the real record
// (docs/api.md). Uses the caller's Store; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/filters.h"
#include "core/model.h"
#include "core/status.h"
#include "store/store.h"

namespace openupr::search {

struct PledgeRequest {
  std::string query;   // the query language of query.h; empty = every pledge
  Filters filters;     // only sur (the pledging state), sessions, cycles and themes apply
  int64_t limit = 20;  // <= 0: no limit
  int64_t offset = 0;
};

struct PledgeHit {
  Pledge pledge;        // whole, with themes and provenance (source_file: the stored path)
  double score = 0;     // BM25, higher is better; 0 without a text query
  std::string snippet;  // text with kMarkBegin/kMarkEnd (sql_search.h) around matched terms
};

struct PledgeSearchResponse {
  int64_t total = 0;            // every match, before limit/offset
  std::vector<PledgeHit> hits;  // by relevance then id, or by state, session and id without a query
  std::vector<std::pair<int, int64_t>> sessions;  // matches per session, ascending
};

// Errors: kInvalidArgument for a bad query (naming it) or a filter field pledges do not have;
// store errors otherwise.
Result<PledgeSearchResponse> SearchPledges(store::Store& store, const PledgeRequest& request);

// The pledge with this uid (core/identity.h), whole; nullopt if none.
Result<std::optional<Pledge>> FindPledge(store::Store& store, std::string_view uid);

}  // namespace openupr::search

// The query side of the HTTP API: everything the server asks of the data, behind one small
// interface, so that the SQL store (SqlBackend, sql_backend.h) and the in-memory engine can serve
// the same endpoints and be checked against each other.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "analytics/politicization.h"
#include "analytics/stats.h"
#include "classify/model_store.h"
#include "core/filters.h"
#include "core/model.h"
#include "core/status.h"
#include "engine/index.h"
#include "engine/observations.h"
#include "engine/votes.h"
#include "search/export.h"
#include "search/interpret.h"
#include "search/pledge_search.h"
#include "search/sql_search.h"
#include "store/store.h"

namespace openupr::server {

// A search page with the facets of the whole selection.
struct FacetedSearch {
  search::SearchResponse search;
  analytics::FacetResponse facets;  // empty when no field was asked for
};

// Implementations must be safe for concurrent calls from the server's worker threads.
// Errors: kInvalidArgument for a bad query or filter value, kNotFound for a missing record,
// kConflict when the data is locked, kIo/kInternal otherwise.
class QueryBackend {
 public:
  virtual ~QueryBackend() = default;

  // Full-text search and filters; hits ordered by relevance (then id), or by id without a query.
  virtual Result<search::SearchResponse> Search(const search::SearchRequest& request) = 0;
  // Counts grouped by up to three dimensions.
  virtual Result<analytics::StatsResult> Stats(const analytics::StatsRequest& request) = 0;
  // Counts per value of each field (every value, by count descending then key) as faceted
  // search counts them (analytics::FacetScope::kDisjunctive): each field over the records
  // matching the query and every filter but the one on that field itself, which is exactly a
  // 1-dimension Stats per field with that filter left out. total: the whole selection.
  virtual Result<analytics::FacetResponse> Facets(const std::string& query,
                                                  const Filters& filters,
                                                  std::span<const analytics::Dimension> fields) = 0;
  // Search(request) and Facets(request.query, request.filters, fields) together; a backend that
  // can evaluates the query and filters once. Errors as those two.
  virtual Result<FacetedSearch> SearchFaceted(const search::SearchRequest& request,
                                              std::span<const analytics::Dimension> fields) {
    FacetedSearch out;
    auto found = Search(request);
    if (!found.ok()) return found.status();
    out.search = std::move(found).value();
    if (fields.empty()) return out;
    auto facets = Facets(request.query, request.filters, fields);
    if (!facets.ok()) return facets.status();
    out.facets = std::move(facets).value();
    return out;
  }
  // The records with these ids, in the order of ids; unknown ids are left out.
  virtual Result<std::vector<Recommendation>> Get(std::span<const int64_t> ids) = 0;
  // The id of the record with this stable uid (core/identity.h); nullopt if none.
  virtual Result<std::optional<int64_t>> FindByUid(std::string_view uid) = 0;
  // The same with only the fields a search result shows (id, sur, from, text, session, cycle,
  // response, action, themes; the others may be left empty). Defaults to Get.
  virtual Result<std::vector<Recommendation>> Summaries(std::span<const int64_t> ids) {
    return Get(ids);
  }
  // Checks (and canonicalises, e.g. the spelling of theme names) the filter values that only
  // the data knows. kInvalidArgument names the value and lists the known ones.
  virtual Status ValidateFilters(Filters& filters) = 0;
  // Theme names, sorted.
  virtual Result<std::vector<std::string>> ThemeNames() = 0;
  // The words of the recommendation texts (search::Vocabulary, for "did you mean"), kept up to
  // date with the records; shared, immutable.
  virtual Result<std::shared_ptr<const search::Vocabulary>> Vocabulary() = 0;
  // Writes every match of request (limit/offset ignored) to out; returns the records written.
  // out may fail midway (client gone): the export then stops early without an error.
  virtual Result<int64_t> Export(const search::SearchRequest& request,
                                 search::ExportFormat format,
                                 const search::ExportOptions& options, std::ostream& out) = 0;
  // What the database holds and where it came from (store::Store::GetSummary).
  virtual Result<store::Summary> DatabaseSummary() = 0;
  // The voluntary pledges matching request (search/pledge_search.h SearchPledges).
  virtual Result<search::PledgeSearchResponse> SearchPledges(
      const search::PledgeRequest& request) = 0;
  // The pledge with this uid; nullopt if none.
  virtual Result<std::optional<Pledge>> FindPledge(std::string_view uid) = 0;
  // Recommendations per (recommending state, state under review) pair over the selection, with
  // their severity (analytics::ComputeDyads; every pair).
  virtual Result<analytics::DyadResponse> Dyads(const std::string& query,
                                                const Filters& filters) = 0;
  // The Council's record (resolutions, roll calls) in memory, as of the database's latest
  // commit; shared, immutable (engine/votes.h).
  virtual Result<std::shared_ptr<const engine::VoteIndex>> Votes() = 0;
  // OHCHR's Universal Human Rights Index (every mechanism's records) in memory, likewise
  // (engine/observations.h).
  virtual Result<std::shared_ptr<const engine::ObservationIndex>> Observations() = 0;
  // The in-memory index the similarity endpoints (similar_api.h) read, as of the database's
  // latest commit; shared, immutable (its vectors are made on first use).
  virtual Result<std::shared_ptr<const engine::Index>> Similarity() = 0;

  // The classifier stored in the database (classify/model_store.h), loaded on first use and
  // again after another connection commits; shared, immutable. Errors: kConflict naming
  // `openupr classify train` when none is stored or it was trained for another schema.
  virtual Result<std::shared_ptr<const classify::LoadedModel>> Classifier() = 0;
  // The predicted labels stored for a record (classify::PredictedLabelsOf), read from the
  // database at the call.
  virtual Result<std::vector<classify::PredictedLabel>> PredictedLabels(std::string_view uid) = 0;
};

}  // namespace openupr::server

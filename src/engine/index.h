// The in-memory query engine: a snapshot of every recommendation held as compact columns, an
// inverted index (roaring bitmaps of records per stemmed term, per state, theme, session, ...)
// and the token sequence of every text, answering the same questions as the SQL backend
// (search::SqlSearch, analytics::ComputeStats) with the same answers, without touching the
// database after it is built.
//
// Same semantics as the SQL backend: the query language of search/query.h with the terms of
// core::Tokenizer (as the FTS5 tokenizer of store/fts_tokenizer.cpp), BM25 exactly as SQLite
// FTS5's bm25() over all records (the score returned is the negated bm25, higher is better),
// snippets in the manner of FTS5's snippet() (32 tokens, kMarkBegin/kMarkEnd around matched
// phrases, "…" where the text is cut), and the filters of core/filters.h as store/filter_sql.cpp
// applies them. An unknown theme in the filters matches nothing (as in SQL); checking names is
// search::ValidateFilters' job.
//
// Thread-safety: an Index is immutable once built. Its const methods may run concurrently from
// any number of threads. Refresh() changes it in place and needs exclusive access; Refreshed()
// leaves it untouched and returns a new Index, to swap in behind an atomic shared_ptr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/politicization.h"
#include "analytics/stats.h"
#include "core/filters.h"
#include "core/model.h"
#include "core/status.h"
#include "engine/similar.h"
#include "search/sql_search.h"
#include "store/store.h"

namespace openupr::engine {

namespace internal {
struct Data;
class Memo;
struct Vectors;
struct Link;
struct SnapshotAccess;
}

// Facet counts: the types of analytics/stats.h (ComputeFacets is the SQL reference).
using FacetValue = analytics::FacetValue;
using Facet = analytics::Facet;
using FacetResponse = analytics::FacetResponse;

// A search page and the facets of its whole selection, from one evaluation of query and filters.
struct FacetedSearch {
  search::SearchResponse search;
  std::vector<Facet> facets;  // one per requested field, in request order (see Facets)
};

// Recommendations per (recommending state, state under review) pair, with their responses and
// action categories (with_action, action_sum): the types of analytics/politicization.h
// (ComputeDyads is the SQL reference).
using Dyad = analytics::Dyad;
using DyadResponse = analytics::DyadResponse;

// Where the memory of an Index goes, in bytes (bitmaps counted by their allocated containers).
struct MemoryUsage {
  size_t text = 0;      // the recommendation texts, for snippets
  size_t tokens = 0;    // token sequences (term positions) and the term dictionary
  size_t postings = 0;  // one bitmap of records per term
  size_t columns = 0;   // per-record attributes, attribute bitmaps and dictionaries
  size_t total() const { return text + tokens + postings + columns; }
};

class Index {
 public:
  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  // Loads every recommendation of the store (store::ScanRecommendations), each under the
  // action and themes it counts under: the source's, else the predicted ones. Errors: the store's
  // (kIo, kBadInput, ...); kBadInput for a record the engine cannot hold (a session outside
  // 0-255, more than 65,000 states, themes or organisations).
  static Result<std::unique_ptr<Index>> Build(store::Store& store);

  // Adds the records with an id above max_id(), as an import appends them; when the predicted
  // labels changed since (store::PredictedLabelsStamp: `classify apply`, `classify train`),
  // loads every record again instead. Records that were changed or deleted since the build
  // are not seen: rebuild then. Not thread-safe: needs
  // exclusive access. On error the index may hold part of the new records; rebuild it.
  Status Refresh(store::Store& store);
  // The same on a copy: this index is untouched (and may serve queries meanwhile); the copy
  // is returned. Costs a second index in memory until this one is dropped.
  Result<std::unique_ptr<Index>> Refreshed(store::Store& store) const;

  int64_t size() const;    // records held
  int64_t max_id() const;  // highest record id, 0 when empty
  size_t MemoryBytes() const { return Memory().total(); }
  MemoryUsage Memory() const;

  // Same answers as search::SqlSearch: total, hits ordered by score descending then id (by id
  // with score 0 without a text query or for a lone NOT), snippets for the returned hits only
  // (the whole text when there is no text to match; none when request.snippets is false).
  // kInvalidArgument for a bad query.
  Result<search::SearchResponse> Search(const search::SearchRequest& request) const;

  // Counts per value of each field over the records matching query and filters (scope: with
  // or without each field's own filter, as analytics::ComputeFacets). top_n <= 0: every value.
  // kInvalidArgument for a bad query.
  Result<FacetResponse> Facets(
      std::string_view query, const Filters& filters,
      std::span<const analytics::Dimension> fields, int64_t top_n,
      analytics::FacetScope scope = analytics::FacetScope::kSelection) const;

  // Search(request) and Facets(request.query, request.filters, fields, top_n, scope) in one
  // call: the text query is evaluated once. kInvalidArgument for a bad query.
  Result<FacetedSearch> SearchFaceted(
      const search::SearchRequest& request, std::span<const analytics::Dimension> fields,
      int64_t top_n, analytics::FacetScope scope = analytics::FacetScope::kSelection) const;

  // What a search result shows of these records, as Store::GetRecommendations gives it: id,
  // sur, from (ISO3 and the source's name, by position), text, session, cycle, response, action
  // and themes (by name, as the store orders them); the other fields of Recommendation are left
  // empty. Ids the index does not hold are left out; the others come in the order of ids.
  std::vector<Recommendation> Summaries(std::span<const int64_t> ids) const;

  // Same answers as analytics::ComputeStats (rows, totals, order, limit). kInvalidArgument for
  // more than 3 or repeated dimensions or a bad query.
  Result<analytics::StatsResult> Stats(const analytics::StatsRequest& request) const;

  // Recommending state x state under review, as analytics::ComputeDyads gives them (the counts
  // also as ComputeStats by {from, sur}), with each pair's responses and action categories.
  // top_n <= 0: every pair. kInvalidArgument for a bad query.
  Result<DyadResponse> Dyads(std::string_view query, const Filters& filters, int64_t top_n) const;

  // The records most similar to a recommendation or a text (similar.h), among those matching
  // request.query and request.filters. kInvalidArgument (naming the field) for a bad request or
  // query, kNotFound for an unknown uid. The first call builds every record's vector (about
  // 50 ms for 33,000 records); later ones reuse them.
  Result<SimilarResponse> Similar(const SimilarRequest& request) const;
  // The repeats (similar.h) whose later record matches request.query and request.filters, with
  // their chains and counts. kInvalidArgument for a bad query or a min_score outside
  // kRepeatFloor..1. The links are computed on the first call and kept.
  Result<RepeatedResponse> Repeated(const RepeatedRequest& request) const;

 private:
  friend struct internal::SnapshotAccess;  // the snapshot file (snapshot.h) reads and makes data_
  explicit Index(std::unique_ptr<internal::Data> data);
  std::unique_ptr<internal::Data> data_;
  // Whole-index tallies, made on first use (aggregations over most of the index subtract the
  // rest from them); cleared by Refresh.
  std::unique_ptr<internal::Memo> memo_;
  // Similarity vectors and repeat links, made on first use (Similar, Repeated); cleared by
  // Refresh. Guarded by similar_mu_; the objects themselves are immutable.
  std::shared_ptr<const internal::Vectors> GetVectors() const;
  std::shared_ptr<const std::vector<internal::Link>> GetLinks() const;
  mutable std::mutex similar_mu_;
  mutable std::shared_ptr<const internal::Vectors> vectors_;
  mutable std::shared_ptr<const std::vector<internal::Link>> links_;
};

}  // namespace openupr::engine

// EngineBackend: the QueryBackend of `openupr serve` by default. Searches, counts and the records
// of result pages come from the in-memory engine (engine/index.h); full single records, theme
// names and exports from the SQL backend it wraps. The engine is kept in step with the database: before each query the backend asks
// SQLite whether another connection has committed (PRAGMA data_version, no disk access) and, if
// so, builds a refreshed copy of the index with the new records and swaps it in; queries that
// are running keep the index they started with.
//
// At start the index comes from the engine's snapshot file beside the database
// (engine/snapshot.h) when it matches the database; otherwise it is built, with the search box's
// vocabulary, and the snapshot is written on a background thread for the next start.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/index.h"
#include "server/sql_backend.h"
#include "store/store.h"

namespace openupr::server {

struct EngineOptions {
  // Read the snapshot at start, write it after a build (`openupr serve --no-snapshot`: neither).
  bool snapshot = true;
  std::string snapshot_path;  // empty: engine::SnapshotPath(the database's path)
  // Told what happened to the snapshot when it was not used as it is: out of date (rebuilt),
  // damaged (ignored), not written (a read-only directory). May be called from the writer
  // thread. Null: not told.
  std::function<void(const std::string&)> note;
};

// Thread-safe: every method may be called from any number of threads at once.
class EngineBackend final : public QueryBackend {
 public:
  // Opens the existing database at path (errors as SqlBackend::Open) and loads the index from
  // its snapshot or builds it (errors: the store's, engine::Index::Build's). Problems with the
  // snapshot are never errors: they go to options.note and the index is built.
  static Result<std::unique_ptr<EngineBackend>> Open(const std::string& path,
                                                     int max_connections,
                                                     EngineOptions options = {});
  // Waits for the snapshot writer, if one runs.
  ~EngineBackend() override;
  EngineBackend(const EngineBackend&) = delete;
  EngineBackend& operator=(const EngineBackend&) = delete;

  Result<search::SearchResponse> Search(const search::SearchRequest& request) override;
  Result<analytics::StatsResult> Stats(const analytics::StatsRequest& request) override;
  // engine::Index::Facets (FacetScope::kDisjunctive): the fields without a filter of their own
  // counted in one pass over the selection, each other one over its own.
  Result<analytics::FacetResponse> Facets(const std::string& query, const Filters& filters,
                                          std::span<const analytics::Dimension> fields) override;
  // engine::Index::SearchFaceted: the text query evaluated once for the page and the facets.
  Result<FacetedSearch> SearchFaceted(const search::SearchRequest& request,
                                      std::span<const analytics::Dimension> fields) override;
  Result<std::vector<Recommendation>> Get(std::span<const int64_t> ids) override;
  Result<std::optional<int64_t>> FindByUid(std::string_view uid) override;
  // engine::Index::Summaries: no database access.
  Result<std::vector<Recommendation>> Summaries(std::span<const int64_t> ids) override;
  Status ValidateFilters(Filters& filters) override;
  Result<std::vector<std::string>> ThemeNames() override;
  // The SQL backend's (the same texts).
  Result<std::shared_ptr<const search::Vocabulary>> Vocabulary() override;
  Result<int64_t> Export(const search::SearchRequest& request, search::ExportFormat format,
                         const search::ExportOptions& options,
                         std::ostream& out) override;
  Result<store::Summary> DatabaseSummary() override;
  Result<search::PledgeSearchResponse> SearchPledges(const search::PledgeRequest& request) override;
  Result<std::optional<Pledge>> FindPledge(std::string_view uid) override;
  Result<analytics::DyadResponse> Dyads(const std::string& query, const Filters& filters) override;
  Result<std::shared_ptr<const engine::VoteIndex>> Votes() override;
  Result<std::shared_ptr<const engine::ObservationIndex>> Observations() override;
  // Current(): the index every other query reads.
  Result<std::shared_ptr<const engine::Index>> Similarity() override { return Current(); }
  Result<std::shared_ptr<const classify::LoadedModel>> Classifier() override;
  Result<std::vector<classify::PredictedLabel>> PredictedLabels(std::string_view uid) override;

  // The index queries run on now (after bringing it up to date).
  Result<std::shared_ptr<const engine::Index>> Current();
  // True when the index of the start came from the snapshot file.
  bool from_snapshot() const { return from_snapshot_; }
  // Waits until the snapshot written after the start's build is in place (or has failed).
  void WaitForSnapshot();

 private:
  EngineBackend(std::unique_ptr<SqlBackend> sql, std::unique_ptr<store::Store> watcher,
                std::shared_ptr<const engine::Index> index, int64_t data_version)
      : sql_(std::move(sql)),
        watcher_(std::move(watcher)),
        index_(std::move(index)),
        data_version_(data_version) {}

  // PRAGMA data_version on the watcher connection, prepared once. Needs mu_.
  Result<int64_t> ReadVersion();

  std::unique_ptr<SqlBackend> sql_;
  std::mutex mu_;                            // guards the members below
  std::unique_ptr<store::Store> watcher_;    // the connection that reads data_version
  std::unique_ptr<store::Statement> version_statement_;
  std::shared_ptr<const engine::Index> index_;
  int64_t data_version_;
  bool from_snapshot_ = false;
  std::thread snapshot_writer_;  // joined by WaitForSnapshot and the destructor
};

}  // namespace openupr::server

// SqlBackend: the QueryBackend over the SQLite store (search::SqlSearch, analytics::ComputeStats,
// Store reads). SQLite connections are single-threaded, so the backend keeps a small pool of
// Store objects on the same file (WAL: readers run concurrently) and lends one to each call.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/backend.h"
#include "server/classifier_source.h"
#include "server/vote_source.h"
#include "store/store.h"

namespace openupr::server {

// Thread-safe: every method may be called from any number of threads at once. At most
// max_connections calls run at the same time; further calls wait for a free connection.
class SqlBackend final : public QueryBackend {
 public:
  // Opens the existing database at path (kNotFound if it does not exist; kBadInput for a file
  // that is not an OpenUPR database) and brings its full-text index up to date, so that
  // concurrent readers never race to build it.
  static Result<std::unique_ptr<SqlBackend>> Open(const std::string& path, int max_connections);

  SqlBackend(const SqlBackend&) = delete;
  SqlBackend& operator=(const SqlBackend&) = delete;

  Result<search::SearchResponse> Search(const search::SearchRequest& request) override;
  Result<analytics::StatsResult> Stats(const analytics::StatsRequest& request) override;
  // One ComputeStats per field (analytics::ComputeFacets, FacetScope::kDisjunctive).
  Result<analytics::FacetResponse> Facets(const std::string& query, const Filters& filters,
                                          std::span<const analytics::Dimension> fields) override;
  Result<std::vector<Recommendation>> Get(std::span<const int64_t> ids) override;
  Result<std::optional<int64_t>> FindByUid(std::string_view uid) override;
  Status ValidateFilters(Filters& filters) override;
  Result<std::vector<std::string>> ThemeNames() override;
  // Built from the texts on first use; built again when records were added since (a new
  // highest id).
  Result<std::shared_ptr<const search::Vocabulary>> Vocabulary() override;
  // Makes vocabulary the one Vocabulary() gives while the highest record id is max_id (the
  // engine's snapshot holds it: engine/snapshot.h), instead of reading every text again.
  void SeedVocabulary(std::shared_ptr<const search::Vocabulary> vocabulary, int64_t max_id);
  Result<int64_t> Export(const search::SearchRequest& request, search::ExportFormat format,
                         const search::ExportOptions& options,
                         std::ostream& out) override;
  Result<store::Summary> DatabaseSummary() override;
  Result<search::PledgeSearchResponse> SearchPledges(const search::PledgeRequest& request) override;
  Result<std::optional<Pledge>> FindPledge(std::string_view uid) override;
  Result<analytics::DyadResponse> Dyads(const std::string& query, const Filters& filters) override;
  Result<std::shared_ptr<const engine::VoteIndex>> Votes() override;
  Result<std::shared_ptr<const engine::ObservationIndex>> Observations() override;
  // SQLite has no vectors: an engine::Index built from the store on first use, and built again
  // when records were added since (a new highest id).
  Result<std::shared_ptr<const engine::Index>> Similarity() override;
  Result<std::shared_ptr<const classify::LoadedModel>> Classifier() override;
  Result<std::vector<classify::PredictedLabel>> PredictedLabels(std::string_view uid) override;

 private:
  // A Store lent to one call; returned to the pool when destroyed.
  class Lease {
   public:
    Lease(SqlBackend& owner, std::unique_ptr<store::Store> store)
        : owner_(owner), store_(std::move(store)) {}
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    store::Store& operator*() { return *store_; }
    store::Store* operator->() { return store_.get(); }

   private:
    SqlBackend& owner_;
    std::unique_ptr<store::Store> store_;
  };

  SqlBackend(std::string path, int max_connections, std::unique_ptr<store::Store> first);
  // Waits for an idle Store or opens a new one while fewer than max_connections exist.
  Result<std::unique_ptr<Lease>> Acquire();

  const std::string path_;
  const int max_connections_;
  VoteSource votes_{path_};
  ObservationSource observations_{path_};
  ClassifierSource classifier_{path_};
  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::vector<std::unique_ptr<store::Store>> idle_;  // guarded by mu_
  int open_ = 0;                                     // guarded by mu_
  std::mutex vocabulary_mu_;  // guards the two below; held while one is built
  std::shared_ptr<const search::Vocabulary> vocabulary_;
  int64_t vocabulary_max_id_ = -1;  // the highest record id when vocabulary_ was built
  std::mutex similarity_mu_;  // guards similarity_; held while it is built
  std::shared_ptr<const engine::Index> similarity_;
};

}  // namespace openupr::server

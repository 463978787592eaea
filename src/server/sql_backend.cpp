#include "server/sql_backend.h"


namespace openupr::server {
namespace {

// The page cache of each pooled connection. A Store keeps up to 256 MiB (store.cpp), right for a
// command's one connection; a server pools up to 16, each caching the same pages of the same file,
// and under scripts/soak.sh (1M records) they filled to 6-7 GiB of the server's memory, still
// growing after ten minutes. Pages beyond this come from the kernel's page cache, shared by all.
constexpr int64_t kPooledCacheKiB = 32 * 1024;

Status SetPooledCache(store::Store& s) {
  return s.db().Exec("PRAGMA cache_size = -" + std::to_string(kPooledCacheKiB));
}

}  // namespace

Result<std::unique_ptr<SqlBackend>> SqlBackend::Open(const std::string& path,
                                                     int max_connections) {
  // Store::Open(kExisting) reports a missing file as kNotFound.
  auto first = store::Store::Open(path, store::OpenMode::kExisting);
  if (!first.ok()) return first.status();
  auto indexed = (*first)->EnsureFullTextIndex();
  if (!indexed.ok()) return indexed.status();
  if (Status st = SetPooledCache(**first); !st.ok()) return st;
  return std::unique_ptr<SqlBackend>(
      new SqlBackend(path, max_connections < 1 ? 1 : max_connections, std::move(*first)));
}

SqlBackend::SqlBackend(std::string path, int max_connections, std::unique_ptr<store::Store> first)
    : path_(std::move(path)), max_connections_(max_connections) {
  idle_.push_back(std::move(first));
  open_ = 1;
}

SqlBackend::Lease::~Lease() {
  {
    std::lock_guard lock(owner_.mu_);
    owner_.idle_.push_back(std::move(store_));
  }
  owner_.idle_cv_.notify_one();
}

Result<std::unique_ptr<SqlBackend::Lease>> SqlBackend::Acquire() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
  if (!idle_.empty()) {
    auto s = std::move(idle_.back());
    idle_.pop_back();
    return std::make_unique<Lease>(*this, std::move(s));
  }
  ++open_;  // reserve the slot, then open without holding the lock
  lock.unlock();
  auto s = store::Store::Open(path_, store::OpenMode::kExisting);
  if (s.ok())
    if (Status st = SetPooledCache(**s); !st.ok()) s = st;
  if (!s.ok()) {
    lock.lock();
    --open_;
    idle_cv_.notify_one();
    return s.status();
  }
  return std::make_unique<Lease>(*this, std::move(*s));
}

Result<search::SearchResponse> SqlBackend::Search(const search::SearchRequest& request) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return search::SqlSearch(***lease, request);
}

Result<analytics::StatsResult> SqlBackend::Stats(const analytics::StatsRequest& request) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return analytics::ComputeStats(***lease, request);
}

Result<analytics::FacetResponse> SqlBackend::Facets(const std::string& query,
                                                   const Filters& filters,
                                                   std::span<const analytics::Dimension> fields) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return analytics::ComputeFacets(***lease, query, filters, fields, 0,
                                 analytics::FacetScope::kDisjunctive);
}

Result<std::vector<Recommendation>> SqlBackend::Get(std::span<const int64_t> ids) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return (**lease)->GetRecommendations(ids);
}

Result<std::optional<int64_t>> SqlBackend::FindByUid(std::string_view uid) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return (**lease)->FindRecommendationByUid(uid);
}

Status SqlBackend::ValidateFilters(Filters& filters) {
  if (filters.themes.empty()) return Status::Ok();
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return search::ValidateFilters(***lease, filters);
}

Result<std::vector<std::string>> SqlBackend::ThemeNames() {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return (**lease)->ThemeNames();
}

Result<std::shared_ptr<const search::Vocabulary>> SqlBackend::Vocabulary() {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  // Records are only appended (imports): a new highest id is a new vocabulary.
  auto max_id = (**lease)->db().QueryInt("SELECT coalesce(max(id), 0) FROM recommendation");
  if (!max_id.ok()) return max_id.status();
  std::lock_guard hold(vocabulary_mu_);
  if (vocabulary_ && *max_id == vocabulary_max_id_) return vocabulary_;
  auto built = search::Vocabulary::FromStore(***lease);
  if (!built.ok()) return built.status();
  vocabulary_ = std::move(built).value();
  vocabulary_max_id_ = *max_id;
  return vocabulary_;
}

void SqlBackend::SeedVocabulary(std::shared_ptr<const search::Vocabulary> vocabulary,
                                int64_t max_id) {
  std::lock_guard hold(vocabulary_mu_);
  vocabulary_ = std::move(vocabulary);
  vocabulary_max_id_ = max_id;
}

Result<int64_t> SqlBackend::Export(const search::SearchRequest& request,
                                   search::ExportFormat format,
                                   const search::ExportOptions& options, std::ostream& out) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return search::ExportRecommendations(***lease, request, format, out, options);
}

Result<store::Summary> SqlBackend::DatabaseSummary() {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return (**lease)->GetSummary();
}

Result<search::PledgeSearchResponse> SqlBackend::SearchPledges(
    const search::PledgeRequest& request) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return search::SearchPledges(***lease, request);
}

Result<std::optional<Pledge>> SqlBackend::FindPledge(std::string_view uid) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return search::FindPledge(***lease, uid);
}

Result<analytics::DyadResponse> SqlBackend::Dyads(const std::string& query,
                                                  const Filters& filters) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return analytics::ComputeDyads(***lease, query, filters, 0);
}

Result<std::shared_ptr<const engine::VoteIndex>> SqlBackend::Votes() { return votes_.Get(); }

Result<std::shared_ptr<const engine::ObservationIndex>> SqlBackend::Observations() {
  return observations_.Get();
}

Result<std::shared_ptr<const engine::Index>> SqlBackend::Similarity() {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  auto max_id = (**lease)->db().QueryInt("SELECT coalesce(max(id), 0) FROM recommendation");
  if (!max_id.ok()) return max_id.status();
  std::lock_guard hold(similarity_mu_);
  if (similarity_ && similarity_->max_id() == *max_id) return similarity_;
  auto built = engine::Index::Build(***lease);
  if (!built.ok()) return built.status();
  similarity_ = std::move(built).value();
  return similarity_;
}

Result<std::shared_ptr<const classify::LoadedModel>> SqlBackend::Classifier() {
  return classifier_.Get();
}

Result<std::vector<classify::PredictedLabel>> SqlBackend::PredictedLabels(std::string_view uid) {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  return classify::PredictedLabelsOf(***lease, uid);
}

}  // namespace openupr::server

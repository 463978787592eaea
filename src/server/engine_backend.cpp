#include "server/engine_backend.h"

namespace openupr::server {

Result<std::unique_ptr<EngineBackend>> EngineBackend::Open(const std::string& path,
                                                           int max_connections) {
  auto sql = SqlBackend::Open(path, max_connections);
  if (!sql.ok()) return sql.status();
  auto watcher = store::Store::Open(path, store::OpenMode::kExisting);
  if (!watcher.ok()) return watcher.status();
  // The version is read before the build: a commit during the build is seen by the next query.
  auto version = (*watcher)->db().QueryInt("PRAGMA data_version");
  if (!version.ok()) return version.status();
  auto index = engine::Index::Build(**watcher);
  if (!index.ok()) return index.status();
  return std::unique_ptr<EngineBackend>(
      new EngineBackend(std::move(sql).value(), std::move(watcher).value(),
                        std::shared_ptr<const engine::Index>(std::move(index).value()),
                        *version));
}

Result<std::shared_ptr<const engine::Index>> EngineBackend::Current() {
  // Queries hold their own reference to the index they got, so a swap never pulls it from
  // under them; the lock only covers the check and the swap.
  std::lock_guard watch(mu_);
  auto version = ReadVersion();
  if (!version.ok()) return version.status();
  if (*version == data_version_) return index_;
  // Records are only appended (imports); a refreshed copy adds those above max_id().
  auto fresh = index_->Refreshed(*watcher_);
  if (!fresh.ok()) return fresh.status();
  index_ = std::move(fresh).value();
  data_version_ = *version;
  return index_;
}

Result<int64_t> EngineBackend::ReadVersion() {
  // Asked before every query: a statement prepared once costs a fraction of a new one.
  if (!version_statement_) {
    auto stmt = watcher_->db().Prepare("PRAGMA data_version");
    if (!stmt.ok()) return stmt.status();
    version_statement_ = std::make_unique<store::Statement>(std::move(stmt).value());
  }
  version_statement_->Reset();
  auto row = version_statement_->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Internal("PRAGMA data_version returned no row");
  const int64_t version = version_statement_->Int(0);
  version_statement_->Reset();
  return version;
}

Result<search::SearchResponse> EngineBackend::Search(const search::SearchRequest& request) {
  auto index = Current();
  if (!index.ok()) return index.status();
  return (*index)->Search(request);
}

Result<analytics::StatsResult> EngineBackend::Stats(const analytics::StatsRequest& request) {
  auto index = Current();
  if (!index.ok()) return index.status();
  return (*index)->Stats(request);
}

Result<analytics::FacetResponse> EngineBackend::Facets(
    const std::string& query, const Filters& filters,
    std::span<const analytics::Dimension> fields) {
  auto index = Current();
  if (!index.ok()) return index.status();
  return (*index)->Facets(query, filters, fields, 0, analytics::FacetScope::kDisjunctive);
}

Result<FacetedSearch> EngineBackend::SearchFaceted(const search::SearchRequest& request,
                                                   std::span<const analytics::Dimension> fields) {
  auto index = Current();
  if (!index.ok()) return index.status();
  auto got = (*index)->SearchFaceted(request, fields, 0, analytics::FacetScope::kDisjunctive);
  if (!got.ok()) return got.status();
  FacetedSearch out;
  out.search = std::move(got->search);
  if (!fields.empty()) {
    out.facets.total = out.search.total;
    out.facets.facets = std::move(got->facets);
  }
  return out;
}

Result<std::vector<Recommendation>> EngineBackend::Get(std::span<const int64_t> ids) {
  return sql_->Get(ids);
}

Result<std::optional<int64_t>> EngineBackend::FindByUid(std::string_view uid) {
  return sql_->FindByUid(uid);
}

Result<std::vector<Recommendation>> EngineBackend::Summaries(std::span<const int64_t> ids) {
  auto index = Current();
  if (!index.ok()) return index.status();
  return (*index)->Summaries(ids);
}

Status EngineBackend::ValidateFilters(Filters& filters) { return sql_->ValidateFilters(filters); }

Result<std::vector<std::string>> EngineBackend::ThemeNames() { return sql_->ThemeNames(); }

Result<std::shared_ptr<const search::Vocabulary>> EngineBackend::Vocabulary() {
  return sql_->Vocabulary();
}

Result<int64_t> EngineBackend::Export(const search::SearchRequest& request,
                                      search::ExportFormat format,
                                      const search::ExportOptions& options, std::ostream& out) {
  return sql_->Export(request, format, options, out);
}

Result<store::Summary> EngineBackend::DatabaseSummary() { return sql_->DatabaseSummary(); }

// Pledges come from the database: 947 rows need no index of the engine's own.
Result<search::PledgeSearchResponse> EngineBackend::SearchPledges(
    const search::PledgeRequest& request) {
  return sql_->SearchPledges(request);
}

Result<std::optional<Pledge>> EngineBackend::FindPledge(std::string_view uid) {
  return sql_->FindPledge(uid);
}

Result<analytics::DyadResponse> EngineBackend::Dyads(const std::string& query,
                                                    const Filters& filters) {
  auto index = Current();
  if (!index.ok()) return index.status();
  return (*index)->Dyads(query, filters, 0);
}

Result<std::shared_ptr<const engine::VoteIndex>> EngineBackend::Votes() { return sql_->Votes(); }

Result<std::shared_ptr<const engine::ObservationIndex>> EngineBackend::Observations() {
  return sql_->Observations();
}

Result<std::shared_ptr<const classify::LoadedModel>> EngineBackend::Classifier() {
  return sql_->Classifier();
}

}  // namespace openupr::server

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
  std::shared_ptr<const engine::Index> current;
  {
    std::shared_lock lock(index_mu_);
    current = index_;
  }
  std::lock_guard watch(watch_mu_);
  auto version = watcher_->db().QueryInt("PRAGMA data_version");
  if (!version.ok()) return version.status();
  if (*version == data_version_) {
    std::shared_lock lock(index_mu_);
    return index_;  // another thread may have swapped in a fresher one meanwhile
  }
  // Records are only appended (imports); a refreshed copy adds those above max_id().
  auto fresh = current->Refreshed(*watcher_);
  if (!fresh.ok()) return fresh.status();
  std::shared_ptr<const engine::Index> next(std::move(fresh).value());
  {
    std::unique_lock lock(index_mu_);
    index_ = next;
  }
  data_version_ = *version;
  return next;
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

Result<std::vector<Recommendation>> EngineBackend::Get(std::span<const int64_t> ids) {
  return sql_->Get(ids);
}

Status EngineBackend::ValidateFilters(Filters& filters) { return sql_->ValidateFilters(filters); }

Result<std::vector<std::string>> EngineBackend::ThemeNames() { return sql_->ThemeNames(); }

Result<int64_t> EngineBackend::Export(const search::SearchRequest& request,
                                      search::ExportFormat format, std::ostream& out) {
  return sql_->Export(request, format, out);
}

}  // namespace openupr::server

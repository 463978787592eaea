#include "server/engine_backend.h"

#include <pthread.h>
#include <signal.h>

#include "engine/snapshot.h"
#include "store/sqlite.h"

namespace openupr::server {

Result<std::unique_ptr<EngineBackend>> EngineBackend::Open(const std::string& path,
                                                           int max_connections,
                                                           EngineOptions options) {
  auto sql = SqlBackend::Open(path, max_connections);
  if (!sql.ok()) return sql.status();
  auto watcher = store::Store::Open(path, store::OpenMode::kExisting);
  if (!watcher.ok()) return watcher.status();
  // The version is read before the build: a commit during the build is seen by the next query.
  auto version = (*watcher)->db().QueryInt("PRAGMA data_version");
  if (!version.ok()) return version.status();
  const std::string snapshot_path =
      options.snapshot_path.empty() ? engine::SnapshotPath(path) : options.snapshot_path;
  auto note = [&](const std::string& what) {
    if (options.note) options.note(what);
  };

  std::shared_ptr<const engine::Index> index;
  std::shared_ptr<const search::Vocabulary> vocabulary;
  std::string fingerprint;
  bool from_snapshot = false;
  {
    // The fingerprint, the build and the vocabulary see one state of the database: a snapshot
    // never claims records it does not hold.
    store::ReadSnapshot read((*watcher)->db());
    OPENUPR_RETURN_IF_ERROR(read.Begin());
    if (options.snapshot) {
      auto print = engine::DatabaseFingerprint(**watcher);
      if (!print.ok()) return print.status();
      fingerprint = *print;
      auto loaded = engine::ReadSnapshot(snapshot_path, fingerprint);
      if (loaded.ok()) {
        index = std::move(loaded->index);
        vocabulary = std::move(loaded->vocabulary);
        from_snapshot = true;
      } else if (loaded.status().code() == StatusCode::kConflict) {
        note("engine snapshot out of date, building the index: " + loaded.status().message());
      } else if (loaded.status().code() != StatusCode::kNotFound) {
        note("engine snapshot ignored, building the index: " + loaded.status().ToString());
      }
    }
    if (!index) {
      auto built = engine::Index::Build(**watcher);
      if (!built.ok()) return built.status();
      index = std::move(built).value();
    }
    if (!vocabulary && options.snapshot) {
      // Made now rather than at the first search, so that the snapshot holds it.
      auto made = search::Vocabulary::FromStore(**watcher);
      if (!made.ok()) return made.status();
      vocabulary = std::move(made).value();
    }
  }
  if (vocabulary) (*sql)->SeedVocabulary(vocabulary, index->max_id());
  auto backend = std::unique_ptr<EngineBackend>(
      new EngineBackend(std::move(sql).value(), std::move(watcher).value(), index, *version));
  backend->from_snapshot_ = from_snapshot;
  if (options.snapshot && !from_snapshot) {
    // Written while the server already answers; the index and vocabulary are immutable.
    backend->snapshot_writer_ = std::thread(
        [index, vocabulary, fingerprint, snapshot_path, note = std::move(options.note)] {
          // SIGINT and SIGTERM are for the thread that serves (ServeUntilSignal waits for them
          // with sigwait); delivered here they would end the process mid-write.
          sigset_t all;
          sigfillset(&all);
          pthread_sigmask(SIG_BLOCK, &all, nullptr);
          Status st = engine::WriteSnapshot(*index, vocabulary.get(), fingerprint, snapshot_path);
          if (!st.ok() && note)
            note("engine snapshot not written (the next start builds the index again): " +
                 st.ToString());
        });
  }
  return backend;
}

EngineBackend::~EngineBackend() { WaitForSnapshot(); }

void EngineBackend::WaitForSnapshot() {
  if (snapshot_writer_.joinable()) snapshot_writer_.join();
}

Result<std::shared_ptr<const engine::Index>> EngineBackend::Current() {
  // Queries hold their own reference to the index they got, so a swap never pulls it from
  // under them; the lock only covers the check and the swap.
  std::lock_guard watch(mu_);
  auto version = ReadVersion();
  if (!version.ok()) return version.status();
  if (*version == data_version_) return index_;
  // Records are only appended (imports); a refreshed copy adds those above max_id(), or is
  // built anew when the predicted labels changed (engine/data.h labels_stamp).
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

Result<std::vector<classify::PredictedLabel>> EngineBackend::PredictedLabels(std::string_view uid) {
  return sql_->PredictedLabels(uid);
}

}  // namespace openupr::server

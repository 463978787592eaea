// The embedded system of record: one SQLite file (WAL, foreign keys, versioned schema).
// All database access goes through this module. Open() creates or migrates the file and refuses
// a file that is not an OpenUPR database or was written by a newer OpenUPR.
//
// A Store is used by one thread at a time; open one per thread for concurrent readers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "store/schema.h"
#include "store/sqlite.h"

namespace openupr::store {

// The page size of files this build creates (existing files keep theirs).
inline constexpr int kPageSize = 16384;

enum class OpenMode {
  kCreate,    // creates the file (and its folder) if missing; migrates an older file
  kExisting,  // the file must exist (kNotFound otherwise); migrates an older file
  // As kCreate, for an import that follows at once: a new file keeps the rollback journal it was
  // created with, which the import's RollbackJournalScope would otherwise switch to, and that
  // scope puts it into WAL when it ends (docs/benchmarks.md). An existing file is in WAL as
  // with kCreate.
  kCreateForImport,
};

// What one imported file was, as kept in the source_file table.
struct SourceFileRecord {
  int64_t id = 0;
  int64_t import_id = 0;
  std::string path;
  std::string content_hash;
  int64_t bytes = 0;
  std::string format;
  std::string encoding;
  std::string line_ends;
  int64_t rows = 0;             // data rows read
  int64_t added = 0;            // rows stored
  int64_t repeats = 0;          // stored rows that repeat an earlier row of the same import
  int64_t already_present = 0;  // rows not stored because the database already had them
  int64_t skipped = 0;          // rows skipped on request (unknown states)
  std::string imported_at;      // when its import started (import.started_at, ISO 8601 UTC);
                                // filled by reads, ignored by InsertSourceFile
};

struct Counts {
  int64_t recommendations = 0;
  int64_t supported = 0;
  int64_t noted = 0;
  int64_t other = 0;
  int64_t pledges = 0;
  int64_t imports = 0;
  int64_t source_files = 0;
  int64_t states_under_review = 0;
  int64_t recommending_states = 0;
};

// What the database holds and where it came from (GET /api/v1/about), read in one snapshot.
struct Summary {
  int schema_version = 0;
  Counts counts;
  int64_t states = 0;    // distinct states in the record: under review, recommending or pledging
  int64_t sessions = 0;  // distinct sessions of the recommendations and pledges
  int64_t cycles = 0;    // distinct cycles of the recommendations and pledges
  std::vector<SourceFileRecord> sources;  // every imported file, in the order of import
};

class Store {
 public:
  // Opens the database at path. Errors: kBadInput for a foreign, newer or damaged file, kIo if
  // the file cannot be opened or created. migrations is replaceable for migration tests. A file
  // this process cannot write (mode, read-only mount) opens read-only: reads work (in WAL mode on
  // read-only media, as immutable), writes fail with kIo naming the reason.
  static Result<std::unique_ptr<Store>> Open(
      const std::string& path, OpenMode mode = OpenMode::kCreate,
      std::span<const Migration> migrations = BuiltinMigrations());
  // Closes the database (a new file opened with kCreateForImport that no import put into WAL is
  // put into WAL now).
  ~Store();

  Database& db() { return *db_; }
  int schema_version() const { return schema_version_; }
  const std::string& path() const { return db_->path(); }

  Result<Counts> GetCounts();
  // Counts, coverage and the imported files, from one read snapshot.
  Result<Summary> GetSummary();

  // --- Writes. The caller wraps them in one Transaction. ---
  Result<int64_t> InsertImport(const std::string& tool, const std::string& options_json);
  Result<std::optional<SourceFileRecord>> FindSourceFileByHash(const std::string& hash);
  Result<int64_t> InsertSourceFile(const SourceFileRecord& file);
  // Recommendations are written in bulk by store::RecommendationWriter (bulk_writer.h).
  Result<int64_t> InsertPledge(const Pledge& pledge, const std::string& dup_key,
                               const std::string& orgs, int64_t source_file_id);
  // For each duplicate key: how many stored recommendations (or pledges) carry it, and the
  // smallest id among them.
  struct KeyInfo {
    int64_t count = 0;
    int64_t first_id = 0;
  };
  Result<std::unordered_map<std::string, KeyInfo>> RecommendationKeyCounts();
  Result<std::unordered_map<std::string, KeyInfo>> PledgeKeyCounts();

  // Brings the full-text index (recommendation_fts, used by the SQL search backend) up to date
  // with the recommendations: imports only write the record, so the index is filled here, in
  // its own transaction, before a full-text query. Returns the number of rows indexed (0 when
  // already current). Safe against other processes doing the same. On a database this
  // connection cannot write, an index that is behind is built in memory for this connection.
  Result<int64_t> EnsureFullTextIndex();
  // The highest recommendation id the full-text index holds (0: none).
  Result<int64_t> FullTextIndexedThrough();

  // The id of the theme with this name (case-insensitive), added if new. Ids are cached, which
  // holds within one write transaction only: RecommendationWriter::Begin clears the cache, since
  // a rolled-back import leaves the ids of the themes it added in it.
  Result<int64_t> ThemeId(const std::string& name);
  void ClearThemeCache() { theme_ids_.clear(); }

  // --- Reads. ---
  // kNotFound if there is no recommendation with this id.
  Result<Recommendation> GetRecommendation(int64_t id);
  // The id of the recommendation with this uid (core/identity.h); nullopt if none.
  Result<std::optional<int64_t>> FindRecommendationByUid(std::string_view uid);
  // Loads the given recommendations, in the order of ids; unknown ids are left out.
  // Action and themes: the source's, else the predicted ones (store/scan.h), marked
  // Recommendation::action_predicted / themes_predicted.
  Result<std::vector<Recommendation>> GetRecommendations(std::span<const int64_t> ids);
  // Every imported file, in the order of import.
  Result<std::vector<SourceFileRecord>> ListSourceFiles();
  // Theme names, sorted.
  Result<std::vector<std::string>> ThemeNames();

 private:
  explicit Store(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  // new_file: one transaction for every migration and the reference data (a file is created in
  // one commit); otherwise one per migration.
  Status Migrate(std::span<const Migration> migrations, bool new_file);
  // Writes the reference data, within the caller's transaction.
  Status WriteReferenceData();
  static std::string ReferenceDigest();
  Result<Statement*> Cached(const char* sql);

  std::unique_ptr<Database> db_;
  int schema_version_ = 0;
  bool wal_on_close_ = false;  // a new file left with the rollback journal (kCreateForImport)
  bool full_text_index_in_memory_ = false;  // temp.recommendation_fts (EnsureFullTextIndex)
  std::unordered_map<std::string, int64_t> theme_ids_;
  std::unordered_map<const char*, std::unique_ptr<Statement>> statements_;
};

}  // namespace openupr::store

// RAII wrappers over the SQLite C API: a connection, prepared statements and transactions.
// Every SQLite error comes back as a Status naming the SQL and SQLite's message.
// A Database and its Statements belong to one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace openupr::store {

class Statement;

// How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
inline constexpr int kBusyTimeoutMs = 5000;

class Database {
 public:
  // Opens (and with create, creates) the SQLite file at path. Fails with kIo if it cannot.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, bool create,
                                                bool read_only);
  // Opens the file at path read-only as immutable (SQLite's immutable=1: no locks, no -wal or
  // -shm): for a file on read-only media, which SQLite cannot otherwise read in WAL mode. Only
  // sound while nothing writes the file and it has no -wal beside it. kIo if it cannot.
  static Result<std::unique_ptr<Database>> OpenImmutable(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  // Convenience: the first column of the first row as an integer (0 if no row).
  Result<int64_t> QueryInt(std::string_view sql);
  // The same, as text ("" if no row).
  Result<std::string> QueryText(std::string_view sql);
  // Prepares sql (no parameters) and calls on_row(statement) on each of its rows.
  template <typename F>
  Status ForEachRow(std::string_view sql, F&& on_row);

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  Status Error(std::string_view what) const;

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

class Statement {
 public:
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite. Text is copied (SQLITE_TRANSIENT).
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  // Binds text without copying it: the caller keeps the bytes alive and unchanged until the
  // statement has run (bulk inserts bind thousands of parsed fields this way).
  Statement& BindStatic(int index, std::string_view value);
  Statement& BindNull(int index);
  // Binds bytes as a BLOB (copied).
  Statement& BindBlob(int index, std::string_view bytes);
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // Steps once: true if a row is available, false when done.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();
  // Steps through every row, calling on_row(*this) on each; stops at the first error.
  template <typename F>
  Status ForEachRow(F&& on_row) {
    while (true) {
      auto row = Step();
      if (!row.ok()) return row.status();
      if (!*row) return Status::Ok();
      on_row(*this);
    }
  }
  void Reset();

  int ColumnCount() const { return sqlite3_column_count(stmt_); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string_view Text(int col) const;
  std::string String(int col) const { return std::string(Text(col)); }
  // A BLOB (or text) column's bytes, valid until the next step.
  std::string_view Blob(int col) const;
  sqlite3_stmt* handle() const { return stmt_; }

 private:
  friend class Database;
  Statement(Database* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Database* db_;
  sqlite3_stmt* stmt_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless Commit() succeeded.
class Transaction {
 public:
  enum class ForeignKeys {
    kEnforced,
    // SQLite does not check foreign keys inside this transaction: the caller guarantees every
    // reference it writes (store::RecommendationWriter checks them against the parent rows it
    // read). For bulk loads, where SQLite's per-row parent lookups cost more than the inserts.
    // Enforcement is back on after the commit or rollback.
    kCheckedByCaller,
  };
  static Result<std::unique_ptr<Transaction>> Begin(Database& db,
                                                    ForeignKeys fk = ForeignKeys::kEnforced);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status Commit();

 private:
  Transaction(Database& db, ForeignKeys fk) : db_(db), fk_(fk) {}
  void RestoreForeignKeys();
  Database& db_;
  ForeignKeys fk_;
  bool done_ = false;
};

// A deferred read transaction (BEGIN, COMMIT on destruction), so that several reads see one
// snapshot even while another connection commits. Does nothing when the connection is already in
// a transaction.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Database& db) : db_(db) {}
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  Status Begin();

 private:
  Database& db_;
  bool open_ = false;
};

// For a bulk load by the only connection to a WAL database: the rollback journal for the
// lifetime of this object, then WAL again. (A database already in the rollback journal, as a new
// file from Store::Open with kCreateForImport is, keeps it and is put into WAL at the end.) WAL writes every new page twice, into the WAL at the
// commit and into the database file at the checkpoint (with a sync of each); the rollback
// journal writes new pages once and journals only the pages that existed before. Leaving WAL
// needs the file alone: when another connection has it open, or the database is not in WAL,
// this does nothing (active() is false) and the load runs in WAL as before. While active,
// synchronous is FULL (the level the rollback journal needs to survive a power cut); back to
// what it was with WAL. Create it before the load's Transaction, so that it outlives it.
class RollbackJournalScope {
 public:
  explicit RollbackJournalScope(Database& db);
  ~RollbackJournalScope();
  RollbackJournalScope(const RollbackJournalScope&) = delete;
  RollbackJournalScope& operator=(const RollbackJournalScope&) = delete;
  bool active() const { return active_; }

 private:
  Database& db_;
  bool active_ = false;
  int64_t synchronous_ = 0;  // PRAGMA synchronous before the switch
};

template <typename F>
Status Database::ForEachRow(std::string_view sql, F&& on_row) {
  auto stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->ForEachRow(std::forward<F>(on_row));
}

}  // namespace openupr::store

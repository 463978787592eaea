#include "store/sqlite.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

namespace openupr::store {

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, bool create,
                                                 bool read_only) {
  sqlite3* db = nullptr;
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::Io(path + ": cannot open database: " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  return std::unique_ptr<Database>(new Database(db, path));
}

Result<std::unique_ptr<Database>> Database::OpenImmutable(const std::string& path) {
  // A URI filename: the characters that URIs give a meaning to are escaped.
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", static_cast<unsigned char>(c));
      uri += hex;
    } else {
      uri += c;
    }
  }
  uri += "?immutable=1";
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(uri.c_str(), &db,
                                 SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::Io(path + ": cannot open database: " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Database>(new Database(db, path));
}

Database::~Database() { sqlite3_close_v2(db_); }

namespace {

// Why SQLite could not write the file at path (SQLITE_READONLY): what the user has to change.
std::string ReadOnlyReason(const std::string& path, int extended_code) {
  if (extended_code == SQLITE_READONLY_DBMOVED)
    return "the file was moved or deleted while it was open";
  const std::string folder = std::filesystem::path(path).parent_path().string();
  if (extended_code == SQLITE_READONLY_DIRECTORY)
    return "its folder " + (folder.empty() ? std::string(".") : folder) +
           " is read-only (SQLite writes its journal beside the file)";
  if (::access(path.c_str(), W_OK) != 0) {
    if (errno == EROFS) return "it is on a read-only file system";
    if (errno == EACCES) return "it is read-only (no write permission for this user)";
  }
  // The file is writable now; what SQLite could not write is its -wal, -shm or -journal file.
  return "it is read-only, or its -wal, -shm or -journal file or its folder cannot be written";
}

}  // namespace

Status Database::Error(std::string_view what) const {
  int code = sqlite3_errcode(db_);
  std::string msg = path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_);
  int primary = code & 0xff;
  // The two write failures a user meets and can fix get a message of their own, naming the file
  // (SQLite's "database or disk is full" and "attempt to write a readonly database" leave the
  // reader guessing which). The unix VFS turns ENOSPC on a write into SQLITE_FULL; a failed
  // sync, truncate or -shm extension on a full disk comes back as an I/O error with ENOSPC.
  if (primary == SQLITE_FULL || (primary == SQLITE_IOERR && sqlite3_system_errno(db_) == ENOSPC))
    return Status::Io(path_ + ": cannot write the database: the disk is full (no space left on "
                      "device)");
  if (primary == SQLITE_READONLY)
    return Status::Io(path_ + ": cannot write the database: " + ReadOnlyReason(path_, code));
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    return Status::BadInput(msg + " (the file is damaged or not a database)");
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_CONSTRAINT)
    return Status::Conflict(msg);
  if (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_FULL ||
      primary == SQLITE_READONLY || primary == SQLITE_PERM)
    return Status::Io(msg);
  return Status::Internal(msg);
}

Status Database::Exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    return Error("executing SQL");
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK)
    return Error("preparing SQL");
  return Statement(this, stmt);
}

Result<int64_t> Database::QueryInt(std::string_view sql) {
  auto stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  return *row ? stmt->Int(0) : int64_t{0};
}

Result<std::string> Database::QueryText(std::string_view sql) {
  auto stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  return *row ? stmt->String(0) : std::string();
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindStatic(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error("running SQL");
}

Status Statement::Run() {
  while (true) {
    auto row = Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
  }
  Reset();
  return Status::Ok();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string_view Statement::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (!p) return {};
  return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

std::string_view Statement::Blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  if (!p) return {};
  return {static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

Result<std::unique_ptr<Transaction>> Transaction::Begin(Database& db, ForeignKeys fk) {
  // (The pragma is a no-op inside a transaction: it must come first.)
  if (fk == ForeignKeys::kCheckedByCaller)
    OPENUPR_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = OFF"));
  std::unique_ptr<Transaction> tx(new Transaction(db, fk));
  if (Status st = db.Exec("BEGIN IMMEDIATE"); !st.ok()) {
    tx->done_ = true;  // nothing to roll back; the destructor restores the checks
    return st;
  }
  return tx;
}

void Transaction::RestoreForeignKeys() {
  if (fk_ == ForeignKeys::kCheckedByCaller) (void)db_.Exec("PRAGMA foreign_keys = ON");
}

Transaction::~Transaction() {
  if (!done_) (void)db_.Exec("ROLLBACK");
  RestoreForeignKeys();
}

Status Transaction::Commit() {
  OPENUPR_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  done_ = true;
  return Status::Ok();
}

ReadSnapshot::~ReadSnapshot() {
  if (open_) (void)db_.Exec("COMMIT");
}

Status ReadSnapshot::Begin() {
  if (!sqlite3_get_autocommit(db_.handle())) return Status::Ok();
  OPENUPR_RETURN_IF_ERROR(db_.Exec("BEGIN"));
  open_ = true;
  return Status::Ok();
}

namespace {

// The journal mode in force after asking for mode. SQLite answers with the old mode when it
// cannot switch, and with SQLITE_BUSY when another connection is in the way (""): either way
// the mode is as it was.
std::string SetJournalMode(Database& db, const char* mode) {
  auto now = db.QueryText(std::string("PRAGMA journal_mode = ") + mode);
  return now.ok() ? *now : "";
}

}  // namespace

RollbackJournalScope::RollbackJournalScope(Database& db) : db_(db) {
  auto mode = db.QueryText("PRAGMA journal_mode");
  auto synchronous = db.QueryInt("PRAGMA synchronous");
  if (!mode.ok() || !synchronous.ok()) return;
  if (*mode == "delete") {
    // A new file that Store::Open left with the rollback journal (kCreateForImport): nothing to
    // switch now; WAL, with its usual synchronous NORMAL, when the scope ends.
    synchronous_ = 1;
    active_ = db.Exec("PRAGMA synchronous = FULL").ok();
    return;
  }
  if (*mode != "wal") return;
  synchronous_ = *synchronous;
  // Not waiting for the others (the busy timeout): a connection that has the file open keeps
  // it open.
  sqlite3_busy_timeout(db.handle(), 0);
  const bool switched = SetJournalMode(db, "delete") == "delete";
  sqlite3_busy_timeout(db.handle(), kBusyTimeoutMs);
  if (!switched) return;
  active_ = db.Exec("PRAGMA synchronous = FULL").ok();
  if (!active_) (void)SetJournalMode(db, "wal");
}

RollbackJournalScope::~RollbackJournalScope() {
  if (!active_) return;
  // (If another connection opened the file meanwhile, the switch fails; Store::Open puts every
  // file it opens back into WAL.)
  (void)SetJournalMode(db_, "wal");
  (void)db_.Exec("PRAGMA synchronous = " + std::to_string(synchronous_));
}

}  // namespace openupr::store

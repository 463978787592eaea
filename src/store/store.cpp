#include "store/store.h"

#include <filesystem>
#include <system_error>


#include "core/former_states.h"
#include "core/states.h"
#include "store/fts_tokenizer.h"

namespace openupr::store {
namespace {

std::string JsonIds(std::span<const int64_t> ids) {
  std::string s = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(ids[i]);
  }
  return s + "]";
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, OpenMode mode,
                                           std::span<const Migration> migrations) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (mode == OpenMode::kExisting && !exists)
    return Status::NotFound(path + ": no database here; import data first (openupr import FILE)");
  if (!exists) {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return Status::Io(parent.string() + ": cannot create folder: " + ec.message());
  }
  auto db = Database::Open(path, /*create=*/mode != OpenMode::kExisting, /*read_only=*/false);
  if (!db.ok()) return db.status();
  // The first read of the header tells a SQLite file from anything else.
  auto app = (*db)->QueryInt("PRAGMA application_id");
  if (!app.ok() && (sqlite3_errcode((*db)->handle()) & 0xff) == SQLITE_CANTOPEN) {
    // SQLite reads a file in WAL mode through a -wal and a -shm file beside it, which it cannot
    // create in a read-only folder or on read-only media. Without a -wal, the file itself holds
    // every commit and is read as immutable (writes then fail as on any read-only file).
    if (!exists || std::filesystem::exists(path + "-wal", ec))
      return Status::Io(path + ": cannot open the database (or the -wal and -shm files SQLite "
                        "needs beside it): " + sqlite3_errmsg((*db)->handle()));
    db = Database::OpenImmutable(path);
    if (!db.ok()) return db.status();
    app = (*db)->QueryInt("PRAGMA application_id");
  }
  if (!app.ok())
    return Status::BadInput(path + ": not an OpenUPR database (not even an SQLite file): " +
                            app.status().message());
  std::unique_ptr<Store> store(new Store(std::move(db).value()));
  Database& d = *store->db_;
  OPENUPR_RETURN_IF_ERROR(RegisterFtsTokenizer(d));
  OPENUPR_RETURN_IF_ERROR(d.Exec("PRAGMA foreign_keys = ON"));
  // A new, empty file: 16 KiB pages (at 4 KiB an import's commit spent 100 ms of 0.6 s writing
  // pages one system call or two each; at 16 KiB, 15 ms: docs/benchmarks.md), and the whole
  // schema in one commit with the rollback journal (synchronous FULL, what that journal needs),
  // then WAL; for kCreateForImport the import's RollbackJournalScope puts it into WAL when it
  // ends. An existing file is switched to WAL once Migrate has accepted it as ours.
  auto pages = d.QueryInt("PRAGMA page_count");
  if (!pages.ok()) return pages.status();
  const bool new_file = *pages == 0;
  if (new_file) {
    OPENUPR_RETURN_IF_ERROR(d.Exec("PRAGMA page_size = " + std::to_string(kPageSize)));
    OPENUPR_RETURN_IF_ERROR(d.Exec("PRAGMA synchronous = FULL"));
  }
  OPENUPR_RETURN_IF_ERROR(store->Migrate(migrations, new_file));
  store->wal_on_close_ = new_file && mode == OpenMode::kCreateForImport;
  // (A file this connection cannot write keeps its journal mode: it is read as it is.)
  if (!store->wal_on_close_ && sqlite3_db_readonly(d.handle(), "main") != 1) {
    auto wal = d.Prepare("PRAGMA journal_mode = WAL");
    if (!wal.ok()) return wal.status();
    if (auto r = wal->Step(); !r.ok()) return r.status();
    OPENUPR_RETURN_IF_ERROR(d.Exec("PRAGMA synchronous = NORMAL"));
  }
  OPENUPR_RETURN_IF_ERROR(d.Exec("PRAGMA cache_size = -262144"));
  // Temporary files in memory: a multi-row INSERT keeps a statement journal, which SQLite spills
  // to a file in /var/tmp after 64 KiB (3,700 writes during an import of the real files).
  OPENUPR_RETURN_IF_ERROR(d.Exec("PRAGMA temp_store = MEMORY"));
  return store;
}

Store::~Store() {
  if (wal_on_close_ && db_) (void)db_->QueryText("PRAGMA journal_mode = WAL");
}

Status Store::Migrate(std::span<const Migration> migrations, bool new_file) {
  Database& d = *db_;
  auto app = d.QueryInt("PRAGMA application_id");
  if (!app.ok()) return app.status();
  auto version = d.QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  auto objects = d.QueryInt("SELECT count(*) FROM sqlite_master");
  if (!objects.ok()) return objects.status();
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  const bool fresh = *app == 0 && *version == 0 && *objects == 0;
  if (!fresh && *app != kApplicationId)
    return Status::BadInput(d.path() + ": not an OpenUPR database (SQLite application_id " +
                            std::to_string(*app) + ", expected " +
                            std::to_string(kApplicationId) + "); refusing to touch it");
  if (*version > latest)
    return Status::BadInput(d.path() + ": database schema version " + std::to_string(*version) +
                            " is newer than this openupr supports (" + std::to_string(latest) +
                            "); use a newer openupr");
  std::unique_ptr<Transaction> whole;  // a new file's one transaction
  if (new_file) {
    auto tx = Transaction::Begin(d);
    if (!tx.ok()) return tx.status();
    whole = std::move(tx).value();
  }
  for (const Migration& m : migrations) {
    if (m.version <= *version) continue;
    std::unique_ptr<Transaction> tx;
    if (!whole) {
      auto begun = Transaction::Begin(d);
      if (!begun.ok()) return begun.status();
      tx = std::move(begun).value();
    }
    Status st = d.Exec(m.sql);
    if (st.ok() && m.run) st = m.run(d);
    if (!st.ok())
      return Status::Internal("migration to schema version " + std::to_string(m.version) + " (" +
                              m.description + ") failed: " + st.message());
    if (m.edits_schema_text) {
      auto cookie = d.QueryInt("PRAGMA schema_version");
      if (!cookie.ok()) return cookie.status();
      OPENUPR_RETURN_IF_ERROR(d.Exec("PRAGMA schema_version = " + std::to_string(*cookie + 1)));
    }
    OPENUPR_RETURN_IF_ERROR(d.Exec("PRAGMA user_version = " + std::to_string(m.version)));
    OPENUPR_RETURN_IF_ERROR(
        d.Exec("PRAGMA application_id = " + std::to_string(kApplicationId)));
    if (tx) OPENUPR_RETURN_IF_ERROR(tx->Commit());
  }
  schema_version_ = latest;
  // The state and session tables mirror this program's reference table: refresh them when it
  // changed (e.g. a corrected name or alias), so region filters never read stale groups.
  auto stored = d.Prepare("SELECT value FROM meta WHERE key = 'reference_digest'");
  if (!stored.ok()) return stored.status();
  auto row = stored->Step();
  if (!row.ok()) return row.status();
  if (!(*row && stored->Text(0) == ReferenceDigest())) {
    std::unique_ptr<Transaction> tx;
    if (!whole) {
      auto begun = Transaction::Begin(d);
      if (!begun.ok()) return begun.status();
      tx = std::move(begun).value();
    }
    OPENUPR_RETURN_IF_ERROR(WriteReferenceData());
    if (tx) OPENUPR_RETURN_IF_ERROR(tx->Commit());
  }
  return whole ? whole->Commit() : Status::Ok();
}

std::string Store::ReferenceDigest() {
  std::string all;
  for (const StateInfo& s : AllStates()) {
    all += std::string(s.iso3) + s.iso2 + s.m49 + s.un_name + std::string(RegionCode(s.region)) +
           (s.un_member ? "1" : "0") + "\n";
  }
  for (int s = kFirstSession; s <= kLastKnownSession; ++s) all += std::to_string(CycleOfSession(s));
  for (const FormerStateInfo& f : FormerStates())
    all += std::string(f.iso3) + f.name + std::string(RegionCode(f.region)) + f.successor +
           std::to_string(f.until) + "\n";
  return std::to_string(std::hash<std::string>{}(all));
}

Status Store::WriteReferenceData() {
  auto ins = db_->Prepare(
      "INSERT INTO state(iso3, iso2, m49, name, region, un_member) VALUES (?,?,?,?,?,?) "
      "ON CONFLICT(iso3) DO UPDATE SET iso2=excluded.iso2, m49=excluded.m49, "
      "name=excluded.name, region=excluded.region, un_member=excluded.un_member");
  if (!ins.ok()) return ins.status();
  for (const StateInfo& s : AllStates()) {
    ins->Bind(1, s.iso3).Bind(2, s.iso2).Bind(3, s.m49).Bind(4, s.un_name);
    ins->Bind(5, std::string(RegionCode(s.region))).Bind(6, s.un_member ? 1 : 0);
    OPENUPR_RETURN_IF_ERROR(ins->Run());
  }
  auto ses = db_->Prepare("INSERT OR REPLACE INTO session(number, cycle) VALUES (?, ?)");
  if (!ses.ok()) return ses.status();
  for (int s = kFirstSession; s <= kLastKnownSession; ++s) {
    ses->Bind(1, s).Bind(2, CycleOfSession(s));
    OPENUPR_RETURN_IF_ERROR(ses->Run());
  }
  // (A file at an older version, as migration tests make them, has no former_state table.)
  auto former = db_->Prepare(
      schema_version_ >= 8 ? "INSERT OR REPLACE INTO former_state(iso3, name, region, "
                             "successor, until) VALUES (?,?,?,?,?)"
                           : "SELECT ?, ?, ?, ?, ?");
  if (!former.ok()) return former.status();
  for (const FormerStateInfo& f : FormerStates()) {
    former->Bind(1, f.iso3).Bind(2, f.name).Bind(3, std::string(RegionCode(f.region)));
    former->Bind(4, f.successor).Bind(5, f.until);
    OPENUPR_RETURN_IF_ERROR(former->Run());
  }
  auto meta = db_->Prepare(
      "INSERT INTO meta(key, value) VALUES ('reference_digest', ?) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!meta.ok()) return meta.status();
  meta->Bind(1, ReferenceDigest());
  return meta->Run();
}

Result<Statement*> Store::Cached(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  auto stmt = db_->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  auto owned = std::make_unique<Statement>(std::move(stmt).value());
  Statement* raw = owned.get();
  statements_.emplace(sql, std::move(owned));
  return raw;
}

Result<Counts> Store::GetCounts() {
  Counts c;
  auto stmt = db_->Prepare(
      "SELECT count(*), coalesce(sum(response = 'supported'), 0), "
      "coalesce(sum(response = 'noted'), 0), coalesce(sum(response = 'other'), 0), "
      "count(DISTINCT sur), (SELECT count(*) FROM pledge), (SELECT count(*) FROM import), "
      "(SELECT count(*) FROM source_file), "
      "(SELECT count(DISTINCT state) FROM recommending_state) FROM recommendation");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  c.recommendations = stmt->Int(0);
  c.supported = stmt->Int(1);
  c.noted = stmt->Int(2);
  c.other = stmt->Int(3);
  c.states_under_review = stmt->Int(4);
  c.pledges = stmt->Int(5);
  c.imports = stmt->Int(6);
  c.source_files = stmt->Int(7);
  c.recommending_states = stmt->Int(8);
  return c;
}

Result<int64_t> Store::InsertImport(const std::string& tool, const std::string& options_json) {
  auto stmt = Cached(
      "INSERT INTO import(started_at, tool, options) "
      "VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?)");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, tool).Bind(2, options_json);
  OPENUPR_RETURN_IF_ERROR((*stmt)->Run());
  return sqlite3_last_insert_rowid(db_->handle());
}

namespace {

// The columns of a SourceFileRecord, with its import's start time; RowToSourceFile reads them.
constexpr const char* kSourceFileSelect =
    "SELECT f.id, f.import_id, f.path, f.content_hash, f.bytes, f.format, f.encoding, "
    "f.line_ends, f.rows, f.added, f.repeats, f.already_present, f.skipped, i.started_at "
    "FROM source_file f JOIN import i ON i.id = f.import_id ";

SourceFileRecord RowToSourceFile(const Statement& stmt) {
  SourceFileRecord f;
  f.id = stmt.Int(0);
  f.import_id = stmt.Int(1);
  f.path = stmt.String(2);
  f.content_hash = stmt.String(3);
  f.bytes = stmt.Int(4);
  f.format = stmt.String(5);
  f.encoding = stmt.String(6);
  f.line_ends = stmt.String(7);
  f.rows = stmt.Int(8);
  f.added = stmt.Int(9);
  f.repeats = stmt.Int(10);
  f.already_present = stmt.Int(11);
  f.skipped = stmt.Int(12);
  f.imported_at = stmt.String(13);
  return f;
}

}  // namespace

Result<std::optional<SourceFileRecord>> Store::FindSourceFileByHash(const std::string& hash) {
  auto stmt = db_->Prepare(std::string(kSourceFileSelect) + "WHERE f.content_hash = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, hash);
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<SourceFileRecord>();
  return std::optional<SourceFileRecord>(RowToSourceFile(*stmt));
}

Result<std::vector<SourceFileRecord>> Store::ListSourceFiles() {
  std::vector<SourceFileRecord> out;
  OPENUPR_RETURN_IF_ERROR(
      db_->ForEachRow(std::string(kSourceFileSelect) + "ORDER BY f.id",
                      [&out](Statement& s) { out.push_back(RowToSourceFile(s)); }));
  return out;
}

Result<Summary> Store::GetSummary() {
  ReadSnapshot snapshot(*db_);
  OPENUPR_RETURN_IF_ERROR(snapshot.Begin());
  Summary summary;
  summary.schema_version = schema_version_;
  auto counts = GetCounts();
  if (!counts.ok()) return counts.status();
  summary.counts = *counts;
  auto stmt = db_->Prepare(
      "SELECT (SELECT count(*) FROM (SELECT sur FROM recommendation UNION "
      "SELECT state FROM recommending_state WHERE state IS NOT NULL UNION "
      "SELECT state FROM pledge)), "
      "(SELECT count(*) FROM (SELECT session FROM recommendation UNION "
      "SELECT session FROM pledge)), "
      "(SELECT count(*) FROM (SELECT cycle FROM recommendation UNION SELECT cycle FROM pledge))");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  summary.states = stmt->Int(0);
  summary.sessions = stmt->Int(1);
  summary.cycles = stmt->Int(2);
  auto sources = ListSourceFiles();
  if (!sources.ok()) return sources.status();
  summary.sources = std::move(sources).value();
  return summary;
}

Result<int64_t> Store::InsertSourceFile(const SourceFileRecord& f) {
  auto stmt = Cached(
      "INSERT INTO source_file(import_id, path, content_hash, bytes, format, encoding, line_ends, "
      "rows, added, repeats, already_present, skipped) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!stmt.ok()) return stmt.status();
  Statement& s = **stmt;
  s.Bind(1, f.import_id).Bind(2, f.path).Bind(3, f.content_hash).Bind(4, f.bytes);
  s.Bind(5, f.format).Bind(6, f.encoding).Bind(7, f.line_ends).Bind(8, f.rows);
  s.Bind(9, f.added).Bind(10, f.repeats).Bind(11, f.already_present).Bind(12, f.skipped);
  OPENUPR_RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(db_->handle());
}

Result<int64_t> Store::ThemeId(const std::string& name) {
  if (theme_ids_.empty()) {
    OPENUPR_RETURN_IF_ERROR(db_->ForEachRow("SELECT id, name FROM theme", [this](Statement& s) {
      theme_ids_.emplace(s.String(1), s.Int(0));
    }));
  }
  auto it = theme_ids_.find(name);
  if (it != theme_ids_.end()) return it->second;
  auto stmt = Cached("INSERT INTO theme(name) VALUES (?) ON CONFLICT(name) DO NOTHING");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, name);
  OPENUPR_RETURN_IF_ERROR((*stmt)->Run());
  auto id = Cached("SELECT id FROM theme WHERE name = ?");
  if (!id.ok()) return id.status();
  (*id)->Bind(1, name);
  auto row = (*id)->Step();
  if (!row.ok()) return row.status();
  int64_t theme_id = (*id)->Int(0);
  (*id)->Reset();
  theme_ids_.emplace(name, theme_id);
  return theme_id;
}

Result<int64_t> Store::EnsureFullTextIndex() {
  if (full_text_index_in_memory_) return 0;
  auto max_id = db_->QueryInt("SELECT coalesce(max(id), 0) FROM recommendation");
  if (!max_id.ok()) return max_id.status();
  auto through = FullTextIndexedThrough();
  if (!through.ok()) return through.status();
  if (*through >= *max_id) return 0;
  if (sqlite3_db_readonly(db_->handle(), "main") == 1) {
    // A database this connection cannot write (a read-only file or mount) whose index is
    // behind: a whole index of this connection's own, in memory (temp_store is MEMORY), under
    // the same name. Queries name recommendation_fts without a schema, and SQLite looks in temp
    // first, so they use it unchanged. Kept for the life of the connection (imports cannot
    // change a file that cannot be written).
    OPENUPR_RETURN_IF_ERROR(db_->Exec(
        "CREATE VIRTUAL TABLE temp.recommendation_fts USING fts5(text, tokenize='openupr')"));
    OPENUPR_RETURN_IF_ERROR(db_->Exec(
        "INSERT INTO temp.recommendation_fts(rowid, text) "
        "SELECT id, text FROM main.recommendation ORDER BY id"));
    full_text_index_in_memory_ = true;
    return sqlite3_changes64(db_->handle());
  }
  auto tx = Transaction::Begin(*db_);
  if (!tx.ok()) return tx.status();
  // Another process may have caught up while this one waited for the write lock.
  through = FullTextIndexedThrough();
  if (!through.ok()) return through.status();
  max_id = db_->QueryInt("SELECT coalesce(max(id), 0) FROM recommendation");
  if (!max_id.ok()) return max_id.status();
  if (*through >= *max_id) return 0;
  auto pending = db_->Prepare("SELECT count(*) FROM recommendation WHERE id > ?");
  if (!pending.ok()) return pending.status();
  pending->Bind(1, *through);
  if (auto row = pending->Step(); !row.ok()) return row.status();
  const int64_t rows = pending->Int(0);
  if (*through == 0) {
    // Rebuilding from the content table is as fast as inserting every row and also repairs an
    // index that a tool filled behind the store's back.
    OPENUPR_RETURN_IF_ERROR(
        db_->Exec("INSERT INTO recommendation_fts(recommendation_fts) VALUES ('rebuild')"));
  } else {
    auto fill = db_->Prepare(
        "INSERT INTO recommendation_fts(rowid, text) "
        "SELECT id, text FROM recommendation WHERE id > ? ORDER BY id");
    if (!fill.ok()) return fill.status();
    fill->Bind(1, *through);
    OPENUPR_RETURN_IF_ERROR(fill->Run());
  }
  auto meta = db_->Prepare(
      "INSERT INTO meta(key, value) VALUES ('fts_indexed_through', ?) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!meta.ok()) return meta.status();
  meta->Bind(1, std::to_string(*max_id));
  OPENUPR_RETURN_IF_ERROR(meta->Run());
  OPENUPR_RETURN_IF_ERROR((*tx)->Commit());
  return rows;
}

Result<int64_t> Store::FullTextIndexedThrough() {
  return db_->QueryInt(
      "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta "
      "WHERE key = 'fts_indexed_through'), 0)");
}

Result<int64_t> Store::InsertPledge(const Pledge& p, const std::string& dup_key,
                                    const std::string& orgs, int64_t source_file_id) {
  auto stmt = Cached(
      "INSERT INTO pledge(state, session, cycle, text, dup_key, action, orgs, source_file_id, "
      "source_line, duplicate_of, uid) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  if (!stmt.ok()) return stmt.status();
  Statement& s = **stmt;
  s.Bind(1, p.state).Bind(2, p.session).Bind(3, p.cycle).Bind(4, p.text).Bind(5, dup_key);
  s.Bind(6, p.action).Bind(7, orgs).Bind(8, source_file_id).Bind(9, p.provenance.line);
  s.Bind(10, p.duplicate_of).Bind(11, p.uid);
  OPENUPR_RETURN_IF_ERROR(s.Run());
  const int64_t id = sqlite3_last_insert_rowid(db_->handle());
  auto theme = Cached("INSERT OR IGNORE INTO pledge_theme(pledge_id, theme_id) VALUES (?,?)");
  if (!theme.ok()) return theme.status();
  for (const std::string& t : p.themes) {
    auto tid = ThemeId(t);
    if (!tid.ok()) return tid.status();
    (*theme)->Bind(1, id).Bind(2, *tid);
    OPENUPR_RETURN_IF_ERROR((*theme)->Run());
  }
  return id;
}

namespace {
Result<std::unordered_map<std::string, Store::KeyInfo>> KeyCounts(Database& db,
                                                                   const char* sql) {
  std::unordered_map<std::string, Store::KeyInfo> out;
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.emplace(stmt->String(0), Store::KeyInfo{stmt->Int(1), stmt->Int(2)});
  }
  return out;
}
}  // namespace

Result<std::unordered_map<std::string, Store::KeyInfo>> Store::RecommendationKeyCounts() {
  return KeyCounts(*db_,
                   "SELECT dup_key, count(*), min(id) FROM recommendation GROUP BY dup_key");
}

Result<std::unordered_map<std::string, Store::KeyInfo>> Store::PledgeKeyCounts() {
  return KeyCounts(*db_, "SELECT dup_key, count(*), min(id) FROM pledge GROUP BY dup_key");
}

Result<Recommendation> Store::GetRecommendation(int64_t id) {
  const int64_t ids[] = {id};
  auto recs = GetRecommendations(ids);
  if (!recs.ok()) return recs.status();
  if (recs->empty()) return Status::NotFound("no recommendation with id " + std::to_string(id));
  return std::move(recs->front());
}

Result<std::optional<int64_t>> Store::FindRecommendationByUid(std::string_view uid) {
  auto stmt = Cached("SELECT id FROM recommendation WHERE uid = ?");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, uid);
  std::optional<int64_t> id;
  OPENUPR_RETURN_IF_ERROR((*stmt)->ForEachRow([&](Statement& s) { id = s.Int(0); }));
  return id;
}

Result<std::vector<Recommendation>> Store::GetRecommendations(std::span<const int64_t> ids) {
  std::vector<Recommendation> out;
  constexpr size_t kChunk = 2000;
  for (size_t begin = 0; begin < ids.size(); begin += kChunk) {
    auto chunk = ids.subspan(begin, std::min(kChunk, ids.size() - begin));
    const std::string json = JsonIds(chunk);
    std::unordered_map<int64_t, Recommendation> by_id;
    auto main = Cached(
        "SELECT r.id, r.sur, r.session, r.cycle, r.text, r.response, r.response_raw, r.action, "
        "r.sur_orgs, r.from_orgs, f.path, r.source_line, f.import_id, r.duplicate_of, r.uid, "
        "d.uid FROM recommendation r JOIN source_file f ON f.id = r.source_file_id "
        "LEFT JOIN recommendation d ON d.id = r.duplicate_of "
        "WHERE r.id IN (SELECT value FROM json_each(?))");
    if (!main.ok()) return main.status();
    Statement& s = **main;
    s.Bind(1, json);
    while (true) {
      auto row = s.Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      Recommendation r;
      r.id = s.Int(0);
      r.sur = s.String(1);
      r.session = static_cast<int>(s.Int(2));
      r.cycle = static_cast<int>(s.Int(3));
      r.text = s.String(4);
      r.response = ParseResponseCode(s.Text(5)).value_or(Response::kOther);
      r.response_raw = s.String(6);
      if (!s.IsNull(7)) r.action = static_cast<int>(s.Int(7));
      r.sur_orgs = s.String(8);
      r.from_orgs = s.String(9);
      r.provenance.source_file = s.String(10);
      r.provenance.line = s.Int(11);
      r.provenance.import_id = s.Int(12);
      if (!s.IsNull(13)) r.duplicate_of = s.Int(13);
      r.uid = s.String(14);
      if (!s.IsNull(15)) r.duplicate_of_uid = s.String(15);
      by_id.emplace(r.id, std::move(r));
    }
    s.Reset();
    auto from = Cached(
        "SELECT recommendation_id, coalesce(state, ''), raw_name FROM recommending_state "
        "WHERE recommendation_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY recommendation_id, position");
    if (!from.ok()) return from.status();
    (*from)->Bind(1, json);
    while (true) {
      auto row = (*from)->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      by_id[(*from)->Int(0)].from.push_back({(*from)->String(1), (*from)->String(2)});
    }
    (*from)->Reset();
    auto themes = Cached(
        "SELECT rt.recommendation_id, t.name FROM recommendation_theme rt "
        "JOIN theme t ON t.id = rt.theme_id "
        "WHERE rt.recommendation_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY rt.recommendation_id, t.name");
    if (!themes.ok()) return themes.status();
    (*themes)->Bind(1, json);
    while (true) {
      auto row = (*themes)->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      by_id[(*themes)->Int(0)].themes.push_back((*themes)->String(1));
    }
    (*themes)->Reset();
    auto sdgs = Cached(
        "SELECT recommendation_id, goal, target FROM recommendation_sdg "
        "WHERE recommendation_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY recommendation_id, goal, target");
    if (!sdgs.ok()) return sdgs.status();
    (*sdgs)->Bind(1, json);
    while (true) {
      auto row = (*sdgs)->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      std::string target = (*sdgs)->String(2);
      by_id[(*sdgs)->Int(0)].sdgs.push_back(target.empty() ? std::to_string((*sdgs)->Int(1))
                                                           : target);
    }
    (*sdgs)->Reset();
    // Predicted labels (store/scan.h): an action for a record without one, themes for one
    // without any, marked as predicted.
    auto predicted = Cached(
        "SELECT r.id, p.kind, p.label FROM recommendation r JOIN predicted_label p "
        "ON p.record_uid = r.uid AND p.kind IN ('action', 'theme') "
        "WHERE r.id IN (SELECT value FROM json_each(?)) "
        "ORDER BY r.id, p.kind, p.label COLLATE NOCASE");
    if (!predicted.ok()) return predicted.status();
    (*predicted)->Bind(1, json);
    std::unordered_map<int64_t, std::vector<std::string>> predicted_themes;
    while (true) {
      auto row = (*predicted)->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      auto it = by_id.find((*predicted)->Int(0));
      if (it == by_id.end()) continue;
      Recommendation& r = it->second;
      const std::string label = (*predicted)->String(2);
      if ((*predicted)->Text(1) == "theme") {
        if (r.themes.empty()) predicted_themes[r.id].push_back(label);
      } else if (!r.action && label.size() == 1 && label[0] >= '1' && label[0] <= '5') {
        r.action = label[0] - '0';
        r.action_predicted = true;
      }
    }
    (*predicted)->Reset();
    for (auto& [id, themes] : predicted_themes) {
      Recommendation& r = by_id[id];
      r.themes = std::move(themes);
      r.themes_predicted = true;
    }
    for (int64_t id : chunk) {
      auto it = by_id.find(id);
      if (it != by_id.end() && it->second.id != 0) out.push_back(std::move(it->second));
    }
  }
  return out;
}

Result<std::vector<std::string>> Store::ThemeNames() {
  std::vector<std::string> out;
  OPENUPR_RETURN_IF_ERROR(db_->ForEachRow("SELECT name FROM theme ORDER BY name",
                                          [&out](Statement& s) { out.push_back(s.String(0)); }));
  return out;
}

}  // namespace openupr::store

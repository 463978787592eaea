// The postgresql backend: the OpenUPR tables copied into PostgreSQL (COPY), a stored tsvector
// column (to_tsvector('english', text)) with a GIN index, the same B-tree indexes as the SQLite
// schema, and the statements of bench_sql.h with "$n" placeholders. Ranking: ts_rank with length
// normalisation 1 (the nearest to BM25 among PostgreSQL's built-in rankings). The vote measures
// (bench/vote_sql.h) read the vote table (keyed by resolution and state, as in SQLite) and the
// regions of state and former_state.
#include <libpq-fe.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "bench/bench_sql.h"
#include "bench/sql_backends.h"
#include "bench/vote_sql.h"
#include "store/store.h"

namespace openupr::bench {
namespace {

namespace fs = std::filesystem;

struct PgConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgConn = std::unique_ptr<PGconn, PgConnCloser>;
using PgResult = std::unique_ptr<PGresult, PgResultCloser>;

std::string Trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The tsquery of a parsed query: plain words and phrases go through the english configuration
// (stemming, stop words) like the indexed text; prefixes become "word:*".
std::string TsQuery(const search::QueryNode& node, std::vector<Param>& params) {
  using Kind = search::QueryNode::Kind;
  switch (node.kind) {
    case Kind::kTerm: {
      if (!node.prefix) {
        params.emplace_back(node.words[0]);
        return "plainto_tsquery('english', ?)";
      }
      std::string word;
      for (unsigned char c : node.words[0])
        if (std::isalnum(c) || c >= 0x80) word += static_cast<char>(c);
      params.emplace_back(word.empty() ? std::string() : word + ":*");
      return "to_tsquery('english', ?)";
    }
    case Kind::kPhrase: {
      std::string phrase;
      for (const auto& w : node.words) phrase += (phrase.empty() ? "" : " ") + w;
      params.emplace_back(phrase);
      return "phraseto_tsquery('english', ?)";
    }
    case Kind::kNot: return "!!" + TsQuery(*node.children[0], params);
    case Kind::kAnd:
    case Kind::kOr: {
      std::string s = "(";
      for (size_t i = 0; i < node.children.size(); ++i) {
        if (i) s += node.kind == Kind::kAnd ? " && " : " || ";
        s += TsQuery(*node.children[i], params);
      }
      return s + ")";
    }
  }
  return "''::tsquery";
}

std::string TsMatch(const search::QueryNode& node, std::vector<Param>& params) {
  return "r.tsv @@ " + TsQuery(node, params);
}

class PgBackend {
 public:
  explicit PgBackend(PgConn conn) : conn_(std::move(conn)) {}

  PGconn* conn() { return conn_.get(); }

  Status Exec(const std::string& sql) {
    PgResult res(PQexec(conn_.get(), sql.c_str()));
    const ExecStatusType st = PQresultStatus(res.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      return Status::Internal("PostgreSQL: " + Trimmed(PQresultErrorMessage(res.get())) +
                              " (in: " + sql.substr(0, 200) + ")");
    return Status::Ok();
  }

  Result<PgResult> Query(const SqlText& q) {
    const std::string sql = NumberPlaceholders(q.sql);
    std::vector<std::string> values;
    values.reserve(q.params.size());
    for (const Param& p : q.params)
      values.push_back(std::holds_alternative<int64_t>(p) ? std::to_string(std::get<int64_t>(p))
                                                          : std::get<std::string>(p));
    std::vector<const char*> ptrs;
    for (const std::string& v : values) ptrs.push_back(v.c_str());
    PgResult res(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(ptrs.size()), nullptr,
                              ptrs.data(), nullptr, nullptr, 0));
    if (PQresultStatus(res.get()) != PGRES_TUPLES_OK)
      return Status::Internal("PostgreSQL: " + Trimmed(PQresultErrorMessage(res.get())) +
                              " (in: " + sql.substr(0, 300) + ")");
    return res;
  }

  static int64_t Int(const PgResult& r, int row, int col) {
    return std::strtoll(PQgetvalue(r.get(), row, col), nullptr, 10);
  }

  Result<int64_t> Count(const SqlText& where) {
    auto res = Query(CountSql(where));
    if (!res.ok()) return res.status();
    return Int(*res, 0, 0);
  }

  Result<int64_t> Hits(const Selection& sel, const SqlText& where, int limit) {
    if (limit <= 0) return int64_t{0};
    auto parsed = search::ParseQuery(sel.text);
    if (!parsed.ok()) return parsed.status();
    SqlText q;
    if (parsed->root && !parsed->negated_only()) {
      auto filter = WhereSql({"", sel.filters}, TsMatch);
      if (!filter.ok()) return filter.status();
      q.sql = "SELECT r.id, ts_rank(r.tsv, q.q, 1) AS rank FROM recommendation r, (SELECT " +
              TsQuery(*parsed->root, q.params) + " AS q) AS q WHERE r.tsv @@ q.q AND " +
              filter->sql + " ORDER BY rank DESC, r.id LIMIT " + std::to_string(limit);
      q.params.insert(q.params.end(), filter->params.begin(), filter->params.end());
    } else {
      q.sql = "SELECT r.id FROM recommendation r WHERE " + where.sql + " ORDER BY r.id LIMIT " +
              std::to_string(limit);
      q.params = where.params;
    }
    auto res = Query(q);
    if (!res.ok()) return res.status();
    return static_cast<int64_t>(PQntuples(res->get()));
  }

  Result<Answer> Search(const SearchQuery& q) {
    auto where = WhereSql(q.selection, TsMatch);
    if (!where.ok()) return where.status();
    Answer a;
    auto total = Count(*where);
    if (!total.ok()) return total.status();
    a.total = *total;
    auto hits = Hits(q.selection, *where, q.limit);
    if (!hits.ok()) return hits.status();
    a.hits = *hits;
    return a;
  }

  Result<Answer> Facets(const FacetQuery& q) {
    // The total and the top hits are the search's; the facets come on top.
    auto searched = Search({q.selection, q.limit});
    if (!searched.ok()) return searched.status();
    Answer a = *searched;
    auto where = WhereSql(q.selection, TsMatch);
    if (!where.ok()) return where.status();
    for (Dimension d : q.facets) {
      auto res = Query(FacetSql(*where, d));
      if (!res.ok()) return res.status();
      for (int i = 0; i < PQntuples(res->get()); ++i) {
        ++a.rows;
        a.counted += Int(*res, i, 1);
      }
    }
    return a;
  }

  Result<Answer> GroupBy(const GroupQuery& q) {
    auto where = WhereSql(q.selection, TsMatch);
    if (!where.ok()) return where.status();
    auto res = Query(GroupSql(*where, q.by, q.limit));
    if (!res.ok()) return res.status();
    Answer a;
    const int n = static_cast<int>(q.by.size());
    for (int i = 0; i < PQntuples(res->get()); ++i) {
      ++a.rows;
      a.counted += Int(*res, i, n);
      a.supported += Int(*res, i, n + 1);
    }
    return a;
  }

  // Runs the measure's statement and reads every row of its result, typed as the measure's
  // columns are.
  Result<Answer> Compute(Measure m, bool fold) {
    auto res = Query({MeasureSql(m, Dialect::kPostgres), {}});
    if (!res.ok()) return res.status();
    const std::string_view cols = MeasureColumns(m);
    PGresult* r = res->get();
    const int n = PQntuples(r);
    if (PQnfields(r) != static_cast<int>(cols.size()))
      return Status::Internal("PostgreSQL: " + std::string(MeasureName(m)) + ": " +
                              std::to_string(PQnfields(r)) + " columns");
    Rows rows(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      std::vector<Cell>& row = rows[static_cast<size_t>(i)];
      for (int c = 0; c < static_cast<int>(cols.size()); ++c) {
        if (PQgetisnull(r, i, c)) {
          row.emplace_back();
        } else if (cols[c] == 't') {
          row.emplace_back(std::string(PQgetvalue(r, i, c), PQgetlength(r, i, c)));
        } else if (cols[c] == 'i') {
          row.emplace_back(static_cast<int64_t>(std::strtoll(PQgetvalue(r, i, c), nullptr, 10)));
        } else {
          row.emplace_back(std::strtod(PQgetvalue(r, i, c), nullptr));
        }
      }
    }
    if (!fold) return Answer{};
    return FoldRows(m, rows);
  }

 private:
  PgConn conn_;
};

// Streams rows into COPY ... FROM STDIN (text format).
class CopyIn {
 public:
  CopyIn(PgBackend& pg, const std::string& table) : pg_(pg), table_(table) {}

  Status Begin() {
    PgResult res(PQexec(pg_.conn(), ("COPY " + table_ + " FROM STDIN").c_str()));
    if (PQresultStatus(res.get()) != PGRES_COPY_IN)
      return Status::Internal("PostgreSQL: COPY " + table_ + ": " +
                              Trimmed(PQresultErrorMessage(res.get())));
    return Status::Ok();
  }
  // One field of the current row; null for SQL NULL.
  void Field(const store::Statement& s, int col) {
    if (col > 0) buf_ += '\t';
    if (s.IsNull(col)) {
      buf_ += "\\N";
      return;
    }
    for (char c : s.Text(col)) {
      switch (c) {
        case '\\': buf_ += "\\\\"; break;
        case '\t': buf_ += "\\t"; break;
        case '\n': buf_ += "\\n"; break;
        case '\r': buf_ += "\\r"; break;
        default: buf_ += c;
      }
    }
  }
  Status EndRow() {
    buf_ += '\n';
    return buf_.size() >= (1 << 20) ? Flush() : Status::Ok();
  }
  Status End() {
    OPENUPR_RETURN_IF_ERROR(Flush());
    if (PQputCopyEnd(pg_.conn(), nullptr) != 1) return Error();
    PgResult res(PQgetResult(pg_.conn()));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK)
      return Status::Internal("PostgreSQL: COPY " + table_ + ": " +
                              Trimmed(PQresultErrorMessage(res.get())));
    while (PGresult* more = PQgetResult(pg_.conn())) PQclear(more);
    return Status::Ok();
  }

 private:
  Status Flush() {
    if (buf_.empty()) return Status::Ok();
    if (PQputCopyData(pg_.conn(), buf_.data(), static_cast<int>(buf_.size())) != 1) return Error();
    buf_.clear();
    return Status::Ok();
  }
  Status Error() {
    return Status::Internal("PostgreSQL: COPY " + table_ + ": " +
                            Trimmed(PQerrorMessage(pg_.conn())));
  }
  PgBackend& pg_;
  std::string table_;
  std::string buf_;
};

Status CopyTable(PgBackend& pg, store::Database& src, const std::string& select,
                 const std::string& table) {
  auto stmt = src.Prepare(select);
  if (!stmt.ok()) return stmt.status();
  CopyIn copy(pg, table);
  OPENUPR_RETURN_IF_ERROR(copy.Begin());
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    for (int c = 0; c < stmt->ColumnCount(); ++c) copy.Field(*stmt, c);
    OPENUPR_RETURN_IF_ERROR(copy.EndRow());
  }
  return copy.End();
}

constexpr const char* kSchema = R"sql(
DROP TABLE IF EXISTS openupr_bench_meta, recommendation_theme, recommending_state, recommendation,
  theme, state, former_state, vote CASCADE;
CREATE TABLE state (iso3 text PRIMARY KEY, region text NOT NULL);
CREATE TABLE former_state (iso3 text PRIMARY KEY, region text NOT NULL);
CREATE TABLE vote (
  resolution_id bigint NOT NULL,
  state         text NOT NULL,
  vote          text NOT NULL,
  PRIMARY KEY (resolution_id, state)
);
CREATE TABLE theme (id integer PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE recommendation (
  id       bigint PRIMARY KEY,
  sur      text NOT NULL,
  session  integer NOT NULL,
  cycle    integer NOT NULL,
  response text NOT NULL,
  action   integer,
  text     text NOT NULL,
  tsv      tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED
);
CREATE TABLE recommending_state (
  recommendation_id bigint NOT NULL,
  position          integer NOT NULL,
  state             text,
  PRIMARY KEY (recommendation_id, position)
);
CREATE TABLE recommendation_theme (
  recommendation_id bigint NOT NULL,
  theme_id          integer NOT NULL,
  PRIMARY KEY (recommendation_id, theme_id)
);
CREATE TABLE openupr_bench_meta (fingerprint text NOT NULL);
)sql";

// The same secondary indexes as the SQLite schema, plus the GIN index over the tsvector.
constexpr const char* kIndexes = R"sql(
CREATE INDEX recommendation_tsv ON recommendation USING gin (tsv);
CREATE INDEX recommendation_sur_session ON recommendation (sur, session);
CREATE INDEX recommending_state_state ON recommending_state (state);
CREATE INDEX recommendation_theme_theme ON recommendation_theme (theme_id);
)sql";

Result<std::string> Fingerprint(const std::string& db_path, store::Database& src) {
  std::error_code ec;
  const auto size = fs::file_size(db_path, ec);
  if (ec) return Status::Io(db_path + ": " + ec.message());
  const auto mtime = fs::last_write_time(db_path, ec).time_since_epoch().count();
  auto records = src.QueryInt("SELECT count(*) FROM recommendation");
  if (!records.ok()) return records.status();
  auto votes = src.QueryInt("SELECT count(*) FROM vote");
  if (!votes.ok()) return votes.status();
  return fs::absolute(db_path).string() + "|" + std::to_string(size) + "|" + std::to_string(mtime) +
         "|" + std::to_string(*records) + "|" + std::to_string(*votes);
}

Status Load(PgBackend& pg, const std::string& db_path,
            const std::function<void(const std::string&)>& log) {
  auto store = store::Store::Open(db_path, store::OpenMode::kExisting);
  if (!store.ok()) return store.status();
  store::Database& src = (*store)->db();
  auto fingerprint = Fingerprint(db_path, src);
  if (!fingerprint.ok()) return fingerprint.status();
  {
    PgResult res(PQexec(pg.conn(), "SELECT fingerprint FROM openupr_bench_meta"));
    if (PQresultStatus(res.get()) == PGRES_TUPLES_OK && PQntuples(res.get()) == 1 &&
        *fingerprint == PQgetvalue(res.get(), 0, 0)) {
      log("postgresql: reusing the tables already loaded from " + db_path);
      return Status::Ok();
    }
  }
  log("postgresql: loading " + db_path + " (COPY, tsvector, GIN index, ANALYZE)...");
  const auto start = std::chrono::steady_clock::now();
  OPENUPR_RETURN_IF_ERROR(pg.Exec("SET client_min_messages = warning"));
  OPENUPR_RETURN_IF_ERROR(pg.Exec("SET maintenance_work_mem = '1GB'"));
  OPENUPR_RETURN_IF_ERROR(pg.Exec("SET synchronous_commit = off"));
  OPENUPR_RETURN_IF_ERROR(pg.Exec("BEGIN"));
  OPENUPR_RETURN_IF_ERROR(pg.Exec(kSchema));
  OPENUPR_RETURN_IF_ERROR(CopyTable(pg, src, "SELECT iso3, region FROM state", "state"));
  OPENUPR_RETURN_IF_ERROR(CopyTable(pg, src, "SELECT id, name FROM theme", "theme"));
  OPENUPR_RETURN_IF_ERROR(
      CopyTable(pg, src, "SELECT iso3, region FROM former_state", "former_state"));
  OPENUPR_RETURN_IF_ERROR(
      CopyTable(pg, src, "SELECT resolution_id, state, vote FROM vote", "vote"));
  OPENUPR_RETURN_IF_ERROR(CopyTable(
      pg, src, "SELECT id, sur, session, cycle, response, action, text FROM recommendation",
      "recommendation(id, sur, session, cycle, response, action, text)"));
  OPENUPR_RETURN_IF_ERROR(CopyTable(
      pg, src, "SELECT recommendation_id, position, state FROM recommending_state",
      "recommending_state"));
  OPENUPR_RETURN_IF_ERROR(CopyTable(
      pg, src, "SELECT recommendation_id, theme_id FROM recommendation_theme",
      "recommendation_theme"));
  const double copy_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  OPENUPR_RETURN_IF_ERROR(pg.Exec(kIndexes));
  OPENUPR_RETURN_IF_ERROR(pg.Exec("COMMIT"));
  // VACUUM sets the visibility map (index-only scans) and ANALYZE the planner's statistics, as
  // autovacuum would soon after a bulk load.
  OPENUPR_RETURN_IF_ERROR(pg.Exec("VACUUM ANALYZE"));
  SqlText meta{"INSERT INTO openupr_bench_meta(fingerprint) VALUES (?)", {*fingerprint}};
  PgResult res(PQexecParams(pg.conn(), NumberPlaceholders(meta.sql).c_str(), 1, nullptr,
                            std::vector<const char*>{fingerprint->c_str()}.data(), nullptr,
                            nullptr, 0));
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK)
    return Status::Internal("PostgreSQL: " + Trimmed(PQresultErrorMessage(res.get())));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char line[160];
  std::snprintf(line, sizeof line,
                "postgresql: loaded in %.1f s (COPY with to_tsvector %.1f s, indexes and "
                "VACUUM ANALYZE %.1f s)",
                seconds, copy_seconds, seconds - copy_seconds);
  log(line);
  return Status::Ok();
}

void IgnoreNotice(void*, const char*) {}

}  // namespace

bool HavePostgres() { return true; }

Result<Backend> MakePostgresBackend(const std::string& conninfo, const std::string& db_path,
                                    const std::function<void(const std::string&)>& log) {
  // A keyword/value string gets a short connect timeout unless it sets one; a URI is kept as is.
  std::string info = conninfo;
  if (info.rfind("postgres", 0) != 0 && info.find("connect_timeout") == std::string::npos)
    info += " connect_timeout=5";
  PgConn conn(PQconnectdb(info.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK)
    return Status::Io("no PostgreSQL server at '" + conninfo +
                      "': " + Trimmed(conn ? PQerrorMessage(conn.get()) : "out of memory"));
  PQsetNoticeProcessor(conn.get(), IgnoreNotice, nullptr);
  auto impl = std::make_shared<PgBackend>(std::move(conn));
  OPENUPR_RETURN_IF_ERROR(Load(*impl, db_path, log));
  Backend b;
  b.name = "postgresql";
  b.search = [impl](const SearchQuery& q) { return impl->Search(q); };
  b.facets = [impl](const FacetQuery& q) { return impl->Facets(q); };
  b.group_by = [impl](const GroupQuery& q) { return impl->GroupBy(q); };
  b.measure = [impl](Measure m, bool fold) { return impl->Compute(m, fold); };
  return b;
}

}  // namespace openupr::bench

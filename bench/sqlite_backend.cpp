// The sqlite-fts5 backend: the statements of search::SqlSearch (without snippets) and of
// analytics::ComputeStats, and the measures of bench/vote_sql.h, run on the OpenUPR database
// itself.
#include <memory>

#include "bench/bench_sql.h"
#include "bench/sql_backends.h"
#include "bench/vote_sql.h"
#include "store/store.h"

namespace openupr::bench {
namespace {

// The FTS5 condition of ComputeStats: the record is among the index's matches.
std::string Fts5Match(const search::QueryNode& node, std::vector<Param>& params) {
  params.emplace_back(search::ToFts5(node));
  return "r.id IN (SELECT rowid FROM recommendation_fts WHERE recommendation_fts MATCH ?)";
}

class SqliteBackend {
 public:
  explicit SqliteBackend(std::unique_ptr<store::Store> store) : store_(std::move(store)) {}

  // Runs sql and calls on_row for each row. A failing FTS5 match is the query's fault.
  template <typename F>
  Status Run(const SqlText& q, F&& on_row) {
    auto stmt = store_->db().Prepare(q.sql);
    if (!stmt.ok()) return stmt.status();
    int i = 1;
    for (const Param& p : q.params) {
      if (std::holds_alternative<int64_t>(p)) {
        stmt->Bind(i++, std::get<int64_t>(p));
      } else {
        stmt->Bind(i++, std::get<std::string>(p));
      }
    }
    return stmt->ForEachRow(on_row);
  }

  // How many records the selection holds. Without filters, FTS5 counts its matches alone
  // (30x faster than through the join at 1M records, as a user who knows SQLite would write it).
  Result<int64_t> Count(const Selection& sel, const SqlText& where) {
    SqlText q = CountSql(where);
    if (sel.filters.empty()) {
      auto parsed = search::ParseQuery(sel.text);
      if (!parsed.ok()) return parsed.status();
      if (parsed->root && !parsed->negated_only())
        q = {"SELECT count(*) FROM recommendation_fts WHERE recommendation_fts MATCH ?",
             {search::ToFts5(*parsed->root)}};
    }
    int64_t n = 0;
    OPENUPR_RETURN_IF_ERROR(Run(q, [&](store::Statement& s) { n = s.Int(0); }));
    return n;
  }

  // The best `limit` hits of the selection, as SqlSearch orders them: BM25, then id; by id when
  // there is no positive text query.
  Result<int64_t> Hits(const Selection& sel, const SqlText& where, int limit) {
    if (limit <= 0) return int64_t{0};
    auto parsed = search::ParseQuery(sel.text);
    if (!parsed.ok()) return parsed.status();
    SqlText q;
    if (parsed->root && !parsed->negated_only()) {
      auto filter = WhereSql({"", sel.filters}, Fts5Match);
      if (!filter.ok()) return filter.status();
      q.sql = "SELECT r.id, bm25(recommendation_fts) FROM recommendation_fts JOIN recommendation r "
              "ON r.id = recommendation_fts.rowid WHERE recommendation_fts MATCH ? AND " +
              filter->sql + " ORDER BY bm25(recommendation_fts), r.id LIMIT " +
              std::to_string(limit);
      q.params.emplace_back(search::ToFts5(*parsed->root));
      q.params.insert(q.params.end(), filter->params.begin(), filter->params.end());
    } else {
      q.sql = "SELECT r.id FROM recommendation r WHERE " + where.sql + " ORDER BY r.id LIMIT " +
              std::to_string(limit);
      q.params = where.params;
    }
    int64_t n = 0;
    OPENUPR_RETURN_IF_ERROR(Run(q, [&](store::Statement&) { ++n; }));
    return n;
  }

  Result<Answer> Search(const SearchQuery& q) {
    auto where = WhereSql(q.selection, Fts5Match);
    if (!where.ok()) return where.status();
    Answer a;
    auto total = Count(q.selection, *where);
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
    auto where = WhereSql(q.selection, Fts5Match);
    if (!where.ok()) return where.status();
    for (Dimension d : q.facets) {
      OPENUPR_RETURN_IF_ERROR(Run(FacetSql(*where, d), [&](store::Statement& s) {
        ++a.rows;
        a.counted += s.Int(1);
      }));
    }
    return a;
  }

  Result<Answer> GroupBy(const GroupQuery& q) {
    auto where = WhereSql(q.selection, Fts5Match);
    if (!where.ok()) return where.status();
    Answer a;
    const int n = static_cast<int>(q.by.size());
    OPENUPR_RETURN_IF_ERROR(Run(GroupSql(*where, q.by, q.limit), [&](store::Statement& s) {
      ++a.rows;
      a.counted += s.Int(n);
      a.supported += s.Int(n + 1);
    }));
    return a;
  }

  // Runs the measure's statement and reads every row of its result (what a client would get).
  Result<Answer> Compute(Measure m, bool fold) {
    Rows rows;
    OPENUPR_RETURN_IF_ERROR(Run({MeasureSql(m, Dialect::kSqlite), {}}, [&](store::Statement& s) {
      std::vector<Cell>& row = rows.emplace_back();
      for (int c = 0; c < s.ColumnCount(); ++c) {
        switch (sqlite3_column_type(s.handle(), c)) {
          case SQLITE_NULL:
            row.emplace_back();
            break;
          case SQLITE_INTEGER:
            row.emplace_back(s.Int(c));
            break;
          case SQLITE_FLOAT:
            row.emplace_back(s.Double(c));
            break;
          default:
            row.emplace_back(s.String(c));
        }
      }
    }));
    if (!fold) return Answer{};
    return FoldRows(m, rows);
  }

 private:
  std::unique_ptr<store::Store> store_;
};

}  // namespace

Result<Backend> MakeSqliteBackend(const std::string& db_path) {
  auto store = store::Store::Open(db_path, store::OpenMode::kExisting);
  if (!store.ok()) return store.status();
  // Imports leave the full-text index to the first query: build it before any timing.
  if (auto indexed = (*store)->EnsureFullTextIndex(); !indexed.ok()) return indexed.status();
  auto impl = std::make_shared<SqliteBackend>(std::move(store).value());
  Backend b;
  b.name = "sqlite-fts5";
  b.search = [impl](const SearchQuery& q) { return impl->Search(q); };
  b.facets = [impl](const FacetQuery& q) { return impl->Facets(q); };
  b.group_by = [impl](const GroupQuery& q) { return impl->GroupBy(q); };
  b.measure = [impl](Measure m, bool fold) { return impl->Compute(m, fold); };
  return b;
}

}  // namespace openupr::bench

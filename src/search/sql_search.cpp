#include "search/sql_search.h"

#include "core/text.h"
#include "search/query.h"
#include "store/filter_sql.h"

namespace openupr::search {

Status ValidateFilters(store::Store& store, Filters& filters) {
  if (filters.themes.empty()) return Status::Ok();
  auto names = store.ThemeNames();
  if (!names.ok()) return names.status();
  for (std::string& t : filters.themes) {
    const std::string folded = FoldText(t);
    bool found = false;
    for (const std::string& n : *names) {
      if (FoldText(n) == folded) {
        t = n;
        found = true;
        break;
      }
    }
    if (!found) {
      std::string known;
      for (const std::string& n : *names) known += (known.empty() ? "" : "; ") + n;
      return Status::InvalidArgument("--theme '" + t + "': unknown theme; expected one of: " +
                                     (known.empty() ? "(no themes imported yet)" : known));
    }
  }
  return Status::Ok();
}

Result<SearchResponse> SqlSearch(store::Store& store, const SearchRequest& req) {
  auto parsed = ParseQuery(req.query);
  if (!parsed.ok()) return parsed.status();
  if (parsed->root) {
    auto indexed = store.EnsureFullTextIndex();
    if (!indexed.ok()) return indexed.status();
  }
  const store::SqlCondition cond = store::FilterCondition(req.filters);
  const std::string limit = " LIMIT " + std::to_string(req.limit > 0 ? req.limit : -1) +
                            " OFFSET " + std::to_string(std::max<int64_t>(req.offset, 0));
  std::string count_sql, select_sql;
  std::string match;
  const std::string marks = "char(2), char(3)";
  const std::string whole_text = req.snippets ? "r.text" : "''";
  if (!parsed->root) {
    count_sql = "SELECT count(*) FROM recommendation r WHERE " + cond.sql;
    select_sql = "SELECT r.id, 0.0, " + whole_text + " FROM recommendation r WHERE " + cond.sql +
                 " ORDER BY r.id" + limit;
  } else if (parsed->negated_only()) {
    match = ToFts5(*parsed->root);
    const std::string where =
        "r.id NOT IN (SELECT rowid FROM recommendation_fts WHERE recommendation_fts MATCH ?) "
        "AND " + cond.sql;
    count_sql = "SELECT count(*) FROM recommendation r WHERE " + where;
    select_sql = "SELECT r.id, 0.0, " + whole_text + " FROM recommendation r WHERE " + where +
                 " ORDER BY r.id" + limit;
  } else {
    match = ToFts5(*parsed->root);
    const std::string from =
        " FROM recommendation_fts JOIN recommendation r ON r.id = recommendation_fts.rowid "
        "WHERE recommendation_fts MATCH ? AND " + cond.sql;
    count_sql = "SELECT count(*)" + from;
    const std::string snippet =
        req.snippets ? "snippet(recommendation_fts, 0, " + marks + ", '…', 32)" : "''";
    select_sql = "SELECT r.id, -bm25(recommendation_fts), " + snippet + from +
                 " ORDER BY bm25(recommendation_fts), r.id" + limit;
  }
  auto run_error = [&](const Status& st) -> Status {
    // Whatever FTS5 still refuses is the query's fault, not ours.
    if (!match.empty() && st.code() == StatusCode::kInternal)
      return Status::InvalidArgument("query '" + req.query + "' cannot be searched: " +
                                     st.message());
    return st;
  };
  SearchResponse resp;
  {
    auto stmt = store.db().Prepare(count_sql);
    if (!stmt.ok()) return stmt.status();
    int i = 1;
    if (!match.empty()) stmt->Bind(i++, match);
    cond.BindTo(*stmt, i);
    auto row = stmt->Step();
    if (!row.ok()) return run_error(row.status());
    resp.total = stmt->Int(0);
  }
  auto stmt = store.db().Prepare(select_sql);
  if (!stmt.ok()) return stmt.status();
  int i = 1;
  if (!match.empty()) stmt->Bind(i++, match);
  cond.BindTo(*stmt, i);
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return run_error(row.status());
    if (!*row) break;
    resp.hits.push_back({stmt->Int(0), stmt->Double(1), stmt->String(2)});
  }
  return resp;
}

std::string RenderSnippet(const std::string& snippet, const std::string& begin,
                          const std::string& end) {
  std::string out;
  out.reserve(snippet.size() + 16);
  for (char c : snippet) {
    if (c == kMarkBegin) {
      out += begin;
    } else if (c == kMarkEnd) {
      out += end;
    } else {
      out += c;
    }
  }
  return out;
}

std::string RenderSnippetHtml(const std::string& snippet) {
  std::string out;
  out.reserve(snippet.size() + 32);
  for (char c : snippet) {
    switch (c) {
      case kMarkBegin: out += "<mark>"; break;
      case kMarkEnd: out += "</mark>"; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace openupr::search

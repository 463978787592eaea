#include "search/pledge_search.h"

#include <algorithm>
#include <map>
#include <type_traits>
#include <unordered_map>
#include <variant>

#include "search/query.h"
#include "search/sql_search.h"

namespace openupr::search {
namespace {

// Builds or rebuilds this connection's temp.pledge_fts when it does not match the pledge table.
// Pledges are only ever added (imports append; nothing deletes them), so count and highest id
// tell whether the index is current.
Status EnsurePledgeIndex(store::Database& db) {
  auto exists = db.QueryInt(
      "SELECT count(*) FROM temp.sqlite_master WHERE name = 'pledge_fts' AND type = 'table'");
  if (!exists.ok()) return exists.status();
  // Two numbers of a one-row query; the statement is finished before anything else runs (DROP
  // TABLE fails while a statement of the connection is active).
  auto pair = [&db](const char* sql) -> Result<std::pair<int64_t, int64_t>> {
    auto stmt = db.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    if (auto row = stmt->Step(); !row.ok()) return row.status();
    return std::pair{stmt->Int(0), stmt->Int(1)};
  };
  auto stored = pair("SELECT count(*), coalesce(max(id), 0) FROM main.pledge");
  if (!stored.ok()) return stored.status();
  if (*exists) {
    auto indexed = pair("SELECT count(*), coalesce(max(rowid), 0) FROM temp.pledge_fts");
    if (!indexed.ok()) return indexed.status();
    if (*indexed == *stored) return Status::Ok();
    OPENUPR_RETURN_IF_ERROR(db.Exec("DROP TABLE temp.pledge_fts"));
  }
  OPENUPR_RETURN_IF_ERROR(
      db.Exec("CREATE VIRTUAL TABLE temp.pledge_fts USING fts5(text, tokenize='openupr')"));
  return db.Exec(
      "INSERT INTO temp.pledge_fts(rowid, text) SELECT id, text FROM main.pledge ORDER BY id");
}

struct Condition {
  std::string sql = "1";
  std::vector<std::variant<int64_t, std::string>> binds;

  void In(const std::string& column, const auto& values) {
    if (values.empty()) return;
    sql += " AND " + column + " IN (";
    for (size_t i = 0; i < values.size(); ++i) {
      sql += i ? ",?" : "?";
      if constexpr (std::is_same_v<std::decay_t<decltype(values[i])>, int>) {
        binds.emplace_back(static_cast<int64_t>(values[i]));
      } else {
        binds.emplace_back(std::string(values[i]));
      }
    }
    sql += ")";
  }
  int Bind(store::Statement& s, int i) const {
    for (const auto& b : binds) {
      if (const auto* n = std::get_if<int64_t>(&b)) {
        s.Bind(i++, *n);
      } else {
        s.Bind(i++, std::get<std::string>(b));
      }
    }
    return i;
  }
};

Status Unsupported(std::string_view field) {
  return Status::InvalidArgument(std::string(field) +
                                 ": pledges are filtered by state, session, cycle and theme only");
}

Result<Condition> PledgeCondition(const Filters& f) {
  if (!f.from.empty()) return Unsupported("from");
  if (!f.from_region.empty()) return Unsupported("from-region");
  if (!f.responses.empty()) return Unsupported("response");
  if (!f.sur_orgs.empty() || !f.from_orgs.empty()) return Unsupported("organisation");
  if (!f.sdgs.empty()) return Unsupported("sdg");
  if (!f.sur_region.empty()) return Unsupported("region");
  if (!f.actions.empty()) return Unsupported("action");
  Condition c;
  c.In("p.state", f.sur);
  c.In("p.session", f.sessions);
  c.In("p.cycle", f.cycles);
  if (!f.themes.empty()) {
    c.sql +=
        " AND p.id IN (SELECT pt.pledge_id FROM pledge_theme pt JOIN theme t ON "
        "t.id = pt.theme_id WHERE t.name IN (";
    for (size_t i = 0; i < f.themes.size(); ++i) {
      c.sql += i ? ",?" : "?";
      c.binds.emplace_back(f.themes[i]);
    }
    c.sql += "))";
  }
  return c;
}

constexpr const char* kPledgeColumns =
    "p.id, p.uid, p.state, p.session, p.cycle, p.text, p.action, f.path, p.source_line, "
    "f.import_id, p.duplicate_of";

Pledge ReadPledge(store::Statement& s) {
  Pledge p;
  p.id = s.Int(0);
  p.uid = s.String(1);
  p.state = s.String(2);
  p.session = static_cast<int>(s.Int(3));
  p.cycle = static_cast<int>(s.Int(4));
  p.text = s.String(5);
  if (!s.IsNull(6)) p.action = static_cast<int>(s.Int(6));
  p.provenance.source_file = s.String(7);
  p.provenance.line = s.Int(8);
  p.provenance.import_id = s.Int(9);
  if (!s.IsNull(10)) p.duplicate_of = s.Int(10);
  return p;
}

// Fills the themes of the given pledges (by id).
Status AddThemes(store::Database& db, std::vector<Pledge*> pledges) {
  if (pledges.empty()) return Status::Ok();
  std::unordered_map<int64_t, Pledge*> by_id;
  std::string ids;
  for (Pledge* p : pledges) {
    by_id[p->id] = p;
    ids += (ids.empty() ? "" : ",") + std::to_string(p->id);
  }
  return db.ForEachRow(
      "SELECT pt.pledge_id, t.name FROM pledge_theme pt JOIN theme t ON t.id = pt.theme_id "
      "WHERE pt.pledge_id IN (" +
          ids + ") ORDER BY pt.pledge_id, t.name",
      [&](store::Statement& s) { by_id[s.Int(0)]->themes.push_back(s.String(1)); });
}

}  // namespace

Result<PledgeSearchResponse> SearchPledges(store::Store& store, const PledgeRequest& req) {
  auto parsed = ParseQuery(req.query);
  if (!parsed.ok()) return parsed.status();
  auto cond = PledgeCondition(req.filters);
  if (!cond.ok()) return cond.status();
  store::Database& db = store.db();
  if (parsed->root) OPENUPR_RETURN_IF_ERROR(EnsurePledgeIndex(db));

  // The matching ids with score and snippet, in result order; then counts and the page.
  std::string from = " FROM pledge p JOIN source_file f ON f.id = p.source_file_id";
  std::string match;
  std::string select;
  if (!parsed->root) {
    select = "SELECT p.id, 0.0, p.text, p.session" + from + " WHERE " + cond->sql +
             " ORDER BY p.state, p.session, p.id";
  } else if (parsed->negated_only()) {
    match = ToFts5(*parsed->root);
    select = "SELECT p.id, 0.0, p.text, p.session" + from +
             " WHERE p.id NOT IN (SELECT rowid FROM temp.pledge_fts WHERE pledge_fts MATCH ?) "
             "AND " +
             cond->sql + " ORDER BY p.state, p.session, p.id";
  } else {
    match = ToFts5(*parsed->root);
    select =
        "SELECT p.id, -bm25(pledge_fts), snippet(pledge_fts, 0, char(2), char(3), '…', 32), "
        "p.session FROM temp.pledge_fts JOIN pledge p ON p.id = pledge_fts.rowid "
        "JOIN source_file f ON f.id = p.source_file_id WHERE pledge_fts MATCH ? AND " +
        cond->sql + " ORDER BY bm25(pledge_fts), p.id";
  }
  auto stmt = db.Prepare(select);
  if (!stmt.ok()) return stmt.status();
  int i = 1;
  if (!match.empty()) stmt->Bind(i++, match);
  cond->Bind(*stmt, i);
  PledgeSearchResponse out;
  std::vector<PledgeHit> page;
  std::map<int, int64_t> sessions;
  const int64_t offset = std::max<int64_t>(req.offset, 0);
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) {
      if (!match.empty() && row.status().code() == StatusCode::kInternal)
        return Status::InvalidArgument("query '" + req.query +
                                       "' cannot be searched: " + row.status().message());
      return row.status();
    }
    if (!*row) break;
    const int64_t n = out.total++;
    ++sessions[static_cast<int>(stmt->Int(3))];
    if (n < offset || (req.limit > 0 && n >= offset + req.limit)) continue;
    PledgeHit h;
    h.pledge.id = stmt->Int(0);
    h.score = stmt->Double(1);
    h.snippet = stmt->String(2);
    page.push_back(std::move(h));
  }
  out.sessions.assign(sessions.begin(), sessions.end());
  if (page.empty()) return out;
  std::string ids;
  for (const PledgeHit& h : page) ids += (ids.empty() ? "" : ",") + std::to_string(h.pledge.id);
  std::unordered_map<int64_t, Pledge> by_id;
  OPENUPR_RETURN_IF_ERROR(
      db.ForEachRow(std::string("SELECT ") + kPledgeColumns + from + " WHERE p.id IN (" + ids + ")",
                    [&](store::Statement& s) {
                      Pledge p = ReadPledge(s);
                      by_id.emplace(p.id, std::move(p));
                    }));
  for (PledgeHit& h : page) {
    auto it = by_id.find(h.pledge.id);
    if (it == by_id.end()) continue;
    h.pledge = std::move(it->second);
    out.hits.push_back(std::move(h));
  }
  std::vector<Pledge*> pledges;
  for (PledgeHit& h : out.hits) pledges.push_back(&h.pledge);
  OPENUPR_RETURN_IF_ERROR(AddThemes(db, pledges));
  return out;
}

Result<std::optional<Pledge>> FindPledge(store::Store& store, std::string_view uid) {
  auto stmt = store.db().Prepare(std::string("SELECT ") + kPledgeColumns +
                                 " FROM pledge p JOIN source_file f ON f.id = p.source_file_id "
                                 "WHERE p.uid = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, std::string(uid));
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<Pledge>();
  Pledge p = ReadPledge(*stmt);
  OPENUPR_RETURN_IF_ERROR(AddThemes(store.db(), {&p}));
  return std::optional<Pledge>(std::move(p));
}

}  // namespace openupr::search

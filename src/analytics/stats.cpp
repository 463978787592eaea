#include "analytics/stats.h"

#include <algorithm>
#include <set>

#include "analytics/selection_sql.h"
#include "core/text.h"
#include "search/query.h"

namespace openupr::analytics {
namespace {

const std::string kActionKeySqlText =
    std::string("coalesce(CAST(") + store::kActionSql + " AS TEXT), 'unknown')";
const char* const kActionKeySql = kActionKeySqlText.c_str();

struct DimSql {
  const char* expr;  // key expression
  bool needs_from;   // joins recommending_state rf (+ state fst)
  bool needs_theme;  // joins recommendation_theme + theme th
  bool numeric;
};

DimSql SqlOf(Dimension d) {
  switch (d) {
    case Dimension::kSur: return {"r.sur", false, false, false};
    case Dimension::kFrom: return {"coalesce(rf.state, 'unknown')", true, false, false};
    case Dimension::kSurRegion:
      return {"(SELECT region FROM state WHERE iso3 = r.sur)", false, false, false};
    case Dimension::kFromRegion: return {"coalesce(fst.region, 'unknown')", true, false, false};
    case Dimension::kSession: return {"r.session", false, false, true};
    case Dimension::kCycle: return {"r.cycle", false, false, true};
    case Dimension::kResponse: return {"r.response", false, false, false};
    // The action and themes a record counts under: the source's, else the predicted ones.
    case Dimension::kAction:
      return {kActionKeySql, false, false, false};
    case Dimension::kTheme:
      return {store::kThemeNameSql, false, true, false};
  }
  return {"NULL", false, false, false};
}

}  // namespace

namespace internal {

Result<SelectionSql> MakeSelectionSql(store::Store& store, const std::string& query,
                                      const Filters& filters) {
  auto parsed = search::ParseQuery(query);
  if (!parsed.ok()) return parsed.status();
  SelectionSql sel;
  sel.query = query;
  sel.filter = store::FilterCondition(filters);
  sel.where = sel.filter.sql;
  if (parsed->root) {
    auto indexed = store.EnsureFullTextIndex();
    if (!indexed.ok()) return indexed.status();
    sel.match = search::ToFts5(*parsed->root);
    sel.where = std::string("r.id ") + (parsed->negated_only() ? "NOT " : "") +
                "IN (SELECT rowid FROM recommendation_fts WHERE recommendation_fts MATCH ?) AND " +
                sel.where;
  }
  return sel;
}

Status SelectionSql::Run(store::Store& store, const std::string& sql,
                         const std::function<void(store::Statement&)>& on_row) const {
  auto stmt = store.db().Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  int i = 1;
  if (!match.empty()) stmt->Bind(i++, match);
  filter.BindTo(*stmt, i);
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) {
      if (!match.empty() && row.status().code() == StatusCode::kInternal)
        return Status::InvalidArgument("query '" + query + "': " + row.status().message());
      return row.status();
    }
    if (!*row) break;
    on_row(*stmt);
  }
  return Status::Ok();
}

}  // namespace internal

std::optional<Dimension> ParseDimension(std::string_view name) {
  const std::string n = FoldText(name);
  if (n == "sur") return Dimension::kSur;
  if (n == "from") return Dimension::kFrom;
  if (n == "region" || n == "sur-region") return Dimension::kSurRegion;
  if (n == "from-region") return Dimension::kFromRegion;
  if (n == "session") return Dimension::kSession;
  if (n == "cycle") return Dimension::kCycle;
  if (n == "response") return Dimension::kResponse;
  if (n == "action") return Dimension::kAction;
  if (n == "theme") return Dimension::kTheme;
  return std::nullopt;
}

std::string_view DimensionName(Dimension d) {
  switch (d) {
    case Dimension::kSur: return "sur";
    case Dimension::kFrom: return "from";
    case Dimension::kSurRegion: return "sur-region";
    case Dimension::kFromRegion: return "from-region";
    case Dimension::kSession: return "session";
    case Dimension::kCycle: return "cycle";
    case Dimension::kResponse: return "response";
    case Dimension::kAction: return "action";
    case Dimension::kTheme: return "theme";
  }
  return "";
}

Result<StatsResult> ComputeStats(store::Store& store, const StatsRequest& req) {
  if (req.by.size() > 3)
    return Status::InvalidArgument("--by: at most 3 dimensions, got " +
                                   std::to_string(req.by.size()));
  std::set<Dimension> seen(req.by.begin(), req.by.end());
  if (seen.size() != req.by.size())
    return Status::InvalidArgument("--by: a dimension is repeated");
  auto sel = internal::MakeSelectionSql(store, req.query, req.filters);
  if (!sel.ok()) return sel.status();
  const std::string& where = sel->where;
  bool needs_from = false, needs_theme = false;
  std::string keys;
  for (size_t i = 0; i < req.by.size(); ++i) {
    DimSql d = SqlOf(req.by[i]);
    needs_from |= d.needs_from;
    needs_theme |= d.needs_theme;
    keys += ", " + std::string(d.expr) + " AS k" + std::to_string(i);
  }
  std::string joins;
  if (needs_from)
    joins += " LEFT JOIN recommending_state rf ON rf.recommendation_id = r.id"
             " LEFT JOIN state fst ON fst.iso3 = rf.state";
  if (needs_theme) joins += store::kThemeJoinSql;
  // DISTINCT per (recommendation, keys) so that multi-valued joins never double-count.
  const std::string inner =
      "SELECT DISTINCT r.id, r.response" + keys + " FROM recommendation r" + joins + " WHERE " +
      (needs_theme ? std::string(store::kThemeJoinHasRowSql) + " AND " : std::string()) + where;
  std::string group_keys;
  for (size_t i = 0; i < req.by.size(); ++i) group_keys += (i ? ", k" : "k") + std::to_string(i);
  const std::string counts =
      "count(*), sum(response = 'supported'), sum(response = 'noted'), sum(response = 'other')";
  auto run = [&](const std::string& sql, auto&& on_row) -> Status {
    return sel->Run(store, sql, on_row);
  };
  auto fill = [](store::Statement& s, int first, StatsRow& row) {
    row.count = s.Int(first);
    row.supported = s.Int(first + 1);
    row.noted = s.Int(first + 2);
    row.other = s.Int(first + 3);
  };

  StatsResult result;
  result.by = req.by;
  OPENUPR_RETURN_IF_ERROR(run("SELECT " + counts + ", coalesce(sum(" + store::kPredictedSql +
                                  "), 0) FROM recommendation r WHERE " + where,
                              [&](store::Statement& s) {
                                fill(s, 0, result.total);
                                result.predicted = s.Int(4);
                              }));
  if (req.by.empty()) return result;
  OPENUPR_RETURN_IF_ERROR(run("SELECT " + group_keys + ", " + counts + " FROM (" + inner +
                                  ") GROUP BY " + group_keys,
                              [&](store::Statement& s) {
                                StatsRow row;
                                for (size_t i = 0; i < req.by.size(); ++i)
                                  row.keys.push_back(s.String(static_cast<int>(i)));
                                fill(s, static_cast<int>(req.by.size()), row);
                                result.rows.push_back(std::move(row));
                              }));
  // Numbers sort as numbers; everything else as text.
  auto key_less = [&](const StatsRow& a, const StatsRow& b) {
    for (size_t i = 0; i < req.by.size(); ++i) {
      if (a.keys[i] == b.keys[i]) continue;
      if (SqlOf(req.by[i]).numeric) return std::stoll(a.keys[i]) < std::stoll(b.keys[i]);
      return a.keys[i] < b.keys[i];
    }
    return false;
  };
  std::sort(result.rows.begin(), result.rows.end(), [&](const StatsRow& a, const StatsRow& b) {
    if (!req.sort_by_key && a.count != b.count) return a.count > b.count;
    return key_less(a, b);
  });
  if (req.limit > 0 && static_cast<int64_t>(result.rows.size()) > req.limit)
    result.rows.resize(static_cast<size_t>(req.limit));
  return result;
}

bool HasFilterOn(const Filters& f, Dimension field) {
  switch (field) {
    case Dimension::kSur: return !f.sur.empty();
    case Dimension::kFrom: return !f.from.empty() || f.from_unknown;
    case Dimension::kSurRegion: return !f.sur_region.empty();
    case Dimension::kFromRegion: return !f.from_region.empty() || f.from_region_unknown;
    case Dimension::kSession: return !f.sessions.empty();
    case Dimension::kCycle: return !f.cycles.empty();
    case Dimension::kResponse: return !f.responses.empty();
    case Dimension::kAction: return !f.actions.empty();
    case Dimension::kTheme: return !f.themes.empty();
  }
  return false;
}

Filters WithoutFilterOn(const Filters& filters, Dimension field) {
  Filters f = filters;
  switch (field) {
    case Dimension::kSur: f.sur.clear(); break;
    case Dimension::kFrom:
      f.from.clear();
      f.from_unknown = false;
      break;
    case Dimension::kSurRegion: f.sur_region.clear(); break;
    case Dimension::kFromRegion:
      f.from_region.clear();
      f.from_region_unknown = false;
      break;
    case Dimension::kSession: f.sessions.clear(); break;
    case Dimension::kCycle: f.cycles.clear(); break;
    case Dimension::kResponse: f.responses.clear(); break;
    case Dimension::kAction: f.actions.clear(); break;
    case Dimension::kTheme: f.themes.clear(); break;
  }
  return f;
}

Result<FacetResponse> ComputeFacets(store::Store& store, const std::string& query,
                                    const Filters& filters, std::span<const Dimension> fields,
                                    int64_t top_n, FacetScope scope) {
  FacetResponse resp;
  StatsRequest req;
  req.query = query;
  req.limit = top_n;
  bool total_known = false;
  for (Dimension field : fields) {
    const bool relaxed = scope == FacetScope::kDisjunctive && HasFilterOn(filters, field);
    req.filters = relaxed ? WithoutFilterOn(filters, field) : filters;
    req.by = {field};
    auto counts = ComputeStats(store, req);
    if (!counts.ok()) return counts.status();
    if (!relaxed) {
      resp.total = counts->total.count;
      total_known = true;
    }
    Facet facet;
    facet.field = field;
    for (const StatsRow& row : counts->rows) facet.values.push_back({row.keys[0], row.count});
    resp.facets.push_back(std::move(facet));
  }
  if (!total_known) {  // no field counted over the whole selection: the total alone
    req.filters = filters;
    req.by.clear();
    auto counts = ComputeStats(store, req);
    if (!counts.ok()) return counts.status();
    resp.total = counts->total.count;
  }
  return resp;
}

}  // namespace openupr::analytics

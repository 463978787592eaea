#include "bench/bench_sql.h"

#include "store/filter_sql.h"

namespace openupr::bench {
namespace {

struct DimSql {
  const char* key;
  bool from;   // needs recommending_state rf (+ state fst): multi-valued
  bool theme;  // needs recommendation_theme rth + theme th: multi-valued, one row per theme
  bool sur_state;  // needs state ss of the state under review
};

DimSql SqlOf(Dimension d) {
  switch (d) {
    case Dimension::kSur: return {"r.sur", false, false, false};
    case Dimension::kFrom: return {"coalesce(rf.state, 'unknown')", true, false, false};
    case Dimension::kSurRegion: return {"ss.region", false, false, true};
    case Dimension::kFromRegion: return {"coalesce(fst.region, 'unknown')", true, false, false};
    case Dimension::kSession: return {"r.session", false, false, false};
    case Dimension::kCycle: return {"r.cycle", false, false, false};
    case Dimension::kResponse: return {"r.response", false, false, false};
    case Dimension::kAction:
      return {"coalesce(CAST(r.action AS TEXT), 'unknown')", false, false, false};
    case Dimension::kTheme: return {"th.name", false, true, false};
  }
  return {"NULL", false, false, false};
}

std::string Joins(const std::vector<DimSql>& dims) {
  bool from = false, theme = false, sur_state = false;
  for (const DimSql& d : dims) {
    from |= d.from;
    theme |= d.theme;
    sur_state |= d.sur_state;
  }
  std::string joins;
  if (sur_state) joins += " JOIN state ss ON ss.iso3 = r.sur";
  if (from)
    joins += " LEFT JOIN recommending_state rf ON rf.recommendation_id = r.id"
             " LEFT JOIN state fst ON fst.iso3 = rf.state";
  if (theme)
    joins += " JOIN recommendation_theme rth ON rth.recommendation_id = r.id"
             " JOIN theme th ON th.id = rth.theme_id";
  return joins;
}

constexpr const char* kSupported = "sum(CASE WHEN r.response = 'supported' THEN 1 ELSE 0 END)";

}  // namespace

Result<SqlText> WhereSql(const Selection& selection, const MatchSql& match) {
  auto parsed = search::ParseQuery(selection.text);
  if (!parsed.ok()) return parsed.status();
  SqlText where;
  if (parsed->root) {
    const search::QueryNode& node =
        parsed->negated_only() ? *parsed->root->children[0] : *parsed->root;
    where.sql = (parsed->negated_only() ? "NOT " : "") + match(node, where.params);
  }
  if (!selection.filters.empty()) {
    const store::SqlCondition cond = store::FilterCondition(selection.filters);
    where.sql += (where.sql.empty() ? "(" : " AND (") + cond.sql + ")";
    where.params.insert(where.params.end(), cond.binds.begin(), cond.binds.end());
  }
  // TRUE, not FilterCondition's "1": PostgreSQL wants a boolean.
  if (where.sql.empty()) where.sql = "TRUE";
  return where;
}

SqlText CountSql(const SqlText& where) {
  return {"SELECT count(*) FROM recommendation r WHERE " + where.sql, where.params};
}

SqlText FacetSql(const SqlText& where, Dimension facet) {
  const DimSql d = SqlOf(facet);
  // A record with two recommending states of one region counts once for that region.
  const std::string count = d.from ? "count(DISTINCT r.id)" : "count(*)";
  return {std::string("SELECT ") + d.key + ", " + count + " FROM recommendation r" + Joins({d}) +
              " WHERE " + where.sql + " GROUP BY 1",
          where.params};
}

SqlText GroupSql(const SqlText& where, const std::vector<Dimension>& by, int64_t limit) {
  std::vector<DimSql> dims;
  bool from = false;
  std::string keys, names, order = std::to_string(by.size() + 1) + " DESC";
  for (size_t i = 0; i < by.size(); ++i) {
    dims.push_back(SqlOf(by[i]));
    from |= dims.back().from;
    keys += std::string(i ? ", " : "") + dims.back().key + " AS k" + std::to_string(i);
    names += (i ? ", k" : "k") + std::to_string(i);
    order += ", " + std::to_string(i + 1);
  }
  const std::string tail =
      " ORDER BY " + order + (limit > 0 ? " LIMIT " + std::to_string(limit) : "");
  if (!from) {
    return {"SELECT " + keys + ", count(*), " + kSupported + " FROM recommendation r" +
                Joins(dims) + " WHERE " + where.sql + " GROUP BY " + names + tail,
            where.params};
  }
  // Recommending states fan a record out: one row per (record, keys) before counting.
  return {"SELECT " + names +
              ", count(*), sum(CASE WHEN response = 'supported' THEN 1 ELSE 0 END) FROM "
              "(SELECT DISTINCT r.id, r.response, " + keys + " FROM recommendation r" +
              Joins(dims) + " WHERE " + where.sql + ") AS g GROUP BY " + names + tail,
          where.params};
}

std::string NumberPlaceholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace openupr::bench

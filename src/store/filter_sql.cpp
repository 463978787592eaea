#include "store/filter_sql.h"

namespace openupr::store {
namespace {

template <typename T, typename F>
std::string InList(const std::vector<T>& values, SqlCondition& c, F to_bind) {
  std::string s = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    s += i ? ",?" : "?";
    c.binds.emplace_back(to_bind(values[i]));
  }
  return s + ")";
}

}  // namespace

int SqlCondition::BindTo(Statement& stmt, int first) const {
  for (const auto& b : binds) {
    if (std::holds_alternative<int64_t>(b)) {
      stmt.Bind(first++, std::get<int64_t>(b));
    } else {
      stmt.Bind(first++, std::get<std::string>(b));
    }
  }
  return first;
}

SqlCondition FilterCondition(const Filters& f) {
  SqlCondition c;
  std::vector<std::string> parts;
  auto str = [](const std::string& s) { return s; };
  auto num = [](int v) { return static_cast<int64_t>(v); };
  auto region = [](Region r) { return std::string(RegionCode(r)); };
  if (!f.sur.empty()) parts.push_back("r.sur IN " + InList(f.sur, c, str));
  // "unknown" (Filters::from_unknown): as the facets' LEFT JOIN counts it, a recommending state
  // the source does not name, or none at all.
  const std::string no_from =
      "NOT EXISTS (SELECT 1 FROM recommending_state fs WHERE fs.recommendation_id = r.id)";
  auto any_of = [](std::vector<std::string> alternatives) {
    if (alternatives.size() == 1) return alternatives[0];
    std::string s = "(";
    for (size_t i = 0; i < alternatives.size(); ++i) s += (i ? " OR " : "") + alternatives[i];
    return s + ")";
  };
  if (!f.from.empty() || f.from_unknown) {
    std::vector<std::string> alt;
    if (!f.from.empty())
      alt.push_back(
          "EXISTS (SELECT 1 FROM recommending_state fs WHERE fs.recommendation_id = r.id AND "
          "fs.state IN " + InList(f.from, c, str) + ")");
    if (f.from_unknown) {
      alt.push_back(
          "EXISTS (SELECT 1 FROM recommending_state fs WHERE fs.recommendation_id = r.id AND "
          "fs.state IS NULL)");
      alt.push_back(no_from);
    }
    parts.push_back(any_of(std::move(alt)));
  }
  if (!f.sur_region.empty())
    parts.push_back("r.sur IN (SELECT iso3 FROM state WHERE region IN " +
                    InList(f.sur_region, c, region) + ")");
  if (!f.from_region.empty() || f.from_region_unknown) {
    std::vector<std::string> alt;
    if (!f.from_region.empty())
      alt.push_back(
          "EXISTS (SELECT 1 FROM recommending_state fs JOIN state s ON s.iso3 = fs.state "
          "WHERE fs.recommendation_id = r.id AND s.region IN " +
          InList(f.from_region, c, region) + ")");
    if (f.from_region_unknown) {
      alt.push_back(
          "EXISTS (SELECT 1 FROM recommending_state fs LEFT JOIN state s ON s.iso3 = fs.state "
          "WHERE fs.recommendation_id = r.id AND s.region IS NULL)");
      alt.push_back(no_from);
    }
    parts.push_back(any_of(std::move(alt)));
  }
  if (!f.sessions.empty()) parts.push_back("r.session IN " + InList(f.sessions, c, num));
  if (!f.cycles.empty()) parts.push_back("r.cycle IN " + InList(f.cycles, c, num));
  if (!f.responses.empty())
    parts.push_back("r.response IN " +
                    InList(f.responses, c, [](Response x) { return std::string(ResponseCode(x)); }));
  if (!f.actions.empty()) {
    std::vector<int> known;
    bool unknown = false;
    for (int a : f.actions) (a == 0 ? unknown = true : (known.push_back(a), true));
    std::string s = "(";
    const std::string action = kActionSql;
    if (!known.empty()) s += action + " IN " + InList(known, c, num);
    if (unknown) s += std::string(known.empty() ? "" : " OR ") + action + " IS NULL";
    parts.push_back(s + ")");
  }
  if (!f.themes.empty()) {
    // The source's themes (theme.name compares with NOCASE), else the predicted ones, compared
    // alike.
    std::string s =
        "(EXISTS (SELECT 1 FROM recommendation_theme ft JOIN theme t ON t.id = ft.theme_id "
        "WHERE ft.recommendation_id = r.id AND t.name IN " +
        InList(f.themes, c, str) + ")";
    s += " OR (NOT EXISTS (SELECT 1 FROM recommendation_theme ft WHERE ft.recommendation_id = "
         "r.id) AND EXISTS (SELECT 1 FROM predicted_label fp WHERE fp.record_uid = r.uid AND "
         "fp.kind = 'theme' AND fp.label COLLATE NOCASE IN " +
         InList(f.themes, c, str) + ")))";
    parts.push_back(std::move(s));
  }
  // An organisation list "AU, OIC" is compared as ",au,oic," (OrgKey applied to the whole list;
  // commas are never part of a key), so that "AU" matches an item and never "AUS".
  auto orgs = [&](const char* column, const std::vector<std::string>& values) {
    std::string s = "(";
    for (size_t i = 0; i < values.size(); ++i) {
      s += std::string(i ? " OR " : "") + "instr(',' || lower(replace(r." + column +
           ", ' ', '')) || ',', ?) > 0";
      std::string item = ",";
      item += OrgKey(values[i]);
      item += ',';
      c.binds.emplace_back(std::move(item));
    }
    return s + ")";
  };
  if (!f.sur_orgs.empty()) parts.push_back(orgs("sur_orgs", f.sur_orgs));
  if (!f.from_orgs.empty()) parts.push_back(orgs("from_orgs", f.from_orgs));
  if (!f.sdgs.empty())
    parts.push_back(
        "EXISTS (SELECT 1 FROM recommendation_sdg sd WHERE sd.recommendation_id = r.id AND "
        "sd.goal IN " + InList(f.sdgs, c, num) + ")");
  if (f.source_labels_only) parts.push_back(std::string("NOT ") + kPredictedSql);
  if (!parts.empty()) {
    c.sql.clear();
    for (size_t i = 0; i < parts.size(); ++i) c.sql += (i ? " AND " : "") + parts[i];
  }
  return c;
}

}  // namespace openupr::store

// Translates Filters into a SQL condition over the recommendation table (alias r), with its
// bound values. Used by the store-backed search, stats and export.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/filters.h"
#include "store/sqlite.h"

namespace openupr::store {

struct SqlCondition {
  std::string sql = "1";  // always a valid boolean expression
  std::vector<std::variant<int64_t, std::string>> binds;

  // Binds the values starting at parameter index first; returns the next free index.
  int BindTo(Statement& stmt, int first) const;
};

SqlCondition FilterCondition(const Filters& filters);

// Predicted labels in SQL (store/scan.h says which ones count: the classifier's action of a
// recommendation without a source action, its themes for one without source themes). Every
// expression is over the recommendation table as r; the SQL backend and the engine give the
// same answers through them.
//
// The action a recommendation counts under: the source's, else the predicted one; NULL for
// neither.
inline constexpr const char* kActionSql =
    "coalesce(r.action, (SELECT CAST(pla.label AS INTEGER) FROM predicted_label pla "
    "WHERE pla.record_uid = r.uid AND pla.kind = 'action'))";
// True for a recommendation counted under a predicted action or predicted themes.
inline constexpr const char* kPredictedSql =
    "((r.action IS NULL AND EXISTS (SELECT 1 FROM predicted_label plp WHERE plp.record_uid = "
    "r.uid AND plp.kind = 'action')) OR (NOT EXISTS (SELECT 1 FROM recommendation_theme rtp "
    "WHERE rtp.recommendation_id = r.id) AND EXISTS (SELECT 1 FROM predicted_label plp WHERE "
    "plp.record_uid = r.uid AND plp.kind = 'theme')))";
// Joins giving one row per theme a recommendation counts under, named by kThemeNameSql: the
// source's themes, else the predicted ones; no row for a recommendation with neither.
inline constexpr const char* kThemeJoinSql =
    " LEFT JOIN recommendation_theme rth ON rth.recommendation_id = r.id"
    " LEFT JOIN theme th ON th.id = rth.theme_id"
    " LEFT JOIN predicted_label plt ON rth.recommendation_id IS NULL AND plt.record_uid = r.uid"
    " AND plt.kind = 'theme'";
inline constexpr const char* kThemeNameSql = "coalesce(th.name, plt.label)";
inline constexpr const char* kThemeJoinHasRowSql =
    "(rth.recommendation_id IS NOT NULL OR plt.label IS NOT NULL)";

}  // namespace openupr::store

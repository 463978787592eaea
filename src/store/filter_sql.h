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

}  // namespace openupr::store

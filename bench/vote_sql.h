// The vote and politicization measures of the side-by-side benchmark (issue 15, item 5) as SQL,
// for SQLite, PostgreSQL and DuckDB, and the fold that turns any backend's result rows into an
// Answer, so that the runner can tell whether every backend computed the same numbers.
//
// Each measure is over the whole record, and its result is these rows (the SQL selects exactly
// these columns, in this order):
//   kAgreement  state a, state b (a <= b by ISO3, the diagonal included), roll calls on which both
//               voted (yes, no or abstain), of them those on which they cast the same: one row per
//               pair that ever both voted. The matrix is symmetric: b's row of a is a's of b.
//   kCohesion   regional group code (store's state.region: "african", ..., "weog"; states and
//               former states, "none" left out), roll calls on which at least 2 members voted, the
//               mean over them of the Hix-Noury-Roland agreement index
//               AI = (max(Y,N,A) - 0.5 ((Y+N+A) - max(Y,N,A))) / (Y+N+A) = (3 max - n) / (2 n).
//   kSeverity   recommending state (ISO3, "unknown" when the record does not name it), state under
//               review, recommendations, those with an action category, the sum of their action
//               categories, those noted: the mean action is the sum over the count with one, the
//               share noted the noted over the count. A recommendation with several recommending
//               states counts for each pair (the engine's Index::Dyads; the real data never lists
//               a state twice on one recommendation, so the join needs no DISTINCT).
// The digest of an Answer is the sum of a hash of every row (order-independent); a mean AI enters
// it rounded to 1e-9, since the backends add the same doubles in different orders.
//
// Thread-safety: pure functions; a MeasureFold is used by one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bench/backend.h"

namespace openupr::bench {

enum class Dialect { kSqlite, kPostgres, kDuckDb };

// The statement of a measure (no parameters).
std::string MeasureSql(Measure measure, Dialect dialect);

// A short name for messages and the runner's protocol: "agreement", "cohesion", "severity".
std::string_view MeasureName(Measure measure);

// Folds a measure's rows into an Answer:
//   kAgreement  rows = pairs, counted = sum of both-voted, supported = sum of alike, mean =
//               alike / both over all pairs;
//   kCohesion   rows = groups, counted = sum of roll calls, mean = mean of the groups' mean AI;
//   kSeverity   rows = pairs, counted = sum of recommendations, supported = sum of noted, mean =
//               the mean action over every pair's records with one (when given).
class MeasureFold {
 public:
  explicit MeasureFold(Measure measure) : measure_(measure) {}

  void Agreement(std::string_view a, std::string_view b, int64_t both, int64_t alike);
  void Cohesion(std::string_view group, int64_t roll_calls, double mean_ai);
  // with_action and action_sum: nullopt when the backend does not compute them.
  void Severity(std::string_view from, std::string_view sur, int64_t count, int64_t noted,
                std::optional<int64_t> with_action, std::optional<int64_t> action_sum);
  Answer Finish() const;

 private:
  Measure measure_;
  Answer a_;
  double sum_ = 0;
  int64_t n_ = 0;
};

// A cell of a result row as a SQL backend reads it.
using Cell = std::variant<std::monostate, int64_t, double, std::string>;
using Rows = std::vector<std::vector<Cell>>;

// How a backend that reads text (PostgreSQL) should type each column of MeasureSql's result:
// 't' text, 'i' integer, 'd' double.
std::string_view MeasureColumns(Measure measure);

// Folds rows of MeasureSql's shape. kInternal naming the row when one has the wrong number of
// columns or a cell of the wrong kind (a NULL count, a text where a number belongs).
Result<Answer> FoldRows(Measure measure, const Rows& rows);

}  // namespace openupr::bench

#include "bench/vote_sql.h"

#include <cmath>

namespace openupr::bench {
namespace {

// FNV-1a over the fields (each followed by a separator byte), then SplitMix64's finaliser: rows
// that differ in any field get unrelated hashes, so a sum of them tells result sets apart.
class RowHash {
 public:
  RowHash& Add(std::string_view s) {
    for (unsigned char c : s) Byte(c);
    Byte(0xff);
    return *this;
  }
  RowHash& Add(int64_t v) {
    for (int i = 0; i < 8; ++i)
      Byte(static_cast<unsigned char>(static_cast<uint64_t>(v) >> (8 * i)));
    Byte(0xfe);
    return *this;
  }
  uint64_t Value() const {
    uint64_t z = h_ + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  void Byte(unsigned char c) {
    h_ ^= c;
    h_ *= 0x100000001b3ULL;
  }
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace

std::string_view MeasureName(Measure measure) {
  switch (measure) {
    case Measure::kAgreement:
      return "agreement";
    case Measure::kCohesion:
      return "cohesion";
    case Measure::kSeverity:
      return "severity";
  }
  return "?";
}

std::string_view MeasureColumns(Measure measure) {
  switch (measure) {
    case Measure::kAgreement:
      return "ttii";
    case Measure::kCohesion:
      return "tid";
    case Measure::kSeverity:
      return "ttiiii";
  }
  return "";
}

std::string MeasureSql(Measure measure, Dialect dialect) {
  switch (measure) {
    case Measure::kAgreement:
      // Half the matrix and its diagonal (b >= a): the other half is its mirror image. The
      // vote table's key (resolution_id, state) serves the join in every backend that has one.
      return "SELECT a.state, b.state, count(*), "
             "sum(CASE WHEN a.vote = b.vote THEN 1 ELSE 0 END) "
             "FROM vote a JOIN vote b ON b.resolution_id = a.resolution_id AND b.state >= a.state "
             "WHERE a.vote IN ('yes', 'no', 'abstain') AND b.vote IN ('yes', 'no', 'abstain') "
             "GROUP BY a.state, b.state";
    case Measure::kCohesion: {
      // Per group and roll call the members' yes, no and abstain, then the mean AI per group.
      const std::string greatest = dialect == Dialect::kSqlite ? "max" : "greatest";
      const std::string real = dialect == Dialect::kPostgres ? "double precision"
                               : dialect == Dialect::kDuckDb ? "DOUBLE"
                                                             : "REAL";
      return "WITH g AS (SELECT iso3, region FROM state WHERE region <> 'none' "
             "UNION ALL SELECT iso3, region FROM former_state WHERE region <> 'none'), "
             "c AS (SELECT g.region AS region, v.resolution_id AS roll_call, "
             "sum(CASE WHEN v.vote = 'yes' THEN 1 ELSE 0 END) AS y, "
             "sum(CASE WHEN v.vote = 'no' THEN 1 ELSE 0 END) AS n, "
             "sum(CASE WHEN v.vote = 'abstain' THEN 1 ELSE 0 END) AS a "
             "FROM vote v JOIN g ON g.iso3 = v.state "
             "WHERE v.vote IN ('yes', 'no', 'abstain') GROUP BY g.region, v.resolution_id) "
             "SELECT region, count(*), avg(CAST(3 * " +
             greatest + "(y, n, a) - (y + n + a) AS " + real +
             ") / (2 * (y + n + a))) FROM c WHERE y + n + a >= 2 GROUP BY region";
    }
    case Measure::kSeverity:
      return "SELECT coalesce(rf.state, 'unknown'), r.sur, count(*), count(r.action), "
             "coalesce(sum(r.action), 0), sum(CASE WHEN r.response = 'noted' THEN 1 ELSE 0 END) "
             "FROM recommendation r LEFT JOIN recommending_state rf "
             "ON rf.recommendation_id = r.id GROUP BY coalesce(rf.state, 'unknown'), r.sur";
  }
  return "";
}

void MeasureFold::Agreement(std::string_view a, std::string_view b, int64_t both, int64_t alike) {
  ++a_.rows;
  a_.counted += both;
  a_.supported += alike;
  a_.digest += RowHash().Add(a).Add(b).Add(both).Add(alike).Value();
}

void MeasureFold::Cohesion(std::string_view group, int64_t roll_calls, double mean_ai) {
  ++a_.rows;
  a_.counted += roll_calls;
  a_.digest += RowHash()
                   .Add(group)
                   .Add(roll_calls)
                   .Add(static_cast<int64_t>(std::llround(mean_ai * 1e9)))
                   .Value();
  sum_ += mean_ai;
  ++n_;
}

void MeasureFold::Severity(std::string_view from, std::string_view sur, int64_t count,
                           int64_t noted, std::optional<int64_t> with_action,
                           std::optional<int64_t> action_sum) {
  ++a_.rows;
  a_.counted += count;
  a_.supported += noted;
  a_.digest += RowHash().Add(from).Add(sur).Add(count).Add(noted).Value();
  if (with_action && action_sum) {
    a_.action_digest += RowHash().Add(from).Add(sur).Add(*with_action).Add(*action_sum).Value();
    sum_ += static_cast<double>(*action_sum);
    n_ += *with_action;
  }
}

Answer MeasureFold::Finish() const {
  Answer a = a_;
  switch (measure_) {
    case Measure::kAgreement:
      a.mean = a.counted ? static_cast<double>(a.supported) / static_cast<double>(a.counted) : 0;
      break;
    case Measure::kCohesion:
    case Measure::kSeverity:
      a.mean = n_ ? sum_ / static_cast<double>(n_) : 0;
      break;
  }
  // An empty action digest means "not computed": make a computed one nonzero.
  if (measure_ == Measure::kSeverity && n_ > 0 && a.action_digest == 0) a.action_digest = 1;
  return a;
}

Result<Answer> FoldRows(Measure measure, const Rows& rows) {
  const std::string_view cols = MeasureColumns(measure);
  MeasureFold fold(measure);
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto& row = rows[r];
    auto bad = [&](const std::string& what) {
      return Status::Internal(std::string(MeasureName(measure)) + ": result row " +
                              std::to_string(r + 1) + ": " + what);
    };
    if (row.size() != cols.size())
      return bad(std::to_string(row.size()) + " columns, expected " + std::to_string(cols.size()));
    std::vector<std::string_view> text;
    std::vector<int64_t> ints;
    double real = 0;
    for (size_t c = 0; c < cols.size(); ++c) {
      const Cell& cell = row[c];
      if (cols[c] == 't') {
        if (!std::holds_alternative<std::string>(cell))
          return bad("column " + std::to_string(c + 1) + ": expected text");
        text.push_back(std::get<std::string>(cell));
      } else if (std::holds_alternative<int64_t>(cell)) {
        ints.push_back(std::get<int64_t>(cell));
        real = static_cast<double>(std::get<int64_t>(cell));
      } else if (std::holds_alternative<double>(cell)) {
        const double d = std::get<double>(cell);
        if (cols[c] == 'i' && d != std::floor(d))
          return bad("column " + std::to_string(c + 1) + ": expected an integer");
        ints.push_back(static_cast<int64_t>(d));
        real = d;
      } else {
        return bad("column " + std::to_string(c + 1) + ": expected a number");
      }
    }
    switch (measure) {
      case Measure::kAgreement:
        fold.Agreement(text[0], text[1], ints[0], ints[1]);
        break;
      case Measure::kCohesion:
        fold.Cohesion(text[0], ints[0], real);
        break;
      case Measure::kSeverity:
        fold.Severity(text[0], text[1], ints[0], ints[3], ints[1], ints[2]);
        break;
    }
  }
  return fold.Finish();
}

}  // namespace openupr::bench

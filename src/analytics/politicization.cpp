#include "analytics/politicization.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>

#include "analytics/selection_sql.h"

namespace openupr::analytics {
namespace {

constexpr std::string_view kUnknown = "unknown";

bool KnownState(std::string_view s) { return !s.empty() && s != kUnknown; }

// Dense level numbers for names, in order of first appearance.
class Levels {
 public:
  uint32_t Of(const std::string& name) {
    auto [it, added] = index_.try_emplace(name, static_cast<uint32_t>(index_.size()));
    return it->second;
  }
  uint32_t size() const { return static_cast<uint32_t>(index_.size()); }

 private:
  std::unordered_map<std::string, uint32_t> index_;
};

// Two crossed fixed effects (a: the recommending state, b: the state under review) over
// weighted observations, and the least-squares projection off both. The normal equations of
// the effects are
//   diag(wa) alpha + C beta = ra,   C' alpha + diag(wb) beta = rb,
// with C[a][b] the weight of the observations in cell (a, b). The a-block is diagonal: alpha
// is eliminated, leaving (diag(wb) - C' diag(wa)^-1 C) beta = rb - C' diag(wa)^-1 ra, singular
// by one dimension per connected component of the a-b graph (a constant can move from one
// effect to the other); fixing one beta per component to 0 makes it positive definite. Exact
// (no iteration); costs one nb x nb factorization, then O(n + na nb) per column.
class TwoWayEffects {
 public:
  // a[i] < na, b[i] < nb, w[i] > 0; every level appears.
  TwoWayEffects(std::vector<uint32_t> a, uint32_t na, std::vector<uint32_t> b, uint32_t nb,
                std::vector<double> w)
      : a_(std::move(a)), b_(std::move(b)), w_(std::move(w)), na_(na), nb_(nb) {}

  // Factors the system. kInternal if it is not positive definite (not expected).
  Status Prepare() {
    wa_ = Eigen::VectorXd::Zero(na_);
    wb_ = Eigen::VectorXd::Zero(nb_);
    c_ = Eigen::MatrixXd::Zero(na_, nb_);
    for (size_t i = 0; i < a_.size(); ++i) {
      wa_[a_[i]] += w_[i];
      wb_[b_[i]] += w_[i];
      c_(a_[i], b_[i]) += w_[i];
    }
    // Connected components (union-find over a levels then b levels); the first b level of each
    // component is fixed.
    std::vector<uint32_t> parent(na_ + nb_);
    std::iota(parent.begin(), parent.end(), 0u);
    auto find = [&](uint32_t x) {
      while (parent[x] != x) x = parent[x] = parent[parent[x]];
      return x;
    };
    for (size_t i = 0; i < a_.size(); ++i) parent[find(a_[i])] = find(na_ + b_[i]);
    std::set<uint32_t> roots;
    keep_.assign(nb_, -1);
    std::vector<bool> fixed_root(na_ + nb_, false);
    int kept = 0;
    for (uint32_t b = 0; b < nb_; ++b) {
      const uint32_t root = find(na_ + b);
      roots.insert(root);
      if (!fixed_root[root]) {
        fixed_root[root] = true;  // this b stays at 0
        continue;
      }
      keep_[b] = kept++;
    }
    components_ = static_cast<int64_t>(roots.size());
    // diag(wb) - C' diag(wa)^-1 C as a symmetric rank update, lower triangle only (what LDLT
    // reads); kept rows keep their order, so the lower triangle maps onto the lower triangle.
    const Eigen::MatrixXd half = wa_.cwiseSqrt().cwiseInverse().asDiagonal() * c_;
    Eigen::MatrixXd s = Eigen::MatrixXd::Zero(nb_, nb_);
    s.selfadjointView<Eigen::Lower>().rankUpdate(half.transpose(), -1.0);
    s.diagonal() += wb_;
    Eigen::MatrixXd reduced = Eigen::MatrixXd::Zero(kept, kept);
    for (uint32_t i = 0; i < nb_; ++i) {
      if (keep_[i] < 0) continue;
      for (uint32_t j = 0; j <= i; ++j)
        if (keep_[j] >= 0) reduced(keep_[i], keep_[j]) = s(i, j);
    }
    ldlt_.compute(reduced);
    if (ldlt_.info() != Eigen::Success || (kept > 0 && !(ldlt_.vectorD().minCoeff() > 0)))
      return Status::Internal(
          "fixed effects: the system of the states' effects is not "
          "positive definite");
    return Status::Ok();
  }

  int64_t components() const { return components_; }

  // Each column of m minus its weighted least-squares fit by the two effects.
  Eigen::MatrixXd Residual(const Eigen::MatrixXd& m) const {
    const Eigen::Index k = m.cols();
    Eigen::MatrixXd ra = Eigen::MatrixXd::Zero(na_, k), rb = Eigen::MatrixXd::Zero(nb_, k);
    for (size_t i = 0; i < a_.size(); ++i) {
      ra.row(a_[i]) += w_[i] * m.row(static_cast<Eigen::Index>(i));
      rb.row(b_[i]) += w_[i] * m.row(static_cast<Eigen::Index>(i));
    }
    const Eigen::MatrixXd ra_scaled = wa_.cwiseInverse().asDiagonal() * ra;
    const Eigen::MatrixXd rhs = rb - c_.transpose() * ra_scaled;
    Eigen::MatrixXd reduced_rhs(ldlt_.rows(), k);
    for (uint32_t b = 0; b < nb_; ++b)
      if (keep_[b] >= 0) reduced_rhs.row(keep_[b]) = rhs.row(b);
    Eigen::MatrixXd beta = Eigen::MatrixXd::Zero(nb_, k);
    if (ldlt_.rows() > 0) {
      const Eigen::MatrixXd solved = ldlt_.solve(reduced_rhs);
      for (uint32_t b = 0; b < nb_; ++b)
        if (keep_[b] >= 0) beta.row(b) = solved.row(keep_[b]);
    }
    const Eigen::MatrixXd alpha = wa_.cwiseInverse().asDiagonal() * (ra - c_ * beta);
    Eigen::MatrixXd out = m;
    for (size_t i = 0; i < a_.size(); ++i)
      out.row(static_cast<Eigen::Index>(i)) -= alpha.row(a_[i]) + beta.row(b_[i]);
    return out;
  }

 private:
  std::vector<uint32_t> a_, b_;
  std::vector<double> w_;
  uint32_t na_, nb_;
  Eigen::VectorXd wa_, wb_;
  Eigen::MatrixXd c_;
  std::vector<int> keep_;  // b level -> row of the reduced system, -1 when fixed at 0
  Eigen::LDLT<Eigen::MatrixXd> ldlt_;
  int64_t components_ = 0;
};

// The numerator and denominator of a dyad's outcome.
std::pair<int64_t, int64_t> Parts(const Dyad& d, Outcome outcome) {
  return outcome == Outcome::kMeanAction ? std::pair{d.action_sum, d.with_action}
                                         : std::pair{d.noted, d.count};
}

std::optional<double> Finite(std::optional<double> v) {
  if (v && !std::isfinite(*v)) return std::nullopt;
  return v;
}

// The double-entry Pearson correlation of pairs (x, y): each pair enters as (x, y) and (y, x).
std::optional<double> DoubleEntryCorrelation(const std::vector<std::pair<double, double>>& pairs) {
  if (pairs.size() < 3) return std::nullopt;
  double mean = 0;
  for (const auto& [x, y] : pairs) mean += x + y;
  mean /= static_cast<double>(2 * pairs.size());
  double cross = 0, squares = 0;
  for (const auto& [x, y] : pairs) {
    cross += 2 * (x - mean) * (y - mean);
    squares += (x - mean) * (x - mean) + (y - mean) * (y - mean);
  }
  if (!(squares > 0)) return std::nullopt;
  return cross / squares;
}

}  // namespace

// --- The dyad table in SQL. ---

Result<DyadResponse> ComputeDyads(store::Store& store, const std::string& query,
                                  const Filters& filters, int64_t top_n) {
  auto sel = internal::MakeSelectionSql(store, query, filters);
  if (!sel.ok()) return sel.status();
  DyadResponse resp;
  OPENUPR_RETURN_IF_ERROR(sel->Run(store,
                                   "SELECT count(*), coalesce(sum(" +
                                       std::string(store::kPredictedSql) +
                                       "), 0) FROM recommendation r WHERE " + sel->where,
                                   [&](store::Statement& s) {
                                     resp.total = s.Int(0);
                                     resp.predicted = s.Int(1);
                                   }));
  // DISTINCT per (recommendation, recommending state): a state listed twice counts once. The
  // action is the one the record counts under (the source's, else the predicted one).
  const std::string inner =
      "SELECT DISTINCT r.id, r.response, " + std::string(store::kActionSql) +
      " AS action, coalesce(rf.state, 'unknown') AS f, r.sur AS s"
      " FROM recommendation r LEFT JOIN recommending_state rf ON rf.recommendation_id = r.id"
      " WHERE " +
      sel->where;
  OPENUPR_RETURN_IF_ERROR(
      sel->Run(store,
               "SELECT f, s, count(*), sum(response = 'supported'), sum(response = 'noted'),"
               " sum(response = 'other'), count(action), coalesce(sum(action), 0) FROM (" +
                   inner + ") GROUP BY f, s",
               [&](store::Statement& s) {
                 resp.dyads.push_back({s.String(0), s.String(1), s.Int(2), s.Int(3), s.Int(4),
                                       s.Int(5), s.Int(6), s.Int(7)});
               }));
  std::sort(resp.dyads.begin(), resp.dyads.end(), [](const Dyad& a, const Dyad& b) {
    if (a.count != b.count) return a.count > b.count;
    if (a.from != b.from) return a.from < b.from;
    return a.sur < b.sur;
  });
  resp.pairs = static_cast<int64_t>(resp.dyads.size());
  if (top_n > 0 && resp.pairs > top_n) resp.dyads.resize(static_cast<size_t>(top_n));
  return resp;
}

std::string_view OutcomeName(Outcome outcome) {
  return outcome == Outcome::kMeanAction ? "action" : "noted";
}

DyadOutcome OutcomeOf(const Dyad& dyad, Outcome outcome, int64_t min_recs) {
  const auto [num, den] = Parts(dyad, outcome);
  DyadOutcome out;
  out.base = den;
  if (den > 0 && den >= min_recs) out.value = static_cast<double>(num) / static_cast<double>(den);
  return out;
}

// --- Leniency toward friends. ---

Result<LeniencyResult> EstimateLeniency(std::span<const Dyad> dyads, const PairValue& agreement,
                                        const LeniencyOptions& options) {
  if (!agreement) return Status::InvalidArgument("leniency: no vote agreement given");
  std::set<std::string> names = {"agreement"};
  for (const auto& [name, value] : options.covariates) {
    if (!value) return Status::InvalidArgument("leniency: covariate '" + name + "' has no values");
    if (!names.insert(name).second)
      return Status::InvalidArgument("leniency: covariate name '" + name + "' is repeated");
  }
  const size_t p = 1 + options.covariates.size();

  // The usable dyads: y, x, weight, levels.
  std::vector<double> y, x, w;
  std::vector<uint32_t> from_level, sur_level;
  Levels from_levels, sur_levels;
  for (const Dyad& d : dyads) {
    if (!KnownState(d.from) || !KnownState(d.sur)) continue;
    const DyadOutcome out = OutcomeOf(d, options.outcome, options.min_recs);
    if (!out.value) continue;
    std::vector<double> row;
    auto take = [&](const PairValue& f) {
      const std::optional<double> v = Finite(f(d.from, d.sur));
      if (v) row.push_back(*v);
      return v.has_value();
    };
    if (!take(agreement)) continue;
    bool all = true;
    for (const auto& cov : options.covariates) all = all && take(cov.second);
    if (!all) continue;
    y.push_back(*out.value);
    x.insert(x.end(), row.begin(), row.end());
    w.push_back(options.weighted ? static_cast<double>(out.base) : 1.0);
    from_level.push_back(from_levels.Of(d.from));
    sur_level.push_back(sur_levels.Of(d.sur));
  }
  const size_t n = y.size();
  LeniencyResult res;
  res.dyads = static_cast<int64_t>(n);
  res.from_states = from_levels.size();
  res.sur_states = sur_levels.size();
  res.clusters = res.sur_states;
  if (res.sur_states < 2)
    return Status::InvalidArgument("leniency: " + std::to_string(n) +
                                   " usable dyads with fewer than 2 states under review");

  TwoWayEffects effects(from_level, from_levels.size(), sur_level, sur_levels.size(), w);
  OPENUPR_RETURN_IF_ERROR(effects.Prepare());
  res.components = effects.components();
  res.fixed_effects = res.from_states + res.sur_states - res.components;
  res.dof = res.dyads - static_cast<int64_t>(p) - res.fixed_effects;
  if (res.dof <= 0)
    return Status::InvalidArgument("leniency: " + std::to_string(n) +
                                   " usable dyads leave no residual degree of freedom (" +
                                   std::to_string(p) + " coefficients and " +
                                   std::to_string(res.fixed_effects) + " fixed effects)");

  Eigen::MatrixXd m(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(1 + p));
  for (size_t i = 0; i < n; ++i) {
    m(static_cast<Eigen::Index>(i), 0) = y[i];
    for (size_t j = 0; j < p; ++j)
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(1 + j)) = x[i * p + j];
  }
  const Eigen::Map<const Eigen::VectorXd> wv(w.data(), static_cast<Eigen::Index>(n));
  const Eigen::MatrixXd within = effects.Residual(m);
  const Eigen::VectorXd sqrt_w = wv.cwiseSqrt();
  std::vector<std::string> coef_names = {"agreement"};
  for (const auto& cov : options.covariates) coef_names.push_back(cov.first);

  // A regressor the fixed effects explain entirely would be solved from rounding noise.
  const double w_total = wv.sum();
  for (size_t j = 0; j < p; ++j) {
    const Eigen::Index c = static_cast<Eigen::Index>(1 + j);
    const double mean = wv.dot(m.col(c)) / w_total;
    const double spread = (sqrt_w.array() * (m.col(c).array() - mean)).matrix().norm();
    const double left = (sqrt_w.array() * within.col(c).array()).matrix().norm();
    if (!(left > 1e-9 * spread) || spread == 0)
      return Status::InvalidArgument("leniency: regressor '" + coef_names[j] +
                                     "' does not vary once the states' fixed effects are taken "
                                     "out (collinear with them)");
  }
  const Eigen::VectorXd ys = sqrt_w.asDiagonal() * within.col(0);
  const Eigen::MatrixXd xs = sqrt_w.asDiagonal() * within.rightCols(static_cast<Eigen::Index>(p));
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(xs);
  if (qr.rank() < static_cast<Eigen::Index>(p))
    return Status::InvalidArgument(
        "leniency: the regressors are collinear once the states' "
        "fixed effects are taken out");
  const Eigen::VectorXd beta = qr.solve(ys);
  const Eigen::VectorXd e = ys - xs * beta;  // sqrt(w) * residual
  const double ssr = e.squaredNorm();
  const Eigen::MatrixXd bread = (xs.transpose() * xs).inverse();
  const double sigma2 = ssr / static_cast<double>(res.dof);
  res.residual_se = std::sqrt(sigma2);

  // Cluster scores: per state under review, the sum of w e x (in scaled terms sqrt(w) e * xs).
  Eigen::MatrixXd scores = Eigen::MatrixXd::Zero(res.clusters, static_cast<Eigen::Index>(p));
  for (size_t i = 0; i < n; ++i) {
    const Eigen::Index r = static_cast<Eigen::Index>(i);
    scores.row(sur_level[i]) += e[r] * xs.row(r);
  }
  const Eigen::MatrixXd meat = scores.transpose() * scores;
  const double g = static_cast<double>(res.clusters);
  const double k_cluster =
      static_cast<double>(p) + static_cast<double>(res.from_states - res.components);
  const double factor =
      g / (g - 1) * (static_cast<double>(n) - 1) / (static_cast<double>(n) - k_cluster);
  const Eigen::MatrixXd cluster_v = factor * bread * meat * bread;
  for (size_t j = 0; j < p; ++j) {
    const Eigen::Index c = static_cast<Eigen::Index>(j);
    Coefficient coef;
    coef.name = coef_names[j];
    coef.estimate = beta[c];
    coef.se = std::sqrt(sigma2 * bread(c, c));
    coef.t = coef.estimate / coef.se;
    coef.cluster_se = std::sqrt(cluster_v(c, c));
    coef.cluster_t = coef.estimate / coef.cluster_se;
    res.coefficients.push_back(std::move(coef));
  }
  const Eigen::Map<const Eigen::VectorXd> yv(y.data(), static_cast<Eigen::Index>(n));
  const double y_mean = wv.dot(yv) / w_total;
  const double tss = (sqrt_w.array() * (yv.array() - y_mean)).matrix().squaredNorm();
  const double tss_within = ys.squaredNorm();
  res.r2 = tss > 0 ? 1 - ssr / tss : 0;
  res.r2_within = tss_within > 0 ? 1 - ssr / tss_within : 0;
  return res;
}

// --- Double standards. ---

Result<std::vector<DoubleStandard>> DoubleStandards(std::span<const Dyad> dyads,
                                                    const PairValue& agreement,
                                                    const DoubleStandardsOptions& options) {
  if (!agreement) return Status::InvalidArgument("double standards: no vote agreement given");
  // What each state under review receives from everyone: outcome numerator and denominator.
  std::unordered_map<std::string, std::pair<int64_t, int64_t>> received;
  if (options.adjust) {
    for (const Dyad& d : dyads) {
      const auto [num, den] = Parts(d, options.outcome);
      auto& r = received[d.sur];
      r.first += num;
      r.second += den;
    }
  }
  // Per recommending state: (agreement, y) of its usable dyads.
  std::map<std::string, std::vector<std::pair<double, double>>> by_from;
  for (const Dyad& d : dyads) {
    if (!KnownState(d.from) || !KnownState(d.sur)) continue;
    const DyadOutcome out = OutcomeOf(d, options.outcome, options.min_recs);
    if (!out.value) continue;
    const std::optional<double> a = Finite(agreement(d.from, d.sur));
    if (!a) continue;
    double y = *out.value;
    if (options.adjust) {
      const auto [num, den] = Parts(d, options.outcome);
      const auto& r = received[d.sur];
      const int64_t rest_den = r.second - den;
      if (rest_den <= 0) continue;  // nobody else spoke to this state: no reference
      y -= static_cast<double>(r.first - num) / static_cast<double>(rest_den);
    }
    by_from[d.from].push_back({*a, y});
  }
  const size_t min_dyads = static_cast<size_t>(std::max<int64_t>(options.min_dyads, 3));
  std::vector<DoubleStandard> out;
  for (auto& [from, points] : by_from) {
    if (points.size() < min_dyads) continue;
    std::vector<double> agreements;
    for (const auto& pt : points) agreements.push_back(pt.first);
    std::sort(agreements.begin(), agreements.end());
    auto quantile = [&](double q) {
      const double h = static_cast<double>(agreements.size() - 1) * q;
      const size_t lo = static_cast<size_t>(std::floor(h));
      const size_t hi = std::min(lo + 1, agreements.size() - 1);
      return agreements[lo] + (h - static_cast<double>(lo)) * (agreements[hi] - agreements[lo]);
    };
    DoubleStandard ds;
    ds.from = from;
    ds.dyads = static_cast<int64_t>(points.size());
    ds.q1 = quantile(0.25);
    ds.q3 = quantile(0.75);
    if (!(ds.q1 < ds.q3)) continue;
    double rivals_sum = 0, allies_sum = 0, mx = 0, my = 0;
    for (const auto& [a, y] : points) {
      if (a <= ds.q1) {
        ++ds.rivals;
        rivals_sum += y;
      }
      if (a >= ds.q3) {
        ++ds.allies;
        allies_sum += y;
      }
      mx += a;
      my += y;
    }
    ds.rivals_mean = rivals_sum / static_cast<double>(ds.rivals);
    ds.allies_mean = allies_sum / static_cast<double>(ds.allies);
    ds.index = ds.rivals_mean - ds.allies_mean;
    const double count = static_cast<double>(points.size());
    mx /= count;
    my /= count;
    double sxx = 0, sxy = 0;
    for (const auto& [a, y] : points) {
      sxx += (a - mx) * (a - mx);
      sxy += (a - mx) * (y - my);
    }
    ds.slope = sxy / sxx;
    double ssr = 0;
    for (const auto& [a, y] : points) {
      const double r = y - my - ds.slope * (a - mx);
      ssr += r * r;
    }
    ds.slope_se = std::sqrt(ssr / (count - 2) / sxx);
    out.push_back(std::move(ds));
  }
  std::sort(out.begin(), out.end(), [](const DoubleStandard& a, const DoubleStandard& b) {
    if (a.index != b.index) return a.index > b.index;
    return a.from < b.from;
  });
  return out;
}

// --- Reciprocity. ---

Result<ReciprocityResult> Reciprocity(std::span<const Dyad> dyads,
                                      const ReciprocityOptions& options) {
  std::vector<double> y;
  std::vector<uint32_t> from_level, sur_level;
  std::vector<std::pair<uint32_t, uint32_t>> pair_of;  // both states as numbered in `states`
  Levels from_levels, sur_levels, states;
  for (const Dyad& d : dyads) {
    if (!KnownState(d.from) || !KnownState(d.sur) || d.from == d.sur) continue;
    const DyadOutcome out = OutcomeOf(d, options.outcome, options.min_recs);
    if (!out.value) continue;
    y.push_back(*out.value);
    from_level.push_back(from_levels.Of(d.from));
    sur_level.push_back(sur_levels.Of(d.sur));
    pair_of.push_back({states.Of(d.from), states.Of(d.sur)});
  }
  ReciprocityResult res;
  res.fitted_dyads = static_cast<int64_t>(y.size());
  if (y.empty()) return res;
  const Eigen::Index n = static_cast<Eigen::Index>(y.size());
  TwoWayEffects effects(from_level, from_levels.size(), sur_level, sur_levels.size(),
                        std::vector<double>(y.size(), 1.0));
  OPENUPR_RETURN_IF_ERROR(effects.Prepare());
  const Eigen::VectorXd resid = effects.Residual(Eigen::Map<const Eigen::VectorXd>(y.data(), n));

  // The dyad of each ordered pair of states, by a table of states x states (a few hundred).
  const size_t count = states.size();
  std::vector<int64_t> at(count * count, -1);
  for (size_t i = 0; i < pair_of.size(); ++i)
    at[pair_of[i].first * count + pair_of[i].second] = static_cast<int64_t>(i);
  std::vector<std::pair<double, double>> raw, adjusted;
  for (size_t i = 0; i < pair_of.size(); ++i) {
    const auto [a, b] = pair_of[i];
    if (a > b) continue;  // each unordered pair once
    const int64_t back = at[b * count + a];
    if (back < 0) continue;
    const size_t j = static_cast<size_t>(back);
    raw.push_back({y[i], y[j]});
    adjusted.push_back({resid[static_cast<Eigen::Index>(i)], resid[static_cast<Eigen::Index>(j)]});
  }
  res.pairs = static_cast<int64_t>(raw.size());
  res.correlation = DoubleEntryCorrelation(raw);
  res.adjusted_correlation = DoubleEntryCorrelation(adjusted);
  return res;
}

}  // namespace openupr::analytics

// The politicization measures (analytics/politicization.h). The dyad table: a hand-counted
// fixture, and the engine against the SQL reference on the real data over several selections.
// The measures on synthetic dyads, against independent computations written here: the
// leniency regression against a dense dummy-variable least-squares fit (every state a column,
// Eigen's complete orthogonal decomposition, textbook and sandwich variances through its
// pseudo-inverse) and against a known true slope; double standards and reciprocity against
// naive loops. On the real data, the measures are printed with a stand-in agreement (same
// regional group), not asserted beyond sanity.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <random>
#include <set>

#include "analytics/politicization.h"
#include "core/states.h"
#include "engine_backends.h"

namespace openupr::testing {
namespace {

using analytics::Dyad;
using analytics::Outcome;
using Pair = std::pair<std::string, std::string>;

// --- The dyad table on a fixture counted by hand. ---

json SeverityJson(const analytics::DyadResponse& r) {
  json rows = json::array();
  for (const Dyad& d : r.dyads)
    rows.push_back(
        {d.from, d.sur, d.count, d.supported, d.noted, d.other, d.with_action, d.action_sum});
  json out = {{"total", r.total}, {"pairs", r.pairs}, {"rows", rows}};
  if (r.predicted) out["predicted"] = r.predicted;  // records under a predicted label (issue 17)
  return out;
}

TEST(DyadSeverity, CountsAsCountedByHand) {
  TempDir dir;
  auto store = store::Store::Open(dir.File("db"));
  ASSERT_TRUE(store.ok());
  const std::string csv = std::string(kHeader) +
                          // 1: France, action 4, supported
                          "\nChina,Asia,,Prevent torture,France,WEOG,,Accepted,4,Torture,4"
                          // 2: Germany, action 5, noted
                          "\nChina,Asia,,Abolish the death penalty,Germany,WEOG,,Noted,5,"
                          "Death penalty,4"
                          // 3: France (and Germany, added below), action 2, supported
                          "\nChina,Asia,,Protect women,France,WEOG,,Accepted,2,Women's rights,4"
                          // 4: unknown state, no action, noted
                          "\nChina,Asia,,Free the press,(Unknown),(Unknown),,Noted,,Freedom of "
                          "the press,4"
                          // 5: France, no action, noted
                          "\nChina,Asia,,Release detainees,France,WEOG,,Noted,,Detention,4"
                          // 6: China to France, action 3, supported
                          "\nFrance,WEOG,,Protect migrants,China,Asia,,Accepted,3,Migrants,4";
  auto r = ingest::ImportFiles(**store, {dir.Write("f.csv", csv)}, {});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  // Recommendation 3 from two states; recommendation 1 lists France twice (counted once).
  ASSERT_TRUE((*store)
                  ->db()
                  .Exec("INSERT INTO recommending_state(recommendation_id, position, state, "
                        "raw_name) VALUES (3, 1, 'DEU', 'Germany'), (1, 1, 'FRA', 'France')")
                  .ok());
  auto index = engine::Index::Build(**store);
  ASSERT_TRUE(index.ok());
  const json want = {{"total", 6},
                     {"pairs", 4},
                     {"rows",
                      {{"FRA", "CHN", 3, 2, 1, 0, 2, 6},
                       {"DEU", "CHN", 2, 1, 1, 0, 2, 7},
                       {"CHN", "FRA", 1, 1, 0, 0, 1, 3},
                       {"unknown", "CHN", 1, 0, 1, 0, 0, 0}}}};
  auto sql = analytics::ComputeDyads(**store, "", {}, 0);
  ASSERT_TRUE(sql.ok()) << sql.status().ToString();
  EXPECT_EQ(SeverityJson(*sql), want);
  auto eng = (*index)->Dyads("", {}, 0);
  ASSERT_TRUE(eng.ok());
  EXPECT_EQ(SeverityJson(*eng), want);
  EXPECT_DOUBLE_EQ(*eng->dyads[0].mean_action(), 3.0);
  EXPECT_DOUBLE_EQ(*eng->dyads[0].noted_share(), 1.0 / 3);
  EXPECT_FALSE(eng->dyads[3].mean_action().has_value());
  // top_n cuts after ordering; pairs still counts them all.
  auto top = (*index)->Dyads("", {}, 2);
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(top->pairs, 4);
  ASSERT_EQ(top->dyads.size(), 2u);
  EXPECT_EQ(top->dyads[1].from, "DEU");
  EXPECT_EQ(analytics::ComputeDyads(**store, "a OR", {}, 0).status().code(),
            StatusCode::kInvalidArgument);
}

// --- Synthetic dyads. ---

std::string Name(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "S%03d", i);
  return buf;
}

// Dyads among `states` states, each ordered pair present with probability density, with
// y = a_from + b_sur + slope * agreement + group_slope * same_group + noise, stored as a mean
// action category over with_action recommendations (rounded to the nearest sum: with many
// recommendations y is kept to within 1/(2 with_action)), and a share noted as noted / count.
struct Synthetic {
  std::vector<Dyad> dyads;
  std::map<Pair, double> agreement, group;
  analytics::PairValue Agreement() const { return Lookup(agreement); }
  analytics::PairValue Group() const { return Lookup(group); }
  static analytics::PairValue Lookup(const std::map<Pair, double>& m) {
    return [&m](std::string_view f, std::string_view s) -> std::optional<double> {
      auto it = m.find({std::string(f), std::string(s)});
      if (it == m.end()) return std::nullopt;
      return it->second;
    };
  }
};

struct SyntheticSpec {
  int states = 40;
  double density = 0.6;
  double slope = -1.5;
  double group_slope = 0.4;
  double noise = 0.3;
  int min_action = 1000, max_action = 1000;  // with_action drawn uniformly in [min, max]
  int blocks = 1;        // states split into this many blocks with no dyad between them
  double missing = 0.0;  // share of pairs without agreement
  unsigned seed = 1;
};

Synthetic MakeSynthetic(const SyntheticSpec& spec) {
  std::mt19937 rng(spec.seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::normal_distribution<double> normal(0, 1);
  std::vector<double> a(spec.states), b(spec.states);
  std::vector<int> group(spec.states);
  for (int i = 0; i < spec.states; ++i) {
    a[i] = 2.5 + normal(rng);
    b[i] = normal(rng);
    group[i] = static_cast<int>(unit(rng) * 5);
  }
  std::uniform_int_distribution<int> base(spec.min_action, spec.max_action);
  Synthetic out;
  for (int f = 0; f < spec.states; ++f) {
    for (int s = 0; s < spec.states; ++s) {
      if (f == s || f % spec.blocks != s % spec.blocks || unit(rng) > spec.density) continue;
      const Pair key{Name(f), Name(s)};
      const double agree = std::round(unit(rng) * 20) / 20;  // ties, as vote shares have
      const double same = group[f] == group[s] ? 1 : 0;
      if (unit(rng) >= spec.missing) out.agreement[key] = agree;
      out.group[key] = same;
      const double y =
          a[f] + b[s] + spec.slope * agree + spec.group_slope * same + spec.noise * normal(rng);
      Dyad d;
      d.from = key.first;
      d.sur = key.second;
      d.with_action = base(rng);
      d.action_sum = std::llround(y * static_cast<double>(d.with_action));
      d.count = d.with_action + static_cast<int64_t>(unit(rng) * 3);
      d.noted = std::clamp<int64_t>(
          std::llround((0.5 - 0.3 * agree + 0.1 * normal(rng)) * static_cast<double>(d.count)), 0,
          d.count);
      d.supported = d.count - d.noted;
      out.dyads.push_back(d);
    }
  }
  // Recommendations from an unnamed state: never a regressor's observation.
  for (int s = 0; s < spec.states; s += 3)
    out.dyads.push_back({"unknown", Name(s), 5, 3, 2, 0, 5, 15});
  return out;
}

// The dense dummy-variable reference: y on [x | a dummy for every recommending state | a dummy
// for every state under review] by weighted least squares, rank-deficient by construction, solved
// with a complete orthogonal decomposition; variances of the (estimable) slopes through the
// pseudo-inverse of X'WX, the textbook sigma^2 (X'WX)^+ over n - rank(X), and the sandwich
// clustered by the state under review.
struct DenseFit {
  Eigen::VectorXd beta, se, cluster_se, residual;
  Eigen::Index rank = 0;
  int64_t n = 0, sur_levels = 0;
};

DenseFit DenseDummyFit(const std::vector<double>& y, const std::vector<std::vector<double>>& x,
                       const std::vector<std::string>& from, const std::vector<std::string>& sur,
                       const std::vector<double>& w) {
  std::map<std::string, int> fl, sl;
  for (const auto& f : from) fl.emplace(f, static_cast<int>(fl.size()));
  for (const auto& s : sur) sl.emplace(s, static_cast<int>(sl.size()));
  int i = 0;
  for (auto& [name, level] : fl) level = i++;
  i = 0;
  for (auto& [name, level] : sl) level = i++;
  const Eigen::Index n = static_cast<Eigen::Index>(y.size());
  const Eigen::Index p = x.empty() ? 0 : static_cast<Eigen::Index>(x[0].size());
  const Eigen::Index cols = p + static_cast<Eigen::Index>(fl.size() + sl.size());
  Eigen::MatrixXd design = Eigen::MatrixXd::Zero(n, cols);
  Eigen::VectorXd yv(n), wv(n);
  for (Eigen::Index r = 0; r < n; ++r) {
    for (Eigen::Index j = 0; j < p; ++j) design(r, j) = x[r][j];
    design(r, p + fl[from[r]]) = 1;
    design(r, p + static_cast<Eigen::Index>(fl.size()) + sl[sur[r]]) = 1;
    yv[r] = y[r];
    wv[r] = w[r];
  }
  const Eigen::VectorXd sw = wv.cwiseSqrt();
  const Eigen::MatrixXd xs = sw.asDiagonal() * design;
  Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod(xs);
  const Eigen::VectorXd coef = cod.solve(sw.asDiagonal() * yv);
  DenseFit fit;
  fit.n = n;
  fit.sur_levels = static_cast<int64_t>(sl.size());
  fit.rank = cod.rank();
  fit.residual = yv - design * coef;
  const double ssr = (sw.array() * fit.residual.array()).matrix().squaredNorm();
  const double sigma2 = ssr / static_cast<double>(n - fit.rank);
  const Eigen::MatrixXd xtwx = xs.transpose() * xs;
  const Eigen::MatrixXd ginv = xtwx.completeOrthogonalDecomposition().pseudoInverse();
  Eigen::MatrixXd meat = Eigen::MatrixXd::Zero(cols, cols);
  for (const auto& [name, level] : sl) {
    Eigen::VectorXd score = Eigen::VectorXd::Zero(cols);
    for (Eigen::Index r = 0; r < n; ++r)
      if (sur[r] == name) score += wv[r] * fit.residual[r] * design.row(r).transpose();
    meat += score * score.transpose();
  }
  // The documented small-sample factor: K counts the slopes and the recommending states'
  // effects net of the components, which is rank(X) minus the states under review.
  const double g = static_cast<double>(sl.size());
  const double k = static_cast<double>(fit.rank) - g;
  const double factor = g / (g - 1) * static_cast<double>(n - 1) / (static_cast<double>(n) - k);
  const Eigen::MatrixXd sandwich = factor * ginv * meat * ginv;
  fit.beta = coef.head(p);
  fit.se.resize(p);
  fit.cluster_se.resize(p);
  for (Eigen::Index j = 0; j < p; ++j) {
    fit.se[j] = std::sqrt(sigma2 * ginv(j, j));
    fit.cluster_se[j] = std::sqrt(sandwich(j, j));
  }
  return fit;
}

// The regression's rows as the documentation defines them, gathered by a plain loop.
struct Rows {
  std::vector<double> y, w;
  std::vector<std::vector<double>> x;
  std::vector<std::string> from, sur;
};
Rows GatherRows(const Synthetic& syn, Outcome outcome, int64_t min_recs, bool weighted,
                bool with_group) {
  Rows rows;
  for (const Dyad& d : syn.dyads) {
    if (d.from == "unknown") continue;
    const int64_t base = outcome == Outcome::kMeanAction ? d.with_action : d.count;
    if (base < std::max<int64_t>(min_recs, 1)) continue;
    auto agree = syn.agreement.find({d.from, d.sur});
    if (agree == syn.agreement.end()) continue;
    const double num =
        static_cast<double>(outcome == Outcome::kMeanAction ? d.action_sum : d.noted);
    rows.y.push_back(num / static_cast<double>(base));
    rows.w.push_back(weighted ? static_cast<double>(base) : 1.0);
    std::vector<double> xr = {agree->second};
    if (with_group) xr.push_back(syn.group.at({d.from, d.sur}));
    rows.x.push_back(xr);
    rows.from.push_back(d.from);
    rows.sur.push_back(d.sur);
  }
  return rows;
}

TEST(Leniency, EqualsTheDenseDummyVariableRegression) {
  struct Case {
    const char* what;
    SyntheticSpec spec;
    Outcome outcome;
    int64_t min_recs;
    bool weighted, with_group;
  };
  SyntheticSpec varied;
  varied.min_action = 1;
  varied.max_action = 12;
  varied.missing = 0.1;
  SyntheticSpec blocks = varied;
  blocks.blocks = 2;
  blocks.seed = 7;
  SyntheticSpec sparse = varied;
  sparse.density = 0.15;
  sparse.states = 30;
  sparse.seed = 3;
  const Case cases[] = {
      {"action, unweighted", varied, Outcome::kMeanAction, 1, false, true},
      {"action, weighted, min 4", varied, Outcome::kMeanAction, 4, true, true},
      {"noted, weighted", varied, Outcome::kNotedShare, 1, true, false},
      {"two disconnected blocks", blocks, Outcome::kMeanAction, 2, false, true},
      {"sparse", sparse, Outcome::kMeanAction, 1, true, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const Synthetic syn = MakeSynthetic(c.spec);
    analytics::LeniencyOptions options;
    options.outcome = c.outcome;
    options.min_recs = c.min_recs;
    options.weighted = c.weighted;
    if (c.with_group) options.covariates.push_back({"same_group", syn.Group()});
    auto got = analytics::EstimateLeniency(syn.dyads, syn.Agreement(), options);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    const Rows rows = GatherRows(syn, c.outcome, c.min_recs, c.weighted, c.with_group);
    const DenseFit want = DenseDummyFit(rows.y, rows.x, rows.from, rows.sur, rows.w);
    ASSERT_EQ(got->dyads, want.n);
    ASSERT_EQ(got->coefficients.size(), static_cast<size_t>(want.beta.size()));
    EXPECT_EQ(got->dof, want.n - want.rank);
    EXPECT_EQ(got->clusters, want.sur_levels);
    if (c.spec.density > 0.5) {
      EXPECT_EQ(got->components, c.spec.blocks);
    }
    for (size_t j = 0; j < got->coefficients.size(); ++j) {
      const auto& coef = got->coefficients[j];
      const Eigen::Index k = static_cast<Eigen::Index>(j);
      EXPECT_NEAR(coef.estimate, want.beta[k], 1e-9 * (1 + std::abs(want.beta[k])));
      EXPECT_NEAR(coef.se, want.se[k], 1e-7 * want.se[k]);
      EXPECT_NEAR(coef.cluster_se, want.cluster_se[k], 1e-7 * want.cluster_se[k]);
      EXPECT_DOUBLE_EQ(coef.t, coef.estimate / coef.se);
    }
    EXPECT_EQ(got->coefficients[0].name, "agreement");
    // R^2 over the weighted mean, from the reference's residuals.
    double ybar = 0, wsum = 0;
    for (size_t i = 0; i < rows.y.size(); ++i) {
      ybar += rows.w[i] * rows.y[i];
      wsum += rows.w[i];
    }
    ybar /= wsum;
    double tss = 0, ssr = 0;
    for (size_t i = 0; i < rows.y.size(); ++i) {
      tss += rows.w[i] * (rows.y[i] - ybar) * (rows.y[i] - ybar);
      ssr += rows.w[i] * want.residual[static_cast<Eigen::Index>(i)] *
             want.residual[static_cast<Eigen::Index>(i)];
    }
    EXPECT_NEAR(got->r2, 1 - ssr / tss, 1e-9);
    EXPECT_GT(got->r2_within, 0);
    EXPECT_LT(got->r2_within, got->r2 + 1e-12);
  }
}

TEST(Leniency, RecoversAKnownSlope) {
  for (unsigned seed : {11u, 12u, 13u}) {
    SyntheticSpec spec;
    spec.seed = seed;
    spec.states = 60;
    const Synthetic syn = MakeSynthetic(spec);
    analytics::LeniencyOptions options;
    options.covariates.push_back({"same_group", syn.Group()});
    auto got = analytics::EstimateLeniency(syn.dyads, syn.Agreement(), options);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    const auto& agree = got->coefficients[0];
    const auto& group = got->coefficients[1];
    EXPECT_NEAR(agree.estimate, spec.slope, 4 * agree.se) << seed;
    EXPECT_NEAR(group.estimate, spec.group_slope, 4 * group.se) << seed;
    EXPECT_LT(agree.se, 0.05);
    EXPECT_NEAR(got->residual_se, spec.noise, 0.03);
    EXPECT_EQ(got->fixed_effects, 2 * spec.states - 1);
  }
}

TEST(Leniency, RefusesWhatItCannotEstimate) {
  const Synthetic syn = MakeSynthetic({});
  EXPECT_EQ(analytics::EstimateLeniency(syn.dyads, nullptr).status().code(),
            StatusCode::kInvalidArgument);
  // A covariate that is a property of the recommending state alone is its fixed effect.
  analytics::LeniencyOptions options;
  options.covariates.push_back(
      {"from_s0", [](std::string_view f, std::string_view) -> std::optional<double> {
         return f.back() == '0' ? 1.0 : 0.0;
       }});
  auto collinear = analytics::EstimateLeniency(syn.dyads, syn.Agreement(), options);
  EXPECT_EQ(collinear.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(collinear.status().message().find("from_s0"), std::string::npos);
  options.covariates = {{"agreement", syn.Agreement()}};
  EXPECT_EQ(analytics::EstimateLeniency(syn.dyads, syn.Agreement(), options).status().code(),
            StatusCode::kInvalidArgument);
  // Too few dyads for their fixed effects.
  const std::vector<Dyad> few(syn.dyads.begin(), syn.dyads.begin() + 3);
  EXPECT_EQ(analytics::EstimateLeniency(few, syn.Agreement()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(analytics::EstimateLeniency({}, syn.Agreement()).status().code(),
            StatusCode::kInvalidArgument);
}

// --- Double standards against a naive computation. ---

// R's type 7 quantile in Hyndman and Fan's form: with 1-based order statistics,
// j = floor(n p + 1 - p), g = n p + 1 - p - j.
double NaiveQuantile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double n = static_cast<double>(v.size());
  const double h = n * p + 1 - p;
  const int j = static_cast<int>(std::floor(h));
  const double g = h - j;
  const double lo = v[static_cast<size_t>(j - 1)];
  const double hi = j < static_cast<int>(v.size()) ? v[static_cast<size_t>(j)] : lo;
  return (1 - g) * lo + g * hi;
}

TEST(DoubleStandards, EqualTheirNaiveComputation) {
  SyntheticSpec spec;
  spec.min_action = 1;
  spec.max_action = 9;
  spec.missing = 0.1;
  spec.states = 40;
  const Synthetic syn = MakeSynthetic(spec);
  for (Outcome outcome : {Outcome::kMeanAction, Outcome::kNotedShare}) {
    for (bool adjust : {true, false}) {
      SCOPED_TRACE(std::string(analytics::OutcomeName(outcome)) + (adjust ? " adjusted" : ""));
      analytics::DoubleStandardsOptions options;
      options.outcome = outcome;
      options.adjust = adjust;
      options.min_recs = 3;
      options.min_dyads = 10;
      auto got = analytics::DoubleStandards(syn.dyads, syn.Agreement(), options);
      ASSERT_TRUE(got.ok());
      std::map<std::string, analytics::DoubleStandard> by_from;
      for (const auto& ds : *got) by_from[ds.from] = ds;
      ASSERT_EQ(by_from.size(), got->size());
      for (size_t i = 1; i < got->size(); ++i) EXPECT_GE((*got)[i - 1].index, (*got)[i].index);

      auto num = [&](const Dyad& d) {
        return static_cast<double>(outcome == Outcome::kMeanAction ? d.action_sum : d.noted);
      };
      auto den = [&](const Dyad& d) {
        return static_cast<double>(outcome == Outcome::kMeanAction ? d.with_action : d.count);
      };
      size_t expected_states = 0;
      for (int f = 0; f < spec.states; ++f) {
        const std::string from = Name(f);
        std::vector<double> xs, ys;
        for (const Dyad& d : syn.dyads) {
          if (d.from != from || den(d) < 3) continue;
          auto a = syn.agreement.find({d.from, d.sur});
          if (a == syn.agreement.end()) continue;
          double y = num(d) / den(d);
          if (adjust) {
            double rn = 0, rd = 0;
            for (const Dyad& other : syn.dyads) {
              if (other.sur != d.sur || other.from == from) continue;
              rn += num(other);
              rd += den(other);
            }
            if (rd == 0) continue;
            y -= rn / rd;
          }
          xs.push_back(a->second);
          ys.push_back(y);
        }
        if (xs.size() < 10) continue;
        const double q1 = NaiveQuantile(xs, 0.25), q3 = NaiveQuantile(xs, 0.75);
        if (!(q1 < q3)) continue;
        ++expected_states;
        ASSERT_EQ(by_from.count(from), 1u) << from;
        const auto& ds = by_from[from];
        EXPECT_EQ(ds.dyads, static_cast<int64_t>(xs.size()));
        EXPECT_NEAR(ds.q1, q1, 1e-12);
        EXPECT_NEAR(ds.q3, q3, 1e-12);
        double lo_sum = 0, hi_sum = 0;
        int lo = 0, hi = 0;
        for (size_t i = 0; i < xs.size(); ++i) {
          if (xs[i] <= q1 + 1e-12) {
            lo_sum += ys[i];
            ++lo;
          }
          if (xs[i] >= q3 - 1e-12) {
            hi_sum += ys[i];
            ++hi;
          }
        }
        EXPECT_EQ(ds.rivals, lo);
        EXPECT_EQ(ds.allies, hi);
        EXPECT_NEAR(ds.index, lo_sum / lo - hi_sum / hi, 1e-12);
        // The slope and its textbook standard error from a least-squares fit with intercept.
        const Eigen::Index n = static_cast<Eigen::Index>(xs.size());
        Eigen::MatrixXd design(n, 2);
        Eigen::VectorXd yv(n);
        for (Eigen::Index i = 0; i < n; ++i) {
          design(i, 0) = 1;
          design(i, 1) = xs[static_cast<size_t>(i)];
          yv[i] = ys[static_cast<size_t>(i)];
        }
        const Eigen::VectorXd b = design.colPivHouseholderQr().solve(yv);
        const double s2 = (yv - design * b).squaredNorm() / static_cast<double>(n - 2);
        const Eigen::MatrixXd v = s2 * (design.transpose() * design).inverse();
        EXPECT_NEAR(ds.slope, b[1], 1e-9);
        EXPECT_NEAR(ds.slope_se, std::sqrt(v(1, 1)), 1e-9);
      }
      EXPECT_EQ(got->size(), expected_states);
      EXPECT_GT(expected_states, 10u);
    }
  }
  EXPECT_EQ(analytics::DoubleStandards(syn.dyads, nullptr).status().code(),
            StatusCode::kInvalidArgument);
}

// --- Reciprocity against a naive computation. ---

double NaivePearson(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= static_cast<double>(x.size());
  my /= static_cast<double>(y.size());
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

TEST(Reciprocity, EqualsTheNaiveDoubleEntryCorrelation) {
  SyntheticSpec spec;
  spec.min_action = 1;
  spec.max_action = 6;
  spec.states = 25;
  spec.density = 0.7;
  const Synthetic syn = MakeSynthetic(spec);
  for (Outcome outcome : {Outcome::kMeanAction, Outcome::kNotedShare}) {
    SCOPED_TRACE(analytics::OutcomeName(outcome));
    analytics::ReciprocityOptions options;
    options.outcome = outcome;
    options.min_recs = 2;
    auto got = analytics::Reciprocity(syn.dyads, options);
    ASSERT_TRUE(got.ok());
    // The usable dyads, their residuals off both states' effects (dense dummy regression).
    std::vector<const Dyad*> usable;
    std::vector<double> y;
    std::vector<std::string> from, sur;
    for (const Dyad& d : syn.dyads) {
      const int64_t base = outcome == Outcome::kMeanAction ? d.with_action : d.count;
      if (d.from == "unknown" || base < 2) continue;
      usable.push_back(&d);
      y.push_back(static_cast<double>(outcome == Outcome::kMeanAction ? d.action_sum : d.noted) /
                  static_cast<double>(base));
      from.push_back(d.from);
      sur.push_back(d.sur);
    }
    const DenseFit fit = DenseDummyFit(y, std::vector<std::vector<double>>(y.size()), from, sur,
                                       std::vector<double>(y.size(), 1.0));
    std::vector<double> x1, x2, r1, r2;
    for (size_t i = 0; i < usable.size(); ++i) {
      for (size_t j = 0; j < usable.size(); ++j) {
        if (usable[j]->from != usable[i]->sur || usable[j]->sur != usable[i]->from) continue;
        // Each ordered pair once: both orders of every unordered pair (double entry).
        x1.push_back(y[i]);
        x2.push_back(y[j]);
        r1.push_back(fit.residual[static_cast<Eigen::Index>(i)]);
        r2.push_back(fit.residual[static_cast<Eigen::Index>(j)]);
      }
    }
    EXPECT_EQ(got->fitted_dyads, static_cast<int64_t>(usable.size()));
    EXPECT_EQ(got->pairs * 2, static_cast<int64_t>(x1.size()));
    EXPECT_GT(got->pairs, 50);
    ASSERT_TRUE(got->correlation && got->adjusted_correlation);
    EXPECT_NEAR(*got->correlation, NaivePearson(x1, x2), 1e-12);
    EXPECT_NEAR(*got->adjusted_correlation, NaivePearson(r1, r2), 1e-9);
  }
}

TEST(Reciprocity, IsOneWhenEachPairMirrorsAndUndefinedWithoutPairs) {
  std::vector<Dyad> dyads;
  for (int a = 0; a < 8; ++a)
    for (int b = a + 1; b < 8; ++b) {
      const int64_t sum = (a * 7 + b * 3) % 11 + 4;  // same both ways
      dyads.push_back({Name(a), Name(b), 4, 4, 0, 0, 4, sum});
      dyads.push_back({Name(b), Name(a), 4, 4, 0, 0, 4, sum});
    }
  auto got = analytics::Reciprocity(dyads);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->pairs, 28);
  ASSERT_TRUE(got->correlation.has_value());
  EXPECT_NEAR(*got->correlation, 1.0, 1e-12);
  const std::vector<Dyad> one_way = {{Name(0), Name(1), 2, 2, 0, 0, 2, 6}};
  auto none = analytics::Reciprocity(one_way);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->pairs, 0);
  EXPECT_FALSE(none->correlation.has_value());
}

// --- The real data. ---

class PoliticizationRealData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = ImportRealData(SessionFiles()).release();
    if (!data_) return;
    auto index = engine::Index::Build(*data_->store);
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = std::move(index).value().release();
  }
  static void TearDownTestSuite() {
    delete index_;
    delete data_;
  }
  void SetUp() override { ASSERT_NE(index_, nullptr); }

  static Filters F(std::initializer_list<std::pair<const char*, const char*>> values) {
    Filters f;
    for (const auto& [field, value] : values) EXPECT_TRUE(AddFilterValue(f, field, value).ok());
    return f;
  }
  // The stand-in for vote agreement until analytics/votes.h gives it: 1 for two states of the
  // same UN regional group, 0 otherwise; none for a state without a group.
  static std::optional<double> SameGroup(std::string_view from, std::string_view sur) {
    const StateInfo* f = FindStateByIso3(from);
    const StateInfo* s = FindStateByIso3(sur);
    if (!f || !s || f->region == Region::kNone || s->region == Region::kNone) return std::nullopt;
    return f->region == s->region ? 1.0 : 0.0;
  }

  static RealDataStore* data_;
  static engine::Index* index_;
};
RealDataStore* PoliticizationRealData::data_ = nullptr;
engine::Index* PoliticizationRealData::index_ = nullptr;

TEST_F(PoliticizationRealData, EngineSeverityEqualsSqlOverSelections) {
  struct Sel {
    const char* query;
    Filters filters;
    int64_t top;
  };
  const std::vector<Sel> selections = {
      {"", {}, 0},
      {"", {}, 25},
      {"", F({{"cycle", "1"}}), 0},
      {"", F({{"cycle", "2"}}), 0},
      {"", F({{"theme", "Women's rights"}}), 0},
      {"", F({{"theme", "CP rights - general"}}), 0},
      {"", F({{"region", "african"}, {"from-region", "weog"}}), 0},
      {"", F({{"sur", "CHN"}}), 0},  // small: the sparse count
      {"", F({{"from", "unknown"}}), 0},
      {"", F({{"action", "unknown,5"}, {"response", "noted"}}), 0},
      {"torture", {}, 0},
      {"women AND NOT girls", F({{"session", "10-17"}}), 40},
      {"NOT ratify", {}, 0},  // more than half: the whole index's table minus the rest
      {"", F({{"response", "supported"}}), 30},
      {"", F({{"sur", "CHN"}, {"from", "CHN"}}), 0},  // no record
  };
  for (const Sel& s : selections) {
    SCOPED_TRACE(std::string("query '") + s.query + "', top " + std::to_string(s.top));
    auto want = analytics::ComputeDyads(*data_->store, s.query, s.filters, s.top);
    auto got = index_->Dyads(s.query, s.filters, s.top);
    ASSERT_TRUE(want.ok()) << want.status().ToString();
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(SeverityJson(*got), SeverityJson(*want));
  }
  // The SQL reference's counts are those of the group-by by {from, sur}.
  auto stats = analytics::ComputeStats(
      *data_->store, {{analytics::Dimension::kFrom, analytics::Dimension::kSur}, {}, "", false, 0});
  auto dyads = analytics::ComputeDyads(*data_->store, "", {}, 0);
  ASSERT_TRUE(stats.ok() && dyads.ok());
  ASSERT_EQ(stats->rows.size(), dyads->dyads.size());
  int64_t with_action = 0;
  for (size_t i = 0; i < dyads->dyads.size(); ++i) {
    const Dyad& d = dyads->dyads[i];
    const auto& row = stats->rows[i];
    EXPECT_EQ(Pair(d.from, d.sur), Pair(row.keys[0], row.keys[1]));
    EXPECT_EQ(d.count, row.count);
    EXPECT_EQ(d.noted, row.noted);
    EXPECT_LE(d.with_action, d.count);
    EXPECT_GE(d.action_sum, d.with_action);
    EXPECT_LE(d.action_sum, 5 * d.with_action);
    with_action += d.with_action;
  }
  // With an action filter of 1-5, every counted recommendation has one.
  auto known = analytics::ComputeDyads(*data_->store, "", F({{"action", "1,2,3,4,5"}}), 0);
  ASSERT_TRUE(known.ok());
  int64_t known_count = 0;
  for (const Dyad& d : known->dyads) known_count += d.count;
  EXPECT_EQ(with_action, known_count);
}

TEST_F(PoliticizationRealData, MeasuresOverTheWholeRecordWithAStandInAgreement) {
  // Not the real agreement: printed for the record (docs/politicization.md), checked for sanity.
  for (const auto& [name, filters] : std::vector<std::pair<std::string, Filters>>{
           {"whole record", {}},
           {"Women's rights", F({{"theme", "Women's rights"}})},
           {"CP rights - general", F({{"theme", "CP rights - general"}})}}) {
    auto dyads = index_->Dyads("", filters, 0);
    ASSERT_TRUE(dyads.ok());
    for (Outcome outcome : {Outcome::kMeanAction, Outcome::kNotedShare}) {
      analytics::LeniencyOptions options;
      options.outcome = outcome;
      auto fit = analytics::EstimateLeniency(dyads->dyads, SameGroup, options);
      ASSERT_TRUE(fit.ok()) << fit.status().ToString();
      const auto& c = fit->coefficients[0];
      EXPECT_TRUE(std::isfinite(c.estimate) && c.se > 0 && c.cluster_se > 0);
      EXPECT_GT(fit->dyads, 100);
      EXPECT_GT(fit->dof, 0);
      auto rec = analytics::Reciprocity(dyads->dyads, {outcome, 1});
      ASSERT_TRUE(rec.ok());
      // A theme's few reciprocated pairs may leave it undefined.
      if (name == "whole record") {
        EXPECT_GT(rec->pairs, 1000);
      }
      if (rec->correlation) {
        EXPECT_LE(std::abs(*rec->correlation), 1.0);
      }
      std::cout << name << ", " << analytics::OutcomeName(outcome) << ": same-group coefficient "
                << c.estimate << " (se " << c.se << ", clustered " << c.cluster_se << ", t " << c.t
                << "), " << fit->dyads << " dyads, " << fit->from_states << " + " << fit->sur_states
                << " states, " << fit->fixed_effects << " fixed effects, R2 " << fit->r2
                << " (within " << fit->r2_within << "); reciprocity "
                << rec->correlation.value_or(NAN) << " (adjusted "
                << rec->adjusted_correlation.value_or(NAN) << ") over " << rec->pairs << " pairs\n";
    }
    auto ds = analytics::DoubleStandards(dyads->dyads, SameGroup, {});
    ASSERT_TRUE(ds.ok());
    // A 0/1 stand-in has its quartiles at 0 and 1 only for states with enough of both.
    std::cout << name << ": double standards for " << ds->size() << " states";
    for (size_t i = 0; i < std::min<size_t>(3, ds->size()); ++i)
      std::cout << (i ? ", " : ": ") << (*ds)[i].from << " " << (*ds)[i].index << " ("
                << (*ds)[i].dyads << " dyads)";
    std::cout << "\n";
  }
}

}  // namespace
}  // namespace openupr::testing

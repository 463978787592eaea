// Vote analytics (issue 15, item 2): agreement (pair, matrix, most alike), cohesion (Hix-Noury-
// Roland) and ideal points, each checked against a computation written here another way: naive
// loops over the cells for agreement and cohesion, and for ideal points a centered matrix built
// here and its leading eigenvectors found by power iteration (no Eigen). On random matrices with
// a fixed seed (every kind of cast, absents, subsets of roll calls) and on the real voting record
// (../shared/data/hrc-votes), read with the ingest module's reader.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "analytics/votes.h"
#include "core/states.h"
#include "ingest/hrc_votes.h"
#include "test_util.h"

namespace openupr::analytics {
namespace {

constexpr VoteCast kCasts[] = {VoteCast::kAbsent,  VoteCast::kYes,       VoteCast::kNo,
                               VoteCast::kAbstain, VoteCast::kNonVoting, VoteCast::kBlank};

std::string Code(size_t i) {
  std::string s = "S000";
  s[1] = static_cast<char>('0' + i / 100 % 10);
  s[2] = static_cast<char>('0' + i / 10 % 10);
  s[3] = static_cast<char>('0' + i % 10);
  return s;
}

// Every kind of cast, absents most common; a few states absent for long runs (not members).
VoteMatrix RandomMatrix(size_t states, size_t roll_calls, uint32_t seed) {
  std::mt19937 rng(seed);
  std::discrete_distribution<int> kind({30, 30, 15, 15, 5, 5});
  VoteMatrix m;
  for (size_t s = 0; s < states; ++s) m.states.push_back(Code(s));
  m.roll_calls = roll_calls;
  m.votes.resize(states * roll_calls);
  for (size_t s = 0; s < states; ++s) {
    const size_t gap_from = rng() % roll_calls, gap_len = s % 5 == 0 ? roll_calls / 3 : 0;
    for (size_t r = 0; r < roll_calls; ++r) {
      const bool away = r >= gap_from && r < gap_from + gap_len;
      m.votes[s * roll_calls + r] = away ? VoteCast::kAbsent : kCasts[kind(rng)];
    }
  }
  return m;
}

// Selections of the kinds callers make: all, a period (contiguous, not word-aligned), scattered
// (a text query), sparse (a few roll calls across many words), a single roll call, none.
std::map<std::string, std::vector<uint32_t>> Selections(size_t roll_calls, uint32_t seed) {
  std::mt19937 rng(seed);
  std::map<std::string, std::vector<uint32_t>> sel;
  for (uint32_t r = 0; r < roll_calls; ++r) {
    sel["all"].push_back(r);
    if (r >= roll_calls / 4 && r < roll_calls * 3 / 4 + 3) sel["period"].push_back(r);
    if (rng() % 3 == 0) sel["scattered"].push_back(r);
    if (r % 9 == 4) sel["sparse"].push_back(r);  // gathered into fewer words (700 roll calls)
  }
  sel["one"] = {static_cast<uint32_t>(roll_calls / 2)};
  sel["none"] = {};
  return sel;
}

bool Voted(VoteCast c) {
  return c == VoteCast::kYes || c == VoteCast::kNo || c == VoteCast::kAbstain;
}

PairAgreement NaiveAgreement(const VoteMatrix& m, size_t a, size_t b,
                             const std::vector<uint32_t>& sel) {
  PairAgreement p;
  for (uint32_t r : sel) {
    const VoteCast x = m.votes[a * m.roll_calls + r], y = m.votes[b * m.roll_calls + r];
    if (!Voted(x) || !Voted(y)) continue;
    ++p.both;
    if (x == y) ++p.alike;
  }
  return p;
}

TEST(VoteAnalytics, BadMatricesAndSelectionsAreRefused) {
  VoteMatrix m = RandomMatrix(4, 10, 1);
  EXPECT_TRUE(CheckVoteMatrix(m).ok());
  VoteMatrix short_m = m;
  short_m.votes.pop_back();
  EXPECT_EQ(VoteBits::Build(short_m).status().code(), StatusCode::kInvalidArgument);
  VoteMatrix bad_cast = m;
  bad_cast.votes[7] = static_cast<VoteCast>(9);
  EXPECT_EQ(VoteBits::Build(bad_cast).status().code(), StatusCode::kInvalidArgument);
  // Cohesion and ideal points check the cells they read: state 0's roll call 7.
  const auto every = AllRollCalls(10);
  auto cohesion = GroupCohesion(bad_cast, std::vector<uint32_t>{1, 0}, every);
  EXPECT_EQ(cohesion.status().message(),
            "vote matrix: state 'S000', roll call 7: cast 9 is not a VoteCast");
  EXPECT_EQ(ComputeIdealPoints(bad_cast, every).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(GroupCohesion(bad_cast, std::vector<uint32_t>{1, 2}, every).ok());
  VoteMatrix twice = m;
  twice.states[3] = twice.states[1];
  EXPECT_NE(CheckVoteMatrix(twice).message().find("listed twice"), std::string::npos);

  auto bits = VoteBits::Build(m);
  ASSERT_TRUE(bits.ok());
  const std::vector<uint32_t> unsorted = {3, 2}, repeated = {2, 2}, beyond = {1, 10};
  for (const auto* sel : {&unsorted, &repeated, &beyond}) {
    EXPECT_EQ(bits->Matrix(*sel).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(bits->Agreement(0, 1, *sel).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(bits->MostAlike(0, *sel).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(GroupCohesion(m, std::vector<uint32_t>{0, 1}, *sel).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(ComputeIdealPoints(m, *sel).status().code(), StatusCode::kInvalidArgument);
  }
  const auto all = AllRollCalls(10);
  EXPECT_EQ(bits->Agreement(0, 4, all).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bits->MostAlike(4, all).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(GroupCohesion(m, std::vector<uint32_t>{0, 4}, all).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(GroupCohesion(m, std::vector<uint32_t>{2, 2}, all).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(bits->FindState("S002"), 2u);
  EXPECT_EQ(bits->FindState("XXX"), std::nullopt);
}

TEST(VoteAnalytics, AgreementMatrixAndPairsEqualNaiveLoops) {
  // 700 roll calls: eleven words, the last one partly used.
  const VoteMatrix m = RandomMatrix(37, 700, 42);
  auto bits = VoteBits::Build(m);
  ASSERT_TRUE(bits.ok());
  for (const auto& [name, sel] : Selections(m.roll_calls, 7)) {
    SCOPED_TRACE(name);
    auto matrix = bits->Matrix(sel);
    ASSERT_TRUE(matrix.ok()) << matrix.status().ToString();
    ASSERT_EQ(matrix->states, m.states.size());
    for (size_t a = 0; a < m.states.size(); ++a) {
      for (size_t b = 0; b < m.states.size(); ++b) {
        const PairAgreement want = NaiveAgreement(m, a, b, sel);
        ASSERT_EQ(matrix->At(a, b).both, want.both) << a << " " << b;
        ASSERT_EQ(matrix->At(a, b).alike, want.alike) << a << " " << b;
        if ((a * 7 + b) % 11 == 0) {
          auto pair = bits->Agreement(a, b, sel);
          ASSERT_TRUE(pair.ok());
          EXPECT_EQ(pair->both, want.both);
          EXPECT_EQ(pair->alike, want.alike);
        }
      }
      // The diagonal: the state's own votes.
      size_t own = 0;
      for (uint32_t r : sel) own += Voted(m.At(a, r));
      EXPECT_EQ(matrix->At(a, a).both, own);
      EXPECT_EQ(matrix->At(a, a).alike, own);
    }
  }
}

TEST(VoteAnalytics, NoSharedVoteIsACountOfZeroAndNoShare) {
  VoteMatrix m;
  m.states = {"AAA", "BBB", "CCC"};
  m.roll_calls = 4;
  using V = VoteCast;
  m.votes = {V::kYes,    V::kNo,     V::kAbsent, V::kAbsent,     // AAA
             V::kAbsent, V::kAbsent, V::kYes,    V::kNonVoting,  // BBB: never with AAA
             V::kBlank,  V::kYes,    V::kYes,    V::kAbstain};   // CCC
  auto bits = VoteBits::Build(m);
  ASSERT_TRUE(bits.ok());
  auto ab = bits->Agreement(0, 1, AllRollCalls(4));
  ASSERT_TRUE(ab.ok());
  EXPECT_EQ(ab->both, 0u);
  EXPECT_FALSE(ab->share().has_value());
  auto ac = bits->Agreement(0, 2, AllRollCalls(4));
  ASSERT_TRUE(ac.ok());
  EXPECT_EQ(ac->both, 1u);  // roll call 1 only: AAA no, CCC yes; blank is no vote
  EXPECT_EQ(ac->alike, 0u);
  EXPECT_EQ(ac->share(), 0.0);
  auto none = bits->Matrix({});
  ASSERT_TRUE(none.ok());
  for (const PairAgreement& p : none->cells) EXPECT_FALSE(p.share().has_value());
  // Not ranked: no shared vote, even with a minimum of 0.
  auto alike = bits->MostAlike(0, AllRollCalls(4), 0);
  ASSERT_TRUE(alike.ok());
  ASSERT_EQ(alike->size(), 1u);
  EXPECT_EQ((*alike)[0].iso3, "CCC");
}

TEST(VoteAnalytics, MostAlikeRanksByShareThenIso3AboveTheMinimum) {
  const VoteMatrix m = RandomMatrix(41, 700, 3);
  auto bits = VoteBits::Build(m);
  ASSERT_TRUE(bits.ok());
  for (const auto& [name, sel] : Selections(m.roll_calls, 9)) {
    for (uint32_t min_shared : {0u, 20u, 60u}) {
      SCOPED_TRACE(name + " min " + std::to_string(min_shared));
      const size_t state = 5;
      struct Row {
        double share;
        std::string iso3;
        PairAgreement p;
      };
      std::vector<Row> want;
      for (size_t b = 0; b < m.states.size(); ++b) {
        const PairAgreement p = NaiveAgreement(m, state, b, sel);
        if (b != state && p.both > 0 && p.both >= min_shared)
          want.push_back({static_cast<double>(p.alike) / p.both, m.states[b], p});
      }
      std::sort(want.begin(), want.end(), [](const Row& l, const Row& r) {
        return l.share != r.share ? l.share > r.share : l.iso3 < r.iso3;
      });
      auto got = bits->MostAlike(state, sel, min_shared);
      ASSERT_TRUE(got.ok());
      ASSERT_EQ(got->size(), want.size());
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ((*got)[i].iso3, want[i].iso3) << i;
        EXPECT_EQ((*got)[i].agreement.both, want[i].p.both);
        EXPECT_EQ((*got)[i].agreement.alike, want[i].p.alike);
        EXPECT_EQ(m.states[(*got)[i].state], (*got)[i].iso3);
      }
    }
  }
  // Ties by ISO3: ZZZ and MMM agree with AAA on 1 of 2 shared votes, KKK on 2 of 4: all 1/2.
  VoteMatrix t;
  t.states = {"AAA", "ZZZ", "MMM", "KKK"};
  t.roll_calls = 4;
  using V = VoteCast;
  // clang-format off
  t.votes = {V::kYes, V::kNo,  V::kYes,    V::kNo,       // AAA
             V::kYes, V::kYes, V::kAbsent, V::kAbsent,   // ZZZ
             V::kNo,  V::kNo,  V::kAbsent, V::kAbsent,   // MMM
             V::kYes, V::kYes, V::kYes,    V::kYes};     // KKK
  // clang-format on
  auto tb = VoteBits::Build(t);
  ASSERT_TRUE(tb.ok());
  auto ranked = tb->MostAlike(0, AllRollCalls(4), 2);
  ASSERT_TRUE(ranked.ok());
  ASSERT_EQ(ranked->size(), 3u);
  EXPECT_EQ((*ranked)[0].iso3, "KKK");
  EXPECT_EQ((*ranked)[1].iso3, "MMM");
  EXPECT_EQ((*ranked)[2].iso3, "ZZZ");
}

TEST(VoteAnalytics, CohesionEqualsTheIndexComputedPerRollCall) {
  // The formula's fixed points.
  EXPECT_EQ(AgreementIndex(10, 0, 0), 1.0);
  EXPECT_EQ(AgreementIndex(4, 4, 4), 0.0);
  EXPECT_DOUBLE_EQ(*AgreementIndex(2, 1, 0), 0.5);
  EXPECT_EQ(AgreementIndex(1, 0, 0), std::nullopt);
  EXPECT_EQ(AgreementIndex(0, 0, 0), std::nullopt);

  const VoteMatrix m = RandomMatrix(60, 500, 11);
  const std::vector<uint32_t> group = {3, 17, 4, 40, 41, 59, 8, 22, 30};
  for (const auto& [name, sel] : Selections(m.roll_calls, 5)) {
    SCOPED_TRACE(name);
    auto c = GroupCohesion(m, group, sel);
    ASSERT_TRUE(c.ok());
    size_t used = 0, skipped = 0;
    double sum = 0;
    std::vector<RollCallCohesion> want;
    for (uint32_t r : sel) {
      int y = 0, n = 0, a = 0;
      for (uint32_t s : group) {
        const VoteCast v = m.At(s, r);
        y += v == VoteCast::kYes;
        n += v == VoteCast::kNo;
        a += v == VoteCast::kAbstain;
      }
      const int total = y + n + a;
      if (total < 2) {
        ++skipped;
        continue;
      }
      // (max - (total - max) / 2) / total, rearranged.
      const double ai = (3.0 * std::max(y, std::max(n, a)) - total) / (2.0 * total);
      want.push_back({r, y, n, a, ai});
      sum += ai;
      ++used;
    }
    EXPECT_EQ(c->roll_calls_used, used);
    EXPECT_EQ(c->roll_calls_skipped, skipped);
    ASSERT_EQ(c->per_roll_call.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(c->per_roll_call[i].roll_call, want[i].roll_call);
      EXPECT_EQ(c->per_roll_call[i].yes, want[i].yes);
      EXPECT_EQ(c->per_roll_call[i].no, want[i].no);
      EXPECT_EQ(c->per_roll_call[i].abstain, want[i].abstain);
      EXPECT_NEAR(c->per_roll_call[i].ai, want[i].ai, 1e-12);
    }
    if (used == 0) {
      EXPECT_FALSE(c->mean_ai.has_value());
    } else {
      ASSERT_TRUE(c->mean_ai.has_value());
      EXPECT_NEAR(*c->mean_ai, sum / used, 1e-12);
    }
  }
  // A group of one never has 2 members voting: no mean, every roll call skipped.
  auto alone = GroupCohesion(m, std::vector<uint32_t>{7}, AllRollCalls(m.roll_calls));
  ASSERT_TRUE(alone.ok());
  EXPECT_FALSE(alone->mean_ai.has_value());
  EXPECT_EQ(alone->roll_calls_skipped, m.roll_calls);
}

// ---- Ideal points: an independent reference --------------------------------------------------

// The centered matrix as ComputeIdealPoints documents it, built roll call by roll call from maps
// of the cells, and its two leading eigenpairs of X X^T by power iteration with deflation.
struct Reference {
  std::vector<std::string> states;     // kept, in matrix order
  std::vector<std::vector<double>> x;  // states x kept roll calls
  size_t lopsided = 0;
  std::vector<std::vector<double>> vec;  // the 2 leading eigenvectors, scaled by sqrt(eigenvalue)
  double share[2] = {0, 0};
};

Reference BuildReference(const VoteMatrix& m, const std::vector<uint32_t>& sel, uint32_t min_votes,
                         double cutoff) {
  Reference ref;
  std::vector<uint32_t> kept_rc;
  for (uint32_t r : sel) {
    std::map<VoteCast, int> count;
    for (size_t s = 0; s < m.states.size(); ++s)
      if (Voted(m.At(s, r))) ++count[m.At(s, r)];
    int cast = 0, top = 0;
    for (const auto& [v, n] : count) {
      cast += n;
      top = std::max(top, n);
    }
    if (cast == 0 || cast - top == 0 || (cast - top) < cutoff * cast)
      ++ref.lopsided;
    else
      kept_rc.push_back(r);
  }
  std::vector<size_t> kept_states;
  for (size_t s = 0; s < m.states.size(); ++s) {
    uint32_t n = 0;
    for (uint32_t r : kept_rc) n += Voted(m.At(s, r));
    if (n >= min_votes && n > 0) kept_states.push_back(s);
  }
  auto value = [](VoteCast v) {
    return v == VoteCast::kYes ? 1.0 : v == VoteCast::kNo ? 0.0 : 0.5;
  };
  ref.x.assign(kept_states.size(), std::vector<double>(kept_rc.size(), 0.0));
  for (size_t j = 0; j < kept_rc.size(); ++j) {
    std::vector<double> cast;
    for (size_t s : kept_states)
      if (Voted(m.At(s, kept_rc[j]))) cast.push_back(value(m.At(s, kept_rc[j])));
    double mean = 0;
    for (double v : cast) mean += v / cast.size();
    for (size_t i = 0; i < kept_states.size(); ++i) {
      const VoteCast v = m.At(kept_states[i], kept_rc[j]);
      ref.x[i][j] = Voted(v) ? value(v) - mean : 0.0;
    }
  }
  for (size_t s : kept_states) ref.states.push_back(m.states[s]);

  const size_t n = kept_states.size(), k = kept_rc.size();
  double total = 0;
  for (const auto& row : ref.x)
    for (double v : row) total += v * v;
  std::vector<std::vector<double>> found;
  for (int d = 0; d < 2; ++d) {
    std::vector<double> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = 1.0 + 0.37 * std::sin(1.0 + i * (d + 2.0));
    double lambda = 0;
    for (int iter = 0; iter < 20000; ++iter) {
      std::vector<double> t(k, 0.0), w(n, 0.0);  // t = X^T v, w = X t
      for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < k; ++j) t[j] += ref.x[i][j] * v[i];
      for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < k; ++j) w[i] += ref.x[i][j] * t[j];
      for (const auto& u : found) {  // deflation: stay orthogonal to the earlier vectors
        double dot = 0;
        for (size_t i = 0; i < n; ++i) dot += w[i] * u[i];
        for (size_t i = 0; i < n; ++i) w[i] -= dot * u[i];
      }
      double norm = 0;
      for (double c : w) norm += c * c;
      norm = std::sqrt(norm);
      double change = 0;
      for (size_t i = 0; i < n; ++i) {
        w[i] /= norm;
        change = std::max(change, std::abs(std::abs(w[i]) - std::abs(v[i])));
      }
      v = w;
      lambda = norm;
      if (change < 1e-14 && iter > 10) break;
    }
    found.push_back(v);
    ref.share[d] = lambda / total;
    for (double& c : v) c *= std::sqrt(lambda);
    ref.vec.push_back(v);
  }
  return ref;
}

// Points against the reference, up to each dimension's sign.
void ExpectMatchesReference(const IdealPoints& got, const Reference& ref, double tol) {
  ASSERT_EQ(got.points.size(), ref.states.size());
  EXPECT_EQ(got.roll_calls_lopsided, ref.lopsided);
  EXPECT_NEAR(got.explained_x, ref.share[0], 1e-9);
  EXPECT_NEAR(got.explained_y, ref.share[1], 1e-9);
  for (int d = 0; d < 2; ++d) {
    double dot = 0;
    for (size_t i = 0; i < ref.states.size(); ++i)
      dot += (d == 0 ? got.points[i].x : got.points[i].y) * ref.vec[d][i];
    const double sign = dot < 0 ? -1 : 1;
    for (size_t i = 0; i < ref.states.size(); ++i) {
      ASSERT_EQ(got.points[i].iso3, ref.states[i]);
      EXPECT_NEAR(d == 0 ? got.points[i].x : got.points[i].y, sign * ref.vec[d][i], tol)
          << "dimension " << d << ", " << ref.states[i];
    }
  }
}

// States with a position in two dimensions voting by it with noise, on roll calls each with a
// direction and a cut; some absents, abstentions near the cut, some lopsided roll calls.
VoteMatrix SpatialMatrix(size_t states, size_t roll_calls, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<std::pair<double, double>> pos;
  for (size_t s = 0; s < states; ++s) pos.push_back({1.5 * normal(rng), 0.6 * normal(rng)});
  VoteMatrix m;
  for (size_t s = 0; s < states; ++s) m.states.push_back(Code(s));
  m.roll_calls = roll_calls;
  m.votes.assign(states * roll_calls, VoteCast::kAbsent);
  for (size_t r = 0; r < roll_calls; ++r) {
    const double angle = unit(rng) * 3.14159, cut = r % 10 == 0 ? 4.0 : normal(rng);
    for (size_t s = 0; s < states; ++s) {
      if (unit(rng) < (s % 9 == 0 ? 0.5 : 0.1)) continue;  // every ninth state often away
      const double u = std::cos(angle) * pos[s].first + std::sin(angle) * pos[s].second - cut +
                       0.5 * normal(rng);
      m.votes[s * roll_calls + r] = u > 0.3           ? VoteCast::kYes
                                    : u < -0.3        ? VoteCast::kNo
                                    : unit(rng) < 0.9 ? VoteCast::kAbstain
                                                      : VoteCast::kNonVoting;
    }
  }
  return m;
}

TEST(VoteAnalytics, IdealPointsEqualPowerIterationOnTheCenteredMatrix) {
  const VoteMatrix m = SpatialMatrix(45, 400, 17);
  std::vector<uint32_t> sel;
  for (uint32_t r = 0; r < m.roll_calls; ++r)
    if (r % 3 != 1) sel.push_back(r);
  IdealPointOptions options;
  // Drops the states often away (about 50% of some 230 contested roll calls), keeps the others
  // (about 90%).
  options.min_votes = 150;
  auto got = ComputeIdealPoints(m, sel, options);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  const Reference ref = BuildReference(m, sel, options.min_votes, options.min_minority_share);
  ExpectMatchesReference(*got, ref, 1e-6);
  EXPECT_GT(got->roll_calls_lopsided, 0u);
  EXPECT_FALSE(got->dropped.empty());
  EXPECT_EQ(got->points.size() + got->dropped.size(), m.states.size());
  for (const DroppedState& d : got->dropped) EXPECT_LT(d.votes, options.min_votes);
  for (const IdealPoint& p : got->points) {
    EXPECT_GE(p.votes, options.min_votes);
    EXPECT_EQ(m.states[p.state], p.iso3);
  }
  EXPECT_GT(got->explained_x, got->explained_y);
  // No USA here: the first kept state is the reference, with positive coordinates.
  EXPECT_EQ(got->reference_state, got->points[0].iso3);
  EXPECT_GT(got->points[0].x, 0);
  EXPECT_GT(got->points[0].y, 0);
  // Another reference flips a dimension exactly where it sits on the other side; the same input
  // gives the same output.
  options.reference_state = got->points[5].iso3;
  auto again = ComputeIdealPoints(m, sel, options);
  ASSERT_TRUE(again.ok());
  const double fx = got->points[5].x > 0 ? 1 : -1, fy = got->points[5].y > 0 ? 1 : -1;
  for (size_t i = 0; i < got->points.size(); ++i) {
    EXPECT_EQ(again->points[i].x, fx * got->points[i].x);
    EXPECT_EQ(again->points[i].y, fy * got->points[i].y);
  }
}

TEST(VoteAnalytics, IdealPointsSeparateTwoVotingBlocks) {
  // Two blocks of 12 voting against each other on contested roll calls, with 10% of cells
  // flipped or missing; the first dimension alone must separate them.
  std::mt19937 rng(5);
  VoteMatrix m;
  const size_t n = 24, k = 120;
  for (size_t s = 0; s < n; ++s) m.states.push_back(s == 3 ? "USA" : Code(s));
  m.roll_calls = k;
  for (size_t s = 0; s < n; ++s)
    for (size_t r = 0; r < k; ++r) {
      const bool block_a = s < n / 2;
      VoteCast v = (block_a == (r % 2 == 0)) ? VoteCast::kYes : VoteCast::kNo;
      const uint32_t roll = rng() % 20;
      if (roll == 0) v = v == VoteCast::kYes ? VoteCast::kNo : VoteCast::kYes;
      if (roll == 1) v = VoteCast::kAbsent;
      m.votes.push_back(v);
    }
  auto got = ComputeIdealPoints(m, AllRollCalls(k));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->points.size(), n);
  EXPECT_EQ(got->reference_state, "USA");
  for (size_t s = 0; s < n; ++s) EXPECT_EQ(got->points[s].x > 0, s < n / 2) << s;
  EXPECT_GT(got->explained_x, 0.5);
  // Too little: 2 states.
  VoteMatrix two = m;
  two.states.resize(2);
  two.votes.resize(2 * k);
  IdealPointOptions low;
  low.min_votes = 5;
  auto few = ComputeIdealPoints(two, AllRollCalls(k), low);
  EXPECT_EQ(few.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(few.status().message().find("2 states"), std::string::npos) << few.status().message();
  IdealPointOptions bad;
  bad.min_minority_share = 0.6;
  EXPECT_EQ(ComputeIdealPoints(m, AllRollCalls(k), bad).status().code(),
            StatusCode::kInvalidArgument);
}

// ---- The real voting record ------------------------------------------------------------------

// The record as the tests see it: the rows the reader gives, and the matrix built from them
// (roll calls by date then record id, states by ISO3).
struct RealRecord {
  std::vector<ingest::Resolution> resolutions;
  std::vector<ingest::CountryVote> votes;
  VoteMatrix matrix;
  std::vector<int64_t> record_of;  // roll-call index -> record_id
  std::vector<bool> council;       // roll-call index -> a vote of the Council
};

const RealRecord& Real() {
  static const RealRecord* record = [] {
    auto* rec = new RealRecord;
    const std::string dir = testing::DataDir() + "/hrc-votes/";
    auto res =
        ingest::ParseResolutions(testing::ReadAll(dir + "resolutions.csv"), "resolutions.csv");
    auto votes = ingest::ParseVotes(testing::ReadAll(dir + "votes_long.csv"), "votes_long.csv");
    if (!res.errors.empty() || !votes.errors.empty()) return rec;
    rec->resolutions = std::move(res.rows);
    rec->votes = std::move(votes.rows);
    std::map<int64_t, const ingest::Resolution*> by_id;
    for (const auto& r : rec->resolutions) by_id[r.record_id] = &r;
    std::set<std::pair<std::string, int64_t>> roll_calls;
    std::set<std::string> states;
    for (const auto& v : rec->votes) {
      states.insert(v.state);
      roll_calls.insert({by_id.count(v.record_id) ? by_id[v.record_id]->date : "", v.record_id});
    }
    std::map<int64_t, size_t> column;
    for (const auto& [date, id] : roll_calls) {
      column[id] = rec->record_of.size();
      rec->record_of.push_back(id);
      rec->council.push_back(by_id.count(id) && by_id[id]->body == "Human Rights Council");
    }
    rec->matrix.states.assign(states.begin(), states.end());
    rec->matrix.roll_calls = roll_calls.size();
    rec->matrix.votes.assign(states.size() * roll_calls.size(), VoteCast::kAbsent);
    std::map<std::string, size_t> row;
    for (size_t s = 0; s < rec->matrix.states.size(); ++s) row[rec->matrix.states[s]] = s;
    for (const auto& v : rec->votes) {
      const VoteCast c = v.vote == ingest::Vote::kYes         ? VoteCast::kYes
                         : v.vote == ingest::Vote::kNo        ? VoteCast::kNo
                         : v.vote == ingest::Vote::kAbstain   ? VoteCast::kAbstain
                         : v.vote == ingest::Vote::kNonVoting ? VoteCast::kNonVoting
                                                              : VoteCast::kBlank;
      rec->matrix.votes[row[v.state] * rec->matrix.roll_calls + column[v.record_id]] = c;
    }
    return rec;
  }();
  return *record;
}

// Agreement of two states counted from the reader's rows (record id -> vote), not the matrix.
PairAgreement RowsAgreement(const std::string& a, const std::string& b, bool council_only) {
  std::unordered_map<int64_t, std::pair<int, int>> votes;  // record -> (vote of a, vote of b)
  for (const auto& v : Real().votes) {
    const bool counted = v.vote == ingest::Vote::kYes || v.vote == ingest::Vote::kNo ||
                         v.vote == ingest::Vote::kAbstain;
    if (!counted) continue;
    auto& slot = votes.try_emplace(v.record_id, -1, -1).first->second;
    if (v.state == a) slot.first = static_cast<int>(v.vote);
    if (v.state == b) slot.second = static_cast<int>(v.vote);
  }
  std::set<int64_t> council;
  for (const auto& r : Real().resolutions)
    if (r.body == "Human Rights Council") council.insert(r.record_id);
  PairAgreement p;
  for (const auto& [id, ab] : votes) {
    if (council_only && !council.count(id)) continue;
    if (ab.first < 0 || ab.second < 0) continue;
    ++p.both;
    p.alike += ab.first == ab.second;
  }
  return p;
}

TEST(VoteAnalyticsRealData, AgreementEqualsCountsFromTheRowsIssue15) {
  const RealRecord& rec = Real();
  ASSERT_EQ(rec.matrix.roll_calls, 1705u);
  auto bits = VoteBits::Build(rec.matrix);
  ASSERT_TRUE(bits.ok()) << bits.status().ToString();
  const auto all = AllRollCalls(rec.matrix.roll_calls);
  std::vector<uint32_t> council;
  for (uint32_t r = 0; r < rec.matrix.roll_calls; ++r)
    if (rec.council[r]) council.push_back(r);
  auto full = bits->Matrix(all);
  auto hrc = bits->Matrix(council);
  ASSERT_TRUE(full.ok() && hrc.ok());
  std::map<std::pair<std::string, std::string>, double> share;
  for (auto [a, b] : {std::pair{"USA", "ISR"},
                      {"USA", "CUB"},
                      {"USA", "GBR"},
                      {"FRA", "DEU"},
                      {"CHN", "RUS"},
                      {"USA", "CHN"}}) {
    SCOPED_TRACE(std::string(a) + "-" + b);
    const size_t i = *bits->FindState(a), j = *bits->FindState(b);
    for (bool council_only : {false, true}) {
      const PairAgreement want = RowsAgreement(a, b, council_only);
      const PairAgreement& got = council_only ? hrc->At(i, j) : full->At(i, j);
      EXPECT_EQ(got.both, want.both) << council_only;
      EXPECT_EQ(got.alike, want.alike) << council_only;
      auto pair = bits->Agreement(i, j, council_only ? council : all);
      ASSERT_TRUE(pair.ok());
      EXPECT_EQ(pair->both, want.both);
      EXPECT_EQ(pair->alike, want.alike);
    }
    share[{a, b}] = full->At(i, j).share().value_or(-1);
  }
  // Israel never sat on the Council: few shared votes, and none there.
  EXPECT_LT(full->At(*bits->FindState("USA"), *bits->FindState("ISR")).both, 20u);
  EXPECT_EQ(hrc->At(*bits->FindState("USA"), *bits->FindState("ISR")).both, 0u);
  // Plausible facts: allies agree, rivals rarely.
  auto share_of = [&](const char* a, const char* b) { return share[{a, b}]; };
  EXPECT_GT(share_of("FRA", "DEU"), 0.9);
  EXPECT_LT(share_of("USA", "CUB"), 0.1);
  EXPECT_GT(share_of("CHN", "RUS"), share_of("USA", "CHN"));
  // Every pair over the Council's roll calls (a period: its bitsets masked) and over the roll
  // calls of odd record ids (scattered: gathered), against a loop over the cells.
  std::vector<uint32_t> odd;
  for (uint32_t r = 0; r < rec.matrix.roll_calls; ++r)
    if (rec.record_of[r] % 2 == 1) odd.push_back(r);
  auto scattered = bits->Matrix(odd);
  ASSERT_TRUE(scattered.ok());
  for (size_t a = 0; a < rec.matrix.states.size(); ++a)
    for (size_t b = a; b < rec.matrix.states.size(); ++b) {
      const PairAgreement want = NaiveAgreement(rec.matrix, a, b, council);
      ASSERT_EQ(hrc->At(a, b).both, want.both);
      ASSERT_EQ(hrc->At(b, a).alike, want.alike);
      const PairAgreement want_odd = NaiveAgreement(rec.matrix, a, b, odd);
      ASSERT_EQ(scattered->At(a, b).both, want_odd.both);
      ASSERT_EQ(scattered->At(b, a).alike, want_odd.alike);
    }
  // Those voting most like the United States on the Council include the United Kingdom, with
  // at least 20 shared votes each.
  auto alike = bits->MostAlike(*bits->FindState("USA"), council);
  ASSERT_TRUE(alike.ok());
  ASSERT_GE(alike->size(), 10u);
  for (const Neighbour& n : *alike) EXPECT_GE(n.agreement.both, 20u);
  bool gbr_in_top10 = false;
  for (size_t i = 0; i < 10; ++i) gbr_in_top10 |= (*alike)[i].iso3 == "GBR";
  EXPECT_TRUE(gbr_in_top10);
}

TEST(VoteAnalyticsRealData, WeogVotesMoreCohesivelyThanTheWholeCouncil) {
  const RealRecord& rec = Real();
  ASSERT_EQ(rec.matrix.roll_calls, 1705u);
  std::vector<uint32_t> council, weog, everyone;
  for (uint32_t r = 0; r < rec.matrix.roll_calls; ++r)
    if (rec.council[r]) council.push_back(r);
  for (uint32_t s = 0; s < rec.matrix.states.size(); ++s) {
    everyone.push_back(s);
    const StateInfo* info = FindStateByIso3(rec.matrix.states[s]);
    if (info && info->region == Region::kWesternEuropeanOthers) weog.push_back(s);
  }
  ASSERT_GE(weog.size(), 20u);
  auto w = GroupCohesion(rec.matrix, weog, council);
  auto all = GroupCohesion(rec.matrix, everyone, council);
  ASSERT_TRUE(w.ok() && all.ok());
  ASSERT_TRUE(w->mean_ai && all->mean_ai);
  EXPECT_GT(*w->mean_ai, *all->mean_ai + 0.1) << *w->mean_ai << " vs " << *all->mean_ai;
  // The whole Council votes on each of its roll calls; WEOG's mean against the rows.
  EXPECT_EQ(all->roll_calls_used, council.size());
  std::set<std::string> members;
  for (uint32_t s : weog) members.insert(rec.matrix.states[s]);
  std::map<int64_t, std::map<ingest::Vote, int>> counts;
  for (const auto& v : rec.votes)
    if (members.count(v.state)) ++counts[v.record_id][v.vote];
  double sum = 0;
  size_t used = 0;
  for (uint32_t r : council) {
    auto& c = counts[rec.record_of[r]];
    const int y = c[ingest::Vote::kYes], n = c[ingest::Vote::kNo], a = c[ingest::Vote::kAbstain];
    if (y + n + a < 2) continue;
    sum += (3.0 * std::max({y, n, a}) - (y + n + a)) / (2.0 * (y + n + a));
    ++used;
  }
  EXPECT_EQ(w->roll_calls_used, used);
  EXPECT_NEAR(*w->mean_ai, sum / used, 1e-12);
}

TEST(VoteAnalyticsRealData, IdealPointsEqualPowerIterationAndSplitTheUsFromCuba) {
  const RealRecord& rec = Real();
  ASSERT_EQ(rec.matrix.roll_calls, 1705u);
  std::vector<uint32_t> council;
  for (uint32_t r = 0; r < rec.matrix.roll_calls; ++r)
    if (rec.council[r]) council.push_back(r);
  auto got = ComputeIdealPoints(rec.matrix, council);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  const Reference ref = BuildReference(rec.matrix, council, 20, 0.025);
  ExpectMatchesReference(*got, ref, 1e-6);
  EXPECT_EQ(got->reference_state, "USA");
  std::map<std::string, IdealPoint> at;
  for (const IdealPoint& p : got->points) at[p.iso3] = p;
  ASSERT_TRUE(at.count("USA") && at.count("CUB") && at.count("GBR") && at.count("CHN"));
  EXPECT_GT(at["USA"].x, 0);
  EXPECT_GT(at["GBR"].x, 0);
  EXPECT_LT(at["CUB"].x, 0);
  EXPECT_LT(at["CHN"].x, 0);
}

}  // namespace
}  // namespace openupr::analytics

// Politicization measures on the UPR record (issue 15, item 3; method and caveats in
// docs/politicization.md): how severe the recommendations of one state to another are, and
// whether that severity follows the politics between them (Terman & Voeten 2018).
//
//  - The dyadic severity table: per (recommending state -> state under review) pair, the number
//    of recommendations, how many carry an action category (UPR Info's 1..5, McMahon's scale),
//    the sum of those categories (so the mean is action_sum / with_action) and the responses.
//    ComputeDyads is its SQL reference on the store; engine::Index::Dyads gives the same table
//    from memory, fast, over the same selections (filters and a full-text query).
//  - Leniency toward friends: a regression of the dyads' severity on the pair's vote agreement
//    (and optional pair covariates) with fixed effects for both states (EstimateLeniency).
//  - Double standards: per recommending state, how much softer it is with the states that vote
//    with it than with those that vote against it (DoubleStandards).
//  - Reciprocity: whether A's severity toward B goes with B's toward A (Reciprocity).
//
// The measures take a dyad table from either source, so they answer over any selection of the
// record. They are pure functions of their inputs: no I/O, thread-safe as long as the given
// functions (PairValue) are; results are the caller's. Vote agreement is an input (a function of
// the pair), to be given by analytics/votes.h; a pair it has no value for (never voted together) is
// left out.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/filters.h"
#include "core/status.h"
#include "store/store.h"

namespace openupr::analytics {

// Recommendations per (recommending state, state under review) pair. A recommendation with
// several recommending states counts once for each of them; one whose recommending state the
// source does not name counts for "unknown".
struct Dyad {
  std::string from;  // ISO3, or "unknown"
  std::string sur;   // ISO3
  int64_t count = 0;
  int64_t supported = 0;
  int64_t noted = 0;
  int64_t other = 0;
  int64_t with_action = 0;  // recommendations with a known action category (1..5)
  int64_t action_sum = 0;   // the sum of their categories

  // The mean action category over with_action; nullopt when none has one.
  std::optional<double> mean_action() const {
    if (with_action <= 0) return std::nullopt;
    return static_cast<double>(action_sum) / static_cast<double>(with_action);
  }
  // noted / count; nullopt when count is 0.
  std::optional<double> noted_share() const {
    if (count <= 0) return std::nullopt;
    return static_cast<double>(noted) / static_cast<double>(count);
  }
};

struct DyadResponse {
  int64_t total = 0;  // records in the selection
  // Records of the selection counted under a predicted action category or predicted themes
  // (store/filter_sql.h kPredictedSql): with_action and action_sum include their predicted
  // actions. 0 with Filters::source_labels_only.
  int64_t predicted = 0;
  int64_t pairs = 0;        // distinct pairs, before top_n
  std::vector<Dyad> dyads;  // by count descending, then from, then sur; at most top_n
};

// The SQL reference of the dyad table (and of engine::Index::Dyads): every dyad of the records
// matching query (search/query.h, may be empty) and filters, ordered as DyadResponse says
// ("unknown" after every ISO3). top_n <= 0: every pair. kInvalidArgument for a bad query; the
// store's errors. Uses the caller's Store; not thread-safe.
Result<DyadResponse> ComputeDyads(store::Store& store, const std::string& query,
                                  const Filters& filters, int64_t top_n);

// What a measure calls a dyad's severity.
enum class Outcome {
  kMeanAction,  // the mean action category (1 minimal .. 5 specific), over with_action
  kNotedShare,  // the share of recommendations noted (not supported), over count
};
// "action" or "noted".
std::string_view OutcomeName(Outcome outcome);

// The dyad's outcome, and the number of recommendations it rests on (with_action for
// kMeanAction, count for kNotedShare). The value is nullopt when that number is below
// max(min_recs, 1).
struct DyadOutcome {
  std::optional<double> value;
  int64_t base = 0;
};
DyadOutcome OutcomeOf(const Dyad& dyad, Outcome outcome, int64_t min_recs = 1);

// A value for an ordered pair of states (from, sur), by ISO3: the pair's vote agreement share
// (0..1), a 0/1 dummy (same regional group, a shared organisation), ... nullopt when the pair
// has none (they never voted together): the dyad is then left out, as it is for a value that
// is not finite. Called once per dyad, from the calling thread.
using PairValue = std::function<std::optional<double>(std::string_view from, std::string_view sur)>;

// --- Leniency toward friends. ---

struct LeniencyOptions {
  Outcome outcome = Outcome::kMeanAction;
  // Dyads whose outcome rests on fewer recommendations are left out (OutcomeOf).
  int64_t min_recs = 1;
  // Weighted least squares with each dyad weighted by the recommendations its outcome rests on
  // (a dyad's mean is then worth as much as its recommendations), instead of one weight per dyad.
  bool weighted = false;
  // Further regressors, each named and given per pair (e.g. "same_group", "shared_org").
  // A dyad for which one of them has no value is left out.
  std::vector<std::pair<std::string, PairValue>> covariates;
};

struct Coefficient {
  std::string name;  // "agreement", then the covariates' names
  double estimate = 0;
  double se = 0;  // classical OLS, residual variance over n - k (k counts the fixed effects)
  double t = 0;   // estimate / se
  double cluster_se = 0;  // cluster-robust, clustered by the state under review
  double cluster_t = 0;   // estimate / cluster_se
};

struct LeniencyResult {
  std::vector<Coefficient> coefficients;
  int64_t dyads = 0;        // observations
  int64_t from_states = 0;  // levels of each fixed effect
  int64_t sur_states = 0;
  int64_t components = 0;     // connected components of the from-sur graph of the dyads
  int64_t fixed_effects = 0;  // absorbed: from_states + sur_states - components
  int64_t dof = 0;            // residual degrees of freedom: dyads - coefficients - fixed_effects
  int64_t clusters = 0;       // states under review
  double r2 = 0;              // over the (weighted) mean of the outcome
  double r2_within = 0;       // over the outcome with both fixed effects taken out
  double residual_se = 0;     // sqrt(SSR / dof)
};

// OLS (or WLS, options.weighted) of the dyads' outcome on agreement and the covariates, with
// fixed effects for the recommending state and for the state under review. Both effects are
// taken out of the outcome and each regressor exactly (the within transformation, by the normal
// equations of the two-way effects: the recommending states' block is diagonal and eliminated,
// leaving one system the size of the states under review, solved by LDLT with one level fixed
// per connected component), then the demeaned outcome is regressed on the demeaned regressors
// by a column-pivoting QR (Frisch-Waugh-Lovell). Uses the dyads with a known recommending state,
// an outcome (OutcomeOf with min_recs) and a value of agreement and every covariate.
//
// The cluster-robust standard error uses the sandwich with the small-sample factor
// G/(G-1) * (N-1)/(N-K), where the state-under-review effects, nested in the clusters, are not
// counted in K (as reghdfe does): K = coefficients + from_states - components.
//
// kInvalidArgument when agreement is empty, a covariate is empty or repeats a name, fewer than
// two states under review are left, the dyads left leave no residual degree of freedom, or a
// regressor is constant once the fixed effects are taken out (collinear with them) or the
// regressors are collinear among themselves; kInternal if the fixed effects' system cannot be
// factored (not expected: it is positive definite by construction).
Result<LeniencyResult> EstimateLeniency(std::span<const Dyad> dyads, const PairValue& agreement,
                                        const LeniencyOptions& options = {});

// --- Double standards. ---

struct DoubleStandardsOptions {
  Outcome outcome = Outcome::kMeanAction;
  int64_t min_recs = 1;   // per dyad (OutcomeOf)
  int64_t min_dyads = 8;  // a recommending state with fewer usable dyads is left out
  // Measure each dyad against what its state under review receives from everyone else
  // (see DoubleStandard::adjusted); false: the raw outcome.
  bool adjust = true;
};

// "How much softer is state X with its allies than with its rivals." Over X's usable dyads
// (an outcome, an agreement value and, when adjusting, a reference): y = the dyad's outcome,
// minus (adjust) the reference of its state under review: the same outcome over every
// recommendation that state receives in the selection from the other recommending states,
// "unknown" included (pooled: sum over them of action_sum / of with_action, or of noted / of
// count). Agreement quartiles are the 25th and 75th percentiles of X's agreement values with
// linear interpolation between order statistics (R's type 7, numpy's default).
struct DoubleStandard {
  std::string from;        // ISO3 of X
  int64_t dyads = 0;       // usable dyads the numbers rest on
  double q1 = 0, q3 = 0;   // agreement quartiles
  int64_t rivals = 0;      // dyads with agreement <= q1
  int64_t allies = 0;      // dyads with agreement >= q3
  double rivals_mean = 0;  // mean y over them (each dyad once, unweighted)
  double allies_mean = 0;
  double index = 0;     // rivals_mean - allies_mean: > 0 is softer with allies
  double slope = 0;     // OLS slope of y on agreement over all usable dyads
  double slope_se = 0;  // its classical standard error (n - 2 degrees of freedom)
};

// One entry per recommending state with at least max(min_dyads, 3) usable dyads and q1 < q3,
// ordered by index descending, then ISO3. kInvalidArgument when agreement is empty.
Result<std::vector<DoubleStandard>> DoubleStandards(std::span<const Dyad> dyads,
                                                    const PairValue& agreement,
                                                    const DoubleStandardsOptions& options = {});

// --- Reciprocity. ---

struct ReciprocityOptions {
  Outcome outcome = Outcome::kMeanAction;
  int64_t min_recs = 1;  // per dyad (OutcomeOf)
};

// Whether severity from A to B goes with severity from B to A, over the unordered pairs {A, B}
// of known states with an outcome in both directions. The correlation is the double-entry
// (pairwise intraclass) Pearson correlation: each pair enters twice, as (A->B, B->A) and
// (B->A, A->B), so it does not depend on which state is named first. The adjusted one is the
// same over residuals: each dyad's outcome minus the recommending state's and the state under
// review's additive effects, fitted by least squares (unweighted) over every dyad of known
// states with an outcome, reciprocated or not (two-way fixed effects, solved as
// EstimateLeniency solves them).
struct ReciprocityResult {
  int64_t pairs = 0;                  // unordered pairs with both directions
  int64_t fitted_dyads = 0;           // dyads the adjustment was fitted on
  std::optional<double> correlation;  // nullopt under 3 pairs or without variance
  std::optional<double> adjusted_correlation;
};

// kInternal if the fixed effects' system cannot be factored (not expected).
Result<ReciprocityResult> Reciprocity(std::span<const Dyad> dyads,
                                      const ReciprocityOptions& options = {});

}  // namespace openupr::analytics

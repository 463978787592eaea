// Vote analytics over the roll calls of the Commission on Human Rights and the Human Rights
// Council (issue 15, item 2): how alike two states vote (agreement, and the full state x state
// agreement matrix), how cohesive a group of states votes (Hix-Noury-Roland agreement index),
// and each state's position on a one- and two-dimensional map of voting (ideal points by
// principal components). Pure computations over an in-memory vote matrix the caller builds
// (from the store, or in tests from the raw files); nothing here reads files or the database.
// docs/analysis.md explains each measure, what it can say and what it cannot.
//
// A selection of roll calls is a strictly increasing list of roll-call indices (columns of the
// matrix), std::span<const uint32_t>; the caller decides which (period, body, agenda item, a text
// query on titles). AllRollCalls(n) is the whole matrix.
//
// Thread-safety: the free functions are pure; a VoteBits is immutable once built, and its const
// members may be called from any number of threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace openupr::analytics {

// What a state did on one roll call. kAbsent: not listed (not a member of the body then).
// Only kYes, kNo and kAbstain are votes; non-voting (listed as present, not voting), blank
// (listed without a code) and absent are not.
enum class VoteCast : uint8_t { kAbsent = 0, kYes, kNo, kAbstain, kNonVoting, kBlank };

inline bool IsVote(VoteCast c) {
  return c == VoteCast::kYes || c == VoteCast::kNo || c == VoteCast::kAbstain;
}

struct VoteMatrix {
  std::vector<std::string> states;  // ISO3 (also former states: SUN, YUG, CSK, DDR, GER)
  size_t roll_calls = 0;            // number of roll calls (columns)
  // votes[s * roll_calls + r]: state-major, so that each state's row is contiguous.
  std::vector<VoteCast> votes;

  VoteCast At(size_t state, size_t roll_call) const {
    return votes[state * roll_calls + roll_call];
  }
};

// kInvalidArgument when votes.size() != states.size() * roll_calls, a cast is not one of
// VoteCast's values, or a state code is empty or repeated.
Status CheckVoteMatrix(const VoteMatrix& matrix);
// kInvalidArgument unless selection is strictly increasing and every index < roll_calls.
Status CheckSelection(std::span<const uint32_t> selection, size_t roll_calls);
// 0, 1, ..., n - 1: every roll call.
std::vector<uint32_t> AllRollCalls(size_t n);

// ---- Agreement -------------------------------------------------------------------------------

// Of two states over a selection: `both` roll calls on which both voted (each cast yes, no or
// abstain), `alike` of them on which they cast the same of the three. For a state with itself,
// both = alike = its own votes.
struct PairAgreement {
  uint32_t both = 0;
  uint32_t alike = 0;
  // alike / both; nullopt when they never both voted (the share is undefined, never NaN).
  std::optional<double> share() const {
    if (both == 0) return std::nullopt;
    return static_cast<double>(alike) / both;
  }
};

// The full state x state matrix, symmetric; the diagonal holds each state's own votes.
struct AgreementMatrix {
  size_t states = 0;
  std::vector<PairAgreement> cells;  // cells[a * states + b]
  const PairAgreement& At(size_t a, size_t b) const { return cells[a * states + b]; }
};

// A state that votes like another, as MostAlike ranks them.
struct Neighbour {
  size_t state = 0;  // index into the matrix's states
  std::string iso3;
  PairAgreement agreement;  // both >= the minimum asked for, so share() has a value
};

// The votes of a matrix as bitsets: for each state, one bitset per kind (voted, yes, no,
// abstain) over the roll calls, 64 per word, so that agreement over a pair is a few AND and
// popcount per 64 roll calls. Built once per matrix (O(states x roll calls)); a selection of
// every roll call uses these bitsets as they are, a subset gets its own compact copy (the words
// its selection masks, or its roll calls gathered when that is fewer words), built per call in
// O(states x selected roll calls / 64) to O(states x selected roll calls).
// Owns copies of what it needs; the matrix may be destroyed after Build. Movable, not copyable.
class VoteBits {
 public:
  // kInvalidArgument as CheckVoteMatrix.
  static Result<VoteBits> Build(const VoteMatrix& matrix);

  VoteBits(VoteBits&&) = default;
  VoteBits& operator=(VoteBits&&) = default;
  VoteBits(const VoteBits&) = delete;
  VoteBits& operator=(const VoteBits&) = delete;

  size_t state_count() const { return states_.size(); }
  size_t roll_call_count() const { return roll_calls_; }
  const std::vector<std::string>& states() const { return states_; }
  // The index of a state by its ISO3 (exact, upper case); nullopt if the matrix lacks it.
  std::optional<size_t> FindState(std::string_view iso3) const;

  // Agreement of states a and b over the selection. kInvalidArgument for a state index out of
  // range or a bad selection (CheckSelection).
  Result<PairAgreement> Agreement(size_t a, size_t b, std::span<const uint32_t> selection) const;

  // Every pair at once (the diagonal: each state's own votes). kInvalidArgument for a bad
  // selection. About 0.5 ms for 200 states x 1,705 roll calls on one core (docs/benchmarks.md).
  Result<AgreementMatrix> Matrix(std::span<const uint32_t> selection) const;

  // The states that vote most like `state` over the selection: every other state with at least
  // min_shared roll calls on which both voted, by agreement share descending, ties by ISO3.
  // kInvalidArgument for a state index out of range or a bad selection.
  Result<std::vector<Neighbour>> MostAlike(size_t state, std::span<const uint32_t> selection,
                                           uint32_t min_shared = 20) const;

 private:
  // Bitsets per state over some roll calls: for state s and word w, bits[(s * words + w) * 4 + k]
  // with k = 0 voted, 1 yes, 2 no, 3 abstain (interleaved, so that a pair's words are read in
  // one pass). Bits past the last roll call are 0.
  struct Planes {
    size_t words = 0;
    std::vector<uint64_t> bits;
  };

  VoteBits() = default;
  // The planes of the selection: the prebuilt ones for every roll call, else built in *scratch.
  const Planes& PlanesFor(std::span<const uint32_t> selection, Planes* scratch) const;

  std::vector<std::string> states_;
  size_t roll_calls_ = 0;
  std::vector<VoteCast> votes_;  // the matrix's votes (to gather a sparse selection)
  Planes all_;
};

// ---- Cohesion --------------------------------------------------------------------------------

// The Hix-Noury-Roland agreement index of a group on one roll call (Hix, Noury & Roland,
// "Power to the Parties: Cohesion and Competition in the European Parliament, 1979-2001",
// British Journal of Political Science 35(2), 2005, pp. 209-234):
//
//   AI = (max(Y, N, A) - 0.5 * ((Y + N + A) - max(Y, N, A))) / (Y + N + A)
//
// with Y, N, A the group's members who voted yes, no, abstain on it (non-voting, blank and
// absent members are not counted). AI is 1 when all voted alike and 0 when they split evenly in
// three. A roll call on which fewer than 2 members voted has no AI and is left out.
struct RollCallCohesion {
  uint32_t roll_call = 0;  // index into the matrix's roll calls
  int yes = 0, no = 0, abstain = 0;
  double ai = 0;
};

struct Cohesion {
  // The mean AI over the roll calls it rests on; nullopt when none (never NaN).
  std::optional<double> mean_ai;
  size_t roll_calls_used = 0;     // roll calls with at least 2 members voting
  size_t roll_calls_skipped = 0;  // selected roll calls with fewer than 2 members voting
  std::vector<RollCallCohesion> per_roll_call;  // the used ones, in selection order
};

// The AI of a single roll call from its counts; nullopt when fewer than 2 voted.
std::optional<double> AgreementIndex(int yes, int no, int abstain);

// Cohesion of the group (state indices into matrix.states, each once) over the selection.
// kInvalidArgument for a matrix of the wrong size, a cell it reads (the group's on the selected
// roll calls) that is not a VoteCast, a member out of range or repeated, or a bad selection. The
// rest of the matrix is not checked (CheckVoteMatrix does, once).
Result<Cohesion> GroupCohesion(const VoteMatrix& matrix, std::span<const uint32_t> group,
                               std::span<const uint32_t> selection);

// ---- Ideal points ----------------------------------------------------------------------------

// A principal-component map of voting (the "voting map"), as docs/analysis.md describes:
//  1. code yes = 1, abstain = 0.5, no = 0 over the selection;
//  2. drop lopsided roll calls: those where the votes outside the most common of the three
//     (yes, no, abstain) are fewer than min_minority_share of the votes cast (W-NOMINATE's usual
//     2.5% cutoff; unanimous ones too), counted over every state;
//  3. drop states with fewer than min_votes votes on the roll calls kept;
//  4. center each kept roll call on its mean over the kept states who voted on it, and give a
//     missing cell (non-voting, blank, absent) that mean, i.e. 0 once centered;
//  5. the eigenvectors of the states x states matrix X X^T (Eigen's SelfAdjointEigenSolver),
//     i.e. the left singular vectors of X, scaled by the singular values (the square roots of
//     the eigenvalues), are the coordinates: x on the first dimension, y on the second. The 1-D
//     position is x (principal components are nested).
//  6. each dimension's sign is chosen so that the reference state has a positive coordinate
//     (when its coordinate is 0, the first kept state with a nonzero one); the reference is the
//     caller's, by default "USA" when the matrix holds it and it is kept, else the first kept
//     state.
// Deterministic for a given matrix and selection. Limits (docs/analysis.md): a principal-
// component summary, not a spatial voting model (no uncertainty, arbitrary units); a state with
// fewer votes sits nearer the center, its missing cells being the mean; one static position per
// state over the selection; axes of two selections are not comparable.
struct IdealPointOptions {
  uint32_t min_votes = 20;
  double min_minority_share = 0.025;
  std::string reference_state = "USA";
};

struct IdealPoint {
  size_t state = 0;  // index into the matrix's states
  std::string iso3;
  double x = 0, y = 0;
  uint32_t votes = 0;  // yes, no or abstain on the roll calls kept
};

struct DroppedState {
  size_t state = 0;
  std::string iso3;
  uint32_t votes = 0;  // on the roll calls kept: fewer than min_votes
};

struct IdealPoints {
  std::vector<IdealPoint> points;     // the kept states, in matrix order
  std::vector<DroppedState> dropped;  // the others, in matrix order
  size_t roll_calls_used = 0;
  size_t roll_calls_lopsided = 0;  // selected, dropped as lopsided (or with no vote at all)
  // The share of the centered matrix's total variance (its squared Frobenius norm) each
  // dimension explains: eigenvalue / trace.
  double explained_x = 0, explained_y = 0;
  std::string reference_state;  // the state whose coordinates were made positive
};

// kInvalidArgument for a matrix of the wrong size or a selected cell that is not a VoteCast (as
// GroupCohesion), a bad selection, options out of range (min_minority_share
// outside [0, 0.5)), or too little left to place: fewer than 3 states or 2 roll calls after the
// drops (the message says how many remain).
Result<IdealPoints> ComputeIdealPoints(const VoteMatrix& matrix,
                                       std::span<const uint32_t> selection,
                                       const IdealPointOptions& options = {});

}  // namespace openupr::analytics

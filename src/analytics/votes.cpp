#include "analytics/votes.h"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <set>
#include <string>

namespace openupr::analytics {
namespace {

constexpr size_t kPlanes = 4;  // voted, yes, no, abstain
constexpr size_t kVoted = 0;

// The plane of a vote (1 yes, 2 no, 3 abstain); 0 for no vote.
size_t PlaneOf(VoteCast c) {
  switch (c) {
    case VoteCast::kYes:
      return 1;
    case VoteCast::kNo:
      return 2;
    case VoteCast::kAbstain:
      return 3;
    default:
      return 0;
  }
}

size_t WordsFor(size_t bits) { return (bits + 63) / 64; }

// popcnt is one instruction on every x86-64 CPU since 2008 but not in the baseline the compiler
// targets by default, where std::popcount is a dozen instructions: the kernels are compiled
// twice and the loader picks the popcnt one where the CPU has it (GCC's and Clang's
// target_clones, an ifunc on ELF).
#if defined(__x86_64__) && defined(__ELF__) && (defined(__GNUC__) || defined(__clang__))
#define OPENUPR_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define OPENUPR_POPCNT_CLONES
#endif

// Agreement of two states' interleaved planes over `words` words, each word ANDed with mask
// (nullptr: no mask). Yes, no and abstain are disjoint, so "voted alike" is one popcount of their
// ORed intersections.
OPENUPR_POPCNT_CLONES PairAgreement PairKernel(const uint64_t* a, const uint64_t* b, size_t words,
                                               const uint64_t* mask) {
  uint64_t both = 0, alike = 0;
  for (size_t w = 0; w < words; ++w) {
    const uint64_t m = mask ? mask[w] : ~uint64_t{0};
    const uint64_t* x = a + w * kPlanes;
    const uint64_t* y = b + w * kPlanes;
    both += std::popcount(x[0] & y[0] & m);
    alike += std::popcount(((x[1] & y[1]) | (x[2] & y[2]) | (x[3] & y[3])) & m);
  }
  return {static_cast<uint32_t>(both), static_cast<uint32_t>(alike)};
}

// Every pair (a, b >= a) of `states` states; out is states x states, filled symmetrically.
OPENUPR_POPCNT_CLONES void MatrixKernel(const uint64_t* bits, size_t states, size_t words,
                                        PairAgreement* out) {
  const size_t stride = words * kPlanes;
  for (size_t a = 0; a < states; ++a) {
    const uint64_t* x = bits + a * stride;
    for (size_t b = a; b < states; ++b) {
      const uint64_t* y = bits + b * stride;
      uint64_t both = 0, alike = 0;
      for (size_t w = 0; w < words; ++w) {
        const uint64_t* xw = x + w * kPlanes;
        const uint64_t* yw = y + w * kPlanes;
        both += std::popcount(xw[0] & yw[0]);
        alike += std::popcount((xw[1] & yw[1]) | (xw[2] & yw[2]) | (xw[3] & yw[3]));
      }
      const PairAgreement p{static_cast<uint32_t>(both), static_cast<uint32_t>(alike)};
      out[a * states + b] = p;
      out[b * states + a] = p;
    }
  }
}

std::string StateOutOfRange(const char* what, size_t index, size_t states) {
  return std::string(what) + ": state index " + std::to_string(index) + " out of range (the " +
         "matrix has " + std::to_string(states) + " states)";
}

bool IsCast(VoteCast c) {
  return static_cast<uint8_t>(c) <= static_cast<uint8_t>(VoteCast::kBlank);
}

Status BadCast(const VoteMatrix& m, size_t state, size_t roll_call) {
  return Status::InvalidArgument(
      "vote matrix: state '" + m.states[state] + "', roll call " + std::to_string(roll_call) +
      ": cast " + std::to_string(static_cast<int>(m.At(state, roll_call))) + " is not a VoteCast");
}

// The size only. The measures that read a matrix once (cohesion, ideal points) check the casts
// they read as they go: checking every cell on each call would cost more than the measure over
// a small group or selection.
Status CheckShape(const VoteMatrix& m) {
  if (m.states.size() != 0 && m.roll_calls > m.votes.max_size() / m.states.size())
    return Status::InvalidArgument("vote matrix: too many cells");
  if (m.votes.size() != m.states.size() * m.roll_calls)
    return Status::InvalidArgument(
        "vote matrix: " + std::to_string(m.votes.size()) +
        " votes, expected states x roll calls = " + std::to_string(m.states.size()) + " x " +
        std::to_string(m.roll_calls));
  return Status::Ok();
}

// How many of the states cast each VoteCast on each selected roll call: (*tally)[i][cast].
// Walks each state's contiguous row; kInvalidArgument for a cell that is not a VoteCast.
using Tally = std::array<int, 6>;
Status CountCasts(const VoteMatrix& m, std::span<const uint32_t> states,
                  std::span<const uint32_t> selection, std::vector<Tally>* tally) {
  tally->assign(selection.size(), Tally{});
  for (uint32_t s : states) {
    const VoteCast* row = m.votes.data() + size_t{s} * m.roll_calls;
    for (size_t i = 0; i < selection.size(); ++i) {
      const VoteCast c = row[selection[i]];
      if (!IsCast(c)) return BadCast(m, s, selection[i]);
      ++(*tally)[i][static_cast<uint8_t>(c)];
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckVoteMatrix(const VoteMatrix& m) {
  OPENUPR_RETURN_IF_ERROR(CheckShape(m));
  std::set<std::string_view> seen;
  for (size_t s = 0; s < m.states.size(); ++s) {
    if (m.states[s].empty())
      return Status::InvalidArgument("vote matrix: state " + std::to_string(s) + " has no code");
    if (!seen.insert(m.states[s]).second)
      return Status::InvalidArgument("vote matrix: state '" + m.states[s] + "' listed twice");
  }
  for (size_t i = 0; i < m.votes.size(); ++i)
    if (!IsCast(m.votes[i])) return BadCast(m, i / m.roll_calls, i % m.roll_calls);
  return Status::Ok();
}

Status CheckSelection(std::span<const uint32_t> selection, size_t roll_calls) {
  for (size_t i = 0; i < selection.size(); ++i) {
    if (selection[i] >= roll_calls)
      return Status::InvalidArgument("roll-call selection: index " + std::to_string(selection[i]) +
                                     " at position " + std::to_string(i) +
                                     " out of range (there are " + std::to_string(roll_calls) +
                                     " roll calls)");
    if (i > 0 && selection[i] <= selection[i - 1])
      return Status::InvalidArgument("roll-call selection: not strictly increasing at position " +
                                     std::to_string(i) + " (" + std::to_string(selection[i - 1]) +
                                     ", then " + std::to_string(selection[i]) + ")");
  }
  return Status::Ok();
}

std::vector<uint32_t> AllRollCalls(size_t n) {
  std::vector<uint32_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = static_cast<uint32_t>(i);
  return all;
}

// ---- VoteBits --------------------------------------------------------------------------------

Result<VoteBits> VoteBits::Build(const VoteMatrix& matrix) {
  OPENUPR_RETURN_IF_ERROR(CheckVoteMatrix(matrix));
  VoteBits vb;
  vb.states_ = matrix.states;
  vb.roll_calls_ = matrix.roll_calls;
  vb.votes_ = matrix.votes;
  const size_t words = WordsFor(matrix.roll_calls);
  vb.all_.words = words;
  vb.all_.bits.assign(matrix.states.size() * words * kPlanes, 0);
  for (size_t s = 0; s < matrix.states.size(); ++s) {
    uint64_t* row = vb.all_.bits.data() + s * words * kPlanes;
    const VoteCast* casts = matrix.votes.data() + s * matrix.roll_calls;
    for (size_t r = 0; r < matrix.roll_calls; ++r) {
      const size_t plane = PlaneOf(casts[r]);
      if (plane == 0) continue;
      const uint64_t bit = uint64_t{1} << (r % 64);
      row[(r / 64) * kPlanes + kVoted] |= bit;
      row[(r / 64) * kPlanes + plane] |= bit;
    }
  }
  return vb;
}

std::optional<size_t> VoteBits::FindState(std::string_view iso3) const {
  for (size_t s = 0; s < states_.size(); ++s)
    if (states_[s] == iso3) return s;
  return std::nullopt;
}

const VoteBits::Planes& VoteBits::PlanesFor(std::span<const uint32_t> sel, Planes* scratch) const {
  // A valid selection as long as the matrix is every roll call.
  if (sel.size() == roll_calls_) return all_;
  const size_t n_states = states_.size();
  const size_t gathered_words = WordsFor(sel.size());
  size_t touched_words = 0;
  for (size_t i = 0; i < sel.size(); ++i)
    touched_words += (i == 0 || sel[i] / 64 != sel[i - 1] / 64);
  scratch->bits.clear();
  // Gathering costs about as much per (state, selected roll call) as the pair kernel per (pair,
  // word) (~1 ns each, measured): it pays when the words it saves, for every pair, outweigh it.
  const bool gather = touched_words > gathered_words &&
                      2 * sel.size() < n_states * (touched_words - gathered_words);
  if (!gather) {
    // Contiguous-ish selections (a period): the words the selection touches, masked.
    std::vector<uint64_t> mask;
    std::vector<size_t> source_word;
    for (uint32_t r : sel) {
      if (source_word.empty() || source_word.back() != r / 64) {
        source_word.push_back(r / 64);
        mask.push_back(0);
      }
      mask.back() |= uint64_t{1} << (r % 64);
    }
    scratch->words = source_word.size();
    scratch->bits.resize(n_states * scratch->words * kPlanes);
    for (size_t s = 0; s < n_states; ++s) {
      const uint64_t* from = all_.bits.data() + s * all_.words * kPlanes;
      uint64_t* to = scratch->bits.data() + s * scratch->words * kPlanes;
      for (size_t w = 0; w < source_word.size(); ++w)
        for (size_t k = 0; k < kPlanes; ++k)
          to[w * kPlanes + k] = from[source_word[w] * kPlanes + k] & mask[w];
    }
  } else {
    // Scattered selections (a text query on titles): the selected roll calls gathered side by
    // side, fewer words for every pair to read.
    scratch->words = gathered_words;
    scratch->bits.assign(n_states * scratch->words * kPlanes, 0);
    for (size_t s = 0; s < n_states; ++s) {
      const VoteCast* casts = votes_.data() + s * roll_calls_;
      uint64_t* to = scratch->bits.data() + s * scratch->words * kPlanes;
      for (size_t i = 0; i < sel.size(); ++i) {
        const size_t plane = PlaneOf(casts[sel[i]]);
        if (plane == 0) continue;
        const uint64_t bit = uint64_t{1} << (i % 64);
        to[(i / 64) * kPlanes + kVoted] |= bit;
        to[(i / 64) * kPlanes + plane] |= bit;
      }
    }
  }
  return *scratch;
}

Result<PairAgreement> VoteBits::Agreement(size_t a, size_t b,
                                          std::span<const uint32_t> selection) const {
  if (a >= states_.size())
    return Status::InvalidArgument(StateOutOfRange("agreement", a, states_.size()));
  if (b >= states_.size())
    return Status::InvalidArgument(StateOutOfRange("agreement", b, states_.size()));
  OPENUPR_RETURN_IF_ERROR(CheckSelection(selection, roll_calls_));
  const size_t stride = all_.words * kPlanes;
  const uint64_t* x = all_.bits.data() + a * stride;
  const uint64_t* y = all_.bits.data() + b * stride;
  if (selection.size() == roll_calls_) return PairKernel(x, y, all_.words, nullptr);
  std::vector<uint64_t> mask(all_.words, 0);
  for (uint32_t r : selection) mask[r / 64] |= uint64_t{1} << (r % 64);
  return PairKernel(x, y, all_.words, mask.data());
}

Result<AgreementMatrix> VoteBits::Matrix(std::span<const uint32_t> selection) const {
  OPENUPR_RETURN_IF_ERROR(CheckSelection(selection, roll_calls_));
  Planes scratch;
  const Planes& planes = PlanesFor(selection, &scratch);
  AgreementMatrix m;
  m.states = states_.size();
  m.cells.resize(m.states * m.states);
  MatrixKernel(planes.bits.data(), m.states, planes.words, m.cells.data());
  return m;
}

Result<std::vector<Neighbour>> VoteBits::MostAlike(size_t state,
                                                   std::span<const uint32_t> selection,
                                                   uint32_t min_shared) const {
  if (state >= states_.size())
    return Status::InvalidArgument(StateOutOfRange("most alike", state, states_.size()));
  OPENUPR_RETURN_IF_ERROR(CheckSelection(selection, roll_calls_));
  Planes scratch;
  const Planes& planes = PlanesFor(selection, &scratch);
  const size_t stride = planes.words * kPlanes;
  const uint64_t* x = planes.bits.data() + state * stride;
  std::vector<Neighbour> out;
  for (size_t b = 0; b < states_.size(); ++b) {
    if (b == state) continue;
    const PairAgreement p = PairKernel(x, planes.bits.data() + b * stride, planes.words, nullptr);
    // A minimum of 0 still needs one shared vote: without one there is no share to rank by.
    if (p.both == 0 || p.both < min_shared) continue;
    out.push_back({b, states_[b], p});
  }
  // Shares compared exactly as fractions (alike_a / both_a vs alike_b / both_b), so that ties are
  // ties and the order does not depend on floating-point rounding.
  std::sort(out.begin(), out.end(), [](const Neighbour& l, const Neighbour& r) {
    const uint64_t lhs = uint64_t{l.agreement.alike} * r.agreement.both;
    const uint64_t rhs = uint64_t{r.agreement.alike} * l.agreement.both;
    if (lhs != rhs) return lhs > rhs;
    return l.iso3 < r.iso3;
  });
  return out;
}

// ---- Cohesion --------------------------------------------------------------------------------

std::optional<double> AgreementIndex(int yes, int no, int abstain) {
  const int total = yes + no + abstain;
  if (total < 2) return std::nullopt;
  const int top = std::max({yes, no, abstain});
  return (top - 0.5 * (total - top)) / total;
}

Result<Cohesion> GroupCohesion(const VoteMatrix& matrix, std::span<const uint32_t> group,
                               std::span<const uint32_t> selection) {
  OPENUPR_RETURN_IF_ERROR(CheckShape(matrix));
  OPENUPR_RETURN_IF_ERROR(CheckSelection(selection, matrix.roll_calls));
  std::vector<bool> member(matrix.states.size(), false);
  for (uint32_t s : group) {
    if (s >= matrix.states.size())
      return Status::InvalidArgument(StateOutOfRange("cohesion group", s, matrix.states.size()));
    if (member[s])
      return Status::InvalidArgument("cohesion group: state '" + matrix.states[s] +
                                     "' listed twice");
    member[s] = true;
  }
  // Member by member along its contiguous row, counts per selected roll call.
  std::vector<Tally> tally;
  OPENUPR_RETURN_IF_ERROR(CountCasts(matrix, group, selection, &tally));
  Cohesion c;
  double sum = 0;
  for (size_t i = 0; i < selection.size(); ++i) {
    const int yes = tally[i][1], no = tally[i][2], abstain = tally[i][3];
    const std::optional<double> ai = AgreementIndex(yes, no, abstain);
    if (!ai) {
      ++c.roll_calls_skipped;
      continue;
    }
    c.per_roll_call.push_back({selection[i], yes, no, abstain, *ai});
    sum += *ai;
  }
  c.roll_calls_used = c.per_roll_call.size();
  if (c.roll_calls_used > 0) c.mean_ai = sum / static_cast<double>(c.roll_calls_used);
  return c;
}

// ---- Ideal points ----------------------------------------------------------------------------

Result<IdealPoints> ComputeIdealPoints(const VoteMatrix& matrix,
                                       std::span<const uint32_t> selection,
                                       const IdealPointOptions& options) {
  OPENUPR_RETURN_IF_ERROR(CheckShape(matrix));
  OPENUPR_RETURN_IF_ERROR(CheckSelection(selection, matrix.roll_calls));
  if (!(options.min_minority_share >= 0 && options.min_minority_share < 0.5))
    return Status::InvalidArgument("ideal points: the lopsided cutoff must be in [0, 0.5), got " +
                                   std::to_string(options.min_minority_share));
  const size_t n_states = matrix.states.size();
  const size_t n_sel = selection.size();

  // 1-2. The lopsided roll calls, over every state's votes.
  std::vector<Tally> tally;
  const std::vector<uint32_t> every_state = AllRollCalls(n_states);  // 0 .. n_states - 1
  OPENUPR_RETURN_IF_ERROR(CountCasts(matrix, every_state, selection, &tally));
  IdealPoints out;
  std::vector<uint32_t> kept_rc;
  for (size_t i = 0; i < n_sel; ++i) {
    const int cast = tally[i][1] + tally[i][2] + tally[i][3];
    const int minority = cast - std::max({tally[i][1], tally[i][2], tally[i][3]});
    if (cast == 0 || minority == 0 || minority < options.min_minority_share * cast) {
      ++out.roll_calls_lopsided;
      continue;
    }
    kept_rc.push_back(selection[i]);
  }

  // 3. The states with enough votes on them.
  std::vector<size_t> kept_states;
  std::vector<uint32_t> votes_of(n_states, 0);
  for (size_t s = 0; s < n_states; ++s) {
    const VoteCast* row = matrix.votes.data() + s * matrix.roll_calls;
    for (uint32_t r : kept_rc) votes_of[s] += IsVote(row[r]);
    if (votes_of[s] >= options.min_votes && votes_of[s] > 0)
      kept_states.push_back(s);
    else
      out.dropped.push_back({s, matrix.states[s], votes_of[s]});
  }
  out.roll_calls_used = kept_rc.size();
  if (kept_states.size() < 3 || kept_rc.size() < 2)
    return Status::InvalidArgument(
        "ideal points: too little to place: " + std::to_string(kept_states.size()) +
        " states with at least " + std::to_string(options.min_votes) + " votes and " +
        std::to_string(kept_rc.size()) +
        " contested roll calls remain (at least 3 and 2 are needed)");

  // 4. Coded, centered on each roll call's mean over the kept states who voted; a missing cell
  // takes that mean, i.e. 0.
  const Eigen::Index n = static_cast<Eigen::Index>(kept_states.size());
  const Eigen::Index m = static_cast<Eigen::Index>(kept_rc.size());
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(n, m);
  for (Eigen::Index j = 0; j < m; ++j) {
    double sum = 0;
    int cast = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const VoteCast c = matrix.At(kept_states[i], kept_rc[j]);
      if (!IsVote(c)) continue;
      const double v = c == VoteCast::kYes ? 1.0 : c == VoteCast::kAbstain ? 0.5 : 0.0;
      x(i, j) = v;
      sum += v;
      ++cast;
    }
    if (cast == 0) continue;
    const double mean = sum / cast;
    for (Eigen::Index i = 0; i < n; ++i)
      if (IsVote(matrix.At(kept_states[i], kept_rc[j]))) x(i, j) -= mean;
  }

  // 5. The two leading eigenpairs of X X^T (states x states: small, whatever the roll calls).
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(n, n);
  gram.selfadjointView<Eigen::Lower>().rankUpdate(x);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram, Eigen::ComputeEigenvectors);
  if (eig.info() != Eigen::Success)
    return Status::Internal("ideal points: the eigen decomposition did not converge");
  // Ascending eigenvalues: the last two are the leading ones.
  const Eigen::VectorXd& values = eig.eigenvalues();
  double trace = 0;
  for (Eigen::Index i = 0; i < n; ++i) trace += gram(i, i);
  Eigen::VectorXd dim[2];
  double lambda[2];
  for (int d = 0; d < 2; ++d) {
    lambda[d] = std::max(0.0, values(n - 1 - d));
    dim[d] = eig.eigenvectors().col(n - 1 - d) * std::sqrt(lambda[d]);
  }
  out.explained_x = trace > 0 ? lambda[0] / trace : 0;
  out.explained_y = trace > 0 ? lambda[1] / trace : 0;

  // 6. Signs: the reference state positive.
  Eigen::Index ref = 0;
  out.reference_state = matrix.states[kept_states[0]];
  for (Eigen::Index i = 0; i < n; ++i) {
    if (matrix.states[kept_states[i]] == options.reference_state) {
      ref = i;
      out.reference_state = options.reference_state;
      break;
    }
  }
  // Coordinates this small are rounding noise of a zero, whose sign says nothing.
  const double scale = std::sqrt(std::max(trace, 0.0));
  for (auto& v : dim) {
    Eigen::Index pivot = ref;
    if (std::abs(v(pivot)) <= 1e-12 * scale) {
      for (pivot = 0; pivot < n && std::abs(v(pivot)) <= 1e-12 * scale; ++pivot) {
      }
    }
    if (pivot < n && v(pivot) < 0) v = -v;
  }
  out.points.reserve(kept_states.size());
  for (Eigen::Index i = 0; i < n; ++i) {
    const size_t s = kept_states[i];
    out.points.push_back({s, matrix.states[s], dim[0](i), dim[1](i), votes_of[s]});
  }
  return out;
}

}  // namespace openupr::analytics

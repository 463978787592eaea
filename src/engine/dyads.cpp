// The dyad table (Index::Dyads): per (recommending state, state under review) pair, the
// responses and the action categories of the selected records, as analytics::ComputeDyads gives
// them in SQL. A record counts once for each of its distinct recommending states (the SELECT
// DISTINCT of the SQL), "unknown" standing for an unnamed one or none.
//
// One pass over the selection: each record adds to the cell of each of its recommending states
// and its state under review, the cell numbered by the two states' ranks (their order in the
// answer). A dense table of every cell (states + 1 by states, 20 bytes a cell: under 1 MB for
// the 195 states of the reference table) when the selection is large enough to pay for clearing
// and reading it; otherwise the cells touched are sorted and summed. As the group-bys do
// (aggregate.h), a selection of more than half of the index is counted as the whole index's
// table (made once per index, kept in its Memo) minus the records not selected. Either way the
// pairs come out in rank order, and a counting sort on the count (stable, so ties keep the rank
// order) gives the answer's order in linear time: on the whole record a comparison sort of the
// 10,000 pairs took half the time. The general group-by (group.cpp) is not used: with the action as
// a third axis its plan has 18 slots per pair and is read back into rows with string keys.
#include <algorithm>
#include <array>
#include <memory>
#include <numeric>

#include "engine/aggregate.h"
#include "engine/data.h"

namespace openupr::engine::internal {
namespace {

// The dense table is used up to this many cells (20 MB) and when the selection has at least
// one record per kSparseRatio cells (reading the cells back costs about a sort's share then).
constexpr uint64_t kMaxDenseCells = uint64_t{1} << 20;
constexpr uint64_t kSparseRatio = 16;

// A cell's counts: supported, noted, other, records with an action category, the sum of their
// categories. Unsigned, so that taking records off (weight -1) wraps back.
constexpr size_t kFields = 5;
using Tally = std::array<uint32_t, kFields>;
uint32_t CountOf(const uint32_t* t) { return t[0] + t[1] + t[2]; }

struct Pair {
  uint64_t cell;  // from rank * states + sur rank
  Tally t;
};

// Adds weight (1, or -1 to take off) for each recommending state of each record of docs to
// table's cell of the from code's rank (the unknown one last) * states + the sur code's rank.
void Tabulate(const Data& data, const std::vector<uint32_t>& docs, uint32_t weight,
              uint32_t* table) {
  const uint32_t states = static_cast<uint32_t>(data.states.size());
  for (uint32_t d : docs) {
    const uint64_t sur = data.sur_rank[data.sur[d]];
    const uint32_t response = data.response[d];
    const uint32_t action = data.action[d];
    const uint32_t with_action = action != 0 ? weight : 0;
    for (uint32_t j = data.from_begin[d], e = data.from_begin[d + 1]; j < e; ++j) {
      uint32_t* t =
          table +
          kFields * (data.from_rank[std::min<uint32_t>(data.from[j], states)] * states + sur);
      t[response] += weight;
      t[3] += with_action;
      t[4] += weight * action;
    }
  }
}

// The (cell, record) pairs of docs, sorted: the sparse path.
std::vector<std::pair<uint64_t, uint32_t>> Touched(const Data& data,
                                                   const std::vector<uint32_t>& docs) {
  const uint32_t states = static_cast<uint32_t>(data.states.size());
  std::vector<std::pair<uint64_t, uint32_t>> touched;
  touched.reserve(docs.size());
  for (uint32_t d : docs) {
    const uint64_t sur = data.sur_rank[data.sur[d]];
    for (uint32_t j = data.from_begin[d], e = data.from_begin[d + 1]; j < e; ++j)
      touched.emplace_back(
          uint64_t{data.from_rank[std::min<uint32_t>(data.from[j], states)]} * states + sur, d);
  }
  std::sort(touched.begin(), touched.end());
  return touched;
}

// The codes by rank: the inverse of a rank array.
std::vector<uint32_t> ByRank(const std::vector<uint32_t>& rank, size_t n) {
  std::vector<uint32_t> code(n);
  for (uint32_t c = 0; c < n; ++c) code[rank[c]] = c;
  return code;
}

}  // namespace

DyadResponse CountDyads(const Data& data, const DocSet& docs, int64_t top_n, Memo* memo) {
  DyadResponse resp;
  resp.total = static_cast<int64_t>(docs.size());
  const uint64_t states = data.states.size();
  const uint64_t cells = (states + 1) * states;
  const uint32_t size = data.size();
  const uint64_t n = docs.size();
  std::vector<Pair> found;  // in rank order
  auto keep_dense = [&](const std::vector<uint32_t>& table) {
    found.reserve(std::min<uint64_t>(cells, n));
    for (uint64_t cell = 0; cell < cells; ++cell) {
      const uint32_t* t = table.data() + kFields * cell;
      if (CountOf(t)) found.push_back({cell, {t[0], t[1], t[2], t[3], t[4]}});
    }
  };
  if (states == 0 || n == 0) {
    // nothing to count
  } else if (memo && cells <= kMaxDenseCells && 2 * n > size) {
    const std::string key = "dyads";
    std::shared_ptr<const Memo::Tally> whole = memo->Find(key);
    if (!whole) {
      Memo::Tally made(kFields * cells, 0);
      std::vector<uint32_t> all(size);
      std::iota(all.begin(), all.end(), 0u);
      Tabulate(data, all, 1, made.data());
      whole = memo->Put(key, std::make_shared<const Memo::Tally>(std::move(made)));
    }
    std::vector<uint32_t> table = *whole;
    if (n < size) {
      Roaring rest = docs.bits();
      rest.flip(0, size);
      std::vector<uint32_t> list(rest.cardinality());
      rest.toUint32Array(list.data());
      Tabulate(data, list, static_cast<uint32_t>(-1), table.data());
    }
    keep_dense(table);
  } else if (cells <= kMaxDenseCells && cells <= kSparseRatio * n) {
    std::vector<uint32_t> table(kFields * cells, 0);
    Tabulate(data, docs.list(), 1, table.data());
    keep_dense(table);
  } else {
    const auto touched = Touched(data, docs.list());
    for (size_t i = 0; i < touched.size();) {
      Pair p{touched[i].first, {}};
      for (; i < touched.size() && touched[i].first == p.cell; ++i) {
        const uint32_t d = touched[i].second;
        ++p.t[data.response[d]];
        p.t[3] += data.action[d] != 0;
        p.t[4] += data.action[d];
      }
      found.push_back(p);
    }
  }
  resp.pairs = static_cast<int64_t>(found.size());

  // Largest count first, ties in rank order: a stable counting sort on the count.
  uint32_t most = 0;
  for (const Pair& p : found) most = std::max(most, CountOf(p.t.data()));
  std::vector<uint32_t> start(size_t{most} + 2, 0);
  for (const Pair& p : found) ++start[most - CountOf(p.t.data()) + 1];
  for (size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
  std::vector<uint32_t> order(found.size());
  for (uint32_t i = 0; i < found.size(); ++i) order[start[most - CountOf(found[i].t.data())]++] = i;

  size_t shown = found.size();
  if (top_n > 0 && static_cast<uint64_t>(top_n) < shown) shown = static_cast<size_t>(top_n);
  const std::vector<uint32_t> from_code = ByRank(data.from_rank, states + 1);
  const std::vector<uint32_t> sur_code = ByRank(data.sur_rank, states);
  resp.dyads.reserve(shown);
  const std::string unknown = "unknown";
  for (size_t i = 0; i < shown; ++i) {
    const Pair& p = found[order[i]];
    const uint32_t from = from_code[p.cell / states];
    const uint32_t sur = sur_code[p.cell % states];
    resp.dyads.push_back({from < states ? data.states[from] : unknown, data.states[sur],
                          CountOf(p.t.data()), p.t[0], p.t[1], p.t[2], p.t[3], p.t[4]});
  }
  return resp;
}

}  // namespace openupr::engine::internal

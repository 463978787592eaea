// The dyad table (Index::Dyads): per (recommending state, state under review) pair, the
// responses and the action categories of the selected records, as analytics::ComputeDyads gives
// them in SQL. A record counts once for each of its distinct recommending states (the SELECT
// DISTINCT of the SQL), "unknown" standing for an unnamed one or none.
//
// One pass over the selection: each record adds to the cell of each of its recommending states
// and its state under review. A dense table of every cell (states + 1 by states, 20 bytes a
// cell: under 1 MB for the 195 states of the reference table) when the selection is large
// enough to pay for clearing and reading it; otherwise the cells touched are sorted and summed.
// The general group-by (group.cpp) is not used: with the action as a third axis its plan has
// 18 slots per pair and is read back into rows with string keys per action.
#include <algorithm>

#include "engine/data.h"

namespace openupr::engine::internal {
namespace {

// The dense table is used up to this many cells (20 MB) and when the selection has at least
// one record per kSparseRatio cells (reading the cells back costs about a sort's share then).
constexpr uint64_t kMaxDenseCells = uint64_t{1} << 20;
constexpr uint64_t kSparseRatio = 16;

struct Tally {
  uint32_t response[3] = {0, 0, 0};  // supported, noted, other
  uint32_t with_action = 0;
  uint32_t action_sum = 0;
  uint32_t count() const { return response[0] + response[1] + response[2]; }
};

struct Cell {
  uint32_t count;
  uint64_t order;  // from rank, then sur rank
  uint32_t from, sur;
  Tally t;
};

// Calls add(cell, doc) for each recommending state of each record of the selection, cell =
// from code (the unknown one as states) * states + sur.
template <typename Add>
void ForEachPair(const Data& data, const std::vector<uint32_t>& docs, Add&& add) {
  const uint32_t states = static_cast<uint32_t>(data.states.size());
  for (uint32_t d : docs) {
    const uint64_t sur = data.sur[d];
    for (uint32_t j = data.from_begin[d], e = data.from_begin[d + 1]; j < e; ++j)
      add(std::min<uint32_t>(data.from[j], states) * uint64_t{states} + sur, d);
  }
}

void Count(const Data& data, uint32_t d, Tally& t) {
  ++t.response[data.response[d]];
  const uint8_t action = data.action[d];
  t.with_action += action != 0;
  t.action_sum += action;
}

}  // namespace

DyadResponse CountDyads(const Data& data, const DocSet& docs, int64_t top_n) {
  DyadResponse resp;
  resp.total = static_cast<int64_t>(docs.size());
  const uint64_t states = data.states.size();
  const uint64_t cells = (states + 1) * states;
  const std::vector<uint32_t>& list = docs.list();
  std::vector<Cell> found;
  auto keep = [&](uint64_t cell, const Tally& t) {
    const uint32_t from = static_cast<uint32_t>(cell / states);
    const uint32_t sur = static_cast<uint32_t>(cell % states);
    found.push_back(
        {t.count(), (uint64_t{data.from_rank[from]} << 32) | data.sur_rank[sur], from, sur, t});
  };
  if (states == 0 || list.empty()) {
    // nothing to count
  } else if (cells <= kMaxDenseCells && cells <= kSparseRatio * list.size()) {
    std::vector<Tally> table(cells);
    ForEachPair(data, list, [&](uint64_t cell, uint32_t d) { Count(data, d, table[cell]); });
    for (uint64_t cell = 0; cell < cells; ++cell)
      if (table[cell].count()) keep(cell, table[cell]);
  } else {
    std::vector<std::pair<uint64_t, uint32_t>> touched;
    touched.reserve(list.size());
    ForEachPair(data, list, [&](uint64_t cell, uint32_t d) { touched.emplace_back(cell, d); });
    std::sort(touched.begin(), touched.end());
    for (size_t i = 0; i < touched.size();) {
      Tally t;
      const uint64_t cell = touched[i].first;
      for (; i < touched.size() && touched[i].first == cell; ++i) Count(data, touched[i].second, t);
      keep(cell, t);
    }
  }

  resp.pairs = static_cast<int64_t>(found.size());
  auto before = [](const Cell& a, const Cell& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.order < b.order;
  };
  size_t shown = found.size();
  if (top_n > 0 && static_cast<uint64_t>(top_n) < shown) {
    shown = static_cast<size_t>(top_n);
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(shown),
                      found.end(), before);
  } else {
    std::sort(found.begin(), found.end(), before);
  }
  resp.dyads.reserve(shown);
  const std::string unknown = "unknown";
  for (size_t i = 0; i < shown; ++i) {
    const Cell& c = found[i];
    resp.dyads.push_back({c.from < states ? data.states[c.from] : unknown, data.states[c.sur],
                          c.count, c.t.response[0], c.t.response[1], c.t.response[2],
                          c.t.with_action, c.t.action_sum});
  }
  return resp;
}

}  // namespace openupr::engine::internal

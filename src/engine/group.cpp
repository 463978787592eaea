// Group-bys and facets over the tallies of aggregate.h, with the answers analytics::ComputeStats
// gives in SQL: a record counts once per distinct combination of its values (SELECT DISTINCT
// id, keys), a record without a recommending state counts as "unknown" (LEFT JOIN), one
// without a theme is left out of theme groups (JOIN).
#include <algorithm>

#include "engine/aggregate.h"

namespace openupr::engine::internal {
namespace {

using analytics::Dimension;

// A selection this many times smaller than a plan's slots is counted sparsely: clearing and
// reading every slot would cost more than sorting its cells.
constexpr uint64_t kSparseRatio = 32;

struct Cell {
  uint64_t order;  // the key ranks, first dimension in the high bits
  uint64_t cell;   // slot / 3
  uint32_t count, supported, noted, other;
};

}  // namespace

analytics::StatsResult Group(const Data& data, const DocSet& docs,
                             const analytics::StatsRequest& req, Memo* memo,
                             size_t* group_count) {
  if (group_count) *group_count = 0;
  analytics::StatsResult result;
  result.by = req.by;
  const std::shared_ptr<const Plan> totals_plan = PlanFor(data, {}, /*response=*/true, memo);
  const std::shared_ptr<const Plan> the_plan = PlanFor(data, req.by, /*response=*/true, memo);
  const Plan& totals = *totals_plan;
  const Plan& plan = *the_plan;
  const uint64_t n = docs.size();
  const bool dense = !req.by.empty() && plan.slots <= kMaxDenseSlots &&
                     (plan.slots <= kSparseRatio * n || 2 * n > data.size());
  std::vector<const Plan*> plans = {&totals};
  if (dense) plans.push_back(&plan);
  const std::vector<Memo::Tally> tallies = CountDense(data, plans, docs, memo);
  const Memo::Tally& t = tallies[0];
  result.total = {{}, t[0] + t[1] + t[2], t[0], t[1], t[2]};
  if (req.by.empty()) return result;

  const size_t dims = req.by.size();
  std::vector<Cell> cells;
  auto add = [&](uint64_t cell, uint32_t s, uint32_t no, uint32_t o) {
    uint64_t order = 0;
    for (size_t i = 0; i < dims; ++i)
      order = (order << 20) | plan.axes[i].rank[plan.Code(cell * 3, i)];
    cells.push_back({order, cell, s + no + o, s, no, o});
  };
  if (dense) {
    const Memo::Tally& g = tallies[1];
    for (uint64_t slot = 0; slot + 2 < g.size(); slot += 3)
      if (g[slot] | g[slot + 1] | g[slot + 2]) add(slot / 3, g[slot], g[slot + 1], g[slot + 2]);
  } else {
    const auto slots = CountSparse(data, plan, docs);
    for (size_t i = 0; i < slots.size();) {
      const uint64_t cell = slots[i].first / 3;
      uint32_t r[3] = {0, 0, 0};
      for (; i < slots.size() && slots[i].first / 3 == cell; ++i)
        r[slots[i].first % 3] = slots[i].second;
      add(cell, r[0], r[1], r[2]);
    }
  }

  auto before = [&](const Cell& a, const Cell& b) {
    if (!req.sort_by_key && a.count != b.count) return a.count > b.count;
    return a.order < b.order;
  };
  if (group_count) *group_count = cells.size();
  size_t keep = cells.size();
  if (req.limit > 0 && static_cast<uint64_t>(req.limit) < keep)
    keep = static_cast<size_t>(req.limit);
  if (keep == cells.size()) {
    std::sort(cells.begin(), cells.end(), before);
  } else {
    std::partial_sort(cells.begin(), cells.begin() + keep, cells.end(), before);
  }
  result.rows.reserve(keep);
  for (size_t g = 0; g < keep; ++g) {
    analytics::StatsRow row;
    for (size_t i = 0; i < dims; ++i)
      row.keys.push_back(plan.axes[i].Key(data, plan.Code(cells[g].cell * 3, i)));
    row.count = cells[g].count;
    row.supported = cells[g].supported;
    row.noted = cells[g].noted;
    row.other = cells[g].other;
    result.rows.push_back(std::move(row));
  }
  return result;
}

std::vector<Facet> CountFacets(const Data& data, const DocSet& docs,
                               std::span<const Dimension> fields, int64_t top_n, Memo* memo) {
  // Single-valued fields share one tally (one count per record instead of one per field) as
  // long as their cells stay few; each multi-valued field gets its own.
  constexpr uint64_t kSharedCells = uint64_t{1} << 12;
  std::vector<std::shared_ptr<const Plan>> plans;
  std::vector<std::pair<size_t, size_t>> where(fields.size());  // field -> (plan, axis)
  std::vector<Dimension> shared;
  std::vector<size_t> shared_fields;
  uint64_t shared_cells = 1;
  auto flush = [&] {
    if (shared.empty()) return;
    plans.push_back(PlanFor(data, shared, /*response=*/false, memo));
    for (size_t i = 0; i < shared_fields.size(); ++i) where[shared_fields[i]] = {plans.size() - 1, i};
    shared.clear();
    shared_fields.clear();
    shared_cells = 1;
  };
  for (size_t f = 0; f < fields.size(); ++f) {
    std::shared_ptr<const Plan> one = PlanFor(data, {fields[f]}, /*response=*/false, memo);
    if (one->axes[0].multi) {
      plans.push_back(std::move(one));
      where[f] = {plans.size() - 1, 0};
      continue;
    }
    if (shared_cells * one->slots > kSharedCells) flush();
    shared.push_back(fields[f]);
    shared_fields.push_back(f);
    shared_cells *= one->slots;
  }
  flush();

  std::vector<const Plan*> pointers;
  for (const auto& p : plans) pointers.push_back(p.get());
  const std::vector<Memo::Tally> tallies = CountDense(data, pointers, docs, memo);

  std::vector<std::vector<uint64_t>> used(plans.size());  // the slots that count, per plan
  for (size_t i = 0; i < plans.size(); ++i)
    for (uint64_t slot = 0; slot < tallies[i].size(); ++slot)
      if (tallies[i][slot]) used[i].push_back(slot);
  std::vector<Facet> out;
  for (size_t f = 0; f < fields.size(); ++f) {
    const auto [pi, ai] = where[f];
    const Plan& p = *plans[pi];
    const Axis& axis = p.axes[ai];
    std::vector<uint64_t> counts(axis.card, 0);
    const Memo::Tally& t = tallies[pi];
    for (uint64_t slot : used[pi]) counts[p.Code(slot, ai)] += t[slot];
    std::vector<uint32_t> codes;
    for (uint32_t c = 0; c < axis.card; ++c)
      if (counts[c]) codes.push_back(c);
    auto before = [&](uint32_t a, uint32_t b) {
      if (counts[a] != counts[b]) return counts[a] > counts[b];
      return axis.rank[a] < axis.rank[b];
    };
    size_t keep = codes.size();
    if (top_n > 0 && static_cast<uint64_t>(top_n) < keep) keep = static_cast<size_t>(top_n);
    std::partial_sort(codes.begin(), codes.begin() + keep, codes.end(), before);
    Facet facet;
    facet.field = fields[f];
    for (size_t i = 0; i < keep; ++i)
      facet.values.push_back({axis.Key(data, codes[i]), static_cast<int64_t>(counts[codes[i]])});
    out.push_back(std::move(facet));
  }
  return out;
}

}  // namespace openupr::engine::internal

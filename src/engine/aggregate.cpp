#include "engine/aggregate.h"

#include <algorithm>
#include <numeric>

#include "core/states.h"

namespace openupr::engine::internal {
namespace {

using analytics::Dimension;

constexpr uint32_t kBlock = 1024;

// Codes in the order of their keys' bytes.
std::vector<uint32_t> RanksOfKeys(const std::vector<std::string>& keys) {
  std::vector<uint32_t> order(keys.size()), rank(keys.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
  for (uint32_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  return rank;
}

// Session and cycle numbers present in the index (those with a non-empty bitmap), ascending,
// become codes 0..n-1.
void NumberAxis(const std::vector<Roaring>& by_number, Axis& a) {
  a.lut.assign(256, 0);
  for (uint32_t v = 0; v < by_number.size() && v < 256; ++v) {
    if (by_number[v].isEmpty()) continue;
    a.lut[v] = a.number.size();
    a.number.push_back(v);
  }
  a.card = std::max<uint32_t>(1, static_cast<uint32_t>(a.number.size()));
  a.rank.resize(a.card);
  std::iota(a.rank.begin(), a.rank.end(), 0u);
}

Axis MakeAxis(const Data& data, Dimension dim) {
  Axis a;
  a.dim = dim;
  const uint32_t states = static_cast<uint32_t>(data.states.size());
  auto identity = [&](uint32_t n) {
    a.card = std::max<uint32_t>(1, n);
    a.lut.resize(a.card);
    std::iota(a.lut.begin(), a.lut.end(), uint64_t{0});
  };
  auto keyed_ranks = [&] {
    std::vector<std::string> keys(a.card);
    for (uint32_t c = 0; c < a.card; ++c) keys[c] = a.Key(data, c);
    a.rank = RanksOfKeys(keys);
  };
  switch (dim) {
    case Dimension::kSur:
      identity(states);
      a.rank = data.sur_rank;
      a.rank.resize(a.card);
      break;
    case Dimension::kFrom:  // code states.size() is "unknown"
      identity(states + 1);
      a.multi = true;
      a.rank = data.from_rank;
      a.rank.resize(a.card);
      break;
    case Dimension::kSurRegion:
      a.card = kRegionSlots;
      a.lut.assign(data.state_region.begin(), data.state_region.end());
      keyed_ranks();
      break;
    case Dimension::kFromRegion:
      identity(kRegionSlots);
      a.multi = true;
      keyed_ranks();
      break;
    case Dimension::kSession:
      NumberAxis(data.by_session, a);
      break;
    case Dimension::kCycle:
      NumberAxis(data.by_cycle, a);
      break;
    case Dimension::kResponse:
      identity(3);
      keyed_ranks();
      break;
    case Dimension::kAction:
      identity(6);
      keyed_ranks();
      break;
    case Dimension::kTheme:
      identity(static_cast<uint32_t>(data.theme_names.size()));
      a.multi = true;
      a.rank = data.theme_rank;
      a.rank.resize(a.card);
      break;
  }
  return a;
}

// Adds the slots of the records docs[0..n) to emit: emit(slot, weight) once per cell of each
// record, weight 1 (or 0 for a cell to leave uncounted). base: scratch for n slots.
template <typename Emit>
void ScanBlock(const Data& data, const Plan& p, const uint32_t* docs, uint32_t n, uint64_t* base,
               bool use_sets, Emit&& emit) {
  const bool combo = !p.combo_lut.empty();
  if (combo) {
    const uint64_t* lut = p.combo_lut.data();
    const uint16_t* c = data.combo.data();
    for (uint32_t i = 0; i < n; ++i) base[i] = lut[c[docs[i]]];
  } else if (p.response) {
    const uint8_t* r = data.response.data();
    for (uint32_t i = 0; i < n; ++i) base[i] = r[docs[i]];
  } else {
    std::fill(base, base + n, uint64_t{0});
  }
  const Axis* multi[3];
  size_t multis = 0;
  for (size_t ai = 0; ai < p.axes.size(); ++ai) {
    const Axis& a = p.axes[ai];
    if (use_sets && static_cast<int>(ai) == p.theme_axis) {
      // Set code x stride: the caller counts into scan_slots and spreads sets over themes.
      const uint64_t stride = p.stride[ai];
      const uint16_t* set = data.theme_set.data();
      for (uint32_t i = 0; i < n; ++i) base[i] += set[docs[i]] * stride;
      continue;
    }
    if (a.multi) {
      if (multis < 3) multi[multis++] = &a;
      continue;
    }
    if (combo && a.dim != Dimension::kSur) continue;
    const uint64_t* lut = a.lut.data();
    auto add = [&](const auto* column) {
      for (uint32_t i = 0; i < n; ++i) base[i] += lut[column[docs[i]]];
    };
    switch (a.dim) {
      case Dimension::kSur:
      case Dimension::kSurRegion: add(data.sur.data()); break;
      case Dimension::kSession: add(data.session.data()); break;
      case Dimension::kCycle: add(data.cycle.data()); break;
      case Dimension::kResponse: add(data.response.data()); break;
      case Dimension::kAction: add(data.action.data()); break;
      default: break;
    }
  }
  if (multis == 0) {
    for (uint32_t i = 0; i < n; ++i) emit(base[i], 1u);
    return;
  }
  const uint32_t unknown = static_cast<uint32_t>(data.states.size());
  // Calls f(scaled code) for each distinct value of record d on axis a.
  auto values = [&](const Axis& a, uint32_t d, auto&& f) {
    const uint64_t* lut = a.lut.data();
    switch (a.dim) {
      case Dimension::kTheme: {
        // Most records have one or two themes, in random mix: the first two are counted
        // without a branch (weight 0 when absent; the list is padded so that reading past a
        // record's last theme stays in bounds), a loop takes the rest.
        uint32_t j = data.theme_begin[d];
        const uint32_t e = data.theme_begin[d + 1];
        f(lut[data.themes[j]], j < e);
        f(lut[data.themes[j + 1]], j + 1 < e);
        for (j += 2; j < e; ++j) f(lut[data.themes[j]], 1);
        break;
      }
      case Dimension::kFrom:
        for (uint32_t j = data.from_begin[d], e = data.from_begin[d + 1]; j < e; ++j)
          f(lut[std::min<uint32_t>(data.from[j], unknown)], 1);
        break;
      case Dimension::kFromRegion:
        for (uint32_t m = data.from_regions[d]; m; m &= m - 1) f(lut[__builtin_ctz(m)], 1);
        break;
      default: break;
    }
  };
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t d = docs[i];
    const uint64_t b = base[i];
    if (multis == 1) {
      values(*multi[0], d, [&](uint64_t v, uint32_t w) { emit(b + v, w); });
    } else if (multis == 2) {
      values(*multi[0], d, [&](uint64_t v0, uint32_t w0) {
        values(*multi[1], d, [&](uint64_t v1, uint32_t w1) { emit(b + v0 + v1, w0 & w1); });
      });
    } else {
      values(*multi[0], d, [&](uint64_t v0, uint32_t w0) {
        values(*multi[1], d, [&](uint64_t v1, uint32_t w1) {
          values(*multi[2], d,
                 [&](uint64_t v2, uint32_t w2) { emit(b + v0 + v1 + v2, w0 & w1 & w2); });
        });
      });
    }
  }
}

// Calls emit(slot, weight) for every cell of every record in the ascending list; slots per
// theme set when use_sets.
template <typename Emit>
void Scan(const Data& data, const Plan& p, const std::vector<uint32_t>& list, bool use_sets,
          Emit&& emit) {
  uint64_t base[kBlock];
  for (size_t start = 0; start < list.size(); start += kBlock) {
    const uint32_t n = static_cast<uint32_t>(std::min<size_t>(kBlock, list.size() - start));
    ScanBlock(data, p, list.data() + start, n, base, use_sets, emit);
  }
}

// Adds delta (1, or -1 as unsigned) x weight to the tallies of the plans.
void ScanInto(const Data& data, const std::vector<const Plan*>& plans,
              const std::vector<Memo::Tally*>& tallies, const std::vector<uint32_t>& docs,
              uint32_t delta) {
  for (size_t i = 0; i < plans.size(); ++i) {
    const Plan& p = *plans[i];
    uint32_t* t = tallies[i]->data();
    if (!p.use_sets) {
      Scan(data, p, docs, false,
           [t, delta](uint64_t slot, uint32_t weight) { t[slot] += delta * weight; });
      continue;
    }
    // Per theme set first, then each set's counts to each of its themes.
    std::vector<uint32_t> per_set(p.scan_slots, 0);
    uint32_t* s = per_set.data();
    Scan(data, p, docs, true, [s](uint64_t slot, uint32_t weight) { s[slot] += weight; });
    const uint64_t stride = p.stride[static_cast<size_t>(p.theme_axis)];
    for (uint64_t slot = 0; slot < per_set.size(); ++slot) {
      const uint32_t count = per_set[slot];
      if (!count) continue;
      const uint64_t set = slot / stride, rest = slot % stride;
      for (uint32_t j = data.set_begin[set]; j < data.set_begin[set + 1]; ++j)
        t[rest + data.set_themes[j] * stride] += delta * count;
    }
  }
}

}  // namespace

std::string Axis::Key(const Data& data, uint32_t code) const {
  switch (dim) {
    case Dimension::kSur:
      return data.states[code];
    case Dimension::kFrom:
      return code < data.states.size() ? data.states[code] : "unknown";
    case Dimension::kSurRegion:  // a state missing from the state table: NULL, read as ""
      return code < kNoRegion ? std::string(RegionCode(static_cast<Region>(code))) : "";
    case Dimension::kFromRegion:
      return code < kNoRegion ? std::string(RegionCode(static_cast<Region>(code))) : "unknown";
    case Dimension::kSession:
    case Dimension::kCycle:
      return std::to_string(code < number.size() ? number[code] : 0);
    case Dimension::kResponse:
      return std::string(ResponseCode(static_cast<Response>(code)));
    case Dimension::kAction:
      return code ? std::to_string(code) : "unknown";
    case Dimension::kTheme:
      return data.theme_names[code];
  }
  return "";
}

Plan MakePlan(const Data& data, const std::vector<Dimension>& dims, bool response) {
  Plan p;
  p.response = response;
  p.key.assign(1, response ? 'r' : '-');
  for (Dimension d : dims) {
    p.axes.push_back(MakeAxis(data, d));
    p.key.push_back(static_cast<char>('a' + static_cast<int>(d)));
  }
  // Strides: the response, the axes in order, the theme last (so that a slot counted per theme
  // set becomes a slot per theme by changing its top part only). Saturates rather than
  // overflows: such a plan is never counted densely.
  p.stride.assign(p.axes.size(), 0);
  uint64_t stride = response ? 3 : 1;
  auto place = [&](size_t i) {
    p.stride[i] = stride;
    for (uint64_t& v : p.axes[i].lut) v *= stride;
    stride = stride > (uint64_t{1} << 40) ? stride : stride * p.axes[i].card;
  };
  for (size_t i = 0; i < p.axes.size(); ++i) {
    if (p.axes[i].dim == Dimension::kTheme && p.theme_axis < 0) {
      p.theme_axis = static_cast<int>(i);
      continue;
    }
    place(i);
  }
  const uint64_t below_theme = stride;
  if (p.theme_axis >= 0) place(static_cast<size_t>(p.theme_axis));
  p.slots = stride;

  const uint64_t sets = data.set_begin.size() - 1;
  p.use_sets = p.theme_axis >= 0 && data.sets_ok && below_theme * std::max<uint64_t>(sets, 1) <=
                                                        kMaxDenseSlots;
  p.scan_slots = p.use_sets ? below_theme * std::max<uint64_t>(sets, 1) : p.slots;

  // The combo column stands for the response and every single-valued axis but the state under
  // review: one lookup per record for all of them.
  if (data.combo_ok && !data.periods.empty()) {
    p.combo_lut.assign(data.periods.size() * kComboPeriod, 0);
    for (uint32_t period = 0; period < data.periods.size(); ++period) {
      const auto [session, cycle] = data.periods[period];
      for (uint32_t region = 0; region < kRegionSlots; ++region)
        for (uint32_t action = 0; action < 6; ++action)
          for (uint32_t r = 0; r < 3; ++r) {
            uint64_t v = response ? r : 0;
            for (size_t i = 0; i < p.axes.size(); ++i) {
              const Axis& a = p.axes[i];
              switch (a.dim) {
                case Dimension::kSurRegion: v += region * p.stride[i]; break;
                case Dimension::kSession: v += a.lut[session]; break;
                case Dimension::kCycle: v += a.lut[cycle]; break;
                case Dimension::kAction: v += a.lut[action]; break;
                case Dimension::kResponse: v += a.lut[r]; break;
                default: break;
              }
            }
            p.combo_lut[period * kComboPeriod + region * 18 + action * 3 + r] = v;
          }
    }
  }
  return p;
}

std::vector<Memo::Tally> CountDense(const Data& data, const std::vector<const Plan*>& plans,
                                    const DocSet& docs, Memo* memo) {
  const uint32_t size = data.size();
  const uint64_t n = docs.size();
  std::vector<Memo::Tally> out(plans.size());
  std::vector<Memo::Tally*> targets;
  for (Memo::Tally& t : out) targets.push_back(&t);
  if (memo && size > 0 && 2 * n > size) {
    // The whole-index tallies, made once per index; then the records not selected come off.
    std::vector<std::shared_ptr<const Memo::Tally>> whole(plans.size());
    std::vector<const Plan*> missing;
    for (size_t i = 0; i < plans.size(); ++i) {
      whole[i] = memo->Find(plans[i]->key);
      if (!whole[i]) missing.push_back(plans[i]);
    }
    if (!missing.empty()) {
      std::vector<Memo::Tally> made(missing.size());
      std::vector<Memo::Tally*> made_targets;
      for (size_t i = 0; i < missing.size(); ++i) {
        made[i].assign(missing[i]->slots, 0);
        made_targets.push_back(&made[i]);
      }
      std::vector<uint32_t> all(size);
      std::iota(all.begin(), all.end(), 0u);
      ScanInto(data, missing, made_targets, all, 1);
      for (size_t i = 0, m = 0; i < plans.size(); ++i) {
        if (whole[i]) continue;
        whole[i] =
            memo->Put(plans[i]->key, std::make_shared<const Memo::Tally>(std::move(made[m++])));
      }
    }
    for (size_t i = 0; i < plans.size(); ++i) out[i] = *whole[i];
    if (n < size) {
      Roaring rest = docs.bits();
      rest.flip(0, size);
      std::vector<uint32_t> list(rest.cardinality());
      rest.toUint32Array(list.data());
      ScanInto(data, plans, targets, list, static_cast<uint32_t>(-1));
    }
    return out;
  }
  for (size_t i = 0; i < plans.size(); ++i) out[i].assign(plans[i]->slots, 0);
  ScanInto(data, plans, targets, docs.list(), 1);
  return out;
}

std::vector<std::pair<uint64_t, uint32_t>> CountSparse(const Data& data, const Plan& plan,
                                                       const DocSet& docs) {
  std::vector<std::pair<uint64_t, uint32_t>> cells;
  Scan(data, plan, docs.list(), false, [&](uint64_t slot, uint32_t weight) {
    if (weight) cells.emplace_back(slot, weight);
  });
  std::sort(cells.begin(), cells.end());
  std::vector<std::pair<uint64_t, uint32_t>> out;
  for (const auto& [slot, weight] : cells) {
    if (!out.empty() && out.back().first == slot) {
      out.back().second += weight;
    } else {
      out.emplace_back(slot, weight);
    }
  }
  return out;
}

std::shared_ptr<const Memo::Tally> Memo::Find(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = tallies_.find(key);
  return it == tallies_.end() ? nullptr : it->second;
}

std::shared_ptr<const Memo::Tally> Memo::Put(const std::string& key,
                                             std::shared_ptr<const Memo::Tally> t) {
  std::lock_guard lock(mu_);
  auto it = tallies_.find(key);
  if (it != tallies_.end()) return it->second;  // another thread was first
  const size_t bytes = t->size() * sizeof(uint32_t);
  if (bytes_ + bytes > kMaxBytes) return t;
  bytes_ += bytes;
  tallies_.emplace(key, t);
  return t;
}

std::shared_ptr<const Plan> Memo::GetPlan(const Data& data, const std::vector<Dimension>& dims,
                                          bool response) {
  std::string key(1, response ? 'r' : '-');
  for (Dimension d : dims) key.push_back(static_cast<char>('a' + static_cast<int>(d)));
  {
    std::lock_guard lock(mu_);
    auto it = plans_.find(key);
    if (it != plans_.end()) return it->second;
  }
  auto plan = std::make_shared<const Plan>(MakePlan(data, dims, response));
  std::lock_guard lock(mu_);
  if (plans_.size() >= kMaxPlans) return plan;
  return plans_.emplace(key, plan).first->second;
}

std::shared_ptr<const Plan> PlanFor(const Data& data, const std::vector<Dimension>& dims,
                                    bool response, Memo* memo) {
  if (memo) return memo->GetPlan(data, dims, response);
  return std::make_shared<const Plan>(MakePlan(data, dims, response));
}

void Memo::Clear() {
  std::lock_guard lock(mu_);
  tallies_.clear();
  plans_.clear();
  bytes_ = 0;
}

}  // namespace openupr::engine::internal

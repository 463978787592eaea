// Group-by counts over the columns, as analytics::ComputeStats computes them in SQL: a record
// counts once per distinct combination of its values (SELECT DISTINCT id, keys), a record
// without a recommending state counts as "unknown" (LEFT JOIN), one without a theme is left out
// of theme groups (JOIN).
#include <algorithm>
#include <unordered_map>

#include "core/states.h"
#include "engine/data.h"

namespace openupr::engine::internal {
namespace {

using analytics::Dimension;

struct Tally {
  uint32_t count = 0, supported = 0, noted = 0, other = 0;
  void Add(uint8_t response) {
    ++count;
    supported += response == 0;
    noted += response == 1;
    other += response == 2;
  }
};

// The values of one dimension as codes 0..cardinality()-1.
class Values {
 public:
  Values(const Data& data, Dimension dim) : data_(data), dim_(dim) {}

  uint32_t cardinality() const {
    switch (dim_) {
      case Dimension::kSur:
        return static_cast<uint32_t>(data_.states.size());
      case Dimension::kFrom:
        return static_cast<uint32_t>(data_.states.size()) + 1;
      case Dimension::kSurRegion:
      case Dimension::kFromRegion:
        return kRegionSlots;
      case Dimension::kSession:
      case Dimension::kCycle:
        return 256;
      case Dimension::kResponse:
        return 3;
      case Dimension::kAction:
        return 6;
      case Dimension::kTheme:
        return static_cast<uint32_t>(data_.theme_names.size());
    }
    return 1;
  }

  // One value per record (no join): Single() gives it.
  bool single() const {
    return dim_ != Dimension::kFrom && dim_ != Dimension::kFromRegion && dim_ != Dimension::kTheme;
  }
  uint32_t Single(uint32_t d) const {
    switch (dim_) {
      case Dimension::kSur:
        return data_.sur[d];
      case Dimension::kSurRegion:
        return data_.state_region[data_.sur[d]];
      case Dimension::kSession:
        return data_.session[d];
      case Dimension::kCycle:
        return data_.cycle[d];
      case Dimension::kResponse:
        return data_.response[d];
      case Dimension::kAction:
        return data_.action[d];
      default:
        return 0;
    }
  }

  // The distinct codes of record d; none for a record without themes in a theme group.
  void Get(uint32_t d, std::vector<uint32_t>& out) const {
    out.clear();
    switch (dim_) {
      case Dimension::kSur:
        out.push_back(data_.sur[d]);
        return;
      case Dimension::kSurRegion:
        out.push_back(data_.state_region[data_.sur[d]]);
        return;
      case Dimension::kSession:
        out.push_back(data_.session[d]);
        return;
      case Dimension::kCycle:
        out.push_back(data_.cycle[d]);
        return;
      case Dimension::kResponse:
        out.push_back(data_.response[d]);
        return;
      case Dimension::kAction:
        out.push_back(data_.action[d]);
        return;
      case Dimension::kFrom:
      case Dimension::kFromRegion: {
        const uint32_t unknown = dim_ == Dimension::kFrom ? cardinality() - 1 : kNoRegion;
        for (uint32_t i = data_.from_begin[d]; i < data_.from_begin[d + 1]; ++i) {
          const uint16_t s = data_.from[i];
          if (s == kUnknownState) {
            out.push_back(unknown);
          } else {
            out.push_back(dim_ == Dimension::kFrom ? s : data_.state_region[s]);
          }
        }
        if (out.empty()) out.push_back(unknown);
        break;
      }
      case Dimension::kTheme:
        for (uint32_t i = data_.theme_begin[d]; i < data_.theme_begin[d + 1]; ++i)
          out.push_back(data_.themes[i]);
        break;
    }
    if (out.size() > 1) {
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
    }
  }

  // The key ComputeStats gives the code.
  std::string Key(uint32_t code) const {
    switch (dim_) {
      case Dimension::kSur:
        return data_.states[code];
      case Dimension::kFrom:
        return code < data_.states.size() ? data_.states[code] : "unknown";
      case Dimension::kSurRegion:  // a state missing from the state table: NULL, read as ""
        return code < kNoRegion ? std::string(RegionCode(static_cast<Region>(code))) : "";
      case Dimension::kFromRegion:
        return code < kNoRegion ? std::string(RegionCode(static_cast<Region>(code))) : "unknown";
      case Dimension::kSession:
      case Dimension::kCycle:
        return std::to_string(code);
      case Dimension::kResponse:
        return std::string(ResponseCode(static_cast<Response>(code)));
      case Dimension::kAction:
        return code ? std::to_string(code) : "unknown";
      case Dimension::kTheme:
        return data_.theme_names[code];
    }
    return "";
  }

 private:
  const Data& data_;
  Dimension dim_;
};

bool IsNumeric(Dimension d) { return d == Dimension::kSession || d == Dimension::kCycle; }

// The place of each code in ComputeStats' key order (numbers as numbers, else the key's bytes).
std::vector<uint32_t> KeyRanks(const Values& values, Dimension dim) {
  const uint32_t n = values.cardinality();
  std::vector<uint32_t> codes(n), rank(n);
  for (uint32_t c = 0; c < n; ++c) codes[c] = c;
  if (!IsNumeric(dim)) {
    std::vector<std::string> keys(n);
    for (uint32_t c = 0; c < n; ++c) keys[c] = values.Key(c);
    std::sort(codes.begin(), codes.end(),
              [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
  }
  for (uint32_t i = 0; i < n; ++i) rank[codes[i]] = i;
  return rank;
}

}  // namespace

analytics::StatsResult Group(const Data& data, const std::vector<uint32_t>& docs,
                             const analytics::StatsRequest& req, size_t* group_count) {
  if (group_count) *group_count = 0;
  analytics::StatsResult result;
  result.by = req.by;
  Tally total;
  for (uint32_t d : docs) total.Add(data.response[d]);
  result.total = {{}, total.count, total.supported, total.noted, total.other};
  if (req.by.empty()) return result;

  const size_t dims = req.by.size();
  std::vector<Values> values;
  uint64_t cells = 1;
  for (Dimension d : req.by) {
    values.emplace_back(data, d);
    cells *= values.back().cardinality();
  }
  // Codes combine into one cell number; a small space is counted in an array, a large one
  // (e.g. from x sur x theme) in a hash map.
  std::vector<uint64_t> stride(dims, 1);
  for (size_t i = 1; i < dims; ++i) stride[i] = stride[i - 1] * values[i - 1].cardinality();
  const bool dense = cells <= (uint64_t{1} << 16);
  std::vector<Tally> array(dense ? cells : 0);
  std::unordered_map<uint64_t, Tally> map;
  auto tally = [&](uint64_t cell) -> Tally& { return dense ? array[cell] : map[cell]; };

  bool all_single = true;
  for (const Values& v : values) all_single &= v.single();
  std::vector<std::vector<uint32_t>> codes(dims);
  for (uint32_t d : docs) {
    const uint8_t response = data.response[d];
    if (all_single) {
      uint64_t cell = 0;
      for (size_t i = 0; i < dims; ++i) cell += values[i].Single(d) * stride[i];
      tally(cell).Add(response);
      continue;
    }
    bool none = false;
    for (size_t i = 0; i < dims && !none; ++i) {
      values[i].Get(d, codes[i]);
      none = codes[i].empty();
    }
    if (none) continue;
    for (uint32_t a : codes[0]) {
      if (dims == 1) {
        tally(a).Add(response);
        continue;
      }
      for (uint32_t b : codes[1]) {
        if (dims == 2) {
          tally(a + b * stride[1]).Add(response);
          continue;
        }
        for (uint32_t c : codes[2]) tally(a + b * stride[1] + c * stride[2]).Add(response);
      }
    }
  }

  // Order the groups by count and key ranks (numbers, not strings), and make rows of the ones
  // kept only: a dyadic matrix has ten thousand groups and a page shows ten.
  auto code = [&](uint64_t cell, size_t i) {
    return static_cast<uint32_t>(cell / stride[i] % values[i].cardinality());
  };
  std::vector<std::vector<uint32_t>> ranks;
  for (size_t i = 0; i < dims; ++i) ranks.push_back(KeyRanks(values[i], req.by[i]));
  struct Group {
    uint64_t order;  // the key ranks, first dimension in the high bits
    uint64_t cell;
    Tally tally;
  };
  std::vector<Group> groups;
  auto add = [&](uint64_t cell, const Tally& t) {
    uint64_t order = 0;
    for (size_t i = 0; i < dims; ++i) order = (order << 20) | ranks[i][code(cell, i)];
    groups.push_back({order, cell, t});
  };
  if (dense) {
    for (uint64_t cell = 0; cell < array.size(); ++cell)
      if (array[cell].count) add(cell, array[cell]);
  } else {
    for (const auto& [cell, t] : map) add(cell, t);
  }
  auto before = [&](const Group& a, const Group& b) {
    if (!req.sort_by_key && a.tally.count != b.tally.count) return a.tally.count > b.tally.count;
    return a.order < b.order;
  };
  if (group_count) *group_count = groups.size();
  size_t keep = groups.size();
  if (req.limit > 0 && static_cast<uint64_t>(req.limit) < keep)
    keep = static_cast<size_t>(req.limit);
  if (keep == groups.size()) {
    std::sort(groups.begin(), groups.end(), before);
  } else {
    std::partial_sort(groups.begin(), groups.begin() + keep, groups.end(), before);
  }
  for (size_t g = 0; g < keep; ++g) {
    analytics::StatsRow row;
    for (size_t i = 0; i < dims; ++i) row.keys.push_back(values[i].Key(code(groups[g].cell, i)));
    row.count = groups[g].tally.count;
    row.supported = groups[g].tally.supported;
    row.noted = groups[g].tally.noted;
    row.other = groups[g].tally.other;
    result.rows.push_back(std::move(row));
  }
  return result;
}

}  // namespace openupr::engine::internal

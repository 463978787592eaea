// Internal to engine/: counting records per cell of a grouping, the core of group-bys, dyads and
// facets. A grouping (Plan) is up to a few dimensions (Axis), each with codes 0..card-1, plus
// optionally the response; a cell's slot is the sum of its codes times their strides (the
// response, when counted, varies fastest: slot = cell * 3 + response).
//
// The records are scanned in blocks of document numbers taken from the selection's bitmap:
// single-valued dimensions (state under review and its region, session, cycle, response,
// action) add their scaled code to each record's slot column by column through small lookup
// tables, multi-valued ones (recommending states and their regions, themes) then fan each
// record out over its distinct values. A selection of more than half of the index is counted
// as the whole-index tally (Memo) minus its complement.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "engine/data.h"

namespace openupr::engine::internal {

// One dimension of a grouping.
struct Axis {
  analytics::Dimension dim = analytics::Dimension::kSur;
  uint32_t card = 1;             // codes 0..card-1
  bool multi = false;            // several values per record (from, from-region, theme)
  std::vector<uint64_t> lut;     // raw column value -> code x stride (scaled by MakePlan)
  std::vector<uint32_t> number;  // session, cycle: the number each code stands for
  std::vector<uint32_t> rank;    // code -> place of its key in ComputeStats' key order

  // The key ComputeStats gives the code: ISO3, region code, number, theme name, "unknown", ...
  std::string Key(const Data& data, uint32_t code) const;
};

struct Plan {
  std::vector<Axis> axes;
  bool response = false;  // count per response too (3 slots per cell)
  std::vector<uint64_t> stride;  // the response varies fastest, then the axes, themes last
  uint64_t slots = 1;
  std::string key;  // names the grouping in the Memo

  // How records are read. combo_lut: Data::combo code -> the scaled codes of every axis it
  // holds (all single-valued ones but the state under review) and the response; empty when
  // the combo is not used. use_sets: themes are counted per theme set (set code x stride into
  // scan_slots slots), then each set's count goes to each of its themes.
  std::vector<uint64_t> combo_lut;
  bool use_sets = false;
  int theme_axis = -1;
  uint64_t scan_slots = 0;

  uint32_t Code(uint64_t slot, size_t axis) const {
    return static_cast<uint32_t>(slot / stride[axis] % axes[axis].card);
  }
};

Plan MakePlan(const Data& data, const std::vector<analytics::Dimension>& dims, bool response);

// What an Index keeps for its lifetime, made on first use (thread-safe): whole-index tallies
// (an aggregation over more than half of the records counts the other records and subtracts
// them from the whole-index tally of its plan) and plans (their lookup tables are built from
// the index, once).
class Memo {
 public:
  using Tally = std::vector<uint32_t>;
  std::shared_ptr<const Tally> Find(const std::string& key) const;
  // Keeps t under key unless the memo is full (kMaxBytes); returns the tally kept for key.
  std::shared_ptr<const Tally> Put(const std::string& key, std::shared_ptr<const Tally> t);
  // The plan of these dimensions (MakePlan), made once.
  std::shared_ptr<const Plan> GetPlan(const Data& data,
                                      const std::vector<analytics::Dimension>& dims,
                                      bool response);
  void Clear();
  static constexpr size_t kMaxBytes = size_t{64} << 20;
  static constexpr size_t kMaxPlans = 1024;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Tally>> tallies_;  // guarded by mu_
  std::map<std::string, std::shared_ptr<const Plan>> plans_;     // guarded by mu_
  size_t bytes_ = 0;                                             // guarded by mu_
};


// The plan of dims from memo (made once per index), or made now when memo is null.
std::shared_ptr<const Plan> PlanFor(const Data& data,
                                    const std::vector<analytics::Dimension>& dims, bool response,
                                    Memo* memo);

// Dense tallies stay below this many slots (4 MiB of counts).

inline constexpr uint64_t kMaxDenseSlots = uint64_t{1} << 20;

// One count per slot for each plan (every plan's slots at most kMaxDenseSlots), over the records
// in docs. memo (may be null) holds the whole-index tallies.
std::vector<Memo::Tally> CountDense(const Data& data, const std::vector<const Plan*>& plans,
                                    const DocSet& docs, Memo* memo);

// The slots that count, ascending, with their counts: for plans too large to count densely or
// selections much smaller than the plan.
std::vector<std::pair<uint64_t, uint32_t>> CountSparse(const Data& data, const Plan& plan,
                                                       const DocSet& docs);

}  // namespace openupr::engine::internal

// Bulk read of the recommendations, for loading in-memory indexes (engine/): every record with
// the attributes a search or a count needs (not the provenance), streamed in id order from one
// read snapshot, without holding the whole table in memory. A record the source left without an
// action category or without themes carries its predicted ones (table predicted_label, written
// by `openupr classify apply`), marked as such: the labels every analysis counts.
//
// Uses the caller's Store; not thread-safe (a Store belongs to one thread at a time).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace openupr::store {

// One recommendation as the scan sees it. Views point into buffers that are valid only during
// the callback; copy what must outlive it.
struct ScannedRecommendation {
  int64_t id = 0;
  std::string_view uid;  // stable identity (core/identity.h)
  std::string_view sur;  // ISO3
  int session = 0;
  int cycle = 0;
  std::string_view text;
  std::string_view response;      // "supported", "noted" or "other"
  int action = 0;                 // 1..5, 0 = unknown (NULL and none predicted)
  bool action_predicted = false;  // action is the classifier's (the source has none)
  bool themes_predicted = false;  // themes are the classifier's (the source has none)
  std::string_view sur_orgs;      // as stored, e.g. "AU, OIC"
  std::string_view from_orgs;
  std::vector<std::string_view> from;    // ISO3 per recommending state by position; "" = unknown
  std::vector<std::string_view> from_raw;  // the source's name of each, by position
  std::vector<std::string_view> themes;    // theme names (theme.name), in theme id order;
                                           // predicted ones in the order of their names
  std::vector<int> sdg_goals;            // distinct SDG goals 1..17, ascending
};

// The meta key whose value changes whenever the predicted labels do (classify/model_store.h
// writes it: a hash of the labels written; absent when there are none).
inline constexpr const char* kPredictedLabelsKey = "predicted_labels";
// Its value, "" when absent. Errors: store errors.
Result<std::string> PredictedLabelsStamp(Store& store);

// Calls on_record for every recommendation with id > after_id, in ascending id order, all read
// in one snapshot (a read transaction, unless the caller already has one open). A non-ok Status
// from on_record stops the scan and is returned. Errors: store errors (kIo, kBadInput, ...).
Status ScanRecommendations(Store& store, int64_t after_id,
                           const std::function<Status(const ScannedRecommendation&)>& on_record);

}  // namespace openupr::store

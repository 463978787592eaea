// The classifier in the database (schema v9, docs/data-model.md): `openupr classify train`
// trains on every labelled recommendation and stores the model (table model) with its training
// data's fingerprint and measured quality; `serve` and `classify label` load it; `classify
// apply` stores predicted labels (table predicted_label) for records the source left unlabelled,
// never touching the source's labels.
//
// Functions take the caller's Store (one thread at a time).
#pragma once

#include <cstdint>
#include <string>

#include "classify/classifier.h"
#include "core/status.h"
#include "store/store.h"

namespace openupr::classify {

inline constexpr const char* kModelName = "openupr-linear";
// One row holds the whole classifier: themes, action category and SDG goals.
inline constexpr const char* kModelKind = "themes+action+sdg";

struct ModelInfo {
  int64_t id = 0;
  std::string name, kind, created, training_fingerprint;
  int64_t training_records = 0;
  int schema_version = 0;
  uint64_t seed = 0;
  std::string quality_json;
};

struct TrainReport {
  ModelInfo model;
  double train_seconds = 0;
  std::string holdout;  // what the quality was measured on, e.g. "train 1-12, test 13-17"
};

// Trains on every labelled recommendation, measures the quality on a time split of the same
// data (the latest sessions holding about a quarter of the records are held out; a second
// model is trained for that), and stores the model trained on all records, replacing the
// previous models and their predicted labels in one transaction. Errors: kInvalidArgument when
// the database has no labelled recommendation; store errors.
Result<TrainReport> TrainAndStore(store::Store& store, const TrainOptions& options);

struct LoadedModel {
  ModelInfo info;
  std::shared_ptr<const Classifier> classifier;
};
// The stored model. Errors: kNotFound "no classifier model stored: train one with `openupr
// classify train`"; kConflict for a model of another schema version; kBadInput for a corrupt
// blob.
Result<LoadedModel> LoadModel(store::Store& store);

struct ApplyReport {
  int64_t model_id = 0;
  int64_t records = 0;          // records given predicted labels: recommendations + observations
  int64_t recommendations = 0;  // recommendations given predicted labels
  int64_t observations = 0;     // treaty-body and special-procedure observations (uhri_record)
  int64_t themes = 0;           // predicted theme rows written (records without source themes)
  int64_t actions = 0;          // predicted action rows (records without a source action)
  int64_t sdgs = 0;             // predicted SDG goal rows (records without source SDGs)
};
// Stores predicted labels, keyed by record uid: for every recommendation, themes where the
// source has none, the action where the source has none, SDG goals where the source has none;
// for every observation of a treaty body or a special procedure (uhri_record rows whose
// mechanism is not upr; uid "uhri-..."), the action category and UPR Info themes (which UHRI
// never gives) and SDG goals when UHRI gives no SDG target. Never touches the source's fields.
// Replaces earlier predicted labels and records their stamp (meta store::kPredictedLabelsKey,
// which the engine's index and its snapshot follow), in one transaction. Predicts on two
// threads. Errors: as LoadModel, store errors.
Result<ApplyReport> ApplyModel(store::Store& store);

// A predicted label of one record, as `openupr classify apply` stored it.
struct PredictedLabel {
  std::string kind;   // "action", "theme" or "sdg"
  std::string label;  // "1".."5", a UPR Info theme name, a goal "16"
  double score = 0;   // 0..1
  int64_t model_id = 0;
};
// The predicted labels of the record with this uid (a recommendation's or "uhri-..."), by kind
// (action, sdg, theme), then score descending; empty when it has none. Errors: store errors.
Result<std::vector<PredictedLabel>> PredictedLabelsOf(store::Store& store, std::string_view uid);

}  // namespace openupr::classify

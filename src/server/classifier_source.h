// The stored classifier (classify/model_store.h) for the server, loaded again when the database
// changed (versioned_source.h), so that `openupr classify train` while the server runs shows at
// the next request. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "classify/model_store.h"
#include "server/versioned_source.h"

namespace openupr::server {

// classify::LoadModel's model (the classifier and its stored description). Errors: kConflict naming
// `openupr classify train` when no model is stored (or one for another schema version), kBadInput
// for a corrupt one, the store's.
Result<std::shared_ptr<const classify::LoadedModel>> LoadClassifier(store::Store& store);

// Get(): the classifier as of the latest commit; errors as LoadClassifier's.
class ClassifierSource : public VersionedSource<classify::LoadedModel> {
 public:
  explicit ClassifierSource(std::string path) : VersionedSource(std::move(path), LoadClassifier) {}
};

}  // namespace openupr::server

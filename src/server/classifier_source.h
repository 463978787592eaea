// The stored classifier (classify/model_store.h) for the server: loaded on first use from its own
// connection to the database and again when another connection has committed since (PRAGMA
// data_version), so that `openupr classify train` while the server runs shows at the next
// request. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "classify/classifier.h"
#include "core/status.h"
#include "store/store.h"

namespace openupr::server {

class ClassifierSource {
 public:
  explicit ClassifierSource(std::string path) : path_(std::move(path)) {}
  // The classifier as of the latest commit. Errors: kConflict naming `openupr classify train`
  // when no model is stored (or one for another schema version), kBadInput for a corrupt one,
  // the store's errors.
  Result<std::shared_ptr<const classify::Classifier>> Get();

 private:
  const std::string path_;
  std::mutex mu_;  // guards the members below
  std::unique_ptr<store::Store> store_;
  int64_t version_ = -1;
  std::shared_ptr<const classify::Classifier> classifier_;
};

}  // namespace openupr::server

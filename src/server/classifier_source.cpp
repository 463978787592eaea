#include "server/classifier_source.h"

#include "classify/model_store.h"

namespace openupr::server {

Result<std::shared_ptr<const classify::Classifier>> ClassifierSource::Get() {
  std::lock_guard lock(mu_);
  if (!store_) {
    auto opened = store::Store::Open(path_, store::OpenMode::kExisting);
    if (!opened.ok()) return opened.status();
    store_ = std::move(opened).value();
  }
  auto version = store_->db().QueryInt("PRAGMA data_version");
  if (!version.ok()) return version.status();
  if (classifier_ && *version == version_) return classifier_;
  auto loaded = classify::LoadModel(*store_);
  if (!loaded.ok()) {
    // No model is a state of the database the client cannot fix by changing the request: 409.
    if (loaded.status().code() == StatusCode::kNotFound)
      return Status::Conflict(loaded.status().message());
    return loaded.status();
  }
  classifier_ = loaded->classifier;
  version_ = *version;
  return classifier_;
}

}  // namespace openupr::server

#include "server/classifier_source.h"

#include "classify/model_store.h"

namespace openupr::server {

Result<std::shared_ptr<const classify::LoadedModel>> LoadClassifier(store::Store& store) {
  auto loaded = classify::LoadModel(store);
  if (!loaded.ok()) {
    // No model is a state of the database the client cannot fix by changing the request: 409.
    if (loaded.status().code() == StatusCode::kNotFound)
      return Status::Conflict(loaded.status().message());
    return loaded.status();
  }
  return std::make_shared<const classify::LoadedModel>(std::move(loaded).value());
}

}  // namespace openupr::server

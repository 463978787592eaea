#include "server/vote_source.h"

namespace openupr::server {

Result<std::shared_ptr<const engine::VoteIndex>> VoteSource::Get() {
  std::lock_guard lock(mu_);
  if (!store_) {
    auto opened = store::Store::Open(path_, store::OpenMode::kExisting);
    if (!opened.ok()) return opened.status();
    store_ = std::move(opened).value();
  }
  auto version = store_->db().QueryInt("PRAGMA data_version");
  if (!version.ok()) return version.status();
  if (index_ && *version == version_) return index_;
  auto built = engine::VoteIndex::Build(*store_);
  if (!built.ok()) return built.status();
  index_ = std::move(built).value();
  version_ = *version;
  return index_;
}

}  // namespace openupr::server

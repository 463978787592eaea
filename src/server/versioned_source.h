// Something built from the database for the server (the Council's VoteIndex, the stored
// classifier): made on first use from its own connection to the database, and made again when
// another connection has committed since (PRAGMA data_version, no disk access), so that an
// import or `openupr classify train` while the server runs shows at the next request.
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "core/status.h"
#include "store/store.h"

namespace openupr::server {

template <typename T>
class VersionedSource {
 public:
  // make: builds T from the store; its errors are Get's.
  using Make = Result<std::shared_ptr<const T>> (*)(store::Store&);
  VersionedSource(std::string path, Make make) : path_(std::move(path)), make_(make) {}

  // T as of the latest commit. Errors: make's, the store's (a database that cannot be opened).
  Result<std::shared_ptr<const T>> Get() {
    std::lock_guard lock(mu_);
    if (!store_) {
      auto opened = store::Store::Open(path_, store::OpenMode::kExisting);
      if (!opened.ok()) return opened.status();
      store_ = std::move(opened).value();
    }
    auto version = store_->db().QueryInt("PRAGMA data_version");
    if (!version.ok()) return version.status();
    if (made_ && *version == version_) return made_;
    auto made = make_(*store_);
    if (!made.ok()) return made.status();
    made_ = std::move(made).value();
    version_ = *version;
    return made_;
  }

 private:
  const std::string path_;
  const Make make_;
  std::mutex mu_;  // guards the members below
  std::unique_ptr<store::Store> store_;
  int64_t version_ = -1;
  std::shared_ptr<const T> made_;
};

}  // namespace openupr::server

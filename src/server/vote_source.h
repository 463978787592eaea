// The Council's record in memory (engine::VoteIndex) for the server: built on first use from its
// own connection to the database, and rebuilt when another connection has committed since
// (PRAGMA data_version, no disk access), so that an import while the server runs shows at the
// next request. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"
#include "engine/votes.h"
#include "store/store.h"

namespace openupr::server {

class VoteSource {
 public:
  explicit VoteSource(std::string path) : path_(std::move(path)) {}
  // The index as of the latest commit. Errors: the store's (a database that cannot be opened).
  Result<std::shared_ptr<const engine::VoteIndex>> Get();

 private:
  const std::string path_;
  std::mutex mu_;  // guards the members below
  std::unique_ptr<store::Store> store_;
  int64_t version_ = -1;
  std::shared_ptr<const engine::VoteIndex> index_;
};

}  // namespace openupr::server

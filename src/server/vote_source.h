// The Council's record in memory (engine::VoteIndex) for the server, rebuilt when the database
// changed (versioned_source.h). Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "engine/observations.h"
#include "engine/votes.h"
#include "server/versioned_source.h"

namespace openupr::server {

// engine::VoteIndex::Build as a shared index.
Result<std::shared_ptr<const engine::VoteIndex>> BuildVoteIndex(store::Store& store);

// Get(): the index as of the latest commit. Errors: the store's.
class VoteSource : public VersionedSource<engine::VoteIndex> {
 public:
  explicit VoteSource(std::string path) : VersionedSource(std::move(path), BuildVoteIndex) {}
};

// engine::ObservationIndex::Build as a shared index.
Result<std::shared_ptr<const engine::ObservationIndex>> BuildObservationIndex(store::Store& store);

// Get(): the UHRI records (every mechanism) as of the latest commit. Errors: the store's.
class ObservationSource : public VersionedSource<engine::ObservationIndex> {
 public:
  explicit ObservationSource(std::string path)
      : VersionedSource(std::move(path), BuildObservationIndex) {}
};

}  // namespace openupr::server

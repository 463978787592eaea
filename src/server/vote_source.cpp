#include "server/vote_source.h"

namespace openupr::server {

Result<std::shared_ptr<const engine::VoteIndex>> BuildVoteIndex(store::Store& store) {
  auto built = engine::VoteIndex::Build(store);
  if (!built.ok()) return built.status();
  return std::shared_ptr<const engine::VoteIndex>(std::move(built).value());
}

Result<std::shared_ptr<const engine::ObservationIndex>> BuildObservationIndex(store::Store& store) {
  auto built = engine::ObservationIndex::Build(store);
  if (!built.ok()) return built.status();
  return std::shared_ptr<const engine::ObservationIndex>(std::move(built).value());
}

}  // namespace openupr::server

// The real UPR Info export for the benchmarks: the four session files (33,082 recommendations,
// ../shared/data or $OPENUPR_DATA_DIR) imported into a temporary database that is removed when
// the object goes, optionally with the in-memory engine's index of it. One loader for every
// benchmark that needs the real record (engine, similar, classify).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "engine/index.h"
#include "store/store.h"

namespace openupr::bench {

// $OPENUPR_DATA_DIR, or the shared data the build was configured with.
std::string DataDir();

class RealData {
 public:
  // Imports the sessions into <temp>/openupr-<name>-<pid>/bench.db and, with index, builds the
  // engine's index. On any error: the message on stderr (prefixed with name) and store() or
  // index() null, so that the benchmarks skip with an error.
  RealData(std::string_view name, bool index);
  ~RealData();
  RealData(const RealData&) = delete;
  RealData& operator=(const RealData&) = delete;

  store::Store* store() const { return store_.get(); }
  const engine::Index* index() const { return index_.get(); }

 private:
  void Fail(const Status& st);
  std::string name_;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<engine::Index> index_;
};

}  // namespace openupr::bench

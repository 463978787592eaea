// A seam for fault tests, as LevelDB's Env is one: a SQLite VFS that wraps the default one and
// behaves as a file system with a fixed amount of free space, so that a test can fill the disk
// under an import at any chosen moment, on any machine (no mount, no root, a real file).
//
// The space model is a file system's, not a write counter: a write that grows a file takes the
// growth from the free space and fails with SQLITE_FULL when it does not fit (as the unix VFS
// reports ENOSPC); a write inside a file's current size always succeeds (the blocks are there,
// so a rollback can put the old pages back); truncating or deleting a file gives its space back.
// The -shm index is not counted (SQLite maps it; it is a few pages). Nothing in the program
// installs it; tests do.
#pragma once

#include <cstdint>
#include <memory>

#include "core/status.h"

namespace openupr::store {

class DiskSpaceLimit {
 public:
  // Makes the limited VFS SQLite's default until the returned object is destroyed: databases
  // opened meanwhile see free_bytes of free space, shared by all their files (database, rollback
  // journal, WAL). Close them before destroying it. kInternal if one is already installed or
  // SQLite refuses the VFS. Install and destroy while no other thread opens a database; the
  // accounting itself is thread-safe.
  static Result<std::unique_ptr<DiskSpaceLimit>> Install(int64_t free_bytes);
  ~DiskSpaceLimit();
  DiskSpaceLimit(const DiskSpaceLimit&) = delete;
  DiskSpaceLimit& operator=(const DiskSpaceLimit&) = delete;

  // The space left now.
  int64_t free_bytes() const;
  // How many writes failed with SQLITE_FULL so far.
  int64_t refused_writes() const;

 private:
  DiskSpaceLimit() = default;
};

}  // namespace openupr::store

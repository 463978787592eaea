// The CLI's exit codes (docs/cli.md): the one place where a Status becomes a process result.
#pragma once

#include "core/status.h"

namespace openupr::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitInternal = 1,   // a bug or an unexpected failure of a library
  kExitUsage = 2,      // bad command line: unknown option, bad filter value, bad query
  kExitBadInput = 3,   // bad data file or database file: names file:line and the problem
  kExitNotFound = 4,   // e.g. show ID of a record that does not exist, or no database yet
  kExitIo = 5,         // a file cannot be read or written
  kExitConflict = 6,   // the database is locked by another writer
};

int ExitCodeFor(const Status& status);

}  // namespace openupr::cli

// The versioned schema of the OpenUPR database (docs/data-model.md). The version lives in
// PRAGMA user_version and the file is marked as ours by PRAGMA application_id.
#pragma once

#include <span>

#include "core/status.h"

namespace openupr::store {

class Database;

// "OUPR" in ASCII: SQLite's application_id for OpenUPR database files.
inline constexpr int kApplicationId = 0x4F555052;

// One forward step of the schema: applied in a transaction, then user_version = version.
struct Migration {
  int version;
  const char* description;
  const char* sql;
  // The migration edits table definitions in sqlite_master (writable_schema): the runner then
  // increments PRAGMA schema_version so that every connection rereads the schema.
  bool edits_schema_text = false;
  // Work SQL cannot do, run after sql in the same transaction (e.g. recomputing a column with
  // the program's own functions); null for none.
  Status (*run)(Database& db) = nullptr;
};

// The migrations of this build, in order, versions 1..N without gaps.
std::span<const Migration> BuiltinMigrations();

}  // namespace openupr::store

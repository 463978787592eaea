// The side-by-side benchmark's SQL backends: what a user would pick instead of OpenUPR's engine.
//   sqlite-fts5  the OpenUPR database itself: FTS5 (openupr tokenizer, BM25) joined with the
//                attribute tables, facets and group-bys as GROUP BY over the matched set.
//   postgresql   PostgreSQL 15: the same tables loaded from the OpenUPR database, a tsvector
//                column (english configuration) with a GIN index, ts_rank for ranking.
//   duckdb       DuckDB (the @duckdb/node-api package, in a node child process): the tables the
//                vote measures read, exported as CSV and loaded into memory; measures only.
#pragma once

#include <functional>
#include <string>

#include "bench/backend.h"

namespace openupr::bench {

// Opens the OpenUPR database at db_path. Errors: those of store::Store::Open.
Result<Backend> MakeSqliteBackend(const std::string& db_path);

// True when this build has the PostgreSQL backend (libpq was found).
bool HavePostgres();

// Connects to PostgreSQL with conninfo (libpq keyword/value string or URI), and loads the
// OpenUPR database at db_path into tables there unless they already hold exactly that file
// (recognised by path, size, modification time and record count). log receives progress lines.
// Errors: kIo when no server is reachable (the message says why), kInternal for SQL failures,
// kNotFound when the build has no libpq.
Result<Backend> MakePostgresBackend(const std::string& conninfo, const std::string& db_path,
                                    const std::function<void(const std::string&)>& log);

// Starts `node DIR/runner.mjs` (DIR holds the package installed by `npm ci`, bench/duckdb in the
// source tree), exports the tables of the OpenUPR database at db_path that the vote measures read
// as CSV into a temporary folder (removed when the backend is destroyed) and has DuckDB load them.
// The backend answers Backend::measure only. Errors: kNotFound when DIR lacks runner.mjs or its
// node_modules, or node cannot be started; kIo for the files or a process that ends;
// kInternal for DuckDB's errors (the message says which).
Result<Backend> MakeDuckDbBackend(const std::string& dir, const std::string& db_path,
                                  const std::function<void(const std::string&)>& log);

}  // namespace openupr::bench

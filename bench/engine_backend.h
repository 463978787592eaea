// The side-by-side benchmark's first backend: OpenUPR's in-memory engine (src/engine), built
// from an OpenUPR database once and then queried without touching the database. Every ratio the
// runner prints is relative to it.
#pragma once

#include <string>

#include "bench/backend.h"

namespace openupr::bench {

// Opens the OpenUPR database at db_path and builds the engine's index of it (the database is
// closed again once the index is built). Errors: those of store::Store::Open and
// engine::Index::Build.
Result<Backend> MakeEngineBackend(const std::string& db_path);

}  // namespace openupr::bench

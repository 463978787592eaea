// Built instead of pg_backend.cpp when libpq is missing: the runner says so and goes on.
#include "bench/sql_backends.h"

namespace openupr::bench {

bool HavePostgres() { return false; }

Result<Backend> MakePostgresBackend(const std::string&, const std::string&,
                                    const std::function<void(const std::string&)>&) {
  return Status::NotFound(
      "this build has no PostgreSQL backend: libpq was not found when it was configured "
      "(apt-get install libpq-dev, then reconfigure: cmake -S . -B build)");
}

}  // namespace openupr::bench

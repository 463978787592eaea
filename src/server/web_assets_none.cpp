// The web app's files when the binary is built without them (no web/dist): none, so that
// `openupr serve` answers GET / with the API's list of endpoints. The web build replaces this
// file in the openupr_web_assets library with a generated table (docs/architecture.md).
#include "server/static_files.h"

namespace openupr::server {

std::span<const StaticFile> EmbeddedWebFiles() { return {}; }

}  // namespace openupr::server

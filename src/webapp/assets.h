// The web app (web/, built by Vite) embedded into the binary: a table of files generated at build
// time from web's build output (never committed; see src/webapp/CMakeLists.txt and docs/web.md).
// The server serves them at / and /assets/ (src/server); nothing here knows about HTTP.
#pragma once

#include <span>
#include <string_view>

namespace openupr::webapp {

struct EmbeddedFile {
  std::string_view path;          // URL path, e.g. "/index.html", "/assets/index-AbC123.js"
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view body;          // the file's bytes
  std::string_view gzip;          // the same, gzip-compressed; empty when that does not pay
  std::string_view etag;          // a strong validator: "\"<hex of a 64-bit content hash>\""
  bool immutable;                 // a content-hashed name under /assets/: cacheable for ever
};

// Every embedded file, sorted by path. Empty when the binary was built without the web app
// (no npm at configure time, or -DOPENUPR_BUILD_WEB=OFF). Static storage: thread-safe, never
// fails.
std::span<const EmbeddedFile> Files();

// The file at path, or nullptr. Thread-safe.
const EmbeddedFile* Find(std::string_view path);

}  // namespace openupr::webapp

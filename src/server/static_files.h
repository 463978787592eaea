// The web app's files served from memory: a table of files (the Vite build output, web/dist,
// embedded into the binary at build time) becomes a StaticSite once, at start; the HTTP server
// asks it what to answer for each GET that is not an API route (http_server.h,
// HttpServer::ServeStaticFiles). No file system access.
//
// What a StaticSite answers (docs/architecture.md, "The web app's files"):
// - "/" is "/index.html"; a path of the table is that file;
// - any other path is the single-page app's index.html (so deep links such as /state/FRA load
//   the app), except paths under /api/ (never served: the API's own 404) and under /assets/ (a
//   missing build asset is a 404, not HTML in place of a script);
// - Content-Type from the table or the extension; ETag (strong, from the content); Cache-Control
//   "public, max-age=31536000, immutable" under /assets/ (Vite names those files by content
//   hash), "no-cache" for everything else (revalidated with the ETag); If-None-Match -> 304;
// - gzip Content-Encoding when the client accepts it and the file has a gzip form: given
//   pre-compressed in the table, or compressed once by Build (text types, when it saves bytes);
//   Vary: Accept-Encoding on every file that has one.
//
// Thread-safety: a built StaticSite is immutable; Lookup may run on any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace openupr::server {

// One embedded file. The views point into data that outlives the server (the binary's own
// constants); the StaticSite keeps them, not copies.
struct StaticFile {
  std::string_view path;          // URL path from the site root: "/index.html", "/assets/x-1b2c.js"
  std::string_view content_type;  // "" = from the path's extension (ContentTypeFor)
  std::string_view body;          // the file; its gzip (RFC 1952) compression when gzip is true
  bool gzip = false;
};

// The web app's files embedded in this binary: the table the web build generates (see
// docs/architecture.md), or an empty span when the binary was built without the web app
// (web_assets_none.cpp).
std::span<const StaticFile> EmbeddedWebFiles();

// The Content-Type for a path's extension: "text/html; charset=utf-8", "text/javascript;
// charset=utf-8", "text/css; charset=utf-8", "application/json", "image/svg+xml", "image/png",
// "font/woff2", ... and "application/octet-stream" for an unknown one.
std::string_view ContentTypeFor(std::string_view path);

// True if an Accept-Encoding value accepts gzip: "gzip" (or "x-gzip") or "*" with a q-value
// above 0 (an explicit gzip entry wins over "*").
bool AcceptsGzip(std::string_view accept_encoding);

// The answer to one GET or HEAD.
struct StaticResponse {
  int status = 404;  // 200, 304, or 404 (nothing to serve: the caller answers)
  std::string_view content_type;
  std::string_view body;       // the bytes to send (empty for 304 and 404)
  bool gzip = false;           // body is gzip: send Content-Encoding: gzip
  bool vary_encoding = false;  // the file has a gzip form: send Vary: Accept-Encoding
  std::string_view etag;       // quoted, e.g. "\"3f2a...\""; the gzip form has its own
  std::string_view cache_control;
};

class StaticSite {
 public:
  // Checks the table and prepares every file (identity and gzip forms, ETags). An empty table
  // gives an empty site. Errors: kInvalidArgument for a path that does not start with '/',
  // has a "..", "//" or '?' in it, lies under /api/, or is given twice, and for a non-empty
  // table without "/index.html"; kBadInput for a gzip body that does not decompress. Each names
  // the path.
  static Result<std::unique_ptr<StaticSite>> Build(std::span<const StaticFile> files);
  StaticSite(const StaticSite&) = delete;
  StaticSite& operator=(const StaticSite&) = delete;

  bool empty() const { return files_.empty(); }
  size_t size() const { return files_.size(); }

  // The answer for a GET of path (the decoded URL path, without the query string), given the
  // request's Accept-Encoding and If-None-Match values ("" when absent).
  StaticResponse Lookup(std::string_view path, std::string_view accept_encoding,
                        std::string_view if_none_match) const;

 private:
  struct Entry {
    std::string path;
    std::string_view content_type;
    std::string_view identity;  // into the table, or into owned_identity
    std::string_view gzip;      // into the table, or into owned_gzip; empty: no gzip form
    std::string owned_identity;
    std::string owned_gzip;
    std::string etag, etag_gzip;
    bool immutable = false;  // under /assets/
  };
  StaticSite() = default;
  const Entry* Find(std::string_view path) const;
  StaticResponse Answer(const Entry& e, bool gzip_ok, std::string_view if_none_match) const;

  std::vector<std::unique_ptr<Entry>> files_;  // sorted by path
  const Entry* index_ = nullptr;
};

}  // namespace openupr::server

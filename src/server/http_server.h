// The HTTP side of the API: cpp-httplib routes under /api/v1 calling server::Api (api.h), the
// one mapping of StatusCode to HTTP statuses and JSON error codes, request limits (URL length,
// GET only, no body), the access log, and graceful shutdown. See docs/api.md.
#pragma once

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>

#include "core/status.h"
#include "server/backend.h"
#include "server/static_files.h"

namespace openupr::server {

// The HTTP status for a Status code: 400 invalid argument / bad input, 404 not found,
// 409 conflict, 500 I/O and internal errors. The only such mapping in the project.
int HttpStatusFor(StatusCode code);
// The stable "code" of a JSON error: invalid_argument, bad_input, not_found, io_error,
// conflict, internal.
const char* ErrorCodeFor(StatusCode code);

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (see Bind)
  // Worker threads: `threads` at start, growing up to `max_threads`. httplib gives each
  // connection to one thread until it closes (keep-alive: up to 1000 requests or 5 s idle), so
  // a connection that arrives while every thread is busy gets a new one, up to max_threads;
  // beyond that it waits for a thread.
  int threads = 64;
  int max_threads = 1024;
  std::ostream* access_log = nullptr;  // one line per request; null: no log. Not owned.
  size_t max_url_bytes = 4096;         // longer request targets get 414
};

// Thread-safety: Bind and Run are called once each, from one thread; Stop may be called from
// any thread at any time. The backend must outlive the server.
class HttpServer {
 public:
  HttpServer(QueryBackend& backend, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Serves files (the web app, static_files.h) at every GET path that is not an API route:
  // "/" becomes the app's index.html instead of the JSON list of endpoints, which stays at
  // /api/v1. Call before Run; calling again replaces the files. An empty table keeps today's
  // behaviour. Errors: those of StaticSite::Build (the server is then unchanged).
  Status ServeStaticFiles(std::span<const StaticFile> files);
  // Binds the listening socket; returns the port (the chosen one when options.port is 0).
  // kIo if the address cannot be bound.
  Result<int> Bind();
  // Serves until Stop(): stops accepting, lets in-flight requests finish, then returns.
  Status Run();
  // Asks Run to return; safe before, during and after Run.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs server.Run() until SIGINT or SIGTERM arrives, then stops it gracefully. Blocks those
// signals in the calling thread (and so in every thread it starts later) while it runs; call
// it before other threads are started. Returns Run's status.
Status ServeUntilSignal(HttpServer& server);

}  // namespace openupr::server

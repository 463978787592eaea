// What the HTTP tests share: a real server (server::HttpServer) on a free 127.0.0.1 port over a
// query backend, serving on its own thread until destroyed, and the real-data database they
// start from.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ingest/importer.h"
#include "server/http_server.h"
#include "store/store.h"
#include "test_util.h"

namespace openupr::testing {

// GET target from a server on 127.0.0.1:port; the target is sent as written (already encoded,
// '+' included).
inline httplib::Result HttpGet(int port, const std::string& target, int read_timeout_s = 60) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(read_timeout_s);
  client.set_url_encode(false);
  return client.Get(target.c_str());
}

// GETs target, expects the status and a JSON body (test failures otherwise), returns the body.
inline nlohmann::json GetJsonExpecting(int port, const std::string& target, int status = 200,
                                       int read_timeout_s = 60) {
  auto res = HttpGet(port, target, read_timeout_s);
  if (!res) {
    ADD_FAILURE() << target << ": no response";
    return nlohmann::json();
  }
  EXPECT_EQ(res->status, status) << target << "\n" << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json") << target;
  try {
    return nlohmann::json::parse(res->body);
  } catch (const std::exception&) {
    ADD_FAILURE() << target << ": not JSON: " << res->body;
    return nlohmann::json();
  }
}

class LiveServer {
 public:
  explicit LiveServer(server::QueryBackend& backend, int threads = 2)
      : server_(backend, {.host = "127.0.0.1", .port = 0, .threads = threads}) {
    auto port = server_.Bind();
    EXPECT_TRUE(port.ok()) << port.status().ToString();
    port_ = port.ok() ? *port : 0;
    thread_ = std::thread([this] { EXPECT_TRUE(server_.Run().ok()); });
  }
  ~LiveServer() {
    server_.Stop();
    thread_.join();
  }
  LiveServer(const LiveServer&) = delete;
  LiveServer& operator=(const LiveServer&) = delete;

  int port() const { return port_; }
  // The status and the body as JSON (null when not JSON); status 0 when nothing came back.
  std::pair<int, nlohmann::json> GetJson(const std::string& target) const {
    auto res = HttpGet(port_, target);
    if (!res) return {0, nlohmann::json()};
    return {res->status, nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false)};
  }

 private:
  server::HttpServer server_;
  std::thread thread_;
  int port_ = 0;
};

// Imports the named files of the real UPR Info data into a new database at db, in one command.
// Returns false (after a test failure naming the problem) when the import fails.
inline bool ImportRealFiles(const std::string& db, const std::vector<std::string>& names) {
  auto s = store::Store::Open(db);
  if (!s.ok()) {
    ADD_FAILURE() << s.status().ToString();
    return false;
  }
  std::vector<std::string> paths;
  for (const std::string& n : names) paths.push_back(UprFile(n));
  auto r = ingest::ImportFiles(**s, paths, {});
  if (!r.status.ok()) ADD_FAILURE() << r.status.ToString();
  return r.status.ok();
}

}  // namespace openupr::testing

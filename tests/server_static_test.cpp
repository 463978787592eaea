// The web app's files served by `openupr serve` (server/static_files.h), over real HTTP on
// 127.0.0.1 with a small table of files written here (test data standing in for web/dist):
// Content-Type, ETag and 304, Cache-Control, gzip, the single-page app fallback, and the API
// routes left as they are.
#include <gtest/gtest.h>
#include <httplib.h>
#include <zlib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "server/http_server.h"
#include "server/sql_backend.h"
#include "server/static_files.h"
#include "test_util.h"

namespace openupr::server {
namespace {

using nlohmann::json;
using testing::TempDir;

std::string GzipForTest(const std::string& data) {
  z_stream z = {};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string GunzipForTest(const std::string& data) {
  z_stream z = {};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(data.size() * 50 + 1024, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

// A small build of a web app: an index, a hashed script and style sheet (large enough to be
// compressed), a small icon, and a pre-compressed locale file.
struct FakeWebBuild {
  std::string index =
      "<!doctype html><html><head><script type=module src=/assets/index-4f3a2b1c.js>"
      "</script></head><body><div id=app></div></body></html>";
  std::string script = [] {
    std::string s;
    for (int i = 0; i < 200; ++i) s += "export const line" + std::to_string(i) + " = 'OpenUPR';\n";
    return s;
  }();
  std::string style = std::string(2000, ' ') + "body{margin:0}";
  std::string icon = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(40, '\x01');
  std::string locale = R"({"search": "Rechercher", "about": "À propos"})" + std::string(500, ' ');
  std::string locale_gz = GzipForTest(locale);
  std::vector<StaticFile> files() const {
    return {{"/index.html", "", index, false},
            {"/assets/index-4f3a2b1c.js", "", script, false},
            {"/assets/index-9e8d7c6b.css", "", style, false},
            {"/favicon.png", "", icon, false},
            {"/locales/fr.json", "", locale_gz, true}};
  }
};

class StaticFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    {
      auto s = store::Store::Open(dir_.File("empty.db"));  // an empty database: the API still runs
      ASSERT_TRUE(s.ok()) << s.status().ToString();
    }
    auto backend = SqlBackend::Open(dir_.File("empty.db"), 2);
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
    server_ = std::make_unique<HttpServer>(
        *backend_,
        ServerOptions{.host = "127.0.0.1", .port = 0, .threads = 2, .access_log = nullptr});
  }
  void Start() {
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    thread_ = std::thread([this] { EXPECT_TRUE(server_->Run().ok()); });
  }
  void TearDown() override {
    if (thread_.joinable()) {
      server_->Stop();
      thread_.join();
    }
  }
  httplib::Result Get(const std::string& path, const httplib::Headers& headers = {}) {
    httplib::Client client("127.0.0.1", port_);
    client.set_decompress(false);  // the test looks at the bytes as sent
    return client.Get(path.c_str(), headers);
  }

  TempDir dir_;
  std::unique_ptr<SqlBackend> backend_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
  FakeWebBuild web_;
};

TEST_F(StaticFiles, RootIsIndexHtmlWithNoCacheAndAnEtag) {
  const auto files = web_.files();
  ASSERT_TRUE(server_->ServeStaticFiles(files).ok());
  Start();
  for (const char* path : {"/", "/index.html"}) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->body, web_.index) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache");
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_FALSE(res->get_header_value("ETag").empty());
    EXPECT_FALSE(res->has_header("Content-Encoding"));  // too small to be worth a gzip form
  }
  // The JSON list of endpoints moves to /api/v1 only.
  auto api = Get("/api/v1");
  ASSERT_TRUE(api);
  EXPECT_EQ(json::parse(api->body)["api"], "/api/v1");
}

TEST_F(StaticFiles, HashedAssetsAreImmutableAndGzippedForClientsThatAcceptIt) {
  const auto files = web_.files();
  ASSERT_TRUE(server_->ServeStaticFiles(files).ok());
  Start();
  auto plain = Get("/assets/index-4f3a2b1c.js");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 200);
  EXPECT_EQ(plain->body, web_.script);
  EXPECT_EQ(plain->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(plain->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(plain->get_header_value("Vary"), "Accept-Encoding");
  EXPECT_FALSE(plain->has_header("Content-Encoding"));

  auto gz = Get("/assets/index-4f3a2b1c.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_TRUE(gz);
  EXPECT_EQ(gz->status, 200);
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(gz->get_header_value("Content-Length"), std::to_string(gz->body.size()));
  EXPECT_LT(gz->body.size(), web_.script.size() / 4);
  EXPECT_EQ(GunzipForTest(gz->body), web_.script);
  EXPECT_NE(gz->get_header_value("ETag"), plain->get_header_value("ETag"));

  auto refused = Get("/assets/index-4f3a2b1c.js", {{"Accept-Encoding", "gzip;q=0, br"}});
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->has_header("Content-Encoding"));
  EXPECT_EQ(refused->body, web_.script);

  auto css = Get("/assets/index-9e8d7c6b.css", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(css);
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(GunzipForTest(css->body), web_.style);

  auto icon = Get("/favicon.png", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(icon);
  EXPECT_EQ(icon->body, web_.icon);
  EXPECT_EQ(icon->get_header_value("Content-Type"), "image/png");
  EXPECT_EQ(icon->get_header_value("Cache-Control"), "no-cache");
  EXPECT_FALSE(icon->has_header("Content-Encoding"));
}

TEST_F(StaticFiles, PreCompressedFilesAreSentAsGivenOrDecompressed) {
  const auto files = web_.files();
  ASSERT_TRUE(server_->ServeStaticFiles(files).ok());
  Start();
  auto gz = Get("/locales/fr.json", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(gz);
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(gz->body, web_.locale_gz);
  EXPECT_EQ(gz->get_header_value("Content-Type"), "application/json");
  auto plain = Get("/locales/fr.json");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->has_header("Content-Encoding"));
  EXPECT_EQ(plain->body, web_.locale);
}

TEST_F(StaticFiles, IfNoneMatchGivesNotModified) {
  const auto files = web_.files();
  ASSERT_TRUE(server_->ServeStaticFiles(files).ok());
  Start();
  for (const char* encoding : {"", "gzip"}) {
    httplib::Headers h;
    if (*encoding) h.emplace("Accept-Encoding", encoding);
    auto first = Get("/assets/index-4f3a2b1c.js", h);
    ASSERT_TRUE(first);
    const std::string etag = first->get_header_value("ETag");
    ASSERT_FALSE(etag.empty());
    h.emplace("If-None-Match", "\"other\", " + etag);
    auto again = Get("/assets/index-4f3a2b1c.js", h);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 304) << encoding;
    EXPECT_TRUE(again->body.empty());
    EXPECT_EQ(again->get_header_value("ETag"), etag);
  }
  auto changed = Get("/", {{"If-None-Match", "\"0000000000000000-1\""}});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200);
  EXPECT_EQ(changed->body, web_.index);
}

TEST_F(StaticFiles, DeepLinksGetTheAppButApiAndAssetPathsDoNot) {
  const auto files = web_.files();
  ASSERT_TRUE(server_->ServeStaticFiles(files).ok());
  Start();
  for (const char* path : {"/state/FRA", "/search?q=torture&sur=FRA", "/explore/theme/region",
                           "/fr/about", "/recommendation/1234"}) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->body, web_.index) << path;
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache") << path;
  }
  for (const char* path : {"/api/v1/nothing", "/api/v2/recommendations", "/api", "/api/",
                           "/assets/index-00000000.js"}) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json") << path;
    EXPECT_EQ(json::parse(res->body)["error"]["code"], "not_found") << path;
  }
  auto sessions = Get("/api/v1/sessions");  // the API answers as before
  ASSERT_TRUE(sessions);
  EXPECT_EQ(sessions->status, 200);
  EXPECT_EQ(json::parse(sessions->body)["sessions"], json::array());
  httplib::Client client("127.0.0.1", port_);
  auto head = client.Head("/state/FRA");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(head->get_header_value("Content-Length"), std::to_string(web_.index.size()));
}

TEST_F(StaticFiles, WithoutFilesRootKeepsTheEndpointList) {
  ASSERT_TRUE(server_->ServeStaticFiles({}).ok());
  Start();
  auto root = Get("/");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->status, 200);
  EXPECT_EQ(root->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(json::parse(root->body)["openapi"], "/api/v1/openapi.json");
  auto deep = Get("/state/FRA");
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->status, 404);
  EXPECT_EQ(json::parse(deep->body)["error"]["code"], "not_found");
}

TEST(StaticSite, RejectsBadTables) {
  const std::string body = "x";
  auto code = [](std::vector<StaticFile> files) {
    auto site = StaticSite::Build(files);
    return site.ok() ? StatusCode::kOk : site.status().code();
  };
  EXPECT_EQ(code({{"/index.html", "", body, false}}), StatusCode::kOk);
  EXPECT_EQ(code({}), StatusCode::kOk);
  EXPECT_EQ(code({{"/app.js", "", body, false}}), StatusCode::kInvalidArgument);  // no index
  EXPECT_EQ(code({{"/index.html", "", body, false}, {"/index.html", "", body, false}}),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(code({{"/index.html", "", body, false}, {"/api/v1/x", "", body, false}}),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(code({{"/index.html", "", body, false}, {"assets/x.js", "", body, false}}),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(code({{"/index.html", "", body, false}, {"/a/../b.js", "", body, false}}),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(code({{"/index.html", "", "not gzip at all", true}}), StatusCode::kBadInput);
  const std::string gz = GzipForTest("hello");
  EXPECT_EQ(code({{"/index.html", "", std::string_view(gz).substr(0, gz.size() / 2), true}}),
            StatusCode::kBadInput);  // truncated
  auto site = StaticSite::Build(std::vector<StaticFile>{{"/app.js", "", body, false}});
  ASSERT_FALSE(site.ok());
  EXPECT_NE(site.status().message().find("/index.html"), std::string::npos);
}

TEST(StaticSite, AcceptEncodingAndContentTypes) {
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("GZIP"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, gzip;q=0.8, *;q=0.1"));
  EXPECT_TRUE(AcceptsGzip("deflate, *"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("br"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000, br"));
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0, *"));  // the explicit entry wins
  EXPECT_EQ(ContentTypeFor("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/assets/a-1.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/assets/a-1.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/countries-110m.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("/logo.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("/assets/font.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("/LICENSE"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("/a.b/c"), "application/octet-stream");
}

}  // namespace
}  // namespace openupr::server

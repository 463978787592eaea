// The HTTP API over real HTTP: a server on 127.0.0.1 (any free port) in this process, over the
// real UPR Info data, queried with httplib::Client and checked against the SQL functions the CLI
// uses; plus the openupr binary's `serve` started and stopped with SIGTERM.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "analytics/stats.h"
#include "core/json.h"
#include "ingest/importer.h"
#include "live_server.h"
#include "search/sql_search.h"
#include "server/engine_backend.h"
#include "server/http_server.h"
#include "server/sql_backend.h"
#include "test_util.h"

extern char** environ;

namespace openupr::server {
namespace {

using nlohmann::json;
using testing::TempDir;
using testing::UprFile;

class ServerRealData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_path_ = new std::string(dir_->File("upr.db"));
    {
      auto s = store::Store::Open(*db_path_);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      auto r = ingest::ImportFiles(**s,
                                   {UprFile("sessions-01-05.csv"), UprFile("sessions-06-09.csv"),
                                    UprFile("sessions-10-13.csv"), UprFile("sessions-14-17.csv")},
                                   {});
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    }
    auto backend = SqlBackend::Open(*db_path_, 4);
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = backend.value().release();
    log_ = new std::ofstream(dir_->File("access.log"));
    server_ = new HttpServer(*backend_,
                             {.host = "127.0.0.1", .port = 0, .threads = 4, .access_log = log_});
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    thread_ = new std::thread([] { ASSERT_TRUE(server_->Run().ok()); });
    auto s = store::Store::Open(*db_path_, store::OpenMode::kExisting);
    ASSERT_TRUE(s.ok());
    store_ = s.value().release();
  }
  static void TearDownTestSuite() {
    server_->Stop();
    thread_->join();
    delete thread_;
    delete server_;
    delete log_;
    delete backend_;
    delete store_;
    delete db_path_;
    delete dir_;
  }

  static httplib::Result Get(const std::string& target) { return testing::HttpGet(port_, target); }
  // GETs target, expects the status, returns the body as JSON.
  static json GetJson(const std::string& target, int status = 200) {
    return testing::GetJsonExpecting(port_, target, status);
  }
  static void ExpectError(const std::string& target, int status, const std::string& code,
                          const std::string& parameter) {
    json j = GetJson(target, status);
    ASSERT_TRUE(j.contains("error")) << j;
    EXPECT_EQ(j["error"]["code"], code) << target;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
    if (parameter.empty())
      EXPECT_FALSE(j["error"].contains("parameter")) << j;
    else
      EXPECT_EQ(j["error"].value("parameter", ""), parameter) << target << " " << j;
  }
  static int64_t SqlTotal(const std::string& query, const Filters& filters) {
    search::SearchRequest req;
    req.query = query;
    req.filters = filters;
    req.limit = 1;
    auto r = search::SqlSearch(*store_, req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->total : -1;
  }

  static TempDir* dir_;
  static std::string* db_path_;
  static SqlBackend* backend_;
  static std::ofstream* log_;
  static HttpServer* server_;
  static std::thread* thread_;
  static store::Store* store_;
  static int port_;
};

TempDir* ServerRealData::dir_ = nullptr;
std::string* ServerRealData::db_path_ = nullptr;
SqlBackend* ServerRealData::backend_ = nullptr;
std::ofstream* ServerRealData::log_ = nullptr;
HttpServer* ServerRealData::server_ = nullptr;
std::thread* ServerRealData::thread_ = nullptr;
store::Store* ServerRealData::store_ = nullptr;
int ServerRealData::port_ = 0;

Filters MakeFilters(std::initializer_list<std::pair<const char*, const char*>> values) {
  Filters f;
  for (const auto& [field, value] : values) EXPECT_TRUE(AddFilterValue(f, field, value).ok());
  return f;
}

TEST_F(ServerRealData, TotalsMatchTheSqlSearch) {
  EXPECT_EQ(GetJson("/api/v1/recommendations")["total"], 33082);
  EXPECT_EQ(GetJson("/api/v1/recommendations?q=torture")["total"], SqlTotal("torture", {}));
  EXPECT_EQ(GetJson("/api/v1/recommendations?q=%22death+penalty%22&from-region=weog")["total"],
            SqlTotal("\"death penalty\"", MakeFilters({{"from-region", "weog"}})));
  EXPECT_EQ(GetJson("/api/v1/recommendations?sur=FRA&cycle=2&response=supported")["total"],
            SqlTotal("", MakeFilters({{"sur", "FRA"}, {"cycle", "2"}, {"response", "supported"}})));
  // Repeated and comma-separated values are alternatives, as on the command line.
  EXPECT_EQ(GetJson("/api/v1/recommendations?sur=FRA&sur=DEU,ITA&q=tortur*")["total"],
            SqlTotal("tortur*", MakeFilters({{"sur", "FRA,DEU"}, {"sur", "ITA"}})));
  EXPECT_EQ(GetJson("/api/v1/recommendations?theme=death+penalty")["total"],  // '+': a space
            SqlTotal("", [] {
              Filters f = MakeFilters({{"theme", "Death penalty"}});
              EXPECT_TRUE(search::ValidateFilters(*store_, f).ok());
              return f;
            }()));
}

TEST_F(ServerRealData, ResultsCarryTheRecordAndAHighlightedSnippet) {
  json j = GetJson("/api/v1/recommendations?q=torture&sur=FRA&per_page=3");
  ASSERT_EQ(j["results"].size(), 3u);
  EXPECT_EQ(j["page"], 1);
  EXPECT_EQ(j["per_page"], 3);
  for (const auto& r : j["results"]) {
    auto rec = store_->GetRecommendation(r["id"].get<int64_t>());
    ASSERT_TRUE(rec.ok());
    json full = RecommendationToJson(*rec);
    for (const char* k :
         {"sur", "from", "text", "response", "action", "themes", "session", "cycle"})
      EXPECT_EQ(r[k], full[k]) << k;
    EXPECT_NE(r["snippet_html"].get<std::string>().find("<mark>"), std::string::npos) << r;
  }
}

TEST_F(ServerRealData, FacetsEqualComputeStats) {
  json j = GetJson("/api/v1/recommendations?q=child*&region=african&facets=response,action,theme");
  for (auto d : {analytics::Dimension::kResponse, analytics::Dimension::kAction,
                 analytics::Dimension::kTheme}) {
    analytics::StatsRequest req;
    req.by = {d};
    req.query = "child*";
    req.filters = MakeFilters({{"region", "african"}});
    auto stats = analytics::ComputeStats(*store_, req);
    ASSERT_TRUE(stats.ok());
    json expected = json::array();
    for (const auto& r : stats->rows) expected.push_back({{"key", r.keys[0]}, {"count", r.count}});
    EXPECT_EQ(j["facets"][std::string(analytics::DimensionName(d))], expected);
  }
}

TEST_F(ServerRealData, PagesSplitTheSameOrder) {
  for (const char* q : {"q=women&", "", "q=women&sort=id&"}) {
    SCOPED_TRACE(q);
    const std::string base = std::string("/api/v1/recommendations?") + q + "sur=IND&";
    json all = GetJson(base + "per_page=14");
    json p1 = GetJson(base + "per_page=7&page=1"), p2 = GetJson(base + "per_page=7&page=2");
    ASSERT_EQ(all["results"].size(), 14u);
    for (size_t i = 0; i < 14; ++i)
      EXPECT_EQ(all["results"][i]["id"], (i < 7 ? p1 : p2)["results"][i % 7]["id"]);
    if (std::string(q).find("sort=id") != std::string::npos) {
      for (size_t i = 1; i < 14; ++i) {
        EXPECT_LT(all["results"][i - 1]["id"], all["results"][i]["id"]);
      }
    }
  }
  EXPECT_EQ(GetJson("/api/v1/recommendations?per_page=200")["results"].size(), 200u);
  EXPECT_TRUE(GetJson("/api/v1/recommendations?page=100000")["results"].empty());
}

TEST_F(ServerRealData, RecordAndMissingRecord) {
  auto rec = store_->GetRecommendation(1234);
  ASSERT_TRUE(rec.ok());
  json got = GetJson("/api/v1/recommendations/1234");
  EXPECT_EQ(got["citation"]["uid"], rec->uid);
  got.erase("citation");  // (tests/identity_test.cpp checks it)
  json expected = RecommendationToJson(*rec);
  expected["source"]["file"] = "sessions-01-05.csv";  // the file's name, not the server's path
  EXPECT_EQ(rec->provenance.source_file, UprFile("sessions-01-05.csv"));
  EXPECT_EQ(got, expected);
  EXPECT_EQ(GetJson("/api/v1/recommendations/" + rec->uid)["id"], 1234);
  ExpectError("/api/v1/recommendations/999999", 404, "not_found", "id");
  ExpectError("/api/v1/recommendations/abc", 400, "invalid_argument", "id");
  ExpectError("/api/v1/recommendations/1234?x=1", 400, "invalid_argument", "x");
}

TEST_F(ServerRealData, BadParametersAre400NamingTheParameter) {
  ExpectError("/api/v1/recommendations?cycle=x", 400, "invalid_argument", "cycle");
  ExpectError("/api/v1/recommendations?sur=Atlantis", 400, "invalid_argument", "sur");
  ExpectError("/api/v1/recommendations?session=99", 400, "invalid_argument", "session");
  ExpectError("/api/v1/recommendations?theme=nonsense", 400, "invalid_argument", "theme");
  ExpectError("/api/v1/recommendations?q=torture+OR+NOT+x", 400, "invalid_argument", "q");
  ExpectError("/api/v1/recommendations?q=cycle:9", 400, "invalid_argument", "q");
  ExpectError("/api/v1/recommendations?q=a&q=b", 400, "invalid_argument", "q");
  ExpectError("/api/v1/recommendations?per_page=201", 400, "invalid_argument", "per_page");
  ExpectError("/api/v1/recommendations?page=0", 400, "invalid_argument", "page");
  ExpectError("/api/v1/recommendations?sort=date", 400, "invalid_argument", "sort");
  ExpectError("/api/v1/recommendations?facets=colour", 400, "invalid_argument", "facets");
  ExpectError("/api/v1/recommendations?limit=5", 400, "invalid_argument", "limit");
  ExpectError("/api/v1/aggregations?by=theme,cycle,sur,from", 400, "invalid_argument", "by");
  ExpectError("/api/v1/export?format=xml", 400, "invalid_argument", "format");
  ExpectError("/api/v1/states?q=x", 400, "invalid_argument", "q");
  ExpectError("/api/v1/states/XYZ", 404, "not_found", "iso3");
}

TEST_F(ServerRealData, UnknownRoutesLongUrlsAndOtherMethodsGetJsonErrors) {
  ExpectError("/api/v1/nothing", 404, "not_found", "");
  ExpectError("/api/v2/recommendations", 404, "not_found", "");
  ExpectError("/api/v1/recommendations?q=" + std::string(5000, 'a'), 414, "uri_too_long", "");
  httplib::Client client("127.0.0.1", port_);
  auto post = client.Post("/api/v1/recommendations", "x=1", "application/x-www-form-urlencoded");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(json::parse(post->body)["error"]["code"], "method_not_allowed");
  // A GET with a body.
  httplib::Request req;
  req.method = "GET";
  req.path = "/api/v1/sessions";
  req.body = "hello";
  req.set_header("Content-Length", "5");
  auto with_body = client.send(req);
  ASSERT_TRUE(with_body);
  EXPECT_EQ(with_body->status, 413);
  EXPECT_EQ(json::parse(with_body->body)["error"]["code"], "payload_too_large");
}

// Counts CSV records (RFC 4180: a quoted field may hold line ends), header excluded.
int64_t CsvRecords(const std::string& csv) {
  int64_t lines = 0;
  bool quoted = false;
  for (size_t i = 0; i < csv.size(); ++i) {
    if (csv[i] == '"')
      quoted = !quoted;
    else if (!quoted && csv[i] == '\n')
      ++lines;
  }
  return lines - 1;
}

TEST_F(ServerRealData, ExportStreamsEveryMatch) {
  const int64_t total = GetJson("/api/v1/recommendations?q=education&cycle=2")["total"];
  ASSERT_GT(total, 100);
  auto csv = Get("/api/v1/export?q=education&cycle=2");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->get_header_value("Content-Disposition"),
            "attachment; filename=\"openupr-cycle-2-education.csv\"");
  EXPECT_EQ(csv->get_header_value("X-Total-Count"), std::to_string(total));
  EXPECT_EQ(CsvRecords(csv->body), total);
  auto js = Get("/api/v1/export?format=json&q=education&cycle=2");
  ASSERT_TRUE(js);
  EXPECT_EQ(json::parse(js->body).size(), static_cast<size_t>(total));
  EXPECT_EQ(CsvRecords(Get("/api/v1/export")->body), 33082);
}

TEST_F(ServerRealData, AggregationsEqualComputeStats) {
  json j = GetJson("/api/v1/aggregations?by=theme,cycle&from-region=weog&sort=key&limit=25");
  analytics::StatsRequest req;
  req.by = {analytics::Dimension::kTheme, analytics::Dimension::kCycle};
  req.filters = MakeFilters({{"from-region", "weog"}});
  req.sort_by_key = true;
  req.limit = 25;
  auto stats = analytics::ComputeStats(*store_, req);
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ(j["rows"].size(), stats->rows.size());
  EXPECT_EQ(j["total"]["count"], stats->total.count);
  for (size_t i = 0; i < stats->rows.size(); ++i) {
    const auto& r = stats->rows[i];
    EXPECT_EQ(j["rows"][i]["keys"]["theme"], r.keys[0]);
    EXPECT_EQ(j["rows"][i]["keys"]["cycle"], std::stoi(r.keys[1]));
    EXPECT_EQ(j["rows"][i]["count"], r.count);
    EXPECT_EQ(j["rows"][i]["supported"], r.supported);
    EXPECT_EQ(j["rows"][i]["noted"], r.noted);
  }
}

TEST_F(ServerRealData, StatesAndSessions) {
  json states = GetJson("/api/v1/states");
  int64_t received = 0;
  for (const auto& s : states["states"]) received += s["received"].get<int64_t>();
  EXPECT_EQ(received, 33082);  // one state under review per recommendation
  json fra = GetJson("/api/v1/states/fra");
  EXPECT_EQ(fra["iso3"], "FRA");
  EXPECT_EQ(fra["received"]["total"]["count"], SqlTotal("", MakeFilters({{"sur", "FRA"}})));
  EXPECT_EQ(fra["made"]["total"]["count"], SqlTotal("", MakeFilters({{"from", "FRA"}})));
  EXPECT_LE(fra["received"]["top_recommending_states"].size(), 10u);
  EXPECT_EQ(fra["made"]["top_states_under_review"].size(), 10u);
  int64_t by_cycle = 0;
  for (const auto& c : fra["received"]["by_cycle"]) by_cycle += c["count"].get<int64_t>();
  EXPECT_EQ(by_cycle, fra["received"]["total"]["count"]);

  json sessions = GetJson("/api/v1/sessions");
  ASSERT_EQ(sessions["sessions"].size(), 17u);
  int64_t sum = 0;
  for (const auto& s : sessions["sessions"]) {
    sum += s["count"].get<int64_t>();
    EXPECT_EQ(s["cycle"], CycleOfSession(s["session"]));
  }
  EXPECT_EQ(sum, 33082);
}

TEST_F(ServerRealData, OpenApiListsEveryRoute) {
  json doc = GetJson("/api/v1/openapi.json");
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  std::set<std::string> routes = {"/api/v1/recommendations", "/api/v1/recommendations/{id}",
                                  "/api/v1/aggregations",    "/api/v1/states",
                                  "/api/v1/states/{iso3}",   "/api/v1/sessions",
                                  "/api/v1/export",          "/api/v1/openapi.json"};
  const json index = GetJson("/api/v1");  // a named value: the loop must not outlive it
  for (const auto& r : index["endpoints"]) routes.insert(r.get<std::string>());
  for (const auto& r : routes) {
    EXPECT_TRUE(doc["paths"].contains(r)) << r;
    if (doc["paths"].contains(r)) {
      // GET, or POST for the endpoints that take a JSON body (they change nothing either).
      EXPECT_TRUE(doc["paths"][r].contains("get") || doc["paths"][r].contains("post")) << r;
    }
  }
  EXPECT_EQ(doc["paths"].size(), routes.size());
}

TEST_F(ServerRealData, ConcurrentRequestsAgree) {
  const std::vector<std::string> targets = {
      "/api/v1/recommendations?q=torture&facets=response",
      "/api/v1/recommendations?sur=USA&per_page=50",
      "/api/v1/aggregations?by=region,cycle",
      "/api/v1/recommendations?q=%22freedom+of+expression%22&from-region=weog&page=2",
      "/api/v1/states/BRA",
      "/api/v1/recommendations/77"};
  std::vector<std::string> expected;
  for (const auto& t : targets) expected.push_back(Get(t)->body);
  std::atomic<int> mismatches{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", port_);
      client.set_read_timeout(60);
      client.set_url_encode(false);
      for (int i = 0; i < 12; ++i) {
        const size_t k = (t + i) % targets.size();
        auto res = client.Get(targets[k].c_str());
        if (!res || res->status != 200)
          ++failures;
        else if (res->body != expected[k])
          ++mismatches;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(mismatches, 0);
}

TEST_F(ServerRealData, AccessLogHasMethodPathStatusBytesAndTime) {
  auto res = Get("/api/v1/sessions");
  ASSERT_TRUE(res);
  const std::string line = "\"GET /api/v1/sessions\" 200 " + std::to_string(res->body.size()) + " ";
  // The logger runs (and flushes) after the response is written; give it a moment.
  auto log = [] { return testing::ReadAll(dir_->File("access.log")); };
  for (int i = 0; i < 100 && log().find(line) == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const std::string text = log();
  const size_t at = text.find(line);
  ASSERT_NE(at, std::string::npos) << text.substr(0, 2000);
  EXPECT_NE(text.substr(at + line.size(), 20).find("us\n"), std::string::npos);
}

// The engine backend (the default of `openupr serve`) keeps answering correctly while another
// connection imports more files: no restart, no stale totals.
TEST(EngineServer, AnswersIncludeRecordsImportedWhileServing) {
  TempDir dir;
  const std::string db = dir.File("upr.db");
  auto writer = store::Store::Open(db);
  ASSERT_TRUE(writer.ok());
  auto r = ingest::ImportFiles(**writer,
                               {UprFile("sessions-01-05.csv"), UprFile("sessions-06-09.csv")}, {});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  auto backend = EngineBackend::Open(db, 2);
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  HttpServer server(**backend,
                    {.host = "127.0.0.1", .port = 0, .threads = 2, .access_log = nullptr});
  auto port = server.Bind();
  ASSERT_TRUE(port.ok());
  std::thread runner([&] { EXPECT_TRUE(server.Run().ok()); });
  httplib::Client client("127.0.0.1", *port);
  auto total = [&](const std::string& target) -> int64_t {
    auto res = client.Get(target.c_str());
    EXPECT_TRUE(res) << target;
    if (!res) return -1;
    EXPECT_EQ(res->status, 200) << res->body;
    return json::parse(res->body).value("total", int64_t{-1});
  };
  auto sql_total = [&](const std::string& q, const std::string& sur) {
    search::SearchRequest req;
    req.query = q;
    if (!sur.empty()) {
      EXPECT_TRUE(AddFilterValue(req.filters, "sur", sur).ok());
    }
    req.limit = 1;
    auto res = search::SqlSearch(**writer, req);
    EXPECT_TRUE(res.ok());
    return res.ok() ? res->total : -2;
  };
  EXPECT_EQ(total("/api/v1/recommendations?per_page=1"), 6094 + 8343);
  const int64_t before = total("/api/v1/recommendations?q=torture&sur=CHN&per_page=1");
  EXPECT_EQ(before, sql_total("torture", "CHN"));

  r = ingest::ImportFiles(**writer, {UprFile("sessions-10-13.csv"), UprFile("sessions-14-17.csv")},
                          {});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(total("/api/v1/recommendations?per_page=1"), 33082);
  const int64_t after = total("/api/v1/recommendations?q=torture&sur=CHN&per_page=1");
  EXPECT_EQ(after, sql_total("torture", "CHN"));
  EXPECT_GT(after, before);
  auto agg = client.Get("/api/v1/aggregations?by=cycle");
  ASSERT_TRUE(agg);
  const json rows = json::parse(agg->body)["rows"];
  ASSERT_EQ(rows.size(), 2u) << agg->body;  // sessions 1-17: cycles 1 and 2
  server.Stop();
  runner.join();
}

TEST(ServerErrors, StatusCodesMapToHttpOnce) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kBadInput), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInternal), 500);
  EXPECT_STREQ(ErrorCodeFor(StatusCode::kInvalidArgument), "invalid_argument");
}

TEST(ServeCommand, RefusesAMissingDatabase) {
  TempDir dir;
  auto r = testing::RunCli("--db '" + dir.File("missing.db") + "' serve --port 0", dir);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.File("missing.db")));
}

// A running `openupr --db db serve --port 0 --access-log access_log`, stderr into err_path:
// its first line on stdout ("Serving DB on http://127.0.0.1:PORT/ ...") and the port in it.
struct Served {
  pid_t pid = 0;
  std::string line;
  int port = 0;
};
Served Serve(const std::string& db, const std::string& access_log, const std::string& err_path) {
  Served s;
  int out_pipe[2];
  if (pipe(out_pipe) != 0) return s;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  std::vector<std::string> args = {OPENUPR_BINARY, "--db",    db, "serve", "--port", "0",
                                   "--access-log", access_log};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&s.pid, OPENUPR_BINARY, &actions, nullptr, argv.data(), environ) != 0) s.pid = 0;
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  char c;
  while (s.pid && read(out_pipe[0], &c, 1) == 1 && c != '\n') s.line += c;
  close(out_pipe[0]);
  if (const size_t at = s.line.find("http://127.0.0.1:"); at != std::string::npos)
    s.port = std::stoi(s.line.substr(at + 17));
  return s;
}

// SIGTERM, then the exit status (-1 if it did not exit normally).
int Stop(pid_t pid) {
  if (kill(pid, SIGTERM) != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST(ServeCommand, StopsWithExitZeroOnSigterm) {
  TempDir dir;
  auto imported = testing::RunCli(
      "--db '" + dir.File("u.db") + "' -q import '" + UprFile("sessions-01-05.csv") + "'", dir);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const std::string db = dir.File("u.db"), log = dir.File("access.log");
  const Served served = Serve(db, log, dir.File("err.txt"));
  ASSERT_NE(served.pid, 0);
  ASSERT_NE(served.port, 0) << served.line;
  EXPECT_EQ(served.line.rfind("Serving " + db, 0), 0u) << served.line;
  httplib::Client client("127.0.0.1", served.port);
  auto res = client.Get("/api/v1/recommendations?per_page=1");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["total"], 6094);
  EXPECT_EQ(Stop(served.pid), 0);
  EXPECT_NE(testing::ReadAll(log).find("\"GET /api/v1/recommendations?per_page=1\" 200"),
            std::string::npos);
}

// `serve` builds the observations' index (OHCHR's index, issue 17) beside the server at start,
// not at the first request that needs it: stderr says so before any request is made, and the
// count it gives is the export's.
TEST(ServeCommand, IndexesTheObservationsAtStartIssue17) {
  TempDir dir;
  const std::string db = dir.File("u.db"), err = dir.File("err.txt");
  const std::string uhri = std::string(OPENUPR_TESTS_DIR) + "/data/uhri/export-v1.json";
  auto imported = testing::RunCli(
      "--db '" + db + "' -q import '" + UprFile("sessions-01-05.csv") + "' '" + uhri + "'", dir);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  std::ifstream in(uhri);
  const size_t records = json::parse(in).size();
  const Served served = Serve(db, "none", err);
  ASSERT_NE(served.pid, 0);
  ASSERT_NE(served.port, 0) << served.line;
  const std::string said = "indexed " + std::to_string(records) + " observations in ";
  std::string log;
  for (int i = 0; i < 600 && log.find(said) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    log = testing::ReadAll(err);
  }
  EXPECT_NE(log.find(said), std::string::npos) << log;
  httplib::Client client("127.0.0.1", served.port);
  auto res = client.Get("/api/v1/observations?per_page=1");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["total"], records);
  EXPECT_EQ(Stop(served.pid), 0);
}

}  // namespace
}  // namespace openupr::server

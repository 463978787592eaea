#include "server/http_server.h"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cctype>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <streambuf>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/api.h"
#include "server/politicization_api.h"
#include "server/similar_api.h"
#include "server/classify_api.h"
#include "server/json_body.h"
#include "server/observations_api.h"
#include "server/votes_api.h"

namespace openupr::server {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kBadInput: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kConflict: return 409;
    case StatusCode::kIo: return 500;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

const char* ErrorCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kBadInput: return "bad_input";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kConflict: return "conflict";
    case StatusCode::kIo: return "io_error";
    case StatusCode::kInternal: return "internal";
  }
  return "internal";
}

namespace {

// "http://" + the request's Host header, for the absolute links of citations; a Host with
// characters a host name and port cannot have is ignored (paths only).
std::string BaseUrl(const httplib::Request& req) {
  const std::string host = req.get_header_value("Host");
  if (host.empty() || host.size() > 255) return "";
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
          c == '[' || c == ']'))
      return "";
  return "http://" + host;
}


using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kListenBacklog = 1024;
// The endpoints that take a request body (POST); every other one is GET or HEAD only.
constexpr std::string_view kPostPaths[] = {"/api/v1/similar", "/api/v1/classify"};
// The largest body any of them takes.
constexpr size_t kMaxPostBody = kMaxJsonBodyBytes;
constexpr size_t kKeepAliveMaxCount = 1000;

// Per worker thread: when the current request started (set before routing) and how many body
// bytes a streamed response wrote, for the access log. httplib runs a request's routing,
// handler, content provider and logger on one thread.
thread_local std::optional<Clock::time_point> t_request_start;
thread_local size_t t_streamed_bytes = 0;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void SetError(httplib::Response& res, int http_status, const char* code,
              const std::string& message, const std::string& parameter = "") {
  json err = {{"code", code}, {"message", message}};
  if (!parameter.empty()) err["parameter"] = parameter;
  res.status = http_status;
  res.set_content(Dump(json{{"error", err}}), "application/json");
}

void SetError(httplib::Response& res, const ApiError& e) {
  SetError(res, HttpStatusFor(e.status.code()), ErrorCodeFor(e.status.code()), e.status.message(),
           e.parameter);
}

void Reply(httplib::Response& res, ApiResult<Body>&& result) {
  if (const auto* e = std::get_if<ApiError>(&result)) return SetError(res, *e);
  res.status = 200;
  Body& body = std::get<Body>(result);
  body += '\n';
  res.set_content(std::move(body), "application/json");
}

// An ostream target writing straight into httplib's chunked stream; fails (so the export stops)
// once the client is gone.
class SinkBuffer : public std::streambuf {
 public:
  explicit SinkBuffer(httplib::DataSink& sink) : sink_(sink) {}
  size_t bytes() const { return bytes_; }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n > 0 && !sink_.write(s, static_cast<size_t>(n))) return 0;
    bytes_ += static_cast<size_t>(n);
    return n;
  }
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }

 private:
  httplib::DataSink& sink_;
  size_t bytes_ = 0;
};

// The task queue httplib gives each accepted connection to. Its worker keeps the connection until
// it closes (keep-alive: up to 1000 requests or 5 s idle), so with a fixed pool as many idle or
// slow clients as there are workers stall everyone else: under scripts/soak.sh, 300 idle
// connections made a new one wait 20 s with 64 fixed workers (docs/reliability.md). This pool
// starts `min` workers and adds one whenever a connection arrives and no worker is free, up to
// `max`; beyond that, connections wait in the queue. Workers stay until shutdown (an idle thread
// costs a stack's address space, not memory).
class GrowingPool final : public httplib::TaskQueue {
 public:
  GrowingPool(size_t min, size_t max) : max_(std::max(min, max)) {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < min; ++i) StartWorker();
  }
  ~GrowingPool() override { shutdown(); }
  GrowingPool(const GrowingPool&) = delete;
  GrowingPool& operator=(const GrowingPool&) = delete;

  void enqueue(std::function<void()> fn) override {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(fn));
    if (!stopping_ && idle_ < jobs_.size() && workers_.size() < max_) StartWorker();
    work_.notify_one();
  }

  // Runs the jobs already queued, then joins every worker.
  void shutdown() override {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    work_.notify_all();
    for (auto& t : workers_) t.join();  // (no worker is added once stopping_ is set)
  }

 private:
  void StartWorker() {  // needs mu_
    workers_.emplace_back([this] { Work(); });
  }

  void Work() {
    std::unique_lock lock(mu_);
    for (;;) {
      ++idle_;
      work_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      --idle_;
      if (jobs_.empty()) return;  // stopping, and nothing left to do
      std::function<void()> fn = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
    }
  }

  const size_t max_;
  std::mutex mu_;
  std::condition_variable work_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> workers_;
  size_t idle_ = 0;  // workers waiting for a job
  bool stopping_ = false;
};

// The query parameters of the request target (api.h, ParseQueryString). httplib's own
// req.params keeps '+' as is, so "q=death+penalty" would not be the two words a browser meant;
// and it passes bad escapes and invalid UTF-8 through, which are refused there.
std::variant<Params, ApiError> QueryParams(const httplib::Request& req) {
  const size_t q = req.target.find('?');
  if (q == std::string::npos) return Params{};
  return ParseQueryString(std::string_view(req.target).substr(q + 1));
}

// The response to GET / and GET /api/v1: where things are.
json Index() {
  return {{"name", "OpenUPR"},
          {"api", "/api/v1"},
          {"openapi", "/api/v1/openapi.json"},
          {"endpoints",
           {"/api/v1/recommendations", "/api/v1/recommendations/{id}", "/api/v1/aggregations",
            "/api/v1/states", "/api/v1/states/{iso3}", "/api/v1/sessions", "/api/v1/pledges",
            "/api/v1/pledges/{uid}", "/api/v1/export", "/api/v1/resolutions",
            "/api/v1/resolutions/{uid}", "/api/v1/observations", "/api/v1/observations/{uid}", "/api/v1/votes/agreement", "/api/v1/votes/matrix",
            "/api/v1/votes/cohesion", "/api/v1/votes/map", "/api/v1/votes/groups",
            "/api/v1/votes/record", "/api/v1/votes/discrepancies",
            "/api/v1/politicization/severity", "/api/v1/politicization/leniency",
            "/api/v1/politicization/double-standards", "/api/v1/politicization/reciprocity",
            "/api/v1/recommendations/{id}/similar", "/api/v1/similar", "/api/v1/repeated",
            "/api/v1/about", "/api/v1/openapi.json", "/api/v1/classify"}}};
}

}  // namespace

struct HttpServer::Impl {
  Impl(QueryBackend& backend, ServerOptions opts) : api(backend), options(std::move(opts)) {}

  void Install();
  void Log(const httplib::Request& req, const httplib::Response& res);

  // Answers a GET the API routes did not take: a file of the web app, or a JSON 404.
  void ServeStatic(const httplib::Request& req, httplib::Response& res);

  Api api;
  ServerOptions options;
  std::unique_ptr<StaticSite> site;  // set before Run (ServeStaticFiles), read-only after
  httplib::Server http;
  int listen_fd = -1;  // the last socket httplib created (the listening one once bound)
  std::mutex log_mu;
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> run_entered{false};
  std::atomic<bool> run_done{false};
};

void HttpServer::Impl::Install() {
  const size_t threads = static_cast<size_t>(std::max(options.threads, 1));
  const size_t max_threads = static_cast<size_t>(std::max(options.max_threads, 1));
  // httplib takes ownership of the queue it gets from this factory (and deletes it).
  http.new_task_queue = [threads, max_threads] { return new GrowingPool(threads, max_threads); };
  // The only bodies read are those of the POST endpoints (kPostPaths), checked before routing.
  http.set_payload_max_length(std::max(options.max_url_bytes, kMaxPostBody));
  // A keep-alive connection holds its worker thread until it closes; httplib closes it after 5
  // requests by default, which under load means a new TCP connection every 5 requests.
  http.set_keep_alive_max_count(kKeepAliveMaxCount);
  // httplib writes the headers and the body separately: with Nagle's algorithm the body waits
  // for the client's delayed ACK of the headers, 40 ms per request on Linux.
  http.set_tcp_nodelay(true);
  http.set_keep_alive_timeout(5);
  // httplib listens with a backlog of 5 (fixed in the Debian build), so that a burst of
  // connections is refused or stalls in SYN retries: the listening socket is remembered here
  // and listens again with a longer queue once bound (HttpServer::Bind).
  http.set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd = sock;
  });
  http.set_read_timeout(10);
  http.set_write_timeout(30);

  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    t_request_start = Clock::now();
    t_streamed_bytes = 0;
    if (req.target.size() > options.max_url_bytes) {
      SetError(res, 414, "uri_too_long",
               "the request target is " + std::to_string(req.target.size()) +
                   " bytes; at most " + std::to_string(options.max_url_bytes) + " are accepted");
      return httplib::Server::HandlerResponse::Handled;
    }
    const bool post_path =
        std::find(std::begin(kPostPaths), std::end(kPostPaths), req.path) != std::end(kPostPaths);
    if (post_path && req.method == "POST") {
      // A body of known length, read only when small enough.
      const std::string length = req.get_header_value("Content-Length");
      size_t bytes = 0;
      auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), bytes);
      if (req.has_header("Transfer-Encoding") || length.empty() || ec != std::errc() ||
          end != length.data() + length.size()) {
        SetError(res, 411, "length_required", "POST " + req.path + ": send a Content-Length");
        res.set_header("Connection", "close");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (bytes > kMaxPostBody) {
        SetError(res, 413, "payload_too_large",
                 "the body is " + length + " bytes; at most " + std::to_string(kMaxPostBody) +
                     " are accepted");
        res.set_header("Connection", "close");
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (post_path || (req.method != "GET" && req.method != "HEAD")) {
      res.set_header("Allow", post_path ? "POST" : "GET, HEAD");
      SetError(res, 405, "method_not_allowed",
               post_path ? req.method + ": use POST with a JSON body"
                         : req.method + ": the API is read-only; use GET");
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    const bool chunked = req.has_header("Transfer-Encoding");
    const std::string length = req.get_header_value("Content-Length");
    if (chunked || (!length.empty() && length != "0")) {
      SetError(res, 413, "payload_too_large", "a GET request has no body");
      res.set_header("Connection", "close");  // the unread body must not be taken for a request
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // Statuses httplib sets by itself (unknown route, bad request line, ...) get a JSON body too.
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty() || res.content_length_ > 0) return httplib::Server::HandlerResponse::Unhandled;
    switch (res.status) {
      case 404: SetError(res, 404, "not_found", "no such endpoint: " + req.method + " " + req.path); break;
      case 413: SetError(res, 413, "payload_too_large", "the request body is too large"); break;
      case 414: SetError(res, 414, "uri_too_long", "the request target is too long"); break;
      case 400: SetError(res, 400, "bad_request", "malformed HTTP request"); break;
      default:
        SetError(res, res.status, res.status >= 500 ? "internal" : "bad_request",
                 "HTTP status " + std::to_string(res.status));
    }
    return httplib::Server::HandlerResponse::Handled;
  }));

  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        SetError(res, 500, "internal", "internal error: " + what);
      });

  http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    Log(req, res);
  });

  // Routes: the query parameters are decoded (and refused with a 400 when malformed) before
  // the endpoint runs.
  auto get = [this](const char* pattern, auto fn) {
    http.Get(pattern, [this, fn](const httplib::Request& req, httplib::Response& res) {
      auto params = QueryParams(req);
      if (const auto* e = std::get_if<ApiError>(&params)) return SetError(res, *e);
      Reply(res, fn(api, req, std::get<Params>(params)));
    });
  };
  http.Post("/api/v1/classify", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, Classify(api.backend(), req.body));
  });
  http.Get("/", [this](const httplib::Request& req, httplib::Response& res) {
    if (site && !site->empty()) return ServeStatic(req, res);
    Reply(res, Dump(Index()));
  });
  using Req = const httplib::Request&;
  using P = const Params&;
  get("/api/v1", [](Api&, Req, P) -> ApiResult<Body> { return Dump(Index()); });
  get("/api/v1/recommendations", [](Api& a, Req, P p) { return a.Recommendations(p); });
  get(R"(/api/v1/recommendations/([^/]+))", [](Api& a, Req r, P p) {
    return a.Recommendation(r.matches[1], p, BaseUrl(r));
  });
  get("/api/v1/aggregations", [](Api& a, Req, P p) { return a.Aggregations(p); });
  get("/api/v1/states", [](Api& a, Req, P p) { return a.States(p); });
  get(R"(/api/v1/states/([^/]+))", [](Api& a, Req r, P p) { return a.State(r.matches[1], p); });
  get("/api/v1/sessions", [](Api& a, Req, P p) { return a.Sessions(p); });
  get("/api/v1/pledges", [](Api& a, Req, P p) { return a.Pledges(p); });
  get(R"(/api/v1/pledges/([^/]+))",
      [](Api& a, Req r, P p) { return a.PledgeByUid(r.matches[1], p, BaseUrl(r)); });
  get("/api/v1/about", [](Api& a, Req, P p) { return a.About(p); });
  // The Council's record (votes_api.h), from the backend's VoteIndex.
  auto votes = [&get](const char* pattern, auto fn) {
    get(pattern, [fn](Api& a, Req r, P p) -> ApiResult<Body> {
      auto index = a.backend().Votes();
      if (!index.ok()) return ApiError{index.status(), ""};
      return fn(**index, r, p);
    });
  };
  // OHCHR's Universal Human Rights Index (observations_api.h), from the backend's index.
  auto observations = [&get](const char* pattern, auto fn) {
    get(pattern, [fn](Api& a, Req r, P p) -> ApiResult<Body> {
      auto index = a.backend().Observations();
      if (!index.ok()) return ApiError{index.status(), ""};
      return fn(**index, r, p);
    });
  };
  using OI = const engine::ObservationIndex&;
  observations("/api/v1/observations", [](OI ix, Req, P p) { return ObservationsJson(ix, p); });
  get(R"(/api/v1/observations/([^/]+))", [](Api& a, Req r, P p) -> ApiResult<Body> {
    auto index = a.backend().Observations();
    if (!index.ok()) return ApiError{index.status(), ""};
    return ObservationJson(**index, r.matches[1], p, [&a](const std::string& uid) {
      return a.backend().PredictedLabels(uid);
    });
  });
  using VI = const engine::VoteIndex&;
  votes("/api/v1/resolutions", [](VI ix, Req, P p) { return ResolutionsJson(ix, p); });
  votes(R"(/api/v1/resolutions/([^/]+))",
        [](VI ix, Req r, P p) { return ResolutionJson(ix, r.matches[1], p); });
  votes("/api/v1/votes/discrepancies", [](VI ix, Req, P p) { return DiscrepanciesJson(ix, p); });
  votes("/api/v1/votes/agreement", [](VI ix, Req, P p) { return AgreementJson(ix, p); });
  votes("/api/v1/votes/matrix", [](VI ix, Req, P p) { return AgreementMatrixJson(ix, p); });
  votes("/api/v1/votes/cohesion", [](VI ix, Req, P p) { return CohesionJson(ix, p); });
  votes("/api/v1/votes/map", [](VI ix, Req, P p) { return VotingMapJson(ix, p); });
  votes("/api/v1/votes/groups", [](VI ix, Req, P p) { return GroupsJson(ix, p); });
  votes("/api/v1/votes/record", [](VI ix, Req, P p) { return VotingRecordJson(ix, p); });
  // The politicization measures (politicization_api.h): the UPR record joined with the votes.
  get("/api/v1/politicization/severity", [](Api& a, Req, P p) { return SeverityJson(a.backend(), p); });
  get("/api/v1/politicization/leniency", [](Api& a, Req, P p) { return LeniencyJson(a.backend(), p); });
  get("/api/v1/politicization/double-standards",
      [](Api& a, Req, P p) { return DoubleStandardsJson(a.backend(), p); });
  get("/api/v1/politicization/reciprocity",
      [](Api& a, Req, P p) { return ReciprocityJson(a.backend(), p); });
  get("/api/v1/openapi.json", [](Api& a, Req, P p) { return a.OpenApi(p); });
  // Similar and repeated recommendations (similar_api.h).
  get(R"(/api/v1/recommendations/([^/]+)/similar)",
      [](Api& a, Req r, P p) { return SimilarJson(a.backend(), r.matches[1], p); });
  get("/api/v1/repeated", [](Api& a, Req, P p) { return RepeatedJson(a.backend(), p); });
  http.Post("/api/v1/similar", [this](const httplib::Request& req, httplib::Response& res) {
    auto params = QueryParams(req);
    if (const auto* e = std::get_if<ApiError>(&params)) return SetError(res, *e);
    if (!std::get<Params>(params).empty())
      return SetError(res, 400, "invalid_argument",
                      "POST /api/v1/similar takes its fields in the JSON body, not the URL",
                      std::get<Params>(params).begin()->first);
    Reply(res, SimilarTextJson(api.backend(), req.body));
  });

  http.Get("/api/v1/export", [this](const httplib::Request& req, httplib::Response& res) {
    auto params = QueryParams(req);
    if (const auto* e = std::get_if<ApiError>(&params)) return SetError(res, *e);
    auto planned = api.PlanExport(std::get<Params>(params));
    if (const auto* e = std::get_if<ApiError>(&planned)) return SetError(res, *e);
    auto plan = std::make_shared<ExportPlan>(std::move(std::get<ExportPlan>(planned)));
    plan->options.base_url = BaseUrl(req);  // each record's link, as this client reached us
    res.status = 200;
    res.set_header("Content-Disposition", ContentDisposition(plan->filename));
    res.set_header("X-Total-Count", std::to_string(plan->total));
    res.set_chunked_content_provider(
        plan->content_type, [this, plan](size_t, httplib::DataSink& sink) {
          SinkBuffer buffer(sink);
          std::ostream out(&buffer);
          auto written = api.backend().Export(plan->request, plan->format, plan->options, out);
          t_streamed_bytes += buffer.bytes();
          if (!written.ok()) {
            // The status line is gone already: end the stream abnormally and say why.
            if (options.access_log) {
              std::lock_guard lock(log_mu);
              *options.access_log << "export failed: " << written.status().ToString() << '\n';
            }
            return false;
          }
          sink.done();
          return true;
        });
  });

  // The web app's links to a recommendation by row number (before stable identities) redirect
  // to its uid's page, permanently: the uid names the same record in every database.
  http.Get(R"(/recommendations/(\d{1,18}))",
           [this](const httplib::Request& req, httplib::Response& res) {
             if (!site || site->empty()) return ServeStatic(req, res);
             auto uid = api.RecommendationUidOf(req.matches[1].str());
             if (std::holds_alternative<ApiError>(uid)) return ServeStatic(req, res);
             std::string location = "/recommendations/" + std::get<std::string>(uid);
             if (const size_t q = req.target.find('?'); q != std::string::npos)
               location += req.target.substr(q);
             res.set_redirect(location, 301);
           });

  // Last (httplib tries routes in order): every other GET is a file of the web app, or a 404
  // in JSON like the API's.
  http.Get(".*",
           [this](const httplib::Request& req, httplib::Response& res) { ServeStatic(req, res); });
}

void HttpServer::Impl::ServeStatic(const httplib::Request& req, httplib::Response& res) {
  const StaticResponse file = site ? site->Lookup(req.path, req.get_header_value("Accept-Encoding"),
                                                  req.get_header_value("If-None-Match"))
                                   : StaticResponse{};
  if (file.status == 404)
    return SetError(res, 404, "not_found", "no such endpoint: " + req.method + " " + req.path);
  res.set_header("ETag", std::string(file.etag));
  res.set_header("Cache-Control", std::string(file.cache_control));
  res.set_header("X-Content-Type-Options", "nosniff");
  if (file.vary_encoding) res.set_header("Vary", "Accept-Encoding");
  if (file.status == 304) {
    res.status = 304;
    return;
  }
  if (file.gzip) res.set_header("Content-Encoding", "gzip");
  if (file.body.empty()) {
    res.set_content("", std::string(file.content_type));
    return;
  }
  // A content provider of known length: httplib sends it as it is (it compresses only bodies and
  // chunked streams) and the bytes are not copied per request. The status is left for httplib
  // to set (200, or 206 for a Range request).
  const std::string_view body = file.body;
  res.set_content_provider(body.size(), std::string(file.content_type),
                           [body](size_t offset, size_t length, httplib::DataSink& sink) {
                             return sink.write(body.data() + offset, length);
                           });
}

void HttpServer::Impl::Log(const httplib::Request& req, const httplib::Response& res) {
  if (!options.access_log) return;
  int64_t micros = 0;
  if (t_request_start)
    micros = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - *t_request_start)
                 .count();
  const size_t bytes = res.body.empty() ? t_streamed_bytes : res.body.size();
  t_request_start.reset();
  t_streamed_bytes = 0;
  std::string target = req.target.empty() ? req.path : req.target;
  if (target.size() > 512) target = target.substr(0, 512) + "...";
  std::lock_guard lock(log_mu);
  *options.access_log << req.remote_addr << " \"" << req.method << ' ' << target << "\" "
                      << res.status << ' ' << bytes << ' ' << micros << "us\n"
                      << std::flush;
}

HttpServer::HttpServer(QueryBackend& backend, ServerOptions options)
    : impl_(std::make_unique<Impl>(backend, std::move(options))) {
  impl_->Install();
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::ServeStaticFiles(std::span<const StaticFile> files) {
  auto site = StaticSite::Build(files);
  if (!site.ok()) return site.status();
  impl_->site = std::move(site).value();
  return Status::Ok();
}

Result<int> HttpServer::Bind() {
  const auto& o = impl_->options;
  int port = o.port;
  if (port == 0) {
    port = impl_->http.bind_to_any_port(o.host);
    if (port < 0) port = 0;
  } else if (!impl_->http.bind_to_port(o.host, port)) {
    port = 0;
  }
  if (port <= 0)
    return Status::Io("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                      " (address in use, or not a local address?)");
  // Calling listen() again on a listening socket sets its backlog (Linux); if it fails, the
  // socket keeps httplib's.
  if (impl_->listen_fd >= 0) ::listen(impl_->listen_fd, kListenBacklog);
  return port;
}

Status HttpServer::Run() {
  impl_->run_entered = true;
  if (!impl_->stop_requested) {
    if (!impl_->http.listen_after_bind() && !impl_->stop_requested) {
      impl_->run_done = true;
      return Status::Io("the HTTP server stopped unexpectedly");
    }
  }
  impl_->run_done = true;
  return Status::Ok();
}

void HttpServer::Stop() {
  impl_->stop_requested = true;
  // httplib's stop() only works once its accept loop runs: wait for that if Run has started.
  for (;;) {
    if (impl_->http.is_running()) {
      impl_->http.stop();
      return;
    }
    if (!impl_->run_entered || impl_->run_done) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

Status ServeUntilSignal(HttpServer& server) {
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // only used to wake the waiter when Run returns by itself
  pthread_sigmask(SIG_BLOCK, &set, &old);
  ::signal(SIGPIPE, SIG_IGN);
  std::atomic<bool> done{false};
  std::thread waiter([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (sig == SIGINT || sig == SIGTERM) {
        server.Stop();
        return;
      }
      if (done) return;
    }
  });
  Status st = server.Run();
  done = true;
  pthread_kill(waiter.native_handle(), SIGUSR1);
  waiter.join();
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return st;
}

}  // namespace openupr::server

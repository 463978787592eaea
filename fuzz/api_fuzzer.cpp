// Fuzz target: the HTTP API's parameters, as the server receives them. The input is
// "SEGMENT\nQUERY": QUERY is a raw query string (what follows '?' in a request target), parsed
// by server::ParseQueryString as the server does, then given to every endpoint of server::Api;
// SEGMENT is the path segment of /recommendations/{id} and /states/{iso3}. Both backends (the
// in-memory engine and SQLite) answer, on real records. Whatever the input: no endpoint fails
// with a server error (a 500 for bad input is a bug: it should be a 400 naming the parameter),
// every error names what is wrong, and every answer is JSON.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "fuzz/fuzz_data.h"
#include "server/api.h"
#include "server/engine_backend.h"
#include "server/http_server.h"
#include "server/similar_api.h"
#include "server/sql_backend.h"

namespace {

using openupr::server::Api;
using openupr::server::ApiError;
using openupr::server::ApiResult;
using openupr::server::Body;

struct Backends {
  std::unique_ptr<openupr::server::EngineBackend> engine;
  std::unique_ptr<openupr::server::SqlBackend> sql;
};

Backends& Open() {
  static Backends b = [] {
    Backends out;
    const std::string& db = openupr::fuzz::RealDatabase();
    auto engine = openupr::server::EngineBackend::Open(db, 2);
    auto sql = openupr::server::SqlBackend::Open(db, 2);
    if (!engine.ok() || !sql.ok()) std::abort();
    out.engine = std::move(engine).value();
    out.sql = std::move(sql).value();
    return out;
  }();
  return b;
}

// Discards what is written (an export's bytes), counting them.
class NullBuffer : public std::streambuf {
 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
  int_type overflow(int_type c) override { return traits_type::not_eof(c); }
};

[[noreturn]] void Fail(const char* endpoint, std::string_view input, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n  input: %.*s\n", endpoint, what.c_str(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

// A client's mistake is a 4xx with a message; anything else is the server's fault.
void CheckError(const char* endpoint, std::string_view input, const ApiError& e) {
  const int http = openupr::server::HttpStatusFor(e.status.code());
  if (http >= 500) Fail(endpoint, input, "server error for client input: " + e.status.ToString());
  if (e.status.message().empty()) Fail(endpoint, input, "an error without a message");
}

void Check(const char* endpoint, std::string_view input, const ApiResult<Body>& r) {
  if (const auto* e = std::get_if<ApiError>(&r)) return CheckError(endpoint, input, *e);
  if (!nlohmann::json::accept(std::get<Body>(r))) Fail(endpoint, input, "the answer is not JSON");
}

// The export's file name comes from the query and the filters: whatever they hold, the ASCII
// name is "openupr-" then at most kExportNameMaxChars of [A-Za-z0-9-], then the extension; the
// UTF-8 name is UTF-8 without controls, quotes or separators; the header is one line.
void CheckFileName(std::string_view input, const openupr::search::ExportFileName& name) {
  const std::string& a = name.ascii;
  const size_t dot = a.rfind('.');
  if (a.rfind("openupr-", 0) != 0 || dot == std::string::npos || dot <= 8 ||
      dot - 8 > openupr::search::kExportNameMaxChars)
    Fail("export", input, "file name '" + a + "'");
  for (size_t i = 0; i < dot; ++i) {
    const char c = a[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
      Fail("export", input, "file name '" + a + "' has a character outside [A-Za-z0-9-]");
  }
  if (!openupr::IsValidUtf8(name.utf8) || name.utf8.rfind("openupr-", 0) != 0)
    Fail("export", input, "UTF-8 file name '" + name.utf8 + "'");
  for (unsigned char c : name.utf8)
    if (c < 0x20 || c == 0x7F || c == '"' || c == '/' || c == '\\' || c == ' ')
      Fail("export", input, "UTF-8 file name '" + name.utf8 + "' has a forbidden character");
  const std::string header = openupr::server::ContentDisposition(name);
  if (header.find_first_of("\r\n") != std::string::npos)
    Fail("export", input, "Content-Disposition over more than one line");
}

void RunAll(Api& api, std::string_view input, std::string_view segment,
            const openupr::server::Params& params) {
  Check("recommendations", input, api.Recommendations(params));
  Check("recommendations/{id}", input, api.Recommendation(std::string(segment), params));
  Check("aggregations", input, api.Aggregations(params));
  Check("states", input, api.States(params));
  Check("states/{iso3}", input, api.State(std::string(segment), params));
  Check("sessions", input, api.Sessions(params));
  Check("pledges", input, api.Pledges(params));
  Check("pledges/{uid}", input, api.PledgeByUid(std::string(segment), params));
  Check("about", input, api.About(params));
  Check("recommendations/{id}/similar", input,
        openupr::server::SimilarJson(api.backend(), std::string(segment), params));
  Check("repeated", input, openupr::server::RepeatedJson(api.backend(), params));
  auto plan = api.PlanExport(params);
  if (const auto* e = std::get_if<ApiError>(&plan)) return CheckError("export", input, *e);
  // The export streams every match: only small ones, to keep the executions fast.
  auto& p = std::get<openupr::server::ExportPlan>(plan);
  CheckFileName(input, p.filename);
  if (p.total > 20) return;
  NullBuffer null;
  std::ostream out(&null);
  auto written = api.backend().Export(p.request, p.format, p.options, out);
  if (!written.ok()) Fail("export", input, written.status().ToString());
  if (*written != p.total) Fail("export", input, "wrote a different number of records");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string_view segment = nl == std::string_view::npos ? "" : input.substr(0, nl);
  const std::string_view query = nl == std::string_view::npos ? input : input.substr(nl + 1);
  auto params = openupr::server::ParseQueryString(query);
  if (const auto* e = std::get_if<ApiError>(&params)) {
    CheckError("query string", input, *e);
    return 0;
  }
  Backends& b = Open();
  Api engine(*b.engine), sql(*b.sql);
  RunAll(engine, input, segment, std::get<openupr::server::Params>(params));
  RunAll(sql, input, segment, std::get<openupr::server::Params>(params));
  return 0;
}

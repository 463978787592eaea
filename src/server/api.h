// The JSON API (docs/api.md) without the HTTP: each endpoint is a function from the query
// parameters to a JSON text or an ApiError (the hot ones, search pages and counts, write their
// JSON straight into the body with core/json_writer.h). Parameters are checked here (unknown names,
// repeated single values, ranges, filter values through core/filters.h AddFilterValue, so the
// API accepts exactly what the CLI accepts); the data comes from a QueryBackend. http_server.h
// puts these functions behind routes and maps ApiError to HTTP statuses.
//
// Thread-safe: an Api holds no mutable state; it is as safe as its backend (QueryBackend
// implementations are safe for concurrent calls).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "core/coverage.h"
#include "server/backend.h"

namespace openupr::server {

// Query parameters as decoded from the URL; a name may repeat.
using Params = std::multimap<std::string, std::string>;

// A failure with the parameter that caused it (empty when no single parameter did).
struct ApiError {
  Status status;
  std::string parameter;
};

template <typename T>
using ApiResult = std::variant<T, ApiError>;

// The parameters of a request target's query string (what follows the '?', up to a '#'), as
// the server receives it: pairs split on '&' and '=', decoded as HTML forms encode them ('+' is
// a space, %XX a byte). kInvalidArgument, naming the parameter, for a '%' without two hex
// digits after it, and for a name or value that is not UTF-8 or holds a NUL.
std::variant<Params, ApiError> ParseQueryString(std::string_view query);

// A response body: JSON text, ready to send.
using Body = std::string;

// What GET /api/v1/export streams: checked up front, so that a bad request is a 400 and not a
// broken stream.
struct ExportPlan {
  search::SearchRequest request;
  search::ExportFormat format = search::ExportFormat::kCsv;
  search::ExportOptions options;  // bom=false: a CSV without the byte-order mark
  int64_t total = 0;          // records the export will write
  std::string content_type;   // "text/csv; charset=utf-8", "application/json" or the XLSX type
  search::ExportFileName filename;  // from the selection, for Content-Disposition
};

// The Content-Disposition of a download named name (RFC 6266): attachment; filename="ascii",
// and filename*=UTF-8''<percent-encoded utf8> (RFC 8187) when the UTF-8 name differs.
std::string ContentDisposition(const search::ExportFileName& name);

inline constexpr int kDefaultPerPage = 20;
inline constexpr int kMaxPerPage = 200;

class Api {
 public:
  explicit Api(QueryBackend& backend) : backend_(backend) {}

  // GET /api/v1/recommendations
  ApiResult<Body> Recommendations(const Params& params);
  // GET /api/v1/recommendations/{id}; id_text as it appears in the path: a uid
  // (core/identity.h) or this database's row number. The object has a "citation"
  // (core/citation.h) whose links start with base_url (e.g. "http://127.0.0.1:8080"; empty:
  // paths only).
  ApiResult<Body> Recommendation(const std::string& id_text, const Params& params,
                                 std::string_view base_url = "");
  // The uid of the recommendation named by id_text (a uid or a row number): for the web app's
  // old numeric links, which redirect to the uid's.
  std::variant<std::string, ApiError> RecommendationUidOf(std::string_view id_text);
  // GET /api/v1/aggregations
  ApiResult<Body> Aggregations(const Params& params);
  // GET /api/v1/states
  ApiResult<Body> States(const Params& params);
  // GET /api/v1/states/{iso3}
  ApiResult<Body> State(const std::string& iso3, const Params& params);
  // GET /api/v1/sessions
  ApiResult<Body> Sessions(const Params& params);
  // GET /api/v1/pledges: the voluntary pledges, searched (q) and filtered (state, session,
  // cycle, theme), a page of them with their count per session.
  ApiResult<Body> Pledges(const Params& params);
  // GET /api/v1/pledges/{uid}: one pledge (core/json.h PledgeToJson).
  // With a "citation" (core/citation.h PledgeCitation) whose links start with base_url.
  ApiResult<Body> PledgeByUid(const std::string& uid, const Params& params,
                              std::string_view base_url = "");
  // GET /api/v1/export: the checked request; the caller streams it with backend().Export.
  ApiResult<ExportPlan> PlanExport(const Params& params);
  // GET /api/v1/about
  ApiResult<Body> About(const Params& params);
  // GET /api/v1/openapi.json
  ApiResult<Body> OpenApi(const Params& params);

  QueryBackend& backend() { return backend_; }

 private:
  std::variant<int64_t, ApiError> ResolveRecommendation(std::string_view id_text);
  // What the record holds (core/coverage.h): the sessions of its recommendations.
  std::variant<Coverage, ApiError> RecordCoverage();

  QueryBackend& backend_;
};

}  // namespace openupr::server

// Reading an API request's query parameters, shared by the endpoints of every record type
// (api.cpp, votes_api.cpp): each check names the parameter and what was expected. Thread-safe.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "search/interpret.h"
#include "server/api.h"
#include "server/backend.h"

namespace openupr::server {

using Check = std::optional<ApiError>;  // an error, or nothing when all is well

#define OPENUPR_RETURN_IF_API_ERROR(expr) \
  do {                                    \
    if (Check _e = (expr)) return *_e;    \
  } while (0)

ApiError Invalid(std::string parameter, std::string message);
// The core modules phrase filter errors for the CLI ("--cycle 'x': ..."); the API names the
// parameter without the dashes.
ApiError FromStatus(Status st, std::string parameter);
// Rejects any parameter not in allowed (nor a filter field of core/filters.h when filters).
Check CheckNames(const Params& params, std::initializer_list<std::string_view> allowed,
                 bool filters);
// The value of a parameter given at most once; nullopt when absent.
Check Single(const Params& params, const std::string& name, std::optional<std::string>& out);
// An integer in [min, max]; out unchanged when absent.
Check Integer(const Params& params, const std::string& name, int64_t min, int64_t max,
              int64_t& out);
// One of choices (the first is the default).
Check Choice(const Params& params, const std::string& name,
             std::initializer_list<std::string_view> choices, std::string& out);
// q (at most once) and every filter parameter of core/filters.h, checked with the data (theme
// names). q is read as the search box (search/interpret.h): repaired, and its field:value terms
// added to filters; interpretation (when not null) receives what was made of it.
Check Selection(QueryBackend& backend, const Params& params, std::string& query,
                Filters& filters, search::Interpretation* interpretation = nullptr);
// Rejects any parameter not in selection (an endpoint family's filter parameters) nor extra,
// naming all of them as what was expected.
Check KnownNames(const Params& params, std::span<const char* const> selection,
                 std::vector<std::string_view> extra);
// A number or a range "2006-2010" within [min, max] (from <= to); from and to unchanged when
// absent.
Check Range(const Params& params, const std::string& name, int min, int max, int& from, int& to);
// A list parameter: repeatable and comma-separated ("by=theme,cycle" or "by=theme&by=cycle").
std::vector<std::string> List(const Params& params, const std::string& name);

}  // namespace openupr::server

#include "server/params.h"

#include <algorithm>
#include <charconv>

#include "core/filters.h"
#include "search/interpret.h"

namespace openupr::server {

ApiError Invalid(std::string parameter, std::string message) {
  return {Status::InvalidArgument(std::move(message)), std::move(parameter)};
}

// The core modules phrase filter errors for the CLI ("--cycle 'x': ..."); the API names the
// parameter without the dashes.
ApiError FromStatus(Status st, std::string parameter) {
  if (st.message().rfind("--", 0) == 0 && st.code() == StatusCode::kInvalidArgument)
    st = Status::InvalidArgument(st.message().substr(2));
  return {std::move(st), std::move(parameter)};
}

namespace {
bool IsFilterField(std::string_view name) {
  return std::find(std::begin(kFilterFields), std::end(kFilterFields), name) !=
         std::end(kFilterFields);
}

}  // namespace

// Rejects any parameter not in allowed (nor a filter field when filters is true).
Check CheckNames(const Params& params, std::initializer_list<std::string_view> allowed,
                 bool filters) {
  for (const auto& [name, value] : params) {
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    if (filters && IsFilterField(name)) continue;
    std::string expected;
    for (std::string_view a : allowed) expected += (expected.empty() ? "" : ", ") + std::string(a);
    if (filters)
      for (const char* f : kFilterFields) expected += (expected.empty() ? "" : ", ") + std::string(f);
    return Invalid(name, "unknown parameter '" + name + "'; expected " +
                             (expected.empty() ? "none" : expected));
  }
  return std::nullopt;
}

// The value of a parameter given at most once; nullopt when absent.
Check Single(const Params& params, const std::string& name, std::optional<std::string>& out) {
  auto [b, e] = params.equal_range(name);
  if (b == e) return std::nullopt;
  if (std::next(b) != e) return Invalid(name, name + ": given more than once");
  out = b->second;
  return std::nullopt;
}

Check Integer(const Params& params, const std::string& name, int64_t min, int64_t max,
              int64_t& out) {
  std::optional<std::string> v;
  OPENUPR_RETURN_IF_API_ERROR(Single(params, name, v));
  if (!v) return std::nullopt;
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size() || n < min || n > max)
    return Invalid(name, name + " '" + *v + "': expected an integer " + std::to_string(min) +
                             "-" + std::to_string(max));
  out = n;
  return std::nullopt;
}

// One of choices (the first is the default).
Check Choice(const Params& params, const std::string& name,
             std::initializer_list<std::string_view> choices, std::string& out) {
  std::optional<std::string> v;
  OPENUPR_RETURN_IF_API_ERROR(Single(params, name, v));
  out = std::string(*choices.begin());
  if (!v) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *v) == choices.end()) {
    std::string expected;
    for (std::string_view c : choices) expected += (expected.empty() ? "" : " or ") + std::string(c);
    return Invalid(name, name + " '" + *v + "': expected " + expected);
  }
  out = *v;
  return std::nullopt;
}

// A list parameter: repeatable and comma-separated ("by=theme,cycle" or "by=theme&by=cycle").
std::vector<std::string> List(const Params& params, const std::string& name) {
  std::vector<std::string> out;
  auto [b, e] = params.equal_range(name);
  for (auto it = b; it != e; ++it) {
    std::string_view v = it->second;
    while (!v.empty()) {
      const size_t comma = v.find(',');
      std::string_view item = v.substr(0, comma);
      if (!item.empty()) out.emplace_back(item);
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  return out;
}

// q (at most once) and every filter parameter, checked with the data (theme names). q is read
// as the search box (search/interpret.h): repaired, and its field:value terms added to filters;
// interpretation (when not null) receives what was made of it.
Check Selection(QueryBackend& backend, const Params& params, std::string& query,
                Filters& filters, search::Interpretation* interpretation) {
  std::optional<std::string> q;
  OPENUPR_RETURN_IF_API_ERROR(Single(params, "q", q));
  for (const char* field : kFilterFields) {
    auto [b, e] = params.equal_range(field);
    for (auto it = b; it != e; ++it)
      if (Status st = AddFilterValue(filters, field, it->second); !st.ok())
        return FromStatus(std::move(st), field);
  }
  query.clear();
  if (q && !q->empty()) {
    auto interpreted = search::InterpretQuery(*q, filters);
    if (!interpreted.ok()) return FromStatus(interpreted.status(), "q");
    query = interpreted->query;
    if (interpretation) *interpretation = std::move(interpreted).value();
  }
  if (Status st = backend.ValidateFilters(filters); !st.ok()) {
    std::string parameter = st.code() == StatusCode::kInvalidArgument ? "theme" : "";
    return FromStatus(std::move(st), std::move(parameter));
  }
  return std::nullopt;
}

Check Range(const Params& params, const std::string& name, int min, int max, int& from, int& to) {
  std::optional<std::string> v;
  OPENUPR_RETURN_IF_API_ERROR(Single(params, name, v));
  if (!v) return std::nullopt;
  auto number = [](std::string_view s, int& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
  };
  const size_t dash = v->find('-');
  const std::string_view text(*v);
  bool ok = dash == std::string::npos ? number(text, from) && number(text, to)
                                      : number(text.substr(0, dash), from) &&
                                            number(text.substr(dash + 1), to);
  ok = ok && from >= min && to <= max && from <= to;
  if (!ok)
    return Invalid(name, name + " '" + *v + "': expected a number or a range like " +
                             std::to_string(min) + "-" + std::to_string(max) +
                             ", the first no greater than the second");
  return std::nullopt;
}

Check KnownNames(const Params& params, std::span<const char* const> selection,
                 std::vector<std::string_view> extra) {
  for (const char* f : selection) extra.push_back(f);
  for (const auto& [name, value] : params) {
    if (std::find(extra.begin(), extra.end(), name) != extra.end()) continue;
    std::string expected;
    for (std::string_view a : extra) expected += (expected.empty() ? "" : ", ") + std::string(a);
    return Invalid(name, "unknown parameter '" + name + "'; expected " + expected);
  }
  return std::nullopt;
}

}  // namespace openupr::server

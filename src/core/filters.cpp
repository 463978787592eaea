#include "core/filters.h"

#include <charconv>

#include "core/text.h"

namespace openupr {
namespace {

bool ParseInt(std::string_view s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

Status Bad(std::string_view field, std::string_view value, const std::string& expected) {
  return Status::InvalidArgument("--" + std::string(field) + " '" + std::string(value) +
                                 "': expected " + expected);
}

Status AddOne(Filters& f, std::string_view field, std::string_view v) {
  if (field == "sur" || field == "from") {
    if (field == "from" && FoldText(v) == "unknown") {
      f.from_unknown = true;
      return Status::Ok();
    }
    const StateInfo* s = FindState(v);
    if (!s)
      return Bad(field, v,
                 field == "from" ? "an ISO 3166 alpha-3 code, a state name (e.g. FRA or France) "
                                   "or unknown"
                                 : "an ISO 3166 alpha-3 code or a state name (e.g. FRA or France)");
    (field == "sur" ? f.sur : f.from).push_back(s->iso3);
    return Status::Ok();
  }
  if (field == "region" || field == "from-region") {
    if (field == "from-region" && FoldText(v) == "unknown") {
      f.from_region_unknown = true;
      return Status::Ok();
    }
    auto r = ParseRegion(v);
    if (!r)
      return Bad(field, v,
                 field == "from-region"
                     ? "a UN regional group: african, asia-pacific, eastern-european, grulac, "
                       "weog, none (observers) or unknown"
                     : "a UN regional group: african, asia-pacific, eastern-european, grulac or "
                       "weog");
    (field == "region" ? f.sur_region : f.from_region).push_back(*r);
    return Status::Ok();
  }
  if (field == "session") {
    int a = 0, b = 0;
    const size_t dash = v.find('-');
    bool ok = dash == std::string_view::npos
                  ? ParseInt(v, a) && (b = a, true)
                  : ParseInt(v.substr(0, dash), a) && ParseInt(v.substr(dash + 1), b);
    if (!ok || a > b || CycleOfSession(a) == 0 || CycleOfSession(b) == 0)
      return Bad(field, v,
                 "a session number or range within " + std::to_string(kFirstSession) + "-" +
                     std::to_string(kLastKnownSession));
    for (int s = a; s <= b; ++s) f.sessions.push_back(s);
    return Status::Ok();
  }
  if (field == "cycle") {
    int c = 0;
    if (!ParseInt(v, c) || c < 1 || c > kLastKnownCycle)
      return Bad(field, v, "a cycle number 1-" + std::to_string(kLastKnownCycle));
    f.cycles.push_back(c);
    return Status::Ok();
  }
  if (field == "response") {
    auto r = ParseResponseCode(v);
    if (!r) return Bad(field, v, "supported, noted or other");
    f.responses.push_back(*r);
    return Status::Ok();
  }
  if (field == "action") {
    int a = 0;
    if (FoldText(v) == "unknown") {
      f.actions.push_back(0);
      return Status::Ok();
    }
    if (!ParseInt(v, a) || a < 1 || a > 5) return Bad(field, v, "an action category 1-5 or unknown");
    f.actions.push_back(a);
    return Status::Ok();
  }
  if (field == "theme") {
    f.themes.push_back(CollapseWhitespace(v));
    return Status::Ok();
  }
  if (field == "sur-org" || field == "from-org") {
    // Checked as it is kept: a value of only whitespace ("\n ") was accepted and kept empty,
    // which the engine and SQL filters read differently (found by fuzz/api_fuzzer.cpp).
    std::string name = CollapseWhitespace(v);
    if (OrgKey(name).empty()) return Bad(field, v, "an organisation name, e.g. AU or OIC");
    (field == "sur-org" ? f.sur_orgs : f.from_orgs).push_back(std::move(name));
    return Status::Ok();
  }
  if (field == "sdg") {
    int g = 0;
    if (!ParseInt(v, g) || g < 1 || g > 17) return Bad(field, v, "an SDG goal number 1-17");
    f.sdgs.push_back(g);
    return Status::Ok();
  }
  if (field == "labels") {
    const std::string x = FoldText(v);
    if (x != "source" && x != "all") return Bad(field, v, "source or all");
    f.source_labels_only = x == "source";
    return Status::Ok();
  }
  return Status::InvalidArgument("unknown filter '" + std::string(field) + "'");
}

}  // namespace

bool Filters::empty() const {
  return sur.empty() && from.empty() && sur_region.empty() && from_region.empty() &&
         sessions.empty() && cycles.empty() && responses.empty() && actions.empty() &&
         themes.empty() && sur_orgs.empty() && from_orgs.empty() && sdgs.empty() && !from_unknown &&
         !from_region_unknown && !source_labels_only;
}

std::string OrgKey(std::string_view org) {
  std::string key;
  key.reserve(org.size());
  for (char c : org) {
    if (c == ' ') continue;
    key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return key;
}

Status AddFilterValue(Filters& filters, std::string_view field, std::string_view value) {
  // A whole value first ("Korea, Republic of"), then as a comma-separated list.
  if (value.find(',') == std::string_view::npos) return AddOne(filters, field, value);
  // Theme and organisation names never contain commas; any other value is first tried whole.
  Filters trial = filters;
  const bool always_split = field == "theme" || field == "sur-org" || field == "from-org";
  if (!always_split && AddOne(trial, field, CollapseWhitespace(value)).ok()) {
    filters = std::move(trial);
    return Status::Ok();
  }
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    std::string item = CollapseWhitespace(value.substr(start, comma - start));
    if (!item.empty()) OPENUPR_RETURN_IF_ERROR(AddOne(filters, field, item));
    start = comma + 1;
  }
  return Status::Ok();
}

}  // namespace openupr

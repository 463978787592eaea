// Filters as bitmap algebra, with the semantics of store/filter_sql.cpp: the values of one field
// are alternatives (union of their bitmaps), fields must all hold (intersection).
#include <algorithm>

#include "engine/data.h"

namespace openupr::engine::internal {
namespace {

// SQLite's NOCASE collation (theme.name): ASCII letters compare case-insensitively.
bool EqualNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Collects the bitmaps of one field and unites them.
class Union {
 public:
  void Add(const std::vector<Roaring>& bitmaps, size_t code) {
    if (code < bitmaps.size()) parts_.push_back(&bitmaps[code]);
  }
  void Add(const Roaring* bitmap) { parts_.push_back(bitmap); }
  Roaring Get() const {
    if (parts_.empty()) return Roaring();
    return Roaring::fastunion(parts_.size(), const_cast<const Roaring**>(parts_.data()));
  }

 private:
  std::vector<const Roaring*> parts_;
};

size_t StateCode(const Data& data, const std::string& iso3) {
  auto it = std::find(data.states.begin(), data.states.end(), iso3);
  return static_cast<size_t>(it - data.states.begin());  // == size() if unknown: no bitmap
}

}  // namespace

Roaring FilterDocs(const Data& data, const Filters& f, bool* all) {
  *all = true;
  Roaring result;
  auto require = [&](const Union& field) {
    if (*all) {
      result = field.Get();
      *all = false;
    } else {
      result &= field.Get();
    }
  };
  auto by_region = [&](const std::vector<Region>& regions, const std::vector<Roaring>& bitmaps) {
    Union u;
    for (Region r : regions) u.Add(bitmaps, static_cast<size_t>(r));
    return u;
  };
  auto by_org = [&](const std::vector<std::string>& names, const std::vector<Roaring>& bitmaps) {
    Union u;
    for (const std::string& name : names) {
      const std::string key = OrgKey(name);
      auto it = std::find(data.orgs.begin(), data.orgs.end(), key);
      u.Add(bitmaps, static_cast<size_t>(it - data.orgs.begin()));
    }
    return u;
  };
  auto by_number = [&](const auto& values, const std::vector<Roaring>& bitmaps) {
    Union u;
    for (auto v : values)
      if (static_cast<int>(v) >= 0) u.Add(bitmaps, static_cast<size_t>(v));
    return u;
  };

  if (!f.sur.empty()) {
    Union u;
    for (const std::string& s : f.sur) u.Add(data.by_sur, StateCode(data, s));
    require(u);
  }
  if (!f.from.empty() || f.from_unknown) {
    Union u;
    for (const std::string& s : f.from) u.Add(data.by_from, StateCode(data, s));
    if (f.from_unknown) u.Add(&data.from_unknown);
    require(u);
  }
  if (!f.sur_region.empty()) require(by_region(f.sur_region, data.by_sur_region));
  if (!f.from_region.empty() || f.from_region_unknown) {
    Union u = by_region(f.from_region, data.by_from_region);
    // "unknown" as the facets count it: no known recommending state, or one without a region.
    if (f.from_region_unknown) {
      u.Add(data.by_from_region, kNoRegion);
      u.Add(&data.from_unknown);
    }
    require(u);
  }
  if (!f.sessions.empty()) require(by_number(f.sessions, data.by_session));
  if (!f.cycles.empty()) require(by_number(f.cycles, data.by_cycle));
  if (!f.responses.empty()) require(by_number(f.responses, data.by_response));
  if (!f.actions.empty()) require(by_number(f.actions, data.by_action));
  if (!f.themes.empty()) {
    Union u;
    for (const std::string& name : f.themes)
      for (size_t t = 0; t < data.theme_names.size(); ++t)
        if (EqualNoCase(name, data.theme_names[t])) u.Add(data.by_theme, t);
    require(u);
  }
  if (!f.sur_orgs.empty()) require(by_org(f.sur_orgs, data.by_sur_org));
  if (!f.from_orgs.empty()) require(by_org(f.from_orgs, data.by_from_org));
  if (!f.sdgs.empty()) require(by_number(f.sdgs, data.by_sdg));
  if (f.source_labels_only) {
    // Every record but those counted under a predicted label.
    Roaring source;
    source.addRange(0, data.size());
    source -= data.action_predicted;
    source -= data.themes_predicted;
    if (*all) {
      result = std::move(source);
      *all = false;
    } else {
      result &= source;
    }
  }
  return result;
}

}  // namespace openupr::engine::internal

#include "core/states.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "core/text.h"

namespace openupr {

std::string_view RegionCode(Region region) {
  switch (region) {
    case Region::kNone: return "none";
    case Region::kAfrican: return "african";
    case Region::kAsiaPacific: return "asia-pacific";
    case Region::kEasternEuropean: return "eastern-european";
    case Region::kLatinAmericanCaribbean: return "grulac";
    case Region::kWesternEuropeanOthers: return "weog";
  }
  return "none";
}

std::string_view RegionName(Region region) {
  switch (region) {
    case Region::kNone: return "None (observer)";
    case Region::kAfrican: return "African";
    case Region::kAsiaPacific: return "Asia-Pacific";
    case Region::kEasternEuropean: return "Eastern European";
    case Region::kLatinAmericanCaribbean: return "Latin American and Caribbean";
    case Region::kWesternEuropeanOthers: return "Western European and others";
  }
  return "";
}

std::optional<Region> ParseRegion(std::string_view text) {
  static const std::unordered_map<std::string, Region> kByKey = [] {
    std::unordered_map<std::string, Region> m;
    auto add = [&m](std::string_view k, Region r) { m.emplace(StateNameKey(k), r); };
    for (Region r : kAllRegions) {
      add(RegionCode(r), r);
      add(RegionName(r), r);
    }
    add("none", Region::kNone);
    add("observer", Region::kNone);
    add("africa", Region::kAfrican);
    add("asia", Region::kAsiaPacific);
    add("apg", Region::kAsiaPacific);
    add("asia pacific", Region::kAsiaPacific);
    add("eeg", Region::kEasternEuropean);
    add("eastern europe", Region::kEasternEuropean);
    add("latin american and caribbean", Region::kLatinAmericanCaribbean);
    add("latin america and caribbean", Region::kLatinAmericanCaribbean);
    add("western european and others", Region::kWesternEuropeanOthers);
    return m;
  }();
  auto it = kByKey.find(StateNameKey(text));
  if (it == kByKey.end()) return std::nullopt;
  return it->second;
}

std::string_view StateName(const StateInfo& state, std::string_view language) {
  const char* name = nullptr;
  if (language == "en") name = state.un_name;
  else if (language == "fr") name = state.names.fr;
  else if (language == "es") name = state.names.es;
  else if (language == "ar") name = state.names.ar;
  else if (language == "zh") name = state.names.zh;
  else if (language == "ru") name = state.names.ru;
  return name ? std::string_view(name) : std::string_view();
}

std::string StateNameKey(std::string_view name) {
  std::string folded = FoldText(name);  // lower case, accents stripped
  std::string out;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    if (word == "the") {
      word.clear();
      return;
    }
    if (word == "st") word = "saint";
    if (!out.empty()) out += ' ';
    out += word;
    word.clear();
  };
  for (char c : folded) {
    if (c == '&') {
      flush();
      word = "and";
      flush();
    } else if (c == '\'' ) {
      // "People's" -> "peoples": apostrophes join, never split.
    } else if (static_cast<unsigned char>(c) >= 0x80 || std::isalnum(static_cast<unsigned char>(c))) {
      word += c;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

namespace {

struct Registry {
  std::unordered_map<std::string, const StateInfo*> by_key;
  std::unordered_map<std::string, const StateInfo*> by_iso3;
};

const Registry& GetRegistry() {
  static const Registry kRegistry = [] {
    Registry r;
    for (const StateInfo& s : AllStates()) {
      r.by_iso3.emplace(s.iso3, &s);
      r.by_key.emplace(StateNameKey(s.un_name), &s);
      std::string_view aliases = s.aliases;
      while (!aliases.empty()) {
        size_t bar = aliases.find('|');
        std::string_view alias = aliases.substr(0, bar);
        // First writer wins; tests assert that no two states share a key.
        r.by_key.emplace(StateNameKey(alias), &s);
        if (bar == std::string_view::npos) break;
        aliases.remove_prefix(bar + 1);
      }
      // The names in the other UN languages (French and Spanish ones are what most aliases in
      // other sources are); an empty name adds nothing.
      for (std::string_view language : kStateNameLanguages) {
        const std::string key = StateNameKey(StateName(s, language));
        if (!key.empty()) r.by_key.emplace(key, &s);
      }
    }
    return r;
  }();
  return kRegistry;
}

}  // namespace

const StateInfo* FindStateByIso3(std::string_view iso3) {
  if (iso3.size() != 3) return nullptr;
  std::string upper(iso3);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const Registry& r = GetRegistry();
  auto it = r.by_iso3.find(upper);
  return it == r.by_iso3.end() ? nullptr : it->second;
}

const StateInfo* FindState(std::string_view name_or_code) {
  if (const StateInfo* s = FindStateByIso3(name_or_code)) return s;
  const Registry& r = GetRegistry();
  auto it = r.by_key.find(StateNameKey(name_or_code));
  return it == r.by_key.end() ? nullptr : it->second;
}

}  // namespace openupr

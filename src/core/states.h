// Reference facts about states: ISO 3166 alpha-3 codes, UN short names, aliases used by the
// sources we import, and UN regional groups. The table is the project's own (states_table.cpp);
// tests check it against ../shared/data/states/states.csv.
//
// All functions are thread-safe: the registry is built once, immutable afterwards.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace openupr {

// UN regional groups (electoral groups). Observers (Holy See, State of Palestine) have none.
enum class Region {
  kNone,
  kAfrican,
  kAsiaPacific,
  kEasternEuropean,
  kLatinAmericanCaribbean,
  kWesternEuropeanOthers,
};

inline constexpr Region kAllRegions[] = {Region::kAfrican, Region::kAsiaPacific,
                                         Region::kEasternEuropean,
                                         Region::kLatinAmericanCaribbean,
                                         Region::kWesternEuropeanOthers};

// Stable short code used in the database, the CLI and JSON: "african", "asia-pacific",
// "eastern-european", "grulac", "weog"; "none" for kNone.
std::string_view RegionCode(Region region);
// Full UN name, e.g. "Western European and others".
std::string_view RegionName(Region region);
// Accepts codes, UN names and the abbreviations of UPR Info (Africa, Asia, EEG, GRULAC, WEOG,
// Observer -> kNone), case-insensitive. nullopt if not recognised.
std::optional<Region> ParseRegion(std::string_view text);

struct StateInfo {
  const char* iso3;
  const char* iso2;
  const char* m49;
  const char* un_name;   // UN short name, e.g. "Iran (Islamic Republic of)"
  Region region;
  bool un_member;        // false for the observer states
  const char* aliases;   // '|'-separated other names (World Bank, OHCHR, official, fr, es, UPR Info)
};

// Every UN member state and the two observer states, sorted by iso3.
std::span<const StateInfo> AllStates();

// Looks a state up by ISO3 (any case) or any known name or alias. Matching folds case and
// accents, treats "&" as "and", "St"/"St." as "Saint" and ignores "the" and punctuation.
// Returns nullptr if unknown.
const StateInfo* FindState(std::string_view name_or_code);
// The ISO3 code table lookup only.
const StateInfo* FindStateByIso3(std::string_view iso3);

// The key FindState compares: exposed for tests and for error messages.
std::string StateNameKey(std::string_view name);

}  // namespace openupr

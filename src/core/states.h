// Reference facts about states: ISO 3166 alpha-3 codes, UN short names and names in the other
// official UN languages, aliases used by the sources we import, and UN regional groups. The table is the project's own (states_table.cpp);
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

// A state's names in the UN's official languages other than English, as states.csv has them
// (columns name_fr, name_es, name_ar, name_zh, name_ru); "" where it has none.
struct StateNames {
  const char* fr;
  const char* es;
  const char* ar;
  const char* zh;
  const char* ru;
};

struct StateInfo {
  const char* iso3;
  const char* iso2;
  const char* m49;       // UN M49 numeric code, 3 digits ("250")
  const char* un_name;   // UN short name, e.g. "Iran (Islamic Republic of)"
  Region region;
  bool un_member;        // false for the observer states
  const char* aliases;   // '|'-separated other names (World Bank, OHCHR, official, UPR Info, variants)
  StateNames names;      // fr, es, ar, zh, ru; FindState matches these too
};

// The codes of the languages a state may have a name in, in the UN's order of its official
// languages as the API lists them: "en" (the UN short name), "fr", "es", "ar", "zh", "ru".
inline constexpr std::string_view kStateNameLanguages[] = {"en", "fr", "es", "ar", "zh", "ru"};

// The state's name in language (a code of kStateNameLanguages). Empty when the table has no name
// in that language or the code is not one of them.
std::string_view StateName(const StateInfo& state, std::string_view language);

// Every UN member state and the two observer states, sorted by iso3.
std::span<const StateInfo> AllStates();

// Looks a state up by ISO3 (any case), its UN short name, its name in another official UN
// language, or any alias. Matching folds case and
// accents, treats "&" as "and", "St"/"St." as "Saint" and ignores "the" and punctuation.
// Returns nullptr if unknown.
const StateInfo* FindState(std::string_view name_or_code);
// The ISO3 code table lookup only.
const StateInfo* FindStateByIso3(std::string_view iso3);

// The key FindState compares: exposed for tests and for error messages.
std::string StateNameKey(std::string_view name);

}  // namespace openupr

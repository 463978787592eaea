#include "core/former_states.h"

#include <algorithm>

namespace openupr {
namespace {

// The Federal Republic of Germany is "GER" in the source until 1990 (the united Germany is DEU).
constexpr FormerStateInfo kFormer[] = {
    {"CSK", "Czechoslovakia", Region::kEasternEuropean, "CZE|SVK", 1992},
    {"DDR", "German Democratic Republic", Region::kEasternEuropean, "DEU", 1990},
    {"GER", "Federal Republic of Germany", Region::kWesternEuropeanOthers, "DEU", 1990},
    {"SUN", "Union of Soviet Socialist Republics", Region::kEasternEuropean, "RUS", 1991},
    {"YUG", "Yugoslavia", Region::kEasternEuropean, "SRB", 1992},
};

}  // namespace

std::span<const FormerStateInfo> FormerStates() { return kFormer; }

const FormerStateInfo* FindFormerState(std::string_view iso3) {
  for (const FormerStateInfo& f : kFormer)
    if (iso3 == f.iso3) return &f;
  return nullptr;
}

}  // namespace openupr

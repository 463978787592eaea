// States that no longer exist but appear in the historical record (the Commission on Human
// Rights' roll calls of 1947-1992) under ISO 3166-3 or the source's own codes. The table is the
// project's own; a test checks that every state code of ../shared/data/hrc-votes is either a
// state of core/states.h or one of these.
//
// Thread-safe: constant data.
#pragma once

#include <span>
#include <string_view>

#include "core/states.h"

namespace openupr {

struct FormerStateInfo {
  const char* iso3;       // as the source writes it: "SUN", "YUG", "CSK", "DDR", "GER"
  const char* name;       // "Union of Soviet Socialist Republics"
  Region region;          // the UN regional group it sat in
  const char* successor;  // ISO3 of the state that continues it ("RUS"), '|'-separated if several
  int until;              // the last year it existed as such
};

// Sorted by iso3.
std::span<const FormerStateInfo> FormerStates();
// nullptr if iso3 (exact, upper case) is not a former state.
const FormerStateInfo* FindFormerState(std::string_view iso3);

}  // namespace openupr

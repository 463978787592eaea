// The crosswalk between the two theme vocabularies of the record: OHCHR's Universal Human Rights
// Index (UHRI, core/uhri.h: its Themes) and UPR Info's (the recommendations' Issue column). Each
// UHRI theme maps to the UPR Info themes that cover what it names; a UPR Info theme maps back to
// every UHRI theme that lists it. A theme filter can so span both vocabularies
// (docs/data-model.md "Theme crosswalk" gives the table; a test keeps that table and this one
// equal, and checks the UPR Info names against the real record).
//
// Thread-safe: constant data.
#pragma once

#include <array>
#include <span>
#include <string_view>
#include <vector>

namespace openupr {

struct ThemeCrosswalkRow {
  std::string_view uhri;
  std::array<std::string_view, 3> upr_info;  // unused slots are empty
};

// Every row, by UHRI theme.
std::span<const ThemeCrosswalkRow> ThemeCrosswalk();
// The UPR Info themes of a UHRI theme (case-insensitive); empty if it is not in the table.
std::vector<std::string_view> UprInfoThemesOf(std::string_view uhri_theme);
// The UHRI themes that list a UPR Info theme (case-insensitive), by UHRI theme.
std::vector<std::string_view> UhriThemesOf(std::string_view upr_info_theme);

}  // namespace openupr

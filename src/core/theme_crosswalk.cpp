#include "core/theme_crosswalk.h"

#include <cctype>

namespace openupr {
namespace {

// UHRI's theme, then the UPR Info themes (exactly as UPR Info's export names them).
constexpr ThemeCrosswalkRow kRows[] = {
    {"Acceptance of international norms", {"International instruments"}},
    {"Administration of justice & fair trial", {"Justice"}},
    {"Asylum-seekers & refugees", {"Asylum-seekers - refugees"}},
    {"Business & human rights", {"Labour", "ESC rights - general"}},
    {"Child labour", {"Rights of the Child", "Labour"}},
    {"Children: definition, general principles, protection", {"Rights of the Child"}},
    {"Children: protection against exploitation", {"Rights of the Child", "Trafficking"}},
    {"Civil & political rights - general measures of implementation", {"CP rights - general"}},
    {"Civil society", {"Civil society"}},
    {"Conditions of detention", {"Detention"}},
    {"Cooperation with special procedures", {"Special procedures"}},
    {"Cooperation with treaty bodies", {"Treaty bodies"}},
    {"Cooperation with the Universal Periodic Review", {"UPR process"}},
    {"Corruption", {"Corruption"}},
    {"Counter-terrorism", {"Counter-terrorism"}},
    {"Death penalty", {"Death penalty"}},
    {"Deprivation of liberty", {"Detention"}},
    {"Development", {"Development"}},
    {"Discrimination against women", {"Women's rights"}},
    {"Economic, social & cultural rights - general measures of implementation", {"ESC rights - general"}},
    {"Enforced disappearances", {"Enforced disappearances"}},
    {"Environment", {"Environment"}},
    {"Equality & non-discrimination", {"Racial discrimination", "General"}},
    {"Extrajudicial, summary or arbitrary executions", {"Extrajudicial executions"}},
    {"Freedom of association", {"Freedom of association and peaceful assembly"}},
    {"Freedom of movement", {"Freedom of movement"}},
    {"Freedom of opinion & expression", {"Freedom of opinion and expression", "Freedom of the press"}},
    {"Freedom of peaceful assembly", {"Freedom of association and peaceful assembly"}},
    {"Freedom of thought, conscience & religion", {"Freedom of religion and belief"}},
    {"HIV/AIDS", {"HIV - Aids"}},
    {"Human rights defenders", {"Human rights defenders"}},
    {"Human rights education & training", {"Human rights education and training"}},
    {"Impunity", {"Impunity"}},
    {"Indigenous peoples", {"Indigenous peoples"}},
    {"Institutions & policies - general", {"General", "Other"}},
    {"Internally displaced persons", {"Internally displaced persons"}},
    {"International humanitarian law", {"International humanitarian law"}},
    {"Juvenile justice", {"Rights of the Child", "Justice"}},
    {"Labour rights & right to work", {"Labour"}},
    {"Land & property rights", {"Right to land"}},
    {"Migrants", {"Migrants"}},
    {"Minorities", {"Minorities"}},
    {"National human rights action plans", {"National plan of action"}},
    {"National human rights institution", {"NHRI"}},
    {"Persons with disabilities", {"Disabilities"}},
    {"Police & security forces", {"Human rights violations by state agents", "Public security"}},
    {"Poverty", {"Poverty"}},
    {"Racial discrimination", {"Racial discrimination"}},
    {"Right to adequate housing", {"Right to housing"}},
    {"Right to an adequate standard of living", {"Poverty", "ESC rights - general"}},
    {"Right to education", {"Right to education"}},
    {"Right to food", {"Right to food"}},
    {"Right to health", {"Right to health"}},
    {"Right to participate in public affairs & right to vote", {"Elections"}},
    {"Right to water & sanitation", {"Right to water"}},
    {"Sexual orientation & gender identity", {"Sexual Orientation and Gender Identity"}},
    {"Technical assistance & cooperation", {"Technical assistance and cooperation"}},
    {"Torture & other cruel, inhuman or degrading treatment", {"Torture and other CID treatment"}},
    {"Trafficking in persons", {"Trafficking"}},
    {"Violence against women", {"Women's rights"}},
    {"Women's rights", {"Women's rights"}},
};

bool SameNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

std::span<const ThemeCrosswalkRow> ThemeCrosswalk() { return kRows; }

std::vector<std::string_view> UprInfoThemesOf(std::string_view uhri_theme) {
  std::vector<std::string_view> out;
  for (const ThemeCrosswalkRow& row : kRows)
    if (SameNoCase(row.uhri, uhri_theme))
      for (std::string_view t : row.upr_info)
        if (!t.empty()) out.push_back(t);
  return out;
}

std::vector<std::string_view> UhriThemesOf(std::string_view upr_info_theme) {
  std::vector<std::string_view> out;
  for (const ThemeCrosswalkRow& row : kRows)
    for (std::string_view t : row.upr_info)
      if (!t.empty() && SameNoCase(t, upr_info_theme)) {
        out.push_back(row.uhri);
        break;
      }
  return out;
}

}  // namespace openupr

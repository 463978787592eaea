#include "core/coverage.h"

#include <algorithm>
#include <tuple>

#include "core/model.h"
#include "core/sessions.h"

namespace openupr {

bool Coverage::HoldsWholeCycle(int cycle) const {
  for (const CycleCoverage& c : cycles)
    if (c.cycle == cycle) return c.whole();
  return false;
}

bool Coverage::Touches(int cycle) const {
  return std::any_of(cycles.begin(), cycles.end(),
                     [cycle](const CycleCoverage& c) { return c.cycle == cycle; });
}

Coverage ComputeCoverage(std::vector<int> sessions) {
  std::erase_if(sessions, [](int s) { return CycleOfSession(s) == 0; });
  std::sort(sessions.begin(), sessions.end());
  sessions.erase(std::unique(sessions.begin(), sessions.end()), sessions.end());
  Coverage out;
  for (int s : sessions) {
    if (const SessionDates* d = FindSessionDates(s)) {
      if (out.first_year == 0) out.first_year = d->year;
      out.last_year = d->year;
    }
    const int cycle = CycleOfSession(s);
    if (out.cycles.empty() || out.cycles.back().cycle != cycle) {
      CycleCoverage c;
      c.cycle = cycle;
      std::tie(c.first_session, c.last_session) = SessionsOfCycle(cycle);
      out.cycles.push_back(std::move(c));
    }
    out.cycles.back().sessions.push_back(s);
  }
  out.sessions = std::move(sessions);
  return out;
}

std::string CoverageStatement(const Coverage& c) {
  if (c.sessions.empty()) return "no UPR session";
  std::string out =
      (c.sessions.size() == 1 ? "UPR session " : "UPR sessions ") + SessionRanges(c.sessions);
  if (c.first_year) {
    out += " (" + std::to_string(c.first_year);
    if (c.last_year != c.first_year) out += "–" + std::to_string(c.last_year);
    out += ")";
  }
  for (size_t i = 0; i < c.cycles.size(); ++i) {
    const CycleCoverage& cy = c.cycles[i];
    out += i ? ", " : ": ";
    const std::string all =
        std::to_string(cy.first_session) + "–" + std::to_string(cy.last_session);
    out += "cycle " + std::to_string(cy.cycle) +
           (cy.whole() ? " whole (sessions " + all + ")"
                       : " in part (sessions " + SessionRanges(cy.sessions) + " of " + all + ")");
  }
  return out;
}

std::string SessionRanges(const std::vector<int>& sorted_sessions) {
  std::string out;
  for (size_t i = 0; i < sorted_sessions.size();) {
    size_t j = i;
    while (j + 1 < sorted_sessions.size() && sorted_sessions[j + 1] == sorted_sessions[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += std::to_string(sorted_sessions[i]);
    if (j > i) out += "–" + std::to_string(sorted_sessions[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace openupr

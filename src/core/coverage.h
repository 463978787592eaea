// What the record holds: which Working Group sessions, which years, which cycles whole or in
// part. Results are only as complete as the record, so every place that shows counts says what
// they cover, and a review that may lie in a session the record lacks is "not in this record",
// never 0 (issue 14). Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace openupr {

struct CycleCoverage {
  int cycle = 0;
  int first_session = 0;  // the cycle's sessions (core/model.h SessionsOfCycle)
  int last_session = 0;
  std::vector<int> sessions;  // those the record holds, ascending
  bool whole() const {
    return static_cast<int>(sessions.size()) == last_session - first_session + 1;
  }
};

struct Coverage {
  std::vector<int> sessions;          // sessions with at least one record, ascending, distinct
  int first_year = 0;                 // year of the first session held (0: none held)
  int last_year = 0;                  // year of the last session held
  std::vector<CycleCoverage> cycles;  // every cycle with at least one session held, ascending

  // True when the record holds every session of cycle: a state with no recommendation in it
  // really had none there.
  bool HoldsWholeCycle(int cycle) const;
  // True when the record holds some session of cycle.
  bool Touches(int cycle) const;
  // Whether a state's review of cycle is in the record: it is when the state has records in it
  // (count > 0); without any, it is only known to be absent when the record holds the whole
  // cycle (otherwise it may lie in a session the record lacks).
  bool ReviewInRecord(int cycle, long long count) const {
    return count > 0 || HoldsWholeCycle(cycle);
  }
};

// The coverage of a record holding these sessions (any order, repeats allowed; sessions outside
// 1..kLastKnownSession are ignored).
Coverage ComputeCoverage(std::vector<int> sessions);

// In English: "UPR sessions 1–17 (2008–2013): cycle 1 whole (sessions 1–12), cycle 2 in part
// (sessions 13–17 of 13–26)"; "no UPR session" for none. For the CLI and the API (the web app
// words it in its own languages from the numbers).
std::string CoverageStatement(const Coverage& coverage);

// "1–17", "1–5, 7, 9–12" (en dash); "" for none.
std::string SessionRanges(const std::vector<int>& sorted_sessions);

}  // namespace openupr

// The UPR Working Group's sessions: when each met. Reference facts the project writes itself
// (OHCHR's list of UPR sessions, https://www.ohchr.org/en/hr-bodies/upr/upr-sessions), used
// to date reviews in search results, citations and exports.
#pragma once

#include <string>
#include <string_view>

namespace openupr {

struct SessionDates {
  int number = 0;
  int cycle = 0;
  std::string_view start;  // ISO 8601 date of the first day, "2012-10-22"
  std::string_view end;    // of the last day, "2012-11-05"
  int year = 0;            // the year of the first day
};

// The dates of Working Group session 1..kLastKnownSession (core/model.h); nullptr otherwise.
const SessionDates* FindSessionDates(int session);

// "22 October – 5 November 2012" (English; the web app formats dates in its own languages).
std::string FormatSessionDates(const SessionDates& s);

}  // namespace openupr

// Reader of the OHCHR voting records of the Commission on Human Rights and the Human Rights
// Council, as harvested by lszoszk/hrc-voting (../shared/data/hrc-votes/README): resolutions.csv
// (one row per resolution or decision, with its official totals) and votes_long.csv (one row per
// state and recorded vote). Parses and checks every field, naming file:line and the column of
// each problem; storing them is the importer's job (issue 15). Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/resolution.h"
#include "ingest/upr_info.h"

namespace openupr::ingest {

// The record types (core/resolution.h), as this reader fills them: line, record_id and the
// source's fields; uid, session and the counts are the importer's and the store's.
using openupr::CountryVote;
using openupr::ParseVoteCode;
using openupr::Resolution;
using openupr::Vote;
using openupr::VoteCode;

template <typename T>
struct ParsedRows {
  std::vector<T> rows;
  std::vector<ImportIssue> errors;    // any error: the file is refused
  std::vector<ImportIssue> warnings;  // reported, the file still read (e.g. a repeated row)
};

// The columns each file must start with, in order.
extern const char* const kResolutionColumns[];
extern const char* const kVoteColumns[];

// utf8 is the whole file (UTF-8, optionally with a byte-order mark; CR, LF or CRLF line ends).
// Errors: a header other than the expected one, a row with another number of fields, an
// unterminated quote, a non-number where a count or id is expected, a date that is not
// YYYY-MM-DD, a repeated record_id; each as file:line: column 'X': what was expected.
ParsedRows<Resolution> ParseResolutions(std::string_view utf8, const std::string& file);
// Errors as above, and a vote code other than yes, no, abstain, non-voting or blank, an empty
// state code, one state listed with two different votes on one roll call. A state listed twice
// with the same vote (2 rows of the real file) is a warning naming both lines, and counted once.
ParsedRows<CountryVote> ParseVotes(std::string_view utf8, const std::string& file);

// The roll calls whose country votes, counted, differ from the resolution's official yes, no or
// abstain totals (about 148 of the real 1,705, a known issue of the catalogue): kept, never
// dropped, and listed. Sorted by record_id.
struct Discrepancy {
  int64_t record_id = 0;
  std::string symbol;
  int official_yes = 0, official_no = 0, official_abstain = 0;
  int counted_yes = 0, counted_no = 0, counted_abstain = 0;
};
std::vector<Discrepancy> FindDiscrepancies(const std::vector<Resolution>& resolutions,
                                           const std::vector<CountryVote>& votes);

}  // namespace openupr::ingest

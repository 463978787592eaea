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

#include "ingest/upr_info.h"

namespace openupr::ingest {

// What a state did on one roll call. "blank": listed in the record without a code.
enum class Vote { kYes, kNo, kAbstain, kNonVoting, kBlank };
std::string_view VoteCode(Vote v);  // "yes", "no", "abstain", "non-voting", "blank"
std::optional<Vote> ParseVoteCode(std::string_view code);

struct Resolution {
  int64_t line = 0;       // where its row starts in resolutions.csv
  int64_t record_id = 0;  // OHCHR Search Library record: the row's identity in the source
  std::string symbol;     // "A/HRC/RES/16/9"; several records may share a generic symbol
  std::string title, statement;
  std::string date;  // ISO 8601 "2011-03-24"
  int year = 0;
  std::string body;  // "Human Rights Council" or "Commission on Human Rights"
  std::string vote_type;  // as the source writes it: "RECORDED", "ADOPTED WITHOUT VOTE", ...
  std::string meeting, meeting_type, agenda_item_no, agenda_item_title, agenda_symbol,
      agenda_subject, main_sponsors, draft;
  // The official totals; nullopt where the source has none (adopted without a vote, ...).
  std::optional<int> yes, no, abstain, non_voting, total;
  int n_rollcall = 0;  // the country votes the source lists for it
  std::string url_resolution, url_draft, record_url;
  bool recorded() const { return vote_type.rfind("RECORDED", 0) == 0; }
};

struct CountryVote {
  int64_t line = 0;
  int64_t record_id = 0;
  std::string symbol;
  std::string state;  // the source's ISO3 (also the codes of former states: SUN, YUG, ...)
  Vote vote = Vote::kBlank;
};

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

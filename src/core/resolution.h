// The Council's record as data: resolutions and decisions of the Human Rights Council and the
// Commission on Human Rights, and the roll calls of those adopted by a recorded vote (the second
// kind of record, core/record_type.h). Plain values; ingest/hrc_votes.h reads them from OHCHR's
// voting records, store/votes.h keeps them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace openupr {

// What a state did on one roll call. "blank": listed in the record without a code.
enum class Vote { kYes, kNo, kAbstain, kNonVoting, kBlank };
inline constexpr Vote kAllVotes[] = {Vote::kYes, Vote::kNo, Vote::kAbstain, Vote::kNonVoting,
                                     Vote::kBlank};
std::string_view VoteCode(Vote v);  // "yes", "no", "abstain", "non-voting", "blank"
std::optional<Vote> ParseVoteCode(std::string_view code);

// The body that adopted a resolution.
enum class Body { kCouncil, kCommission };
std::string_view BodyCode(Body b);  // "hrc", "chr"
std::string_view BodyName(Body b);  // "Human Rights Council", "Commission on Human Rights"
// Accepts the codes and the names (any case); nullopt otherwise.
std::optional<Body> ParseBody(std::string_view text);

// The Council's session a symbol names ("A/HRC/RES/16/9", "A/HRC/DEC/S-30/1" -> 0 (special
// sessions are not numbered with the regular ones), "A/HRC/32/L.54" -> 32); 0 if none.
int CouncilSessionOfSymbol(std::string_view symbol);

struct Resolution {
  int64_t id = 0;         // the store's row (0 before it is stored)
  std::string uid;        // "ohchr-27576" (core/identity.h)
  int64_t line = 0;       // where its row starts in its source file
  std::string source_file;  // the file's name (reads only)
  int64_t record_id = 0;  // OHCHR Search Library record: the row's identity in the source
  std::string symbol;     // "A/HRC/RES/16/9"; several records may share a generic symbol
  std::string title, statement;
  std::string date;  // ISO 8601 "2011-03-24"
  int year = 0;
  std::string body;  // as the source writes it: "Human Rights Council", "Commission on ..."
  int session = 0;   // the Council's session (CouncilSessionOfSymbol); 0 if none
  std::string vote_type;  // as the source writes it: "RECORDED", "ADOPTED WITHOUT VOTE", ...
  std::string meeting, meeting_type, agenda_item_no, agenda_item_title, agenda_symbol,
      agenda_subject, main_sponsors, draft;
  // The official totals; nullopt where the source has none (adopted without a vote, ...).
  std::optional<int> yes, no, abstain, non_voting, total;
  int n_rollcall = 0;  // the country votes the source lists for it
  std::string url_resolution, url_draft, record_url;
  // The stored country votes, counted (reads only), and whether they equal the official yes,
  // no and abstain totals (nullopt when no country vote is stored).
  int counted_yes = 0, counted_no = 0, counted_abstain = 0, counted_votes = 0;
  std::optional<bool> reconciles;
  bool recorded() const { return vote_type.rfind("RECORDED", 0) == 0; }
};

struct CountryVote {
  int64_t line = 0;
  int64_t record_id = 0;
  std::string symbol;
  std::string state;  // the source's ISO3 (also the codes of former states: SUN, YUG, ...)
  Vote vote = Vote::kBlank;
};

}  // namespace openupr

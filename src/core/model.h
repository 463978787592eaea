// The domain model: UPR sessions and cycles, responses, action categories, recommendations and
// voluntary pledges, with their provenance. Plain values; the store persists them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openupr {

// UPR Working Group sessions and review cycles (docs/data-model.md): cycle 1 = sessions 1-12,
// 2 = 13-26, 3 = 27-40, 4 = 41-54.
inline constexpr int kFirstSession = 1;
inline constexpr int kLastKnownSession = 54;
inline constexpr int kLastKnownCycle = 4;
// 0 if the session is outside 1..kLastKnownSession.
int CycleOfSession(int session);
// First and last session of a cycle; {0, 0} if unknown.
std::pair<int, int> SessionsOfCycle(int cycle);

// The modern categories of a state's answer to a recommendation (HRC res. 5/1 para. 32).
enum class Response { kSupported, kNoted, kOther };
std::string_view ResponseCode(Response r);  // "supported", "noted", "other"
std::optional<Response> ParseResponseCode(std::string_view code);
// Maps a source's raw answer ("Accepted", "Noted", "Rejected", "Partially accepted", ...) to a
// category: accepted/supported -> supported; noted/rejected/not accepted -> noted; anything else
// (pending, partial, unclear, empty) -> other. Case-insensitive.
Response MapRawResponse(std::string_view raw);

// UPR Info action categories 1 (minimal) .. 5 (specific action); nullopt = unknown.
using ActionCategory = std::optional<int>;

struct Provenance {
  std::string source_file;  // path as given to the import command
  int64_t line = 0;         // 1-based physical line where the record starts
  int64_t import_id = 0;
};

struct RecommendingState {
  std::string iso3;      // empty when the source does not know the state
  std::string raw_name;  // as written in the source
};

struct Recommendation {
  int64_t id = 0;   // row number of this database (depends on the order of imports)
  std::string uid;  // stable identity, the same in every database (core/identity.h)
  std::string sur;  // ISO3 of the state under review
  std::vector<RecommendingState> from;
  std::string text;
  int session = 0;
  int cycle = 0;
  Response response = Response::kOther;
  std::string response_raw;
  ActionCategory action;
  std::vector<std::string> themes;
  std::vector<std::string> sdgs;  // "16" (goal) or "16.10" (target); may be empty
  std::string sur_orgs;           // organisations as listed by the source, e.g. "AU, OIC"
  std::string from_orgs;
  Provenance provenance;
  std::optional<int64_t> duplicate_of;  // an earlier row of the same source with the same key
  std::string duplicate_of_uid;         // that row's uid (when read from the store)
  // Read from the store: action and themes are the classifier's (table predicted_label, written
  // by `openupr classify apply`) because the source gives none. Never set by an import.
  bool action_predicted = false;
  bool themes_predicted = false;
};

// A voluntary pledge by the state under review.
struct Pledge {
  int64_t id = 0;
  std::string uid;  // stable identity (core/identity.h)
  std::string state;  // ISO3
  std::string text;
  int session = 0;
  int cycle = 0;
  ActionCategory action;
  std::vector<std::string> themes;
  Provenance provenance;
  std::optional<int64_t> duplicate_of;  // an earlier pledge with the same key
};

}  // namespace openupr

// Fuzz target: the readers of the Council's voting records (ingest/hrc_votes.h). The first byte
// picks the file (even: resolutions.csv, odd: votes_long.csv); the rest is its bytes. Whatever
// the bytes: every problem names the file and says what was expected, every row taken holds
// valid values, and the discrepancies are consistent with the rows.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ingest/hrc_votes.h"

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "hrc_votes: %s\n", what.c_str());
  std::abort();
}

template <typename T>
void CheckIssues(const openupr::ingest::ParsedRows<T>& parsed, const std::string& file) {
  for (const auto& e : parsed.errors) {
    if (e.message.empty()) Fail("an error without a message");
    if (e.ToString().find(file) == std::string::npos) Fail("an error without the file name");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace openupr::ingest;
  if (data[0] % 2 == 0) {
    auto parsed = ParseResolutions(bytes, "resolutions.csv");
    CheckIssues(parsed, "resolutions.csv");
    for (const Resolution& r : parsed.rows) {
      if (r.line < 2 || r.date.size() != 10 || r.body.empty()) Fail("a resolution row taken with a bad field");
      if (r.date.substr(0, 4) != std::to_string(r.year)) Fail("year and date disagree");
    }
    // Every roll call counted from no votes: each resolution with official totals reconciles
    // only if they are all zero.
    for (const Discrepancy& d : FindDiscrepancies(parsed.rows, {}))
      (void)d, Fail("a discrepancy without votes");
  } else {
    auto parsed = ParseVotes(bytes, "votes_long.csv");
    CheckIssues(parsed, "votes_long.csv");
    for (const CountryVote& v : parsed.rows) {
      if (v.line < 2 || v.state.empty() || v.state.size() > 3) Fail("a vote row taken with a bad state");
      if (ParseVoteCode(VoteCode(v.vote)) != v.vote) Fail("vote code does not round-trip");
    }
  }
  return 0;
}

#include "core/resolution.h"

#include <cctype>

namespace openupr {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

std::string_view VoteCode(Vote v) {
  switch (v) {
    case Vote::kYes: return "yes";
    case Vote::kNo: return "no";
    case Vote::kAbstain: return "abstain";
    case Vote::kNonVoting: return "non-voting";
    case Vote::kBlank: return "blank";
  }
  return "blank";
}

std::optional<Vote> ParseVoteCode(std::string_view code) {
  for (Vote v : kAllVotes)
    if (code == VoteCode(v)) return v;
  return std::nullopt;
}

std::string_view BodyCode(Body b) { return b == Body::kCouncil ? "hrc" : "chr"; }

std::string_view BodyName(Body b) {
  return b == Body::kCouncil ? "Human Rights Council" : "Commission on Human Rights";
}

std::optional<Body> ParseBody(std::string_view text) {
  for (Body b : {Body::kCouncil, Body::kCommission})
    if (EqualsIgnoreCase(text, BodyCode(b)) || EqualsIgnoreCase(text, BodyName(b))) return b;
  return std::nullopt;
}

int CouncilSessionOfSymbol(std::string_view symbol) {
  constexpr std::string_view kPrefix = "A/HRC/";
  if (!symbol.starts_with(kPrefix)) return 0;
  symbol.remove_prefix(kPrefix.size());
  if (symbol.starts_with("RES/")) symbol.remove_prefix(4);
  else if (symbol.starts_with("DEC/")) symbol.remove_prefix(4);
  int session = 0;
  size_t i = 0;
  for (; i < symbol.size() && i < 4 && symbol[i] >= '0' && symbol[i] <= '9'; ++i)
    session = session * 10 + (symbol[i] - '0');
  if (i == 0 || i == 4 || i >= symbol.size() || symbol[i] != '/') return 0;
  return session;
}

}  // namespace openupr

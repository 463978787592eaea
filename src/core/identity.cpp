#include "core/identity.h"

#include <cstdio>

namespace openupr {
namespace {

std::string Uid(std::string_view state, int session, std::string_view infix,
                std::string_view dup_key, int64_t occurrence) {
  char session_text[16];
  std::snprintf(session_text, sizeof session_text, "%02d", session);
  std::string uid(state);
  uid += '-';
  uid += session_text;
  uid += '-';
  uid += infix;
  uid += dup_key.substr(0, kUidHashDigits);
  if (occurrence > 1) {
    uid += '-';
    uid += std::to_string(occurrence);
  }
  return uid;
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }

// "AAA-NN-" + infix + 12 hex digits + optional "-N..." (N >= 2, no leading zero).
bool HasUidForm(std::string_view t, std::string_view infix) {
  if (t.size() < 4 || !IsUpper(t[0]) || !IsUpper(t[1]) || !IsUpper(t[2]) || t[3] != '-')
    return false;
  t.remove_prefix(4);
  size_t digits = 0;
  while (digits < t.size() && IsDigit(t[digits])) ++digits;
  if (digits < 2 || digits > 3 || digits >= t.size() || t[digits] != '-') return false;
  t.remove_prefix(digits + 1);
  if (t.substr(0, infix.size()) != infix) return false;
  t.remove_prefix(infix.size());
  if (t.size() < kUidHashDigits) return false;
  for (size_t i = 0; i < kUidHashDigits; ++i)
    if (!IsHex(t[i])) return false;
  t.remove_prefix(kUidHashDigits);
  if (t.empty()) return true;
  // Occurrences 2, 3, ...: the first has no suffix, and numbers have no leading zero.
  if (t[0] != '-' || t.size() < 2 || t.size() > 10 || t[1] == '0' || t == "-1") return false;
  for (char c : t.substr(1))
    if (!IsDigit(c)) return false;
  return true;
}

}  // namespace

std::string RecommendationUid(std::string_view sur, int session, std::string_view dup_key,
                              int64_t occurrence) {
  return Uid(sur, session, "", dup_key, occurrence);
}

std::string PledgeUid(std::string_view state, int session, std::string_view dup_key,
                      int64_t occurrence) {
  return Uid(state, session, "vp-", dup_key, occurrence);
}

bool IsRecommendationUid(std::string_view text) { return HasUidForm(text, ""); }
bool IsPledgeUid(std::string_view text) { return HasUidForm(text, "vp-"); }

namespace {
constexpr std::string_view kResolutionUidPrefix = "ohchr-";
}  // namespace

std::string ResolutionUid(int64_t record_id) {
  return std::string(kResolutionUidPrefix) + std::to_string(record_id);
}

int64_t ResolutionRecordId(std::string_view text) {
  if (!text.starts_with(kResolutionUidPrefix)) return 0;
  text.remove_prefix(kResolutionUidPrefix.size());
  if (text.empty() || text.size() > 15 || text[0] == '0') return 0;
  int64_t id = 0;
  for (char c : text) {
    if (!IsDigit(c)) return 0;
    id = id * 10 + (c - '0');
  }
  return id;
}

bool IsResolutionUid(std::string_view text) { return ResolutionRecordId(text) > 0; }

std::string VoteUid(int64_t record_id, std::string_view state) {
  return ResolutionUid(record_id) + "/" + std::string(state);
}

bool IsVoteUid(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos || !IsResolutionUid(text.substr(0, slash))) return false;
  const std::string_view state = text.substr(slash + 1);
  return state.size() == 3 && IsUpper(state[0]) && IsUpper(state[1]) && IsUpper(state[2]);
}

std::string UhriUid(std::string_view annotation_id) {
  return "uhri-" + std::string(annotation_id);
}

bool IsUhriUuid(std::string_view id) {
  // 8-4-4-4-12 lower-case hex digits.
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

bool IsUhriUid(std::string_view text) {
  return text.starts_with("uhri-") && IsUhriUuid(text.substr(5));
}

}  // namespace openupr

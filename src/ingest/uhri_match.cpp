#include "ingest/uhri_match.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"

namespace openupr::ingest {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::vector<std::string> Words(std::string_view key) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < key.size()) {
    size_t j = key.find(' ', i);
    if (j == std::string_view::npos) j = key.size();
    if (j > i) words.emplace_back(key.substr(i, j - i));
    i = j + 1;
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

double Dice(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() && b.empty()) return 1;
  size_t common = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    const int c = a[i].compare(b[j]);
    if (c == 0) {
      ++common;
      ++i;
      ++j;
    } else if (c < 0) {
      ++i;
    } else {
      ++j;
    }
  }
  return 2.0 * static_cast<double>(common) / static_cast<double>(a.size() + b.size());
}

}  // namespace

std::string MatchKey(std::string_view text) {
  // Leading paragraph number: "115.23 ", "115.23. ", "8. ".
  size_t b = 0;
  while (b < text.size() && IsSpace(text[b])) ++b;
  size_t i = b;
  bool digits = false, dot = false;  // "115.23" or "8.", not a number of the text ("2 per cent")
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    (text[i] == '.' ? dot : digits) = true;
    ++i;
  }
  if (digits && dot && i < text.size() && IsSpace(text[i])) b = i;
  text.remove_prefix(b);
  // Trailing punctuation and one trailing parenthesis: "... torture (France);".
  auto trim_end = [&text] {
    while (!text.empty() && (IsSpace(text.back()) || text.back() == ';' || text.back() == '.' ||
                             text.back() == ','))
      text.remove_suffix(1);
  };
  trim_end();
  if (!text.empty() && text.back() == ')') {
    const size_t open = text.rfind('(');
    if (open != std::string_view::npos && open > 0) {
      text = text.substr(0, open);
      trim_end();
    }
  }
  std::string plain;
  plain.reserve(text.size());
  for (size_t k = 0; k < text.size(); ++k) {
    // U+2018 and U+2019 (E2 80 98 / 99) as an ASCII apostrophe.
    if (static_cast<unsigned char>(text[k]) == 0xE2 && k + 2 < text.size() &&
        static_cast<unsigned char>(text[k + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[k + 2]) == 0x98 ||
         static_cast<unsigned char>(text[k + 2]) == 0x99)) {
      plain += '\'';
      k += 2;
    } else {
      plain += text[k];
    }
  }
  return TextKey(plain);
}

Status UprMatcher::Load(const std::string& sur, int session, std::vector<Candidate>& out) {
  auto stmt = store_.db().Prepare(
      "SELECT r.id, r.text, (SELECT group_concat(s.state) FROM recommending_state s "
      "WHERE s.recommendation_id = r.id AND s.state IS NOT NULL) "
      "FROM recommendation r WHERE r.sur = ? AND r.session = ? AND NOT EXISTS "
      "(SELECT 1 FROM uhri_record u WHERE u.recommendation_id = r.id) ORDER BY r.id");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, sur).Bind(2, session);
  return stmt->ForEachRow([&](store::Statement& row) {
    Candidate c;
    c.id = row.Int(0);
    c.key = MatchKey(row.Text(1));
    c.words = Words(c.key);
    std::string_view from = row.Text(2);
    while (!from.empty()) {
      const size_t comma = from.find(',');
      c.from.emplace_back(from.substr(0, comma));
      if (comma == std::string_view::npos) break;
      from.remove_prefix(comma + 1);
    }
    std::sort(c.from.begin(), c.from.end());
    out.push_back(std::move(c));
  });
}

Result<std::optional<UprMatch>> UprMatcher::Find(const std::string& sur, int session,
                                                 std::string_view text,
                                                 std::span<const std::string> recommending) {
  auto [it, fresh] = reviews_.try_emplace({sur, session});
  if (fresh) OPENUPR_RETURN_IF_ERROR(Load(sur, session, it->second));
  std::vector<std::string> known;
  for (const std::string& s : recommending)
    if (!s.empty()) known.push_back(s);
  auto eligible = [&](const Candidate& c) {
    if (taken_.contains(c.id)) return false;
    if (known.empty() || c.from.empty()) return true;
    for (const std::string& s : known)
      if (std::binary_search(c.from.begin(), c.from.end(), s)) return true;
    return false;
  };
  const std::string key = MatchKey(text);
  for (const Candidate& c : it->second) {
    if (c.key == key && eligible(c)) {
      taken_.insert(c.id);
      return std::optional<UprMatch>(UprMatch{c.id, store::UhriMatch::kSameText, 1.0});
    }
  }
  const std::vector<std::string> words = Words(key);
  const Candidate* best = nullptr;
  double best_dice = 0, second = 0;
  for (const Candidate& c : it->second) {
    if (!eligible(c)) continue;
    const double d = Dice(words, c.words);
    if (d > best_dice) {
      second = best_dice;
      best_dice = d;
      best = &c;
    } else if (d > second) {
      second = d;
    }
  }
  if (best && best_dice >= kMinDice && best_dice - second >= kMinLead) {
    taken_.insert(best->id);
    return std::optional<UprMatch>(UprMatch{best->id, store::UhriMatch::kSameWords, best_dice});
  }
  return std::optional<UprMatch>();
}

}  // namespace openupr::ingest

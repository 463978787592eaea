#include "search/interpret.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "core/states.h"
#include "core/text.h"
#include "search/query.h"

namespace openupr::search {
namespace {

struct Tok {
  enum class Kind { kWord, kPhrase, kAnd, kOr, kNot, kOpen, kClose, kField };
  Kind kind = Kind::kWord;
  std::string text;   // kWord: the word without its trailing '*'; kPhrase: inside the quotes;
                      // kField: the value
  std::string field;  // kField: the field's name, lower case
  bool prefix = false;
  size_t pos = 0;  // 1-based byte of the input
};
using Kind = Tok::Kind;

// A field term of the box, kept beside the text tokens: it goes before out[anchor] (or at the
// end) when the box is written out again.
struct FieldAt {
  Tok tok;
  size_t anchor = 0;
};

struct Repaired {
  std::vector<Tok> out;  // the text tokens, parseable but for what only ParseQuery knows
  std::vector<FieldAt> fields;
};


bool IsSpace(char c) { return c == '\0' || std::isspace(static_cast<unsigned char>(c)); }
bool EndsWord(char c) { return IsSpace(c) || c == '(' || c == ')' || c == '"'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsFieldName(std::string_view name) {
  return std::any_of(std::begin(kFilterFields), std::end(kFilterFields),
                     [&](const char* f) { return name == f; });
}

void Note(std::vector<QueryRepair>* repairs, size_t pos, std::string message) {
  if (repairs) repairs->push_back({pos, std::move(message)});
}

// Splits the box text into tokens; never fails. What cannot be a token is left out with a
// repair (when repairs is not null).
std::vector<Tok> Lex(std::string_view s, std::vector<QueryRepair>* repairs) {
  std::vector<Tok> out;
  size_t i = 0;
  // The text of a quote that starts at s[i] == '"'; closes it at the end when it is not.
  auto quoted = [&](size_t& at) {
    const size_t open = at;
    const size_t end = s.find('"', at + 1);
    std::string inner(s.substr(at + 1, (end == std::string_view::npos ? s.size() : end) - at - 1));
    if (end == std::string_view::npos) {
      Note(repairs, open + 1,
           "closed the quote opened at position " + std::to_string(open + 1) + " at the end");
      at = s.size();
    } else {
      at = end + 1;
    }
    return inner;
  };
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\0')
      Note(repairs, i + 1, "ignored a NUL character at position " + std::to_string(i + 1));
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    const size_t pos = i + 1;
    if (c == '(' || c == ')') {
      out.push_back({c == '(' ? Kind::kOpen : Kind::kClose, std::string(1, c), "", false, pos});
      ++i;
      continue;
    }
    if (c == '"') {
      std::string inner = quoted(i);
      if (!HasSearchableTerms(inner)) {
        Note(repairs, pos,
             "ignored the phrase at position " + std::to_string(pos) +
                 ": it has no letters or digits");
        continue;
      }
      out.push_back({Kind::kPhrase, std::move(inner), "", false, pos});
      continue;
    }
    size_t end = i;
    while (end < s.size() && !EndsWord(s[end])) ++end;
    std::string word(s.substr(i, end - i));
    i = end;
    if (word == "AND" || word == "OR" || word == "NOT") {
      out.push_back({word == "AND"  ? Kind::kAnd
                     : word == "OR" ? Kind::kOr
                                    : Kind::kNot,
                     word, "", false, pos});
      continue;
    }
    if (const size_t colon = word.find(':');
        colon != std::string::npos && colon > 0 && IsFieldName(Lower(word.substr(0, colon)))) {
      Tok f{Kind::kField, word.substr(colon + 1), Lower(word.substr(0, colon)), false, pos};
      if (f.text.empty()) {
        // "theme:"Death penalty"" or "sur: LKA": the value follows.
        if (i < s.size() && s[i] == '"') {
          f.text = CollapseWhitespace(quoted(i));
        } else if (i + 1 < s.size() && s[i] == ' ' && !EndsWord(s[i + 1])) {
          const size_t j = i + 1;
          size_t e = j;
          while (e < s.size() && !EndsWord(s[e])) ++e;
          f.text = std::string(s.substr(j, e - j));
          i = e;
        }
      }
      if (f.text.empty()) {
        Note(repairs, pos,
             "ignored '" + word + "' at position " + std::to_string(pos) +
                 ": no value after the ':'");
        continue;
      }
      out.push_back(std::move(f));
      continue;
    }
    bool prefix = false;
    while (!word.empty() && word.back() == '*') {
      word.pop_back();
      prefix = true;
    }
    if (!HasSearchableTerms(word)) {
      Note(repairs, pos,
           "ignored '" + std::string(s.substr(pos - 1, end - pos + 1)) + "' at position " +
               std::to_string(pos) +
               (word.empty() ? ": '*' ends a word (e.g. discrimin*)"
                             : ": it has no letters or digits (punctuation is not searched)"));
      continue;
    }
    out.push_back({Kind::kWord, std::move(word), "", prefix, pos});
  }
  return out;
}

bool IsOperator(Kind k) { return k == Kind::kAnd || k == Kind::kOr || k == Kind::kNot; }

Status FieldError(const Tok& f, const std::string& what) {
  return Status::InvalidArgument("query: '" + f.field + ":" + f.text + "' at position " +
                                 std::to_string(f.pos) + ": " + what);
}

// Makes the token sequence parseable: stray ')' and empty '()' out, unclosed '(' closed,
// operators with nothing to join dropped; field terms set aside (they must stand at the top
// level, joined by AND). Errors only for a misplaced field term.
Result<Repaired> Repair(std::vector<Tok> tokens, std::vector<QueryRepair>* repairs) {
  Repaired r;
  std::vector<Tok>& out = r.out;
  std::vector<size_t> opens;  // indices in out of the '(' not yet closed
  bool after_field = false;   // the last token was a field term
  auto pop_dangling = [&](const std::string& why) {
    while (!out.empty() && IsOperator(out.back().kind)) {
      Note(repairs, out.back().pos,
           "removed the " + out.back().text + " at position " + std::to_string(out.back().pos) +
               ": " + why);
      out.pop_back();
    }
  };
  for (Tok& t : tokens) {
    switch (t.kind) {
      case Kind::kWord:
      case Kind::kPhrase:
        out.push_back(std::move(t));
        after_field = false;
        break;
      case Kind::kAnd:
      case Kind::kOr:
        if (after_field) {
          if (t.kind == Kind::kOr)
            return Status::InvalidArgument(
                "query: OR at position " + std::to_string(t.pos) +
                " follows a field term: a filter cannot be an alternative; expected words "
                "or a phrase on both sides of OR");
          break;  // "sur:LKA AND torture": the filter is applied, the AND has nothing to do
        }
        if (out.empty() || out.back().kind == Kind::kOpen || IsOperator(out.back().kind)) {
          Note(repairs, t.pos,
               "removed the " + t.text + " at position " + std::to_string(t.pos) +
                   ": nothing before it to join");
          break;
        }
        out.push_back(std::move(t));
        break;
      case Kind::kNot:
        if (!out.empty() && out.back().kind == Kind::kNot) {
          Note(repairs, t.pos, "removed the repeated NOT at position " + std::to_string(t.pos));
          break;
        }
        out.push_back(std::move(t));
        after_field = false;
        break;
      case Kind::kOpen:
        opens.push_back(out.size());
        out.push_back(std::move(t));
        after_field = false;
        break;
      case Kind::kClose:
        if (opens.empty()) {
          Note(repairs, t.pos,
               "removed the ')' at position " + std::to_string(t.pos) + ": no '(' before it");
          break;
        }
        pop_dangling("nothing after it before ')'");
        if (out.back().kind == Kind::kOpen) {
          Note(repairs, out.back().pos,
               "removed the empty '()' at position " + std::to_string(out.back().pos));
          out.pop_back();
        } else {
          out.push_back(std::move(t));
        }
        opens.pop_back();
        break;
      case Kind::kField:
        if (!opens.empty())
          return FieldError(t,
                            "a field term cannot stand inside parentheses; expected it "
                            "outside them (filters apply to the whole search)");
        if (!out.empty() && out.back().kind == Kind::kNot)
          return FieldError(t,
                            "a field term cannot be excluded with NOT; expected it without "
                            "NOT (or remove the filter)");
        if (!out.empty() && out.back().kind == Kind::kOr)
          return FieldError(t,
                            "a filter cannot be an alternative; expected words or a phrase "
                            "on both sides of OR");
        if (!out.empty() && out.back().kind == Kind::kAnd) out.pop_back();
        r.fields.push_back({std::move(t), out.size()});
        after_field = true;
        break;
    }
  }
  while (true) {
    pop_dangling("nothing after it");
    if (opens.empty()) break;
    if (out.back().kind == Kind::kOpen) {
      Note(repairs, out.back().pos,
           "removed the empty '(' at position " + std::to_string(out.back().pos));
      out.pop_back();
    } else {
      Note(repairs, out[opens.back()].pos,
           "closed the '(' opened at position " + std::to_string(out[opens.back()].pos) +
               " at the end");
      out.push_back({Kind::kClose, ")", "", false, 0});
    }
    opens.pop_back();
  }
  for (FieldAt& f : r.fields) f.anchor = std::min(f.anchor, out.size());
  return r;
}

std::string TokenText(const Tok& t) {
  switch (t.kind) {
    case Kind::kWord:
      return t.text + (t.prefix ? "*" : "");
    case Kind::kPhrase:
      return "\"" + t.text + "\"";
    case Kind::kField: {
      const bool quote = t.text.empty() || std::any_of(t.text.begin(), t.text.end(), EndsWord);
      return t.field + ":" + (quote ? "\"" + t.text + "\"" : t.text);
    }
    default:
      return t.text;
  }
}

// The box text of tokens (with the field terms when fields is not null), single-spaced.
std::string Render(const std::vector<Tok>& out, const std::vector<FieldAt>* fields,
                   const std::vector<bool>* skip = nullptr) {
  std::string s;
  auto add = [&s](const Tok& t) {
    if (!s.empty() && s.back() != '(' && t.kind != Kind::kClose) s += ' ';
    s += TokenText(t);
  };
  size_t f = 0;
  for (size_t i = 0; i <= out.size(); ++i) {
    while (fields && f < fields->size() && (*fields)[f].anchor == i) add((*fields)[f++].tok);
    if (i < out.size() && !(skip && (*skip)[i])) add(out[i]);
  }
  return s;
}

std::string Shorten(const std::string& s) { return s.size() <= 120 ? s : s.substr(0, 117) + "..."; }

// Applies one field term to filters; fills applied. "from:weog" is a from-region.
Status ApplyField(Tok& f, Filters& filters, BoxFilter& applied) {
  std::string field = f.field;
  if ((field == "sur" || field == "from") && !FindState(f.text) && ParseRegion(f.text) &&
      f.text.find(',') == std::string::npos)
    field = field == "sur" ? "region" : "from-region";
  Filters trial = filters;
  if (Status st = AddFilterValue(trial, field, f.text); !st.ok()) {
    std::string message = st.message();
    if (const size_t colon = message.find("': "); colon != std::string::npos)
      message = message.substr(colon + 3);
    return FieldError(f, message);
  }
  applied.field = field;
  applied.text = TokenText(f);
  if (field == "sur" || field == "from") {
    const auto& before = field == "sur" ? filters.sur : filters.from;
    const auto& after = field == "sur" ? trial.sur : trial.from;
    for (size_t i = before.size(); i < after.size(); ++i) {
      applied.value += (applied.value.empty() ? "" : ",") + after[i];
      if (const StateInfo* st = FindStateByIso3(after[i]))
        applied.label += (applied.label.empty() ? "" : ", ") + std::string(st->un_name);
    }
  } else if (field == "region" || field == "from-region") {
    const auto& before = field == "region" ? filters.sur_region : filters.from_region;
    const auto& after = field == "region" ? trial.sur_region : trial.from_region;
    for (size_t i = before.size(); i < after.size(); ++i) {
      applied.value += (applied.value.empty() ? "" : ",") + std::string(RegionCode(after[i]));
      applied.label += (applied.label.empty() ? "" : ", ") + std::string(RegionName(after[i]));
    }
  } else {
    applied.value = f.text;
    applied.label = f.text;
  }
  filters = std::move(trial);
  return Status::Ok();
}

// "sur:Sri Lanka": a state value that is not a state may go on over the next words.
void ExtendStateValues(std::vector<Tok>& tokens) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    Tok& f = tokens[i];
    if (f.kind != Kind::kField || (f.field != "sur" && f.field != "from")) continue;
    if (FindState(f.text) || ParseRegion(f.text)) continue;
    std::string value = f.text;
    for (size_t n = 1; n <= 5 && i + n < tokens.size(); ++n) {
      const Tok& w = tokens[i + n];
      if (w.kind != Kind::kWord || w.prefix) break;
      value += " " + w.text;
      if (FindState(value)) {
        f.text = value;
        tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(i + 1),
                     tokens.begin() + static_cast<std::ptrdiff_t>(i + 1 + n));
        break;
      }
    }
  }
}

// Optimal string alignment distance of a and b, or max + 1 once it exceeds max.
size_t EditDistance(std::string_view a, std::string_view b, size_t max) {
  const size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > max) return max + 1;
  std::vector<size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > max) return max + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

}  // namespace

Result<Interpretation> InterpretQuery(std::string_view text, Filters& filters) {
  Interpretation in;
  in.input = std::string(text);
  std::vector<QueryRepair> repairs;
  std::vector<Tok> tokens = Lex(text, &repairs);
  ExtendStateValues(tokens);
  auto repaired = Repair(std::move(tokens), &repairs);
  if (!repaired.ok()) return repaired.status();
  Filters with = filters;
  for (FieldAt& f : repaired->fields) {
    BoxFilter applied;
    OPENUPR_RETURN_IF_ERROR(ApplyField(f.tok, with, applied));
    in.applied.push_back(std::move(applied));
  }
  in.query = Render(repaired->out, nullptr);
  in.box = Render(repaired->out, &repaired->fields);
  std::stable_sort(repairs.begin(), repairs.end(), [](const QueryRepair& a, const QueryRepair& b) {
    return a.position < b.position;
  });
  if (repairs.size() > kMaxRepairsListed) {
    const size_t more = repairs.size() - kMaxRepairsListed;
    const size_t at = repairs[kMaxRepairsListed].position;
    repairs.resize(kMaxRepairsListed);
    repairs.push_back({at, "and " + std::to_string(more) + " more repairs of the same kind"});
  }
  in.repairs = std::move(repairs);
  auto parsed = ParseQuery(in.query);
  if (!parsed.ok()) {
    // Nothing repaired: the positions are those of the text as typed.
    if (in.repairs.empty() && in.applied.empty()) {
      auto as_typed = ParseQuery(text);
      if (!as_typed.ok()) return as_typed.status();
    }
    return Status::InvalidArgument(parsed.status().message() + " (in the query as repaired: '" +
                                   Shorten(in.query) + "')");
  }
  filters = std::move(with);
  return in;
}

namespace {

// Words of the box a name may be recognised in: plain words at the top level, not after NOT.
// None when the top level has an OR (taking words out would change what the OR joins).
std::vector<std::vector<size_t>> NameRuns(const std::vector<Tok>& out) {
  std::vector<std::vector<size_t>> runs;
  int depth = 0;
  for (const Tok& t : out) {
    if (t.kind == Kind::kOpen) ++depth;
    if (t.kind == Kind::kClose) --depth;
    if (t.kind == Kind::kOr && depth == 0) return {};
  }
  depth = 0;
  std::vector<size_t> run;
  for (size_t i = 0; i < out.size(); ++i) {
    const Tok& t = out[i];
    if (t.kind == Kind::kOpen) ++depth;
    if (t.kind == Kind::kClose) --depth;
    const bool eligible = t.kind == Kind::kWord && !t.prefix && depth == 0 &&
                          (i == 0 || out[i - 1].kind != Kind::kNot);
    if (eligible) {
      run.push_back(i);
    } else if (!run.empty()) {
      runs.push_back(std::move(run));
      run.clear();
    }
  }
  if (!run.empty()) runs.push_back(std::move(run));
  return runs;
}

// The stems of text's terms, space-separated: the key theme names are compared by.
std::string StemKey(std::string_view text) {
  thread_local Tokenizer tokenizer(/*stem=*/true);
  std::string key;
  tokenizer.Tokenize(text, [&key](std::string_view term, size_t, size_t) {
    key += (key.empty() ? "" : " ") + std::string(term);
    return true;
  });
  return key;
}

// A short ISO code or alias ("UK", "DRC", "LKA") counts only in capitals: "and", "can" and
// "per" are words first.
const StateInfo* StateOfWords(const std::string& joined, size_t words) {
  if (words == 1 && joined.size() <= 3 &&
      !std::all_of(joined.begin(), joined.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return nullptr;
  return FindState(joined);
}

std::optional<Region> RegionOfWords(const std::string& joined, size_t words) {
  auto r = ParseRegion(joined);
  if (!r || *r == Region::kNone) return std::nullopt;
  // "Africa", "Asia", "african" are words of many texts: alone they count only as typed codes.
  if (words == 1 && Lower(joined) != RegionCode(*r) &&
      !std::all_of(joined.begin(), joined.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return std::nullopt;
  if (words == 1 && *r == Region::kAfrican && joined == "african") return std::nullopt;
  return r;
}

bool AlreadyFiltered(const Filters& f, const BoxFilter& b) {
  auto has = [](const auto& v, const auto& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  if (b.field == "sur") return has(f.sur, b.value);
  if (b.field == "from") return has(f.from, b.value);
  if (b.field == "region") return has(f.sur_region, *ParseRegion(b.value));
  if (b.field == "from-region") return has(f.from_region, *ParseRegion(b.value));
  if (b.field == "theme")
    return std::any_of(f.themes.begin(), f.themes.end(),
                       [&](const std::string& t) { return FoldText(t) == FoldText(b.value); });
  return false;
}

}  // namespace

Status Suggest(Interpretation& in, const Filters& filters, const SuggestContext& ctx) {
  in.suggestions.clear();
  in.did_you_mean.clear();
  // The box is canonical: it lexes and repairs to itself without notes.
  auto box = Repair(Lex(in.box, nullptr), nullptr);
  if (!box.ok()) return Status::Ok();
  const std::vector<Tok>& out = box->out;

  std::vector<std::pair<std::string, std::string>> theme_keys;  // (stem key, name)
  for (const std::string& t : ctx.themes) theme_keys.emplace_back(StemKey(t), t);

  // Names, longest first at each word. Their words are not spelling mistakes.
  std::vector<bool> named(out.size(), false);
  // At most kMaxSuggestions names are looked at (each costs up to two counts): a box of a
  // thousand state names is not a thousand searches.
  size_t names = 0;
  for (const std::vector<size_t>& run : NameRuns(out)) {
    for (size_t i = 0; i < run.size() && names < kMaxSuggestions;) {
      size_t matched = 0;
      std::vector<BoxFilter> found;
      for (size_t len = std::min<size_t>(8, run.size() - i); len >= 1 && !matched; --len) {
        std::string joined, stems;
        for (size_t k = i; k < i + len; ++k) joined += (k == i ? "" : " ") + out[run[k]].text;
        if (const StateInfo* st = len <= 6 ? StateOfWords(joined, len) : nullptr) {
          for (const char* field : {"sur", "from"})
            found.push_back({field, st->iso3, st->un_name, joined});
        } else if (auto r = len <= 5 ? RegionOfWords(joined, len) : std::nullopt) {
          for (const char* field : {"region", "from-region"})
            found.push_back(
                {field, std::string(RegionCode(*r)), std::string(RegionName(*r)), joined});
        } else {
          const std::string key = StemKey(joined);
          for (const auto& [theme_key, name] : theme_keys)
            if (!key.empty() && key == theme_key) found.push_back({"theme", name, name, joined});
        }
        if (!found.empty()) matched = len;
      }
      if (!matched) {
        ++i;
        continue;
      }
      ++names;
      std::vector<bool> skip(out.size(), false);
      for (size_t k = i; k < i + matched; ++k) skip[run[k]] = named[run[k]] = true;
      std::vector<Tok> rest;
      for (size_t k = 0; k < out.size(); ++k)
        if (!skip[k]) rest.push_back(out[k]);
      // Words taken out may leave an operator with nothing to join: repaired silently.
      auto rest_text = Repair(std::move(rest), nullptr);
      if (!rest_text.ok()) return rest_text.status();
      const std::string query = Render(rest_text->out, nullptr);
      // What is left must still read as a query ("UK NOT torture detention" without "UK" is
      // "NOT torture detention", which the language refuses): if not, the name is not offered.
      const bool rest_parses = ParseQuery(query).ok();
      std::string rest_box_text = query;
      for (const FieldAt& f : box->fields) rest_box_text += " " + TokenText(f.tok);
      for (BoxFilter& b : found) {
        const bool offered = std::any_of(
            in.suggestions.begin(), in.suggestions.end(), [&](const FilterSuggestion& x) {
              return x.filter.field == b.field && x.filter.value == b.value;
            });
        if (!rest_parses || offered || AlreadyFiltered(filters, b) ||
            in.suggestions.size() >= kMaxSuggestions)
          continue;
        Filters with = filters;
        if (!AddFilterValue(with, b.field, b.value).ok()) continue;
        auto total = ctx.count(query, with);
        if (!total.ok()) return total.status();
        if (*total == 0) continue;  // a filter that leads nowhere is no help
        const std::string trimmed = CollapseWhitespace(rest_box_text);
        in.suggestions.push_back({std::move(b), trimmed, *total});
      }
      i += matched;
    }
  }

  // Did you mean: words no record uses, replaced by the closest word one does.
  if (!ctx.vocabulary) return Status::Ok();
  thread_local Tokenizer folder(/*stem=*/false);
  thread_local Tokenizer stemmer(/*stem=*/true);
  std::vector<Tok> corrected_tokens = out;
  std::vector<Correction> corrections;
  for (size_t i = 0; i < corrected_tokens.size() && corrections.size() < kMaxCorrections; ++i) {
    Tok& t = corrected_tokens[i];
    if ((t.kind != Kind::kWord || t.prefix) && t.kind != Kind::kPhrase) continue;
    if (named[i] || (i > 0 && corrected_tokens[i - 1].kind == Kind::kNot)) continue;
    std::vector<std::tuple<size_t, size_t, std::string>> replace;  // byte range, word
    folder.Tokenize(t.text, [&](std::string_view term, size_t begin, size_t end) {
      if (corrections.size() + replace.size() >= kMaxCorrections) return false;
      const std::string word(term);
      if (std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return true;
      if (ctx.vocabulary->HasStem(std::string(stemmer.Normalize(word, true)))) return true;
      std::string closest = ctx.vocabulary->Closest(word);
      if (!closest.empty()) {
        corrections.push_back({word, closest});
        replace.emplace_back(begin, end, std::move(closest));
      }
      return true;
    });
    for (auto it = replace.rbegin(); it != replace.rend(); ++it)
      t.text.replace(std::get<0>(*it), std::get<1>(*it) - std::get<0>(*it), std::get<2>(*it));
  }
  if (corrections.empty()) return Status::Ok();
  SpellingSuggestion s;
  s.query = Render(corrected_tokens, nullptr);
  s.box = Render(corrected_tokens, &box->fields);
  auto total = ctx.count(s.query, filters);
  if (!total.ok()) return total.status();
  if (*total == 0) return Status::Ok();
  s.total = *total;
  s.corrections = std::move(corrections);
  in.did_you_mean.push_back(std::move(s));
  return Status::Ok();
}

// ---- Vocabulary ----

void Vocabulary::Add(std::string_view text) {
  thread_local Tokenizer folder(/*stem=*/false);
  folder.Tokenize(text, [this](std::string_view term, size_t, size_t) {
    ++counts_[std::string(term)];
    return true;
  });
}

void Vocabulary::Finish() {
  Tokenizer stemmer(/*stem=*/true);
  for (const auto& entry : counts_) {
    stems_.insert(std::string(stemmer.Normalize(entry.first, true)));
    const size_t n = entry.first.size();
    if (by_length_.size() <= n) by_length_.resize(n + 1);
    by_length_[n].push_back(&entry);
  }
}

std::shared_ptr<const Vocabulary> Vocabulary::FromTexts(std::span<const std::string> texts) {
  auto v = std::make_shared<Vocabulary>();
  for (const std::string& t : texts) v->Add(t);
  v->Finish();
  return v;
}

std::shared_ptr<const Vocabulary> Vocabulary::FromCounts(
    std::vector<std::pair<std::string, int64_t>> counts) {
  auto v = std::make_shared<Vocabulary>();
  v->counts_.reserve(counts.size());
  for (auto& [word, count] : counts) v->counts_[std::move(word)] += count;
  v->Finish();
  return v;
}

Result<std::shared_ptr<const Vocabulary>> Vocabulary::FromStore(store::Store& store) {
  auto v = std::make_shared<Vocabulary>();
  auto stmt = store.db().Prepare("SELECT text FROM recommendation");
  if (!stmt.ok()) return stmt.status();
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    v->Add(stmt->String(0));
  }
  v->Finish();
  return std::shared_ptr<const Vocabulary>(std::move(v));
}

int64_t Vocabulary::Count(std::string_view folded_word) const {
  auto it = counts_.find(std::string(folded_word));
  return it == counts_.end() ? 0 : it->second;
}

std::string Vocabulary::Closest(std::string_view word) const {
  const size_t n = word.size();
  if (n < 4) return "";
  const size_t max = n <= 5 ? 1 : 2;
  const std::pair<const std::string, int64_t>* best = nullptr;
  size_t best_distance = max + 1;
  for (size_t len = n - max; len <= n + max && len < by_length_.size(); ++len) {
    for (const auto* entry : by_length_[len]) {
      const size_t d = EditDistance(word, entry->first, max);
      if (d == 0 || d > max) continue;
      if (!best || d < best_distance ||
          (d == best_distance && (entry->second > best->second ||
                                  (entry->second == best->second && entry->first < best->first)))) {
        best = entry;
        best_distance = d;
      }
    }
  }
  return best ? best->first : "";
}

}  // namespace openupr::search

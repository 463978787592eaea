#include "engine/votes.h"

#include <algorithm>
#include <map>

#include "core/former_states.h"
#include "core/identity.h"
#include "core/states.h"
#include "core/text.h"
#include "search/query.h"
#include "store/votes.h"

namespace openupr::engine {

// A query with its words turned into term ids: a term matches any of its ids (a prefix has
// several; an unknown word none).
struct CompiledQuery {
  search::QueryNode::Kind kind = search::QueryNode::Kind::kTerm;
  std::vector<std::vector<uint32_t>> words;  // per word: the ids it matches
  std::vector<CompiledQuery> children;
};

namespace {

std::string AgendaItem(std::string_view raw) {
  std::string s(raw);
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  return s;
}

bool Contains(const std::vector<uint32_t>& ids, uint32_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

std::string_view ResolutionOutcome(const Resolution& r) {
  const std::string& t = r.vote_type;
  if (t.starts_with("RECORDED"))
    return r.yes.value_or(0) > r.no.value_or(0) ? "adopted-by-vote" : "rejected-by-vote";
  if (t.starts_with("ADOPTED WITHOUT VOTE")) return "adopted-without-vote";
  if (t.starts_with("NON-RECORDED")) return "non-recorded";
  if (t.starts_with("WITHDRAWN")) return "withdrawn";
  if (t.starts_with("NOT CONSIDERED")) return "not-considered";
  return "other";
}

Status ValidateResolutionFilter(const ResolutionFilter& f) {
  if (f.year_from && f.year_to && f.year_from > f.year_to)
    return Status::InvalidArgument("year: " + std::to_string(f.year_from) + "-" +
                                   std::to_string(f.year_to) + " runs backwards");
  if (f.session_from && f.session_to && f.session_from > f.session_to)
    return Status::InvalidArgument("session: " + std::to_string(f.session_from) + "-" +
                                   std::to_string(f.session_to) + " runs backwards");
  for (const std::string& o : f.outcomes) {
    if (std::find(std::begin(kOutcomes), std::end(kOutcomes), o) == std::end(kOutcomes)) {
      std::string all;
      for (std::string_view k : kOutcomes) all += (all.empty() ? "" : ", ") + std::string(k);
      return Status::InvalidArgument("outcome '" + o + "': expected one of " + all);
    }
  }
  if (!f.query.empty() && f.query.find('/') == std::string::npos) {
    auto q = search::ParseQuery(f.query);
    if (!q.ok()) return q.status();
  }
  return Status::Ok();
}

VoteIndex::VoteIndex() = default;
VoteIndex::~VoteIndex() = default;

Result<std::unique_ptr<VoteIndex>> VoteIndex::Build(store::Store& store) {
  std::unique_ptr<VoteIndex> ix(new VoteIndex());
  store::ReadSnapshot snapshot(store.db());
  OPENUPR_RETURN_IF_ERROR(snapshot.Begin());
  auto resolutions = store::ListResolutions(store);
  if (!resolutions.ok()) return resolutions.status();
  ix->resolutions_ = std::move(resolutions).value();
  auto votes = store::AllVotes(store);
  if (!votes.ok()) return votes.status();
  const uint32_t n = static_cast<uint32_t>(ix->resolutions_.size());
  for (uint32_t i = 0; i < n; ++i) {
    Resolution& r = ix->resolutions_[i];
    ix->by_record_.emplace(r.record_id, i);
    ix->outcomes_.emplace_back(ResolutionOutcome(r));
    r.agenda_item_no = AgendaItem(r.agenda_item_no);
  }

  // The matrix: states that ever voted (ISO3 order), roll calls in date order.
  std::vector<std::string> states;
  for (const auto& v : *votes) states.push_back(v.state);
  std::sort(states.begin(), states.end());
  states.erase(std::unique(states.begin(), states.end()), states.end());
  ix->resolution_roll_call_.assign(n, -1);
  for (uint32_t i = 0; i < n; ++i) {
    if (ix->resolutions_[i].counted_votes == 0) continue;
    ix->resolution_roll_call_[i] = static_cast<int32_t>(ix->roll_call_resolution_.size());
    ix->roll_call_resolution_.push_back(i);
  }
  analytics::VoteMatrix& m = ix->matrix_;
  m.states = states;
  m.roll_calls = ix->roll_call_resolution_.size();
  m.votes.assign(m.states.size() * m.roll_calls, analytics::VoteCast::kAbsent);
  for (const auto& v : *votes) {
    const auto r = ix->by_record_.find(v.record_id);
    if (r == ix->by_record_.end() || ix->resolution_roll_call_[r->second] < 0) continue;
    const size_t s = std::lower_bound(states.begin(), states.end(), v.state) - states.begin();
    analytics::VoteCast cast = analytics::VoteCast::kBlank;
    switch (v.vote) {
      case Vote::kYes: cast = analytics::VoteCast::kYes; break;
      case Vote::kNo: cast = analytics::VoteCast::kNo; break;
      case Vote::kAbstain: cast = analytics::VoteCast::kAbstain; break;
      case Vote::kNonVoting: cast = analytics::VoteCast::kNonVoting; break;
      case Vote::kBlank: cast = analytics::VoteCast::kBlank; break;
    }
    m.votes[s * m.roll_calls + ix->resolution_roll_call_[r->second]] = cast;
  }
  auto bits = analytics::VoteBits::Build(m);
  if (!bits.ok()) return bits.status();
  ix->bits_ = std::make_unique<analytics::VoteBits>(std::move(bits).value());

  // Groups: the regional groups, then the organisations the UPR record lists for each state
  // under review (the To-Org column: EU, OIC, AU, ...).
  for (Region region : kAllRegions) {
    StateGroup g{std::string(RegionCode(region)), std::string(RegionName(region)), "region", {}};
    for (uint32_t s = 0; s < states.size(); ++s) {
      const StateInfo* info = FindStateByIso3(states[s]);
      const FormerStateInfo* former = info ? nullptr : FindFormerState(states[s]);
      if ((info && info->region == region) || (former && former->region == region))
        g.members.push_back(s);
    }
    ix->groups_.push_back(std::move(g));
  }
  std::map<std::string, std::vector<uint32_t>> orgs;
  OPENUPR_RETURN_IF_ERROR(store.db().ForEachRow(
      "SELECT DISTINCT sur, sur_orgs FROM recommendation WHERE sur_orgs <> ''",
      [&](store::Statement& row) {
        const std::string iso3 = row.String(0);
        const auto it = std::lower_bound(states.begin(), states.end(), iso3);
        if (it == states.end() || *it != iso3) return;
        const std::string all = row.String(1);
        size_t start = 0;
        while (start <= all.size()) {
          size_t end = all.find(',', start);
          if (end == std::string::npos) end = all.size();
          std::string org = CollapseWhitespace(all.substr(start, end - start));
          if (!org.empty()) orgs[org].push_back(static_cast<uint32_t>(it - states.begin()));
          start = end + 1;
        }
      }));
  for (auto& [org, members] : orgs) {
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
    if (members.size() < 2) continue;
    ix->groups_.push_back({org, org, "organisation", std::move(members)});
  }

  // Words of each resolution's texts.
  Tokenizer tokenizer;
  std::vector<std::vector<std::string>> texts(n);
  std::vector<std::string> all_terms;
  for (uint32_t i = 0; i < n; ++i) {
    const Resolution& r = ix->resolutions_[i];
    for (const std::string* t : {&r.title, &r.statement, &r.agenda_subject}) {
      tokenizer.Tokenize(*t, [&](std::string_view term, size_t, size_t) {
        texts[i].emplace_back(term);
        return true;
      });
    }
    all_terms.insert(all_terms.end(), texts[i].begin(), texts[i].end());
  }
  std::sort(all_terms.begin(), all_terms.end());
  all_terms.erase(std::unique(all_terms.begin(), all_terms.end()), all_terms.end());
  ix->terms_ = std::move(all_terms);
  ix->words_.resize(n);
  for (uint32_t i = 0; i < n; ++i)
    for (const std::string& t : texts[i])
      ix->words_[i].push_back(static_cast<uint32_t>(
          std::lower_bound(ix->terms_.begin(), ix->terms_.end(), t) - ix->terms_.begin()));
  return ix;
}

std::optional<uint32_t> VoteIndex::FindResolution(std::string_view uid_or_record) const {
  int64_t record = ResolutionRecordId(uid_or_record);
  if (record == 0) record = ResolutionRecordId("ohchr-" + std::string(uid_or_record));
  const auto it = by_record_.find(record);
  if (it == by_record_.end()) return std::nullopt;
  return it->second;
}

std::vector<uint32_t> VoteIndex::FindBySymbol(std::string_view symbol) const {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < resolutions_.size(); ++i)
    if (resolutions_[i].symbol == symbol) out.push_back(i);
  return out;
}

std::optional<uint32_t> VoteIndex::RollCallOf(uint32_t resolution) const {
  if (resolution >= resolution_roll_call_.size() || resolution_roll_call_[resolution] < 0)
    return std::nullopt;
  return static_cast<uint32_t>(resolution_roll_call_[resolution]);
}

std::optional<uint32_t> VoteIndex::FindState(std::string_view iso3) const {
  std::string code(iso3);
  for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto it = std::lower_bound(matrix_.states.begin(), matrix_.states.end(), code);
  if (it == matrix_.states.end() || *it != code) return std::nullopt;
  return static_cast<uint32_t>(it - matrix_.states.begin());
}

const StateGroup* VoteIndex::FindGroup(std::string_view code) const {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const std::string key = lower(code);
  for (const StateGroup& g : groups_)
    if (lower(g.code) == key) return &g;
  return nullptr;
}

std::vector<const StateGroup*> VoteIndex::GroupsOf(uint32_t state) const {
  std::vector<const StateGroup*> out;
  for (const StateGroup& g : groups_)
    if (std::binary_search(g.members.begin(), g.members.end(), state)) out.push_back(&g);
  return out;
}

namespace {

CompiledQuery Compile(const search::QueryNode& node, const std::vector<std::string>& terms,
                      Tokenizer& tokenizer) {
  CompiledQuery q;
  q.kind = node.kind;
  for (const std::string& word : node.words) {
    std::vector<uint32_t> ids;
    // A word the tokenizer splits ("non-voting") is matched by its first term.
    std::string first;
    tokenizer.Tokenize(word, [&](std::string_view t, size_t, size_t) {
      first = std::string(node.prefix ? tokenizer.Normalize(word, false) : t);
      return false;
    });
    if (node.prefix) {
      for (auto it = std::lower_bound(terms.begin(), terms.end(), first);
           it != terms.end() && it->starts_with(first); ++it)
        ids.push_back(static_cast<uint32_t>(it - terms.begin()));
    } else if (auto it = std::lower_bound(terms.begin(), terms.end(), first);
               !first.empty() && it != terms.end() && *it == first) {
      ids.push_back(static_cast<uint32_t>(it - terms.begin()));
    }
    q.words.push_back(std::move(ids));
  }
  for (const auto& c : node.children) q.children.push_back(Compile(*c, terms, tokenizer));
  return q;
}

bool Eval(const CompiledQuery& q, const std::vector<uint32_t>& words) {
  using Kind = search::QueryNode::Kind;
  switch (q.kind) {
    case Kind::kTerm:
      for (uint32_t w : words)
        if (Contains(q.words[0], w)) return true;
      return false;
    case Kind::kPhrase:
      for (size_t i = 0; i + q.words.size() <= words.size(); ++i) {
        size_t k = 0;
        while (k < q.words.size() && Contains(q.words[k], words[i + k])) ++k;
        if (k == q.words.size()) return true;
      }
      return false;
    case Kind::kAnd:
      for (const auto& c : q.children)
        if (!Eval(c, words)) return false;
      return true;
    case Kind::kOr:
      for (const auto& c : q.children)
        if (Eval(c, words)) return true;
      return false;
    case Kind::kNot: return !Eval(q.children[0], words);
  }
  return false;
}

}  // namespace

bool VoteIndex::Matches(uint32_t i, const CompiledQuery& q) const { return Eval(q, words_[i]); }

Result<std::vector<uint32_t>> VoteIndex::Select(const ResolutionFilter& f) const {
  OPENUPR_RETURN_IF_ERROR(ValidateResolutionFilter(f));
  std::optional<CompiledQuery> query;
  // A query with a '/' is a UN symbol, or its beginning ("A/HRC/RES/39/15", "A/HRC/RES/39/").
  std::string symbol;
  if (f.query.find('/') != std::string::npos) {
    symbol = f.query;
    while (!symbol.empty() && symbol.back() == ' ') symbol.pop_back();
    while (!symbol.empty() && symbol.front() == ' ') symbol.erase(0, 1);
  } else if (!f.query.empty()) {
    auto parsed = search::ParseQuery(f.query);
    if (!parsed.ok()) return parsed.status();
    if (parsed->root) {
      Tokenizer tokenizer;
      query = Compile(*parsed->root, terms_, tokenizer);
    }
  }
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < resolutions_.size(); ++i) {
    const Resolution& r = resolutions_[i];
    if (f.body && ParseBody(r.body) != f.body) continue;
    if (f.year_from && r.year < f.year_from) continue;
    if (f.year_to && r.year > f.year_to) continue;
    if ((f.session_from || f.session_to) &&
        (r.session == 0 || (f.session_from && r.session < f.session_from) ||
         (f.session_to && r.session > f.session_to)))
      continue;
    if (!f.agenda_items.empty() &&
        std::find(f.agenda_items.begin(), f.agenda_items.end(), r.agenda_item_no) ==
            f.agenda_items.end())
      continue;
    if (!f.outcomes.empty() &&
        std::find(f.outcomes.begin(), f.outcomes.end(), outcomes_[i]) == f.outcomes.end())
      continue;
    if (f.roll_calls_only && resolution_roll_call_[i] < 0) continue;
    if (query && !Matches(i, *query)) continue;
    if (!symbol.empty() && !r.symbol.starts_with(symbol)) continue;
    out.push_back(i);
  }
  return out;
}

Result<std::vector<uint32_t>> VoteIndex::SelectRollCalls(const ResolutionFilter& f) const {
  auto selected = Select(f);
  if (!selected.ok()) return selected.status();
  std::vector<uint32_t> out;
  for (uint32_t i : *selected)
    if (resolution_roll_call_[i] >= 0) out.push_back(static_cast<uint32_t>(resolution_roll_call_[i]));
  std::sort(out.begin(), out.end());  // (dates order both; kept sorted for the analytics)
  return out;
}

Result<ResolutionSearch> VoteIndex::Search(const ResolutionFilter& f, int64_t offset,
                                           int64_t limit) const {
  auto selected = Select(f);
  if (!selected.ok()) return selected.status();
  ResolutionSearch out;
  out.total = static_cast<int64_t>(selected->size());
  // Each field is counted over the selection without its own filter (as the recommendations'
  // facets are, analytics::FacetScope::kDisjunctive): its values stay listed while one is
  // chosen, and a value's count is what choosing it alone gives.
  std::map<std::string, int64_t> body, year, session, outcome, agenda;
  auto count_over = [&](ResolutionFilter without, auto clear, auto add) -> Status {
    clear(without);
    auto rows = Select(without);
    if (!rows.ok()) return rows.status();
    for (uint32_t i : *rows) add(i);
    return Status::Ok();
  };
  OPENUPR_RETURN_IF_ERROR(count_over(
      f, [](ResolutionFilter& g) { g.body.reset(); },
      [&](uint32_t i) {
        ++body[std::string(BodyCode(ParseBody(resolutions_[i].body).value_or(Body::kCouncil)))];
      }));
  OPENUPR_RETURN_IF_ERROR(count_over(
      f, [](ResolutionFilter& g) { g.year_from = g.year_to = 0; },
      [&](uint32_t i) { ++year[std::to_string(resolutions_[i].year)]; }));
  OPENUPR_RETURN_IF_ERROR(count_over(
      f, [](ResolutionFilter& g) { g.session_from = g.session_to = 0; },
      [&](uint32_t i) {
        if (resolutions_[i].session) ++session[std::to_string(resolutions_[i].session)];
      }));
  OPENUPR_RETURN_IF_ERROR(count_over(
      f, [](ResolutionFilter& g) { g.outcomes.clear(); },
      [&](uint32_t i) { ++outcome[outcomes_[i]]; }));
  OPENUPR_RETURN_IF_ERROR(count_over(
      f, [](ResolutionFilter& g) { g.agenda_items.clear(); },
      [&](uint32_t i) {
        if (!resolutions_[i].agenda_item_no.empty()) ++agenda[resolutions_[i].agenda_item_no];
      }));
  auto facet = [](std::string field, const std::map<std::string, int64_t>& counts,
                  bool by_number) {
    ResolutionFacet fc{std::move(field), {}};
    for (const auto& [k, n] : counts) fc.values.push_back({k, n});
    std::sort(fc.values.begin(), fc.values.end(), [by_number](const auto& a, const auto& b) {
      if (by_number) return std::stoi(a.key) > std::stoi(b.key);
      if (a.count != b.count) return a.count > b.count;
      return a.key < b.key;
    });
    return fc;
  };
  out.facets.push_back(facet("body", body, false));
  out.facets.push_back(facet("year", year, true));
  out.facets.push_back(facet("session", session, true));
  out.facets.push_back(facet("outcome", outcome, false));
  out.facets.push_back(facet("agenda_item", agenda, false));
  // Newest first.
  std::vector<uint32_t> hits(selected->rbegin(), selected->rend());
  const int64_t begin = std::clamp<int64_t>(offset, 0, out.total);
  const int64_t end = limit <= 0 ? out.total : std::min<int64_t>(out.total, begin + limit);
  out.hits.assign(hits.begin() + begin, hits.begin() + end);
  return out;
}

}  // namespace openupr::engine

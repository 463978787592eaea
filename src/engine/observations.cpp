#include "engine/observations.h"

#include <algorithm>
#include <cctype>
#include <functional>

#include "core/text.h"
#include "core/theme_crosswalk.h"
#include "search/query.h"
#include "store/uhri.h"

namespace openupr::engine {

// The word index: term dictionary, a bitmap of records per term, and where each term stands in
// each of its records (for phrases): its count in the k-th record of its postings (ascending
// records) and its positions there, one after the other. Positions are token numbers below
// kMaxPosition; tokens past it are in the postings but not in phrases.
namespace {
// Hash of strings that also takes views (heterogeneous lookup: no string made to look one up).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
constexpr uint32_t kMaxPosition = 0xFFFF;
}  // namespace

struct ObservationIndex::Text {
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> ids;
  std::vector<std::string> sorted;               // every term, sorted (prefix lookups)
  std::vector<uint32_t> sorted_ids;              // parallel to sorted
  std::vector<Roaring> postings;                 // by term id
  std::vector<std::vector<uint16_t>> freq;       // by term id: per record of its postings
  std::vector<std::vector<uint16_t>> positions;  // by term id: freq[k] positions per record
  // A term in more than a quarter of the records also has, by record, where its positions begin
  // (size()+1 offsets; empty for the others): a phrase reaches a candidate's positions of "and"
  // or "the" directly instead of walking postings that hold nearly every record.
  std::vector<std::vector<uint32_t>> dense;

  // Keeps the keys of alive (ascending: index in docs << 16 | start) whose record holds term t
  // at start + shift; the others are dropped. A pass over t's postings that reads the positions
  // of the records still alive only.
  void Keep(uint32_t t, const std::vector<uint32_t>& docs, uint32_t shift,
            std::vector<uint64_t>& alive) const {
    const std::vector<uint16_t>& f = freq[t];
    const std::vector<uint16_t>& pos = positions[t];
    if (!dense[t].empty()) {
      const std::vector<uint32_t>& begin = dense[t];
      size_t w = 0;
      for (size_t a = 0; a < alive.size();) {
        const uint64_t i = alive[a] >> 16;
        const uint32_t d = docs[i];
        size_t j = begin[d];
        const size_t end = begin[d + 1];
        for (; a < alive.size() && (alive[a] >> 16) == i; ++a) {
          const uint32_t want = static_cast<uint32_t>(alive[a] & 0xFFFF) + shift;
          while (j < end && pos[j] < want) ++j;
          if (j < end && pos[j] == want) alive[w++] = alive[a];
        }
      }
      alive.resize(w);
      return;
    }
    roaring_uint32_iterator_t it;
    roaring_init_iterator(&postings[t].roaring, &it);
    uint32_t batch[256];
    size_t k = 0, at = 0, a = 0, w = 0;
    while (a < alive.size()) {
      const uint32_t n = roaring_read_uint32_iterator(&it, batch, 256);
      if (n == 0) break;
      for (uint32_t b = 0; b < n && a < alive.size(); ++b, at += f[k++]) {
        const uint32_t d = batch[b];
        while (a < alive.size() && docs[alive[a] >> 16] < d) ++a;  // t absent: dropped
        if (a == alive.size() || docs[alive[a] >> 16] != d) continue;
        const uint64_t i = alive[a] >> 16;
        size_t j = at;
        for (; a < alive.size() && (alive[a] >> 16) == i; ++a) {
          const uint32_t want = static_cast<uint32_t>(alive[a] & 0xFFFF) + shift;
          while (j < at + f[k] && pos[j] < want) ++j;
          if (j < at + f[k] && pos[j] == want) alive[w++] = alive[a];
        }
      }
    }
    alive.resize(w);
  }

  // The positions of term t in each of docs (ascending), as keys (index in docs << 16 |
  // position - shift), appended to out; positions below shift are skipped.
  void Keys(uint32_t t, const std::vector<uint32_t>& docs, uint32_t shift,
            std::vector<uint64_t>& out) const {
    const std::vector<uint16_t>& f = freq[t];
    const std::vector<uint16_t>& pos = positions[t];
    // The postings read in batches (CRoaring's bulk read: a fraction of ++iterator's cost).
    roaring_uint32_iterator_t it;
    roaring_init_iterator(&postings[t].roaring, &it);
    uint32_t batch[256];
    size_t k = 0, at = 0, i = 0;
    while (i < docs.size()) {
      const uint32_t n = roaring_read_uint32_iterator(&it, batch, 256);
      if (n == 0) break;
      for (uint32_t b = 0; b < n; ++b, ++k) {
        const uint32_t d = batch[b];
        while (i < docs.size() && docs[i] < d) ++i;
        if (i < docs.size() && docs[i] == d)
          for (size_t j = at; j < at + f[k]; ++j)
            if (pos[j] >= shift) out.push_back(static_cast<uint64_t>(i) << 16 | (pos[j] - shift));
        at += f[k];
      }
    }
  }
};

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Compiled {
  search::QueryNode::Kind kind;
  std::vector<std::vector<uint32_t>> words;  // per word: its term ids
  std::vector<Compiled> children;
};

}  // namespace

void ObservationIndex::Field::Add(const std::string& key, uint32_t d) {
  if (key.empty()) return;
  auto [it, fresh] = code.try_emplace(Lower(key), static_cast<uint32_t>(shown.size()));
  if (fresh) {
    shown.push_back(key);
    docs.emplace_back();
  }
  // (A value listed twice for one record counts once.)
  for (uint32_t k = begin.back(); k < codes.size(); ++k)
    if (codes[k] == it->second) return;
  docs[it->second].add(d);
  codes.push_back(it->second);
}

Roaring ObservationIndex::Field::Union(const std::vector<std::string>& keys) const {
  Roaring out;
  for (const std::string& k : keys)
    if (auto it = code.find(Lower(k)); it != code.end()) out |= docs[it->second];
  return out;
}

std::vector<ObservationFacetValue> ObservationIndex::Count(const Field& field, const Roaring& base,
                                                           const std::vector<uint32_t>* list,
                                                           bool by_key_desc, int64_t top_n) const {
  // Three ways to count, by what costs least: the whole index's totals minus the records left
  // out (a selection of more than half the index), a bitmap intersection per value (a field of
  // few values), or each selected record's codes.
  // (An intersection costs about as much as tallying a few thousand records' codes.)
  std::vector<std::pair<uint32_t, int64_t>> counts;  // (code, count) of the values counted
  auto listed = [](const Roaring& docs) {
    std::vector<uint32_t> list(docs.cardinality());
    docs.toUint32Array(list.data());
    return list;
  };
  const uint64_t n = base.cardinality();
  if (n * 2 > all_.cardinality()) {
    std::vector<int64_t> whole = field.totals;
    for (uint32_t d : listed(all_ - base))
      for (uint32_t k = field.begin[d]; k < field.begin[d + 1]; ++k) --whole[field.codes[k]];
    for (uint32_t c = 0; c < whole.size(); ++c)
      if (whole[c] > 0) counts.emplace_back(c, whole[c]);
  } else if (field.shown.size() * records_per_intersection_ < n) {
    for (uint32_t c = 0; c < field.shown.size(); ++c)
      if (const uint64_t k = base.and_cardinality(field.docs[c]); k > 0) counts.emplace_back(c, k);
  } else {
    // Record by record into a per-thread tally kept at zero between calls: a small selection
    // costs its records, not the field's values (a document symbol has tens of thousands).
    thread_local std::vector<uint32_t> tally;
    thread_local std::vector<uint32_t> touched;
    if (tally.size() < field.shown.size()) tally.resize(field.shown.size(), 0);
    touched.clear();
    std::vector<uint32_t> own;
    const std::vector<uint32_t>& docs = list ? *list : (own = listed(base));
    if (!field.one.empty()) {
      for (uint32_t d : docs)
        if (const uint32_t c = field.one[d]; c != Field::kNone && tally[c]++ == 0)
          touched.push_back(c);
    } else {
      for (uint32_t d : docs)
        for (uint32_t k = field.begin[d]; k < field.begin[d + 1]; ++k)
          if (tally[field.codes[k]]++ == 0) touched.push_back(field.codes[k]);
    }
    for (uint32_t c : touched) {
      counts.emplace_back(c, tally[c]);
      tally[c] = 0;
    }
  }
  auto before = [&](const auto& a, const auto& b) {
    if (by_key_desc) return field.shown[a.first] > field.shown[b.first];
    if (a.second != b.second) return a.second > b.second;
    return field.shown[a.first] < field.shown[b.first];
  };
  const size_t keep =
      top_n > 0 ? std::min(counts.size(), static_cast<size_t>(top_n)) : counts.size();
  std::partial_sort(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(keep),
                    counts.end(), before);
  std::vector<ObservationFacetValue> out;
  out.reserve(keep);
  for (size_t k = 0; k < keep; ++k) out.push_back({field.shown[counts[k].first], counts[k].second});
  return out;
}

std::vector<ObservationIndex::Field*> ObservationIndex::Fields() {
  return {&mechanism_,  &body_,     &document_, &year_,  &theme_,
          &sdg_target_, &sdg_goal_, &affected_, &state_, &type_};
}

ObservationIndex::ObservationIndex() : text_(std::make_unique<Text>()) {}
ObservationIndex::~ObservationIndex() = default;

Result<std::unique_ptr<ObservationIndex>> ObservationIndex::Build(store::Store& store) {
  std::unique_ptr<ObservationIndex> ix(new ObservationIndex());
  Tokenizer tokenizer;
  Text& t = *ix->text_;
  std::vector<uint32_t> last;  // by term id: the last record it was seen in, + 1
  // (Sized once: growing the records and their uid map by doubling held twice their memory.)
  auto count = store.db().QueryInt("SELECT count(*) FROM uhri_record");
  if (!count.ok()) return count.status();
  ix->records_.reserve(static_cast<size_t>(*count));
  ix->by_uid_.reserve(static_cast<size_t>(*count));
  Status st = store::ScanUhriRecords(store, 0, [&](store::UhriStored&& s) {
    const auto d = static_cast<uint32_t>(ix->records_.size());
    ObservationRecord r;
    r.id = s.id;
    r.uid = s.uid;
    r.mechanism = s.mechanism;
    r.annotation_type = std::move(s.record.annotation_type);
    r.body = std::move(s.record.body);
    r.symbol = std::move(s.record.symbol);
    r.published = std::move(s.record.publication_date);
    r.year = s.year;
    for (const std::string& iso3 : s.country_iso3)
      if (!iso3.empty() && std::find(r.states.begin(), r.states.end(), iso3) == r.states.end())
        r.states.push_back(iso3);
    r.countries = std::move(s.record.countries);
    r.themes = std::move(s.record.themes);
    r.sdgs = std::move(s.record.sdgs);
    r.affected = std::move(s.record.affected_persons);
    r.text = std::move(s.record.text);
    r.upr_session = s.record.upr_session;
    r.upr_positions = std::move(s.record.upr_positions);
    r.recommending = std::move(s.record.upr_recommending_countries);
    r.recommendation_uid = std::move(s.recommendation_uid);
    r.match = std::string(store::UhriMatchCode(s.match));
    r.missing = s.missing_import_id != 0;

    ix->all_.add(d);
    if (!r.missing) ix->present_.add(d);
    ix->mechanism_.Add(std::string(MechanismCode(r.mechanism)), d);
    ix->body_.Add(r.body, d);
    ix->document_.Add(r.symbol, d);
    if (r.year) ix->year_.Add(std::to_string(r.year), d);
    for (const auto& v : r.themes) ix->theme_.Add(v, d);
    for (const auto& v : r.sdgs) {
      const std::string target = SdgTargetOf(v);
      ix->sdg_target_.Add(target, d);
      ix->sdg_goal_.Add(target.substr(0, target.find('.')), d);
    }
    for (const auto& v : r.affected) ix->affected_.Add(v, d);
    for (const auto& v : r.states) ix->state_.Add(v, d);
    ix->type_.Add(r.annotation_type, d);
    for (Field* f : ix->Fields()) f->EndRecord();
    uint32_t position = 0;
    tokenizer.Tokenize(r.text, [&](std::string_view term, size_t, size_t) {
      // (Looked up by view: most terms are known, and a string per token cost the build
      // a third of its time.)
      auto it = t.ids.find(term);
      if (it == t.ids.end()) {
        it = t.ids.emplace(std::string(term), static_cast<uint32_t>(t.postings.size())).first;
        t.postings.emplace_back();
        t.freq.emplace_back();
        t.positions.emplace_back();
        last.push_back(0);
      }
      const uint32_t id = it->second;
      if (last[id] != d + 1) {
        last[id] = d + 1;
        t.postings[id].add(d);
        t.freq[id].push_back(0);
      }
      if (position < kMaxPosition) {
        ++t.freq[id].back();
        t.positions[id].push_back(static_cast<uint16_t>(position++));
      }
      return true;
    });
    ix->by_uid_.emplace(r.uid, d);
    ix->records_.push_back(std::move(r));
  });
  if (!st.ok()) return st;
  for (Roaring& p : t.postings) p.runOptimize();
  for (auto& v : t.freq) v.shrink_to_fit();
  for (auto& v : t.positions) v.shrink_to_fit();
  t.dense.resize(t.postings.size());
  const uint32_t records = static_cast<uint32_t>(ix->records_.size());
  for (uint32_t id = 0; id < t.postings.size(); ++id) {
    if (t.freq[id].size() * 4 <= records) continue;
    std::vector<uint32_t>& begin = t.dense[id];
    begin.assign(records + 1, 0);
    size_t k = 0;
    uint32_t at = 0, next = 0;
    for (uint32_t d : t.postings[id]) {
      while (next <= d) begin[next++] = at;
      at += t.freq[id][k++];
    }
    while (next <= records) begin[next++] = at;
  }
  ix->all_.runOptimize();
  ix->present_.runOptimize();
  for (Field* f : ix->Fields())
    for (Roaring& r : f->docs) r.runOptimize();
  for (Field* f : ix->Fields()) {
    f->totals.assign(f->shown.size(), 0);
    for (uint32_t c : f->codes) ++f->totals[c];
    // A field of at most one value per record (mechanism, body, document, year, type) is also
    // kept as one code per record: counting then reads one array instead of two.
    bool single = true;
    for (size_t d = 0; d + 1 < f->begin.size() && single; ++d)
      single = f->begin[d + 1] - f->begin[d] <= 1;
    if (single) {
      f->one.assign(f->begin.size() - 1, Field::kNone);
      for (size_t d = 0; d + 1 < f->begin.size(); ++d)
        if (f->begin[d + 1] > f->begin[d]) f->one[d] = f->codes[f->begin[d]];
    }
  }
  t.sorted.reserve(t.ids.size());
  for (const auto& [term, id] : t.ids) t.sorted.push_back(term);
  std::sort(t.sorted.begin(), t.sorted.end());
  for (const std::string& term : t.sorted) t.sorted_ids.push_back(t.ids.at(term));
  // Newest first: by publication date descending, then uid.
  std::vector<uint32_t> order(ix->records_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const auto& ra = ix->records_[a];
    const auto& rb = ix->records_[b];
    if (ra.published != rb.published) return ra.published > rb.published;
    return ra.uid < rb.uid;
  });
  ix->newest_rank_.resize(order.size());
  for (uint32_t k = 0; k < order.size(); ++k) ix->newest_rank_[order[k]] = k;
  ix->newest_ = std::move(order);
  return ix;
}

std::optional<uint32_t> ObservationIndex::Find(std::string_view uid) const {
  auto it = by_uid_.find(std::string(uid));
  if (it == by_uid_.end()) return std::nullopt;
  return it->second;
}

Result<Roaring> ObservationIndex::Match(std::string_view query) const {
  auto parsed = search::ParseQuery(query);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->root) return all_;
  const Text& t = *text_;
  Tokenizer tokenizer;
  // Each word becomes the term ids it matches, in order (a word the tokenizer splits, such as
  // "ill-treatment", is a phrase of its terms).
  std::function<Compiled(const search::QueryNode&)> compile =
      [&](const search::QueryNode& n) -> Compiled {
    Compiled c{n.kind, {}, {}};
    for (const std::string& word : n.words) {
      if (n.prefix) {
        const std::string p(tokenizer.Normalize(word, false));
        std::vector<uint32_t> ids;
        for (auto it = std::lower_bound(t.sorted.begin(), t.sorted.end(), p);
             it != t.sorted.end() && it->starts_with(p); ++it)
          ids.push_back(t.sorted_ids[it - t.sorted.begin()]);
        c.words.push_back(std::move(ids));
        continue;
      }
      tokenizer.Tokenize(word, [&](std::string_view term, size_t, size_t) {
        std::vector<uint32_t> ids;
        if (auto it = t.ids.find(std::string(term)); it != t.ids.end()) ids.push_back(it->second);
        c.words.push_back(std::move(ids));
        return true;
      });
    }
    if (n.kind == search::QueryNode::Kind::kTerm && c.words.size() > 1)
      c.kind = search::QueryNode::Kind::kPhrase;
    for (const auto& child : n.children) c.children.push_back(compile(*child));
    return c;
  };
  const Compiled root = compile(*parsed->root);
  std::function<Roaring(const Compiled&)> eval = [&](const Compiled& c) -> Roaring {
    using Kind = search::QueryNode::Kind;
    switch (c.kind) {
      case Kind::kTerm:
      case Kind::kPhrase: {
        if (c.words.empty()) return Roaring();
        std::vector<Roaring> per_word;
        for (const auto& ids : c.words) {
          Roaring u;
          for (uint32_t id : ids) u |= t.postings[id];
          per_word.push_back(std::move(u));
        }
        Roaring docs = per_word[0];
        for (size_t k = 1; k < per_word.size(); ++k) docs &= per_word[k];
        if (c.words.size() == 1) return docs;
        // The terms at consecutive positions: the (candidate, start) keys of the word with the
        // fewest positions, kept where each other word stands at its place in the phrase.
        std::vector<uint32_t> cands(docs.cardinality());
        docs.toUint32Array(cands.data());
        std::vector<size_t> order(c.words.size());
        std::vector<size_t> weight(c.words.size(), 0);
        for (size_t k = 0; k < c.words.size(); ++k) {
          order[k] = k;
          for (uint32_t id : c.words[k]) weight[k] += t.positions[id].size();
        }
        std::sort(order.begin(), order.end(),
                  [&](size_t a, size_t b) { return weight[a] < weight[b]; });
        // Keys count the start of the phrase: a word at place k stands at start + k.
        const uint32_t first = static_cast<uint32_t>(order[0]);
        std::vector<uint64_t> alive, next, both;
        for (uint32_t id : c.words[first]) t.Keys(id, cands, first, alive);
        if (c.words[first].size() > 1) std::sort(alive.begin(), alive.end());
        for (size_t o = 1; o < order.size() && !alive.empty(); ++o) {
          const size_t k = order[o];
          if (c.words[k].size() == 1) {
            t.Keep(c.words[k][0], cands, static_cast<uint32_t>(k), alive);
            continue;
          }
          // A prefix word: its terms' keys, then the keys in both (starts, with the shift).
          next.clear();
          for (uint32_t id : c.words[k]) t.Keys(id, cands, static_cast<uint32_t>(k), next);
          std::sort(next.begin(), next.end());
          both.clear();
          std::set_intersection(alive.begin(), alive.end(), next.begin(), next.end(),
                                std::back_inserter(both));
          alive.swap(both);
        }
        Roaring out;
        for (uint64_t key : alive) out.add(cands[key >> 16]);
        return out;
      }
      case Kind::kAnd: {
        Roaring out = eval(c.children[0]);
        for (size_t k = 1; k < c.children.size(); ++k) out &= eval(c.children[k]);
        return out;
      }
      case Kind::kOr: {
        Roaring out;
        for (const auto& child : c.children) out |= eval(child);
        return out;
      }
      case Kind::kNot:
        return all_ - eval(c.children[0]);
    }
    return Roaring();
  };
  return eval(root);
}

struct ObservationIndex::Parts {
  Roaring base;  // the records shown at all (missing ones or not), and the words' matches
  std::vector<std::pair<std::string_view, Roaring>> filters;  // facet field -> its records
  // The selection without the filter of field ("": with every filter).
  Roaring Without(std::string_view field) const {
    Roaring out = base;
    for (const auto& [name, docs] : filters)
      if (name != field) out &= docs;
    return out;
  }
  bool Filters(std::string_view field) const {
    for (const auto& f : filters)
      if (f.first == field) return true;
    return false;
  }
};

Result<ObservationIndex::Parts> ObservationIndex::Select(const ObservationFilter& f) const {
  Parts p;
  p.base = f.include_missing ? all_ : present_;
  if (!f.query.empty()) {
    auto m = Match(f.query);
    if (!m.ok()) return m.status();
    p.base &= *m;
  }
  if (!f.states.empty()) p.filters.emplace_back("state", state_.Union(f.states));
  if (!f.mechanisms.empty()) {
    std::vector<std::string> codes;
    for (Mechanism m : f.mechanisms) codes.emplace_back(MechanismCode(m));
    p.filters.emplace_back("mechanism", mechanism_.Union(codes));
  }
  if (!f.bodies.empty()) p.filters.emplace_back("body", body_.Union(f.bodies));
  if (!f.documents.empty()) p.filters.emplace_back("document", document_.Union(f.documents));
  if (f.year_from || f.year_to) {
    Roaring u;
    for (size_t c = 0; c < year_.shown.size(); ++c) {
      const int y = std::stoi(year_.shown[c]);
      if ((!f.year_from || y >= f.year_from) && (!f.year_to || y <= f.year_to)) u |= year_.docs[c];
    }
    p.filters.emplace_back("year", std::move(u));
  }
  if (!f.themes.empty()) {
    // A UPR Info theme stands for the UHRI themes that list it (core/theme_crosswalk.h).
    std::vector<std::string> themes = f.themes;
    for (const std::string& t : f.themes)
      for (std::string_view u : UhriThemesOf(t)) themes.emplace_back(u);
    p.filters.emplace_back("theme", theme_.Union(themes));
  }
  if (!f.sdgs.empty()) {
    Roaring u;
    for (const std::string& s : f.sdgs)
      u |= (s.find('.') == std::string::npos ? sdg_goal_ : sdg_target_).Union({s});
    p.filters.emplace_back("sdg", std::move(u));
  }
  if (!f.affected.empty()) p.filters.emplace_back("affected", affected_.Union(f.affected));
  if (!f.types.empty()) p.filters.emplace_back("type", type_.Union(f.types));
  return p;
}

Result<ObservationSearch> ObservationIndex::Search(const ObservationFilter& f, int64_t offset,
                                                   int64_t limit,
                                                   const std::vector<std::string>& facets,
                                                   int64_t top_n) const {
  const std::pair<const char*, const Field*> fields[] = {
      {"mechanism", &mechanism_}, {"body", &body_},   {"document", &document_},
      {"year", &year_},           {"theme", &theme_}, {"sdg", &sdg_target_},
      {"affected", &affected_},   {"state", &state_}, {"type", &type_}};
  std::vector<const Field*> wanted;
  for (const std::string& field : facets) {
    const Field* found = nullptr;
    for (const auto& [name, values] : fields)
      if (field == name) found = values;
    if (!found)
      return Status::InvalidArgument("facet '" + field +
                                     "': expected one of mechanism, body, "
                                     "document, year, theme, sdg, affected, state, type");
    wanted.push_back(found);
  }
  auto parts = Select(f);
  if (!parts.ok()) return parts.status();
  const Roaring sel = parts->Without("");
  ObservationSearch out;
  out.total = static_cast<int64_t>(sel.cardinality());
  // The page: the selection's records by their place newest first. A large selection is read
  // off the whole index's order; a small one is sorted.
  const size_t from = static_cast<size_t>(std::max<int64_t>(0, offset));
  const size_t want = from + static_cast<size_t>(std::max<int64_t>(0, limit));
  if (sel.cardinality() * 8 > records_.size()) {
    for (size_t k = 0, seen = 0; k < newest_.size() && seen < want; ++k) {
      if (!sel.contains(newest_[k])) continue;
      if (seen++ >= from) out.hits.push_back(newest_[k]);
    }
  } else {
    std::vector<uint32_t> docs(sel.cardinality());
    sel.toUint32Array(docs.data());
    const size_t to = std::min(docs.size(), want);
    auto newer = [&](uint32_t a, uint32_t b) { return newest_rank_[a] < newest_rank_[b]; };
    std::partial_sort(docs.begin(), docs.begin() + static_cast<std::ptrdiff_t>(to), docs.end(),
                      newer);
    if (from < to)
      out.hits.assign(docs.begin() + static_cast<std::ptrdiff_t>(from),
                      docs.begin() + static_cast<std::ptrdiff_t>(to));
  }

  // Each facet over the selection without its own field's filter (the selection itself when
  // that field has none).
  // (The selection's records are listed once for the facets that count record by record.)
  std::vector<uint32_t> sel_list;
  bool sel_listed = false;
  for (size_t i = 0; i < facets.size(); ++i) {
    const std::string& field = facets[i];
    if (parts->Filters(field)) {
      out.facets.push_back(
          {field, Count(*wanted[i], parts->Without(field), nullptr, field == "year", top_n)});
      continue;
    }
    if (!sel_listed && sel.cardinality() * 2 <= all_.cardinality()) {
      sel_list.resize(sel.cardinality());
      sel.toUint32Array(sel_list.data());
      sel_listed = true;
    }
    out.facets.push_back(
        {field, Count(*wanted[i], sel, sel_listed ? &sel_list : nullptr, field == "year", top_n)});
  }
  return out;
}

size_t ObservationIndex::MemoryBytes() const {
  size_t n = 0;
  for (const auto& v : text_->freq) n += v.capacity() * 2;
  for (const auto& v : text_->positions) n += v.capacity() * 2;
  for (const auto& v : text_->dense) n += v.capacity() * 4;
  for (const Roaring& p : text_->postings) n += p.getSizeInBytes();
  for (const auto& r : records_) n += r.text.capacity() + sizeof(r);
  return n;
}

}  // namespace openupr::engine

#include "engine/observations.h"

#include <algorithm>
#include <cctype>
#include <functional>

#include "core/text.h"
#include "core/theme_crosswalk.h"
#include "search/query.h"
#include "store/uhri.h"

namespace openupr::engine {

// The word index: term dictionary, a bitmap of records per term, and each record's term ids in
// order as LEB128 varints (for phrases).
namespace {
// Hash of strings that also takes views (heterogeneous lookup: no string made to look one up).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
}  // namespace

struct ObservationIndex::Text {
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> ids;
  std::vector<std::string> sorted;     // every term, sorted (prefix lookups)
  std::vector<uint32_t> sorted_ids;    // parallel to sorted
  std::vector<Roaring> postings;       // by term id
  std::vector<uint64_t> token_begin;   // by record, size()+1
  std::vector<uint8_t> tokens;

  // Record d's term ids, into out (cleared; reused by the caller).
  void Tokens(uint32_t d, std::vector<uint32_t>& out) const {
    out.clear();
    for (uint64_t i = token_begin[d]; i < token_begin[d + 1];) {
      uint32_t v = 0;
      int shift = 0;
      while (true) {
        const uint8_t b = tokens[i++];
        v |= static_cast<uint32_t>(b & 0x7F) << shift;
        if (!(b & 0x80)) break;
        shift += 7;
      }
      out.push_back(v);
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

std::vector<ObservationFacetValue> ObservationIndex::Count(const Field& field,
                                                           const Roaring& base) const {
  std::vector<int64_t> counts;
  auto tally = [&](const Roaring& docs, int64_t sign) {
    for (uint32_t d : docs)
      for (uint32_t k = field.begin[d]; k < field.begin[d + 1]; ++k) counts[field.codes[k]] += sign;
  };
  if (base.cardinality() * 2 > all_.cardinality()) {
    counts = field.totals;
    tally(all_ - base, -1);
  } else {
    counts.assign(field.shown.size(), 0);
    tally(base, 1);
  }
  std::vector<ObservationFacetValue> out;
  for (size_t c = 0; c < counts.size(); ++c)
    if (counts[c] > 0) out.push_back({field.shown[c], counts[c]});
  return out;
}

std::vector<ObservationIndex::Field*> ObservationIndex::Fields() {
  return {&mechanism_, &body_,     &document_, &year_,  &theme_,
          &sdg_target_, &sdg_goal_, &affected_, &state_, &type_};
}

ObservationIndex::ObservationIndex() : text_(std::make_unique<Text>()) {}
ObservationIndex::~ObservationIndex() = default;

Result<std::unique_ptr<ObservationIndex>> ObservationIndex::Build(store::Store& store) {
  std::unique_ptr<ObservationIndex> ix(new ObservationIndex());
  Tokenizer tokenizer;
  Text& t = *ix->text_;
  t.token_begin.push_back(0);
  auto put_varint = [&t](uint32_t v) {
    while (v >= 0x80) {
      t.tokens.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    t.tokens.push_back(static_cast<uint8_t>(v));
  };
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
    tokenizer.Tokenize(r.text, [&](std::string_view term, size_t, size_t) {
      // (Looked up by view: most terms are known, and a string per token cost the build
      // a third of its time.)
      auto it = t.ids.find(term);
      if (it == t.ids.end()) {
        it = t.ids.emplace(std::string(term), static_cast<uint32_t>(t.postings.size())).first;
        t.postings.emplace_back();
      }
      t.postings[it->second].add(d);
      put_varint(it->second);
      return true;
    });
    t.token_begin.push_back(t.tokens.size());
    ix->by_uid_.emplace(r.uid, d);
    ix->records_.push_back(std::move(r));
  });
  if (!st.ok()) return st;
  for (Roaring& p : t.postings) p.runOptimize();
  for (Field* f : ix->Fields()) {
    f->totals.assign(f->shown.size(), 0);
    for (uint32_t c : f->codes) ++f->totals[c];
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
        Roaring out;  // the terms at consecutive positions
        std::vector<uint32_t> toks;
        for (uint32_t d : docs) {
          t.Tokens(d, toks);
          for (size_t i = 0; i + c.words.size() <= toks.size(); ++i) {
            size_t k = 0;
            while (k < c.words.size() &&
                   std::find(c.words[k].begin(), c.words[k].end(), toks[i + k]) !=
                       c.words[k].end())
              ++k;
            if (k == c.words.size()) {
              out.add(d);
              break;
            }
          }
        }
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

Result<Roaring> ObservationIndex::Select(const ObservationFilter& f,
                                         std::string_view without) const {
  Roaring sel = f.include_missing ? all_ : present_;
  if (!f.query.empty()) {
    auto m = Match(f.query);
    if (!m.ok()) return m.status();
    sel &= *m;
  }
  if (!f.states.empty() && without != "state") sel &= state_.Union(f.states);
  if (!f.mechanisms.empty() && without != "mechanism") {
    std::vector<std::string> codes;
    for (Mechanism m : f.mechanisms) codes.emplace_back(MechanismCode(m));
    sel &= mechanism_.Union(codes);
  }
  if (!f.bodies.empty() && without != "body") sel &= body_.Union(f.bodies);
  if (!f.documents.empty() && without != "document") sel &= document_.Union(f.documents);
  if ((f.year_from || f.year_to) && without != "year") {
    Roaring u;
    for (size_t c = 0; c < year_.shown.size(); ++c) {
      const int y = std::stoi(year_.shown[c]);
      if ((!f.year_from || y >= f.year_from) && (!f.year_to || y <= f.year_to))
        u |= year_.docs[c];
    }
    sel &= u;
  }
  if (!f.themes.empty() && without != "theme") {
    // A UPR Info theme stands for the UHRI themes that list it (core/theme_crosswalk.h).
    std::vector<std::string> themes = f.themes;
    for (const std::string& t : f.themes)
      for (std::string_view u : UhriThemesOf(t)) themes.emplace_back(u);
    sel &= theme_.Union(themes);
  }
  if (!f.sdgs.empty() && without != "sdg") {
    Roaring u;
    for (const std::string& s : f.sdgs)
      u |= (s.find('.') == std::string::npos ? sdg_goal_ : sdg_target_).Union({s});
    sel &= u;
  }
  if (!f.affected.empty() && without != "affected") sel &= affected_.Union(f.affected);
  if (!f.types.empty() && without != "type") sel &= type_.Union(f.types);
  return sel;
}

Result<ObservationSearch> ObservationIndex::Search(const ObservationFilter& f, int64_t offset,
                                                   int64_t limit,
                                                   const std::vector<std::string>& facets,
                                                   int64_t top_n) const {
  for (const std::string& field : facets)
    if (std::find_if(std::begin(kObservationFacets), std::end(kObservationFacets),
                     [&](const char* k) { return field == k; }) == std::end(kObservationFacets))
      return Status::InvalidArgument("facet '" + field + "': expected one of mechanism, body, "
                                     "document, year, theme, sdg, affected, state, type");
  auto sel = Select(f, "");
  if (!sel.ok()) return sel.status();
  ObservationSearch out;
  out.total = static_cast<int64_t>(sel->cardinality());
  // The page: the selection's records by their place newest first. A large selection is read
  // off the whole index's order; a small one is sorted.
  const size_t from = static_cast<size_t>(std::max<int64_t>(0, offset));
  const size_t want = from + static_cast<size_t>(std::max<int64_t>(0, limit));
  if (sel->cardinality() * 8 > records_.size()) {
    for (size_t k = 0, seen = 0; k < newest_.size() && seen < want; ++k) {
      if (!sel->contains(newest_[k])) continue;
      if (seen++ >= from) out.hits.push_back(newest_[k]);
    }
  } else {
    std::vector<uint32_t> docs(sel->cardinality());
    sel->toUint32Array(docs.data());
    const size_t to = std::min(docs.size(), want);
    auto newer = [&](uint32_t a, uint32_t b) { return newest_rank_[a] < newest_rank_[b]; };
    std::partial_sort(docs.begin(), docs.begin() + static_cast<std::ptrdiff_t>(to), docs.end(),
                      newer);
    if (from < to)
      out.hits.assign(docs.begin() + static_cast<std::ptrdiff_t>(from),
                      docs.begin() + static_cast<std::ptrdiff_t>(to));
  }

  for (const std::string& field : facets) {
    auto base = Select(f, field);
    if (!base.ok()) return base.status();
    const std::pair<const char*, const Field*> fields[] = {
        {"mechanism", &mechanism_}, {"body", &body_},         {"document", &document_},
        {"year", &year_},           {"theme", &theme_},       {"sdg", &sdg_target_},
        {"affected", &affected_},   {"state", &state_},       {"type", &type_}};
    ObservationFacet fc{field, {}};
    for (const auto& [name, values] : fields)
      if (field == name) fc.values = Count(*values, *base);
    std::sort(fc.values.begin(), fc.values.end(), [&](const auto& a, const auto& b) {
      if (field == "year") return a.key > b.key;  // years: newest first
      if (a.count != b.count) return a.count > b.count;
      return a.key < b.key;
    });
    if (top_n > 0 && static_cast<int64_t>(fc.values.size()) > top_n) fc.values.resize(top_n);
    out.facets.push_back(std::move(fc));
  }
  return out;
}

size_t ObservationIndex::MemoryBytes() const {
  size_t n = text_->tokens.capacity() + text_->token_begin.capacity() * 8;
  for (const Roaring& p : text_->postings) n += p.getSizeInBytes();
  for (const auto& r : records_) n += r.text.capacity() + sizeof(r);
  return n;
}

}  // namespace openupr::engine

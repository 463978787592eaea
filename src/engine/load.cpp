// Loading records into the columns and bitmaps of an index: the first build and every refresh
// append the same way.
#include <algorithm>
#include <unordered_map>

#include "core/states.h"
#include "core/text.h"
#include "engine/data.h"
#include "store/scan.h"

namespace openupr::engine::internal {
namespace {

// Heterogeneous lookup: find a std::string key by string_view without building a string.
struct Hash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using Lookup = std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>>;

// Assigns codes to the values of a dictionary, adding new ones at the end.
class Dictionary {
 public:
  Dictionary(std::vector<std::string>& values, const char* what) : values_(values), what_(what) {
    for (uint32_t i = 0; i < values_.size(); ++i) lookup_.emplace(values_[i], i);
  }
  Result<uint16_t> Code(std::string_view value) {
    auto it = lookup_.find(value);
    if (it != lookup_.end()) return static_cast<uint16_t>(it->second);
    if (values_.size() >= kUnknownState)
      return Status::BadInput(std::string("more distinct ") + what_ +
                              " than the in-memory index holds (65,535)");
    values_.emplace_back(value);
    lookup_.emplace(std::string(value), static_cast<uint32_t>(values_.size() - 1));
    return static_cast<uint16_t>(values_.size() - 1);
  }

 private:
  std::vector<std::string>& values_;
  const char* what_;
  Lookup lookup_;
};

// The bitmap of code in bitmaps, which grows to hold it.
Roaring& At(std::vector<Roaring>& bitmaps, size_t code) {
  if (bitmaps.size() <= code) bitmaps.resize(code + 1);
  return bitmaps[code];
}

void PutVarint(std::vector<uint8_t>& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

uint8_t ResponseNumber(std::string_view r) {
  if (r == "supported") return 0;
  if (r == "noted") return 1;
  return 2;
}

void Optimize(std::vector<Roaring>& bitmaps) {
  for (Roaring& r : bitmaps) {
    r.runOptimize();
    r.shrinkToFit();
  }
}

size_t Capacity(const std::string& s) { return s.capacity(); }
template <typename T>
size_t Capacity(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}
size_t Capacity(const std::vector<std::string>& v) {
  size_t n = v.capacity() * sizeof(std::string);
  for (const std::string& s : v)
    if (s.capacity() > 15) n += s.capacity() + 1;  // beyond the short-string buffer
  return n;
}
size_t Capacity(const std::vector<Roaring>& v) {
  size_t n = v.capacity() * sizeof(Roaring);
  for (const Roaring& r : v) n += BitmapBytes(r);
  return n;
}

// The place of each state and theme code in the order of their keys' bytes (ComputeStats sorts
// ties by key): ISO3 codes, "unknown" for the unknown recommending state, theme names.
void RankKeys(Data& data) {
  auto ranks = [](const std::vector<std::string>& keys) {
    std::vector<uint32_t> order(keys.size()), rank(keys.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
    for (uint32_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
    return rank;
  };
  data.sur_rank = ranks(data.states);
  std::vector<std::string> from = data.states;
  from.emplace_back("unknown");
  data.from_rank = ranks(from);
  data.theme_rank = ranks(data.theme_names);
  // SQLite's NOCASE: ASCII letters folded, then bytes compared.
  std::vector<std::string> folded = data.theme_names;
  for (std::string& name : folded)
    for (char& c : name)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  data.theme_nocase_rank = ranks(folded);
}

}  // namespace

size_t BitmapBytes(const Roaring& r) {
  roaring_statistics_t st;
  roaring_bitmap_statistics(&r.roaring, &st);
  // Containers plus the per-container key, pointer and type arrays of the roaring array.
  return st.n_bytes_array_containers + st.n_bytes_run_containers + st.n_bytes_bitset_containers +
         static_cast<size_t>(r.roaring.high_low_container.allocation_size) *
             (sizeof(uint16_t) + sizeof(void*) + sizeof(uint8_t));
}

Status Load(store::Store& store, Data& data) {
  // The stamp and the records are read in one snapshot. Records are only appended, but
  // predicted labels are replaced as a whole (`openupr classify apply`): when they changed, the
  // records held carry stale ones, and the index is built again from the start.
  store::ReadSnapshot read(store.db());
  OPENUPR_RETURN_IF_ERROR(read.Begin());
  auto stamp = store::PredictedLabelsStamp(store);
  if (!stamp.ok()) return stamp.status();
  if (*stamp != data.labels_stamp) {
    if (!data.ids.empty()) data = Data();
    data.labels_stamp = *stamp;
  }
  if (data.states.empty()) {
    // Codes of the reference states first, so that they are the same in every index.
    for (const StateInfo& s : AllStates()) {
      data.states.emplace_back(s.iso3);
      data.state_region.push_back(static_cast<uint8_t>(s.region));
    }
    data.by_sur.resize(data.states.size());
    data.by_from.resize(data.states.size());
    data.by_response.resize(3);
    data.by_action.resize(6);
    data.by_sdg.resize(18);
    data.by_sur_region.resize(kRegionSlots);
    data.by_from_region.resize(kRegionSlots);
    data.from_begin = data.theme_begin = data.text_begin = data.token_begin = {0};
    data.uid_begin = {0};
    data.shown_from_begin = {0};
  }
  // Themes carry kThemePadding entries past the last record's (aggregate.cpp reads two themes
  // of each record without a branch); new records go before them.
  data.themes.resize(data.theme_begin.back());
  Dictionary states(data.states, "states");
  Dictionary themes(data.theme_names, "themes");
  Dictionary orgs(data.orgs, "organisations");
  Dictionary raw_names(data.raw_names, "source names of states");
  // A state missing from the reference table (the store's table is written from it, so only
  // an older or newer database has one) has no region.
  auto state_code = [&](std::string_view iso3) -> Result<uint16_t> {
    auto c = states.Code(iso3);
    if (c.ok() && *c >= data.state_region.size()) data.state_region.push_back(kNoRegion);
    return c;
  };

  // Terms: existing ones keep their ids; new ones get provisional ids from term_count() on,
  // renumbered by frequency once every record is read.
  const uint32_t old_terms = data.term_count();
  Lookup terms;
  terms.reserve(old_terms + 1024);
  for (uint32_t t = 0; t < old_terms; ++t) terms.emplace(std::string(data.Term(t)), t);
  std::vector<std::string_view> new_terms;  // by provisional id - old_terms (keys of terms)
  std::vector<uint64_t> new_term_counts;
  std::vector<uint32_t> doc_terms;  // the new records' tokens, provisional ids
  std::vector<uint32_t> doc_term_begin = {0};
  const uint32_t first_new = data.size();

  std::unordered_map<uint32_t, uint32_t> period_of;  // session << 8 | cycle -> period
  for (uint32_t i = 0; i < data.periods.size(); ++i)
    period_of.emplace(uint32_t{data.periods[i].first} << 8 | data.periods[i].second, i);
  Lookup set_of;  // the bytes of a sorted theme list -> its set code
  auto set_key = [](const uint16_t* begin, const uint16_t* end) {
    return std::string(reinterpret_cast<const char*>(begin),
                       reinterpret_cast<const char*>(end));
  };
  for (uint32_t i = 0; i + 1 < data.set_begin.size(); ++i)
    set_of.emplace(set_key(data.set_themes.data() + data.set_begin[i],
                           data.set_themes.data() + data.set_begin[i + 1]),
                   i);

  Tokenizer tokenizer(/*stem=*/true);
  std::vector<uint16_t> codes;  // one record's states or themes
  Status st = store::ScanRecommendations(
      store, data.ids.empty() ? 0 : data.ids.back(),
      [&](const store::ScannedRecommendation& r) -> Status {
        if (data.ids.size() >= UINT32_MAX - 1 || data.text.size() + r.text.size() >= UINT32_MAX)
          return Status::BadInput("more records or text than the in-memory index holds");
        if (r.session < 0 || r.session > 255 || r.cycle < 0 || r.cycle > 255 || r.action < 0 ||
            r.action > 5)
          return Status::BadInput("recommendation " + std::to_string(r.id) +
                                  ": session, cycle or action out of range");
        const uint32_t d = data.size();
        data.ids.push_back(r.id);
        auto sur = state_code(r.sur);
        if (!sur.ok()) return sur.status();
        data.sur.push_back(*sur);
        At(data.by_sur, *sur).add(d);
        data.by_sur_region[data.state_region[*sur]].add(d);
        data.session.push_back(static_cast<uint8_t>(r.session));
        At(data.by_session, r.session).add(d);
        data.cycle.push_back(static_cast<uint8_t>(r.cycle));
        At(data.by_cycle, r.cycle).add(d);
        data.response.push_back(ResponseNumber(r.response));
        data.by_response[data.response.back()].add(d);
        data.action.push_back(static_cast<uint8_t>(r.action));
        data.by_action[r.action].add(d);
        if (r.action_predicted) data.action_predicted.add(d);
        if (r.themes_predicted) data.themes_predicted.add(d);
        // Distinct codes, ascending; an unknown state (or none at all) is kUnknownState.
        codes.clear();
        for (size_t i = 0; i < r.from.size(); ++i) {
          uint16_t code = kUnknownState;
          if (!r.from[i].empty()) {
            auto c = state_code(r.from[i]);
            if (!c.ok()) return c.status();
            code = *c;
          }
          codes.push_back(code);
          auto raw = raw_names.Code(i < r.from_raw.size() ? r.from_raw[i] : std::string_view());
          if (!raw.ok()) return raw.status();
          data.shown_from.push_back(code);
          data.shown_from_raw.push_back(*raw);
        }
        data.shown_from_begin.push_back(static_cast<uint32_t>(data.shown_from.size()));
        if (codes.empty()) codes.push_back(kUnknownState);
        std::sort(codes.begin(), codes.end());
        codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
        uint8_t regions = 0;
        for (uint16_t code : codes) {
          data.from.push_back(code);
          if (code == kUnknownState) {
            regions |= 1u << kNoRegion;
            data.from_unknown.add(d);
            continue;
          }
          At(data.by_from, code).add(d);
          data.by_from_region[data.state_region[code]].add(d);
          regions |= static_cast<uint8_t>(1u << data.state_region[code]);
        }
        data.from_regions.push_back(regions);
        data.from_begin.push_back(static_cast<uint32_t>(data.from.size()));
        codes.clear();
        for (std::string_view t : r.themes) {
          auto c = themes.Code(t);
          if (!c.ok()) return c.status();
          codes.push_back(*c);
        }
        std::sort(codes.begin(), codes.end());
        codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
        for (uint16_t code : codes) {
          data.themes.push_back(code);
          At(data.by_theme, code).add(d);
        }
        data.theme_begin.push_back(static_cast<uint32_t>(data.themes.size()));
        const std::string key = set_key(codes.data(), codes.data() + codes.size());
        auto set = set_of.find(key);
        if (set == set_of.end()) {
          const uint32_t code = static_cast<uint32_t>(data.set_begin.size() - 1);
          if (code > UINT16_MAX) data.sets_ok = false;
          set = set_of.emplace(key, code).first;
          data.set_themes.insert(data.set_themes.end(), codes.begin(), codes.end());
          data.set_begin.push_back(static_cast<uint32_t>(data.set_themes.size()));
        }
        data.theme_set.push_back(static_cast<uint16_t>(set->second));
        const uint32_t session_cycle = static_cast<uint32_t>(r.session) << 8 |
                                       static_cast<uint32_t>(r.cycle);
        auto period = period_of.find(session_cycle);
        if (period == period_of.end()) {
          period = period_of.emplace(session_cycle, data.periods.size()).first;
          data.periods.emplace_back(static_cast<uint8_t>(r.session),
                                    static_cast<uint8_t>(r.cycle));
          if (data.periods.size() > kMaxPeriods) data.combo_ok = false;
        }
        data.combo.push_back(static_cast<uint16_t>(
            data.combo_ok ? period->second * kComboPeriod +
                                data.state_region[*sur] * 18u + data.action.back() * 3u +
                                data.response.back()
                          : 0));
        for (auto [list, bitmaps] :
             {std::pair{r.sur_orgs, &data.by_sur_org}, std::pair{r.from_orgs, &data.by_from_org}}) {
          size_t start = 0;
          while (start <= list.size()) {
            size_t comma = std::min(list.find(',', start), list.size());
            const std::string key = OrgKey(list.substr(start, comma - start));
            start = comma + 1;
            if (key.empty()) continue;
            auto c = orgs.Code(key);
            if (!c.ok()) return c.status();
            At(*bitmaps, *c).add(d);
          }
        }
        for (int g : r.sdg_goals)
          if (g >= 1 && g <= 17) data.by_sdg[g].add(d);
        data.text.append(r.text);
        data.text_begin.push_back(static_cast<uint32_t>(data.text.size()));
        data.uids.append(r.uid);
        data.uid_begin.push_back(static_cast<uint32_t>(data.uids.size()));
        tokenizer.Tokenize(r.text, [&](std::string_view term, size_t, size_t) {
          auto it = terms.find(term);
          if (it == terms.end()) {
            it = terms.emplace(std::string(term), old_terms + new_terms.size()).first;
            new_terms.push_back(it->first);
            new_term_counts.push_back(0);
          }
          if (it->second >= old_terms) ++new_term_counts[it->second - old_terms];
          doc_terms.push_back(it->second);
          return true;
        });
        doc_term_begin.push_back(static_cast<uint32_t>(doc_terms.size()));
        return Status::Ok();
      });
  data.themes.resize(data.theme_begin.back() + kThemePadding, 0);
  if (!st.ok()) return st;
  // Every code has a bitmap on both sides, if only an empty one.
  data.by_sur.resize(data.states.size());
  data.by_from.resize(data.states.size());
  data.by_theme.resize(data.theme_names.size());
  data.by_sur_org.resize(data.orgs.size());
  data.by_from_org.resize(data.orgs.size());

  // Number the new terms by frequency (then bytes, for a deterministic numbering).
  std::vector<uint32_t> rank(new_terms.size());
  for (uint32_t i = 0; i < rank.size(); ++i) rank[i] = i;
  std::sort(rank.begin(), rank.end(), [&](uint32_t a, uint32_t b) {
    if (new_term_counts[a] != new_term_counts[b]) return new_term_counts[a] > new_term_counts[b];
    return new_terms[a] < new_terms[b];
  });
  std::vector<uint32_t> final_id(new_terms.size());
  for (uint32_t i = 0; i < rank.size(); ++i) {
    final_id[rank[i]] = old_terms + i;
    data.term_chars.append(new_terms[rank[i]]);
    data.term_begin.push_back(static_cast<uint32_t>(data.term_chars.size()));
  }
  data.term_order.resize(data.term_count());
  for (uint32_t t = 0; t < data.term_count(); ++t) data.term_order[t] = t;
  std::sort(data.term_order.begin(), data.term_order.end(),
            [&](uint32_t a, uint32_t b) { return data.Term(a) < data.Term(b); });

  // Token sequences, lengths, postings and term frequencies of the new records. Records come
  // in ascending order, so each posting's frequencies append in its bitmap's order.
  data.postings.resize(data.term_count());
  data.term_freq.resize(data.term_count());
  data.term_pos.resize(data.term_count());
  std::vector<uint32_t> last_doc(data.term_count(), UINT32_MAX);
  for (uint32_t i = 0; i + 1 < doc_term_begin.size(); ++i) {
    const uint32_t d = first_new + i;
    for (uint32_t k = doc_term_begin[i]; k < doc_term_begin[i + 1]; ++k) {
      const uint32_t t =
          doc_terms[k] >= old_terms ? final_id[doc_terms[k] - old_terms] : doc_terms[k];
      PutVarint(data.tokens, t);
      const uint8_t pos = static_cast<uint8_t>(std::min<uint32_t>(k - doc_term_begin[i], 255));
      if (last_doc[t] != d) {
        last_doc[t] = d;
        data.postings[t].add(d);
        data.term_freq[t].push_back(1);
        data.term_pos[t].push_back(pos);
      } else if (data.term_freq[t].back() < 255) {
        ++data.term_freq[t].back();
        data.term_pos[t].push_back(pos);
      }
    }
    const uint32_t len = doc_term_begin[i + 1] - doc_term_begin[i];
    data.doc_len.push_back(static_cast<uint16_t>(std::min<uint32_t>(len, kLongDoc)));
    if (data.tokens.size() >= UINT32_MAX)
      return Status::BadInput("more text than the in-memory index holds");
    data.token_begin.push_back(static_cast<uint32_t>(data.tokens.size()));
  }
  data.total_tokens += doc_terms.size();

  // Growth by doubling leaves up to half of each buffer unused; give it back.
  data.text.shrink_to_fit();
  data.uids.shrink_to_fit();
  data.term_chars.shrink_to_fit();
  for (auto* v : {&data.text_begin, &data.uid_begin, &data.token_begin, &data.term_begin, &data.term_order,
                  &data.from_begin, &data.theme_begin})
    v->shrink_to_fit();
  for (auto* v : {&data.sur, &data.from, &data.themes, &data.doc_len, &data.combo,
                  &data.theme_set, &data.set_themes, &data.shown_from, &data.shown_from_raw})
    v->shrink_to_fit();
  data.shown_from_begin.shrink_to_fit();
  for (auto* v : {&data.session, &data.cycle, &data.response, &data.action, &data.tokens,
                  &data.from_regions})
    v->shrink_to_fit();
  for (auto& f : data.term_freq) f.shrink_to_fit();
  for (auto& f : data.term_pos) f.shrink_to_fit();
  data.ids.shrink_to_fit();
  for (auto* v : {&data.postings, &data.by_sur, &data.by_from, &data.by_session, &data.by_cycle,
                  &data.by_response, &data.by_action, &data.by_theme, &data.by_sur_org,
                  &data.by_from_org, &data.by_sdg, &data.by_sur_region, &data.by_from_region})
    Optimize(*v);
  for (Roaring* r : {&data.from_unknown, &data.action_predicted, &data.themes_predicted}) {
    r->runOptimize();
    r->shrinkToFit();
  }
  RankKeys(data);
  return Status::Ok();
}

MemoryUsage ComputeMemory(const Data& d) {
  MemoryUsage m;
  m.text = Capacity(d.text) + Capacity(d.text_begin) + Capacity(d.uids) + Capacity(d.uid_begin);
  m.tokens = Capacity(d.tokens) + Capacity(d.token_begin) + Capacity(d.term_chars) +
             Capacity(d.term_begin) + Capacity(d.term_order);
  m.postings = Capacity(d.postings);
  m.tokens += Capacity(d.doc_len);
  m.postings += d.term_freq.capacity() * sizeof(std::vector<uint8_t>);
  for (const auto& f : d.term_freq) m.postings += Capacity(f);
  m.tokens += d.term_pos.capacity() * sizeof(std::vector<uint8_t>);
  for (const auto& f : d.term_pos) m.tokens += Capacity(f);
  m.columns = Capacity(d.ids) + Capacity(d.sur) + Capacity(d.session) + Capacity(d.cycle) +
              Capacity(d.response) + Capacity(d.action) + Capacity(d.from_begin) +
              Capacity(d.from) + Capacity(d.from_regions) + Capacity(d.theme_begin) +
              Capacity(d.themes) + Capacity(d.states) + Capacity(d.state_region) +
              Capacity(d.theme_names) + Capacity(d.orgs) + Capacity(d.sur_rank) +
              Capacity(d.from_rank) + Capacity(d.theme_rank) + Capacity(d.combo) +
              Capacity(d.periods) + Capacity(d.theme_set) + Capacity(d.set_begin) +
              Capacity(d.set_themes) + Capacity(d.shown_from_begin) + Capacity(d.shown_from) +
              Capacity(d.shown_from_raw) + Capacity(d.raw_names) + Capacity(d.theme_nocase_rank);
  for (const auto* v : {&d.by_sur, &d.by_from, &d.by_session, &d.by_cycle, &d.by_response,
                        &d.by_action, &d.by_theme, &d.by_sur_org, &d.by_from_org, &d.by_sdg,
                        &d.by_sur_region, &d.by_from_region})
    m.columns += Capacity(*v);
  m.columns += BitmapBytes(d.from_unknown) + BitmapBytes(d.action_predicted) +
               BitmapBytes(d.themes_predicted);
  return m;
}

}  // namespace openupr::engine::internal

// Internal to engine/: what an Index holds, and the helpers its parts share (loading, filters,
// the text query, snippets, grouping). Not part of the engine's API.
//
// Records are numbered densely in id order ("document numbers", d = 0..size-1): every column is
// indexed by d and every bitmap holds document numbers. Loading appends; nothing else writes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <roaring/roaring.hh>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/stats.h"
#include "core/filters.h"
#include "core/status.h"
#include "engine/index.h"
#include "store/store.h"

namespace openupr::engine::internal {

inline constexpr uint16_t kUnknownState = 0xFFFF;  // a recommending state the source does not know
inline constexpr uint8_t kNoRegion = 6;            // a state missing from the reference table
inline constexpr int kRegionSlots = 7;             // Region values 0..5, then kNoRegion
inline constexpr uint16_t kLongDoc = 0xFFFF;       // doc_len of a record of 65,535+ tokens
inline constexpr size_t kThemePadding = 2;
inline constexpr uint32_t kComboPeriod = kRegionSlots * 6 * 3;  // 126 codes per period
inline constexpr uint32_t kMaxPeriods = 65536 / kComboPeriod;

struct Data {
  // --- Per-record columns. ---
  std::vector<int64_t> ids;
  std::vector<uint16_t> sur;  // state code
  std::vector<uint8_t> session;
  std::vector<uint8_t> cycle;
  std::vector<uint8_t> response;      // 0 supported, 1 noted, 2 other
  std::vector<uint8_t> action;        // 1..5, 0 unknown
  // Recommending states: the distinct state codes of each record, ascending, kUnknownState
  // (last) for an unknown one or for a record without any.
  std::vector<uint32_t> from_begin;  // size()+1 offsets into from
  std::vector<uint16_t> from;
  std::vector<uint8_t> from_regions;  // per record: bit r for each region slot of from
  // Session, cycle, region of the state under review, action and response in one code per
  // record: period * kComboPeriod + region slot * 18 + action * 3 + response, a period being a
  // distinct (session, cycle) pair (periods). Aggregations read it once instead of five columns.
  // combo_ok is false (and combo unused) when there are more than kMaxPeriods periods.
  std::vector<uint16_t> combo;
  std::vector<std::pair<uint8_t, uint8_t>> periods;
  bool combo_ok = true;
  // The set of themes of each record, as a code: set s holds set_themes[set_begin[s],
  // set_begin[s+1]). Aggregations count records per set, then per theme of each set. sets_ok is
  // false (theme_set unused) past 65,536 distinct sets.
  std::vector<uint16_t> theme_set;
  std::vector<uint32_t> set_begin = {0};
  std::vector<uint16_t> set_themes;
  bool sets_ok = true;
  // What a search result shows of the recommending states: each by position as the store
  // lists them (state code or kUnknownState) with its name in the source (a raw_names code).
  std::vector<uint32_t> shown_from_begin;  // size()+1 offsets into shown_from
  std::vector<uint16_t> shown_from;
  std::vector<uint16_t> shown_from_raw;
  std::vector<std::string> raw_names;
  std::vector<uint32_t> theme_begin;  // size()+1 offsets into themes
  std::vector<uint16_t> themes;  // the distinct theme codes of each record, ascending; then
                                 // kThemePadding zeros
  std::vector<uint32_t> text_begin;   // size()+1 offsets into text
  std::string text;
  std::vector<uint32_t> uid_begin;  // size()+1 offsets into uids
  std::string uids;                 // each record's uid (core/identity.h), one after the other
  // Token sequence of each text: term ids as LEB128 varints (ids are numbered by frequency at
  // the first build, so most take one byte).
  std::vector<uint32_t> token_begin;  // size()+1 offsets into tokens
  std::vector<uint8_t> tokens;
  uint64_t total_tokens = 0;  // over all records: BM25's average document length
  std::vector<uint16_t> doc_len;  // tokens of each record (BM25), kLongDoc: count the tokens

  // --- Dictionaries (code -> value). ---
  std::vector<std::string> states;       // ISO3; the reference table first, in its order
  std::vector<uint8_t> state_region;     // Region as a number, or kNoRegion
  std::vector<std::string> theme_names;  // as stored in theme.name
  std::vector<std::string> orgs;         // OrgKey of each organisation seen
  // Terms: the bytes of term t are term_chars[term_begin[t], term_begin[t+1]); term_order holds
  // the term ids sorted by their bytes (exact and prefix lookup).
  std::string term_chars;
  std::vector<uint32_t> term_begin = {0};
  std::vector<uint32_t> term_order;
  // Occurrences of term t in the k-th record of postings[t] (ascending record order), 255 for
  // 255 or more (count the tokens then).
  std::vector<std::vector<uint8_t>> term_freq;
  // Positions of term t in those records, term_freq[t][k] of them for the k-th record (positions
  // from 255 on are stored as 255: read the tokens then). Phrases are matched on these, in
  // posting order, instead of on each candidate's scattered tokens.
  std::vector<std::vector<uint8_t>> term_pos;

  // --- Bitmaps of document numbers. ---
  std::vector<Roaring> postings;    // by term id
  std::vector<Roaring> by_sur;      // by state code
  std::vector<Roaring> by_from;     // by state code (never kUnknownState)
  std::vector<Roaring> by_session;  // by session number
  std::vector<Roaring> by_cycle;    // by cycle number
  std::vector<Roaring> by_response;
  std::vector<Roaring> by_action;   // 0..5
  std::vector<Roaring> by_theme;    // by theme code
  std::vector<Roaring> by_sur_org;  // by org code
  std::vector<Roaring> by_from_org;
  std::vector<Roaring> by_sdg;  // by goal 0..17 (0 unused)
  std::vector<Roaring> by_sur_region;   // by region slot (kRegionSlots)
  std::vector<Roaring> by_from_region;  // by region slot of a known recommending state
  Roaring from_unknown;  // records with kUnknownState among their recommending states
  // Records counted under a predicted label (store/scan.h): their action, their themes.
  Roaring action_predicted;
  Roaring themes_predicted;
  // The predicted labels' stamp (store::PredictedLabelsStamp) the records were loaded with.
  std::string labels_stamp;

  // --- Orders of keys (ranks of codes when keys are sorted as ComputeStats sorts them). ---
  std::vector<uint32_t> sur_rank;    // by state code: ISO3 order
  std::vector<uint32_t> from_rank;   // by state code, then "unknown" at states.size()
  std::vector<uint32_t> theme_rank;  // by theme code: name order
  std::vector<uint32_t> theme_nocase_rank;  // by theme code: SQLite's NOCASE order of names

  uint32_t size() const { return static_cast<uint32_t>(ids.size()); }
  uint32_t term_count() const { return static_cast<uint32_t>(term_begin.size() - 1); }
  std::string_view Term(uint32_t t) const {
    return std::string_view(term_chars).substr(term_begin[t], term_begin[t + 1] - term_begin[t]);
  }
  std::string_view Uid(uint32_t d) const {
    return std::string_view(uids).substr(uid_begin[d], uid_begin[d + 1] - uid_begin[d]);
  }
  std::string_view Text(uint32_t d) const {
    return std::string_view(text).substr(text_begin[d], text_begin[d + 1] - text_begin[d]);
  }
};

// Every member of Data, for the snapshot file (snapshot.cpp writes and reads them in this
// order): a member added to Data is one line here (a type the snapshot does not know yet is a
// compile error there). D is Data or const Data; f(name, member) is called on each.
template <typename D, typename F>
void ForEachField(D& d, F&& f) {
  f("ids", d.ids);
  f("sur", d.sur);
  f("session", d.session);
  f("cycle", d.cycle);
  f("response", d.response);
  f("action", d.action);
  f("from_begin", d.from_begin);
  f("from", d.from);
  f("from_regions", d.from_regions);
  f("combo", d.combo);
  f("periods", d.periods);
  f("combo_ok", d.combo_ok);
  f("theme_set", d.theme_set);
  f("set_begin", d.set_begin);
  f("set_themes", d.set_themes);
  f("sets_ok", d.sets_ok);
  f("shown_from_begin", d.shown_from_begin);
  f("shown_from", d.shown_from);
  f("shown_from_raw", d.shown_from_raw);
  f("raw_names", d.raw_names);
  f("theme_begin", d.theme_begin);
  f("themes", d.themes);
  f("text_begin", d.text_begin);
  f("text", d.text);
  f("uid_begin", d.uid_begin);
  f("uids", d.uids);
  f("token_begin", d.token_begin);
  f("tokens", d.tokens);
  f("total_tokens", d.total_tokens);
  f("doc_len", d.doc_len);
  f("states", d.states);
  f("state_region", d.state_region);
  f("theme_names", d.theme_names);
  f("orgs", d.orgs);
  f("term_chars", d.term_chars);
  f("term_begin", d.term_begin);
  f("term_order", d.term_order);
  f("term_freq", d.term_freq);
  f("term_pos", d.term_pos);
  f("postings", d.postings);
  f("by_sur", d.by_sur);
  f("by_from", d.by_from);
  f("by_session", d.by_session);
  f("by_cycle", d.by_cycle);
  f("by_response", d.by_response);
  f("by_action", d.by_action);
  f("by_theme", d.by_theme);
  f("by_sur_org", d.by_sur_org);
  f("by_from_org", d.by_from_org);
  f("by_sdg", d.by_sdg);
  f("by_sur_region", d.by_sur_region);
  f("by_from_region", d.by_from_region);
  f("from_unknown", d.from_unknown);
  f("action_predicted", d.action_predicted);
  f("themes_predicted", d.themes_predicted);
  f("labels_stamp", d.labels_stamp);
  f("sur_rank", d.sur_rank);
  f("from_rank", d.from_rank);
  f("theme_rank", d.theme_rank);
  f("theme_nocase_rank", d.theme_nocase_rank);
}

// --- Loading (load.cpp). ---
// Appends the store's records with an id above the last one held.
Status Load(store::Store& store, Data& data);
// Allocated bytes of a bitmap's containers and their directory.
size_t BitmapBytes(const Roaring& r);
MemoryUsage ComputeMemory(const Data& data);

// --- Filters (filter.cpp). ---
// The records that pass the filters. With no filter at all, *all is set and the bitmap is empty
// (rather than a bitmap of every record).
Roaring FilterDocs(const Data& data, const Filters& filters, bool* all);

// A selection of records: a bitmap, and the list of its records (ascending), extracted once on
// first use and shared by the search page and the aggregations. Not thread-safe (one query).
class DocSet {
 public:
  explicit DocSet(Roaring bits) : bits_(std::move(bits)), size_(bits_.cardinality()) {}
  const Roaring& bits() const { return bits_; }
  uint64_t size() const { return size_; }
  const std::vector<uint32_t>& list() const {
    if (!listed_) {
      list_.resize(size_);
      bits_.toUint32Array(list_.data());
      listed_ = true;
    }
    return list_;
  }

 private:
  Roaring bits_;
  uint64_t size_;
  mutable std::vector<uint32_t> list_;
  mutable bool listed_ = false;
};

// --- Aggregation (aggregate.cpp, group.cpp). ---
// Whole-index tallies and plans kept by an Index (aggregate.h).
class Memo;

// Every record in docs grouped by up to three dimensions, as analytics::ComputeStats counts
// (request.query and request.filters are not looked at: docs is the selection). group_count,
// if given, receives the number of groups before request.limit. memo may be null.
analytics::StatsResult Group(const Data& data, const DocSet& docs,
                             const analytics::StatsRequest& request, Memo* memo,
                             size_t* group_count = nullptr);

// --- Dyads (dyads.cpp). ---
// Every (recommending state, state under review) pair of the records in docs, with its
// responses and action categories, ordered and cut to top_n as Index::Dyads gives them. memo
// (may be null) keeps the whole index's table for selections of more than half of it.
DyadResponse CountDyads(const Data& data, const DocSet& docs, int64_t top_n, Memo* memo);

// --- Facets (group.cpp). ---
// Counts per value of each field over the records in docs, as Index::Facets gives them.
std::vector<Facet> CountFacets(const Data& data, const DocSet& docs,
                               std::span<const analytics::Dimension> fields, int64_t top_n,
                               Memo* memo);

}  // namespace openupr::engine::internal

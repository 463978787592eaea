// OHCHR's Universal Human Rights Index in memory: every stored UHRI record (store/uhri.h) of every
// mechanism (the UPR, the treaty bodies, the special procedures) with bitmaps of records per
// state, mechanism, body, document, year, UHRI theme, SDG target and goal, affected persons, and
// per stemmed word of the text, answering "everything every mechanism said to Peru about child
// labour since 2015" with its facets without touching the database after it is built.
//
// Text queries use the language of search/query.h (words, "phrases", prefix*, AND, OR, NOT,
// parentheses) with the terms of core::Tokenizer, as the recommendations' search does; phrases
// are checked on each candidate's token sequence. Results come newest first (publication date,
// then uid). Facets are counted over the selection without their own field's filter
// (analytics::FacetScope::kDisjunctive, as the resolutions' facets are).
//
// Thread-safety: immutable once built; const methods may run concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <roaring/roaring.hh>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "core/uhri.h"
#include "store/store.h"

namespace openupr::engine {

// The facet fields, as the API and the CLI name them.
inline constexpr const char* kObservationFacets[] = {
    "mechanism", "body", "document", "year", "theme", "sdg", "affected", "state", "type"};

struct ObservationFilter {
  std::string query;                // search/query.h; empty: every record
  std::vector<std::string> states;  // ISO3
  std::vector<Mechanism> mechanisms;
  std::vector<std::string> bodies;     // as stored ("CRC", "Special Rapporteur on ..."), any case
  std::vector<std::string> documents;  // symbols ("CRC/C/PER/CO/5"), any case
  int year_from = 0;                   // 0: open
  int year_to = 0;
  std::vector<std::string> themes;    // UHRI themes, any case; a UPR Info theme stands for the
                                      // UHRI themes the crosswalk maps it to
  std::vector<std::string> sdgs;      // targets "16.2" or goals "16"
  std::vector<std::string> affected;  // affected persons, any case
  std::vector<std::string> types;     // annotation types ("Recommendations"), any case
  bool include_missing = false;       // records the newest export no longer has
};

struct ObservationFacetValue {
  std::string key;
  int64_t count = 0;
};
struct ObservationFacet {
  std::string field;
  std::vector<ObservationFacetValue> values;  // by count, descending, then key
};

struct ObservationSearch {
  int64_t total = 0;
  std::vector<uint32_t> hits;  // record numbers (ObservationIndex::record), newest first
  std::vector<ObservationFacet> facets;
};

// One record as held.
struct ObservationRecord {
  int64_t id = 0;
  std::string uid;
  Mechanism mechanism = Mechanism::kTreatyBody;
  std::string annotation_type;
  std::string body;
  std::string symbol;
  std::string published;  // YYYY-MM-DD or ""
  int year = 0;
  std::vector<std::string> states;     // ISO3 of the known states of Countries
  std::vector<std::string> countries;  // the source's names
  std::vector<std::string> themes;
  std::vector<std::string> sdgs;  // as the source writes them ("16.2 - Protect ...")
  std::vector<std::string> affected;
  std::string text;
  int upr_session = 0;
  std::vector<std::string> upr_positions;
  std::vector<std::string> recommending;  // the source's names of the recommending states
  std::string recommendation_uid;         // UPR: the recommendation it is
  std::string match;                      // store::UhriMatchCode
  bool missing = false;
};

class ObservationIndex {
 public:
  ~ObservationIndex();
  // Loads every UHRI record of the store. Errors: the store's.
  static Result<std::unique_ptr<ObservationIndex>> Build(store::Store& store);

  int64_t size() const { return static_cast<int64_t>(records_.size()); }
  const ObservationRecord& record(uint32_t i) const { return records_[i]; }
  // The record with this uid; nullopt if none.
  std::optional<uint32_t> Find(std::string_view uid) const;

  // The page [offset, offset + limit) of the selection, newest first, with the facets named
  // (kObservationFacets; top_n values each, <= 0 all). kInvalidArgument for a bad query or an
  // unknown facet field.
  Result<ObservationSearch> Search(const ObservationFilter& filter, int64_t offset, int64_t limit,
                                   const std::vector<std::string>& facets, int64_t top_n) const;

  // Memory held, in bytes (approximate: texts, term positions, bitmaps).
  size_t MemoryBytes() const;

  // A facet over a selection of at most half the index is counted by one bitmap intersection
  // per value when the selection has more than this many records per value of the field, else
  // record by record (a cost model: bench/uhri_import_bench.cpp). Tests set it to take each way.
  void set_records_per_intersection(uint64_t n) { records_per_intersection_ = n; }

 private:
  ObservationIndex();
  struct Text;
  // The selection's parts: each filter's records, computed once per search (a facet's base is
  // the selection without its own field's filter).
  struct Parts;
  Result<Parts> Select(const ObservationFilter& f) const;
  Result<Roaring> Match(std::string_view query) const;

  // The values of one facet field: a code per distinct value (keys compared lower-cased), the
  // records of each, each record's codes, and the counts over the whole index (a facet over
  // more than half the index is counted as the whole minus the rest).
  struct Field {
    std::unordered_map<std::string, uint32_t> code;  // lower-cased key -> code
    std::vector<std::string> shown;                  // code -> the key as first seen
    std::vector<Roaring> docs;                       // code -> records
    std::vector<uint32_t> begin = {0};               // record -> offsets into codes
    std::vector<uint32_t> codes;
    std::vector<int64_t> totals;  // code -> records of the whole index
    // For a field of at most one value per record: record -> its code or kNone (else empty).
    static constexpr uint32_t kNone = 0xFFFFFFFF;
    std::vector<uint32_t> one;
    void Add(const std::string& key, uint32_t d);
    void EndRecord() { begin.push_back(static_cast<uint32_t>(codes.size())); }
    Roaring Union(const std::vector<std::string>& keys) const;
  };
  std::vector<Field*> Fields();
  // Counts of field's values over base (a subset of all_): the top_n (<= 0: all) by count,
  // then key (years: newest first), as facet values.
  // list: base's records, ascending, if the caller has them listed (else null).
  std::vector<ObservationFacetValue> Count(const Field& field, const Roaring& base,
                                           const std::vector<uint32_t>* list, bool by_key_desc,
                                           int64_t top_n) const;

  std::vector<ObservationRecord> records_;
  std::unordered_map<std::string, uint32_t> by_uid_;
  std::vector<uint32_t> newest_rank_;  // by record: its place newest first
  std::vector<uint32_t> newest_;       // the records, newest first
  Roaring all_, present_;
  Field mechanism_, body_, document_, year_, theme_, sdg_target_, sdg_goal_, affected_, state_,
      type_;
  std::unique_ptr<Text> text_;
  uint64_t records_per_intersection_ = 4096;
};

}  // namespace openupr::engine

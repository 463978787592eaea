// The store's part of OHCHR's Universal Human Rights Index (core/uhri.h): the uhri_record table
// and its links (schema version 10, store/schema.cpp). Writes run inside the caller's Transaction
// (the importer's); reads see one snapshot each. Not thread-safe: uses the caller's Store.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/status.h"
#include "core/uhri.h"
#include "store/multi_row.h"
#include "store/store.h"
#include "store/votes.h"

namespace openupr::store {

// How a UPR record of the index relates to a recommendation (uhri_record.match).
enum class UhriMatch { kNone, kSameText, kSameWords, kAdded };
std::string_view UhriMatchCode(UhriMatch m);  // "", "same-text", "same-words", "added"

// The 32 hex digits of XXH3-128 over every field the source gives (not where it is in its file):
// what tells a changed record of a newer export from an unchanged one.
std::string UhriFieldsHash(const UhriRecord& r);

// A stored record as the writer knows it at the start of an import.
struct UhriStoredRow {
  int64_t id = 0;
  std::string fields_hash;
  int64_t recommendation_id = 0;  // 0: none
  UhriMatch match = UhriMatch::kNone;
  bool missing = false;  // an earlier export no longer had it
};

// Writes UHRI records within the caller's transaction, with statements prepared once.
class UhriWriter {
 public:
  // Reads what is stored (annotation ids, hashes, links, the term dictionary, the states).
  static Result<std::unique_ptr<UhriWriter>> Begin(Store& store, int64_t import_id);
  UhriWriter(const UhriWriter&) = delete;
  UhriWriter& operator=(const UhriWriter&) = delete;
  ~UhriWriter();

  // The stored row of an annotation id, or null. Valid until the next Put.
  const UhriStoredRow* Find(const std::string& annotation_id) const;
  // Stores one record: added if its AnnotationId is new, its fields and links replaced if they
  // changed (the row keeps its id and uid), untouched otherwise. countries and recommending give
  // the ISO3 of each of r.countries and r.upr_recommending_countries (empty: not a known state).
  // Either way the record counts as present in this import (MarkMissing). New records and links
  // are queued and written by Flush (multi-row INSERTs): r must stay alive and unchanged until
  // then.
  Result<std::pair<int64_t, Upsert>> Put(const UhriRecord& r,
                                         std::span<const std::string> countries,
                                         std::span<const std::string> recommending,
                                         int64_t source_file_id);
  // Sets the recommendation a UPR record is.
  Status Link(int64_t uhri_id, int64_t recommendation_id, UhriMatch match);
  // Writes what is queued; after it, the records given to Put may be released.
  Status Flush();
  // Marks every stored record that this import did not Put and that was not marked before as
  // missing from the newer export (missing_import_id); returns their uids. Records are never
  // deleted: what users attached to them stays.
  Result<std::vector<std::string>> MarkMissing();

 private:
  UhriWriter(Store& store, int64_t import_id) : store_(store), import_id_(import_id) {}
  Result<Statement*> Prepared(int slot, const char* sql);
  Result<int64_t> TermId(std::string_view kind, const std::string& name);
  struct Pending {
    const UhriRecord* record;
    std::string hash;
    int64_t id;
    Mechanism mechanism;
    int year;
    int64_t source_file_id;
    int64_t recommendation_id;
    UhriMatch match;
  };
  struct StateRow {
    int64_t id;
    const char* role;
    int64_t position;
    std::string iso3;
    const std::string* raw_name;
  };
  struct TermRow {
    int64_t id;
    int64_t term_id;
    int64_t position;
  };
  void QueueLinks(int64_t id, const UhriRecord& r, std::span<const std::string> countries,
                  std::span<const std::string> recommending);
  // Binds the record's columns from mechanism to first_import_id (15 parameters) from p on.
  void BindRecord(Statement& s, int p, const Pending& q) const;

  Store& store_;
  const int64_t import_id_;
  std::unordered_map<std::string, UhriStoredRow> stored_;  // by annotation id
  std::unordered_map<int64_t, UhriStoredRow*> by_id_;      // into stored_ (stable nodes)
  std::unordered_set<int64_t> seen_;                       // ids Put by this import
  std::unordered_map<std::string, int64_t> terms_;         // "kind\x1fname" -> id
  std::unordered_set<std::string> states_;
  std::optional<int64_t> saved_cache_size_;  // the connection's, restored at destruction
  std::optional<Statement> statements_[10];
  int64_t next_id_ = 1;
  std::vector<Pending> pending_;
  std::vector<StateRow> pending_states_;
  std::vector<TermRow> pending_terms_;
  Status pending_terms_status_;
  MultiRowInserter inserter_{store_.db()};
};

// A stored UHRI record, as read back.
struct UhriStored {
  int64_t id = 0;
  std::string uid;
  Mechanism mechanism = Mechanism::kTreatyBody;
  UhriRecord record;  // countries etc. as the source wrote them
  std::vector<std::string> country_iso3;  // parallel to record.countries ("" unknown)
  std::vector<std::string> recommending_iso3;
  int year = 0;  // of the publication date; 0 unknown
  int64_t recommendation_id = 0;
  std::string recommendation_uid;
  UhriMatch match = UhriMatch::kNone;
  std::string source_file;  // the file that last wrote it
  int64_t first_import_id = 0;
  int64_t updated_import_id = 0;
  int64_t missing_import_id = 0;
};

// The record with this uid ("uhri-...") or annotation id; nullopt if none.
Result<std::optional<UhriStored>> GetUhriRecord(Store& store, std::string_view uid);
// The UHRI records linked to a recommendation (its UHRI sources), by uid.
Result<std::vector<UhriStored>> UhriRecordsOfRecommendation(Store& store,
                                                            int64_t recommendation_id);
// Every stored record with id above after_id, in id order, to on_record.
Status ScanUhriRecords(Store& store, int64_t after_id,
                       const std::function<void(UhriStored&&)>& on_record);

struct UhriCounts {
  int64_t records = 0;
  int64_t by_mechanism[kMechanismCount] = {};
  int64_t upr_same_text = 0;   // UPR records matched to a UPR Info recommendation, same text
  int64_t upr_same_words = 0;  // ... same words, spelled differently
  int64_t upr_added = 0;       // UPR records that became recommendations of their own
  int64_t missing = 0;         // no longer in the newest export imported
};
Result<UhriCounts> CountUhriRecords(Store& store);

}  // namespace openupr::store

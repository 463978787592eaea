// The kinds of record OpenUPR holds, in one list: what each is called, where it is stored, how
// its uid looks, which source formats carry it, and where the API, the web app and the CLI show
// it. Every layer that handles records keys its own part on RecordKind (the store's tables and
// migrations, the importer's formats in ingest/source_format.h, the engine's columns, the API's
// collections), so that a new kind of record is one entry here and one part in each layer
// (docs/architecture.md "Record types").
//
// Thread-safe: constant data.
#pragma once

#include <span>
#include <string_view>

namespace openupr {

enum class RecordKind {
  kRecommendation,  // a UPR recommendation (UPR Info export)
  kPledge,          // a voluntary pledge made in a UPR review (UPR Info export)
  kResolution,      // a resolution or decision of the Council or the Commission (OHCHR)
  kVote,            // one state's vote on one recorded resolution (OHCHR roll calls)
  kObservation,     // a record of OHCHR's Universal Human Rights Index (any mechanism)
};

struct RecordType {
  RecordKind kind;
  std::string_view name;         // "recommendation": CLI and JSON ("type" fields)
  std::string_view plural;       // "recommendations": /api/v1/{plural}, /{plural}/{uid} pages
  std::string_view table;        // the store's table
  std::string_view uid_example;  // what its uid looks like (core/identity.h)
  std::string_view formats;      // the import formats that carry it (--format), ", "-separated
  bool has_page;                 // its records have a page (and an API object) of their own
  std::string_view description;
  bool (*is_uid)(std::string_view text);  // whether text has the form of its uid
};

// Every record kind, in RecordKind order.
std::span<const RecordType> RecordTypes();
const RecordType& RecordTypeOf(RecordKind kind);
// The kind named name or plural ("resolution", "resolutions"); nullptr if none.
const RecordType* FindRecordType(std::string_view name);
// The kind whose uid form text has (the record may still not exist); nullptr if none.
const RecordType* RecordTypeOfUid(std::string_view text);

}  // namespace openupr

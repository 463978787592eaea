// Internal to ingest/uhri_json.cpp: one record (one element of the export's array) parsed by
// simdjson On-Demand into a UhriRecord, every field read as docs/formats.md "UHRI export (JSON)"
// says. Kept apart so that simdjson's 30,000-line header is compiled once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/uhri.h"

namespace openupr::ingest::internal {

// simdjson reads up to this many bytes past the end of a record (SIMDJSON_PADDING; the .cpp
// checks that they agree).
inline constexpr size_t kUhriJsonPadding = 64;

// "NAME: byte N: PATH: WHAT": the form of every error of the UHRI JSON reader.
Status UhriJsonError(std::string_view name, uint64_t offset, std::string_view path,
                     std::string_view what);

// What Parse learnt besides the record.
struct UhriParseInfo {
  int entities_decoded = 0;
  uint64_t annotation_id_offset = 0;  // file offset of the AnnotationId value
};

// Parses records one after the other, reusing simdjson's parser. Not thread-safe.
class UhriRecordParser {
 public:
  UhriRecordParser();
  ~UhriRecordParser();
  UhriRecordParser(const UhriRecordParser&) = delete;
  UhriRecordParser& operator=(const UhriRecordParser&) = delete;

  // Called with each record's AnnotationId (lower-cased) as soon as it is read, before the rest
  // of the record: the reader prefetches its slot in the table of ids seen.
  void set_on_annotation_id(void (*callback)(void* context, std::string_view id), void* context) {
    on_id_ = callback;
    on_id_context_ = context;
  }

  // Parses the record json[0, size), which starts with its "{" at file offset `offset` and is
  // element `index` of the array; json must be readable up to json + capacity, capacity >= size +
  // kUhriJsonPadding. Fills *out (all fields; source_offset = offset) and *info. kBadInput names
  // name, the byte offset and the JSON path ("$[17].Countries[2]") of the problem.
  Status Parse(const char* json, size_t size, size_t capacity, std::string_view name, int64_t index,
               uint64_t offset, UhriRecord* out, UhriParseInfo* info);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  void (*on_id_)(void*, std::string_view) = nullptr;
  void* on_id_context_ = nullptr;
};

}  // namespace openupr::ingest::internal

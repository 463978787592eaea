// The importer's part for OHCHR's Universal Human Rights Index (core/uhri.h): a JSON or XLSX
// export, streamed (a reader thread parses, the import's writer stores batch by batch, a few
// batches in between: memory stays bounded whatever the file's size), inside the import's one
// transaction.
//
// Each record is stored by its AnnotationId (store/uhri.h: added, updated in place, unchanged).
// A UPR record is also a recommendation: the UPR Info one it matches (ingest/uhri_match.h), or
// one added for it, with the index's state, session, recommending states, text, response and
// SDG targets (its uid made as for any recommendation, core/identity.h). A changed UPR record
// whose recommendation was added for it updates that recommendation's text and response; one
// matched to a UPR Info recommendation never changes UPR Info's record. After the last file,
// the records the exports no longer have are marked missing and reported.
//
// Countries are looked up by name (core/states.h: English, the other official languages,
// aliases). An unknown state under review of a UPR record is an error (or, with
// skip_unknown_states, the record is left out and counted); an unknown state of an observation
// or an unknown recommending state is kept by its name (a warning).
// Not thread-safe: uses the caller's Store.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/importer.h"
#include "ingest/uhri_match.h"
#include "store/bulk_writer.h"
#include "store/store.h"
#include "store/uhri.h"

namespace openupr::ingest {

// The import format's name (--format, source_file.format).
inline constexpr std::string_view kUhriFormat = "uhri";

enum class UhriFileType { kNone, kJson, kXlsx };

// What a file is, from its first bytes: a UHRI JSON export starts with "[" (after a UTF-8 BOM
// and whitespace; "{" too, which the JSON reader then refuses with its reason), an XLSX one is a
// zip ("PK\3\4"); anything else is kNone. kIo if unreadable.
Result<UhriFileType> SniffUhriFile(const std::string& path);

// The content hash of a file (ingest/importer.h kContentHashPrefix), read in chunks; *bytes gets
// its size. kIo if unreadable.
Result<std::string> HashFileContent(const std::string& path, uint64_t* bytes);

struct UhriImportContext {
  store::Store* store = nullptr;
  int64_t import_id = 0;
  // Adds the recommendations of unmatched UPR records (flushed after each batch).
  store::RecommendationWriter* writer = nullptr;
  // The occurrence number (1, 2, ...) the next recommendation with this duplicate key gets.
  std::function<int64_t(const std::string& dup_key)> occurrence;
  bool skip_unknown_states = false;
  // Bytes of the current file read so far.
  std::function<void(uint64_t)> progress;
};

// Where the time of one export went, on its two threads (each without its waits for the other):
// the reader's (reading, parsing, reducing HTML) and the store's (looking up, matching, writing).
struct UhriFileTimes {
  double parse_seconds = 0;
  double store_seconds = 0;
};

class UhriImport {
 public:
  static Result<std::unique_ptr<UhriImport>> Begin(UhriImportContext context);
  ~UhriImport();
  // Reads one export and stores its records as source file source_file_id. Problems in the
  // input go to report.errors (the caller rolls back) and report.warnings; the status is a
  // failure of the store or of reading the file (kIo). times, if given, gets the file's times.
  Status StoreFile(const std::string& path, UhriFileType type, int64_t source_file_id,
                   FileReport& report, UhriFileTimes* times = nullptr);
  // After the last file: marks the stored records no export of this import had as missing;
  // returns their uids.
  Result<std::vector<std::string>> Finish();

 private:
  explicit UhriImport(UhriImportContext context);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace openupr::ingest

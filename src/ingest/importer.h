// The import command's engine: reads files, detects format, encoding and line ends, parses them,
// and stores everything in one transaction. A fatal problem in any file leaves the database
// exactly as it was. Rows already in the database are not stored twice; a file whose exact bytes
// were imported before is a no-op. Not thread-safe (uses the caller's Store).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ingest/encoding.h"
#include "ingest/upr_info.h"
#include "store/store.h"

namespace openupr::ingest {

struct ImportOptions {
  std::optional<Encoding> encoding;   // nullopt = detect
  std::optional<LineEnds> line_ends;  // nullopt = detect
  std::string format = "auto";        // "auto" or "upr-info"
  bool skip_unknown_states = false;
  // Called with (bytes done, bytes total) as work advances; may be empty.
  std::function<void(uint64_t, uint64_t)> progress;
};

// One row stored that repeats an earlier row (same key) of the same import or database.
struct Repeat {
  std::string file;
  int64_t line = 0;
  int64_t first_id = 0;        // the recommendation or pledge it repeats
  std::string first_location;  // file:line of that one
  // Fields that differ from the first row ("response", "action", "themes"); empty when these
  // agree (other columns are not compared) or when the first row is from an earlier import.
  std::vector<std::string> differs;
  bool pledge = false;
  bool earlier_import = false;  // repeats a row stored by an earlier import (not compared)
};

// How a file's content hash (FileReport::content_hash, source_file.content_hash) begins:
// "xxh3-128:" and the XXH3-128 of its bytes in 32 hex digits. Files that earlier versions of
// OpenUPR stored have "blake2b:" and the BLAKE2b-256 of their bytes; those bytes are still
// recognised.
inline constexpr std::string_view kContentHashPrefix = "xxh3-128:";

struct FileReport {
  std::string path;
  std::string format;
  std::string content_hash;
  uint64_t bytes = 0;
  Encoding encoding = Encoding::kUtf8;
  bool encoding_forced = false;
  LineEnds line_ends = LineEnds::kNone;
  bool line_ends_forced = false;
  int64_t rows = 0;
  int64_t recommendations = 0;
  int64_t pledges = 0;
  int64_t added = 0;            // rows stored (recommendations + pledges)
  int64_t already_present = 0;  // rows the database already had
  // Rows that replaced a stored row of the same source identity whose fields had changed (a
  // newer export of records with their own ids: resolutions, votes).
  int64_t updated = 0;
  int64_t skipped = 0;  // rows left out: unknown state, on request
  // UHRI exports (ingest/uhri_import.h): UPR records found among UPR Info's recommendations by
  // the same text or the same words, and those that became recommendations of their own.
  int64_t uhri_same_text = 0;
  int64_t uhri_same_words = 0;
  int64_t uhri_added_recommendations = 0;
  int64_t entities_decoded = 0;
  // Set when these exact bytes were imported before: nothing was read or stored.
  std::optional<store::SourceFileRecord> previous;
  std::vector<Repeat> repeats;
  std::vector<ImportIssue> errors;
  std::vector<ImportIssue> warnings;
  std::vector<UnknownName> unknown_states;
};

struct ImportReport {
  Status status;          // ok, or why nothing was stored
  int64_t import_id = 0;  // 0 if nothing was stored
  std::vector<FileReport> files;
  int64_t added = 0;
  int64_t already_present = 0;
  int64_t repeats = 0;
  // UHRI records stored before that no export of this command has (uids): marked missing, kept.
  std::vector<std::string> uhri_missing;
  double seconds = 0;  // the whole command
  // Reading, hashing, decoding and parsing, on the reader threads (CSV files: the two parser
  // threads; a UHRI export: its reader thread), summed over them.
  double parse_seconds = 0;
  // Storing, on the command's thread (matching UHRI's UPR records, writing, rebuilding indexes,
  // committing). Neither counts the waits of one thread for the other: the two overlap, and
  // their sum may exceed seconds.
  double store_seconds = 0;
  uint64_t bytes = 0;
};

// kInvalidArgument if an option cannot be used (an unknown format), before anything is opened.
Status ValidateImportOptions(const ImportOptions& options);

// Imports the files in one transaction. The report is complete also when status is not ok:
// kBadInput names each file:line problem (the database is unchanged), kIo a file that cannot be
// read, other codes a store failure (rolled back).
ImportReport ImportFiles(store::Store& store, const std::vector<std::string>& paths,
                         const ImportOptions& options);

// What ImportFiles does with one file's bytes before anything is stored (on a parser thread):
// detects the encoding and line ends (or takes options'), decodes to UTF-8, reads the CSV, checks
// the header against options.format and parses the rows. Recommendations go to sink as they are
// parsed; the rest (pledges, counts) is returned. report gets the encoding, line ends, format and
// counts, and every problem in report.errors and report.warnings (report.path names the file in
// them). keep_going is asked before each row: false stops the parse there. Thread-safe.
ParsedFile ParseImportFile(std::string_view bytes, const ImportOptions& options, FileReport& report,
                           const RecommendationSink& sink, const std::function<bool()>& keep_going);

// Opens (or creates) the store for an import. Called once, on the calling thread.
using StoreOpener = std::function<Result<store::Store*>()>;

// The same, with the store opened by open_store while the first files are already being read
// and parsed: for a command that opens the store to import into it (`openupr import`), opening it
// does not hold the import back. A failure to open is the report's status, with no file reports.
ImportReport ImportFiles(const StoreOpener& open_store, const std::vector<std::string>& paths,
                         const ImportOptions& options);

}  // namespace openupr::ingest

// The engine's snapshot file: an Index's built state (every column, dictionary and bitmap of
// engine/data.h) and the search box's vocabulary, written beside the database (DB.engine) so that
// `openupr serve` starts by reading it instead of building the index from every record again
// (1M records: about 1 s instead of 10+).
//
// A snapshot is only used for the database content it was made from and by the binary that
// wrote it: its header holds a magic, the format version, the program's build id (the GNU build
// id of the executable) and the database's fingerprint (DatabaseFingerprint), and a checksum
// (XXH3) of everything after the fixed header. Anything else (another build, changed records,
// a truncated, damaged or foreign file) is refused with a Status naming what did not match, and
// the caller builds from the database instead. The content is checked after reading (sizes,
// offsets, codes within their dictionaries, token sequences) before an Index is made of it.
//
// File layout (little-endian): a fixed header of 32 bytes (magic "OUPRSNAP", format version u32,
// reserved u32, body size u64, body checksum u64), then the body: the build id and the
// fingerprint (u64 length + bytes each), every member of Data in ForEachField's order
// (engine/data.h), then the vocabulary (a presence byte, words and counts).
//
// Thread-safety: the functions may run concurrently on different files; WriteSnapshot writes a
// temporary file beside path and renames it, so readers never see a partial file.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "engine/index.h"
#include "search/interpret.h"
#include "store/store.h"

namespace openupr::engine {

// Bumped whenever the layout of the body changes (a member added to Data changes it too, and so
// does the build id: both are checked).
inline constexpr uint32_t kSnapshotFormat = 1;

// The snapshot file of the database at db_path: db_path + ".engine".
std::string SnapshotPath(const std::string& db_path);

// What the index reads from the store, summarised: the schema (PRAGMA schema_version, the meta
// table), the count and highest id of the recommendations, the highest record id of their
// recommending states, themes and SDG rows, and the whole of the small tables (themes, states,
// imports, source files), hashed (XXH3-128, hex). Any import, migration or deletion changes it; an
// edit of a record's text or attributes in place (by hand, with sqlite3) does not: see
// docs/reliability.md. Call it inside the read transaction the index is built in. A few ms at
// 1M records (the count reads the smallest index of the recommendations). Errors: the store's.
Result<std::string> DatabaseFingerprint(store::Store& store);

// The executable's build id (hex of its GNU build-id note; without one, the XXH3 of the file),
// then the program version. Computed once.
const std::string& ProgramBuildId();

// What a snapshot holds.
struct Snapshot {
  std::unique_ptr<Index> index;
  std::shared_ptr<const search::Vocabulary> vocabulary;  // null when it was written without
};

// Writes index (and vocabulary, which may be null) as the snapshot of the database with this
// fingerprint: into a temporary file beside path, then renamed over path. Errors: kIo naming the
// file (a read-only directory, a full disk); path is then untouched and the temporary file
// removed.
Status WriteSnapshot(const Index& index, const search::Vocabulary* vocabulary,
                     std::string_view fingerprint, const std::string& path);

// Reads the snapshot at path, if it was written by this build for a database with this
// fingerprint. Errors: kNotFound (no file), kConflict (another build, another format version or
// another fingerprint: the database changed since), kBadInput (not a snapshot, truncated or
// damaged: the message names the byte offset and the member), kIo.
Result<Snapshot> ReadSnapshot(const std::string& path, std::string_view fingerprint);

// The same from bytes in memory (the fuzz target); with check_key false, the build id and the
// fingerprint are not compared (the checksum and the content still are).
Result<Snapshot> ParseSnapshot(std::string_view bytes, std::string_view fingerprint,
                               bool check_key = true);

}  // namespace openupr::engine

// The importer's part for OHCHR's voting records (hrc-resolutions, hrc-votes; core/resolution.h):
// stores what ParseImportFile parsed, inside the import's transaction. Resolutions first (a
// vote names its resolution by record number), then votes, then every roll call is recounted
// against its official totals. Not thread-safe (uses the caller's Store).
#pragma once

#include <span>

#include "core/status.h"
#include "ingest/importer.h"
#include "ingest/upr_info.h"
#include "store/store.h"

namespace openupr::ingest {

struct VoteFile {
  FileReport* report;      // counts and errors go here
  ParsedFile* parsed;      // its resolutions or votes
  int64_t source_file_id;  // its row in source_file
};

// Stores the files' records: a resolution by its record number (added, updated if its row
// changed, unchanged otherwise), a vote by resolution and state likewise. A vote by a state that
// is neither in the state table nor a former state, or on a record number that is neither
// stored nor in this import, is an error naming file:line, in its report. Returns whether any
// file has errors (then the caller rolls back); a store failure as its status.
Result<bool> StoreVoteRecords(store::Store& store, std::span<VoteFile> files);

}  // namespace openupr::ingest

// The JSON export of OHCHR's Universal Human Rights Index (UHRI): one top-level JSON array of
// records (~250,000 records, ~360 MB), read as a stream into UhriRecord values (core/uhri.h)
// handed to a sink in batches. docs/formats.md "UHRI export (JSON)" describes every field.
//
// Memory stays bounded whatever the file's size: the file is read in chunks, a small state
// machine (strings, escapes and bracket nesting only) cuts the top-level array into its elements,
// and each element is parsed by simdjson's On-Demand API, in place in the chunk when it lies
// within one, else from a buffer that holds one record. The parser and the buffers are reused.
// What stays in memory besides: the set of AnnotationIds seen (64 to 128 bytes a record: 16 MB
// for UHRI's 250,000), to refuse a repeated one. The sink must be callable.
//
// Errors are kBadInput (kIo when the file cannot be read) with a message
//   "PATH: byte N: $[17].Countries[2]: expected a string or null, found a number"
// where N is the 0-based byte offset in the file (a BOM counts) of the offending value, of the
// record ("$[17]") for a missing field, or of where a syntax error or the end of a truncated file
// was found. Batches sent before an error stay sent; nothing is sent after it.
//
// Thread-safe: no shared state (each call has its own parser).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "ingest/uhri_sink.h"

namespace openupr::ingest {

struct UhriJsonLimits {
  size_t max_record_bytes = size_t{16} << 20;  // one array element (a record), raw JSON
  int max_depth = 16;                          // nesting inside a record (the record itself is 1)
  size_t chunk_bytes = size_t{4} << 20;        // read size (bounded memory: ~chunk + one record)
};

struct UhriJsonStats {
  int64_t records = 0;           // records sent to the sink
  uint64_t bytes = 0;            // bytes read
  int64_t entities_decoded = 0;  // HTML character references decoded in Text (html_text.h)
};

// Streams a UHRI JSON export from a file: memory stays bounded by the limits whatever the file's
// size. progress (may be empty) gets (bytes read, file size) after each chunk (file size 0 when
// unknown, e.g. a pipe). Returns ok when the whole array was read or the sink stopped the
// reading; kIo when the file cannot be opened or read; kBadInput as described above.
// stats (may be null) is filled in either case.
Status ReadUhriJsonFile(const std::string& path, const UhriSink& sink, UhriJsonStats* stats,
                        const std::function<void(uint64_t, uint64_t)>& progress = {},
                        const UhriJsonLimits& limits = {});

// The same over bytes in memory (tests, the fuzz target); name stands for the path in messages.
// The bytes go through the same chunked reading (limits.chunk_bytes) as a file's.
Status ReadUhriJson(std::string_view bytes, std::string_view name, const UhriSink& sink,
                    UhriJsonStats* stats, const UhriJsonLimits& limits = {});

}  // namespace openupr::ingest

// The UPR Info export format: one row per recommendation (or voluntary pledge) with columns
// To, To-Rgrp, To-Org, Text, From, From-Rgrp, From-Org, Response, Action, Issue, Session
// (docs/formats.md). Turns CSV records into domain values and lists every problem with its
// file:line and column. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/resolution.h"
#include "ingest/csv_reader.h"

namespace openupr::ingest {

inline constexpr const char* kUprInfoFormat = "upr-info";

struct ImportIssue {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string file;
  int64_t line = 0;
  std::string column;  // header name, empty if about the whole row
  std::string message;
  // "file:line: column 'X': message"
  std::string ToString() const;
};

// A state name the reference table does not know, with every line it appears on.
struct UnknownName {
  std::string name;
  std::string column;
  std::vector<int64_t> lines;
};

struct ParsedFile {
  std::vector<Recommendation> recommendations;
  std::vector<Pledge> pledges;
  std::vector<std::string> pledge_orgs;  // parallel to pledges
  // The records of the other formats (ingest/source_format.h): OHCHR's voting records.
  std::vector<Resolution> resolutions;
  std::vector<CountryVote> votes;
  std::vector<ImportIssue> errors;  // any error makes the whole import fail
  std::vector<ImportIssue> warnings;
  std::vector<UnknownName> unknown_states;
  int64_t rows = 0;             // data rows in the file
  int64_t skipped_unknown = 0;  // rows left out because of an unknown state (on request)
  int64_t entities_decoded = 0;
};

// True if the first record is a UPR Info header (same column names in any order, any case).
bool IsUprInfoHeader(const CsvRecord& header);

// True for a state name that names no state: empty, "unknown" or "(Unknown)" (any case), as
// the export writes a recommending state it does not know.
bool IsUnknownMarker(const std::string& name);

// Parses all records (the first is the header). With skip_unknown_states, rows naming an unknown
// state are left out and counted; without, each unknown name is an error.
ParsedFile ParseUprInfo(const std::vector<CsvRecord>& records, const std::string& file_label,
                        bool skip_unknown_states);
// Takes the recommendations as they are parsed, in order, batch_rows at a time (the last batch
// may be smaller), so that they can be stored while the rest of the file is read.
struct RecommendationSink {
  size_t batch_rows = 1024;
  std::function<void(std::vector<Recommendation>&& batch)> take;
};

// The same, streaming: header is the first record (null for an empty file) and next(record)
// reads each data record in turn, false at the end. expected_rows: a capacity hint. With a sink,
// the recommendations go to it and ParsedFile::recommendations stays empty (the sink has them
// also when the file turns out to have errors: they are then not to be stored).
ParsedFile ParseUprInfo(const CsvRecord* header, const std::function<bool(CsvRecord&)>& next,
                        const std::string& file_label, bool skip_unknown_states,
                        size_t expected_rows = 0, const RecommendationSink* sink = nullptr);

}  // namespace openupr::ingest

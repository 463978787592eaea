// The file formats `openupr import` reads, in one list: each format's name (--format), the kind
// of record it carries (core/record_type.h) and how its header is recognised. A new source is an
// entry here, its parser, and its part of the writer (ingest/vote_import.h is the model).
// Thread-safe: constant data.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/record_type.h"
#include "ingest/csv_reader.h"

namespace openupr::ingest {

struct SourceFormat {
  std::string_view name;         // "upr-info", "hrc-resolutions", "hrc-votes"
  RecordKind kind;               // what it carries (upr-info: also pledges)
  std::string_view description;  // for --help and errors
  std::string_view header;       // the columns it must start with (for errors)
  bool (*matches)(const CsvRecord& header);
};

std::span<const SourceFormat> SourceFormats();
// nullptr if no format has this name.
const SourceFormat* FindSourceFormat(std::string_view name);
// The format whose header this is; nullptr if none.
const SourceFormat* DetectSourceFormat(const CsvRecord& header);
// "auto, upr-info, hrc-resolutions or hrc-votes": for errors.
std::string SourceFormatNames();

}  // namespace openupr::ingest

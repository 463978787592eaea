// Reading the XLSX export of OHCHR's Universal Human Rights Index (UHRI, issue 17) into
// core/uhri.h records, streamed (ingest/xlsx_reader.h StreamXlsx): a 250,000-row export never
// sits in memory whole, only its shared strings table and one batch of records.
//
// The first worksheet is the export: row 1 is the header, the JSON export's field names
// (AnnotationId, AnnotationType, Body, Countries, DocumentId, Symbol, PublicationDate,
// PublicationDateOnUhri, Regions, Text, Themes, Sdgs, AffectedPersons, UprCycle, UprSession,
// UprPositions, UprRecommendingCountry, UprRecommendingRegions) in any order and any case;
// unknown columns are ignored; AnnotationId, Body and Text are required. Each later row that
// holds a cell is one record (rows without cells are skipped):
//  - every value is trimmed; UHRI's "- " prefix is removed from AnnotationType, Body, Themes and
//    AffectedPersons entries; AnnotationId is lower-cased and must be a UUID; Body must not be
//    empty;
//  - list fields (Countries, Regions, Themes, Sdgs, AffectedPersons, UprPositions,
//    UprRecommendingCountry, UprRecommendingRegions) hold their entries on separate lines, or,
//    in a cell without a line break, separated by "; "; empty entries are dropped, an empty cell
//    is an empty list;
//  - Text with an HTML tag in it is reduced to text (ingest/html_text.h), other text is kept;
//  - PublicationDate and PublicationDateOnUhri: "YYYY-MM-DD", optionally with a time part after
//    "T" or a space, or a date cell (Excel's serial day number); the date part is kept;
//  - UprCycle and UprSession: a number, or a text with one ("Cycle 3", "27th session"): the
//    first run of digits; empty is 0;
//  - DocumentId and Symbol: text as it is.
// source_row is the record's 1-based sheet row.
//
// Errors are kBadInput (kIo when the file cannot be read) and read
// "uhri.xlsx: sheet 'Export' row 12, column 'UprCycle': 'third', expected a number or a text with
// one, like 3 or 'Cycle 3'", or the XLSX reader's messages for a broken workbook. Thread-safe (no
// shared state).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "ingest/uhri_sink.h"
#include "ingest/xlsx_reader.h"

namespace openupr::ingest {

struct UhriXlsxStats {
  int64_t records = 0;           // records handed to the sink
  uint64_t bytes = 0;            // of the file
  int64_t entities_decoded = 0;  // HTML entities decoded in the texts
};

// The limits a UHRI export is read with: the default ones, raised to the size of a full export
// (a sheet part of gigabytes, tens of millions of cells), which cost time, not memory, when
// streamed; the shared strings (the memory kept) stay capped at 1 GiB.
XlsxLimits UhriXlsxLimits();

// Reads the first sheet of the UHRI XLSX export at path into sink, in batches of about 1,024
// records in row order. stats (may be null) gets the counts. progress (may be empty) is told
// (bytes done, file bytes) now and then, the bytes done estimated from the sheet decompressed so
// far. A sink returning false stops the read with an ok status. On an error the records of the
// rows before it may have been handed to the sink already.
Status ReadUhriXlsxFile(const std::string& path, const UhriSink& sink, UhriXlsxStats* stats,
                        const std::function<void(uint64_t, uint64_t)>& progress = {});

// The same for a workbook in memory (tests, the fuzzer); file_label names it in messages.
Status ReadUhriXlsx(std::string_view bytes, const std::string& file_label, const UhriSink& sink,
                    UhriXlsxStats* stats, const XlsxLimits& limits = UhriXlsxLimits());

}  // namespace openupr::ingest

#include "ingest/csv_reader.h"

#include <csv.h>

namespace openupr::ingest {
namespace {

struct ParseState {
  std::vector<CsvRecord>* records;
  CsvRecord current;
  int64_t record_start_line = 0;
};

void OnField(void* data, size_t len, void* ctx) {
  auto* st = static_cast<ParseState*>(ctx);
  st->current.fields.emplace_back(static_cast<const char*>(data), len);
}

void OnRow(int, void* ctx) {
  auto* st = static_cast<ParseState*>(ctx);
  st->current.line = st->record_start_line;
  st->records->push_back(std::move(st->current));
  st->current = CsvRecord{};
}

int TermCr(unsigned char c) { return c == '\r'; }
int TermLf(unsigned char c) { return c == '\n'; }
int TermAny(unsigned char c) { return c == '\r' || c == '\n'; }
int SpaceDefault(unsigned char c) { return c == ' ' || c == '\t'; }
int SpaceCrLf(unsigned char c) { return c == ' ' || c == '\t' || c == '\r'; }

// libcsv's parser state "no record begun" (ROW_NOT_BEGUN in libcsv.c).
constexpr int kRowNotBegun = 0;

// The end (exclusive) of the physical line starting at pos, terminator included.
size_t LineEnd(std::string_view text, size_t pos, LineEnds mode) {
  for (size_t i = pos; i < text.size(); ++i) {
    const char c = text[i];
    switch (mode) {
      case LineEnds::kCr:
        if (c == '\r') return i + 1;
        break;
      case LineEnds::kLf:
      case LineEnds::kCrLf:
        if (c == '\n') return i + 1;
        break;
      default:
        if (c == '\n') return i + 1;
        if (c == '\r') return (i + 1 < text.size() && text[i + 1] == '\n') ? i + 2 : i + 1;
    }
  }
  return text.size();
}

}  // namespace

Result<std::vector<CsvRecord>> ReadCsv(std::string_view text, LineEnds line_ends,
                                       const std::string& file_label) {
  std::vector<CsvRecord> records;
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
    return Status::Internal("libcsv: cannot initialise the parser");
  switch (line_ends) {
    case LineEnds::kCr: csv_set_term_func(&parser, TermCr); break;
    case LineEnds::kLf: csv_set_term_func(&parser, TermLf); break;
    case LineEnds::kCrLf:
      csv_set_term_func(&parser, TermLf);
      csv_set_space_func(&parser, SpaceCrLf);
      break;
    default:
      csv_set_term_func(&parser, TermAny);
      csv_set_space_func(&parser, SpaceDefault);
  }
  ParseState st{&records, {}, 0};
  int64_t line = 0;
  size_t pos = 0;
  auto fail = [&](const std::string& what) -> Status {
    const size_t column = st.current.fields.size() + 1;
    csv_free(&parser);
    return Status::BadInput(file_label + ":" + std::to_string(st.record_start_line) +
                            ": column " + std::to_string(column) + ": " + what);
  };
  while (pos < text.size()) {
    const size_t end = LineEnd(text, pos, line_ends);
    ++line;
    if (parser.pstate == kRowNotBegun) st.record_start_line = line;
    const size_t n = end - pos;
    if (csv_parse(&parser, text.data() + pos, n, OnField, OnRow, &st) != n) {
      const int err = csv_error(&parser);
      if (err == CSV_EPARSE)
        return fail("malformed quoted field (a quote must be doubled inside quotes and be "
                    "followed by a comma or the line end); error found on line " +
                    std::to_string(line));
      return fail(std::string("CSV parser: ") + csv_strerror(err));
    }
    pos = end;
  }
  if (csv_fini(&parser, OnField, OnRow, &st) != 0)
    return fail("quoted field is never closed (unterminated quote) before the end of the file");
  csv_free(&parser);
  return records;
}

}  // namespace openupr::ingest

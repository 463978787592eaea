#include "ingest/csv_reader.h"

#include <csv.h>

namespace openupr::ingest {
namespace {

// Appends fields into a reused record: strings keep their capacity from row to row.
struct Sink {
  CsvRecord* record = nullptr;
  size_t fields = 0;  // fields of the current record so far
  bool row_done = false;
};

void OnField(void* data, size_t len, void* ctx) {
  auto* sink = static_cast<Sink*>(ctx);
  auto& fields = sink->record->fields;
  if (sink->fields < fields.size()) {
    fields[sink->fields].assign(static_cast<const char*>(data), len);
  } else {
    fields.emplace_back(static_cast<const char*>(data), len);
  }
  ++sink->fields;
}

void OnRow(int, void* ctx) {
  auto* sink = static_cast<Sink*>(ctx);
  sink->record->fields.resize(sink->fields);
  sink->row_done = true;
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
  size_t at;
  switch (mode) {
    case LineEnds::kCr: at = text.find('\r', pos); break;
    case LineEnds::kLf:
    case LineEnds::kCrLf: at = text.find('\n', pos); break;
    default:
      at = text.find_first_of("\r\n", pos);
      if (at != std::string_view::npos && text[at] == '\r' && at + 1 < text.size() &&
          text[at + 1] == '\n')
        ++at;
  }
  return at == std::string_view::npos ? text.size() : at + 1;
}

}  // namespace

struct CsvStream::State {
  std::string_view text;
  LineEnds line_ends;
  std::string label;
  csv_parser parser;
  bool parser_ok = false;
  bool finished = false;
  size_t pos = 0;
  int64_t line = 0;
  int64_t record_start_line = 0;
  Sink sink;
};

CsvStream::CsvStream(std::string_view text, LineEnds line_ends, std::string file_label)
    : state_(std::make_unique<State>()) {
  State& st = *state_;
  st.text = text;
  st.line_ends = line_ends;
  st.label = std::move(file_label);
  st.parser_ok = csv_init(&st.parser, CSV_STRICT | CSV_STRICT_FINI) == 0;
  if (!st.parser_ok) return;
  // libcsv grows a field's buffer by this much at a time (128 bytes by default): a field of a
  // megabyte was 8,000 reallocations, quadratic where they copy (fuzz/writers_fuzzer.cpp).
  csv_set_blk_size(&st.parser, 64 * 1024);
  // libcsv's own test for a line end (CR or LF) is inlined; a terminator function is called for
  // every byte. When the text has only the chosen kind, the two agree.
  switch (line_ends) {
    case LineEnds::kCr:
      if (text.find('\n') != std::string_view::npos) csv_set_term_func(&st.parser, TermCr);
      break;
    case LineEnds::kLf:
      if (text.find('\r') != std::string_view::npos) csv_set_term_func(&st.parser, TermLf);
      break;
    case LineEnds::kCrLf:
      csv_set_term_func(&st.parser, TermLf);
      csv_set_space_func(&st.parser, SpaceCrLf);
      break;
    default:
      csv_set_term_func(&st.parser, TermAny);
      csv_set_space_func(&st.parser, SpaceDefault);
  }
}

CsvStream::~CsvStream() {
  if (state_->parser_ok) csv_free(&state_->parser);
}

Result<bool> CsvStream::Next(CsvRecord& record) {
  State& st = *state_;
  if (!st.parser_ok) return Status::Internal("libcsv: cannot initialise the parser");
  if (st.finished) return false;
  st.sink.record = &record;
  st.sink.fields = 0;
  st.sink.row_done = false;
  auto fail = [&](const std::string& what) -> Status {
    st.finished = true;
    const size_t column = st.sink.fields + 1;
    return Status::BadInput(st.label + ":" + std::to_string(st.record_start_line) + ": column " +
                            std::to_string(column) + ": " + what);
  };
  // Fed one physical line at a time, so that each record knows the line it starts on; a line
  // ends at most one record.
  while (st.pos < st.text.size()) {
    const size_t end = LineEnd(st.text, st.pos, st.line_ends);
    ++st.line;
    if (st.parser.pstate == kRowNotBegun) st.record_start_line = st.line;
    const size_t n = end - st.pos;
    const int64_t start_line = st.record_start_line;
    if (csv_parse(&st.parser, st.text.data() + st.pos, n, OnField, OnRow, &st.sink) != n) {
      const int err = csv_error(&st.parser);
      if (err == CSV_EPARSE)
        return fail("malformed quoted field (a quote must be doubled inside quotes and be "
                    "followed by a comma or the line end); error found on line " +
                    std::to_string(st.line));
      return fail(std::string("CSV parser: ") + csv_strerror(err));
    }
    st.pos = end;
    if (st.sink.row_done) {
      record.line = start_line;
      return true;
    }
  }
  st.finished = true;
  if (csv_fini(&st.parser, OnField, OnRow, &st.sink) != 0)
    return fail("quoted field is never closed (unterminated quote) before the end of the file");
  if (st.sink.row_done) {
    record.line = st.record_start_line;
    return true;
  }
  return false;
}

Result<std::vector<CsvRecord>> ReadCsv(std::string_view text, LineEnds line_ends,
                                       const std::string& file_label) {
  std::vector<CsvRecord> records;
  CsvStream stream(text, line_ends, file_label);
  while (true) {
    CsvRecord record;
    auto more = stream.Next(record);
    if (!more.ok()) return more.status();
    if (!*more) break;
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace openupr::ingest

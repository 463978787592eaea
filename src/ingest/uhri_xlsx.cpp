#include "ingest/uhri_xlsx.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <vector>

#include "ingest/html_text.h"

namespace openupr::ingest {
namespace {

constexpr size_t kBatchRecords = 1024;

using Field = UhriField;

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// UHRI writes "- CRC", "- Children": the prefix goes, the rest is trimmed.
std::string_view StripDash(std::string_view s) {
  s = Trim(s);
  if (!s.empty() && s[0] == '-' && (s.size() == 1 || s[1] == ' ' || s[1] == '\t'))
    s = Trim(s.substr(1));
  return s;
}

// A value for a message: at most 40 bytes (not cutting a UTF-8 sequence), quoted.
std::string Quote(std::string_view v) {
  size_t cut = v.size();
  if (cut > 40) {
    cut = 40;
    while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out;
  out.reserve(cut + 5);
  out += '\'';
  out.append(v.substr(0, cut));
  if (cut < v.size()) out += "...";
  out += '\'';
  return out;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// Whether text has something that starts an HTML tag, comment or declaration.
bool HasTag(std::string_view text) {
  for (size_t i = text.find('<'); i != std::string_view::npos && i + 1 < text.size();
       i = text.find('<', i + 1)) {
    const char c = text[i + 1];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '/' || c == '!' || c == '?')
      return true;
  }
  return false;
}

// Entries on separate lines (any of CR, LF, CRLF), or, with no line break, separated by "; ".
void SplitList(std::string_view cell, bool strip_dash, std::vector<std::string>& out) {
  out.clear();
  const bool lines = cell.find_first_of("\r\n") != std::string_view::npos;
  while (!cell.empty()) {
    size_t end;
    size_t skip;
    if (lines) {
      end = cell.find_first_of("\r\n");
      skip = end == std::string_view::npos                                           ? 0
             : (cell[end] == '\r' && end + 1 < cell.size() && cell[end + 1] == '\n') ? 2
                                                                                     : 1;
    } else {
      end = cell.find("; ");
      skip = 2;
    }
    const std::string_view entry = cell.substr(0, end);
    const std::string_view value = strip_dash ? StripDash(entry) : Trim(entry);
    if (!value.empty()) out.emplace_back(value);
    if (end == std::string_view::npos) break;
    cell.remove_prefix(end + skip);
  }
}

// The civil date of a day counted from 1970-01-01 (Howard Hinnant's algorithm).
std::string CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "YYYY-MM-DD" with an optional time part after 'T' or ' ', or Excel's serial day number of a
// date cell (1900 date system; a fraction is the time of day): the date, nullopt if neither.
std::optional<std::string> ParseDate(std::string_view v) {
  if (v.size() >= 10 && IsDigit(v[0]) && IsDigit(v[1]) && IsDigit(v[2]) && IsDigit(v[3]) &&
      v[4] == '-' && IsDigit(v[5]) && IsDigit(v[6]) && v[7] == '-' && IsDigit(v[8]) &&
      IsDigit(v[9]) && (v.size() == 10 || v[10] == 'T' || v[10] == ' ')) {
    const int month = (v[5] - '0') * 10 + (v[6] - '0');
    const int day = (v[8] - '0') * 10 + (v[9] - '0');
    if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
    return std::string(v.substr(0, 10));
  }
  // A serial: digits, optionally a fraction. 61 is 1900-03-01 (Excel counts a 29 February
  // 1900 that never was); 2958465 is 9999-12-31.
  size_t i = 0;
  int64_t serial = 0;
  while (i < v.size() && IsDigit(v[i]) && i < 8) serial = serial * 10 + (v[i++] - '0');
  if (i == 0) return std::nullopt;
  if (i < v.size()) {
    if (v[i] != '.') return std::nullopt;
    for (size_t k = i + 1; k < v.size(); ++k)
      if (!IsDigit(v[k])) return std::nullopt;
  }
  if (serial < 61 || serial > 2958465) return std::nullopt;
  return CivilFromDays(serial - 25569);  // 25569: 1970-01-01
}

// The first run of digits: "Cycle 3" -> 3, "27th session" -> 27, "3" -> 3.
std::optional<int> FirstNumber(std::string_view v) {
  size_t i = 0;
  while (i < v.size() && !IsDigit(v[i])) ++i;
  if (i == v.size()) return std::nullopt;
  int64_t n = 0;
  for (; i < v.size() && IsDigit(v[i]); ++i) {
    n = n * 10 + (v[i] - '0');
    if (n > 1'000'000) return std::nullopt;
  }
  return static_cast<int>(n);
}

// Maps the rows of the first sheet to records: the header first, then one record per row.
class RowMapper {
 public:
  RowMapper(const std::string& label, const UhriSink& sink, UhriXlsxStats& stats)
      : label_(label), sink_(sink), stats_(stats) {
    batch_.reserve(kBatchRecords);
  }

  bool BeginSheet(const XlsxSheetInfo& sheet) {
    if (sheet.index > 0) return false;  // the export is the first sheet
    sheet_name_ = sheet.name;
    seen_sheet_ = true;
    return true;
  }

  bool Row(uint32_t row, std::span<XlsxCell> cells) {
    if (!have_header_) return Header(row, cells);
    UhriRecord& r = batch_.emplace_back();
    r.source_row = int64_t{row} + 1;
    for (XlsxCell& cell : cells) {
      if (cell.column >= columns_.size() || !columns_[cell.column]) continue;
      if (!Set(*columns_[cell.column], cell.text, r)) return false;
    }
    if (r.annotation_id.empty()) return Fail(row, Field::kAnnotationId, "empty, expected a UUID");
    if (r.body.empty())
      return Fail(row, Field::kBody, "empty, expected the mechanism, as '- CRC' or '- UPR'");
    if (batch_.size() >= kBatchRecords) return Flush();
    return true;
  }

  // After the sheet: the last batch, or the error of a sheet without a header.
  Status Finish() {
    if (!status_.ok() || stopped_) return status_;
    if (!seen_sheet_)
      return Status::BadInput(label_ + ": no worksheet, expected the export in the first sheet");
    if (!have_header_)
      return Status::BadInput(label_ + ": sheet '" + sheet_name_ +
                              "': empty, expected the field names in row 1");
    if (!batch_.empty()) Flush();
    return status_;
  }
  const Status& status() const { return status_; }

 private:
  bool Header(uint32_t row, const std::span<XlsxCell> cells) {
    const std::string where =
        label_ + ": sheet '" + sheet_name_ + "' row " + std::to_string(int64_t{row} + 1);
    if (row != 0) {
      status_ = Status::BadInput(where +
                                 ": the first row with cells, expected the field names "
                                 "(AnnotationId, Body, Text, ...) in row 1");
      return false;
    }
    std::array<std::optional<uint32_t>, kUhriFieldCount> column_of;
    for (const XlsxCell& cell : cells) {
      const std::optional<Field> field = UhriFieldOfName(Trim(cell.text), /*ignore_case=*/true);
      if (!field) continue;
      const size_t f = UhriFieldIndex(*field);
      if (column_of[f]) {
        status_ = Status::BadInput(where + ": column '" + std::string(UhriFieldName(*field)) +
                                   "' twice (columns " + ColumnName(*column_of[f]) + " and " +
                                   ColumnName(cell.column) + "), expected each field once");
        return false;
      }
      column_of[f] = cell.column;
      if (columns_.size() <= cell.column) columns_.resize(cell.column + 1);
      columns_[cell.column] = *field;
    }
    for (Field f : kUhriRequiredFields)
      if (!column_of[UhriFieldIndex(f)]) {
        status_ = Status::BadInput(where + ": no column '" + std::string(UhriFieldName(f)) +
                                   "', expected a header with the export's field names, "
                                   "AnnotationId, Body and Text among them");
        return false;
      }
    have_header_ = true;
    return true;
  }

  static std::string ColumnName(uint32_t column) {
    std::string name;
    for (uint32_t c = column + 1; c > 0; c = (c - 1) / 26)
      name.insert(name.begin(), static_cast<char>('A' + (c - 1) % 26));
    return name;
  }

  bool Fail(uint32_t row, Field f, const std::string& what) {
    status_ = Status::BadInput(label_ + ": sheet '" + sheet_name_ + "' row " +
                               std::to_string(int64_t{row} + 1) + ", column '" +
                               std::string(UhriFieldName(f)) + "': " + what);
    return false;
  }

  bool Set(Field f, std::string& cell, UhriRecord& r) {
    const auto row = static_cast<uint32_t>(r.source_row - 1);
    const std::string_view v = Trim(cell);
    switch (f) {
      case Field::kAnnotationId:
        if (!IsUuid(v))
          return Fail(row, f,
                      Quote(v) + ", expected a UUID like 3f2b8c1e-9d4a-4e6f-8b2a-1c5d7e9f0a3b");
        r.annotation_id.assign(v);
        for (char& c : r.annotation_id)
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return true;
      case Field::kAnnotationType:
        r.annotation_type.assign(StripDash(v));
        return true;
      case Field::kBody:
        r.body.assign(StripDash(v));
        return true;
      case Field::kCountries:
        SplitList(v, false, r.countries);
        return true;
      case Field::kDocumentId:
        r.document_id.assign(v);
        return true;
      case Field::kSymbol:
        r.symbol.assign(v);
        return true;
      case Field::kPublicationDate:
      case Field::kPublicationDateOnUhri: {
        std::string& out =
            f == Field::kPublicationDate ? r.publication_date : r.publication_date_on_uhri;
        if (v.empty()) return true;
        auto date = ParseDate(v);
        if (!date)
          return Fail(row, f,
                      Quote(v) +
                          ", expected a date YYYY-MM-DD (a time part after it "
                          "is ignored) or a date cell");
        out = std::move(*date);
        return true;
      }
      case Field::kRegions:
        SplitList(v, false, r.regions);
        return true;
      case Field::kText:
        if (HasTag(v)) {
          int entities = 0;
          r.text = HtmlToText(v, &entities);
          stats_.entities_decoded += entities;
        } else {
          r.text.assign(v);
        }
        return true;
      case Field::kThemes:
        SplitList(v, true, r.themes);
        return true;
      case Field::kSdgs:
        SplitList(v, false, r.sdgs);
        return true;
      case Field::kAffectedPersons:
        SplitList(v, true, r.affected_persons);
        return true;
      case Field::kUprCycle:
      case Field::kUprSession: {
        int& out = f == Field::kUprCycle ? r.upr_cycle : r.upr_session;
        if (v.empty()) return true;
        auto n = FirstNumber(v);
        if (!n)
          return Fail(row, f,
                      Quote(v) + (f == Field::kUprCycle
                                      ? ", expected a number or a text with one, like 3 or "
                                        "'Cycle 3'"
                                      : ", expected a number or a text with one, like 27 or "
                                        "'27th session'"));
        out = *n;
        return true;
      }
      case Field::kUprPositions:
        SplitList(v, false, r.upr_positions);
        return true;
      case Field::kUprRecommendingCountry:
        SplitList(v, false, r.upr_recommending_countries);
        return true;
      case Field::kUprRecommendingRegions:
        SplitList(v, false, r.upr_recommending_regions);
        return true;
    }
    return true;
  }

  bool Flush() {
    stats_.records += static_cast<int64_t>(batch_.size());
    std::vector<UhriRecord> full;
    full.reserve(kBatchRecords);
    full.swap(batch_);
    if (!sink_(std::move(full))) {
      stopped_ = true;
      return false;
    }
    return true;
  }

  const std::string& label_;
  const UhriSink& sink_;
  UhriXlsxStats& stats_;
  std::string sheet_name_;
  bool seen_sheet_ = false;
  bool have_header_ = false;
  bool stopped_ = false;
  std::vector<std::optional<Field>> columns_;  // by 0-based column
  std::vector<UhriRecord> batch_;
  Status status_;
};

using Reader = std::function<Status(const XlsxRowSink&)>;

Status ReadWith(const std::string& label, uint64_t bytes, const UhriSink& sink,
                UhriXlsxStats* stats, const std::function<void(uint64_t, uint64_t)>& progress,
                const Reader& read) {
  UhriXlsxStats local;
  UhriXlsxStats& s = stats ? *stats : local;
  s = {};
  s.bytes = bytes;
  RowMapper mapper(label, sink, s);
  XlsxRowSink rows;
  rows.begin_sheet = [&](const XlsxSheetInfo& sheet) { return mapper.BeginSheet(sheet); };
  rows.row = [&](const XlsxSheetInfo&, uint32_t row, std::span<XlsxCell> cells) {
    return mapper.Row(row, cells);
  };
  if (progress)
    rows.progress = [&](uint64_t done, uint64_t total) {
      if (total > 0) progress(std::min(bytes, bytes * std::min(done, total) / total), bytes);
    };
  const Status st = read(rows);
  if (!mapper.status().ok()) return mapper.status();
  OPENUPR_RETURN_IF_ERROR(st);
  OPENUPR_RETURN_IF_ERROR(mapper.Finish());
  if (progress) progress(bytes, bytes);
  return Status::Ok();
}

}  // namespace

XlsxLimits UhriXlsxLimits() {
  XlsxLimits limits;
  limits.max_part_bytes = uint64_t{16} << 30;
  limits.max_total_bytes = uint64_t{32} << 30;
  limits.max_sheets = 1024;
  limits.max_cells = 500'000'000;
  limits.max_text_bytes = uint64_t{32} << 30;
  limits.max_file_bytes = uint64_t{8} << 30;
  limits.max_shared_string_bytes = uint64_t{1} << 30;
  return limits;
}

Status ReadUhriXlsxFile(const std::string& path, const UhriSink& sink, UhriXlsxStats* stats,
                        const std::function<void(uint64_t, uint64_t)>& progress) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return Status::Io(path + ": cannot open the file for reading: " + ec.message());
  return ReadWith(path, size, sink, stats, progress, [&](const XlsxRowSink& rows) {
    return StreamXlsxFile(path, rows, UhriXlsxLimits());
  });
}

Status ReadUhriXlsx(std::string_view bytes, const std::string& file_label, const UhriSink& sink,
                    UhriXlsxStats* stats, const XlsxLimits& limits) {
  return ReadWith(file_label, bytes.size(), sink, stats, {}, [&](const XlsxRowSink& rows) {
    return StreamXlsx(bytes, file_label, rows, limits);
  });
}

}  // namespace openupr::ingest

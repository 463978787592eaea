// Fuzz target: the export's writers fed with hostile field values, then read back with the
// project's own readers; what was written must come back.
//
// Input: fields separated by the byte 0xFF (never part of UTF-8, so no UTF-8 text is out of
// reach). A field starting with 0xFE and a byte k stands for the rest of it repeated to k KiB
// (at most 64 KiB for all the fields of an input): texts past Excel's 32,767-character cell
// limit from short inputs.
//
// - CSV (core/csv_write.h, as the export writes it: a header, then the fields, CRLF after each):
//   read back with ingest::ReadCsv, with the line ends detected as an import detects them and
//   with any line end, it gives exactly the fields, whatever their bytes.
// - XLSX (search::XlsxWriter, to a temporary directory of this process): a row of the fields as
//   text, a row of those that are integers as numbers. A row with a field that is not UTF-8 is
//   refused (kInvalidArgument) and written without it. Read back with ingest::ReadXlsxFile, the
//   sheet holds exactly the header, XlsxCellText of every non-empty text (the documented cut at
//   Excel's limit; nothing else may differ) and the integers' decimal text.
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/csv_write.h"
#include "core/text.h"
#include "ingest/csv_reader.h"
#include "ingest/encoding.h"
#include "ingest/xlsx_reader.h"
#include "search/xlsx_writer.h"

namespace {

using openupr::search::XlsxCell;

constexpr size_t kMaxFields = 32;
constexpr size_t kMaxRepeatKiB = 64;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "writers_fuzzer: %s\n", what.c_str());
  std::abort();
}

// Shown in failures: printable ASCII as is, the rest as \xHH.
std::string Shown(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 200)) {
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  if (s.size() > 200) out += "... (" + std::to_string(s.size()) + " bytes)";
  return out;
}

std::vector<std::string> Fields(std::string_view input) {
  std::vector<std::string> fields;
  while (fields.size() + 1 < kMaxFields) {
    const size_t sep = input.find('\xFF');
    if (sep == std::string_view::npos) break;
    fields.emplace_back(input.substr(0, sep));
    input.remove_prefix(sep + 1);
  }
  fields.emplace_back(input);
  // The repeats of one input together stay within kMaxRepeatKiB, so that runs stay fast.
  size_t budget = kMaxRepeatKiB * 1024;
  for (std::string& f : fields) {
    if (f.size() < 2 || f[0] != '\xFE') continue;
    const std::string unit = f.substr(2);
    const size_t target = std::min<size_t>(static_cast<unsigned char>(f[1]) * size_t{1024}, budget);
    budget -= target;
    f.clear();
    while (!unit.empty() && f.size() < target) f += unit;
  }
  return fields;
}

// A process's own directory for the workbook and libxlsxwriter's temporary files, removed at exit.
struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "openupr-fuzz-writers-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) Fail("cannot create a temporary directory");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

void CheckCsv(const std::vector<std::string>& fields) {
  std::vector<std::string> row = fields;
  if (row.size() == 1) row.emplace_back("end");  // one empty field alone is an empty line
  std::string csv;
  for (size_t i = 0; i < row.size(); ++i) csv += (i ? ",c" : "c") + std::to_string(i);
  csv += "\r\n";
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) csv += ',';
    openupr::AppendCsvField(csv, row[i]);
  }
  csv += "\r\n";
  for (auto ends : {openupr::ingest::DetectLineEnds(csv), openupr::ingest::LineEnds::kMixed}) {
    auto records = openupr::ingest::ReadCsv(csv, ends, "fuzz.csv");
    if (!records.ok()) Fail("CSV read back: " + records.status().ToString() + "\n" + Shown(csv));
    if (records->size() != 2) Fail(std::to_string(records->size()) + " records in " + Shown(csv));
    const auto& back = (*records)[1].fields;
    if (back.size() != row.size())
      Fail(std::to_string(back.size()) + " fields of " + std::to_string(row.size()) + " in " +
           Shown(csv));
    for (size_t i = 0; i < row.size(); ++i)
      if (back[i] != row[i])
        Fail("CSV field " + std::to_string(i) + " written '" + Shown(row[i]) + "', read '" +
             Shown(back[i]) + "'");
  }
}

size_t Utf16Units(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) n += c >= 0xF0 ? 2 : 1;
  return n;
}

void CheckXlsx(const std::vector<std::string>& fields) {
  static TempDir dir;
  const std::string path = dir.path + "/w.xlsx";
  std::vector<std::string> names;
  for (size_t i = 0; i < fields.size(); ++i) names.push_back("c" + std::to_string(i));
  const std::vector<std::string_view> header(names.begin(), names.end());
  auto writer = openupr::search::XlsxWriter::Create(path, "Fuzz", header, dir.path);
  if (!writer.ok()) Fail("XlsxWriter::Create: " + writer.status().ToString());

  using Cell = std::tuple<uint32_t, uint32_t, std::string>;
  std::vector<Cell> expected;
  for (size_t i = 0; i < names.size(); ++i) expected.emplace_back(0, i, names[i]);
  std::vector<XlsxCell> texts, numbers;
  bool all_utf8 = true;
  int64_t truncated = 0;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string& f = fields[i];
    all_utf8 = all_utf8 && openupr::IsValidUtf8(f);
    texts.emplace_back(std::string_view(f));
  }
  if (!all_utf8) {
    const openupr::Status st = (*writer)->AddRow(texts);
    if (st.code() != openupr::StatusCode::kInvalidArgument || (*writer)->rows() != 0)
      Fail("a row with invalid UTF-8: " + st.ToString());
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string& f = fields[i];
    if (!openupr::IsValidUtf8(f)) {
      texts[i] = std::monostate{};
      continue;
    }
    if (f.empty()) continue;
    const std::string cell = openupr::search::XlsxCellText(f);
    // The cut is the documented one: none for a short text, else a prefix and the mark within
    // the limit.
    if (cell != f) {
      ++truncated;
      const auto mark = openupr::search::kXlsxTruncationMark;
      if (f.size() * 8 <= openupr::search::kXlsxMaxCellChars || cell.size() < mark.size() ||
          cell.compare(cell.size() - mark.size(), mark.size(), mark) != 0 ||
          f.compare(0, cell.size() - mark.size(), cell, 0, cell.size() - mark.size()) != 0 ||
          Utf16Units(cell) > openupr::search::kXlsxMaxCellChars)
        Fail("XlsxCellText cut '" + Shown(f) + "' into '" + Shown(cell) + "'");
    }
    expected.emplace_back(1, i, cell);
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string& f = fields[i];
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), n);
    constexpr int64_t kExact = int64_t{1} << 53;  // a double holds every integer up to here
    if (f.empty() || ec != std::errc() || end != f.data() + f.size() || n > kExact || n < -kExact) {
      numbers.emplace_back(std::monostate{});
      continue;
    }
    numbers.emplace_back(n);
    expected.emplace_back(2, i, std::to_string(n));
  }
  for (const auto* row : {&texts, &numbers}) {
    const openupr::Status st = (*writer)->AddRow(*row);
    if (!st.ok()) Fail("XlsxWriter::AddRow: " + st.ToString());
  }
  if ((*writer)->truncated_cells() != truncated)
    Fail("truncated_cells() " + std::to_string((*writer)->truncated_cells()) + ", expected " +
         std::to_string(truncated));
  if (const openupr::Status st = (*writer)->Close(); !st.ok())
    Fail("XlsxWriter::Close: " + st.ToString());

  auto book = openupr::ingest::ReadXlsxFile(path);
  if (!book.ok()) Fail("XLSX read back: " + book.status().ToString());
  if (book->sheets.size() != 1 || book->sheets[0].name != "Fuzz") Fail("not the one sheet written");
  const auto& cells = book->sheets[0].cells;
  for (size_t i = 0; i < std::max(cells.size(), expected.size()); ++i) {
    if (i >= cells.size()) Fail("cell missing: '" + Shown(std::get<2>(expected[i])) + "'");
    if (i >= expected.size()) Fail("cell too many: '" + Shown(cells[i].text) + "'");
    const auto& [row, column, text] = expected[i];
    if (cells[i].row != row || cells[i].column != column || cells[i].text != text)
      Fail("XLSX cell " + std::to_string(row) + "," + std::to_string(column) + " written '" +
           Shown(text) + "', read " + std::to_string(cells[i].row) + "," +
           std::to_string(cells[i].column) + " '" + Shown(cells[i].text) + "'");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto fields = Fields(std::string_view(reinterpret_cast<const char*>(data), size));
  CheckCsv(fields);
  CheckXlsx(fields);
  return 0;
}

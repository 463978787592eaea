#include "search/export.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/csv_write.h"
#include "core/json.h"
#include "core/states.h"
#include "search/xlsx_writer.h"

namespace openupr::search {

const char* const kExportColumns[] = {
    "id",          "sur",         "sur_name",   "sur_region", "from",        "from_name",
    "from_region", "session",     "cycle",      "response",   "response_raw", "action",
    "themes",      "sdgs",        "text",       "sur_orgs",   "from_orgs",   "source_file",
    "source_line", "duplicate_of", nullptr};

std::optional<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "json") return ExportFormat::kJson;
  if (name == "xlsx") return ExportFormat::kXlsx;
  return std::nullopt;
}

std::string_view ExportContentType(ExportFormat format) {
  switch (format) {
    case ExportFormat::kCsv: return "text/csv; charset=utf-8";
    case ExportFormat::kJson: return "application/json";
    case ExportFormat::kXlsx:
      return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  }
  return "application/octet-stream";
}

Status CheckExportSize(ExportFormat format, int64_t records) {
  if (format != ExportFormat::kXlsx || records < kXlsxMaxRows) return Status::Ok();
  const std::string limit = std::to_string(kXlsxMaxRows - 1);
  return Status::InvalidArgument("format xlsx: " + std::to_string(records) +
                                 " recommendations match; an Excel sheet holds at most " + limit +
                                 " rows below its header (narrow the query or filters, or export "
                                 "csv or json)");
}

namespace {

constexpr size_t kColumns = 20;
// Columns written as numbers in XLSX (their CSV fields are decimal integers or empty).
constexpr std::array<bool, kColumns> kNumericColumn = {
    true,  false, false, false, false, false, false, true,  true, false,
    false, true,  false, false, false, false, false, false, true, true};
// Widths of the XLSX columns, in characters; the text column is the wide one.
constexpr std::array<double, kColumns> kXlsxWidths = {8,  6, 24, 14, 10, 24, 14, 8,  6,  10,
                                                      12, 7, 30, 8,  80, 14, 14, 30, 10, 12};

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
  return s;
}

// One exported row, as the CSV fields (docs/formats.md); XLSX writes the same values.
std::array<std::string, kColumns> ExportRow(const Recommendation& r) {
  const StateInfo* sur = FindStateByIso3(r.sur);
  std::vector<std::string> from, from_name, from_region;
  for (const auto& f : r.from) {
    const StateInfo* s = f.iso3.empty() ? nullptr : FindStateByIso3(f.iso3);
    from.push_back(f.iso3);
    from_name.push_back(s ? s->un_name : f.raw_name);
    from_region.push_back(s ? std::string(RegionCode(s->region)) : "");
  }
  return {std::to_string(r.id),
          r.sur,
          sur ? sur->un_name : "",
          sur ? std::string(RegionCode(sur->region)) : "",
          Join(from),
          Join(from_name),
          Join(from_region),
          std::to_string(r.session),
          std::to_string(r.cycle),
          std::string(ResponseCode(r.response)),
          r.response_raw,
          r.action ? std::to_string(*r.action) : "",
          Join(r.themes),
          Join(r.sdgs),
          r.text,
          r.sur_orgs,
          r.from_orgs,
          r.provenance.source_file,
          std::to_string(r.provenance.line),
          r.duplicate_of ? std::to_string(*r.duplicate_of) : ""};
}

void CsvRow(const Recommendation& r, std::string& line) {
  bool first = true;
  for (const std::string& f : ExportRow(r)) {
    if (!first) line += ',';
    first = false;
    AppendCsvField(line, f);
  }
  line += "\r\n";
}

// The ids of every match of request, in export order (relevance with a query, else id).
Result<std::vector<int64_t>> MatchingIds(store::Store& store, const SearchRequest& request) {
  SearchRequest all = request;
  all.limit = 0;
  all.offset = 0;
  auto found = SqlSearch(store, all);
  if (!found.ok()) return found.status();
  std::vector<int64_t> ids;
  ids.reserve(found->hits.size());
  for (const auto& h : found->hits) ids.push_back(h.id);
  return ids;
}

// Calls on_record for each record of ids, loaded 1000 at a time, in the order of ids; stops at
// the first error on_record returns.
constexpr size_t kChunk = 1000;
template <typename F>
Status ForEachRecord(store::Store& store, const std::vector<int64_t>& ids, F&& on_record) {
  for (size_t b = 0; b < ids.size(); b += kChunk) {
    auto recs = store.GetRecommendations(
        std::span<const int64_t>(ids).subspan(b, std::min(kChunk, ids.size() - b)));
    if (!recs.ok()) return recs.status();
    OPENUPR_RETURN_IF_ERROR(on_record(*recs));
  }
  return Status::Ok();
}

Result<int64_t> WriteXlsx(store::Store& store, const std::vector<int64_t>& ids,
                          const std::string& path, const std::string& temp_dir) {
  OPENUPR_RETURN_IF_ERROR(CheckExportSize(ExportFormat::kXlsx, static_cast<int64_t>(ids.size())));
  std::vector<std::string_view> header;
  for (int i = 0; kExportColumns[i]; ++i) header.emplace_back(kExportColumns[i]);
  auto writer = XlsxWriter::Create(path, "Recommendations", header, temp_dir);
  if (!writer.ok()) return writer.status();
  for (size_t c = 0; c < kColumns; ++c)
    OPENUPR_RETURN_IF_ERROR((*writer)->SetColumnWidth(c, kXlsxWidths[c]));
  std::array<XlsxCell, kColumns> cells;
  OPENUPR_RETURN_IF_ERROR(ForEachRecord(store, ids, [&](const std::vector<Recommendation>& recs) {
    for (const Recommendation& r : recs) {
      const auto fields = ExportRow(r);
      for (size_t c = 0; c < kColumns; ++c) {
        const std::string& f = fields[c];
        int64_t n = 0;
        if (kNumericColumn[c] && !f.empty() &&
            std::from_chars(f.data(), f.data() + f.size(), n).ec == std::errc())
          cells[c] = n;
        else
          cells[c] = std::string_view(f);
      }
      OPENUPR_RETURN_IF_ERROR((*writer)->AddRow(cells));
    }
    return Status::Ok();
  }));
  OPENUPR_RETURN_IF_ERROR((*writer)->Close());
  return static_cast<int64_t>(ids.size());
}

// A file created empty and private (mkstemps) in a temporary folder, removed on destruction.
class TempFile {
 public:
  static Result<std::unique_ptr<TempFile>> Create(const std::string& dir, const char* suffix) {
    std::error_code ec;
    std::filesystem::path folder =
        dir.empty() ? std::filesystem::temp_directory_path(ec) : std::filesystem::path(dir);
    if (ec) return Status::Io("no temporary folder: " + ec.message());
    const std::string suffix_text = suffix;
    std::string name = (folder / ("openupr-export-XXXXXX" + suffix_text)).string();
    const int fd = mkstemps(name.data(), static_cast<int>(suffix_text.size()));
    if (fd < 0) return Status::Io(name + ": cannot create a temporary file");
    ::close(fd);
    return std::unique_ptr<TempFile>(new TempFile(std::move(name)));
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace

Result<int64_t> ExportRecommendationsXlsx(store::Store& store, const SearchRequest& request,
                                          const std::string& path, const std::string& temp_dir) {
  auto ids = MatchingIds(store, request);
  if (!ids.ok()) return ids.status();
  return WriteXlsx(store, *ids, path, temp_dir);
}

Result<int64_t> ExportRecommendations(store::Store& store, const SearchRequest& request,
                                      ExportFormat format, std::ostream& out,
                                      const std::string& temp_dir) {
  auto ids = MatchingIds(store, request);
  if (!ids.ok()) return ids.status();

  if (format == ExportFormat::kXlsx) {
    // libxlsxwriter writes files only: build the workbook aside, then copy it to out.
    OPENUPR_RETURN_IF_ERROR(
        CheckExportSize(ExportFormat::kXlsx, static_cast<int64_t>(ids->size())));
    auto file = TempFile::Create(temp_dir, ".xlsx");
    if (!file.ok()) return file.status();
    auto written = WriteXlsx(store, *ids, (*file)->path(), temp_dir);
    if (!written.ok()) return written.status();
    std::ifstream in((*file)->path(), std::ios::binary);
    if (!in) return Status::Io((*file)->path() + ": cannot read the workbook back");
    std::vector<char> buf(1 << 16);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      out.write(buf.data(), in.gcount());
      if (!out) return Status::Io("write error while exporting");
    }
    if (in.bad()) return Status::Io((*file)->path() + ": read error");
    out.flush();
    if (!out) return Status::Io("write error while exporting");
    return written;
  }

  std::string buf;
  if (format == ExportFormat::kCsv) {
    for (int i = 0; kExportColumns[i]; ++i) {
      if (i) buf += ',';
      buf += kExportColumns[i];
    }
    buf += "\r\n";
  } else {
    buf += "[";
  }
  bool first = true;
  OPENUPR_RETURN_IF_ERROR(ForEachRecord(store, *ids, [&](const std::vector<Recommendation>& recs) {
    for (const Recommendation& r : recs) {
      if (format == ExportFormat::kCsv) {
        CsvRow(r, buf);
      } else {
        buf += first ? "\n" : ",\n";
        buf += RecommendationToJson(r).dump();
      }
      first = false;
    }
    out << buf;
    buf.clear();
    if (!out) return Status::Io("write error while exporting");
    return Status::Ok();
  }));
  if (format == ExportFormat::kJson) buf += first ? "]\n" : "\n]\n";
  out << buf;
  out.flush();
  if (!out) return Status::Io("write error while exporting");
  return static_cast<int64_t>(ids->size());
}

}  // namespace openupr::search

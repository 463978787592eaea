#include "search/export.h"

#include <fcntl.h>
#include <unistd.h>

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/citation.h"
#include "core/csv_write.h"
#include "core/json.h"
#include "core/states.h"
#include "core/text.h"
#include "search/xlsx_writer.h"

namespace openupr::search {

// action_predicted and themes_predicted: "yes" when the action / themes beside them are the
// classifier's (the source gives none: core/model.h), "no" otherwise (words, not true/false,
// which spreadsheets turn into booleans).
const char* const kExportColumns[] = {"id",           "uid",
                                      "sur",          "sur_name",
                                      "sur_region",   "from",
                                      "from_name",    "from_region",
                                      "session",      "cycle",
                                      "response",     "response_raw",
                                      "action",       "action_predicted",
                                      "themes",       "themes_predicted",
                                      "sdgs",         "text",
                                      "sur_orgs",     "from_orgs",
                                      "source_file",  "source_line",
                                      "duplicate_of", "link",
                                      nullptr};

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

constexpr size_t kColumns = 24;
// Columns written as numbers in XLSX (their CSV fields are decimal integers or empty).
constexpr std::array<bool, kColumns> kNumericColumn = {
    true, false, false, false, false, false, false, false, true,  true, false, false,
    true, false, false, false, false, false, false, false, false, true, true,  false};
// Widths of the XLSX columns, in characters; the text column is the wide one.
constexpr std::array<double, kColumns> kXlsxWidths = {
    8, 22, 6, 24, 14, 10, 24, 14, 8, 6, 10, 12, 7, 9, 30, 9, 8, 80, 14, 14, 30, 10, 12, 50};

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
  return s;
}

// One exported row, as the CSV fields (docs/formats.md); XLSX writes the same values.
std::array<std::string, kColumns> ExportRow(const Recommendation& r, std::string_view base_url) {
  const StateInfo* sur = FindStateByIso3(r.sur);
  std::vector<std::string> from, from_name, from_region;
  for (const auto& f : r.from) {
    const StateInfo* s = f.iso3.empty() ? nullptr : FindStateByIso3(f.iso3);
    from.push_back(f.iso3);
    from_name.push_back(s ? s->un_name : f.raw_name);
    from_region.push_back(s ? std::string(RegionCode(s->region)) : "");
  }
  return {std::to_string(r.id),
          r.uid,
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
          r.action_predicted ? "yes" : "no",
          Join(r.themes),
          r.themes_predicted ? "yes" : "no",
          Join(r.sdgs),
          r.text,
          r.sur_orgs,
          r.from_orgs,
          std::string(FileNameOf(r.provenance.source_file)),
          std::to_string(r.provenance.line),
          r.duplicate_of ? std::to_string(*r.duplicate_of) : "",
          RecommendationUrl(base_url, r)};
}

void CsvRow(const Recommendation& r, std::string_view base_url, std::string& line) {
  bool first = true;
  for (const std::string& f : ExportRow(r, base_url)) {
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
                          const std::string& path, std::string_view base_url,
                          const std::string& temp_dir) {
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
      const auto fields = ExportRow(r, base_url);
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

namespace {

// Builds the two forms of ExportFileNameFor's name, part by part.
class FileNameBuilder {
 public:
  // Appends text as one part (a '-' before it unless first); fold: lower-case it (ISO3 codes are
  // kept as they are written).
  void Add(std::string_view text, bool fold = true) {
    AddAscii(fold ? FoldText(text) : std::string(text));
    AddUtf8(text, fold);
  }
  ExportFileName Take(ExportFormat format) {
    const std::string ext = format == ExportFormat::kCsv    ? ".csv"
                            : format == ExportFormat::kJson ? ".json"
                                                            : ".xlsx";
    Cut(ascii_, /*utf8=*/false);
    Cut(utf8_, /*utf8=*/true);
    if (ascii_.empty()) ascii_ = "export";
    if (utf8_.empty()) utf8_ = ascii_;
    return {"openupr-" + ascii_ + ext, "openupr-" + utf8_ + ext};
  }

 private:
  static void Separate(std::string& out) {
    if (!out.empty() && out.back() != '-') out += '-';
  }
  static bool AsciiAlnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
  void AddAscii(const std::string& text) {
    Separate(ascii_);
    for (unsigned char c : text) {
      if (AsciiAlnum(c)) ascii_ += static_cast<char>(c);
      else Separate(ascii_);
    }
  }
  // Letters and digits of any script kept (lower-cased when fold), anything else a separator;
  // bytes that are not UTF-8 are separators too.
  void AddUtf8(std::string_view text, bool fold) {
    Separate(utf8_);
    auto p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
    while (left > 0) {
      utf8proc_int32_t cp = -1;
      utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
      if (n <= 0) {
        n = 1;
        cp = -1;
      }
      p += n;
      left -= n;
      if (cp < 0x80 ? (cp >= 0 && AsciiAlnum(static_cast<unsigned char>(cp))) : LetterOrDigit(cp)) {
        if (fold) cp = utf8proc_tolower(cp);
        utf8proc_uint8_t enc[4];
        const utf8proc_ssize_t len = utf8proc_encode_char(cp, enc);
        utf8_.append(reinterpret_cast<const char*>(enc), static_cast<size_t>(len));
      } else {
        Separate(utf8_);
      }
    }
  }
  static bool LetterOrDigit(utf8proc_int32_t cp) {
    switch (utf8proc_category(cp)) {
      case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
      case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
      case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
      case UTF8PROC_CATEGORY_NO:
        return true;
      default:
        return false;
    }
  }
  // Trims the '-' at either end and cuts to kExportNameMaxChars characters, back to the last
  // '-' within them when there is one (so that no word is cut in half).
  static void Cut(std::string& s, bool utf8) {
    while (!s.empty() && s.front() == '-') s.erase(0, 1);
    size_t chars = 0, end = s.size();
    for (size_t i = 0; i < s.size(); ++i) {
      if (utf8 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
      if (chars++ == kExportNameMaxChars) {
        end = i;
        break;
      }
    }
    if (end < s.size()) {
      const bool cut_in_word = s[end] != '-';
      s.resize(end);
      if (cut_in_word) {
        const size_t dash = s.rfind('-');
        if (dash != std::string::npos && dash > 0) s.resize(dash);
      }
    }
    while (!s.empty() && s.back() == '-') s.pop_back();
  }

  std::string ascii_, utf8_;
};

// "10to13" for a run of consecutive sessions, "5" for one.
std::string SessionRuns(std::vector<int> sessions) {
  std::sort(sessions.begin(), sessions.end());
  sessions.erase(std::unique(sessions.begin(), sessions.end()), sessions.end());
  std::string out;
  for (size_t i = 0; i < sessions.size();) {
    size_t j = i;
    while (j + 1 < sessions.size() && sessions[j + 1] == sessions[j] + 1) ++j;
    if (!out.empty()) out += '-';
    out += std::to_string(sessions[i]);
    if (j > i) out += "to" + std::to_string(sessions[j]);
    i = j + 1;
  }
  return out;
}

template <typename T, typename F>
void AddList(FileNameBuilder& b, std::string_view prefix, const std::vector<T>& values, F&& text) {
  if (values.empty()) return;
  if (!prefix.empty()) b.Add(prefix);
  for (const T& v : values) b.Add(text(v), /*fold=*/false);
}

}  // namespace

ExportFileName ExportFileNameFor(const SearchRequest& request, ExportFormat format) {
  const Filters& f = request.filters;
  FileNameBuilder b;
  const auto same = [](const std::string& s) { return s; };
  const auto number = [](int n) { return std::to_string(n); };
  const auto region = [](Region r) { return std::string(RegionCode(r)); };
  AddList(b, "", f.sur, same);
  AddList(b, "from", f.from, same);
  AddList(b, "", f.sur_region, region);
  AddList(b, "from", f.from_region, region);
  for (const std::string& t : f.themes) b.Add(t);
  if (!f.sessions.empty()) b.Add("session-" + SessionRuns(f.sessions));
  AddList(b, "cycle", f.cycles, number);
  AddList(b, "", f.responses, [](Response r) { return std::string(ResponseCode(r)); });
  AddList(b, "action", f.actions,
          [](int a) { return a == 0 ? std::string("unknown") : std::to_string(a); });
  if (!f.sur_orgs.empty()) b.Add("sur-org");
  for (const std::string& o : f.sur_orgs) b.Add(o);
  if (!f.from_orgs.empty()) b.Add("from-org");
  for (const std::string& o : f.from_orgs) b.Add(o);
  AddList(b, "sdg", f.sdgs, number);
  if (!request.query.empty()) b.Add(request.query);
  return b.Take(format);
}

Result<int64_t> ExportRecommendationsXlsx(store::Store& store, const SearchRequest& request,
                                          const std::string& path, const ExportOptions& options,
                                          const std::string& temp_dir) {
  auto ids = MatchingIds(store, request);
  if (!ids.ok()) return ids.status();
  return WriteXlsx(store, *ids, path, options.base_url, temp_dir);
}

Result<int64_t> ExportRecommendations(store::Store& store, const SearchRequest& request,
                                      ExportFormat format, std::ostream& out,
                                      const ExportOptions& options, const std::string& temp_dir) {
  auto ids = MatchingIds(store, request);
  if (!ids.ok()) return ids.status();

  if (format == ExportFormat::kXlsx) {
    // libxlsxwriter writes files only: build the workbook aside, then copy it to out.
    OPENUPR_RETURN_IF_ERROR(
        CheckExportSize(ExportFormat::kXlsx, static_cast<int64_t>(ids->size())));
    auto file = TempFile::Create(temp_dir, ".xlsx");
    if (!file.ok()) return file.status();
    auto written = WriteXlsx(store, *ids, (*file)->path(), options.base_url, temp_dir);
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
    if (options.bom) buf += kUtf8Bom;
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
        CsvRow(r, options.base_url, buf);
      } else {
        buf += first ? "\n" : ",\n";
        nlohmann::json j = RecommendationToJson(r);
        j["source"]["file"] = FileNameOf(r.provenance.source_file);
        j["link"] = RecommendationUrl(options.base_url, r);
        buf += j.dump();
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

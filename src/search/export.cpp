#include "search/export.h"

#include "core/csv_write.h"
#include "core/json.h"
#include "core/states.h"

namespace openupr::search {

const char* const kExportColumns[] = {
    "id",          "sur",         "sur_name",   "sur_region", "from",        "from_name",
    "from_region", "session",     "cycle",      "response",   "response_raw", "action",
    "themes",      "sdgs",        "text",       "sur_orgs",   "from_orgs",   "source_file",
    "source_line", "duplicate_of", nullptr};

namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
  return s;
}

void CsvRow(const Recommendation& r, std::string& line) {
  const StateInfo* sur = FindStateByIso3(r.sur);
  std::vector<std::string> from, from_name, from_region;
  for (const auto& f : r.from) {
    const StateInfo* s = f.iso3.empty() ? nullptr : FindStateByIso3(f.iso3);
    from.push_back(f.iso3);
    from_name.push_back(s ? s->un_name : f.raw_name);
    from_region.push_back(s ? std::string(RegionCode(s->region)) : "");
  }
  const std::string fields[] = {
      std::to_string(r.id),
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
  bool first = true;
  for (const std::string& f : fields) {
    if (!first) line += ',';
    first = false;
    AppendCsvField(line, f);
  }
  line += "\r\n";
}

}  // namespace

Result<int64_t> ExportRecommendations(store::Store& store, const SearchRequest& request,
                                      ExportFormat format, std::ostream& out) {
  SearchRequest all = request;
  all.limit = 0;
  all.offset = 0;
  auto found = SqlSearch(store, all);
  if (!found.ok()) return found.status();
  std::vector<int64_t> ids;
  ids.reserve(found->hits.size());
  for (const auto& h : found->hits) ids.push_back(h.id);

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
  constexpr size_t kChunk = 1000;
  bool first = true;
  for (size_t b = 0; b < ids.size(); b += kChunk) {
    auto recs = store.GetRecommendations(
        std::span<const int64_t>(ids).subspan(b, std::min(kChunk, ids.size() - b)));
    if (!recs.ok()) return recs.status();
    for (const Recommendation& r : *recs) {
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
  }
  if (format == ExportFormat::kJson) buf += first ? "]\n" : "\n]\n";
  out << buf;
  out.flush();
  if (!out) return Status::Io("write error while exporting");
  return static_cast<int64_t>(ids.size());
}

}  // namespace openupr::search

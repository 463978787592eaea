#include "core/about.h"

#include <algorithm>
#include <vector>

namespace openupr {

// The data source behind each input format of ingest/ (docs/formats.md). Kept here, beside the
// version, so that the API and the CLI cite it the same way.
std::string SourceName(const std::string& format) {
  if (format == "upr-info")
    return "UPR Info, Database of UPR Recommendations and Voluntary Pledges (export)";
  return format;
}

std::string Citation(std::span<const std::string> source_formats, std::string_view imported_at) {
  std::string text =
      "OpenUPR " + std::string(Version()) + ", the record of the UN Universal Periodic Review";
  std::vector<std::string> sources;
  for (const std::string& f : source_formats) {
    std::string name = SourceName(f);
    if (std::find(sources.begin(), sources.end(), name) == sources.end())
      sources.push_back(std::move(name));
  }
  if (!sources.empty()) {
    text += ". Data: ";
    for (size_t i = 0; i < sources.size(); ++i) text += (i ? "; " : "") + sources[i];
  }
  if (imported_at.size() >= 10) text += ", imported " + std::string(imported_at.substr(0, 10));
  return text + ".";
}

}  // namespace openupr

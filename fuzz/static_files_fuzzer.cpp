// Fuzz target: what a GET for the web app's files reads from the request (server/static_files.h,
// StaticSite::Lookup): the URL path and the Accept-Encoding and If-None-Match headers. The input
// is "PATH\nACCEPT-ENCODING\nIF-NONE-MATCH". Whatever they hold: the answer is 200, 304 or 404;
// nothing under /api/ is served; gzip is sent only to a client that accepts it; a 200 carries a
// file of the table.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/static_files.h"

namespace {

using openupr::server::StaticFile;
using openupr::server::StaticSite;

const std::string kIndex = "<!doctype html><title>OpenUPR</title><script src=/assets/"
                           "app-1b2c.js></script>" + std::string(2000, ' ');
const std::string kScript = "console.log('OpenUPR');" + std::string(2000, ';');
constexpr std::string_view kIcon = "<svg xmlns='http://www.w3.org/2000/svg'/>";

const StaticSite& Site() {
  static const std::vector<StaticFile> files = {
      {"/index.html", "", kIndex, false},
      {"/assets/app-1b2c.js", "", kScript, false},
      {"/favicon.svg", "", kIcon, false},
  };
  static const std::unique_ptr<StaticSite> site = [] {
    auto built = StaticSite::Build(files);
    if (!built.ok()) std::abort();
    return std::move(built).value();
  }();
  return *site;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view parts[3];
  for (auto& part : parts) {
    const size_t nl = input.find('\n');
    part = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
  }
  const auto& [path, accept, if_none_match] = parts;
  const auto r = Site().Lookup(path, accept, if_none_match);
  if (r.status != 200 && r.status != 304 && r.status != 404) std::abort();
  if (path.rfind("/api/", 0) == 0 && r.status != 404) std::abort();
  if (r.gzip && !openupr::server::AcceptsGzip(accept)) std::abort();
  if (r.status == 200 && !r.gzip && r.body != kIndex && r.body != kScript && r.body != kIcon)
    std::abort();
  return 0;
}

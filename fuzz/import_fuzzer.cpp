// Fuzz target: a whole input file as `openupr import` takes it (ingest::ParseImportFile, the
// parse that ImportFiles runs on each file before storing it): encoding and line-end detection
// (or the user's forced choice), decoding, CSV reading (libcsv), the UPR Info header and every
// row, duplicate keys. The first byte picks the options (a forced encoding or line ends, skipping
// unknown states); the rest is the file. Whatever the bytes: every problem is reported with the
// file's name, and a file without errors accounts for each of its rows.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/dup_key.h"
#include "ingest/importer.h"

namespace {

using openupr::ingest::Encoding;
using openupr::ingest::LineEnds;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "import: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t pick = data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  openupr::ingest::ImportOptions options;
  if (pick & 0x04) {
    constexpr Encoding kEncodings[] = {Encoding::kUtf8, Encoding::kUtf8Bom, Encoding::kMacRoman,
                                       Encoding::kWindows1252};
    options.encoding = kEncodings[pick & 0x03];
  }
  if (pick & 0x20) {
    constexpr LineEnds kLineEnds[] = {LineEnds::kCr, LineEnds::kLf, LineEnds::kCrLf,
                                      LineEnds::kMixed};
    options.line_ends = kLineEnds[(pick >> 3) & 0x03];
  }
  options.skip_unknown_states = pick & 0x40;

  openupr::ingest::FileReport report;
  report.path = "fuzz.csv";
  int64_t batched = 0;
  const openupr::ingest::RecommendationSink sink{
      7, [&](std::vector<openupr::Recommendation>&& batch) {
        for (const auto& r : batch) (void)openupr::RecommendationKey(r);
        batched += static_cast<int64_t>(batch.size());
      }};
  auto rest = openupr::ingest::ParseImportFile(bytes, options, report, sink, [] { return true; });
  for (const auto& p : rest.pledges) (void)openupr::PledgeKey(p);
  for (const auto& list : {report.errors, report.warnings})
    for (const auto& issue : list)
      if (issue.file != "fuzz.csv" || issue.message.empty() ||
          issue.ToString().rfind("fuzz.csv", 0) != 0)
        Fail("an issue that does not name the file: " + issue.ToString());
  if (batched != report.recommendations) Fail("the sink's rows and the report disagree");
  if (report.errors.empty() &&
      report.rows != report.recommendations + report.pledges + report.skipped)
    Fail("rows unaccounted for: " + std::to_string(report.rows) + " rows, " +
         std::to_string(report.recommendations) + " recommendations, " +
         std::to_string(report.pledges) + " pledges, " + std::to_string(report.skipped) +
         " skipped");
  return 0;
}

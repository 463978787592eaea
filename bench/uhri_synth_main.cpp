// openupr_uhri_synth: writes a synthetic UHRI export (bench/uhri_synth.h) for the benchmarks of
// its import.
//   openupr_uhri_synth --records 250000 --json uhri.json [--xlsx uhri.xlsx] [--seed 1]
//                      [--version 2 --changed 0.1] [--data ../shared/data]
// Exit codes as the openupr CLI: 0 ok, 1 internal, 2 usage, 3 bad input, 4 not found, 5 I/O.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "bench/uhri_synth.h"

namespace {

int ExitCode(openupr::StatusCode code) {
  switch (code) {
    case openupr::StatusCode::kOk:
      return 0;
    case openupr::StatusCode::kInvalidArgument:
      return 2;
    case openupr::StatusCode::kBadInput:
      return 3;
    case openupr::StatusCode::kNotFound:
      return 4;
    case openupr::StatusCode::kIo:
      return 5;
    case openupr::StatusCode::kConflict:
      return 6;
    case openupr::StatusCode::kInternal:
      return 1;
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  openupr::bench::UhriSynthOptions options;
  std::string data_dir = OPENUPR_SHARED_DATA;
  if (const char* d = std::getenv("OPENUPR_DATA_DIR"); d && *d) data_dir = d;
  CLI::App app{
      "Writes a synthetic UHRI export (JSON, optionally XLSX) resampled from the real "
      "UPR record"};
  app.add_option("--records,-n", options.records,
                 "How many records (version 2: those of version 1, less 1% removed, plus 2% new)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--json", options.json_path, "The JSON export to write")->required();
  app.add_option("--xlsx", options.xlsx_path, "The same records as an XLSX workbook");
  app.add_option("--seed", options.seed, "Random seed (the same seed gives the same records)")
      ->capture_default_str();
  app.add_option("--version", options.version,
                 "1, or 2: the newer export of version 1 of the same seed")
      ->capture_default_str()
      ->check(CLI::Range(1, 2));
  app.add_option("--changed", options.changed,
                 "Version 2: share of the records whose Text and Themes change")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--data", data_dir,
                 "The shared data (upr-info/, sdg/); default $OPENUPR_DATA_DIR or the build's")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto source = openupr::bench::LoadUhriSynthSource(data_dir);
  if (!source.ok()) {
    std::fprintf(stderr, "openupr_uhri_synth: %s\n", source.status().ToString().c_str());
    return ExitCode(source.status().code());
  }
  int last_tenth = 0;
  options.progress = [&](int64_t done, int64_t total) {
    const int tenth = static_cast<int>(done * 10 / total);
    if (tenth == last_tenth) return;
    last_tenth = tenth;
    std::fprintf(stderr, "%lld / %lld records (%d%%)\n", static_cast<long long>(done),
                 static_cast<long long>(total), tenth * 10);
  };
  auto report = openupr::bench::WriteUhriSynth(options, *source);
  if (!report.ok()) {
    std::fprintf(stderr, "openupr_uhri_synth: %s\n", report.status().ToString().c_str());
    return ExitCode(report.status().code());
  }
  std::printf(
      "%lld records (%lld UPR, %lld treaty bodies, %lld special procedures) resampled from %zu "
      "texts: %s %.1f MB",
      static_cast<long long>(report->records), static_cast<long long>(report->upr),
      static_cast<long long>(report->treaty_body),
      static_cast<long long>(report->special_procedure), source->texts.size(),
      options.json_path.c_str(), report->json_bytes / 1e6);
  if (!options.xlsx_path.empty())
    std::printf(", %s %.1f MB", options.xlsx_path.c_str(), report->xlsx_bytes / 1e6);
  std::printf(" in %.1f s\n", report->seconds);
  if (options.version == 2)
    std::printf("version 2: %lld changed, %lld removed, %lld new\n",
                static_cast<long long>(report->changed), static_cast<long long>(report->removed),
                static_cast<long long>(report->added));
  return 0;
}

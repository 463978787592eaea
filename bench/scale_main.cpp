// openupr-scale: writes a synthetic OpenUPR database of N recommendations resampled from a real
// one (bench/scale_data.h), for benchmarks at scale.
//   openupr-scale --from real.db --out big.db --records 1000000 [--seed 42] [--splice 0.5]
//                 [--vote-copies 10] [--vote-noise 0.1]
// Exit codes as the openupr CLI: 0 ok, 1 internal, 2 usage, 3 bad input, 4 not found, 5 I/O.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "bench/scale_data.h"

namespace {

int ExitCode(openupr::StatusCode code) {
  switch (code) {
    case openupr::StatusCode::kOk: return 0;
    case openupr::StatusCode::kInvalidArgument: return 2;
    case openupr::StatusCode::kBadInput: return 3;
    case openupr::StatusCode::kNotFound: return 4;
    case openupr::StatusCode::kIo: return 5;
    case openupr::StatusCode::kConflict: return 6;
    case openupr::StatusCode::kInternal: return 1;
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  openupr::bench::ScaleOptions options;
  CLI::App app{"Writes a synthetic OpenUPR database of N recommendations resampled from a real one"};
  app.add_option("--from", options.source_path, "The real OpenUPR database to resample")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--out", options.output_path, "The database to write")->required();
  app.add_option("--records,-n", options.records, "How many recommendations to write")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", options.seed, "Random seed (the same seed gives the same database)")
      ->capture_default_str();
  app.add_option("--splice", options.splice,
                 "Share of records whose text joins clauses of two real records of one theme")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--vote-copies", options.vote_copies,
                 "The Council's roll calls: 1 copies them as they are, N writes each N times "
                 "(copies with perturbed votes), 0 none")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--vote-noise", options.vote_noise,
                 "Share of the votes of each copied roll call changed to another of yes/no/abstain")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_flag("--force", options.overwrite, "Replace the output database if it exists");
  CLI11_PARSE(app, argc, argv);

  int last_tenth = 0;
  options.progress = [&](const std::string& phase, int64_t done, int64_t total) {
    if (phase == "writing") {
      const int tenth = static_cast<int>(done * 10 / total);
      if (tenth == last_tenth) return;
      last_tenth = tenth;
      std::fprintf(stderr, "writing: %lld / %lld records (%d%%)\n", static_cast<long long>(done),
                   static_cast<long long>(total), tenth * 10);
    } else if (phase != "done") {
      std::fprintf(stderr, "%s...\n", phase.c_str());
    }
  };
  auto report = openupr::bench::GenerateScaledDatabase(options);
  if (!report.ok()) {
    std::fprintf(stderr, "openupr-scale: %s\n", report.status().ToString().c_str());
    return ExitCode(report.status().code());
  }
  std::printf(
      "%lld recommendations (%lld with spliced texts) resampled from %lld in %s: %.1f s "
      "(rows %.1f s, full-text index %.1f s)\n",
      static_cast<long long>(report->records), static_cast<long long>(report->spliced),
      static_cast<long long>(report->source_records), options.output_path.c_str(),
      report->seconds, report->write_seconds, report->index_seconds);
  if (report->resolutions > 0)
    std::printf("%lld resolutions, %lld country votes (%lld changed in the copies)\n",
                static_cast<long long>(report->resolutions), static_cast<long long>(report->votes),
                static_cast<long long>(report->votes_changed));
  return 0;
}

// Reading UHRI's XLSX export (ingest/uhri_xlsx.h, issue 17): a synthetic export of 250,000
// records (bench/uhri_synth.h, ~360 MB as JSON, ~100 MB as a workbook) read into records, and
// the XLSX reader underneath streaming the same sheet's cells, against reading the whole workbook
// into memory first (what ReadXlsx did before the streaming API). Peak memory is the process's
// (getrusage), so the streaming benchmarks run first.
//
//   build/bench/openupr_uhri_xlsx_bench                      # writes the workbook first (~30 s)
//   OPENUPR_UHRI_XLSX=uhri.xlsx build/bench/openupr_uhri_xlsx_bench   # an existing one
//   OPENUPR_UHRI_RECORDS=50000 build/bench/openupr_uhri_xlsx_bench    # another size
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench/uhri_synth.h"
#include "ingest/uhri_xlsx.h"
#include "ingest/xlsx_reader.h"

namespace {

namespace fs = std::filesystem;
using openupr::ingest::XlsxCell;
using openupr::ingest::XlsxSheetInfo;

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// The workbook: $OPENUPR_UHRI_XLSX, or written once into a temporary folder (removed at exit).
class Workbook {
 public:
  Workbook() {
    if (const char* p = std::getenv("OPENUPR_UHRI_XLSX"); p && *p) {
      path_ = p;
      return;
    }
    dir_ = fs::temp_directory_path() / ("openupr-uhri-bench-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    std::string data = OPENUPR_SHARED_DATA;
    if (const char* d = std::getenv("OPENUPR_DATA_DIR"); d && *d) data = d;
    auto source = openupr::bench::LoadUhriSynthSource(data);
    if (!source.ok()) {
      error_ = source.status().ToString();
      return;
    }
    openupr::bench::UhriSynthOptions options;
    if (const char* n = std::getenv("OPENUPR_UHRI_RECORDS"); n && *n)
      options.records = std::atoll(n);
    options.json_path = (dir_ / "uhri.json").string();
    options.xlsx_path = (dir_ / "uhri.xlsx").string();
    std::fprintf(stderr, "writing %lld synthetic records to %s...\n",
                 static_cast<long long>(options.records), options.xlsx_path.c_str());
    auto report = openupr::bench::WriteUhriSynth(options, *source);
    if (!report.ok()) {
      error_ = report.status().ToString();
      return;
    }
    fs::remove(options.json_path);
    path_ = options.xlsx_path;
  }
  ~Workbook() {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  fs::path dir_;
  std::string path_;
  std::string error_;
};

const Workbook& TheWorkbook() {
  static const Workbook book;
  return book;
}

// The limits of a UHRI export for the XLSX reader's own benchmarks (the sheet part is ~450 MB).
openupr::ingest::XlsxLimits Limits() { return openupr::ingest::UhriXlsxLimits(); }

void BM_UhriXlsx_Read(benchmark::State& state) {
  const Workbook& book = TheWorkbook();
  if (!book.error().empty()) return state.SkipWithError(book.error().c_str());
  int64_t records = 0, text_bytes = 0;
  for (auto _ : state) {
    records = text_bytes = 0;
    openupr::ingest::UhriXlsxStats stats;
    const openupr::Status st = openupr::ingest::ReadUhriXlsxFile(
        book.path(),
        [&](std::vector<openupr::UhriRecord>&& batch) {
          for (const auto& r : batch) text_bytes += static_cast<int64_t>(r.text.size());
          records += static_cast<int64_t>(batch.size());
          return true;
        },
        &stats);
    if (!st.ok()) return state.SkipWithError(st.ToString().c_str());
  }
  state.counters["records"] = static_cast<double>(records);
  state.counters["records_per_s"] = benchmark::Counter(
      static_cast<double>(records), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["file_MB"] = static_cast<double>(fs::file_size(book.path())) / 1e6;
  state.counters["text_MB"] = static_cast<double>(text_bytes) / 1e6;
  state.counters["peak_rss_MB"] = PeakRssMb();
}
BENCHMARK(BM_UhriXlsx_Read)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

// The cells only, streamed: what the UHRI mapping adds on top of the XLSX reader.
void BM_Xlsx_StreamCells(benchmark::State& state) {
  const Workbook& book = TheWorkbook();
  if (!book.error().empty()) return state.SkipWithError(book.error().c_str());
  int64_t cells = 0;
  for (auto _ : state) {
    cells = 0;
    openupr::ingest::XlsxRowSink sink;
    sink.row = [&](const XlsxSheetInfo&, uint32_t, std::span<XlsxCell> row) {
      cells += static_cast<int64_t>(row.size());
      return true;
    };
    const openupr::Status st = openupr::ingest::StreamXlsxFile(book.path(), sink, Limits());
    if (!st.ok()) return state.SkipWithError(st.ToString().c_str());
  }
  state.counters["cells"] = static_cast<double>(cells);
  state.counters["peak_rss_MB"] = PeakRssMb();
}
BENCHMARK(BM_Xlsx_StreamCells)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

// The alternative: the whole workbook in memory, then the cells.
void BM_Xlsx_WholeWorkbook(benchmark::State& state) {
  const Workbook& book = TheWorkbook();
  if (!book.error().empty()) return state.SkipWithError(book.error().c_str());
  size_t cells = 0;
  for (auto _ : state) {
    auto whole = openupr::ingest::ReadXlsxFile(book.path(), Limits());
    if (!whole.ok()) return state.SkipWithError(whole.status().ToString().c_str());
    cells = whole->sheets.empty() ? 0 : whole->sheets[0].cells.size();
  }
  state.counters["cells"] = static_cast<double>(cells);
  state.counters["peak_rss_MB"] = PeakRssMb();
}
BENCHMARK(BM_Xlsx_WholeWorkbook)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

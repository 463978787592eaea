// OHCHR's Universal Human Rights Index at its real size (issue 17): a synthetic export of
// 250,000 records (~360 MB of JSON, bench/uhri_synth.h) imported by a fresh `openupr import`
// process into a new database (wall time and the process's peak memory: targets < 15 s and
// < 1 GB on 2 cores), the newer export of the same records imported over it (updates in place),
// then the faceted queries across all mechanisms on the index built from that database
// (engine/observations.h), beside the same kind of query on the UPR engine over the real record
// (engine/index.h), which is what "as fast as it answers UPR queries today" is measured against;
// and UPR Info's CSV files with the export in one command (BM_UhriImport_WithUprInfo).
//
//   build/bench/openupr_uhri_import_bench                     # writes the exports first (~5 s)
//   OPENUPR_UHRI_RECORDS=50000 build/bench/openupr_uhri_import_bench   # another size
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench/real_data.h"
#include "bench/scale_data.h"
#include "bench/uhri_synth.h"
#include "engine/index.h"
#include "engine/observations.h"
#include "store/store.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

// The two exports (written once into a temporary folder, removed at exit) and the database the
// first import made.
class Exports {
 public:
  Exports() {
    dir_ = fs::temp_directory_path() / ("openupr-uhri-import-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    data_ = OPENUPR_SHARED_DATA;
    if (const char* d = std::getenv("OPENUPR_DATA_DIR"); d && *d) data_ = d;
    auto source = openupr::bench::LoadUhriSynthSource(data_);
    if (!source.ok()) {
      error_ = source.status().ToString();
      return;
    }
    for (int version : {1, 2}) {
      openupr::bench::UhriSynthOptions options;
      if (const char* n = std::getenv("OPENUPR_UHRI_RECORDS"); n && *n)
        options.records = std::atoll(n);
      options.version = version;
      options.json_path = (dir_ / ("uhri-v" + std::to_string(version) + ".json")).string();
      auto report = openupr::bench::WriteUhriSynth(options, *source);
      if (!report.ok()) {
        error_ = report.status().ToString();
        return;
      }
      (version == 1 ? v1_ : v2_) = options.json_path;
      if (version == 1) records_ = options.records;
    }
  }
  ~Exports() { fs::remove_all(dir_); }
  const std::string& error() const { return error_; }
  const std::string& v1() const { return v1_; }
  const std::string& v2() const { return v2_; }
  std::string db() const { return (dir_ / "uhri.db").string(); }
  std::string mixed_db() const { return (dir_ / "mixed.db").string(); }
  // UPR Info's CSV files of the real record.
  std::vector<std::string> upr_info() const {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(data_ + "/upr-info"))
      if (entry.path().filename().string().starts_with("sessions-"))
        files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
  }
  int64_t records() const { return records_; }

 private:
  fs::path dir_;
  std::string data_, error_, v1_, v2_;
  int64_t records_ = 0;
};

Exports& TheExports() {
  static Exports exports;
  return exports;
}

// Runs `openupr --db db -q import files...`; returns false on failure. *peak_mb: the child's peak
// RSS.
bool RunImport(const std::string& db, const std::vector<std::string>& files, double* peak_mb) {
  std::vector<std::string> args = {OPENUPR_BINARY, "--db", db, "-q", "import"};
  args.insert(args.end(), files.begin(), files.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const bool started = posix_spawn(&pid, argv[0], &quiet, nullptr, argv.data(), environ) == 0;
  posix_spawn_file_actions_destroy(&quiet);
  if (!started) return false;
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  *peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void BM_UhriImport_NewDatabase(benchmark::State& state) {
  Exports& e = TheExports();
  if (!e.error().empty()) return state.SkipWithError(e.error().c_str());
  double peak = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (const char* ext : {"", "-wal", "-shm", ".engine"}) fs::remove(e.db() + ext);
    state.ResumeTiming();
    if (!RunImport(e.db(), {e.v1()}, &peak)) return state.SkipWithError("openupr import failed");
  }
  state.counters["records"] = static_cast<double>(e.records());
  state.counters["MB"] = static_cast<double>(fs::file_size(e.v1())) / 1e6;
  state.counters["peak_MB"] = peak;
}

void BM_UhriImport_NewerExport(benchmark::State& state) {
  Exports& e = TheExports();
  if (!e.error().empty()) return state.SkipWithError(e.error().c_str());
  const std::string copy = e.db() + ".v1";
  double peak = 0;
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove(copy);
    fs::copy_file(e.db(), copy);
    state.ResumeTiming();
    if (!RunImport(copy, {e.v2()}, &peak)) return state.SkipWithError("openupr import failed");
  }
  state.counters["peak_MB"] = peak;
}

// UPR Info's four CSV files and the export in one command (`openupr import sessions-*.csv
// uhri.json`) into a new database: the CSV files' bulk load, then the UHRI records matched to
// the recommendations just written (with the indexes the load dropped rebuilt first).
void BM_UhriImport_WithUprInfo(benchmark::State& state) {
  Exports& e = TheExports();
  if (!e.error().empty()) return state.SkipWithError(e.error().c_str());
  std::vector<std::string> files = e.upr_info();
  if (files.empty()) return state.SkipWithError("no UPR Info CSV files");
  files.push_back(e.v1());
  double peak = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (const char* ext : {"", "-wal", "-shm", ".engine"}) fs::remove(e.mixed_db() + ext);
    state.ResumeTiming();
    if (!RunImport(e.mixed_db(), files, &peak)) return state.SkipWithError("openupr import failed");
  }
  state.counters["peak_MB"] = peak;
}

std::shared_ptr<openupr::engine::ObservationIndex> ObservationIndex() {
  static std::shared_ptr<openupr::engine::ObservationIndex> index = [] {
    Exports& e = TheExports();
    double peak = 0;
    if (!fs::exists(e.db()) && !RunImport(e.db(), {e.v1()}, &peak)) return decltype(index)();
    auto store = openupr::store::Store::Open(e.db(), openupr::store::OpenMode::kExisting);
    if (!store.ok()) return decltype(index)();
    const auto t0 = std::chrono::steady_clock::now();
    auto built = openupr::engine::ObservationIndex::Build(**store);
    if (!built.ok()) return decltype(index)();
    std::fprintf(stderr, "observations index: %lld records built in %.2f s, %.0f MB\n",
                 static_cast<long long>((*built)->size()),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                 static_cast<double>((*built)->MemoryBytes()) / 1e6);
    return std::shared_ptr<openupr::engine::ObservationIndex>(std::move(built).value());
  }();
  return index;
}

const std::vector<std::string> kAllFacets(std::begin(openupr::engine::kObservationFacets),
                                          std::end(openupr::engine::kObservationFacets));

// Arg: 0 every record, 1 one state, 2 one state + theme + since 2015 (the question),
// 3 words, 4 a phrase, 5 treaty bodies since 2015.
void BM_Observations_Faceted(benchmark::State& state) {
  auto ix = ObservationIndex();
  if (!ix) return state.SkipWithError("no index");
  openupr::engine::ObservationFilter f;
  switch (state.range(0)) {
    case 1:
      f.states = {"PER"};
      break;
    case 2:
      f.states = {"PER"};
      f.themes = {"Rights of the Child"};
      f.year_from = 2015;
      break;
    case 3:
      f.query = "child labour";
      break;
    case 4:
      f.query = "\"torture and other\"";
      break;
    case 5:
      f.mechanisms = {openupr::Mechanism::kTreatyBody};
      f.year_from = 2015;
      break;
    default:
      break;
  }
  // Second arg: 9 every facet, 0 none (the selection and its page alone), 5 as many as the UPR
  // engine's query below counts (state, body, theme, year, mechanism: the counterparts of sur,
  // from, theme, session, response).
  static const std::vector<std::string> kFiveFacets = {"state", "body", "theme", "year",
                                                       "mechanism"};
  static const std::vector<std::string> kNoFacets;
  const std::vector<std::string>& facets = state.range(1) == 5   ? kFiveFacets
                                           : state.range(1) == 0 ? kNoFacets
                                                                 : kAllFacets;
  int64_t total = 0;
  for (auto _ : state) {
    auto r = ix->Search(f, 0, 20, facets, 20);
    if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
    total = r->total;
    benchmark::DoNotOptimize(r);
  }
  state.counters["total"] = static_cast<double>(total);
}

// The UPR engine, five facets, the same kinds of selection: what users get from the
// recommendations' search today, over the real record (33,082) and over as many recommendations
// as the observations' index holds (openupr-scale from the real record: bench/scale_data.h).
const openupr::engine::Index* RecommendationIndex(bool scaled) {
  static openupr::bench::RealData data("uhri-import-bench", /*index=*/true);
  if (!scaled) return data.index();
  static std::unique_ptr<openupr::engine::Index> index =
      []() -> std::unique_ptr<openupr::engine::Index> {
    Exports& e = TheExports();
    if (!data.store() || !e.error().empty()) return nullptr;
    openupr::bench::ScaleOptions options;
    options.source_path = data.store()->path();
    options.output_path = (fs::path(e.db()).parent_path() / "upr-scaled.db").string();
    options.records = e.records();
    options.vote_copies = 0;
    options.overwrite = true;
    if (!openupr::bench::GenerateScaledDatabase(options).ok()) return nullptr;
    auto store =
        openupr::store::Store::Open(options.output_path, openupr::store::OpenMode::kExisting);
    if (!store.ok()) return nullptr;
    auto built = openupr::engine::Index::Build(**store);
    if (!built.ok()) return nullptr;
    return std::move(built).value();
  }();
  return index.get();
}

// Args: the query (as BM_Observations_Faceted's: 0 every record, 1 one state, 3 words, 4 a
// phrase), then 0 the real record or 1 as many records as the observations.
void BM_Recommendations_Faceted(benchmark::State& state) {
  const openupr::engine::Index* index = RecommendationIndex(state.range(1) == 1);
  if (!index) return state.SkipWithError("no index of recommendations");
  openupr::search::SearchRequest req;
  req.limit = 20;
  if (state.range(0) == 1) req.filters.sur = {"PER"};
  if (state.range(0) == 3) req.query = "child labour";
  if (state.range(0) == 4) req.query = "\"torture and other\"";
  using D = openupr::analytics::Dimension;
  const D fields[] = {D::kSur, D::kFrom, D::kTheme, D::kSession, D::kResponse};
  int64_t total = 0;
  for (auto _ : state) {
    auto r = index->SearchFaceted(req, fields, 20, openupr::analytics::FacetScope::kDisjunctive);
    if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
    total = r->search.total;
    benchmark::DoNotOptimize(r);
  }
  state.counters["total"] = static_cast<double>(total);
}

BENCHMARK(BM_UhriImport_NewDatabase)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);
BENCHMARK(BM_UhriImport_NewerExport)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);
BENCHMARK(BM_UhriImport_WithUprInfo)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);
BENCHMARK(BM_Observations_Faceted)
    ->ArgsProduct({{0, 1, 2, 3, 4, 5}, {9, 5, 0}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Recommendations_Faceted)
    ->ArgsProduct({{0, 1, 3, 4}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

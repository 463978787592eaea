// BM_Import_RealFiles: end-to-end import of the real UPR Info export (four session files and the
// pledges file) into a fresh SQLite database, committed: read, detect, decode, parse, store,
// full-text index. Reports MB/s of input. Data: $OPENUPR_DATA_DIR or ../shared/data.
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ingest/importer.h"
#include "store/store.h"

namespace {

std::string DataDir() {
  if (const char* d = std::getenv("OPENUPR_DATA_DIR"); d && *d) return d;
  return OPENUPR_SHARED_DATA;
}

std::vector<std::string> RealFiles(bool with_pledges) {
  const std::string dir = DataDir() + "/upr-info/";
  std::vector<std::string> files = {dir + "sessions-01-05.csv", dir + "sessions-06-09.csv",
                                    dir + "sessions-10-13.csv", dir + "sessions-14-17.csv"};
  if (with_pledges) files.push_back(dir + "voluntary-pledges.csv");
  return files;
}

void RunImport(benchmark::State& state, bool with_pledges) {
  namespace fs = std::filesystem;
  const auto files = RealFiles(with_pledges);
  uint64_t bytes = 0;
  for (const auto& f : files) bytes += fs::file_size(f);
  const fs::path dir = fs::temp_directory_path() / ("openupr-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  int64_t rows = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const fs::path db = dir / "bench.db";
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db.string() + ext);
    state.ResumeTiming();
    auto store = openupr::store::Store::Open(db.string());
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      break;
    }
    auto report = openupr::ingest::ImportFiles(**store, files, {});
    if (!report.status.ok()) {
      state.SkipWithError(report.status.ToString().c_str());
      break;
    }
    store->reset();  // closes the database: the WAL is checkpointed inside the timing
    rows = report.added;
  }
  fs::remove_all(dir);
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["MB/s"] = benchmark::Counter(static_cast<double>(bytes) / 1e6 * state.iterations(),
                                              benchmark::Counter::kIsRate);
}

// The user's view: a fresh `openupr import` process per iteration (process start, first-touch
// memory, commit and close included). The in-process runs above reuse a warm heap.
void BM_Import_CliProcess_RealFiles(benchmark::State& state) {
  namespace fs = std::filesystem;
  const auto files = RealFiles(false);
  uint64_t bytes = 0;
  std::vector<std::string> args = {OPENUPR_BINARY, "--db", "", "-q", "import"};
  for (const auto& f : files) {
    bytes += fs::file_size(f);
    args.push_back(f);
  }
  const fs::path dir =
      fs::temp_directory_path() / ("openupr-bench-cli-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string db = (dir / "bench.db").string();
  args[2] = db;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t quiet;  // the import's report is not what is measured
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  for (auto _ : state) {
    state.PauseTiming();
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db + ext);
    state.ResumeTiming();
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], &quiet, nullptr, argv.data(), environ) != 0) {
      state.SkipWithError("cannot start openupr");
      break;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      state.SkipWithError("openupr import failed");
      break;
    }
  }
  posix_spawn_file_actions_destroy(&quiet);
  fs::remove_all(dir);
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
  state.counters["MB/s"] = benchmark::Counter(static_cast<double>(bytes) / 1e6 * state.iterations(),
                                              benchmark::Counter::kIsRate);
}

void BM_Import_RealFiles(benchmark::State& state) { RunImport(state, false); }
void BM_Import_RealFilesWithPledges(benchmark::State& state) { RunImport(state, true); }

BENCHMARK(BM_Import_RealFiles)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);
BENCHMARK(BM_Import_RealFilesWithPledges)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);
BENCHMARK(BM_Import_CliProcess_RealFiles)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);

}  // namespace

BENCHMARK_MAIN();

// BM_UhriJson_File: the UHRI JSON reader (ingest/uhri_json.h) on a synthetic export of UHRI's
// size, 250,000 records in about 360 MB, read from a file in 4 MiB chunks with a sink that only
// counts: the parse alone, on one core (issue 17's target: >= 300 MB/s; the import as a whole,
// store included, must take < 15 s). The export is made of the hand-written fixture's 12 records
// (tests/data/uhri/export-v1.json), each repeated with a fresh AnnotationId and its Text padded
// with a paragraph of words and entities to UHRI's average record size (~1,440 bytes). Its
// counters: records, peak resident memory of the process (bounded by the chunk, one record and
// the set of ids seen, whatever the file's size).
// BM_UhriJson_Chunk/N: the same reader over 20,000 of those records in memory, N-byte chunks.
// BM_HtmlToText: the Text reduction alone, on the same 20,000 texts.
// BM_Nlohmann_Records: what a C++ programmer would write instead, nlohmann::json::parse of each
// record (given already cut out, and no field read), for the ratio.
// Linked with jemalloc and its settings when the openupr binary is (as an import runs); the
// label allocator=jemalloc or glibc says which.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/html_text.h"
#include "ingest/uhri_json.h"

#ifdef OPENUPR_JEMALLOC
// The openupr binary's allocator settings (cli/main.cpp): the import runs under them.
extern "C" {
const char* malloc_conf = "thp:always,metadata_thp:always";
}
#endif

namespace {

using openupr::UhriRecord;
using openupr::ingest::ReadUhriJson;
using openupr::ingest::ReadUhriJsonFile;

constexpr int kRecords = 250000;
constexpr size_t kAverageRecordBytes = 1440;  // ~360 MB / 250,000
constexpr int kMemoryRecords = 20000;

// The raw JSON of each record of the fixture.
std::vector<std::string> FixtureRecords() {
  std::ifstream in(std::string(OPENUPR_TESTS_DIR) + "/data/uhri/export-v1.json", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string all = ss.str();
  std::vector<std::string> out;
  for (size_t at = 0; (at = all.find("\n  {", at)) != std::string::npos;) {
    const size_t end = all.find("\n  }", at);
    out.push_back(all.substr(at + 3, end + 4 - (at + 3)));
    at = end;
  }
  if (out.empty()) {
    std::fprintf(stderr, "uhri_json_bench: no records in the fixture\n");
    std::exit(1);
  }
  return out;
}

// Record i of the synthetic export: a fixture record, its id made from i, its Text padded.
class Synthesizer {
 public:
  Synthesizer() : records_(FixtureRecords()) {}

  std::string Record(int i) {
    std::string r = records_[static_cast<size_t>(i) % records_.size()];
    const size_t id_key = r.find("\"AnnotationId\": \"") + 17;
    const size_t id_end = r.find('"', id_key);
    char id[40];
    std::snprintf(id, sizeof id, "%08x-%04x-4%03x-8%03x-%012x", static_cast<unsigned>(i),
                  static_cast<unsigned>(i % 65536), i % 4096, (i * 7) % 4096, i * 31);
    r.replace(id_key, id_end - id_key, id);
    const size_t text = r.find("\"Text\": \"") + 9;
    // Lengths vary from half to one and a half times what is missing to the average size.
    const size_t missing = kAverageRecordBytes > r.size() ? kAverageRecordBytes - r.size() : 0;
    const size_t target = missing / 2 + Next() % (missing + 1);
    std::string pad = "<p>";
    while (pad.size() < target) {
      const uint32_t w = Next();
      pad += kWords[w % std::size(kWords)];
      pad += w % 37 == 0 ? " &amp; " : w % 41 == 0 ? " d&#8217;" : w % 29 == 0 ? ", " : " ";
    }
    pad += "</p>";
    r.insert(text, pad);
    return r;
  }

 private:
  uint32_t Next() {
    state_ = state_ * 1664525u + 1013904223u;
    return state_ >> 8;
  }
  static constexpr const char* kWords[] = {
      "the",       "Committee", "recommends",  "that",      "State",        "party",
      "ensure",    "children",  "protection",  "against",   "exploitation", "labour",
      "adopt",     "measures",  "rural",       "areas",     "indigenous",   "women",
      "girls",     "access",    "justice",     "education", "health",       "r\u00e9gion",
      "including", "effective", "legislation", "resources", "implement",    "national"};
  std::vector<std::string> records_;
  uint32_t state_ = 20261207;
};

// The synthetic export as a file in $TMPDIR, made once, removed at exit.
class SyntheticFile {
 public:
  SyntheticFile() {
    const char* tmp = std::getenv("TMPDIR");
    path_ = std::string(tmp && *tmp ? tmp : "/tmp") + "/openupr-uhri-bench-" +
            std::to_string(getpid()) + ".json";
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    if (!f) {
      std::perror(path_.c_str());
      std::exit(1);
    }
    Synthesizer s;
    std::fputs("[\n", f);
    for (int i = 0; i < kRecords; ++i) {
      const std::string r = s.Record(i);
      std::fwrite(r.data(), 1, r.size(), f);
      std::fputs(i + 1 < kRecords ? ",\n" : "\n", f);
    }
    std::fputs("]\n", f);
    bytes_ = static_cast<uint64_t>(std::ftell(f));
    std::fclose(f);
  }
  ~SyntheticFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }
  uint64_t bytes() const { return bytes_; }

 private:
  std::string path_;
  uint64_t bytes_ = 0;
};

const SyntheticFile& BigFile() {
  static const SyntheticFile file;
  return file;
}

struct MemoryExport {
  std::string json;                  // the array
  std::vector<std::string> records;  // each record's JSON
  std::vector<std::string> texts;    // each record's Text, as JSON decoded it
};

const MemoryExport& Memory() {
  static const MemoryExport m = [] {
    MemoryExport out;
    Synthesizer s;
    out.json = "[";
    for (int i = 0; i < kMemoryRecords; ++i) {
      out.records.push_back(s.Record(i));
      out.json += (i ? ",\n" : "\n") + out.records.back();
      out.texts.push_back(nlohmann::json::parse(out.records.back())["Text"].get<std::string>());
    }
    out.json += "\n]\n";
    return out;
  }();
  return m;
}

double CpuSeconds() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double PeakRssMb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

void BM_UhriJson_File(benchmark::State& state) {
  const SyntheticFile& file = BigFile();
  int64_t records = 0;
  const double cpu_before = CpuSeconds();
  for (auto _ : state) {
    records = 0;
    openupr::ingest::UhriJsonStats stats;
    const openupr::Status st = ReadUhriJsonFile(
        file.path(),
        [&](std::vector<UhriRecord>&& batch) {
          records += static_cast<int64_t>(batch.size());
          return true;
        },
        &stats);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(stats);
  }
  const double cpu = CpuSeconds() - cpu_before;
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * file.bytes()));
  // The rate over the process's CPU time (user + system, reads included): what one core does
  // when the machine is shared and the wall clock runs slower.
  state.counters["cpu_MB/s"] =
      static_cast<double>(state.iterations()) * static_cast<double>(file.bytes()) / 1e6 / cpu;
  state.counters["records"] = static_cast<double>(records);
  state.counters["file_mb"] = static_cast<double>(file.bytes()) / 1e6;
  state.counters["peak_rss_mb"] = PeakRssMb();
}
BENCHMARK(BM_UhriJson_File)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_UhriJson_Chunk(benchmark::State& state) {
  const MemoryExport& m = Memory();
  openupr::ingest::UhriJsonLimits limits;
  limits.chunk_bytes = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    int64_t records = 0;
    const openupr::Status st = ReadUhriJson(
        m.json, "memory",
        [&](std::vector<UhriRecord>&& batch) {
          records += static_cast<int64_t>(batch.size());
          return true;
        },
        nullptr, limits);
    if (!st.ok() || records != kMemoryRecords) {
      state.SkipWithError(st.ToString().c_str());
      return;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * m.json.size()));
}
BENCHMARK(BM_UhriJson_Chunk)
    ->Arg(64 << 10)
    ->Arg(1 << 20)
    ->Arg(4 << 20)
    ->Unit(benchmark::kMillisecond);

void BM_HtmlToText(benchmark::State& state) {
  const MemoryExport& m = Memory();
  uint64_t bytes = 0;
  for (const std::string& t : m.texts) bytes += t.size();
  for (auto _ : state) {
    for (const std::string& t : m.texts) benchmark::DoNotOptimize(openupr::ingest::HtmlToText(t));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_HtmlToText)->Unit(benchmark::kMillisecond);

void BM_Nlohmann_Records(benchmark::State& state) {
  const MemoryExport& m = Memory();
  uint64_t bytes = 0;
  for (const std::string& r : m.records) bytes += r.size();
  for (auto _ : state) {
    for (const std::string& r : m.records) benchmark::DoNotOptimize(nlohmann::json::parse(r));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_Nlohmann_Records)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
#ifdef OPENUPR_JEMALLOC
  benchmark::AddCustomContext("allocator", "jemalloc");
#else
  benchmark::AddCustomContext("allocator", "glibc");
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

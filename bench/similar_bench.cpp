// BM_Similar_* and BM_Repeated_*: similar and repeated recommendations (engine/similar.h) on the
// real UPR Info export (the four session files, 33,082 recommendations), imported once into a
// temporary database and indexed once: the most similar records to a recommendation (whole
// record, and among one state's), to a free text, the first call's cost of building every
// record's vector, and the repeat links over the whole record (built, then summarised). Data:
// $OPENUPR_DATA_DIR or ../shared/data.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "engine/index.h"
#include "real_data.h"
#include "store/store.h"

namespace {

namespace engine = openupr::engine;

// The real record, its index, and a spread of its records' uids.
struct SimilarData {
  openupr::bench::RealData real{"similar-bench", true};
  std::vector<std::string> uids;
  SimilarData() {
    if (!real.store()) return;
    auto st =
        real.store()->db().Prepare("SELECT uid FROM recommendation WHERE id % 997 = 1 ORDER BY id");
    if (!st.ok()) {
      std::cerr << "similar_bench: " << st.status().ToString() << "\n";
      return;
    }
    while (*st->Step()) uids.emplace_back(st->Text(0));
  }
  const engine::Index* index() const { return uids.empty() ? nullptr : real.index(); }
};

SimilarData& Data() {
  static SimilarData data;
  return data;
}

const engine::Index* IndexOr(benchmark::State& state) {
  if (!Data().index()) state.SkipWithError("no index (see stderr)");
  return Data().index();
}

// A recommendation's most similar records over the whole record (vectors already built).
void BM_Similar_Uid(benchmark::State& state) {
  const engine::Index* index = IndexOr(state);
  if (!index) return;
  const auto& uids = Data().uids;
  size_t i = 0;
  int64_t total = 0;
  for (auto _ : state) {
    engine::SimilarRequest req;
    req.uid = uids[i++ % uids.size()];
    auto r = index->Similar(req);
    total = r.ok() ? r->total : -1;
    benchmark::DoNotOptimize(r);
  }
  state.counters["scored"] = static_cast<double>(total);
}
BENCHMARK(BM_Similar_Uid)->Unit(benchmark::kMillisecond);

// The same among one state under review's records (a filter on the candidates).
void BM_Similar_UidOneState(benchmark::State& state) {
  const engine::Index* index = IndexOr(state);
  if (!index) return;
  const auto& uids = Data().uids;
  engine::SimilarRequest req;
  (void)openupr::AddFilterValue(req.filters, "sur", "FRA");
  size_t i = 0;
  for (auto _ : state) {
    req.uid = uids[i++ % uids.size()];
    auto r = index->Similar(req);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Similar_UidOneState)->Unit(benchmark::kMillisecond);

// A free text (tokenized and stemmed on each call).
void BM_Similar_Text(benchmark::State& state) {
  const engine::Index* index = IndexOr(state);
  if (!index) return;
  engine::SimilarRequest req;
  req.text =
      "Take effective measures to prevent torture and ill-treatment in places of detention and "
      "ratify the Optional Protocol to the Convention against Torture";
  for (auto _ : state) {
    auto r = index->Similar(req);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Similar_Text)->Unit(benchmark::kMillisecond);

// The first call on a new index for a recommendation: every record's vector and the repeat links
// are built, then one query.
void BM_Similar_FirstCall(benchmark::State& state) {
  if (!IndexOr(state)) return;
  engine::SimilarRequest req;
  req.uid = Data().uids.front();
  for (auto _ : state) {
    state.PauseTiming();
    auto fresh = engine::Index::Build(*Data().real.store());
    state.ResumeTiming();
    auto r = (*fresh)->Similar(req);
    benchmark::DoNotOptimize(r);
    state.PauseTiming();
    fresh->reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_Similar_FirstCall)->Unit(benchmark::kMillisecond)->Iterations(5);

// The repeat links over the whole record, from the built vectors (the first Repeated call's
// cost beyond the vectors).
void BM_Repeated_Links(benchmark::State& state) {
  if (!IndexOr(state)) return;
  // A text query builds the vectors only (a uid's also looks up its repeat links).
  engine::SimilarRequest warm;
  warm.text = "Ratify the Convention against Torture";
  int64_t repeats = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto fresh = engine::Index::Build(*Data().real.store());
    (void)(*fresh)->Similar(warm);
    state.ResumeTiming();
    auto r = (*fresh)->Repeated({});
    repeats = r.ok() ? r->repeats : -1;
    benchmark::DoNotOptimize(r);
    state.PauseTiming();
    fresh->reset();
    state.ResumeTiming();
  }
  state.counters["repeats"] = static_cast<double>(repeats);
}
BENCHMARK(BM_Repeated_Links)->Unit(benchmark::kMillisecond)->Iterations(5);

// Later calls: the kept links summarised (counts, tables, chains) over the whole record.
void BM_Repeated_Summary(benchmark::State& state) {
  const engine::Index* index = IndexOr(state);
  if (!index) return;
  for (auto _ : state) {
    auto r = index->Repeated({});
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Repeated_Summary)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

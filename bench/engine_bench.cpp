// BM_Engine_*: the in-memory engine on the real UPR Info export (the four session files,
// 33,082 recommendations), imported once into a temporary database and indexed once before the
// benchmarks run: full-text search alone and with filters, facets, a search page with five
// facets, a three-way group-by, the dyadic matrix, and the build itself (with the index's
// memory per record). BM_DyadSeverity_* and the measures of analytics/politicization.h: the
// dyadic severity table from the engine (whole record, one theme) and from its SQL reference,
// the leniency regression, double standards and reciprocity over the whole record's dyads
// (with a stand-in agreement: same UN regional group). Data: $OPENUPR_DATA_DIR or
// ../shared/data.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "analytics/politicization.h"
#include "core/states.h"
#include "engine/index.h"
#include "ingest/importer.h"
#include "real_data.h"
#include "store/store.h"

namespace {

using openupr::Filters;
using openupr::analytics::Dimension;
namespace engine = openupr::engine;

using openupr::bench::DataDir;

openupr::bench::RealData& Data() {
  static openupr::bench::RealData data("engine-bench", true);
  return data;
}

Filters MakeFilters(std::initializer_list<std::pair<const char*, const char*>> values) {
  Filters f;
  for (const auto& [field, value] : values) (void)openupr::AddFilterValue(f, field, value);
  return f;
}

const std::vector<std::string> kQueries = {"torture", "\"death penalty\"", "women OR children",
                                           "discrimin*", "rights NOT women"};

// Fails the benchmark unless the index was built; the index otherwise.
const engine::Index* IndexOr(benchmark::State& state) {
  if (!Data().index()) state.SkipWithError("no index (see stderr)");
  return Data().index();
}

void BM_Engine_TextOnly(benchmark::State& state) {
  const engine::Index* index = IndexOr(state);
  if (!index) return;
  const std::string& q = kQueries[static_cast<size_t>(state.range(0))];
  int64_t total = 0;
  for (auto _ : state) {
    auto r = index->Search({q, {}, 10, 0});
    total = r.ok() ? r->total : -1;
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(q);
  state.counters["matches"] = static_cast<double>(total);
}
BENCHMARK(BM_Engine_TextOnly)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);

void BM_Engine_TextFilters(benchmark::State& state) {
  const engine::Index* index = IndexOr(state);
  if (!index) return;
  const Filters f = MakeFilters({{"region", "african"}, {"cycle", "1"}, {"response", "noted"}});
  int64_t total = 0;
  for (auto _ : state) {
    auto r = index->Search({"torture OR \"death penalty\"", f, 10, 0});
    total = r.ok() ? r->total : -1;
    benchmark::DoNotOptimize(r);
  }
  state.counters["matches"] = static_cast<double>(total);
}
BENCHMARK(BM_Engine_TextFilters)->Unit(benchmark::kMicrosecond);

const Dimension kFiveFacets[] = {Dimension::kSur, Dimension::kFrom, Dimension::kTheme,
                                 Dimension::kSession, Dimension::kResponse};

void BM_Engine_FacetsOnly(benchmark::State& state) {
  const engine::Index* index = IndexOr(state);
  if (!index) return;
  for (auto _ : state) {
    auto r = index->Facets("", {}, kFiveFacets, 10);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Engine_FacetsOnly)->Unit(benchmark::kMicrosecond);

// A search page as a UI shows it: the top 20 hits with snippets and five facets.
void BM_Engine_TextFacetsTop20(benchmark::State& state) {
  const engine::Index* index = IndexOr(state);
  if (!index) return;
  for (auto _ : state) {
    auto hits = index->Search({"rights", {}, 20, 0});
    auto facets = index->Facets("rights", {}, kFiveFacets, 10);
    benchmark::DoNotOptimize(hits);
    benchmark::DoNotOptimize(facets);
  }
}
BENCHMARK(BM_Engine_TextFacetsTop20)->Unit(benchmark::kMicrosecond);

void BM_Engine_GroupBy3(benchmark::State& state) {
  const engine::Index* index = IndexOr(state);
  if (!index) return;
  size_t rows = 0;
  for (auto _ : state) {
    auto r = index->Stats(
        {{Dimension::kTheme, Dimension::kSurRegion, Dimension::kCycle}, {}, "", false, 0});
    rows = r.ok() ? r->rows.size() : 0;
    benchmark::DoNotOptimize(r);
  }
  state.counters["groups"] = static_cast<double>(rows);
}
BENCHMARK(BM_Engine_GroupBy3)->Unit(benchmark::kMicrosecond);

void BM_Engine_DyadMatrix(benchmark::State& state) {
  const engine::Index* index = IndexOr(state);
  if (!index) return;
  int64_t pairs = 0;
  for (auto _ : state) {
    auto r = index->Dyads("", {}, 0);
    pairs = r.ok() ? r->pairs : -1;
    benchmark::DoNotOptimize(r);
  }
  state.counters["pairs"] = static_cast<double>(pairs);
}
BENCHMARK(BM_Engine_DyadMatrix)->Unit(benchmark::kMicrosecond);

// --- Politicization (analytics/politicization.h). ---

void BM_DyadSeverity_WholeRecord(benchmark::State& state) {
  const engine::Index* index = IndexOr(state);
  if (!index) return;
  int64_t pairs = 0;
  for (auto _ : state) {
    auto r = index->Dyads("", {}, 0);
    pairs = r.ok() ? r->pairs : -1;
    benchmark::DoNotOptimize(r);
  }
  state.counters["pairs"] = static_cast<double>(pairs);
}
BENCHMARK(BM_DyadSeverity_WholeRecord)->Unit(benchmark::kMicrosecond);

void BM_DyadSeverity_Theme(benchmark::State& state) {
  const engine::Index* index = IndexOr(state);
  if (!index) return;
  const Filters f = MakeFilters({{"theme", "Women's rights"}});
  int64_t pairs = 0;
  for (auto _ : state) {
    auto r = index->Dyads("", f, 0);
    pairs = r.ok() ? r->pairs : -1;
    benchmark::DoNotOptimize(r);
  }
  state.counters["pairs"] = static_cast<double>(pairs);
}
BENCHMARK(BM_DyadSeverity_Theme)->Unit(benchmark::kMicrosecond);

// The SQL reference (analytics::ComputeDyads) on the same database, for the ratio.
void BM_DyadSeverity_WholeRecordSql(benchmark::State& state) {
  if (!IndexOr(state)) return;
  int64_t pairs = 0;
  for (auto _ : state) {
    auto r = openupr::analytics::ComputeDyads(*Data().store(), "", {}, 0);
    pairs = r.ok() ? r->pairs : -1;
    benchmark::DoNotOptimize(r);
  }
  state.counters["pairs"] = static_cast<double>(pairs);
}
BENCHMARK(BM_DyadSeverity_WholeRecordSql)->Unit(benchmark::kMillisecond);

// The stand-in for vote agreement: 1 for two states of the same UN regional group, else 0.
std::optional<double> SameGroup(std::string_view from, std::string_view sur) {
  const openupr::StateInfo* f = openupr::FindStateByIso3(from);
  const openupr::StateInfo* s = openupr::FindStateByIso3(sur);
  if (!f || !s || f->region == openupr::Region::kNone || s->region == openupr::Region::kNone)
    return std::nullopt;
  return f->region == s->region ? 1.0 : 0.0;
}

// The whole record's dyads, computed once.
const std::vector<engine::Dyad>* WholeRecordDyads(benchmark::State& state) {
  const engine::Index* index = IndexOr(state);
  if (!index) return nullptr;
  static const std::vector<engine::Dyad> dyads = [&] {
    auto r = index->Dyads("", {}, 0);
    return r.ok() ? r->dyads : std::vector<engine::Dyad>();
  }();
  return &dyads;
}

// Dyads over the whole record, the agreement looked up per dyad, both fixed effects taken out
// of the outcome and the regressor, and the solve with both standard errors. Arg: 1 with
// weights (the recommendations each dyad's mean rests on).
void BM_LeniencyRegression(benchmark::State& state) {
  const auto* dyads = WholeRecordDyads(state);
  if (!dyads) return;
  openupr::analytics::LeniencyOptions options;
  options.weighted = state.range(0) != 0;
  int64_t n = 0, effects = 0;
  for (auto _ : state) {
    auto r = openupr::analytics::EstimateLeniency(*dyads, SameGroup, options);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    n = r->dyads;
    effects = r->fixed_effects;
    benchmark::DoNotOptimize(r);
  }
  state.counters["dyads"] = static_cast<double>(n);
  state.counters["fixed_effects"] = static_cast<double>(effects);
}
BENCHMARK(BM_LeniencyRegression)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_DoubleStandards(benchmark::State& state) {
  const auto* dyads = WholeRecordDyads(state);
  if (!dyads) return;
  size_t states = 0;
  for (auto _ : state) {
    auto r = openupr::analytics::DoubleStandards(*dyads, SameGroup);
    states = r.ok() ? r->size() : 0;
    benchmark::DoNotOptimize(r);
  }
  state.counters["states"] = static_cast<double>(states);
}
BENCHMARK(BM_DoubleStandards)->Unit(benchmark::kMicrosecond);

void BM_Reciprocity(benchmark::State& state) {
  const auto* dyads = WholeRecordDyads(state);
  if (!dyads) return;
  int64_t pairs = 0;
  for (auto _ : state) {
    auto r = openupr::analytics::Reciprocity(*dyads);
    pairs = r.ok() ? r->pairs : -1;
    benchmark::DoNotOptimize(r);
  }
  state.counters["pairs"] = static_cast<double>(pairs);
}
BENCHMARK(BM_Reciprocity)->Unit(benchmark::kMicrosecond);

void BM_Engine_Build(benchmark::State& state) {
  if (!IndexOr(state)) return;
  size_t bytes = 0;
  int64_t records = 0;
  for (auto _ : state) {
    auto r = engine::Index::Build(*Data().store());
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    bytes = (*r)->MemoryBytes();
    records = (*r)->size();
  }
  state.counters["records"] = static_cast<double>(records);
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
  state.counters["bytes/record"] = records ? static_cast<double>(bytes) / records : 0;
}
BENCHMARK(BM_Engine_Build)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();

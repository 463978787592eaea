// BM_Classify_Train_AllRecords: training the classifier (themes, action category; LIBLINEAR)
// on every labelled record of the real data, 33,082 recommendations (issue 16's target: under
// 30 s on 2 cores; the training runs on one). BM_Classify_Label_*: labelling throughput on one
// core, over the real texts in turn: the whole prediction (action, themes, SDG goals) and its
// parts (features only; features and the linear models without the SDG goals). Issue 16's
// target: 100,000 recommendations a second or more. The real data is imported into a temporary
// database first (../shared/data/upr-info, or $OPENUPR_DATA_DIR).
// BM_Classify_Apply_Uhri: `openupr classify apply` (classify/model_store.h ApplyModel) on the
// real record plus a synthetic UHRI export (bench/uhri_synth.h; $OPENUPR_UHRI_RECORDS records,
// default 50,000): every recommendation and every treaty-body or special-procedure observation
// predicted (two threads) and its labels written in one transaction (issue 17, item 4).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench/uhri_synth.h"
#include "classify/classifier.h"
#include "classify/evaluate.h"
#include "classify/model_store.h"
#include "classify/sdg.h"
#include "ingest/importer.h"
#include "real_data.h"

namespace {

using openupr::classify::Classifier;
using openupr::classify::Example;

using openupr::bench::DataDir;

const std::vector<Example>& Examples() {
  static const std::vector<Example> examples = [] {
    std::vector<Example> out;
    openupr::bench::RealData real("classify-bench", false);
    if (!real.store()) std::abort();
    auto recs = openupr::classify::LoadRecords(*real.store());
    if (!recs.ok()) std::abort();
    for (auto& rec : *recs) out.push_back(std::move(rec.example));
    return out;
  }();
  return examples;
}

// As `openupr classify train` makes it: with the SDG targets' texts of the data.
openupr::classify::TrainOptions Options() {
  openupr::classify::TrainOptions o;
  auto t = openupr::classify::ReadSdgTargets(DataDir() + "/sdg/en/global_targets.yml");
  if (!t.ok()) std::abort();
  o.sdg_targets = std::move(t).value();
  return o;
}

const Classifier& Trained() {
  static const Classifier c = [] {
    auto t = Classifier::Train(Examples(), Options());
    if (!t.ok()) std::abort();
    return std::move(t).value();
  }();
  return c;
}

void BM_Classify_Train_AllRecords(benchmark::State& state) {
  const auto& examples = Examples();
  for (auto _ : state) {
    auto c = Classifier::Train(examples, Options());
    benchmark::DoNotOptimize(c);
  }
  state.counters["records"] = static_cast<double>(examples.size());
}
BENCHMARK(BM_Classify_Train_AllRecords)->Unit(benchmark::kSecond)->Iterations(2);

// Labels the real texts in turn with c.
void LabelAll(benchmark::State& state, const Classifier& c) {
  const auto& examples = Examples();
  size_t i = 0;
  for (auto _ : state) {
    auto p = c.Predict(examples[i].text);
    benchmark::DoNotOptimize(p);
    if (++i == examples.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Classify_Label_Full(benchmark::State& state) { LabelAll(state, Trained()); }
BENCHMARK(BM_Classify_Label_Full);

// The same with the TF-IDF theme models (--theme-weighting plain), measured in the same run so
// that the NB-SVM features' labelling cost compares under the same load.
void BM_Classify_Label_Full_PlainThemes(benchmark::State& state) {
  static const Classifier c = [] {
    auto o = Options();
    o.theme_weighting = openupr::classify::ThemeWeighting::kPlain;
    auto t = Classifier::Train(Examples(), o);
    if (!t.ok()) std::abort();
    return std::move(t).value();
  }();
  LabelAll(state, c);
}
BENCHMARK(BM_Classify_Label_Full_PlainThemes);

void BM_Classify_Label_FeaturesOnly(benchmark::State& state) {
  const auto& examples = Examples();
  const Classifier& c = Trained();
  openupr::classify::SparseVector x;
  size_t i = 0;
  for (auto _ : state) {
    c.features().Transform(examples[i].text, x);
    benchmark::DoNotOptimize(x);
    if (++i == examples.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Classify_Label_FeaturesOnly);

void BM_Classify_Label_WithoutSdg(benchmark::State& state) {
  const auto& examples = Examples();
  const Classifier& c = Trained();
  openupr::classify::SparseVector x;
  std::vector<double> themes;
  double actions[5];
  size_t i = 0;
  for (auto _ : state) {
    c.features().Transform(examples[i].text, x);
    c.Decisions(x, themes, actions);
    benchmark::DoNotOptimize(themes);
    if (++i == examples.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Classify_Label_WithoutSdg);


// The real record, a synthetic UHRI export imported over it and a stored model, made once.
struct ApplyFixture {
  std::unique_ptr<openupr::bench::RealData> real;
  int64_t observations = 0;
};

ApplyFixture* MakeApplyFixture() {
  auto f = std::make_unique<ApplyFixture>();
  f->real = std::make_unique<openupr::bench::RealData>("classify-apply-bench", false);
  if (!f->real->store()) return nullptr;
  openupr::store::Store& store = *f->real->store();
  auto source = openupr::bench::LoadUhriSynthSource(DataDir());
  if (!source.ok()) {
    std::cerr << source.status().ToString() << '\n';
    return nullptr;
  }
  openupr::bench::UhriSynthOptions o;
  const char* n = std::getenv("OPENUPR_UHRI_RECORDS");
  o.records = n && *n ? std::atoll(n) : 50'000;
  o.json_path = (std::filesystem::path(store.path()).parent_path() / "uhri.json").string();
  auto written = openupr::bench::WriteUhriSynth(o, *source);
  if (!written.ok()) {
    std::cerr << written.status().ToString() << '\n';
    return nullptr;
  }
  auto imported = openupr::ingest::ImportFiles(store, {o.json_path}, {});
  std::filesystem::remove(o.json_path);
  if (!imported.status.ok()) {
    std::cerr << imported.status.ToString() << '\n';
    return nullptr;
  }
  auto trained = openupr::classify::TrainAndStore(store, Options());
  if (!trained.ok()) {
    std::cerr << trained.status().ToString() << '\n';
    return nullptr;
  }
  return f.release();
}

void BM_Classify_Apply_Uhri(benchmark::State& state) {
  static ApplyFixture* fixture = MakeApplyFixture();
  if (!fixture) {
    state.SkipWithError("no fixture (see stderr)");
    return;
  }
  openupr::classify::ApplyReport rep;
  for (auto _ : state) {
    auto r = openupr::classify::ApplyModel(*fixture->real->store());
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    rep = *r;
  }
  state.counters["recommendations"] = static_cast<double>(rep.recommendations);
  state.counters["observations"] = static_cast<double>(rep.observations);
  state.counters["label_rows"] = static_cast<double>(rep.themes + rep.actions + rep.sdgs);
  state.counters["records_per_s"] = benchmark::Counter(
      static_cast<double>(rep.records) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Classify_Apply_Uhri)->Unit(benchmark::kSecond)->Iterations(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

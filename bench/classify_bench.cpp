// BM_Classify_Train_AllRecords: training the classifier (themes, action category; LIBLINEAR)
// on every labelled record of the real data, 33,082 recommendations (issue 16's target: under
// 30 s on 2 cores; the training runs on one). BM_Classify_Label_*: labelling throughput on one
// core, over the real texts in turn: the whole prediction (action, themes, SDG goals) and its
// parts (features only; features and the linear models without the SDG goals). Issue 16's
// target: 100,000 recommendations a second or more. The real data is imported into a temporary
// database first (../shared/data/upr-info, or $OPENUPR_DATA_DIR).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "classify/classifier.h"
#include "classify/evaluate.h"
#include "classify/sdg.h"
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

}  // namespace

BENCHMARK_MAIN();

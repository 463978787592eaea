#include "classify/classifier.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "classify/liblinear_train.h"
#include "classify/support.h"

namespace openupr::classify {
namespace {

constexpr char kMagic[8] = {'O', 'U', 'P', 'R', 'M', 'D', 'L', '\0'};
constexpr int kActions = 5;
// SVM decision values are mapped to scores by a logistic curve of this slope (docs/classify.md).
constexpr double kSvmScale = 2.0;

int SolverType(Solver s) { return s == Solver::kSvm ? L2R_L2LOSS_SVC_DUAL : L2R_LR_DUAL; }

double Sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

}  // namespace

double Classifier::Score(double decision) const {
  return Sigmoid(options_.solver == Solver::kSvm ? kSvmScale * decision : decision);
}

Result<Classifier> Classifier::Train(std::span<const Example> examples,
                                     const TrainOptions& options) {
  Classifier c;
  c.options_ = options;
  c.theme_threshold_ = std::isnan(options.theme_threshold)
                           ? (options.solver == Solver::kSvm ? -0.3 : -0.85)
                           : options.theme_threshold;
  std::vector<std::string> texts;
  std::vector<size_t> theme_rows, action_rows;
  std::map<std::string, int> theme_index;
  for (size_t i = 0; i < examples.size(); ++i) {
    const Example& e = examples[i];
    if (e.themes.empty() && (e.action < 1 || e.action > kActions)) continue;
    if (!e.themes.empty()) theme_rows.push_back(texts.size());
    if (e.action >= 1 && e.action <= kActions) action_rows.push_back(texts.size());
    for (const auto& t : e.themes) theme_index.emplace(t, 0);
    texts.push_back(e.text);
  }
  if (texts.empty()) return Status::InvalidArgument("no labelled recommendation to train on");
  auto fs = std::make_shared<FeatureSpace>(FeatureSpace::Build(texts, options.min_df));
  LinearMatrix m;
  m.features = fs->size();
  {
    SparseVector x;
    for (const auto& t : texts) {
      fs->Transform(t, x);
      m.Add(x);
    }
  }
  c.features_ = fs;
  const size_t nf = static_cast<size_t>(fs->size());
  const int solver = SolverType(options.solver);

  // Themes: one binary model per theme (one-vs-rest).
  for (auto& [name, idx] : theme_index) {
    idx = static_cast<int>(c.themes_.size());
    c.themes_.push_back(name);
  }
  const size_t nt = c.themes_.size();
  c.theme_w_.assign(nf * nt, 0.f);
  c.theme_b_.assign(nt, -1.f);
  if (nt > 0) {
    // The example's row order within theme_rows matches examples with themes.
    std::vector<std::vector<char>> has(nt, std::vector<char>(theme_rows.size(), 0));
    size_t k = 0;
    for (const Example& e : examples) {
      if (e.themes.empty() && (e.action < 1 || e.action > kActions)) continue;
      if (e.themes.empty()) continue;
      for (const auto& t : e.themes) has[theme_index[t]][k] = 1;
      ++k;
    }
    std::vector<double> y(theme_rows.size());
    for (size_t t = 0; t < nt; ++t) {
      for (size_t i = 0; i < y.size(); ++i) y[i] = has[t][i] ? 1.0 : -1.0;
      LinearModelPtr mp;
      OPENUPR_RETURN_IF_ERROR(
          TrainLinear(m, theme_rows, y, solver, options.theme_c, options.seed + t, mp));
      int labels[2] = {0, 0};
      get_labels(mp.m, labels);
      const int pos = get_nr_class(mp.m) == 2 && labels[1] == 1 ? 1 : 0;
      if (get_nr_class(mp.m) == 1) {  // every example has (or lacks) the theme
        c.theme_b_[t] = labels[0] == 1 ? 1.f : -1.f;
        continue;
      }
      for (size_t f = 0; f < nf; ++f)
        c.theme_w_[f * nt + t] =
            static_cast<float>(get_decfun_coef(mp.m, static_cast<int>(f) + 1, pos));
      c.theme_b_[t] = static_cast<float>(get_decfun_bias(mp.m, pos));
    }
  }

  // Action: one multi-class model (LIBLINEAR's one-vs-rest over the categories present).
  c.action_w_.assign(nf * kActions, 0.f);
  c.action_b_.assign(kActions, -1e30f);
  if (!action_rows.empty()) {
    std::vector<double> y;
    for (const Example& e : examples) {
      if (e.themes.empty() && (e.action < 1 || e.action > kActions)) continue;
      if (e.action >= 1 && e.action <= kActions) y.push_back(e.action);
    }
    LinearModelPtr mp;
    OPENUPR_RETURN_IF_ERROR(
        TrainLinear(m, action_rows, y, solver, options.action_c, options.seed + 1000, mp));
    const int nc = get_nr_class(mp.m);
    std::vector<int> labels(nc);
    get_labels(mp.m, labels.data());
    if (nc == 1) {
      c.action_b_[labels[0] - 1] = 1.f;
    } else {
      for (int li = 0; li < nc; ++li) {
        const int a = labels[li] - 1;
        // Two categories: LIBLINEAR keeps one weight vector, for labels[0].
        for (size_t f = 0; f < nf; ++f)
          c.action_w_[f * kActions + a] =
              static_cast<float>(get_decfun_coef(mp.m, static_cast<int>(f) + 1, li));
        c.action_b_[a] = static_cast<float>(get_decfun_bias(mp.m, li));
      }
    }
  } else {
    c.action_w_.clear();
    c.action_b_.clear();
  }

  // Support: trained when the examples carry responses of both kinds.
  int responses[2] = {0, 0};
  for (const Example& e : examples)
    if (e.supported == 0 || e.supported == 1) ++responses[e.supported];
  if (responses[0] > 0 && responses[1] > 0) {
    SupportModel::Options so;
    so.c = options.support_c;
    so.seed = options.seed + 2000;
    auto s = SupportModel::Train(examples, *fs, so);
    if (!s.ok()) return s.status();
    c.support_ = std::make_shared<const SupportModel>(std::move(s).value());
  }
  c.Finish();
  return c;
}

void Classifier::Finish() {
  const size_t nt = themes_.size();
  const size_t nf = static_cast<size_t>(features_->size());
  const bool has_action = !action_b_.empty();
  stride_ = (nt + kActions + 7) / 8 * 8;
  dense_.assign(nf * stride_, 0.f);
  for (size_t f = 0; f < nf; ++f) {
    float* row = dense_.data() + f * stride_;
    for (size_t t = 0; t < nt; ++t) row[t] = theme_w_[f * nt + t];
    if (has_action)
      for (int a = 0; a < kActions; ++a) row[nt + a] = action_w_[f * kActions + a];
  }
  sdg_ = std::make_shared<SdgScorer>(options_.sdg_targets);
  theme_goals_.clear();
  for (const auto& t : themes_) theme_goals_.push_back(sdg_->GoalsOfTheme(t));
}

void Classifier::Decisions(const SparseVector& x, std::vector<double>& themes,
                           double actions[5]) const {
  const size_t nt = themes_.size();
  thread_local std::vector<float> acc;
  acc.assign(stride_, 0.f);
  float* a = acc.data();
  // The rows are scattered over tens of megabytes: ask for all of them before using any.
  for (size_t i = 0; i < x.index.size(); ++i) {
    const char* row =
        reinterpret_cast<const char*>(dense_.data() + static_cast<size_t>(x.index[i]) * stride_);
    for (size_t b = 0; b < stride_ * sizeof(float); b += 64) __builtin_prefetch(row + b);
  }
  for (size_t i = 0; i < x.index.size(); ++i) {
    const float v = x.value[i];
    const float* w = dense_.data() + static_cast<size_t>(x.index[i]) * stride_;
    for (size_t j = 0; j < stride_; ++j) a[j] += v * w[j];
  }
  themes.resize(nt);
  for (size_t t = 0; t < nt; ++t) themes[t] = static_cast<double>(a[t]) + theme_b_[t];
  const bool has_action = !action_b_.empty();
  for (int k = 0; k < kActions; ++k)
    actions[k] = has_action ? static_cast<double>(a[nt + k]) + action_b_[k] : 0;
}

Prediction Classifier::PredictFeatures(const SparseVector& x, const FeatureKeys& keys) const {
  thread_local std::vector<double> d;
  double ad[kActions];
  Decisions(x, d, ad);
  Prediction p;
  if (!action_b_.empty()) {
    int best = 0;
    for (int a = 1; a < kActions; ++a)
      if (ad[a] > ad[best]) best = a;
    p.action = best + 1;
    // The score: the normalised one-vs-rest scores (as LIBLINEAR's predict_probability does).
    double sum = 0;
    for (int a = 0; a < kActions; ++a) sum += ad[a] < -1e29 ? 0 : Score(ad[a]);
    p.action_score = sum > 0 ? Score(ad[best]) / sum : 0;
  }
  // Scores (an exp each) only for the predicted themes.
  size_t best = 0;
  for (size_t t = 1; t < d.size(); ++t)
    if (d[t] > d[best]) best = t;
  thread_local std::vector<double> predicted;
  predicted.assign(d.size(), 0);
  for (size_t t = 0; t < d.size(); ++t) {
    if (d[t] > theme_threshold_ || t == best) {
      predicted[t] = Score(d[t]);
      p.themes.push_back({themes_[t], predicted[t]});
    }
  }
  std::sort(p.themes.begin(), p.themes.end(),
            [](const LabelScore& a, const LabelScore& b) { return a.score > b.score; });
  if (sdg_) {
    for (const auto& [g, s] : sdg_->Goals(keys, theme_goals_, predicted))
      p.sdgs.push_back({std::to_string(g), s});
  }
  return p;
}

Result<Prediction> Classifier::Predict(std::string_view text, const SupportQuery* query) const {
  thread_local FeatureKeys keys;
  thread_local SparseVector x;
  ExtractKeys(text, keys);
  if (keys.words.empty()) return Status::InvalidArgument("the text is empty (no word)");
  features_->Transform(keys, x);
  Prediction p = PredictFeatures(x, keys);
  if (query && support_) {
    SupportEstimate s;
    s.probability = support_->Probability(x, query->sur, query->from, p.action);
    s.sur = query->sur;
    s.from = query->from;
    s.history = support_->SurHistory(query->sur);
    p.support = std::move(s);
  }
  return p;
}

std::string Classifier::Serialize(int schema_version) const {
  BlobWriter p;
  p.U64(options_.seed);
  p.U32(options_.solver == Solver::kSvm ? 0 : 1);
  p.F64(options_.theme_c);
  p.F64(options_.action_c);
  p.F64(theme_threshold_);
  p.I32(options_.min_df);
  features_->Write(p);
  p.U32(static_cast<uint32_t>(themes_.size()));
  for (const auto& t : themes_) p.Str(t);
  p.Vec(theme_w_);
  p.Vec(theme_b_);
  p.Vec(action_w_);
  p.Vec(action_b_);
  p.U32(static_cast<uint32_t>(options_.sdg_targets.size()));
  for (const auto& goal : options_.sdg_targets) {
    p.U32(static_cast<uint32_t>(goal.size()));
    for (const auto& t : goal) p.Str(t);
  }
  p.U32(support_ ? 1 : 0);
  if (support_) support_->Write(p);
  BlobWriter w;
  w.bytes().append(kMagic, sizeof kMagic);
  w.U32(kModelFormatVersion);
  w.U32(static_cast<uint32_t>(schema_version));
  w.U64(p.bytes().size());
  w.bytes().append(p.bytes());
  w.U64(XXH3_64bits(p.bytes().data(), p.bytes().size()));
  return std::move(w.bytes());
}

Result<Classifier> Classifier::Deserialize(std::string_view blob, int schema_version) {
  if (blob.size() < sizeof kMagic || blob.substr(0, sizeof kMagic) != std::string_view(kMagic, 8))
    return Status::BadInput("model blob: not an OpenUPR model (bad magic)");
  BlobReader r(blob.substr(sizeof kMagic));
  uint32_t format = 0, schema = 0;
  uint64_t len = 0;
  if (!r.U32(format) || !r.U32(schema) || !r.U64(len))
    return Status::BadInput("model blob: truncated header");
  if (format != kModelFormatVersion)
    return Status::BadInput("model blob: format version " + std::to_string(format) +
                            ", this build reads " + std::to_string(kModelFormatVersion) +
                            ": retrain with `openupr classify train`");
  if (static_cast<int>(schema) != schema_version)
    return Status::Conflict("model trained for schema " + std::to_string(schema) +
                            ", database is " + std::to_string(schema_version) +
                            ": retrain with `openupr classify train`");
  if (len + 8 != r.remaining())
    return Status::BadInput("model blob: truncated or padded (" + std::to_string(r.remaining()) +
                            " bytes after the header, expected " + std::to_string(len + 8) + ")");
  const std::string_view payload = blob.substr(sizeof kMagic + r.position(), len);
  uint64_t sum = 0;
  std::memcpy(&sum, payload.data() + len, 8);
  if (sum != XXH3_64bits(payload.data(), payload.size()))
    return Status::BadInput("model blob: checksum mismatch (corrupt)");
  BlobReader p(payload);
  Classifier c;
  uint32_t solver = 0, nt = 0;
  if (!p.U64(c.options_.seed) || !p.U32(solver) || !p.F64(c.options_.theme_c) ||
      !p.F64(c.options_.action_c) || !p.F64(c.theme_threshold_) || !p.I32(c.options_.min_df) ||
      solver > 1)
    return Status::BadInput("model blob: bad options");
  c.options_.solver = solver == 0 ? Solver::kSvm : Solver::kLogistic;
  c.options_.theme_threshold = c.theme_threshold_;
  auto fs = FeatureSpace::Read(p);
  if (!fs.ok()) return fs.status();
  c.features_ = std::make_shared<FeatureSpace>(std::move(fs).value());
  if (!p.U32(nt) || nt > p.remaining()) return Status::BadInput("model blob: bad theme count");
  c.themes_.resize(nt);
  for (auto& t : c.themes_)
    if (!p.Str(t)) return Status::BadInput("model blob: truncated theme names");
  if (!p.Vec(c.theme_w_) || !p.Vec(c.theme_b_) || !p.Vec(c.action_w_) || !p.Vec(c.action_b_))
    return Status::BadInput("model blob: truncated weights");
  uint32_t goals = 0;
  if (!p.U32(goals) || goals > 18) return Status::BadInput("model blob: bad SDG goal count");
  c.options_.sdg_targets.resize(goals);
  for (auto& goal : c.options_.sdg_targets) {
    uint32_t n = 0;
    if (!p.U32(n) || n > p.remaining()) return Status::BadInput("model blob: bad SDG targets");
    goal.resize(n);
    for (auto& t : goal)
      if (!p.Str(t)) return Status::BadInput("model blob: truncated SDG targets");
  }
  uint32_t has_support = 0;
  if (!p.U32(has_support) || has_support > 1)
    return Status::BadInput("model blob: bad support model flag");
  if (has_support) {
    auto s = SupportModel::Read(p, c.features_->size());
    if (!s.ok()) return s.status();
    c.support_ = std::make_shared<const SupportModel>(std::move(s).value());
  }
  const size_t nf = static_cast<size_t>(c.features_->size());
  if (c.theme_w_.size() != nf * nt || c.theme_b_.size() != nt ||
      !((c.action_w_.empty() && c.action_b_.empty()) ||
        (c.action_w_.size() == nf * kActions && c.action_b_.size() == kActions)) ||
      p.remaining() != 0)
    return Status::BadInput("model blob: weights do not match the features");
  c.Finish();
  return c;
}

}  // namespace openupr::classify

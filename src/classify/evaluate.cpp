#include "classify/evaluate.h"

#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "classify/baselines.h"
#include "core/hash.h"
#include "store/scan.h"

namespace openupr::classify {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

const std::vector<std::string>& ActionLabels() {
  static const std::vector<std::string> kLabels = {"1", "2", "3", "4", "5"};
  return kLabels;
}

// The theme labels of an evaluation: those of the training data's model, then any other theme
// of the test data (a theme never learnt still counts as missed).
struct ThemeIndex {
  std::vector<std::string> names;
  std::map<std::string, int> index;
  int Of(const std::string& name) {
    auto [it, added] = index.emplace(name, static_cast<int>(names.size()));
    if (added) names.push_back(name);
    return it->second;
  }
};

template <typename PredictFn>
SystemResult Measure(const std::string& name, bool has_themes,
                     const std::vector<std::string>& model_themes,
                     const std::vector<LabelledRecord>& test, PredictFn&& predict) {
  SystemResult r;
  r.name = name;
  r.has_themes = has_themes;
  ThemeIndex ti;
  for (const auto& t : model_themes) ti.Of(t);
  std::vector<std::vector<int>> theme_truth, theme_pred;
  std::vector<int> action_truth, action_pred;
  std::vector<std::string> themes;
  int action = 0;
  for (const LabelledRecord& rec : test) {
    const Example& e = rec.example;
    predict(e.text, themes, action);
    if (has_themes && !e.themes.empty()) {
      std::vector<int> t, p;
      for (const auto& x : e.themes) t.push_back(ti.Of(x));
      for (const auto& x : themes) p.push_back(ti.Of(x));
      theme_truth.push_back(std::move(t));
      theme_pred.push_back(std::move(p));
    }
    if (e.action >= 1 && e.action <= 5) {
      action_truth.push_back(e.action - 1);
      action_pred.push_back(action - 1);
    }
  }
  if (has_themes) r.themes = MultiLabelMetrics(ti.names, theme_truth, theme_pred);
  r.action = SingleLabelMetrics(ActionLabels(), action_truth, action_pred);
  return r;
}

std::vector<Example> ExamplesOf(const std::vector<LabelledRecord>& records) {
  std::vector<Example> out;
  out.reserve(records.size());
  for (const auto& r : records) out.push_back(r.example);
  return out;
}

}  // namespace

Result<std::vector<LabelledRecord>> LoadRecords(store::Store& store, int first_session,
                                                int last_session) {
  std::vector<LabelledRecord> out;
  Status st = store::ScanRecommendations(store, 0, [&](const store::ScannedRecommendation& r) {
    if (first_session > 0 && (r.session < first_session || r.session > last_session))
      return Status::Ok();
    LabelledRecord rec;
    rec.uid.assign(r.uid);
    rec.session = r.session;
    rec.example.text.assign(r.text);
    rec.example.action = r.action;
    rec.example.sur.assign(r.sur);
    for (auto f : r.from) rec.example.from.emplace_back(f);
    rec.example.supported = r.response == "supported" ? 1 : r.response == "noted" ? 0 : -1;
    for (auto t : r.themes) rec.example.themes.emplace_back(t);
    out.push_back(std::move(rec));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

std::string TrainingFingerprint(const std::vector<LabelledRecord>& records) {
  std::string bytes;
  for (const auto& r : records) {
    bytes += r.uid;
    bytes += '\x1f';
    bytes += std::to_string(r.example.action);
    for (const auto& t : r.example.themes) {
      bytes += '\x1f';
      bytes += t;
    }
    bytes += '\x1e';
  }
  return "xxh3-128:" + Xxh3Hex128(bytes);
}

SystemResult MeasureClassifier(const Classifier& c, const std::vector<LabelledRecord>& test) {
  return Measure("openupr", true, c.themes(), test,
                 [&c](const std::string& text, std::vector<std::string>& themes, int& action) {
                   themes.clear();
                   action = 0;
                   auto p = c.Predict(text);
                   if (!p.ok()) return;
                   action = p->action;
                   for (const auto& t : p->themes) themes.push_back(t.label);
                 });
}

std::optional<SupportResult> MeasureSupport(const Classifier& c,
                                            const std::vector<LabelledRecord>& test) {
  const SupportModel* s = c.support();
  if (!s) return std::nullopt;
  SupportResult r;
  std::vector<int> truth;
  std::vector<double> model, baseline;
  const SupportHistory& all = s->overall();
  const double overall =
      all.recommendations ? static_cast<double>(all.supported) / all.recommendations : 0.5;
  SupportQuery q;
  for (const LabelledRecord& rec : test) {
    const Example& e = rec.example;
    if (e.supported != 0 && e.supported != 1) continue;
    q.sur = e.sur;
    q.from = e.from;
    auto p = c.Predict(e.text, &q);
    if (!p.ok() || !p->support) continue;
    truth.push_back(e.supported);
    model.push_back(p->support->probability);
    const SupportHistory& h = p->support->history;
    if (h.recommendations == 0) ++r.unseen_states;
    baseline.push_back(h.recommendations ? static_cast<double>(h.supported) / h.recommendations
                                         : overall);
  }
  r.model = BinaryProbabilityMetrics(truth, model);
  r.baseline = BinaryProbabilityMetrics(truth, baseline);
  return r;
}

Result<Evaluation> Evaluate(store::Store& store, int train_first, int train_last, int test_first,
                            int test_last, const EvaluateOptions& options) {
  if (train_first < 1 || train_first > train_last || test_first < 1 || test_first > test_last)
    return Status::InvalidArgument("sessions: expected ranges like 1-13 (first <= last, >= 1)");
  if (!(train_last < test_first || test_last < train_first))
    return Status::InvalidArgument("--train-sessions and --test-sessions overlap: sessions " +
                                   std::to_string(std::max(train_first, test_first)) + "-" +
                                   std::to_string(std::min(train_last, test_last)));
  auto train = LoadRecords(store, train_first, train_last);
  if (!train.ok()) return train.status();
  auto test = LoadRecords(store, test_first, test_last);
  if (!test.ok()) return test.status();
  if (train->empty())
    return Status::InvalidArgument("no recommendation in the training sessions " +
                                   std::to_string(train_first) + "-" + std::to_string(train_last));
  if (test->empty())
    return Status::InvalidArgument("no recommendation in the test sessions " +
                                   std::to_string(test_first) + "-" + std::to_string(test_last));
  Evaluation ev;
  ev.train_first = train_first;
  ev.train_last = train_last;
  ev.test_first = test_first;
  ev.test_last = test_last;
  ev.train_records = static_cast<int>(train->size());
  ev.test_records = static_cast<int>(test->size());
  const std::vector<Example> examples = ExamplesOf(*train);

  auto t0 = std::chrono::steady_clock::now();
  auto c = Classifier::Train(examples, options.train);
  if (!c.ok()) return c.status();
  const double ours_seconds = Seconds(t0);
  ev.systems.push_back(MeasureClassifier(*c, *test));
  ev.systems.back().train_seconds = ours_seconds;
  ev.support = MeasureSupport(*c, *test);

  if (options.baselines) {
    t0 = std::chrono::steady_clock::now();
    auto ft = FastTextBaseline::Train(
        examples, options.tmp_dir, static_cast<int>(options.train.seed), options.fasttext_threads);
    if (!ft.ok()) return ft.status();
    const double ft_seconds = Seconds(t0);
    const FastTextBaseline& f = **ft;
    ev.systems.push_back(Measure("fasttext", true, {}, *test,
                                 [&f](const std::string& text, std::vector<std::string>& themes,
                                      int& action) { f.Predict(text, themes, action); }));
    ev.systems.back().train_seconds = ft_seconds;
    t0 = std::chrono::steady_clock::now();
    const FirstWordRule rule = FirstWordRule::Train(examples);
    const double rule_seconds = Seconds(t0);
    ev.systems.push_back(
        Measure("first-word", false, {}, *test,
                [&rule](const std::string& text, std::vector<std::string>& themes, int& action) {
                  themes.clear();
                  action = rule.Predict(text);
                }));
    ev.systems.back().train_seconds = rule_seconds;
  }
  return ev;
}

nlohmann::json EvaluationJson(const Evaluation& e) {
  nlohmann::json j = {{"train_sessions", {e.train_first, e.train_last}},
                      {"test_sessions", {e.test_first, e.test_last}},
                      {"train_records", e.train_records},
                      {"test_records", e.test_records}};
  nlohmann::json systems = nlohmann::json::array();
  for (const auto& s : e.systems) {
    nlohmann::json sj = {{"name", s.name}, {"train_seconds", s.train_seconds}};
    sj["themes"] = s.has_themes ? MetricsJson(s.themes) : nlohmann::json(nullptr);
    sj["action"] = MetricsJson(s.action);
    systems.push_back(std::move(sj));
  }
  j["systems"] = std::move(systems);
  if (e.support)
    j["support"] = {{"model", ProbabilityMetricsJson(e.support->model)},
                    {"baseline_state_share", ProbabilityMetricsJson(e.support->baseline)},
                    {"unseen_states", e.support->unseen_states}};
  else
    j["support"] = nullptr;
  return j;
}

std::string EvaluationText(const Evaluation& e) {
  std::string out;
  char buf[512];
  std::snprintf(
      buf, sizeof buf, "Train sessions %d-%d (%d recommendations), test sessions %d-%d (%d)\n\n",
      e.train_first, e.train_last, e.train_records, e.test_first, e.test_last, e.test_records);
  out += buf;
  std::snprintf(buf, sizeof buf, "%-12s %9s %9s %9s %9s %9s %8s\n", "system", "themes-µF1",
                "themes-MF1", "action-acc", "action-µF1", "action-MF1", "train-s");
  out += buf;
  for (const auto& s : e.systems) {
    auto f = [](bool has, double v) {
      char b[16];
      if (has)
        std::snprintf(b, sizeof b, "%.4f", v);
      else
        std::snprintf(b, sizeof b, "-");
      return std::string(b);
    };
    std::snprintf(buf, sizeof buf, "%-12s %9s %9s %9.4f %9.4f %9.4f %8.1f\n", s.name.c_str(),
                  f(s.has_themes, s.themes.micro_f1).c_str(),
                  f(s.has_themes, s.themes.macro_f1).c_str(), s.action.accuracy, s.action.micro_f1,
                  s.action.macro_f1, s.train_seconds);
    out += buf;
  }
  for (const auto& s : e.systems) {
    out += "\n" + s.name + ": action per category (precision recall F1 support)\n";
    for (const auto& l : s.action.labels) {
      std::snprintf(buf, sizeof buf, "  %-3s %.4f %.4f %.4f %6d\n", l.label.c_str(), l.precision,
                    l.recall, l.f1, l.support);
      out += buf;
    }
    out += "  confusion (rows: true 1-5, columns: predicted 1-5)\n";
    for (const auto& row : s.action.confusion) {
      out += "   ";
      for (int v : row) {
        std::snprintf(buf, sizeof buf, " %6d", v);
        out += buf;
      }
      out += "\n";
    }
    if (s.has_themes) {
      out += s.name + ": themes (precision recall F1 support)\n";
      for (const auto& l : s.themes.labels) {
        std::snprintf(buf, sizeof buf, "  %-46s %.4f %.4f %.4f %6d\n", l.label.c_str(), l.precision,
                      l.recall, l.f1, l.support);
        out += buf;
      }
    }
  }
  if (e.support) {
    const SupportResult& s = *e.support;
    std::snprintf(buf, sizeof buf,
                  "\nSupport (P(supported) of %d test recommendations with a response; %.1f%% "
                  "supported; %d to a state the training sessions lack)\n",
                  s.model.n, 100 * s.model.positive_rate, s.unseen_states);
    out += buf;
    std::snprintf(buf, sizeof buf, "  %-34s %7s %7s %8s\n", "", "AUC", "Brier", "log-loss");
    out += buf;
    std::snprintf(buf, sizeof buf, "  %-34s %7.4f %7.4f %8.4f\n", "openupr support model",
                  s.model.auc, s.model.brier, s.model.log_loss);
    out += buf;
    std::snprintf(buf, sizeof buf, "  %-34s %7.4f %7.4f %8.4f\n", "state under review's past share",
                  s.baseline.auc, s.baseline.brier, s.baseline.log_loss);
    out += buf;
    out += "  calibration (predicted range: records, mean predicted, observed supported)\n";
    for (const auto& b : s.model.calibration) {
      if (!b.n) continue;
      std::snprintf(buf, sizeof buf, "    %.1f-%.1f %6d %7.3f %7.3f\n", b.lo, b.hi, b.n,
                    b.mean_predicted, b.observed);
      out += buf;
    }
  }
  return out;
}

}  // namespace openupr::classify

#include "cli/classify_commands.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "classify/evaluate.h"
#include "classify/label_file.h"
#include "classify/model_store.h"
#include "cli/exit_codes.h"
#include "core/filters.h"
#include "core/text.h"

namespace openupr::cli {
namespace {

// "1-13" or "5" -> {first, last}.
Result<std::pair<int, int>> SessionRange(const std::string& option, const std::string& v) {
  int a = 0, b = 0;
  const size_t dash = v.find('-');
  const std::string first = v.substr(0, dash),
                    last = dash == std::string::npos ? first : v.substr(dash + 1);
  auto p1 = std::from_chars(first.data(), first.data() + first.size(), a);
  auto p2 = std::from_chars(last.data(), last.data() + last.size(), b);
  if (first.empty() || last.empty() || p1.ec != std::errc() || p2.ec != std::errc() ||
      p1.ptr != first.data() + first.size() || p2.ptr != last.data() + last.size() || a < 1 ||
      b < a)
    return Status::InvalidArgument(option + ": expected a session range like 1-13, found '" + v +
                                   "'");
  return std::pair{a, b};
}

// The SDG targets of --sdg-targets, or of $OPENUPR_DATA_DIR when it has them; none otherwise
// (said on stderr: the goals then come from the theme table only).
Result<classify::SdgTargets> SdgTargetsOf(const ClassifyArgs& args) {
  std::string path = args.sdg_targets;
  if (path.empty()) {
    const char* dir = std::getenv("OPENUPR_DATA_DIR");
    std::error_code ec;
    if (dir && *dir && std::filesystem::exists(std::string(dir) + "/sdg/en/global_targets.yml", ec))
      path = std::string(dir) + "/sdg/en/global_targets.yml";
  }
  if (path.empty()) {
    std::cerr << "openupr: no --sdg-targets (nor $OPENUPR_DATA_DIR/sdg/en/global_targets.yml): SDG "
                 "goals from the theme table only\n";
    return classify::SdgTargets{};
  }
  return classify::ReadSdgTargets(path);
}

classify::TrainOptions TrainOptionsOf(const ClassifyArgs& args) {
  classify::TrainOptions o;
  o.seed = args.seed;
  o.solver = args.solver == "logistic" ? classify::Solver::kLogistic : classify::Solver::kSvm;
  o.theme_weighting = args.theme_weighting == "plain" ? classify::ThemeWeighting::kPlain
                                                      : classify::ThemeWeighting::kNb;
  if (args.theme_c > 0) o.theme_c = args.theme_c;
  if (args.action_c > 0) o.action_c = args.action_c;
  o.theme_threshold = args.theme_threshold;
  return o;
}

int Evaluate(const CommonOptions& common, const ClassifyArgs& args) {
  auto tr = SessionRange("--train-sessions", args.train_sessions);
  if (!tr.ok()) return Fail(common, tr.status());
  auto te = SessionRange("--test-sessions", args.test_sessions);
  if (!te.ok()) return Fail(common, te.status());
  auto store = OpenExisting(common);
  if (!store.ok()) return Fail(common, store.status());
  classify::EvaluateOptions o;
  o.train = TrainOptionsOf(args);
  auto targets = SdgTargetsOf(args);
  if (!targets.ok()) return Fail(common, targets.status());
  o.train.sdg_targets = std::move(targets).value();
  o.baselines = !args.no_baselines;
  std::error_code ec;
  const auto tmp =
      std::filesystem::temp_directory_path(ec) / ("openupr-classify-" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp, ec);
  o.tmp_dir = tmp.string();
  auto ev = classify::Evaluate(**store, tr->first, tr->second, te->first, te->second, o);
  std::filesystem::remove_all(tmp, ec);
  if (!ev.ok()) return Fail(common, ev.status());
  if (common.json)
    std::cout << classify::EvaluationJson(*ev).dump(2) << '\n';
  else
    std::cout << classify::EvaluationText(*ev);
  return kExitOk;
}

int Train(const CommonOptions& common, const ClassifyArgs& args) {
  auto store = OpenExisting(common);
  if (!store.ok()) return Fail(common, store.status());
  classify::TrainOptions train = TrainOptionsOf(args);
  auto targets = SdgTargetsOf(args);
  if (!targets.ok()) return Fail(common, targets.status());
  train.sdg_targets = std::move(targets).value();
  auto rep = classify::TrainAndStore(**store, train);
  if (!rep.ok()) return Fail(common, rep.status());
  const auto& m = rep->model;
  if (common.json) {
    std::cout << nlohmann::json{{"model",
                                 {{"id", m.id},
                                  {"name", m.name},
                                  {"kind", m.kind},
                                  {"created", m.created},
                                  {"training_fingerprint", m.training_fingerprint},
                                  {"training_records", m.training_records},
                                  {"schema_version", m.schema_version},
                                  {"seed", m.seed},
                                  {"quality", nlohmann::json::parse(m.quality_json)}}}}
                     .dump(2)
              << '\n';
  } else {
    std::cout << "Trained model " << m.id << " (" << m.name << ") on " << m.training_records
              << " labelled recommendations in " << rep->train_seconds << " s; stored in "
              << (*store)->path() << "\nQuality (" << rep->holdout << "): " << m.quality_json
              << '\n';
  }
  return kExitOk;
}

int Label(const CommonOptions& common, const ClassifyArgs& args) {
  auto rows = classify::ReadLabelInput(args.file);
  if (!rows.ok()) return Fail(common, rows.status());
  auto store = OpenExisting(common);
  if (!store.ok()) return Fail(common, store.status());
  auto model = classify::LoadModel(**store);
  if (!model.ok()) return Fail(common, model.status());
  auto preds = classify::PredictRows(*model->classifier, args.file, *rows);
  if (!preds.ok()) return Fail(common, preds.status());
  const std::string out = args.format == "json" ? classify::LabelsJson(*rows, *preds).dump(2) + "\n"
                                                : classify::LabelsCsv(*rows, *preds);
  if (args.output.empty() || args.output == "-") {
    std::cout << out;
  } else {
    std::ofstream f(args.output, std::ios::binary);
    f << out;
    f.close();
    if (!f) return Fail(common, Status::Io("cannot write " + args.output));
  }
  return kExitOk;
}

// A state given on the command line (code or name) -> ISO3 ("" when none), read as the filter
// options read --sur and --from (core/filters.h, the same errors).
Result<std::string> StateOption(std::string_view field, const std::string& v) {
  Filters f;
  if (!v.empty()) OPENUPR_RETURN_IF_ERROR(AddFilterValue(f, field, v));
  const auto& codes = field == "sur" ? f.sur : f.from;
  return codes.empty() ? std::string() : codes.front();
}

int Text(const CommonOptions& common, const ClassifyArgs& args) {
  if (CollapseWhitespace(args.text).empty())
    return Fail(common, Status::InvalidArgument("text: empty (expected a recommendation's text)"));
  auto sur = StateOption("sur", args.sur);
  if (!sur.ok()) return Fail(common, sur.status());
  auto from = StateOption("from", args.from);
  if (!from.ok()) return Fail(common, from.status());
  if (!from->empty() && sur->empty())
    return Fail(common, Status::InvalidArgument("--from: given without --sur (the support "
                                                "estimate needs the state under review)"));
  auto store = OpenExisting(common);
  if (!store.ok()) return Fail(common, store.status());
  auto model = classify::LoadModel(**store);
  if (!model.ok()) return Fail(common, model.status());
  classify::SupportQuery q{
      *sur, from->empty() ? std::vector<std::string>{} : std::vector<std::string>{*from}};
  auto p = model->classifier->Predict(args.text, sur->empty() ? nullptr : &q);
  if (!p.ok()) return Fail(common, Status::InvalidArgument("text: " + p.status().message()));
  if (!sur->empty() && !p->support)
    return Fail(common, Status::Conflict("the stored classifier has no support model: retrain "
                                         "with `openupr classify train`"));
  if (common.json) {
    std::cout << classify::PredictionJson(*p).dump(2) << '\n';
    return kExitOk;
  }
  std::printf("Action category: %d (score %.2f)\n", p->action, p->action_score);
  std::printf("Themes:");
  for (const auto& t : p->themes) std::printf(" %s (%.2f);", t.label.c_str(), t.score);
  std::printf("\nSDG goals:");
  for (const auto& g : p->sdgs) std::printf(" %s (%.2f);", g.label.c_str(), g.score);
  std::printf("%s\n", p->sdgs.empty() ? " none" : "");
  if (p->support) {
    const auto& s = *p->support;
    std::printf("Estimated chance that %s supports it%s: %.0f%%", s.sur.c_str(),
                s.from.empty() ? "" : (" (from " + s.from.front() + ")").c_str(),
                100 * s.probability);
    if (s.history.recommendations)
      std::printf(
          " (%s supported %.0f%% of the %lld recommendations it received in the training "
          "data)",
          s.sur.c_str(), 100.0 * s.history.supported / s.history.recommendations,
          static_cast<long long>(s.history.recommendations));
    std::printf("\n");
  }
  return kExitOk;
}

int Apply(const CommonOptions& common) {
  auto store = OpenExisting(common);
  if (!store.ok()) return Fail(common, store.status());
  auto rep = classify::ApplyModel(**store);
  if (!rep.ok()) return Fail(common, rep.status());
  if (common.json) {
    std::cout << nlohmann::json{{"model_id", rep->model_id},
                                {"records", rep->records},
                                {"recommendations", rep->recommendations},
                                {"observations", rep->observations},
                                {"themes", rep->themes},
                                {"actions", rep->actions},
                                {"sdgs", rep->sdgs}}
                     .dump(2)
              << '\n';
  } else {
    std::cout << "Predicted labels of model " << rep->model_id << " for " << rep->recommendations
              << " recommendations and " << rep->observations
              << " observations of treaty bodies and special procedures: " << rep->themes
              << " themes, " << rep->actions << " action categories, " << rep->sdgs
              << " SDG goals (table predicted_label; source labels untouched)\n";
  }
  return kExitOk;
}

}  // namespace

int RunClassify(const CommonOptions& common, const ClassifyArgs& args) {
  if (args.what == "evaluate") return Evaluate(common, args);
  if (args.what == "train") return Train(common, args);
  if (args.what == "label") return Label(common, args);
  if (args.what == "apply") return Apply(common);
  if (args.what == "text") return Text(common, args);
  return Fail(common, Status::InvalidArgument("unknown classify command " + args.what));
}

}  // namespace openupr::cli

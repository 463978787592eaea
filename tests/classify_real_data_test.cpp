// The classifiers on the real UPR Info data (issue 16): the time split train 1-13 / test 14-17
// reaches floors set a little under what was measured (docs/benchmarks.md), beats plain fastText
// and the first-word rule measured by the same evaluation, and the theme-to-goal table names the
// themes of the data. One evaluation for the suite (about 25 s: fastText trains on 2 threads).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "classify/evaluate.h"
#include "classify/sdg.h"
#include "live_server.h"
#include "test_util.h"

namespace openupr::classify {
namespace {

class ClassifyRealData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    ASSERT_TRUE(testing::ImportRealFiles(
        dir_->File("db"),
        {"sessions-01-05.csv", "sessions-06-09.csv", "sessions-10-13.csv", "sessions-14-17.csv"}));
    auto s = store::Store::Open(dir_->File("db"), store::OpenMode::kExisting);
    ASSERT_TRUE(s.ok());
    store_ = s.value().release();
    EvaluateOptions o;
    auto targets = ReadSdgTargets(testing::DataDir() + "/sdg/en/global_targets.yml");
    ASSERT_TRUE(targets.ok()) << targets.status().ToString();
    o.train.sdg_targets = std::move(targets).value();
    o.tmp_dir = dir_->File("");
    o.fasttext_threads = 2;
    auto ev = Evaluate(*store_, 1, 13, 14, 17, o);
    ASSERT_TRUE(ev.ok()) << ev.status().ToString();
    eval_ = new Evaluation(std::move(ev).value());
  }
  static void TearDownTestSuite() {
    delete eval_;
    delete store_;
    delete dir_;
  }
  static const SystemResult& System(const std::string& name) {
    for (const auto& s : eval_->systems)
      if (s.name == name) return s;
    static SystemResult none;
    ADD_FAILURE() << "no system " << name;
    return none;
  }
  static testing::TempDir* dir_;
  static store::Store* store_;
  static Evaluation* eval_;
};
testing::TempDir* ClassifyRealData::dir_ = nullptr;
store::Store* ClassifyRealData::store_ = nullptr;
Evaluation* ClassifyRealData::eval_ = nullptr;

TEST_F(ClassifyRealData, TimeSplitReachesFloorsAndBeatsBaselinesIssue16) {
  ASSERT_NE(eval_, nullptr);
  EXPECT_EQ(eval_->train_records, 23484);
  EXPECT_EQ(eval_->test_records, 9598);
  const SystemResult& ours = System("openupr");
  const SystemResult& ft = System("fasttext");
  const SystemResult& rule = System("first-word");
  // Measured 0.8813 / 0.8101 / 0.9008 (docs/benchmarks.md).
  EXPECT_GE(ours.themes.micro_f1, 0.875);
  EXPECT_GE(ours.themes.macro_f1, 0.80);
  EXPECT_GE(ours.action.accuracy, 0.895);
  EXPECT_GT(ours.themes.micro_f1, ft.themes.micro_f1 + 0.02);
  EXPECT_GT(ours.themes.macro_f1, ft.themes.macro_f1);
  EXPECT_GT(ours.action.accuracy, ft.action.accuracy + 0.01);
  EXPECT_GT(ours.action.accuracy, rule.action.accuracy + 0.01);
  // The baselines measure what the issue says they reach (about 0.87 / 0.87 / 0.85).
  EXPECT_GT(ft.themes.micro_f1, 0.80);
  EXPECT_GT(ft.action.accuracy, 0.84);
  EXPECT_GT(rule.action.accuracy, 0.84);
  // The action metrics add up: every test record counted once in the confusion matrix.
  int total = 0, diagonal = 0;
  for (size_t i = 0; i < ours.action.confusion.size(); ++i)
    for (size_t j = 0; j < ours.action.confusion[i].size(); ++j) {
      total += ours.action.confusion[i][j];
      if (i == j) diagonal += ours.action.confusion[i][j];
    }
  EXPECT_EQ(total, ours.action.n);
  EXPECT_DOUBLE_EQ(ours.action.accuracy, static_cast<double>(diagonal) / total);
}

// The support model on the same time split (docs/classify.md "Will it be supported?"): it
// ranks far better than the state under review's past share and its probabilities are
// calibrated (each well-filled bin's observed share near its mean prediction). Measured: AUC
// 0.866, Brier 0.124 (baseline 0.593 / 0.243).
TEST_F(ClassifyRealData, SupportModelRanksAndIsCalibratedIssue16) {
  ASSERT_NE(eval_, nullptr);
  ASSERT_TRUE(eval_->support.has_value());
  const SupportResult& s = *eval_->support;
  // Every test record with a response: supported or noted (the export's "other" left out).
  EXPECT_EQ(s.model.n, s.baseline.n);
  EXPECT_GT(s.model.n, 9000);
  EXPECT_GE(s.model.auc, 0.85);
  EXPECT_LE(s.model.brier, 0.13);
  EXPECT_GT(s.model.auc, s.baseline.auc + 0.2);
  EXPECT_LT(s.model.brier, s.baseline.brier);
  // Better than the constant guess of the test data's own share (which a model cannot know).
  const double q = s.model.positive_rate;
  EXPECT_LT(s.model.brier, q * (1 - q));
  int binned = 0;
  for (const auto& b : s.model.calibration) {
    binned += b.n;
    if (b.n >= 200) {
      EXPECT_NEAR(b.observed, b.mean_predicted, 0.1) << b.lo << "-" << b.hi << ": " << b.n;
    }
  }
  EXPECT_EQ(binned, s.model.n);
}

// Its own suite: ctest runs each test in a process of its own, and this one needs no training.
TEST(ClassifyRealDataThemes, ThemeGoalTableNamesTheThemesOfTheDataIssue16) {
  testing::TempDir dir;
  ASSERT_TRUE(testing::ImportRealFiles(
      dir.File("db"),
      {"sessions-01-05.csv", "sessions-06-09.csv", "sessions-10-13.csv", "sessions-14-17.csv"}));
  auto s = store::Store::Open(dir.File("db"), store::OpenMode::kExisting);
  ASSERT_TRUE(s.ok());
  auto names = (*s)->ThemeNames();
  ASSERT_TRUE(names.ok());
  std::set<std::string> data(names->begin(), names->end()), table;
  for (const ThemeGoals& tg : ThemeGoalTable()) {
    table.insert(std::string(tg.theme));
    for (int g : tg.goals) {
      EXPECT_GE(g, 1);
      EXPECT_LE(g, 17);
    }
  }
  EXPECT_EQ(table, data);
  EXPECT_EQ(data.size(), 54u);
  // Every goal has its targets' texts (169 in all).
  auto read = ReadSdgTargets(testing::DataDir() + "/sdg/en/global_targets.yml");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const auto& targets = *read;
  size_t n = 0;
  for (int g = 1; g <= 17; ++g) {
    EXPECT_FALSE(targets[g].empty()) << g;
    n += targets[g].size();
  }
  EXPECT_EQ(n, 169u);
}

}  // namespace
}  // namespace openupr::classify

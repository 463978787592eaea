// The classify module (issue 16) without the real data: the metrics against hand-computed
// examples, the model blob (round trip, versions, corrupt and truncated input), the label
// command's input reader, `classify apply` on a database with unlabelled rows, `classify label`
// through the binary, and POST /api/v1/classify on a real server.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "classify/classifier.h"
#include "classify/label_file.h"
#include "classify/metrics.h"
#include "classify/model_store.h"
#include "classify/sdg.h"
#include "ingest/importer.h"
#include "live_server.h"
#include "server/classify_api.h"
#include "server/json_body.h"
#include "server/sql_backend.h"
#include "store/sqlite.h"
#include "test_util.h"

namespace openupr::classify {
namespace {

using testing::TempDir;

TEST(ClassifyMetrics, SingleLabelMatchesHandComputedIssue16) {
  // truth a a b b c c / predicted a b b b c a.
  const Metrics m = SingleLabelMetrics({"a", "b", "c"}, {0, 0, 1, 1, 2, 2}, {0, 1, 1, 1, 2, 0});
  EXPECT_EQ(m.n, 6);
  EXPECT_DOUBLE_EQ(m.accuracy, 4.0 / 6);
  // a: tp 1, fp 1, fn 1; b: tp 2, fp 1, fn 0; c: tp 1, fp 0, fn 1.
  EXPECT_DOUBLE_EQ(m.labels[0].precision, 0.5);
  EXPECT_DOUBLE_EQ(m.labels[0].recall, 0.5);
  EXPECT_DOUBLE_EQ(m.labels[0].f1, 0.5);
  EXPECT_DOUBLE_EQ(m.labels[1].precision, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.labels[1].recall, 1.0);
  EXPECT_DOUBLE_EQ(m.labels[1].f1, 0.8);
  EXPECT_DOUBLE_EQ(m.labels[2].precision, 1.0);
  EXPECT_DOUBLE_EQ(m.labels[2].recall, 0.5);
  EXPECT_DOUBLE_EQ(m.labels[2].f1, 2.0 / 3);
  EXPECT_EQ(m.labels[1].support, 2);
  EXPECT_DOUBLE_EQ(m.micro_f1, 8.0 / 12);  // tp 4, fp 2, fn 2
  EXPECT_NEAR(m.macro_f1, (0.5 + 0.8 + 2.0 / 3) / 3, 1e-12);
  const std::vector<std::vector<int>> confusion = {{1, 1, 0}, {0, 2, 0}, {1, 0, 1}};
  EXPECT_EQ(m.confusion, confusion);
}

TEST(ClassifyMetrics, MultiLabelMatchesHandComputedIssue16) {
  // truth {x,y} {y} {z} {x} / predicted {x} {y,z} {z} {}; w is never true nor predicted.
  const Metrics m =
      MultiLabelMetrics({"x", "y", "z", "w"}, {{0, 1}, {1}, {2}, {0}}, {{0}, {1, 2}, {2}, {}});
  EXPECT_DOUBLE_EQ(m.accuracy, 0.25);  // only {z} is exactly right
  EXPECT_DOUBLE_EQ(m.labels[0].precision, 1.0);
  EXPECT_DOUBLE_EQ(m.labels[0].recall, 0.5);
  EXPECT_DOUBLE_EQ(m.labels[2].precision, 0.5);
  EXPECT_DOUBLE_EQ(m.labels[2].recall, 1.0);
  EXPECT_DOUBLE_EQ(m.micro_precision, 0.75);  // tp 3, fp 1
  EXPECT_DOUBLE_EQ(m.micro_recall, 0.6);      // tp 3, fn 2
  EXPECT_DOUBLE_EQ(m.micro_f1, 6.0 / 9);
  EXPECT_DOUBLE_EQ(m.macro_f1, 2.0 / 3);  // w has nothing to average
  EXPECT_DOUBLE_EQ(m.labels[3].f1, 0.0);
}

// A small training set: four kinds of asks, each with its theme and action category.
std::vector<Example> SyntheticExamples() {
  struct Kind {
    const char* text;
    int action;
    std::vector<std::string> themes;
  };
  const Kind kinds[] = {
      {"Ratify the Convention against Torture and its Optional Protocol",
       5,
       {"International instruments", "Torture and other CID treatment"}},
      {"Continue its efforts to improve access to education for girls",
       4,
       {"Right to education", "Women's rights"}},
      {"Consider abolishing the death penalty", 3, {"Death penalty"}},
      {"Share its experience in the protection of migrants", 1, {"Migrants"}},
  };
  const char* tails[] = {"",
                         " in rural areas",
                         " as soon as possible",
                         " by law",
                         " with the support of partners",
                         " and report on progress"};
  // Responses for the support model: both states note the death penalty asks; Chad notes the
  // migrants asks too.
  std::vector<Example> out;
  for (const char* sur : {"TCD", "PER"})
    for (const Kind& k : kinds)
      for (const char* t : tails) {
        Example e;
        e.text = std::string(k.text) + t;
        e.action = k.action;
        e.themes = k.themes;
        e.sur = sur;
        e.from = {"CHL"};
        const bool noted = k.action == 3 || (std::string_view(sur) == "TCD" && k.action == 1);
        e.supported = noted ? 0 : 1;
        out.push_back(std::move(e));
      }
  return out;
}

Classifier TrainSynthetic() {
  auto c = Classifier::Train(SyntheticExamples(), {});
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

TEST(ClassifyModel, LearnsTheSyntheticKindsIssue16) {
  const Classifier c = TrainSynthetic();
  auto p = c.Predict("Ratify the Convention against Torture");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->action, 5);
  std::set<std::string> themes;
  for (const auto& t : p->themes) themes.insert(t.label);
  EXPECT_TRUE(themes.count("International instruments"));
  EXPECT_FALSE(themes.count("Migrants"));
  // Women's rights -> goal 5, education -> goal 4 (the theme-to-goal table).
  auto q = c.Predict("Continue its efforts to improve access to education for girls");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->action, 4);
  std::set<std::string> goals;
  for (const auto& g : q->sdgs) goals.insert(g.label);
  EXPECT_TRUE(goals.count("4"));
  EXPECT_TRUE(goals.count("5"));
  auto empty = c.Predict("  ... ");
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
}

TEST(ClassifySupport, LearnsEachStatesResponsesIssue16) {
  const Classifier c = TrainSynthetic();
  ASSERT_NE(c.support(), nullptr);
  auto chance = [&](const std::string& text, const std::string& sur) {
    SupportQuery q{sur, {"CHL"}};
    auto p = c.Predict(text, &q);
    EXPECT_TRUE(p.ok() && p->support);
    return p.ok() && p->support ? p->support->probability : -1.0;
  };
  const std::string death = "Consider abolishing the death penalty",
                    migrants = "Share its experience in the protection of migrants",
                    ratify = "Ratify the Convention against Torture and its Optional Protocol";
  // The model is additive (docs/classify.md): a text's tendency (the death penalty asks noted by
  // both) and a state's (Chad notes more).
  for (const char* sur : {"TCD", "PER"}) {
    EXPECT_LT(chance(death, sur), chance(ratify, sur)) << sur;
    EXPECT_LT(chance(death, sur), 0.5) << sur;
    EXPECT_GT(chance(ratify, sur), 0.5) << sur;
  }
  for (const std::string& text : {death, migrants, ratify})
    EXPECT_LT(chance(text, "TCD"), chance(text, "PER")) << text;
  // A state never seen: a probability still (from the text and the action), no history.
  SupportQuery q{"FRA", {}};
  auto p = c.Predict(death, &q);
  ASSERT_TRUE(p.ok() && p->support);
  EXPECT_GT(p->support->probability, 0);
  EXPECT_LT(p->support->probability, 1);
  EXPECT_EQ(p->support->history.recommendations, 0);
  // The history is the training data's count: 24 to Chad, 12 of them noted.
  SupportQuery tcd{"TCD", {}};
  auto h = c.Predict(death, &tcd);
  ASSERT_TRUE(h.ok() && h->support);
  EXPECT_EQ(h->support->history.recommendations, 24);
  EXPECT_EQ(h->support->history.supported, 12);
  // Without a query, no estimate.
  EXPECT_FALSE(c.Predict(death)->support.has_value());
}

TEST(ClassifySupport, NoResponsesNoSupportModelIssue16) {
  std::vector<Example> ex = SyntheticExamples();
  for (auto& e : ex) e.supported = -1;
  auto c = Classifier::Train(ex, {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->support(), nullptr);
  SupportQuery q{"TCD", {}};
  EXPECT_FALSE(c->Predict("Ratify the Convention", &q)->support.has_value());
  // And such a model survives its blob.
  auto back = Classifier::Deserialize(c->Serialize(9), 9);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->support(), nullptr);
}

TEST(ClassifyMetrics, ProbabilityMetricsMatchHandComputedIssue16) {
  // Positives scored 0.9, 0.4, 0.4; negatives 0.1, 0.4. Of the six positive-negative pairs,
  // four are ranked right and two tie (half each): AUC 5/6.
  const std::vector<int> truth = {1, 0, 1, 1, 0};
  const std::vector<double> p = {0.9, 0.1, 0.4, 0.4, 0.4};
  const ProbabilityMetrics m = BinaryProbabilityMetrics(truth, p);
  EXPECT_EQ(m.n, 5);
  EXPECT_DOUBLE_EQ(m.positive_rate, 0.6);
  EXPECT_DOUBLE_EQ(m.auc, 5.0 / 6);
  EXPECT_NEAR(m.brier, (0.01 + 0.01 + 0.36 + 0.36 + 0.16) / 5, 1e-12);
  EXPECT_NEAR(m.log_loss, -(std::log(0.9) + std::log(0.9) + 2 * std::log(0.4) + std::log(0.6)) / 5,
              1e-12);
  ASSERT_EQ(m.calibration.size(), 10u);
  EXPECT_EQ(m.calibration[1].n, 1);  // 0.1
  EXPECT_DOUBLE_EQ(m.calibration[1].observed, 0.0);
  EXPECT_EQ(m.calibration[4].n, 3);  // the three 0.4s, two of them positive
  EXPECT_NEAR(m.calibration[4].mean_predicted, 0.4, 1e-12);
  EXPECT_NEAR(m.calibration[4].observed, 2.0 / 3, 1e-12);
  EXPECT_EQ(m.calibration[9].n, 1);
  EXPECT_EQ(m.calibration[0].n + m.calibration[2].n + m.calibration[5].n, 0);
  // Perfect ranking, reversed ranking, one class only.
  EXPECT_DOUBLE_EQ(BinaryProbabilityMetrics({0, 1}, {0.2, 0.7}).auc, 1.0);
  EXPECT_DOUBLE_EQ(BinaryProbabilityMetrics({1, 0}, {0.2, 0.7}).auc, 0.0);
  EXPECT_DOUBLE_EQ(BinaryProbabilityMetrics({1, 1}, {0.2, 0.7}).auc, 0.5);
  // A probability of exactly 1 falls in the last bin.
  EXPECT_EQ(BinaryProbabilityMetrics({1}, {1.0}).calibration[9].n, 1);
}

TEST(ClassifyModel, PredictIsThreadSafeIssue16) {
  const Classifier c = TrainSynthetic();
  const std::vector<Example> examples = SyntheticExamples();
  std::vector<nlohmann::json> expected;
  for (const Example& e : examples) expected.push_back(PredictionJson(*c.Predict(e.text)));
  std::vector<std::thread> threads;
  std::atomic<int> mismatches = 0;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round)
        for (size_t i = 0; i < examples.size(); ++i) {
          const size_t k = (i + static_cast<size_t>(t) * 7) % examples.size();
          if (PredictionJson(*c.Predict(examples[k].text)) != expected[k]) ++mismatches;
        }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(ClassifyModel, SameSeedSameModelIssue16) {
  auto a = Classifier::Train(SyntheticExamples(), {});
  auto b = Classifier::Train(SyntheticExamples(), {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->Serialize(9), b->Serialize(9));
}

// The SDG targets' texts given at training travel in the blob: the goals scored by similarity
// to them come back the same after loading, and a text close to a goal's targets gets it.
TEST(ClassifyModel, SdgTargetsTravelInTheBlobIssue16) {
  TrainOptions o;
  o.sdg_targets = ParseSdgTargets(
      "2-1: By 2030, end hunger and ensure access by all people to safe, nutritious and "
      "sufficient food all year round\n"
      "6-1: By 2030, achieve universal and equitable access to safe and affordable drinking "
      "water for all\n");
  ASSERT_EQ(o.sdg_targets[2].size(), 1u);
  auto c = Classifier::Train(SyntheticExamples(), o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto back = Classifier::Deserialize(c->Serialize(9), 9);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  const std::string text = "End hunger and ensure access to nutritious food all year round";
  auto p = c->Predict(text), q = back->Predict(text);
  ASSERT_TRUE(p.ok() && q.ok());
  ASSERT_EQ(p->sdgs.size(), q->sdgs.size());
  bool hunger = false;
  for (size_t i = 0; i < p->sdgs.size(); ++i) {
    EXPECT_EQ(p->sdgs[i].label, q->sdgs[i].label);
    EXPECT_EQ(p->sdgs[i].score, q->sdgs[i].score);
    hunger |= p->sdgs[i].label == "2";
  }
  EXPECT_TRUE(hunger);
  // Without the targets no goal comes from similarity.
  auto plain = Classifier::Train(SyntheticExamples(), {});
  ASSERT_TRUE(plain.ok());
  auto r = plain->Predict(text);
  ASSERT_TRUE(r.ok());
  for (const auto& g : r->sdgs) EXPECT_NE(g.label, "2");
}

TEST(ClassifyModel, BlobRoundTripIssue16) {
  const Classifier c = TrainSynthetic();
  const std::string blob = c.Serialize(9);
  auto back = Classifier::Deserialize(blob, 9);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->Serialize(9), blob);
  for (const Example& e : SyntheticExamples()) {
    auto p = c.Predict(e.text), q = back->Predict(e.text);
    ASSERT_TRUE(p.ok() && q.ok());
    EXPECT_EQ(p->action, q->action);
    EXPECT_EQ(p->action_score, q->action_score);
    ASSERT_EQ(p->themes.size(), q->themes.size());
    for (size_t i = 0; i < p->themes.size(); ++i) {
      EXPECT_EQ(p->themes[i].label, q->themes[i].label);
      EXPECT_EQ(p->themes[i].score, q->themes[i].score);
    }
  }
}

// The theme weighting travels in the blob: a model of TF-IDF theme models (kPlain) comes back
// as one, with the same decision values, and they differ from the NB-SVM model's.
TEST(ClassifyModel, ThemeWeightingTravelsInTheBlobIssue16) {
  TrainOptions o;
  o.theme_weighting = ThemeWeighting::kPlain;
  auto plain = Classifier::Train(SyntheticExamples(), o);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  auto back = Classifier::Deserialize(plain->Serialize(9), 9);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->options().theme_weighting, ThemeWeighting::kPlain);
  const Classifier nb = TrainSynthetic();
  EXPECT_EQ(nb.options().theme_weighting, ThemeWeighting::kNb);
  bool differ = false;
  for (const Example& e : SyntheticExamples()) {
    SparseVector x;
    plain->features().Transform(e.text, x);
    std::vector<double> a, b, n;
    double aa[5], ba[5], na[5];
    plain->Decisions(x, a, aa);
    back->Decisions(x, b, ba);
    EXPECT_EQ(a, b);
    nb.features().Transform(e.text, x);
    nb.Decisions(x, n, na);
    differ |= a != n;
    // The action model is the same in both (only the theme models' features differ).
    for (int k = 0; k < 5; ++k) EXPECT_NEAR(aa[k], na[k], 1e-5) << e.text;
  }
  EXPECT_TRUE(differ);
}

TEST(ClassifyModel, RefusesAnotherSchemaVersionClearlyIssue16) {
  const std::string blob = TrainSynthetic().Serialize(9);
  auto r = Classifier::Deserialize(blob, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kConflict);
  EXPECT_EQ(r.status().message(),
            "model trained for schema 9, database is 10: retrain with `openupr classify train`");
}

TEST(ClassifyModel, RefusesAnotherFormatVersionIssue16) {
  std::string blob = TrainSynthetic().Serialize(9);
  blob[8] = static_cast<char>(kModelFormatVersion + 1);  // the format version follows the magic
  auto r = Classifier::Deserialize(blob, 9);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kBadInput);
  const std::string want = "format version " + std::to_string(kModelFormatVersion + 1) +
                           ", this build reads " + std::to_string(kModelFormatVersion);
  EXPECT_NE(r.status().message().find(want), std::string::npos) << r.status().message();
}

TEST(ClassifyModel, RefusesCorruptAndTruncatedBlobsIssue16) {
  const std::string blob = TrainSynthetic().Serialize(9);
  // Every truncation (in steps, and every length of the header) is an error, never a crash.
  for (size_t n = 0; n < blob.size(); n += (n < 64 ? 1 : 997)) {
    auto r = Classifier::Deserialize(std::string_view(blob).substr(0, n), 9);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), StatusCode::kBadInput) << n;
  }
  // A flipped byte anywhere in the payload fails the checksum.
  for (size_t at : {size_t{40}, blob.size() / 2, blob.size() - 9}) {
    std::string bad = blob;
    bad[at] ^= 0x5A;
    auto r = Classifier::Deserialize(bad, 9);
    ASSERT_FALSE(r.ok()) << at;
    EXPECT_EQ(r.status().code(), StatusCode::kBadInput) << at;
  }
  std::string bad = blob;
  bad[blob.size() / 2] ^= 0x01;
  EXPECT_NE(Classifier::Deserialize(bad, 9).status().message().find("checksum"), std::string::npos);
  EXPECT_NE(Classifier::Deserialize("not a model at all", 9).status().message().find("magic"),
            std::string::npos);
}

TEST(ClassifyLabelInput, ReadsCsvTextAndUprInfoIssue16) {
  auto csv = ParseLabelInput("id,text\n1,Ratify the CAT\n2,\"Abolish the\ndeath penalty\"\n",
                             "a.csv", InputKind::kCsv);
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  ASSERT_EQ(csv->size(), 2u);
  EXPECT_EQ((*csv)[0].line, 2);
  EXPECT_EQ((*csv)[0].text, "Ratify the CAT");
  EXPECT_EQ((*csv)[1].line, 3);
  EXPECT_EQ((*csv)[1].text, "Abolish the death penalty");

  auto upr = ParseLabelInput(std::string(testing::kHeader) +
                                 "\nChad,Africa,AU,Ratify the CAT &amp; OP,Chile,GRULAC,OAS,"
                                 "Accepted,5,\"Torture and other CID treatment, International "
                                 "instruments\",6\n",
                             "u.csv", InputKind::kCsv);
  ASSERT_TRUE(upr.ok()) << upr.status().ToString();
  ASSERT_EQ(upr->size(), 1u);
  EXPECT_EQ((*upr)[0].text, "Ratify the CAT & OP");
  EXPECT_EQ((*upr)[0].action, 5);
  const std::vector<std::string> themes = {"Torture and other CID treatment",
                                           "International instruments"};
  EXPECT_EQ((*upr)[0].themes, themes);
  // The states (names resolved to codes) and the response, for the support estimate.
  EXPECT_EQ((*upr)[0].sur, "TCD");
  EXPECT_EQ((*upr)[0].from, "CHL");
  EXPECT_EQ((*upr)[0].response, "Accepted");
  auto states = ParseLabelInput(
      "text,State under review,Recommending state\nRatify the CAT,Sri Lanka,(Unknown)\n"
      "Ratify the CAT,lka,\nRatify the CAT,Atlantis,FRA\n",
      "s.csv", InputKind::kCsv);
  ASSERT_FALSE(states.ok());
  EXPECT_EQ(states.status().message(),
            "s.csv:4: column State under review: unknown state 'Atlantis' (expected a state's "
            "name or ISO3 code)");
  auto two =
      ParseLabelInput("text,sur,from\nRatify the CAT,Sri Lanka,(Unknown)\nRatify the CAT,lka,\n",
                      "s.csv", InputKind::kCsv);
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ((*two)[0].sur, "LKA");
  EXPECT_EQ((*two)[0].from, "");
  EXPECT_EQ((*two)[1].sur, "LKA");

  auto txt = ParseLabelInput("Ratify the CAT\r\n\r\nEnd child labour\n", "t.txt", InputKind::kText);
  ASSERT_TRUE(txt.ok());
  ASSERT_EQ(txt->size(), 2u);
  EXPECT_EQ((*txt)[1].line, 3);
  EXPECT_EQ((*txt)[1].text, "End child labour");

  auto one = ParseLabelInput("Recommendation\nRatify the CAT\n", "o.csv", InputKind::kCsv);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);
}

TEST(ClassifyLabelInput, BadInputNamesFileAndLineIssue16) {
  auto no_text = ParseLabelInput("id,state\n1,Chad\n", "x.csv", InputKind::kCsv);
  ASSERT_FALSE(no_text.ok());
  EXPECT_EQ(no_text.status().code(), StatusCode::kBadInput);
  EXPECT_TRUE(no_text.status().message().starts_with(
      "x.csv:1: no text column (expected text, recommendation"))
      << no_text.status().message();
  auto empty = ParseLabelInput("id,text\n1,Ratify\n2,  \n", "y.csv", InputKind::kCsv);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), "y.csv:3: empty text");
  auto quote = ParseLabelInput("text\n\"never closed\n", "z.csv", InputKind::kCsv);
  ASSERT_FALSE(quote.ok());
  EXPECT_NE(quote.status().message().find("z.csv:2"), std::string::npos)
      << quote.status().message();
}

// A database of UPR Info rows: the synthetic kinds labelled, and three rows the source left
// unlabelled (no action, no themes, or neither).
class ClassifyDatabase : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("db");
    std::string csv = testing::kHeader;
    csv += "\n";
    for (const Example& e : SyntheticExamples()) {
      if (e.sur != "TCD") continue;
      std::string themes;
      for (const auto& t : e.themes) themes += (themes.empty() ? "" : ", ") + t;
      csv += "Chad,Africa,AU,\"" + e.text + "\",Chile,GRULAC,OAS,Accepted," +
             std::to_string(e.action) + ",\"" + themes + "\",6\n";
    }
    csv += "Chad,Africa,AU,Ratify the Convention against Torture soon,Peru,GRULAC,OAS,Noted,,,7\n";
    csv += "Chad,Africa,AU,Consider abolishing the death penalty now,Peru,GRULAC,OAS,Noted,3,,7\n";
    csv += "Chad,Africa,AU,Share its experience on migrants,Peru,GRULAC,OAS,Noted,,Migrants,7\n";
    auto s = store::Store::Open(db_);
    ASSERT_TRUE(s.ok());
    auto r = ingest::ImportFiles(**s, {dir_.Write("upr.csv", csv)}, {});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(ClassifyDatabase, ApplyNeverOverwritesSourceLabelsIssue16) {
  auto s = store::Store::Open(db_, store::OpenMode::kExisting);
  ASSERT_TRUE(s.ok());
  store::Store& st = **s;
  EXPECT_EQ(ApplyModel(st).status().code(), StatusCode::kNotFound);  // nothing trained yet
  auto trained = TrainAndStore(st, {});
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  EXPECT_EQ(trained->model.training_records, 26);  // 24 labelled + 2 half-labelled
  const int64_t n = *st.db().QueryInt("SELECT count(*) FROM recommendation");
  std::vector<int64_t> ids;
  for (int64_t i = 1; i <= n; ++i) ids.push_back(i);
  auto before = st.GetRecommendations(ids);
  ASSERT_TRUE(before.ok());

  auto rep = ApplyModel(st);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  auto after = st.GetRecommendations(ids);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(before->size(), after->size());
  for (size_t i = 0; i < before->size(); ++i) {  // the source's labels are as they were
    const Recommendation& b = (*before)[i];
    const Recommendation& a = (*after)[i];
    EXPECT_FALSE(b.action_predicted);
    EXPECT_FALSE(b.themes_predicted);
    // Read back, a record without a source label carries the predicted one, marked (issue 17).
    EXPECT_EQ(a.action_predicted, !b.action.has_value());
    EXPECT_EQ(a.themes_predicted, b.themes.empty());
    if (!a.action_predicted) {
      EXPECT_EQ(b.action, a.action);
    }
    if (!a.themes_predicted) {
      EXPECT_EQ(b.themes, a.themes);
    }
  }
  // Predicted themes exactly for the rows without source themes, actions for those without an
  // action; SDG goals may be predicted for any row (the source has none).
  std::set<std::string> no_themes, no_action;
  for (const auto& r : *before) {
    if (r.themes.empty()) no_themes.insert(r.uid);
    if (!r.action) no_action.insert(r.uid);
  }
  EXPECT_EQ(no_themes.size(), 2u);
  EXPECT_EQ(no_action.size(), 2u);
  std::set<std::string> got_themes, got_action;
  auto q = st.db().Prepare("SELECT record_uid, kind, label, score, model_id FROM predicted_label");
  ASSERT_TRUE(q.ok());
  int64_t rows = 0;
  ASSERT_TRUE(q->ForEachRow([&](store::Statement& row) {
                 ++rows;
                 if (row.String(1) == "theme") got_themes.insert(row.String(0));
                 if (row.String(1) == "action") {
                   got_action.insert(row.String(0));
                   EXPECT_GE(std::stoi(row.String(2)), 1);
                 }
                 EXPECT_GE(row.Double(3), 0.0);
                 EXPECT_LE(row.Double(3), 1.0);
                 EXPECT_EQ(row.Int(4), rep->model_id);
               }).ok());
  EXPECT_EQ(got_themes, no_themes);
  EXPECT_EQ(got_action, no_action);
  EXPECT_EQ(rows, rep->themes + rep->actions + rep->sdgs);
  // The unlabelled "Ratify ... Torture" row gets the action the labelled ones have.
  const int64_t ratify_action = *st.db().QueryInt(
      "SELECT p.label FROM predicted_label p JOIN recommendation r ON r.uid = p.record_uid "
      "WHERE p.kind = 'action' AND r.text LIKE 'Ratify%'");
  EXPECT_EQ(ratify_action, 5);
}

TEST_F(ClassifyDatabase, ModelOfAnotherSchemaVersionIsRefusedIssue16) {
  {
    auto s = store::Store::Open(db_, store::OpenMode::kExisting);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(TrainAndStore(**s, {}).ok());
  }
  const int latest = store::BuiltinMigrations().back().version;
  std::vector<store::Migration> next(store::BuiltinMigrations().begin(),
                                     store::BuiltinMigrations().end());
  next.push_back({latest + 1, "test: a later schema", "CREATE TABLE later (id INTEGER);"});
  auto s = store::Store::Open(db_, store::OpenMode::kExisting, next);
  ASSERT_TRUE(s.ok());
  auto m = LoadModel(**s);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kConflict);
  EXPECT_EQ(m.status().message(), "model trained for schema " + std::to_string(latest) +
                                      ", database is " + std::to_string(latest + 1) +
                                      ": retrain with `openupr classify train`");
}

TEST_F(ClassifyDatabase, CorruptStoredModelIsRefusedIssue16) {
  auto s = store::Store::Open(db_, store::OpenMode::kExisting);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(TrainAndStore(**s, {}).ok());
  ASSERT_TRUE((*s)->db().Exec("UPDATE model SET blob = substr(blob, 1, length(blob) / 2)").ok());
  auto m = LoadModel(**s);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kBadInput);
  EXPECT_NE(m.status().message().find("truncated"), std::string::npos) << m.status().message();
}

TEST_F(ClassifyDatabase, LabelCommandWritesEveryRowIssue16) {
  const std::string q = "'" + db_ + "'";
  auto untrained = testing::RunCli(
      "--db " + q + " classify label '" + dir_.Write("in.csv", "text\nRatify the CAT\n") + "'",
      dir_);
  EXPECT_EQ(untrained.exit_code, 4);
  EXPECT_NE(untrained.err.find("openupr classify train"), std::string::npos) << untrained.err;
  auto train = testing::RunCli("--db " + q + " classify train --seed 7", dir_);
  ASSERT_EQ(train.exit_code, 0) << train.err;

  const std::string in =
      dir_.Write("in.csv",
                 "id,text,action\n1,Ratify the Convention against Torture,5\n2,\"Consider "
                 "abolishing\nthe death penalty\",\n");
  auto out = testing::RunCli("--db " + q + " classify label '" + in + "'", dir_);
  ASSERT_EQ(out.exit_code, 0) << out.err;
  // The same predictions as the stored model's, computed here.
  auto s = store::Store::Open(db_, store::OpenMode::kExisting);
  ASSERT_TRUE(s.ok());
  auto m = LoadModel(**s);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->info.seed, 7u);
  std::vector<InputRow> rows(2);
  rows[0].line = 2;
  rows[0].text = "Ratify the Convention against Torture";
  rows[0].action = 5;
  rows[1].line = 3;
  rows[1].text = "Consider abolishing the death penalty";
  std::vector<Prediction> preds;
  for (const auto& r : rows) preds.push_back(*m->classifier->Predict(r.text));
  EXPECT_EQ(out.out, LabelsCsv(rows, preds));
  EXPECT_EQ(preds[0].action, 5);
  EXPECT_EQ(preds[1].action, 3);

  auto json = testing::RunCli("--db " + q + " classify label --format json '" + in + "'", dir_);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[1]["line"], 3);
  EXPECT_EQ(j[0]["source"]["action"], 5);
  EXPECT_EQ(j[0]["predicted"]["action"]["label"], 5);

  // With the state under review: the support estimate, as the model gives it.
  const std::string with_states =
      dir_.Write("states.csv",
                 "text,sur,from,response\nConsider abolishing the death penalty,Chad,Chile,"
                 "Noted\n");
  auto sup = testing::RunCli("--db " + q + " classify label '" + with_states + "'", dir_);
  ASSERT_EQ(sup.exit_code, 0) << sup.err;
  std::vector<InputRow> srows(1);
  srows[0].line = 2;
  srows[0].text = "Consider abolishing the death penalty";
  srows[0].sur = "TCD";
  srows[0].from = "CHL";
  srows[0].response = "Noted";
  SupportQuery sq{"TCD", {"CHL"}};
  std::vector<Prediction> spreds = {*m->classifier->Predict(srows[0].text, &sq)};
  ASSERT_TRUE(spreds[0].support.has_value());
  EXPECT_EQ(sup.out, LabelsCsv(srows, spreds));
  char want[32];
  std::snprintf(want, sizeof want, ",%.4f,", spreds[0].support->probability);
  EXPECT_NE(sup.out.find(want), std::string::npos) << sup.out;
  EXPECT_NE(sup.out.find(",Noted\r\n"), std::string::npos) << sup.out;

  auto bad = testing::RunCli(
      "--db " + q + " classify label '" + dir_.Write("bad.csv", "id,state\n1,Chad\n") + "'", dir_);
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("bad.csv:1: no text column (expected text, recommendation"),
            std::string::npos)
      << bad.err;
}

// `openupr classify text`: the drafting assistant's answer on the command line.
TEST_F(ClassifyDatabase, TextCommandGivesLabelsAndSupportIssue16) {
  const std::string q = "'" + db_ + "'";
  ASSERT_EQ(testing::RunCli("--db " + q + " classify train", dir_).exit_code, 0);
  auto out = testing::RunCli(
      "--db " + q +
          " --json classify text 'Consider abolishing the death penalty' --sur Chad "
          "--from CHL",
      dir_);
  ASSERT_EQ(out.exit_code, 0) << out.err;
  auto s = store::Store::Open(db_, store::OpenMode::kExisting);
  ASSERT_TRUE(s.ok());
  auto m = LoadModel(**s);
  ASSERT_TRUE(m.ok());
  SupportQuery query{"TCD", {"CHL"}};
  EXPECT_EQ(nlohmann::json::parse(out.out), PredictionJson(*m->classifier->Predict(
                                                "Consider abolishing the death penalty", &query)));
  auto text = testing::RunCli(
      "--db " + q + " classify text 'Consider abolishing the death penalty' --sur TCD", dir_);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Action category: 3"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Estimated chance that TCD supports it: "), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("of the 26 recommendations it received"), std::string::npos) << text.out;
  for (const auto& [args, want] : std::vector<std::pair<std::string, std::string>>{
           {"classify text 'Ratify CAT' --sur Atlantis",
            "--sur 'Atlantis': expected an ISO 3166 alpha-3 code or a state name"},
           {"classify text 'Ratify CAT' --from FRA", "--from: given without --sur"},
           {"classify text '   '", "text: empty"}}) {
    auto bad = testing::RunCli("--db " + q + " " + args, dir_);
    EXPECT_NE(bad.exit_code, 0) << args;
    EXPECT_NE(bad.err.find(want), std::string::npos) << bad.err;
  }
}

TEST_F(ClassifyDatabase, ClassifyEndpointAnswersWithTheStoredModelIssue16) {
  auto backend = server::SqlBackend::Open(db_, 2);
  ASSERT_TRUE(backend.ok());
  testing::LiveServer live(**backend);
  httplib::Client client("127.0.0.1", live.port());
  const std::string body = R"({"text": "Ratify the Convention against Torture"})";
  auto none = client.Post("/api/v1/classify", body, "application/json");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 409);
  EXPECT_NE(none->body.find("openupr classify train"), std::string::npos) << none->body;

  {
    auto s = store::Store::Open(db_, store::OpenMode::kExisting);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(TrainAndStore(**s, {}).ok());
  }
  auto res = client.Post("/api/v1/classify", body, "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  auto s = store::Store::Open(db_, store::OpenMode::kExisting);
  ASSERT_TRUE(s.ok());
  auto m = LoadModel(**s);
  ASSERT_TRUE(m.ok());
  auto want = PredictionJson(*m->classifier->Predict("Ratify the Convention against Torture"));
  want["support"] = nullptr;  // no "sur": no estimate
  EXPECT_EQ(nlohmann::json::parse(res->body), want);

  // With the state under review (a name in any of the six languages, or its code) and the
  // recommending state: the support estimate, equal to the library's, with the stored quality.
  {
    auto sup = client.Post("/api/v1/classify",
                           R"({"text": "Consider abolishing the death penalty", "sur": "Tchad", )"
                           R"("from": "chile"})",
                           "application/json");
    ASSERT_TRUE(sup);
    ASSERT_EQ(sup->status, 200) << sup->body;
    auto j = nlohmann::json::parse(sup->body);
    SupportQuery q{"TCD", {"CHL"}};
    auto want =
        PredictionJson(*m->classifier->Predict("Consider abolishing the death penalty", &q));
    EXPECT_EQ(j["support"]["probability"], want["support"]["probability"]);
    EXPECT_EQ(j["support"]["sur"], "TCD");
    EXPECT_EQ(j["support"]["from"], "CHL");
    EXPECT_EQ(j["support"]["sur_recommendations"], 26);  // 24 + 2 with a response, as stored
    EXPECT_EQ(j["support"]["sur_supported"], 24);
    EXPECT_EQ(j["action"], want["action"]);
    // The model's quality as stored (its hold-out may lack responses of both kinds: null).
    auto quality = nlohmann::json::parse(m->info.quality_json);
    if (quality.contains("support_auc"))
      EXPECT_EQ(j["support"]["model"]["auc"], quality["support_auc"]);
    else
      EXPECT_TRUE(j["support"]["model"].is_null());
  }
  for (const auto& [bad, want] : std::vector<std::pair<std::string, std::string>>{
           {R"({"text": "Ratify CAT", "sur": "Atlantis"})", "$.sur: unknown state"},
           {R"({"text": "Ratify CAT", "sur": 12})", "$.sur: expected a state's ISO3 code or name"},
           {R"({"text": "Ratify CAT", "from": "FRA"})", "$.from: given without"},
           {R"({"text": "Ratify CAT", "sur": "FRA", "from": ["DEU", "Atlantis"]})",
            "$.from[1]: unknown state"},
           {R"({"text": "Ratify CAT", "sur": "FRA", "from": []})", "$.from: an empty array"},
           {R"({"text": "Ratify CAT", "state": "FRA"})", "$.state: unknown member"}}) {
    auto r = client.Post("/api/v1/classify", bad, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_NE(r->body.find(want), std::string::npos) << r->body;
  }

  auto empty = client.Post("/api/v1/classify", R"({"text": "  "})", "application/json");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
  EXPECT_NE(empty->body.find("$.text: empty text"), std::string::npos) << empty->body;
  auto not_json = client.Post("/api/v1/classify", "{\"text\": ", "application/json");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);
  auto deep = client.Post("/api/v1/classify", std::string(5000, '[') + std::string(5000, ']'),
                          "application/json");
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->status, 400);
  auto big = client.Post("/api/v1/classify",
                         "{\"text\": \"" + std::string(server::kMaxJsonBodyBytes, 'a') + "\"}",
                         "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
}

}  // namespace
}  // namespace openupr::classify

// Found by the classify fuzz target: a number too large for a double ("6e66866") made
// nlohmann::json throw out_of_range, which the body's parser did not catch (the process
// ended). Now a 400 naming the body ("$: not JSON"), as any other bad body.
TEST(ClassifyRequest, ANumberTooLargeIsABadBodyNotACrashIssue16) {
  for (const std::string_view body :
       {std::string_view("6e66866,t"), std::string_view(R"({"text": "x", "n": 1e999999})"),
        std::string_view(R"({"text": 6e66866})")}) {
    auto r = openupr::server::ParseClassifyRequest(body);
    const auto* e = std::get_if<openupr::server::ApiError>(&r);
    ASSERT_NE(e, nullptr) << body;
    EXPECT_EQ(e->status.code(), openupr::StatusCode::kInvalidArgument) << body;
    EXPECT_TRUE(e->status.message().starts_with("$: not JSON")) << e->status.message();
  }
}

// The observations' index (engine/observations.h, issue 17) against a plain reading of the same
// records: a synthetic export of 3,000 records (bench/uhri_synth.h: texts of the real UPR record,
// every mechanism) imported into a real SQLite file; for words, phrases, prefixes, OR and NOT,
// with and without filters, the total, the page and every facet are compared with a naive pass
// over the records (core::Tokenizer on each text, the filters and the counts written out again).
// Phrases are matched on the terms' stored positions and facets take three counting paths
// (whole-index totals minus the rest, an intersection per value, each record's codes): the
// selections below take each of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "bench/real_data.h"
#include "bench/uhri_synth.h"
#include "core/text.h"
#include "core/theme_crosswalk.h"
#include "engine/observations.h"
#include "ingest/importer.h"
#include "search/query.h"
#include "test_util.h"

namespace openupr::testing {
namespace {

using engine::ObservationFilter;
using engine::ObservationIndex;
using engine::ObservationRecord;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The values a record has for a facet field, lower-cased, each once.
std::set<std::string> Values(const ObservationRecord& r, const std::string& field) {
  std::vector<std::string> v;
  if (field == "mechanism") v = {std::string(MechanismCode(r.mechanism))};
  if (field == "body") v = {r.body};
  if (field == "document") v = {r.symbol};
  if (field == "year" && r.year) v = {std::to_string(r.year)};
  if (field == "theme") v = r.themes;
  if (field == "sdg")
    for (const auto& s : r.sdgs) v.push_back(SdgTargetOf(s));
  if (field == "affected") v = r.affected;
  if (field == "state") v = r.states;
  if (field == "type") v = {r.annotation_type};
  std::set<std::string> out;
  for (const auto& s : v)
    if (!s.empty()) out.insert(Lower(s));
  return out;
}

class ObservationIndexIssue17 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto source = bench::LoadUhriSynthSource(OPENUPR_SHARED_DATA);
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    bench::UhriSynthOptions options;
    options.records = 3000;
    options.json_path = dir_->File("uhri.json");
    ASSERT_TRUE(bench::WriteUhriSynth(options, *source).ok());
    auto s = store::Store::Open(dir_->File("db"));
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value().release();
    auto r = ingest::ImportFiles(*store_, {options.json_path}, {});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    auto ix = ObservationIndex::Build(*store_);
    ASSERT_TRUE(ix.ok());
    index_ = std::move(ix).value().release();
    Tokenizer tokenizer;
    for (int64_t i = 0; i < index_->size(); ++i) {
      std::vector<std::string> terms;
      tokenizer.Tokenize(index_->record(static_cast<uint32_t>(i)).text,
                         [&](std::string_view t, size_t, size_t) {
                           terms.emplace_back(t);
                           return true;
                         });
      terms_.push_back(std::move(terms));
    }
  }
  static void TearDownTestSuite() {
    delete index_;
    delete store_;
    delete dir_;
  }

  // Whether record i's terms hold the phrase (the terms of words, consecutive); a word ending in
  // '*' matches every term it begins (unstemmed, folded).
  static bool Holds(uint32_t i, const std::vector<std::string>& words) {
    Tokenizer tokenizer;
    std::vector<std::pair<std::string, bool>> want;  // term, prefix
    for (const std::string& w : words) {
      if (w.ends_with("*")) {
        want.emplace_back(std::string(tokenizer.Normalize(w.substr(0, w.size() - 1), false)), true);
        continue;
      }
      tokenizer.Tokenize(w, [&](std::string_view t, size_t, size_t) {
        want.emplace_back(std::string(t), false);
        return true;
      });
    }
    const auto& terms = terms_[i];
    for (size_t p = 0; p + want.size() <= terms.size(); ++p) {
      size_t k = 0;
      while (k < want.size() && (want[k].second ? terms[p + k].starts_with(want[k].first)
                                                : terms[p + k] == want[k].first))
        ++k;
      if (k == want.size()) return true;
    }
    return false;
  }

  // The naive selection of f without the filter of field `without` (""), text by `text`.
  static std::vector<uint32_t> Naive(const ObservationFilter& f,
                                     const std::function<bool(uint32_t)>& text,
                                     const std::string& without) {
    std::vector<uint32_t> out;
    auto any = [](const std::set<std::string>& have, const std::vector<std::string>& wanted) {
      for (const auto& w : wanted)
        if (have.count(Lower(w))) return true;
      return false;
    };
    for (uint32_t i = 0; i < index_->size(); ++i) {
      const ObservationRecord& r = index_->record(i);
      if (r.missing && !f.include_missing) continue;
      if (!text(i)) continue;
      if (without != "state" && !f.states.empty() && !any(Values(r, "state"), f.states)) continue;
      if (without != "mechanism" && !f.mechanisms.empty() &&
          std::find(f.mechanisms.begin(), f.mechanisms.end(), r.mechanism) == f.mechanisms.end())
        continue;
      if (without != "year" && (f.year_from || f.year_to) &&
          (!r.year || (f.year_from && r.year < f.year_from) || (f.year_to && r.year > f.year_to)))
        continue;
      if (without != "theme" && !f.themes.empty()) {
        std::vector<std::string> themes = f.themes;
        for (const auto& t : f.themes)
          for (auto u : UhriThemesOf(t)) themes.emplace_back(u);
        if (!any(Values(r, "theme"), themes)) continue;
      }
      if (without != "body" && !f.bodies.empty() && !any(Values(r, "body"), f.bodies)) continue;
      out.push_back(i);
    }
    return out;
  }

  // Search(f) agrees with the naive reading: total, the first page (newest first), every facet
  // in full and its top 3.
  static void Check(const ObservationFilter& f, const std::function<bool(uint32_t)>& text,
                    const std::string& what) {
    SCOPED_TRACE(what);
    const std::vector<std::string> fields(std::begin(engine::kObservationFacets),
                                          std::end(engine::kObservationFacets));
    auto all = index_->Search(f, 0, 1'000'000, fields, 0);
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    const std::vector<uint32_t> sel = Naive(f, text, "");
    EXPECT_EQ(all->total, static_cast<int64_t>(sel.size()));
    EXPECT_EQ(std::set<uint32_t>(all->hits.begin(), all->hits.end()),
              std::set<uint32_t>(sel.begin(), sel.end()));
    for (size_t k = 1; k < all->hits.size(); ++k) {
      const auto& a = index_->record(all->hits[k - 1]);
      const auto& b = index_->record(all->hits[k]);
      EXPECT_TRUE(a.published > b.published || (a.published == b.published && a.uid < b.uid));
    }
    auto top = index_->Search(f, 0, 20, fields, 3);
    ASSERT_TRUE(top.ok());
    EXPECT_EQ(top->hits,
              std::vector<uint32_t>(all->hits.begin(),
                                    all->hits.begin() + std::min<size_t>(20, all->hits.size())));
    for (size_t j = 0; j < fields.size(); ++j) {
      const std::string& field = fields[j];
      std::map<std::string, int64_t> naive;
      for (uint32_t i : Naive(f, text, field))
        for (const auto& v : Values(index_->record(i), field)) ++naive[v];
      std::map<std::string, int64_t> got;
      for (const auto& v : all->facets[j].values) got[Lower(v.key)] = v.count;
      EXPECT_EQ(got, naive) << field;
      // The top 3: the three largest counts (ties by key; years newest first).
      // (Ties are ordered by the key as the index shows it: its first spelling.)
      std::map<std::string, std::string> shown;
      for (const auto& v : all->facets[j].values) shown[Lower(v.key)] = v.key;
      std::vector<std::pair<std::string, int64_t>> order;
      for (const auto& [key, count] : naive) order.emplace_back(shown[key], count);
      std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
        if (field == "year") return a.first > b.first;
        if (a.second != b.second) return a.second > b.second;
        return a.first < b.first;
      });
      order.resize(std::min<size_t>(3, order.size()));
      std::vector<std::pair<std::string, int64_t>> top3;
      for (const auto& v : top->facets[j].values) top3.emplace_back(v.key, v.count);
      EXPECT_EQ(top3, order) << field;
    }
  }

  static TempDir* dir_;
  static store::Store* store_;
  static ObservationIndex* index_;
  static std::vector<std::vector<std::string>> terms_;
};

TempDir* ObservationIndexIssue17::dir_ = nullptr;
store::Store* ObservationIndexIssue17::store_ = nullptr;
ObservationIndex* ObservationIndexIssue17::index_ = nullptr;
std::vector<std::vector<std::string>> ObservationIndexIssue17::terms_;

TEST_F(ObservationIndexIssue17, SearchesAndFacetsAreTheNaiveReading) {
  ASSERT_EQ(index_->size(), 3000);
  auto yes = [](uint32_t) { return true; };
  auto words = [](std::vector<std::string> w) {
    return [w](uint32_t i) {
      for (const auto& x : w)
        if (!Holds(i, {x})) return false;
      return true;
    };
  };
  auto phrase = [](std::vector<std::string> w) { return [w](uint32_t i) { return Holds(i, w); }; };

  ObservationFilter f;
  Check(f, yes, "everything (totals minus the rest)");
  f.mechanisms = {Mechanism::kTreatyBody};
  Check(f, yes, "treaty bodies");
  f.mechanisms.clear();
  f.year_from = 2015;
  Check(f, yes, "since 2015");
  f.mechanisms = {Mechanism::kTreatyBody};
  Check(f, yes, "treaty bodies since 2015");
  // The most frequent state: a small selection (each record's codes).
  std::map<std::string, int> states;
  for (uint32_t i = 0; i < index_->size(); ++i)
    for (const auto& s : index_->record(i).states) ++states[s];
  const std::string state =
      std::max_element(states.begin(), states.end(), [](const auto& a, const auto& b) {
        return a.second < b.second;
      })->first;
  ObservationFilter g;
  g.states = {state};
  Check(g, yes, "one state");
  g.themes = {"Rights of the Child"};  // a UPR Info theme, through the crosswalk
  g.year_from = 2010;
  Check(g, yes, "one state, a UPR Info theme, since 2010");

  // The same small selections counted by an intersection per value, then record by record.
  for (uint64_t per_value : {1, 1'000'000}) {
    index_->set_records_per_intersection(per_value);
    Check(f, yes,
          "treaty bodies since 2015, records per intersection " + std::to_string(per_value));
    Check(g, yes, "one state etc., records per intersection " + std::to_string(per_value));
  }
  index_->set_records_per_intersection(4096);

  ObservationFilter q;
  q.query = "torture";
  Check(q, words({"torture"}), "a word");
  q.query = "child labour";
  Check(q, words({"child", "labour"}), "two words");
  q.query = "\"torture and other\"";
  Check(q, phrase({"torture", "and", "other"}), "a phrase");
  q.query = "\"human rights of\"";
  Check(q, phrase({"human", "rights", "of"}), "a phrase of common words");
  q.query = "ill-treatment";
  Check(q, phrase({"ill", "treatment"}), "a word the tokenizer splits");
  q.query = "\"rights of the child\"";
  Check(q, phrase({"rights", "of", "the", "child"}), "a phrase of four words");
  q.query = "traffick*";
  Check(q, phrase({"traffick*"}), "a prefix");
  q.query = "torture OR \"death penalty\"";
  Check(
      q,
      [&](uint32_t i) {
        return Holds(i, {"torture"}) || Holds(i, {"death", "penalty"});
      },
      "OR");
  q.query = "women NOT girls";
  Check(
      q, [&](uint32_t i) { return Holds(i, {"women"}) && !Holds(i, {"girls"}); }, "NOT");
  q.mechanisms = {Mechanism::kUpr, Mechanism::kSpecialProcedure};
  Check(
      q, [&](uint32_t i) { return Holds(i, {"women"}) && !Holds(i, {"girls"}); },
      "NOT, two mechanisms");
}

TEST_F(ObservationIndexIssue17, BadQueriesAndFacetsAreRefused) {
  ObservationFilter f;
  f.query = std::string(search::kMaxQueryDepth + 1, '(') + "torture" +
            std::string(search::kMaxQueryDepth + 1, ')');
  EXPECT_FALSE(index_->Search(f, 0, 10, {}, 0).ok());
  auto bad = index_->Search(ObservationFilter{}, 0, 10, {"colour"}, 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("facet 'colour'"), std::string::npos);
}

}  // namespace
}  // namespace openupr::testing

// Group-by counts on the real data, checked against counts computed here from the records
// themselves, for single, multi-valued and three-way dimensions.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "analytics/stats.h"
#include "core/states.h"
#include "ingest/importer.h"
#include "test_util.h"

namespace openupr::analytics {
namespace {

using testing::TempDir;
using testing::UprFile;

class StatsRealData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto s = store::Store::Open(dir_->File("db"));
    ASSERT_TRUE(s.ok());
    store_ = s.value().release();
    auto r = ingest::ImportFiles(*store_,
                                 {UprFile("sessions-01-05.csv"), UprFile("sessions-06-09.csv"),
                                  UprFile("sessions-10-13.csv"), UprFile("sessions-14-17.csv")},
                                 {});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    std::vector<int64_t> ids;
    for (int64_t i = 1; i <= r.added; ++i) ids.push_back(i);
    auto recs = store_->GetRecommendations(ids);
    ASSERT_TRUE(recs.ok());
    recs_ = new std::vector<Recommendation>(std::move(recs).value());
  }
  static void TearDownTestSuite() {
    delete recs_;
    delete store_;
    delete dir_;
  }

  using Key = std::vector<std::string>;
  struct Tally {
    int64_t count = 0, supported = 0, noted = 0;
  };
  // Every key combination a record contributes to (multi-valued dimensions fan out; each
  // combination counts once per record).
  static std::set<Key> KeysOf(const Recommendation& r, const std::vector<Dimension>& dims) {
    std::set<Key> keys = {{}};
    for (Dimension d : dims) {
      std::set<std::string> values;
      switch (d) {
        case Dimension::kSur: values = {r.sur}; break;
        case Dimension::kFrom:
          for (const auto& f : r.from) values.insert(f.iso3.empty() ? "unknown" : f.iso3);
          break;
        case Dimension::kSurRegion:
          values = {std::string(RegionCode(FindStateByIso3(r.sur)->region))};
          break;
        case Dimension::kFromRegion:
          for (const auto& f : r.from)
            values.insert(f.iso3.empty() ? "unknown"
                                         : std::string(RegionCode(FindStateByIso3(f.iso3)->region)));
          break;
        case Dimension::kSession: values = {std::to_string(r.session)}; break;
        case Dimension::kCycle: values = {std::to_string(r.cycle)}; break;
        case Dimension::kResponse: values = {std::string(ResponseCode(r.response))}; break;
        case Dimension::kAction:
          values = {r.action ? std::to_string(*r.action) : "unknown"};
          break;
        case Dimension::kTheme: values = {r.themes.begin(), r.themes.end()}; break;
      }
      std::set<Key> next;
      for (const Key& k : keys)
        for (const auto& v : values) {
          Key nk = k;
          nk.push_back(v);
          next.insert(nk);
        }
      keys = std::move(next);
    }
    return keys;
  }
  static void Check(const std::vector<Dimension>& dims, const Filters& filters = {}) {
    StatsRequest req;
    req.by = dims;
    req.filters = filters;
    auto got = ComputeStats(*store_, req);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    std::map<Key, Tally> want;
    Tally total;
    std::set<std::string> sur(filters.sur.begin(), filters.sur.end());
    for (const auto& r : *recs_) {
      if (!sur.empty() && !sur.count(r.sur)) continue;
      ++total.count;
      total.supported += r.response == Response::kSupported;
      for (const Key& k : KeysOf(r, dims)) {
        Tally& t = want[k];
        ++t.count;
        t.supported += r.response == Response::kSupported;
        t.noted += r.response == Response::kNoted;
      }
    }
    EXPECT_EQ(got->total.count, total.count);
    EXPECT_EQ(got->total.supported, total.supported);
    if (dims.empty()) return;
    ASSERT_EQ(got->rows.size(), want.size());
    for (const auto& row : got->rows) {
      auto it = want.find(row.keys);
      ASSERT_NE(it, want.end());
      EXPECT_EQ(row.count, it->second.count);
      EXPECT_EQ(row.supported, it->second.supported);
      EXPECT_EQ(row.noted, it->second.noted);
    }
  }

  static TempDir* dir_;
  static store::Store* store_;
  static std::vector<Recommendation>* recs_;
};
TempDir* StatsRealData::dir_ = nullptr;
store::Store* StatsRealData::store_ = nullptr;
std::vector<Recommendation>* StatsRealData::recs_ = nullptr;

TEST_F(StatsRealData, TotalsMatchTheSourceReadme) {
  auto got = ComputeStats(*store_, {});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->total.count, 33082);
  EXPECT_EQ(got->total.supported, 24378);
  EXPECT_EQ(got->total.noted, 8704);
  EXPECT_NEAR(got->total.supported_share(), 24378.0 / 33082, 1e-12);
}

TEST_F(StatsRealData, SingleDimensionsAreExact) {
  for (Dimension d : {Dimension::kSur, Dimension::kFrom, Dimension::kSurRegion,
                      Dimension::kFromRegion, Dimension::kSession, Dimension::kCycle,
                      Dimension::kResponse, Dimension::kAction, Dimension::kTheme}) {
    SCOPED_TRACE(std::string(DimensionName(d)));
    Check({d});
  }
}

TEST_F(StatsRealData, MultiDimensionalGroupsAreExact) {
  Check({Dimension::kTheme, Dimension::kSurRegion, Dimension::kCycle});
  Check({Dimension::kFrom, Dimension::kSur});
  Filters china;
  china.sur = {"CHN"};
  Check({Dimension::kFromRegion, Dimension::kResponse}, china);
}

TEST_F(StatsRealData, SortsAndLimits) {
  StatsRequest req;
  req.by = {Dimension::kSession};
  req.sort_by_key = true;
  auto got = ComputeStats(*store_, req);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->rows.size(), 17u);
  EXPECT_EQ(got->rows.front().keys[0], "1");
  EXPECT_EQ(got->rows.back().keys[0], "17");
  req.sort_by_key = false;
  req.limit = 2;
  got = ComputeStats(*store_, req);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->rows.size(), 2u);
  EXPECT_GE(got->rows[0].count, got->rows[1].count);
  req.by = {Dimension::kSur, Dimension::kFrom, Dimension::kTheme, Dimension::kCycle};
  EXPECT_EQ(ComputeStats(*store_, req).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace openupr::analytics

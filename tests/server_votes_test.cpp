// The Council's record over HTTP (issue 15): a real server on 127.0.0.1 over the real voting
// records in a real SQLite file, each answer checked against the same number computed with SQL
// on that file (the straightforward independent computation): agreement of a pair and the
// whole matrix, a group's Hix-Noury-Roland cohesion, a resolution's votes, the search's counts.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <map>
#include <memory>
#include <string>

#include "ingest/importer.h"
#include "live_server.h"
#include "server/sql_backend.h"
#include "store/store.h"
#include "test_util.h"

namespace openupr::server {
namespace {

using nlohmann::json;
using testing::GetJsonExpecting;

class VotesServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    path_ = new std::string(dir_->File("votes.db"));
    auto s = store::Store::Open(*path_);
    ASSERT_TRUE(s.ok());
    const std::string d = testing::DataDir() + "/hrc-votes/";
    auto r = ingest::ImportFiles(
        **s,
        {d + "resolutions.csv", d + "votes_long.csv", testing::UprFile("sessions-01-05.csv"),
         testing::UprFile("sessions-06-09.csv"), testing::UprFile("sessions-10-13.csv"),
         testing::UprFile("sessions-14-17.csv")},
        {});
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    auto backend = SqlBackend::Open(*path_, 2);
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = backend->release();
    server_ = new testing::LiveServer(*backend_);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete backend_;
    delete path_;
    delete dir_;
  }
  static json Get(const std::string& target, int status = 200) {
    return GetJsonExpecting(server_->port(), target, status);
  }
  // One integer (or the rows of two columns) from SQL on the same file.
  static std::unique_ptr<store::Store> Sql() {
    auto s = store::Store::Open(*path_, store::OpenMode::kExisting);
    EXPECT_TRUE(s.ok());
    return std::move(s).value();
  }

  static testing::TempDir* dir_;
  static std::string* path_;
  static SqlBackend* backend_;
  static testing::LiveServer* server_;
};
testing::TempDir* VotesServer::dir_ = nullptr;
std::string* VotesServer::path_ = nullptr;
SqlBackend* VotesServer::backend_ = nullptr;
testing::LiveServer* VotesServer::server_ = nullptr;

constexpr const char* kVoted = "('yes', 'no', 'abstain')";

TEST_F(VotesServer, PairAgreementEqualsSqlIssue15) {
  auto sql = Sql();
  for (const auto& [a, b, body] : {std::tuple{"USA", "CUB", "hrc"}, {"FRA", "DEU", "hrc"},
                                   {"CHN", "RUS", "chr"}, {"BRA", "IND", ""}}) {
    const std::string where = std::string(*body ? " AND r.body = '" + std::string(body) + "'" : "");
    const std::string q =
        "SELECT count(*), coalesce(sum(x.vote = y.vote), 0) FROM vote x JOIN vote y ON "
        "y.resolution_id = x.resolution_id JOIN resolution r ON r.id = x.resolution_id WHERE "
        "x.state = '" + std::string(a) + "' AND y.state = '" + b + "' AND x.vote IN " + kVoted +
        " AND y.vote IN " + kVoted + where;
    int64_t both = 0, alike = 0;
    ASSERT_TRUE(sql->db().ForEachRow(q, [&](store::Statement& s) {
      both = s.Int(0);
      alike = s.Int(1);
    }).ok());
    const json j = Get("/api/v1/votes/agreement?state=" + std::string(a) + "&with=" + b +
                       (*body ? "&body=" + std::string(body) : ""));
    EXPECT_EQ(j["agreement"]["both"].get<int64_t>(), both) << a << b;
    EXPECT_EQ(j["agreement"]["alike"].get<int64_t>(), alike) << a << b;
    EXPECT_GT(both, 0) << a << b;
  }
}

TEST_F(VotesServer, TheWholeAgreementMatrixEqualsSqlIssue15) {
  const json j = Get("/api/v1/votes/matrix?body=hrc");
  const auto& states = j["states"];
  std::map<std::string, size_t> at;
  for (size_t i = 0; i < states.size(); ++i) at[states[i].get<std::string>()] = i;
  auto sql = Sql();
  size_t pairs = 0;
  std::string bad;
  ASSERT_TRUE(sql->db().ForEachRow(
      std::string("SELECT x.state, y.state, count(*), sum(x.vote = y.vote) FROM vote x JOIN vote y "
                  "ON y.resolution_id = x.resolution_id JOIN resolution r ON r.id = "
                  "x.resolution_id WHERE r.body = 'hrc' AND x.vote IN ") + kVoted +
          " AND y.vote IN " + kVoted + " GROUP BY x.state, y.state",
      [&](store::Statement& s) {
        const size_t a = at.at(s.String(0)), b = at.at(s.String(1));
        ++pairs;
        if (j["both"][a][b].get<int64_t>() != s.Int(2) || j["alike"][a][b].get<int64_t>() != s.Int(3))
          bad += s.String(0) + "-" + s.String(1) + " ";
      }).ok());
  EXPECT_EQ(bad, "");
  // Every nonzero cell of the API's matrix is a pair SQL found.
  size_t nonzero = 0;
  for (const auto& row : j["both"])
    for (const auto& c : row) nonzero += c.get<int64_t>() > 0;
  EXPECT_EQ(nonzero, pairs);
  EXPECT_GT(pairs, 10000u);
}

TEST_F(VotesServer, GroupCohesionEqualsSqlIssue15) {
  // HNR: (max - (n - max) / 2) / n per roll call with at least 2 members voting, then the mean.
  auto sql = Sql();
  double mean = 0;
  int64_t used = 0;
  ASSERT_TRUE(sql->db().ForEachRow(
      std::string("WITH members AS (SELECT iso3 FROM state WHERE region = 'weog' UNION SELECT "
                  "iso3 FROM former_state WHERE region = 'weog'), c AS (SELECT v.resolution_id, "
                  "sum(v.vote = 'yes') y, sum(v.vote = 'no') n, sum(v.vote = 'abstain') a FROM "
                  "vote v JOIN resolution r ON r.id = v.resolution_id WHERE r.body = 'hrc' AND "
                  "v.state IN (SELECT iso3 FROM members) GROUP BY v.resolution_id), m AS (SELECT "
                  "y + n + a t, max(y, n, a) mx FROM c WHERE y + n + a >= 2) SELECT avg((mx - "
                  "0.5 * (t - mx)) * 1.0 / t), count(*) FROM m"),
      [&](store::Statement& s) {
        mean = s.Double(0);
        used = s.Int(1);
      }).ok());
  const json j = Get("/api/v1/votes/cohesion?group=weog&body=hrc");
  ASSERT_EQ(j["groups"].size(), 1u);
  EXPECT_EQ(j["groups"][0]["roll_calls_used"].get<int64_t>(), used);
  EXPECT_NEAR(j["groups"][0]["mean_ai"].get<double>(), mean, 1e-12);
  EXPECT_GT(mean, 0.8);  // the Western group votes together
}

TEST_F(VotesServer, AResolutionShowsEveryStatesVoteAsStoredIssue15) {
  const json j = Get("/api/v1/resolutions/ohchr-27576");
  EXPECT_EQ(j["symbol"], "A/HRC/RES/39/15");
  EXPECT_EQ(j["session"], 39);
  EXPECT_EQ(j["outcome"], "adopted-by-vote");
  auto sql = Sql();
  std::map<std::string, std::string> stored;
  ASSERT_TRUE(sql->db().ForEachRow(
      "SELECT v.state, v.vote FROM vote v JOIN resolution r ON r.id = v.resolution_id WHERE "
      "r.record_id = 27576",
      [&](store::Statement& s) { stored[s.String(0)] = s.String(1); }).ok());
  std::map<std::string, std::string> shown;
  int by_region = 0;
  for (const auto& v : j["votes"]) shown[v["state"]] = v["vote"];
  for (const auto& [region, counts] : j["votes_by_region"].items())
    for (const auto& [k, n] : counts.items()) by_region += n.get<int>();
  EXPECT_EQ(shown, stored);
  EXPECT_EQ(by_region, static_cast<int>(stored.size()));
  EXPECT_EQ(j["counted"]["yes"], j["yes"]);
  // Its record number works too; an unknown one is a 404.
  EXPECT_EQ(Get("/api/v1/resolutions/27576")["uid"], "ohchr-27576");
  Get("/api/v1/resolutions/ohchr-1", 404);
}

TEST_F(VotesServer, SearchCountsAndFacetsEqualSqlIssue15) {
  auto sql = Sql();
  const json j = Get("/api/v1/resolutions?body=hrc&year=2010-2015&per_page=5");
  EXPECT_EQ(j["total"].get<int64_t>(),
            *sql->db().QueryInt("SELECT count(*) FROM resolution WHERE body = 'hrc' AND year "
                                "BETWEEN 2010 AND 2015"));
  EXPECT_EQ(j["results"].size(), 5u);
  for (const auto& f : j["facets"]["year"]) {
    EXPECT_EQ(f["count"].get<int64_t>(),
              *sql->db().QueryInt("SELECT count(*) FROM resolution WHERE body = 'hrc' AND year = " +
                                  f["key"].get<std::string>()));
  }
  // A facet value as a filter gives its count.
  const json& outcome = j["facets"]["outcome"][0];
  EXPECT_EQ(Get("/api/v1/resolutions?body=hrc&year=2010-2015&outcome=" +
                outcome["key"].get<std::string>())["total"],
            outcome["count"]);
  // Facets are counted without their own filter: with one outcome chosen, the others stay
  // listed with the totals they give alone.
  const json chosen = Get("/api/v1/resolutions?body=hrc&year=2010-2015&outcome=" +
                          outcome["key"].get<std::string>());
  EXPECT_EQ(chosen["facets"]["outcome"], j["facets"]["outcome"]);
  // A symbol, or its beginning.
  EXPECT_EQ(Get("/api/v1/resolutions?q=A/HRC/RES/39/15")["results"][0]["uid"], "ohchr-27576");
  EXPECT_EQ(Get("/api/v1/resolutions?q=A%2FHRC%2FRES%2F39%2F")["total"].get<int64_t>(),
            *sql->db().QueryInt("SELECT count(*) FROM resolution WHERE symbol LIKE 'A/HRC/RES/39/%'"));
  // Words of the titles, stemmed: "tortures" finds "torture".
  const json t = Get("/api/v1/resolutions?q=tortures");
  EXPECT_GT(t["total"].get<int64_t>(), 50);
  EXPECT_NE(t["results"][0]["title"].get<std::string>().find("orture"), std::string::npos);
}

TEST_F(VotesServer, BadParametersNameThemselvesIssue15) {
  EXPECT_EQ(Get("/api/v1/votes/agreement?state=Atlantis", 400)["error"]["parameter"], "state");
  EXPECT_EQ(Get("/api/v1/votes/agreement", 400)["error"]["parameter"], "state");
  EXPECT_EQ(Get("/api/v1/votes/cohesion?group=nope", 400)["error"]["parameter"], "group");
  EXPECT_EQ(Get("/api/v1/resolutions?year=2015-2010", 400)["error"]["parameter"], "year");
  EXPECT_EQ(Get("/api/v1/resolutions?outcome=won", 400)["error"]["parameter"], "outcome");
  EXPECT_EQ(Get("/api/v1/votes/map?colour=red", 400)["error"]["parameter"], "colour");
  // The discrepancies: every flagged roll call's counted votes differ from its totals.
  const json d = Get("/api/v1/votes/discrepancies");
  EXPECT_EQ(d["total"].get<int64_t>(), 150);  // (HrcVoteImport counts them with Python)
  for (const auto& r : d["results"])
    EXPECT_TRUE(r["counted"]["yes"] != r["yes"] || r["counted"]["no"] != r["no"] ||
                r["counted"]["abstain"] != r["abstain"]);
}

// The severity endpoint's row filters against its own whole answer: min_recs drops the dyads
// resting on fewer recommendations, with_agreement=true keeps those whose pair voted together on
// at least min_shared Council roll calls, limit cuts the rows and matched counts them before it.
TEST_F(VotesServer, SeverityRowFiltersIssue15) {
  const json all = Get("/api/v1/politicization/severity?cycle=2");
  const json some =
      Get("/api/v1/politicization/severity?cycle=2&min_recs=3&with_agreement=true&min_shared=50");
  const json cut = Get(
      "/api/v1/politicization/severity?cycle=2&min_recs=3&with_agreement=true&min_shared=50&"
      "limit=7");
  std::vector<json> want;
  for (const auto& r : all["results"])
    if (r["count"].get<int64_t>() >= 3 && !r["agreement"].is_null() &&
        r["agreement"]["both"].get<int64_t>() >= 50)
      want.push_back(r);
  ASSERT_GT(want.size(), 100u);
  EXPECT_LT(want.size(), all["results"].size());
  EXPECT_EQ(all["matched"].get<size_t>(), all["results"].size());
  EXPECT_EQ(all["matched"], all["dyads"]);
  ASSERT_EQ(some["results"].size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(some["results"][i], want[i]) << i;
  EXPECT_EQ(some["matched"].get<size_t>(), want.size());
  EXPECT_EQ(some["dyads"], all["dyads"]);
  ASSERT_EQ(cut["results"].size(), 7u);
  EXPECT_EQ(cut["matched"].get<size_t>(), want.size());
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ(cut["results"][i], want[i]);
  EXPECT_EQ(Get("/api/v1/politicization/severity?with_agreement=yes", 400)["error"]["parameter"],
            "with_agreement");
}

// The leniency regression over HTTP equals a dense least-squares fit computed here from the
// severity endpoint's own rows: every recommending state and every state under review a dummy
// column (the textbook two-way fixed effects), solved by Eigen's QR.
TEST_F(VotesServer, LeniencyEqualsADenseDummyVariableFitOfTheSeverityRowsIssue15) {
  const json rows = Get("/api/v1/politicization/severity?cycle=1");
  const json fit = Get("/api/v1/politicization/leniency?cycle=1");
  struct Row {
    std::string from, sur;
    double y, agreement, same, org;
  };
  std::vector<Row> data;
  std::map<std::string, int> from_ix, sur_ix;
  for (const auto& r : rows["results"]) {
    if (r["from"] == "unknown" || r["mean_action"].is_null() || r["agreement"].is_null() ||
        r["agreement"]["both"].get<int>() < 20 || r["same_group"].is_null())
      continue;
    data.push_back({r["from"], r["sur"], r["mean_action"].get<double>(),
                    r["agreement"]["share"].get<double>(), r["same_group"].get<double>(),
                    r["shared_organisation"].get<double>()});
    from_ix.emplace(data.back().from, 0);
    sur_ix.emplace(data.back().sur, 0);
  }
  int k = 0;
  for (auto& [s, i] : from_ix) i = k++;
  const int n_from = k;
  for (auto& [s, i] : sur_ix) i = k++;
  const int cols = 3 + k;
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(data.size()), cols);
  Eigen::VectorXd y(static_cast<Eigen::Index>(data.size()));
  for (size_t i = 0; i < data.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    x(r, 0) = data[i].agreement;
    x(r, 1) = data[i].same;
    x(r, 2) = data[i].org;
    x(r, 3 + from_ix[data[i].from]) = 1;
    x(r, 3 + sur_ix[data[i].sur]) = 1;
    y(r) = data[i].y;
  }
  (void)n_from;
  // The dummies are collinear (both sets sum to the constant): the QR's minimum-norm solution
  // still gives the identified coefficients of the first three columns exactly.
  Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> qr(x);
  const Eigen::VectorXd beta = qr.solve(y);
  ASSERT_EQ(fit["fit"]["dyads"].get<size_t>(), data.size());
  const auto& c = fit["coefficients"];
  EXPECT_EQ(c[0]["name"], "agreement");
  EXPECT_NEAR(c[0]["estimate"].get<double>(), beta(0), 1e-8);
  EXPECT_NEAR(c[1]["estimate"].get<double>(), beta(1), 1e-8);
  EXPECT_NEAR(c[2]["estimate"].get<double>(), beta(2), 1e-8);
  // Its classical standard error: residual variance over n - rank, times (X'X)^-1's entry.
  const Eigen::VectorXd resid = y - x * beta;
  const double dof = static_cast<double>(data.size()) - static_cast<double>(qr.rank());
  EXPECT_EQ(fit["fit"]["dof"].get<double>(), dof);
  const double sigma2 = resid.squaredNorm() / dof;
  // (X'X)^-1 restricted to the identified first column: from the residuals of agreement on the
  // other columns (Frisch-Waugh-Lovell).
  Eigen::MatrixXd others(x.rows(), cols - 1);
  others << x.col(1), x.col(2), x.rightCols(k);
  const Eigen::VectorXd part =
      x.col(0) - others * Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd>(others).solve(x.col(0));
  EXPECT_NEAR(c[0]["se"].get<double>(), std::sqrt(sigma2 / part.squaredNorm()), 1e-8);
}

}  // namespace
}  // namespace openupr::server

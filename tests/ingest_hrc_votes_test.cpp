// The readers of the Council's voting records (issue 15, first step): the real files read with
// counts equal to an independent count (Python's csv module), and corrupted files refused with
// file:line, column and what was expected.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "core/identity.h"
#include "ingest/hrc_votes.h"
#include "ingest/importer.h"
#include "store/store.h"
#include "store/votes.h"
#include "test_util.h"

namespace openupr::ingest {
namespace {

std::string VotesFile(const std::string& name) {
  return testing::DataDir() + "/hrc-votes/" + name;
}

// Counts made by Python's csv module from the raw files, without this project's code.
nlohmann::json IndependentCounts() {
  const std::string script =
      "import csv,json,sys,collections\n"
      "r=list(csv.DictReader(open(sys.argv[1],newline='',encoding='utf-8')))\n"
      "v=list(csv.DictReader(open(sys.argv[2],newline='',encoding='utf-8')))\n"
      "c=collections.defaultdict(collections.Counter)\n"
      "u={(x['record_id'],x['iso3']):x['vote'] for x in v}\n"
      "for (rid,_),vote in u.items(): c[rid][vote]+=1\n"
      "bad=[x['record_id'] for x in r if x['record_id'] in c and "
      "(str(c[x['record_id']]['yes']),str(c[x['record_id']]['no']),"
      "str(c[x['record_id']]['abstain']))!=(x['yes'] or '0',x['no'] or '0',x['abstain'] or '0')]\n"
      "print(json.dumps({'resolutions':len(r),"
      "'recorded':sum(1 for x in r if x['vote_type'].startswith('RECORDED')),"
      "'council':sum(1 for x in r if x['body']=='Human Rights Council'),"
      "'rows':len(v),'votes':len(u),'roll_calls':len(c),'discrepancies':len(bad),"
      "'by_vote':collections.Counter(u.values())}))\n";
  testing::TempDir dir;
  const std::string py = dir.Write("count.py", script);
  const std::string cmd = std::string(OPENUPR_PYTHON) + " '" + py + "' '" +
                          VotesFile("resolutions.csv") + "' '" + VotesFile("votes_long.csv") + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return nullptr;
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  return nlohmann::json::parse(out, nullptr, false);
}

TEST(HrcVotes, TheRealFilesAreReadWithTheIndependentCountsIssue15) {
  const std::string res_bytes = testing::ReadAll(VotesFile("resolutions.csv"));
  const std::string vote_bytes = testing::ReadAll(VotesFile("votes_long.csv"));
  auto resolutions = ParseResolutions(res_bytes, "resolutions.csv");
  auto votes = ParseVotes(vote_bytes, "votes_long.csv");
  ASSERT_TRUE(resolutions.errors.empty()) << resolutions.errors.front().ToString();
  ASSERT_TRUE(votes.errors.empty()) << votes.errors.front().ToString();
  const nlohmann::json expected = IndependentCounts();
  ASSERT_TRUE(expected.is_object()) << "python3 gave no counts";
  EXPECT_EQ(resolutions.rows.size(), expected["resolutions"].get<size_t>());
  size_t recorded = 0, council = 0;
  for (const Resolution& r : resolutions.rows) {
    recorded += r.recorded();
    council += r.body == "Human Rights Council";
  }
  EXPECT_EQ(recorded, expected["recorded"].get<size_t>());
  EXPECT_EQ(council, expected["council"].get<size_t>());
  // Every row is read: a state listed twice with the same vote is counted once and reported.
  EXPECT_EQ(votes.rows.size(), expected["votes"].get<size_t>());
  EXPECT_EQ(votes.rows.size() + votes.warnings.size(), expected["rows"].get<size_t>());
  EXPECT_EQ(votes.warnings.size(), 2u);
  std::set<int64_t> roll_calls;
  std::map<std::string, size_t> by_vote;
  for (const CountryVote& v : votes.rows) {
    roll_calls.insert(v.record_id);
    ++by_vote[std::string(VoteCode(v.vote))];
  }
  EXPECT_EQ(roll_calls.size(), expected["roll_calls"].get<size_t>());
  for (const auto& [code, n] : expected["by_vote"].items()) EXPECT_EQ(by_vote[code], n.get<size_t>()) << code;
  const auto discrepancies = FindDiscrepancies(resolutions.rows, votes.rows);
  EXPECT_EQ(discrepancies.size(), expected["discrepancies"].get<size_t>());
  // The README's figures, which the independent count confirms; but for the discrepancies: the
  // README's "about 148" counts BEN on A/HRC/51/L.43 and PER on record 21028 twice, as listed
  // twice; counted once, as a state votes once, those two roll calls no longer reconcile either.
  EXPECT_EQ(resolutions.rows.size(), 6346u);
  EXPECT_EQ(votes.rows.size() + votes.warnings.size(), 80158u);
  EXPECT_EQ(roll_calls.size(), 1705u);
  EXPECT_EQ(discrepancies.size(), 150u);
}

const char* kVotesHeader = "record_id,symbol,iso3,vote\n";

TEST(HrcVotes, ACorruptedVotesFileIsRefusedWithItsLineColumnAndWhatWasExpected) {
  auto v = ParseVotes(std::string(kVotesHeader) +
                          "1,A/HRC/RES/1/1,FRA,yes\n"
                          "1,A/HRC/RES/1/1,BRA,maybe\n"   // line 3
                          "x1,A/HRC/RES/1/1,CHN,no\n"     // line 4
                          "1,A/HRC/RES/1/1,FRA,no\n"      // line 5: FRA again, voting otherwise
                          "1,A/HRC/RES/1/1,FRA,yes\n"     // line 6: FRA again, the same vote
                          "1,A/HRC/RES/1/1,,no\n"         // line 7
                          "1,A/HRC/RES/1/1,IND\n",        // line 8
                      "votes_long.csv");
  ASSERT_EQ(v.errors.size(), 5u);
  EXPECT_EQ(v.errors[0].ToString(),
            "votes_long.csv:3: column 'vote': 'maybe': expected yes, no, abstain, non-voting or blank");
  EXPECT_EQ(v.errors[1].ToString(), "votes_long.csv:4: column 'record_id': 'x1': expected a whole number");
  EXPECT_EQ(v.errors[2].ToString(),
            "votes_long.csv:5: column 'iso3': FRA is listed twice on record 1 (first on line 2) "
            "with two votes: yes and no");
  EXPECT_EQ(v.errors[3].ToString(), "votes_long.csv:7: column 'iso3': '': expected a state's ISO3 code");
  EXPECT_EQ(v.errors[4].ToString(), "votes_long.csv:8: 3 fields: expected 4");
  ASSERT_EQ(v.warnings.size(), 1u);
  EXPECT_EQ(v.warnings[0].ToString(),
            "votes_long.csv:6: column 'iso3': FRA is listed twice on record 1 (first on line 2) "
            "with the same vote; counted once");
  auto header = ParseVotes("record_id,symbol,state,vote\n1,A,FRA,yes\n", "votes_long.csv");
  ASSERT_EQ(header.errors.size(), 1u);
  EXPECT_NE(header.errors[0].ToString().find("votes_long.csv:1: header 'record_id,symbol,state,vote': expected 'record_id,symbol,iso3,vote'"),
            std::string::npos)
      << header.errors[0].ToString();
  EXPECT_TRUE(header.rows.empty());
  auto quote = ParseVotes(std::string(kVotesHeader) + "1,\"A/HRC,FRA,yes\n", "votes_long.csv");
  ASSERT_FALSE(quote.errors.empty());
  EXPECT_NE(quote.errors[0].ToString().find("votes_long.csv"), std::string::npos);
}

TEST(HrcVotes, ResolutionsCheckDatesCountsAndRepeats) {
  std::string header;
  for (int i = 0; kResolutionColumns[i]; ++i) header += (i ? "," : "") + std::string(kResolutionColumns[i]);
  auto row = [](const std::string& id, const std::string& date, const std::string& year,
                const std::string& yes) {
    return id + ",A/HRC/RES/1/" + id + ",Title,,"+ date + "," + year +
           ",Human Rights Council,Voting Collection,RECORDED,,,,,,,,," + yes +
           ",1,0,0,3,3,,,\n";
  };
  auto r = ParseResolutions(header + "\r\n" + row("7", "2011-03-24", "2011", "2") +
                                row("8", "24/03/2011", "2011", "2") +  // line 3
                                row("9", "2011-03-24", "2012", "2") +  // line 4
                                row("10", "2011-03-24", "2011", "-2") +  // line 5
                                row("7", "2011-03-25", "2011", "2"),  // line 6: id 7 again
                            "resolutions.csv");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].yes, 2);
  EXPECT_EQ(r.rows[0].total, 3);
  EXPECT_TRUE(r.rows[0].recorded());
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(r.errors[0].ToString(),
            "resolutions.csv:3: column 'date': '24/03/2011': expected a date YYYY-MM-DD");
  EXPECT_EQ(r.errors[1].ToString(),
            "resolutions.csv:4: column 'year': '2012': expected the year of the date, 2011");
  EXPECT_EQ(r.errors[2].ToString(), "resolutions.csv:5: column 'yes': '-2': expected a whole number");
  EXPECT_EQ(r.errors[3].ToString(),
            "resolutions.csv:6: column 'record_id': 7 repeats the record of line 2");
  // A roll call whose counted votes differ from its official totals is listed, not dropped.
  auto v = ParseVotes(std::string(kVotesHeader) + "7,A/HRC/RES/1/7,FRA,yes\n7,A/HRC/RES/1/7,BRA,no\n",
                      "votes_long.csv");
  ASSERT_TRUE(v.errors.empty());
  const auto d = FindDiscrepancies(r.rows, v.rows);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].record_id, 7);
  EXPECT_EQ(d[0].official_yes, 2);
  EXPECT_EQ(d[0].counted_yes, 1);
  EXPECT_EQ(d[0].counted_no, 1);
}

// --- The importer and the store (the second record type). ---

struct VoteStore {
  testing::TempDir dir;
  std::unique_ptr<store::Store> store;
  VoteStore() {
    auto s = store::Store::Open(dir.File("votes.db"));
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store = std::move(s).value();
  }
  ImportReport Import(const std::vector<std::string>& files) {
    return ImportFiles(*store, files, {});
  }
  store::VoteRecordCounts Counts() {
    auto c = store::CountVoteRecords(*store);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : store::VoteRecordCounts{};
  }
};

TEST(HrcVoteImport, TheRealFilesAreStoredWithTheIndependentCountsIssue15) {
  VoteStore db;
  // Votes first: the importer stores the resolutions they name before them.
  ImportReport r = db.Import({VotesFile("votes_long.csv"), VotesFile("resolutions.csv")});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  const nlohmann::json expected = IndependentCounts();
  ASSERT_TRUE(expected.is_object()) << "python3 gave no counts";
  const store::VoteRecordCounts c = db.Counts();
  EXPECT_EQ(c.resolutions, expected["resolutions"].get<int64_t>());
  EXPECT_EQ(c.recorded, expected["recorded"].get<int64_t>());
  EXPECT_EQ(c.council, expected["council"].get<int64_t>());
  EXPECT_EQ(c.roll_calls, expected["roll_calls"].get<int64_t>());
  EXPECT_EQ(c.votes, expected["votes"].get<int64_t>());
  EXPECT_EQ(c.not_reconciling, expected["discrepancies"].get<int64_t>());
  EXPECT_EQ(r.files[0].format, "hrc-votes");
  EXPECT_EQ(r.files[0].rows, expected["rows"].get<int64_t>());
  EXPECT_EQ(r.files[0].added, expected["votes"].get<int64_t>());
  EXPECT_EQ(r.files[0].warnings.size(), 2u);  // the two rows listed twice with the same vote
  EXPECT_EQ(r.files[1].added, expected["resolutions"].get<int64_t>());

  // The flagged roll calls are those the parser's own reconciliation finds.
  auto listed = store::ListDiscrepancies(*db.store);
  ASSERT_TRUE(listed.ok());
  const std::string res_bytes = testing::ReadAll(VotesFile("resolutions.csv"));
  const std::string vote_bytes = testing::ReadAll(VotesFile("votes_long.csv"));
  const auto found = FindDiscrepancies(ParseResolutions(res_bytes, "r").rows,
                                       ParseVotes(vote_bytes, "v").rows);
  ASSERT_EQ(listed->size(), found.size());
  for (size_t i = 0; i < found.size(); ++i) {
    EXPECT_EQ((*listed)[i].record_id, found[i].record_id);
    EXPECT_EQ((*listed)[i].counted_yes, found[i].counted_yes);
    EXPECT_EQ((*listed)[i].yes.value_or(0), found[i].official_yes);
    EXPECT_EQ((*listed)[i].reconciles, std::optional<bool>(false));
  }

  // A resolution by its uid, with its votes.
  auto res = store::GetResolution(*db.store, 27576);
  ASSERT_TRUE(res.ok() && res->has_value());
  EXPECT_EQ((*res)->uid, ResolutionUid(27576));
  EXPECT_EQ((*res)->symbol, "A/HRC/RES/39/15");
  EXPECT_EQ((*res)->session, 39);
  EXPECT_EQ((*res)->source_file, "resolutions.csv");
  auto votes = store::VotesOn(*db.store, 27576);
  ASSERT_TRUE(votes.ok());
  EXPECT_EQ(static_cast<int>(votes->size()), (*res)->counted_votes);

  // The same bytes again: nothing to do.
  ImportReport again = db.Import({VotesFile("resolutions.csv"), VotesFile("votes_long.csv")});
  ASSERT_TRUE(again.status.ok());
  EXPECT_EQ(again.import_id, 0);
  EXPECT_EQ(db.Counts().votes, c.votes);
}

TEST(HrcVoteImport, ANewerExportUpdatesChangedRowsAndKeepsTheRestIssue15) {
  VoteStore db;
  const std::string header =
      "record_id,symbol,title,statement,date,year,body,collection,vote_type,meeting,"
      "meeting_type,agenda_item_no,agenda_item_title,agenda_symbol,agenda_subject,"
      "main_sponsors,draft,yes,no,abstain,nonvoting,total,n_rollcall,url_resolution,url_draft,"
      "record_url\n";
  auto row = [](int id, const std::string& title, int yes) {
    return std::to_string(id) + ",A/HRC/RES/39/" + std::to_string(id % 100) + "," + title +
           ",,2018-09-28,2018,Human Rights Council,Voting Collection,RECORDED,,,4.,,,,,," +
           std::to_string(yes) + ",1,0,,3,3,,,\n";
  };
  const std::string v1 = db.dir.Write("res1.csv", header + row(101, "Old title", 2) + row(102, "B", 1));
  const std::string votes = db.dir.Write(
      "votes.csv", "record_id,symbol,iso3,vote\n101,x,FRA,yes\n101,x,CUB,yes\n101,x,SUN,no\n"
                   "102,x,FRA,yes\n102,x,CHN,no\n");
  ImportReport r = db.Import({v1, votes});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(db.Counts().not_reconciling, 0);
  const std::string v2 = db.dir.Write("res2.csv", header + row(101, "New title", 2) + row(102, "B", 1) +
                                                  row(103, "C", 0));
  r = db.Import({v2});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.files[0].added, 1);
  EXPECT_EQ(r.files[0].updated, 1);
  EXPECT_EQ(r.files[0].already_present, 1);
  auto res = store::GetResolution(*db.store, 101);
  ASSERT_TRUE(res.ok() && res->has_value());
  EXPECT_EQ((*res)->title, "New title");
  EXPECT_EQ((*res)->counted_votes, 3);  // its votes are kept
  EXPECT_EQ(db.Counts().resolutions, 3);
}

TEST(HrcVoteImport, ABadVotesFileIsRefusedWithItsLineAndTheStoreIsUnchangedIssue15) {
  VoteStore db;
  ImportReport r = db.Import({VotesFile("resolutions.csv")});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  const store::VoteRecordCounts before = db.Counts();
  // A bad code on line 3, a state no table knows on line 4, a resolution nobody imported on 5.
  const std::string bad = db.dir.Write(
      "votes.csv", "record_id,symbol,iso3,vote\n27576,x,FRA,yes\n27576,x,CHN,maybe\n");
  r = db.Import({bad});
  EXPECT_EQ(r.status.code(), StatusCode::kBadInput);
  ASSERT_FALSE(r.files[0].errors.empty());
  EXPECT_EQ(r.files[0].errors[0].line, 3);
  EXPECT_EQ(r.files[0].errors[0].column, "vote");
  const std::string unknown = db.dir.Write(
      "votes2.csv", "record_id,symbol,iso3,vote\n27576,x,FRA,yes\n27576,x,XXX,no\n1,x,FRA,yes\n");
  r = db.Import({unknown});
  EXPECT_EQ(r.status.code(), StatusCode::kBadInput);
  ASSERT_EQ(r.files[0].errors.size(), 2u);
  EXPECT_EQ(r.files[0].errors[0].line, 3);
  EXPECT_NE(r.files[0].errors[0].message.find("'XXX'"), std::string::npos);
  EXPECT_EQ(r.files[0].errors[1].line, 4);
  EXPECT_EQ(r.files[0].errors[1].column, "record_id");
  const store::VoteRecordCounts after = db.Counts();
  EXPECT_EQ(after.votes, before.votes);
  EXPECT_EQ(after.roll_calls, before.roll_calls);
  auto files = db.store->ListSourceFiles();
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->size(), 1u);  // neither bad file was recorded
}

}  // namespace
}  // namespace openupr::ingest

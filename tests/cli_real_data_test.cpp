// End-to-end runs of the openupr binary on the real UPR Info export in ../shared/data, with the
// exact counts of its README.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "store/sqlite.h"
#include "store/store.h"
#include "test_util.h"

namespace openupr {
namespace {

using nlohmann::json;
using testing::RunCli;
using testing::TempDir;
using testing::UprFile;

std::string AllSessionFiles() {
  std::string s;
  for (const char* f : {"sessions-01-05.csv", "sessions-06-09.csv", "sessions-10-13.csv",
                        "sessions-14-17.csv"})
    s += " '" + UprFile(f) + "'";
  return s;
}

class CliRealData : public ::testing::Test {
 protected:
  std::string Db() const { return "--db '" + dir_.File("upr.db") + "' "; }
  testing::CliResult Run(const std::string& args) { return RunCli(Db() + args, dir_); }
  json RunJson(const std::string& args, int expected_exit = 0) {
    auto r = Run("--json " + args);
    EXPECT_EQ(r.exit_code, expected_exit) << args << "\n" << r.out << r.err;
    try {
      return json::parse(r.out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not JSON: " << r.out;
      return json();
    }
  }
  TempDir dir_;
};

TEST_F(CliRealData, ImportsTheExactRowCountsAndReportsRepeats) {
  json r = RunJson("import" + AllSessionFiles() + " '" + UprFile("voluntary-pledges.csv") + "'");
  ASSERT_EQ(r["status"], "ok");
  const std::map<std::string, int> rows = {{"sessions-01-05.csv", 6094},
                                           {"sessions-06-09.csv", 8343},
                                           {"sessions-10-13.csv", 9047},
                                           {"sessions-14-17.csv", 9598},
                                           {"voluntary-pledges.csv", 947}};
  int repeats = 0;
  for (const auto& f : r["files"]) {
    const std::string name = f["path"].get<std::string>().substr(
        f["path"].get<std::string>().rfind('/') + 1);
    SCOPED_TRACE(name);
    EXPECT_EQ(f["rows"], rows.at(name));
    EXPECT_EQ(f["added"], rows.at(name));  // every source row is kept
    EXPECT_EQ(f["encoding"], "mac-roman");
    EXPECT_EQ(f["line_ends"], "cr");
    EXPECT_TRUE(f["errors"].empty());
    if (name != "voluntary-pledges.csv") repeats += static_cast<int>(f["repeats"].size());
  }
  EXPECT_EQ(repeats, 4);  // 2 exact copies, 1 with other themes, 1 with a trailing space
  EXPECT_EQ(r["added"], 33082 + 947);

  json info = RunJson("info");
  EXPECT_EQ(info["recommendations"], 33082);
  EXPECT_EQ(info["supported"], 24378);
  EXPECT_EQ(info["noted"], 8704);
  EXPECT_EQ(info["pledges"], 947);
  EXPECT_EQ(info["coverage"],
            "UPR sessions 1–17 (2008–2013): cycle 1 whole (sessions 1–12), cycle 2 in part "
            "(sessions 13–17 of 13–26)");
  EXPECT_EQ(info["pledge_sessions"], "1–19");
  {
    // The import writes with SQLite's foreign key checks off (the bulk writer checks them):
    // every reference must still hold, and the file must be sound.
    auto db = store::Database::Open(dir_.File("upr.db"), false, false);
    ASSERT_TRUE(db.ok());
    int violations = 0;
    ASSERT_TRUE((*db)->ForEachRow("PRAGMA foreign_key_check", [&](store::Statement&) {
                       ++violations;
                     }).ok());
    EXPECT_EQ(violations, 0);
    std::string integrity;
    ASSERT_TRUE((*db)->ForEachRow("PRAGMA integrity_check", [&](store::Statement& s) {
                       integrity += s.String(0);
                     }).ok());
    EXPECT_EQ(integrity, "ok");
  }

  // Importing the same files again adds nothing and says so.
  auto again = Run("import" + AllSessionFiles());
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already imported"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("the database is unchanged"), std::string::npos) << again.out;
  EXPECT_EQ(RunJson("info")["recommendations"], 33082);
}

TEST_F(CliRealData, StatsAndSearchAnswerOnTheRealData) {
  auto imported = Run("import" + AllSessionFiles());
  ASSERT_EQ(imported.exit_code, 0);
  EXPECT_EQ(imported.err, "");  // piped: no progress bar, and the real export warns of nothing
  EXPECT_NE(imported.out.find("Import #1: 33082 rows added"), std::string::npos) << imported.out;
  json by_cycle = RunJson("stats --by cycle --sort key");
  ASSERT_EQ(by_cycle["rows"].size(), 2u);
  EXPECT_EQ(by_cycle["rows"][0]["cycle"], 1);
  EXPECT_EQ(by_cycle["rows"][0]["count"], 6094 + 8343 + 9047 - 2128);  // sessions 1-12
  EXPECT_EQ(by_cycle["rows"][1]["count"], 2128 + 9598);                // sessions 13-17
  EXPECT_EQ(by_cycle["total"]["count"], 33082);
  EXPECT_NEAR(by_cycle["total"]["supported_share"].get<double>(), 24378.0 / 33082, 1e-9);

  json s = RunJson("search '\"death penalty\"' --sur USA --limit 3");
  EXPECT_GT(s["total"].get<int>(), 0);
  ASSERT_LE(s["results"].size(), 3u);
  for (const auto& hit : s["results"]) {
    EXPECT_EQ(hit["sur"]["iso3"], "USA");
    EXPECT_NE(hit["snippet_html"].get<std::string>().find("<mark>"), std::string::npos);
    std::string text = hit["text"];
    for (auto& c : text) c = static_cast<char>(std::tolower(c));
    EXPECT_NE(text.find("death penalty"), std::string::npos) << text;
  }
  // Mac Roman é decoded to UTF-8; accent-insensitive matching (Habre finds Habré).
  json acc = RunJson("search 'Habre OR Gnassingbé OR majesté' --limit 50");
  bool utf8 = false;
  for (const auto& hit : acc["results"])
    utf8 |= hit["text"].get<std::string>().find("\xC3") != std::string::npos;
  EXPECT_TRUE(utf8);

  json show = RunJson("show 1");
  EXPECT_EQ(show["id"], 1);
  EXPECT_EQ(show["source"]["line"], 2);
  EXPECT_EQ(RunJson("show 999999", 4)["error"]["code"], "not found");
}

// The filters the API has and the CLI gained later: organisations and SDGs, checked against
// SQL written here (an organisation matches a whole item of the comma-separated list).
TEST_F(CliRealData, OrganisationAndSdgFilters) {
  ASSERT_EQ(Run("import" + AllSessionFiles()).exit_code, 0);
  auto store = store::Store::Open(dir_.File("upr.db"), store::OpenMode::kExisting);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->EnsureFullTextIndex().ok());
  auto count = [&](const std::string& where) {
    auto n = (*store)->db().QueryInt("SELECT count(*) FROM recommendation r WHERE " + where);
    EXPECT_TRUE(n.ok()) << where;
    return n.ok() ? *n : -1;
  };
  auto has = [](const char* column, const char* org) {
    return std::string("(',' || replace(lower(r.") + column + "), ' ', '') || ',') LIKE '%," +
           org + ",%'";
  };
  const int64_t eu = count(has("sur_orgs", "eu"));
  ASSERT_GT(eu, 0);
  EXPECT_EQ(RunJson("search --sur-org EU --limit 1")["total"], eu);
  EXPECT_EQ(RunJson("stats --sur-org ' e u '")["total"]["count"], eu);
  const int64_t au_or_oic = count(has("sur_orgs", "au") + " OR " + has("sur_orgs", "oic"));
  EXPECT_EQ(RunJson("search --sur-org AU,OIC --limit 1")["total"], au_or_oic);
  EXPECT_EQ(RunJson("search --sur-org AU --sur-org OIC --limit 1")["total"], au_or_oic);
  const int64_t eu_to_au = count(has("sur_orgs", "au") + " AND " + has("from_orgs", "eu"));
  EXPECT_EQ(RunJson("search --sur-org AU --from-org EU --limit 1")["total"], eu_to_au);
  const int64_t torture_from_oic = count(has("from_orgs", "oic") +
                                         " AND r.id IN (SELECT rowid FROM recommendation_fts "
                                         "WHERE recommendation_fts MATCH 'torture')");
  EXPECT_EQ(RunJson("search torture --from-org OIC --limit 1")["total"], torture_from_oic);
  json by_org = RunJson("stats --by response --from-org EU");
  EXPECT_EQ(by_org["total"]["count"], count(has("from_orgs", "eu")));
  // The export holds no SDG rows: a goal matches nothing; a bad one is a usage error.
  EXPECT_EQ(RunJson("search --sdg 16 --limit 1")["total"], 0);
  EXPECT_EQ(Run("search --sdg 18").exit_code, 2);
  EXPECT_EQ(Run("search --sur-org ' '").exit_code, 2);
  EXPECT_NE(Run("search --help").out.find("--sur-org"), std::string::npos);
}

TEST_F(CliRealData, ExportWritesRfc4180CsvAndJson) {
  ASSERT_EQ(Run("import '" + UprFile("sessions-01-05.csv") + "'").exit_code, 0);
  auto csv = Run("export --format csv --sur AFG");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("\xEF\xBB\xBFid,uid,sur,sur_name,", 0), 0u);  // UTF-8 byte-order mark first
  EXPECT_NE(csv.out.find(",duplicate_of,link\r\n"), std::string::npos);
  auto no_bom = Run("export --format csv --sur AFG --no-bom");
  ASSERT_EQ(no_bom.exit_code, 0) << no_bom.err;
  EXPECT_EQ(no_bom.out, csv.out.substr(3));
  EXPECT_NE(csv.out.find("\r\n"), std::string::npos);
  json j = RunJson("export --format json --sur AFG");
  ASSERT_TRUE(j.is_array());
  json st = RunJson("stats --sur AFG");
  EXPECT_EQ(static_cast<int64_t>(j.size()), st["total"]["count"].get<int64_t>());
  // Each record links to its page by uid (issue 14), in the CSV too.
  for (const json& r : j) {
    EXPECT_EQ(r["link"], "http://127.0.0.1:8080/recommendations/" + r["uid"].get<std::string>());
    EXPECT_NE(csv.out.find("," + r["link"].get<std::string>() + "\r\n"), std::string::npos);
  }
  // The text search names each result by its uid, which `show` takes.
  const std::string uid = j[0]["uid"];
  const auto text = Run("search --sur AFG --limit 200");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("\n" + uid + "  to AFG from "), std::string::npos) << text.out;
  EXPECT_EQ(Run("show " + uid).exit_code, 0);
  json published = RunJson("export --format json --sur AFG --base-url https://upr.example.org/");
  ASSERT_FALSE(published.empty());
  EXPECT_EQ(published[0]["link"],
            "https://upr.example.org/recommendations/" + published[0]["uid"].get<std::string>());
  // Rows of the CSV (quoted fields may contain line breaks only as \r\n inside quotes: none here).
  size_t lines = 0;
  for (size_t p = 0; (p = csv.out.find("\r\n", p)) != std::string::npos; p += 2) ++lines;
  EXPECT_EQ(lines, j.size() + 1);
}

TEST_F(CliRealData, AnotherEncodingOfAnExportImportsWithExactCounts) {
  // The same export as another tool would write it: UTF-8 with BOM, CRLF line ends.
  std::string bytes = testing::ReadAll(UprFile("sessions-10-13.csv"));
  std::string converted = "\xEF\xBB\xBF";
  for (unsigned char c : bytes) {
    if (c == '\r') {
      converted += "\r\n";
    } else if (c == 0x8E) {
      converted += "\xC3\xA9";  // é
    } else if (c >= 0x80) {
      converted += "?";
    } else {
      converted += static_cast<char>(c);
    }
  }
  const std::string f = dir_.Write("other-export.csv", converted);
  json r = RunJson("import '" + f + "'");
  ASSERT_EQ(r["status"], "ok");
  EXPECT_EQ(r["files"][0]["encoding"], "utf-8-bom");
  EXPECT_EQ(r["files"][0]["line_ends"], "crlf");
  EXPECT_EQ(r["files"][0]["rows"], 9047);
  EXPECT_EQ(r["files"][0]["added"], 9047);
}

TEST_F(CliRealData, ACorruptedFileExitsWithBadInputAndChangesNothing) {
  ASSERT_EQ(Run("import '" + UprFile("sessions-01-05.csv") + "'").exit_code, 0);
  json before = RunJson("info");
  // Truncate a real file inside a quoted field, and corrupt a session number in another.
  std::string bytes = testing::ReadAll(UprFile("sessions-06-09.csv"));
  const size_t cut = bytes.find(",\"", bytes.size() / 2);
  const std::string truncated = dir_.Write("truncated.csv", bytes.substr(0, cut + 5));
  auto r = Run("import '" + truncated + "' '" + UprFile("sessions-10-13.csv") + "'");
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("truncated.csv:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unterminated quote"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was imported"), std::string::npos) << r.err;
  json after = RunJson("info");
  EXPECT_EQ(after, before);
}

TEST_F(CliRealData, UsageErrorsAndHelp) {
  auto help = Run("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("import"), std::string::npos);
  auto sub_help = Run("search --help");
  EXPECT_EQ(sub_help.exit_code, 0);
  EXPECT_NE(sub_help.out.find("--from-region"), std::string::npos);
  EXPECT_EQ(Run("frobnicate").exit_code, 2);
  EXPECT_EQ(Run("search torture").exit_code, 4);  // no database yet
  ASSERT_EQ(Run("import '" + UprFile("sessions-01-05.csv") + "'").exit_code, 0);
  auto bad = Run("search torture --sur Atlantis");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--sur 'Atlantis'"), std::string::npos) << bad.err;
  // The query is read as the web app's search box reads it (issue 14): repaired, said so.
  auto repaired = Run("search '\"death penalty' --limit 1");
  EXPECT_EQ(repaired.exit_code, 0) << repaired.err;
  EXPECT_NE(repaired.err.find("query repaired: closed the quote opened at position 1"),
            std::string::npos) << repaired.err;
  EXPECT_EQ(Run("search 'torture OR NOT x'").exit_code, 2);
  // Field terms are filters; names are offered as options; misspellings get the record's word.
  json by_field = RunJson("search 'sur:LKA torture' --limit 100");
  json by_option = RunJson("search torture --sur LKA --limit 100");
  EXPECT_GT(by_option["total"].get<int64_t>(), 0);
  EXPECT_EQ(by_field["total"], by_option["total"]);
  EXPECT_EQ(by_field["results"], by_option["results"]);
  auto named = Run("search 'Sri Lanka torture' --limit 1");
  EXPECT_EQ(named.exit_code, 0);
  EXPECT_NE(named.err.find("suggestion: --sur LKA (Sri Lanka) with the query 'torture': " +
                           std::to_string(by_option["total"].get<int64_t>()) + " match"),
            std::string::npos) << named.err;
  auto typo = Run("search tortue");
  EXPECT_EQ(typo.exit_code, 0);
  EXPECT_NE(typo.out.find("0 matches"), std::string::npos) << typo.out;
  EXPECT_NE(typo.err.find("did you mean 'torture'?"), std::string::npos) << typo.err;
  EXPECT_EQ(Run("stats --by planet").exit_code, 2);
  // Filters take one value each: the query may follow them; errors honour --json.
  EXPECT_EQ(Run("search --sur FRA torture").exit_code, 0);
  json err = RunJson("search x --sur Narnia", 2);
  EXPECT_EQ(err["error"]["code"], "invalid argument");
}

}  // namespace
}  // namespace openupr

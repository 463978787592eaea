// Exports that open right (issue 14, item 5): the CSV's UTF-8 byte-order mark and the option
// without it, no server path in any field the HTTP API sends, and the download's file name made
// from its filters (RFC 6266 Content-Disposition with filename* for non-ASCII names). Over the
// real HTTP server on 127.0.0.1 and the real data; where LibreOffice is installed, the export
// is also converted by `soffice --headless` and read back with openpyxl.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/citation.h"
#include "core/text.h"
#include "ingest/csv_reader.h"
#include "live_server.h"
#include "search/export.h"
#include "server/api.h"
#include "server/sql_backend.h"
#include "test_util.h"
#include "xlsx_reader.h"

namespace openupr::server {
namespace {

using nlohmann::json;
using search::ExportFileNameFor;
using search::ExportFormat;
using search::kUtf8Bom;
using testing::TempDir;
using testing::UprFile;

search::SearchRequest Selection(std::initializer_list<std::pair<const char*, const char*>> filters,
                                std::string query = "") {
  search::SearchRequest r;
  r.query = std::move(query);
  for (const auto& [field, value] : filters) {
    Status st = AddFilterValue(r.filters, field, value);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return r;
}

TEST(ExportFileName, IsMadeFromTheFilters) {
  EXPECT_EQ(ExportFileNameFor(Selection({}), ExportFormat::kCsv).ascii, "openupr-export.csv");
  EXPECT_EQ(ExportFileNameFor(Selection({}), ExportFormat::kXlsx).ascii, "openupr-export.xlsx");
  auto lka = ExportFileNameFor(
      Selection({{"sur", "LKA"}, {"theme", "Death penalty"}, {"cycle", "2"}}), ExportFormat::kCsv);
  EXPECT_EQ(lka.ascii, "openupr-LKA-death-penalty-cycle-2.csv");
  EXPECT_EQ(lka.utf8, lka.ascii);
  // States by any name come out as their ISO3 code; every filter has its place.
  EXPECT_EQ(ExportFileNameFor(Selection({{"from", "France,Germany"},
                                         {"from-region", "weog"},
                                         {"region", "african"},
                                         {"session", "10-13"},
                                         {"session", "5"},
                                         {"response", "noted"},
                                         {"action", "4,unknown"}},
                                        "tortur*"),
                              ExportFormat::kJson)
                .ascii,
            "openupr-from-FRA-DEU-african-from-weog-session-5-10to13-noted-action-4-unknown-"
            "tortur.json");
  EXPECT_EQ(ExportFileNameFor(Selection({{"theme", "Women's rights"}}, "\"death penalty\" NOT x"),
                              ExportFormat::kCsv)
                .ascii,
            "openupr-women-s-rights-death-penalty-not-x.csv");
}

TEST(ExportFileName, NonAsciiIsFoldedForTheAsciiNameAndKeptInTheUtf8Name) {
  auto civ = ExportFileNameFor(Selection({}, "Côte d'Ivoire"), ExportFormat::kCsv);
  EXPECT_EQ(civ.ascii, "openupr-cote-d-ivoire.csv");
  EXPECT_EQ(civ.utf8, "openupr-côte-d-ivoire.csv");
  auto ru = ExportFileNameFor(Selection({}, "Россия / 中国"), ExportFormat::kCsv);
  EXPECT_EQ(ru.ascii, "openupr-export.csv");  // nothing ASCII is left
  EXPECT_EQ(ru.utf8, "openupr-россия-中国.csv");
  // Controls, quotes, slashes, dots and bytes that are not UTF-8 never reach a name.
  auto hostile =
      ExportFileNameFor(Selection({}, "a\"b/..\\c\r\nd\x01\xFF\xC3(e"), ExportFormat::kCsv);
  EXPECT_EQ(hostile.ascii, "openupr-a-b-c-d-e.csv");
  EXPECT_EQ(hostile.utf8, "openupr-a-b-c-d-e.csv");
}

TEST(ExportFileName, IsCutAtAWordWithinTheLimit) {
  std::string query;
  for (int i = 0; i < 40; ++i) query += "a" + std::to_string(i) + "z ";
  auto name = ExportFileNameFor(Selection({}, query), ExportFormat::kCsv);
  const std::string stem = name.ascii.substr(8, name.ascii.size() - 8 - 4);  // "openupr-", ".csv"
  EXPECT_LE(stem.size(), search::kExportNameMaxChars);
  EXPECT_GT(stem.size(), search::kExportNameMaxChars - 6);
  EXPECT_EQ(stem.rfind("a0z-a1z-a2z-", 0), 0u) << stem;
  EXPECT_EQ(stem.back(), 'z') << "the last word is whole: " << stem;
  // Cut by characters, not bytes, in the UTF-8 name; never inside a character.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "é";
  auto long_name = ExportFileNameFor(Selection({}, accents), ExportFormat::kCsv);
  EXPECT_TRUE(IsValidUtf8(long_name.utf8));
  EXPECT_EQ(long_name.utf8,
            "openupr-" + accents.substr(0, 2 * search::kExportNameMaxChars) + ".csv");
  EXPECT_EQ(long_name.ascii, "openupr-" + std::string(search::kExportNameMaxChars, 'e') + ".csv");
}

TEST(ContentDisposition, HasAQuotedAsciiNameAndAnRfc8187NameForNonAscii) {
  EXPECT_EQ(ContentDisposition({"openupr-LKA.csv", "openupr-LKA.csv"}),
            "attachment; filename=\"openupr-LKA.csv\"");
  EXPECT_EQ(ContentDisposition({"openupr-cote-d-ivoire.csv", "openupr-côte-d-ivoire.csv"}),
            "attachment; filename=\"openupr-cote-d-ivoire.csv\"; "
            "filename*=UTF-8''openupr-c%C3%B4te-d-ivoire.csv");
}

TEST(FileNameOf, DropsTheFolders) {
  EXPECT_EQ(FileNameOf("/srv/data/upr-info/sessions-01-05.csv"), "sessions-01-05.csv");
  EXPECT_EQ(FileNameOf("relative/s.csv"), "s.csv");
  EXPECT_EQ(FileNameOf("C:\\Users\\me\\s.csv"), "s.csv");
  EXPECT_EQ(FileNameOf("s.csv"), "s.csv");
  EXPECT_EQ(FileNameOf("/srv/data/"), "");
}

// The fields of a CSV export (kUtf8Bom already removed), header first.
std::vector<std::vector<std::string>> CsvRows(const std::string& csv) {
  auto records = ingest::ReadCsv(csv, ingest::LineEnds::kCrLf, "export.csv");
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  std::vector<std::vector<std::string>> rows;
  if (records.ok())
    for (auto& r : *records) rows.push_back(std::move(r.fields));
  return rows;
}

size_t Column(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  ADD_FAILURE() << "no column " << name;
  return 0;
}

// The response headers of a GET, as they come over the wire (httplib's client percent-decodes
// header values, which would hide the encoding of filename*).
std::string RawHeaders(int port, const std::string& target) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string in;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string req =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
      char buf[4096];
      while (in.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
      }
    }
  }
  ::close(fd);
  return in.substr(0, in.find("\r\n\r\n"));
}

class ExportOverHttp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    ASSERT_TRUE(testing::ImportRealFiles(dir_->File("u.db"), {"sessions-06-09.csv"}));
    auto backend = SqlBackend::Open(dir_->File("u.db"), 2);
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = backend.value().release();
    server_ = new testing::LiveServer(*backend_);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete backend_;
    delete dir_;
  }
  static httplib::Result Get(const std::string& target) {
    return testing::HttpGet(server_->port(), target);
  }

  static TempDir* dir_;
  static SqlBackend* backend_;
  static testing::LiveServer* server_;
};
TempDir* ExportOverHttp::dir_ = nullptr;
SqlBackend* ExportOverHttp::backend_ = nullptr;
testing::LiveServer* ExportOverHttp::server_ = nullptr;

TEST_F(ExportOverHttp, CsvStartsWithTheByteOrderMarkUnlessAskedNotTo) {
  auto with = Get("/api/v1/export?sur=CIV");
  auto without = Get("/api/v1/export?sur=CIV&bom=false");
  auto explicit_bom = Get("/api/v1/export?sur=CIV&bom=true");
  ASSERT_TRUE(with && without && explicit_bom);
  ASSERT_EQ(with->status, 200);
  ASSERT_EQ(without->status, 200);
  EXPECT_EQ(with->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(with->body.substr(0, 6), "\xEF\xBB\xBFid,");
  EXPECT_EQ(without->body.substr(0, 3), "id,");
  EXPECT_EQ(with->body, std::string(kUtf8Bom) + without->body);  // nothing else differs
  EXPECT_EQ(explicit_bom->body, with->body);
  // The state's name in UTF-8, as Excel and LibreOffice then read it.
  const auto rows = CsvRows(without->body);
  ASSERT_GT(rows.size(), 10u);
  const size_t sur_name = Column(rows[0], "sur_name");
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_EQ(rows[i][sur_name], "C\xC3\xB4te d'Ivoire");
  // JSON and XLSX never carry a mark; a bad value is a 400 naming the parameter.
  auto js = Get("/api/v1/export?sur=CIV&format=json");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->body.substr(0, 1), "[");
  auto [status, err] = server_->GetJson("/api/v1/export?bom=no");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(err["error"]["parameter"], "bom");
  EXPECT_NE(err["error"]["message"].get<std::string>().find("expected true or false"),
            std::string::npos);
}

TEST_F(ExportOverHttp, NoFieldHoldsAServerPath) {
  const std::string data_dir = testing::DataDir();
  ASSERT_FALSE(data_dir.empty());
  // CSV: the source_file column holds the file's name; no field holds a folder of the server.
  auto csv = Get("/api/v1/export?bom=false");
  ASSERT_TRUE(csv);
  const auto rows = CsvRows(csv->body);
  ASSERT_EQ(rows.size(), 8344u);  // 8,343 records and the header
  const size_t source_file = Column(rows[0], "source_file");
  const size_t source_line = Column(rows[0], "source_line");
  for (size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i][source_file], "sessions-06-09.csv") << "row " << i;
    EXPECT_GT(std::stoll(rows[i][source_line]), 0) << "row " << i;
  }
  EXPECT_EQ(csv->body.find(data_dir), std::string::npos);
  EXPECT_EQ(csv->body.find("upr-info/"), std::string::npos);
  // JSON and XLSX exports, a record, and the sources of /about: none holds the path.
  auto js = Get("/api/v1/export?format=json&sur=CIV");
  ASSERT_TRUE(js);
  const json records = json::parse(js->body);
  ASSERT_FALSE(records.empty());
  for (const json& r : records) EXPECT_EQ(r["source"]["file"], "sessions-06-09.csv");
  EXPECT_EQ(js->body.find(data_dir), std::string::npos);
  auto xlsx = Get("/api/v1/export?format=xlsx&sur=CIV");
  ASSERT_TRUE(xlsx);
  const json sheet = testing::ReadXlsx(dir_->Write("civ.xlsx", xlsx->body), *dir_);
  ASSERT_FALSE(sheet.is_null());
  EXPECT_EQ(sheet.dump().find(data_dir), std::string::npos);
  const size_t xlsx_source =
      Column(sheet["rows"][0].get<std::vector<std::string>>(), "source_file");
  EXPECT_EQ(sheet["rows"][1][xlsx_source], "sessions-06-09.csv");
  auto [status, rec] = server_->GetJson("/api/v1/recommendations/" + records[0]["id"].dump());
  EXPECT_EQ(status, 200);
  EXPECT_EQ(rec["source"]["file"], "sessions-06-09.csv");
  EXPECT_EQ(rec["source"]["line"], records[0]["source"]["line"]);
  auto [about_status, about] = server_->GetJson("/api/v1/about");
  EXPECT_EQ(about_status, 200);
  EXPECT_EQ(about["sources"][0]["file"], "sessions-06-09.csv");
  EXPECT_EQ(about.dump().find(data_dir), std::string::npos);
}

TEST_F(ExportOverHttp, TheFileNameComesFromTheFilters) {
  auto tur = Get("/api/v1/export?sur=TUR&theme=Death+penalty&cycle=1");
  ASSERT_TRUE(tur);
  EXPECT_EQ(tur->status, 200);
  EXPECT_EQ(tur->get_header_value("Content-Disposition"),
            "attachment; filename=\"openupr-TUR-death-penalty-cycle-1.csv\"");
  auto all = Get("/api/v1/export?format=json");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->get_header_value("Content-Disposition"),
            "attachment; filename=\"openupr-export.json\"");
  // A state given by name is its code; a non-ASCII query gets an RFC 8187 filename* too.
  const std::string civ = RawHeaders(
      server_->port(), "/api/v1/export?format=xlsx&sur=C%C3%B4te+d%27Ivoire&q=%C3%A9ducation");
  EXPECT_EQ(civ.rfind("HTTP/1.1 200", 0), 0u) << civ;
  EXPECT_NE(
      civ.find("\r\nContent-Disposition: attachment; filename=\"openupr-CIV-education.xlsx\"; "
               "filename*=UTF-8''openupr-CIV-%C3%A9ducation.xlsx\r\n"),
      std::string::npos)
      << civ;
}

// LibreOffice (where installed) reads the export with the right characters: converted headless
// to a workbook with the CSV import filter (comma, double quote, the system's character set,
// which is what the import dialog offers), the mark is not part of the first header cell, and
// every text and state name equals the CSV's UTF-8 field. Without filter options
// `soffice --convert-to` reads any CSV as Windows-1252, mark or not, so the test gives them.
TEST_F(ExportOverHttp, LibreOfficeReadsTheCsvWithTheRightCharacters) {
  if (std::system("command -v soffice > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "soffice (LibreOffice) is not installed: the export's bytes are checked by "
                    "CsvStartsWithTheByteOrderMarkUnlessAskedNotTo instead";
  // Côte d'Ivoire and Türkiye under review, the recommending states' names in every script.
  auto csv = Get("/api/v1/export?sur=CIV,TUR");
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200);
  ASSERT_EQ(csv->body.rfind(kUtf8Bom, 0), 0u);
  const std::string in = dir_->Write("lo-export.csv", csv->body);
  const std::string out_dir = dir_->File("lo-out"), log = dir_->File("soffice.log");
  const std::string cmd = "HOME='" + dir_->File("") +
                          "' timeout 300 soffice --headless "
                          "--norestore -env:UserInstallation=file://" +
                          dir_->File("lo-profile") +
                          " --infilter=CSV:44,34,0,1 --convert-to xlsx --outdir '" + out_dir +
                          "' '" + in + "' > '" + log + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd << "\n" << testing::ReadAll(log);
  const json sheet = testing::ReadXlsx(out_dir + "/lo-export.xlsx", *dir_);
  ASSERT_FALSE(sheet.is_null()) << testing::ReadAll(log);
  const auto rows = CsvRows(csv->body.substr(kUtf8Bom.size()));
  const json& cells = sheet["rows"];
  ASSERT_EQ(cells.size(), rows.size());
  ASSERT_EQ(rows.size(), 147u + 167u + 1u);
  EXPECT_EQ(cells[0][0], "id");  // not "\uFEFFid" nor "ï»¿id"
  // Every cell as LibreOffice read it equals the CSV's field (numbers as numbers).
  size_t non_ascii = 0, mismatches = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const std::string& field = rows[r][c];
      const json cell = c < cells[r].size() ? cells[r][c] : json();
      bool same;
      if (field.empty())
        same = cell.is_null();
      else if (r > 0 && testing::IsNumericExportColumn(rows[0][c]))
        same = cell.is_number() && std::to_string(cell.get<int64_t>()) == field;
      else
        same = cell.is_string() && cell.get<std::string>() == field;
      if (!same && ++mismatches <= 10)
        ADD_FAILURE() << "row " << r + 1 << ", " << rows[0][c] << ": LibreOffice " << cell.dump()
                      << ", csv '" << field << "'";
      if (AsciiPrefixLength(field) < field.size()) ++non_ascii;
    }
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GE(non_ascii, rows.size() - 1) << "every row names Côte d'Ivoire or Türkiye";
}

}  // namespace
}  // namespace openupr::server

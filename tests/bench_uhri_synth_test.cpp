// The synthetic UHRI export (bench/uhri_synth.h, issue 17): valid JSON with every field of the
// export in its types, the count asked for, the mechanisms' shares, the same file for the same
// seed, the workbook holding the same values as the JSON (read back with the XLSX reader), and
// version 2 being version 1 with 1% removed, 2% new and the changed records differing only in
// Text and Themes.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "bench/uhri_synth.h"
#include "core/model.h"
#include "core/states.h"
#include "core/uhri.h"
#include "ingest/uhri_xlsx.h"
#include "ingest/xlsx_reader.h"
#include "test_util.h"

namespace openupr::bench {
namespace {

using nlohmann::json;
using testing::ReadAll;
using testing::TempDir;

const char* const kFields[] = {"AnnotationId",
                               "AnnotationType",
                               "Body",
                               "Countries",
                               "DocumentId",
                               "Symbol",
                               "PublicationDate",
                               "PublicationDateOnUhri",
                               "Regions",
                               "Text",
                               "Themes",
                               "Sdgs",
                               "AffectedPersons",
                               "UprCycle",
                               "UprSession",
                               "UprPositions",
                               "UprRecommendingCountry",
                               "UprRecommendingRegions"};

class UhriSynth : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = LoadUhriSynthSource(testing::DataDir());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    source_ = new UhriSynthSource(std::move(s).value());
  }
  static void TearDownTestSuite() { delete source_; }

  UhriSynthReport Write(const UhriSynthOptions& o) {
    auto r = WriteUhriSynth(o, *source_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : UhriSynthReport{};
  }
  static json Parse(const std::string& path) {
    try {
      return json::parse(ReadAll(path));
    } catch (const json::exception& e) {
      ADD_FAILURE() << path << ": " << e.what();
      return json::array();
    }
  }

  TempDir dir_;
  static UhriSynthSource* source_;
};
UhriSynthSource* UhriSynth::source_ = nullptr;

bool IsUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
    if (std::isupper(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool IsDate(const std::string& s) {
  if (s.size() != 10 && s != s.substr(0, 10) + "T00:00:00") return false;
  const int year = std::stoi(s.substr(0, 4));
  return year >= 2008 && year <= 2026 && s[4] == '-' && s[7] == '-';
}

int DigitsOf(const json& v) {
  if (v.is_number_integer()) return v.get<int>();
  std::string digits;
  for (char c : v.get<std::string>())
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  return std::stoi(digits);
}

TEST_F(UhriSynth, WritesEveryFieldInTheExportsShapeIssue17) {
  UhriSynthOptions o;
  o.records = 2000;
  o.seed = 7;
  o.json_path = dir_.File("uhri.json");
  const UhriSynthReport report = Write(o);
  EXPECT_EQ(report.records, 2000);
  EXPECT_EQ(report.json_bytes, std::filesystem::file_size(o.json_path));
  const json records = Parse(o.json_path);
  ASSERT_TRUE(records.is_array());
  ASSERT_EQ(records.size(), 2000u);

  std::map<Mechanism, int> mechanisms;
  std::set<std::string> ids;
  int null_lists = 0, empty_lists = 0, html = 0, entities = 0, lists = 0, text_cycles = 0;
  for (const json& r : records) {
    ASSERT_TRUE(r.is_object());
    EXPECT_EQ(r.size(), std::size(kFields));
    for (const char* f : kFields) ASSERT_TRUE(r.contains(f)) << f << " in " << r.dump();
    const std::string id = r["AnnotationId"];
    EXPECT_TRUE(IsUuid(id)) << id;
    ids.insert(id);
    const std::string body = r["Body"];
    ASSERT_EQ(body.substr(0, 2), "- ");
    const Mechanism m = MechanismOfBody(body);
    ++mechanisms[m];
    const std::string type = r["AnnotationType"];
    EXPECT_TRUE(type == "- Recommendations" || type == "- Concerns/Observations") << type;
    ASSERT_TRUE(r["Countries"].is_array());
    ASSERT_GE(r["Countries"].size(), 1u);
    for (const json& c : r["Countries"]) EXPECT_NE(FindState(c.get<std::string>()), nullptr) << c;
    EXPECT_TRUE(r["DocumentId"].is_null() || r["DocumentId"].is_number_integer() ||
                r["DocumentId"].is_string());
    EXPECT_TRUE(IsDate(r["PublicationDate"])) << r["PublicationDate"];
    EXPECT_TRUE(r["PublicationDateOnUhri"].is_null() || IsDate(r["PublicationDateOnUhri"]));
    const std::string text = r["Text"];
    EXPECT_FALSE(text.empty());
    html += text.find("<p") != std::string::npos;
    lists += text.find("<ul><li>") != std::string::npos;
    entities += text.find("&amp;") != std::string::npos ||
                text.find("&#39;") != std::string::npos ||
                text.find("&rsquo;") != std::string::npos;
    for (const char* f : {"Regions", "Themes", "Sdgs", "AffectedPersons", "UprPositions",
                          "UprRecommendingCountry", "UprRecommendingRegions"}) {
      const json& v = r[f];
      ASSERT_TRUE(v.is_null() || v.is_array()) << f;
      null_lists += v.is_null();
      empty_lists += v.is_array() && v.empty();
    }
    if (r["Themes"].is_array()) {
      EXPECT_LE(r["Themes"].size(), 4u);
      for (const json& t : r["Themes"]) EXPECT_EQ(t.get<std::string>().substr(0, 2), "- ");
    }
    if (r["Sdgs"].is_array()) {
      EXPECT_LE(r["Sdgs"].size(), 3u);
      for (const json& s : r["Sdgs"]) EXPECT_NE(SdgTargetOf(s.get<std::string>()), "") << s;
    }
    if (m == Mechanism::kUpr) {
      EXPECT_EQ(type, "- Recommendations");
      const int session = DigitsOf(r["UprSession"]);
      EXPECT_GE(session, 1);
      EXPECT_LE(session, kLastKnownSession);
      EXPECT_EQ(DigitsOf(r["UprCycle"]), CycleOfSession(session));
      text_cycles += r["UprCycle"].is_string();
      ASSERT_EQ(r["UprPositions"].size(), 1u);
      const std::string position = r["UprPositions"][0];
      EXPECT_TRUE(position == "Supported" || position == "Noted") << position;
      const json& from = r["UprRecommendingCountry"];
      ASSERT_GE(from.size(), 1u);
      ASSERT_LE(from.size(), 3u);
      for (const json& c : from) EXPECT_NE(FindState(c.get<std::string>()), nullptr) << c;
    } else {
      EXPECT_TRUE(r["UprCycle"].is_null());
      EXPECT_TRUE(r["UprSession"].is_null());
      if (m == Mechanism::kTreatyBody) {
        const std::string symbol = r["Symbol"];
        const std::string iso3 = FindState(r["Countries"][0].get<std::string>())->iso3;
        EXPECT_NE(symbol.find("/" + iso3 + "/"), std::string::npos) << symbol;
      }
    }
  }
  EXPECT_EQ(ids.size(), 2000u);
  // About 20% UPR, 55% treaty bodies, 25% special procedures (binomial, n = 2000: +-3 sigma).
  EXPECT_NEAR(mechanisms[Mechanism::kUpr], 400, 60);
  EXPECT_NEAR(mechanisms[Mechanism::kTreatyBody], 1100, 70);
  EXPECT_NEAR(mechanisms[Mechanism::kSpecialProcedure], 500, 60);
  EXPECT_EQ(report.upr, mechanisms[Mechanism::kUpr]);
  EXPECT_GT(null_lists, 0);
  EXPECT_GT(empty_lists, 0);
  EXPECT_GT(html, 1000);
  EXPECT_GT(lists, 0);
  EXPECT_GT(entities, 0);
  EXPECT_GT(text_cycles, 0);
}

TEST_F(UhriSynth, SameSeedSameBytesAndTheWorkbookHoldsTheSameValuesIssue17) {
  UhriSynthOptions o;
  o.records = 300;
  o.seed = 3;
  o.json_path = dir_.File("a.json");
  o.xlsx_path = dir_.File("a.xlsx");
  const UhriSynthReport report = Write(o);
  EXPECT_GT(report.xlsx_bytes, 0u);
  o.json_path = dir_.File("b.json");
  o.xlsx_path.clear();
  Write(o);
  EXPECT_EQ(ReadAll(dir_.File("a.json")), ReadAll(dir_.File("b.json")));
  o.seed = 4;
  o.json_path = dir_.File("c.json");
  Write(o);
  EXPECT_NE(ReadAll(dir_.File("a.json")), ReadAll(dir_.File("c.json")));

  const json records = Parse(dir_.File("a.json"));
  auto book = ingest::ReadXlsxFile(dir_.File("a.xlsx"));
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  ASSERT_EQ(book->sheets.size(), 1u);
  // Cell text by (row, column).
  std::map<std::pair<uint32_t, uint32_t>, std::string> cells;
  for (const auto& c : book->sheets[0].cells) cells[{c.row, c.column}] = c.text;
  auto cell_at = [&](uint32_t row, uint32_t col) {
    const auto it = cells.find({row, col});
    return it == cells.end() ? std::string() : it->second;
  };
  for (uint32_t col = 0; col < std::size(kFields); ++col) EXPECT_EQ(cell_at(0, col), kFields[col]);
  ASSERT_EQ(records.size(), 300u);
  for (uint32_t i = 0; i < records.size(); ++i) {
    for (uint32_t col = 0; col < std::size(kFields); ++col) {
      const json& v = records[i][kFields[col]];
      const std::string cell = cell_at(i + 1, col);
      if (v.is_null()) {
        EXPECT_EQ(cell, "") << kFields[col] << " row " << i + 2;
      } else if (v.is_number_integer()) {
        EXPECT_EQ(cell, std::to_string(v.get<int64_t>())) << kFields[col];
      } else if (v.is_string()) {
        EXPECT_EQ(cell, v.get<std::string>()) << kFields[col] << " row " << i + 2;
      } else {
        std::string lines, semicolons;
        for (size_t k = 0; k < v.size(); ++k) {
          if (k > 0) {
            lines += '\n';
            semicolons += "; ";
          }
          lines += v[k].get<std::string>();
          semicolons += v[k].get<std::string>();
        }
        EXPECT_TRUE(cell == lines || cell == semicolons)
            << kFields[col] << " row " << i + 2 << ": " << cell;
      }
    }
  }

  // And the UHRI reader takes the workbook as the records of the JSON.
  std::vector<UhriRecord> read;
  const Status st = ingest::ReadUhriXlsxFile(
      dir_.File("a.xlsx"),
      [&](std::vector<UhriRecord>&& batch) {
        for (auto& r : batch) read.push_back(std::move(r));
        return true;
      },
      nullptr);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(read.size(), records.size());
  auto strings = [](const json& v) {
    std::vector<std::string> out;
    if (v.is_array())
      for (const json& e : v) out.push_back(e.get<std::string>());
    return out;
  };
  for (size_t i = 0; i < read.size(); ++i) {
    const json& j = records[i];
    const UhriRecord& r = read[i];
    EXPECT_EQ(r.source_row, static_cast<int64_t>(i) + 2);
    EXPECT_EQ(r.annotation_id, j["AnnotationId"].get<std::string>());
    EXPECT_EQ("- " + r.body, j["Body"].get<std::string>());
    EXPECT_EQ(r.countries, strings(j["Countries"]));
    EXPECT_EQ(r.symbol, j["Symbol"].get<std::string>());
    EXPECT_EQ(r.publication_date, j["PublicationDate"].get<std::string>().substr(0, 10));
    EXPECT_EQ(r.sdgs, strings(j["Sdgs"]));
    EXPECT_EQ(r.upr_recommending_countries, strings(j["UprRecommendingCountry"]));
    std::vector<std::string> themes;
    for (const std::string& t : strings(j["Themes"])) themes.push_back(t.substr(2));
    EXPECT_EQ(r.themes, themes);
    if (j["UprSession"].is_null())
      EXPECT_EQ(r.upr_session, 0);
    else
      EXPECT_EQ(r.upr_session, DigitsOf(j["UprSession"]));
    EXPECT_FALSE(r.text.empty());
    // The HTML reduced: no tag left, no entity of the generator's.
    for (const char* markup : {"<p", "</p>", "<li>", "<ul>", "&amp;", "&#39;", "&rsquo;"})
      EXPECT_EQ(r.text.find(markup), std::string::npos) << r.text;
  }
}

TEST_F(UhriSynth, VersionTwoRemovesAddsAndChangesTextAndThemesIssue17) {
  UhriSynthOptions o;
  o.records = 3000;
  o.seed = 11;
  o.json_path = dir_.File("v1.json");
  Write(o);
  o.version = 2;
  o.changed = 0.1;
  o.json_path = dir_.File("v2.json");
  const UhriSynthReport report = Write(o);
  EXPECT_EQ(report.added, 60);
  EXPECT_NEAR(report.removed, 30, 17);
  EXPECT_NEAR(report.changed, 300, 50);
  EXPECT_EQ(report.records, 3000 - report.removed + report.added);

  std::map<std::string, json> v1;
  for (const json& r : Parse(dir_.File("v1.json"))) v1[r["AnnotationId"]] = r;
  const json v2 = Parse(dir_.File("v2.json"));
  ASSERT_EQ(static_cast<int64_t>(v2.size()), report.records);
  int64_t kept = 0, added = 0, changed = 0;
  for (const json& r : v2) {
    auto it = v1.find(r["AnnotationId"]);
    if (it == v1.end()) {
      ++added;
      continue;
    }
    ++kept;
    json a = it->second, b = r;
    if (a["Text"] != b["Text"] || a["Themes"] != b["Themes"]) ++changed;
    for (json* x : {&a, &b}) {
      x->erase("Text");
      x->erase("Themes");
    }
    EXPECT_EQ(a, b);
  }
  EXPECT_EQ(added, report.added);
  EXPECT_EQ(kept, 3000 - report.removed);
  // A changed record may draw the same text and themes again, very rarely.
  EXPECT_LE(changed, report.changed);
  EXPECT_GE(changed, report.changed * 95 / 100);
}

TEST_F(UhriSynth, RefusesBadOptionsIssue17) {
  UhriSynthOptions o;
  o.json_path = dir_.File("x.json");
  o.records = 0;
  EXPECT_EQ(WriteUhriSynth(o, *source_).status().code(), StatusCode::kInvalidArgument);
  o.records = 10;
  o.version = 3;
  EXPECT_EQ(WriteUhriSynth(o, *source_).status().code(), StatusCode::kInvalidArgument);
  o.version = 2;
  o.changed = 1.5;
  EXPECT_EQ(WriteUhriSynth(o, *source_).status().code(), StatusCode::kInvalidArgument);
  o.changed = 0.1;
  o.json_path = dir_.File("no/such/dir/x.json");
  EXPECT_EQ(WriteUhriSynth(o, *source_).status().code(), StatusCode::kIo);
}

}  // namespace
}  // namespace openupr::bench

// The theme crosswalk (core/theme_crosswalk.h): the table docs/data-model.md shows is the code's,
// and its UPR Info names are the real record's, every one of them covered.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/theme_crosswalk.h"
#include "engine_backends.h"

namespace openupr::testing {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

TEST(ThemeCrosswalkIssue17, DocumentedTableIsTheCodes) {
  std::ifstream in(std::string(OPENUPR_TESTS_DIR) + "/../docs/data-model.md");
  ASSERT_TRUE(in.good());
  std::string line;
  bool in_section = false;
  std::vector<std::pair<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    if (line.starts_with("### Theme crosswalk")) in_section = true;
    else if (in_section && line.starts_with("#")) break;
    if (!in_section || !line.starts_with("| ") || line.starts_with("| UHRI theme") ||
        line.starts_with("| ---"))
      continue;
    const size_t bar = line.find(" | ");
    rows.emplace_back(Trim(line.substr(2, bar - 2)),
                      Trim(line.substr(bar + 3, line.size() - bar - 5)));
  }
  const auto code = ThemeCrosswalk();
  ASSERT_EQ(rows.size(), code.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string targets;
    for (std::string_view t : code[i].upr_info)
      if (!t.empty()) targets += (targets.empty() ? "" : "; ") + std::string(t);
    EXPECT_EQ(rows[i].first, code[i].uhri);
    EXPECT_EQ(rows[i].second, targets) << rows[i].first;
  }
}

TEST(ThemeCrosswalkIssue17, CoversEveryUprInfoThemeOfTheRealRecord) {
  auto data = ImportRealData(
      {"sessions-01-05.csv", "sessions-06-09.csv", "sessions-10-13.csv", "sessions-14-17.csv"});
  ASSERT_NE(data, nullptr);
  std::set<std::string> real;
  ASSERT_TRUE(data->store->db()
                  .ForEachRow("SELECT name FROM theme",
                              [&](store::Statement& s) { real.insert(s.String(0)); })
                  .ok());
  ASSERT_EQ(real.size(), 54u);
  std::set<std::string> mapped;
  for (const ThemeCrosswalkRow& row : ThemeCrosswalk())
    for (std::string_view t : row.upr_info) {
      if (t.empty()) continue;
      EXPECT_TRUE(real.contains(std::string(t))) << row.uhri << " -> " << t;
      mapped.insert(std::string(t));
    }
  for (const std::string& t : real) {
    EXPECT_TRUE(mapped.contains(t)) << "UPR Info theme without a UHRI theme: " << t;
    EXPECT_FALSE(UhriThemesOf(t).empty());
  }
  EXPECT_EQ(UprInfoThemesOf("child LABOUR"),
            (std::vector<std::string_view>{"Rights of the Child", "Labour"}));
  EXPECT_TRUE(UprInfoThemesOf("no such theme").empty());
}

}  // namespace
}  // namespace openupr::testing

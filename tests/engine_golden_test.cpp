// The golden suite: tests/golden/*.json hold questions about the real data (UPR Info, sessions
// 1-17, the four session files imported in one command) with their exact answers, and every
// backend must give those answers: the SQL reference and the in-memory engine.
//
// A case: {"name", "kind": "search" (default) | "facets" | "stats" | "dyads", "query",
// "filters": {field: value or [values]} (fields and values as AddFilterValue takes them),
// search: "limit" (10), "offset" (0); facets: "fields", "top" (10); stats: "by", "sort"
// ("count" or "key"), "limit" (0); dyads: "top" (10); and "expect": the answer (see
// engine_backends.h: ids of the page in order, counts, rows) or {"error": code}.
//
// OPENUPR_UPDATE_GOLDEN=1 makes the SQL test write the SQL backend's answers into the files
// (the engine is never used for that); check new answers by hand before committing them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "engine_backends.h"

namespace openupr::testing {
namespace {

using ordered_json = nlohmann::ordered_json;

class Golden : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { data_ = ImportRealData(SessionFiles()).release(); }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }

  static std::vector<std::string> Files() {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(OPENUPR_GOLDEN_DIR))
      if (e.path().extension() == ".json") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
  }

  static Result<Filters> ParseFilters(const ordered_json& c) {
    Filters f;
    if (!c.contains("filters")) return f;
    for (const auto& [field, v] : c["filters"].items()) {
      std::vector<std::string> values;
      if (v.is_array()) {
        for (const auto& x : v) values.push_back(x.get<std::string>());
      } else {
        values.push_back(v.get<std::string>());
      }
      for (const auto& value : values) OPENUPR_RETURN_IF_ERROR(AddFilterValue(f, field, value));
    }
    return f;
  }

  static std::vector<analytics::Dimension> Dimensions(const ordered_json& names) {
    std::vector<analytics::Dimension> out;
    for (const auto& n : names) {
      auto d = analytics::ParseDimension(n.get<std::string>());
      EXPECT_TRUE(d.has_value()) << n;
      if (d) out.push_back(*d);
    }
    return out;
  }

  // The backend's answer to one case, as the "expect" member should hold it.
  static json Answer(Backend& backend, const ordered_json& c) {
    const std::string kind = c.value("kind", "search");
    const std::string query = c.value("query", "");
    auto filters = ParseFilters(c);
    if (!filters.ok()) return ErrorJson(filters.status());
    if (kind == "search") {
      auto r = backend.Search(
          {query, *filters, c.value("limit", int64_t{10}), c.value("offset", int64_t{0})});
      return r.ok() ? SearchJson(*r) : ErrorJson(r.status());
    }
    if (kind == "facets") {
      const auto fields = Dimensions(c["fields"]);
      const std::string scope = c.value("scope", "selection");
      EXPECT_TRUE(scope == "selection" || scope == "disjunctive") << scope;
      auto r = backend.Facets(query, *filters, fields, c.value("top", int64_t{10}),
                              scope == "disjunctive" ? analytics::FacetScope::kDisjunctive
                                                     : analytics::FacetScope::kSelection);
      return r.ok() ? FacetsJson(*r) : ErrorJson(r.status());
    }
    if (kind == "stats") {
      analytics::StatsRequest req{Dimensions(c["by"]), *filters, query,
                                  c.value("sort", "count") == "key", c.value("limit", int64_t{0})};
      auto r = backend.Stats(req);
      return r.ok() ? StatsJson(*r) : ErrorJson(r.status());
    }
    if (kind == "dyads") {
      auto r = backend.Dyads(query, *filters, c.value("top", int64_t{10}));
      return r.ok() ? DyadsJson(*r) : ErrorJson(r.status());
    }
    ADD_FAILURE() << "unknown kind '" << kind << "'";
    return json();
  }

  // The file layout: one case per block, inputs on the first line, then the answer with one
  // row per line.
  static std::string Format(const ordered_json& cases) {
    std::string out = "[\n";
    for (size_t i = 0; i < cases.size(); ++i) {
      ordered_json inputs = cases[i];
      inputs.erase("expect");
      std::string head = inputs.dump();
      head.pop_back();  // the closing brace
      out += "  " + head + ",\n   \"expect\": {";
      const ordered_json& expect = cases[i]["expect"];
      bool first = true;
      for (const auto& [key, value] : expect.items()) {
        out += std::string(first ? "" : ", ") + "\"" + key + "\": ";
        first = false;
        if (key == "rows" && value.is_array() && !value.empty()) {
          out += "[\n";
          for (size_t r = 0; r < value.size(); ++r)
            out += "     " + value[r].dump() + (r + 1 < value.size() ? ",\n" : "]");
        } else if (key == "facets" && value.is_object()) {
          out += "{";
          bool first_facet = true;
          for (const auto& [name, values] : value.items()) {
            out +=
                std::string(first_facet ? "\n" : ",\n") + "     \"" + name + "\": " + values.dump();
            first_facet = false;
          }
          out += "}";
        } else {
          out += value.dump();
        }
      }
      out += std::string("}}") + (i + 1 < cases.size() ? ",\n" : "\n");
    }
    return out + "]\n";
  }

  static void RunAll(Backend& backend, bool update) {
    const auto files = Files();
    ASSERT_FALSE(files.empty()) << "no golden files in " << OPENUPR_GOLDEN_DIR;
    int total = 0;
    for (const std::string& path : files) {
      ordered_json cases = ordered_json::parse(ReadAll(path));
      for (auto& c : cases) {
        SCOPED_TRACE(std::filesystem::path(path).filename().string() + ": " +
                     c.value("name", "(unnamed)"));
        const json answer = Answer(backend, c);
        ++total;
        if (update) {
          c["expect"] = ordered_json::parse(answer.dump());
          continue;
        }
        ASSERT_TRUE(c.contains("expect")) << "no expected answer; run with OPENUPR_UPDATE_GOLDEN=1";
        EXPECT_EQ(answer, json::parse(c["expect"].dump()));
      }
      if (update) std::ofstream(path, std::ios::binary) << Format(cases);
    }
    std::cout << total << " golden cases in " << files.size() << " files\n";
  }

  static RealDataStore* data_;
};
RealDataStore* Golden::data_ = nullptr;

TEST_F(Golden, SqlBackendGivesTheGoldenAnswers) {
  ASSERT_NE(data_, nullptr);
  SqlBackend sql(*data_->store);
  const char* update = std::getenv("OPENUPR_UPDATE_GOLDEN");
  RunAll(sql, update && *update && std::string(update) != "0");
}

TEST_F(Golden, EngineGivesTheGoldenAnswers) {
  ASSERT_NE(data_, nullptr);
  auto index = engine::Index::Build(*data_->store);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EngineBackend engine(**index);
  RunAll(engine, false);
}

// The suite asks about every filter field and every kind of answer.
TEST(GoldenFiles, CoverEveryFilterAndKind) {
  std::set<std::string> fields, kinds;
  for (const auto& e : std::filesystem::directory_iterator(OPENUPR_GOLDEN_DIR)) {
    if (e.path().extension() != ".json") continue;
    for (const auto& c : json::parse(ReadAll(e.path().string()))) {
      kinds.insert(c.value("kind", "search"));
      if (c.contains("filters"))
        for (const auto& [field, v] : c["filters"].items()) fields.insert(field);
    }
  }
  for (const char* f : kFilterFields) EXPECT_TRUE(fields.count(f)) << "no case filters by " << f;
  for (const char* k : {"search", "facets", "stats", "dyads"})
    EXPECT_TRUE(kinds.count(k)) << "no " << k << " case";
}

}  // namespace
}  // namespace openupr::testing

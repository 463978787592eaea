// How to cite one record: the review it belongs to (state, session, dates), the UN documents of
// that review, its source, and ready-made citations (plain text, BibTeX, CSL-JSON), for the
// CLI's `show` and the API's record objects. Pure functions of the record; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/model.h"

namespace openupr {

// The link of a recommendation: base_url + "/recommendations/" + uid (base_url without a
// trailing slash, e.g. "http://127.0.0.1:8080"; empty gives the path alone).
std::string RecommendationUrl(std::string_view base_url, const Recommendation& rec);

// {"uid", "url", "review": {"sur", "name", "session", "cycle", "start", "end", "dates", "year"},
//  "documents": [{"title", "symbol", "url"}], "source": {"name", "file", "line"},
//  "text", "bibtex", "csl"} (docs/api.md "Citations"). The source file is named without its
// directory: a citation never shows where a server keeps its files.
nlohmann::json RecommendationCitation(const Recommendation& rec, std::string_view base_url);

// How to cite a voluntary pledge, in the same shape without "documents": {"uid", "url" (base_url
// + "/pledges/" + uid), "review": {"sur", "name", "session", "cycle", "start", "end", "dates",
// "year"}, "source": {"name", "file", "line"}, "text", "bibtex", "csl"}.
nlohmann::json PledgeCitation(const Pledge& pledge, std::string_view base_url);

// The file name of a source path, its folders left out ("/srv/data/s1.csv" -> "s1.csv"; '/' and
// '\\' both separate folders, so a path imported on Windows is cut too). What exports, citations
// and the HTTP API show instead of the importing machine's path (the local CLI's show keeps it).
std::string_view FileNameOf(std::string_view path);

}  // namespace openupr

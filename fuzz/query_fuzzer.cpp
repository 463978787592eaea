// Fuzz target: the full-text query language (search/query.h), as a user types it into the CLI,
// the API's q parameter or the web app's box. Every query the parser accepts must have a tree
// no deeper than kMaxQueryDepth, and its FTS5 translation must be a MATCH expression that
// SQLite's FTS5 (with the project's tokenizer) accepts and runs: a parser that accepts what the
// SQL backend then refuses would be a 500 instead of a 400.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "search/query.h"
#include "store/fts_tokenizer.h"
#include "store/sqlite.h"

namespace {

using openupr::search::QueryNode;

int Depth(const QueryNode& n) {
  int d = 0;
  for (const auto& c : n.children) d = std::max(d, Depth(*c));
  return d + 1;
}

openupr::store::Database* Fts() {
  static std::unique_ptr<openupr::store::Database> db = [] {
    auto opened = openupr::store::Database::Open(":memory:", true, false);
    if (!opened.ok()) std::abort();
    auto d = std::move(opened).value();
    if (!openupr::store::RegisterFtsTokenizer(*d).ok() ||
        !d->Exec("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='openupr');"
                 "INSERT INTO t VALUES ('Ratify the Convention against Torture'),"
                 "('Abolish the death penalty and establish a moratorium on executions'),"
                 "('Combat discrimination against women and girls, including ill-treatment'),"
                 "('Garantir l''accès à l''éducation des enfants handicapés');")
             .ok())
      std::abort();
    return d;
  }();
  return db.get();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = openupr::search::ParseQuery(text);
  if (!parsed.ok()) {
    if (parsed.status().message().empty()) std::abort();  // every refusal says why
    return 0;
  }
  if (!parsed->root) return 0;
  // Parentheses nest kMaxQueryDepth levels at most; each level adds at most an OR, an AND and a
  // NOT node to the tree.
  if (Depth(*parsed->root) > 3 * (openupr::search::kMaxQueryDepth + 1) + 1) std::abort();
  const std::string match = openupr::search::ToFts5(*parsed->root);
  auto stmt = Fts()->Prepare("SELECT count(*) FROM t WHERE t MATCH ?");
  if (!stmt.ok()) std::abort();
  stmt->Bind(1, match);
  auto row = stmt->Step();
  if (!row.ok()) {
    std::fprintf(stderr, "FTS5 refused the translation of an accepted query\n  query: %.*s\n"
                         "  MATCH: %s\n  error: %s\n",
                 static_cast<int>(text.size()), text.data(), match.c_str(),
                 row.status().ToString().c_str());
    std::abort();
  }
  return 0;
}

// Fuzz target: the full-text query language (search/query.h), as a user types it into the CLI,
// the API's q parameter or the web app's box. Every query the parser accepts must have a tree
// no deeper than kMaxQueryDepth, and its FTS5 translation must be a MATCH expression that
// SQLite's FTS5 (with the project's tokenizer) accepts and runs: a parser that accepts what the
// SQL backend then refuses would be a 500 instead of a 400.
// The search box's interpreter (search/interpret.h) runs on the same input: what it accepts
// must parse, read the same again from its box text without a repair, and its suggestions must
// run (counted on the same FTS5 table) and offer only corrections that find something.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "search/interpret.h"
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

// Records of the FTS5 table matching a parsed query (filters are not in the table: ignored).
openupr::Result<int64_t> Count(const std::string& query, const openupr::Filters&) {
  auto parsed = openupr::search::ParseQuery(query);
  if (!parsed.ok()) {  // the interpreter only counts queries that parse
    std::fprintf(stderr, "counted a query that does not parse: %s\n  %s\n", query.c_str(),
                 parsed.status().ToString().c_str());
    std::abort();
  }
  if (!parsed->root) return int64_t{4};
  auto stmt = Fts()->Prepare(parsed->negated_only()
                                 ? "SELECT 4 - count(*) FROM t WHERE t MATCH ?"
                                 : "SELECT count(*) FROM t WHERE t MATCH ?");
  if (!stmt.ok()) std::abort();
  stmt->Bind(1, openupr::search::ToFts5(*parsed->root));
  auto row = stmt->Step();
  if (!row.ok()) std::abort();
  return stmt->Int(0);
}

void Interpret(std::string_view text) {
  using namespace openupr::search;
  static const std::vector<std::string> kTexts = {
      "Ratify the Convention against Torture", "Investigate enforced disappearances",
      "Abolish the death penalty and establish a moratorium on executions"};
  static const std::shared_ptr<const Vocabulary> vocabulary = Vocabulary::FromTexts(kTexts);
  static const std::vector<std::string> kThemes = {"Death penalty", "Enforced disappearances",
                                                   "Torture and other CID treatment"};
  openupr::Filters filters;
  auto in = InterpretQuery(text, filters);
  if (!in.ok()) {
    if (in.status().message().empty()) std::abort();
    return;
  }
  if (!ParseQuery(in->query).ok()) std::abort();
  openupr::Filters again_filters;
  auto again = InterpretQuery(in->box, again_filters);
  if (!again.ok() || again->query != in->query || again->box != in->box ||
      !again->repairs.empty()) {
    std::fprintf(stderr, "the box text does not read back\n  input: %.*s\n  box: %s\n",
                 static_cast<int>(text.size()), text.data(), in->box.c_str());
    std::abort();
  }
  SuggestContext context;
  context.themes = kThemes;
  context.vocabulary = vocabulary.get();
  context.count = Count;
  if (!Suggest(*in, filters, context).ok()) std::abort();
  for (const auto& d : in->did_you_mean)
    if (d.total <= 0 || !ParseQuery(d.query).ok()) std::abort();
  for (const auto& s : in->suggestions)
    if (!InterpretQuery(s.box, again_filters).ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Interpret(text);
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

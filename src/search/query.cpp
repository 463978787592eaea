#include "search/query.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"

namespace openupr::search {
namespace {

struct Token {
  enum class Kind { kWord, kPhrase, kAnd, kOr, kNot, kOpen, kClose, kEnd };
  Kind kind;
  std::string text;
  bool prefix = false;
  size_t pos = 0;  // 1-based
};

Result<std::vector<Token>> Lex(std::string_view s) {
  // The query goes on as a C string in places (SQLite's FTS5 MATCH): a NUL would cut it.
  if (const size_t nul = s.find('\0'); nul != std::string_view::npos)
    return Status::InvalidArgument("query: a NUL character at position " +
                                   std::to_string(nul + 1) + "; expected text");
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    const size_t pos = i + 1;
    if (c == '(') {
      out.push_back({Token::Kind::kOpen, "(", false, pos});
      ++i;
    } else if (c == ')') {
      out.push_back({Token::Kind::kClose, ")", false, pos});
      ++i;
    } else if (c == '"') {
      const size_t end = s.find('"', i + 1);
      if (end == std::string_view::npos)
        return Status::InvalidArgument("query: the quote at position " + std::to_string(pos) +
                                       " is never closed; expected a closing \"");
      out.push_back({Token::Kind::kPhrase, std::string(s.substr(i + 1, end - i - 1)), false, pos});
      i = end + 1;
    } else {
      size_t end = i;
      while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end])) &&
             s[end] != '(' && s[end] != ')' && s[end] != '"')
        ++end;
      std::string word(s.substr(i, end - i));
      i = end;
      if (word == "AND") {
        out.push_back({Token::Kind::kAnd, word, false, pos});
      } else if (word == "OR") {
        out.push_back({Token::Kind::kOr, word, false, pos});
      } else if (word == "NOT") {
        out.push_back({Token::Kind::kNot, word, false, pos});
      } else {
        bool prefix = false;
        while (!word.empty() && word.back() == '*') {
          word.pop_back();
          prefix = true;
        }
        if (word.empty())
          return Status::InvalidArgument("query: '*' at position " + std::to_string(pos) +
                                         " must end a word (e.g. discrimin*)");
        out.push_back({Token::Kind::kWord, word, prefix, pos});
      }
    }
  }
  out.push_back({Token::Kind::kEnd, "", false, s.size() + 1});
  return out;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Result<std::unique_ptr<QueryNode>> Parse() {
    auto node = Or();
    if (!node.ok()) return node;
    if (Peek().kind != Token::Kind::kEnd)
      return Error("unexpected '" + Peek().text + "'", "an operator or the end of the query");
    return node;
  }

 private:
  const Token& Peek() const { return t_[i_]; }
  Status Error(const std::string& what, const std::string& expected) const {
    return Status::InvalidArgument("query: " + what + " at position " +
                                   std::to_string(Peek().pos) + "; expected " + expected);
  }
  static bool StartsOperand(Token::Kind k) {
    return k == Token::Kind::kWord || k == Token::Kind::kPhrase || k == Token::Kind::kOpen ||
           k == Token::Kind::kNot;
  }
  static std::unique_ptr<QueryNode> Combine(QueryNode::Kind kind, std::unique_ptr<QueryNode> a,
                                            std::unique_ptr<QueryNode> b) {
    if (a->kind == kind) {
      a->children.push_back(std::move(b));
      return a;
    }
    auto n = std::make_unique<QueryNode>();
    n->kind = kind;
    n->children.push_back(std::move(a));
    n->children.push_back(std::move(b));
    return n;
  }

  Result<std::unique_ptr<QueryNode>> Or() {
    auto left = And();
    if (!left.ok()) return left;
    std::unique_ptr<QueryNode> node = std::move(left).value();
    while (Peek().kind == Token::Kind::kOr) {
      ++i_;
      auto right = And();
      if (!right.ok()) return right;
      if (node->kind == QueryNode::Kind::kNot || (*right)->kind == QueryNode::Kind::kNot)
        return Status::InvalidArgument(
            "query: NOT cannot stand alone beside OR; write 'a NOT b' or '(a OR b) NOT c'");
      node = Combine(QueryNode::Kind::kOr, std::move(node), std::move(right).value());
    }
    return node;
  }

  Result<std::unique_ptr<QueryNode>> And() {
    auto left = Unary();
    if (!left.ok()) return left;
    std::unique_ptr<QueryNode> node = std::move(left).value();
    while (Peek().kind == Token::Kind::kAnd || StartsOperand(Peek().kind)) {
      if (Peek().kind == Token::Kind::kAnd) ++i_;
      auto right = Unary();
      if (!right.ok()) return right;
      if (node->kind == QueryNode::Kind::kNot)
        return Status::InvalidArgument(
            "query: NOT must follow the terms it excludes from (write 'a NOT b', not 'NOT b a')");
      node = Combine(QueryNode::Kind::kAnd, std::move(node), std::move(right).value());
    }
    return node;
  }

  Result<std::unique_ptr<QueryNode>> Unary() {
    if (Peek().kind == Token::Kind::kNot) {
      ++i_;
      auto child = Primary();
      if (!child.ok()) return child;
      auto n = std::make_unique<QueryNode>();
      n->kind = QueryNode::Kind::kNot;
      n->children.push_back(std::move(child).value());
      return n;
    }
    return Primary();
  }

  Result<std::unique_ptr<QueryNode>> Primary() {
    const Token& tok = Peek();
    if (tok.kind == Token::Kind::kOpen) {
      // Each level is a recursion here and in whatever walks the tree: the depth is bounded so
      // that a query of many '(' is an error, not a stack overflow.
      if (depth_ == kMaxQueryDepth)
        return Status::InvalidArgument(
            "query: parentheses nest deeper than " + std::to_string(kMaxQueryDepth) +
            " levels at position " + std::to_string(tok.pos) + "; expected at most " +
            std::to_string(kMaxQueryDepth) + " levels of '(' inside each other");
      ++i_;
      ++depth_;
      auto inner = Or();
      --depth_;
      if (!inner.ok()) return inner;
      if (Peek().kind != Token::Kind::kClose) return Error("missing ')'", "')'");
      ++i_;
      return inner;
    }
    if (tok.kind == Token::Kind::kWord || tok.kind == Token::Kind::kPhrase) {
      if (!HasSearchableTerms(tok.text))
        return Error("'" + tok.text + "' has no letters or digits",
                     "a word to search for (punctuation is not indexed)");
      auto n = std::make_unique<QueryNode>();
      if (tok.kind == Token::Kind::kWord) {
        n->kind = QueryNode::Kind::kTerm;
        n->words = {tok.text};
        n->prefix = tok.prefix;
      } else {
        n->kind = QueryNode::Kind::kPhrase;
        std::string w;
        for (char c : tok.text + " ") {
          if (std::isspace(static_cast<unsigned char>(c))) {
            if (!w.empty()) n->words.push_back(std::move(w));
            w.clear();
          } else {
            w += c;
          }
        }
        if (n->words.empty()) return Error("empty phrase \"\"", "words inside the quotes");
      }
      ++i_;
      return n;
    }
    if (tok.kind == Token::Kind::kEnd) return Error("the query ends", "a word or a phrase");
    return Error("'" + tok.text + "'", "a word, a phrase or '('");
  }

  std::vector<Token> t_;
  size_t i_ = 0;
  int depth_ = 0;  // parentheses open around the current token
};


std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Result<ParsedQuery> ParseQuery(std::string_view text) {
  auto tokens = Lex(text);
  if (!tokens.ok()) return tokens.status();
  ParsedQuery q;
  if (tokens->size() == 1) return q;
  auto root = Parser(std::move(tokens).value()).Parse();
  if (!root.ok()) return root.status();
  q.root = std::move(root).value();
  return q;
}

std::string ToFts5(const QueryNode& node) {
  switch (node.kind) {
    case QueryNode::Kind::kTerm:
      return Quote(node.words[0]) + (node.prefix ? " *" : "");
    case QueryNode::Kind::kPhrase: {
      std::string p;
      for (const auto& w : node.words) p += (p.empty() ? "" : " ") + w;
      return Quote(p);
    }
    case QueryNode::Kind::kNot:
      return ToFts5(*node.children[0]);
    case QueryNode::Kind::kAnd: {
      // FTS5's NOT is binary: "a NOT b". Positive children first, then each negated one.
      std::string pos, neg;
      for (const auto& c : node.children) {
        if (c->kind == QueryNode::Kind::kNot) {
          // FTS5's NOT is left-associative: "a NOT (b NOT c)" must keep its parentheses, or it
          // reads as "(a NOT b) NOT c".
          const QueryNode& excluded = *c->children[0];
          const bool has_not =
              excluded.kind == QueryNode::Kind::kAnd &&
              std::any_of(excluded.children.begin(), excluded.children.end(),
                          [](const auto& x) { return x->kind == QueryNode::Kind::kNot; });
          std::string inner = ToFts5(excluded);
          if (has_not) {
            inner.insert(inner.begin(), '(');
            inner.push_back(')');
          }
          neg += " NOT ";
          neg += inner;
        } else {
          pos += (pos.empty() ? "" : " AND ") + ToFts5(*c);
        }
      }
      return "(" + pos + ")" + neg;
    }
    case QueryNode::Kind::kOr: {
      std::string s;
      for (const auto& c : node.children) s += (s.empty() ? "(" : " OR ") + ToFts5(*c);
      return s + ")";
    }
  }
  return "";
}

bool HasSearchableTerms(std::string_view text) {
  thread_local Tokenizer tokenizer(/*stem=*/false);
  bool found = false;
  tokenizer.Tokenize(text, [&found](std::string_view, size_t, size_t) {
    found = true;
    return false;
  });
  return found;
}

}  // namespace openupr::search

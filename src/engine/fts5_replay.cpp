// Which phrases SQLite FTS5 reports on a row (what its bm25() and snippet() count) depends on
// where the iterator of each phrase stands when the expression's root reaches the row, not only
// on whether the phrase occurs there. To give the same scores, this file walks the expression
// the way fts5_expr.c (SQLite 3.40) does, over the engine's own postings: the same node shapes
// (AND and OR nodes absorb children of their own kind, NOT is binary and left-associative, a
// one-term phrase is a TERM node, a longer one a STRING node), the same First/Next/Test steps,
// the same "no match here" flags, end-of-list propagation and zeroing of position lists. At
// each row the root stops on, a phrase counts when its node stands on that row, is not at its
// end and still holds its positions.
#include <algorithm>

#include "engine/text_match.h"

namespace openupr::engine::internal {
namespace {

using search::QueryNode;

class Walk {
 public:
  enum class Kind { kTerm, kString, kAnd, kOr, kNot };
  struct Node {
    Kind kind = Kind::kTerm;
    std::vector<int> children;  // AND, OR: 2+; NOT: 2
    int phrase = -1;            // TERM, STRING
    bool eof = false;
    bool nomatch = false;
    uint32_t row = 0;
  };
  // The rows holding the terms of one phrase position, with a cursor.
  struct Cursor {
    std::vector<uint32_t> rows;
    size_t at = 0;
    bool eof() const { return at >= rows.size(); }
    uint32_t row() const { return eof() ? UINT32_MAX : rows[at]; }
    void Next() { ++at; }
    // FTS5's "next from": at least one step, then on to the first row >= from.
    void NextFrom(uint32_t from) {
      const size_t first =
          static_cast<size_t>(std::lower_bound(rows.begin(), rows.end(), from) - rows.begin());
      at = std::max(at + 1, first);
    }
  };

  Walk(const std::vector<const QueryNode*>& leaves, std::vector<std::vector<Cursor>> cursors,
       const std::vector<const Roaring*>& phrase_rows)
      : leaves_(leaves),
        cursors_(std::move(cursors)),
        phrase_rows_(phrase_rows),
        live_(phrase_rows.size(), false) {}

  int Build(const QueryNode& q) {
    Node n;
    switch (q.kind) {
      case QueryNode::Kind::kTerm:
      case QueryNode::Kind::kPhrase: {
        n.phrase =
            static_cast<int>(std::find(leaves_.begin(), leaves_.end(), &q) - leaves_.begin());
        n.kind = cursors_[n.phrase].size() == 1 ? Kind::kTerm : Kind::kString;
        return Add(n);
      }
      case QueryNode::Kind::kOr:
        n.kind = Kind::kOr;
        for (const auto& c : q.children) Absorb(n, Build(*c));
        return Add(n);
      case QueryNode::Kind::kAnd: {
        // search::ToFts5: "(p1 AND p2 ...) NOT n1 NOT n2 ...".
        Node positives;
        positives.kind = Kind::kAnd;
        for (const auto& c : q.children)
          if (c->kind != QueryNode::Kind::kNot) Absorb(positives, Build(*c));
        int left = positives.children.size() == 1 ? positives.children[0] : Add(positives);
        for (const auto& c : q.children) {
          if (c->kind != QueryNode::Kind::kNot) continue;
          Node not_node;
          not_node.kind = Kind::kNot;
          not_node.children = {left, Build(*c->children[0])};
          left = Add(not_node);
        }
        return left;
      }
      case QueryNode::Kind::kNot:  // not below the root of what FTS5 sees
        return Build(*q.children[0]);
    }
    return -1;
  }

  // Runs the whole query; calls on_row(row, reported) for every row the root stops on, with
  // reported(phrase) telling whether FTS5 reports the phrase there.
  template <typename F>
  void Run(int root, F&& on_row) {
    root_ = root;
    First(root);
    while (!N(root).eof && N(root).nomatch) Next(root, false, 0);
    while (!N(root).eof) {
      const uint32_t row = N(root).row;
      on_row(row, [&](size_t phrase) {
        const Node& leaf = N(leaf_node_[phrase]);
        return !leaf.eof && leaf.row == row && live_[phrase];
      });
      do {
        Next(root, false, 0);
      } while (!N(root).eof && N(root).nomatch);
    }
  }

 private:
  Node& N(int i) { return nodes_[static_cast<size_t>(i)]; }
  int Add(const Node& n) {
    nodes_.push_back(n);
    const int i = static_cast<int>(nodes_.size() - 1);
    if (n.phrase >= 0) {
      if (leaf_node_.size() <= static_cast<size_t>(n.phrase)) leaf_node_.resize(n.phrase + 1);
      leaf_node_[n.phrase] = i;
    }
    return i;
  }
  // AND and OR nodes take over the children of a child of their own kind.
  void Absorb(Node& parent, int child) {
    if (N(child).kind == parent.kind) {
      const std::vector<int> grandchildren = N(child).children;
      parent.children.insert(parent.children.end(), grandchildren.begin(), grandchildren.end());
    } else {
      parent.children.push_back(child);
    }
  }
  // -1, 0, +1 as a's row is before, on or after b's; a node at its end sorts last.
  int Compare(int a, int b) {
    if (N(b).eof) return -1;
    if (N(a).eof) return +1;
    return N(a).row < N(b).row ? -1 : N(a).row > N(b).row ? 1 : 0;
  }

  void SetEof(int i) {
    N(i).eof = true;
    N(i).nomatch = false;
    for (int c : N(i).children) SetEof(c);
  }
  void ZeroPositions(int i) {
    if (N(i).phrase >= 0) {
      live_[N(i).phrase] = false;
    } else {
      for (int c : N(i).children) ZeroPositions(c);
    }
  }

  void First(int i) {
    Node& n = N(i);
    n.eof = false;
    n.nomatch = false;
    if (n.phrase >= 0) {
      for (Cursor& c : cursors_[n.phrase]) {
        c.at = 0;
        if (c.eof()) n.eof = true;
      }
      if (n.eof) return;
    } else {
      int ends = 0;
      for (int c : n.children) {
        First(c);
        ends += N(c).eof;
      }
      N(i).row = N(N(i).children[0]).row;
      if (N(i).kind == Kind::kAnd && ends > 0) SetEof(i);
      if (N(i).kind == Kind::kOr && ends == static_cast<int>(N(i).children.size())) SetEof(i);
      if (N(i).kind == Kind::kNot) N(i).eof = N(N(i).children[0]).eof;
    }
    Test(i);
  }

  void Test(int i) {
    if (N(i).eof) return;
    switch (N(i).kind) {
      case Kind::kTerm: {
        Node& n = N(i);
        n.row = cursors_[n.phrase][0].row();
        live_[n.phrase] = true;
        n.nomatch = false;
        return;
      }
      case Kind::kString:
        TestString(i);
        return;
      case Kind::kAnd:
        TestAnd(i);
        return;
      case Kind::kOr:
        TestOr(i);
        return;
      case Kind::kNot:
        TestNot(i);
        return;
    }
  }

  // All term cursors onto one row, then whether the terms stand in phrase order there.
  void TestString(int i) {
    Node& n = N(i);
    std::vector<Cursor>& cursors = cursors_[n.phrase];
    uint32_t last = cursors[0].row();
    bool match;
    do {
      match = true;
      for (Cursor& c : cursors) {
        if (c.eof() || c.row() == last) continue;
        match = false;
        if (c.row() < last) {
          c.NextFrom(last);
          if (c.eof()) {
            n.eof = true;
            return;
          }
        }
        last = c.row();
      }
    } while (!match);
    n.row = last;
    live_[n.phrase] = phrase_rows_[n.phrase]->contains(last);
    n.nomatch = !live_[n.phrase];
  }

  void TestAnd(int i) {
    uint32_t last = N(i).row;
    bool match;
    do {
      N(i).nomatch = false;
      match = true;
      for (int c : N(i).children) {
        if (last > N(c).row) Next(c, true, last);
        if (N(c).eof) {
          SetEof(i);
          match = true;
          break;
        }
        if (last != N(c).row) {
          match = false;
          last = N(c).row;
        }
        if (N(c).nomatch) N(i).nomatch = true;
      }
    } while (!match);
    if (N(i).nomatch && i != root_) ZeroPositions(i);
    N(i).row = last;
  }

  void TestOr(int i) {
    int next = N(i).children[0];
    for (size_t k = 1; k < N(i).children.size(); ++k) {
      const int c = N(i).children[k];
      const int cmp = Compare(next, c);
      if (cmp > 0 || (cmp == 0 && !N(c).nomatch)) next = c;
    }
    N(i).row = N(next).row;
    N(i).eof = N(next).eof;
    N(i).nomatch = N(next).nomatch;
  }

  void TestNot(int i) {
    const int p1 = N(i).children[0], p2 = N(i).children[1];
    while (!N(p1).eof) {
      int cmp = Compare(p1, p2);
      if (cmp > 0) {
        Next(p2, true, N(p1).row);
        cmp = Compare(p1, p2);
      }
      if (cmp != 0 || N(p2).nomatch) break;
      Next(p1, false, 0);
    }
    N(i).eof = N(p1).eof;
    N(i).nomatch = N(p1).nomatch;
    N(i).row = N(p1).row;
    if (N(p1).eof) ZeroPositions(p2);
  }

  void Next(int i, bool from_valid, uint32_t from) {
    switch (N(i).kind) {
      case Kind::kTerm:
      case Kind::kString: {
        N(i).nomatch = false;
        Cursor& c = cursors_[N(i).phrase][0];
        if (from_valid) {
          c.NextFrom(from);
        } else {
          c.Next();
        }
        if (c.eof()) {
          N(i).eof = true;
          N(i).nomatch = false;
        } else {
          Test(i);
        }
        return;
      }
      case Kind::kAnd:
        Next(N(i).children[0], from_valid, from);
        TestAnd(i);
        return;
      case Kind::kOr: {
        const uint32_t last = N(i).row;
        for (int c : N(i).children)
          if (!N(c).eof && (N(c).row == last || (from_valid && N(c).row < from)))
            Next(c, from_valid, from);
        TestOr(i);
        return;
      }
      case Kind::kNot:
        Next(N(i).children[0], from_valid, from);
        TestNot(i);
        return;
    }
  }

  const std::vector<const QueryNode*>& leaves_;
  std::vector<std::vector<Cursor>> cursors_;  // per phrase, per term position
  const std::vector<const Roaring*>& phrase_rows_;
  std::vector<bool> live_;  // per phrase: its position list is not empty (nor zeroed)
  std::vector<Node> nodes_;
  std::vector<int> leaf_node_;  // per phrase
  int root_ = -1;
};

}  // namespace

void TextMatch::Replay() {
  if (negated_only_ || simple_ || !replay_rows_.empty()) return;
  // Every matching record will be scored from its tokens: a table over all terms answers each
  // token in one lookup (the query-term search of Masks costs more over thousands of records).
  dense_masks_.assign(static_cast<size_t>(data_.term_count()) * words_, 0);
  for (size_t i = 0; i < query_terms_.size(); ++i)
    for (uint32_t w = 0; w < words_; ++w)
      dense_masks_[static_cast<size_t>(query_terms_[i]) * words_ + w] = term_masks_[i * words_ + w];
  std::vector<std::vector<Walk::Cursor>> cursors;
  std::vector<const Roaring*> phrase_rows;
  for (const Phrase& p : phrases_) {
    std::vector<Walk::Cursor> per_term;
    for (const std::vector<uint32_t>& ids : p.terms) {
      Roaring rows;
      for (uint32_t t : ids) rows |= data_.postings[t];
      Walk::Cursor c;
      c.rows.resize(rows.cardinality());
      rows.toUint32Array(c.rows.data());
      per_term.push_back(std::move(c));
    }
    cursors.push_back(std::move(per_term));
    phrase_rows.push_back(&p.docs);
  }
  Walk walk(leaves_, std::move(cursors), phrase_rows);
  const int root = walk.Build(top_);
  reported_words_ = static_cast<uint32_t>((phrases_.size() + 63) / 64);
  walk.Run(root, [&](uint32_t row, auto&& reported) {
    replay_rows_.push_back(row);
    const size_t base = reported_.size();
    reported_.resize(base + reported_words_);
    for (size_t k = 0; k < phrases_.size(); ++k)
      if (reported(k)) reported_[base + k / 64] |= uint64_t{1} << (k % 64);
  });
}

const uint64_t* TextMatch::Reported(uint32_t d, size_t* cursor) const {
  if (simple_) return all_reported_.data();
  size_t i;
  if (cursor) {
    i = *cursor;
    while (i < replay_rows_.size() && replay_rows_[i] < d) ++i;
    *cursor = i;
  } else {
    i = static_cast<size_t>(std::lower_bound(replay_rows_.begin(), replay_rows_.end(), d) -
                            replay_rows_.begin());
  }
  if (i == replay_rows_.size() || replay_rows_[i] != d) return nullptr;
  return &reported_[i * reported_words_];
}

}  // namespace openupr::engine::internal

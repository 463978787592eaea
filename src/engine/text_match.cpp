#include "engine/text_match.h"

#include <algorithm>
#include <cmath>

#include "core/text.h"
#include "search/sql_search.h"

namespace openupr::engine::internal {
namespace {

using search::QueryNode;

// One tokenizer of each kind per thread: Tokenizer is not thread-safe, TextMatch must be.
Tokenizer& LocalTokenizer(bool stem) {
  thread_local Tokenizer stemmed(/*stem=*/true);
  thread_local Tokenizer plain(/*stem=*/false);
  return stem ? stemmed : plain;
}

std::vector<std::string> Terms(std::string_view text, bool stem) {
  std::vector<std::string> out;
  LocalTokenizer(stem).Tokenize(text, [&](std::string_view term, size_t, size_t) {
    out.emplace_back(term);
    return true;
  });
  return out;
}

// Ids of the indexed terms equal to term, or (prefix) beginning with it.
std::vector<uint32_t> FindTerms(const Data& data, std::string_view term, bool prefix) {
  auto less = [&](uint32_t id, std::string_view t) { return data.Term(id) < t; };
  auto it = std::lower_bound(data.term_order.begin(), data.term_order.end(), term, less);
  std::vector<uint32_t> out;
  for (; it != data.term_order.end(); ++it) {
    const std::string_view t = data.Term(*it);
    if (prefix ? !t.starts_with(term) : t != term) break;
    out.push_back(*it);
  }
  return out;
}

}  // namespace

TextMatch::TextMatch(const Data& data, search::ParsedQuery query)
    : data_(data),
      query_(std::move(query)),
      top_(query_.negated_only() ? *query_.root->children[0] : *query_.root),
      negated_only_(query_.negated_only()) {
  Collect(top_);

  uint32_t bits = 0;
  for (Phrase& p : phrases_) {
    p.first_bit = bits;
    bits += p.length;
  }
  words_ = std::max<uint32_t>(1, (bits + 63) / 64);
  // The query's terms, sorted, with their masks; a 4096-bit filter answers "not a query term"
  // for most tokens without a search (a table over every term would be zeroed per query).
  for (Phrase& p : phrases_)
    for (uint32_t j = 0; j < p.length; ++j)
      for (uint32_t t : p.terms[j]) query_terms_.push_back(t);
  std::sort(query_terms_.begin(), query_terms_.end());
  query_terms_.erase(std::unique(query_terms_.begin(), query_terms_.end()), query_terms_.end());
  term_masks_.assign(query_terms_.size() * words_, 0);
  for (Phrase& p : phrases_)
    for (uint32_t j = 0; j < p.length; ++j) {
      const uint32_t bit = p.first_bit + j;
      for (uint32_t t : p.terms[j]) {
        const size_t i = static_cast<size_t>(
            std::lower_bound(query_terms_.begin(), query_terms_.end(), t) - query_terms_.begin());
        term_masks_[i * words_ + bit / 64] |= uint64_t{1} << (bit % 64);
      }
    }
  for (uint32_t t : query_terms_) term_filter_[(t >> 6) % kFilterWords] |= uint64_t{1} << (t & 63);
  zero_mask_.assign(words_, 0);

  simple_ = !negated_only_ && IsSimple(top_);
  matches_ = Eval(top_);
  if (negated_only_) {
    Roaring all;
    all.addRange(0, data_.size());
    matches_ = all - matches_;
  }
  // FTS5: N and the average length over every row; a phrase's idf from the rows holding it.
  const int64_t n = data_.size();
  avgdl_ = n ? static_cast<double>(data_.total_tokens) / static_cast<double>(n) : 0;
  for (Phrase& p : phrases_) {
    const int64_t hits = static_cast<int64_t>(p.docs.cardinality());
    double idf = std::log((n - hits + 0.5) / (hits + 0.5));
    if (idf <= 0.0) idf = 1e-6;
    p.idf = idf;
  }
  all_reported_.assign((phrases_.size() + 63) / 64 + 1, 0);
  for (size_t k = 0; k < phrases_.size(); ++k) all_reported_[k / 64] |= uint64_t{1} << (k % 64);
}

bool TextMatch::IsSimple(const QueryNode& node) {
  switch (node.kind) {
    case QueryNode::Kind::kTerm:
    case QueryNode::Kind::kPhrase:
      return true;
    case QueryNode::Kind::kAnd:
      for (const auto& c : node.children)
        if (c->kind == QueryNode::Kind::kNot || !IsSimple(*c)) return false;
      return true;
    default:
      return false;
  }
}

// Phrases in the order FTS5 numbers them in search::ToFts5's expression: AND puts its positive
// children first, then the NOT ones.
void TextMatch::Collect(const QueryNode& node) {
  switch (node.kind) {
    case QueryNode::Kind::kTerm:
    case QueryNode::Kind::kPhrase: {
      std::string text;
      for (const std::string& w : node.words) text += (text.empty() ? "" : " ") + w;
      const bool prefix = node.kind == QueryNode::Kind::kTerm && node.prefix;
      // As the FTS5 tokenizer treats a prefix string: every term folded, none stemmed, and the
      // last one a prefix.
      const std::vector<std::string> terms = Terms(text, /*stem=*/!prefix);
      Phrase p;
      p.length = static_cast<uint32_t>(terms.size());
      for (size_t i = 0; i < terms.size(); ++i)
        p.terms.push_back(FindTerms(data_, terms[i], prefix && i + 1 == terms.size()));
      phrases_.push_back(std::move(p));
      leaves_.push_back(&node);
      return;
    }
    case QueryNode::Kind::kAnd:
      for (const auto& c : node.children)
        if (c->kind != QueryNode::Kind::kNot) Collect(*c);
      for (const auto& c : node.children)
        if (c->kind == QueryNode::Kind::kNot) Collect(*c->children[0]);
      return;
    case QueryNode::Kind::kOr:
      for (const auto& c : node.children) Collect(*c);
      return;
    case QueryNode::Kind::kNot:
      Collect(*node.children[0]);
      return;
  }
}

Roaring TextMatch::Eval(const QueryNode& node) {
  switch (node.kind) {
    case QueryNode::Kind::kTerm:
    case QueryNode::Kind::kPhrase: {
      const size_t i =
          static_cast<size_t>(std::find(leaves_.begin(), leaves_.end(), &node) - leaves_.begin());
      phrases_[i].docs = EvalPhrase(phrases_[i]);
      return phrases_[i].docs;
    }
    case QueryNode::Kind::kAnd: {
      Roaring acc;
      bool first = true;
      for (const auto& c : node.children) {
        if (c->kind == QueryNode::Kind::kNot) continue;
        Roaring r = Eval(*c);
        if (first) {
          acc = std::move(r);
          first = false;
        } else {
          acc &= r;
        }
      }
      for (const auto& c : node.children)
        if (c->kind == QueryNode::Kind::kNot) acc -= Eval(*c->children[0]);
      return acc;
    }
    case QueryNode::Kind::kOr: {
      Roaring acc;
      for (const auto& c : node.children) acc |= Eval(*c);
      return acc;
    }
    case QueryNode::Kind::kNot: {  // only at the root, handled by the constructor
      Roaring all;
      all.addRange(0, data_.size());
      return all - Eval(*node.children[0]);
    }
  }
  return Roaring();
}

Roaring TextMatch::EvalPhrase(Phrase& p) {
  if (p.length == 0) return Roaring();
  std::vector<Roaring> per_term;
  for (const std::vector<uint32_t>& ids : p.terms) {
    if (ids.empty()) return Roaring();
    std::vector<const Roaring*> parts;
    for (uint32_t t : ids) parts.push_back(&data_.postings[t]);
    per_term.push_back(parts.size() == 1 ? *parts[0]
                                         : Roaring::fastunion(parts.size(), parts.data()));
  }
  if (p.length == 1) return std::move(per_term[0]);
  Roaring candidates = per_term[0];
  for (size_t i = 1; i < per_term.size(); ++i) candidates &= per_term[i];
  bool one_term_each = true;
  for (const std::vector<uint32_t>& ids : p.terms) one_term_each &= ids.size() == 1;
  if (one_term_each) return PhraseByPositions(p, candidates);
  // Counted in full, not just found: the counts are the phrase frequencies BM25 needs. The
  // candidates' tokens are scattered over the index: fetch them ahead (a cache miss each).
  std::vector<uint64_t> masks;
  std::vector<uint32_t> list(candidates.cardinality()), found;
  candidates.toUint32Array(list.data());
  for (size_t i = 0; i < list.size(); ++i) {
    Prefetch(list, i);
    const uint32_t d = list[i];
    const uint32_t n = Masks(d, masks);
    if (const uint32_t c = Count(p, masks.data(), n, /*first_only=*/false)) {
      found.push_back(d);
      p.counts.push_back(static_cast<uint16_t>(std::min<uint32_t>(c, UINT16_MAX)));
    }
  }
  return Roaring(found.size(), found.data());
}

Roaring TextMatch::PhraseByPositions(Phrase& p, const Roaring& candidates) {
  // One cursor per phrase position over its term's posting list, with the offset of the current
  // record's positions; all walk forward together.
  struct Cursor {
    std::vector<uint32_t> docs;
    const uint8_t* freq = nullptr;
    const uint8_t* pos = nullptr;
    size_t at = 0;
    size_t offset = 0;
  };
  std::vector<Cursor> cursors(p.length);
  for (uint32_t j = 0; j < p.length; ++j) {
    const uint32_t t = p.terms[j][0];
    Cursor& c = cursors[j];
    c.docs.resize(data_.postings[t].cardinality());
    data_.postings[t].toUint32Array(c.docs.data());
    c.freq = data_.term_freq[t].data();
    c.pos = data_.term_pos[t].data();
  }
  std::vector<uint32_t> list(candidates.cardinality()), found;
  candidates.toUint32Array(list.data());
  std::vector<uint64_t> masks;
  for (uint32_t d : list) {
    bool exact = true;
    for (Cursor& c : cursors) {
      while (c.docs[c.at] < d) c.offset += c.freq[c.at++];  // d is in every posting
      const uint8_t f = c.freq[c.at];
      exact &= f < 255 && c.pos[c.offset + f - 1] < 255;
    }
    uint32_t count = 0;
    if (exact) {
      const Cursor& first = cursors[0];
      for (uint8_t k = 0; k < first.freq[first.at]; ++k) {
        const uint32_t start = first.pos[first.offset + k];
        bool all = true;
        for (uint32_t j = 1; j < p.length && all; ++j) {
          const Cursor& c = cursors[j];
          const uint8_t* begin = c.pos + c.offset;
          all = std::find(begin, begin + c.freq[c.at], start + j) != begin + c.freq[c.at];
        }
        count += all;
      }
    } else {
      const uint32_t n = Masks(d, masks);
      count = Count(p, masks.data(), n, /*first_only=*/false);
    }
    if (count) {
      found.push_back(d);
      p.counts.push_back(static_cast<uint16_t>(std::min<uint32_t>(count, UINT16_MAX)));
    }
  }
  return Roaring(found.size(), found.data());
}

void TextMatch::Prefetch(const std::vector<uint32_t>& docs, size_t i) const {
  constexpr size_t kAhead = 8;
  if (i + 2 * kAhead < docs.size()) __builtin_prefetch(&data_.token_begin[docs[i + 2 * kAhead]]);
  if (i + kAhead < docs.size())
    __builtin_prefetch(data_.tokens.data() + data_.token_begin[docs[i + kAhead]]);
}

uint32_t TextMatch::Masks(uint32_t d, std::vector<uint64_t>& masks) const {
  const uint8_t* p = data_.tokens.data() + data_.token_begin[d];
  const uint8_t* end = data_.tokens.data() + data_.token_begin[d + 1];
  // Every token takes at least one byte: size for the worst case, fill in place.
  masks.resize(static_cast<size_t>(end - p) * words_);
  uint64_t* out = masks.data();
  uint32_t n = 0;
  while (p < end) {
    uint32_t t = 0;
    int shift = 0;
    while (*p & 0x80) {
      t |= static_cast<uint32_t>(*p++ & 0x7F) << shift;
      shift += 7;
    }
    t |= static_cast<uint32_t>(*p++) << shift;
    const uint64_t* m = zero_mask_.data();
    if (!dense_masks_.empty()) {
      m = &dense_masks_[static_cast<size_t>(t) * words_];
    } else if ((term_filter_[(t >> 6) % kFilterWords] >> (t & 63)) & 1) {
      auto it = std::lower_bound(query_terms_.begin(), query_terms_.end(), t);
      if (it != query_terms_.end() && *it == t)
        m = &term_masks_[static_cast<size_t>(it - query_terms_.begin()) * words_];
    }
    for (uint32_t w = 0; w < words_; ++w) *out++ = m[w];
    ++n;
  }
  return n;
}

uint32_t TextMatch::Count(const Phrase& p, const uint64_t* masks, uint32_t tokens,
                          bool first_only) const {
  if (tokens < p.length) return 0;
  uint32_t count = 0;
  for (uint32_t i = 0; i + p.length <= tokens; ++i) {
    bool match = true;
    for (uint32_t j = 0; j < p.length && match; ++j) {
      const uint32_t bit = p.first_bit + j;
      match = (masks[static_cast<size_t>(i + j) * words_ + bit / 64] >> (bit % 64)) & 1;
    }
    if (match) {
      ++count;
      if (first_only) return count;
    }
  }
  return count;
}

double TextMatch::Bm25(const uint32_t* freq, uint32_t tokens) const {
  // fts5Bm25Function, term for term, so that the doubles (and so the ranking of ties) agree.
  const double k1 = 1.2;
  const double b = 0.75;
  const double dl = static_cast<double>(tokens);
  double score = 0.0;
  for (size_t k = 0; k < phrases_.size(); ++k) {
    const double f = static_cast<double>(freq[k]);
    score += phrases_[k].idf * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * dl / avgdl_)));
  }
  return score;
}

double TextMatch::Score(uint32_t d, std::vector<uint64_t>& scratch, size_t* cursor) const {
  const uint32_t n = Masks(d, scratch);
  const uint64_t* reported = Reported(d, cursor);
  // Called once per matching record: no allocation for the usual handful of phrases.
  uint32_t local[32];
  std::vector<uint32_t> many;
  uint32_t* freq = local;
  if (phrases_.size() > 32) {
    many.resize(phrases_.size());
    freq = many.data();
  }
  for (size_t k = 0; k < phrases_.size(); ++k)
    freq[k] = reported && ((reported[k / 64] >> (k % 64)) & 1)
                  ? Count(phrases_[k], scratch.data(), n, false)
                  : 0;
  return Bm25(freq, n);
}

void TextMatch::ScoreDocs(const std::vector<uint32_t>& docs, std::vector<double>& scores) const {
  const size_t n = docs.size();
  const size_t phrases = phrases_.size();
  scores.assign(n, 0.0);
  if (n == 0) return;
  std::vector<uint32_t> freq(n * phrases, 0);
  std::vector<uint8_t> recount(n, 0);  // a stored frequency saturated: count the tokens
  std::vector<bool> by_tokens(phrases, false);
  // Adds value(k) for the k-th record of bitmap rows to the frequencies of phrase `phrase`, for
  // the records in docs (a sorted merge: docs is a subset of rows or meets it).
  // covers: docs is known to be a subset of rows (so, if as many, the same records).
  auto merge = [&](const Roaring& rows, bool covers, size_t phrase, auto&& value) {
    if (covers && rows.cardinality() == n) {
      for (size_t j = 0; j < n; ++j) value(j * phrases + phrase, j);
      return;
    }
    std::vector<uint32_t> list(rows.cardinality());
    rows.toUint32Array(list.data());
    size_t j = 0;
    for (size_t index = 0; index < list.size() && j < n; ++index) {
      while (j < n && docs[j] < list[index]) ++j;
      if (j < n && docs[j] == list[index]) value(j * phrases + phrase, index);
    }
  };
  for (size_t k = 0; k < phrases; ++k) {
    const Phrase& p = phrases_[k];
    if (p.length == 0) continue;
    if (p.length > 1) {
      merge(p.docs, true, k, [&](size_t at, size_t index) {
        freq[at] = p.counts[index];
        if (p.counts[index] == UINT16_MAX) recount[at / phrases] = 1;
      });
      continue;
    }
    // One position: the sum of the frequencies of the terms it stands for, read from their
    // postings while those are not much longer than the list of records to score.
    uint64_t rows = 0;
    for (uint32_t t : p.terms[0]) rows += data_.postings[t].cardinality();
    if (rows > 24 * static_cast<uint64_t>(n)) {
      by_tokens[k] = true;
      continue;
    }
    for (uint32_t t : p.terms[0]) {
      const std::vector<uint8_t>& tf = data_.term_freq[t];
      merge(data_.postings[t], p.terms[0].size() == 1, k, [&](size_t at, size_t index) {
        freq[at] += tf[index];
        if (tf[index] == 255) recount[at / phrases] = 1;
      });
    }
  }
  const bool any_by_tokens = std::find(by_tokens.begin(), by_tokens.end(), true) != by_tokens.end();
  std::vector<uint64_t> masks;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t d = docs[i];
    uint32_t* f = &freq[i * phrases];
    uint32_t tokens = data_.doc_len[d];
    if (any_by_tokens) Prefetch(docs, i);
    if (any_by_tokens || recount[i] || tokens == kLongDoc) {
      tokens = Masks(d, masks);
      for (size_t k = 0; k < phrases; ++k)
        if (by_tokens[k] || recount[i])
          f[k] = Count(phrases_[k], masks.data(), tokens, false);
    }
    scores[i] = Bm25(f, tokens);
  }
}

std::string TextMatch::Snippet(uint32_t d) const {
  // FTS5's snippet() (fts5_aux.c) with 32 tokens: score windows that start at each match (moved
  // to centre the matches) or at the sentence start before it, keep the best, then copy it with
  // the matched phrases marked and "…" where it cuts the text.
  constexpr int kTokens = 32;
  const std::string_view text = data_.Text(d);
  std::vector<uint64_t> masks;
  const int n = static_cast<int>(Masks(d, masks));

  struct Instance {
    int pos;
    int phrase;
  };
  std::vector<Instance> instances;  // by position, then phrase
  const uint64_t* reported = Reported(d);
  for (int i = 0; i < n && reported; ++i)
    for (size_t k = 0; k < phrases_.size(); ++k) {
      const Phrase& p = phrases_[k];
      if (i + static_cast<int>(p.length) > n || !((reported[k / 64] >> (k % 64)) & 1)) continue;
      bool match = true;
      for (uint32_t j = 0; j < p.length && match; ++j) {
        const uint32_t bit = p.first_bit + j;
        match = (masks[static_cast<size_t>(i + j) * words_ + bit / 64] >> (bit % 64)) & 1;
      }
      if (match) instances.push_back({i, static_cast<int>(k)});
    }

  std::vector<std::pair<size_t, size_t>> offsets;  // byte range of each token
  std::vector<int> sentence_starts;
  // Token boundaries only: the stemmer would change the terms, not where they are.
  LocalTokenizer(false).Tokenize(text, [&](std::string_view, size_t begin, size_t end) {
    const int pos = static_cast<int>(offsets.size());
    offsets.emplace_back(begin, end);
    if (pos == 0) {
      sentence_starts.push_back(0);
    } else {
      // A token after white space that follows '.' or ':' starts a sentence.
      size_t i = begin;
      while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n' ||
                       text[i - 1] == '\r'))
        --i;
      if (i != begin && i > 0 && (text[i - 1] == '.' || text[i - 1] == ':'))
        sentence_starts.push_back(pos);
    }
    return true;
  });
  if (static_cast<int>(offsets.size()) != n) return std::string(text);  // cannot happen

  auto window_score = [&](int start, int* adjusted) {
    std::vector<bool> seen(phrases_.size());
    int score = 0, first = -1, last = 0;
    for (const Instance& in : instances) {
      if (in.pos < start || in.pos >= start + kTokens) continue;
      score += seen[in.phrase] ? 1 : 1000;
      seen[in.phrase] = true;
      if (first < 0) first = in.pos;
      last = in.pos + static_cast<int>(phrases_[in.phrase].length);
    }
    if (adjusted) {
      int adj = first - (kTokens - (last - first)) / 2;
      if (adj + kTokens > n) adj = n - kTokens;
      *adjusted = std::max(adj, 0);
    }
    return score;
  };
  int best_score = 0, best_start = 0;
  for (const Instance& in : instances) {
    int adjusted = 0;
    int score = window_score(in.pos, &adjusted);
    if (score > best_score) {
      best_score = score;
      best_start = adjusted;
    }
    if (!sentence_starts.empty() && n > kTokens) {
      size_t s = 0;
      while (s + 1 < sentence_starts.size() && sentence_starts[s + 1] <= in.pos) ++s;
      if (sentence_starts[s] < in.pos) {
        score = window_score(sentence_starts[s], nullptr) + (sentence_starts[s] == 0 ? 120 : 100);
        if (score > best_score) {
          best_score = score;
          best_start = sentence_starts[s];
        }
      }
    }
  }

  // Overlapping instances are marked as one span [first, last] (token positions).
  std::vector<std::pair<int, int>> spans;
  for (const Instance& in : instances) {
    const int last = in.pos + static_cast<int>(phrases_[in.phrase].length) - 1;
    if (!spans.empty() && in.pos <= spans.back().second) {
      spans.back().second = std::max(spans.back().second, last);
    } else {
      spans.emplace_back(in.pos, last);
    }
  }
  const int range_start = best_start, range_end = best_start + kTokens - 1;
  size_t k = 0;
  while (k < spans.size() && spans[k].first < range_start) ++k;
  auto span_start = [&] { return k < spans.size() ? spans[k].first : -1; };
  auto span_end = [&] { return k < spans.size() ? spans[k].second : -1; };

  std::string out;
  if (best_start > 0) out += "…";
  size_t copied = 0;  // text before this offset is in out (or skipped)
  auto copy_to = [&](size_t end) {
    if (end > copied) out.append(text.substr(copied, end - copied));
    copied = std::max(copied, end);
  };
  for (int pos = range_start; pos <= range_end && pos < n; ++pos) {
    const auto [begin, end] = offsets[pos];
    if (range_start > 0 && pos == range_start) copied = begin;
    if (pos == span_start()) {
      copy_to(begin);
      out += search::kMarkBegin;
    }
    if (pos == span_end()) {
      copy_to(end);
      out += search::kMarkEnd;
      ++k;
    }
    if (pos == range_end) {
      copy_to(end);
      if (pos >= span_start() && pos < span_end()) out += search::kMarkEnd;
    }
  }
  if (range_end >= n - 1) {
    copy_to(text.size());
  } else {
    out += "…";
  }
  return out;
}

}  // namespace openupr::engine::internal

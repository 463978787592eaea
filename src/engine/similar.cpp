#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/text.h"
#include "engine/vectors.h"

namespace openupr::engine::internal {
namespace {

// Term ids of record d's tokens, in text order.
void DecodeTokens(const Data& data, uint32_t d, std::vector<uint32_t>& out) {
  out.clear();
  const uint8_t* p = data.tokens.data() + data.token_begin[d];
  const uint8_t* end = data.tokens.data() + data.token_begin[d + 1];
  while (p < end) {
    uint32_t v = 0;
    int shift = 0;
    while (*p & 0x80) {
      v |= uint32_t{static_cast<uint8_t>(*p & 0x7F)} << shift;
      shift += 7;
      ++p;
    }
    v |= uint32_t{*p} << shift;
    ++p;
    out.push_back(v);
  }
}

// (term, count) of a sorted token list, appended to out.
void CountTerms(std::vector<uint32_t>& tokens, std::vector<std::pair<uint32_t, uint32_t>>& out) {
  out.clear();
  std::sort(tokens.begin(), tokens.end());
  for (size_t i = 0; i < tokens.size();) {
    size_t j = i;
    while (j < tokens.size() && tokens[j] == tokens[i]) ++j;
    out.emplace_back(tokens[i], static_cast<uint32_t>(j - i));
    i = j;
  }
}

double Idf(uint32_t records, uint32_t holding) {
  return std::log(1.0 + (records - holding + 0.5) / (holding + 0.5));
}

// Tokenizer is not thread-safe; FindSimilar may run from many threads.
Tokenizer& LocalTokenizer() {
  thread_local Tokenizer stemmed(/*stem=*/true);
  return stemmed;
}

std::optional<uint32_t> FindTerm(const Data& data, std::string_view term) {
  auto less = [&](uint32_t id, std::string_view t) { return data.Term(id) < t; };
  auto it = std::lower_bound(data.term_order.begin(), data.term_order.end(), term, less);
  if (it == data.term_order.end() || data.Term(*it) != term) return std::nullopt;
  return *it;
}

bool ShareFrom(const Data& data, uint32_t a, uint32_t b) {
  // Both lists ascend, kUnknownState last.
  uint32_t i = data.from_begin[a], j = data.from_begin[b];
  const uint32_t ie = data.from_begin[a + 1], je = data.from_begin[b + 1];
  while (i < ie && j < je) {
    const uint16_t x = data.from[i], y = data.from[j];
    if (x == kUnknownState || y == kUnknownState) return false;
    if (x == y) return true;
    if (x < y)
      ++i;
    else
      ++j;
  }
  return false;
}

const Roaring* Bitmap(const std::vector<Roaring>& v, size_t code) {
  return code < v.size() ? &v[code] : nullptr;
}

}  // namespace

float TermWeight(double idf, uint32_t f, uint32_t len, double avglen) {
  const double norm = kBm25K1 * (1 - kBm25B + kBm25B * (avglen > 0 ? len / avglen : 1.0));
  return static_cast<float>(idf * (f * (kBm25K1 + 1)) / (f + norm));
}

std::unique_ptr<Vectors> BuildVectors(const Data& data) {
  auto v = std::make_unique<Vectors>();
  const uint32_t n = data.size();
  const uint32_t terms = data.term_count();
  v->avglen = n ? static_cast<double>(data.total_tokens) / n : 0;
  v->idf.resize(terms);
  v->post_begin.assign(terms + 1, 0);
  for (uint32_t t = 0; t < terms; ++t) {
    const uint32_t holding = static_cast<uint32_t>(data.postings[t].cardinality());
    v->idf[t] = Idf(n, holding);
    v->post_begin[t + 1] = v->post_begin[t] + holding;
  }
  v->doc_begin.reserve(n + 1);
  v->doc_begin.push_back(0);
  v->doc_norm2.resize(n);
  std::vector<uint32_t> tokens;
  std::vector<std::pair<uint32_t, uint32_t>> counts;
  for (uint32_t d = 0; d < n; ++d) {
    DecodeTokens(data, d, tokens);
    const uint32_t len = static_cast<uint32_t>(tokens.size());
    CountTerms(tokens, counts);
    double norm2 = 0;
    for (auto [t, f] : counts) {
      const float w = TermWeight(v->idf[t], f, len, v->avglen);
      v->doc_terms.push_back(t);
      v->doc_weights.push_back(w);
      norm2 += double{w} * w;
    }
    v->doc_norm2[d] = norm2;
    v->doc_begin.push_back(static_cast<uint32_t>(v->doc_terms.size()));
  }
  // By term: records are visited in ascending order, so each term's list ascends.
  v->post_docs.resize(v->post_begin[terms]);
  v->post_weights.resize(v->post_begin[terms]);
  std::vector<uint32_t> fill(v->post_begin.begin(), v->post_begin.end() - 1);
  for (uint32_t d = 0; d < n; ++d) {
    for (uint32_t k = v->doc_begin[d]; k < v->doc_begin[d + 1]; ++k) {
      const uint32_t at = fill[v->doc_terms[k]]++;
      v->post_docs[at] = d;
      v->post_weights[at] = v->doc_weights[k];
    }
  }
  return v;
}

Result<SimilarResponse> FindSimilar(const Data& data, const Vectors& vectors,
                                    const SimilarRequest& request, const Roaring* candidates) {
  if (request.uid.empty() == request.text.empty())
    return Status::InvalidArgument(request.uid.empty()
                                       ? "text: give a recommendation's uid or a text"
                                       : "text: give a uid or a text, not both");
  if (request.limit < 1 || request.limit > kMaxSimilarLimit)
    return Status::InvalidArgument("limit: expected 1.." + std::to_string(kMaxSimilarLimit) +
                                   ", got " + std::to_string(request.limit));
  if (!(request.min_score >= 0 && request.min_score <= 1))
    return Status::InvalidArgument("min_score: expected a number from 0 to 1");

  SimilarResponse resp;
  // The query vector: (term, weight), ascending terms. Terms no record holds count only in
  // the norm.
  std::vector<std::pair<uint32_t, float>> query;
  double norm2 = 0;
  uint32_t source = UINT32_MAX;
  if (!request.uid.empty()) {
    for (uint32_t d = 0; d < data.size(); ++d)
      if (data.Uid(d) == request.uid) {
        source = d;
        break;
      }
    if (source == UINT32_MAX)
      return Status::NotFound("uid: no recommendation with uid '" + request.uid + "'");
    resp.source_id = data.ids[source];
    for (uint32_t k = vectors.doc_begin[source]; k < vectors.doc_begin[source + 1]; ++k)
      query.emplace_back(vectors.doc_terms[k], vectors.doc_weights[k]);
    norm2 = vectors.doc_norm2[source];
    resp.terms = static_cast<int64_t>(query.size());
  } else {
    std::vector<uint32_t> known;
    std::unordered_map<std::string, uint32_t> unknown;
    uint32_t len = 0;
    LocalTokenizer().Tokenize(request.text, [&](std::string_view term, size_t, size_t) {
      ++len;
      if (auto t = FindTerm(data, term))
        known.push_back(*t);
      else
        ++unknown[std::string(term)];
      return true;
    });
    if (len == 0) return Status::InvalidArgument("text: no words to compare (expected a text)");
    std::vector<std::pair<uint32_t, uint32_t>> counts;
    CountTerms(known, counts);
    for (auto [t, f] : counts) {
      const float w = TermWeight(vectors.idf[t], f, len, vectors.avglen);
      query.emplace_back(t, w);
      norm2 += double{w} * w;
    }
    const double new_idf = Idf(data.size(), 0);
    for (const auto& [term, f] : unknown) {
      const float w = TermWeight(new_idf, f, len, vectors.avglen);
      norm2 += double{w} * w;
    }
    resp.terms = static_cast<int64_t>(counts.size() + unknown.size());
    resp.unknown_terms = static_cast<int64_t>(unknown.size());
  }
  resp.candidates = candidates ? static_cast<int64_t>(candidates->cardinality()) : data.size();

  // Dot products by walking the postings of the query's terms, in ascending term order (the
  // order doc_norm2 was added in).
  std::vector<double> dot(data.size(), 0.0);
  for (auto [t, w] : query) {
    const double qw = w;
    for (uint32_t k = vectors.post_begin[t]; k < vectors.post_begin[t + 1]; ++k)
      dot[vectors.post_docs[k]] += qw * vectors.post_weights[k];
  }
  std::vector<SimilarHit> all;
  std::vector<uint32_t> docs;
  for (uint32_t d = 0; d < data.size(); ++d) {
    if (dot[d] <= 0 || (candidates && !candidates->contains(d))) continue;
    const double score = std::min(1.0, dot[d] / std::sqrt(norm2 * vectors.doc_norm2[d]));
    if (score < request.min_score) continue;
    all.push_back({data.ids[d], score});
  }
  resp.total = static_cast<int64_t>(all.size());
  const int64_t source_id = resp.source_id;
  auto better = [source_id](const SimilarHit& a, const SimilarHit& b) {
    if (a.score != b.score) return a.score > b.score;
    if ((a.id == source_id) != (b.id == source_id)) return a.id == source_id;
    return a.id < b.id;
  };
  const size_t keep = std::min<size_t>(all.size(), static_cast<size_t>(request.limit));
  std::partial_sort(all.begin(), all.begin() + keep, all.end(), better);
  all.resize(keep);
  resp.hits = std::move(all);
  return resp;
}

std::vector<Link> FindRepeats(const Data& data, const Vectors& vectors) {
  std::vector<Link> pairs;
  std::vector<uint32_t> earlier, later;
  // Earlier records' vectors by term: (term, index into earlier, weight), sorted by term.
  struct Entry {
    uint32_t term;
    uint32_t e;
    float w;
  };
  std::vector<Entry> entries;
  std::vector<double> dot;
  for (size_t c = 1; c + 1 < data.by_cycle.size(); ++c) {
    const Roaring& ce = data.by_cycle[c];
    const Roaring& cl = data.by_cycle[c + 1];
    if (ce.isEmpty() || cl.isEmpty()) continue;
    for (const Roaring& sur : data.by_sur) {
      const Roaring e_bits = sur & ce;
      const Roaring l_bits = sur & cl;
      if (e_bits.isEmpty() || l_bits.isEmpty()) continue;
      earlier.resize(e_bits.cardinality());
      e_bits.toUint32Array(earlier.data());
      later.resize(l_bits.cardinality());
      l_bits.toUint32Array(later.data());
      entries.clear();
      for (uint32_t i = 0; i < earlier.size(); ++i) {
        const uint32_t d = earlier[i];
        for (uint32_t k = vectors.doc_begin[d]; k < vectors.doc_begin[d + 1]; ++k)
          entries.push_back({vectors.doc_terms[k], i, vectors.doc_weights[k]});
      }
      // Stable: within a term, earlier records stay ascending (and so each dot product adds
      // its terms in ascending order, as doc_norm2 does).
      std::stable_sort(entries.begin(), entries.end(),
                       [](const Entry& a, const Entry& b) { return a.term < b.term; });
      for (uint32_t l : later) {
        dot.assign(earlier.size(), 0.0);
        size_t at = 0;
        for (uint32_t k = vectors.doc_begin[l]; k < vectors.doc_begin[l + 1]; ++k) {
          const uint32_t t = vectors.doc_terms[k];
          while (at < entries.size() && entries[at].term < t) ++at;
          const double w = vectors.doc_weights[k];
          for (size_t j = at; j < entries.size() && entries[j].term == t; ++j)
            dot[entries[j].e] += w * entries[j].w;
        }
        for (uint32_t i = 0; i < earlier.size(); ++i) {
          if (dot[i] <= 0) continue;
          const uint32_t e = earlier[i];
          const double score =
              std::min(1.0, dot[i] / std::sqrt(vectors.doc_norm2[l] * vectors.doc_norm2[e]));
          if (score >= kRepeatFloor) pairs.push_back({e, l, score, ShareFrom(data, e, l)});
        }
      }
    }
  }
  // Greedy one-to-one: best pairs first.
  std::sort(pairs.begin(), pairs.end(), [](const Link& a, const Link& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.same_from != b.same_from) return a.same_from;
    if (a.later != b.later) return a.later < b.later;
    return a.earlier < b.earlier;
  });
  std::vector<bool> used_earlier(data.size()), used_later(data.size());
  std::vector<Link> links;
  for (const Link& p : pairs) {
    if (used_earlier[p.earlier] || used_later[p.later]) continue;
    used_earlier[p.earlier] = used_later[p.later] = true;
    links.push_back(p);
  }
  std::sort(links.begin(), links.end(),
            [](const Link& a, const Link& b) { return a.later < b.later; });
  return links;
}

RepeatedResponse SummarizeRepeats(const Data& data, const std::vector<Link>& links,
                                  const Roaring* selection, double min_score) {
  RepeatedResponse out;
  out.min_score = min_score;
  // Later records: per state and cycle with records in the cycle before.
  for (size_t c = 2; c < data.by_cycle.size(); ++c) {
    const Roaring* prev = Bitmap(data.by_cycle, c - 1);
    if (!prev || prev->isEmpty() || data.by_cycle[c].isEmpty()) continue;
    for (const Roaring& sur : data.by_sur) {
      if (!sur.intersect(*prev)) continue;
      Roaring here = sur & data.by_cycle[c];
      if (selection) here &= *selection;
      out.later_records += static_cast<int64_t>(here.cardinality());
    }
  }
  std::vector<uint32_t> next(data.size(), UINT32_MAX), prev(data.size(), UINT32_MAX);
  std::vector<double> next_score(data.size(), 0);
  for (const Link& l : links) {
    if (l.score < min_score) continue;
    next[l.earlier] = l.later;
    prev[l.later] = l.earlier;
    next_score[l.earlier] = l.score;
  }
  std::vector<uint32_t> starts;
  for (const Link& l : links) {
    if (l.score < min_score || (selection && !selection->contains(l.later))) continue;
    out.links.push_back({data.ids[l.earlier], data.ids[l.later], l.score, l.same_from});
    ++out.repeats;
    const uint8_t a = data.response[l.earlier], b = data.response[l.later];
    ++out.responses[a][b];
    ++out.actions[data.action[l.earlier]][data.action[l.later]];
    if (l.same_from) {
      ++out.repeats_same_from;
      ++out.responses_same_from[a][b];
    }
    uint32_t s = l.earlier;
    while (prev[s] != UINT32_MAX) s = prev[s];
    starts.push_back(s);
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  for (uint32_t s : starts) {
    RepeatChain chain;
    chain.ids.push_back(data.ids[s]);
    for (uint32_t d = s; next[d] != UINT32_MAX; d = next[d]) {
      chain.scores.push_back(next_score[d]);
      chain.ids.push_back(data.ids[next[d]]);
    }
    out.chains.push_back(std::move(chain));
  }
  return out;
}

}  // namespace openupr::engine::internal

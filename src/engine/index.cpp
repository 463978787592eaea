#include "engine/index.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <set>

#include "engine/aggregate.h"
#include "engine/data.h"
#include "engine/text_match.h"
#include "engine/vectors.h"
#include "search/query.h"

namespace openupr::engine {
namespace {

using internal::Data;
using internal::TextMatch;

// CRoaring's C++ wrapper and the standard containers report memory exhaustion by throwing;
// callers of the engine get a Status instead.
template <typename F>
auto Guarded(const char* what, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("in-memory index: ") + what + ": " + e.what());
  }
}

// How many records of docs count under a predicted label (store/filter_sql.h kPredictedSql).
int64_t Predicted(const Data& data, const internal::DocSet& docs) {
  if (data.action_predicted.isEmpty() && data.themes_predicted.isEmpty()) return 0;
  return static_cast<int64_t>(
      ((data.action_predicted | data.themes_predicted) & docs.bits()).cardinality());
}

// The records a query and filters select; match is null without a text query.
struct Selection {
  std::unique_ptr<TextMatch> match;
  std::unique_ptr<internal::DocSet> docs;
};

// The records that pass the filters among those the text query matches (match may be null).
Roaring Combine(const Data& data, const TextMatch* match, const Filters& filters) {
  bool all = false;
  Roaring filtered = internal::FilterDocs(data, filters, &all);
  if (match) return all ? match->matches() : match->matches() & filtered;
  if (!all) return filtered;
  Roaring docs;
  docs.addRange(0, data.size());
  return docs;
}

Result<Selection> Select(const Data& data, std::string_view query, const Filters& filters) {
  auto parsed = search::ParseQuery(query);
  if (!parsed.ok()) return parsed.status();
  Selection sel;
  if (parsed->root) sel.match = std::make_unique<TextMatch>(data, std::move(parsed).value());
  sel.docs = std::make_unique<internal::DocSet>(Combine(data, sel.match.get(), filters));
  return sel;
}

// The facets of fields over a selection (analytics::FacetScope). With kDisjunctive, a field
// with a filter of its own is counted over the selection made without that filter; the other
// fields are counted together over the selection.
std::vector<Facet> CountScoped(const Data& data, const Selection& sel, const Filters& filters,
                               std::span<const analytics::Dimension> fields, int64_t top_n,
                               analytics::FacetScope scope, internal::Memo* memo) {
  if (scope == analytics::FacetScope::kSelection)
    return internal::CountFacets(data, *sel.docs, fields, top_n, memo);
  std::vector<Facet> out(fields.size());
  std::vector<analytics::Dimension> plain;
  std::vector<size_t> plain_at;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!analytics::HasFilterOn(filters, fields[i])) {
      plain.push_back(fields[i]);
      plain_at.push_back(i);
      continue;
    }
    const internal::DocSet relaxed(
        Combine(data, sel.match.get(), analytics::WithoutFilterOn(filters, fields[i])));
    out[i] = std::move(internal::CountFacets(data, relaxed, fields.subspan(i, 1), top_n, memo)[0]);
  }
  if (!plain.empty()) {
    std::vector<Facet> got = internal::CountFacets(data, *sel.docs, plain, top_n, memo);
    for (size_t j = 0; j < plain.size(); ++j) out[plain_at[j]] = std::move(got[j]);
  }
  return out;
}

// The page of hits req asks for, over a selection.
search::SearchResponse Page(const Data& data, Selection& sel, const search::SearchRequest& req) {
  search::SearchResponse resp;
  const uint64_t total = sel.docs->size();
  resp.total = static_cast<int64_t>(total);
  const uint64_t offset = static_cast<uint64_t>(std::max<int64_t>(req.offset, 0));
  if (offset >= total) return resp;
  const uint64_t count =
      std::min<uint64_t>(total - offset, req.limit > 0 ? static_cast<uint64_t>(req.limit) : total);

  if (!sel.match || !sel.match->scored()) {
    // By id, score 0, the whole text (as SqlSearch does without a text to match).
    std::vector<uint32_t> page(count);
    sel.docs->bits().rangeUint32Array(page.data(), offset, count);
    for (uint32_t d : page)
      resp.hits.push_back({data.ids[d], 0.0, req.snippets ? std::string(data.Text(d)) : ""});
    return resp;
  }
  // Documents ascend with ids, so "score descending, then document" is SqlSearch's order.
  const std::vector<uint32_t>& docs = sel.docs->list();
  std::vector<double> scores;
  if (sel.match->simple()) {
    sel.match->ScoreDocs(docs, scores);
  } else {
    sel.match->Replay();
    scores.resize(total);
    std::vector<uint64_t> scratch;
    size_t cursor = 0;
    for (size_t i = 0; i < total; ++i) scores[i] = sel.match->Score(docs[i], scratch, &cursor);
  }
  // The best offset+count by a bounded heap whose top is the worst kept.
  auto better = [&](uint32_t a, uint32_t b) {
    return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
  };
  const size_t keep = static_cast<size_t>(offset + count);
  std::vector<uint32_t> heap;
  heap.reserve(keep + 1);
  for (uint32_t i = 0; i < total; ++i) {
    if (heap.size() < keep) {
      heap.push_back(i);
      std::push_heap(heap.begin(), heap.end(), better);
    } else if (better(i, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.back() = i;
      std::push_heap(heap.begin(), heap.end(), better);
    }
  }
  std::sort_heap(heap.begin(), heap.end(), better);
  for (size_t i = offset; i < keep; ++i) {
    const uint32_t d = docs[heap[i]];
    resp.hits.push_back(
        {data.ids[d], scores[heap[i]], req.snippets ? sel.match->Snippet(d) : std::string()});
  }
  return resp;
}

}  // namespace

Index::Index(std::unique_ptr<Data> data)
    : data_(std::move(data)), memo_(std::make_unique<internal::Memo>()) {}
Index::~Index() = default;

Result<std::unique_ptr<Index>> Index::Build(store::Store& store) {
  return Guarded("build", [&]() -> Result<std::unique_ptr<Index>> {
    auto data = std::make_unique<Data>();
    OPENUPR_RETURN_IF_ERROR(internal::Load(store, *data));
    return std::unique_ptr<Index>(new Index(std::move(data)));
  });
}

Status Index::Refresh(store::Store& store) {
  memo_->Clear();
  {
    std::lock_guard lock(similar_mu_);
    vectors_.reset();
    links_.reset();
  }
  return Guarded("refresh", [&]() -> Status { return internal::Load(store, *data_); });
}

Result<std::unique_ptr<Index>> Index::Refreshed(store::Store& store) const {
  return Guarded("refresh", [&]() -> Result<std::unique_ptr<Index>> {
    auto data = std::make_unique<Data>(*data_);
    OPENUPR_RETURN_IF_ERROR(internal::Load(store, *data));
    return std::unique_ptr<Index>(new Index(std::move(data)));
  });
}

int64_t Index::size() const { return data_->size(); }
int64_t Index::max_id() const { return data_->ids.empty() ? 0 : data_->ids.back(); }
MemoryUsage Index::Memory() const { return internal::ComputeMemory(*data_); }

Result<search::SearchResponse> Index::Search(const search::SearchRequest& req) const {
  return Guarded("search", [&]() -> Result<search::SearchResponse> {
    auto sel = Select(*data_, req.query, req.filters);
    if (!sel.ok()) return sel.status();
    return Page(*data_, *sel, req);
  });
}

Result<FacetResponse> Index::Facets(std::string_view query, const Filters& filters,
                                    std::span<const analytics::Dimension> fields, int64_t top_n,
                                    analytics::FacetScope scope) const {
  return Guarded("facets", [&]() -> Result<FacetResponse> {
    auto sel = Select(*data_, query, filters);
    if (!sel.ok()) return sel.status();
    FacetResponse resp;
    resp.total = static_cast<int64_t>(sel->docs->size());
    resp.facets = CountScoped(*data_, *sel, filters, fields, top_n, scope, memo_.get());
    return resp;
  });
}

Result<FacetedSearch> Index::SearchFaceted(const search::SearchRequest& req,
                                           std::span<const analytics::Dimension> fields,
                                           int64_t top_n, analytics::FacetScope scope) const {
  return Guarded("search", [&]() -> Result<FacetedSearch> {
    auto sel = Select(*data_, req.query, req.filters);
    if (!sel.ok()) return sel.status();
    FacetedSearch out;
    out.search = Page(*data_, *sel, req);
    out.facets = CountScoped(*data_, *sel, req.filters, fields, top_n, scope, memo_.get());
    return out;
  });
}

std::vector<Recommendation> Index::Summaries(std::span<const int64_t> ids) const {
  const Data& data = *data_;
  std::vector<Recommendation> out;
  out.reserve(ids.size());
  std::vector<uint16_t> themes;
  for (int64_t id : ids) {
    auto it = std::lower_bound(data.ids.begin(), data.ids.end(), id);
    if (it == data.ids.end() || *it != id) continue;
    const uint32_t d = static_cast<uint32_t>(it - data.ids.begin());
    Recommendation r;
    r.id = id;
    r.uid = std::string(data.Uid(d));
    r.sur = data.states[data.sur[d]];
    for (uint32_t i = data.shown_from_begin[d]; i < data.shown_from_begin[d + 1]; ++i) {
      const uint16_t code = data.shown_from[i];
      r.from.push_back({code == internal::kUnknownState ? std::string() : data.states[code],
                        data.raw_names[data.shown_from_raw[i]]});
    }
    r.text = std::string(data.Text(d));
    r.session = data.session[d];
    r.cycle = data.cycle[d];
    r.response = static_cast<Response>(data.response[d]);
    if (data.action[d]) r.action = data.action[d];
    r.action_predicted = data.action_predicted.contains(d);
    r.themes_predicted = data.themes_predicted.contains(d);
    themes.assign(data.themes.begin() + data.theme_begin[d],
                  data.themes.begin() + data.theme_begin[d + 1]);
    std::sort(themes.begin(), themes.end(), [&](uint16_t a, uint16_t b) {
      return data.theme_nocase_rank[a] < data.theme_nocase_rank[b];
    });
    for (uint16_t t : themes) r.themes.push_back(data.theme_names[t]);
    out.push_back(std::move(r));
  }
  return out;
}

Result<analytics::StatsResult> Index::Stats(const analytics::StatsRequest& req) const {
  return Guarded("stats", [&]() -> Result<analytics::StatsResult> {
    // The checks and messages of analytics::ComputeStats.
    if (req.by.size() > 3)
      return Status::InvalidArgument("--by: at most 3 dimensions, got " +
                                     std::to_string(req.by.size()));
    if (std::set<analytics::Dimension>(req.by.begin(), req.by.end()).size() != req.by.size())
      return Status::InvalidArgument("--by: a dimension is repeated");
    auto sel = Select(*data_, req.query, req.filters);
    if (!sel.ok()) return sel.status();
    analytics::StatsResult out = internal::Group(*data_, *sel->docs, req, memo_.get());
    out.predicted = Predicted(*data_, *sel->docs);
    return out;
  });
}

Result<DyadResponse> Index::Dyads(std::string_view query, const Filters& filters,
                                  int64_t top_n) const {
  return Guarded("dyads", [&]() -> Result<DyadResponse> {
    auto sel = Select(*data_, query, filters);
    if (!sel.ok()) return sel.status();
    DyadResponse out = internal::CountDyads(*data_, *sel->docs, top_n, memo_.get());
    out.predicted = Predicted(*data_, *sel->docs);
    return out;
  });
}

std::shared_ptr<const internal::Vectors> Index::GetVectors() const {
  // Built under the lock: concurrent first calls wait for one build instead of making several.
  std::lock_guard lock(similar_mu_);
  if (!vectors_) vectors_ = internal::BuildVectors(*data_);
  return vectors_;
}

std::shared_ptr<const std::vector<internal::Link>> Index::GetLinks() const {
  auto vectors = GetVectors();
  std::lock_guard lock(similar_mu_);
  if (!links_)
    links_ = std::make_shared<const std::vector<internal::Link>>(
        internal::FindRepeats(*data_, *vectors));
  return links_;
}

Result<SimilarResponse> Index::Similar(const SimilarRequest& req) const {
  return Guarded("similar", [&]() -> Result<SimilarResponse> {
    std::optional<Selection> sel;
    if (!req.query.empty() || !req.filters.empty()) {
      auto got = Select(*data_, req.query, req.filters);
      if (!got.ok()) return got.status();
      sel = std::move(got).value();
    }
    auto vectors = GetVectors();
    auto found = internal::FindSimilar(*data_, *vectors, req, sel ? &sel->docs->bits() : nullptr);
    if (!found.ok() || !found->source_id) return found;
    // The record's own repeat links, whatever the candidates.
    const auto it = std::lower_bound(data_->ids.begin(), data_->ids.end(), found->source_id);
    const uint32_t d = static_cast<uint32_t>(it - data_->ids.begin());
    for (const internal::Link& l : *GetLinks()) {
      if (l.score < kRepeatThreshold) continue;
      if (l.later == d) found->repeat_of = {data_->ids[l.earlier], l.score};
      if (l.earlier == d) found->repeated_as = {data_->ids[l.later], l.score};
    }
    return found;
  });
}

Result<RepeatedResponse> Index::Repeated(const RepeatedRequest& req) const {
  return Guarded("repeated", [&]() -> Result<RepeatedResponse> {
    if (!(req.min_score >= kRepeatFloor && req.min_score <= 1))
      return Status::InvalidArgument("min_score: expected a number from " +
                                     std::to_string(kRepeatFloor).substr(0, 3) + " to 1");
    std::optional<Selection> sel;
    if (!req.query.empty() || !req.filters.empty()) {
      auto got = Select(*data_, req.query, req.filters);
      if (!got.ok()) return got.status();
      sel = std::move(got).value();
    }
    auto links = GetLinks();
    return internal::SummarizeRepeats(*data_, *links, sel ? &sel->docs->bits() : nullptr,
                                      req.min_score);
  });
}

}  // namespace openupr::engine

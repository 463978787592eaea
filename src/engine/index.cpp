#include "engine/index.h"

#include <algorithm>
#include <exception>
#include <set>

#include "engine/data.h"
#include "engine/text_match.h"
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

// The records a query and filters select; match is null without a text query.
struct Selection {
  std::unique_ptr<TextMatch> match;
  Roaring docs;
  std::vector<uint32_t> List() const {
    std::vector<uint32_t> out(docs.cardinality());
    docs.toUint32Array(out.data());
    return out;
  }
};

Result<Selection> Select(const Data& data, std::string_view query, const Filters& filters) {
  auto parsed = search::ParseQuery(query);
  if (!parsed.ok()) return parsed.status();
  Selection sel;
  bool all = false;
  Roaring filtered = internal::FilterDocs(data, filters, &all);
  if (parsed->root) {
    sel.match = std::make_unique<TextMatch>(data, std::move(parsed).value());
    sel.docs = sel.match->matches();
    if (!all) sel.docs &= filtered;
  } else if (all) {
    sel.docs.addRange(0, data.size());
  } else {
    sel.docs = std::move(filtered);
  }
  return sel;
}

// The page of hits req asks for, over a selection.
search::SearchResponse Page(const Data& data, Selection& sel, const search::SearchRequest& req) {
  search::SearchResponse resp;
  const uint64_t total = sel.docs.cardinality();
  resp.total = static_cast<int64_t>(total);
  const uint64_t offset = static_cast<uint64_t>(std::max<int64_t>(req.offset, 0));
  if (offset >= total) return resp;
  const uint64_t count =
      std::min<uint64_t>(total - offset, req.limit > 0 ? static_cast<uint64_t>(req.limit) : total);

  if (!sel.match || !sel.match->scored()) {
    // By id, score 0, the whole text (as SqlSearch does without a text to match).
    std::vector<uint32_t> page(count);
    sel.docs.rangeUint32Array(page.data(), offset, count);
    for (uint32_t d : page)
      resp.hits.push_back({data.ids[d], 0.0, req.snippets ? std::string(data.Text(d)) : ""});
    return resp;
  }
  // Documents ascend with ids, so "score descending, then document" is SqlSearch's order.
  sel.match->Replay();
  std::vector<std::pair<double, uint32_t>> ranked;
  ranked.reserve(total);
  std::vector<uint64_t> scratch;
  size_t cursor = 0;
  for (uint32_t d : sel.docs) ranked.emplace_back(sel.match->Score(d, scratch, &cursor), d);
  auto better = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  const size_t end = static_cast<size_t>(offset + count);
  std::partial_sort(ranked.begin(), ranked.begin() + end, ranked.end(), better);
  for (size_t i = offset; i < end; ++i) {
    const uint32_t d = ranked[i].second;
    resp.hits.push_back(
        {data.ids[d], ranked[i].first, req.snippets ? sel.match->Snippet(d) : std::string()});
  }
  return resp;
}

}  // namespace

Index::Index(std::unique_ptr<Data> data) : data_(std::move(data)) {}
Index::~Index() = default;

Result<std::unique_ptr<Index>> Index::Build(store::Store& store) {
  return Guarded("build", [&]() -> Result<std::unique_ptr<Index>> {
    auto data = std::make_unique<Data>();
    OPENUPR_RETURN_IF_ERROR(internal::Load(store, *data));
    return std::unique_ptr<Index>(new Index(std::move(data)));
  });
}

Status Index::Refresh(store::Store& store) {
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
                                    std::span<const analytics::Dimension> fields,
                                    int64_t top_n) const {
  return Guarded("facets", [&]() -> Result<FacetResponse> {
    auto sel = Select(*data_, query, filters);
    if (!sel.ok()) return sel.status();
    FacetResponse resp;
    resp.total = static_cast<int64_t>(sel->docs.cardinality());
    resp.facets = internal::CountFacets(*data_, sel->docs, fields, top_n);
    return resp;
  });
}

Result<FacetedSearch> Index::SearchFaceted(const search::SearchRequest& req,
                                           std::span<const analytics::Dimension> fields,
                                           int64_t top_n) const {
  return Guarded("search", [&]() -> Result<FacetedSearch> {
    auto sel = Select(*data_, req.query, req.filters);
    if (!sel.ok()) return sel.status();
    FacetedSearch out;
    out.search = Page(*data_, *sel, req);
    out.facets = internal::CountFacets(*data_, sel->docs, fields, top_n);
    return out;
  });
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
    return internal::Group(*data_, sel->List(), req);
  });
}

Result<DyadResponse> Index::Dyads(std::string_view query, const Filters& filters,
                                  int64_t top_n) const {
  return Guarded("dyads", [&]() -> Result<DyadResponse> {
    auto sel = Select(*data_, query, filters);
    if (!sel.ok()) return sel.status();
    analytics::StatsRequest req;
    req.by = {analytics::Dimension::kFrom, analytics::Dimension::kSur};
    req.limit = top_n;
    size_t pairs = 0;
    analytics::StatsResult counts = internal::Group(*data_, sel->List(), req, &pairs);
    DyadResponse resp;
    resp.total = counts.total.count;
    resp.pairs = static_cast<int64_t>(pairs);
    for (analytics::StatsRow& row : counts.rows)
      resp.dyads.push_back({std::move(row.keys[0]), std::move(row.keys[1]), row.count,
                            row.supported, row.noted, row.other});
    return resp;
  });
}

}  // namespace openupr::engine

// The engine backend of the side-by-side benchmark: engine::Index's Search, Facets, Stats and
// Dyads, answering with the counts of bench/backend.h. Like the SQL backends (which select
// bm25() and ids, not snippet()), the hits carry no snippets.
#include "bench/engine_backend.h"

#include <memory>

#include "engine/index.h"
#include "store/store.h"

namespace openupr::bench {
namespace {

Answer FromStats(const analytics::StatsResult& s) {
  Answer a;
  for (const analytics::StatsRow& row : s.rows) {
    ++a.rows;
    a.counted += row.count;
    a.supported += row.supported;
  }
  return a;
}

class EngineBackend {
 public:
  explicit EngineBackend(std::unique_ptr<engine::Index> index) : index_(std::move(index)) {}

  Result<Answer> Search(const SearchQuery& q) const {
    search::SearchRequest req;
    req.query = q.selection.text;
    req.filters = q.selection.filters;
    req.limit = q.limit;
    req.snippets = false;
    auto got = index_->Search(req);
    if (!got.ok()) return got.status();
    Answer a;
    a.total = got->total;
    a.hits = static_cast<int64_t>(got->hits.size());
    return a;
  }

  Result<Answer> Facets(const FacetQuery& q) const {
    Answer a;
    std::vector<engine::Facet> facets;
    if (q.limit <= 0) {  // no hits: a SearchRequest's limit 0 would mean all of them
      auto got = index_->Facets(q.selection.text, q.selection.filters, q.facets, 0);
      if (!got.ok()) return got.status();
      a.total = got->total;
      facets = std::move(got->facets);
    } else {
      search::SearchRequest req;
      req.query = q.selection.text;
      req.filters = q.selection.filters;
      req.limit = q.limit;
      req.snippets = false;
      auto got = index_->SearchFaceted(req, q.facets, 0);
      if (!got.ok()) return got.status();
      a.total = got->search.total;
      a.hits = static_cast<int64_t>(got->search.hits.size());
      facets = std::move(got->facets);
    }
    for (const engine::Facet& f : facets) {
      a.rows += static_cast<int64_t>(f.values.size());
      for (const engine::FacetValue& v : f.values) a.counted += v.count;
    }
    return a;
  }

  Result<Answer> GroupBy(const GroupQuery& q) const {
    if (q.by == std::vector<Dimension>{Dimension::kFrom, Dimension::kSur}) {
      auto got = index_->Dyads(q.selection.text, q.selection.filters, q.limit);
      if (!got.ok()) return got.status();
      Answer a;
      for (const engine::Dyad& d : got->dyads) {
        ++a.rows;
        a.counted += d.count;
        a.supported += d.supported;
      }
      return a;
    }
    analytics::StatsRequest req;
    req.by = q.by;
    req.filters = q.selection.filters;
    req.query = q.selection.text;
    req.limit = q.limit;
    auto got = index_->Stats(req);
    if (!got.ok()) return got.status();
    return FromStats(*got);
  }

 private:
  std::unique_ptr<engine::Index> index_;
};

}  // namespace

Result<Backend> MakeEngineBackend(const std::string& db_path) {
  auto store = store::Store::Open(db_path, store::OpenMode::kExisting);
  if (!store.ok()) return store.status();
  auto index = engine::Index::Build(**store);
  if (!index.ok()) return index.status();
  auto impl = std::make_shared<const EngineBackend>(std::move(index).value());
  Backend b;
  b.name = "engine";
  b.search = [impl](const SearchQuery& q) { return impl->Search(q); };
  b.facets = [impl](const FacetQuery& q) { return impl->Facets(q); };
  b.group_by = [impl](const GroupQuery& q) { return impl->GroupBy(q); };
  return b;
}

}  // namespace openupr::bench

// The engine backend of the side-by-side benchmark: engine::Index's Search, Facets, Stats and
// Dyads, answering with the counts of bench/backend.h. Like the SQL backends (which select
// bm25() and ids, not snippet()), the hits carry no snippets. The vote measures come from
// engine::VoteIndex (its VoteBits for the agreement matrix, analytics::GroupCohesion for the
// regional groups), the dyadic severity from Index::Dyads over every record.
#include "bench/engine_backend.h"

#include <memory>

#include "analytics/votes.h"
#include "bench/vote_sql.h"
#include "engine/index.h"
#include "engine/votes.h"
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

// A dyad of Index::Dyads with its action fields, compared with the SQL backends' sums.
void FoldDyad(MeasureFold& fold, const analytics::Dyad& d) {
  fold.Severity(d.from, d.sur, d.count, d.noted, d.with_action, d.action_sum);
}

class EngineBackend {
 public:
  EngineBackend(std::unique_ptr<engine::Index> index, std::unique_ptr<engine::VoteIndex> votes)
      : index_(std::move(index)),
        votes_(std::move(votes)),
        all_roll_calls_(analytics::AllRollCalls(votes_->matrix().roll_calls)) {
    for (const engine::StateGroup& g : votes_->groups())
      if (g.kind == "region") regions_.push_back(&g);
  }

  // What a caller of the engine gets: the whole agreement matrix, the cohesion of each regional
  // group (its mean over the roll calls and the roll calls per group), every dyad.
  Result<Answer> Compute(Measure m, bool fold) const {
    MeasureFold folded(m);
    switch (m) {
      case Measure::kAgreement: {
        auto matrix = votes_->bits().Matrix(all_roll_calls_);
        if (!matrix.ok()) return matrix.status();
        if (!fold) return Answer{};
        const auto& states = votes_->bits().states();
        for (size_t a = 0; a < matrix->states; ++a) {
          for (size_t b = a; b < matrix->states; ++b) {
            const analytics::PairAgreement& p = matrix->At(a, b);
            if (p.both > 0) folded.Agreement(states[a], states[b], p.both, p.alike);
          }
        }
        break;
      }
      case Measure::kCohesion: {
        std::vector<analytics::Cohesion> all;
        all.reserve(regions_.size());
        for (const engine::StateGroup* g : regions_) {
          auto c = analytics::GroupCohesion(votes_->matrix(), g->members, all_roll_calls_);
          if (!c.ok()) return c.status();
          all.push_back(std::move(c).value());
        }
        if (!fold) return Answer{};
        for (size_t i = 0; i < regions_.size(); ++i)
          if (all[i].mean_ai)
            folded.Cohesion(regions_[i]->code, static_cast<int64_t>(all[i].roll_calls_used),
                            *all[i].mean_ai);
        break;
      }
      case Measure::kSeverity: {
        auto dyads = index_->Dyads("", {}, 0);
        if (!dyads.ok()) return dyads.status();
        if (!fold) return Answer{};
        for (const engine::Dyad& d : dyads->dyads) FoldDyad(folded, d);
        break;
      }
    }
    return folded.Finish();
  }

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
  std::unique_ptr<engine::VoteIndex> votes_;
  std::vector<uint32_t> all_roll_calls_;
  std::vector<const engine::StateGroup*> regions_;
};

}  // namespace

Result<Backend> MakeEngineBackend(const std::string& db_path) {
  auto store = store::Store::Open(db_path, store::OpenMode::kExisting);
  if (!store.ok()) return store.status();
  auto index = engine::Index::Build(**store);
  if (!index.ok()) return index.status();
  auto votes = engine::VoteIndex::Build(**store);
  if (!votes.ok()) return votes.status();
  auto impl =
      std::make_shared<const EngineBackend>(std::move(index).value(), std::move(votes).value());
  Backend b;
  b.name = "engine";
  b.search = [impl](const SearchQuery& q) { return impl->Search(q); };
  b.facets = [impl](const FacetQuery& q) { return impl->Facets(q); };
  b.group_by = [impl](const GroupQuery& q) { return impl->GroupBy(q); };
  b.measure = [impl](Measure m, bool fold) { return impl->Compute(m, fold); };
  return b;
}

}  // namespace openupr::bench

// Facet counts: per field, the records of a selection per value, as a one-dimension Group.
#include "engine/data.h"

namespace openupr::engine::internal {

std::vector<Facet> CountFacets(const Data& data, const Roaring& docs,
                               std::span<const analytics::Dimension> fields, int64_t top_n) {
  std::vector<uint32_t> list(docs.cardinality());
  docs.toUint32Array(list.data());
  std::vector<Facet> out;
  for (analytics::Dimension field : fields) {
    analytics::StatsRequest req;
    req.by = {field};
    req.limit = top_n;
    const analytics::StatsResult counts = Group(data, list, req);
    Facet facet;
    facet.field = field;
    for (const analytics::StatsRow& row : counts.rows)
      facet.values.push_back({row.keys[0], row.count});
    out.push_back(std::move(facet));
  }
  return out;
}

}  // namespace openupr::engine::internal

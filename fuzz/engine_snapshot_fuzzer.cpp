// Fuzz target: the engine's snapshot file (engine/snapshot.h), read at every `openupr serve`
// start from beside the database. Whatever the bytes, the reader returns an index or a Status,
// never crashes or reads out of bounds; an index it accepts answers queries without crashing.
// The first byte picks the mode: even, the rest is the file as it is (the header's checks,
// mostly a checksum mismatch); odd, the rest with its header's body size and checksum made to
// match (so that mutations reach the members and the content checks). The build id and the
// fingerprint are not compared (the seeds come from another binary).
#include <xxhash.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/snapshot.h"

namespace {

void Put64(std::string& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<char>(v >> (8 * i));
}

void Exercise(const openupr::engine::Index& index) {
  using openupr::analytics::Dimension;
  for (const char* q :
       {"", "the", "rights OR women", "\"human rights\"", "torture NOT death", "discrim*"}) {
    openupr::search::SearchRequest req{q, {}, 5, 0};
    auto s = index.Search(req);
    if (s.ok()) {
      std::vector<int64_t> ids;
      for (const auto& h : s->hits) ids.push_back(h.id);
      (void)index.Summaries(ids);
    }
    const Dimension fields[] = {Dimension::kSur, Dimension::kFrom, Dimension::kTheme,
                                Dimension::kCycle, Dimension::kResponse};
    (void)index.Facets(q, {}, fields, 0);
    (void)index.Stats(
        {{Dimension::kTheme, Dimension::kSurRegion, Dimension::kCycle}, {}, q, false, 0});
    (void)index.Dyads(q, {}, 10);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool reseal = data[0] & 1;
  std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  if (reseal && bytes.size() >= 32) {
    Put64(bytes, 16, bytes.size() - 32);
    Put64(bytes, 24, XXH3_64bits(bytes.data() + 32, bytes.size() - 32));
  }
  auto got = openupr::engine::ParseSnapshot(bytes, "", /*check_key=*/false);
  if (got.ok()) {
    if (!got->index) __builtin_trap();
    Exercise(*got->index);
  }
  return 0;
}

#include "webapp/assets.h"

#include <algorithm>

namespace openupr::webapp {

const EmbeddedFile* Find(std::string_view path) {
  const auto files = Files();
  // Files() is sorted by path (the generator sorts it).
  auto it = std::lower_bound(files.begin(), files.end(), path,
                             [](const EmbeddedFile& f, std::string_view p) { return f.path < p; });
  return it != files.end() && it->path == path ? &*it : nullptr;
}

}  // namespace openupr::webapp

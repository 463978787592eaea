// Multi-row INSERT statements for bulk writers (bulk_writer.h, uhri.h): rows are bound into
// "INSERT ... VALUES (?,?),(?,?),..." statements, full batches, then the rest in power-of-two
// chunks, so that a few statements per table, each prepared once, cover every row count. Several
// times faster than one statement per row. Not thread-safe: belongs to one writer.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/sqlite.h"

namespace openupr::store {

// "INSERT ... VALUES (?,?),(?,?),..." for rows rows of width parameters.
std::string MultiRowInsert(const char* head, int width, size_t rows);

class MultiRowInserter {
 public:
  explicit MultiRowInserter(Database& db) : db_(db) {}
  // Inserts items, batch rows per statement: bind(statement, first parameter, item) binds one
  // row's width parameters. head ("INSERT INTO t(a, b)") must outlive the inserter (it keys the
  // prepared statements).
  template <typename Item, typename BindFn>
  Status Insert(const char* head, int width, size_t batch, const std::vector<Item>& items,
                BindFn bind) {
    for (size_t begin = 0; begin < items.size();) {
      size_t n = std::min(batch, items.size() - begin);
      while (n & (n - 1)) n &= n - 1;  // the largest power of two not above the rest
      auto [it, added] = statements_.try_emplace({head, n});
      if (added) {
        auto s = db_.Prepare(MultiRowInsert(head, width, n));
        if (!s.ok()) {
          statements_.erase(it);
          return s.status();
        }
        it->second = std::make_unique<Statement>(std::move(s).value());
      }
      Statement& stmt = *it->second;
      for (size_t i = 0; i < n; ++i) bind(stmt, static_cast<int>(i) * width + 1, items[begin + i]);
      OPENUPR_RETURN_IF_ERROR(stmt.Run());
      begin += n;
    }
    return Status::Ok();
  }

 private:
  Database& db_;
  std::map<std::pair<const char*, size_t>, std::unique_ptr<Statement>> statements_;
};

}  // namespace openupr::store

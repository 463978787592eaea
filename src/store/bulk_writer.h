// Bulk appends of recommendations for imports: rows are queued and written by multi-row INSERT
// statements, with ids assigned by the writer, which is several times faster than one statement
// per row and per child row. For large appends the secondary indexes of the recommendation
// tables are dropped at the start and rebuilt at the end (a sort beats row-by-row B-tree
// inserts), all inside the caller's transaction.
// A writer belongs to one thread and one open Transaction; it must be finished with Finish()
// before the transaction commits. It checks every reference it writes (state, session, source
// file, the row a repeat points to) against the parent tables it read at Begin, so it may run in
// a Transaction with ForeignKeys::kCheckedByCaller: SQLite's own per-row checks cost more than
// the inserts.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "store/multi_row.h"
#include "store/store.h"

namespace openupr::store {

class RecommendationWriter {
 public:
  // expected_rows: how many rows the caller is about to append (a hint: when it is at least the
  // number already stored, the secondary indexes are rebuilt after the load instead of being
  // updated row by row). Fails with the store's error.
  static Result<std::unique_ptr<RecommendationWriter>> Begin(Store& store, int64_t expected_rows);
  RecommendationWriter(const RecommendationWriter&) = delete;
  RecommendationWriter& operator=(const RecommendationWriter&) = delete;
  ~RecommendationWriter();  // restores the connection's page cache size

  // Queues one recommendation (with its recommending states, themes and SDG links) and returns
  // the id it will have. rec and dup_key are not copied: they must stay alive and unchanged
  // until the next Flush() or Finish() returns.
  Result<int64_t> Add(const Recommendation& rec, const std::string& dup_key,
                      int64_t source_file_id);
  // Inserts one voluntary pledge (not queued) and returns its id.
  Result<int64_t> AddPledge(const Pledge& pledge, const std::string& dup_key,
                            const std::string& orgs, int64_t source_file_id);
  // Writes everything queued; after it, the rows given to Add may be released.
  Status Flush();
  // Flushes and rebuilds the indexes dropped at Begin, if any: the rows added after it update
  // them as they go, and queries of the rows written (by the caller, in the same transaction)
  // use them. Idempotent.
  Status RebuildIndexes();
  // Flushes, rebuilds dropped indexes and restores the page cache size. Idempotent.
  Status Finish();

 private:
  struct Row {
    const Recommendation* rec;
    const std::string* dup_key;
    int64_t source_file_id;
    int64_t id;
  };
  struct ThemeLink {
    int64_t id;
    int64_t theme_id;
  };
  RecommendationWriter(Store& store, int64_t next_id)
      : store_(store), first_id_(next_id), next_id_(next_id) {}
  // kInternal naming the row when a reference has no parent row.
  Status CheckReferences(std::string_view what, int64_t line, std::string_view state, int session,
                         int64_t source_file_id);
  Status CheckRecommendationExists(int64_t id, int64_t line);
  void RestoreCacheSize();

  Store& store_;
  const int64_t first_id_;  // the first id this writer assigns
  int64_t next_id_;
  std::unordered_set<std::string> states_;  // the parent rows, read at Begin
  std::unordered_set<int64_t> sessions_;
  int64_t checked_source_file_ = 0;
  std::vector<Row> rows_;
  std::vector<ThemeLink> themes_;
  std::vector<std::string> rebuild_sql_;     // CREATE INDEX statements of the dropped indexes
  std::optional<int64_t> saved_cache_size_;  // the connection's, while the writer's is in force
  MultiRowInserter inserter_{store_.db()};
};

}  // namespace openupr::store

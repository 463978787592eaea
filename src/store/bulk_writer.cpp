#include "store/bulk_writer.h"

namespace openupr::store {
namespace {

// Rows per multi-row INSERT: the statement for a full batch is prepared once; SQLite allows
// 32,766 parameters per statement.
constexpr size_t kRecommendationBatch = 128;  // 13 parameters per row
constexpr size_t kFromBatch = 256;            // 4
constexpr size_t kThemeBatch = 512;           // 2
constexpr size_t kSdgBatch = 256;             // 3

// The page cache (PRAGMA cache_size, in KiB when negative) while a writer appends. Appended pages
// are filled once and seldom read again within the transaction, and a small cache is spilled
// to the file and its memory reused: the connection's own cache (256 MiB) would instead hold
// every new page in memory fresh from the system, and each new page of memory costs a page fault
// (about 10 us on the machines measured, docs/benchmarks.md).
constexpr int64_t kBulkCacheKiB = 2048;

}  // namespace

Result<std::unique_ptr<RecommendationWriter>> RecommendationWriter::Begin(Store& store,
                                                                          int64_t expected_rows) {
  Database& db = store.db();
  store.ClearThemeCache();  // (ids an earlier, rolled-back transaction cached may be gone)
  auto max_id = db.QueryInt("SELECT coalesce(max(id), 0) FROM recommendation");
  if (!max_id.ok()) return max_id.status();
  std::unique_ptr<RecommendationWriter> w(new RecommendationWriter(store, *max_id + 1));
  auto cache = db.QueryInt("PRAGMA cache_size");
  if (!cache.ok()) return cache.status();
  OPENUPR_RETURN_IF_ERROR(db.Exec("PRAGMA cache_size = " + std::to_string(-kBulkCacheKiB)));
  w->saved_cache_size_ = *cache;
  OPENUPR_RETURN_IF_ERROR(db.ForEachRow("SELECT iso3 FROM state",
                                        [&](Statement& s) { w->states_.insert(s.String(0)); }));
  OPENUPR_RETURN_IF_ERROR(db.ForEachRow("SELECT number FROM session",
                                        [&](Statement& s) { w->sessions_.insert(s.Int(0)); }));
  auto stored = db.QueryInt("SELECT count(*) FROM recommendation");
  if (!stored.ok()) return stored.status();
  if (expected_rows > 0 && expected_rows >= *stored) {
    // The schema's own definitions, so that the rebuilt indexes are exactly the dropped ones.
    std::vector<std::string> names;
    OPENUPR_RETURN_IF_ERROR(db.ForEachRow(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
        "tbl_name IN ('recommendation', 'recommending_state', 'recommendation_theme', "
        "'recommendation_sdg') ORDER BY name",
        [&](Statement& s) {
          names.push_back(s.String(0));
          w->rebuild_sql_.push_back(s.String(1));
        }));
    for (const std::string& name : names)
      OPENUPR_RETURN_IF_ERROR(db.Exec("DROP INDEX \"" + name + "\""));
  }
  return w;
}

Status RecommendationWriter::CheckReferences(std::string_view what, int64_t line,
                                             std::string_view state, int session,
                                             int64_t source_file_id) {
  auto fail = [&](const std::string& problem) {
    return Status::Internal("bulk writer: the " + std::string(what) + " of line " +
                            std::to_string(line) + " of source file #" +
                            std::to_string(source_file_id) + " " + problem);
  };
  if (!states_.contains(std::string(state)))
    return fail("names state '" + std::string(state) + "', which the state table does not hold");
  if (!sessions_.contains(session))
    return fail("names session " + std::to_string(session) +
                ", which the session table does not hold");
  if (source_file_id != checked_source_file_) {
    auto s = store_.db().Prepare("SELECT 1 FROM source_file WHERE id = ?");
    if (!s.ok()) return s.status();
    s->Bind(1, source_file_id);
    OPENUPR_RETURN_IF_ERROR(
        s->ForEachRow([&](Statement&) { checked_source_file_ = source_file_id; }));
    if (checked_source_file_ != source_file_id) return fail("has no source_file row");
  }
  return Status::Ok();
}

Status RecommendationWriter::CheckRecommendationExists(int64_t id, int64_t line) {
  bool found = id >= first_id_ && id < next_id_;  // written or queued by this writer
  if (!found && id > 0 && id < first_id_) {
    auto s = store_.db().Prepare("SELECT 1 FROM recommendation WHERE id = ?");
    if (!s.ok()) return s.status();
    s->Bind(1, id);
    OPENUPR_RETURN_IF_ERROR(s->ForEachRow([&](Statement&) { found = true; }));
  }
  if (!found)
    return Status::Internal("bulk writer: the recommendation of line " + std::to_string(line) +
                            " repeats recommendation #" + std::to_string(id) +
                            ", which does not exist");
  return Status::Ok();
}

Result<int64_t> RecommendationWriter::Add(const Recommendation& rec, const std::string& dup_key,
                                          int64_t source_file_id) {
  const int64_t line = rec.provenance.line;
  OPENUPR_RETURN_IF_ERROR(
      CheckReferences("recommendation", line, rec.sur, rec.session, source_file_id));
  for (const RecommendingState& from : rec.from)
    if (!from.iso3.empty() && !states_.contains(from.iso3))
      return Status::Internal("bulk writer: the recommendation of line " + std::to_string(line) +
                              " is made by state '" + from.iso3 +
                              "', which the state table does not hold");
  if (rec.duplicate_of) OPENUPR_RETURN_IF_ERROR(CheckRecommendationExists(*rec.duplicate_of, line));
  if (rec.uid.empty())
    return Status::Internal("bulk writer: the recommendation of line " + std::to_string(line) +
                            " has no uid");
  const int64_t id = next_id_++;
  rows_.push_back({&rec, &dup_key, source_file_id, id});
  const size_t first_theme = themes_.size();
  for (const std::string& t : rec.themes) {
    auto tid = store_.ThemeId(t);
    if (!tid.ok()) return tid.status();
    // A theme listed twice in one row is one link (the table's key).
    bool listed = false;
    for (size_t i = first_theme; i < themes_.size() && !listed; ++i)
      listed = themes_[i].theme_id == *tid;
    if (!listed) themes_.push_back({id, *tid});
  }
  if (rows_.size() >= 8 * kRecommendationBatch) OPENUPR_RETURN_IF_ERROR(Flush());
  return id;
}

Result<int64_t> RecommendationWriter::AddPledge(const Pledge& pledge, const std::string& dup_key,
                                                const std::string& orgs, int64_t source_file_id) {
  OPENUPR_RETURN_IF_ERROR(CheckReferences("pledge", pledge.provenance.line, pledge.state,
                                          pledge.session, source_file_id));
  // (A repeated pledge points to a pledge the importer found in this table or wrote itself.)
  if (pledge.uid.empty())
    return Status::Internal("bulk writer: the pledge of line " +
                            std::to_string(pledge.provenance.line) + " has no uid");
  return store_.InsertPledge(pledge, dup_key, orgs, source_file_id);
}

Status RecommendationWriter::Flush() {
  // Parents first: the child rows' foreign keys are checked at the end of each statement.
  OPENUPR_RETURN_IF_ERROR(inserter_.Insert(
      "INSERT INTO recommendation(id, sur, session, cycle, text, dup_key, response, "
      "response_raw, action, sur_orgs, from_orgs, source_file_id, source_line, duplicate_of, uid)",
      15, kRecommendationBatch, rows_, [](Statement& s, int p, const Row& row) {
        const Recommendation& r = *row.rec;
        s.Bind(p, row.id).BindStatic(p + 1, r.sur).Bind(p + 2, r.session).Bind(p + 3, r.cycle);
        s.BindStatic(p + 4, r.text).BindStatic(p + 5, *row.dup_key);
        s.BindStatic(p + 6, ResponseCode(r.response)).BindStatic(p + 7, r.response_raw);
        s.Bind(p + 8, r.action).BindStatic(p + 9, r.sur_orgs).BindStatic(p + 10, r.from_orgs);
        s.Bind(p + 11, row.source_file_id).Bind(p + 12, r.provenance.line);
        s.Bind(p + 13, r.duplicate_of).BindStatic(p + 14, r.uid);
      }));
  struct FromLink {
    int64_t id;
    int64_t position;
    const RecommendingState* state;
  };
  struct SdgLink {
    int64_t id;
    int64_t goal;
    std::string_view target;
  };
  std::vector<FromLink> from;
  std::vector<SdgLink> sdgs;
  for (const Row& row : rows_) {
    for (size_t i = 0; i < row.rec->from.size(); ++i)
      from.push_back({row.id, static_cast<int64_t>(i), &row.rec->from[i]});
    const size_t first_sdg = sdgs.size();
    for (const std::string& code : row.rec->sdgs) {
      const size_t dot = code.find('.');
      const int64_t goal = std::stoi(code.substr(0, dot));
      const std::string_view target =
          dot == std::string::npos ? std::string_view("") : std::string_view(code);
      // (goal, target) is the table's key, and the source repeats links.
      bool listed = false;
      for (size_t i = first_sdg; i < sdgs.size() && !listed; ++i)
        listed = sdgs[i].goal == goal && sdgs[i].target == target;
      if (!listed) sdgs.push_back({row.id, goal, target});
    }
  }
  OPENUPR_RETURN_IF_ERROR(inserter_.Insert(
      "INSERT INTO recommending_state(recommendation_id, position, state, raw_name)", 4, kFromBatch,
      from, [](Statement& s, int p, const FromLink& f) {
        s.Bind(p, f.id).Bind(p + 1, f.position).BindStatic(p + 3, f.state->raw_name);
        if (f.state->iso3.empty()) {
          s.BindNull(p + 2);
        } else {
          s.BindStatic(p + 2, f.state->iso3);
        }
      }));
  OPENUPR_RETURN_IF_ERROR(inserter_.Insert(
      "INSERT INTO recommendation_theme(recommendation_id, theme_id)", 2, kThemeBatch, themes_,
      [](Statement& s, int p, const ThemeLink& t) { s.Bind(p, t.id).Bind(p + 1, t.theme_id); }));
  OPENUPR_RETURN_IF_ERROR(
      inserter_.Insert("INSERT INTO recommendation_sdg(recommendation_id, goal, target)", 3,
                       kSdgBatch, sdgs, [](Statement& s, int p, const SdgLink& l) {
                         s.Bind(p, l.id).Bind(p + 1, l.goal).BindStatic(p + 2, l.target);
                       }));
  rows_.clear();
  themes_.clear();
  return Status::Ok();
}

Status RecommendationWriter::RebuildIndexes() {
  OPENUPR_RETURN_IF_ERROR(Flush());
  for (const std::string& sql : rebuild_sql_) OPENUPR_RETURN_IF_ERROR(store_.db().Exec(sql));
  rebuild_sql_.clear();
  return Status::Ok();
}

Status RecommendationWriter::Finish() {
  OPENUPR_RETURN_IF_ERROR(RebuildIndexes());
  RestoreCacheSize();
  return Status::Ok();
}

void RecommendationWriter::RestoreCacheSize() {
  if (!saved_cache_size_) return;
  (void)store_.db().Exec("PRAGMA cache_size = " + std::to_string(*saved_cache_size_));
  saved_cache_size_.reset();
}

RecommendationWriter::~RecommendationWriter() { RestoreCacheSize(); }

}  // namespace openupr::store

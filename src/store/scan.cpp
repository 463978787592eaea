#include "store/scan.h"

#include <unordered_map>

namespace openupr::store {
namespace {

// One child table read in recommendation_id order, merged with the main cursor.
class ChildCursor {
 public:
  explicit ChildCursor(Statement stmt) : stmt_(std::move(stmt)) {}
  Status Next() {
    auto row = stmt_.Step();
    if (!row.ok()) return row.status();
    done_ = !*row;
    return Status::Ok();
  }
  // Skips rows before id (none exist while foreign keys hold), then calls take(stmt) for each row
  // of id.
  template <typename F>
  Status Collect(int64_t id, F&& take) {
    while (!done_ && stmt_.Int(0) < id) OPENUPR_RETURN_IF_ERROR(Next());
    while (!done_ && stmt_.Int(0) == id) {
      take(stmt_);
      OPENUPR_RETURN_IF_ERROR(Next());
    }
    return Status::Ok();
  }

 private:
  Statement stmt_;
  bool done_ = false;
};

Result<ChildCursor> OpenChild(Database& db, const char* sql, int64_t after_id) {
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, after_id);
  ChildCursor cursor(std::move(stmt).value());
  OPENUPR_RETURN_IF_ERROR(cursor.Next());
  return cursor;
}

// The predicted action and themes of the records that have any (one read of predicted_label):
// by uid, the action (0 for none) and the theme names in name order.
struct Predicted {
  int action = 0;
  std::vector<std::string> themes;
};
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using PredictedByUid = std::unordered_map<std::string, Predicted, StringHash, std::equal_to<>>;

Result<PredictedByUid> ReadPredicted(Database& db) {
  PredictedByUid out;
  OPENUPR_RETURN_IF_ERROR(db.ForEachRow(
      "SELECT record_uid, kind, label FROM predicted_label WHERE kind IN ('action', 'theme') "
      "AND substr(record_uid, 1, 5) <> 'uhri-' "
      "ORDER BY record_uid, kind, label",
      [&](Statement& s) {
        Predicted& p = out[s.String(0)];
        if (s.Text(1) == "action") {
          const std::string label = s.String(2);
          const int a = label.size() == 1 ? label[0] - '0' : 0;
          if (a >= 1 && a <= 5) p.action = a;
        } else {
          p.themes.push_back(s.String(2));
        }
      }));
  return out;
}

}  // namespace

Result<std::string> PredictedLabelsStamp(Store& store) {
  auto st = store.db().Prepare("SELECT value FROM meta WHERE key = ?");
  if (!st.ok()) return st.status();
  st->Bind(1, kPredictedLabelsKey);
  std::string out;
  OPENUPR_RETURN_IF_ERROR(st->ForEachRow([&](Statement& s) { out = s.String(0); }));
  return out;
}

Status ScanRecommendations(Store& store, int64_t after_id,
                           const std::function<Status(const ScannedRecommendation&)>& on_record) {
  Database& db = store.db();
  ReadSnapshot snapshot(db);
  OPENUPR_RETURN_IF_ERROR(snapshot.Begin());

  std::unordered_map<int64_t, std::string> theme_names;
  OPENUPR_RETURN_IF_ERROR(db.ForEachRow("SELECT id, name FROM theme", [&](Statement& s) {
    theme_names.emplace(s.Int(0), s.String(1));
  }));
  auto predicted = ReadPredicted(db);
  if (!predicted.ok()) return predicted.status();
  auto from = OpenChild(db,
                        "SELECT recommendation_id, coalesce(state, ''), raw_name "
                        "FROM recommending_state "
                        "WHERE recommendation_id > ? ORDER BY recommendation_id, position",
                        after_id);
  if (!from.ok()) return from.status();
  auto themes = OpenChild(db,
                          "SELECT recommendation_id, theme_id FROM recommendation_theme "
                          "WHERE recommendation_id > ? ORDER BY recommendation_id, theme_id",
                          after_id);
  if (!themes.ok()) return themes.status();
  auto sdgs = OpenChild(db,
                        "SELECT DISTINCT recommendation_id, goal FROM recommendation_sdg "
                        "WHERE recommendation_id > ? ORDER BY recommendation_id, goal",
                        after_id);
  if (!sdgs.ok()) return sdgs.status();
  auto main = db.Prepare(
      "SELECT id, sur, session, cycle, text, response, coalesce(action, 0), sur_orgs, from_orgs, "
      "uid FROM recommendation WHERE id > ? ORDER BY id");
  if (!main.ok()) return main.status();
  main->Bind(1, after_id);

  ScannedRecommendation rec;
  // The child cursors' text is gone after their next step: copies.
  std::vector<std::string> from_codes, from_raw;
  while (true) {
    auto row = main->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const Statement& s = *main;
    rec.id = s.Int(0);
    rec.sur = s.Text(1);
    rec.session = static_cast<int>(s.Int(2));
    rec.cycle = static_cast<int>(s.Int(3));
    rec.text = s.Text(4);
    rec.response = s.Text(5);
    rec.action = static_cast<int>(s.Int(6));
    rec.sur_orgs = s.Text(7);
    rec.from_orgs = s.Text(8);
    rec.uid = s.Text(9);
    from_codes.clear();
    from_raw.clear();
    OPENUPR_RETURN_IF_ERROR(from->Collect(rec.id, [&](Statement& c) {
      from_codes.push_back(c.String(1));
      from_raw.push_back(c.String(2));
    }));
    rec.from.assign(from_codes.begin(), from_codes.end());
    rec.from_raw.assign(from_raw.begin(), from_raw.end());
    rec.themes.clear();
    OPENUPR_RETURN_IF_ERROR(themes->Collect(rec.id, [&](Statement& c) {
      auto it = theme_names.find(c.Int(1));
      if (it != theme_names.end()) rec.themes.push_back(it->second);
    }));
    rec.action_predicted = rec.themes_predicted = false;
    if (!predicted->empty() && (rec.action == 0 || rec.themes.empty())) {
      auto p = predicted->find(rec.uid);
      if (p != predicted->end()) {
        if (rec.action == 0 && p->second.action != 0) {
          rec.action = p->second.action;
          rec.action_predicted = true;
        }
        if (rec.themes.empty() && !p->second.themes.empty()) {
          rec.themes.assign(p->second.themes.begin(), p->second.themes.end());
          rec.themes_predicted = true;
        }
      }
    }
    rec.sdg_goals.clear();
    OPENUPR_RETURN_IF_ERROR(sdgs->Collect(
        rec.id, [&](Statement& c) { rec.sdg_goals.push_back(static_cast<int>(c.Int(1))); }));
    OPENUPR_RETURN_IF_ERROR(on_record(rec));
  }
  return Status::Ok();
}

}  // namespace openupr::store

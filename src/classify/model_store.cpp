#include "classify/model_store.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "classify/evaluate.h"
#include "core/hash.h"
#include "store/scan.h"
#include "store/sqlite.h"

namespace openupr::classify {
namespace {

// Records the stamp of the predicted labels (store::kPredictedLabelsKey); "" removes it.
Status SetPredictedLabelsStamp(store::Database& db, const std::string& stamp) {
  if (stamp.empty()) {
    auto del = db.Prepare("DELETE FROM meta WHERE key = ?");
    if (!del.ok()) return del.status();
    del->Bind(1, store::kPredictedLabelsKey);
    return del->Run();
  }
  auto put = db.Prepare(
      "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
      "excluded.value");
  if (!put.ok()) return put.status();
  put->Bind(1, store::kPredictedLabelsKey).Bind(2, stamp);
  return put->Run();
}

bool Labelled(const LabelledRecord& r) {
  return !r.example.themes.empty() || (r.example.action >= 1 && r.example.action <= 5);
}

}  // namespace

Result<TrainReport> TrainAndStore(store::Store& store, const TrainOptions& options) {
  auto all = LoadRecords(store);
  if (!all.ok()) return all.status();
  std::vector<LabelledRecord> labelled;
  for (auto& r : *all)
    if (Labelled(r)) labelled.push_back(std::move(r));
  if (labelled.empty())
    return Status::InvalidArgument(
        "the database has no labelled recommendation (themes or action category) to train on");
  TrainReport report;
  std::vector<Example> examples;
  for (const auto& r : labelled) examples.push_back(r.example);
  const auto t0 = std::chrono::steady_clock::now();
  auto c = Classifier::Train(examples, options);
  if (!c.ok()) return c.status();
  report.train_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // Quality: train on the earlier sessions, test on the latest ones holding about a quarter of
  // the labelled records (a time split, as real use is).
  nlohmann::json quality = {{"train_seconds", report.train_seconds}};
  std::map<int, int> per_session;
  for (const auto& r : labelled) ++per_session[r.session];
  int cut = 0, seen = 0;
  for (auto it = per_session.rbegin(); it != per_session.rend(); ++it) {
    if (seen + it->second > static_cast<int>(labelled.size()) / 4 && seen > 0) break;
    seen += it->second;
    cut = it->first;
  }
  if (per_session.size() >= 2 && cut > per_session.begin()->first) {
    std::vector<Example> early;
    std::vector<LabelledRecord> late;
    for (const auto& r : labelled) {
      if (r.session < cut)
        early.push_back(r.example);
      else
        late.push_back(r);
    }
    auto held = Classifier::Train(early, options);
    if (!held.ok()) return held.status();
    const SystemResult m = MeasureClassifier(*held, late);
    report.holdout = "train sessions " + std::to_string(per_session.begin()->first) + "-" +
                     std::to_string(cut - 1) + ", test " + std::to_string(cut) + "-" +
                     std::to_string(per_session.rbegin()->first);
    quality["holdout"] = report.holdout;
    quality["test_records"] = late.size();
    quality["themes_micro_f1"] = m.themes.micro_f1;
    quality["themes_macro_f1"] = m.themes.macro_f1;
    quality["action_accuracy"] = m.action.accuracy;
    quality["action_macro_f1"] = m.action.macro_f1;
    if (auto s = MeasureSupport(*held, late)) {
      quality["support_auc"] = s->model.auc;
      quality["support_brier"] = s->model.brier;
      quality["support_baseline_auc"] = s->baseline.auc;
    }
  } else {
    report.holdout = "none (one session)";
    quality["holdout"] = nullptr;
  }

  ModelInfo& info = report.model;
  info.name = kModelName;
  info.kind = kModelKind;
  info.training_fingerprint = TrainingFingerprint(labelled);
  info.training_records = static_cast<int64_t>(labelled.size());
  info.schema_version = store.schema_version();
  info.seed = options.seed;
  info.quality_json = quality.dump();
  const std::string blob = c->Serialize(store.schema_version());

  store::Database& db = store.db();
  auto tx = store::Transaction::Begin(db);
  if (!tx.ok()) return tx.status();
  OPENUPR_RETURN_IF_ERROR(db.Exec("DELETE FROM predicted_label"));
  OPENUPR_RETURN_IF_ERROR(SetPredictedLabelsStamp(db, ""));
  OPENUPR_RETURN_IF_ERROR(db.Exec("DELETE FROM model"));
  auto ins = db.Prepare(
      "INSERT INTO model(name, kind, created, training_fingerprint, training_records, "
      "schema_version, seed, quality, blob) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
      "?, ?, ?, ?, ?, ?) RETURNING id, created");
  if (!ins.ok()) return ins.status();
  ins->Bind(1, info.name)
      .Bind(2, info.kind)
      .Bind(3, info.training_fingerprint)
      .Bind(4, info.training_records)
      .Bind(5, info.schema_version)
      .Bind(6, static_cast<int64_t>(info.seed))
      .Bind(7, info.quality_json)
      .BindBlob(8, blob);
  auto row = ins->Step();
  if (!row.ok()) return row.status();
  info.id = ins->Int(0);
  info.created = ins->String(1);
  ins->Reset();
  OPENUPR_RETURN_IF_ERROR((*tx)->Commit());
  return report;
}

Result<LoadedModel> LoadModel(store::Store& store) {
  auto st = store.db().Prepare(
      "SELECT id, name, kind, created, training_fingerprint, training_records, schema_version, "
      "seed, quality, blob FROM model ORDER BY id DESC LIMIT 1");
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row)
    return Status::NotFound("no classifier model stored in " + store.path() +
                            ": train one with `openupr classify train`");
  LoadedModel m;
  m.info.id = st->Int(0);
  m.info.name = st->String(1);
  m.info.kind = st->String(2);
  m.info.created = st->String(3);
  m.info.training_fingerprint = st->String(4);
  m.info.training_records = st->Int(5);
  m.info.schema_version = static_cast<int>(st->Int(6));
  m.info.seed = static_cast<uint64_t>(st->Int(7));
  m.info.quality_json = st->String(8);
  auto c = Classifier::Deserialize(st->Blob(9), store.schema_version());
  if (!c.ok())
    return Status(c.status().code() == StatusCode::kConflict
                      ? Status::Conflict(c.status().message())
                      : Status::BadInput("model " + std::to_string(m.info.id) + " in " +
                                         store.path() + ": " + c.status().message()));
  m.classifier = std::make_shared<const Classifier>(std::move(c).value());
  return m;
}

Result<ApplyReport> ApplyModel(store::Store& store) {
  auto m = LoadModel(store);
  if (!m.ok()) return m.status();
  // What each record lacks from its source: the recommendations' own labels; an observation
  // (a treaty body's or a special procedure's, uhri_record) has no action category and no UPR
  // Info theme, and SDG targets only when UHRI gives them.
  struct Row {
    std::string uid, text;
    bool has_themes, has_action, has_sdgs, observation;
  };
  std::vector<Row> rows;
  store::Database& db = store.db();
  {
    store::ReadSnapshot read(db);
    OPENUPR_RETURN_IF_ERROR(read.Begin());
    Status scan = store::ScanRecommendations(store, 0, [&](const store::ScannedRecommendation& r) {
      // The scan reads predicted labels too: a source label is one not marked predicted.
      rows.push_back({std::string(r.uid), std::string(r.text),
                      !r.themes.empty() && !r.themes_predicted,
                      r.action != 0 && !r.action_predicted, !r.sdg_goals.empty(), false});
      return Status::Ok();
    });
    if (!scan.ok()) return scan;
    OPENUPR_RETURN_IF_ERROR(db.ForEachRow(
        "SELECT u.uid, u.text, EXISTS (SELECT 1 FROM uhri_record_term l JOIN uhri_term t "
        "ON t.id = l.term_id WHERE l.uhri_id = u.id AND t.kind = 'sdg') "
        "FROM uhri_record u WHERE u.mechanism <> 'upr' ORDER BY u.id",
        [&](store::Statement& s) {
          rows.push_back({s.String(0), s.String(1), false, false, s.Int(2) != 0, true});
        }));
  }
  ApplyReport rep;
  rep.model_id = m->info.id;
  auto tx = store::Transaction::Begin(db);
  if (!tx.ok()) return tx.status();
  OPENUPR_RETURN_IF_ERROR(db.Exec("DELETE FROM predicted_label"));
  auto ins = db.Prepare(
      "INSERT INTO predicted_label(record_uid, model_id, kind, label, score) VALUES (?, ?, ?, ?, "
      "?)");
  if (!ins.ok()) return ins.status();
  // The stamp the in-memory engine compares (store::kPredictedLabelsKey): what was written.
  std::string written = std::to_string(rep.model_id);
  auto put = [&](const std::string& uid, const char* kind, const std::string& label, double score) {
    ins->Bind(1, uid).Bind(2, rep.model_id).Bind(3, kind).Bind(4, label).Bind(5, score);
    Status s = ins->Run();
    ins->Reset();
    written.append(uid).push_back('\x1f');
    written.append(kind).push_back('\x1f');
    written.append(label).push_back('\x1e');
    return s;
  };
  // Predictions in blocks, on two threads (Classifier::Predict is thread-safe); the rows are
  // written in order by this thread.
  constexpr size_t kBlock = 4096;
  std::vector<Result<Prediction>> predicted;
  std::vector<size_t> todo;
  for (size_t begin = 0; begin < rows.size(); begin += kBlock) {
    const size_t end = std::min(rows.size(), begin + kBlock);
    todo.clear();
    for (size_t i = begin; i < end; ++i) {
      const Row& r = rows[i];
      if (!(r.has_themes && r.has_action && r.has_sdgs)) todo.push_back(i);
    }
    predicted.assign(todo.size(), Status::NotFound(""));
    auto work = [&](size_t first, size_t step) {
      for (size_t k = first; k < todo.size(); k += step)
        predicted[k] = m->classifier->Predict(rows[todo[k]].text);
    };
    std::thread other(work, 1, 2);
    work(0, 2);
    other.join();
    for (size_t k = 0; k < todo.size(); ++k) {
      const Row& r = rows[todo[k]];
      const Result<Prediction>& p = predicted[k];
      if (!p.ok()) continue;  // an empty text has nothing to predict from
      bool any = false;
      if (!r.has_themes)
        for (const auto& t : p->themes) {
          OPENUPR_RETURN_IF_ERROR(put(r.uid, "theme", t.label, t.score));
          ++rep.themes;
          any = true;
        }
      if (!r.has_action && p->action) {
        OPENUPR_RETURN_IF_ERROR(put(r.uid, "action", std::to_string(p->action), p->action_score));
        ++rep.actions;
        any = true;
      }
      if (!r.has_sdgs)
        for (const auto& g : p->sdgs) {
          OPENUPR_RETURN_IF_ERROR(put(r.uid, "sdg", g.label, g.score));
          ++rep.sdgs;
          any = true;
        }
      if (!any) continue;
      ++rep.records;
      ++(r.observation ? rep.observations : rep.recommendations);
    }
  }
  OPENUPR_RETURN_IF_ERROR(SetPredictedLabelsStamp(db, Xxh3Hex128(written)));
  OPENUPR_RETURN_IF_ERROR((*tx)->Commit());
  return rep;
}

Result<std::vector<PredictedLabel>> PredictedLabelsOf(store::Store& store, std::string_view uid) {
  auto st = store.db().Prepare(
      "SELECT kind, label, score, model_id FROM predicted_label WHERE record_uid = ? "
      "ORDER BY kind, score DESC, label");
  if (!st.ok()) return st.status();
  st->Bind(1, uid);
  std::vector<PredictedLabel> out;
  OPENUPR_RETURN_IF_ERROR(st->ForEachRow([&](store::Statement& s) {
    out.push_back({s.String(0), s.String(1), s.Double(2), s.Int(3)});
  }));
  return out;
}

}  // namespace openupr::classify

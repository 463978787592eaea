#include "store/schema.h"

#include <unordered_map>

#include "core/dup_key.h"
#include "core/identity.h"
#include "store/sqlite.h"

namespace openupr::store {
namespace {

// Version 1: meta (key/value facts about the file, e.g. the digest of the reference data it
// holds), states and sessions (reference data, refreshed by the store when the program's
// table changes), imports
// with their source files, recommendations with recommending states, themes and SDG links,
// voluntary pledges, and the full-text index over recommendation texts.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE state (
  iso3      TEXT PRIMARY KEY,
  iso2      TEXT NOT NULL,
  m49       TEXT NOT NULL,
  name      TEXT NOT NULL,
  region    TEXT NOT NULL,
  un_member INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE session (
  number INTEGER PRIMARY KEY,
  cycle  INTEGER NOT NULL
);

CREATE TABLE import (
  id          INTEGER PRIMARY KEY,
  started_at  TEXT NOT NULL,
  tool        TEXT NOT NULL,
  options     TEXT NOT NULL
);

CREATE TABLE source_file (
  id              INTEGER PRIMARY KEY,
  import_id       INTEGER NOT NULL REFERENCES import(id),
  path            TEXT NOT NULL,
  content_hash    TEXT NOT NULL UNIQUE,
  bytes           INTEGER NOT NULL,
  format          TEXT NOT NULL,
  encoding        TEXT NOT NULL,
  line_ends       TEXT NOT NULL,
  rows            INTEGER NOT NULL,
  added           INTEGER NOT NULL,
  repeats         INTEGER NOT NULL,
  already_present INTEGER NOT NULL,
  skipped         INTEGER NOT NULL
);

CREATE TABLE theme (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE recommendation (
  id             INTEGER PRIMARY KEY,
  sur            TEXT NOT NULL REFERENCES state(iso3),
  session        INTEGER NOT NULL REFERENCES session(number),
  cycle          INTEGER NOT NULL,
  text           TEXT NOT NULL,
  dup_key        TEXT NOT NULL,
  response       TEXT NOT NULL CHECK (response IN ('supported', 'noted', 'other')),
  response_raw   TEXT NOT NULL,
  action         INTEGER CHECK (action BETWEEN 1 AND 5),
  sur_orgs       TEXT NOT NULL DEFAULT '',
  from_orgs      TEXT NOT NULL DEFAULT '',
  source_file_id INTEGER NOT NULL REFERENCES source_file(id),
  source_line    INTEGER NOT NULL,
  duplicate_of   INTEGER REFERENCES recommendation(id)
);
CREATE INDEX recommendation_sur_session ON recommendation(sur, session);

CREATE TABLE recommending_state (
  recommendation_id INTEGER NOT NULL REFERENCES recommendation(id) ON DELETE CASCADE,
  position          INTEGER NOT NULL,
  state             TEXT REFERENCES state(iso3),
  raw_name          TEXT NOT NULL,
  PRIMARY KEY (recommendation_id, position)
) WITHOUT ROWID;
CREATE INDEX recommending_state_state ON recommending_state(state);

CREATE TABLE recommendation_theme (
  recommendation_id INTEGER NOT NULL REFERENCES recommendation(id) ON DELETE CASCADE,
  theme_id          INTEGER NOT NULL REFERENCES theme(id),
  PRIMARY KEY (recommendation_id, theme_id)
) WITHOUT ROWID;
CREATE INDEX recommendation_theme_theme ON recommendation_theme(theme_id);

CREATE TABLE recommendation_sdg (
  recommendation_id INTEGER NOT NULL REFERENCES recommendation(id) ON DELETE CASCADE,
  goal              INTEGER NOT NULL CHECK (goal BETWEEN 1 AND 17),
  target            TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (recommendation_id, goal, target)
) WITHOUT ROWID;

CREATE TABLE pledge (
  id             INTEGER PRIMARY KEY,
  state          TEXT NOT NULL REFERENCES state(iso3),
  session        INTEGER NOT NULL REFERENCES session(number),
  cycle          INTEGER NOT NULL,
  text           TEXT NOT NULL,
  dup_key        TEXT NOT NULL,
  action         INTEGER CHECK (action BETWEEN 1 AND 5),
  orgs           TEXT NOT NULL DEFAULT '',
  source_file_id INTEGER NOT NULL REFERENCES source_file(id),
  source_line    INTEGER NOT NULL,
  duplicate_of   INTEGER REFERENCES pledge(id)
);

CREATE TABLE pledge_theme (
  pledge_id INTEGER NOT NULL REFERENCES pledge(id) ON DELETE CASCADE,
  theme_id  INTEGER NOT NULL REFERENCES theme(id),
  PRIMARY KEY (pledge_id, theme_id)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE recommendation_fts USING fts5(
  text, content='recommendation', content_rowid='id', tokenize='openupr'
);
CREATE TRIGGER recommendation_fts_delete AFTER DELETE ON recommendation BEGIN
  INSERT INTO recommendation_fts(recommendation_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER recommendation_fts_update AFTER UPDATE OF text ON recommendation BEGIN
  INSERT INTO recommendation_fts(recommendation_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO recommendation_fts(rowid, text) VALUES (new.id, new.text);
END;
)sql";

// Version 2: the full-text index is filled outside the import transaction (imports only write
// the record; Store::EnsureFullTextIndex brings the index up to date before a full-text query).
// meta 'fts_indexed_through' is the highest recommendation id in the index; the delete and
// update triggers only touch rows the index holds (FTS5 must never be told to delete a row it
// never indexed).
constexpr const char* kSchemaV2 = R"sql(
DROP TRIGGER recommendation_fts_delete;
DROP TRIGGER recommendation_fts_update;
CREATE TRIGGER recommendation_fts_delete AFTER DELETE ON recommendation
WHEN old.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_indexed_through') BEGIN
  INSERT INTO recommendation_fts(recommendation_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER recommendation_fts_update AFTER UPDATE OF text ON recommendation
WHEN old.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_indexed_through') BEGIN
  INSERT INTO recommendation_fts(recommendation_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO recommendation_fts(rowid, text) VALUES (new.id, new.text);
END;
INSERT INTO meta(key, value)
  VALUES ('fts_indexed_through', (SELECT coalesce(max(id), 0) FROM recommendation))
  ON CONFLICT(key) DO UPDATE SET value = excluded.value;
)sql";

// Version 3: the recommendation table's check on response is written as comparisons. SQLite
// evaluates "response IN (...)" by building and clearing a temporary index for every inserted
// row, about a tenth of an import's instructions. The two forms accept exactly the same rows and
// the table's stored format does not change, so the definition is edited in place, the way
// SQLite documents for changes that leave the stored content valid ("Making Other Kinds Of
// Table Schema Changes", sqlite.org/lang_altertable.html); the runner bumps schema_version.
constexpr const char* kSchemaV3 = R"sql(
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, 'CHECK (response IN (''supported'', ''noted'', ''other''))',
                     'CHECK (response = ''supported'' OR response = ''noted'' OR response = ''other'')')
 WHERE type = 'table' AND name = 'recommendation';
PRAGMA writable_schema = OFF;
)sql";

// Version 4: no index on recommending_state(state) nor on recommendation_theme(theme_id). The
// filters by recommending state and by theme ask, for each recommendation, whether it has such a
// link (a correlated EXISTS), which the link tables' primary keys (recommendation_id first)
// answer as well; the query plans and times of the CLI's filters and group-bys were the same
// without them (docs/benchmarks.md), and rebuilding them was a sixth of an import's instructions.
constexpr const char* kSchemaV4 = R"sql(
DROP INDEX IF EXISTS recommending_state_state;
DROP INDEX IF EXISTS recommendation_theme_theme;
)sql";

// Version 5: duplicate keys are 128-bit XXH3 hashes instead of BLAKE2b (core/dup_key.h): the
// keys only tell rows apart, and BLAKE2b took a tenth of an import's time. Every stored key is
// recomputed from its row, so that later imports still find the rows already stored.
Status RehashDuplicateKeys(Database& db) {
  auto update = db.Prepare("UPDATE recommendation SET dup_key = ? WHERE id = ?");
  if (!update.ok()) return update.status();
  Recommendation rec;
  Status st;
  auto flush = [&] {
    if (rec.id == 0 || !st.ok()) return;
    update->Bind(1, RecommendationKey(rec)).Bind(2, rec.id);
    st = update->Run();
  };
  OPENUPR_RETURN_IF_ERROR(db.ForEachRow(
      "SELECT r.id, r.sur, r.session, r.text, s.state, s.raw_name FROM recommendation r "
      "LEFT JOIN recommending_state s ON s.recommendation_id = r.id ORDER BY r.id, s.position",
      [&](Statement& row) {
        if (row.Int(0) != rec.id) {
          flush();
          rec.id = row.Int(0);
          rec.sur = row.String(1);
          rec.session = static_cast<int>(row.Int(2));
          rec.text = row.String(3);
          rec.from.clear();
        }
        if (!row.IsNull(5)) rec.from.push_back({row.IsNull(4) ? "" : row.String(4), row.String(5)});
      }));
  flush();
  OPENUPR_RETURN_IF_ERROR(st);
  auto pledge_update = db.Prepare("UPDATE pledge SET dup_key = ? WHERE id = ?");
  if (!pledge_update.ok()) return pledge_update.status();
  OPENUPR_RETURN_IF_ERROR(
      db.ForEachRow("SELECT id, state, session, text FROM pledge", [&](Statement& row) {
        if (!st.ok()) return;
        Pledge p;
        p.state = row.String(1);
        p.session = static_cast<int>(row.Int(2));
        p.text = row.String(3);
        pledge_update->Bind(1, PledgeKey(p)).Bind(2, row.Int(0));
        st = pledge_update->Run();
      }));
  return st;
}

// Version 6: no table changes. Files imported from now on are identified by the XXH3-128 of their
// bytes ("xxh3-128:", ingest/importer.h) instead of BLAKE2b-256 ("blake2b:", which this version
// still recognises). A version that knows only BLAKE2b would take such a file for a new one: the
// version number makes it refuse the database instead.
// Version 7: stable identities (core/identity.h). Every recommendation and pledge gets a uid
// made from its state, session and duplicate key, numbered by occurrence among the rows that
// share a key (in id order, which is the order they were stored); unique indexes make a uid name
// one record. New rows get theirs from the importer; no later migration recomputes them.
constexpr const char* kSchemaV7 = R"sql(
ALTER TABLE recommendation ADD COLUMN uid TEXT NOT NULL DEFAULT '';
ALTER TABLE pledge ADD COLUMN uid TEXT NOT NULL DEFAULT '';
)sql";

Status AssignUids(Database& db) {
  auto assign = [&db](const char* select, const char* update_sql,
                      std::string (*make)(std::string_view, int, std::string_view, int64_t))
      -> Status {
    auto update = db.Prepare(update_sql);
    if (!update.ok()) return update.status();
    std::unordered_map<std::string, int64_t> seen;  // occurrences per duplicate key
    Status st;
    OPENUPR_RETURN_IF_ERROR(db.ForEachRow(select, [&](Statement& row) {
      if (!st.ok()) return;
      const int64_t n = ++seen[row.String(3)];
      update->Bind(1, make(row.Text(1), static_cast<int>(row.Int(2)), row.Text(3), n))
          .Bind(2, row.Int(0));
      st = update->Run();
    }));
    return st;
  };
  OPENUPR_RETURN_IF_ERROR(assign("SELECT id, sur, session, dup_key FROM recommendation ORDER BY id",
                                 "UPDATE recommendation SET uid = ? WHERE id = ?",
                                 RecommendationUid));
  OPENUPR_RETURN_IF_ERROR(assign("SELECT id, state, session, dup_key FROM pledge ORDER BY id",
                                 "UPDATE pledge SET uid = ? WHERE id = ?", PledgeUid));
  return db.Exec(
      "CREATE UNIQUE INDEX recommendation_uid ON recommendation(uid);"
      "CREATE UNIQUE INDEX pledge_uid ON pledge(uid);");
}

// Version 8: the second kind of record, the Council's and the Commission's resolutions with
// their roll calls (core/record_type.h; ingest/hrc_votes.h reads them). A resolution is named by
// its OHCHR Search Library record (uid "ohchr-27576"); a new export of the same record updates
// its row in place (row_hash tells whether anything changed). Its counted_* columns are the
// stored country votes, recounted by every import of votes; reconciles says whether they equal
// the official totals (NULL for a resolution without a roll call). A vote's state is a state of
// the state table or a former state (former_state, reference data like state).
constexpr const char* kSchemaV8 = R"sql(
CREATE TABLE former_state (
  iso3      TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  region    TEXT NOT NULL,
  successor TEXT NOT NULL,
  until     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE resolution (
  id                INTEGER PRIMARY KEY,
  uid               TEXT NOT NULL UNIQUE,
  record_id         INTEGER NOT NULL UNIQUE,
  symbol            TEXT NOT NULL,
  title             TEXT NOT NULL,
  statement         TEXT NOT NULL,
  date              TEXT NOT NULL,
  year              INTEGER NOT NULL,
  body              TEXT NOT NULL CHECK (body IN ('hrc', 'chr')),
  session           INTEGER,
  vote_type         TEXT NOT NULL,
  recorded          INTEGER NOT NULL,
  meeting           TEXT NOT NULL,
  meeting_type      TEXT NOT NULL,
  agenda_item       TEXT NOT NULL,
  agenda_item_title TEXT NOT NULL,
  agenda_symbol     TEXT NOT NULL,
  agenda_subject    TEXT NOT NULL,
  main_sponsors     TEXT NOT NULL,
  draft             TEXT NOT NULL,
  yes               INTEGER,
  no                INTEGER,
  abstain           INTEGER,
  non_voting        INTEGER,
  total             INTEGER,
  n_rollcall        INTEGER NOT NULL,
  counted_yes       INTEGER NOT NULL DEFAULT 0,
  counted_no        INTEGER NOT NULL DEFAULT 0,
  counted_abstain   INTEGER NOT NULL DEFAULT 0,
  counted_votes     INTEGER NOT NULL DEFAULT 0,
  reconciles        INTEGER,
  url_resolution    TEXT NOT NULL,
  url_draft         TEXT NOT NULL,
  record_url        TEXT NOT NULL,
  row_hash          TEXT NOT NULL,
  source_file_id    INTEGER NOT NULL REFERENCES source_file(id),
  source_line       INTEGER NOT NULL
);
CREATE INDEX resolution_symbol ON resolution(symbol);

CREATE TABLE vote (
  resolution_id  INTEGER NOT NULL REFERENCES resolution(id),
  state          TEXT NOT NULL,
  vote           TEXT NOT NULL CHECK (vote IN ('yes', 'no', 'abstain', 'non-voting', 'blank')),
  source_file_id INTEGER NOT NULL REFERENCES source_file(id),
  source_line    INTEGER NOT NULL,
  PRIMARY KEY (resolution_id, state)
) WITHOUT ROWID;
)sql";

// Version 9: the classifiers (src/classify, docs/classify.md). A model row keeps the trained
// model's blob (its own format version and the schema version it was trained for are inside
// and checked on load), the fingerprint of its training data and its measured quality (JSON).
// Predicted labels live apart from the source's labels, with the model and the score.
constexpr const char* kSchemaV9 = R"sql(
CREATE TABLE model (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT,
  name                 TEXT NOT NULL,
  kind                 TEXT NOT NULL,
  created              TEXT NOT NULL,
  training_fingerprint TEXT NOT NULL,
  training_records     INTEGER NOT NULL,
  schema_version       INTEGER NOT NULL,
  seed                 INTEGER NOT NULL,
  quality              TEXT NOT NULL,
  blob                 BLOB NOT NULL
);

CREATE TABLE predicted_label (
  record_uid TEXT NOT NULL,
  model_id   INTEGER NOT NULL REFERENCES model(id),
  kind       TEXT NOT NULL CHECK (kind IN ('theme', 'action', 'sdg')),
  label      TEXT NOT NULL,
  score      REAL NOT NULL,
  PRIMARY KEY (record_uid, kind, label)
) WITHOUT ROWID;
)sql";

// Version 10: OHCHR's Universal Human Rights Index (core/uhri.h, store/uhri.h). Every record of
// a UHRI export is a uhri_record row, named by its AnnotationId (uid "uhri-" and the UUID); a
// newer export updates the row in place (fields_hash tells whether anything changed) and marks
// the rows it no longer has (missing_import_id), which are kept with whatever is attached to
// them. A UPR record of the index is also a recommendation: the UPR Info one it matches (by
// state, session and text: ingest/uhri_import.h), or one added for it (recommendation_id, match).
// Its lists are links to a dictionary of terms (themes, SDG targets, affected persons, regions,
// positions) and to the states it names, in the source's order.
constexpr const char* kSchemaV10 = R"sql(
CREATE TABLE uhri_term (
  id   INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('theme', 'sdg', 'affected', 'region', 'position',
                                     'recommending-region')),
  name TEXT NOT NULL,
  UNIQUE (kind, name)
);

CREATE TABLE uhri_record (
  id                 INTEGER PRIMARY KEY,
  uid                TEXT NOT NULL CHECK (uid = 'uhri-' || annotation_id),
  annotation_id      TEXT NOT NULL UNIQUE,
  mechanism          TEXT NOT NULL CHECK (mechanism IN ('upr', 'treaty-body',
                                                        'special-procedure')),
  annotation_type    TEXT NOT NULL,
  body               TEXT NOT NULL,
  symbol             TEXT NOT NULL,
  document_id        TEXT NOT NULL,
  published          TEXT NOT NULL,
  published_on_uhri  TEXT NOT NULL,
  year               INTEGER,
  text               TEXT NOT NULL,
  upr_cycle          INTEGER NOT NULL DEFAULT 0,
  upr_session        INTEGER NOT NULL DEFAULT 0,
  recommendation_id  INTEGER REFERENCES recommendation(id),
  match              TEXT NOT NULL DEFAULT '' CHECK (match IN ('', 'same-text', 'same-words',
                                                               'added')),
  fields_hash        TEXT NOT NULL,
  source_file_id     INTEGER NOT NULL REFERENCES source_file(id),
  source_offset      INTEGER NOT NULL,
  first_import_id    INTEGER NOT NULL REFERENCES import(id),
  updated_import_id  INTEGER REFERENCES import(id),
  missing_import_id  INTEGER REFERENCES import(id)
);
CREATE INDEX uhri_record_recommendation ON uhri_record(recommendation_id);

CREATE TABLE uhri_record_state (
  uhri_id  INTEGER NOT NULL REFERENCES uhri_record(id) ON DELETE CASCADE,
  role     TEXT NOT NULL CHECK (role IN ('country', 'recommending')),
  position INTEGER NOT NULL,
  state    TEXT REFERENCES state(iso3),
  raw_name TEXT NOT NULL,
  PRIMARY KEY (uhri_id, role, position)
) WITHOUT ROWID;
CREATE INDEX uhri_record_state_state ON uhri_record_state(state);

CREATE TABLE uhri_record_term (
  uhri_id  INTEGER NOT NULL REFERENCES uhri_record(id) ON DELETE CASCADE,
  term_id  INTEGER NOT NULL REFERENCES uhri_term(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (uhri_id, term_id)
) WITHOUT ROWID;
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial schema: states, sessions, imports, recommendations, pledges, full text",
     kSchemaV1},
    {2, "full-text index maintained outside imports (meta fts_indexed_through)", kSchemaV2},
    {3, "check on recommendation.response without IN (a temporary index per inserted row)",
     kSchemaV3, /*edits_schema_text=*/true},
    {4, "no secondary indexes on the link tables' state and theme (their keys serve the filters)",
     kSchemaV4},
    {5, "duplicate keys hashed with XXH3-128 instead of BLAKE2b-128 (recomputed)", "",
     /*edits_schema_text=*/false, RehashDuplicateKeys},
    {6, "content hashes of files imported from now on are XXH3-128 (xxh3-128:)", ""},
    {7, "stable identities: recommendation.uid and pledge.uid (unique)", kSchemaV7,
     /*edits_schema_text=*/false, AssignUids},
    {8, "resolutions of the Council and the Commission, their roll calls, former states",
     kSchemaV8},
    {9, "classifier models and predicted labels (kept apart from the source's labels)",
     kSchemaV9},
    {10, "OHCHR's Universal Human Rights Index: observations of every mechanism, UPR links",
     kSchemaV10},
};

}  // namespace

std::span<const Migration> BuiltinMigrations() { return kMigrations; }

}  // namespace openupr::store

#include "store/uhri.h"

#include <xxhash.h>

#include <cstdio>
#include <algorithm>
#include <climits>
#include <functional>

#include "core/identity.h"

namespace openupr::store {
namespace {

constexpr std::string_view kKindTheme = "theme";
constexpr std::string_view kKindSdg = "sdg";
constexpr std::string_view kKindAffected = "affected";
constexpr std::string_view kKindRegion = "region";
constexpr std::string_view kKindPosition = "position";
constexpr std::string_view kKindRecommendingRegion = "recommending-region";

std::optional<UhriMatch> ParseMatch(std::string_view code) {
  for (UhriMatch m : {UhriMatch::kNone, UhriMatch::kSameText, UhriMatch::kSameWords,
                      UhriMatch::kAdded})
    if (UhriMatchCode(m) == code) return m;
  return std::nullopt;
}

// The year of "YYYY-MM-DD"; 0 if it does not start with four digits.
int YearOf(std::string_view date) {
  if (date.size() < 4) return 0;
  int y = 0;
  for (int i = 0; i < 4; ++i) {
    if (date[i] < '0' || date[i] > '9') return 0;
    y = y * 10 + (date[i] - '0');
  }
  return y;
}

std::string TermKey(std::string_view kind, std::string_view name) {
  std::string key(kind);
  key += '\x1f';
  key += name;
  return key;
}

}  // namespace

std::string_view UhriMatchCode(UhriMatch m) {
  switch (m) {
    case UhriMatch::kNone:
      return "";
    case UhriMatch::kSameText:
      return "same-text";
    case UhriMatch::kSameWords:
      return "same-words";
    case UhriMatch::kAdded:
      return "added";
  }
  return "";
}

std::string UhriFieldsHash(const UhriRecord& r) {
  std::string all;
  auto add = [&all](std::string_view s) {
    all += s;
    all += '\x1f';
  };
  auto add_list = [&](const std::vector<std::string>& list) {
    for (const std::string& s : list) {
      all += s;
      all += '\x1e';
    }
    all += '\x1f';
  };
  for (const std::string* s : {&r.annotation_id, &r.annotation_type, &r.body, &r.document_id,
                               &r.symbol, &r.publication_date, &r.publication_date_on_uhri,
                               &r.text})
    add(*s);
  for (const auto* l : {&r.countries, &r.regions, &r.themes, &r.sdgs, &r.affected_persons,
                        &r.upr_positions, &r.upr_recommending_countries,
                        &r.upr_recommending_regions})
    add_list(*l);
  add(std::to_string(r.upr_cycle));
  add(std::to_string(r.upr_session));
  const XXH128_hash_t h = XXH3_128bits(all.data(), all.size());
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return hex;
}

// The page cache while UHRI records are written: each record's AnnotationId goes into a unique
// index at a random place (UUIDs), so that index's pages (about 20 MB for 250,000 records) must
// stay cached; the recommendation writer's small bulk cache would spill them over and over.
constexpr int64_t kUhriCacheKiB = 65536;

UhriWriter::~UhriWriter() {
  if (saved_cache_size_)
    (void)store_.db().Exec("PRAGMA cache_size = " + std::to_string(*saved_cache_size_));
}

Result<std::unique_ptr<UhriWriter>> UhriWriter::Begin(Store& store, int64_t import_id) {
  std::unique_ptr<UhriWriter> w(new UhriWriter(store, import_id));
  auto cache = store.db().QueryInt("PRAGMA cache_size");
  if (!cache.ok()) return cache.status();
  OPENUPR_RETURN_IF_ERROR(store.db().Exec("PRAGMA cache_size = " + std::to_string(-kUhriCacheKiB)));
  w->saved_cache_size_ = *cache;
  OPENUPR_RETURN_IF_ERROR(store.db().ForEachRow(
      "SELECT annotation_id, id, fields_hash, recommendation_id, match, missing_import_id "
      "FROM uhri_record",
      [&](Statement& row) {
        UhriStoredRow s;
        s.id = row.Int(1);
        s.fields_hash = row.String(2);
        s.recommendation_id = row.IsNull(3) ? 0 : row.Int(3);
        s.match = ParseMatch(row.Text(4)).value_or(UhriMatch::kNone);
        s.missing = !row.IsNull(5);
        const int64_t id = s.id;
        auto [it, added] = w->stored_.emplace(row.String(0), std::move(s));
        if (added) w->by_id_.emplace(id, &it->second);
      }));
  OPENUPR_RETURN_IF_ERROR(store.db().ForEachRow(
      "SELECT kind, name, id FROM uhri_term",
      [&](Statement& row) { w->terms_.emplace(TermKey(row.Text(0), row.Text(1)), row.Int(2)); }));
  OPENUPR_RETURN_IF_ERROR(store.db().ForEachRow(
      "SELECT iso3 FROM state", [&](Statement& row) { w->states_.insert(row.String(0)); }));
  auto max_id = store.db().QueryInt("SELECT coalesce(max(id), 0) FROM uhri_record");
  if (!max_id.ok()) return max_id.status();
  w->next_id_ = *max_id + 1;
  return w;
}

const UhriStoredRow* UhriWriter::Find(const std::string& annotation_id) const {
  auto it = stored_.find(annotation_id);
  return it == stored_.end() ? nullptr : &it->second;
}

Result<Statement*> UhriWriter::Prepared(int slot, const char* sql) {
  if (!statements_[slot]) {
    auto stmt = store_.db().Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    statements_[slot].emplace(std::move(stmt).value());
  } else {
    statements_[slot]->Reset();
  }
  return &*statements_[slot];
}

Result<int64_t> UhriWriter::TermId(std::string_view kind, const std::string& name) {
  std::string key = TermKey(kind, name);
  if (auto it = terms_.find(key); it != terms_.end()) return it->second;
  auto ins = Prepared(0, "INSERT INTO uhri_term(kind, name) VALUES (?, ?)");
  if (!ins.ok()) return ins.status();
  (*ins)->Bind(1, kind).Bind(2, name);
  OPENUPR_RETURN_IF_ERROR((*ins)->Run());
  const int64_t id = sqlite3_last_insert_rowid(store_.db().handle());
  terms_.emplace(std::move(key), id);
  return id;
}

void UhriWriter::QueueLinks(int64_t id, const UhriRecord& r,
                            std::span<const std::string> countries,
                            std::span<const std::string> recommending) {
  auto add_states = [&](const char* role, const std::vector<std::string>& names,
                        std::span<const std::string> iso3) {
    for (size_t i = 0; i < names.size(); ++i) {
      std::string code = i < iso3.size() ? iso3[i] : "";
      if (!code.empty() && !states_.contains(code)) code.clear();  // (checked by the caller)
      pending_states_.push_back({id, role, static_cast<int64_t>(i), std::move(code), &names[i]});
    }
  };
  add_states("country", r.countries, countries);
  add_states("recommending", r.upr_recommending_countries, recommending);
  pending_terms_status_ = Status::Ok();
  int64_t position = 0;
  std::unordered_set<int64_t> seen;  // a term listed twice is linked once
  auto add_terms = [&](std::string_view kind, const std::vector<std::string>& names) {
    for (const std::string& name : names) {
      auto term = TermId(kind, name);
      if (!term.ok()) {
        pending_terms_status_ = term.status();
        return;
      }
      if (seen.insert(*term).second) pending_terms_.push_back({id, *term, position});
      ++position;
    }
  };
  add_terms(kKindTheme, r.themes);
  add_terms(kKindSdg, r.sdgs);
  add_terms(kKindAffected, r.affected_persons);
  add_terms(kKindRegion, r.regions);
  add_terms(kKindPosition, r.upr_positions);
  add_terms(kKindRecommendingRegion, r.upr_recommending_regions);
}

Result<std::pair<int64_t, Upsert>> UhriWriter::Put(const UhriRecord& r,
                                                   std::span<const std::string> countries,
                                                   std::span<const std::string> recommending,
                                                   int64_t source_file_id) {
  std::string hash = UhriFieldsHash(r);
  auto it = stored_.find(r.annotation_id);
  if (it != stored_.end()) {
    UhriStoredRow& s = it->second;
    seen_.insert(s.id);
    if (s.fields_hash == hash) {
      if (s.missing) {  // back in a newer export
        OPENUPR_RETURN_IF_ERROR(Flush());
        auto st = Prepared(3, "UPDATE uhri_record SET missing_import_id = NULL WHERE id = ?");
        if (!st.ok()) return st.status();
        (*st)->Bind(1, s.id);
        OPENUPR_RETURN_IF_ERROR((*st)->Run());
        s.missing = false;
      }
      return std::make_pair(s.id, Upsert::kUnchanged);
    }
  }
  const Mechanism mech = MechanismOfBody(r.body);
  const int year = YearOf(r.publication_date);
  if (it == stored_.end()) {
    // A new record: queued, written by Flush with its links.
    const int64_t id = next_id_++;
    pending_.push_back({&r, hash, id, mech, year, source_file_id, 0, UhriMatch::kNone});
    UhriStoredRow row;
    row.id = id;
    row.fields_hash = std::move(hash);
    auto [pos, fresh] = stored_.emplace(r.annotation_id, std::move(row));
    if (fresh) by_id_.emplace(id, &pos->second);
    seen_.insert(id);
    QueueLinks(id, r, countries, recommending);
    OPENUPR_RETURN_IF_ERROR(pending_terms_status_);
    return std::make_pair(id, Upsert::kAdded);
  }
  // A changed record: its row updated in place, its links replaced.
  OPENUPR_RETURN_IF_ERROR(Flush());
  const int64_t id = it->second.id;
  auto stmt = Prepared(
      4,
      "UPDATE uhri_record SET mechanism=?2, annotation_type=?3, body=?4, symbol=?5, "
      "document_id=?6, published=?7, published_on_uhri=?8, year=?9, text=?10, upr_cycle=?11, "
      "upr_session=?12, fields_hash=?13, source_file_id=?14, source_offset=?15, "
      "updated_import_id=?16, missing_import_id=NULL WHERE id=?1");
  if (!stmt.ok()) return stmt.status();
  Statement& s = **stmt;
  s.Bind(1, id);
  BindRecord(s, 2, {&r, hash, id, mech, year, source_file_id, 0, UhriMatch::kNone});
  OPENUPR_RETURN_IF_ERROR(s.Run());
  for (int slot : {6, 7}) {
    auto del = Prepared(slot, slot == 6 ? "DELETE FROM uhri_record_state WHERE uhri_id = ?"
                                        : "DELETE FROM uhri_record_term WHERE uhri_id = ?");
    if (!del.ok()) return del.status();
    (*del)->Bind(1, id);
    OPENUPR_RETURN_IF_ERROR((*del)->Run());
  }
  it->second.fields_hash = std::move(hash);
  it->second.missing = false;
  QueueLinks(id, r, countries, recommending);
  OPENUPR_RETURN_IF_ERROR(pending_terms_status_);
  return std::make_pair(id, Upsert::kUpdated);
}

void UhriWriter::BindRecord(Statement& s, int p, const Pending& q) const {
  const UhriRecord& r = *q.record;
  s.BindStatic(p, MechanismCode(q.mechanism))
      .BindStatic(p + 1, r.annotation_type)
      .BindStatic(p + 2, r.body)
      .BindStatic(p + 3, r.symbol)
      .BindStatic(p + 4, r.document_id)
      .BindStatic(p + 5, r.publication_date)
      .BindStatic(p + 6, r.publication_date_on_uhri);
  if (q.year > 0)
    s.Bind(p + 7, q.year);
  else
    s.BindNull(p + 7);
  s.BindStatic(p + 8, r.text)
      .Bind(p + 9, r.upr_cycle)
      .Bind(p + 10, r.upr_session)
      .Bind(p + 11, q.hash)
      .Bind(p + 12, q.source_file_id)
      .Bind(p + 13, r.source_offset ? r.source_offset : r.source_row)
      .Bind(p + 14, import_id_);
}

Status UhriWriter::Flush() {
  static constexpr const char* kRecordHead =
      "INSERT INTO uhri_record(mechanism, annotation_type, body, symbol, document_id, published, "
      "published_on_uhri, year, text, upr_cycle, upr_session, fields_hash, source_file_id, "
      "source_offset, first_import_id, id, uid, annotation_id, recommendation_id, match)";
  static constexpr const char* kStateHead =
      "INSERT INTO uhri_record_state(uhri_id, role, position, state, raw_name)";
  static constexpr const char* kTermHead =
      "INSERT INTO uhri_record_term(uhri_id, term_id, position)";
  std::vector<std::string> uids;
  uids.reserve(pending_.size());
  for (const Pending& q : pending_) uids.push_back(UhriUid(q.record->annotation_id));
  OPENUPR_RETURN_IF_ERROR(inserter_.Insert(
      kRecordHead, 20, 64, pending_, [&](Statement& s, int p, const Pending& q) {
        BindRecord(s, p, q);
        s.Bind(p + 15, q.id)
            .BindStatic(p + 16, uids[static_cast<size_t>(q.id - pending_.front().id)])
            .BindStatic(p + 17, q.record->annotation_id);
        if (q.recommendation_id > 0)
          s.Bind(p + 18, q.recommendation_id);
        else
          s.BindNull(p + 18);
        s.BindStatic(p + 19, UhriMatchCode(q.match));
      }));
  OPENUPR_RETURN_IF_ERROR(inserter_.Insert(
      kStateHead, 5, 256, pending_states_, [](Statement& s, int p, const StateRow& row) {
        s.Bind(p, row.id).BindStatic(p + 1, row.role).Bind(p + 2, row.position);
        if (row.iso3.empty())
          s.BindNull(p + 3);
        else
          s.BindStatic(p + 3, row.iso3);
        s.BindStatic(p + 4, *row.raw_name);
      }));
  OPENUPR_RETURN_IF_ERROR(inserter_.Insert(
      kTermHead, 3, 512, pending_terms_, [](Statement& s, int p, const TermRow& row) {
        s.Bind(p, row.id).Bind(p + 1, row.term_id).Bind(p + 2, row.position);
      }));
  pending_.clear();
  pending_states_.clear();
  pending_terms_.clear();
  return Status::Ok();
}

Status UhriWriter::Link(int64_t uhri_id, int64_t recommendation_id, UhriMatch match) {
  if (!pending_.empty() && uhri_id >= pending_.front().id) {
    Pending& q = pending_[static_cast<size_t>(uhri_id - pending_.front().id)];
    q.recommendation_id = recommendation_id;
    q.match = match;
  } else {
    auto st = Prepared(8, "UPDATE uhri_record SET recommendation_id = ?, match = ? WHERE id = ?");
    if (!st.ok()) return st.status();
    if (recommendation_id > 0)
      (*st)->Bind(1, recommendation_id);
    else
      (*st)->BindNull(1);
    (*st)->Bind(2, UhriMatchCode(match)).Bind(3, uhri_id);
    OPENUPR_RETURN_IF_ERROR((*st)->Run());
  }
  if (auto it = by_id_.find(uhri_id); it != by_id_.end()) {
    it->second->recommendation_id = recommendation_id;
    it->second->match = match;
  }
  return Status::Ok();
}

Result<std::vector<std::string>> UhriWriter::MarkMissing() {
  OPENUPR_RETURN_IF_ERROR(Flush());
  std::vector<std::string> uids;
  auto st = Prepared(9, "UPDATE uhri_record SET missing_import_id = ? WHERE id = ?");
  if (!st.ok()) return st.status();
  for (auto& [aid, row] : stored_) {
    if (row.missing || seen_.contains(row.id)) continue;
    (*st)->Reset();
    (*st)->Bind(1, import_id_).Bind(2, row.id);
    OPENUPR_RETURN_IF_ERROR((*st)->Run());
    row.missing = true;
    uids.push_back(UhriUid(aid));
  }
  std::sort(uids.begin(), uids.end());
  return uids;
}

namespace {

constexpr const char* kSelect =
    "SELECT u.id, u.uid, u.annotation_id, u.mechanism, u.annotation_type, u.body, u.symbol, "
    "u.document_id, u.published, u.published_on_uhri, u.year, u.text, u.upr_cycle, "
    "u.upr_session, u.recommendation_id, u.match, u.source_offset, u.first_import_id, "
    "u.updated_import_id, u.missing_import_id, f.path, r.uid "
    "FROM uhri_record u JOIN source_file f ON f.id = u.source_file_id "
    "LEFT JOIN recommendation r ON r.id = u.recommendation_id ";

UhriStored ReadRow(Statement& row) {
  UhriStored s;
  int c = 0;
  s.id = row.Int(c++);
  s.uid = row.String(c++);
  UhriRecord& r = s.record;
  r.annotation_id = row.String(c++);
  s.mechanism = ParseMechanismCode(row.Text(c++)).value_or(Mechanism::kTreatyBody);
  r.annotation_type = row.String(c++);
  r.body = row.String(c++);
  r.symbol = row.String(c++);
  r.document_id = row.String(c++);
  r.publication_date = row.String(c++);
  r.publication_date_on_uhri = row.String(c++);
  s.year = row.IsNull(c) ? 0 : static_cast<int>(row.Int(c));
  ++c;
  r.text = row.String(c++);
  r.upr_cycle = static_cast<int>(row.Int(c++));
  r.upr_session = static_cast<int>(row.Int(c++));
  s.recommendation_id = row.IsNull(c) ? 0 : row.Int(c);
  ++c;
  s.match = ParseMatch(row.Text(c++)).value_or(UhriMatch::kNone);
  r.source_offset = row.Int(c++);
  s.first_import_id = row.Int(c++);
  s.updated_import_id = row.IsNull(c) ? 0 : row.Int(c);
  ++c;
  s.missing_import_id = row.IsNull(c) ? 0 : row.Int(c);
  ++c;
  const std::string path = row.String(c++);
  s.source_file = path.substr(path.find_last_of("/\\") + 1);
  s.recommendation_uid = row.IsNull(c) ? "" : row.String(c);
  return s;
}

// Fills the lists of the records (by id) from the link tables, ids in [lo, hi].
Status ReadLists(Store& store, std::unordered_map<int64_t, UhriStored*>& by_id, int64_t lo,
                 int64_t hi) {
  auto states = store.db().Prepare(
      "SELECT uhri_id, role, state, raw_name FROM uhri_record_state WHERE uhri_id BETWEEN ? AND ? "
      "ORDER BY uhri_id, role, position");
  if (!states.ok()) return states.status();
  states->Bind(1, lo).Bind(2, hi);
  OPENUPR_RETURN_IF_ERROR(states->ForEachRow([&](Statement& row) {
    auto it = by_id.find(row.Int(0));
    if (it == by_id.end()) return;
    UhriStored& s = *it->second;
    const bool country = row.Text(1) == "country";
    (country ? s.record.countries : s.record.upr_recommending_countries).push_back(row.String(3));
    (country ? s.country_iso3 : s.recommending_iso3).push_back(row.IsNull(2) ? "" : row.String(2));
  }));
  auto terms = store.db().Prepare(
      "SELECT l.uhri_id, t.kind, t.name FROM uhri_record_term l JOIN uhri_term t ON t.id = "
      "l.term_id WHERE l.uhri_id BETWEEN ? AND ? ORDER BY l.uhri_id, l.position");
  if (!terms.ok()) return terms.status();
  terms->Bind(1, lo).Bind(2, hi);
  return terms->ForEachRow([&](Statement& row) {
    auto it = by_id.find(row.Int(0));
    if (it == by_id.end()) return;
    UhriRecord& r = it->second->record;
    const std::string_view kind = row.Text(1);
    std::vector<std::string>* list = kind == kKindTheme      ? &r.themes
                                     : kind == kKindSdg      ? &r.sdgs
                                     : kind == kKindAffected ? &r.affected_persons
                                     : kind == kKindRegion   ? &r.regions
                                     : kind == kKindPosition ? &r.upr_positions
                                                             : &r.upr_recommending_regions;
    list->push_back(row.String(2));
  });
}

Result<std::vector<UhriStored>> Query(Store& store, const std::string& where,
                                      const std::function<void(Statement&)>& bind) {
  auto stmt = store.db().Prepare(kSelect + where);
  if (!stmt.ok()) return stmt.status();
  bind(*stmt);
  std::vector<UhriStored> out;
  OPENUPR_RETURN_IF_ERROR(stmt->ForEachRow([&](Statement& row) { out.push_back(ReadRow(row)); }));
  std::unordered_map<int64_t, UhriStored*> by_id;
  int64_t lo = INT64_MAX, hi = 0;
  for (UhriStored& s : out) {
    by_id[s.id] = &s;
    lo = std::min(lo, s.id);
    hi = std::max(hi, s.id);
  }
  if (!out.empty()) OPENUPR_RETURN_IF_ERROR(ReadLists(store, by_id, lo, hi));
  return out;
}

}  // namespace

Result<std::optional<UhriStored>> GetUhriRecord(Store& store, std::string_view uid) {
  // (By annotation_id, which is unique and indexed; the uid is "uhri-" and it.)
  if (uid.starts_with("uhri-")) uid.remove_prefix(5);
  auto rows = Query(store, "WHERE u.annotation_id = ?", [&](Statement& s) { s.Bind(1, uid); });
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<UhriStored>();
  return std::optional<UhriStored>(std::move(rows->front()));
}

Result<std::vector<UhriStored>> UhriRecordsOfRecommendation(Store& store,
                                                            int64_t recommendation_id) {
  return Query(store, "WHERE u.recommendation_id = ? ORDER BY u.uid",
               [&](Statement& s) { s.Bind(1, recommendation_id); });
}

Status ScanUhriRecords(Store& store, int64_t after_id,
                       const std::function<void(UhriStored&&)>& on_record) {
  // In slices of ids, so that the lists are read with range scans of their primary keys.
  constexpr int64_t kSlice = 4096;
  int64_t from = after_id;
  while (true) {
    auto rows = Query(store, "WHERE u.id > ? ORDER BY u.id LIMIT " + std::to_string(kSlice),
                      [&](Statement& s) { s.Bind(1, from); });
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Ok();
    from = rows->back().id;
    const bool last = static_cast<int64_t>(rows->size()) < kSlice;
    for (UhriStored& s : *rows) on_record(std::move(s));
    if (last) return Status::Ok();
  }
}

Result<UhriCounts> CountUhriRecords(Store& store) {
  UhriCounts c;
  OPENUPR_RETURN_IF_ERROR(store.db().ForEachRow(
      "SELECT mechanism, match, missing_import_id IS NOT NULL, count(*) FROM uhri_record "
      "GROUP BY 1, 2, 3",
      [&](Statement& row) {
        const int64_t n = row.Int(3);
        c.records += n;
        if (auto m = ParseMechanismCode(row.Text(0))) c.by_mechanism[static_cast<int>(*m)] += n;
        switch (ParseMatch(row.Text(1)).value_or(UhriMatch::kNone)) {
          case UhriMatch::kSameText:
            c.upr_same_text += n;
            break;
          case UhriMatch::kSameWords:
            c.upr_same_words += n;
            break;
          case UhriMatch::kAdded:
            c.upr_added += n;
            break;
          case UhriMatch::kNone:
            break;
        }
        if (row.Int(2)) c.missing += n;
      }));
  return c;
}

}  // namespace openupr::store

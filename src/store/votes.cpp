#include "store/votes.h"

#include <xxhash.h>

#include <cstdio>

#include "core/identity.h"

namespace openupr::store {
namespace {

// Every field the source gives, in column order, separated by a byte no field holds: a changed
// row in a newer export updates the stored one.
std::string RowHash(const Resolution& r) {
  std::string all;
  auto add = [&all](std::string_view s) {
    all += s;
    all += '\x1f';
  };
  auto add_count = [&](const std::optional<int>& n) { add(n ? std::to_string(*n) : "-"); };
  add(std::to_string(r.record_id));
  for (const std::string* s : {&r.symbol, &r.title, &r.statement, &r.date, &r.body, &r.vote_type,
                               &r.meeting, &r.meeting_type, &r.agenda_item_no, &r.agenda_item_title,
                               &r.agenda_symbol, &r.agenda_subject, &r.main_sponsors, &r.draft,
                               &r.url_resolution, &r.url_draft, &r.record_url})
    add(*s);
  add(std::to_string(r.year));
  for (const auto* n : {&r.yes, &r.no, &r.abstain, &r.non_voting, &r.total}) add_count(*n);
  add(std::to_string(r.n_rollcall));
  const XXH128_hash_t h = XXH3_128bits(all.data(), all.size());
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return hex;
}

constexpr const char* kColumns =
    "r.id, r.uid, r.record_id, r.symbol, r.title, r.statement, r.date, r.year, r.body, "
    "r.session, r.vote_type, r.meeting, r.meeting_type, r.agenda_item, r.agenda_item_title, "
    "r.agenda_symbol, r.agenda_subject, r.main_sponsors, r.draft, r.yes, r.no, r.abstain, "
    "r.non_voting, r.total, r.n_rollcall, r.counted_yes, r.counted_no, r.counted_abstain, "
    "r.counted_votes, r.reconciles, r.url_resolution, r.url_draft, r.record_url, "
    "r.source_line, f.path";

Resolution ReadResolution(Statement& row) {
  Resolution r;
  int c = 0;
  auto count = [&row](int col) -> std::optional<int> {
    if (row.IsNull(col)) return std::nullopt;
    return static_cast<int>(row.Int(col));
  };
  r.id = row.Int(c++);
  r.uid = row.String(c++);
  r.record_id = row.Int(c++);
  r.symbol = row.String(c++);
  r.title = row.String(c++);
  r.statement = row.String(c++);
  r.date = row.String(c++);
  r.year = static_cast<int>(row.Int(c++));
  const auto body = ParseBody(row.Text(c++));
  r.body = std::string(BodyName(body.value_or(Body::kCouncil)));
  r.session = row.IsNull(c) ? 0 : static_cast<int>(row.Int(c));
  ++c;
  r.vote_type = row.String(c++);
  for (std::string* s : {&r.meeting, &r.meeting_type, &r.agenda_item_no, &r.agenda_item_title,
                         &r.agenda_symbol, &r.agenda_subject, &r.main_sponsors, &r.draft})
    *s = row.String(c++);
  for (std::optional<int>* n : {&r.yes, &r.no, &r.abstain, &r.non_voting, &r.total})
    *n = count(c++);
  r.n_rollcall = static_cast<int>(row.Int(c++));
  for (int* n : {&r.counted_yes, &r.counted_no, &r.counted_abstain, &r.counted_votes})
    *n = static_cast<int>(row.Int(c++));
  if (!row.IsNull(c)) r.reconciles = row.Int(c) != 0;
  ++c;
  r.url_resolution = row.String(c++);
  r.url_draft = row.String(c++);
  r.record_url = row.String(c++);
  r.line = row.Int(c++);
  const std::string path = row.String(c++);
  r.source_file = path.substr(path.find_last_of("/\\") + 1);
  return r;
}

Result<std::vector<Resolution>> Query(Store& store, const std::string& where_order,
                                      const std::optional<std::string>& param = std::nullopt) {
  auto stmt = store.db().Prepare(std::string("SELECT ") + kColumns +
                                 " FROM resolution r JOIN source_file f ON f.id = "
                                 "r.source_file_id " +
                                 where_order);
  if (!stmt.ok()) return stmt.status();
  if (param) stmt->Bind(1, *param);
  std::vector<Resolution> out;
  OPENUPR_RETURN_IF_ERROR(
      stmt->ForEachRow([&](Statement& row) { out.push_back(ReadResolution(row)); }));
  return out;
}

}  // namespace

Result<Statement*> VoteRecordWriter::Prepared(int slot, const char* sql) {
  if (!statements_[slot]) {
    auto stmt = store_.db().Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    statements_[slot].emplace(std::move(stmt).value());
  } else {
    statements_[slot]->Reset();
  }
  return &*statements_[slot];
}

Result<std::pair<int64_t, Upsert>> VoteRecordWriter::Resolution(const openupr::Resolution& r,
                                                                int64_t source_file_id) {
  const std::string hash = RowHash(r);
  auto find = Prepared(0, "SELECT id, row_hash FROM resolution WHERE record_id = ?");
  if (!find.ok()) return find.status();
  (*find)->Bind(1, r.record_id);
  auto found = (*find)->Step();
  if (!found.ok()) return found.status();
  int64_t id = 0;
  if (*found) {
    id = (*find)->Int(0);
    if ((*find)->Text(1) == hash) return std::make_pair(id, Upsert::kUnchanged);
  }
  const auto body = ParseBody(r.body);
  auto stmt = Prepared(
      *found ? 1 : 2,
      *found ? "UPDATE resolution SET uid=?1, record_id=?2, symbol=?3, title=?4, statement=?5, "
               "date=?6, year=?7, body=?8, session=?9, vote_type=?10, recorded=?11, "
               "meeting=?12, meeting_type=?13, agenda_item=?14, agenda_item_title=?15, "
               "agenda_symbol=?16, agenda_subject=?17, main_sponsors=?18, draft=?19, yes=?20, "
               "no=?21, abstain=?22, non_voting=?23, total=?24, n_rollcall=?25, "
               "url_resolution=?26, url_draft=?27, record_url=?28, row_hash=?29, "
               "source_file_id=?30, source_line=?31 WHERE id=?32"
             : "INSERT INTO resolution(uid, record_id, symbol, title, statement, date, year, "
               "body, session, vote_type, recorded, meeting, meeting_type, agenda_item, "
               "agenda_item_title, agenda_symbol, agenda_subject, main_sponsors, draft, yes, no, "
               "abstain, non_voting, total, n_rollcall, url_resolution, url_draft, record_url, "
               "row_hash, source_file_id, source_line) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
               "?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28,?29,"
               "?30,?31)");
  if (!stmt.ok()) return stmt.status();
  int p = 1;
  // One Bind a statement: chained calls each taking p++ are sequenced in C++17, but GCC warns.
  auto bind = [&](const auto& v) { (*stmt)->Bind(p++, v); };
  bind(r.uid), bind(r.record_id), bind(r.symbol), bind(r.title);
  bind(r.statement), bind(r.date), bind(r.year);
  bind(std::string(BodyCode(body.value_or(Body::kCouncil))));
  if (r.session > 0)
    bind(r.session);
  else
    (*stmt)->BindNull(p++);
  bind(r.vote_type), bind(r.recorded() ? 1 : 0);
  for (const std::string* s : {&r.meeting, &r.meeting_type, &r.agenda_item_no, &r.agenda_item_title,
                               &r.agenda_symbol, &r.agenda_subject, &r.main_sponsors, &r.draft})
    bind(*s);
  for (const auto* n : {&r.yes, &r.no, &r.abstain, &r.non_voting, &r.total}) bind(*n);
  bind(r.n_rollcall), bind(r.url_resolution), bind(r.url_draft);
  bind(r.record_url), bind(hash), bind(source_file_id), bind(r.line);
  if (*found) (*stmt)->Bind(p++, id);
  OPENUPR_RETURN_IF_ERROR((*stmt)->Run());
  if (!*found) id = sqlite3_last_insert_rowid(store_.db().handle());
  return std::make_pair(id, *found ? Upsert::kUpdated : Upsert::kAdded);
}

Result<Upsert> VoteRecordWriter::Vote(int64_t resolution_id, const CountryVote& v,
                                      int64_t source_file_id) {
  auto find = Prepared(3, "SELECT vote FROM vote WHERE resolution_id = ? AND state = ?");
  if (!find.ok()) return find.status();
  (*find)->Bind(1, resolution_id).Bind(2, v.state);
  auto found = (*find)->Step();
  if (!found.ok()) return found.status();
  const std::string code(VoteCode(v.vote));
  if (*found && (*find)->Text(0) == code) return Upsert::kUnchanged;
  auto stmt = Prepared(
      4,
      "INSERT INTO vote(resolution_id, state, vote, source_file_id, source_line) "
      "VALUES (?,?,?,?,?) ON CONFLICT(resolution_id, state) DO UPDATE SET vote=excluded.vote, "
      "source_file_id=excluded.source_file_id, source_line=excluded.source_line");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->Bind(1, resolution_id).Bind(2, v.state).Bind(3, code).Bind(4, source_file_id);
  (*stmt)->Bind(5, v.line);
  OPENUPR_RETURN_IF_ERROR((*stmt)->Run());
  return *found ? Upsert::kUpdated : Upsert::kAdded;
}

Result<std::unordered_map<int64_t, int64_t>> ResolutionIdsByRecord(Store& store) {
  std::unordered_map<int64_t, int64_t> out;
  OPENUPR_RETURN_IF_ERROR(
      store.db().ForEachRow("SELECT record_id, id FROM resolution",
                            [&](Statement& row) { out.emplace(row.Int(0), row.Int(1)); }));
  return out;
}

Status RecountVotes(Store& store) {
  return store.db().Exec(
      "UPDATE resolution SET counted_yes = 0, counted_no = 0, counted_abstain = 0, "
      "counted_votes = 0, reconciles = NULL;"
      "UPDATE resolution SET counted_yes = c.y, counted_no = c.n, counted_abstain = c.a, "
      "counted_votes = c.t, "
      "reconciles = (c.y = coalesce(resolution.yes, 0) AND c.n = coalesce(resolution.no, 0) "
      "AND c.a = coalesce(resolution.abstain, 0)) "
      "FROM (SELECT resolution_id, sum(vote = 'yes') AS y, sum(vote = 'no') AS n, "
      "sum(vote = 'abstain') AS a, count(*) AS t FROM vote GROUP BY resolution_id) AS c "
      "WHERE c.resolution_id = resolution.id;");
}

Result<VoteRecordCounts> CountVoteRecords(Store& store) {
  ReadSnapshot snapshot(store.db());
  OPENUPR_RETURN_IF_ERROR(snapshot.Begin());
  VoteRecordCounts c;
  OPENUPR_RETURN_IF_ERROR(store.db().ForEachRow(
      "SELECT count(*), coalesce(sum(body = 'hrc'), 0), coalesce(sum(recorded), 0), "
      "coalesce(sum(counted_votes > 0), 0), coalesce(sum(counted_votes), 0), "
      "coalesce(sum(reconciles = 0), 0) FROM resolution",
      [&](Statement& row) {
        c.resolutions = row.Int(0);
        c.council = row.Int(1);
        c.recorded = row.Int(2);
        c.roll_calls = row.Int(3);
        c.votes = row.Int(4);
        c.not_reconciling = row.Int(5);
      }));
  return c;
}

Result<std::optional<Resolution>> GetResolution(Store& store, int64_t record_id) {
  auto rows = Query(store, "WHERE r.record_id = ?1", std::to_string(record_id));
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<Resolution>();
  return std::optional<Resolution>(std::move(rows->front()));
}

Result<std::vector<Resolution>> FindResolutionsBySymbol(Store& store, const std::string& symbol) {
  return Query(store, "WHERE r.symbol = ?1 ORDER BY r.record_id", symbol);
}

Result<std::vector<Resolution>> ListResolutions(Store& store) {
  return Query(store, "ORDER BY r.date, r.record_id");
}

Result<std::vector<Resolution>> ListDiscrepancies(Store& store) {
  return Query(store, "WHERE r.reconciles = 0 ORDER BY r.record_id");
}

namespace {
Result<std::vector<StoredVote>> Votes(Store& store, const char* sql,
                                      std::optional<int64_t> record_id) {
  auto stmt = store.db().Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  if (record_id) stmt->Bind(1, *record_id);
  std::vector<StoredVote> out;
  OPENUPR_RETURN_IF_ERROR(stmt->ForEachRow([&](Statement& row) {
    out.push_back({row.Int(0), row.String(1), ParseVoteCode(row.Text(2)).value_or(Vote::kBlank)});
  }));
  return out;
}
}  // namespace

Result<std::vector<StoredVote>> VotesOn(Store& store, int64_t record_id) {
  return Votes(store,
               "SELECT r.record_id, v.state, v.vote FROM vote v JOIN resolution r ON r.id = "
               "v.resolution_id WHERE r.record_id = ? ORDER BY v.state",
               record_id);
}

Result<std::vector<StoredVote>> AllVotes(Store& store) {
  return Votes(store,
               "SELECT r.record_id, v.state, v.vote FROM vote v JOIN resolution r ON r.id = "
               "v.resolution_id ORDER BY r.record_id, v.state",
               std::nullopt);
}

}  // namespace openupr::store

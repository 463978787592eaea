#include "ingest/hrc_votes.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "ingest/csv_reader.h"

namespace openupr::ingest {
namespace {

constexpr size_t kMaxErrors = 100;  // then "... and N more" (a wrong file would list every row)

std::string_view WithoutBom(std::string_view s) {
  return s.substr(0, 3) == "\xEF\xBB\xBF" ? s.substr(3) : s;
}

// Reads every record of utf8 after checking its header; calls on_row(record) for each data row
// with the right number of fields. Problems go to errors.
template <typename OnRow>
void ReadRows(std::string_view utf8, const std::string& file, const char* const* columns,
              std::vector<ImportIssue>& errors, OnRow on_row) {
  auto fail = [&](int64_t line, std::string column, std::string message) {
    errors.push_back({ImportIssue::Severity::kError, file, line, std::move(column),
                      std::move(message)});
  };
  size_t width = 0;
  while (columns[width]) ++width;
  CsvStream csv(WithoutBom(utf8), LineEnds::kMixed, file);
  CsvRecord rec;
  bool header = true;
  size_t dropped = 0;
  while (true) {
    auto more = csv.Next(rec);
    if (!more.ok()) {
      fail(0, "", more.status().message());
      return;
    }
    if (!*more) break;
    if (header) {
      header = false;
      std::string expected, got;
      for (size_t i = 0; i < width; ++i) expected += (i ? "," : "") + std::string(columns[i]);
      for (size_t i = 0; i < rec.fields.size(); ++i) got += (i ? "," : "") + rec.fields[i];
      if (got != expected) {
        fail(rec.line, "", "header '" + got.substr(0, 300) + "': expected '" + expected + "'");
        return;
      }
      continue;
    }
    if (rec.fields.size() == 1 && rec.fields[0].empty()) continue;  // a blank line
    if (rec.fields.size() != width) {
      if (errors.size() < kMaxErrors)
        fail(rec.line, "",
             std::to_string(rec.fields.size()) + " fields: expected " + std::to_string(width));
      else
        ++dropped;
      continue;
    }
    if (errors.size() >= kMaxErrors) {
      ++dropped;
      continue;
    }
    on_row(rec, fail);
  }
  if (header) fail(1, "", "the file is empty: expected the header line");
  if (dropped)
    fail(0, "", file + ": ... and " + std::to_string(dropped) + " more rows with errors (not listed)");
}

// A count or id: digits only (no sign, no spaces), within int64; nullopt for "" when optional.
template <typename Fail>
bool Number(const CsvRecord& rec, size_t col, const char* name, bool optional, int64_t& out,
            bool& present, Fail& fail) {
  const std::string& f = rec.fields[col];
  present = !f.empty();
  if (f.empty()) {
    if (optional) return true;
    fail(rec.line, name, "empty: expected a whole number");
    return false;
  }
  auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), out);
  if (ec != std::errc() || p != f.data() + f.size() || out < 0 || f[0] == '+') {
    fail(rec.line, name, "'" + f.substr(0, 40) + "': expected a whole number");
    return false;
  }
  return true;
}

bool IsIsoDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  const int month = (d[5] - '0') * 10 + (d[6] - '0');
  const int day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace

const char* const kResolutionColumns[] = {
    "record_id", "symbol", "title", "statement", "date", "year", "body", "collection",
    "vote_type", "meeting", "meeting_type", "agenda_item_no", "agenda_item_title",
    "agenda_symbol", "agenda_subject", "main_sponsors", "draft", "yes", "no", "abstain",
    "nonvoting", "total", "n_rollcall", "url_resolution", "url_draft", "record_url", nullptr};

const char* const kVoteColumns[] = {"record_id", "symbol", "iso3", "vote", nullptr};

ParsedRows<Resolution> ParseResolutions(std::string_view utf8, const std::string& file) {
  ParsedRows<Resolution> out;
  std::unordered_map<int64_t, int64_t> line_of;  // record_id -> first line
  ReadRows(utf8, file, kResolutionColumns, out.errors, [&](const CsvRecord& rec, auto& fail) {
    const auto& f = rec.fields;
    Resolution r;
    r.line = rec.line;
    bool present = false, ok = true;
    ok &= Number(rec, 0, "record_id", false, r.record_id, present, fail);
    int64_t year = 0;
    ok &= Number(rec, 5, "year", false, year, present, fail);
    r.year = static_cast<int>(year);
    if (!IsIsoDate(f[4])) {
      fail(rec.line, "date", "'" + f[4].substr(0, 40) + "': expected a date YYYY-MM-DD");
      ok = false;
    } else if (ok && f[4].substr(0, 4) != std::to_string(r.year)) {
      fail(rec.line, "year", "'" + f[5] + "': expected the year of the date, " + f[4].substr(0, 4));
      ok = false;
    }
    const std::pair<size_t, std::optional<int>*> counts[] = {
        {17, &r.yes}, {18, &r.no}, {19, &r.abstain}, {20, &r.non_voting}, {21, &r.total}};
    for (const auto& [col, field] : counts) {
      int64_t n = 0;
      if (!Number(rec, col, kResolutionColumns[col], true, n, present, fail)) {
        ok = false;
      } else if (present) {
        *field = static_cast<int>(std::min<int64_t>(n, 1'000'000));
      }
    }
    int64_t n_rollcall = 0;
    ok &= Number(rec, 22, "n_rollcall", false, n_rollcall, present, fail);
    r.n_rollcall = static_cast<int>(std::min<int64_t>(n_rollcall, 1'000'000));
    if (f[6].empty()) {
      fail(rec.line, "body", "empty: expected the body that adopted it");
      ok = false;
    }
    if (!ok) return;
    if (auto [it, fresh] = line_of.emplace(r.record_id, rec.line); !fresh) {
      fail(rec.line, "record_id",
           std::to_string(r.record_id) + " repeats the record of line " + std::to_string(it->second));
      return;
    }
    r.symbol = f[1];
    r.title = f[2];
    r.statement = f[3];
    r.date = f[4];
    r.body = f[6];
    r.vote_type = f[8];
    r.meeting = f[9];
    r.meeting_type = f[10];
    r.agenda_item_no = f[11];
    r.agenda_item_title = f[12];
    r.agenda_symbol = f[13];
    r.agenda_subject = f[14];
    r.main_sponsors = f[15];
    r.draft = f[16];
    r.url_resolution = f[23];
    r.url_draft = f[24];
    r.record_url = f[25];
    out.rows.push_back(std::move(r));
  });
  return out;
}

ParsedRows<CountryVote> ParseVotes(std::string_view utf8, const std::string& file) {
  ParsedRows<CountryVote> out;
  std::map<std::pair<int64_t, std::string>, std::pair<int64_t, Vote>> seen;  // -> line, vote
  ReadRows(utf8, file, kVoteColumns, out.errors, [&](const CsvRecord& rec, auto& fail) {
    const auto& f = rec.fields;
    CountryVote v;
    v.line = rec.line;
    bool present = false;
    if (!Number(rec, 0, "record_id", false, v.record_id, present, fail)) return;
    if (f[2].empty() || f[2].size() > 3) {
      fail(rec.line, "iso3", "'" + f[2].substr(0, 40) + "': expected a state's ISO3 code");
      return;
    }
    auto vote = ParseVoteCode(f[3]);
    if (!vote) {
      fail(rec.line, "vote",
           "'" + f[3].substr(0, 40) + "': expected yes, no, abstain, non-voting or blank");
      return;
    }
    if (auto [it, fresh] = seen.emplace(std::make_pair(v.record_id, f[2]),
                                        std::make_pair(rec.line, *vote));
        !fresh) {
      const std::string where = f[2] + " is listed twice on record " +
                                std::to_string(v.record_id) + " (first on line " +
                                std::to_string(it->second.first) + ")";
      if (it->second.second == *vote) {
        out.warnings.push_back({ImportIssue::Severity::kWarning, file, rec.line, "iso3",
                                where + " with the same vote; counted once"});
      } else {
        fail(rec.line, "iso3",
             where + " with two votes: " + std::string(VoteCode(it->second.second)) + " and " +
                 f[3]);
      }
      return;
    }
    v.symbol = f[1];
    v.state = f[2];
    v.vote = *vote;
    out.rows.push_back(std::move(v));
  });
  return out;
}

std::vector<Discrepancy> FindDiscrepancies(const std::vector<Resolution>& resolutions,
                                           const std::vector<CountryVote>& votes) {
  struct Counted {
    int yes = 0, no = 0, abstain = 0;
  };
  std::unordered_map<int64_t, Counted> counted;
  for (const CountryVote& v : votes) {
    Counted& c = counted[v.record_id];
    if (v.vote == Vote::kYes) ++c.yes;
    if (v.vote == Vote::kNo) ++c.no;
    if (v.vote == Vote::kAbstain) ++c.abstain;
  }
  std::vector<Discrepancy> out;
  for (const Resolution& r : resolutions) {
    auto it = counted.find(r.record_id);
    if (it == counted.end()) continue;  // no roll call listed: nothing to reconcile
    const Counted& c = it->second;
    const int y = r.yes.value_or(0), n = r.no.value_or(0), a = r.abstain.value_or(0);
    if (c.yes != y || c.no != n || c.abstain != a)
      out.push_back({r.record_id, r.symbol, y, n, a, c.yes, c.no, c.abstain});
  }
  std::sort(out.begin(), out.end(),
            [](const Discrepancy& a, const Discrepancy& b) { return a.record_id < b.record_id; });
  return out;
}

}  // namespace openupr::ingest

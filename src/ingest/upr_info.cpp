#include "ingest/upr_info.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <unordered_map>

#include "core/states.h"
#include "core/text.h"

namespace openupr::ingest {
namespace {

enum Column { kTo, kToRgrp, kToOrg, kText, kFrom, kFromRgrp, kFromOrg, kResponse, kAction,
              kIssue, kSession, kColumnCount };

constexpr std::array<const char*, kColumnCount> kColumnNames = {
    "To", "To-Rgrp", "To-Org", "Text", "From", "From-Rgrp", "From-Org", "Response", "Action",
    "Issue", "Session"};

constexpr const char* kPledgeResponse = "voluntary pledge";

std::string ExpectedHeader() {
  std::string s;
  for (const char* c : kColumnNames) {
    if (!s.empty()) s += ',';
    s += c;
  }
  return s;
}

// Column index of each known name in the header, -1 where missing.
std::array<int, kColumnCount> MapHeader(const CsvRecord& header, std::vector<std::string>* extra) {
  std::array<int, kColumnCount> idx;
  idx.fill(-1);
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string name = FoldText(CollapseWhitespace(header.fields[i]));
    if (i == 0 && name.rfind("\xEF\xBB\xBF", 0) == 0) name.erase(0, 3);
    bool known = false;
    for (int c = 0; c < kColumnCount; ++c) {
      if (name == FoldText(kColumnNames[c]) && idx[c] < 0) {
        idx[c] = static_cast<int>(i);
        known = true;
        break;
      }
    }
    if (!known && extra) extra->push_back(header.fields[i]);
  }
  return idx;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string item = CollapseWhitespace(std::string_view(s).substr(start, comma - start));
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end())
      out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

// Cleans one raw field: HTML entities decoded (only where an '&' is), whitespace collapsed.
// The field is moved out of raw (no copy) when it has no entity.
std::string CleanField(std::string& raw, int64_t& entities) {
  if (raw.find('&') == std::string::npos) {
    CollapseWhitespaceInPlace(raw);
    return std::move(raw);
  }
  int n = 0;
  std::string decoded = DecodeHtmlEntities(raw, &n);
  entities += n;
  return CollapseWhitespace(decoded);
}

// A lookup that repeats on every row over a few hundred distinct values (state names, regional
// groups, responses), computed once per file since it folds and normalises text. A file's rows
// come in runs of one state under review (and its group), so the last answer is tried first.
template <typename Value>
class Memo {
 public:
  template <typename Fn>
  const Value& Get(const std::string& key, Fn compute) {
    if (last_ && last_->first == key) return last_->second;
    auto it = map_.find(key);
    if (it == map_.end()) it = map_.emplace(key, compute(key)).first;
    last_ = &*it;  // (a node's address does not change as the map grows)
    return it->second;
  }

 private:
  std::unordered_map<std::string, Value> map_;
  const std::pair<const std::string, Value>* last_ = nullptr;
};

}  // namespace

bool IsUnknownMarker(const std::string& name) {
  std::string f = FoldText(name);
  return f == "(unknown)" || f == "unknown" || f.empty();
}

std::string ImportIssue::ToString() const {
  if (line == 0 && column.empty()) return message;  // the message names its own place
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  s += ": ";
  if (!column.empty()) s += "column '" + column + "': ";
  return s + message;
}

bool IsUprInfoHeader(const CsvRecord& header) {
  std::vector<std::string> extra;
  auto idx = MapHeader(header, &extra);
  return extra.empty() && std::all_of(idx.begin(), idx.end(), [](int i) { return i >= 0; });
}

ParsedFile ParseUprInfo(const std::vector<CsvRecord>& records, const std::string& file_label,
                        bool skip_unknown_states) {
  if (records.empty()) return ParseUprInfo(nullptr, {}, file_label, skip_unknown_states);
  size_t next = 1;
  return ParseUprInfo(
      &records[0],
      [&](CsvRecord& rec) {
        if (next >= records.size()) return false;
        rec = records[next++];
        return true;
      },
      file_label, skip_unknown_states, records.size());
}

ParsedFile ParseUprInfo(const CsvRecord* header, const std::function<bool(CsvRecord&)>& next,
                        const std::string& file_label, bool skip_unknown_states,
                        size_t expected_rows, const RecommendationSink* sink) {
  ParsedFile out;
  auto error = [&](int64_t line, std::string column, std::string message) {
    out.errors.push_back({ImportIssue::Severity::kError, file_label, line, std::move(column),
                          std::move(message)});
  };
  auto warning = [&](int64_t line, std::string column, std::string message) {
    out.warnings.push_back({ImportIssue::Severity::kWarning, file_label, line, std::move(column),
                            std::move(message)});
  };
  if (!header) {
    error(1, "", "the file is empty; expected a header line: " + ExpectedHeader());
    return out;
  }
  std::vector<std::string> extra;
  const auto idx = MapHeader(*header, &extra);
  std::string missing;
  for (int c = 0; c < kColumnCount; ++c)
    if (idx[c] < 0) missing += std::string(missing.empty() ? "" : ", ") + kColumnNames[c];
  if (!missing.empty() || !extra.empty()) {
    std::string msg = "wrong header for the UPR Info format:";
    if (!missing.empty()) msg += " missing column(s) " + missing + ";";
    for (const auto& e : extra) msg += " unexpected column '" + e + "';";
    msg += " expected " + ExpectedHeader();
    error(header->line, "", msg);
    return out;
  }
  const size_t width = header->fields.size();
  // Unknown names in order of first appearance.
  std::map<std::pair<std::string, std::string>, size_t> unknown_index;
  // (One memo per column, so that each keeps its column's last answer.)
  Memo<const StateInfo*> sur_states, from_states;
  Memo<bool> unknown_markers, pledge_markers;
  Memo<std::optional<Region>> sur_regions, from_regions;
  Memo<Response> responses;
  auto find_state = [](const std::string& name) { return FindState(name); };
  const size_t batch_rows = sink ? std::max<size_t>(sink->batch_rows, 1) : 0;
  out.recommendations.reserve(sink ? batch_rows : expected_rows);
  auto hand_over = [&] {
    sink->take(std::move(out.recommendations));
    out.recommendations = {};
    out.recommendations.reserve(batch_rows);
  };

  CsvRecord rec;
  while (next(rec)) {
    ++out.rows;
    if (rec.fields.size() != width) {
      error(rec.line, "", "expected " + std::to_string(width) + " fields, found " +
                              std::to_string(rec.fields.size()));
      continue;
    }
    std::array<std::string, kColumnCount> values;
    for (int c = 0; c < kColumnCount; ++c)
      values[c] = CleanField(rec.fields[idx[c]], out.entities_decoded);
    auto field = [&](Column c) -> const std::string& { return values[c]; };
    bool row_ok = true;
    bool row_unknown = false;
    auto note_unknown = [&](const std::string& name, Column c) {
      auto key = std::make_pair(name, std::string(kColumnNames[c]));
      auto it = unknown_index.find(key);
      if (it == unknown_index.end()) {
        it = unknown_index.emplace(key, out.unknown_states.size()).first;
        out.unknown_states.push_back({name, kColumnNames[c], {}});
      }
      out.unknown_states[it->second].lines.push_back(rec.line);
      row_unknown = true;
    };

    const std::string& to = field(kTo);
    const StateInfo* sur = sur_states.Get(to, find_state);
    if (!sur) note_unknown(to, kTo);

    const std::string& from_name = field(kFrom);
    RecommendingState from{"", from_name};
    const StateInfo* from_state = nullptr;
    if (!unknown_markers.Get(from_name, IsUnknownMarker)) {
      from_state = from_states.Get(from_name, find_state);
      if (const StateInfo* s = from_state) {
        from.iso3 = s->iso3;
      } else {
        note_unknown(from_name, kFrom);
      }
    }

    const std::string& session_text = field(kSession);
    int session = 0;
    auto [ptr, ec] = std::from_chars(session_text.data(), session_text.data() + session_text.size(),
                                     session);
    if (ec != std::errc() || ptr != session_text.data() + session_text.size() ||
        CycleOfSession(session) == 0) {
      error(rec.line, "Session",
            "expected a UPR Working Group session number " + std::to_string(kFirstSession) + "-" +
                std::to_string(kLastKnownSession) + ", found '" + session_text + "'");
      row_ok = false;
    }

    const std::string& action_text = field(kAction);
    ActionCategory action;
    if (!action_text.empty()) {
      if (action_text.size() == 1 && action_text[0] >= '1' && action_text[0] <= '5') {
        action = action_text[0] - '0';
      } else {
        error(rec.line, "Action",
              "expected an action category 1-5 or nothing, found '" + action_text + "'");
        row_ok = false;
      }
    }

    std::string& text = values[kText];
    if (text.empty()) warning(rec.line, "Text", "empty text");

    // The source's regional groups must agree with the reference table.
    auto check_region = [&](const StateInfo* s, Column c, Memo<std::optional<Region>>& regions) {
      if (!s) return;
      const std::string& g = field(c);
      const auto& region = regions.Get(g, [](const std::string& v) { return ParseRegion(v); });
      if (!region) {
        warning(rec.line, kColumnNames[c], "unknown regional group '" + g + "'");
      } else if (*region != s->region) {
        warning(rec.line, kColumnNames[c],
                "regional group '" + g + "' differs from the reference table's '" +
                    std::string(RegionName(s->region)) + "' for " + s->iso3);
      }
    };
    check_region(sur, kToRgrp, sur_regions);
    if (!from.iso3.empty()) check_region(from_state, kFromRgrp, from_regions);

    if (row_unknown) {
      if (skip_unknown_states) ++out.skipped_unknown;
      continue;
    }
    if (!row_ok) continue;

    std::string& response_raw = values[kResponse];
    std::vector<std::string> themes = SplitList(field(kIssue));
    if (pledge_markers.Get(response_raw,
                           [](const std::string& r) { return FoldText(r) == kPledgeResponse; })) {
      Pledge p;
      p.state = sur->iso3;
      p.text = std::move(text);
      p.session = session;
      p.cycle = CycleOfSession(session);
      p.action = action;
      p.themes = std::move(themes);
      p.provenance = {file_label, rec.line, 0};
      out.pledges.push_back(std::move(p));
      out.pledge_orgs.push_back(std::move(values[kToOrg]));
      continue;
    }
    Recommendation m;
    m.sur = sur->iso3;
    m.from.push_back(std::move(from));
    m.text = std::move(text);
    m.session = session;
    m.cycle = CycleOfSession(session);
    m.response = responses.Get(response_raw, [](const std::string& r) {
      return MapRawResponse(r);
    });
    m.response_raw = std::move(response_raw);
    if (m.response == Response::kOther)
      warning(rec.line, "Response",
              "'" + m.response_raw + "' is neither supported nor noted; stored as 'other'");
    m.action = action;
    m.themes = std::move(themes);
    m.sur_orgs = std::move(values[kToOrg]);
    m.from_orgs = std::move(values[kFromOrg]);
    m.provenance = {file_label, rec.line, 0};
    out.recommendations.push_back(std::move(m));
    if (sink && out.recommendations.size() >= batch_rows) hand_over();
  }
  if (sink) {  // the last batch, and no rows (nor room for them) left behind
    if (!out.recommendations.empty()) sink->take(std::move(out.recommendations));
    out.recommendations = {};
  }
  if (!skip_unknown_states) {
    for (const UnknownName& u : out.unknown_states) {
      std::string lines;
      for (size_t i = 0; i < u.lines.size() && i < 20; ++i)
        lines += (i ? "," : "") + std::to_string(u.lines[i]);
      if (u.lines.size() > 20) lines += ",... (" + std::to_string(u.lines.size()) + " lines)";
      error(u.lines.front(), u.column,
            "unknown state '" + u.name + "' on line(s) " + lines +
                "; expected a UN member or observer state name (use --skip-unknown-states to "
                "leave these rows out)");
    }
  }
  return out;
}

}  // namespace openupr::ingest

#include "classify/label_file.h"

#include <algorithm>

#include "core/states.h"
#include "core/text.h"
#include "ingest/csv_reader.h"
#include "ingest/encoding.h"
#include "ingest/file_bytes.h"
#include "ingest/upr_info.h"

namespace openupr::classify {
namespace {

std::string CleanText(std::string_view raw) {
  return CollapseWhitespace(raw.find('&') == std::string_view::npos ? std::string(raw)
                                                                    : DecodeHtmlEntities(raw));
}

std::vector<std::string> SplitThemes(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    std::string item = CollapseWhitespace(s.substr(start, comma - start));
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end())
      out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

}  // namespace

Result<std::vector<InputRow>> ParseLabelInput(std::string_view bytes, const std::string& file_label,
                                              InputKind kind) {
  auto decoded = ingest::DecodeToUtf8(bytes, ingest::DetectEncoding(bytes), file_label);
  if (!decoded.ok()) return decoded.status();
  const std::string_view text = *decoded;
  std::vector<InputRow> rows;
  if (kind == InputKind::kText) {
    int64_t line = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find_first_of("\r\n", pos);
      if (nl == std::string_view::npos) nl = text.size();
      ++line;
      std::string t = CleanText(text.substr(pos, nl - pos));
      if (!t.empty()) {
        InputRow row;
        row.line = line;
        row.text = std::move(t);
        rows.push_back(std::move(row));
      }
      pos = nl;
      if (pos < text.size() && text[pos] == '\r') ++pos;  // CR, or the CR of CRLF
      if (pos < text.size() && text[pos] == '\n' && (pos == nl || text[nl] == '\r')) ++pos;
    }
    if (rows.empty())
      return Status::BadInput(file_label + ":1: no recommendation (the file is empty)");
    return rows;
  }
  auto records = ingest::ReadCsv(text, ingest::DetectLineEnds(text), file_label);
  if (!records.ok()) return records.status();
  if (records->empty())
    return Status::BadInput(file_label + ":1: no text column (the file is empty)");
  const auto& header = (*records)[0].fields;
  int text_col = -1, action_col = -1, issue_col = -1, sur_col = -1, from_col = -1,
      response_col = -1;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string name = FoldText(CollapseWhitespace(header[i]));
    if (name.starts_with("\xEF\xBB\xBF")) name = name.substr(3);
    if (text_col < 0 && (name == "text" || name == "recommendation" ||
                         name == "recommendation text" || name == "recommendations"))
      text_col = static_cast<int>(i);
    else if (name == "action" || name == "action category")
      action_col = static_cast<int>(i);
    else if (name == "issue" || name == "themes" || name == "theme")
      issue_col = static_cast<int>(i);
    else if (name == "to" || name == "sur" || name == "state under review")
      sur_col = static_cast<int>(i);
    else if (name == "from" || name == "recommending state")
      from_col = static_cast<int>(i);
    else if (name == "response")
      response_col = static_cast<int>(i);
  }
  if (text_col < 0 && header.size() == 1) text_col = 0;
  if (text_col < 0)
    return Status::BadInput(file_label + ":" + std::to_string((*records)[0].line) +
                            ": no text column (expected text, recommendation or recommendation "
                            "text, or a file of one column)");
  // A one-column file whose "header" is no known name is data from its first line.
  const bool headerless = header.size() == 1 && FoldText(header[0]) != "text" &&
                          FoldText(header[0]) != "recommendation";
  for (size_t r = headerless ? 0 : 1; r < records->size(); ++r) {
    const auto& rec = (*records)[r];
    if (rec.fields.size() == 1 && rec.fields[0].empty() && header.size() > 1) continue;
    InputRow row;
    row.line = rec.line;
    if (static_cast<size_t>(text_col) < rec.fields.size())
      row.text = CleanText(rec.fields[text_col]);
    if (row.text.empty())
      return Status::BadInput(file_label + ":" + std::to_string(rec.line) + ": empty text");
    if (action_col >= 0 && static_cast<size_t>(action_col) < rec.fields.size()) {
      const std::string& a = rec.fields[action_col];
      if (a.size() == 1 && a[0] >= '1' && a[0] <= '5') row.action = a[0] - '0';
    }
    if (issue_col >= 0 && static_cast<size_t>(issue_col) < rec.fields.size())
      row.themes = SplitThemes(rec.fields[issue_col]);
    for (auto [col, out] : {std::pair{sur_col, &row.sur}, std::pair{from_col, &row.from}}) {
      if (col < 0 || static_cast<size_t>(col) >= rec.fields.size()) continue;
      const std::string name = CleanText(rec.fields[col]);
      if (ingest::IsUnknownMarker(name)) continue;
      const StateInfo* st = FindState(name);
      if (!st)
        return Status::BadInput(file_label + ":" + std::to_string(rec.line) + ": column " +
                                CollapseWhitespace(header[col]) + ": unknown state '" + name +
                                "' (expected a state's name or ISO3 code)");
      *out = st->iso3;
    }
    if (response_col >= 0 && static_cast<size_t>(response_col) < rec.fields.size())
      row.response = CleanText(rec.fields[response_col]);
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return Status::BadInput(file_label + ":2: no recommendation (only a header)");
  return rows;
}

Result<std::vector<InputRow>> ReadLabelInput(const std::string& path) {
  auto buf = ingest::ReadWholeFile(path);
  if (!buf.ok()) return buf.status();
  const bool txt = path.size() >= 4 && FoldText(path.substr(path.size() - 4)) == ".txt";
  return ParseLabelInput(buf->view(), path, txt ? InputKind::kText : InputKind::kCsv);
}

}  // namespace openupr::classify

#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/csv_write.h"

namespace openupr::classify {
namespace {

std::string Score(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4f", s);
  return b;
}

std::string Joined(const std::vector<LabelScore>& labels) {
  std::string out;
  for (const auto& l : labels) {
    if (!out.empty()) out += "; ";
    out += l.label + ":" + Score(l.score);
  }
  return out;
}

}  // namespace

Result<std::vector<Prediction>> PredictRows(const Classifier& c, const std::string& file_label,
                                            const std::vector<InputRow>& rows) {
  std::vector<Prediction> out;
  out.reserve(rows.size());
  SupportQuery q;
  for (const auto& r : rows) {
    q.sur = r.sur;
    q.from.clear();
    if (!r.from.empty()) q.from.push_back(r.from);
    auto p = c.Predict(r.text, r.sur.empty() ? nullptr : &q);
    if (!p.ok())
      return Status::BadInput(file_label + ":" + std::to_string(r.line) + ": " +
                              p.status().message());
    out.push_back(std::move(p).value());
  }
  return out;
}

std::string LabelsCsv(const std::vector<InputRow>& rows, const std::vector<Prediction>& preds) {
  std::string out =
      "line,action,action_score,themes,sdgs,support,source_action,source_themes,"
      "source_response\r\n";
  for (size_t i = 0; i < rows.size() && i < preds.size(); ++i) {
    const Prediction& p = preds[i];
    std::string source_themes;
    for (const auto& t : rows[i].themes) source_themes += (source_themes.empty() ? "" : "; ") + t;
    const std::string fields[] = {std::to_string(rows[i].line),
                                  std::to_string(p.action),
                                  Score(p.action_score),
                                  Joined(p.themes),
                                  Joined(p.sdgs),
                                  p.support ? Score(p.support->probability) : "",
                                  rows[i].action ? std::to_string(rows[i].action) : "",
                                  source_themes,
                                  rows[i].response};
    for (size_t f = 0; f < std::size(fields); ++f) {
      if (f) out += ',';
      AppendCsvField(out, fields[f]);
    }
    out += "\r\n";
  }
  return out;
}

nlohmann::json PredictionJson(const Prediction& p) {
  auto list = [](const std::vector<LabelScore>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& l : v) a.push_back({{"label", l.label}, {"score", l.score}});
    return a;
  };
  nlohmann::json j = {{"action", {{"label", p.action}, {"score", p.action_score}}},
                      {"themes", list(p.themes)},
                      {"sdgs", list(p.sdgs)}};
  if (p.support) {
    const SupportEstimate& s = *p.support;
    const SupportHistory& h = s.history;
    j["support"] = {
        {"probability", s.probability},
        {"sur", s.sur},
        {"from", s.from.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.from.front())},
        {"sur_recommendations", h.recommendations},
        {"sur_supported", h.supported},
        {"sur_supported_share",
         h.recommendations ? nlohmann::json(static_cast<double>(h.supported) / h.recommendations)
                           : nlohmann::json(nullptr)}};
  }
  return j;
}

nlohmann::json LabelsJson(const std::vector<InputRow>& rows, const std::vector<Prediction>& preds) {
  nlohmann::json a = nlohmann::json::array();
  for (size_t i = 0; i < rows.size() && i < preds.size(); ++i) {
    nlohmann::json j = {{"line", rows[i].line}, {"predicted", PredictionJson(preds[i])}};
    nlohmann::json source = nlohmann::json::object();
    if (rows[i].action) source["action"] = rows[i].action;
    if (!rows[i].themes.empty()) source["themes"] = rows[i].themes;
    if (!rows[i].sur.empty()) source["sur"] = rows[i].sur;
    if (!rows[i].from.empty()) source["from"] = rows[i].from;
    if (!rows[i].response.empty()) source["response"] = rows[i].response;
    j["source"] = source.empty() ? nlohmann::json(nullptr) : source;
    a.push_back(std::move(j));
  }
  return a;
}

}  // namespace openupr::classify

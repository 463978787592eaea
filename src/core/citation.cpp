#include "core/citation.h"

#include <cstdlib>

#include "core/sessions.h"
#include "core/states.h"
#include "core/text.h"

namespace openupr {
namespace {

constexpr std::string_view kAuthor =
    "Human Rights Council Working Group on the Universal Periodic Review";
constexpr std::string_view kSourceName = "UPR Info database export";

std::string StateNameOr(std::string_view iso3, std::string_view fallback) {
  const StateInfo* s = iso3.empty() ? nullptr : FindStateByIso3(iso3);
  return s ? s->un_name : std::string(fallback);
}

std::string Recommenders(const Recommendation& rec) {
  std::string out;
  for (size_t i = 0; i < rec.from.size(); ++i) {
    if (i) out += i + 1 == rec.from.size() ? " and " : ", ";
    out += StateNameOr(rec.from[i].iso3, rec.from[i].raw_name);
  }
  return out.empty() ? "an unknown state" : out;
}

// The text cut at a word boundary near max bytes (never inside a UTF-8 sequence), with "…".
std::string Shortened(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t cut = text.rfind(' ', max);
  if (cut == std::string_view::npos || cut < max / 2) {
    cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out(text.substr(0, cut));
  while (!out.empty() && (out.back() == ' ' || out.back() == ',' || out.back() == ';'))
    out.pop_back();
  return out + "…";
}

// BibTeX's special characters escaped; the rest (UTF-8) as it is, which biber and BibTeX with
// inputenc read.
std::string BibEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\textbackslash{}"; break;
      case '{': case '}': case '#': case '$': case '%': case '&': case '_':
        out += '\\';
        out += c;
        break;
      case '^': out += "\\^{}"; break;
      case '~': out += "\\~{}"; break;
      default: out += c;
    }
  }
  return out;
}

std::string OrdinalCycle(int cycle) {
  switch (cycle) {
    case 1: return "first cycle";
    case 2: return "second cycle";
    case 3: return "third cycle";
    case 4: return "fourth cycle";
    default: return "cycle " + std::to_string(cycle);
  }
}

// CSL-JSON's "issued": the session's first day, {"date-parts": [[2012, 10, 22]]}.
nlohmann::json CslIssued(const SessionDates& dates) {
  const std::string_view s = dates.start;
  auto number = [s](size_t at, size_t n) { return std::atoi(std::string(s.substr(at, n)).c_str()); };
  return {{"date-parts", nlohmann::json::array({nlohmann::json::array(
                             {number(0, 4), number(5, 2), number(8, 2)})})}};
}

// The review a record belongs to, as the citations' "review" object, and its words for the
// citation texts: "Working Group session 14 (22 October – 5 November 2012)".
struct Review {
  nlohmann::json json;
  std::string when;
};
Review ReviewOf(std::string_view state, const std::string& name, int session, int cycle,
                const SessionDates* dates) {
  Review r;
  r.json = {{"sur", std::string(state)}, {"name", name},     {"session", session},
            {"cycle", cycle}, {"start", nullptr}, {"end", nullptr},
            {"dates", nullptr}, {"year", nullptr}};
  r.when = "Working Group session " + std::to_string(session);
  if (dates) {
    const std::string formatted = FormatSessionDates(*dates);
    r.json["start"] = dates->start;
    r.json["end"] = dates->end;
    r.json["dates"] = formatted;
    r.json["year"] = dates->year;
    r.when += " (" + formatted + ")";
  }
  return r;
}

}  // namespace

std::string_view FileNameOf(std::string_view path) {
  const size_t slash = path.find_last_of("/\\");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string RecommendationUrl(std::string_view base_url, const Recommendation& rec) {
  std::string url(base_url);
  url += "/recommendations/";
  url += rec.uid;
  return url;
}

nlohmann::json PledgeCitation(const Pledge& p, std::string_view base_url) {
  using nlohmann::json;
  const StateInfo* state = FindStateByIso3(p.state);
  const std::string name = state ? state->un_name : p.state;
  const SessionDates* dates = FindSessionDates(p.session);
  const std::string url = std::string(base_url) + "/pledges/" + p.uid;
  const std::string file(FileNameOf(p.provenance.source_file));
  const std::string line = std::to_string(p.provenance.line);
  auto [review, when] = ReviewOf(p.state, name, p.session, p.cycle, dates);
  const std::string title =
      "Voluntary pledge by " + name + ": “" + Shortened(p.text, 120) + "”";
  std::string text = "Voluntary pledge by " + name + ", Universal Periodic Review, " + when + ", " +
                     OrdinalCycle(p.cycle) + ": “" + p.text + "” Source: " +
                     std::string(kSourceName) + ", " + file + ", line " + line +
                     ". OpenUPR record " + p.uid + ", " + url + ".";
  std::string bibtex = "@misc{openupr:" + p.uid + ",\n";
  bibtex += "  author       = {" + BibEscape(name) + "},\n";
  bibtex += "  title        = {" + BibEscape(title) + "},\n";
  if (dates) bibtex += "  year         = {" + std::to_string(dates->year) + "},\n";
  bibtex += "  howpublished = {Universal Periodic Review, " + BibEscape(when) + "},\n";
  bibtex += "  note         = {Source: " + BibEscape(std::string(kSourceName)) + ", " +
            BibEscape(file) + ", line " + line + ". OpenUPR record " + BibEscape(p.uid) + "},\n";
  bibtex += "  url          = {" + url + "}\n}\n";
  json csl = {{"id", p.uid},
              {"type", "document"},
              {"title", title},
              {"author", json::array({{{"literal", name}}})},
              {"event-title", "Universal Periodic Review, " + when},
              {"archive", kSourceName},
              {"archive_location", file + ", line " + line},
              {"URL", url}};
  if (dates) csl["issued"] = CslIssued(*dates);
  return {{"uid", p.uid},
          {"url", url},
          {"review", std::move(review)},
          {"source", {{"name", kSourceName}, {"file", file}, {"line", p.provenance.line}}},
          {"text", std::move(text)},
          {"bibtex", std::move(bibtex)},
          {"csl", std::move(csl)}};
}

nlohmann::json RecommendationCitation(const Recommendation& rec, std::string_view base_url) {
  using nlohmann::json;
  const StateInfo* sur = FindStateByIso3(rec.sur);
  const std::string sur_name = sur ? sur->un_name : rec.sur;
  const SessionDates* dates = FindSessionDates(rec.session);
  const std::string url = RecommendationUrl(base_url, rec);
  const std::string file(FileNameOf(rec.provenance.source_file));
  const std::string by = Recommenders(rec);
  const std::string response(ResponseCode(rec.response));

  auto [review, when] = ReviewOf(rec.sur, sur_name, rec.session, rec.cycle, dates);

  // The review's documents. Their symbols (A/HRC/..) are not in the source: the titles are the
  // UN's, and the links search the UN Digital Library for them and open OHCHR's page of the
  // state's reviews, where every document of every cycle is listed.
  const std::string report = "Report of the Working Group on the Universal Periodic Review: " +
                             sur_name;
  auto library = [](const std::string& query) {
    return "https://digitallibrary.un.org/search?ln=en&p=" + PercentEncode(query);
  };
  json documents = json::array();
  const std::string year = dates ? " " + std::to_string(dates->year) : "";
  documents.push_back({{"title", report},
                       {"symbol", nullptr},
                       {"url", library("\"" + report + "\"" + year)}});
  documents.push_back(
      {{"title", report + ". Addendum: Views on conclusions and/or recommendations, voluntary "
                          "commitments and replies presented by the State under review"},
       {"symbol", nullptr},
       {"url", library("\"" + report + "\" addendum" + year)}});
  if (sur) {
    std::string iso2 = sur->iso2;
    for (char& c : iso2) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    documents.push_back({{"title", "OHCHR: Universal Periodic Review – " + sur_name},
                         {"symbol", nullptr},
                         {"url", "https://www.ohchr.org/en/hr-bodies/upr/" + iso2 + "-index"}});
  }

  const std::string title =
      "Recommendation by " + by + " to " + sur_name + ": “" + Shortened(rec.text, 120) + "”";
  std::string text = "Recommendation by " + by + " to " + sur_name +
                     ", Universal Periodic Review, " + when + ", " + OrdinalCycle(rec.cycle) +
                     ": “" + rec.text + "” Response: " + response + ". Source: " +
                     std::string(kSourceName) + ", " + file + ", line " +
                     std::to_string(rec.provenance.line) + ". OpenUPR record " + rec.uid + ", " +
                     url + ".";

  std::string bibtex = "@misc{openupr:" + rec.uid + ",\n";
  bibtex += "  author       = {{" + BibEscape(kAuthor) + "}},\n";
  bibtex += "  title        = {" + BibEscape(title) + "},\n";
  if (dates) bibtex += "  year         = {" + std::to_string(dates->year) + "},\n";
  bibtex += "  howpublished = {Universal Periodic Review, " + BibEscape(when) + "},\n";
  bibtex += "  note         = {Response: " + response + ". Source: " +
            BibEscape(std::string(kSourceName)) + ", " + BibEscape(file) + ", line " +
            std::to_string(rec.provenance.line) + ". OpenUPR record " + BibEscape(rec.uid) +
            "},\n";
  bibtex += "  url          = {" + url + "}\n}\n";

  json csl = {{"id", rec.uid},
              {"type", "document"},
              {"title", title},
              {"author", json::array({{{"literal", kAuthor}}})},
              {"event-title", "Universal Periodic Review, " + when},
              {"archive", kSourceName},
              {"archive_location", file + ", line " + std::to_string(rec.provenance.line)},
              {"note", "Response: " + response},
              {"URL", url}};
  if (dates) csl["issued"] = CslIssued(*dates);

  return {{"uid", rec.uid},
          {"url", url},
          {"review", std::move(review)},
          {"documents", std::move(documents)},
          {"source",
           {{"name", kSourceName}, {"file", file}, {"line", rec.provenance.line}}},
          {"text", std::move(text)},
          {"bibtex", std::move(bibtex)},
          {"csl", std::move(csl)}};
}

}  // namespace openupr

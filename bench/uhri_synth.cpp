#include "bench/uhri_synth.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>

#include "core/model.h"
#include "core/sessions.h"
#include "core/states.h"
#include "core/uhri.h"
#include "ingest/file_bytes.h"
#include "ingest/importer.h"

namespace openupr::bench {
namespace {

// UHRI-like theme names (the coordinator replaces them with the crosswalk's vocabulary).
constexpr std::string_view kThemeNames[] = {
    "Right to education",
    "Right to health",
    "Right to food",
    "Right to water and sanitation",
    "Right to adequate housing",
    "Right to work and to just and favourable conditions of work",
    "Right to social security",
    "Rights related to name, identity and nationality",
    "Freedom of opinion and expression",
    "Freedom of peaceful assembly",
    "Freedom of association",
    "Freedom of thought, conscience and religion",
    "Right to privacy",
    "Right to participate in public affairs and right to vote",
    "Torture and other cruel, inhuman or degrading treatment",
    "Death penalty",
    "Enforced disappearances",
    "Liberty and security of the person",
    "Conditions of detention",
    "Administration of justice and fair trial",
    "Impunity",
    "Human rights defenders",
    "Trafficking in persons",
    "Contemporary forms of slavery",
    "Gender-based violence",
    "Women's rights",
    "Children's rights",
    "Juvenile justice",
    "Rights of persons with disabilities",
    "Migrants",
    "Refugees and asylum-seekers",
    "Internally displaced persons",
    "Indigenous peoples",
    "Minorities",
    "Racial discrimination",
    "Equality and non-discrimination",
    "Sexual orientation and gender identity",
    "National Human Rights Institution",
    "Cooperation with treaty bodies",
    "Cooperation with special procedures",
    "Acceptance of international norms",
    "Business and human rights",
    "Environment",
    "Poverty",
    "Counter-terrorism",
    "Corruption",
};

constexpr std::string_view kAffectedNames[] = {
    "Children",
    "Women",
    "Girls",
    "Persons with disabilities",
    "Migrants",
    "Indigenous peoples",
    "Minorities",
    "Refugees & asylum-seekers",
    "Persons deprived of their liberty",
    "Human rights defenders",
    "Lesbian, gay, bisexual, transgender and intersex persons",
    "Older persons",
    "Persons living in poverty",
    "Internally displaced persons",
    "Journalists",
    "Judges, lawyers and prosecutors",
};

constexpr std::string_view kSpecialProcedures[] = {
    "Special Rapporteur on the right to food",
    "Special Rapporteur on torture and other cruel, inhuman or degrading treatment or punishment",
    "Working Group on Arbitrary Detention",
    "Special Rapporteur on the situation of human rights defenders",
    "Special Rapporteur on the rights of Indigenous Peoples",
    "Special Rapporteur on the independence of judges and lawyers",
    "Special Rapporteur on extreme poverty and human rights",
    "Special Rapporteur on violence against women and girls, its causes and consequences",
    "Special Rapporteur on the human rights of migrants",
    "Special Rapporteur on the promotion and protection of the right to freedom of opinion and "
    "expression",
    "Independent Expert on protection against violence and discrimination based on sexual "
    "orientation and gender identity",
    "Working Group on Enforced or Involuntary Disappearances",
    "Special Rapporteur on the right to education",
    "Special Rapporteur on minority issues",
};

// The ten treaty bodies and the pattern of their concluding observations' symbols (%s: ISO3).
struct TreatyBody {
  std::string_view acronym;
  std::string_view symbol_prefix;  // before the ISO3
  std::string_view symbol_infix;   // after it, before the number
};
constexpr TreatyBody kTreatyBodies[] = {
    {"CAT", "CAT/C/", "/CO/"},     {"CCPR", "CCPR/C/", "/CO/"}, {"CED", "CED/C/", "/CO/"},
    {"CEDAW", "CEDAW/C/", "/CO/"}, {"CERD", "CERD/C/", "/CO/"}, {"CESCR", "E/C.12/", "/CO/"},
    {"CMW", "CMW/C/", "/CO/"},     {"CRC", "CRC/C/", "/CO/"},   {"CRPD", "CRPD/C/", "/CO/"},
    {"SPT", "CAT/OP/", "/"},
};

// The fields of a record (core/uhri.h), in the export's order: the header of the workbook.
using enum UhriField;

// A field's value as the export has it: null, a number, a string or a list of strings (a null
// list is kNull).
struct Value {
  enum class Kind { kNull, kNumber, kString, kList };
  Kind kind = Kind::kNull;
  int64_t number = 0;
  std::string text;
  std::vector<std::string> list;
  // XLSX only: the list's entries joined by "; " rather than line breaks.
  bool semicolons = false;

  void SetNull() { kind = Kind::kNull; }
  void SetNumber(int64_t n) {
    kind = Kind::kNumber;
    number = n;
  }
  std::string& SetString() {
    kind = Kind::kString;
    text.clear();
    return text;
  }
  std::vector<std::string>& SetList() {
    kind = Kind::kList;
    list.clear();
    semicolons = false;
    return list;
  }
};
// One record's values, by field.
struct Record {
  std::array<Value, kUhriFieldCount> values;
  Value& operator[](UhriField f) { return values[UhriFieldIndex(f)]; }
  const Value& operator[](UhriField f) const { return values[UhriFieldIndex(f)]; }
};

// SplitMix64: small, fast, and a good enough spread for resampling.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t index, uint64_t stream)
      : state_(Mix(Mix(seed ^ 0x5851F42D4C957F2DULL) ^ (index * 0x9E3779B97F4A7C15ULL) ^
                   (stream << 56))) {}
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t Next() { return Mix(state_ += 0x9E3779B97F4A7C15ULL); }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // lo..hi, both included.
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(double p) { return Uniform() < p; }

 private:
  uint64_t state_;
};

// Days since 1970-01-01 of a civil date and back (Howard Hinnant's algorithms).
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void AppendDate(int64_t days, bool with_time, std::string& out) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2));
  char buf[32];
  std::snprintf(buf, sizeof buf, with_time ? "%04d-%02d-%02dT00:00:00" : "%04d-%02d-%02d", y, m, d);
  out += buf;
}

int64_t DaysOfIso(std::string_view iso) {  // "YYYY-MM-DD"
  auto num = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (iso[i] - '0');
    return v;
  };
  return DaysFromCivil(num(0, 4), num(5, 2), num(8, 2));
}

const int64_t kFirstDay = DaysFromCivil(2008, 1, 1);
const int64_t kLastDay = DaysFromCivil(2026, 12, 31);

std::string Ordinal(int n) {
  const int tens = n % 100;
  const int ones = n % 10;
  const char* suffix = (tens >= 11 && tens <= 13) ? "th"
                       : ones == 1                ? "st"
                       : ones == 2                ? "nd"
                       : ones == 3                ? "rd"
                                                  : "th";
  return std::to_string(n) + suffix;
}

// How one record writes its HTML (the same for all its paragraphs).
struct HtmlStyle {
  std::string_view apostrophe;  // "'", "&#39;" or "&rsquo;"
  bool quot = false;            // '"' as &quot;
  std::string_view separator;   // between block elements: "", "\n" or "\r\n"
  bool styled = false;          // <p style="..."> rather than <p>
};

void AppendHtmlEscaped(std::string_view text, const HtmlStyle& style, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\'':
        out += style.apostrophe;
        break;
      case '"':
        if (style.quot)
          out += "&quot;";
        else
          out += c;
        break;
      default:
        out += c;
    }
  }
}

class Generator {
 public:
  Generator(const UhriSynthSource& source, uint64_t seed) : source_(source), seed_(seed) {
    for (const StateInfo& s : AllStates()) states_.push_back(&s);
    by_session_.resize(18);
    for (size_t i = 0; i < source.texts.size(); ++i) {
      const int s = source.texts[i].session;
      if (s >= 1 && s <= 17 && source.texts[i].sur) by_session_[s].push_back(i);
    }
  }

  // Record index of the seed into r; with changed, its Text and Themes as version 2 has them.
  // Returns its mechanism.
  Mechanism Make(int64_t index, bool changed, Record& r) {
    Rng rng(seed_, static_cast<uint64_t>(index), 0);
    AppendUuid(rng, r[kAnnotationId].SetString());
    const double u = rng.Uniform();
    const Mechanism m = u < 0.20   ? Mechanism::kUpr
                        : u < 0.75 ? Mechanism::kTreatyBody
                                   : Mechanism::kSpecialProcedure;
    if (m == Mechanism::kUpr)
      MakeUpr(rng, r);
    else
      MakeObservation(rng, m, r);
    Themes(rng, r[kThemes]);
    Sdgs(rng, r[kSdgs]);
    Affected(rng, r[kAffectedPersons]);
    if (rng.Chance(0.05)) r[kDocumentId].SetNull();
    if (changed) {
      Rng other(seed_, static_cast<uint64_t>(index), 1);
      if (m == Mechanism::kUpr)
        UprText(other, source_.texts[other.Next() % source_.texts.size()].text, r[kText]);
      else
        ObservationText(other, r[kText]);
      Themes(other, r[kThemes]);
    }
    // The other export's values: lists joined by "; " in a workbook now and then.
    for (Value& v : r.values)
      if (v.kind == Value::Kind::kList && rng.Chance(0.05)) {
        bool has_semicolon = false;
        for (const auto& e : v.list) has_semicolon |= e.find(';') != std::string::npos;
        v.semicolons = !has_semicolon;
      }
    return m;
  }

 private:
  static void AppendUuid(Rng& rng, std::string& out) {
    uint64_t hi = rng.Next();
    uint64_t lo = rng.Next();
    hi = (hi & ~uint64_t{0xF000}) | 0x4000;                      // version 4
    lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);  // variant 10
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                  static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                  static_cast<unsigned>(lo >> 48),
                  static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
    out += buf;
  }

  const StateInfo* RandomState(Rng& rng) const { return states_[rng.Next() % states_.size()]; }

  // Distinct states: first (if any) and then random ones until n.
  std::vector<const StateInfo*> States(Rng& rng, const StateInfo* first, int n) const {
    std::vector<const StateInfo*> out;
    if (first) out.push_back(first);
    while (static_cast<int>(out.size()) < n) {
      const StateInfo* s = RandomState(rng);
      bool seen = false;
      for (const StateInfo* o : out) seen |= o == s;
      if (!seen) out.push_back(s);
    }
    return out;
  }

  static void Names(const std::vector<const StateInfo*>& states, Value& v) {
    auto& list = v.SetList();
    for (const StateInfo* s : states) list.emplace_back(s->un_name);
  }
  static void RegionsOf(const std::vector<const StateInfo*>& states, Value& v) {
    auto& list = v.SetList();
    for (const StateInfo* s : states) {
      if (s->region == Region::kNone) continue;
      std::string name(RegionName(s->region));
      bool seen = false;
      for (const auto& e : list) seen |= e == name;
      if (!seen) list.push_back(std::move(name));
    }
  }
  // A list that may also come empty or null.
  static bool EmptyOrNull(Rng& rng, Value& v, double empty, double null) {
    const double u = rng.Uniform();
    if (u < null) {
      v.SetNull();
      return true;
    }
    if (u < null + empty) {
      v.SetList();
      return true;
    }
    return false;
  }

  static void DocumentId(Rng& rng, Value& v) {
    const int64_t id = rng.Range(1000, 999999);
    if (rng.Chance(0.8))
      v.SetNumber(id);
    else
      v.SetString() = std::to_string(id);
  }
  static void Dates(Rng& rng, int64_t day, Record& r) {
    const bool with_time = rng.Chance(0.7);
    AppendDate(day, with_time, r[kPublicationDate].SetString());
    if (rng.Chance(0.03)) {
      r[kPublicationDateOnUhri].SetNull();
    } else {
      const int64_t on_uhri = std::min(kLastDay, day + rng.Range(0, 400));
      AppendDate(on_uhri, with_time, r[kPublicationDateOnUhri].SetString());
    }
  }
  // A number, or a string of its digits, or with words around them.
  static void NumberOrText(Rng& rng, int n, bool session, Value& v) {
    const double u = rng.Uniform();
    if (u < 0.85)
      v.SetNumber(n);
    else if (u < 0.9)
      v.SetString() = std::to_string(n);
    else
      v.SetString() = session ? Ordinal(n) + " session" : "Cycle " + std::to_string(n);
  }

  HtmlStyle Style(Rng& rng) const {
    HtmlStyle s;
    const double a = rng.Uniform();
    s.apostrophe = a < 0.5 ? "'" : a < 0.8 ? "&#39;" : "&rsquo;";
    s.quot = rng.Chance(0.5);
    const double sep = rng.Uniform();
    s.separator = sep < 0.6 ? "" : sep < 0.9 ? "\n" : "\r\n";
    s.styled = rng.Chance(0.05);
    return s;
  }

  // A UPR recommendation: its text, now and then in a <p>.
  void UprText(Rng& rng, std::string_view text, Value& v) const {
    std::string& out = v.SetString();
    if (rng.Chance(0.4)) {
      out.assign(text);
      return;
    }
    HtmlStyle style = Style(rng);
    out += "<p>";
    AppendHtmlEscaped(text, style, out);
    out += "</p>";
  }

  // Real texts as paragraphs, the last few now and then as a list.
  void ObservationText(Rng& rng, Value& v) const {
    std::string& out = v.SetString();
    const HtmlStyle style = Style(rng);
    // 3-9 paragraphs, 5.75 on average: 250,000 records make ~360 MB of JSON, as UHRI's export.
    const int n = static_cast<int>(rng.Range(3, 8)) + (rng.Chance(0.25) ? 1 : 0);
    const int listed = n >= 3 && rng.Chance(0.15) ? static_cast<int>(rng.Range(2, 3)) : 0;
    const bool blank = rng.Chance(0.03);  // an empty <p>&nbsp;</p>, as editors leave them
    bool in_list = false;
    for (int i = 0; i < n; ++i) {
      const std::string& text = source_.texts[rng.Next() % source_.texts.size()].text;
      if (out.size() + text.size() > 30000) break;  // under the 32,767 of a workbook's cell
      if (i > 0) out += style.separator;
      if (i >= n - listed) {
        if (!in_list) out += "<ul>";
        in_list = true;
        out += "<li>";
        AppendHtmlEscaped(text, style, out);
        out += "</li>";
        continue;
      }
      out += style.styled ? "<p style=\"text-align: justify;\">" : "<p>";
      AppendHtmlEscaped(text, style, out);
      out += "</p>";
      if (blank && i == 0) {
        out += style.separator;
        out += "<p>&nbsp;</p>";
      }
    }
    if (in_list) out += "</ul>";
  }

  void MakeUpr(Rng& rng, Record& r) const {
    const int session = static_cast<int>(rng.Range(1, kLastKnownSession));
    const UhriSynthText* real = nullptr;
    if (session <= 17 && !by_session_[session].empty())
      real = &source_.texts[by_session_[session][rng.Next() % by_session_[session].size()]];
    const UhriSynthText& drawn = real ? *real : source_.texts[rng.Next() % source_.texts.size()];
    const StateInfo* sur = real ? real->sur : RandomState(rng);
    const bool supported = real ? real->supported : rng.Chance(0.7);
    const double u = rng.Uniform();
    const int recommending = u < 0.75 ? 1 : u < 0.93 ? 2 : 3;
    std::vector<const StateInfo*> from;
    if (real && real->from && real->from != sur) from.push_back(real->from);
    while (static_cast<int>(from.size()) < recommending) {
      const StateInfo* s = RandomState(rng);
      bool seen = s == sur;
      for (const StateInfo* o : from) seen |= o == s;
      if (!seen) from.push_back(s);
    }

    r[kAnnotationType].SetString() = "- Recommendations";
    r[kBody].SetString() = "- UPR";
    Names({sur}, r[kCountries]);
    DocumentId(rng, r[kDocumentId]);
    r[kSymbol].SetString() =
        "A/HRC/" + std::to_string(session + 7) + "/" + std::to_string(rng.Range(1, 40));
    const SessionDates* dates = FindSessionDates(session);
    const int64_t day =
        dates ? DaysOfIso(dates->start) + rng.Range(40, 150) : rng.Range(kFirstDay, kLastDay);
    Dates(rng, std::min(day, kLastDay), r);
    if (!EmptyOrNull(rng, r[kRegions], 0.02, 0.02)) RegionsOf({sur}, r[kRegions]);
    UprText(rng, drawn.text, r[kText]);
    NumberOrText(rng, CycleOfSession(session), false, r[kUprCycle]);
    NumberOrText(rng, session, true, r[kUprSession]);
    r[kUprPositions].SetList().emplace_back(supported ? "Supported" : "Noted");
    Names(from, r[kUprRecommendingCountry]);
    if (!EmptyOrNull(rng, r[kUprRecommendingRegions], 0.03, 0.02))
      RegionsOf(from, r[kUprRecommendingRegions]);
  }

  void MakeObservation(Rng& rng, Mechanism m, Record& r) const {
    const double u = rng.Uniform();
    const int n = u < 0.93 ? 1 : u < 0.98 ? 2 : 3;
    const std::vector<const StateInfo*> countries = States(rng, nullptr, n);
    const int64_t day = rng.Range(kFirstDay, kLastDay - 30);
    int year = 2008;
    while (year < 2026 && DaysFromCivil(year + 1, 1, 1) <= day) ++year;
    if (m == Mechanism::kTreatyBody) {
      const TreatyBody& tb = kTreatyBodies[rng.Next() % std::size(kTreatyBodies)];
      r[kAnnotationType].SetString() =
          rng.Chance(0.6) ? "- Recommendations" : "- Concerns/Observations";
      std::string& body = r[kBody].SetString();
      body = "- ";
      body += tb.acronym;
      std::string& symbol = r[kSymbol].SetString();
      symbol += tb.symbol_prefix;
      symbol += countries[0]->iso3;
      symbol += tb.symbol_infix;
      const int report = static_cast<int>(rng.Range(1, 8));
      symbol += std::to_string(report);
      if (rng.Chance(0.15)) symbol += "-" + std::to_string(report + 1);
    } else {
      r[kAnnotationType].SetString() =
          rng.Chance(0.7) ? "- Recommendations" : "- Concerns/Observations";
      std::string& body = r[kBody].SetString();
      body = "- ";
      body += kSpecialProcedures[rng.Next() % std::size(kSpecialProcedures)];
      const int hrc = 7 + (year - 2008) * 3 + static_cast<int>(rng.Range(0, 2));
      r[kSymbol].SetString() = "A/HRC/" + std::to_string(hrc) + "/" +
                               std::to_string(rng.Range(20, 60)) + "/Add." +
                               std::to_string(rng.Range(1, 3));
    }
    Names(countries, r[kCountries]);
    DocumentId(rng, r[kDocumentId]);
    Dates(rng, day, r);
    if (!EmptyOrNull(rng, r[kRegions], 0.02, 0.02)) RegionsOf(countries, r[kRegions]);
    ObservationText(rng, r[kText]);
    r[kUprCycle].SetNull();
    r[kUprSession].SetNull();
    for (UhriField f : {kUprPositions, kUprRecommendingCountry, kUprRecommendingRegions})
      if (rng.Chance(0.5))
        r[f].SetNull();
      else
        r[f].SetList();
  }

  static void Themes(Rng& rng, Value& v) {
    if (EmptyOrNull(rng, v, 0.03, 0.02)) return;
    auto& list = v.SetList();
    const int n = static_cast<int>(rng.Range(1, 4));
    while (static_cast<int>(list.size()) < n) {
      std::string name = "- ";
      name += kThemeNames[rng.Next() % std::size(kThemeNames)];
      bool seen = false;
      for (const auto& e : list) seen |= e == name;
      if (!seen) list.push_back(std::move(name));
    }
  }
  void Sdgs(Rng& rng, Value& v) const {
    if (EmptyOrNull(rng, v, 0.0, 0.05)) return;
    auto& list = v.SetList();
    if (source_.sdgs.empty()) return;
    const int n = static_cast<int>(rng.Range(0, 3));
    for (int i = 0; i < n; ++i) {
      const std::string& e = source_.sdgs[rng.Next() % source_.sdgs.size()];
      bool seen = false;
      for (const auto& o : list) seen |= o == e;
      if (!seen) list.push_back(e);
    }
  }
  static void Affected(Rng& rng, Value& v) {
    if (EmptyOrNull(rng, v, 0.0, 0.05)) return;
    auto& list = v.SetList();
    const int n = static_cast<int>(rng.Range(0, 3));
    for (int i = 0; i < n; ++i) {
      std::string name = "- ";
      name += kAffectedNames[rng.Next() % std::size(kAffectedNames)];
      bool seen = false;
      for (const auto& e : list) seen |= e == name;
      if (!seen) list.push_back(std::move(name));
    }
  }

  const UhriSynthSource& source_;
  uint64_t seed_;
  std::vector<const StateInfo*> states_;
  std::vector<std::vector<size_t>> by_session_;  // real texts of sessions 1-17 by session
};

// JSON string escaping as the export has it: UTF-8 as it is; '"', '\\' and the control
// characters escaped (\n, \r, \t by name, the others as \u00XX).
void AppendJsonString(std::string_view s, std::string& out) {
  out += '"';
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s, start, i - start);
    start = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(s, start, s.size() - start);
  out += '"';
}

void AppendJson(const Record& r, std::string& out) {
  out += '{';
  for (size_t f = 0; f < kUhriFieldCount; ++f) {
    if (f > 0) out += ',';
    out += '"';
    out += kUhriFieldNames[f];
    out += "\":";
    const Value& v = r.values[f];
    switch (v.kind) {
      case Value::Kind::kNull:
        out += "null";
        break;
      case Value::Kind::kNumber:
        out += std::to_string(v.number);
        break;
      case Value::Kind::kString:
        AppendJsonString(v.text, out);
        break;
      case Value::Kind::kList:
        out += '[';
        for (size_t i = 0; i < v.list.size(); ++i) {
          if (i > 0) out += ',';
          AppendJsonString(v.list[i], out);
        }
        out += ']';
        break;
    }
  }
  out += '}';
}

struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};

class XlsxOut {
 public:
  ~XlsxOut() {
    if (book_) workbook_close(book_);
  }
  Status Open(const std::string& path) {
    lxw_workbook_options options = {};
    options.constant_memory = LXW_TRUE;
    book_ = workbook_new_opt(path.c_str(), &options);
    if (!book_) return Status::Io(path + ": cannot create the workbook");
    sheet_ = workbook_add_worksheet(book_, "Export");
    if (!sheet_) return Status::Io(path + ": cannot add a worksheet");
    path_ = path;
    for (size_t f = 0; f < kUhriFieldCount; ++f)
      if (Status st =
              Check(worksheet_write_string(sheet_, 0, static_cast<lxw_col_t>(f),
                                           std::string(kUhriFieldNames[f]).c_str(), nullptr));
          !st.ok())
        return st;
    return Status::Ok();
  }
  Status Write(const Record& r) {
    ++row_;
    for (size_t f = 0; f < kUhriFieldCount; ++f) {
      const Value& v = r.values[f];
      const auto col = static_cast<lxw_col_t>(f);
      lxw_error err = LXW_NO_ERROR;
      switch (v.kind) {
        case Value::Kind::kNull:
          break;
        case Value::Kind::kNumber:
          err = worksheet_write_number(sheet_, row_, col, static_cast<double>(v.number), nullptr);
          break;
        case Value::Kind::kString:
          if (!v.text.empty())
            err = worksheet_write_string(sheet_, row_, col, v.text.c_str(), nullptr);
          break;
        case Value::Kind::kList: {
          if (v.list.empty()) break;
          cell_.clear();
          for (size_t i = 0; i < v.list.size(); ++i) {
            if (i > 0) cell_ += v.semicolons ? "; " : "\n";
            cell_ += v.list[i];
          }
          err = worksheet_write_string(sheet_, row_, col, cell_.c_str(), nullptr);
          break;
        }
      }
      if (Status st = Check(err); !st.ok()) return st;
    }
    return Status::Ok();
  }
  Status Close() {
    const lxw_error err = workbook_close(book_);
    book_ = nullptr;
    return Check(err);
  }

 private:
  Status Check(lxw_error err) const {
    if (err == LXW_NO_ERROR) return Status::Ok();
    return Status::Io(path_ + ": row " + std::to_string(row_ + 1) + ": " + lxw_strerror(err));
  }
  lxw_workbook* book_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  std::string path_;
  lxw_row_t row_ = 0;
  std::string cell_;
};

// "N-M-title: text" lines of global_targets.yml (continuations indented) as "N.M - text",
// shortened.
std::vector<std::string> ParseTargets(std::string_view yaml) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < yaml.size()) {
    size_t end = yaml.find('\n', pos);
    if (end == std::string_view::npos) end = yaml.size();
    std::string_view line = yaml.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.front() == ' ') {
      if (!out.empty()) {
        while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
        out.back() += ' ';
        out.back() += line;
      }
      continue;
    }
    const size_t title = line.find("-title: ");
    const size_t dash = line.find('-');
    if (title == std::string_view::npos || dash == std::string_view::npos || dash >= title)
      continue;
    std::string_view text = line.substr(title + 8);
    if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
        text.back() == text.front())
      text = text.substr(1, text.size() - 2);
    std::string entry(line.substr(0, dash));
    entry += '.';
    entry += line.substr(dash + 1, title - dash - 1);
    entry += " - ";
    entry += text;
    out.push_back(std::move(entry));
  }
  // UHRI's entries are the targets' short titles: the text is cut at a word before 80 bytes.
  for (std::string& e : out) {
    if (e.size() <= 80) continue;
    size_t cut = e.rfind(' ', 80);
    while (cut > 0 && (e[cut - 1] == ',' || e[cut - 1] == ';' || e[cut - 1] == ' ')) --cut;
    e.resize(cut);
  }
  return out;
}

}  // namespace

Result<UhriSynthSource> LoadUhriSynthSource(const std::string& data_dir) {
  UhriSynthSource source;
  for (const char* name :
       {"sessions-01-05.csv", "sessions-06-09.csv", "sessions-10-13.csv", "sessions-14-17.csv"}) {
    const std::string path = data_dir + "/upr-info/" + name;
    auto bytes = ingest::ReadWholeFile(path);
    if (!bytes.ok()) return bytes.status();
    ingest::FileReport report;
    report.path = path;
    ingest::RecommendationSink sink;
    sink.take = [&](std::vector<Recommendation>&& batch) {
      for (Recommendation& rec : batch) {
        UhriSynthText t;
        t.text = std::move(rec.text);
        t.sur = FindStateByIso3(rec.sur);
        if (!rec.from.empty() && !rec.from[0].iso3.empty())
          t.from = FindStateByIso3(rec.from[0].iso3);
        t.session = rec.session;
        t.supported = rec.response == Response::kSupported;
        if (!t.text.empty()) source.texts.push_back(std::move(t));
      }
    };
    ingest::ParseImportFile(bytes->view(), {}, report, sink, [] { return true; });
    if (!report.errors.empty()) return Status::BadInput(report.errors.front().ToString());
  }
  const std::string targets = data_dir + "/sdg/en/global_targets.yml";
  auto yaml = ingest::ReadWholeFile(targets);
  if (!yaml.ok()) return yaml.status();
  source.sdgs = ParseTargets(yaml->view());
  if (source.sdgs.empty())
    return Status::BadInput(targets +
                            ": no SDG target, expected lines "
                            "\"N-M-title: text\"");
  return source;
}

Result<UhriSynthReport> WriteUhriSynth(const UhriSynthOptions& options,
                                       const UhriSynthSource& source) {
  if (options.records < 1) return Status::InvalidArgument("--records: expected at least 1");
  if (options.json_path.empty()) return Status::InvalidArgument("--json: expected a path");
  if (options.version != 1 && options.version != 2)
    return Status::InvalidArgument("--version: expected 1 or 2");
  if (!(options.changed >= 0 && options.changed <= 1))
    return Status::InvalidArgument("--changed: expected a share 0..1");
  if (source.texts.empty()) return Status::InvalidArgument("no real text to resample");
  const auto start = std::chrono::steady_clock::now();
  const bool v2 = options.version == 2;
  const int64_t n = options.records;
  const int64_t added = v2 ? (n * 2 + 50) / 100 : 0;
  if (!options.xlsx_path.empty() && n + added >= 1'048'576)
    return Status::InvalidArgument("--xlsx: a worksheet holds at most 1,048,575 records");

  std::unique_ptr<FILE, FileCloser> json(std::fopen(options.json_path.c_str(), "wb"));
  if (!json) return Status::Io(options.json_path + ": cannot create: " + std::strerror(errno));
  std::unique_ptr<XlsxOut> xlsx;
  if (!options.xlsx_path.empty()) {
    xlsx = std::make_unique<XlsxOut>();
    if (Status st = xlsx->Open(options.xlsx_path); !st.ok()) return st;
  }

  UhriSynthReport report;
  Generator gen(source, options.seed);
  Record record;
  std::string out;
  out.reserve(size_t{2} << 20);
  out += "[";
  auto flush = [&]() -> Status {
    if (std::fwrite(out.data(), 1, out.size(), json.get()) != out.size())
      return Status::Io(options.json_path + ": cannot write: " + std::strerror(errno));
    report.json_bytes += out.size();
    out.clear();
    return Status::Ok();
  };
  auto emit = [&](int64_t index, bool changed) -> Status {
    const Mechanism m = gen.Make(index, changed, record);
    (m == Mechanism::kUpr          ? report.upr
     : m == Mechanism::kTreatyBody ? report.treaty_body
                                   : report.special_procedure)++;
    out += report.records++ == 0 ? "\n" : ",\n";
    AppendJson(record, out);
    if (out.size() >= (size_t{1} << 20))
      if (Status st = flush(); !st.ok()) return st;
    if (xlsx)
      if (Status st = xlsx->Write(record); !st.ok()) return st;
    if (options.progress && report.records % 10000 == 0)
      options.progress(report.records, n + added);
    return Status::Ok();
  };

  int64_t next_new = 0;  // version 2: new record j follows version 1's record j * n / added
  for (int64_t i = 0; i < n; ++i) {
    bool changed = false;
    if (v2) {
      Rng fate(options.seed, static_cast<uint64_t>(i), 2);
      if (fate.Chance(0.01)) {
        ++report.removed;
      } else {
        changed = fate.Chance(options.changed);
        report.changed += changed;
        if (Status st = emit(i, changed); !st.ok()) return st;
      }
      for (; next_new < added && next_new * n / added == i; ++next_new) {
        ++report.added;
        if (Status st = emit(n + next_new, false); !st.ok()) return st;
      }
    } else {
      if (Status st = emit(i, false); !st.ok()) return st;
    }
  }
  out += "\n]\n";
  if (Status st = flush(); !st.ok()) return st;
  if (std::fclose(json.release()) != 0)
    return Status::Io(options.json_path + ": cannot write: " + std::strerror(errno));
  if (xlsx) {
    if (Status st = xlsx->Close(); !st.ok()) return st;
    std::error_code ec;
    report.xlsx_bytes = std::filesystem::file_size(options.xlsx_path, ec);
  }
  if (options.progress) options.progress(report.records, report.records);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace openupr::bench

#include "ingest/uhri_json_record.h"

#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "ingest/html_text.h"

namespace openupr::ingest::internal {
namespace {

namespace od = simdjson::ondemand;
static_assert(kUhriJsonPadding == simdjson::SIMDJSON_PADDING);

using Field = UhriField;

const char* TypeName(od::json_type t) {
  switch (t) {
    case od::json_type::array:
      return "a list";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "true or false";
    case od::json_type::null:
      return "null";
  }
  return "an unknown value";
}

bool IsNbspAt(std::string_view s, size_t i) {
  return i + 1 < s.size() && static_cast<unsigned char>(s[i]) == 0xC2 &&
         static_cast<unsigned char>(s[i + 1]) == 0xA0;
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// s without leading and trailing ASCII whitespace and no-break spaces (U+00A0).
std::string_view Trim(std::string_view s) {
  while (!s.empty()) {
    if (IsAsciiSpace(s.front())) {
      s.remove_prefix(1);
    } else if (IsNbspAt(s, 0)) {
      s.remove_prefix(2);
    } else {
      break;
    }
  }
  while (!s.empty()) {
    if (IsAsciiSpace(s.back())) {
      s.remove_suffix(1);
    } else if (s.size() >= 2 && IsNbspAt(s, s.size() - 2)) {
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

// A categorical value: trimmed, without UHRI's "- " prefix ("- CRC" -> "CRC"); a lone "-" (the
// prefix of nothing) is empty.
std::string_view Categorical(std::string_view s) {
  s = Trim(s);
  if (s == "-") return {};
  if (s.size() >= 2 && s[0] == '-' && (IsAsciiSpace(s[1]) || IsNbspAt(s, 1))) s = Trim(s.substr(1));
  return s;
}

// JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "YYYY-MM-DD", optionally followed by "T..." or " ..." (a time part).
bool IsIsoDate(std::string_view s) {
  if (s.size() < 10) return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(s[i])) return false;
  }
  if (s[4] != '-' || s[7] != '-') return false;
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  return s.size() == 10 || s[10] == 'T' || s[10] == ' ';
}

// s quoted for a message, cut to about 60 bytes (at a UTF-8 character boundary).
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 60;
  std::string out = "\"";
  if (s.size() <= kMax) {
    out.append(s);
  } else {
    size_t n = kMax;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    out.append(s.substr(0, n));
    out.append("...");
  }
  out.push_back('"');
  return out;
}

// What a simdjson error means, in the words of the messages.
std::string ErrorText(simdjson::error_code e) {
  switch (e) {
    case simdjson::UTF8_ERROR:
      return "invalid UTF-8";
    case simdjson::UNESCAPED_CHARS:
      return "a control character (below U+0020) not escaped inside a string";
    case simdjson::UNCLOSED_STRING:
      return "a string is not closed";
    case simdjson::STRING_ERROR:
      return "a bad escape in a string (expected \\\" \\\\ \\/ \\b \\f \\n \\r \\t or "
             "\\uXXXX)";
    case simdjson::NUMBER_ERROR:
      return "a bad number";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      return "a bad literal (expected true, false or null)";
    case simdjson::TAPE_ERROR:
      return "bad structure (a missing ',' or ':', or a stray character)";
    default:
      return simdjson::error_message(e);
  }
}

// The position in json of the first byte that makes it invalid UTF-8 (RFC 3629), or of the first
// control character inside a string: what simdjson's first stage refuses without saying where.
// json.size() if there is none.
size_t LocateStage1Error(std::string_view json, simdjson::error_code e) {
  const auto* p = reinterpret_cast<const unsigned char*>(json.data());
  const size_t n = json.size();
  if (e == simdjson::UNESCAPED_CHARS) {
    bool in_string = false;
    for (size_t i = 0; i < n; ++i) {
      if (in_string && p[i] == '\\') {
        ++i;
      } else if (p[i] == '"') {
        in_string = !in_string;
      } else if (in_string && p[i] < 0x20) {
        return i;
      }
    }
    return n;
  }
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4, min = 0x10000;
    } else {
      return i;
    }
    if (i + len > n) return i;
    uint32_t cp = c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = cp << 6 | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return n;
}

// The largest cycle or session number accepted (the UPR has had 4 cycles and 47 sessions).
constexpr int64_t kMaxUprNumber = 9999;

}  // namespace

Status UhriJsonError(std::string_view name, uint64_t offset, std::string_view path,
                     std::string_view what) {
  std::string msg;
  msg.reserve(name.size() + path.size() + what.size() + 32);
  msg.append(name).append(": byte ").append(std::to_string(offset)).append(": ");
  msg.append(path).append(": ").append(what);
  return Status::BadInput(std::move(msg));
}

struct UhriRecordParser::Impl {
  od::parser parser;
  std::string_view name;
  int64_t index = 0;
  const char* base = nullptr;  // the record's "{"
  size_t size = 0;
  uint64_t offset = 0;  // of base in the file
  int entities = 0;
  size_t next_field = 0;  // UhriFieldOfName's hint

  uint64_t OffsetOf(const char* p) const {
    if (p < base || p > base + size) return offset + size;
    return offset + static_cast<uint64_t>(p - base);
  }
  uint64_t ValueOffset(od::value& v) { return OffsetOf(v.raw_json_token().data()); }

  std::string Path(std::string_view field, int64_t item) const {
    std::string p = "$[" + std::to_string(index) + "]";
    if (!field.empty()) p.append(".").append(field);
    if (item >= 0) p.append("[").append(std::to_string(item)).append("]");
    return p;
  }
  Status Error(uint64_t at, std::string_view field, int64_t item, std::string_view what) const {
    return UhriJsonError(name, at, Path(field, item), what);
  }
  Status TypeError(uint64_t at, std::string_view field, int64_t item, std::string_view expected,
                   od::json_type found) const {
    return Error(at, field, item,
                 std::string("expected ") + std::string(expected) + ", found " + TypeName(found));
  }
  Status SyntaxError(simdjson::error_code e, uint64_t at, std::string_view field,
                     int64_t item) const {
    return Error(at, field, item, "invalid JSON: " + ErrorText(e));
  }
  // Where the parse stands after an error of the iteration itself.
  uint64_t CurrentOffset(od::document& doc) {
    const char* p = nullptr;
    if (doc.current_location().get(p) != simdjson::SUCCESS) return offset + size;
    return OffsetOf(p);
  }

  // The type of v, or a syntax error.
  Status TypeOf(od::value& v, std::string_view field, int64_t item, od::json_type* t) {
    if (const auto e = v.type().get(*t)) return SyntaxError(e, ValueOffset(v), field, item);
    return Status::Ok();
  }
  // Consumes a null (checking that it is "null").
  Status ConsumeNull(od::value& v, std::string_view field, int64_t item) {
    bool is_null = false;
    const uint64_t at = ValueOffset(v);
    const auto e = v.is_null().get(is_null);
    if (e || !is_null) return SyntaxError(simdjson::N_ATOM_ERROR, at, field, item);
    return Status::Ok();
  }
  Status GetString(od::value& v, std::string_view field, int64_t item, std::string_view* s) {
    const uint64_t at = ValueOffset(v);
    if (const auto e = v.get_string().get(*s)) return SyntaxError(e, at, field, item);
    return Status::Ok();
  }

  // A string or null (-> empty), trimmed; categorical values lose UHRI's "- " prefix.
  Status ReadString(od::value& v, std::string_view field, bool categorical, std::string* out) {
    od::json_type t = od::json_type::null;
    OPENUPR_RETURN_IF_ERROR(TypeOf(v, field, -1, &t));
    if (t == od::json_type::null) {
      out->clear();
      return ConsumeNull(v, field, -1);
    }
    if (t != od::json_type::string) {
      return TypeError(ValueOffset(v), field, -1, "a string or null", t);
    }
    std::string_view s;
    OPENUPR_RETURN_IF_ERROR(GetString(v, field, -1, &s));
    const std::string_view kept = categorical ? Categorical(s) : Trim(s);
    out->assign(kept.data(), kept.size());
    return Status::Ok();
  }

  // A list of strings or null (-> empty). Entries: strings (trimmed, "- " prefix removed,
  // dropped when empty) or null (dropped).
  Status ReadList(od::value& v, std::string_view field, std::vector<std::string>* out) {
    out->clear();
    od::json_type t = od::json_type::null;
    OPENUPR_RETURN_IF_ERROR(TypeOf(v, field, -1, &t));
    if (t == od::json_type::null) return ConsumeNull(v, field, -1);
    if (t != od::json_type::array) {
      return TypeError(ValueOffset(v), field, -1, "a list of strings or null", t);
    }
    const uint64_t list_at = ValueOffset(v);
    od::array array;
    if (const auto e = v.get_array().get(array)) return SyntaxError(e, list_at, field, -1);
    int64_t item = 0;
    for (auto element : array) {
      od::value e_value;
      if (const auto e = std::move(element).get(e_value))
        return SyntaxError(e, list_at, field, item);
      od::json_type et = od::json_type::null;
      OPENUPR_RETURN_IF_ERROR(TypeOf(e_value, field, item, &et));
      if (et == od::json_type::null) {
        OPENUPR_RETURN_IF_ERROR(ConsumeNull(e_value, field, item));
      } else if (et == od::json_type::string) {
        std::string_view s;
        OPENUPR_RETURN_IF_ERROR(GetString(e_value, field, item, &s));
        s = Categorical(s);
        if (!s.empty()) out->emplace_back(s);
      } else {
        return TypeError(ValueOffset(e_value), field, item, "a string or null", et);
      }
      ++item;
    }
    return Status::Ok();
  }

  // UprCycle, UprSession: a whole number, a string whose first run of digits is the number
  // ("3", "Cycle 3", "27th session"), or null / a blank string (-> 0).
  Status ReadUprNumber(od::value& v, std::string_view field, int* out) {
    *out = 0;
    od::json_type t = od::json_type::null;
    OPENUPR_RETURN_IF_ERROR(TypeOf(v, field, -1, &t));
    const uint64_t at = ValueOffset(v);
    constexpr std::string_view kExpected =
        "a whole number 0..9999, a string with one (\"3\", \"Cycle 3\", \"27th session\") or null";
    if (t == od::json_type::null) return ConsumeNull(v, field, -1);
    if (t == od::json_type::number) {
      double d = 0;
      if (const auto e = v.get_double().get(d)) return SyntaxError(e, at, field, -1);
      if (!(d >= 0 && d <= kMaxUprNumber) || d != std::floor(d)) {
        return Error(at, field, -1,
                     std::string("expected ") + std::string(kExpected) + ", found the number " +
                         std::string(Trim(TokenAt(at))));
      }
      *out = static_cast<int>(d);
      return Status::Ok();
    }
    if (t != od::json_type::string) return TypeError(at, field, -1, kExpected, t);
    std::string_view s;
    OPENUPR_RETURN_IF_ERROR(GetString(v, field, -1, &s));
    s = Trim(s);
    if (s.empty()) return Status::Ok();
    size_t i = 0;
    while (i < s.size() && !IsDigit(s[i])) ++i;
    int64_t n = 0;
    size_t digits = 0;
    for (; i < s.size() && IsDigit(s[i]); ++i, ++digits) {
      n = n * 10 + (s[i] - '0');
      if (n > kMaxUprNumber) break;
    }
    if (digits == 0 || n > kMaxUprNumber) {
      return Error(at, field, -1,
                   std::string("expected ") + std::string(kExpected) + ", found " + Quote(s));
    }
    *out = static_cast<int>(n);
    return Status::Ok();
  }

  // The raw text of the token at file offset at (up to the next structural character).
  std::string_view TokenAt(uint64_t at) const {
    const char* p = base + (at - offset);
    size_t n = 0;
    const size_t left = size - static_cast<size_t>(at - offset);
    while (n < left && n < 40 && p[n] != ',' && p[n] != '}' && p[n] != ']') ++n;
    return {p, n};
  }

  // DocumentId: a string, a whole number (its decimal text) or null (-> empty).
  Status ReadDocumentId(od::value& v, std::string* out) {
    constexpr std::string_view kField = "DocumentId";
    od::json_type t = od::json_type::null;
    OPENUPR_RETURN_IF_ERROR(TypeOf(v, kField, -1, &t));
    const uint64_t at = ValueOffset(v);
    if (t == od::json_type::number) {
      int64_t i = 0;
      uint64_t u = 0;
      if (v.get_int64().get(i) == simdjson::SUCCESS) {
        *out = std::to_string(i);
      } else if (v.get_uint64().get(u) == simdjson::SUCCESS) {
        *out = std::to_string(u);
      } else {
        return Error(at, kField, -1,
                     "expected a string, a whole number or null, found the number " +
                         std::string(Trim(TokenAt(at))));
      }
      return Status::Ok();
    }
    if (t != od::json_type::string && t != od::json_type::null) {
      return TypeError(at, kField, -1, "a string, a whole number or null", t);
    }
    return ReadString(v, kField, false, out);
  }

  Status ReadDate(od::value& v, std::string_view field, std::string* out) {
    const uint64_t at = ValueOffset(v);
    OPENUPR_RETURN_IF_ERROR(ReadString(v, field, false, out));
    if (out->empty()) return Status::Ok();
    if (!IsIsoDate(*out)) {
      return Error(at, field, -1,
                   "expected an ISO date (YYYY-MM-DD, optionally followed by a time) or null, "
                   "found " +
                       Quote(*out));
    }
    out->resize(10);
    return Status::Ok();
  }

  // Any value of a field the reader does not use: checked to be valid JSON, then ignored.
  // Recursion is bounded: the reader refuses records nested deeper than its max_depth before
  // they get here.
  Status Skip(od::value& v, std::string_view field) {
    od::json_type t = od::json_type::null;
    OPENUPR_RETURN_IF_ERROR(TypeOf(v, field, -1, &t));
    const uint64_t at = ValueOffset(v);
    simdjson::error_code e = simdjson::SUCCESS;
    switch (t) {
      case od::json_type::array: {
        od::array array;
        if ((e = v.get_array().get(array))) break;
        for (auto element : array) {
          od::value ev;
          if ((e = std::move(element).get(ev))) break;
          OPENUPR_RETURN_IF_ERROR(Skip(ev, field));
        }
        break;
      }
      case od::json_type::object: {
        od::object object;
        if ((e = v.get_object().get(object))) break;
        for (auto member : object) {
          od::field f;
          std::string_view key;
          if ((e = std::move(member).get(f)) || (e = f.unescaped_key().get(key))) break;
          od::value fv = f.value();
          OPENUPR_RETURN_IF_ERROR(Skip(fv, field));
        }
        break;
      }
      case od::json_type::number: {
        // Out of a double's range (1e400) is still JSON: only the grammar is checked then.
        const std::string_view token = Trim(v.raw_json_token());
        double d;
        if (v.get_double().get(d) && !IsJsonNumber(token)) e = simdjson::NUMBER_ERROR;
        break;
      }
      case od::json_type::string: {
        std::string_view s;
        e = v.get_string().get(s);
        break;
      }
      case od::json_type::boolean: {
        bool b;
        if (v.get_bool().get(b)) e = simdjson::T_ATOM_ERROR;
        break;
      }
      case od::json_type::null:
        return ConsumeNull(v, field, -1);
    }
    if (e) return SyntaxError(e, at, field, -1);
    return Status::Ok();
  }
};

UhriRecordParser::UhriRecordParser() : impl_(std::make_unique<Impl>()) {}
UhriRecordParser::~UhriRecordParser() = default;

Status UhriRecordParser::Parse(const char* json, size_t size, size_t capacity,
                               std::string_view name, int64_t index, uint64_t offset,
                               UhriRecord* out, UhriParseInfo* info) {
  Impl& m = *impl_;
  m.name = name;
  m.index = index;
  m.base = json;
  m.size = size;
  m.offset = offset;
  *out = UhriRecord{};
  out->source_offset = static_cast<int64_t>(offset);
  *info = UhriParseInfo{};

  od::document doc;
  if (const auto e = m.parser.iterate(json, size, capacity).get(doc)) {
    const size_t at = LocateStage1Error({json, size}, e);
    return m.SyntaxError(e, offset + (at < size ? at : 0), {}, -1);
  }
  od::object object;
  if (const auto e = doc.get_object().get(object)) {
    return m.SyntaxError(e, m.CurrentOffset(doc), {}, -1);
  }
  bool seen[kUhriFieldCount] = {};
  for (auto member : object) {
    od::field f;
    std::string_view key;
    if (const auto e = std::move(member).get(f))
      return m.SyntaxError(e, m.CurrentOffset(doc), {}, -1);
    if (const auto e = f.unescaped_key().get(key)) {
      return m.SyntaxError(e, m.CurrentOffset(doc), {}, -1);
    }
    od::value v = f.value();
    const std::optional<Field> known = UhriFieldOfName(key, false, &m.next_field);
    if (!known) {
      // Unescaped strings stay in the parser's buffer until the next record: key stays valid.
      OPENUPR_RETURN_IF_ERROR(m.Skip(v, key));
      continue;
    }
    const Field field = *known;
    const uint64_t at = m.ValueOffset(v);
    if (seen[UhriFieldIndex(field)]) {
      return m.Error(at, key, -1, "the field appears twice in the record");
    }
    seen[UhriFieldIndex(field)] = true;
    switch (field) {
      case Field::kAnnotationId: {
        od::json_type t = od::json_type::null;
        OPENUPR_RETURN_IF_ERROR(m.TypeOf(v, key, -1, &t));
        if (t != od::json_type::string) {
          return m.TypeError(at, key, -1, "a UUID string", t);
        }
        std::string_view s;
        OPENUPR_RETURN_IF_ERROR(m.GetString(v, key, -1, &s));
        s = Trim(s);
        if (!IsUuid(s)) {
          return m.Error(at, key, -1,
                         "expected a UUID (8-4-4-4-12 hexadecimal digits), found " + Quote(s));
        }
        out->annotation_id.assign(s.data(), s.size());
        for (char& c : out->annotation_id) {
          if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
        }
        info->annotation_id_offset = at;
        if (on_id_) on_id_(on_id_context_, out->annotation_id);
        break;
      }
      case Field::kAnnotationType:
        OPENUPR_RETURN_IF_ERROR(m.ReadString(v, key, true, &out->annotation_type));
        break;
      case Field::kBody: {
        od::json_type t = od::json_type::null;
        OPENUPR_RETURN_IF_ERROR(m.TypeOf(v, key, -1, &t));
        if (t != od::json_type::string) return m.TypeError(at, key, -1, "a string", t);
        OPENUPR_RETURN_IF_ERROR(m.ReadString(v, key, true, &out->body));
        if (out->body.empty()) {
          return m.Error(at, key, -1, "expected the name of a mechanism, found an empty string");
        }
        break;
      }
      case Field::kCountries:
        OPENUPR_RETURN_IF_ERROR(m.ReadList(v, key, &out->countries));
        break;
      case Field::kDocumentId:
        OPENUPR_RETURN_IF_ERROR(m.ReadDocumentId(v, &out->document_id));
        break;
      case Field::kSymbol:
        OPENUPR_RETURN_IF_ERROR(m.ReadString(v, key, false, &out->symbol));
        break;
      case Field::kPublicationDate:
        OPENUPR_RETURN_IF_ERROR(m.ReadDate(v, key, &out->publication_date));
        break;
      case Field::kPublicationDateOnUhri:
        OPENUPR_RETURN_IF_ERROR(m.ReadDate(v, key, &out->publication_date_on_uhri));
        break;
      case Field::kRegions:
        OPENUPR_RETURN_IF_ERROR(m.ReadList(v, key, &out->regions));
        break;
      case Field::kText: {
        od::json_type t = od::json_type::null;
        OPENUPR_RETURN_IF_ERROR(m.TypeOf(v, key, -1, &t));
        if (t != od::json_type::string) return m.TypeError(at, key, -1, "a string", t);
        std::string_view s;
        OPENUPR_RETURN_IF_ERROR(m.GetString(v, key, -1, &s));
        int entities = 0;
        out->text = HtmlToText(s, &entities);
        info->entities_decoded += entities;
        break;
      }
      case Field::kThemes:
        OPENUPR_RETURN_IF_ERROR(m.ReadList(v, key, &out->themes));
        break;
      case Field::kSdgs:
        OPENUPR_RETURN_IF_ERROR(m.ReadList(v, key, &out->sdgs));
        break;
      case Field::kAffectedPersons:
        OPENUPR_RETURN_IF_ERROR(m.ReadList(v, key, &out->affected_persons));
        break;
      case Field::kUprCycle:
        OPENUPR_RETURN_IF_ERROR(m.ReadUprNumber(v, key, &out->upr_cycle));
        break;
      case Field::kUprSession:
        OPENUPR_RETURN_IF_ERROR(m.ReadUprNumber(v, key, &out->upr_session));
        break;
      case Field::kUprPositions:
        OPENUPR_RETURN_IF_ERROR(m.ReadList(v, key, &out->upr_positions));
        break;
      case Field::kUprRecommendingCountry:
        OPENUPR_RETURN_IF_ERROR(m.ReadList(v, key, &out->upr_recommending_countries));
        break;
      case Field::kUprRecommendingRegions:
        OPENUPR_RETURN_IF_ERROR(m.ReadList(v, key, &out->upr_recommending_regions));
        break;
    }
  }
  // A record with no AnnotationId, Body or Text cannot be stored or matched.
  for (Field required : kUhriRequiredFields) {
    if (!seen[UhriFieldIndex(required)]) {
      const std::string_view what = UhriFieldName(required);
      const char* expected = required == Field::kAnnotationId ? " (a UUID string)" : " (a string)";
      return m.Error(offset, {}, -1, "missing field \"" + std::string(what) + "\"" + expected);
    }
  }
  return Status::Ok();
}

}  // namespace openupr::ingest::internal

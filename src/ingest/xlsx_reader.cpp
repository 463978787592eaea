#include "ingest/xlsx_reader.h"

#include <expat.h>
#include <zip.h>

#include <cerrno>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "ingest/file_bytes.h"

namespace openupr::ingest {
namespace {

// Relationships of one part; more than this is not a spreadsheet (Excel writes a handful plus one
// per sheet), and each one is kept in memory.
constexpr size_t kMaxRelationships = 100000;
constexpr uint32_t kMaxRows = 1048576;   // Excel's grid: rows 1..1048576,
constexpr uint32_t kMaxColumns = 16384;  // columns A..XFD
constexpr size_t kChunkBytes = 64 * 1024;

struct ZipDiscard {
  void operator()(zip_t* z) const { zip_discard(z); }  // read-only: nothing to write back
};
struct ZipFileClose {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
struct ExpatFree {
  void operator()(XML_Parser p) const { XML_ParserFree(p); }
};
class ZipError {
 public:
  ZipError() { zip_error_init(&e_); }
  ~ZipError() { zip_error_fini(&e_); }
  ZipError(const ZipError&) = delete;
  ZipError& operator=(const ZipError&) = delete;
  zip_error_t* get() { return &e_; }
  std::string text() { return zip_error_strerror(&e_); }

 private:
  zip_error_t e_;
};

// Expat reports namespaced names as "URI local" (namespace processing on, so that prefixes do
// not matter: transitional and strict OOXML use other URIs for the same elements).
constexpr char kNsSep = ' ';
std::string_view LocalName(std::string_view name) {
  const size_t sep = name.rfind(kNsSep);
  return sep == std::string_view::npos ? name : name.substr(sep + 1);
}
std::string_view NsUri(std::string_view name) {
  const size_t sep = name.rfind(kNsSep);
  return sep == std::string_view::npos ? std::string_view() : name.substr(0, sep);
}

const char* Attr(const char** atts, std::string_view name) {
  for (; *atts; atts += 2)
    if (name == atts[0]) return atts[1];
  return nullptr;
}
// r:id, in whichever relationships namespace (transitional or strict) the part uses.
const char* RelIdAttr(const char** atts) {
  for (; *atts; atts += 2)
    if (LocalName(atts[0]) == "id" && NsUri(atts[0]).ends_with("/relationships")) return atts[1];
  return nullptr;
}
bool XmlSpacePreserve(const char** atts) {
  const char* v = Attr(atts, "http://www.w3.org/XML/1998/namespace space");
  return v && std::string_view(v) == "preserve";
}

// A decimal number in 1..max, digits only.
std::optional<uint32_t> ParseIndex(std::string_view s, uint32_t min, uint32_t max) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v < min || v > max) return std::nullopt;
  return static_cast<uint32_t>(v);
}

// "B12" -> 0-based (row 11, column 1).
bool ParseCellRef(std::string_view ref, uint32_t& row, uint32_t& column) {
  size_t i = 0;
  uint32_t col = 0;
  while (i < ref.size() && i < 3 && ref[i] >= 'A' && ref[i] <= 'Z')
    col = col * 26 + (ref[i++] - 'A' + 1);
  if (i == 0 || col > kMaxColumns) return false;
  const auto r = ParseIndex(ref.substr(i), 1, kMaxRows);
  if (!r) return false;
  row = *r - 1;
  column = col - 1;
  return true;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// One "_xHHHH_" at s[i]: the UTF-16 code unit it stands for.
std::optional<uint32_t> EscapeAt(std::string_view s, size_t i) {
  if (i + 7 > s.size() || s[i] != '_' || s[i + 1] != 'x' || s[i + 6] != '_') return std::nullopt;
  uint32_t unit = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    const char c = s[k];
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (d < 0) return std::nullopt;
    unit = unit * 16 + static_cast<uint32_t>(d);
  }
  return unit;
}

// Excel stores a UTF-16 code unit that XML cannot hold (control characters) as _xHHHH_, and a
// text that itself reads "_xHHHH_" with its underscore escaped (_x005F_xHHHH_). Surrogate pairs
// come as two escapes; a lone surrogate is left as written.
std::string DecodeExcelEscapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (const auto unit = s[i] == '_' ? EscapeAt(s, i) : std::nullopt) {
      if (*unit >= 0xD800 && *unit <= 0xDBFF) {
        const auto low = EscapeAt(s, i + 7);
        if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
          AppendUtf8(out, 0x10000 + ((*unit - 0xD800) << 10) + (*low - 0xDC00));
          i += 14;
          continue;
        }
      } else if (*unit < 0xDC00 || *unit > 0xDFFF) {
        AppendUtf8(out, *unit);
        i += 7;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

// What every part of one workbook shares: its name in messages, the limits and the running totals.
struct Book {
  const std::string& label;
  const XlsxLimits& limits;
  zip_t* zip;
  uint64_t part_bytes_total = 0;
  uint64_t text_bytes_total = 0;
  size_t cells_total = 0;
};

// One XML part, parsed as it is decompressed. Subclasses see elements by local name; a handler
// that finds a problem calls Fail, which stops expat.
class PartParser {
 public:
  PartParser(Book& book, std::string part) : book_(book), part_(std::move(part)) {}
  virtual ~PartParser() = default;
  PartParser(const PartParser&) = delete;
  PartParser& operator=(const PartParser&) = delete;

  // referrer says who names this part, for the message when it is missing. progress (may be
  // empty) is told the bytes decompressed so far and the size the zip declares, after each chunk.
  Status Parse(const std::string& referrer,
               const std::function<void(uint64_t, uint64_t)>& progress = {}) {
    zip_t* zip = book_.zip;
    const zip_int64_t index = zip_name_locate(zip, part_.c_str(), ZIP_FL_NOCASE);
    if (index < 0)
      return Status::BadInput(book_.label + ": " + part_ + ": no such part in the zip (" +
                              referrer + "); expected the part to be there");
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip, static_cast<zip_uint64_t>(index), 0, &st) != 0)
      return Status::BadInput(book_.label + ": " + part_ + ": " + zip_strerror(zip));
    const uint64_t cap = book_.limits.max_part_bytes;
    if ((st.valid & ZIP_STAT_SIZE) && st.size > cap)
      return Status::BadInput(book_.label + ": " + part_ + ": declares " + std::to_string(st.size) +
                              " bytes decompressed; expected at most " + std::to_string(cap));
    std::unique_ptr<zip_file_t, ZipFileClose> file(
        zip_fopen_index(zip, static_cast<zip_uint64_t>(index), 0));
    if (!file)
      return Status::BadInput(book_.label + ": " + part_ +
                              ": cannot open the part: " + zip_strerror(zip));
    std::unique_ptr<XML_ParserStruct, ExpatFree> parser(XML_ParserCreateNS(nullptr, kNsSep));
    if (!parser) return Status::Internal(book_.label + ": " + part_ + ": out of memory");
    parser_ = parser.get();
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &OnStart, &OnEnd);
    XML_SetCharacterDataHandler(parser_, &OnText);
    XML_SetStartDoctypeDeclHandler(parser_, &OnDoctype);
    std::vector<char> chunk(kChunkBytes);
    uint64_t bytes = 0;
    const uint64_t declared = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    for (;;) {
      const zip_int64_t n = zip_fread(file.get(), chunk.data(), chunk.size());
      if (n < 0)
        return Status::BadInput(book_.label + ": " + part_ +
                                ": cannot decompress: " + zip_file_strerror(file.get()));
      bytes += static_cast<uint64_t>(n);
      book_.part_bytes_total += static_cast<uint64_t>(n);
      // The declared size may lie: what counts is what comes out.
      if (bytes > cap)
        return Status::BadInput(book_.label + ": " + part_ + ": decompresses to more than " +
                                std::to_string(cap) + " bytes; expected at most that");
      if (book_.part_bytes_total > book_.limits.max_total_bytes)
        return Status::BadInput(book_.label + ": " + part_ +
                                ": the parts read decompress to more than " +
                                std::to_string(book_.limits.max_total_bytes) +
                                " bytes together; expected at most that");
      if (XML_Parse(parser_, chunk.data(), static_cast<int>(n), n == 0) != XML_STATUS_OK) {
        if (!status_.ok() || stopped_) return status_;
        return Status::BadInput(Where() +
                                "malformed XML: " + XML_ErrorString(XML_GetErrorCode(parser_)) +
                                "; expected well-formed XML");
      }
      if (progress && n > 0) progress(bytes, declared);
      if (n == 0) break;
    }
    return status_;
  }
  // Whether a handler stopped the parse early (Stop), without a problem.
  bool stopped() const { return stopped_; }

 protected:
  virtual void Start(std::string_view name, const char** atts) = 0;
  virtual void End(std::string_view name) = 0;
  virtual void Text(std::string_view) {}

  // Records the first problem, with the position of the event being handled, and stops expat.
  void Fail(const std::string& what) {
    if (failed()) return;
    status_ = Status::BadInput(Where() + what);
    XML_StopParser(parser_, XML_FALSE);
  }
  bool failed() const { return !status_.ok() || stopped_; }
  // Ends the parse early, without a problem: Parse returns an ok status.
  void Stop() {
    if (failed()) return;
    stopped_ = true;
    XML_StopParser(parser_, XML_FALSE);
  }

  Book& book_;
  const std::string part_;

 private:
  std::string Where() const {
    return book_.label + ": " + part_ + ":" + std::to_string(XML_GetCurrentLineNumber(parser_)) +
           ":" + std::to_string(XML_GetCurrentColumnNumber(parser_) + 1) + ": ";
  }
  static void OnStart(void* self, const char* name, const char** atts) {
    auto* p = static_cast<PartParser*>(self);
    if (p->failed()) return;
    if (++p->depth_ > p->book_.limits.max_depth)
      return p->Fail("elements nest deeper than " + std::to_string(p->book_.limits.max_depth) +
                     " levels; expected a shallower part");
    p->Start(LocalName(name), atts);
  }
  static void OnEnd(void* self, const char* name) {
    auto* p = static_cast<PartParser*>(self);
    if (p->failed()) return;
    --p->depth_;
    p->End(LocalName(name));
  }
  static void OnText(void* self, const char* s, int len) {
    auto* p = static_cast<PartParser*>(self);
    if (!p->failed()) p->Text(std::string_view(s, static_cast<size_t>(len)));
  }
  // OOXML parts have no DTD; refusing one rules out entity expansion ("billion laughs").
  static void OnDoctype(void* self, const char*, const char*, const char*, int) {
    static_cast<PartParser*>(self)->Fail("a DTD (<!DOCTYPE>); expected none in an OOXML part");
  }

  XML_Parser parser_ = nullptr;
  int depth_ = 0;
  Status status_;
  bool stopped_ = false;
};

struct Relationship {
  std::string id, type, target;
  bool external = false;
};

class RelsParser : public PartParser {
 public:
  using PartParser::PartParser;
  std::vector<Relationship> rels;

  // The first relationship whose type ends with "/" + kind (transitional and strict URIs differ).
  const Relationship* OfType(std::string_view kind) const {
    for (const auto& r : rels)
      if (!r.external && r.type.size() > kind.size() && r.type.ends_with(kind) &&
          r.type[r.type.size() - kind.size() - 1] == '/')
        return &r;
    return nullptr;
  }
  const Relationship* WithId(std::string_view id) const {
    for (const auto& r : rels)
      if (r.id == id) return &r;
    return nullptr;
  }

 private:
  void Start(std::string_view name, const char** atts) override {
    if (name != "Relationship") return;
    const char* id = Attr(atts, "Id");
    const char* type = Attr(atts, "Type");
    const char* target = Attr(atts, "Target");
    if (!id || !type || !target)
      return Fail("a <Relationship> without Id, Type or Target; expected all three");
    if (rels.size() >= kMaxRelationships)
      return Fail("more than " + std::to_string(kMaxRelationships) + " relationships");
    const char* mode = Attr(atts, "TargetMode");
    rels.push_back({id, type, target, mode && std::string_view(mode) == "External"});
  }
  void End(std::string_view) override {}
};

class WorkbookParser : public PartParser {
 public:
  using PartParser::PartParser;
  struct Entry {
    std::string name, rel_id;
  };
  std::vector<Entry> sheets;

 private:
  void Start(std::string_view name, const char** atts) override {
    if (name != "sheet") return;
    const char* sheet_name = Attr(atts, "name");
    const char* rel_id = RelIdAttr(atts);
    if (!sheet_name || !rel_id) return Fail("a <sheet> without name or r:id; expected both");
    if (sheets.size() >= book_.limits.max_sheets)
      return Fail("more than " + std::to_string(book_.limits.max_sheets) + " sheets");
    sheets.push_back({sheet_name, rel_id});
  }
  void End(std::string_view) override {}
};

// The text of one string item (<si>, <is>) or value (<v>): its <t> elements (rich text runs
// included, phonetic runs not: the caller does not start them), each trimmed unless
// xml:space="preserve", then decoded from Excel's escapes, concatenated.
class TextCollector {
 public:
  void Clear() {
    text_.clear();
    open_ = false;
  }
  void Open(bool preserve) {
    Close();  // a <t> inside a <t> (malformed, but well-formed XML) ends the outer one
    open_ = true;
    preserve_ = preserve;
    begin_ = text_.size();
  }
  void Close() {
    if (!open_) return;
    open_ = false;
    std::string_view t = std::string_view(text_).substr(begin_);
    if (!preserve_) {
      constexpr std::string_view kXmlSpace = " \t\r\n";
      const size_t first = t.find_first_not_of(kXmlSpace);
      t = first == std::string_view::npos
              ? std::string_view()
              : t.substr(first, t.find_last_not_of(kXmlSpace) - first + 1);
    }
    if (t.empty()) {
      text_.resize(begin_);
      return;
    }
    if (t.find("_x") == std::string_view::npos) {  // no escape: the text stays where it is
      const size_t offset = static_cast<size_t>(t.data() - text_.data());
      const size_t length = t.size();
      if (offset != begin_) text_.erase(begin_, offset - begin_);
      text_.resize(begin_ + length);
      return;
    }
    std::string decoded = DecodeExcelEscapes(t);
    text_.resize(begin_);
    text_ += decoded;
  }
  // False when the text would pass max bytes.
  bool Add(std::string_view s, size_t max) {
    if (!open_) return true;
    if (text_.size() + s.size() > max) return false;
    text_.append(s);
    return true;
  }
  bool open() const { return open_; }
  std::string& text() { return text_; }

 private:
  std::string text_;
  size_t begin_ = 0;
  bool open_ = false;
  bool preserve_ = false;
};

class SharedStringsParser : public PartParser {
 public:
  using PartParser::PartParser;
  std::vector<std::string> strings;  // the count attributes are not trusted to reserve

 private:
  void Start(std::string_view name, const char** atts) override {
    if (name == "si") {
      if (in_item_) return Fail("<si> inside <si>; expected string items one after another");
      if (strings.size() >= book_.limits.max_shared_strings)
        return Fail("more than " + std::to_string(book_.limits.max_shared_strings) +
                    " shared strings");
      in_item_ = true;
      text_.Clear();
    } else if (name == "rPh") {
      ++phonetic_;
    } else if (name == "t" && in_item_ && phonetic_ == 0) {
      text_.Open(XmlSpacePreserve(atts));
    }
  }
  void End(std::string_view name) override {
    if (name == "t") {
      text_.Close();
    } else if (name == "rPh") {
      --phonetic_;
    } else if (name == "si" && in_item_) {
      bytes_ += text_.text().size();
      if (bytes_ > book_.limits.max_shared_string_bytes)
        return Fail("the shared strings hold more than " +
                    std::to_string(book_.limits.max_shared_string_bytes) +
                    " bytes together; expected at most that");
      strings.push_back(std::move(text_.text()));
      in_item_ = false;
    }
  }
  void Text(std::string_view s) override {
    if (!text_.Add(s, book_.limits.max_cell_bytes))
      Fail("a shared string longer than " + std::to_string(book_.limits.max_cell_bytes) + " bytes");
  }

  TextCollector text_;
  bool in_item_ = false;
  int phonetic_ = 0;
  uint64_t bytes_ = 0;
};

// A worksheet's cells, handed to the sink a row at a time.
class SheetParser : public PartParser {
 public:
  SheetParser(Book& book, const XlsxSheetInfo& info, const std::vector<std::string>& strings,
              const XlsxRowSink& sink)
      : PartParser(book, info.part), info_(info), strings_(strings), sink_(sink) {}

 private:
  void Start(std::string_view name, const char** atts) override {
    if (name == "sheetData") {
      in_data_ = true;
    } else if (name == "row" && in_data_) {
      StartRow(Attr(atts, "r"));
    } else if (name == "c" && in_row_) {
      StartCell(Attr(atts, "r"), Attr(atts, "t"));
    } else if (in_cell_) {
      if (name == "rPh")
        ++phonetic_;
      else if (name == "is")
        in_inline_ = true;
      else if (name == "v" && !in_inline_)
        text_.Open(true);
      else if (name == "t" && in_inline_ && phonetic_ == 0)
        text_.Open(XmlSpacePreserve(atts));
    }
  }

  void StartRow(const char* r) {
    // A <row> inside a <row> (not OOXML, but well-formed XML): the outer row's cells so far go
    // out as that row, and the inner row starts.
    EndRow();
    if (failed()) return;
    int64_t row = last_row_ + 1;
    if (r) {
      const auto n = ParseIndex(r, 1, kMaxRows);
      if (!n)
        return Fail("row number '" + std::string(r) + "'; expected 1 to " +
                    std::to_string(kMaxRows));
      row = int64_t{*n} - 1;
    }
    if (row <= last_row_ || row >= kMaxRows)
      return Fail("row " + std::to_string(row + 1) + " after row " + std::to_string(last_row_ + 1) +
                  "; expected rows in ascending order");
    last_row_ = row;
    last_column_ = -1;
    in_row_ = true;
  }

  void StartCell(const char* r, const char* t) {
    uint32_t row = static_cast<uint32_t>(last_row_);
    int64_t column = last_column_ + 1;
    if (r) {
      uint32_t c = 0;
      if (!ParseCellRef(r, row, c))
        return Fail("cell reference '" + std::string(r) +
                    "'; expected a column A to XFD and a row 1 to 1048576, as in B12");
      if (row != last_row_)
        return Fail("cell " + std::string(r) + " in row " + std::to_string(last_row_ + 1) +
                    "; expected the row's own cells");
      column = c;
    }
    if (column <= last_column_ || column >= kMaxColumns)
      return Fail("cell " + (r ? std::string(r) : "number " + std::to_string(column + 1)) +
                  " of row " + std::to_string(row + 1) + " after column " +
                  std::to_string(last_column_ + 1) + "; expected columns in ascending order");
    type_ = t ? t : "n";
    if (type_ != "n" && type_ != "s" && type_ != "inlineStr" && type_ != "str" && type_ != "b" &&
        type_ != "e" && type_ != "d")
      return Fail("cell type '" + type_ + "'; expected b, d, e, inlineStr, n, s or str");
    last_column_ = column;
    in_cell_ = true;
    in_inline_ = false;
    phonetic_ = 0;
    text_.Clear();
  }

  void End(std::string_view name) override {
    if (in_cell_ && (name == "t" || name == "v")) {
      text_.Close();
    } else if (in_cell_ && name == "rPh") {
      --phonetic_;
    } else if (in_cell_ && name == "is") {
      in_inline_ = false;
    } else if (name == "c" && in_cell_) {
      in_cell_ = false;
      EndCell();
    } else if (name == "row") {
      in_row_ = false;
      EndRow();
    } else if (name == "sheetData") {
      in_data_ = false;
    }
  }

  void EndRow() {
    if (used_ == 0) return;
    const bool go_on = sink_.row(info_, static_cast<uint32_t>(last_row_),
                                 std::span<XlsxCell>(cells_.data(), used_));
    used_ = 0;
    if (!go_on) Stop();
  }

  void EndCell() {
    std::string& value = text_.text();
    const std::string* shared = nullptr;
    if (type_ == "s") {
      if (value.empty()) return;  // a shared-string cell with no <v>: empty
      const auto index = ParseIndex(value, 0, UINT32_MAX);
      if (strings_.empty())
        return Fail("shared string index '" + value + "'; the workbook has no shared strings");
      if (!index || *index >= strings_.size())
        return Fail("shared string index '" + value + "'; expected 0 to " +
                    std::to_string(strings_.size() - 1));
      shared = &strings_[*index];
    }
    const size_t size = shared ? shared->size() : value.size();
    if (size == 0) return;
    if (book_.cells_total >= book_.limits.max_cells)
      return Fail("more than " + std::to_string(book_.limits.max_cells) + " cells");
    book_.text_bytes_total += size;
    if (book_.text_bytes_total > book_.limits.max_text_bytes)
      return Fail("the cells hold more than " + std::to_string(book_.limits.max_text_bytes) +
                  " bytes of text");
    ++book_.cells_total;
    // The row's cells are kept from row to row, and their strings with them: a sheet of millions
    // of cells reuses a handful of buffers (the collector's and the cell's are swapped).
    if (used_ == cells_.size()) cells_.emplace_back();
    XlsxCell& cell = cells_[used_++];
    cell.row = static_cast<uint32_t>(last_row_);
    cell.column = static_cast<uint32_t>(last_column_);
    if (shared)
      cell.text.assign(*shared);
    else
      cell.text.swap(value);
  }

  void Text(std::string_view s) override {
    if (!text_.Add(s, book_.limits.max_cell_bytes))
      Fail("a cell longer than " + std::to_string(book_.limits.max_cell_bytes) + " bytes");
  }

  const XlsxSheetInfo& info_;
  const std::vector<std::string>& strings_;
  const XlsxRowSink& sink_;
  std::vector<XlsxCell> cells_;  // of the row being read: the first used_ of them
  size_t used_ = 0;
  TextCollector text_;
  std::string type_;
  int64_t last_row_ = -1, last_column_ = -1;
  bool in_data_ = false, in_row_ = false, in_cell_ = false, in_inline_ = false;
  int phonetic_ = 0;
};

// The part a relationship's target names: relative to the folder of the part whose
// relationships these are (source_dir, "" for the package), or absolute with a leading "/".
// nullopt when ".." climbs out of the package.
std::optional<std::string> ResolveTarget(const std::string& source_dir, std::string_view target) {
  std::vector<std::string_view> segments;
  std::string_view path = target;
  std::string base;
  if (path.starts_with('/')) {
    path.remove_prefix(1);
  } else {
    base = source_dir;
  }
  const std::string joined = base + std::string(path);
  std::string_view rest = joined;
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (segments.empty()) return std::nullopt;
      segments.pop_back();
    } else {
      segments.push_back(seg);
    }
  }
  if (segments.empty()) return std::nullopt;
  std::string out;
  for (const auto& seg : segments) {
    if (!out.empty()) out += '/';
    out += seg;
  }
  return out;
}

std::string DirOf(const std::string& part) {
  const size_t slash = part.rfind('/');
  return slash == std::string::npos ? std::string() : part.substr(0, slash + 1);
}

// xl/workbook.xml -> xl/_rels/workbook.xml.rels
std::string RelsPartOf(const std::string& part) {
  const std::string dir = DirOf(part);
  return dir + "_rels/" + part.substr(dir.size()) + ".rels";
}

Result<std::string> Resolve(const Book& book, const std::string& rels_part, const Relationship& rel,
                            const std::string& source_part) {
  auto part = ResolveTarget(DirOf(source_part), rel.target);
  if (!part)
    return Status::BadInput(book.label + ": " + rels_part + ": relationship " + rel.id +
                            " targets '" + rel.target + "'; expected a part inside the package");
  return *part;
}

}  // namespace

namespace {

// Everything after the zip is open: the package's and the workbook's relationships, the
// workbook, the shared strings, then each worksheet streamed into the sink.
Status StreamBook(zip_t* zip, const std::string& file_label, const XlsxRowSink& sink,
                  const XlsxLimits& limits) {
  if (zip_get_num_entries(zip, 0) == 0)  // libzip opens an empty file as an empty archive
    return Status::BadInput(file_label +
                            ": an empty zip archive; expected an .xlsx file, a zip of XML parts");
  Book book{file_label, limits, zip};

  const std::string root_rels_part = "_rels/.rels";
  RelsParser root_rels(book, root_rels_part);
  OPENUPR_RETURN_IF_ERROR(root_rels.Parse("the package's relationships"));
  const Relationship* document = root_rels.OfType("officeDocument");
  if (!document)
    return Status::BadInput(file_label + ": " + root_rels_part +
                            ": no officeDocument relationship; expected one naming the workbook");
  auto workbook_part = Resolve(book, root_rels_part, *document, "");
  if (!workbook_part.ok()) return workbook_part.status();
  WorkbookParser workbook(book, *workbook_part);
  OPENUPR_RETURN_IF_ERROR(workbook.Parse("the workbook, named by " + root_rels_part));

  const std::string rels_part = RelsPartOf(*workbook_part);
  RelsParser rels(book, rels_part);
  OPENUPR_RETURN_IF_ERROR(rels.Parse("the relationships of " + *workbook_part));

  std::vector<std::string> strings;
  if (const Relationship* sst = rels.OfType("sharedStrings")) {
    auto part = Resolve(book, rels_part, *sst, *workbook_part);
    if (!part.ok()) return part.status();
    SharedStringsParser shared(book, *part);
    OPENUPR_RETURN_IF_ERROR(shared.Parse("the shared strings, named by " + rels_part));
    strings = std::move(shared.strings);
  }

  size_t index = 0;
  for (const auto& entry : workbook.sheets) {
    const Relationship* rel = rels.WithId(entry.rel_id);
    if (!rel)
      return Status::BadInput(file_label + ": " + rels_part + ": no relationship " + entry.rel_id +
                              " for sheet '" + entry.name + "' of " + *workbook_part +
                              "; expected one with that Id");
    // Chart sheets, dialog sheets and macro sheets hold no cells.
    if (!rel->type.ends_with("/worksheet")) continue;
    auto part = Resolve(book, rels_part, *rel, *workbook_part);
    if (!part.ok()) return part.status();
    const XlsxSheetInfo info{index++, entry.name, *part};
    if (sink.begin_sheet && !sink.begin_sheet(info)) continue;
    SheetParser parser(book, info, strings, sink);
    OPENUPR_RETURN_IF_ERROR(
        parser.Parse("sheet '" + entry.name + "', named by " + rels_part, sink.progress));
    if (parser.stopped()) break;
  }
  return Status::Ok();
}

}  // namespace

Status StreamXlsx(std::string_view bytes, const std::string& file_label, const XlsxRowSink& sink,
                  const XlsxLimits& limits) {
  ZipError error;
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, error.get());
  if (!source) return Status::Internal(file_label + ": libzip: " + error.text());
  // Not ZIP_CHECKCONS: it refuses libxlsxwriter's own zip64 workbooks (their local headers carry
  // a zip64 extra field that the central directory leaves out). Each part's CRC is still checked.
  zip_t* opened = zip_open_from_source(source, ZIP_RDONLY, error.get());
  if (!opened) {
    zip_source_free(source);  // the archive owns it only once opened
    return Status::BadInput(file_label + ": not a readable zip archive (" + error.text() +
                            "); expected an .xlsx file, a zip of XML parts");
  }
  std::unique_ptr<zip_t, ZipDiscard> zip(opened);
  return StreamBook(zip.get(), file_label, sink, limits);
}

Status StreamXlsxFile(const std::string& path, const XlsxRowSink& sink, const XlsxLimits& limits) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Status::Io(path + ": cannot open the file for reading: " + ec.message());
  if (size > limits.max_file_bytes)
    return Status::BadInput(path + ": " + std::to_string(size) +
                            " bytes; expected an .xlsx of at "
                            "most " +
                            std::to_string(limits.max_file_bytes));
  int code = 0;
  zip_t* opened = zip_open(path.c_str(), ZIP_RDONLY, &code);
  if (!opened) {
    ZipError error;
    zip_error_set(error.get(), code, errno);
    if (code == ZIP_ER_OPEN || code == ZIP_ER_READ || code == ZIP_ER_NOENT || code == ZIP_ER_MEMORY)
      return Status::Io(path + ": cannot read: " + error.text());
    return Status::BadInput(path + ": not a readable zip archive (" + error.text() +
                            "); expected an .xlsx file, a zip of XML parts");
  }
  std::unique_ptr<zip_t, ZipDiscard> zip(opened);
  return StreamBook(zip.get(), path, sink, limits);
}

Result<XlsxWorkbook> ReadXlsx(std::string_view bytes, const std::string& file_label,
                              const XlsxLimits& limits) {
  XlsxWorkbook out;
  XlsxRowSink sink;
  sink.begin_sheet = [&out](const XlsxSheetInfo& info) {
    out.sheets.push_back({info.name, info.part, {}});
    return true;
  };
  sink.row = [&out](const XlsxSheetInfo&, uint32_t, std::span<XlsxCell> cells) {
    auto& all = out.sheets.back().cells;
    for (XlsxCell& c : cells) all.push_back(std::move(c));
    return true;
  };
  OPENUPR_RETURN_IF_ERROR(StreamXlsx(bytes, file_label, sink, limits));
  return out;
}

Result<XlsxWorkbook> ReadXlsxFile(const std::string& path, const XlsxLimits& limits) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > limits.max_file_bytes)
    return Status::BadInput(path + ": " + std::to_string(size) +
                            " bytes; expected an .xlsx of at "
                            "most " +
                            std::to_string(limits.max_file_bytes));
  auto bytes = ReadWholeFile(path);
  if (!bytes.ok()) return bytes.status();
  return ReadXlsx(bytes->view(), path, limits);
}

}  // namespace openupr::ingest

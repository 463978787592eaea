#include "search/xlsx_writer.h"

#include <xlsxwriter.h>

#include <vector>

#include "core/text.h"

namespace openupr::search {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }
bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// U+FFFE or U+FFFF (EF BF BE, EF BF BF): not XML characters.
bool NonCharacterAt(std::string_view text, size_t i) {
  return i + 3 <= text.size() && text[i] == '\xEF' && text[i + 1] == '\xBF' &&
         (text[i + 2] == '\xBE' || text[i + 2] == '\xBF');
}
// Whether the character at text[i] is stored as an escape _xHHHH_ (by StoredText, or by
// libxlsxwriter for the other control characters).
bool StoredEscapedAt(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  return (c < 0x20 && c != '\t' && c != '\n') || NonCharacterAt(text, i);
}
// Whether text[i] starts what a reader would take for Excel's escape _xHHHH_ once stored: the
// text reads "_xHHHH_", or "_xHHHH" followed by a character stored as an escape, whose leading
// underscore would complete it.
bool EscapeLikeAt(std::string_view text, size_t i) {
  return i + 7 <= text.size() && text[i] == '_' && text[i + 1] == 'x' && IsHex(text[i + 2]) &&
         IsHex(text[i + 3]) && IsHex(text[i + 4]) && IsHex(text[i + 5]) &&
         (text[i + 6] == '_' || StoredEscapedAt(text, i + 6));
}

// What the character starting at text[i] counts towards kXlsxMaxCellChars (see XlsxCellText):
// its UTF-16 code units, or the length of its stored escape when that is longer.
size_t CellUnits(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c == 0 || NonCharacterAt(text, i)) return 7;
  if (c == '_' && EscapeLikeAt(text, i)) return 8;
  return c >= 0xF0 ? 2 : 1;  // outside the Basic Multilingual Plane: a surrogate pair
}

// The cell text as handed to libxlsxwriter. It escapes the control characters 0x01-0x08 and
// 0x0B-0x1F itself (as _x00HH_; carriage returns included, which XML would turn into line
// feeds), but writes NUL (the end of its C string), U+FFFE and U+FFFF (which make the part
// malformed) as they are, and leaves a literal "_xHHHH_" alone (or "_xHHHH" before an escape),
// which every reader then decodes into another character. Those are escaped here.
std::string StoredText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\0') {
      out += "_x0000_";
    } else if (NonCharacterAt(text, i)) {
      out += text[i + 2] == '\xBE' ? "_xFFFE_" : "_xFFFF_";
      i += 2;
    } else {
      if (EscapeLikeAt(text, i)) out += "_x005F";
      out += text[i];
    }
  }
  return out;
}

Status LxwError(const std::string& what, lxw_error err) {
  return Status::Io(what + ": " + lxw_strerror(err));
}

}  // namespace

std::string XlsxCellText(std::string_view text) {
  // Every character counts at least one unit per byte of UTF-8, but for the escaped ones, which
  // count 7 or 8 for at most 3 bytes: a short text without them always fits.
  size_t units = 0;
  for (size_t i = 0; i < text.size() && units <= kXlsxMaxCellChars; ++i)
    if (!IsContinuation(static_cast<unsigned char>(text[i]))) units += CellUnits(text, i);
  if (units <= kXlsxMaxCellChars) return std::string(text);
  const size_t budget = kXlsxMaxCellChars - kXlsxTruncationMark.size();  // the mark is ASCII
  size_t used = 0, cut = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsContinuation(static_cast<unsigned char>(text[i]))) continue;
    const size_t n = CellUnits(text, i);
    if (used + n > budget) break;
    used += n;
    cut = i + 1;
    while (cut < text.size() && IsContinuation(static_cast<unsigned char>(text[cut]))) ++cut;
  }
  std::string out(text.substr(0, cut));
  out += kXlsxTruncationMark;
  return out;
}

// libxlsxwriter's objects: the worksheet and the format belong to the workbook.
struct XlsxWriter::Handles {
  lxw_workbook* workbook = nullptr;
  lxw_worksheet* sheet = nullptr;
  lxw_format* bold = nullptr;
  std::string temp_dir;  // libxlsxwriter keeps the pointer it is given
  ~Handles() {
    if (workbook) lxw_workbook_free(workbook);
  }
};

Result<std::unique_ptr<XlsxWriter>> XlsxWriter::Create(const std::string& path,
                                                       const std::string& sheet_name,
                                                       std::span<const std::string_view> header,
                                                       const std::string& temp_dir) {
  auto h = std::make_unique<Handles>();
  h->temp_dir = temp_dir;
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = h->temp_dir.empty() ? nullptr : h->temp_dir.data();
  options.use_zip64 = LXW_TRUE;  // a full export of a large database passes 4 GiB uncompressed
  h->workbook = workbook_new_opt(path.c_str(), &options);
  if (!h->workbook) return Status::Internal(path + ": libxlsxwriter cannot start a workbook");
  h->sheet = workbook_add_worksheet(h->workbook, sheet_name.c_str());
  h->bold = workbook_add_format(h->workbook);
  if (!h->sheet || !h->bold)
    return Status::Io(path + ": libxlsxwriter cannot start a worksheet (temporary files in " +
                      (temp_dir.empty() ? std::string("the system's folder") : temp_dir) + ")");
  format_set_bold(h->bold);
  for (size_t c = 0; c < header.size(); ++c) {
    const std::string name(header[c]);
    if (lxw_error err =
            worksheet_write_string(h->sheet, 0, static_cast<lxw_col_t>(c), name.c_str(), h->bold))
      return LxwError(path + ": header '" + name + "'", err);
  }
  worksheet_freeze_panes(h->sheet, 1, 0);
  return std::unique_ptr<XlsxWriter>(new XlsxWriter(std::move(h), path, header.size()));
}

XlsxWriter::XlsxWriter(std::unique_ptr<Handles> handles, std::string path, size_t columns)
    : handles_(std::move(handles)), path_(std::move(path)), columns_(columns) {}

XlsxWriter::~XlsxWriter() = default;

Status XlsxWriter::SetColumnWidth(size_t column, double width) {
  if (!handles_->workbook) return Status::Internal(path_ + ": the workbook is closed");
  if (lxw_error err = worksheet_set_column(handles_->sheet, static_cast<lxw_col_t>(column),
                                           static_cast<lxw_col_t>(column), width, nullptr))
    return LxwError(path_ + ": column " + std::to_string(column), err);
  return Status::Ok();
}

Status XlsxWriter::AddRow(std::span<const XlsxCell> cells) {
  if (!handles_->workbook) return Status::Internal(path_ + ": the workbook is closed");
  if (cells.size() > columns_)
    return Status::InvalidArgument(path_ + ": a row of " + std::to_string(cells.size()) +
                                   " cells; the sheet has " + std::to_string(columns_) +
                                   " columns");
  if (rows_ + 1 >= kXlsxMaxRows)
    return Status::InvalidArgument(path_ + ": an Excel sheet holds at most " +
                                   std::to_string(kXlsxMaxRows - 1) + " rows below its header");
  const auto row = static_cast<lxw_row_t>(rows_ + 1);
  // Checked before anything is written: libxlsxwriter would store invalid UTF-8 as it is, and
  // the part would not be XML any more.
  for (size_t c = 0; c < cells.size(); ++c)
    if (const auto* s = std::get_if<std::string_view>(&cells[c]); s && !IsValidUtf8(*s))
      return Status::InvalidArgument(path_ + ": row " + std::to_string(row + 1) + ", column " +
                                     std::to_string(c + 1) + ": the text is not valid UTF-8");
  std::string text;
  for (size_t c = 0; c < cells.size(); ++c) {
    const auto col = static_cast<lxw_col_t>(c);
    lxw_error err = LXW_NO_ERROR;
    if (const auto* s = std::get_if<std::string_view>(&cells[c])) {
      if (s->empty()) continue;  // an empty cell, as the CSV's empty field
      text = XlsxCellText(*s);
      if (text.size() != s->size()) ++truncated_cells_;
      text = StoredText(text);
      err = worksheet_write_string(handles_->sheet, row, col, text.c_str(), nullptr);
    } else if (const auto* n = std::get_if<int64_t>(&cells[c])) {
      err = worksheet_write_number(handles_->sheet, row, col, static_cast<double>(*n), nullptr);
    }
    if (err)
      return LxwError(
          path_ + ": row " + std::to_string(row + 1) + ", column " + std::to_string(c + 1), err);
  }
  ++rows_;
  return Status::Ok();
}

Status XlsxWriter::Close() {
  if (!handles_->workbook) return Status::Internal(path_ + ": the workbook is closed");
  if (columns_ > 0)
    (void)worksheet_autofilter(handles_->sheet, 0, 0, static_cast<lxw_row_t>(rows_),
                               static_cast<lxw_col_t>(columns_ - 1));
  // workbook_close frees the workbook whatever it returns.
  lxw_error err = workbook_close(handles_->workbook);
  handles_->workbook = nullptr;
  if (err) return LxwError(path_ + ": cannot write the XLSX file", err);
  return Status::Ok();
}

}  // namespace openupr::search

#include "search/xlsx_writer.h"

#include <xlsxwriter.h>

#include <vector>

namespace openupr::search {
namespace {

// UTF-16 code units of the UTF-8 character starting with lead: 2 for the 4-byte sequences
// (outside the Basic Multilingual Plane), 1 otherwise.
size_t Utf16Units(unsigned char lead) { return lead >= 0xF0 ? 2 : 1; }
bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

Status LxwError(const std::string& what, lxw_error err) {
  return Status::Io(what + ": " + lxw_strerror(err));
}

}  // namespace

std::string XlsxCellText(std::string_view text) {
  // A UTF-16 code unit takes at least one byte of UTF-8, so a short text always fits.
  if (text.size() <= kXlsxMaxCellChars) return std::string(text);
  size_t units = 0;
  for (unsigned char c : text)
    if (!IsContinuation(c)) units += Utf16Units(c);
  if (units <= kXlsxMaxCellChars) return std::string(text);
  const size_t budget = kXlsxMaxCellChars - kXlsxTruncationMark.size();  // the mark is ASCII
  size_t used = 0, cut = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (IsContinuation(c)) continue;
    if (used + Utf16Units(c) > budget) break;
    used += Utf16Units(c);
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
  std::string text;
  for (size_t c = 0; c < cells.size(); ++c) {
    const auto col = static_cast<lxw_col_t>(c);
    lxw_error err = LXW_NO_ERROR;
    if (const auto* s = std::get_if<std::string_view>(&cells[c])) {
      if (s->empty()) continue;  // an empty cell, as the CSV's empty field
      text = XlsxCellText(*s);
      if (text.size() != s->size()) ++truncated_cells_;
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

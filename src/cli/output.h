// Terminal output helpers of the CLI: the default database path, tables, the progress bar.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace openupr::cli {

// $OPENUPR_DB, else $XDG_DATA_HOME/openupr/openupr.db, else ~/.local/share/openupr/openupr.db.
std::string DefaultDatabasePath();

bool StderrIsTerminal();
bool StdoutIsTerminal();

// Prints rows as a left/right aligned text table (numbers right-aligned) to stdout.
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);

// A one-line progress bar on stderr, drawn only when stderr is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label, bool enabled);
  ~ProgressBar();
  void Update(uint64_t done, uint64_t total);
  void Finish();

 private:
  std::string label_;
  bool enabled_;
  int last_percent_ = -1;
  bool drawn_ = false;
};

std::string FormatPercent(double share);
// Why a write failed, from the errno the failed call left: "the disk is full (no space left on
// device)" for ENOSPC, strerror's text otherwise, "write error" for 0.
std::string WriteErrorText(int err);
std::string FormatBytes(uint64_t bytes);

}  // namespace openupr::cli

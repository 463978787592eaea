// Helpers shared by the tests: a temporary directory per test, the real data directory,
// writing fixture files, and running the openupr binary.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace openupr::testing {

// The real public data: $OPENUPR_DATA_DIR, else ../shared/data beside the source tree.
inline std::string DataDir() {
  if (const char* d = std::getenv("OPENUPR_DATA_DIR"); d && *d) return d;
  return OPENUPR_SHARED_DATA;
}

inline std::string UprFile(const std::string& name) { return DataDir() + "/upr-info/" + name; }

// A fresh directory, removed with its content when the test ends.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("openupr-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  // Writes bytes to name in this directory and returns its path.
  std::string Write(const std::string& name, const std::string& bytes) const {
    std::ofstream out(File(name), std::ios::binary);
    out << bytes;
    return File(name);
  }

 private:
  std::filesystem::path path_;
};

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the openupr binary with the given arguments (already shell-quoted where needed).
inline CliResult RunCli(const std::string& args, const TempDir& dir) {
  const std::string out_file = dir.File("cli.out"), err_file = dir.File("cli.err");
  const std::string cmd = std::string(OPENUPR_BINARY) + " " + args + " > '" + out_file +
                          "' 2> '" + err_file + "' < /dev/null";
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadAll(out_file);
  r.err = ReadAll(err_file);
  return r;
}

// The UPR Info header line.
inline constexpr const char* kHeader =
    "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session";

}  // namespace openupr::testing

#include "fuzz/fuzz_data.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

#include "ingest/importer.h"
#include "store/store.h"

namespace openupr::fuzz {

namespace {

// Removes the temporary folder when the process exits normally.
struct TempDir {
  std::string path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

const std::string& RealDatabase() {
  static TempDir dir;
  static const std::string path = [] {
    const char* env = std::getenv("OPENUPR_DATA_DIR");
    const std::string data = env && *env ? env : OPENUPR_SHARED_DATA;
    const std::string csv = data + "/upr-info/sessions-01-05.csv";  // Mac Roman, CR line ends
    char dir_template[] = "/tmp/openupr-fuzz-XXXXXX";
    if (!mkdtemp(dir_template)) std::abort();
    dir.path = dir_template;
    const std::string db = dir.path + "/fuzz.db";
    auto store = store::Store::Open(db, store::OpenMode::kCreateForImport);
    if (!store.ok()) {
      std::fprintf(stderr, "fuzz: %s\n", store.status().ToString().c_str());
      std::abort();
    }
    // Every 20th row (about 400 records of many states, sessions and themes; about 50 of the
    // voluntary pledges): each execution runs queries over all of them, and fewer records make
    // more executions.
    const std::string sample = dir.path + "/sample.csv";
    const std::string pledges = dir.path + "/pledges.csv";
    for (const auto& [from, to] : {std::pair{csv, sample},
                                   std::pair{data + "/upr-info/voluntary-pledges.csv", pledges}}) {
      std::ifstream in(from, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::ofstream out(to, std::ios::binary);
      bool quoted = false;
      size_t start = 0, row = 0;
      for (size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '"') quoted = !quoted;
        if (bytes[i] != '\r' || quoted) continue;
        if (row++ % 20 == 0) out << bytes.substr(start, i + 1 - start);  // row 0: the header
        start = i + 1;
      }
      if (!in || !out) std::abort();
    }
    const auto report = ingest::ImportFiles(**store, {sample, pledges}, ingest::ImportOptions{});
    if (!report.status.ok() || report.added == 0) {
      std::fprintf(stderr, "fuzz: cannot import %s: %s\n", csv.c_str(),
                   report.status.ToString().c_str());
      std::abort();
    }
    return db;
  }();
  return path;
}

}  // namespace openupr::fuzz

#include "real_data.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "ingest/importer.h"

namespace openupr::bench {

std::string DataDir() {
  if (const char* d = std::getenv("OPENUPR_DATA_DIR"); d && *d) return d;
  return OPENUPR_SHARED_DATA;
}

RealData::RealData(std::string_view name, bool index) : name_(name) {
  namespace fs = std::filesystem;
  dir_ = fs::temp_directory_path() / ("openupr-" + name_ + "-" + std::to_string(getpid()));
  fs::create_directories(dir_);
  auto s = store::Store::Open((dir_ / "bench.db").string());
  if (!s.ok()) {
    Fail(s.status());
    return;
  }
  store_ = std::move(s).value();
  const std::string up = DataDir() + "/upr-info/";
  auto report = ingest::ImportFiles(*store_,
                                    {up + "sessions-01-05.csv", up + "sessions-06-09.csv",
                                     up + "sessions-10-13.csv", up + "sessions-14-17.csv"},
                                    {});
  if (!report.status.ok()) {
    Fail(report.status);
    return;
  }
  if (!index) return;
  auto built = engine::Index::Build(*store_);
  if (!built.ok()) {
    Fail(built.status());
    return;
  }
  index_ = std::move(built).value();
}

RealData::~RealData() {
  index_.reset();
  store_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void RealData::Fail(const Status& st) {
  std::cerr << name_ << ": " << st.ToString() << "\n";
  index_.reset();
  store_.reset();
}

}  // namespace openupr::bench

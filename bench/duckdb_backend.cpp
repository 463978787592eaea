// The duckdb backend of the side-by-side benchmark: DuckDB through its Node package
// (@duckdb/node-api, which ships the engine), run as a child process (bench/duckdb/runner.mjs)
// that the runner talks to over pipes, one JSON line each way. The runner exports the tables the
// measures read from the OpenUPR database as CSV files into a temporary folder; DuckDB loads them
// into tables in memory. It answers the vote measures only (no full-text search here), and times
// each statement itself (Answer::self_ms): the statement with its result materialised by DuckDB,
// not the pipe, the JSON or the conversion of the rows to JavaScript values.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "bench/sql_backends.h"
#include "bench/vote_sql.h"
#include "store/store.h"

extern char** environ;

namespace openupr::bench {
namespace {

namespace fs = std::filesystem;

// A file descriptor, closed on destruction.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// A folder removed with everything in it on destruction.
class TempFolder {
 public:
  static Result<TempFolder> Make() {
    std::string pattern = (fs::temp_directory_path() / "openupr-duckdb.XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      return Status::Io(pattern + ": cannot create a temporary folder");
    return TempFolder(pattern);
  }
  TempFolder(TempFolder&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  TempFolder& operator=(TempFolder&&) = delete;
  ~TempFolder() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempFolder(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Writes the result of select as CSV (a header of the given names, NULL as an empty field).
// The exported columns are codes and numbers: none holds a comma, a quote or a line end.
Status ExportCsv(store::Database& db, const std::string& select, const std::string& header,
                 const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return Status::Io(path + ": cannot write");
  out << header << '\n';
  std::string line;
  Status st = db.ForEachRow(select, [&](store::Statement& s) {
    line.clear();
    for (int c = 0; c < s.ColumnCount(); ++c) {
      if (c) line += ',';
      if (!s.IsNull(c)) line += s.Text(c);
    }
    line += '\n';
    out << line;
  });
  OPENUPR_RETURN_IF_ERROR(st);
  out.close();
  if (!out) return Status::Io(path + ": write failed");
  return Status::Ok();
}

Status ExportTables(const std::string& db_path, const std::string& dir) {
  auto store = store::Store::Open(db_path, store::OpenMode::kExisting);
  if (!store.ok()) return store.status();
  store::Database& db = (*store)->db();
  const struct {
    const char* file;
    const char* select;
    const char* header;
  } kTables[] = {
      {"state", "SELECT iso3, region FROM state", "iso3,region"},
      {"former_state", "SELECT iso3, region FROM former_state", "iso3,region"},
      {"vote", "SELECT resolution_id, state, vote FROM vote", "resolution_id,state,vote"},
      {"recommendation", "SELECT id, sur, response, action FROM recommendation",
       "id,sur,response,action"},
      {"recommending_state", "SELECT recommendation_id, state FROM recommending_state",
       "recommendation_id,state"},
  };
  for (const auto& t : kTables)
    OPENUPR_RETURN_IF_ERROR(ExportCsv(db, t.select, t.header,
                                      (fs::path(dir) / (std::string(t.file) + ".csv")).string()));
  return Status::Ok();
}

// node running runner.mjs, with its stdin and stdout as pipes; stderr is the runner's.
class NodeProcess {
 public:
  static Result<std::unique_ptr<NodeProcess>> Start(const std::string& script) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return Status::Io("pipe: cannot create");
    Fd in_read(in[0]), in_write(in[1]);
    if (::pipe2(out, O_CLOEXEC) != 0) return Status::Io("pipe: cannot create");
    Fd out_read(out[0]), out_write(out[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_read.get(), 0);
    posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
    std::string node = "node";
    std::vector<char*> argv = {node.data(), const_cast<char*>(script.c_str()), nullptr};
    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, "node", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return Status::NotFound("node: cannot start it (is Node.js installed?)");
    auto p = std::unique_ptr<NodeProcess>(new NodeProcess());
    p->pid_ = pid;
    p->to_ = std::move(in_write);
    p->from_ = std::move(out_read);
    return p;
  }
  ~NodeProcess() {
    to_.Reset();  // end of input: the script finishes
    if (pid_ > 0) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // Sends one request and reads its one-line answer. kIo if the process went away, kInternal
  // for an answer that is not JSON or says ok: false (its error).
  Result<nlohmann::json> Ask(const nlohmann::json& request) {
    const std::string line = request.dump() + "\n";
    for (size_t done = 0; done < line.size();) {
      const ssize_t n = ::write(to_.get(), line.data() + done, line.size() - done);
      if (n <= 0) return Status::Io("duckdb: the node process does not read its input");
      done += static_cast<size_t>(n);
    }
    std::string reply;
    while (true) {
      const size_t eol = buf_.find('\n');
      if (eol != std::string::npos) {
        reply = buf_.substr(0, eol);
        buf_.erase(0, eol + 1);
        break;
      }
      char chunk[1 << 16];
      const ssize_t n = ::read(from_.get(), chunk, sizeof chunk);
      if (n <= 0) return Status::Io("duckdb: the node process ended (see its messages above)");
      buf_.append(chunk, static_cast<size_t>(n));
    }
    nlohmann::json j = nlohmann::json::parse(reply, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
      return Status::Internal("duckdb: not a JSON answer: " + reply.substr(0, 200));
    if (!j.value("ok", false))
      return Status::Internal("DuckDB: " + j.value("error", std::string("failed")));
    return j;
  }

 private:
  NodeProcess() = default;
  pid_t pid_ = -1;
  Fd to_, from_;
  std::string buf_;
};

class DuckDbBackend {
 public:
  DuckDbBackend(TempFolder dir, std::unique_ptr<NodeProcess> node)
      : dir_(std::move(dir)), node_(std::move(node)) {}

  Result<double> Load() {
    auto got = node_->Ask({{"cmd", "load"}, {"dir", dir_.path()}});
    if (!got.ok()) return got.status();
    return got->value("ms", 0.0);
  }

  Result<Answer> Compute(Measure m, bool fold) {
    auto got =
        node_->Ask({{"cmd", "run"}, {"sql", MeasureSql(m, Dialect::kDuckDb)}, {"rows", fold}});
    if (!got.ok()) return got.status();
    Answer a;
    if (fold) {
      Rows rows;
      for (const auto& jr : got->value("rows", nlohmann::json::array())) {
        std::vector<Cell>& row = rows.emplace_back();
        for (const auto& v : jr) {
          if (v.is_string()) {
            row.emplace_back(v.get<std::string>());
          } else if (v.is_number_integer()) {
            row.emplace_back(v.get<int64_t>());
          } else if (v.is_number()) {
            row.emplace_back(v.get<double>());
          } else {
            row.emplace_back();
          }
        }
      }
      auto folded = FoldRows(m, rows);
      if (!folded.ok()) return folded.status();
      a = *folded;
    }
    a.self_ms = got->value("ms", 0.0);
    return a;
  }

 private:
  TempFolder dir_;  // destroyed after the process (members in reverse order)
  std::unique_ptr<NodeProcess> node_;
};

}  // namespace

Result<Backend> MakeDuckDbBackend(const std::string& dir, const std::string& db_path,
                                  const std::function<void(const std::string&)>& log) {
  const fs::path script = fs::path(dir) / "runner.mjs";
  std::error_code ec;
  if (!fs::exists(script, ec) || !fs::exists(fs::path(dir) / "node_modules/@duckdb/node-api", ec))
    return Status::NotFound(dir +
                            ": no runner.mjs with node_modules/@duckdb/node-api (install it: "
                            "npm ci --prefix " +
                            dir + ")");
  // A node process that ends while the runner writes to it must be an error, not a SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);
  const auto start = std::chrono::steady_clock::now();
  auto folder = TempFolder::Make();
  if (!folder.ok()) return folder.status();
  OPENUPR_RETURN_IF_ERROR(ExportTables(db_path, folder->path()));
  const double export_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto node = NodeProcess::Start(script.string());
  if (!node.ok()) return node.status();
  auto impl = std::make_shared<DuckDbBackend>(std::move(folder).value(), std::move(node).value());
  auto load_ms = impl->Load();
  if (!load_ms.ok()) return load_ms.status();
  char line[160];
  std::snprintf(line, sizeof line,
                "duckdb: tables exported as CSV in %.1f s, loaded by DuckDB in %.1f s", export_s,
                *load_ms / 1000);
  log(line);
  Backend b;
  b.name = "duckdb";
  b.measure = [impl](Measure m, bool fold) { return impl->Compute(m, fold); };
  return b;
}

}  // namespace openupr::bench

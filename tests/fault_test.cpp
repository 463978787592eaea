// Fault tests (issue 13, point 3), on real files and a real SQLite database:
// - an `openupr import` killed with SIGKILL at random moments while `openupr serve` reads the same
//   database (and, without a reader, in the rollback journal the import then uses): after each
//   kill the file is whole, holds exactly the state before or after the import (a digest of every
//   table's rows), and serve keeps answering;
// - a disk that fills up under an import (the store's DiskSpaceLimit VFS, and a real 2 MiB tmpfs
//   where this machine lets the test mount one) or under an export (/dev/full);
// - a database file that cannot be written (mode 0444 for an unprivileged user, a read-only
//   mount).
// Seeds and counts can be set with OPENUPR_FAULT_SEED and OPENUPR_FAULT_KILLS to rerun a failure.
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "core/hash.h"
#include "live_server.h"
#include "store/disk_space_vfs.h"
#include "store/sqlite.h"
#include "store/store.h"
#include "test_util.h"

namespace openupr {
namespace {

using nlohmann::json;
using testing::TempDir;
using testing::UprFile;
using Clock = std::chrono::steady_clock;

// What a database holds, as far as the fault tests compare it.
struct DbState {
  bool whole = false;  // opened, integrity_check ok, no foreign key violation, journal mode WAL
  std::string digest;  // of the schema and of every row of every table
  int64_t recommendations = 0;
  int64_t pledges = 0;
  bool operator==(const DbState& o) const { return whole && o.whole && digest == o.digest; }
};

// One value, typed, so that 1, 1.0, '1' and x'31' differ.
void AppendValue(sqlite3_stmt* stmt, int col, std::string& out) {
  switch (sqlite3_column_type(stmt, col)) {
    case SQLITE_NULL: out += 'N'; break;
    case SQLITE_INTEGER: out += 'I' + std::to_string(sqlite3_column_int64(stmt, col)); break;
    case SQLITE_FLOAT: {
      char buf[40];
      std::snprintf(buf, sizeof(buf), "F%.17g", sqlite3_column_double(stmt, col));
      out += buf;
      break;
    }
    default: {
      const char tag = sqlite3_column_type(stmt, col) == SQLITE_TEXT ? 'T' : 'B';
      const void* p = sqlite3_column_blob(stmt, col);
      const int n = sqlite3_column_bytes(stmt, col);
      out += tag + std::to_string(n) + ':';
      if (n > 0) out.append(static_cast<const char*>(p), static_cast<size_t>(n));
    }
  }
  out += '\x1f';
}

// Opens the database as the program does (Store::Open), checks that it is whole and digests it:
// the schema, then for each table (virtual tables through their shadow tables) the sorted hashes
// of its rows, every column but import.started_at (the clock). Two databases with the same digest
// hold the same rows.
DbState ReadState(const std::string& path) {
  DbState state;
  bool whole = true;
  auto fail = [&](const std::string& what) {
    ADD_FAILURE() << path << ": " << what;
    whole = false;
  };
  auto s = store::Store::Open(path, store::OpenMode::kExisting);
  if (!s.ok()) {
    fail(s.status().ToString());
    return state;
  }
  store::Database& d = (*s)->db();
  auto check = d.QueryText("PRAGMA integrity_check");
  if (!check.ok() || *check != "ok")
    fail("integrity_check: " + (check.ok() ? *check : check.status().ToString()));
  int violations = 0;
  Status st = d.ForEachRow("PRAGMA foreign_key_check", [&](auto&) { ++violations; });
  if (!st.ok() || violations) fail(std::to_string(violations) + " foreign key violations");
  auto mode = d.QueryText("PRAGMA journal_mode");
  if (!mode.ok() || *mode != "wal") fail("journal mode " + (mode.ok() ? *mode : ""));
  std::string all;
  std::vector<std::string> tables;
  st = d.ForEachRow(
      "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name",
      [&](store::Statement& row) {
        for (int c = 0; c < 4; ++c) AppendValue(row.handle(), c, all);
        if (row.Text(0) == "table" && !row.Text(3).starts_with("CREATE VIRTUAL TABLE"))
          tables.push_back(row.String(1));
      });
  if (!st.ok()) fail(st.ToString());
  for (const std::string& t : tables) {
    auto stmt = d.Prepare("SELECT * FROM \"" + t + "\"");
    if (!stmt.ok()) {
      fail(stmt.status().ToString());
      return state;
    }
    std::vector<std::string> rows;
    const int columns = stmt->ColumnCount();
    st = stmt->ForEachRow([&](store::Statement& row) {
      std::string r;
      for (int c = 0; c < columns; ++c) {
        if (t == "import" && std::strcmp(sqlite3_column_name(row.handle(), c), "started_at") == 0)
          continue;
        AppendValue(row.handle(), c, r);
      }
      rows.push_back(Xxh3Hex128(r));
    });
    if (!st.ok()) fail(st.ToString());
    std::sort(rows.begin(), rows.end());
    all += "\n" + t + ":" + std::to_string(rows.size());
    for (const std::string& r : rows) all += r;
  }
  state.digest = Xxh3Hex128(all);
  auto recommendations = d.QueryInt("SELECT count(*) FROM recommendation");
  auto pledges = d.QueryInt("SELECT count(*) FROM pledge");
  if (!recommendations.ok() || !pledges.ok()) fail("cannot count the rows");
  state.recommendations = recommendations.ok() ? *recommendations : -1;
  state.pledges = pledges.ok() ? *pledges : -1;
  state.whole = whole;
  return state;
}

// Removes a database and its -wal, -shm and -journal files.
void RemoveDatabase(const std::string& db) {
  for (const char* ext : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(db + ext);
}

// Starts the openupr binary with args; stdout to out_fd (or /dev/null when -1), stderr to
// /dev/null. Returns the pid (0 on failure, after a test failure).
pid_t Spawn(std::vector<std::string> args, int out_fd = -1) {
  args.insert(args.begin(), OPENUPR_BINARY);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (out_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  else
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << OPENUPR_BINARY << ": " << std::strerror(rc);
    return 0;
  }
  return pid;
}

// `openupr serve` on a free port of 127.0.0.1 over db, as its own process; stopped with SIGTERM
// (a graceful stop, exit code 0) when destroyed.
class ServeProcess {
 public:
  explicit ServeProcess(const std::string& db) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe: " << std::strerror(errno);
      return;
    }
    out_ = fds[0];
    pid_ = Spawn({"-q", "--db", db, "serve", "--port", "0", "--threads", "4", "--access-log",
                  "none"},
                 fds[1]);
    ::close(fds[1]);
    // "Serving DB on http://127.0.0.1:PORT/ (...)" once it listens.
    std::string line;
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (pid_ && line.find('\n') == std::string::npos && Clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[512];
      const ssize_t n = ::read(out_, buf, sizeof(buf));
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    const size_t at = line.find("127.0.0.1:");
    if (at != std::string::npos) port_ = std::atoi(line.c_str() + at + 10);
    EXPECT_GT(port_, 0) << "serve did not start: " << line;
  }
  ~ServeProcess() {
    if (pid_) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      const auto deadline = Clock::now() + std::chrono::seconds(20);
      while (::waitpid(pid_, &status, WNOHANG) == 0) {
        if (Clock::now() > deadline) {
          ADD_FAILURE() << "serve did not stop on SIGTERM";
          ::kill(pid_, SIGKILL);
          ::waitpid(pid_, &status, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "serve: status " << status;
    }
    if (out_ >= 0) ::close(out_);
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  int port() const { return port_; }
  bool running() const {
    int status = 0;
    return pid_ && ::waitpid(pid_, &status, WNOHANG) == 0;
  }

 private:
  pid_t pid_ = 0;
  int out_ = -1;
  int port_ = 0;
};

// Whether another process holds the database's write lock (a write transaction open, or the
// rollback journal's commit): BEGIN IMMEDIATE without waiting.
bool WriteLockHeld(const std::string& db) {
  auto d = store::Database::Open(db, /*create=*/false, /*read_only=*/false);
  if (!d.ok()) return false;
  sqlite3_busy_timeout((*d)->handle(), 0);
  const int rc = sqlite3_exec((*d)->handle(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) (void)(*d)->Exec("ROLLBACK");
  return (rc & 0xff) == SQLITE_BUSY;
}

uint64_t SeedFromEnvironment() {
  if (const char* s = std::getenv("OPENUPR_FAULT_SEED"); s && *s) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

int KillsFromEnvironment(int fallback) {
  if (const char* s = std::getenv("OPENUPR_FAULT_KILLS"); s && *s) return std::atoi(s);
  return fallback;
}

// What serve answers about the record: its counts and a search's total.
struct Served {
  int64_t recommendations = -1;
  int64_t pledges = -1;
  int64_t torture = -1;  // total of q=torture
};

// Asks serve; failures (no answer, not 200, not the JSON expected) come back as text.
std::string AskServe(int port, Served& out) {
  auto about = testing::HttpGet(port, "/api/v1/about", 20);
  if (!about) return "/api/v1/about: no answer";
  if (about->status != 200) return "/api/v1/about: HTTP " + std::to_string(about->status);
  auto search = testing::HttpGet(port, "/api/v1/recommendations?q=torture&per_page=2", 20);
  if (!search) return "/api/v1/recommendations: no answer";
  if (search->status != 200)
    return "/api/v1/recommendations: HTTP " + std::to_string(search->status) + " " + search->body;
  const json a = json::parse(about->body, nullptr, false);
  const json s = json::parse(search->body, nullptr, false);
  if (!a.is_object() || !a["counts"]["recommendations"].is_number_integer() ||
      !a["counts"]["pledges"].is_number_integer() || a["schema_version"] != store::BuiltinMigrations().back().version)
    return "/api/v1/about: unexpected JSON " + about->body.substr(0, 300);
  if (!s.is_object() || !s["total"].is_number_integer() || !s["results"].is_array() ||
      s["results"].size() != std::min<size_t>(2, s["total"].get<size_t>()))
    return "/api/v1/recommendations: unexpected JSON " + search->body.substr(0, 300);
  out.recommendations = a["counts"]["recommendations"];
  out.pledges = a["counts"]["pledges"];
  out.torture = s["total"];
  return "";
}

bool SameServed(const Served& a, const Served& b) {
  return a.recommendations == b.recommendations && a.pledges == b.pledges &&
         a.torture == b.torture;
}

// The real files of the kill tests: a database holding the first, then an import of the second
// (6,094 recommendations, 1.5 MB: long enough to be caught at many moments, short enough for 100
// kills within the suite's budget).
constexpr const char* kBaseFile = "voluntary-pledges.csv";
constexpr const char* kImportedFile = "sessions-01-05.csv";

// Kills an import of kImportedFile into a copy of a database holding kBaseFile at `kills`
// random moments of its run, with `openupr serve` reading the database throughout when serving.
void KillImportAtRandomMoments(bool serving, int kills) {
  TempDir dir;
  const std::string base = dir.File("base.db"), db = dir.File("upr.db");
  ASSERT_EQ(testing::RunCli("-q --db '" + base + "' import '" + UprFile(kBaseFile) + "'", dir)
                .exit_code,
            0);
  const uint64_t seed = SeedFromEnvironment();
  std::cout << "[ seed     ] OPENUPR_FAULT_SEED=" << seed << " OPENUPR_FAULT_KILLS=" << kills
            << std::endl;
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  SCOPED_TRACE("OPENUPR_FAULT_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);

  std::filesystem::copy_file(base, db);
  std::unique_ptr<ServeProcess> serve;
  std::mutex serve_mu;  // held while serve restarts; guards serve
  auto restore = [&] {
    std::lock_guard lock(serve_mu);
    serve.reset();
    RemoveDatabase(db);
    std::filesystem::copy_file(base, db);
    if (serving) serve = std::make_unique<ServeProcess>(db);
  };
  restore();
  if (serving) {
    ASSERT_GT(serve->port(), 0);
  }
  const DbState before = ReadState(db);
  ASSERT_TRUE(before.whole);
  Served served_before;
  if (serving) {
    ASSERT_EQ(AskServe(serve->port(), served_before), "");
  }

  const std::vector<std::string> import_args = {"-q", "--db", db, "import",
                                                UprFile(kImportedFile)};
  // Two whole runs: the state after (the same both times) and how long a run takes here.
  DbState after;
  Served served_after;
  std::vector<double> seconds;
  for (int run = 0; run < 2; ++run) {
    const auto t0 = Clock::now();
    const pid_t pid = Spawn(import_args);
    ASSERT_GT(pid, 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "import: status " << status;
    const DbState now = ReadState(db);
    ASSERT_TRUE(now.whole);
    ASSERT_EQ(now.recommendations, before.recommendations + 6094);
    if (run == 0) {
      after = now;
    } else {
      ASSERT_EQ(now.digest, after.digest) << "the digest of a finished import is not stable";
    }
    if (serving) {
      // serve picks up a finished import by itself (PRAGMA data_version before each query).
      Served s;
      ASSERT_EQ(AskServe(serve->port(), s), "");
      EXPECT_EQ(s.recommendations, after.recommendations);
      EXPECT_GT(s.torture, served_before.torture);
      if (run == 0) served_after = s;
      EXPECT_TRUE(SameServed(s, served_after));
    }
    restore();
  }
  const double run_seconds = std::min(seconds[0], seconds[1]);

  // A client of serve for the whole test: every answer must be the record before or after.
  std::atomic<bool> stop{false};
  std::atomic<int> requests{0};
  std::vector<std::string> client_errors;
  std::thread client;
  // Stops and joins the client however this function returns (a failed ASSERT returns early).
  struct Joiner {
    std::atomic<bool>& stop;
    std::thread& thread;
    ~Joiner() {
      stop = true;
      if (thread.joinable()) thread.join();
    }
  } joiner{stop, client};
  if (serving) {
    client = std::thread([&] {
      while (!stop) {
        {
          std::lock_guard lock(serve_mu);
          Served s;
          std::string error = AskServe(serve->port(), s);
          // (The two requests may fall on either side of a commit: each answer on its own.)
          const bool about_ok = (s.recommendations == served_before.recommendations &&
                                 s.pledges == served_before.pledges) ||
                                (s.recommendations == served_after.recommendations &&
                                 s.pledges == served_after.pledges);
          const bool search_ok =
              s.torture == served_before.torture || s.torture == served_after.torture;
          if (error.empty() && (!about_ok || !search_ok))
            error = "serve answered " + std::to_string(s.recommendations) + " recommendations, " +
                    std::to_string(s.torture) + " for torture: neither before nor after";
          if (!error.empty() && client_errors.size() < 10) client_errors.push_back(error);
          ++requests;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
      }
    });
  }

  // Outcomes: finished before the kill; killed with the write lock held (inside the
  // transaction); killed without it, before it began or after it committed.
  int finished = 0, inside = 0, inside_after = 0, outside_before = 0, outside_after = 0;
  std::uniform_real_distribution<double> moment(0.0, run_seconds);
  for (int k = 0; k < kills && !::testing::Test::HasFatalFailure(); ++k) {
    const double at = moment(rng);
    SCOPED_TRACE("kill " + std::to_string(k) + " at " + std::to_string(at * 1000) + " ms");
    const auto t0 = Clock::now();
    const pid_t pid = Spawn(import_args);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_until(t0 + std::chrono::duration<double>(at));
    // Stopped first, so that where it stopped (the write lock held or not) can be asked before
    // the kill: SIGKILL a stopped process is the same as SIGKILL at the moment it stopped.
    ::kill(pid, SIGSTOP);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, WUNTRACED), pid);
    bool held = false;
    if (WIFEXITED(status)) {
      EXPECT_EQ(WEXITSTATUS(status), 0);
      ++finished;
    } else {
      held = WriteLockHeld(db);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
    }
    const DbState now = ReadState(db);
    ASSERT_TRUE(now.whole);
    const bool is_before = now == before, is_after = now == after;
    ASSERT_TRUE(is_before || is_after)
        << "neither before nor after: " << now.recommendations << " recommendations, "
        << now.pledges << " pledges";
    if (!WIFEXITED(status)) {
      if (held) {
        ++inside;
        inside_after += is_after;  // killed between the commit and the unlock
      } else {
        ++(is_before ? outside_before : outside_after);
      }
    }
    if (serving) {
      std::lock_guard lock(serve_mu);
      ASSERT_TRUE(serve->running());
      Served s;
      ASSERT_EQ(AskServe(serve->port(), s), "");
      EXPECT_TRUE(SameServed(s, is_after ? served_after : served_before))
          << "serve answers " << s.recommendations << " recommendations after a kill that left "
          << now.recommendations;
    }
    if (is_after) restore();
  }
  stop = true;
  if (client.joinable()) client.join();
  for (const std::string& e : client_errors) ADD_FAILURE() << "client of serve: " << e;
  if (serving) {
    EXPECT_GT(requests.load(), 0);
  }
  std::cout << "[ kills    ] " << kills << " kills over a " << static_cast<int>(run_seconds * 1000)
            << " ms import" << (serving ? " (serve reading, " + std::to_string(requests.load()) +
                                              " client requests)"
                                        : "")
            << ": " << inside << " inside the transaction (" << inside_after
            << " of them after its commit point), " << outside_before << " before it, "
            << outside_after << " after it, " << finished << " finished first" << std::endl;
  // The moments span the import: some of them caught it writing.
  EXPECT_GT(inside, 0);
}

TEST(FaultTest, ImportKilledAtRandomMomentsWhileServeReadsLeavesTheDatabaseWhole) {
  KillImportAtRandomMoments(/*serving=*/true, KillsFromEnvironment(100));
}

// Alone with the file, the import writes through the rollback journal (RollbackJournalScope):
// the other path a kill can interrupt.
TEST(FaultTest, ImportKilledAtRandomMomentsWithoutReadersLeavesTheDatabaseWhole) {
  KillImportAtRandomMoments(/*serving=*/false, KillsFromEnvironment(25));
}


// --- A full disk ---

// Copies the file at from over to (and removes to's -wal, -shm and -journal).
void CopyDatabase(const std::string& from, const std::string& to) {
  RemoveDatabase(to);
  std::filesystem::copy_file(from, to);
}

// `openupr import` in this process (the CLI's own RunImport) under the store's DiskSpaceLimit:
// from no free space at all to more than the import needs, alone with the file (the rollback
// journal) and beside a reader (WAL). Each import that meets the full disk fails with exit code
// 5 and a message naming the database, and leaves it exactly as it was.
TEST(FaultTest, ImportOntoAFullDiskFailsWithAClearErrorAndChangesNothing) {
  TempDir dir;
  const std::string base = dir.File("base.db"), db = dir.File("upr.db");
  ASSERT_EQ(testing::RunCli("-q --db '" + base + "' import '" + UprFile(kBaseFile) + "'", dir)
                .exit_code,
            0);
  CopyDatabase(base, db);
  const DbState before = ReadState(db);
  ASSERT_TRUE(before.whole);
  const std::string expected =
      "openupr: " + db +
      ": cannot write the database: the disk is full (no space left on device); nothing was "
      "imported\n";
  int failed = 0, succeeded = 0;
  for (const bool with_reader : {false, true}) {
    // (The import needs about 1.9 MB: 1.8 MiB is not enough, 64 MiB is.)
    for (const int64_t free_bytes : {int64_t{0}, int64_t{4} << 10, int64_t{64} << 10,
                                     int64_t{512} << 10, int64_t{1} << 20, int64_t{1536} << 10,
                                     int64_t{1843} << 10, int64_t{64} << 20}) {
      SCOPED_TRACE((with_reader ? "beside a reader, " : "alone, ") + std::to_string(free_bytes) +
                   " bytes free");
      std::unique_ptr<store::Store> reader;
      if (with_reader) {
        auto opened = store::Store::Open(db, store::OpenMode::kExisting);
        ASSERT_TRUE(opened.ok()) << opened.status().ToString();
        reader = std::move(opened).value();
      }
      auto limit = store::DiskSpaceLimit::Install(free_bytes);
      ASSERT_TRUE(limit.ok()) << limit.status().ToString();
      cli::CommonOptions common;
      common.db = db;
      common.quiet = true;
      cli::ImportArgs args;
      args.files = {UprFile(kImportedFile)};
      ::testing::internal::CaptureStdout();
      ::testing::internal::CaptureStderr();
      const int code = cli::RunImport(common, args);
      (void)::testing::internal::GetCapturedStdout();
      const std::string err = ::testing::internal::GetCapturedStderr();
      const int64_t refused = (*limit)->refused_writes();
      limit->reset();
      reader.reset();
      const DbState now = ReadState(db);
      ASSERT_TRUE(now.whole);
      if (free_bytes <= int64_t{1} << 20) {
        EXPECT_EQ(code, 5) << "the import fitted";
      }
      if (code == 0) {
        ++succeeded;
        EXPECT_EQ(refused, 0);
        EXPECT_EQ(now.recommendations, before.recommendations + 6094);
        CopyDatabase(base, db);
        continue;
      }
      ++failed;
      EXPECT_EQ(code, 5) << err;
      EXPECT_GT(refused, 0);
      EXPECT_NE(err.find(expected), std::string::npos) << err;
      EXPECT_TRUE(now == before) << now.recommendations << " recommendations";
      EXPECT_FALSE(std::filesystem::exists(db + "-journal"));
    }
  }
  // Both ends: full disks stopped the import (at the first write and at many later ones), an
  // ample one did not.
  EXPECT_GE(failed, 10);
  EXPECT_EQ(succeeded, 2);
}

// Unmounts (lazily) on destruction.
class ScopedMount {
 public:
  explicit ScopedMount(std::string dir) : dir_(std::move(dir)) {}
  ~ScopedMount() { ::umount2(dir_.c_str(), MNT_DETACH); }
  ScopedMount(const ScopedMount&) = delete;
  ScopedMount& operator=(const ScopedMount&) = delete;

 private:
  std::string dir_;
};

// Moves this thread into a mount namespace of its own (private: nothing mounted here is seen
// outside, and it all goes when the process ends). Empty on success, else why not.
std::string PrivateMountNamespace() {
  if (::unshare(CLONE_NEWNS) != 0)
    return std::string("unshare(CLONE_NEWNS) refused: ") + std::strerror(errno);
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return std::string("cannot make / private: ") + std::strerror(errno);
  return "";
}

// The same with the real binary on a real 2 MiB tmpfs, where the machine lets the test mount one
// (root, or CAP_SYS_ADMIN, in a mount namespace of its own); skipped otherwise.
TEST(FaultTest, ImportOntoAFullTmpfsFailsWithAClearErrorAndChangesNothing) {
  TempDir dir;
  const std::string base = dir.File("base.db"), small = dir.File("small");
  ASSERT_EQ(testing::RunCli("-q --db '" + base + "' import '" + UprFile(kBaseFile) + "'", dir)
                .exit_code,
            0);
  std::filesystem::create_directory(small);
  if (std::string why = PrivateMountNamespace(); !why.empty()) GTEST_SKIP() << why;
  if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=2m") != 0)
    GTEST_SKIP() << "cannot mount a tmpfs: " << std::strerror(errno);
  ScopedMount mounted(small);
  const std::string db = small + "/upr.db";
  CopyDatabase(base, db);
  const DbState before = ReadState(db);
  ASSERT_TRUE(before.whole);
  auto r = testing::RunCli("-q --db '" + db + "' import '" + UprFile(kImportedFile) + "'", dir);
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  EXPECT_NE(r.err.find("openupr: " + db +
                       ": cannot write the database: the disk is full (no space left on device); "
                       "nothing was imported\n"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(db + "-journal"));
  EXPECT_TRUE(ReadState(db) == before);
  // Once there is room (the same files on the ordinary disk), the same import goes through.
  const std::string roomy = dir.File("roomy.db");
  CopyDatabase(db, roomy);
  EXPECT_EQ(testing::RunCli("-q --db '" + roomy + "' import '" + UprFile(kImportedFile) + "'", dir)
                .exit_code,
            0);
}

// Runs `openupr ARGS` through the shell with stdout to `out` (a path: /dev/full here); the exit
// code and stderr.
testing::CliResult RunCliTo(const std::string& args, const std::string& out, const TempDir& dir) {
  const std::string err_file = dir.File("cli.err");
  const std::string cmd = std::string(OPENUPR_BINARY) + " " + args + " > '" + out + "' 2> '" +
                          err_file + "' < /dev/null";
  const int status = std::system(cmd.c_str());
  testing::CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = testing::ReadAll(err_file);
  return r;
}

// Exports and other output to a full disk (/dev/full: every write fails with ENOSPC) fail with
// exit code 5 and say so, naming the file; before, a search printed to a full disk exited 0.
TEST(FaultTest, OutputToAFullDiskFailsWithAClearError) {
  ASSERT_TRUE(std::filesystem::exists("/dev/full"));
  TempDir dir;
  const std::string db = dir.File("upr.db");
  ASSERT_EQ(testing::RunCli("-q --db '" + db + "' import '" + UprFile(kImportedFile) + "'", dir)
                .exit_code,
            0);
  const std::string q = "--db '" + db + "' ";
  const std::string full = "the disk is full (no space left on device)";
  for (const char* format : {"csv", "json", "xlsx"}) {
    SCOPED_TRACE(format);
    auto r = RunCliTo(q + "export --format " + format + " -o /dev/full", "/dev/null", dir);
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("openupr: /dev/full: cannot write the export: " + full),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("Exported"), std::string::npos) << r.err;
  }
  for (const char* format : {"csv", "json"}) {
    SCOPED_TRACE(std::string(format) + " to stdout");
    auto r = RunCliTo(q + "export --format " + format, "/dev/full", dir);
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("openupr: standard output: cannot write the export: " + full),
              std::string::npos)
        << r.err;
  }
  for (const char* command : {"search torture", "info", "stats --by cycle", "show 1"}) {
    SCOPED_TRACE(command);
    auto r = RunCliTo(q + command, "/dev/full", dir);
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("openupr: cannot write to standard output: " + full), std::string::npos)
        << r.err;
  }
}

// --- A database that cannot be written ---

// Runs `openupr ARGS` as the user uid (0: as this process is) through the shell, with its output
// in out_dir (which that user can write).
testing::CliResult RunCliAs(const std::string& args, uid_t uid, gid_t gid,
                            const std::string& out_dir) {
  const std::string out_file = out_dir + "/cli.out", err_file = out_dir + "/cli.err";
  const std::string cmd = std::string(OPENUPR_BINARY) + " " + args + " > '" + out_file +
                          "' 2> '" + err_file + "' < /dev/null";
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (uid != 0 && (::setgroups(0, nullptr) != 0 || ::setresgid(gid, gid, gid) != 0 ||
                     ::setresuid(uid, uid, uid) != 0))
      ::_exit(126);
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  testing::CliResult r;
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = testing::ReadAll(out_file);
  r.err = testing::ReadAll(err_file);
  return r;
}

// What a read-only database must still do, run as uid: nothing imported, nothing lost, and the
// reading commands work.
void ExpectReadOnlyDatabaseRefusesImportsOnly(const std::string& db, const std::string& reason,
                                              uid_t uid, gid_t gid, const std::string& out_dir) {
  const std::string bytes = testing::ReadAll(db);
  ASSERT_FALSE(bytes.empty());
  const std::string q = "--db '" + db + "' ";
  auto r = RunCliAs(q + "import '" + UprFile("sessions-06-09.csv") + "'", uid, gid, out_dir);
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  EXPECT_NE(r.err.find("openupr: " + db + ": cannot write the database: " + reason +
                       "; nothing was imported\n"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(testing::ReadAll(db) == bytes) << "the database file changed";
  auto info = RunCliAs(q + "info", uid, gid, out_dir);
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("Recommendations:   6094"), std::string::npos) << info.out;
  auto found = RunCliAs(q + "--json search torture --limit 1", uid, gid, out_dir);
  EXPECT_EQ(found.exit_code, 0) << found.err;
  const json j = json::parse(found.out, nullptr, false);
  EXPECT_TRUE(j.is_object() && j["total"].is_number_integer() && j["total"] > 0) << found.out;
  EXPECT_TRUE(testing::ReadAll(db) == bytes) << "the database file changed";
}

// A database file with mode 0444. Root may write any file, so as root the CLI runs as nobody.
TEST(FaultTest, ImportIntoAReadOnlyDatabaseFileFailsWithAClearErrorAndLosesNothing) {
  TempDir dir;
  const std::string folder = dir.File("data"), db = folder + "/upr.db";
  std::filesystem::create_directory(folder);
  ASSERT_EQ(testing::RunCli("-q --db '" + db + "' import '" + UprFile(kImportedFile) + "'", dir)
                .exit_code,
            0);
  uid_t uid = 0;
  gid_t gid = 0;
  if (::geteuid() == 0) {
    const passwd* nobody = ::getpwnam("nobody");
    if (!nobody) GTEST_SKIP() << "running as root and there is no user nobody to run as";
    uid = nobody->pw_uid;
    gid = nobody->pw_gid;
    // The folder is theirs (they may create files beside the database); the file is not.
    ASSERT_EQ(::chown(folder.c_str(), uid, gid), 0);
    ASSERT_EQ(::chmod(dir.File("").c_str(), 0755), 0);
  }
  ASSERT_EQ(::chmod(db.c_str(), 0444), 0);
  ExpectReadOnlyDatabaseRefusesImportsOnly(
      db, "it is read-only (no write permission for this user)", uid, gid, folder);
}

// A database on a read-only mount (a bind mount of its folder, remounted read-only); skipped
// where the test may not mount.
TEST(FaultTest, ImportIntoADatabaseOnAReadOnlyMountFailsWithAClearErrorAndLosesNothing) {
  TempDir dir;
  const std::string folder = dir.File("data"), db = folder + "/upr.db";
  std::filesystem::create_directory(folder);
  ASSERT_EQ(testing::RunCli("-q --db '" + db + "' import '" + UprFile(kImportedFile) + "'", dir)
                .exit_code,
            0);
  if (std::string why = PrivateMountNamespace(); !why.empty()) GTEST_SKIP() << why;
  if (::mount(folder.c_str(), folder.c_str(), nullptr, MS_BIND, nullptr) != 0)
    GTEST_SKIP() << "cannot bind-mount: " << std::strerror(errno);
  ScopedMount mounted(folder);
  if (::mount(nullptr, folder.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0)
    GTEST_SKIP() << "cannot remount read-only: " << std::strerror(errno);
  ExpectReadOnlyDatabaseRefusesImportsOnly(db, "it is on a read-only file system", 0, 0,
                                           dir.File(""));
}

}  // namespace
}  // namespace openupr

#include "ingest/importer.h"

#include <sodium.h>
#include <sys/resource.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unordered_map>

#include "core/dup_key.h"
#include "core/hash.h"
#include "core/identity.h"
#include "ingest/file_bytes.h"
#include "ingest/hrc_votes.h"
#include "ingest/source_format.h"
#include "ingest/uhri_import.h"
#include "ingest/vote_import.h"
#include "store/bulk_writer.h"

// jemalloc's control interface when the program is linked with jemalloc (the openupr binary),
// null otherwise: a weak reference, resolved at load time.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));

namespace openupr::ingest {
namespace {

// The identity of a file's bytes, "xxh3-128:" and 32 hex digits: a file with the same bytes as
// one stored is not read again. XXH3-128 runs at memory speed (0.5 ms for the real files, where
// BLAKE2b took 13 ms of an import's CPU). It is not a cryptographic hash: files are chosen by the
// user, who is trusted with the record anyway, and two different files agreeing by accident
// on 128 bits is not a concern.
std::string ContentHash(std::string_view bytes) {
  return std::string(kContentHashPrefix) + Xxh3Hex128(bytes);
}

// What earlier versions stored: "blake2b:" and the BLAKE2b-256 of the bytes, in hex. Computed only
// when the store holds such files, so that their bytes are still recognised.
constexpr std::string_view kLegacyHashPrefix = "blake2b:";
std::string LegacyContentHash(std::string_view bytes) {
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof(hash), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  char hex[crypto_generichash_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
  return std::string(kLegacyHashPrefix) + hex;
}

// What an import knows about one duplicate key. The first row's response and themes are kept
// as hashes: they only serve to say which fields a repeat differs in, and parsed files are
// released as soon as they are written.
struct KeyState {
  std::string_view key;  // (a string that outlives the key table)
  int64_t in_db = 0;     // stored by earlier imports
  int64_t matched = 0;   // rows of this import matched against in_db
  int64_t stored = 0;    // rows of this import stored (their uids count on from in_db)
  int64_t first_id = 0;  // first stored row with this key
  // The first row, when this import stored it (null: an earlier import did; not compared).
  const std::string* first_path = nullptr;
  int64_t first_line = 0;
  size_t first_response = 0;
  ActionCategory first_action;
  size_t first_themes = 0;
};

// The keys an import meets and what it knows about each. Open addressing with linear probing
// over an array of hashes and positions in a vector of states: the writer looks up every row
// here, and a node-based map cost it a node allocation and a cache miss or two per row, a tenth
// of its time. The array is a LargeBuffer: zeroed memory backed by huge pages as the keys land
// (a lookup in megabytes of 4 KiB pages missed the TLB as well as the cache), and not cleared
// before the first row can be written.
class KeyTable {
 public:
  void Reserve(size_t keys) {
    size_t capacity = 16;
    while (capacity < 2 * keys) capacity *= 2;  // at most half full
    if (capacity > capacity_) Rehash(capacity);
    states_.reserve(keys);
  }
  static uint64_t Hash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }
  // Brings the slot of a key (by its Hash) into the cache ahead of its lookup.
  void Prefetch(uint64_t hash) {
    if (capacity_) __builtin_prefetch(slots() + (hash & (capacity_ - 1)), 1);
  }
  // The state of key, added (zeroed) if new. The reference is valid until the next key is added.
  KeyState& operator[](std::string_view key) { return Find(key, Hash(key)); }
  KeyState& Find(std::string_view key, uint64_t hash) {
    if (2 * (states_.size() + 1) > capacity_) Rehash(std::max<size_t>(16, 2 * capacity_));
    for (size_t i = hash & (capacity_ - 1);; i = (i + 1) & (capacity_ - 1)) {
      Slot& slot = slots()[i];
      if (slot.state == 0) {
        states_.emplace_back().key = key;
        slot = {hash, states_.size()};
        return states_.back();
      }
      if (slot.hash == hash && states_[slot.state - 1].key == key) return states_[slot.state - 1];
    }
  }

 private:
  struct Slot {
    uint64_t hash;
    size_t state;  // position in states_ + 1; 0: empty
  };
  Slot* slots() { return reinterpret_cast<Slot*>(memory_.data()); }
  void Rehash(size_t capacity) {
    auto memory = LargeBuffer::Allocate(capacity * sizeof(Slot));  // zero-filled
    if (!memory.ok()) throw std::bad_alloc();
    auto* slots = reinterpret_cast<Slot*>(memory->data());
    for (size_t k = 0; k < capacity_; ++k) {
      const Slot& s = this->slots()[k];
      if (s.state == 0) continue;
      size_t i = s.hash & (capacity - 1);
      while (slots[i].state) i = (i + 1) & (capacity - 1);
      slots[i] = s;
    }
    memory_ = std::move(memory).value();
    capacity_ = capacity;
  }
  LargeBuffer memory_;
  size_t capacity_ = 0;
  std::vector<KeyState> states_;
};

size_t HashThemes(const std::vector<std::string>& themes) {
  size_t h = themes.size();
  for (const std::string& t : themes) h = h * 1000003 ^ std::hash<std::string>{}(t);
  return h;
}

// Bytes per row of a UPR Info export, for estimates made before a file is parsed: a row takes
// 200 bytes or more (so bytes / kMinRowBytes bounds the rows: capacities), 250 is usual (the
// expected count: the writer's hint, the progress within a file).
constexpr uint64_t kMinRowBytes = 200;
constexpr uint64_t kUsualRowBytes = 250;

// Rows per batch from a parser to the writer: small, so that writing starts soon after parsing
// does; large enough that the hand-over costs nothing next to the rows.
constexpr size_t kBatchRows = 1024;

// A batch of parsed recommendations with their duplicate keys (parallel), on its way from a
// parser thread to the writer.
struct Batch {
  std::vector<Recommendation> recs;  // released once written
  std::vector<std::string> keys;     // kept: the import's key table refers to them
};

// One input file on its way through the import. A parser thread reads, hashes and parses it,
// handing over its recommendations in batches; the writer (the calling thread) stores them in
// file order as they come. Every field is guarded by mu until `parsed` is set and seen; report
// fields the writer reads (path, hash, encoding...) are set before `decided` or the first batch.
struct FileSlot {
  std::mutex mu;
  std::condition_variable changed;
  bool decided = false;  // read and hashed (or failed): read_status, bytes, report.bytes and
                         // report.content_hash are set
  bool parsed = false;   // the parser is done with the file: the report is complete
  Status read_status;
  // The file's bytes, shared with its parser until the writer has decided whether the file is
  // new (an older kind of hash of them may be needed); released by whichever is done last.
  std::shared_ptr<const LargeBuffer> bytes;
  FileReport report;
  std::deque<Batch> batches;  // deque: handing over a batch never moves the earlier ones
  ParsedFile rest;            // all but the recommendations: pledges, errors, counts
  std::vector<std::string> pledge_keys;
  double seconds = 0;                // reading, hashing and parsing
  std::atomic<bool> dropped{false};  // the writer will not store this file: parse no further
};

// Rows the writer has stored, released by the parser threads: destroying a thousand rows is a
// few percent of the writer's time, and the writer is an import's critical path.
class SpentRows {
 public:
  void Add(std::vector<Recommendation>&& rows) {
    std::lock_guard lock(mu_);
    rows_.push_back(std::move(rows));
  }
  // Destroys what was added so far, on the calling thread.
  void Release() {
    std::vector<std::vector<Recommendation>> taken;
    {
      std::lock_guard lock(mu_);
      taken.swap(rows_);
    }
  }

 private:
  std::mutex mu_;
  std::vector<std::vector<Recommendation>> rows_;
};

// The allocator arena of the calling thread, when the allocator is jemalloc. jemalloc gives
// threads their own arenas, so that the memory of the rows a parser thread allocates and the
// writer frees went back to the parser's arena through the writer's; with all of an import's
// threads on one arena, freed rows are reused at once instead of new memory being touched (each
// new page costs a page fault; docs/benchmarks.md).
std::optional<unsigned> AllocatorArena() {
  unsigned arena = 0;
  size_t size = sizeof(arena);
  if (!mallctl || mallctl("thread.arena", &arena, &size, nullptr, 0) != 0) return std::nullopt;
  return arena;
}

void UseAllocatorArena(std::optional<unsigned> arena) {
  if (!arena || !mallctl) return;
  unsigned a = *arena;
  (void)mallctl("thread.arena", nullptr, nullptr, &a, sizeof(a));
}

// The writer is an import's critical path: parser threads leave the CPU to it when both could
// run (a higher nice value for this thread only; Linux gives each thread its own), and take what
// it leaves.
// Writes what the import did with a file into its source_file row.
Status UpdateFileCounts(store::Store& store, const FileReport& fr, int64_t sf_id) {
  auto upd = store.db().Prepare(
      "UPDATE source_file SET rows = ?, added = ?, repeats = ?, already_present = ?, "
      "skipped = ? WHERE id = ?");
  if (!upd.ok()) return upd.status();
  upd->Bind(1, fr.rows).Bind(2, fr.added).Bind(3, static_cast<int64_t>(fr.repeats.size()));
  upd->Bind(4, fr.already_present).Bind(5, fr.skipped).Bind(6, sf_id);
  return upd->Run();
}

void YieldToTheWriter() {
  const auto tid = static_cast<id_t>(::gettid());
  errno = 0;
  const int now = getpriority(PRIO_PROCESS, tid);
  if (errno == 0) (void)setpriority(PRIO_PROCESS, tid, std::min(now + 5, 19));
}

// Detects, decodes and parses one file's bytes into slot (report, batches, the rest).
void ParseInto(FileSlot& slot, std::string_view bytes, const ImportOptions& options,
               const std::atomic<bool>& stop, SpentRows& spent) {
  FileReport& fr = slot.report;  // (the writer reads none of it before a batch or `parsed`)
  // Each batch's keys are computed here, on the parser's thread.
  const RecommendationSink sink{kBatchRows, [&](std::vector<Recommendation>&& recs) {
                                  Batch batch;
                                  batch.keys.reserve(recs.size());
                                  for (const auto& r : recs)
                                    batch.keys.push_back(RecommendationKey(r));
                                  batch.recs = std::move(recs);
                                  {
                                    std::lock_guard lock(slot.mu);
                                    slot.batches.push_back(std::move(batch));
                                  }
                                  slot.changed.notify_all();
                                  spent.Release();
                                }};
  ParsedFile rest =
      ParseImportFile(bytes, options, fr, sink, [&] { return !stop && !slot.dropped; });
  if (fr.errors.empty()) {
    slot.pledge_keys.reserve(rest.pledges.size());
    for (const auto& p : rest.pledges) slot.pledge_keys.push_back(PledgeKey(p));
  }
  slot.rest = std::move(rest);
}

// Adds the time of its scope to a total (ImportReport::store_seconds).
class Timed {
 public:
  explicit Timed(double& total) : total_(total) {}
  Timed(const Timed&) = delete;
  Timed& operator=(const Timed&) = delete;
  ~Timed() {
    total_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }

 private:
  double& total_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace

Status ValidateImportOptions(const ImportOptions& options) {
  if (options.format != "auto" && !FindSourceFormat(options.format))
    return Status::InvalidArgument("--format '" + options.format + "': expected " +
                                   SourceFormatNames());
  return Status::Ok();
}

ParsedFile ParseImportFile(std::string_view bytes, const ImportOptions& options, FileReport& fr,
                           const RecommendationSink& sink,
                           const std::function<bool()>& keep_going) {
  auto fail = [&fr](int64_t line, std::string message) {
    fr.errors.push_back({ImportIssue::Severity::kError, fr.path, line, "", std::move(message)});
  };
  fr.encoding_forced = options.encoding.has_value();
  fr.encoding = options.encoding.value_or(DetectEncoding(bytes));
  fr.line_ends_forced = options.line_ends.has_value();
  fr.line_ends = options.line_ends.value_or(DetectLineEnds(bytes));
  LargeBuffer decoded;
  auto text = DecodeToUtf8(bytes, fr.encoding, fr.path, decoded);
  if (!text.ok()) {
    fail(0, text.status().message());
    return {};
  }
  CsvStream csv(*text, fr.line_ends, fr.path);
  CsvRecord header;
  auto has_header = csv.Next(header);
  if (!has_header.ok()) {
    fail(0, has_header.status().message());
    return {};
  }
  const SourceFormat* format = nullptr;
  if (*has_header)
    format =
        options.format == "auto" ? DetectSourceFormat(header) : FindSourceFormat(options.format);
  // A format given by name is not checked here: its parser says which columns are missing.
  if (!format || !*has_header) {
    std::string names;
    if (*has_header)
      for (const auto& f : header.fields) names += (names.empty() ? "" : ",") + f;
    std::string expected;
    for (const SourceFormat& f : SourceFormats()) {
      expected += (expected.empty() ? "" : "; or ") + std::string(f.description) + " (" +
                  std::string(f.header) + ")";
    }
    fail(1, "unrecognised format: the header '" + names.substr(0, 200) + "' is not that of " +
                expected);
    return {};
  }
  if (format->kind != RecordKind::kRecommendation) {
    // OHCHR's voting records: small files, read whole (their parser has its own CSV pass).
    fr.format = std::string(format->name);
    ParsedFile rest;
    auto take = [&](auto parsed, auto& rows) {
      // Rows read: those kept and those a warning counts once (a state listed twice).
      fr.rows = static_cast<int64_t>(parsed.rows.size() + parsed.warnings.size());
      fr.errors = std::move(parsed.errors);
      fr.warnings = std::move(parsed.warnings);
      rows = std::move(parsed.rows);
    };
    if (format->kind == RecordKind::kResolution)
      take(ParseResolutions(*text, fr.path), rest.resolutions);
    else
      take(ParseVotes(*text, fr.path), rest.votes);
    return rest;
  }
  fr.format = kUprInfoFormat;
  // The report counts what goes to the sink.
  const RecommendationSink counted{sink.batch_rows, [&](std::vector<Recommendation>&& recs) {
                                     fr.recommendations += static_cast<int64_t>(recs.size());
                                     sink.take(std::move(recs));
                                   }};
  Status csv_error;
  ParsedFile rest = ParseUprInfo(
      *has_header ? &header : nullptr,
      [&](CsvRecord& rec) {
        if (!keep_going()) return false;
        auto more = csv.Next(rec);
        if (!more.ok()) csv_error = more.status();
        return more.ok() && *more;
      },
      fr.path, options.skip_unknown_states, text->size() / kMinRowBytes, &counted);
  if (!csv_error.ok()) {
    // A file the CSV reader cannot read is reported for that alone (the rows handed over are
    // never stored: the import fails).
    rest = ParsedFile{};
    fail(0, csv_error.message());
  }
  fr.rows = rest.rows;
  fr.pledges = static_cast<int64_t>(rest.pledges.size());
  fr.skipped = rest.skipped_unknown;
  fr.entities_decoded = rest.entities_decoded;
  fr.errors.insert(fr.errors.end(), rest.errors.begin(), rest.errors.end());
  fr.warnings = rest.warnings;
  fr.unknown_states = rest.unknown_states;
  return rest;
}

ImportReport ImportFiles(store::Store& store, const std::vector<std::string>& paths,
                         const ImportOptions& options) {
  return ImportFiles([&store]() -> Result<store::Store*> { return &store; }, paths, options);
}

ImportReport ImportFiles(const StoreOpener& open_store, const std::vector<std::string>& all_paths,
                         const ImportOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  ImportReport report;
  auto finish = [&](Status st) {
    report.status = std::move(st);
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
  };
  if (Status st = ValidateImportOptions(options); !st.ok()) return finish(st);

  // UHRI exports (a JSON array or an XLSX workbook, known by their first bytes) are streamed
  // after the CSV files, in the same transaction (ingest/uhri_import.h).
  std::vector<std::string> csv_paths;
  std::vector<std::pair<std::string, UhriFileType>> uhri_files;
  for (const std::string& path : all_paths) {
    UhriFileType type = UhriFileType::kNone;
    if (options.format == "auto" || options.format == kUhriFormat) {
      auto sniffed = SniffUhriFile(path);
      if (!sniffed.ok()) return finish(sniffed.status());
      type = *sniffed;
      if (type == UhriFileType::kNone && options.format == kUhriFormat)
        return finish(Status::BadInput(path + ": not a UHRI export: expected a JSON array "
                                              "(\"[\" first) or an XLSX workbook"));
    }
    if (type == UhriFileType::kNone)
      csv_paths.push_back(path);
    else
      uhri_files.emplace_back(path, type);
  }
  const std::vector<std::string>& paths = csv_paths;

  // Parser threads (two at most: this thread writes meanwhile) take the files in order: each
  // reads, hashes and parses one, handing over its recommendations in batches, while this thread
  // opens the store, then decides for each file in order whether it is new, and stores the new
  // ones' batches as they come. The import takes about as long as the slowest of the three
  // instead of their sum. A fatal error in any file rolls the whole transaction back; every
  // file's errors are still reported.
  const size_t n_files = paths.size();
  std::vector<FileSlot> slots(n_files);
  for (size_t k = 0; k < n_files; ++k) slots[k].report.path = paths[k];
  std::atomic<size_t> next_file{0};
  std::atomic<bool> stop{false};  // the writer has given up: parse no further
  SpentRows spent;  // (declared before the parsers, which use it until they are joined)
  const std::optional<unsigned> arena = AllocatorArena();
  auto parse_files = [&] {
    UseAllocatorArena(arena);
    YieldToTheWriter();
    for (size_t k = next_file++; k < n_files && !stop; k = next_file++) {
      FileSlot& slot = slots[k];
      const auto started = std::chrono::steady_clock::now();
      auto read = ReadWholeFile(paths[k]);
      std::shared_ptr<const LargeBuffer> bytes;
      if (read.ok()) bytes = std::make_shared<const LargeBuffer>(std::move(read).value());
      {
        std::lock_guard lock(slot.mu);
        slot.decided = true;
        if (!bytes) {
          slot.read_status = read.status();
        } else {
          slot.bytes = bytes;
          slot.report.bytes = bytes->size();
          slot.report.content_hash = ContentHash(bytes->view());
        }
        slot.parsed = !bytes;
      }
      slot.changed.notify_all();
      if (!bytes) continue;
      // Parsed before the writer has decided that the file is new (the store may not even be
      // open yet): a file stored before is seldom given again, and its parser stops as soon as
      // the writer says so.
      ParseInto(slot, bytes->view(), options, stop, spent);
      bytes.reset();  // parsed: this thread no longer needs the bytes
      {
        std::lock_guard lock(slot.mu);
        slot.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        slot.parsed = true;
      }
      slot.changed.notify_all();
    }
  };
  std::vector<std::jthread> parsers;
  // Destroyed before the parsers (which join): on any return, they stop after their file.
  struct StopParsers {
    std::atomic<bool>& stop;
    ~StopParsers() { stop = true; }
  } stop_parsers{stop};
  const size_t n_parsers =
      std::min<size_t>(n_files, std::thread::hardware_concurrency() > 1 ? 2 : 1);
  for (size_t i = 0; i < n_parsers; ++i) parsers.emplace_back(parse_files);

  // The store, opened while the parsers read the first files.
  auto opened = open_store();
  if (!opened.ok()) return finish(opened.status());
  store::Store& store = **opened;
  // Files stored by earlier imports, by content: their bytes are not stored again.
  std::unordered_map<std::string, store::SourceFileRecord> stored_files;
  {
    auto files = store.ListSourceFiles();
    if (!files.ok()) return finish(files.status());
    for (auto& f : *files) stored_files.emplace(f.content_hash, std::move(f));
  }
  const bool legacy_hashes =
      std::any_of(stored_files.begin(), stored_files.end(),
                  [](const auto& kv) { return kv.first.starts_with(kLegacyHashPrefix); });
  if (legacy_hashes && sodium_init() < 0)  // (for LegacyContentHash only)
    return finish(Status::Internal("libsodium failed to initialise"));

  // For the progress bar only (a pipe counts as empty): half for parsing, half for writing.
  uint64_t total = 0, csv_total = 0;
  for (const std::string& path : csv_paths) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec) csv_total += size;
  }
  for (const std::string& path : all_paths) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec) total += size;
  }
  uint64_t done = 0;
  auto progress = [&](uint64_t d) {
    if (options.progress) options.progress(std::min(d, total * 2), total * 2);
  };

  // The transaction and what the writer needs, from the first file to store (begun as soon as
  // the file is known to be new, while its parser is at its first rows).
  std::unique_ptr<store::RollbackJournalScope> journal;
  std::unique_ptr<store::Transaction> tx;
  int64_t import_id = 0;
  // Keys are looked up as views of strings that outlive the key tables: the stored keys in the
  // count maps, this import's keys in the files' batches.
  std::unordered_map<std::string, store::Store::KeyInfo> rec_counts, pledge_counts;
  KeyTable rec_keys, pledge_keys;
  std::unique_ptr<store::RecommendationWriter> writer;
  auto begin_writing = [&]() -> Status {
    // Alone with the file (the usual case for a command), the data is written once into the
    // database file rather than into the WAL and again at the close (docs/benchmarks.md).
    journal = std::make_unique<store::RollbackJournalScope>(store.db());
    auto t =
        store::Transaction::Begin(store.db(), store::Transaction::ForeignKeys::kCheckedByCaller);
    if (!t.ok()) return t.status();
    tx = std::move(t).value();
    nlohmann::json opts = {
        {"format", options.format},
        {"encoding", options.encoding ? std::string(EncodingName(*options.encoding)) : "auto"},
        {"line_ends", options.line_ends ? std::string(LineEndsName(*options.line_ends)) : "auto"},
        {"skip_unknown_states", options.skip_unknown_states},
        {"files", all_paths}};
    auto id = store.InsertImport("openupr import", opts.dump());
    if (!id.ok()) return id.status();
    import_id = *id;
    auto rc = store.RecommendationKeyCounts();
    if (!rc.ok()) return rc.status();
    auto pc = store.PledgeKeyCounts();
    if (!pc.ok()) return pc.status();
    rec_counts = std::move(rc).value();
    pledge_counts = std::move(pc).value();
    rec_keys.Reserve(rec_counts.size() + csv_total / kMinRowBytes + uhri_files.size() * 4096);
    // Keys already stored count as present; their first row is what later copies repeat.
    auto seed = [](KeyTable& keys, const auto& counts) {
      for (const auto& [k, info] : counts) {
        KeyState& ks = keys[k];
        ks.in_db = info.count;
        ks.first_id = info.first_id;
      }
    };
    seed(rec_keys, rec_counts);
    seed(pledge_keys, pledge_counts);
    // The command's size stands for the rows to come: a bulk load, when it is at least what
    // is stored, rebuilds the indexes afterwards, which is cheaper.
    auto w =
        store::RecommendationWriter::Begin(store, static_cast<int64_t>(csv_total / kUsualRowBytes));
    if (!w.ok()) return w.status();
    writer = std::move(w).value();
    return Status::Ok();
  };

  std::unordered_map<std::string, std::string> hash_in_command;
  // Files of OHCHR's voting records, stored after the loop: resolutions before the votes that
  // name them, whatever order the command gave.
  std::vector<VoteFile> vote_files;
  std::vector<uint64_t> hashes;  // a batch's key hashes (reused)
  bool fatal = false;
  Status write_error;
  for (size_t k = 0; k < n_files; ++k) {
    FileSlot& slot = slots[k];
    FileReport& fr = slot.report;
    {
      std::unique_lock lock(slot.mu);
      slot.changed.wait(lock, [&] { return slot.decided; });
    }
    if (!slot.read_status.ok()) return finish(slot.read_status);
    report.bytes += fr.bytes;
    // Bytes stored by an earlier import, or earlier in this command, are not stored again.
    std::optional<store::SourceFileRecord> previous;
    if (auto it = stored_files.find(fr.content_hash); it != stored_files.end()) {
      previous = it->second;
    } else if (auto old = legacy_hashes ? stored_files.find(LegacyContentHash(slot.bytes->view()))
                                        : stored_files.end();
               old != stored_files.end()) {
      previous = old->second;
    } else if (auto same = hash_in_command.find(fr.content_hash); same != hash_in_command.end()) {
      previous = store::SourceFileRecord{};
      previous->path = same->second;
    } else {
      hash_in_command.emplace(fr.content_hash, fr.path);
    }
    slot.bytes.reset();  // (the parser keeps its own reference while it parses)
    if (previous) {
      // Its parser is told to stop, and its report is replaced once the parser is done with it.
      slot.dropped = true;
      {
        std::unique_lock lock(slot.mu);
        slot.changed.wait(lock, [&] { return slot.parsed; });
      }
      FileReport same;
      same.path = fr.path;
      same.content_hash = fr.content_hash;
      same.bytes = fr.bytes;
      same.previous = std::move(previous);
      fr = std::move(same);
      done += 2 * fr.bytes;
      progress(done);
      continue;
    }
    // A file to store: the transaction begins now, not with the first batch.
    if (!writer && !fatal && write_error.ok()) {
      Timed timed(report.store_seconds);
      if (Status st = begin_writing(); !st.ok()) write_error = st;
    }

    int64_t sf_id = 0;
    // Returns the id to mark as repeated, 0 if new, -1 if already present.
    auto classify = [&](KeyState& ks, int64_t line, const std::string& response,
                        ActionCategory action, const std::vector<std::string>& themes,
                        bool pledge) -> int64_t {
      if (ks.matched < ks.in_db) {
        ++ks.matched;
        ++fr.already_present;
        return -1;
      }
      if (ks.first_id == 0) return 0;
      const bool earlier = ks.first_path == nullptr;
      std::vector<std::string> differs;
      if (!earlier) {
        if (std::hash<std::string>{}(response) != ks.first_response)
          differs.emplace_back("response");
        if (action != ks.first_action) differs.emplace_back("action");
        if (HashThemes(themes) != ks.first_themes) differs.emplace_back("themes");
      }
      const std::string location = earlier
                                       ? "#" + std::to_string(ks.first_id) + " (an earlier import)"
                                       : *ks.first_path + ":" + std::to_string(ks.first_line);
      fr.repeats.push_back({fr.path, line, ks.first_id, location, differs, pledge, earlier});
      return ks.first_id;
    };
    auto remember = [&](KeyState& ks, int64_t id, int64_t line, const std::string& response,
                        ActionCategory action, const std::vector<std::string>& themes) {
      if (ks.first_id != 0) return;
      ks.first_id = id;
      ks.first_path = &fr.path;
      ks.first_line = line;
      ks.first_response = std::hash<std::string>{}(response);
      ks.first_action = action;
      ks.first_themes = HashThemes(themes);
    };
    // The file's row in source_file, once its format and encoding are known (with its first
    // batch); its counts are written when the file is done. (Only called while nothing failed,
    // so the transaction begun above is open.)
    auto source_file = [&]() -> Status {
      if (sf_id) return Status::Ok();
      store::SourceFileRecord sf;
      sf.import_id = import_id;
      sf.path = fr.path;
      sf.content_hash = fr.content_hash;
      sf.bytes = static_cast<int64_t>(fr.bytes);
      sf.format = fr.format;
      sf.encoding = std::string(EncodingName(fr.encoding));
      sf.line_ends = std::string(LineEndsName(fr.line_ends));
      auto id = store.InsertSourceFile(sf);
      if (!id.ok()) return id.status();
      sf_id = *id;
      return Status::Ok();
    };
    auto write_batch = [&](Batch& batch) -> Status {
      OPENUPR_RETURN_IF_ERROR(source_file());
      // The keys' slots are fetched a few rows ahead of their lookups.
      constexpr size_t kAhead = 8;
      hashes.resize(batch.keys.size());
      for (size_t i = 0; i < batch.keys.size(); ++i) hashes[i] = KeyTable::Hash(batch.keys[i]);
      for (size_t i = 0; i < std::min(kAhead, hashes.size()); ++i) rec_keys.Prefetch(hashes[i]);
      for (size_t i = 0; i < batch.recs.size(); ++i) {
        if (i + kAhead < hashes.size()) rec_keys.Prefetch(hashes[i + kAhead]);
        Recommendation& rec = batch.recs[i];
        KeyState& ks = rec_keys.Find(batch.keys[i], hashes[i]);
        const int64_t c =
            classify(ks, rec.provenance.line, rec.response_raw, rec.action, rec.themes, false);
        if (c < 0) continue;
        if (c > 0) rec.duplicate_of = c;
        rec.uid = RecommendationUid(rec.sur, rec.session, batch.keys[i], ks.in_db + ++ks.stored);
        auto id = writer->Add(rec, batch.keys[i], sf_id);
        if (!id.ok()) return id.status();
        ++fr.added;
        remember(ks, *id, rec.provenance.line, rec.response_raw, rec.action, rec.themes);
      }
      // Written: the rows go to the parsers to release (the keys stay, the key table refers to
      // them).
      OPENUPR_RETURN_IF_ERROR(writer->Flush());
      spent.Add(std::move(batch.recs));
      batch.recs = {};
      return Status::Ok();
    };

    // The batches as they come, then the rest of the file once it is parsed.
    const uint64_t expected_rows = std::max<uint64_t>(fr.bytes / kUsualRowBytes, 1);
    uint64_t rows_seen = 0, file_done = 0;
    for (size_t taken = 0;;) {
      Batch* batch = nullptr;
      bool parsed = false;
      {
        std::unique_lock lock(slot.mu);
        slot.changed.wait(lock, [&] { return slot.parsed || slot.batches.size() > taken; });
        if (slot.batches.size() > taken) batch = &slot.batches[taken++];
        parsed = slot.parsed;
      }
      if (batch) {
        if (!fatal && write_error.ok()) {
          Timed timed(report.store_seconds);
          if (Status st = write_batch(*batch); !st.ok()) write_error = st;
        }
        rows_seen += batch->keys.size();
        // Progress within the file, estimated from its size until it is done.
        const uint64_t now =
            fr.bytes * std::min<uint64_t>(rows_seen, expected_rows) / expected_rows * 9 / 10;
        if (now > file_done) {
          done += 2 * (now - file_done);
          file_done = now;
          progress(done);
        }
        continue;
      }
      if (parsed) break;
    }
    report.parse_seconds += slot.seconds;
    done += 2 * (fr.bytes - file_done);
    progress(done);
    fatal |= !fr.errors.empty();
    if (fatal || !write_error.ok()) continue;  // keep going: every file's errors are reported

    Timed timed(report.store_seconds);
    Status st = source_file();
    if (st.ok() && fr.format != kUprInfoFormat) {
      vote_files.push_back({&fr, &slot.rest, sf_id});
      continue;
    }
    for (size_t i = 0; st.ok() && i < slot.rest.pledges.size(); ++i) {
      Pledge& p = slot.rest.pledges[i];
      KeyState& ks = pledge_keys[slot.pledge_keys[i]];
      const int64_t c = classify(ks, p.provenance.line, "", p.action, p.themes, true);
      if (c < 0) continue;
      if (c > 0) p.duplicate_of = c;
      p.uid = PledgeUid(p.state, p.session, slot.pledge_keys[i], ks.in_db + ++ks.stored);
      auto id = writer->AddPledge(p, slot.pledge_keys[i], slot.rest.pledge_orgs[i], sf_id);
      if (!id.ok()) {
        st = id.status();
        break;
      }
      ++fr.added;
      remember(ks, *id, p.provenance.line, "", p.action, p.themes);
    }
    slot.rest.pledges = {};
    slot.rest.pledge_orgs = {};
    if (st.ok()) st = UpdateFileCounts(store, fr, sf_id);
    if (!st.ok()) write_error = st;
  }
  if (!vote_files.empty() && !fatal && write_error.ok()) {
    Timed timed(report.store_seconds);
    std::stable_partition(vote_files.begin(), vote_files.end(),
                          [](const VoteFile& f) { return !f.parsed->resolutions.empty(); });
    auto failed = StoreVoteRecords(store, vote_files);
    if (!failed.ok()) {
      write_error = failed.status();
    } else if (*failed) {
      fatal = true;
    } else {
      for (const VoteFile& f : vote_files) {
        if (Status st = UpdateFileCounts(store, *f.report, f.source_file_id); !st.ok()) {
          write_error = st;
          break;
        }
      }
    }
  }
  for (auto& t : parsers) t.join();  // (they stop when the files run out)
  for (auto& slot : slots) report.files.push_back(std::move(slot.report));

  // UHRI exports: hashed (a file stored before is not read again), then streamed into the store.
  std::unique_ptr<UhriImport> uhri;
  std::deque<std::string> uhri_keys;  // the duplicate keys rec_keys holds views of
  // The CSV files' recommendations are written, and the indexes a bulk load of them dropped are
  // rebuilt (the matcher reads a review's recommendations by state and session), before the UHRI
  // records are matched to them.
  if (!uhri_files.empty() && writer && !fatal && write_error.ok()) {
    Timed timed(report.store_seconds);
    if (Status st = writer->RebuildIndexes(); !st.ok()) write_error = st;
  }
  for (const auto& [path, type] : uhri_files) {
    if (fatal || !write_error.ok()) break;
    FileReport fr;
    fr.path = path;
    fr.format = std::string(kUhriFormat);
    auto hash = HashFileContent(path, &fr.bytes);
    if (!hash.ok()) return finish(hash.status());
    fr.content_hash = *hash;
    report.bytes += fr.bytes;
    const uint64_t file_start = done;
    if (auto it = stored_files.find(fr.content_hash); it != stored_files.end()) {
      fr.previous = it->second;
    } else if (auto same = hash_in_command.find(fr.content_hash); same != hash_in_command.end()) {
      fr.previous = store::SourceFileRecord{};
      fr.previous->path = same->second;
    }
    if (fr.previous) {
      done += 2 * fr.bytes;
      progress(done);
      report.files.push_back(std::move(fr));
      continue;
    }
    hash_in_command.emplace(fr.content_hash, path);
    std::optional<Timed> timed(std::in_place, report.store_seconds);
    if (!writer) {
      if (Status st = begin_writing(); !st.ok()) {
        write_error = st;
        break;
      }
    }
    store::SourceFileRecord sf;
    sf.import_id = import_id;
    sf.path = path;
    sf.content_hash = fr.content_hash;
    sf.bytes = static_cast<int64_t>(fr.bytes);
    sf.format = fr.format;
    sf.encoding = "utf-8";
    sf.line_ends = "none";
    auto sf_id = store.InsertSourceFile(sf);
    if (!sf_id.ok()) {
      write_error = sf_id.status();
      break;
    }
    if (!uhri) {
      UhriImportContext ctx;
      ctx.store = &store;
      ctx.import_id = import_id;
      ctx.writer = writer.get();
      ctx.skip_unknown_states = options.skip_unknown_states;
      ctx.occurrence = [&](const std::string& key) -> int64_t {
        uhri_keys.push_back(key);
        KeyState& ks = rec_keys[uhri_keys.back()];
        return ks.in_db + ++ks.stored;
      };
      ctx.progress = [&](uint64_t read) { progress(done + 2 * read); };
      auto begun = UhriImport::Begin(std::move(ctx));
      if (!begun.ok()) {
        write_error = begun.status();
        break;
      }
      uhri = std::move(begun).value();
    }
    timed.reset();  // (StoreFile times its own storing, without its waits for the reader)
    UhriFileTimes times;
    if (Status st = uhri->StoreFile(path, type, *sf_id, fr, &times); !st.ok()) {
      if (st.code() == StatusCode::kIo) return finish(st);
      write_error = st;
    }
    report.parse_seconds += times.parse_seconds;
    report.store_seconds += times.store_seconds;
    fatal |= !fr.errors.empty();
    timed.emplace(report.store_seconds);
    if (!fatal && write_error.ok())
      if (Status st = UpdateFileCounts(store, fr, *sf_id); !st.ok()) write_error = st;
    timed.reset();
    done = file_start + 2 * fr.bytes;
    progress(done);
    report.files.push_back(std::move(fr));
  }
  if (uhri && !fatal && write_error.ok()) {
    Timed timed(report.store_seconds);
    auto missing = uhri->Finish();
    if (!missing.ok())
      write_error = missing.status();
    else
      report.uhri_missing = std::move(missing).value();
  }
  if (fatal) {
    size_t n = 0;
    for (const auto& f : report.files) n += f.errors.size();
    for (auto& f : report.files) {  // nothing of this command is kept
      f.added = f.already_present = f.updated = 0;
      f.repeats.clear();
    }
    return finish(
        Status::BadInput(std::to_string(n) + " error(s) in the input; nothing was imported"));
  }
  if (!write_error.ok()) return finish(write_error);
  if (!writer) return finish(Status::Ok());  // every file was stored before: nothing to do
  {
    Timed timed(report.store_seconds);
    if (Status st = writer->Finish(); !st.ok()) return finish(st);
    if (Status st = tx->Commit(); !st.ok()) return finish(st);
  }
  for (const auto& f : report.files) {
    report.added += f.added;
    report.already_present += f.already_present;
    report.repeats += static_cast<int64_t>(f.repeats.size());
  }
  report.import_id = import_id;
  progress(total * 2);
  return finish(Status::Ok());
}

}  // namespace openupr::ingest

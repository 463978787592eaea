#include "ingest/uhri_import.h"

#include <xxhash.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/dup_key.h"
#include "core/identity.h"
#include "core/model.h"
#include "core/states.h"
#include "ingest/uhri_json.h"
#include "ingest/uhri_xlsx.h"

namespace openupr::ingest {
namespace {

// Batches parsed ahead of the writer: bounds the memory between the two threads.
constexpr size_t kQueuedBatches = 4;

std::string Location(const std::string& path, const UhriRecord& r) {
  if (r.source_row > 0) return path + ": row " + std::to_string(r.source_row);
  return path + ": byte " + std::to_string(r.source_offset);
}

ImportIssue Issue(ImportIssue::Severity severity, const std::string& path, const UhriRecord& r,
                  const std::string& field, const std::string& message) {
  ImportIssue i;
  i.severity = severity;
  i.file = path;
  i.message = Location(path, r) + ": " + field + ": " + message;
  return i;
}

// The batches a reader thread hands to the writer, at most kQueuedBatches at a time.
class BatchQueue {
 public:
  // Reader side: false when the writer has stopped taking.
  bool Push(std::vector<UhriRecord>&& batch) {
    std::unique_lock lock(mu_);
    space_.wait(lock, [&] { return queue_.size() < kQueuedBatches || stopped_; });
    if (stopped_) return false;
    queue_.push_back(std::move(batch));
    ready_.notify_one();
    return true;
  }
  void Close(Status status) {
    std::lock_guard lock(mu_);
    closed_ = true;
    status_ = std::move(status);
    ready_.notify_one();
  }
  // Writer side: false at the end (then status()).
  bool Pop(std::vector<UhriRecord>& batch) {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return false;
    batch = std::move(queue_.front());
    queue_.pop_front();
    space_.notify_one();
    return true;
  }
  void Stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    queue_.clear();
    space_.notify_all();
  }
  Status status() {
    std::lock_guard lock(mu_);
    return status_;
  }

 private:
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<std::vector<UhriRecord>> queue_;
  bool closed_ = false;
  bool stopped_ = false;
  Status status_;
};

// A thread's time from its construction, less the pauses.
class Seconds {
 public:
  void Pause() { paused_at_ = Clock::now(); }
  void Resume() { paused_ += Clock::now() - paused_at_; }
  double Total() const {
    return std::chrono::duration<double>(Clock::now() - started_ - paused_).count();
  }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point started_ = Clock::now();
  Clock::time_point paused_at_;
  Clock::duration paused_{};
};

}  // namespace

Result<UhriFileType> SniffUhriFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io(path + ": cannot open the file");
  char head[4096];
  in.read(head, sizeof head);
  std::string_view s(head, static_cast<size_t>(in.gcount()));
  if (s.starts_with("PK\x03\x04")) return UhriFileType::kXlsx;
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t'))
    s.remove_prefix(1);
  // An object is not an export either, but no CSV starts with "{": the JSON reader says what is
  // wrong with it.
  if (s.starts_with("[") || s.starts_with("{")) return UhriFileType::kJson;
  return UhriFileType::kNone;
}

Result<std::string> HashFileContent(const std::string& path, uint64_t* bytes) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::Io(path + ": cannot open the file");
  XXH3_state_t* state = XXH3_createState();
  XXH3_128bits_reset(state);
  std::vector<char> buf(size_t{1} << 20);
  uint64_t total = 0;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) {
    XXH3_128bits_update(state, buf.data(), n);
    total += n;
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  const XXH128_hash_t h = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  if (failed) return Status::Io(path + ": read error");
  if (bytes) *bytes = total;
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return std::string(kContentHashPrefix) + hex;
}

struct UhriImport::Impl {
  UhriImportContext ctx;
  std::unique_ptr<store::UhriWriter> writer;
  UprMatcher matcher;
  std::unique_ptr<store::Statement> update_rec;

  explicit Impl(UhriImportContext c) : ctx(std::move(c)), matcher(*ctx.store) {}

  // The ISO3 of each name ("" unknown), with the unknown ones.
  static std::vector<std::string> Lookup(const std::vector<std::string>& names,
                                         std::vector<size_t>* unknown) {
    std::vector<std::string> iso3;
    iso3.reserve(names.size());
    for (size_t i = 0; i < names.size(); ++i) {
      const StateInfo* s = FindState(names[i]);
      iso3.push_back(s ? s->iso3 : "");
      if (!s && unknown) unknown->push_back(i);
    }
    return iso3;
  }

  Recommendation RecommendationOf(const UhriRecord& r, const std::string& sur,
                                  const std::vector<std::string>& from_iso3) {
    Recommendation rec;
    rec.sur = sur;
    for (size_t i = 0; i < r.upr_recommending_countries.size(); ++i)
      rec.from.push_back({from_iso3[i], r.upr_recommending_countries[i]});
    rec.text = r.text;
    rec.session = r.upr_session;
    rec.cycle = CycleOfSession(r.upr_session);
    std::string raw;
    for (const std::string& p : r.upr_positions) {
      if (!raw.empty()) raw += "; ";
      raw += p;
    }
    rec.response_raw = raw;
    rec.response = MapRawResponse(raw);
    for (const std::string& entry : r.sdgs) {
      std::string target = SdgTargetOf(entry);
      if (!target.empty() && std::find(rec.sdgs.begin(), rec.sdgs.end(), target) == rec.sdgs.end())
        rec.sdgs.push_back(std::move(target));
    }
    return rec;
  }

  // Keeps a recommendation added for a UPR record in step with a newer export of it.
  Status UpdateAdded(int64_t recommendation_id, const Recommendation& rec,
                     const std::string& dup_key) {
    if (!update_rec) {
      auto st = ctx.store->db().Prepare(
          "UPDATE recommendation SET text = ?, response = ?, response_raw = ?, dup_key = ? "
          "WHERE id = ?");
      if (!st.ok()) return st.status();
      update_rec = std::make_unique<store::Statement>(std::move(st).value());
    } else {
      update_rec->Reset();
    }
    update_rec->Bind(1, rec.text)
        .Bind(2, ResponseCode(rec.response))
        .Bind(3, rec.response_raw)
        .Bind(4, dup_key)
        .Bind(5, recommendation_id);
    return update_rec->Run();
  }
};

UhriImport::UhriImport(UhriImportContext context)
    : impl_(std::make_unique<Impl>(std::move(context))) {}
UhriImport::~UhriImport() = default;

Result<std::unique_ptr<UhriImport>> UhriImport::Begin(UhriImportContext context) {
  std::unique_ptr<UhriImport> im(new UhriImport(std::move(context)));
  auto w = store::UhriWriter::Begin(*im->impl_->ctx.store, im->impl_->ctx.import_id);
  if (!w.ok()) return w.status();
  im->impl_->writer = std::move(w).value();
  return im;
}

Status UhriImport::StoreFile(const std::string& path, UhriFileType type, int64_t source_file_id,
                             FileReport& fr, UhriFileTimes* times) {
  Impl& im = *impl_;
  fr.format = "uhri";
  BatchQueue queue;
  std::atomic<uint64_t> read_bytes{0};
  int64_t entities = 0;
  // Each thread's time without its waits for the other (a full queue, an empty one).
  double parse_seconds = 0;
  Seconds store_time;
  std::jthread reader([&] {
    Seconds parse_time;
    UhriSink sink = [&](std::vector<UhriRecord>&& batch) {
      parse_time.Pause();
      const bool taken = queue.Push(std::move(batch));
      parse_time.Resume();
      return taken;
    };
    auto progress = [&](uint64_t done, uint64_t) { read_bytes = done; };
    Status st;
    if (type == UhriFileType::kXlsx) {
      UhriXlsxStats stats;
      st = ReadUhriXlsxFile(path, sink, &stats, progress);
      entities = stats.entities_decoded;
    } else {
      UhriJsonStats stats;
      st = ReadUhriJsonFile(path, sink, &stats, progress);
      entities = stats.entities_decoded;
    }
    parse_seconds = parse_time.Total();
    queue.Close(std::move(st));
  });
  struct StopReader {
    BatchQueue& q;
    ~StopReader() { q.Stop(); }
  } stop_reader{queue};

  // Rows given to the recommendation writer stay alive until it is flushed (after each batch).
  std::vector<Recommendation> added;
  std::vector<std::string> added_keys;
  std::vector<UhriRecord> batch;
  Status failure;
  for (;;) {
    store_time.Pause();
    const bool popped = failure.ok() && queue.Pop(batch);
    store_time.Resume();
    if (!popped) break;
    added.clear();
    added_keys.clear();
    added.reserve(batch.size());
    added_keys.reserve(batch.size());
    for (const UhriRecord& r : batch) {
      ++fr.rows;
      const Mechanism mech = MechanismOfBody(r.body);
      std::vector<size_t> unknown;
      std::vector<std::string> countries = Impl::Lookup(r.countries, &unknown);
      std::vector<size_t> unknown_from;
      std::vector<std::string> from = Impl::Lookup(r.upr_recommending_countries, &unknown_from);
      const bool upr = mech == Mechanism::kUpr;
      if (upr && (countries.empty() || countries[0].empty())) {
        if (im.ctx.skip_unknown_states) {
          ++fr.skipped;
          continue;
        }
        fr.errors.push_back(Issue(ImportIssue::Severity::kError, path, r, "Countries",
                                  countries.empty() ? "a UPR record names no state under review"
                                                    : "unknown state \"" + r.countries[0] + "\""));
        continue;
      }
      for (size_t i : unknown)
        if (!upr || i > 0)
          fr.warnings.push_back(Issue(ImportIssue::Severity::kWarning, path, r,
                                      "Countries[" + std::to_string(i) + "]",
                                      "unknown state \"" + r.countries[i] + "\", kept by name"));
      for (size_t i : unknown_from)
        fr.warnings.push_back(
            Issue(ImportIssue::Severity::kWarning, path, r,
                  "UprRecommendingCountry[" + std::to_string(i) + "]",
                  "unknown state \"" + r.upr_recommending_countries[i] + "\", kept by name"));
      if (!fr.errors.empty()) continue;  // nothing is kept: only look for more errors
      const store::UhriStoredRow* before = im.writer->Find(r.annotation_id);
      const int64_t linked = before ? before->recommendation_id : 0;
      const store::UhriMatch linked_how = before ? before->match : store::UhriMatch::kNone;
      auto put = im.writer->Put(r, countries, from, source_file_id);
      if (!put.ok()) {
        failure = put.status();
        break;
      }
      const auto [uhri_id, what] = *put;
      if (what == store::Upsert::kAdded) ++fr.added;
      if (what == store::Upsert::kUpdated) ++fr.updated;
      if (what == store::Upsert::kUnchanged) ++fr.already_present;
      if (!upr) continue;
      if (r.upr_session < kFirstSession || r.upr_session > kLastKnownSession) {
        fr.warnings.push_back(
            Issue(ImportIssue::Severity::kWarning, path, r, "UprSession",
                  r.upr_session == 0 ? "a UPR record without a session: kept, not linked to "
                                       "a recommendation"
                                     : "session " + std::to_string(r.upr_session) +
                                           " is not one of 1-" + std::to_string(kLastKnownSession) +
                                           ": kept, not linked to a recommendation"));
        continue;
      }
      if (linked > 0) {
        im.matcher.Take(linked);
        if (what == store::Upsert::kUpdated && linked_how == store::UhriMatch::kAdded) {
          Recommendation rec = im.RecommendationOf(r, countries[0], from);
          failure = im.UpdateAdded(linked, rec, RecommendationKey(rec));
          if (!failure.ok()) break;
        }
        continue;
      }
      auto match = im.matcher.Find(countries[0], r.upr_session, r.text, from);
      if (!match.ok()) {
        failure = match.status();
        break;
      }
      if (*match) {
        failure = im.writer->Link(uhri_id, (*match)->recommendation_id, (*match)->how);
        (*match)->how == store::UhriMatch::kSameText ? ++fr.uhri_same_text : ++fr.uhri_same_words;
      } else {
        added.push_back(im.RecommendationOf(r, countries[0], from));
        Recommendation& rec = added.back();
        added_keys.push_back(RecommendationKey(rec));
        const std::string& key = added_keys.back();
        rec.uid = RecommendationUid(rec.sur, rec.session, key, im.ctx.occurrence(key));
        rec.provenance.line = 0;
        auto id = im.ctx.writer->Add(rec, key, source_file_id);
        if (!id.ok()) {
          failure = id.status();
          break;
        }
        failure = im.writer->Link(uhri_id, *id, store::UhriMatch::kAdded);
        ++fr.uhri_added_recommendations;
      }
      if (!failure.ok()) break;
    }
    if (failure.ok()) failure = im.writer->Flush();  // (before batch is reused)
    if (failure.ok()) failure = im.ctx.writer->Flush();
    if (im.ctx.progress) im.ctx.progress(read_bytes);
  }
  if (!failure.ok()) return failure;
  queue.Stop();
  reader.join();
  if (times) {
    times->parse_seconds = parse_seconds;
    times->store_seconds = store_time.Total();
  }
  fr.entities_decoded += entities;
  Status read = queue.status();
  if (read.code() == StatusCode::kIo) return read;
  if (!read.ok()) {
    ImportIssue i;
    i.file = path;
    i.message = read.message();
    fr.errors.push_back(std::move(i));
  }
  return Status::Ok();
}

Result<std::vector<std::string>> UhriImport::Finish() { return impl_->writer->MarkMissing(); }

}  // namespace openupr::ingest

// The snapshot file (snapshot.h): a straight dump of every member of Data, each array as its
// length and its bytes, so that reading is a few large read() calls into the final vectors (no
// second copy of the file in memory) and roaring's portable deserialisation for the bitmaps.
#include "engine/snapshot.h"

#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <type_traits>

#include "core/about.h"
#include "core/hash.h"
#include "engine/data.h"
#include "store/sqlite.h"

namespace openupr::engine {
namespace internal {

struct SnapshotAccess {
  static const Data& Of(const Index& index) { return *index.data_; }
  static std::unique_ptr<Index> Make(std::unique_ptr<Data> data) {
    return std::unique_ptr<Index>(new Index(std::move(data)));
  }
};

}  // namespace internal

namespace {

using internal::Data;

constexpr char kMagic[8] = {'O', 'U', 'P', 'R', 'S', 'N', 'A', 'P'};
constexpr size_t kHeaderSize = 32;
constexpr uint64_t kMaxKeyBytes = 4096;  // build id, fingerprint

#if defined(__GLIBCXX__) && defined(__x86_64__)
// A tripwire for a member added to Data without its line in ForEachField (data.h): update the
// number once the line is there.
static_assert(sizeof(Data) == 1472,
              "engine::internal::Data changed: list the new member in ForEachField (data.h), "
              "then update this size");
#endif

void PutU64(char* at, uint64_t v) {
  for (int i = 0; i < 8; ++i) at[i] = static_cast<char>(v >> (8 * i));
}
uint64_t GetU64(const char* at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(at[i])} << (8 * i);
  return v;
}
uint32_t GetU32(const char* at) { return static_cast<uint32_t>(GetU64(at) & 0xFFFFFFFFu); }

template <typename T>
constexpr bool kPlain = std::is_arithmetic_v<T>;

// --- Writing. ---

// Appends to a file descriptor through a buffer, hashing what it writes.
class Sink {
 public:
  explicit Sink(int fd) : fd_(fd) { XXH3_64bits_reset(&hash_); }
  void Bytes(const void* p, size_t n) {
    if (n == 0 || !ok_) return;
    XXH3_64bits_update(&hash_, p, n);
    size_ += n;
    if (buffer_.size() + n > kBuffer) Flush();
    if (n >= kBuffer) {
      WriteAll(p, n);
      return;
    }
    buffer_.append(static_cast<const char*>(p), n);
  }
  void U64(uint64_t v) {
    char b[8];
    PutU64(b, v);
    Bytes(b, 8);
  }
  void Flush() {
    if (!buffer_.empty()) WriteAll(buffer_.data(), buffer_.size());
    buffer_.clear();
  }
  bool ok() const { return ok_; }
  int error() const { return errno_; }
  uint64_t size() const { return size_; }
  uint64_t digest() { return XXH3_64bits_digest(&hash_); }

 private:
  static constexpr size_t kBuffer = 1 << 20;
  void WriteAll(const void* p, size_t n) {
    const char* c = static_cast<const char*>(p);
    while (ok_ && n > 0) {
      const ssize_t w = ::write(fd_, c, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        ok_ = false;
        errno_ = w < 0 ? errno : ENOSPC;
        return;
      }
      c += w;
      n -= static_cast<size_t>(w);
    }
  }
  int fd_;
  bool ok_ = true;
  int errno_ = 0;
  uint64_t size_ = 0;
  std::string buffer_;
  XXH3_state_t hash_;
};

void Put(Sink& s, bool v) {
  const uint8_t b = v ? 1 : 0;
  s.Bytes(&b, 1);
}
void Put(Sink& s, uint64_t v) { s.U64(v); }
void Put(Sink& s, const std::string& v) {
  s.U64(v.size());
  s.Bytes(v.data(), v.size());
}
template <typename T>
requires kPlain<T>
void Put(Sink& s, const std::vector<T>& v) {
  s.U64(v.size());
  s.Bytes(v.data(), v.size() * sizeof(T));
}
void Put(Sink& s, const std::vector<std::pair<uint8_t, uint8_t>>& v) {
  std::vector<uint8_t> flat;
  for (const auto& [a, b] : v) flat.insert(flat.end(), {a, b});
  s.U64(v.size());
  s.Bytes(flat.data(), flat.size());
}
// Lists of byte strings: the count, each length (u32), then all the bytes.
template <typename List>
void PutBlobs(Sink& s, const List& v) {
  s.U64(v.size());
  std::vector<uint32_t> sizes;
  sizes.reserve(v.size());
  for (const auto& e : v) sizes.push_back(static_cast<uint32_t>(e.size()));
  s.Bytes(sizes.data(), sizes.size() * sizeof(uint32_t));
  for (const auto& e : v) s.Bytes(e.data(), e.size());
}
void Put(Sink& s, const std::vector<std::string>& v) { PutBlobs(s, v); }
void Put(Sink& s, const std::vector<std::vector<uint8_t>>& v) { PutBlobs(s, v); }
void Put(Sink& s, const std::vector<Roaring>& v) {
  std::vector<std::string> bytes(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    bytes[i].resize(v[i].getSizeInBytes(/*portable=*/true));
    v[i].write(bytes[i].data(), /*portable=*/true);
  }
  PutBlobs(s, bytes);
}
void Put(Sink& s, const Roaring& r) {
  std::string bytes(r.getSizeInBytes(true), '\0');
  r.write(bytes.data(), true);
  Put(s, bytes);
}

// --- Reading. ---

// Where the body's bytes come from.
class Source {
 public:
  virtual ~Source() = default;
  // Exactly n bytes into dst; false if they are not there (or on a read error).
  virtual bool Read(void* dst, size_t n) = 0;
};

class MemorySource final : public Source {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  bool Read(void* dst, size_t n) override {
    if (n > bytes_.size() - at_) return false;
    if (n) std::memcpy(dst, bytes_.data() + at_, n);
    at_ += n;
    return true;
  }

 private:
  std::string_view bytes_;
  size_t at_ = 0;
};

// Reads through a buffer of its own: the many small members (each term's frequencies and
// positions, each bitmap) cost a copy from it rather than a system call each, and the large ones
// go straight from the file into their vectors.
class FileSource final : public Source {
 public:
  explicit FileSource(int fd) : fd_(fd), buffer_(kBuffer) {}
  bool Read(void* dst, size_t n) override {
    char* c = static_cast<char*>(dst);
    const size_t from_buffer = std::min(n, end_ - at_);
    if (from_buffer) std::memcpy(c, buffer_.data() + at_, from_buffer);
    at_ += from_buffer;
    c += from_buffer;
    n -= from_buffer;
    if (n == 0) return true;
    if (n >= kBuffer) return ReadFully(c, n);
    const ssize_t got = Fill();
    if (got < static_cast<ssize_t>(n)) return false;
    std::memcpy(c, buffer_.data(), n);
    at_ = n;
    return true;
  }

 private:
  static constexpr size_t kBuffer = 1 << 20;
  bool ReadFully(char* c, size_t n) {
    while (n > 0) {
      const ssize_t r = ::read(fd_, c, n);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      c += r;
      n -= static_cast<size_t>(r);
    }
    return true;
  }
  // Refills the buffer from the file (up to its size); returns the bytes in it.
  ssize_t Fill() {
    at_ = end_ = 0;
    while (end_ < kBuffer) {
      const ssize_t r = ::read(fd_, buffer_.data() + end_, kBuffer - end_);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      end_ += static_cast<size_t>(r);
    }
    return static_cast<ssize_t>(end_);
  }
  int fd_;
  std::vector<char> buffer_;
  size_t at_ = 0, end_ = 0;
};

// Reads the body: every read is bounded by what is left of it, hashed, and a failure records
// the first error (offset and member) and makes every later read fail.
class Reader {
 public:
  Reader(Source& source, uint64_t body_size) : source_(source), left_(body_size) {
    XXH3_64bits_reset(&hash_);
  }
  void Member(const char* name) { member_ = name; }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  uint64_t left() const { return left_; }
  uint64_t digest() { return XXH3_64bits_digest(&hash_); }
  bool Fail(const std::string& what) {
    if (error_.empty())
      error_ = "byte " + std::to_string(kHeaderSize + offset_) + " (" + member_ + "): " + what;
    return false;
  }

  bool Bytes(void* dst, uint64_t n) {
    if (!ok()) return false;
    if (n > left_)
      return Fail("expected " + std::to_string(n) + " bytes, the file has " +
                  std::to_string(left_) + " left (truncated?)");
    if (!source_.Read(dst, n)) return Fail("read failed or file shorter than its header says");
    XXH3_64bits_update(&hash_, dst, n);
    left_ -= n;
    offset_ += n;
    return true;
  }
  bool U64(uint64_t& v) {
    char b[8];
    if (!Bytes(b, 8)) return false;
    v = GetU64(b);
    return true;
  }
  // A count of items of at least item_bytes each, checked against what is left.
  bool Count(uint64_t& n, uint64_t item_bytes) {
    if (!U64(n)) return false;
    if (item_bytes && n > left_ / item_bytes)
      return Fail("a count of " + std::to_string(n) + " items of " + std::to_string(item_bytes) +
                  " bytes, more than the " + std::to_string(left_) + " bytes left");
    return true;
  }

 private:
  Source& source_;
  uint64_t left_;
  uint64_t offset_ = 0;
  const char* member_ = "header";
  std::string error_;
  XXH3_state_t hash_;
};

bool Get(Reader& r, bool& v) {
  uint8_t b = 0;
  if (!r.Bytes(&b, 1)) return false;
  if (b > 1) return r.Fail("expected 0 or 1, got " + std::to_string(b));
  v = b == 1;
  return true;
}
bool Get(Reader& r, uint64_t& v) { return r.U64(v); }
bool Get(Reader& r, std::string& v) {
  uint64_t n;
  if (!r.Count(n, 1)) return false;
  v.resize(n);
  return r.Bytes(v.data(), n);
}
template <typename T>
requires kPlain<T>
bool Get(Reader& r, std::vector<T>& v) {
  uint64_t n;
  if (!r.Count(n, sizeof(T))) return false;
  v.resize(n);
  return r.Bytes(v.data(), n * sizeof(T));
}
bool Get(Reader& r, std::vector<std::pair<uint8_t, uint8_t>>& v) {
  uint64_t n;
  if (!r.Count(n, 2)) return false;
  std::vector<uint8_t> flat(2 * n);
  if (!r.Bytes(flat.data(), flat.size())) return false;
  v.resize(n);
  for (uint64_t i = 0; i < n; ++i) v[i] = {flat[2 * i], flat[2 * i + 1]};
  return true;
}
// The count and the lengths of a list of byte strings (PutBlobs); their bytes follow, read one
// by one into their places.
bool GetSizes(Reader& r, std::vector<uint32_t>& sizes) {
  uint64_t n;
  if (!r.Count(n, sizeof(uint32_t))) return false;
  sizes.resize(n);
  if (!r.Bytes(sizes.data(), n * sizeof(uint32_t))) return false;
  uint64_t total = 0;
  for (uint32_t s : sizes) total += s;
  return total <= r.left() || r.Fail("lengths adding up to " + std::to_string(total) +
                                     " bytes, more than the " + std::to_string(r.left()) + " left");
}
// A list of byte strings as PutBlobs wrote it, each read straight into its place.
template <typename List>
bool GetBlobs(Reader& r, List& v) {
  std::vector<uint32_t> sizes;
  if (!GetSizes(r, sizes)) return false;
  v.resize(sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) {
    v[i].resize(sizes[i]);
    if (!r.Bytes(v[i].data(), sizes[i])) return false;
  }
  return true;
}
bool Get(Reader& r, std::vector<std::string>& v) { return GetBlobs(r, v); }
bool Get(Reader& r, std::vector<std::vector<uint8_t>>& v) { return GetBlobs(r, v); }
bool ToBitmap(Reader& r, const char* p, size_t n, Roaring& out, size_t i) {
  try {
    out = Roaring::readSafe(p, n);
  } catch (const std::exception& e) {
    return r.Fail("bitmap " + std::to_string(i) + ": " + e.what());
  }
  if (out.getSizeInBytes(true) != n)
    return r.Fail("bitmap " + std::to_string(i) + ": " + std::to_string(n) +
                  " bytes stored, its content takes " + std::to_string(out.getSizeInBytes(true)));
  return true;
}
bool Get(Reader& r, std::vector<Roaring>& v) {
  std::vector<uint32_t> sizes;
  if (!GetSizes(r, sizes)) return false;
  v.resize(sizes.size());
  std::string scratch;  // one bitmap's bytes at a time
  for (size_t i = 0; i < sizes.size(); ++i) {
    scratch.resize(sizes[i]);
    if (!r.Bytes(scratch.data(), sizes[i]) || !ToBitmap(r, scratch.data(), sizes[i], v[i], i))
      return false;
  }
  return true;
}
bool Get(Reader& r, Roaring& v) {
  std::string bytes;
  if (!Get(r, bytes)) return false;
  return ToBitmap(r, bytes.data(), bytes.size(), v, 0);
}

// --- Checking what was read: everything a query indexes with is within its bounds. ---

class Check {
 public:
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool Fail(const std::string& member, const std::string& what) {
    if (error_.empty()) error_ = "member '" + member + "': " + what;
    return false;
  }
  bool Size(const char* member, size_t got, size_t want) {
    return got == want || Fail(member, "expected " + std::to_string(want) + " entries, got " +
                                           std::to_string(got));
  }
  // offsets: n+1 ascending offsets from 0 to end.
  template <typename T>
  bool Offsets(const char* member, const std::vector<T>& offsets, size_t n, size_t end) {
    if (!Size(member, offsets.size(), n + 1)) return false;
    if (offsets[0] != 0) return Fail(member, "does not start at 0");
    for (size_t i = 1; i < offsets.size(); ++i)
      if (offsets[i] < offsets[i - 1])
        return Fail(member, "offset " + std::to_string(i) + " goes backwards");
    return offsets.back() == end || Fail(member, "ends at " + std::to_string(offsets.back()) +
                                                     ", expected " + std::to_string(end));
  }
  template <typename T>
  bool Below(const char* member, const std::vector<T>& values, size_t limit, T except) {
    for (size_t i = 0; i < values.size(); ++i)
      if (values[i] != except && values[i] >= limit)
        return Fail(member, "entry " + std::to_string(i) + " is " + std::to_string(values[i]) +
                                ", expected below " + std::to_string(limit));
    return true;
  }
  template <typename T>
  bool Below(const char* member, const std::vector<T>& values, size_t limit) {
    for (size_t i = 0; i < values.size(); ++i)
      if (values[i] >= limit)
        return Fail(member, "entry " + std::to_string(i) + " is " + std::to_string(values[i]) +
                                ", expected below " + std::to_string(limit));
    return true;
  }
  bool Bitmaps(const char* member, const std::vector<Roaring>& v, size_t count, uint32_t n) {
    if (count != SIZE_MAX && !Size(member, v.size(), count)) return false;
    // Every value is walked: a damaged container that still deserialises (its checksum forged)
    // may hold values out of order, repeated or past n while maximum() looks right, and the
    // engine indexes arrays by the rank of a record in a bitmap. (CRoaring 0.2 has no validator
    // of its own.)
    for (size_t i = 0; i < v.size(); ++i) {
      uint64_t count = 0;
      int64_t last = -1;
      bool bad = false;
      for (uint32_t x : v[i]) {
        if (static_cast<int64_t>(x) <= last || x >= n) {
          bad = true;
          break;
        }
        last = x;
        ++count;
      }
      if (bad || count != v[i].cardinality())
        return Fail(member, "bitmap " + std::to_string(i) +
                                " is damaged (records out of order, repeated or past " +
                                std::to_string(n) + ")");
    }
    return true;
  }

 private:
  std::string error_;
};

Status Validate(const Data& d) {
  Check c;
  const uint32_t n = d.size();
  const size_t states = d.states.size(), themes = d.theme_names.size();
  const size_t terms = d.term_begin.empty() ? 0 : d.term_count();
  for (uint32_t i = 1; i < n; ++i)
    if (d.ids[i] <= d.ids[i - 1]) c.Fail("ids", "not ascending at " + std::to_string(i));
  c.Size("sur", d.sur.size(), n) && c.Size("session", d.session.size(), n) &&
      c.Size("cycle", d.cycle.size(), n) && c.Size("response", d.response.size(), n) &&
      c.Size("action", d.action.size(), n) && c.Size("from_regions", d.from_regions.size(), n) &&
      c.Size("combo", d.combo.size(), n) && c.Size("theme_set", d.theme_set.size(), n) &&
      c.Size("doc_len", d.doc_len.size(), n);
  c.Below("sur", d.sur, states) && c.Below("response", d.response, 3) &&
      c.Below("action", d.action, 6);
  c.Size("state_region", d.state_region.size(), states) &&
      c.Below("state_region", d.state_region, static_cast<size_t>(internal::kRegionSlots));
  c.Offsets("from_begin", d.from_begin, n, d.from.size()) &&
      c.Below("from", d.from, states, internal::kUnknownState);
  c.Offsets("shown_from_begin", d.shown_from_begin, n, d.shown_from.size()) &&
      c.Size("shown_from_raw", d.shown_from_raw.size(), d.shown_from.size()) &&
      c.Below("shown_from", d.shown_from, states, internal::kUnknownState) &&
      c.Below("shown_from_raw", d.shown_from_raw, d.raw_names.size());
  if (d.themes.size() < internal::kThemePadding) {
    c.Fail("themes", "shorter than its padding");
  } else {
    c.Offsets("theme_begin", d.theme_begin, n, d.themes.size() - internal::kThemePadding);
    for (size_t i = 0; i + internal::kThemePadding < d.themes.size(); ++i)
      if (d.themes[i] >= themes) c.Fail("themes", "unknown theme code at " + std::to_string(i));
  }
  c.Offsets("text_begin", d.text_begin, n, d.text.size());
  c.Offsets("uid_begin", d.uid_begin, n, d.uids.size());
  c.Offsets("token_begin", d.token_begin, n, d.tokens.size());
  if (d.combo_ok)
    c.Below("combo", d.combo, d.periods.size() * internal::kComboPeriod) &&
        (d.periods.size() <= internal::kMaxPeriods || c.Fail("periods", "too many"));
  c.Offsets("set_begin", d.set_begin, d.set_begin.empty() ? 0 : d.set_begin.size() - 1,
            d.set_themes.size()) &&
      c.Below("set_themes", d.set_themes, themes);
  if (c.ok() && d.sets_ok) c.Below("theme_set", d.theme_set, d.set_begin.size() - 1);
  c.Offsets("term_begin", d.term_begin, d.term_begin.empty() ? 0 : d.term_begin.size() - 1,
            d.term_chars.size());
  if (c.ok() && c.Size("term_order", d.term_order.size(), terms) &&
      c.Below("term_order", d.term_order, terms)) {
    std::vector<bool> seen(terms);
    for (uint32_t t : d.term_order) {
      if (seen[t]) c.Fail("term_order", "term " + std::to_string(t) + " twice");
      seen[t] = true;
    }
    for (size_t i = 1; c.ok() && i < terms; ++i)
      if (!(d.Term(d.term_order[i - 1]) < d.Term(d.term_order[i])))
        c.Fail("term_order", "not in byte order at " + std::to_string(i));
  }
  if (c.ok() && c.Size("term_freq", d.term_freq.size(), terms) &&
      c.Size("term_pos", d.term_pos.size(), terms) && c.Bitmaps("postings", d.postings, terms, n)) {
    for (size_t t = 0; t < terms && c.ok(); ++t) {
      if (d.postings[t].cardinality() != d.term_freq[t].size())
        c.Fail("term_freq", "term " + std::to_string(t) + ": not one count per posting");
      uint64_t positions = 0;
      for (uint8_t f : d.term_freq[t]) positions += f;
      if (positions != d.term_pos[t].size())
        c.Fail("term_pos", "term " + std::to_string(t) + ": not one position per occurrence");
    }
  }
  // Token sequences: whole varints of known terms within each record.
  for (uint32_t i = 0; c.ok() && i < n; ++i) {
    uint32_t at = d.token_begin[i];
    const uint32_t end = d.token_begin[i + 1];
    while (at < end) {
      uint32_t v = 0;
      int shift = 0;
      uint8_t b;
      do {
        if (at >= end || shift > 28) {
          c.Fail("tokens", "record " + std::to_string(i) + ": a cut term id");
          break;
        }
        b = d.tokens[at++];
        v |= uint32_t{b & 0x7Fu} << shift;
        shift += 7;
      } while (b & 0x80);
      if (!c.ok()) break;
      if (v >= terms) c.Fail("tokens", "record " + std::to_string(i) + ": unknown term id");
    }
  }
  if (c.ok()) {
    c.Bitmaps("by_sur", d.by_sur, states, n) && c.Bitmaps("by_from", d.by_from, states, n) &&
        c.Bitmaps("by_session", d.by_session, SIZE_MAX, n) &&
        c.Bitmaps("by_cycle", d.by_cycle, SIZE_MAX, n) &&
        c.Bitmaps("by_response", d.by_response, 3, n) &&
        c.Bitmaps("by_action", d.by_action, 6, n) && c.Bitmaps("by_theme", d.by_theme, themes, n) &&
        c.Bitmaps("by_sur_org", d.by_sur_org, d.orgs.size(), n) &&
        c.Bitmaps("by_from_org", d.by_from_org, d.orgs.size(), n) &&
        c.Bitmaps("by_sdg", d.by_sdg, 18, n) &&
        c.Bitmaps("by_sur_region", d.by_sur_region, internal::kRegionSlots, n) &&
        c.Bitmaps("by_from_region", d.by_from_region, internal::kRegionSlots, n) &&
        c.Bitmaps("from_unknown", {d.from_unknown}, 1, n) &&
        c.Bitmaps("action_predicted", {d.action_predicted}, 1, n) &&
        c.Bitmaps("themes_predicted", {d.themes_predicted}, 1, n);
    (d.by_session.size() <= 256 || c.Fail("by_session", "more than 256")) &&
        (d.by_cycle.size() <= 256 || c.Fail("by_cycle", "more than 256"));
    c.Size("sur_rank", d.sur_rank.size(), states) && c.Below("sur_rank", d.sur_rank, states) &&
        c.Size("from_rank", d.from_rank.size(), states + 1) &&
        c.Below("from_rank", d.from_rank, states + 1) &&
        c.Size("theme_rank", d.theme_rank.size(), themes) &&
        c.Below("theme_rank", d.theme_rank, themes) &&
        c.Size("theme_nocase_rank", d.theme_nocase_rank.size(), themes) &&
        c.Below("theme_nocase_rank", d.theme_nocase_rank, themes);
  }
  if (!c.ok()) return Status::BadInput(c.error());
  return Status::Ok();
}

// The body after the fixed header: key, members, vocabulary.
Result<Snapshot> ParseBody(Source& source, uint64_t body_size, uint64_t checksum,
                           std::string_view fingerprint, bool check_key) {
  Reader r(source, body_size);
  std::string build, print;
  r.Member("build id");
  uint64_t len = 0;
  if (r.Count(len, 1) && (len <= kMaxKeyBytes || r.Fail("longer than a build id"))) {
    build.resize(len);
    r.Bytes(build.data(), len);
  }
  r.Member("fingerprint");
  if (r.Count(len, 1) && (len <= kMaxKeyBytes || r.Fail("longer than a fingerprint"))) {
    print.resize(len);
    r.Bytes(print.data(), len);
  }
  if (!r.ok()) return Status::BadInput(r.error());
  if (check_key && build != ProgramBuildId())
    return Status::Conflict("written by another build of openupr (" + build + ", this one is " +
                            ProgramBuildId() + ")");
  if (check_key && print != fingerprint)
    return Status::Conflict("the database has changed since the snapshot was written");

  auto data = std::make_unique<Data>();
  internal::ForEachField(*data, [&](const char* name, auto& member) {
    r.Member(name);
    if (r.ok()) Get(r, member);
  });
  r.Member("vocabulary");
  bool has_vocabulary = false;
  std::vector<std::string> words;
  std::vector<int64_t> counts;
  if (Get(r, has_vocabulary) && has_vocabulary && Get(r, words) && Get(r, counts) &&
      words.size() != counts.size())
    r.Fail("not one count per word");
  if (r.ok() && has_vocabulary) {
    // Occurrences of each word: at least 1, and all together no more than 2^40, so that the
    // sums the search box makes of them cannot overflow (a forged count did, found by the fuzz
    // target).
    constexpr int64_t kMaxOccurrences = int64_t{1} << 40;
    int64_t sum = 0;
    for (int64_t c : counts) {
      if (c < 1 || c > kMaxOccurrences || (sum += c) > kMaxOccurrences) {
        r.Fail("vocabulary: a word's count out of range (1 to 2^40 in all)");
        break;
      }
    }
  }
  if (r.ok() && r.left() != 0) r.Fail(std::to_string(r.left()) + " bytes after the end");
  if (!r.ok()) return Status::BadInput(r.error());
  if (r.digest() != checksum) return Status::BadInput("checksum mismatch (the file is damaged)");
  OPENUPR_RETURN_IF_ERROR(Validate(*data));

  Snapshot out;
  out.index = internal::SnapshotAccess::Make(std::move(data));
  if (has_vocabulary) {
    std::vector<std::pair<std::string, int64_t>> pairs(words.size());
    for (size_t i = 0; i < words.size(); ++i) pairs[i] = {std::move(words[i]), counts[i]};
    out.vocabulary = search::Vocabulary::FromCounts(std::move(pairs));
  }
  return out;
}

// The fixed header: checks magic and format, gives the body's size and checksum.
Status ParseHeader(const char* h, uint64_t file_size, uint64_t& body_size, uint64_t& checksum) {
  if (file_size < kHeaderSize)
    return Status::BadInput("truncated: " + std::to_string(file_size) + " bytes, shorter than " +
                            "the " + std::to_string(kHeaderSize) + "-byte header");
  if (std::memcmp(h, kMagic, sizeof kMagic) != 0)
    return Status::BadInput("byte 0: not an openupr engine snapshot (expected \"OUPRSNAP\")");
  const uint32_t format = GetU32(h + 8);
  if (format != kSnapshotFormat)
    return Status::Conflict("byte 8: snapshot format " + std::to_string(format) +
                            ", this build reads format " + std::to_string(kSnapshotFormat));
  body_size = GetU64(h + 16);
  checksum = GetU64(h + 24);
  if (body_size != file_size - kHeaderSize)
    return Status::BadInput("byte 16: the header gives a body of " + std::to_string(body_size) +
                            " bytes, the file has " + std::to_string(file_size - kHeaderSize) +
                            " (truncated?)");
  return Status::Ok();
}

// status with the file's path before its message.
Status Prefixed(const Status& st, const std::string& path) {
  const std::string m = path + ": " + st.message();
  switch (st.code()) {
    case StatusCode::kNotFound:
      return Status::NotFound(m);
    case StatusCode::kConflict:
      return Status::Conflict(m);
    case StatusCode::kIo:
      return Status::Io(m);
    case StatusCode::kInternal:
      return Status::Internal(m);
    default:
      return Status::BadInput(m);
  }
}

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += kHex[p[i] >> 4];
    s += kHex[p[i] & 15];
  }
  return s;
}

// The GNU build-id note of the main program, hex; empty without one.
int FindBuildId(struct dl_phdr_info* info, size_t, void* out) {
  auto& id = *static_cast<std::string*>(out);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
    const char* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
      const char* name = p + sizeof(ElfW(Nhdr));
      const char* desc = name + ((note->n_namesz + 3) & ~3u);
      if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
          std::memcmp(name, "GNU", 4) == 0 && desc + note->n_descsz <= end) {
        id = Hex(reinterpret_cast<const unsigned char*>(desc), note->n_descsz);
        return 1;
      }
      p = desc + ((note->n_descsz + 3) & ~3u);
    }
  }
  return 1;  // the first object is the program: stop there
}

}  // namespace

std::string SnapshotPath(const std::string& db_path) { return db_path + ".engine"; }

const std::string& ProgramBuildId() {
  static const std::string id = [] {
    std::string build;
    dl_iterate_phdr(FindBuildId, &build);
    if (build.empty()) {
      std::ifstream exe("/proc/self/exe", std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(exe)), std::istreambuf_iterator<char>());
      build = "xxh3-" + Xxh3Hex128(bytes);
    }
    return build + " " + std::string(Version());
  }();
  return id;
}

Result<std::string> DatabaseFingerprint(store::Store& store) {
  // What Load reads (store/scan.cpp), summarised. A table the engine starts reading is one
  // more line here.
  static constexpr const char* kQueries[] = {
      "PRAGMA schema_version",
      // fts_indexed_through follows the SQL backend's full-text index, not the records.
      // meta holds the predicted labels' stamp (store::kPredictedLabelsKey), which every
      // `classify apply` and `classify train` changes: records then count under other labels.
      "SELECT key, value FROM meta WHERE key <> 'fts_indexed_through' ORDER BY key",
      "SELECT count(*), coalesce(max(id), 0) FROM recommendation",
      // A record's states, themes and goals are written with it (imports append): their
      // highest record ids suffice, and cost no scan (count(*) of 1.8M theme links did).
      "SELECT max(recommendation_id) FROM recommending_state",
      "SELECT max(recommendation_id) FROM recommendation_theme",
      "SELECT max(recommendation_id) FROM recommendation_sdg",
      "SELECT id, name FROM theme ORDER BY id",
      "SELECT iso3, region FROM state ORDER BY iso3",
      "SELECT id, started_at, tool, options FROM import ORDER BY id",
      "SELECT id, import_id, content_hash, added FROM source_file ORDER BY id",
  };
  std::string all;
  for (const char* sql : kQueries) {
    all += sql;
    all += '\x1e';
    Status st = store.db().ForEachRow(sql, [&](store::Statement& row) {
      for (int i = 0; i < row.ColumnCount(); ++i) {
        all += row.Text(i);
        all += '\x1f';
      }
      all += '\x1e';
    });
    if (!st.ok()) return st;
  }
  return Xxh3Hex128(all);
}

// Removes the temporary files of writers that died mid-write (killed, a power cut): their
// names hold the pid, which no process has any more.
void RemoveDeadTemporaries(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path p(path);
  const std::string prefix = p.filename().string() + ".tmp-";
  std::error_code ec;
  for (const auto& entry :
       fs::directory_iterator(p.parent_path().empty() ? fs::path(".") : p.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
      fs::remove(entry.path(), ec);
  }
}

Status WriteSnapshot(const Index& index, const search::Vocabulary* vocabulary,
                     std::string_view fingerprint, const std::string& path) {
  const Data& data = internal::SnapshotAccess::Of(index);
  RemoveDeadTemporaries(path);
  std::random_device rd;
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::Io(tmp + ": cannot create the engine snapshot: " + std::strerror(errno));
  auto fail = [&](int err, const char* what) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::Io(tmp + ": " + what + ": " + std::strerror(err));
  };
  char header[kHeaderSize] = {};
  if (::write(fd, header, kHeaderSize) != static_cast<ssize_t>(kHeaderSize))
    return fail(errno ? errno : ENOSPC, "cannot write");
  Sink s(fd);
  Put(s, ProgramBuildId());
  Put(s, std::string(fingerprint));
  internal::ForEachField(data, [&](const char*, const auto& member) { Put(s, member); });
  Put(s, vocabulary != nullptr);
  if (vocabulary) {
    std::vector<std::pair<std::string_view, int64_t>> sorted(vocabulary->counts().begin(),
                                                             vocabulary->counts().end());
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::string_view> words;
    std::vector<int64_t> counts;
    for (const auto& [w, c] : sorted) {
      words.push_back(w);
      counts.push_back(c);
    }
    PutBlobs(s, words);
    Put(s, counts);
  }
  s.Flush();
  if (!s.ok()) return fail(s.error(), "cannot write");
  std::memcpy(header, kMagic, sizeof kMagic);
  PutU64(header + 8, kSnapshotFormat);
  PutU64(header + 16, s.size());
  PutU64(header + 24, s.digest());
  if (::pwrite(fd, header, kHeaderSize, 0) != static_cast<ssize_t>(kHeaderSize))
    return fail(errno ? errno : ENOSPC, "cannot write");
  if (::fdatasync(fd) != 0) return fail(errno, "cannot sync");
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Status::Io(tmp + ": cannot close: " + std::strerror(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return Status::Io(path + ": cannot rename the new snapshot into place: " + std::strerror(err));
  }
  return Status::Ok();
}

Result<Snapshot> ReadSnapshot(const std::string& path, std::string_view fingerprint) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no engine snapshot");
    return Status::Io(path + ": cannot open: " + std::strerror(errno));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::Io(path + ": cannot stat: " + std::strerror(errno));
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  char header[kHeaderSize] = {};
  const uint64_t file_size = static_cast<uint64_t>(st.st_size);
  FileSource source(fd);
  if (file_size >= kHeaderSize && !source.Read(header, kHeaderSize))
    return Status::Io(path + ": cannot read: " + std::strerror(errno));
  uint64_t body_size = 0, checksum = 0;
  Status head = ParseHeader(header, file_size, body_size, checksum);
  if (!head.ok()) return Prefixed(head, path);
  try {
    auto got = ParseBody(source, body_size, checksum, fingerprint, true);
    if (!got.ok()) return Prefixed(got.status(), path);
    return got;
  } catch (const std::exception& e) {  // memory exhaustion
    return Status::Internal(path + ": " + e.what());
  }
}

Result<Snapshot> ParseSnapshot(std::string_view bytes, std::string_view fingerprint,
                               bool check_key) {
  uint64_t body_size = 0, checksum = 0;
  OPENUPR_RETURN_IF_ERROR(ParseHeader(bytes.data(), bytes.size(), body_size, checksum));
  MemorySource source(bytes.substr(kHeaderSize));
  try {
    return ParseBody(source, body_size, checksum, fingerprint, check_key);
  } catch (const std::exception& e) {  // memory exhaustion
    return Status::Internal(std::string("engine snapshot: ") + e.what());
  }
}

}  // namespace openupr::engine

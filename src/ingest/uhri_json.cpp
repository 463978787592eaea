#include "ingest/uhri_json.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "ingest/uhri_json_record.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace openupr::ingest {
namespace {

using internal::kUhriJsonPadding;
using internal::UhriJsonError;

constexpr size_t kBatchRecords = 1024;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The position of the first '"' or '\\' in p[0, n), or n. Most of an export's bytes are inside
// strings (the HTML of Text), so this is the splitter's inner loop.
size_t FindQuoteOrBackslash(const char* p, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const int mask =
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < n; ++i) {
    if (p[i] == '"' || p[i] == '\\') return i;
  }
  return n;
}

// The position of the first byte in p[0, n) that matters outside a string: '"', '{', '}', '[' or
// ']' (n if none). Pretty-printed exports have much whitespace between the fields.
size_t FindStructural(const char* p, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  // '[' | 0x20 == '{' and ']' | 0x20 == '}', and no other byte maps to these two.
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i open = _mm_set1_epi8('{');
  const __m128i close = _mm_set1_epi8('}');
  const __m128i bit5 = _mm_set1_epi8(0x20);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i folded = _mm_or_si128(v, bit5);
    const __m128i hit =
        _mm_or_si128(_mm_cmpeq_epi8(v, quote),
                     _mm_or_si128(_mm_cmpeq_epi8(folded, open), _mm_cmpeq_epi8(folded, close)));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < n; ++i) {
    const char c = p[i];
    if (c == '"' || c == '{' || c == '}' || c == '[' || c == ']') return i;
  }
  return n;
}

// What a JSON value starting with c is, for messages. Only c is looked at, so that the message
// is the same wherever the chunks end: a letter is quoted as it is ("found 'n'").
std::string Describe(char c) {
  switch (c) {
    case '{':
      return "an object";
    case '[':
      return "a list";
    case ']':
      return "']'";
    case '"':
      return "a string";
    default:
      break;
  }
  if (c == '-' || (c >= '0' && c <= '9')) return "a number";
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7F) return std::string("'") + c + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02X", u);
  return buf;
}

// A lower-case UUID as two 64-bit halves: the key of the AnnotationIds seen.
struct UuidKey {
  uint64_t hi = 0;
  uint64_t lo = 0;
  bool operator==(const UuidKey&) const = default;
};
UuidKey KeyOf(std::string_view uuid) {
  UuidKey k;
  int digits = 0;
  for (char c : uuid) {
    if (c == '-') continue;
    const uint64_t d =
        c <= '9' ? static_cast<uint64_t>(c - '0') : static_cast<uint64_t>(c - 'a' + 10);
    uint64_t& half = digits < 16 ? k.hi : k.lo;
    half = half << 4 | d;
    ++digits;
  }
  return k;
}

// The AnnotationIds seen and where: open addressing with linear probing, so that a quarter of a
// million ids cost no allocation each (32 bytes a slot, at most half full).
class IdTable {
 public:
  struct Slot {
    UuidKey key;
    int64_t index = -1;  // -1: empty
    uint64_t offset = 0;
  };
  // Brings key's first slot into the cache: the table is far larger than the caches, and a miss
  // costs more than parsing a small record.
  void Prefetch(const UuidKey& key) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Hash(key) & (slots_.size() - 1)]);
  }
  // Records key; nullptr if it is new, else the slot of the record that had it first.
  const Slot* Insert(const UuidKey& key, int64_t index, uint64_t offset) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    const size_t mask = slots_.size() - 1;
    for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.index < 0) {
        slot = Slot{key, index, offset};
        ++size_;
        return nullptr;
      }
      if (slot.key == key) return &slot;
    }
  }

 private:
  static size_t Hash(const UuidKey& k) {
    uint64_t h = k.hi ^ (k.lo * 0x9E3779B97F4A7C15ull);
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 29;
    return static_cast<size_t>(h);
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<size_t>(1024, old.size() * 2), Slot{});
    size_ = 0;
    for (const Slot& s : old) {
      if (s.index >= 0) Insert(s.key, s.index, s.offset);
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

// Cuts the top-level array into its elements as bytes arrive, and parses each element.
class Reader {
 public:
  Reader(std::string_view name, const UhriSink& sink, UhriJsonStats* stats,
         const UhriJsonLimits& limits)
      : name_(name), sink_(sink), stats_(stats), limits_(limits) {
    parser_.set_on_annotation_id(
        [](void* ids, std::string_view id) { static_cast<IdTable*>(ids)->Prefetch(KeyOf(id)); },
        &ids_);
  }

  bool done() const { return stopped_; }

  // The next bytes of the file: data[0, size), readable up to data + size + kUhriJsonPadding.
  Status Feed(const char* data, size_t size) {
    Status st = Scan(data, size);
    if (stats_) stats_->bytes += size;
    if (!st.ok()) return st;
    // The unfinished record is kept for the next chunk.
    if (state_ == State::kInRecord && !stopped_) {
      record_.append(data + record_begin_, size - record_begin_);
      record_begin_ = 0;
    }
    base_ += size;
    return Status::Ok();
  }

  // The end of the file.
  Status Finish() {
    if (stopped_) return Status::Ok();
    switch (state_) {
      case State::kStart:
        return Fail(base_, "$",
                    "expected a JSON array of records at the top level, found the end of the file");
      case State::kFirstElement:
      case State::kNextElement:
      case State::kAfterElement:
        return Fail(base_, "$",
                    "the file ends inside the array (truncated?): expected a record, ',' or ']'");
      case State::kInRecord:
        return Fail(base_, Element(),
                    "the file ends inside this record, which starts at byte " +
                        std::to_string(record_start_) + " (truncated?)");
      case State::kAfterArray:
        break;
    }
    Flush();
    return Status::Ok();
  }

 private:
  enum class State {
    kStart,         // before the array: whitespace, a BOM
    kFirstElement,  // after '[': a record or ']'
    kNextElement,   // after ',': a record
    kInRecord,
    kAfterElement,  // ',' or ']'
    kAfterArray,    // whitespace only
  };

  std::string Element() const { return "$[" + std::to_string(index_) + "]"; }
  Status Fail(uint64_t offset, std::string_view path, std::string_view what) const {
    return UhriJsonError(name_, offset, path, what);
  }

  Status Scan(const char* data, size_t size) {
    size_t p = 0;
    while (p < size && !stopped_) {
      if (state_ == State::kInRecord) {
        OPENUPR_RETURN_IF_ERROR(ScanRecord(data, size, &p));
        continue;
      }
      const char c = data[p];
      const uint64_t at = base_ + p;
      if (IsJsonSpace(c)) {
        ++p;
        continue;
      }
      switch (state_) {
        case State::kStart: {
          static constexpr unsigned char kBom[] = {0xEF, 0xBB, 0xBF};
          if (at < 3 && at == bom_ && static_cast<unsigned char>(c) == kBom[at]) {
            ++bom_;
            ++p;
            continue;
          }
          if (bom_ != 0 && bom_ != 3) {
            return Fail(at, "$",
                        "expected the rest of a UTF-8 byte order mark, found " + Describe(c));
          }
          if (c != '[') {
            return Fail(at, "$",
                        "expected a JSON array of records at the top level, found " + Describe(c));
          }
          state_ = State::kFirstElement;
          ++p;
          break;
        }
        case State::kFirstElement:
        case State::kNextElement:
          if (c == ']' && state_ == State::kFirstElement) {
            state_ = State::kAfterArray;
            ++p;
            break;
          }
          if (c == ']') {
            return Fail(at, Element(), "expected a record after ',', found ']' (a trailing comma)");
          }
          if (c != '{') {
            return Fail(at, Element(), "expected a record (a JSON object), found " + Describe(c));
          }
          StartRecord(p, at);
          ++p;
          break;
        case State::kAfterElement:
          if (c == ',') {
            state_ = State::kNextElement;
          } else if (c == ']') {
            state_ = State::kAfterArray;
          } else {
            return Fail(at, "$[" + std::to_string(index_ - 1) + "]",
                        "expected ',' or ']' after the record, found " + Describe(c));
          }
          ++p;
          break;
        case State::kAfterArray:
          return Fail(at, "$",
                      "expected nothing after the array's closing ']', found " + Describe(c));
        case State::kInRecord:
          break;
      }
    }
    return Status::Ok();
  }

  void StartRecord(size_t p, uint64_t at) {
    state_ = State::kInRecord;
    record_start_ = at;
    record_begin_ = p;
    record_.clear();
    brackets_.assign(1, '{');
    in_string_ = false;
    escape_ = false;
  }

  // Scans the current record from *p: on its closing '}' parses it and moves past it.
  Status ScanRecord(const char* data, size_t size, size_t* pos) {
    size_t p = *pos;
    // Scanning stops at the record's size limit wherever the chunks end, so that the error is the
    // same whatever their size.
    // limit_at: the first file offset the record may not reach (the file may end there).
    const uint64_t max = limits_.max_record_bytes;
    const uint64_t limit_at = max > UINT64_MAX - record_start_ ? UINT64_MAX : record_start_ + max;
    const size_t end = limit_at < base_ + size ? static_cast<size_t>(limit_at - base_) : size;
    while (p < end) {
      if (in_string_) {
        if (escape_) {
          escape_ = false;
          ++p;
          continue;
        }
        p += FindQuoteOrBackslash(data + p, end - p);
        if (p == end) break;
        if (data[p] == '\\') {
          escape_ = true;
        } else {
          in_string_ = false;
        }
        ++p;
        continue;
      }
      p += FindStructural(data + p, end - p);
      if (p == end) break;
      const char c = data[p];
      if (c == '"') {
        in_string_ = true;
      } else if (c == '{' || c == '[') {
        if (brackets_.size() >= static_cast<size_t>(std::max(limits_.max_depth, 1))) {
          return Fail(base_ + p, Element(),
                      "nested deeper than " + std::to_string(limits_.max_depth) +
                          " levels (UhriJsonLimits::max_depth)");
        }
        brackets_.push_back(c);
      } else if (c == '}' || c == ']') {
        const char open = c == '}' ? '{' : '[';
        if (brackets_.back() != open) {
          return Fail(base_ + p, Element(),
                      std::string("invalid JSON: expected '") +
                          (brackets_.back() == '{' ? '}' : ']') + "', found '" + c + "'");
        }
        brackets_.pop_back();
        if (brackets_.empty()) {
          *pos = p + 1;
          state_ = State::kAfterElement;
          return EndRecord(data, size, p + 1);
        }
      }
      ++p;
    }
    if (p == end && end < size) {
      return Fail(record_start_, Element(),
                  "the record is longer than " + std::to_string(limits_.max_record_bytes) +
                      " bytes (UhriJsonLimits::max_record_bytes)");
    }
    *pos = p;
    return Status::Ok();
  }

  // The record ends just before data + end.
  Status EndRecord(const char* data, size_t size, size_t end) {
    const char* json;
    size_t length;
    size_t capacity;
    if (record_.empty()) {  // all in this chunk: parsed in place
      json = data + record_begin_;
      length = end - record_begin_;
      capacity = size + kUhriJsonPadding - record_begin_;
    } else {
      record_.append(data, end);
      length = record_.size();
      record_.append(kUhriJsonPadding, ' ');
      json = record_.data();
      capacity = record_.size();
    }
    UhriRecord record;
    internal::UhriParseInfo info;
    OPENUPR_RETURN_IF_ERROR(
        parser_.Parse(json, length, capacity, name_, index_, record_start_, &record, &info));
    if (const IdTable::Slot* first =
            ids_.Insert(KeyOf(record.annotation_id), index_, record_start_)) {
      return Fail(info.annotation_id_offset, Element() + ".AnnotationId",
                  "\"" + record.annotation_id + "\" is also the AnnotationId of $[" +
                      std::to_string(first->index) + "] at byte " + std::to_string(first->offset) +
                      " (each record's must be unique)");
    }
    if (stats_) stats_->entities_decoded += info.entities_decoded;
    record_.clear();
    ++index_;
    // A small file's batch stays small; once a batch has filled, the next ones are made whole.
    if (batch_.empty())
      batch_.reserve(index_ > static_cast<int64_t>(kBatchRecords) ? kBatchRecords : 16);
    batch_.push_back(std::move(record));
    if (batch_.size() >= kBatchRecords) Flush();
    return Status::Ok();
  }

  void Flush() {
    if (batch_.empty() || stopped_) return;
    const auto n = static_cast<int64_t>(batch_.size());
    std::vector<UhriRecord> batch;
    std::swap(batch, batch_);
    if (stats_) stats_->records += n;
    if (!sink_(std::move(batch))) stopped_ = true;
  }

  std::string_view name_;
  const UhriSink& sink_;
  UhriJsonStats* stats_;
  const UhriJsonLimits& limits_;
  internal::UhriRecordParser parser_;

  State state_ = State::kStart;
  bool stopped_ = false;
  uint64_t base_ = 0;  // file offset of the chunk being scanned
  uint64_t bom_ = 0;   // bytes of a UTF-8 BOM seen at the start
  // The record being scanned.
  int64_t index_ = 0;          // its index in the array
  uint64_t record_start_ = 0;  // file offset of its '{'
  size_t record_begin_ = 0;    // where it starts in the current chunk (0 if in an earlier one)
  std::string record_;         // its bytes from earlier chunks
  std::string brackets_;       // the open '{' and '[', innermost last
  bool in_string_ = false;
  bool escape_ = false;

  std::vector<UhriRecord> batch_;
  IdTable ids_;
};

}  // namespace

Status ReadUhriJson(std::string_view bytes, std::string_view name, const UhriSink& sink,
                    UhriJsonStats* stats, const UhriJsonLimits& limits) {
  if (stats) *stats = UhriJsonStats{};
  Reader reader(name, sink, stats, limits);
  const size_t chunk = std::max<size_t>(1, std::min(limits.chunk_bytes, bytes.size()));
  // Zeroed: simdjson reads the padding past a record's end.
  auto buffer = std::make_unique<char[]>(chunk + kUhriJsonPadding);
  for (size_t at = 0; at < bytes.size() && !reader.done(); at += chunk) {
    const size_t n = std::min(chunk, bytes.size() - at);
    std::memcpy(buffer.get(), bytes.data() + at, n);
    OPENUPR_RETURN_IF_ERROR(reader.Feed(buffer.get(), n));
  }
  return reader.Finish();
}

Status ReadUhriJsonFile(const std::string& path, const UhriSink& sink, UhriJsonStats* stats,
                        const std::function<void(uint64_t, uint64_t)>& progress,
                        const UhriJsonLimits& limits) {
  if (stats) *stats = UhriJsonStats{};
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) return Status::Io(path + ": cannot open: " + std::strerror(errno));
  uint64_t file_size = 0;
  if (std::fseek(file.get(), 0, SEEK_END) == 0) {
    const long end = std::ftell(file.get());
    if (end > 0) file_size = static_cast<uint64_t>(end);
  }
  std::rewind(file.get());
  Reader reader(path, sink, stats, limits);
  const size_t chunk = std::max<size_t>(1, limits.chunk_bytes);
  auto buffer = std::make_unique<char[]>(chunk + kUhriJsonPadding);
  uint64_t read = 0;
  while (!reader.done()) {
    const size_t n = std::fread(buffer.get(), 1, chunk, file.get());
    if (n == 0) {
      if (std::ferror(file.get())) {
        return Status::Io(path + ": read error at byte " + std::to_string(read) + ": " +
                          std::strerror(errno));
      }
      break;
    }
    read += n;
    OPENUPR_RETURN_IF_ERROR(reader.Feed(buffer.get(), n));
    if (progress) progress(read, file_size);
  }
  return reader.Finish();
}

}  // namespace openupr::ingest

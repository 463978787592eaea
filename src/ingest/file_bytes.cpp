#include "ingest/file_bytes.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace openupr::ingest {
namespace {

// Transparent huge pages are 2 MiB on x86-64 and arm64 (with 4 KiB base pages): a mapping is
// rounded up to them, so that all of it can be backed by huge pages.
constexpr size_t kHugePage = size_t{2} << 20;

}  // namespace

Result<LargeBuffer> LargeBuffer::Allocate(size_t capacity) {
  capacity = std::max<size_t>(capacity, 1);
  const size_t mapped = (capacity + kHugePage - 1) / kHugePage * kHugePage;
  // Mapped with a huge page to spare, so that the part used starts on a huge page boundary.
  void* p = mmap(nullptr, mapped + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
  if (p == MAP_FAILED)
    return Status::Io("cannot map " + std::to_string(mapped) + " bytes of memory: " +
                      std::strerror(errno));
  auto* base = static_cast<char*>(p);
  const auto addr = reinterpret_cast<uintptr_t>(base);
  const size_t lead = (kHugePage - addr % kHugePage) % kHugePage;
  if (lead) munmap(base, lead);
  if (kHugePage - lead) munmap(base + lead + mapped, kHugePage - lead);
  LargeBuffer b;
  b.data_ = base + lead;
  b.capacity_ = capacity;
  b.mapped_ = mapped;
  // Advice only: without transparent huge pages (or with them disabled), 4 KiB pages as usual.
  // Not for less than a huge page: its first touch would clear 2 MiB for a few bytes (a small
  // file, or a fuzz target's input: clearing pages was most of fuzz/encoding_fuzzer.cpp's time).
  if (capacity >= kHugePage) (void)madvise(b.data_, mapped, MADV_HUGEPAGE);
  return b;
}

LargeBuffer::~LargeBuffer() {
  if (data_) munmap(data_, mapped_);
}

LargeBuffer::LargeBuffer(LargeBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      mapped_(std::exchange(other.mapped_, 0)) {}

LargeBuffer& LargeBuffer::operator=(LargeBuffer&& other) noexcept {
  if (this != &other) {
    if (data_) munmap(data_, mapped_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    mapped_ = std::exchange(other.mapped_, 0);
  }
  return *this;
}

Result<LargeBuffer> ReadWholeFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Io(path + ": cannot open the file for reading: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0) return Status::Io(path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return Status::Io(path + ": cannot read a directory as a file");
  // A regular file's size and one byte more, so that its end is seen without growing the
  // buffer; a pipe (or a file that grows meanwhile) doubles it as needed.
  const size_t first = S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) + 1 : size_t{1} << 20;
  auto buffer = LargeBuffer::Allocate(first);
  if (!buffer.ok()) return buffer.status();
  LargeBuffer b = std::move(buffer).value();
  while (true) {
    if (b.size() == b.capacity()) {
      auto bigger = LargeBuffer::Allocate(2 * b.capacity());
      if (!bigger.ok()) return bigger.status();
      std::memcpy(bigger->data(), b.data(), b.size());
      bigger->set_size(b.size());
      b = std::move(bigger).value();
    }
    const ssize_t n = read(fd, b.data() + b.size(), b.capacity() - b.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Io(path + ": read error: " + std::strerror(errno));
    if (n == 0) break;
    b.set_size(b.size() + static_cast<size_t>(n));
  }
  return b;
}

}  // namespace openupr::ingest

// Whole input files in memory. An import reads each file whole (to hash it, detect its encoding
// and line ends, and parse it), and decodes it whole to UTF-8: megabytes of memory touched once.
// They go into mappings of their own, backed by transparent huge pages where the kernel offers
// them, instead of the allocator's memory: on a virtual machine the first touch of each 4 KiB page
// traps to the hypervisor (about 12 us each on the development machine, 3 ms per MB), where one
// fault maps 2 MiB (docs/benchmarks.md).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace openupr::ingest {

// Bytes in an anonymous mapping of their own, with room for a capacity fixed when allocated
// (reserved, not touched: only the pages written to are ever backed). Move-only.
class LargeBuffer {
 public:
  LargeBuffer() = default;
  // Room for capacity bytes (at least one); kIo if the system has no address space left.
  static Result<LargeBuffer> Allocate(size_t capacity);
  ~LargeBuffer();
  LargeBuffer(LargeBuffer&& other) noexcept;
  LargeBuffer& operator=(LargeBuffer&& other) noexcept;
  LargeBuffer(const LargeBuffer&) = delete;
  LargeBuffer& operator=(const LargeBuffer&) = delete;

  char* data() { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  // The bytes written through data(): n <= capacity().
  void set_size(size_t n) { size_ = n; }
  std::string_view view() const { return {data_, size_}; }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  size_t mapped_ = 0;  // bytes mapped (capacity rounded up to whole pages)
};

// The whole content of a file (a regular file or a pipe). Errors (kIo) name the path.
Result<LargeBuffer> ReadWholeFile(const std::string& path);

}  // namespace openupr::ingest

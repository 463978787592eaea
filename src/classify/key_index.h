// A map from 64-bit feature keys (already well-mixed hashes) to dense ids: open addressing with
// linear probing, a power-of-two table at most half full, one 16-byte slot per key. Labelling
// looks up ~100 keys a text in tables of ~10^5 keys: one cache line each, which Prefetch asks for
// before the probes. Immutable after the inserts: thread-safe for Find.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace openupr::classify {

class KeyIndex {
 public:
  // Empties the table and sizes it for n keys.
  void Reserve(size_t n) {
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
  }
  // False if the key is there already (or the table is full: Reserve first).
  bool Insert(uint64_t key, int32_t id) {
    if (slots_.empty()) Reserve(16);
    const uint64_t k = Stored(key);
    for (size_t i = Home(k), n = 0; n <= mask_; i = (i + 1) & mask_, ++n) {
      if (slots_[i].key == k) return false;
      if (slots_[i].key == 0) {
        slots_[i] = {k, id};
        return true;
      }
    }
    return false;
  }
  // The id of key; -1 if absent.
  int32_t Find(uint64_t key) const {
    if (slots_.empty()) return -1;
    const uint64_t k = Stored(key);
    for (size_t i = Home(k), n = 0; n <= mask_; i = (i + 1) & mask_, ++n) {
      if (slots_[i].key == k) return slots_[i].id;
      if (slots_[i].key == 0) return -1;
    }
    return -1;
  }
  void Prefetch(uint64_t key) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Home(Stored(key))]);
  }

 private:
  struct Slot {
    uint64_t key = 0;  // 0: empty (a key of 0 is stored as 1)
    int32_t id = -1;
  };
  static uint64_t Stored(uint64_t k) { return k == 0 ? 1 : k; }
  size_t Home(uint64_t k) const {
    return static_cast<size_t>((k * 0x9E3779B97F4A7C15ULL) >> 17) & mask_;
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

}  // namespace openupr::classify

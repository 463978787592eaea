#include "classify/features.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>

#include "core/text.h"

namespace openupr::classify {
namespace {

// splitmix64's finaliser: mixes a pair of keys into one (n-grams from their words).
uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t z = a * 0x9E3779B97F4A7C15ULL + b + 0x632BE59BD9B4E019ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Salts that keep the kinds of keys apart (a bigram never equals an opening word).
constexpr uint64_t kBigram = 2, kTrigram = 3, kHead1 = 11, kHead2 = 12, kHead3 = 13;

}  // namespace

void ExtractKeys(std::string_view text, FeatureKeys& keys) {
  thread_local Tokenizer tokenizer(/*stem=*/true);
  thread_local std::vector<uint64_t> terms;
  terms.clear();
  tokenizer.Tokenize(text, [](std::string_view term, size_t, size_t) {
    terms.push_back(XXH3_64bits(term.data(), term.size()));
    return true;
  });
  keys.words.clear();
  keys.head.clear();
  const size_t n = terms.size();
  for (size_t i = 0; i < n; ++i) {
    keys.words.push_back(terms[i]);
    if (i + 1 < n) {
      const uint64_t bi = Mix(Mix(kBigram, terms[i]), terms[i + 1]);
      keys.words.push_back(bi);
      if (i + 2 < n) keys.words.push_back(Mix(Mix(kTrigram, bi), terms[i + 2]));
    }
  }
  if (n >= 1) keys.head.push_back(Mix(kHead1, terms[0]));
  if (n >= 2) keys.head.push_back(Mix(Mix(kHead2, terms[0]), terms[1]));
  if (n >= 3) keys.head.push_back(Mix(Mix(Mix(kHead3, terms[0]), terms[1]), terms[2]));
}

FeatureSpace FeatureSpace::Build(std::span<const std::string> texts, int min_df) {
  std::unordered_map<uint64_t, int32_t> word_df, head_df;
  FeatureKeys keys;
  std::vector<uint64_t> uniq;
  for (const std::string& t : texts) {
    ExtractKeys(t, keys);
    uniq = keys.words;
    std::sort(uniq.begin(), uniq.end());
    uniq.erase(std::unique(uniq.begin(), uniq.end()), uniq.end());
    for (uint64_t k : uniq) ++word_df[k];
    for (uint64_t k : keys.head) ++head_df[k];
  }
  // Ids in key order, so that the vocabulary does not depend on hash-table iteration order.
  auto kept = [min_df](const std::unordered_map<uint64_t, int32_t>& df) {
    std::vector<std::pair<uint64_t, int32_t>> v;
    for (const auto& [k, c] : df)
      if (c >= min_df) v.emplace_back(k, c);
    std::sort(v.begin(), v.end());
    return v;
  };
  FeatureSpace fs;
  fs.ids_.Reserve(word_df.size() + head_df.size());
  const double n = static_cast<double>(texts.size());
  // Smoothed IDF (as scikit-learn's TfidfVectorizer): ln((1 + n) / (1 + df)) + 1.
  auto add = [&](const std::vector<std::pair<uint64_t, int32_t>>& v) {
    for (const auto& [k, c] : v) {
      fs.ids_.Insert(k, static_cast<int32_t>(fs.idf_.size()));
      fs.keys_.push_back(k);
      fs.idf_.push_back(static_cast<float>(std::log((1 + n) / (1 + c)) + 1));
    }
  };
  add(kept(word_df));
  fs.word_features_ = static_cast<int32_t>(fs.idf_.size());
  add(kept(head_df));
  return fs;
}

void FeatureSpace::Transform(std::string_view text, SparseVector& out) const {
  thread_local FeatureKeys keys;
  ExtractKeys(text, keys);
  Transform(keys, out);
}

void FeatureSpace::Transform(const FeatureKeys& keys, SparseVector& out) const {
  out.clear();
  thread_local std::vector<int32_t> ids;
  ids.clear();
  for (uint64_t k : keys.words) ids_.Prefetch(k);
  for (uint64_t k : keys.words)
    if (const int32_t id = ids_.Find(k); id >= 0) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  // Word block: (1 + ln tf) * idf, L2-normalised.
  double norm = 0;
  for (size_t i = 0; i < ids.size();) {
    size_t j = i;
    while (j < ids.size() && ids[j] == ids[i]) ++j;
    const float v = static_cast<float>((1 + std::log(static_cast<double>(j - i))) * idf_[ids[i]]);
    out.index.push_back(ids[i]);
    out.value.push_back(v);
    norm += static_cast<double>(v) * v;
    i = j;
  }
  if (norm > 0) {
    const float inv = static_cast<float>(1 / std::sqrt(norm));
    for (float& v : out.value) v *= inv;
  }
  // Opening-word block: idf, L2-normalised on its own (ids above every word n-gram's).
  const size_t head_begin = out.index.size();
  double head_norm = 0;
  for (uint64_t k : keys.head) {
    if (const int32_t id = ids_.Find(k); id >= 0) {
      out.index.push_back(id);
      out.value.push_back(idf_[id]);
      head_norm += static_cast<double>(idf_[id]) * idf_[id];
    }
  }
  if (head_norm > 0) {
    const float inv = static_cast<float>(1 / std::sqrt(head_norm));
    for (size_t i = head_begin; i < out.value.size(); ++i) out.value[i] *= inv;
  }
  // The opening-word ids come in key order of first/second/third, not by id: sort the block.
  if (out.index.size() - head_begin > 1) {
    std::vector<std::pair<int32_t, float>> b;
    for (size_t i = head_begin; i < out.index.size(); ++i)
      b.emplace_back(out.index[i], out.value[i]);
    std::sort(b.begin(), b.end());
    for (size_t i = 0; i < b.size(); ++i) {
      out.index[head_begin + i] = b[i].first;
      out.value[head_begin + i] = b[i].second;
    }
  }
}

void FeatureSpace::Write(BlobWriter& w) const {
  w.I32(word_features_);
  w.Vec(keys_);
  w.Vec(idf_);
}

Result<FeatureSpace> FeatureSpace::Read(BlobReader& r) {
  FeatureSpace fs;
  std::vector<uint64_t> keys;
  if (!r.I32(fs.word_features_) || !r.Vec(keys) || !r.Vec(fs.idf_))
    return Status::BadInput("model blob: the feature vocabulary is truncated");
  if (keys.size() != fs.idf_.size() || fs.word_features_ < 0 ||
      fs.word_features_ > static_cast<int32_t>(keys.size()))
    return Status::BadInput("model blob: the feature vocabulary is inconsistent");
  fs.ids_.Reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i)
    if (!fs.ids_.Insert(keys[i], static_cast<int32_t>(i)))
      return Status::BadInput("model blob: a feature key is repeated");
  fs.keys_ = std::move(keys);
  return fs;
}

}  // namespace openupr::classify

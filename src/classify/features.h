// The features of the classifiers (docs/classify.md): the stemmed words of a text (our own
// Tokenizer: utf8proc folding + Snowball stemming) as word 1-, 2- and 3-grams weighted by
// sublinear TF-IDF and L2-normalised, plus one-hot "first word", "first two words" and "first
// three words" features (the opening verb carries most of the action category), L2-normalised as
// a block of their own. The vocabulary (n-grams seen in at least min_df training texts) and the
// IDF weights are learnt at training and kept in the model.
//
// A FeatureSpace is immutable after Build/Read and thread-safe for Transform (each thread uses
// its own Tokenizer, held thread_local).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "classify/blob.h"
#include "classify/key_index.h"
#include "core/status.h"

namespace openupr::classify {

// A sparse feature vector: feature ids ascending, each once.
struct SparseVector {
  std::vector<int32_t> index;
  std::vector<float> value;
  void clear() {
    index.clear();
    value.clear();
  }
};

// The 64-bit keys of a text's features (n-grams and opening words), before the vocabulary.
// Exposed for tests and the vocabulary build.
struct FeatureKeys {
  std::vector<uint64_t> words;  // every 1/2/3-gram occurrence (repeats kept: term frequency)
  std::vector<uint64_t> head;   // up to three opening-word keys
};
// Computes the keys of text. Uses a thread_local Tokenizer.
void ExtractKeys(std::string_view text, FeatureKeys& keys);

class FeatureSpace {
 public:
  // Builds the vocabulary from training texts: n-grams and opening words in >= min_df texts.
  static FeatureSpace Build(std::span<const std::string> texts, int min_df = 2);

  // The features of text (empty when it has no known n-gram and no known opening word).
  void Transform(std::string_view text, SparseVector& out) const;
  // The same from keys computed by ExtractKeys.
  void Transform(const FeatureKeys& keys, SparseVector& out) const;

  int32_t size() const { return static_cast<int32_t>(idf_.size()); }

  void Write(BlobWriter& w) const;
  // Errors: kBadInput naming what is damaged.
  static Result<FeatureSpace> Read(BlobReader& r);

 private:
  // Feature ids: word n-grams first, then opening words; idf_ per id.
  KeyIndex ids_;                // key -> feature id
  std::vector<uint64_t> keys_;  // by id (for Write)
  std::vector<float> idf_;
  int32_t word_features_ = 0;
};

}  // namespace openupr::classify

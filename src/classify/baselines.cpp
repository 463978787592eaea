#include "classify/baselines.h"

#include <fasttext/fasttext.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/text.h"

namespace openupr::classify {
namespace {

std::string LabelToken(std::string_view label) {
  std::string s = "__label__";
  for (char c : label) s += c == ' ' ? '_' : c;
  return s;
}

std::string FirstWord(std::string_view text) {
  thread_local Tokenizer tokenizer(/*stem=*/false);
  std::string first;
  tokenizer.Tokenize(text, [&first](std::string_view term, size_t, size_t) {
    first.assign(term);
    return false;
  });
  return first;
}

}  // namespace

std::string FastTextTokens(std::string_view text) {
  const std::string folded = FoldText(text);
  std::string out;
  bool in_word = false;
  for (unsigned char c : folded) {
    const bool word = std::isalnum(c) || c == '_' || c >= 0x80;
    if (word) {
      if (!in_word && !out.empty()) out += ' ';
      out += static_cast<char>(c);
      in_word = true;
    } else {
      in_word = false;
      if (!std::isspace(c)) {
        if (!out.empty()) out += ' ';
        out += static_cast<char>(c);
      }
    }
  }
  return out;
}

struct FastTextBaseline::Impl {
  fasttext::FastText themes, action;
};

FastTextBaseline::~FastTextBaseline() = default;

Result<std::unique_ptr<FastTextBaseline>> FastTextBaseline::Train(std::span<const Example> examples,
                                                                  const std::string& tmp_dir,
                                                                  int seed, int threads) {
  const std::string themes_file = tmp_dir + "/fasttext-themes.txt";
  const std::string action_file = tmp_dir + "/fasttext-action.txt";
  {
    std::ofstream t(themes_file), a(action_file);
    for (const Example& e : examples) {
      const std::string tokens = FastTextTokens(e.text);
      if (!e.themes.empty()) {
        for (const auto& th : e.themes) t << LabelToken(th) << ' ';
        t << tokens << '\n';
      }
      if (e.action >= 1 && e.action <= 5) a << "__label__" << e.action << ' ' << tokens << '\n';
    }
    if (!t || !a) return Status::Io("cannot write fastText's training files in " + tmp_dir);
  }
  auto b = std::unique_ptr<FastTextBaseline>(new FastTextBaseline());
  b->impl_ = std::make_unique<Impl>();
  auto args = [seed, threads](const std::string& input, fasttext::loss_name loss) {
    fasttext::Args a;  // fastText's `supervised` defaults, then the settings
    a.input = input;
    a.model = fasttext::model_name::sup;
    a.loss = loss;
    a.lr = 0.1;
    a.minCount = 1;
    a.minn = 0;
    a.maxn = 0;
    a.wordNgrams = 2;
    a.epoch = 30;
    a.thread = std::max(threads, 1);
    a.verbose = 0;
    a.seed = seed;
    return a;
  };
  try {
    b->impl_->themes.train(args(themes_file, fasttext::loss_name::ova));
    b->impl_->action.train(args(action_file, fasttext::loss_name::softmax));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("fastText: ") + e.what());
  }
  std::error_code ec;
  std::filesystem::remove(themes_file, ec);
  std::filesystem::remove(action_file, ec);
  return b;
}

void FastTextBaseline::Predict(std::string_view text, std::vector<std::string>& themes,
                               int& action) const {
  themes.clear();
  action = 0;
  std::vector<std::pair<fasttext::real, std::string>> preds;
  {
    std::istringstream in(FastTextTokens(text) + "\n");
    impl_->themes.predictLine(in, preds, -1, 0.5);
    for (const auto& [p, label] : preds) {
      std::string name = label.substr(9);
      for (char& c : name)
        if (c == '_') c = ' ';
      themes.push_back(name);
    }
  }
  {
    std::istringstream in(FastTextTokens(text) + "\n");
    preds.clear();
    impl_->action.predictLine(in, preds, 1, 0.0);
    if (!preds.empty()) action = std::atoi(preds[0].second.c_str() + 9);
  }
}

FirstWordRule FirstWordRule::Train(std::span<const Example> examples) {
  std::unordered_map<std::string, std::array<int, 6>> counts;
  std::array<int, 6> all{};
  for (const Example& e : examples) {
    if (e.action < 1 || e.action > 5) continue;
    ++counts[FirstWord(e.text)][e.action];
    ++all[e.action];
  }
  // Ties go to the lower category (deterministic).
  auto arg_max = [](const std::array<int, 6>& c) {
    int best = 1;
    for (int a = 2; a <= 5; ++a)
      if (c[a] > c[best]) best = a;
    return best;
  };
  FirstWordRule r;
  r.majority_ = arg_max(all);
  for (const auto& [w, c] : counts) r.action_[w] = arg_max(c);
  return r;
}

int FirstWordRule::Predict(std::string_view text) const {
  auto it = action_.find(FirstWord(text));
  return it == action_.end() ? majority_ : it->second;
}

}  // namespace openupr::classify

#include "classify/sdg.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "core/text.h"

namespace openupr::classify {
namespace {

// UPR Info themes -> SDG goals (docs/classify.md explains the choices). A goal is listed when
// one of its targets names what the theme is about (e.g. 16.a: national human rights
// institutions; 5.2 and 8.7: trafficking). Themes about the review's machinery (treaty bodies,
// special procedures, the UPR process, ratifications) link to no goal.
const std::vector<ThemeGoals>& Table() {
  static const std::vector<ThemeGoals> kTable = {
      {"Asylum-seekers - refugees", {10, 16}},
      {"CP rights - general", {16}},
      {"Civil society", {16, 17}},
      {"Corruption", {16}},
      {"Counter-terrorism", {16}},
      {"Death penalty", {16}},
      {"Detention", {16}},
      {"Development", {1, 8, 10, 17}},
      {"Disabilities", {4, 8, 10, 11}},
      {"ESC rights - general", {1, 10}},
      {"Elections", {16}},
      {"Enforced disappearances", {16}},
      {"Environment", {6, 7, 11, 12, 13, 14, 15}},
      {"Extrajudicial executions", {16}},
      {"Freedom of association and peaceful assembly", {16}},
      {"Freedom of movement", {10, 16}},
      {"Freedom of opinion and expression", {16}},
      {"Freedom of religion and belief", {16}},
      {"Freedom of the press", {16}},
      {"General", {}},
      {"HIV - Aids", {3}},
      {"Human rights defenders", {16}},
      {"Human rights education and training", {4}},
      {"Human rights violations by state agents", {16}},
      {"Impunity", {16}},
      {"Indigenous peoples", {2, 4, 10}},
      {"Internally displaced persons", {10, 11}},
      {"International humanitarian law", {16}},
      {"International instruments", {}},
      {"Justice", {16}},
      {"Labour", {8}},
      {"Migrants", {8, 10}},
      {"Minorities", {10}},
      {"NHRI", {16}},
      {"National plan of action", {}},
      {"Other", {}},
      {"Poverty", {1}},
      {"Public security", {16}},
      {"Racial discrimination", {10, 16}},
      {"Right to education", {4}},
      {"Right to food", {2}},
      {"Right to health", {3}},
      {"Right to housing", {11}},
      {"Right to land", {1, 2, 5}},
      {"Right to water", {6}},
      {"Rights of the Child", {16}},
      {"Sexual Orientation and Gender Identity", {10, 16}},
      {"Special procedures", {}},
      {"Technical assistance and cooperation", {17}},
      {"Torture and other CID treatment", {16}},
      {"Trafficking", {5, 8, 16}},
      {"Treaty bodies", {}},
      {"UPR process", {}},
      {"Women's rights", {5}},
  };
  return kTable;
}

}  // namespace

std::span<const ThemeGoals> ThemeGoalTable() { return Table(); }

SdgTargets ParseSdgTargets(std::string_view y) {
  SdgTargets goals(18);
  int goal = 0;
  std::string* current = nullptr;
  while (!y.empty()) {
    const size_t nl = y.find('\n');
    std::string_view line = y.substr(0, nl);
    y = nl == std::string_view::npos ? std::string_view() : y.substr(nl + 1);
    if (line.starts_with("  ") && current) {  // a folded continuation line
      *current += ' ';
      *current += CollapseWhitespace(line);
      continue;
    }
    const size_t colon = line.find(": ");
    if (colon == std::string_view::npos) continue;
    goal = std::atoi(std::string(line.substr(0, line.find('-'))).c_str());
    if (goal < 1 || goal > 17) {
      current = nullptr;
      continue;
    }
    goals[goal].push_back(CollapseWhitespace(line.substr(colon + 2)));
    current = &goals[goal].back();
  }
  return goals;
}

Result<SdgTargets> ReadSdgTargets(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io(path + ": cannot open the SDG targets (global_targets.yml)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::Io(path + ": read error");
  SdgTargets t = ParseSdgTargets(text.str());
  size_t n = 0;
  for (const auto& g : t) n += g.size();
  if (n == 0)
    return Status::BadInput(path + ": no SDG target (expected lines like '1-1: By 2030, ...')");
  return t;
}

SdgScorer::SdgScorer(SdgTargets texts) {
  texts.resize(18);
  for (const ThemeGoals& tg : Table()) theme_goals_[FoldText(tg.theme)] = tg.goals;
  // TF-IDF over 17 documents (each goal's targets together), L2-normalised per goal.
  std::vector<std::map<uint64_t, int>> tf(18);
  std::map<uint64_t, int> df;
  FeatureKeys keys;
  for (int g = 1; g <= 17; ++g) {
    for (const auto& t : texts[g]) {
      ExtractKeys(t, keys);
      for (uint64_t k : keys.words) ++tf[g][k];
    }
    for (const auto& [k, c] : tf[g]) ++df[k];
  }
  keys_.Reserve(df.size());
  for (int g = 1; g <= 17; ++g) {
    double norm = 0;
    std::vector<std::pair<uint64_t, double>> w;
    for (const auto& [k, c] : tf[g]) {
      const double v = (1 + std::log(c)) * (std::log(18.0 / (1 + df[k])) + 1);
      w.emplace_back(k, v);
      norm += v * v;
    }
    norm = std::sqrt(norm);
    for (const auto& [k, v] : w) {
      int32_t id = keys_.Find(k);
      if (id < 0) {
        id = static_cast<int32_t>(postings_.size());
        postings_.emplace_back();
        keys_.Insert(k, id);
      }
      postings_[id].emplace_back(g, static_cast<float>(v / norm));
    }
  }
  idf_.resize(postings_.size());
  for (size_t i = 0; i < postings_.size(); ++i)
    idf_[i] = static_cast<float>(std::log(18.0 / (1 + postings_[i].size())) + 1);
}

std::vector<double> SdgScorer::Similarity(const FeatureKeys& keys) const {
  std::vector<double> sim(18, 0);
  double norm = 0;
  // The text's weight of a key: its idf over the goals per occurrence (a recommendation rarely
  // repeats a word: plain term frequency, which spares sorting the keys).
  for (uint64_t k : keys.words) keys_.Prefetch(k);
  for (uint64_t k : keys.words) {
    const int32_t id = keys_.Find(k);
    if (id < 0) continue;
    const double v = idf_[id];
    norm += v * v;
    for (const auto& [g, w] : postings_[id]) sim[g] += v * w;
  }
  // Words the targets never use do not count against the text (the norm is over shared words):
  // a recommendation speaks another register than the targets.
  if (norm > 0)
    for (double& s : sim) s /= std::sqrt(norm);
  return sim;
}

std::vector<int> SdgScorer::GoalsOfTheme(std::string_view theme) const {
  auto it = theme_goals_.find(FoldText(theme));
  return it == theme_goals_.end() ? std::vector<int>() : it->second;
}

std::vector<std::pair<int, double>> SdgScorer::Goals(const FeatureKeys& keys,
                                                     std::span<const std::vector<int>> theme_goals,
                                                     std::span<const double> theme_scores) const {
  std::vector<double> score(18, 0);
  for (size_t t = 0; t < theme_goals.size() && t < theme_scores.size(); ++t) {
    if (theme_scores[t] <= 0) continue;
    for (int g : theme_goals[t]) score[g] = std::max(score[g], theme_scores[t]);
  }
  const std::vector<double> sim = Similarity(keys);
  const double max_sim = *std::max_element(sim.begin(), sim.end());
  std::vector<std::pair<int, double>> out;
  for (int g = 1; g <= 17; ++g) {
    // A theme links to several goals: the text's similarity to each goal's targets orders
    // them (the most similar keeps the theme's score, the least similar three quarters of it).
    double s = score[g] * (max_sim > 0 ? 0.75 + 0.25 * sim[g] / max_sim : 1.0);
    if (sim[g] >= kMinSimilarity) s = std::max(s, 0.5 + 0.5 * std::min(1.0, sim[g]));
    if (s > 0) out.emplace_back(g, s);
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

}  // namespace openupr::classify

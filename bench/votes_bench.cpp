// BM_AgreementMatrix_* / BM_Cohesion_* / BM_IdealPoints_*: the vote analytics (analytics/votes.h)
// on a synthetic vote matrix of the real record's shape, 200 states (UN members and former
// states) x 1,705 roll calls, and ten times the roll calls (17,050). Like the real record, each
// roll call has only the body's members voting (about a quarter of the states, in three-session
// terms), on a two-dimensional spatial model with abstentions near the cut and some
// near-unanimous roll calls. BM_AgreementMatrix_NaiveBytes is the straightforward loop over the
// byte matrix, for the ratio. One core; fixed seed. *_Real*: the same on the real record
// (../shared/data/hrc-votes, read with the ingest module's reader), with its figures as counters.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analytics/votes.h"
#include "core/states.h"
#include "ingest/hrc_votes.h"

namespace {

using openupr::analytics::AllRollCalls;
using openupr::analytics::VoteBits;
using openupr::analytics::VoteCast;
using openupr::analytics::VoteMatrix;

constexpr size_t kStates = 200;
constexpr size_t kSessionRollCalls = 40;

VoteMatrix Synthetic(size_t roll_calls) {
  std::mt19937 rng(20261206);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> unit(0, 1);
  VoteMatrix m;
  std::vector<std::pair<double, double>> pos;
  for (size_t s = 0; s < kStates; ++s) {
    std::string code = "S000";
    code[1] = static_cast<char>('0' + s / 100);
    code[2] = static_cast<char>('0' + s / 10 % 10);
    code[3] = static_cast<char>('0' + s % 10);
    m.states.push_back(code);
    pos.push_back({normal(rng), 0.5 * normal(rng)});
  }
  m.roll_calls = roll_calls;
  m.votes.assign(kStates * roll_calls, VoteCast::kAbsent);
  const size_t sessions = (roll_calls + kSessionRollCalls - 1) / kSessionRollCalls;
  std::vector<std::vector<bool>> member(kStates, std::vector<bool>(sessions, false));
  for (size_t s = 0; s < kStates; ++s)
    for (size_t t = 0; t < sessions; ++t)
      if (unit(rng) < 0.09)  // elected: a three-session term
        for (size_t u = t; u < std::min(sessions, t + 3); ++u) member[s][u] = true;
  for (size_t r = 0; r < roll_calls; ++r) {
    const double angle = unit(rng) * 3.14159, cut = r % 12 == 0 ? 3.5 : 0.8 * normal(rng);
    for (size_t s = 0; s < kStates; ++s) {
      if (!member[s][r / kSessionRollCalls]) continue;
      const double u = std::cos(angle) * pos[s].first + std::sin(angle) * pos[s].second - cut +
                       0.4 * normal(rng);
      const double draw = unit(rng);
      m.votes[s * roll_calls + r] = draw < 0.01   ? VoteCast::kNonVoting
                                    : draw < 0.02 ? VoteCast::kBlank
                                    : u > 0.25    ? VoteCast::kYes
                                    : u < -0.25   ? VoteCast::kNo
                                                  : VoteCast::kAbstain;
    }
  }
  return m;
}

struct Fixture {
  VoteMatrix matrix;
  VoteBits bits;
};

const Fixture& Data(size_t roll_calls) {
  static std::map<size_t, Fixture> cache;
  auto it = cache.find(roll_calls);
  if (it == cache.end()) {
    VoteMatrix m = Synthetic(roll_calls);
    auto bits = VoteBits::Build(m);
    it = cache.emplace(roll_calls, Fixture{std::move(m), std::move(bits).value()}).first;
  }
  return it->second;
}

// 0: a period (the middle third, contiguous); 1: scattered (about one roll call in five, as a
// text query on titles picks them); 2: one roll call (the fixed cost: the 200 x 200 result).
std::vector<uint32_t> Subset(size_t roll_calls, int64_t kind) {
  if (kind == 2) return {static_cast<uint32_t>(roll_calls / 2)};
  std::vector<uint32_t> sel;
  std::mt19937 rng(7);
  for (uint32_t r = 0; r < roll_calls; ++r) {
    if (kind == 0 ? (r >= roll_calls / 3 && r < 2 * roll_calls / 3) : rng() % 5 == 0)
      sel.push_back(r);
  }
  return sel;
}

void BM_VoteBits_Build(benchmark::State& state) {
  const VoteMatrix& m = Data(static_cast<size_t>(state.range(0))).matrix;
  for (auto _ : state) {
    auto bits = VoteBits::Build(m);
    benchmark::DoNotOptimize(bits);
  }
}
BENCHMARK(BM_VoteBits_Build)->Arg(1705)->Arg(17050)->Unit(benchmark::kMillisecond);

void BM_AgreementMatrix_AllRollCalls(benchmark::State& state) {
  const Fixture& f = Data(static_cast<size_t>(state.range(0)));
  const auto all = AllRollCalls(f.matrix.roll_calls);
  for (auto _ : state) {
    auto m = f.bits.Matrix(all);
    benchmark::DoNotOptimize(m);
  }
  state.counters["pairs"] = static_cast<double>(kStates * (kStates + 1) / 2);
}
BENCHMARK(BM_AgreementMatrix_AllRollCalls)->Arg(1705)->Arg(17050)->Unit(benchmark::kMicrosecond);

void BM_AgreementMatrix_Subset(benchmark::State& state) {
  const Fixture& f = Data(static_cast<size_t>(state.range(0)));
  const auto sel = Subset(f.matrix.roll_calls, state.range(1));
  for (auto _ : state) {
    auto m = f.bits.Matrix(sel);
    benchmark::DoNotOptimize(m);
  }
  const int64_t kind = state.range(1);
  state.SetLabel(kind == 0 ? "period (middle third)" : kind == 1 ? "scattered (1 in 5)" : "one");
  state.counters["roll_calls"] = static_cast<double>(sel.size());
}
BENCHMARK(BM_AgreementMatrix_Subset)
    ->Args({1705, 0})
    ->Args({1705, 1})
    ->Args({1705, 2})
    ->Args({17050, 0})
    ->Args({17050, 1})
    ->Unit(benchmark::kMicrosecond);

// The straightforward loop over the byte matrix every pair, for the ratio.
void BM_AgreementMatrix_NaiveBytes(benchmark::State& state) {
  const VoteMatrix& m = Data(static_cast<size_t>(state.range(0))).matrix;
  std::vector<uint32_t> both(kStates * kStates), alike(kStates * kStates);
  auto voted = [](VoteCast c) {
    return c == VoteCast::kYes || c == VoteCast::kNo || c == VoteCast::kAbstain;
  };
  for (auto _ : state) {
    for (size_t a = 0; a < kStates; ++a)
      for (size_t b = a; b < kStates; ++b) {
        uint32_t n = 0, same = 0;
        const VoteCast* x = m.votes.data() + a * m.roll_calls;
        const VoteCast* y = m.votes.data() + b * m.roll_calls;
        for (size_t r = 0; r < m.roll_calls; ++r) {
          const bool counted = voted(x[r]) && voted(y[r]);
          n += counted;
          same += counted && x[r] == y[r];
        }
        both[a * kStates + b] = both[b * kStates + a] = n;
        alike[a * kStates + b] = alike[b * kStates + a] = same;
      }
    benchmark::DoNotOptimize(both.data());
    benchmark::DoNotOptimize(alike.data());
  }
}
BENCHMARK(BM_AgreementMatrix_NaiveBytes)->Arg(1705)->Arg(17050)->Unit(benchmark::kMicrosecond);

void BM_MostAlike_AllRollCalls(benchmark::State& state) {
  const Fixture& f = Data(static_cast<size_t>(state.range(0)));
  const auto all = AllRollCalls(f.matrix.roll_calls);
  for (auto _ : state) {
    auto n = f.bits.MostAlike(17, all);
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_MostAlike_AllRollCalls)->Arg(1705)->Arg(17050)->Unit(benchmark::kMicrosecond);

// A group of 27 states (the size of the EU) over every roll call.
void BM_Cohesion_Group(benchmark::State& state) {
  const Fixture& f = Data(static_cast<size_t>(state.range(0)));
  const auto all = AllRollCalls(f.matrix.roll_calls);
  std::vector<uint32_t> group;
  for (uint32_t s = 0; s < 27; ++s) group.push_back(s * 7);
  size_t used = 0;
  for (auto _ : state) {
    auto c = openupr::analytics::GroupCohesion(f.matrix, group, all);
    used = c.ok() ? c->roll_calls_used : 0;
    benchmark::DoNotOptimize(c);
  }
  state.counters["roll_calls_used"] = static_cast<double>(used);
}
BENCHMARK(BM_Cohesion_Group)->Arg(1705)->Arg(17050)->Unit(benchmark::kMicrosecond);

void BM_IdealPoints(benchmark::State& state) {
  const Fixture& f = Data(static_cast<size_t>(state.range(0)));
  const auto all = AllRollCalls(f.matrix.roll_calls);
  size_t used = 0, placed = 0;
  for (auto _ : state) {
    auto p = openupr::analytics::ComputeIdealPoints(f.matrix, all);
    if (!p.ok()) {
      state.SkipWithError(p.status().message().c_str());
      return;
    }
    used = p->roll_calls_used;
    placed = p->points.size();
    benchmark::DoNotOptimize(p);
  }
  state.counters["roll_calls_used"] = static_cast<double>(used);
  state.counters["states_placed"] = static_cast<double>(placed);
}
BENCHMARK(BM_IdealPoints)->Arg(1705)->Arg(17050)->Unit(benchmark::kMillisecond);

// ---- The real record (../shared/data/hrc-votes, or $OPENUPR_DATA_DIR/hrc-votes) ---------------

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The record's matrix: roll calls by date then record id, states by ISO3; council marks the
// Council's roll calls (the others are the Commission's). Empty when the files do not read.
struct RealRecord {
  VoteMatrix matrix;
  std::vector<uint32_t> council;
  std::unique_ptr<VoteBits> bits;
};

const RealRecord& Real() {
  static const RealRecord record = [] {
    RealRecord rec;
    const char* env = std::getenv("OPENUPR_DATA_DIR");
    const std::string dir = std::string(env && *env ? env : OPENUPR_SHARED_DATA) + "/hrc-votes/";
    auto res =
        openupr::ingest::ParseResolutions(ReadFile(dir + "resolutions.csv"), "resolutions.csv");
    auto votes = openupr::ingest::ParseVotes(ReadFile(dir + "votes_long.csv"), "votes_long.csv");
    if (!res.errors.empty() || !votes.errors.empty() || votes.rows.empty()) {
      std::cerr << "votes_bench: the real record does not read from " << dir << "\n";
      return rec;
    }
    std::map<int64_t, const openupr::ingest::Resolution*> by_id;
    for (const auto& r : res.rows) by_id[r.record_id] = &r;
    std::set<std::pair<std::string, int64_t>> roll_calls;
    std::set<std::string> states;
    for (const auto& v : votes.rows) {
      states.insert(v.state);
      auto it = by_id.find(v.record_id);
      roll_calls.insert({it == by_id.end() ? "" : it->second->date, v.record_id});
    }
    std::map<int64_t, size_t> column;
    for (const auto& [date, id] : roll_calls) {
      auto it = by_id.find(id);
      if (it != by_id.end() && it->second->body == "Human Rights Council")
        rec.council.push_back(static_cast<uint32_t>(column.size()));
      column.emplace(id, column.size());
    }
    rec.matrix.states.assign(states.begin(), states.end());
    rec.matrix.roll_calls = roll_calls.size();
    rec.matrix.votes.assign(states.size() * roll_calls.size(), VoteCast::kAbsent);
    std::map<std::string, size_t> row;
    for (size_t s = 0; s < rec.matrix.states.size(); ++s) row[rec.matrix.states[s]] = s;
    using openupr::ingest::Vote;
    for (const auto& v : votes.rows) {
      const VoteCast c = v.vote == Vote::kYes         ? VoteCast::kYes
                         : v.vote == Vote::kNo        ? VoteCast::kNo
                         : v.vote == Vote::kAbstain   ? VoteCast::kAbstain
                         : v.vote == Vote::kNonVoting ? VoteCast::kNonVoting
                                                      : VoteCast::kBlank;
      rec.matrix.votes[row[v.state] * rec.matrix.roll_calls + column[v.record_id]] = c;
    }
    auto bits = VoteBits::Build(rec.matrix);
    if (bits.ok()) rec.bits = std::make_unique<VoteBits>(std::move(bits).value());
    return rec;
  }();
  return record;
}

const RealRecord* RealOr(benchmark::State& state) {
  if (!Real().bits) {
    state.SkipWithError("no real record (see stderr)");
    return nullptr;
  }
  return &Real();
}

// 0: every roll call (1,705: the Commission's and the Council's); 1: the Council's (1,038).
void BM_AgreementMatrix_RealRecord(benchmark::State& state) {
  const RealRecord* rec = RealOr(state);
  if (!rec) return;
  const auto sel = state.range(0) == 0 ? AllRollCalls(rec->matrix.roll_calls) : rec->council;
  for (auto _ : state) {
    auto m = rec->bits->Matrix(sel);
    benchmark::DoNotOptimize(m);
  }
  state.SetLabel(state.range(0) == 0 ? "all roll calls" : "the Council's");
  state.counters["states"] = static_cast<double>(rec->matrix.states.size());
  state.counters["roll_calls"] = static_cast<double>(sel.size());
}
BENCHMARK(BM_AgreementMatrix_RealRecord)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The Western European and others group over the Council's roll calls, and the whole Council.
void BM_Cohesion_RealWeog(benchmark::State& state) {
  const RealRecord* rec = RealOr(state);
  if (!rec) return;
  std::vector<uint32_t> weog, everyone;
  for (uint32_t s = 0; s < rec->matrix.states.size(); ++s) {
    everyone.push_back(s);
    const openupr::StateInfo* info = openupr::FindStateByIso3(rec->matrix.states[s]);
    if (info && info->region == openupr::Region::kWesternEuropeanOthers) weog.push_back(s);
  }
  double mean = 0;
  for (auto _ : state) {
    auto c = openupr::analytics::GroupCohesion(rec->matrix, weog, rec->council);
    mean = c.ok() && c->mean_ai ? *c->mean_ai : -1;
    benchmark::DoNotOptimize(c);
  }
  auto all = openupr::analytics::GroupCohesion(rec->matrix, everyone, rec->council);
  state.counters["weog_members"] = static_cast<double>(weog.size());
  state.counters["weog_mean_ai"] = mean;
  state.counters["council_mean_ai"] = all.ok() && all->mean_ai ? *all->mean_ai : -1;
}
BENCHMARK(BM_Cohesion_RealWeog)->Unit(benchmark::kMicrosecond);

void BM_IdealPoints_RealCouncil(benchmark::State& state) {
  const RealRecord* rec = RealOr(state);
  if (!rec) return;
  openupr::analytics::IdealPoints p;
  for (auto _ : state) {
    auto r = openupr::analytics::ComputeIdealPoints(rec->matrix, rec->council);
    if (!r.ok()) {
      state.SkipWithError(r.status().message().c_str());
      return;
    }
    p = std::move(r).value();
  }
  state.counters["states_placed"] = static_cast<double>(p.points.size());
  state.counters["roll_calls_used"] = static_cast<double>(p.roll_calls_used);
  state.counters["lopsided"] = static_cast<double>(p.roll_calls_lopsided);
  state.counters["explained_x"] = p.explained_x;
  state.counters["explained_y"] = p.explained_y;
}
BENCHMARK(BM_IdealPoints_RealCouncil)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

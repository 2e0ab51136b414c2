// Micro-benchmarks of the hunt hot paths: IndicatorSet lookups on a list of about a million
// entries (the target is >= 100 million lookups/s on one core) and the address scanner.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "hunt/block_scan.h"
#include "intel/indicator_set.h"

namespace {

using vigil::intel::Indicator;
using vigil::intel::IndicatorSet;

std::string V4(uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." +
         std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255);
}

struct Fixture {
  IndicatorSet set;
  std::vector<uint32_t> listed;
};

// 980,000 single addresses and 20,000 networks /8-/31, as in bench/hunt_data.cc.
const Fixture& MillionEntryList() {
  static const Fixture fixture = [] {
    std::mt19937_64 rng(1);
    Fixture f;
    std::vector<Indicator> entries;
    for (int i = 0; i < 1000000; ++i) {
      const auto ip = static_cast<uint32_t>(rng()) | 0x01000000u;
      std::string text = V4(ip);
      if (i % 50 == 0) {
        const int prefix = i < 100 ? 8 + i % 8 : 16 + static_cast<int>(rng() % 16);
        text = V4(ip & ~(0xffffffffu >> prefix)) + "/" + std::to_string(prefix);
      } else {
        f.listed.push_back(ip);
      }
      entries.push_back(vigil::intel::ParseIndicator(text).value());
    }
    f.set = IndicatorSet::Build(std::move(entries), 0);
    return f;
  }();
  return fixture;
}

// Uniformly random addresses: almost all miss, the common case when hunting.
void BM_MatchV4Random(benchmark::State& state) {
  const Fixture& f = MillionEntryList();
  std::mt19937 rng(2);
  std::vector<uint32_t> probes(1 << 16);
  for (auto& p : probes) p = static_cast<uint32_t>(rng());
  size_t i = 0, hits = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    hits += f.set.MatchV4(probes[i++ & 0xffff]) ? 1 : 0;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_MB"] = static_cast<double>(f.set.MemoryBytes()) / 1e6;
}
BENCHMARK(BM_MatchV4Random);

// Addresses that are on the list: every lookup walks to its segment.
void BM_MatchV4Listed(benchmark::State& state) {
  const Fixture& f = MillionEntryList();
  std::mt19937 rng(3);
  std::vector<uint32_t> probes(1 << 16);
  for (auto& p : probes) p = f.listed[rng() % f.listed.size()];
  size_t i = 0, hits = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    hits += f.set.MatchV4(probes[i++ & 0xffff]) ? 1 : 0;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MatchV4Listed);

// MatchV4Batch, as FindMatchedLines calls it, on batches of 4,096 addresses: uniformly random
// ones (range(0) == 0), iptables-like pairs (range(0) == 1: an internal 10.0.x.x address and a
// random one), or listed ones (range(0) == 2: every lookup walks to its entry).
void BM_MatchV4Batch(benchmark::State& state) {
  const Fixture& f = MillionEntryList();
  std::mt19937 rng(5);
  std::vector<uint32_t> probes(1 << 16), ids(4096);
  for (size_t i = 0; i < probes.size(); ++i) {
    probes[i] = state.range(0) == 2                 ? f.listed[rng() % f.listed.size()]
                : state.range(0) == 1 && i % 2 == 0 ? 0x0a000000u | (rng() & 0xffffu)
                                                    : static_cast<uint32_t>(rng());
  }
  size_t at = 0, hits = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    f.set.MatchV4Batch(probes.data() + at, ids.size(), ids.data());
    hits += ids[0] != IndicatorSet::kNone ? 1 : 0;
    at = (at + ids.size()) & 0xffff;
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * ids.size()));
}
BENCHMARK(BM_MatchV4Batch)->Arg(0)->Arg(1)->Arg(2);

// Scanning iptables-like text for addresses and looking them up.
void BM_FindMatchedLines(benchmark::State& state) {
  const Fixture& f = MillionEntryList();
  std::mt19937 rng(4);
  std::string text;
  while (text.size() < (8 << 20)) {
    text +=
        "Nov 21 08:15:01 fw01 kernel: [123456.789012] DROP-IN IN=eth0 OUT= "
        "MAC=00:16:3e:5c:1a:2b:00:16:3e:aa:bb:cc:08:00 SRC=" +
        V4(static_cast<uint32_t>(rng())) +
        " DST=10.0.1.5 LEN=60 TOS=0x00 PREC=0x00 TTL=50 "
        "ID=54321 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0\n";
  }
  size_t lines = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    lines += vigil::hunt::FindMatchedLines(text, f.set).size();
  }
  benchmark::DoNotOptimize(lines);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_FindMatchedLines);

// The real benchmark inputs (bench/hunt_bench.sh), when VIGIL_HUNT_DATA names their directory:
// its list.txt, and the first 256 MB of a log scanned in 8 MB blocks as `vigil hunt` does (line
// count and matched lines; no output). CPU time per byte, list loading excluded.
struct DataFixture {
  IndicatorSet set;
  std::string iptables, fortigate;
};
const DataFixture* BenchData() {
  static const DataFixture* data = []() -> const DataFixture* {
    const char* dir = std::getenv("VIGIL_HUNT_DATA");
    if (dir == nullptr) return nullptr;
    auto* d = new DataFixture;
    std::ifstream list(std::string(dir) + "/list.txt");
    IndicatorSet::Builder builder(0);
    for (std::string line; std::getline(list, line);) {
      if (line.empty() || line[0] == '#') continue;
      auto entry = vigil::intel::ParseIndicator(line);
      if (entry.ok()) builder.Add(std::move(entry.value()));
    }
    d->set = std::move(builder).Finish();
    for (auto [name, text] :
         {std::pair{"/iptables.log", &d->iptables}, std::pair{"/fortigate.log", &d->fortigate}}) {
      std::ifstream log(std::string(dir) + name, std::ios::binary);
      text->resize(size_t{256} << 20);
      log.read(text->data(), static_cast<std::streamsize>(text->size()));
      text->resize(static_cast<size_t>(log.gcount()));
      text->resize(text->rfind('\n') + 1);
    }
    return d;
  }();
  return data;
}

void ScanLog(benchmark::State& state, const std::string DataFixture::*log) {
  const DataFixture* d = BenchData();
  if (d == nullptr) {
    state.SkipWithError("set VIGIL_HUNT_DATA to bench/hunt_bench.sh's data directory");
    return;
  }
  const std::string& text = d->*log;
  constexpr size_t kBlock = size_t{8} << 20;
  uint64_t lines = 0, matched = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    for (size_t at = 0; at < text.size();) {
      size_t end = std::min(text.size(), at + kBlock);
      end = text.find('\n', end - 1) + 1;
      const std::string_view block(text.data() + at, end - at);
      uint64_t block_lines = 0;
      matched += vigil::hunt::FindMatchedLines(block, d->set, &block_lines).size();
      lines += block_lines;
      at = end;
    }
  }
  benchmark::DoNotOptimize(lines);
  state.counters["matched_lines"] =
      static_cast<double>(matched) / static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
void BM_HuntIptablesFile(benchmark::State& state) { ScanLog(state, &DataFixture::iptables); }
void BM_HuntFortigateFile(benchmark::State& state) { ScanLog(state, &DataFixture::fortigate); }
BENCHMARK(BM_HuntIptablesFile)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HuntFortigateFile)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

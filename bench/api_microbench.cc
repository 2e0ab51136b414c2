// Micro-benchmarks of the API's hot paths, below HTTP: decoding a request body, listing from the
// store, presenting and serialising records. Google Benchmark; not registered with CTest (timing
// targets live in benchmarks, never in unit tests).
//
//   build/bench/vigil_api_microbench [--benchmark_filter=StoreList] [--benchmark_repetitions=5]
//
// The store benchmarks use a temporary SQLite database built once per process: the demo province
// (server::SeedDemo) plus 10,000 assets from the same generator as vigil_bench_seed.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "bench_data.h"
#include "domain/record.h"
#include "server/api.h"
#include "server/provisioning.h"
#include "store/store.h"

namespace {

using vigil::bench::Json;
namespace domain = vigil::domain;
namespace store = vigil::store;

constexpr int kAssets = 10000;

[[noreturn]] void Die(const vigil::Status& s, const char* what) {
  std::fprintf(stderr, "vigil_api_microbench: %s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

// The shared database: demo province + kAssets assets, and the ids that scope filters use.
struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> db;
  std::vector<int64_t> province_scope;    // every organisation (a province-level user)
  std::vector<int64_t> department_scope;  // Sở KHCN and its data centre (a department user)
  std::vector<Json> asset_bodies;         // API bodies like POST /assets receives

  Fixture() {
    char tmpl[] = "/tmp/vigil-microbench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) std::exit(1);
    dir = tmpl;
    auto opened = store::OpenSqliteStore(dir / "vigil.db", 2);
    if (!opened.ok()) Die(opened.status(), "open");
    db = std::move(opened).value();
    if (auto s = vigil::server::SeedDemo(*db); !s.ok()) Die(s, "demo");

    auto tx = db->Begin(store::TxMode::kWrite);
    if (!tx.ok()) Die(tx.status(), "begin");
    auto demo = vigil::bench::ReadDemo(**tx);
    if (!demo.ok()) Die(demo.status(), "read demo");
    vigil::bench::Generator gen(42, demo->orgs, demo->systems);
    for (int i = 1; i <= kAssets; ++i) {
      Json body = gen.AssetBody(i);
      auto rec = domain::DecodeRecord(domain::kAssets, body, domain::DecodeMode::kCreate);
      if (!rec.ok()) Die(rec.status(), "decode");
      if (auto id = (*tx)->Insert(domain::kAssets, *rec); !id.ok()) Die(id.status(), "insert");
      if (asset_bodies.size() < 256) asset_bodies.push_back(std::move(body));
    }
    auto nodes = (*tx)->OrgNodes();
    if (!nodes.ok()) Die(nodes.status(), "orgs");
    int64_t science = 0;
    for (const auto& n : *nodes) {
      province_scope.push_back(n.id);
      if (n.name == "Sở Khoa học và Công nghệ") science = n.id;
    }
    for (const auto& n : *nodes) {
      if (n.id == science || n.parent_id == science) department_scope.push_back(n.id);
    }
    if (auto s = (*tx)->Commit(); !s.ok()) Die(s, "commit");
  }
  ~Fixture() {
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

Fixture& Shared() {
  static Fixture f;
  return f;
}

// A stored asset as the store returns it (every stored field, timestamps set).
Json StoredAsset() {
  auto tx = Shared().db->Begin(store::TxMode::kRead);
  auto found = (*tx)->Get(domain::kAssets, 1234);
  if (!found.ok() || !*found) std::exit(1);
  return **found;
}

void BM_DecodeRecordAsset(benchmark::State& state) {
  const auto& bodies = Shared().asset_bodies;
  size_t i = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    auto rec = domain::DecodeRecord(domain::kAssets, bodies[i++ % bodies.size()],
                                    domain::DecodeMode::kCreate);
    benchmark::DoNotOptimize(rec);
  }
}
BENCHMARK(BM_DecodeRecordAsset);

// The asset body as it arrives on the wire: JSON text parsed, then decoded.
void BM_ParseAndDecodeAsset(benchmark::State& state) {
  std::string text = Shared().asset_bodies[0].dump();
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    Json body = Json::parse(text);
    auto rec = domain::DecodeRecord(domain::kAssets, body, domain::DecodeMode::kCreate);
    benchmark::DoNotOptimize(rec);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseAndDecodeAsset);

enum ScopeKind { kNoScope = 0, kProvince = 1, kDepartment = 2 };

// One page of 100 assets with its total, as GET /api/v1/assets?limit=100 asks the store.
// Arg 0: scope (0 none / 1 every organisation / 2 one department's subtree); arg 1: offset.
void BM_StoreListAssets(benchmark::State& state) {
  Fixture& f = Shared();
  store::ListQuery q;
  q.limit = 100;
  q.offset = state.range(1);
  if (state.range(0) == kProvince) q.scope = f.province_scope;
  if (state.range(0) == kDepartment) q.scope = f.department_scope;
  int64_t rows = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    auto tx = f.db->Begin(store::TxMode::kRead);
    auto page = (*tx)->List(domain::kAssets, q);
    if (!page.ok()) state.SkipWithError(page.status().ToString().c_str());
    rows += static_cast<int64_t>(page->items.size());
    benchmark::DoNotOptimize(page);
  }
  state.counters["rows/page"] = static_cast<double>(rows) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_StoreListAssets)
    ->ArgNames({"scope", "offset"})
    ->Args({kNoScope, 0})
    ->Args({kProvince, 0})
    ->Args({kDepartment, 0})
    ->Args({kNoScope, 9000})
    ->Args({kProvince, 9000})
    ->Unit(benchmark::kMicrosecond);

// The same page without the COUNT(*) that fills `total`.
void BM_StoreListAssetsNoTotal(benchmark::State& state) {
  Fixture& f = Shared();
  store::ListQuery q;
  q.limit = 100;
  q.count_total = false;
  if (state.range(0) == kProvince) q.scope = f.province_scope;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    auto tx = f.db->Begin(store::TxMode::kRead);
    auto page = (*tx)->List(domain::kAssets, q);
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_StoreListAssetsNoTotal)
    ->ArgName("scope")
    ->Arg(kNoScope)
    ->Arg(kProvince)
    ->Unit(benchmark::kMicrosecond);

// ?q=ketoan: instr() over the folded search_text of every row (COUNT, then the page).
void BM_StoreSearchAssets(benchmark::State& state) {
  Fixture& f = Shared();
  store::ListQuery q;
  q.limit = 100;
  q.search = "ketoan";
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    auto tx = f.db->Begin(store::TxMode::kRead);
    auto page = (*tx)->List(domain::kAssets, q);
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_StoreSearchAssets)->Unit(benchmark::kMicrosecond);

// GET /api/v1/assets/{id}: one row by primary key.
void BM_StoreGetAsset(benchmark::State& state) {
  Fixture& f = Shared();
  int64_t id = 1;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    auto tx = f.db->Begin(store::TxMode::kRead);
    auto found = (*tx)->Get(domain::kAssets, id);
    benchmark::DoNotOptimize(found);
    id = id % kAssets + 1;
  }
}
BENCHMARK(BM_StoreGetAsset)->Unit(benchmark::kMicrosecond);

// Every authenticated request loads the organisation tree.
void BM_StoreOrgNodes(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    auto tx = f.db->Begin(store::TxMode::kRead);
    auto nodes = (*tx)->OrgNodes();
    benchmark::DoNotOptimize(nodes);
  }
}
BENCHMARK(BM_StoreOrgNodes)->Unit(benchmark::kMicrosecond);

void BM_PresentRecordAsset(benchmark::State& state) {
  Json stored = StoredAsset();
  vigil::server::ApiSettings settings;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    Json view = vigil::server::PresentRecord(domain::kAssets, stored, settings);
    benchmark::DoNotOptimize(view);
  }
}
BENCHMARK(BM_PresentRecordAsset);

// Systems compute next_assessment_due on the way out.
void BM_PresentRecordSystem(benchmark::State& state) {
  auto tx = Shared().db->Begin(store::TxMode::kRead);
  auto found = (*tx)->Get(domain::kSystems, 2);
  if (!found.ok() || !*found) std::exit(1);
  Json stored = **found;
  tx->reset();
  vigil::server::ApiSettings settings;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    Json view = vigil::server::PresentRecord(domain::kSystems, stored, settings);
    benchmark::DoNotOptimize(view);
  }
}
BENCHMARK(BM_PresentRecordSystem);

// A full list answer minus HTTP: 100 stored assets presented, wrapped and serialised as
// JsonResponse does.
void BM_PresentAndDumpPage100(benchmark::State& state) {
  Fixture& f = Shared();
  store::ListQuery q;
  q.limit = 100;
  auto tx = f.db->Begin(store::TxMode::kRead);
  auto page = (*tx)->List(domain::kAssets, q);
  if (!page.ok()) std::exit(1);
  tx->reset();
  vigil::server::ApiSettings settings;
  size_t bytes = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    Json items = Json::array();
    for (const Json& rec : page->items) {
      items.push_back(vigil::server::PresentRecord(domain::kAssets, rec, settings));
    }
    Json out = {{"items", std::move(items)}, {"limit", 100}, {"offset", 0}, {"total", kAssets}};
    std::string text = out.dump(-1, ' ', false, Json::error_handler_t::replace);
    bytes += text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_PresentAndDumpPage100)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();

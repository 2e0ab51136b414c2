// vigil_bench_seed: fills a data directory with a realistic volume of assets and audit entries
// for the API benchmark (bench/api_bench.sh).
//
//   vigil admin init --data DIR ... && vigil admin demo --data DIR
//   vigil_bench_seed --data DIR --assets 10000 --audit 100000 [--seed 42] [--batch 10000]
//
// Rows go through the real write path a client's request takes below the HTTP layer: each asset
// body is validated and normalised by domain::DecodeRecord and stored with Transaction::Insert;
// audit entries have the shape server::RecordAudit writes (full before/after views of the asset).
// They are spread over the demo province's organisations and information systems. The generator
// is seeded, so the same flags give the same rows (timestamps apart).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bench_data.h"
#include "core/status.h"
#include "core/time.h"
#include "domain/record.h"
#include "domain/resource.h"
#include "store/store.h"

namespace {

using vigil::Result;
using vigil::Status;
using Json = nlohmann::json;

struct Options {
  std::string data_dir;
  int64_t assets = 10000;
  int64_t audit = 100000;
  int64_t batch = 10000;
  uint64_t seed = 42;
};

void Usage(FILE* out) {
  std::fprintf(out,
               "usage: vigil_bench_seed --data DIR [--assets N] [--audit N] [--batch N] "
               "[--seed N]\n"
               "Adds N assets (default 10000) and N audit entries (default 100000) to a data\n"
               "directory that `vigil admin init` and `vigil admin demo` have prepared.\n"
               "Rows are committed in transactions of --batch rows (default 10000).\n");
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      Usage(stdout);
      std::exit(0);
    }
    if (i + 1 >= argc) return false;
    std::string v = argv[++i];
    char* end = nullptr;
    if (a == "--data") {
      o->data_dir = v;
      continue;
    }
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (end == v.c_str() || *end != '\0' || n < 0) return false;
    if (a == "--assets")
      o->assets = n;
    else if (a == "--audit")
      o->audit = n;
    else if (a == "--batch")
      o->batch = n > 0 ? n : 1;
    else if (a == "--seed")
      o->seed = static_cast<uint64_t>(n);
    else
      return false;
  }
  return !o->data_dir.empty();
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

int Fail(const Status& s) {
  std::fprintf(stderr, "vigil_bench_seed: %s\n", s.ToString().c_str());
  return 1;
}

Result<int> Run(const Options& opt) {
  namespace store = vigil::store;
  namespace domain = vigil::domain;
  std::filesystem::path db = std::filesystem::path(opt.data_dir) / "vigil.db";
  if (!std::filesystem::exists(db)) {
    return vigil::InvalidArgument(
        "no database; run `vigil admin init` and `vigil admin demo` "
        "first",
        db.string());
  }
  VIGIL_ASSIGN_OR_RETURN(auto st, store::OpenSqliteStore(db, 1));

  vigil::bench::DemoShape demo;
  {
    VIGIL_ASSIGN_OR_RETURN(auto tx, st->Begin(store::TxMode::kRead));
    VIGIL_ASSIGN_OR_RETURN(demo, vigil::bench::ReadDemo(*tx));
  }
  const auto& orgs = demo.orgs;
  const auto& systems = demo.systems;
  const int64_t admin_id = demo.admin_id;
  const std::string& admin_name = demo.admin_name;
  if (orgs.empty()) {
    return vigil::InvalidArgument("no organisations; run `vigil admin demo` first", opt.data_dir);
  }
  std::printf("data directory %s: %zu organisations, %zu systems\n", opt.data_dir.c_str(),
              orgs.size(), systems.size());

  vigil::bench::Generator gen(opt.seed, orgs, systems);

  // Assets, validated as the API would, in transactions of opt.batch rows.
  std::vector<Json> stored_assets;  // public views, for the audit entries
  stored_assets.reserve(static_cast<size_t>(opt.assets));
  const std::string created = vigil::NowTimestamp();
  auto t0 = std::chrono::steady_clock::now();
  for (int64_t done = 0; done < opt.assets;) {
    VIGIL_ASSIGN_OR_RETURN(auto tx, st->Begin(store::TxMode::kWrite));
    for (int64_t i = 0; i < opt.batch && done < opt.assets; ++i, ++done) {
      Json body = gen.AssetBody(done + 1);
      auto record = domain::DecodeRecord(domain::kAssets, body, domain::DecodeMode::kCreate);
      if (!record.ok()) return record.status().Within("asset " + std::to_string(done + 1));
      VIGIL_ASSIGN_OR_RETURN(int64_t id, tx->Insert(domain::kAssets, *record));
      Json view = *record;
      view["id"] = id;
      view["created_at"] = created;
      view["updated_at"] = created;
      stored_assets.push_back(std::move(view));
    }
    VIGIL_RETURN_IF_ERROR(tx->Commit());
  }
  double asset_seconds = Seconds(t0);
  std::printf("inserted %lld assets in %.2f s (%.0f rows/s)\n", static_cast<long long>(opt.assets),
              asset_seconds,
              asset_seconds > 0 ? static_cast<double>(opt.assets) / asset_seconds : 0.0);

  // Audit entries over the past year, oldest first, shaped like server::RecordAudit's.
  static constexpr const char* kOfficers[] = {"nguyenvanan", "tranthibinh",  "lequangcuong",
                                              "phamthudung", "hoangminhduc", "vuthiha"};
  static constexpr const char* kNewVersions[] = {
      "22.04.5", "9.5", "2022 (20348.2849)", "11 24H2 (26100.2314)", "7.2.10", "17.12.4"};
  auto now = vigil::Clock::now();
  auto span = std::chrono::seconds(int64_t{365} * 24 * 3600);
  t0 = std::chrono::steady_clock::now();
  int64_t audit_rows = 0;
  for (int64_t done = 0; done < opt.audit;) {
    VIGIL_ASSIGN_OR_RETURN(auto tx, st->Begin(store::TxMode::kWrite));
    for (int64_t i = 0; i < opt.batch && done < opt.audit; ++i, ++done) {
      auto at = now - span + span * done / std::max<int64_t>(opt.audit, 1);
      bool by_admin = gen.Chance(0.4);
      Json entry = {{"at", vigil::FormatTimestamp(at)},
                    {"actor", by_admin ? admin_name : std::string(gen.Pick(kOfficers))},
                    {"actor_id", by_admin && admin_id > 0 ? Json(admin_id) : Json(nullptr)},
                    {"remote_ip", "10.10.2." + std::to_string(gen.Uniform(2, 250))}};
      int64_t r = gen.Uniform(0, 99);
      if (r < 10 || stored_assets.empty()) {
        entry.update({{"action", "login"},
                      {"kind", "session"},
                      {"object_id", nullptr},
                      {"org_id", nullptr},
                      {"before", nullptr},
                      {"after", nullptr}});
      } else {
        const Json& asset = stored_assets[static_cast<size_t>(
            gen.Uniform(0, static_cast<int64_t>(stored_assets.size()) - 1))];
        Json before = asset, after = asset;
        std::string action = r < 75 ? "update" : r < 92 ? "create" : r < 97 ? "import" : "delete";
        if (action == "update") {
          after["os_version"] = gen.Pick(kNewVersions);
        } else if (action == "delete") {
          after = nullptr;
        } else {
          before = nullptr;
        }
        entry.update({{"action", action},
                      {"kind", "assets"},
                      {"object_id", asset["id"]},
                      {"org_id", asset["org_id"]},
                      {"before", before},
                      {"after", after}});
      }
      VIGIL_RETURN_IF_ERROR(tx->Insert(domain::kAudit, entry).status());
      ++audit_rows;
    }
    VIGIL_RETURN_IF_ERROR(tx->Commit());
  }
  double audit_seconds = Seconds(t0);
  std::printf("inserted %lld audit entries in %.2f s (%.0f rows/s)\n",
              static_cast<long long>(audit_rows), audit_seconds,
              audit_seconds > 0 ? static_cast<double>(audit_rows) / audit_seconds : 0.0);
  std::error_code ec;
  auto size = std::filesystem::file_size(db, ec);
  if (!ec)
    std::printf("database %s: %.1f MiB\n", db.c_str(),
                static_cast<double>(size) / (1024.0 * 1024.0));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!ParseArgs(argc, argv, &opt)) {
    Usage(stderr);
    return 2;
  }
  auto t0 = std::chrono::steady_clock::now();
  Result<int> rc = Run(opt);
  if (!rc.ok()) return Fail(rc.status());
  std::printf("seeding took %.2f s\n", Seconds(t0));
  return *rc;
}

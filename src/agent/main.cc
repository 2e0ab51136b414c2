// vigil-agent: the endpoint agent (docs/AGENT.md).
//
//   vigil-agent [--home DIR] enroll --server URL --token TOKEN [--ca-file PEM]
//   vigil-agent [--home DIR] run [--once]
//   vigil-agent [--home DIR] scan PATH... [--no-report]
//   vigil-agent scan --rules-dir DIR [--cache FILE | --no-cache] [--threads N] PATH...
//   vigil-agent [--home DIR] status
//
// Exit codes: 0 done (scan: nothing found), 1 scan found something, 2 usage or setup error,
// 3 the server refused the agent (revoked, bad token), 4 the server could not be reached.

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "agent/agent.h"
#include "agent/scan/scan_cache.h"
#include "http/tls.h"

namespace {

using vigil::Status;
using vigil::StatusCode;
using vigil::agent::Json;

std::atomic<bool> g_stop{false};

int Fail(const Status& s) {
  std::fprintf(stderr, "vigil-agent: %s\n", s.ToString().c_str());
  switch (s.code()) {
    case StatusCode::kUnauthenticated:
    case StatusCode::kPermissionDenied:
      return 3;
    case StatusCode::kUnavailable:
    case StatusCode::kResourceExhausted:
      return 4;
    default:
      return 2;
  }
}

void PrintDetection(const vigil::agent::Detection& d, const std::string& vault_id) {
  Json line = {{"path", d.path},     {"rule", d.rule}, {"kind", d.kind},
               {"sha256", d.sha256}, {"size", d.size}, {"label", d.label}};
  if (!vault_id.empty()) line["quarantine_id"] = vault_id;
  std::printf("%s\n", line.dump(-1, ' ', false, Json::error_handler_t::replace).c_str());
}

void PrintSummary(const vigil::agent::ScanStats& s, size_t detections) {
  std::fprintf(stderr,
               "vigil-agent scan: %llu files seen, %llu scanned, %llu unchanged (skipped), %llu "
               "too large, %llu errors, %.1f MB in %.2f s, %zu detections\n",
               static_cast<unsigned long long>(s.files_seen),
               static_cast<unsigned long long>(s.files_scanned),
               static_cast<unsigned long long>(s.files_unchanged),
               static_cast<unsigned long long>(s.files_too_large),
               static_cast<unsigned long long>(s.errors),
               static_cast<double>(s.bytes_scanned) / 1e6, s.seconds, detections);
}

// A scan with a rule folder and no server: for responders and benchmarks.
int StandaloneScan(const std::string& rules_dir, const std::string& cache_file, int threads,
                   const std::vector<std::string>& paths) {
  auto sources = vigil::agent::ReadRuleSources(rules_dir);
  if (!sources.ok()) return Fail(sources.status());
  // With a cache, the compiled rules are kept beside it (keyed by the sources), as the service
  // keeps the server's: an incremental rescan then compiles nothing.
  std::string key;
  for (const auto& source : *sources) key += source.name + '\0' + source.text + '\0';
  const std::string compiled_file =
      cache_file.empty() ? "" : cache_file + ".rules-" + vigil::http::Sha256Hex(key).substr(0, 16);
  std::optional<vigil::agent::CompiledRules> rules;
  if (!compiled_file.empty()) {
    std::ifstream in(compiled_file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (auto loaded = vigil::agent::CompiledRules::Deserialize(bytes); loaded.ok()) {
      rules = std::move(loaded).value();
    }
  }
  if (!rules) {
    std::vector<std::string> rejected;
    auto compiled = vigil::agent::CompileKeepingGood(*sources, &rejected);
    if (!compiled.ok()) return Fail(compiled.status());
    for (const std::string& r : rejected) {
      std::fprintf(stderr, "vigil-agent: skipped %s\n", r.c_str());
    }
    rules = std::move(compiled).value();
    if (!compiled_file.empty()) {
      if (auto bytes = rules->Serialize(); bytes.ok()) {
        std::ofstream(compiled_file, std::ios::binary) << *bytes;
      }
    }
  }
  std::unique_ptr<vigil::agent::ScanCache> cache;
  if (!cache_file.empty()) {
    auto opened = vigil::agent::ScanCache::Open(cache_file);
    if (!opened.ok()) return Fail(opened.status());
    cache = std::move(opened).value();
  }
  vigil::agent::ScanLimits limits;
  limits.threads = threads;
  limits.low_priority = false;  // a responder waiting for the answer; the service scans politely
  vigil::agent::FileScanner scanner(&*rules, nullptr, cache.get(), limits);
  size_t found = 0;
  const auto stats = scanner.Scan(
      paths,
      [&](const vigil::agent::Detection& d) {
        ++found;
        PrintDetection(d, "");
      },
      [](const std::string& path, const std::string& message) {
        std::fprintf(stderr, "vigil-agent: %s: %s\n", path.c_str(), message.c_str());
      });
  if (cache) {
    if (Status flushed = cache->Flush(); !flushed.ok()) return Fail(flushed);
  }
  PrintSummary(stats, found);
  return found > 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vigil-agent: inventory, malware scanning and quarantine for Vigil"};
  app.require_subcommand(1);
  std::string home = vigil::agent::DefaultHome();
  std::string root = "/";
  app.add_option("--home", home,
                 "State directory (default: $VIGIL_AGENT_HOME or /var/lib/vigil-agent)");
  app.add_option("--root", root, "Read the inventory under this directory instead of / (tests)");

  vigil::agent::EnrollOptions enroll;
  CLI::App* enroll_cmd = app.add_subcommand("enroll", "Enrol this host with a one-time token");
  enroll_cmd->add_option("--server", enroll.server, "The Vigil server's URL")->required();
  enroll_cmd->add_option("--token", enroll.token, "Enrolment token from the console")->required();
  enroll_cmd->add_option("--ca-file", enroll.ca_file,
                         "PEM file to trust for the first contact (when the token carries no "
                         "certificate digest)");

  bool once = false;
  CLI::App* run_cmd = app.add_subcommand("run", "The service: heartbeats, inventory, scans, tasks");
  run_cmd->add_flag("--once", once, "One round with the server, then exit");

  std::vector<std::string> paths;
  bool no_report = false, no_cache = false;
  std::string rules_dir, cache_file;
  int threads = 1;
  CLI::App* scan_cmd = app.add_subcommand("scan", "Scan files and directories now");
  scan_cmd->add_option("paths", paths, "Files or directories")->required();
  scan_cmd->add_flag("--no-report", no_report, "Do not send the findings to the server now");
  scan_cmd->add_option("--rules-dir", rules_dir,
                       "Scan with the .yar files of this folder, without a server");
  scan_cmd->add_option("--cache", cache_file, "With --rules-dir: incremental scan cache file");
  scan_cmd->add_flag("--no-cache", no_cache, "Scan every file, even unchanged ones");
  scan_cmd->add_option("--threads", threads, "With --rules-dir: scanning threads")
      ->check(CLI::Range(1, 64));

  CLI::App* status_cmd = app.add_subcommand("status", "Show the enrolment and the queue");
  CLI11_PARSE(app, argc, argv);

  if (*enroll_cmd) {
    enroll.root = root;
    auto state = vigil::agent::Enroll(home, enroll);
    if (!state.ok()) return Fail(state.status());
    std::printf("enrolled as agent %lld (%s) with %s\n",
                static_cast<long long>((*state)["agent_id"].get<int64_t>()),
                (*state)["name"].get<std::string>().c_str(), enroll.server.c_str());
    return 0;
  }
  if (*scan_cmd && !rules_dir.empty()) {
    return StandaloneScan(rules_dir, no_cache ? "" : cache_file, threads, paths);
  }
  auto agent = vigil::agent::Agent::Open(home, root);
  if (!agent.ok()) return Fail(agent.status());
  if (*status_cmd) {
    Json state = (*agent)->state();
    state.erase("secret");
    auto queued = (*agent)->queue().Size();
    state["queued_events"] = queued.ok() ? *queued : -1;
    state["dropped_events"] = (*agent)->queue().dropped();
    std::printf("%s\n", state.dump(2).c_str());
    return 0;
  }
  if (*scan_cmd) {
    auto report = (*agent)->Scan(paths, 0, !no_cache, {});
    if (!report.ok()) return Fail(report.status());
    for (size_t i = 0; i < report->detections.size(); ++i) {
      PrintDetection(report->detections[i], report->quarantined[i]);
    }
    PrintSummary(report->stats, report->detections.size());
    if (!no_report) {
      if (Status sent = (*agent)->Deliver(); !sent.ok()) {
        std::fprintf(stderr, "vigil-agent: findings queued, not yet sent: %s\n",
                     sent.ToString().c_str());
      }
    }
    return report->detections.empty() ? 0 : 1;
  }
  if (once) {
    Status s = (*agent)->Cycle(/*force_inventory=*/true);
    return s.ok() ? 0 : Fail(s);
  }
  std::signal(SIGTERM, [](int) { g_stop = true; });
  std::signal(SIGINT, [](int) { g_stop = true; });
  Status s = (*agent)->Run(g_stop);
  return s.ok() ? 0 : Fail(s);
}

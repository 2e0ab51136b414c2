#include "cli/hunt_cmd.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "core/time.h"
#include "domain/resource.h"
#include "events/event_store.h"
#include "hunt/attribute.h"
#include "hunt/hunt.h"
#include "intel/import.h"
#include "intel/indicator_set.h"
#include "server/event_scan.h"
#include "store/store.h"

namespace vigil::cli {
namespace {

using Seconds = std::chrono::duration<double>;

int Error(const Status& status) {
  std::fprintf(stderr, "vigil: %s\n",
               status.where().empty() ? status.message().c_str()
                                      : (status.where() + ": " + status.message()).c_str());
  return 2;
}

std::string Bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), unit == 0 ? "%.0f %s" : "%.2f %s", bytes, units[unit]);
  return text;
}

// List flags take one file each (repeat the flag for more), so that they never swallow the logs.
void AddListFlags(CLI::App* command, ListFlags* flags, const char* list_flag, const char* what) {
  command->add_option(list_flag, flags->lists, what)
      ->required()
      ->allow_extra_args(false)
      ->check(CLI::ExistingFile);
  command
      ->add_option("--allow", flags->allow,
                   "Allow-list file (same formats): addresses and names never reported")
      ->allow_extra_args(false)
      ->check(CLI::ExistingFile);
  command
      ->add_option("--list-format", flags->list_format,
                   "Format of the list files: auto, botnet-csv, xlsx, plain, drop, drop-json, "
                   "feodo, stix, misp-csv, misp-json")
      ->capture_default_str();
  command->add_flag("--strict", flags->strict,
                    "Refuse a list with any bad entry (default: skip bad entries with a warning)");
  command
      ->add_option("--ttl-days", flags->ttl_days,
                   "Entries expire this many days after they were last seen, unless the list "
                   "says otherwise")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  command
      ->add_option("--tz", flags->tz,
                   "UTC offset for times written without one, in lists, logs and output")
      ->capture_default_str();
}

// Imports every list, handing each entry to `sink`; warnings for skipped entries go to stderr
// (the first ten of each file). Returns the number of entries read.
Result<size_t> LoadLists(const ListFlags& flags, int tz,
                         const std::function<void(intel::Indicator&&)>& sink) {
  intel::ImportOptions options;
  VIGIL_ASSIGN_OR_RETURN(options.format, intel::ParseListFormat(flags.list_format));
  options.strict = flags.strict;
  options.ttl_seconds = int64_t{flags.ttl_days} * 86400;
  options.tz_offset_seconds = tz;
  size_t count = 0;
  options.sink = [&](intel::Indicator&& entry) {
    ++count;
    sink(std::move(entry));
  };
  auto load = [&](const std::string& path, bool allow) -> Status {
    options.allow = allow;
    VIGIL_ASSIGN_OR_RETURN(auto report, intel::ImportFile(path, options));
    for (size_t i = 0; i < report.issues.size() && i < 10; ++i) {
      const auto& issue = report.issues[i];
      std::fprintf(stderr, "vigil: warning: %s:%lld%s%s: %s (skipped)\n", issue.file.c_str(),
                   static_cast<long long>(issue.line), issue.field.empty() ? "" : ": ",
                   issue.field.c_str(), issue.reason.c_str());
    }
    if (report.rejected > 10) {
      std::fprintf(stderr, "vigil: warning: %s: %lld more bad entries skipped\n", path.c_str(),
                   static_cast<long long>(report.rejected - 10));
    }
    return Status::Ok();
  };
  for (const std::string& path : flags.lists) VIGIL_RETURN_IF_ERROR(load(path, false));
  for (const std::string& path : flags.allow) VIGIL_RETURN_IF_ERROR(load(path, true));
  return count;
}

// The lists as one vector (for attribution, which needs every listing).
Result<std::vector<intel::Indicator>> ReadLists(const ListFlags& flags, int tz) {
  std::vector<intel::Indicator> all;
  VIGIL_RETURN_IF_ERROR(LoadLists(flags, tz, [&all](intel::Indicator&& entry) {
                          all.push_back(std::move(entry));
                        }).status());
  return all;
}

Result<std::optional<logs::LogFormat>> LogFormatFlag(const std::string& name) {
  if (name == "auto") return std::optional<logs::LogFormat>();
  if (auto format = logs::ParseLogFormatName(name)) return format;
  std::string known;
  for (const logs::LogFormat format : logs::AllLogFormats()) {
    known += (known.empty() ? "" : ", ") + std::string(logs::LogFormatName(format));
  }
  return InvalidArgument("unknown log format \"" + name + "\"; known: auto, " + known);
}

// The registered assets of a server's data directory, by address: {id, hostname, org_id}.
Result<std::unordered_map<std::string, nlohmann::ordered_json>> AssetsByAddress(
    const std::filesystem::path& data_dir) {
  const std::filesystem::path file = data_dir / "vigil.db";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return Status(StatusCode::kNotFound, "not a Vigil data directory (no vigil.db)",
                  data_dir.string());
  }
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store, store::OpenSqliteStore(file, 1));
  VIGIL_ASSIGN_OR_RETURN(auto tx, store->Begin(store::TxMode::kRead));
  store::ListQuery all;
  all.limit = INT64_MAX;
  all.count_total = false;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage assets, tx->List(domain::kAssets, all));
  std::unordered_map<std::string, nlohmann::ordered_json> by_address;
  for (const nlohmann::json& a : assets.items) {
    auto ips = a.find("ips");
    if (ips == a.end() || !ips->is_array()) continue;
    nlohmann::ordered_json named = {
        {"id", a["id"]}, {"hostname", a.value("hostname", "")}, {"org_id", a["org_id"]}};
    for (const nlohmann::json& ip : *ips) {
      if (ip.is_string()) by_address.emplace(ip.get<std::string>(), named);
    }
  }
  return by_address;
}

}  // namespace

void AddHuntFlags(CLI::App* command, HuntFlags* flags) {
  AddListFlags(command, &flags->list, "--indicators",
               "Indicator list file (botnet list CSV/XLSX, plain, FireHOL, Spamhaus DROP, Feodo, "
               "STIX 2.1, MISP); repeatable");
  command
      ->add_option("--format", flags->format,
                   "Log format: auto (per file) or iptables, pfsense, fortigate, asa, "
                   "paloalto, zeek, zeek-json, eve, squid, bind, dnsmasq, generic")
      ->capture_default_str();
  command->add_option("--since", flags->since, "Only matches at or after this time");
  command->add_option("--until", flags->until, "Only matches at or before this time");
  command->add_flag("--jsonl", flags->jsonl, "One JSON object per match instead of the lines");
  command->add_option("--threads", flags->threads, "Scanning threads (default: all cores)")
      ->check(CLI::Range(0, 256));
  command->add_flag("-q,--quiet", flags->quiet, "No summary or progress on stderr");
  command->add_option("--block-kb", flags->block_kb, "Bytes per scanning block, in KiB")
      ->check(CLI::Range(1, 1 << 20))
      ->group("");
  command->add_option("LOG", flags->logs, "Log files (plain, .gz, .zst; - for standard input)")
      ->required();
}

void AddAttributeFlags(CLI::App* command, AttributeFlags* flags) {
  AddListFlags(command, &flags->list, "--listed",
               "The botnet list as received (CSV or XLSX with Vietnamese or English headers)");
  command
      ->add_option("--window", flags->window,
                   "How far from the listed time a NAT session may be (90s, 10m, 2h)")
      ->capture_default_str();
  command
      ->add_option("--format", flags->format,
                   "Session log format: auto, fortigate, asa, paloalto, ...")
      ->capture_default_str();
  command->add_option("--data", flags->data,
                      "A Vigil server's data directory: names the registered assets found, and "
                      "without LOG reads the NAT sessions from the events it stored");
  command->add_option("LOG", flags->logs, "Firewall / NAT session logs (plain, .gz, .zst)");
}

int RunHunt(const HuntFlags& flags) {
  auto tz = ParseUtcOffset(flags.list.tz);
  if (!tz.ok()) return Error(tz.status());
  auto format = LogFormatFlag(flags.format);
  if (!format.ok()) return Error(format.status());
  hunt::HuntOptions options;
  options.format = format.value();
  options.tz_offset_seconds = tz.value();
  for (const auto& [text, out] :
       {std::pair{&flags.since, &options.since}, {&flags.until, &options.until}}) {
    if (text->empty()) continue;
    auto moment = ParseMoment(*text, tz.value());
    if (!moment.ok()) return Error(moment.status());
    *out = moment.value();
  }
  options.threads = flags.threads > 0
                        ? flags.threads
                        : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.output = flags.jsonl ? hunt::OutputMode::kJsonl : hunt::OutputMode::kLines;
  options.with_file_names = flags.logs.size() > 1 && !flags.jsonl;
  options.block_bytes = flags.block_kb << 10;

  const auto load_start = std::chrono::steady_clock::now();
  intel::IndicatorSet::Builder builder(UnixNow());
  auto loaded = LoadLists(flags.list, tz.value(),
                          [&builder](intel::Indicator&& entry) { builder.Add(std::move(entry)); });
  if (!loaded.ok()) return Error(loaded.status());
  const intel::IndicatorSet set = std::move(builder).Finish();
  const double load_seconds = Seconds(std::chrono::steady_clock::now() - load_start).count();
  if (!flags.quiet) {
    std::fprintf(
        stderr,
        "vigil hunt: list: %zu entries (%zu active, %zu expired) loaded in %.2f s, %s in memory\n",
        loaded.value(), set.active(), set.expired(), load_seconds,
        Bytes(static_cast<double>(set.MemoryBytes())).c_str());
  }

  hunt::Hunter hunter(set, options, stdout);
  const bool progress = !flags.quiet && isatty(STDERR_FILENO) != 0;
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  int status = 1;
  for (const std::string& path : flags.logs) {
    if (progress) {
      hunter.on_progress = [&](uint64_t done, uint64_t total) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last < std::chrono::milliseconds(250)) return;
        last = now;
        const double rate = static_cast<double>(hunter.stats().bytes) /
                            std::max(1e-9, Seconds(now - start).count());
        std::fprintf(stderr, "\r\033[K%s: %s%s%s, %s/s, %llu matches", path.c_str(),
                     Bytes(static_cast<double>(done)).c_str(), total ? " / " : "",
                     total ? Bytes(static_cast<double>(total)).c_str() : "", Bytes(rate).c_str(),
                     static_cast<unsigned long long>(hunter.stats().matches));
      };
    }
    if (Status s = hunter.HuntPath(path); !s.ok()) {
      if (progress) std::fprintf(stderr, "\r\033[K");
      Error(s);
      status = 2;
    }
  }
  std::fflush(stdout);
  const double seconds = Seconds(std::chrono::steady_clock::now() - start).count();
  const hunt::HuntStats& stats = hunter.stats();
  if (progress) std::fprintf(stderr, "\r\033[K");
  if (!flags.quiet) {
    std::fprintf(stderr,
                 "vigil hunt: %llu files, %s, %llu lines, %llu matches on %llu lines, "
                 "%llu malformed, %llu outside the time range, %.2f s (%s/s, %d threads)\n",
                 static_cast<unsigned long long>(stats.files),
                 Bytes(static_cast<double>(stats.bytes)).c_str(),
                 static_cast<unsigned long long>(stats.lines),
                 static_cast<unsigned long long>(stats.matches),
                 static_cast<unsigned long long>(stats.matched_lines),
                 static_cast<unsigned long long>(stats.malformed),
                 static_cast<unsigned long long>(stats.filtered), seconds,
                 Bytes(static_cast<double>(stats.bytes) / std::max(seconds, 1e-9)).c_str(),
                 options.threads);
  }
  if (status == 2) return 2;
  return stats.matched_lines > 0 ? 0 : 1;
}

int RunAttribute(const AttributeFlags& flags) {
  auto tz = ParseUtcOffset(flags.list.tz);
  if (!tz.ok()) return Error(tz.status());
  auto format = LogFormatFlag(flags.format);
  if (!format.ok()) return Error(format.status());
  auto window = ParseDuration(flags.window);
  if (!window.ok()) return Error(window.status());
  auto listings = ReadLists(flags.list, tz.value());
  if (!listings.ok()) return Error(listings.status());

  if (flags.logs.empty() && flags.data.empty()) {
    return Error(
        InvalidArgument("give the NAT session logs (LOG...) or a server's data "
                        "directory (--data DIR)"));
  }

  hunt::AttributeOptions options;
  options.window_seconds = window.value();
  options.format = format.value();
  options.tz_offset_seconds = tz.value();
  hunt::NatAttributor attributor(listings.value(), options);
  for (const std::string& log : flags.logs) {
    if (Status s = attributor.AddLog(log, log); !s.ok()) return Error(s);
  }
  std::unordered_map<std::string, nlohmann::ordered_json> assets;
  server::EventScanStats scanned;
  if (!flags.data.empty()) {
    auto found = AssetsByAddress(flags.data);
    if (!found.ok()) return Error(found.status());
    assets = std::move(found).value();
    if (flags.logs.empty()) {
      const std::filesystem::path file = std::filesystem::path(flags.data) / "events.db";
      std::error_code ec;
      if (!std::filesystem::is_regular_file(file, ec)) {
        return Error(Status(StatusCode::kNotFound, "no stored events (events.db)", flags.data));
      }
      auto store = events::EventStore::Open(file);
      if (!store.ok()) return Error(store.status());
      auto scan = server::AttributeFromEvents(**store, listings.value(), options.window_seconds,
                                              std::nullopt, &attributor);
      if (!scan.ok()) return Error(scan.status());
      scanned = *scan;
    }
  }
  const hunt::AttributeStats& stats = attributor.stats();
  const std::vector<hunt::Attribution> results = attributor.Results();
  size_t attributed = 0;
  for (const hunt::Attribution& a : results) {
    nlohmann::ordered_json out;
    const intel::Indicator& listing = *a.listing;
    out["listed_ip"] = listing.value;
    out["listed_time"] = listing.first_seen != 0
                             ? nlohmann::ordered_json(FormatMoment(listing.first_seen, tz.value()))
                             : nlohmann::ordered_json();
    if (listing.port > 0) out["listed_port"] = listing.port;
    if (listing.dest_ip) out["listed_dest_ip"] = FormatIp(*listing.dest_ip);
    if (listing.dest_port > 0) out["listed_dest_port"] = listing.dest_port;
    if (!listing.family.empty()) out["family"] = listing.family;
    if (a.internal_ip) {
      ++attributed;
      out["internal_ip"] = FormatIp(*a.internal_ip);
      if (!a.internal_ports.empty()) out["internal_ports"] = a.internal_ports;
      out["method"] = a.method;
      out["rank"] = a.rank;
      out["sessions"] = a.sessions;
      out["nearest_seconds"] = a.nearest_seconds;
      out["evidence"] = a.evidence;
      if (auto asset = assets.find(FormatIp(*a.internal_ip)); asset != assets.end()) {
        out["asset"] = asset->second;
      }
    } else {
      out["internal_ip"] = nullptr;
      out["reason"] = a.reason;
    }
    std::printf("%s\n",
                out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
  }
  std::string read;
  if (flags.logs.empty()) {
    read =
        std::to_string(scanned.events) + " stored events" +
        (scanned.truncated ? " (the first " + std::to_string(server::kMaxScannedEvents) + " only)"
                           : "");
  } else {
    read = std::to_string(stats.files) + " files, " + Bytes(static_cast<double>(stats.bytes)) +
           ", " + std::to_string(stats.lines) + " lines";
  }
  std::fprintf(stderr,
               "vigil botnet attribute: %zu listings, %zu attributions; %s, %llu NAT sessions "
               "behind listed addresses, %llu malformed\n",
               listings.value().size(), attributed, read.c_str(),
               static_cast<unsigned long long>(stats.sessions),
               static_cast<unsigned long long>(stats.malformed));
  return attributed > 0 ? 0 : 1;
}

}  // namespace vigil::cli

#include "agent/agent.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "agent/collect/inventory.h"
#include "agent/collect/os.h"
#include "agent/scan/quarantine.h"
#include "agent/scan/scan_cache.h"
#include "core/time.h"
#include "http/tls.h"

namespace vigil::agent {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kQueueBound = 100'000;
constexpr size_t kBatch = 500;
constexpr int64_t kInventoryEverySeconds = 600;

Result<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read", path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes `data` to `path` atomically (temporary file, fsync, rename) with mode `mode`.
Status WriteAtomically(const std::string& path, std::string_view data, mode_t mode) {
  const std::string tmp = path + ".tmp";
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Internal("cannot write " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status error = Internal("cannot write " + tmp + ": " + std::strerror(errno));
      close(fd);
      return error;
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = fsync(fd) == 0;
  close(fd);
  if (!synced || rename(tmp.c_str(), path.c_str()) != 0) {
    return Internal("cannot write " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<Json> ReadJson(const std::string& path) {
  VIGIL_ASSIGN_OR_RETURN(std::string text, ReadWhole(path));
  Json value = Json::parse(text, nullptr, false);
  if (value.is_discarded()) return InvalidArgument("not valid JSON", path);
  return value;
}

// "detail" of an error answer, or the status line.
std::string ServerError(const http::ClientResponse& r) {
  Json body = Json::parse(r.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    return body["error"].value("message", "HTTP " + std::to_string(r.status));
  }
  return "HTTP " + std::to_string(r.status);
}

Status StatusOf(const http::ClientResponse& r, std::string_view what) {
  if (r.status < 300) return Status::Ok();
  const std::string why = std::string(what) + ": " + ServerError(r);
  if (r.status == 401) return Status(StatusCode::kUnauthenticated, why);
  if (r.status >= 500 || r.status == 429) return Status(StatusCode::kUnavailable, why);
  return Status(StatusCode::kInvalidArgument, why);
}

// GET /api/v1/agent/hashes's answer (also kept as hashes.json) as the scanner's indicators.
HashIndicators HashesFrom(const Json& body) {
  HashIndicators hashes;
  for (auto [kind, target] :
       {std::pair{"md5", &hashes.md5}, {"sha1", &hashes.sha1}, {"sha256", &hashes.sha256}}) {
    const auto section = body.find(kind);
    if (section == body.end() || !section->is_object()) continue;
    for (const auto& [hex, label] : section->items()) {
      (*target)[hex] = label.is_string() ? label.get<std::string>() : "";
    }
  }
  return hashes;
}

}  // namespace

std::string DefaultHome() {
  if (const char* env = std::getenv("VIGIL_AGENT_HOME"); env != nullptr && *env != '\0') {
    return env;
  }
  return "/var/lib/vigil-agent";
}

Result<Json> Enroll(const std::string& home, const EnrollOptions& options) {
  const std::string state_path = home + "/agent.json";
  if (fs::exists(state_path)) {
    return Status(StatusCode::kAlreadyExists,
                  "this home already holds an enrolled agent (remove it to enrol again)", home);
  }
  VIGIL_ASSIGN_OR_RETURN(http::ParsedUrl url, http::ParseUrl(options.server));
  std::error_code ec;
  fs::create_directories(home, ec);
  if (ec) return Internal("cannot create " + home + ": " + ec.message());
  chmod(home.c_str(), 0700);
  // The token may carry the server certificate's digest: then only that server is accepted.
  const size_t dot = options.token.find('.');
  const std::string secret = options.token.substr(0, dot);
  std::string pin = dot == std::string::npos ? "" : options.token.substr(dot + 1);
  http::ClientOptions client_options;
  client_options.ca_file = options.ca_file;
  client_options.pin_sha256 = pin;
  client_options.user_agent = "vigil-agent/" VIGIL_AGENT_VERSION;
  http::Client client(client_options);

  const auto os = RootedOs(options.root);
  std::vector<std::string> warnings;
  Json inventory = CollectInventory(*os, {.hash_processes = false});
  const Json& system = inventory["system"];
  std::string hostname = system.value("hostname", Json()).is_string()
                             ? system["hostname"].get<std::string>()
                             : std::string();
  if (hostname.empty()) {
    char name[256] = {0};
    gethostname(name, sizeof name - 1);
    hostname = name;
  }
  Json addresses = Json::array();
  for (const Json& a : inventory.value("addresses", Json::array())) {
    if (a.is_object() && a.value("ip", Json()).is_string() && !a.value("loopback", false)) {
      addresses.push_back(a["ip"]);
    }
  }
  auto text_of = [&](const char* name) {
    return system.value(name, Json()).is_string() ? system[name].get<std::string>() : "";
  };
  const Json request = {
      {"token", secret},
      {"hostname", hostname},
      {"os",
       text_of("os_name") + (text_of("os_version").empty() ? "" : " " + text_of("os_version"))},
      {"kernel", text_of("kernel")},
      {"version", VIGIL_AGENT_VERSION},
      {"addresses", addresses}};
  std::string base = options.server;
  while (!base.empty() && base.back() == '/') base.pop_back();
  VIGIL_ASSIGN_OR_RETURN(http::ClientResponse r, client.Post(base + "/api/v1/agent/enroll",
                                                             "application/json", request.dump()));
  VIGIL_RETURN_IF_ERROR(StatusOf(r, "enrolment refused"));
  Json answer = Json::parse(r.body, nullptr, false);
  if (!answer.is_object() || !answer.value("secret", Json()).is_string()) {
    return Internal("the server's answer to the enrolment is not understood");
  }
  // Without a digest in the token, the certificate verified now is pinned for the future.
  if (url.tls && pin.empty()) pin = client.PeerCertificateSha256();
  Json state = {{"server", base},
                {"agent_id", answer["agent_id"]},
                {"name", answer.value("name", hostname)},
                {"org_id", answer.value("org_id", Json())},
                {"secret", answer["secret"]},
                {"pin_sha256", pin},
                {"ca_file", options.ca_file},
                {"enrolled_at", NowTimestamp()},
                {"last_scheduled_scan", UnixNow()},
                {"settings", answer.value("settings", Json::object())}};
  VIGIL_RETURN_IF_ERROR(WriteAtomically(state_path, state.dump(2), 0600));
  return state;
}

Agent::Agent(std::string home, std::string root, Json state, std::unique_ptr<EventQueue> queue)
    : home_(std::move(home)),
      root_(std::move(root)),
      state_(std::move(state)),
      queue_(std::move(queue)) {
  settings_ = state_.value("settings", Json::object());
  http::ClientOptions options;
  options.pin_sha256 = state_.value("pin_sha256", "");
  options.ca_file = state_.value("ca_file", "");
  options.timeout = std::chrono::seconds(60);
  options.user_agent = "vigil-agent/" VIGIL_AGENT_VERSION;
  options.max_response_bytes = size_t{256} << 20;  // compiled rule sets can be large
  client_ = std::make_unique<http::Client>(options);
}

Agent::~Agent() = default;

Result<std::unique_ptr<Agent>> Agent::Open(const std::string& home, std::string root) {
  auto state = ReadJson(home + "/agent.json");
  if (!state.ok()) {
    return Status(StatusCode::kFailedPrecondition,
                  "not enrolled: run `vigil-agent enroll --server URL --token TOKEN` first", home);
  }
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<EventQueue> queue,
                         EventQueue::Open(home + "/queue.db", kQueueBound));
  std::unique_ptr<Agent> agent(
      new Agent(home, std::move(root), std::move(state).value(), std::move(queue)));
  if (auto hashes = ReadJson(home + "/hashes.json"); hashes.ok()) {
    agent->hashes_ = HashesFrom(*hashes);
  }
  return agent;
}

Status Agent::SaveState() {
  state_["settings"] = settings_;
  return WriteAtomically(home_ + "/agent.json", state_.dump(2), 0600);
}

Result<http::ClientResponse> Agent::Call(std::string_view method, std::string_view path,
                                         const Json* body) {
  const std::string url = state_.value("server", "") + std::string(path);
  const http::ClientHeaders headers = {{"Authorization", "Bearer " + state_.value("secret", "")}};
  return client_->Request(method, url, body ? "application/json" : "",
                          body ? body->dump(-1, ' ', false, Json::error_handler_t::replace) : "",
                          headers);
}

const CompiledRules& Agent::rules() {
  if (!rules_) {
    // The last rules received, else the EICAR test rule alone (so a scan always runs).
    if (auto bytes = ReadWhole(home_ + "/rules.bin"); bytes.ok()) {
      if (auto loaded = CompiledRules::Deserialize(*bytes); loaded.ok()) {
        rules_ = std::make_unique<CompiledRules>(std::move(loaded).value());
      }
    }
    if (!rules_) {
      auto eicar = CompiledRules::Compile({{"eicar.yar", std::string(EicarRuleSource())}});
      rules_ = std::make_unique<CompiledRules>(std::move(eicar).value());
    }
  }
  return *rules_;
}

Status Agent::UpdateRules(const std::string& version) {
  if (version.empty() || version == rules().version()) return Status::Ok();
  VIGIL_ASSIGN_OR_RETURN(http::ClientResponse r, Call("GET", "/api/v1/agent/rules", nullptr));
  VIGIL_RETURN_IF_ERROR(StatusOf(r, "rules"));
  VIGIL_ASSIGN_OR_RETURN(CompiledRules loaded, CompiledRules::Deserialize(r.body));
  VIGIL_RETURN_IF_ERROR(WriteAtomically(home_ + "/rules.bin", r.body, 0600));
  rules_ = std::make_unique<CompiledRules>(std::move(loaded));
  return Status::Ok();
}

Status Agent::UpdateHashes(const std::string& version) {
  if (version.empty() || version == state_.value("hashes_version", "")) return Status::Ok();
  VIGIL_ASSIGN_OR_RETURN(http::ClientResponse r, Call("GET", "/api/v1/agent/hashes", nullptr));
  VIGIL_RETURN_IF_ERROR(StatusOf(r, "hash indicators"));
  Json body = Json::parse(r.body, nullptr, false);
  if (!body.is_object()) return Internal("the hash indicators are not understood");
  VIGIL_RETURN_IF_ERROR(WriteAtomically(home_ + "/hashes.json", r.body, 0600));
  hashes_ = HashesFrom(body);
  state_["hashes_version"] = version;
  return SaveState();
}

Status Agent::SendInventory() {
  const auto os = RootedOs(root_);
  const Json inventory = CollectInventory(*os);
  auto previous = ReadJson(home_ + "/inventory.json");
  const Json sent = previous.ok() && previous->is_object() ? *previous : Json::object();
  Json changed = Json::object();
  Json digests = Json::object();
  for (const auto& [name, section] : inventory.items()) {
    const std::string digest = http::Sha256Hex(section.dump());
    digests[name] = digest;
    if (sent.value(name, "") != digest) changed[name] = section;
  }
  last_inventory_ = UnixNow();
  if (changed.empty()) return Status::Ok();
  const Json body = {{"sections", changed}};
  VIGIL_ASSIGN_OR_RETURN(http::ClientResponse r, Call("PUT", "/api/v1/agent/inventory", &body));
  VIGIL_RETURN_IF_ERROR(StatusOf(r, "inventory"));
  return WriteAtomically(home_ + "/inventory.json", digests.dump(), 0600);
}

Result<ScanReport> Agent::Scan(const std::vector<std::string>& paths, int64_t task_id,
                               bool use_cache,
                               const std::function<void(const Detection&)>& on_detection) {
  ScanLimits limits;
  limits.cpu_percent = static_cast<int>(settings_.value("cpu_percent", 50));
  limits.max_file_bytes = static_cast<uint64_t>(settings_.value("max_file_mb", 64)) << 20;
  limits.exclude_prefixes.push_back(home_);  // never the vault or our own files
  std::unique_ptr<ScanCache> cache;
  if (use_cache) {
    VIGIL_ASSIGN_OR_RETURN(cache, ScanCache::Open(home_ + "/scan_cache.db"));
  }
  ScanReport report;
  FileScanner scanner(&rules(), &hashes_, cache.get(), limits);
  const std::string started = NowTimestamp();
  report.stats = scanner.Scan(paths, [&](const Detection& d) { report.detections.push_back(d); });
  if (cache) VIGIL_RETURN_IF_ERROR(cache->Flush());
  VIGIL_ASSIGN_OR_RETURN(Vault vault, Vault::Open(home_ + "/quarantine"));
  const bool quarantine = settings_.value("quarantine", true);
  for (const Detection& d : report.detections) {
    std::string vault_id;
    if (quarantine) {
      if (auto entry = vault.Quarantine(d.path, d.rule, d.sha256); entry.ok()) {
        vault_id = entry->id;
      }
    }
    report.quarantined.push_back(vault_id);
    if (on_detection) on_detection(d);
    Json event = {{"type", "detection"},
                  {"time", NowTimestamp()},
                  {"path", d.path},
                  {"rule", d.rule},
                  {"kind", d.kind},
                  {"label", d.label},
                  {"sha256", d.sha256},
                  {"size", d.size},
                  {"status", vault_id.empty() ? "detected" : "quarantined"},
                  {"quarantine_id", vault_id}};
    VIGIL_RETURN_IF_ERROR(queue_->Append(std::move(event)).status());
  }
  const ScanStats& s = report.stats;
  Json scan = {{"type", "scan"},
               {"time", NowTimestamp()},
               {"started", started},
               {"paths", paths},
               {"rules_version", rules().version()},
               {"stats",
                {{"files_seen", s.files_seen},
                 {"files_scanned", s.files_scanned},
                 {"files_unchanged", s.files_unchanged},
                 {"files_too_large", s.files_too_large},
                 {"errors", s.errors},
                 {"bytes_scanned", s.bytes_scanned},
                 {"seconds", s.seconds},
                 {"detections", report.detections.size()}}}};
  if (task_id != 0) scan["task_id"] = task_id;
  VIGIL_RETURN_IF_ERROR(queue_->Append(std::move(scan)).status());
  return report;
}

Status Agent::RunTask(const Json& task) {
  const int64_t id = task.value("id", int64_t{0});
  const std::string kind = task.value("kind", "");
  const Json args = task.value("args", Json::object());
  if (kind == "scan") {
    std::vector<std::string> paths;
    for (const Json& p : args.value("paths", Json::array())) {
      if (p.is_string()) paths.push_back(p.get<std::string>());
    }
    return Scan(paths, id, /*use_cache=*/true, {}).status();
  }
  Json result = {{"type", "task"}, {"time", NowTimestamp()}, {"task_id", id}};
  Status done;
  auto vault = Vault::Open(home_ + "/quarantine");
  const std::string vault_id = args.value("quarantine_id", Json()).is_string()
                                   ? args["quarantine_id"].get<std::string>()
                                   : "";
  if (!vault.ok()) {
    done = vault.status();
  } else if (kind == "quarantine") {
    auto entry = vault->Quarantine(args.value("path", ""), args.value("rule", ""),
                                   args.value("sha256", Json()).is_string()
                                       ? args["sha256"].get<std::string>()
                                       : std::string());
    if (entry.ok()) result["quarantine_id"] = entry->id;
    done = entry.status();
  } else if (kind == "restore") {
    done = vault->Restore(vault_id);
  } else if (kind == "delete") {
    done = vault->Delete(vault_id);
  } else {
    done = InvalidArgument("unknown task kind " + kind);
  }
  result["ok"] = done.ok();
  result["message"] = done.ok() ? "done" : done.ToString();
  return queue_->Append(std::move(result)).status();
}

Status Agent::Deliver() {
  for (;;) {
    VIGIL_ASSIGN_OR_RETURN(std::vector<QueuedEvent> batch, queue_->Oldest(kBatch));
    if (batch.empty()) return Status::Ok();
    Json events = Json::array();
    for (QueuedEvent& e : batch) events.push_back(std::move(e.event));
    const Json body = {{"events", std::move(events)}};
    VIGIL_ASSIGN_OR_RETURN(http::ClientResponse r, Call("POST", "/api/v1/agent/events", &body));
    VIGIL_RETURN_IF_ERROR(StatusOf(r, "event delivery"));
    Json answer = Json::parse(r.body, nullptr, false);
    if (!answer.is_object() || !answer.value("acked", Json()).is_number_integer()) {
      return Internal("the server's answer to the events is not understood");
    }
    const int64_t acked = answer["acked"].get<int64_t>();
    VIGIL_RETURN_IF_ERROR(queue_->Acknowledge(acked));
    if (acked < batch.back().seq) {
      return Internal("the server acknowledged only up to event " + std::to_string(acked));
    }
  }
}

Status Agent::Cycle(bool force_inventory) {
  VIGIL_ASSIGN_OR_RETURN(int64_t queued, queue_->Size());
  const Json beat = {
      {"version", VIGIL_AGENT_VERSION},
      {"dropped_events", queue_->dropped()},
      {"health",
       {{"queued_events", queued},
        {"dropped_events", queue_->dropped()},
        {"rules_version", rules().version()},
        {"rules", rules().rule_count()},
        {"hash_indicators", hashes_.md5.size() + hashes_.sha1.size() + hashes_.sha256.size()}}}};
  VIGIL_ASSIGN_OR_RETURN(http::ClientResponse r, Call("POST", "/api/v1/agent/heartbeat", &beat));
  VIGIL_RETURN_IF_ERROR(StatusOf(r, "heartbeat"));
  Json answer = Json::parse(r.body, nullptr, false);
  if (!answer.is_object()) return Internal("the server's heartbeat answer is not understood");
  if (answer.contains("settings") && answer["settings"].is_object() &&
      answer["settings"] != settings_) {
    settings_ = answer["settings"];
    VIGIL_RETURN_IF_ERROR(SaveState());
  }
  VIGIL_RETURN_IF_ERROR(UpdateRules(answer.value("rules_version", "")));
  VIGIL_RETURN_IF_ERROR(UpdateHashes(answer.value("hashes_version", "")));
  if (force_inventory || UnixNow() - last_inventory_ >= kInventoryEverySeconds) {
    VIGIL_RETURN_IF_ERROR(SendInventory());
  }
  for (const Json& task : answer.value("tasks", Json::array())) {
    VIGIL_RETURN_IF_ERROR(RunTask(task));
  }
  // The scheduled scan of the settings' paths, every scan_interval_hours (0: never).
  const int64_t every = settings_.value("scan_interval_hours", int64_t{24}) * 3600;
  if (every > 0 && UnixNow() - state_.value("last_scheduled_scan", int64_t{0}) >= every) {
    std::vector<std::string> paths;
    for (const Json& p : settings_.value("scan_paths", Json::array())) {
      if (p.is_string()) paths.push_back(p.get<std::string>());
    }
    VIGIL_RETURN_IF_ERROR(Scan(paths, 0, /*use_cache=*/true, {}).status());
    state_["last_scheduled_scan"] = UnixNow();
    VIGIL_RETURN_IF_ERROR(SaveState());
  }
  return Deliver();
}

Status Agent::Run(const std::atomic<bool>& stop) {
  int failures = 0;
  while (!stop) {
    Status s = Cycle(failures == 0 && last_inventory_ == 0);
    // A cycle's inventory and scans leave freed memory in malloc's arenas: give it back before
    // idling, so that the service rests at its working set.
    malloc_trim(0);
    if (s.code() == StatusCode::kUnauthenticated) return s;  // revoked: stop for good
    failures = s.ok() ? 0 : failures + 1;
    if (!s.ok()) std::fprintf(stderr, "vigil-agent: %s\n", s.ToString().c_str());
    int64_t wait = settings_.value("heartbeat_seconds", 30);
    for (int i = 1; i < failures && wait < 300; ++i) wait *= 2;  // back off while unreachable
    for (int64_t waited = 0; waited < std::min<int64_t>(wait, 300) * 10 && !stop; ++waited) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return Status::Ok();
}

}  // namespace vigil::agent

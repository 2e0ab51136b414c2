// vigil-agent's work: enrolment, then cycles of heartbeat (settings, tasks), rule and indicator
// updates, inventory (only the sections that changed), scans and quarantine actions, and delivery
// of the queued events (docs/AGENT.md).
//
// Everything the agent keeps lives in its home directory (0700):
//   agent.json      server URL, agent id and secret, pinned certificate, schedule state (0600)
//   queue.db        events not yet acknowledged by the server (EventQueue)
//   scan_cache.db   files found clean, for incremental scans (ScanCache)
//   quarantine/     the vault (Vault)
//   rules.bin       the last compiled rules received; hashes.json the last hash indicators
//   inventory.json  digests of the inventory sections the server has
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/event_queue.h"
#include "agent/scan/file_scanner.h"
#include "agent/scan/rules.h"
#include "core/status.h"
#include "http/client.h"

namespace vigil::agent {

using Json = nlohmann::json;

// The home directory: --home, else $VIGIL_AGENT_HOME, else /var/lib/vigil-agent.
std::string DefaultHome();

struct EnrollOptions {
  std::string server;      // https://vigil.example.gov.vn:8443 (or http:// on loopback)
  std::string token;       // from the console; may end in ".<certificate sha256>"
  std::string ca_file;     // trust for the first contact when the token carries no certificate
  std::string root = "/";  // what the inventory reads (tests: a fixture tree)
};

// Enrols this host and writes agent.json. AlreadyExists when the home already holds an agent.
Result<Json> Enroll(const std::string& home, const EnrollOptions& options);

struct ScanReport {
  ScanStats stats;
  std::vector<Detection> detections;
  std::vector<std::string> quarantined;  // vault ids, in the order of `detections` (empty: kept)
};

class Agent {
 public:
  // Opens an enrolled home. FailedPrecondition when it is not enrolled.
  static Result<std::unique_ptr<Agent>> Open(const std::string& home, std::string root = "/");
  ~Agent();

  // One round with the server: heartbeat, rule and indicator updates, inventory when due, the
  // tasks received, a scheduled scan when due, and delivery of the queue. Unauthenticated when
  // the agent was revoked; Unavailable when the server cannot be reached (events stay queued).
  Status Cycle(bool force_inventory);
  // Runs cycles until `stop` is set, waiting heartbeat_seconds between them (longer while the
  // server is unreachable, up to 5 minutes). Returns when stopped or revoked.
  Status Run(const std::atomic<bool>& stop);
  // Scans `paths` with the current rules and hash indicators, quarantining detections when the
  // settings say so, and queues the detections and the result (task_id: the console's task).
  // `on_detection` sees each detection as found.
  Result<ScanReport> Scan(const std::vector<std::string>& paths, int64_t task_id, bool use_cache,
                          const std::function<void(const Detection&)>& on_detection);
  // Sends queued events until the queue is empty. Unavailable leaves the rest queued.
  Status Deliver();

  EventQueue& queue() { return *queue_; }
  const Json& state() const { return state_; }
  const Json& settings() const { return settings_; }

 private:
  Agent(std::string home, std::string root, Json state, std::unique_ptr<EventQueue> queue);
  Result<http::ClientResponse> Call(std::string_view method, std::string_view path,
                                    const Json* body);
  Status SaveState();
  Status UpdateRules(const std::string& version);
  Status UpdateHashes(const std::string& version);
  Status SendInventory();
  Status RunTask(const Json& task);
  const CompiledRules& rules();

  std::string home_, root_;
  Json state_;
  Json settings_;
  std::unique_ptr<EventQueue> queue_;
  std::unique_ptr<http::Client> client_;
  std::unique_ptr<CompiledRules> rules_;
  HashIndicators hashes_;
  int64_t last_inventory_ = 0;  // Unix seconds
};

}  // namespace vigil::agent

// Which registered asset an event came from: by the sender's address (syslog peer) or by the host
// name the event gives (Windows Computer, syslog HOSTNAME), matched against the assets' IPs and
// host names (case-insensitive; a fully qualified name also matches its first label). The
// directory is a snapshot of the main store, refreshed by Monitoring; lookups read the current
// snapshot and are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/string_map.h"
#include "events/pipeline.h"
#include "store/store.h"

namespace vigil::server {

struct AssetInfo {
  int64_t asset_id = 0, org_id = 0, system_id = 0;
  int security_level = 0;  // the highest level of the asset's systems; 0: none known
  std::string name;        // the asset's host name
};

class AssetDirectory final : public events::EventAttributor {
 public:
  // Reads every asset and system from the store into a new snapshot.
  Status Refresh(store::Store& store);

  // The asset for a sender address or host name, if one is registered.
  std::optional<AssetInfo> ByAddress(std::string_view ip) const;
  std::optional<AssetInfo> ByHost(std::string_view host) const;
  // The host name of asset `id`, or "".
  std::string NameOf(int64_t id) const;

  void Attribute(const ingest::RawEvent& raw, const events::NormalisedEvent& normalised,
                 events::StoredEvent* event) const override;

 private:
  struct Snapshot {
    StringMap<AssetInfo> by_address, by_host;  // host keys lower-case
    std::unordered_map<int64_t, std::string> names;
  };
  std::shared_ptr<const Snapshot> Current() const;
  static const AssetInfo* FindHost(const Snapshot& snapshot, std::string_view host);
  static const AssetInfo* FindAddress(const Snapshot& snapshot, std::string_view ip);

  mutable std::mutex mutex_;  // guards the pointer only
  std::shared_ptr<const Snapshot> snapshot_ = std::make_shared<Snapshot>();
};

}  // namespace vigil::server

#include "server/asset_directory.h"

#include "core/ip.h"
#include "core/text.h"
#include "domain/resource.h"

namespace vigil::server {
namespace {

using Json = nlohmann::json;

std::string HostKey(std::string_view host) { return AsciiLower(Trim(host)); }

}  // namespace

Status AssetDirectory::Refresh(store::Store& store) {
  VIGIL_ASSIGN_OR_RETURN(auto tx, store.Begin(store::TxMode::kRead));
  store::ListQuery all;
  all.limit = INT64_MAX;
  all.count_total = false;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage systems, tx->List(domain::kSystems, all));
  std::unordered_map<int64_t, int> level_of;
  for (const Json& s : systems.items) {
    if (s["security_level"].is_number_integer()) {
      level_of[s["id"].get<int64_t>()] = s["security_level"].get<int>();
    }
  }
  VIGIL_ASSIGN_OR_RETURN(store::ListPage assets, tx->List(domain::kAssets, all));
  auto next = std::make_shared<Snapshot>();
  for (const Json& a : assets.items) {
    AssetInfo info;
    info.asset_id = a["id"].get<int64_t>();
    info.org_id = a["org_id"].get<int64_t>();
    info.name = a.value("hostname", "");
    if (a.contains("system_ids") && a["system_ids"].is_array()) {
      for (const Json& id : a["system_ids"]) {
        auto it = level_of.find(id.get<int64_t>());
        if (it != level_of.end() && it->second > info.security_level) {
          info.security_level = it->second;
          info.system_id = it->first;
        }
      }
    }
    next->names[info.asset_id] = info.name;
    if (!info.name.empty()) {
      std::string key = HostKey(info.name);
      next->by_host.emplace(key, info);
      if (size_t dot = key.find('.'); dot != std::string::npos) {
        next->by_host.emplace(key.substr(0, dot), info);
      }
    }
    if (a.contains("ips") && a["ips"].is_array()) {
      for (const Json& ip : a["ips"]) next->by_address.emplace(ip.get<std::string>(), info);
    }
  }
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(next);
  return Status::Ok();
}

std::shared_ptr<const AssetDirectory::Snapshot> AssetDirectory::Current() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

const AssetInfo* AssetDirectory::FindAddress(const Snapshot& snapshot, std::string_view ip) {
  // Stored addresses are canonical, and so is a peer as the listeners write it: look it up as
  // given first, and in canonical form only when that differs.
  auto it = snapshot.by_address.find(ip);
  if (it != snapshot.by_address.end()) return &it->second;
  // The canonical form, remembered for the last address seen on this thread: a receiver's
  // events mostly come from the peer before.
  thread_local std::string last_ip, last_canonical;
  if (ip != last_ip) {
    auto parsed = ParseIp(ip);
    last_ip = ip;
    last_canonical = parsed.ok() ? FormatIp(*parsed) : std::string();
  }
  if (last_canonical.empty() || last_canonical == ip) return nullptr;
  it = snapshot.by_address.find(last_canonical);
  return it == snapshot.by_address.end() ? nullptr : &it->second;
}

const AssetInfo* AssetDirectory::FindHost(const Snapshot& snapshot, std::string_view host) {
  if (host.empty()) return nullptr;
  std::string key = HostKey(host);
  auto it = snapshot.by_host.find(key);
  if (it == snapshot.by_host.end()) {
    size_t dot = key.find('.');
    if (dot != std::string::npos) it = snapshot.by_host.find(std::string_view(key).substr(0, dot));
  }
  return it == snapshot.by_host.end() ? nullptr : &it->second;
}

std::optional<AssetInfo> AssetDirectory::ByAddress(std::string_view ip) const {
  auto snapshot = Current();
  const AssetInfo* info = FindAddress(*snapshot, ip);
  return info == nullptr ? std::nullopt : std::optional<AssetInfo>(*info);
}

std::optional<AssetInfo> AssetDirectory::ByHost(std::string_view host) const {
  auto snapshot = Current();
  const AssetInfo* info = FindHost(*snapshot, host);
  return info == nullptr ? std::nullopt : std::optional<AssetInfo>(*info);
}

std::string AssetDirectory::NameOf(int64_t id) const {
  auto snapshot = Current();
  auto it = snapshot->names.find(id);
  return it == snapshot->names.end() ? std::string() : it->second;
}

void AssetDirectory::Attribute(const ingest::RawEvent& raw,
                               const events::NormalisedEvent& normalised,
                               events::StoredEvent* event) const {
  auto snapshot = Current();  // held while `info` is used
  const AssetInfo* info = FindHost(*snapshot, normalised.host);
  if (info == nullptr && !raw.peer.empty()) info = FindAddress(*snapshot, raw.peer);
  if (info == nullptr) return;
  event->asset_id = info->asset_id;
  event->org_id = info->org_id;
  event->system_id = info->system_id;
  event->security_level = info->security_level;
}

}  // namespace vigil::server

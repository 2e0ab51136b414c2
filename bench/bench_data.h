// Realistic benchmark rows shared by vigil_bench_seed and vigil_api_microbench: asset bodies
// spread over the demo province's organisations and systems, with ASCII host names built from
// Vietnamese unit names and Vietnamese descriptions. Deterministic for a given seed.
#pragma once

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/status.h"
#include "domain/resource.h"
#include "store/store.h"

namespace vigil::bench {

using Json = nlohmann::json;

struct Org {
  int64_t id;
  std::string name;
  std::string unit;  // short ASCII tag used in host names: "cds", "yt", "anphu"
  int weight;        // relative share of the assets
};

struct SystemRef {
  int64_t id;
  std::vector<int64_t> orgs;  // owner and operator
};

// A short ASCII tag from an organisation code ("SX-KHCN" -> "khcn", "SX" -> "ubnd").
inline std::string UnitTag(const Json& org) {
  std::string code = org.value("code", std::string());
  size_t dash = code.find('-');
  std::string tag = dash == std::string::npos ? "ubnd" : code.substr(dash + 1);
  for (char& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tag;
}

class Generator {
 public:
  Generator(uint64_t seed, std::vector<Org> orgs, std::vector<SystemRef> systems)
      : rng_(seed), orgs_(std::move(orgs)), systems_(std::move(systems)) {
    std::vector<int> weights;
    for (const Org& o : orgs_) weights.push_back(o.weight);
    org_pick_ = std::discrete_distribution<size_t>(weights.begin(), weights.end());
  }

  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[static_cast<size_t>(Uniform(0, N - 1))];
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // An API body for POST /api/v1/assets; `seq` keeps host names unique.
  Json AssetBody(int64_t seq) {
    static constexpr const char* kPurposes[] = {
        "ketoan",   "vanthu",   "motcua", "tiepdan", "nhansu",  "thanhtra", "dvc",    "qlvb",
        "hsbenhan", "ngansach", "thue",   "dat",     "xaydung", "giaoduc",  "camera", "wifi"};
    static constexpr const char* kPurposeVi[] = {"kế toán",
                                                 "văn thư lưu trữ",
                                                 "bộ phận một cửa",
                                                 "tiếp công dân",
                                                 "quản lý nhân sự",
                                                 "thanh tra",
                                                 "dịch vụ công trực tuyến",
                                                 "quản lý văn bản",
                                                 "hồ sơ bệnh án điện tử",
                                                 "quản lý ngân sách",
                                                 "quản lý thuế",
                                                 "đất đai",
                                                 "cấp phép xây dựng",
                                                 "giáo dục",
                                                 "camera giám sát",
                                                 "mạng không dây"};
    static constexpr const char* kRooms[] = {"phòng máy tầng 1",
                                             "phòng máy tầng 3",
                                             "tủ rack tầng trệt",
                                             "phòng Chánh Văn phòng",
                                             "bộ phận Tiếp nhận và Trả kết quả",
                                             "Trung tâm dữ liệu tỉnh, dãy B"};
    struct Os {
      const char* name;
      const char* version;
    };
    static constexpr Os kServerOs[] = {{"Ubuntu", "22.04"},
                                       {"Ubuntu", "20.04"},
                                       {"Red Hat Enterprise Linux", "9.4"},
                                       {"Oracle Linux", "8.9"},
                                       {"Windows Server", "2019 (17763.6189)"},
                                       {"Windows Server", "2022 (20348.2700)"},
                                       {"Debian", "12.7"},
                                       {"CentOS", "7.9.2009"}};
    static constexpr Os kWorkstationOs[] = {{"Windows", "10 22H2 (19045.4894)"},
                                            {"Windows", "11 23H2 (22631.4169)"},
                                            {"Windows", "10 22H2 (19045.3803)"},
                                            {"Windows", "11 24H2 (26100.1742)"},
                                            {"Ubuntu Desktop", "22.04"}};
    static constexpr Os kNetworkOs[] = {{"FortiOS", "7.2.8"},
                                        {"Cisco IOS XE", "17.9.4a"},
                                        {"F5 BIG-IP", "16.1.4"},
                                        {"Juniper Junos", "22.4R3"},
                                        {"MikroTik RouterOS", "7.15"}};

    size_t org_index = org_pick_(rng_);
    const Org& org = orgs_[org_index];
    int64_t r = Uniform(0, 99);
    const char* role = r < 35 ? "server" : r < 90 ? "workstation" : "network_device";
    size_t purpose = static_cast<size_t>(Uniform(0, std::size(kPurposes) - 1));
    char host[128];
    const char* kind = role[0] == 's' ? "srv" : role[0] == 'w' ? "pc" : "sw";
    std::snprintf(host, sizeof host, "%s-%s-%s%02lld-%05lld", org.unit.c_str(), kPurposes[purpose],
                  kind, static_cast<long long>(Uniform(1, 20)), static_cast<long long>(seq));

    Json ips = Json::array();
    int n_ips = static_cast<int>(Uniform(1, 3));
    for (int i = 0; i < n_ips; ++i) {
      char ip[64];
      int64_t kind_of_ip = Uniform(0, 9);
      if (i > 0 && kind_of_ip < 2) {
        std::snprintf(ip, sizeof ip, "2001:db8:5a:%llx::%llx",
                      static_cast<unsigned long long>(org_index) + 1,
                      static_cast<unsigned long long>(Uniform(1, 0xffff)));
      } else if (i > 0 && kind_of_ip < 4) {
        std::snprintf(ip, sizeof ip, "203.0.113.%lld", static_cast<long long>(Uniform(1, 254)));
      } else {
        std::snprintf(ip, sizeof ip, "10.%zu.%lld.%lld", org_index + 10,
                      static_cast<long long>(Uniform(0, 255)),
                      static_cast<long long>(Uniform(1, 254)));
      }
      ips.push_back(ip);
    }

    char mac[32];
    unsigned oui = role[0] == 's' ? 0x525400 : role[0] == 'w' ? 0x3C5282 : 0x000C29;
    std::snprintf(mac, sizeof mac, "%02X-%02X-%02X-%02X-%02X-%02X", (oui >> 16) & 0xff,
                  (oui >> 8) & 0xff, oui & 0xff, static_cast<unsigned>(Uniform(0, 255)),
                  static_cast<unsigned>(Uniform(0, 255)), static_cast<unsigned>(Uniform(0, 255)));

    const Os& os = role[0] == 's'   ? Pick(kServerOs)
                   : role[0] == 'w' ? Pick(kWorkstationOs)
                                    : Pick(kNetworkOs);
    Json system_ids = Json::array();
    int n_systems =
        role[0] == 'w' ? static_cast<int>(Uniform(0, 1)) : static_cast<int>(Uniform(1, 2));
    for (int i = 0; i < n_systems && !systems_.empty(); ++i) {
      system_ids.push_back(
          systems_[static_cast<size_t>(Uniform(0, static_cast<int64_t>(systems_.size()) - 1))].id);
    }
    std::string description = std::string(role[0] == 's'   ? "Máy chủ "
                                          : role[0] == 'w' ? "Máy trạm "
                                                           : "Thiết bị mạng ") +
                              kPurposeVi[purpose] + " của " + org.name + ", đặt tại " +
                              Pick(kRooms) +
                              (Chance(0.3) ? ". Cần cập nhật bản vá định kỳ hằng tháng." : ".");
    return {{"hostname", host},
            {"org_id", org.id},
            {"role", role},
            {"ips", ips},
            {"mac", mac},
            {"os", os.name},
            {"os_version", os.version},
            {"system_ids", system_ids},
            {"description", description}};
  }

 private:
  std::mt19937_64 rng_;
  std::vector<Org> orgs_;
  std::vector<SystemRef> systems_;
  std::discrete_distribution<size_t> org_pick_;
};

// What `vigil admin demo` loaded: the organisations (weighted so that most hosts sit in the
// provincial data centre and the departments), the systems and the first administrator.
struct DemoShape {
  std::vector<Org> orgs;
  std::vector<SystemRef> systems;
  int64_t admin_id = 0;
  std::string admin_name = "admin";
};

inline Result<DemoShape> ReadDemo(store::Transaction& tx) {
  DemoShape d;
  store::ListQuery all;
  all.limit = 100000;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage org_page, tx.List(domain::kOrgs, all));
  for (const Json& o : org_page.items) {
    std::string tag = UnitTag(o);
    int weight = tag == "cds" ? 30 : o.value("kind", "") == "department" ? 12 : 6;
    d.orgs.push_back({o["id"].get<int64_t>(), o["name"].get<std::string>(), tag, weight});
  }
  VIGIL_ASSIGN_OR_RETURN(store::ListPage sys_page, tx.List(domain::kSystems, all));
  for (const Json& s : sys_page.items) {
    SystemRef ref{s["id"].get<int64_t>(), {s["owner_org_id"].get<int64_t>()}};
    if (s["operator_org_id"].is_number_integer()) {
      ref.orgs.push_back(s["operator_org_id"].get<int64_t>());
    }
    d.systems.push_back(std::move(ref));
  }
  store::ListQuery admins;
  admins.equals = {{"role", "admin"}};
  admins.limit = 1;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage users, tx.List(domain::kUsers, admins));
  if (!users.items.empty()) {
    d.admin_id = users.items[0]["id"].get<int64_t>();
    d.admin_name = users.items[0]["username"].get<std::string>();
  }
  return d;
}

}  // namespace vigil::bench

#include "server/provisioning.h"

#include "auth/credentials.h"
#include "core/time.h"
#include "domain/resource.h"
#include "server/audit_log.h"

namespace vigil::server {
namespace {

using Json = store::Json;

// Command-line changes are audited like API ones, with "vigil admin" as the actor.
Status Audit(store::Transaction& tx, std::string_view action, std::string_view kind,
             std::optional<int64_t> object_id, const Json& after) {
  return AppendAudit(tx, {.actor = "vigil admin",
                          .action = action,
                          .kind = kind,
                          .object_id = object_id,
                          .after = after});
}

}  // namespace

Status InitAdmin(store::Store& store, std::string_view username, std::string_view password) {
  if (username.empty() || username.size() > 64) {
    return InvalidArgument("the user name must have 1 to 64 characters", "user");
  }
  Status policy = auth::CheckPasswordPolicy(password);
  if (!policy.ok()) return InvalidArgument(policy.message(), "password");
  VIGIL_ASSIGN_OR_RETURN(auto tx, store.Begin(store::TxMode::kWrite));
  store::ListQuery admins;
  admins.equals = {{"role", "admin"}};
  admins.limit = 1;
  VIGIL_ASSIGN_OR_RETURN(store::ListPage page, tx->List(domain::kUsers, admins));
  if (!page.items.empty()) {
    return Status(StatusCode::kFailedPrecondition,
                  "an administrator already exists (" +
                      page.items[0]["username"].get<std::string>() + "); nothing changed");
  }
  VIGIL_ASSIGN_OR_RETURN(std::string hash, auth::HashPassword(password));
  Json user = {{"username", username}, {"display_name", "Administrator"},
               {"role", "admin"},      {"org_id", nullptr},
               {"disabled", false},    {"password_hash", hash},
               {"failed_logins", 0}};
  VIGIL_ASSIGN_OR_RETURN(int64_t id, tx->Insert(domain::kUsers, user));
  VIGIL_RETURN_IF_ERROR(
      Audit(*tx, "create", "users", id, {{"username", username}, {"role", "admin"}}));
  return tx->Commit();
}

Status ResetPassword(store::Store& store, std::string_view username, std::string_view password) {
  Status policy = auth::CheckPasswordPolicy(password);
  if (!policy.ok()) return InvalidArgument(policy.message(), "password");
  VIGIL_ASSIGN_OR_RETURN(auto tx, store.Begin(store::TxMode::kWrite));
  VIGIL_ASSIGN_OR_RETURN(auto user, tx->FindBy(domain::kUsers, "username", Json(username)));
  if (!user) return NotFound("no user named " + std::string(username), "user");
  int64_t id = (*user)["id"];
  VIGIL_ASSIGN_OR_RETURN(std::string hash, auth::HashPassword(password));
  VIGIL_RETURN_IF_ERROR(
      tx->Update(domain::kUsers, id,
                 {{"password_hash", hash}, {"failed_logins", 0}, {"locked_until", nullptr}}));
  VIGIL_RETURN_IF_ERROR(tx->DeleteWhere(domain::kSessions, "user_id", id).status());
  VIGIL_RETURN_IF_ERROR(Audit(*tx, "reset_password", "users", id, {{"username", username}}));
  return tx->Commit();
}

Status SeedDemo(store::Store& store) {
  VIGIL_ASSIGN_OR_RETURN(auto tx, store.Begin(store::TxMode::kWrite));
  VIGIL_ASSIGN_OR_RETURN(auto nodes, tx->OrgNodes());
  if (!nodes.empty()) {
    return Status(StatusCode::kFailedPrecondition,
                  "the data directory already has organisations; demo data is only loaded into "
                  "an empty one");
  }
  auto org = [&](std::optional<int64_t> parent, const char* name, const char* code,
                 const char* kind, Json ranges, const char* assessed) -> Result<int64_t> {
    return tx->Insert(domain::kOrgs,
                      {{"parent_id", parent ? Json(*parent) : Json()},
                       {"name", name},
                       {"code", code},
                       {"kind", kind},
                       {"public_ranges", ranges},
                       {"address", std::string(name) + ", tỉnh Sông Xanh (dữ liệu mẫu)"},
                       {"last_assessment_date", assessed ? Json(assessed) : Json()}});
  };
  VIGIL_ASSIGN_OR_RETURN(int64_t province,
                         org(std::nullopt, "UBND tỉnh Sông Xanh", "SX", "province",
                             Json::array({"203.0.113.0/26"}), "2025-03-10"));
  VIGIL_ASSIGN_OR_RETURN(int64_t office, org(province, "Văn phòng UBND tỉnh Sông Xanh", "SX-VP",
                                             "department", Json::array(), "2024-12-01"));
  VIGIL_ASSIGN_OR_RETURN(int64_t science,
                         org(province, "Sở Khoa học và Công nghệ", "SX-KHCN", "department",
                             Json::array({"203.0.113.64/27"}), "2025-06-20"));
  VIGIL_ASSIGN_OR_RETURN(int64_t finance, org(province, "Sở Tài chính", "SX-TC", "department",
                                              Json::array({"198.51.100.32/28"}), nullptr));
  VIGIL_ASSIGN_OR_RETURN(int64_t health, org(province, "Sở Y tế", "SX-YT", "department",
                                             Json::array({"198.51.100.48/28"}), "2024-09-15"));
  VIGIL_ASSIGN_OR_RETURN(int64_t an_phu,
                         org(province, "UBND xã An Phú", "SX-AP", "peoples_committee",
                             Json::array({"192.0.2.16/29"}), nullptr));
  VIGIL_ASSIGN_OR_RETURN(int64_t binh_minh,
                         org(province, "UBND phường Bình Minh", "SX-BM", "peoples_committee",
                             Json::array({"192.0.2.24/29"}), nullptr));
  VIGIL_ASSIGN_OR_RETURN(int64_t datacenter,
                         org(science, "Trung tâm Chuyển đổi số tỉnh", "SX-CDS", "unit",
                             Json::array({"203.0.113.96/27", "2001:db8:5a::/48"}), "2025-06-20"));

  auto system = [&](const char* name, int64_t owner, int64_t operator_org, int level,
                    const char* type, Json info, const char* online, int64_t subjects,
                    const char* scope, bool h24, const char* decision, const char* approved,
                    const char* assessed) -> Result<int64_t> {
    return tx->Insert(domain::kSystems,
                      {{"name", name},
                       {"owner_org_id", owner},
                       {"operator_org_id", operator_org},
                       {"security_level", level},
                       {"system_type", type},
                       {"info_types", info},
                       {"online_service_level", online},
                       {"personal_data_subjects", subjects},
                       {"scope", scope},
                       {"needs_24x7", h24},
                       {"approval_decision", decision},
                       {"approval_date", approved},
                       {"last_assessment_date", assessed ? Json(assessed) : Json()},
                       {"description", "Hệ thống mẫu để thử Vigil."}});
  };
  VIGIL_ASSIGN_OR_RETURN(
      int64_t portal, system("Cổng thông tin điện tử tỉnh", office, datacenter, 3, "public_service",
                             Json::array({"public"}), "none", 0, "province", true, "123/QĐ-UBND",
                             "2023-05-12", "2025-01-20"));
  VIGIL_ASSIGN_OR_RETURN(int64_t services,
                         system("Cổng dịch vụ công tỉnh", office, datacenter, 4, "public_service",
                                Json::array({"public", "personal"}), "full", 250000, "province",
                                true, "88/QĐ-UBND", "2023-02-01", "2025-02-15"));
  VIGIL_ASSIGN_OR_RETURN(int64_t docs,
                         system("Hệ thống quản lý văn bản và điều hành", office, datacenter, 3,
                                "internal", Json::array({"private"}), "none", 0, "province", false,
                                "124/QĐ-UBND", "2023-05-12", nullptr));
  VIGIL_ASSIGN_OR_RETURN(
      int64_t mail, system("Hệ thống thư điện tử công vụ", science, datacenter, 3,
                           "shared_infrastructure", Json::array({"private", "personal"}), "none",
                           6000, "province", true, "45/QĐ-SKHCN", "2024-01-08", "2025-01-10"));
  VIGIL_ASSIGN_OR_RETURN(
      int64_t dc, system("Trung tâm dữ liệu tỉnh", science, datacenter, 4, "shared_infrastructure",
                         Json::array({"private", "personal"}), "none", 0, "province", true,
                         "46/QĐ-SKHCN", "2024-01-08", "2025-07-01"));
  VIGIL_ASSIGN_OR_RETURN(int64_t hospital,
                         system("Phần mềm quản lý khám chữa bệnh", health, health, 3,
                                "public_service", Json::array({"personal"}), "partial", 40000,
                                "agency", true, "17/QĐ-SYT", "2024-03-02", nullptr));
  VIGIL_ASSIGN_OR_RETURN(int64_t budget,
                         system("Phần mềm quản lý ngân sách", finance, finance, 2, "internal",
                                Json::array({"private"}), "none", 0, "agency", false, "09/QĐ-STC",
                                "2022-10-10", nullptr));
  VIGIL_ASSIGN_OR_RETURN(int64_t commune_web,
                         system("Trang thông tin điện tử xã An Phú", an_phu, an_phu, 1,
                                "public_service", Json::array({"public"}), "none", 0, "agency",
                                false, "05/QĐ-UBND", "2024-08-19", nullptr));

  auto asset = [&](const char* host, int64_t org_id, const char* role, Json ips, const char* mac,
                   const char* os, const char* version, Json systems) -> Status {
    return tx
        ->Insert(domain::kAssets, {{"hostname", host},
                                   {"org_id", org_id},
                                   {"role", role},
                                   {"ips", ips},
                                   {"mac", mac},
                                   {"os", os},
                                   {"os_version", version},
                                   {"system_ids", systems}})
        .status();
  };
  VIGIL_RETURN_IF_ERROR(asset("portal-web-01", datacenter, "server",
                              Json::array({"10.20.1.11", "203.0.113.100"}), "52:54:00:1a:2b:01",
                              "Ubuntu", "22.04", Json::array({portal})));
  VIGIL_RETURN_IF_ERROR(asset("dvc-app-01", datacenter, "server",
                              Json::array({"10.20.1.21", "2001:db8:5a::21"}), "52:54:00:1a:2b:02",
                              "Red Hat Enterprise Linux", "9.4", Json::array({services})));
  VIGIL_RETURN_IF_ERROR(asset("dvc-db-01", datacenter, "server", Json::array({"10.20.1.22"}),
                              "52:54:00:1a:2b:03", "Oracle Linux", "8.9", Json::array({services})));
  VIGIL_RETURN_IF_ERROR(asset("qlvb-01", datacenter, "server", Json::array({"10.20.1.31"}),
                              "52:54:00:1a:2b:04", "Windows Server", "2019 (17763.6189)",
                              Json::array({docs})));
  VIGIL_RETURN_IF_ERROR(asset("mail-01", datacenter, "server",
                              Json::array({"10.20.1.41", "203.0.113.101"}), "52:54:00:1a:2b:05",
                              "Zimbra on Ubuntu", "8.8.15 Patch 41", Json::array({mail})));
  VIGIL_RETURN_IF_ERROR(asset("fw-core-01", datacenter, "network_device",
                              Json::array({"10.20.0.1", "203.0.113.97"}), "00:0c:29:aa:00:01",
                              "FortiOS", "7.2.8", Json::array({dc})));
  VIGIL_RETURN_IF_ERROR(asset("f5-lb-01", datacenter, "network_device", Json::array({"10.20.0.5"}),
                              "00:0c:29:aa:00:05", "F5 BIG-IP", "16.1.4",
                              Json::array({portal, services})));
  VIGIL_RETURN_IF_ERROR(asset("his-app-01", health, "server", Json::array({"10.30.1.10"}),
                              "52:54:00:3c:00:10", "Windows Server", "2022 (20348.2700)",
                              Json::array({hospital})));
  VIGIL_RETURN_IF_ERROR(asset("stc-ketoan-01", finance, "workstation", Json::array({"10.40.2.15"}),
                              "3c:52:82:11:22:33", "Windows", "11 23H2 (22631.4169)",
                              Json::array({budget})));
  VIGIL_RETURN_IF_ERROR(asset("vp-chanhvp-pc", office, "workstation", Json::array({"10.10.2.20"}),
                              "3c:52:82:44:55:66", "Windows", "10 22H2 (19045.4894)",
                              Json::array()));
  VIGIL_RETURN_IF_ERROR(asset("xa-anphu-pc01", an_phu, "workstation", Json::array({"192.168.1.10"}),
                              "a4:bb:6d:01:02:03", "Windows", "10 22H2 (19045.3803)",
                              Json::array({commune_web})));
  VIGIL_RETURN_IF_ERROR(asset("phuong-bm-pc01", binh_minh, "workstation",
                              Json::array({"192.168.10.21"}), "a4:bb:6d:04:05:06", "Windows",
                              "11 23H2 (22631.3880)", Json::array()));

  auto contact = [&](const char* name, const char* position, const char* phone, const char* email,
                     int64_t org_id, bool on_call) -> Status {
    return tx
        ->Insert(domain::kContacts, {{"name", name},
                                     {"position", position},
                                     {"phone", phone},
                                     {"email", email},
                                     {"org_id", org_id},
                                     {"on_call", on_call}})
        .status();
  };
  VIGIL_RETURN_IF_ERROR(contact("Nguyễn Văn An", "Phó Giám đốc Trung tâm Chuyển đổi số",
                                "0912 000 001", "an.nv@songxanh.example", datacenter, true));
  VIGIL_RETURN_IF_ERROR(contact("Trần Thị Bình", "Chuyên viên an toàn thông tin", "0912 000 002",
                                "binh.tt@songxanh.example", datacenter, true));
  VIGIL_RETURN_IF_ERROR(contact("Lê Quang Cường", "Trưởng phòng Bưu chính, Viễn thông và CNTT",
                                "0912 000 003", "cuong.lq@songxanh.example", science, false));
  VIGIL_RETURN_IF_ERROR(contact("Phạm Thu Dung", "Chuyên viên CNTT", "0912 000 004",
                                "dung.pt@songxanh.example", health, true));
  VIGIL_RETURN_IF_ERROR(contact("Hoàng Minh Đức", "Công chức Văn phòng – Thống kê", "0912 000 005",
                                "duc.hm@songxanh.example", an_phu, false));
  VIGIL_RETURN_IF_ERROR(contact("Vũ Thị Hà", "Chuyên viên CNTT Văn phòng UBND tỉnh", "0912 000 006",
                                "ha.vt@songxanh.example", office, true));
  VIGIL_RETURN_IF_ERROR(
      Audit(*tx, "seed_demo", "orgs", province, {{"note", "demo province Sông Xanh loaded"}}));
  (void)binh_minh;
  return tx->Commit();
}

}  // namespace vigil::server

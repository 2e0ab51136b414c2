#include "server/access.h"

#include <gtest/gtest.h>

#include "server/config.h"
#include "server/router.h"

namespace vigil::server {
namespace {

// 1 ─┬─ 2 ── 4
//    └─ 3
// 5 (another root)
OrgTree Tree() {
  return OrgTree({{1, std::nullopt, "tỉnh"},
                  {2, 1, "sở"},
                  {3, 1, "xã"},
                  {4, 2, "trung tâm"},
                  {5, std::nullopt, "khác"}});
}

TEST(OrgTree, SubtreesAndChains) {
  OrgTree t = Tree();
  EXPECT_EQ(t.Subtree(1), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(t.Subtree(2), (std::vector<int64_t>{2, 4}));
  EXPECT_TRUE(t.Subtree(42).empty());
  EXPECT_TRUE(t.InSubtree(4, 1));
  EXPECT_FALSE(t.InSubtree(1, 4));
  EXPECT_FALSE(t.InSubtree(5, 1));
  EXPECT_EQ(t.Chain(4), (std::vector<int64_t>{2, 1}));
}

TEST(Access, ScopedUserSeesOnlyItsSubtree) {
  OrgTree t = Tree();
  Principal officer{.user_id = 7, .username = "o", .role = Role::kUnitOfficer, .scope_root = 2};
  Access a(officer, t);
  EXPECT_TRUE(a.SeesOrg(4));
  EXPECT_FALSE(a.SeesOrg(3));
  EXPECT_FALSE(a.SeesOrg(std::nullopt));
  EXPECT_TRUE(a.SeesRecord(domain::kAssets, {{"org_id", 4}}));
  EXPECT_FALSE(a.SeesRecord(domain::kAssets, {{"org_id", 1}}));
  // A system is visible to its operator as well as its owner.
  EXPECT_TRUE(a.SeesRecord(domain::kSystems, {{"owner_org_id", 1}, {"operator_org_id", 2}}));
  EXPECT_FALSE(a.CheckRead(domain::kUsers).ok());
  EXPECT_TRUE(a.CheckWrite(domain::kAssets).ok());
  EXPECT_FALSE(a.CheckWrite(domain::kUsers).ok());
}

TEST(Access, RolesDecideWrites) {
  OrgTree t = Tree();
  Principal viewer{.role = Role::kViewer};
  Principal admin{.role = Role::kAdmin};
  EXPECT_FALSE(Access(viewer, t).CheckWrite(domain::kAssets).ok());
  EXPECT_TRUE(Access(viewer, t).CheckRead(domain::kAssets).ok());
  EXPECT_TRUE(Access(admin, t).CheckWrite(domain::kUsers).ok());
  EXPECT_FALSE(Access(admin, t).VisibleOrgs().has_value());  // unscoped
}

TEST(Router, LiteralSegmentsBeatParameters) {
  Router r;
  r.Add("GET", "/api/v1/assets/{id}", {"one"},
        [](Call&) -> Result<http::Response> { return http::Response{}; });
  r.Add("GET", "/api/v1/assets/export.csv", {"export"},
        [](Call&) -> Result<http::Response> { return http::Response{}; });
  auto m = r.Find("GET", "/api/v1/assets/export.csv");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->doc.summary, "export");
  m = r.Find("GET", "/api/v1/assets/12");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params["id"], "12");
  m = r.Find("DELETE", "/api/v1/assets/12");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_known);
  EXPECT_FALSE(r.Find("GET", "/api/v1/nothing").path_known);
}

TEST(Config, ListenAddresses) {
  EXPECT_EQ(ParseListen("127.0.0.1:8443")->port, 8443);
  EXPECT_EQ(ParseListen("[::1]:9000")->host, "::1");
  EXPECT_EQ(ParseListen(":80")->host, "0.0.0.0");
  EXPECT_FALSE(ParseListen("localhost").ok());
  EXPECT_FALSE(ParseListen("h:99999").ok());
  EXPECT_FALSE(ParseTlsMode("yes").ok());
}

}  // namespace
}  // namespace vigil::server

#include "server/alerting.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "domain/resource.h"

namespace vigil::server {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kT0 = 1'790'000'000'000;  // 2026-09-21, in ms

class ApplyAlertHitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vigil-alerting-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = store::OpenSqliteStore(dir_ / "vigil.db");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    rule_.id = "5f7a3b2c-0000-4000-8000-000000000001";
    rule_.title = "Suspicious Use of /dev/tcp";
    rule_.level = "high";
    other_.id = "5f7a3b2c-0000-4000-8000-000000000002";
    other_.title = "Shellshock Expression";
    other_.level = "medium";
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  AlertHit Hit(const detect::SigmaRule& rule, std::string host, int64_t event_id, int64_t time_ms) {
    AlertHit hit;
    hit.rule = &rule;
    hit.host = std::move(host);
    hit.event_id = event_id;
    hit.time_ms = time_ms;
    return hit;
  }

  // Applies one batch in its own transaction; returns the alerts it reported.
  std::vector<Json> Apply(const std::vector<AlertHit>& hits) {
    auto tx = store_->Begin(store::TxMode::kWrite);
    EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    auto ids = ApplyAlertHits(**tx, hits, policy_);
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    if (!ids.ok()) return {};
    auto changed = ReadAlerts(**tx, *ids);
    EXPECT_TRUE(changed.ok()) << changed.status().ToString();
    EXPECT_TRUE((*tx)->Commit().ok());
    return changed.ok() ? *changed : std::vector<Json>{};
  }

  std::vector<Json> StoredAlerts() {
    auto tx = store_->Begin(store::TxMode::kRead);
    store::ListQuery q;
    q.limit = 100;
    auto page = (*tx)->List(domain::kAlerts, q);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->items : std::vector<Json>{};
  }

  std::vector<int64_t> Linked(int64_t alert_id) {
    auto tx = store_->Begin(store::TxMode::kRead);
    auto ids = (*tx)->AlertEventIds(alert_id, 1000);
    EXPECT_TRUE(ids.ok());
    return ids.ok() ? *ids : std::vector<int64_t>{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  detect::SigmaRule rule_, other_;
  AlertPolicy policy_;
};

TEST_F(ApplyAlertHitsTest, RepeatsInOneBatchFoldIntoOneAlertPerRuleAndHost) {
  std::vector<AlertHit> hits = {Hit(rule_, "web01", 10, kT0), Hit(other_, "web01", 11, kT0),
                                Hit(rule_, "web01", 12, kT0 + kMinute),
                                Hit(rule_, "db01", 13, kT0 + kMinute),
                                Hit(rule_, "web01", 14, kT0 + 2 * kMinute)};
  std::vector<Json> changed = Apply(hits);
  ASSERT_EQ(changed.size(), 3u);  // each alert once, in its final state
  std::vector<Json> alerts = StoredAlerts();
  ASSERT_EQ(alerts.size(), 3u);
  const Json& web = alerts[0];
  EXPECT_EQ(web["rule_id"], rule_.id);
  EXPECT_EQ(web["host"], "web01");
  EXPECT_EQ(web["count"], 3);
  EXPECT_EQ(web["first_event_id"], 10);
  EXPECT_EQ(web["last_event_id"], 14);
  EXPECT_EQ(web["first_seen"], "2026-09-21T14:13:20Z");
  EXPECT_EQ(web["last_seen"], "2026-09-21T14:15:20Z");
  EXPECT_EQ(web["severity"], "high");
  EXPECT_EQ(changed[0], web);
  EXPECT_EQ(Linked(web["id"].get<int64_t>()), (std::vector<int64_t>{14, 12, 10}));
  EXPECT_EQ(alerts[1]["count"], 1);
  EXPECT_EQ(alerts[2]["host"], "db01");
}

TEST_F(ApplyAlertHitsTest, ALaterBatchFoldsIntoTheOpenAlertAndAClosedOneStartsAnew) {
  Apply({Hit(rule_, "web01", 1, kT0)});
  std::vector<Json> changed = Apply({Hit(rule_, "web01", 2, kT0 + kMinute)});
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0]["count"], 2);
  const int64_t first = changed[0]["id"].get<int64_t>();
  {
    auto tx = store_->Begin(store::TxMode::kWrite);
    ASSERT_TRUE((*tx)->Update(domain::kAlerts, first, {{"status", "closed"}}).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  changed = Apply({Hit(rule_, "web01", 3, kT0 + 2 * kMinute)});
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_NE(changed[0]["id"], first);
  EXPECT_EQ(changed[0]["count"], 1);
  EXPECT_EQ(StoredAlerts().size(), 2u);
}

TEST_F(ApplyAlertHitsTest, AHitPastTheWindowOpensANewAlertWithinTheSameBatch) {
  const int64_t window = 60 * kMinute;
  std::vector<Json> changed =
      Apply({Hit(rule_, "web01", 1, kT0), Hit(rule_, "web01", 2, kT0 + kMinute),
             Hit(rule_, "web01", 3, kT0 + kMinute + window + 1),
             Hit(rule_, "web01", 4, kT0 + 2 * kMinute + window)});
  ASSERT_EQ(changed.size(), 2u);
  EXPECT_EQ(changed[0]["count"], 2);
  EXPECT_EQ(changed[0]["last_event_id"], 2);
  EXPECT_EQ(changed[1]["count"], 2);
  EXPECT_EQ(changed[1]["first_event_id"], 3);
  EXPECT_EQ(changed[1]["last_event_id"], 4);
}

TEST_F(ApplyAlertHitsTest, LinksAtMostMaxLinkedEventsAndOutOfOrderTimesKeepTheLatest) {
  policy_.max_linked_events = 3;
  std::vector<AlertHit> hits;
  hits.reserve(6);
  for (int i = 0; i < 5; ++i) hits.push_back(Hit(rule_, "web01", 100 + i, kT0 + i * kMinute));
  hits.push_back(Hit(rule_, "web01", 105, kT0));  // late, older timestamp
  std::vector<Json> changed = Apply(hits);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0]["count"], 6);
  EXPECT_EQ(changed[0]["last_event_id"], 105);
  EXPECT_EQ(changed[0]["last_seen"], "2026-09-21T14:17:20Z");
  EXPECT_EQ(Linked(changed[0]["id"].get<int64_t>()), (std::vector<int64_t>{102, 101, 100}));
}

TEST_F(ApplyAlertHitsTest, SuppressedHitsOnlyCountOnTheirSuppression) {
  int64_t suppression = 0;
  {
    auto tx = store_->Begin(store::TxMode::kWrite);
    auto id = (*tx)->Insert(domain::kSuppressions,
                            {{"rule_id", rule_.id}, {"host", "WEB01"}, {"reason", "scanner"}});
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    suppression = *id;
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  std::vector<Json> changed =
      Apply({Hit(rule_, "web01", 1, kT0), Hit(rule_, "web01", 2, kT0), Hit(rule_, "db01", 3, kT0)});
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0]["host"], "db01");
  auto tx = store_->Begin(store::TxMode::kRead);
  auto s = (*tx)->Get(domain::kSuppressions, suppression);
  ASSERT_TRUE(s.ok() && s->has_value());
  EXPECT_EQ((**s)["hits"], 2);
}

}  // namespace
}  // namespace vigil::server

#include "agent/event_queue.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace vigil::agent {
namespace {

namespace fs = std::filesystem;

class EventQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "vigil_queue_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path() const { return (dir_ / "queue.db").string(); }

  fs::path dir_;
};

TEST_F(EventQueueTest, KeepsEventsInOrderUntilAcknowledgedAcrossReopen) {
  {
    auto q = EventQueue::Open(Path(), 100);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    for (int i = 0; i < 5; ++i) {
      auto seq = (*q)->Append({{"type", "detection"}, {"n", i}});
      ASSERT_TRUE(seq.ok());
      EXPECT_EQ(*seq, i + 1);
    }
    ASSERT_TRUE((*q)->Acknowledge(2).ok());
  }
  // A restart (or a crash after Append returned) keeps what was not acknowledged.
  auto q = EventQueue::Open(Path(), 100);
  ASSERT_TRUE(q.ok());
  auto events = (*q)->Oldest(10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].seq, 3);
  EXPECT_EQ((*events)[0].event["n"], 2);
  EXPECT_EQ((*events)[0].event["seq"], 3);
  EXPECT_EQ((*events)[2].seq, 5);
  // Numbers are never reused, even after everything was acknowledged.
  ASSERT_TRUE((*q)->Acknowledge(5).ok());
  EXPECT_EQ(*(*q)->Size(), 0);
  EXPECT_EQ(*(*q)->Append({{"type", "scan"}}), 6);
}

TEST_F(EventQueueTest, WhenFullDropsTheOldestAndCountsThem) {
  {
    auto q = EventQueue::Open(Path(), 3);
    ASSERT_TRUE(q.ok());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE((*q)->Append({{"n", i}}).ok());
    EXPECT_EQ(*(*q)->Size(), 3);
    EXPECT_EQ((*q)->dropped(), 2);
  }
  auto q = EventQueue::Open(Path(), 3);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)->dropped(), 2);  // remembered for the next heartbeat
  auto events = (*q)->Oldest(10);
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].seq, 3);
  EXPECT_EQ((*events)[2].seq, 5);
}

TEST_F(EventQueueTest, RefusesWhatIsNotAnObjectAndReportsAnUnusableFile) {
  auto q = EventQueue::Open(Path(), 3);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)->Append(nlohmann::json::array()).status().code(), StatusCode::kInvalidArgument);
  auto bad = EventQueue::Open((dir_ / "missing" / "queue.db").string(), 3);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("missing"), std::string::npos);
}

}  // namespace
}  // namespace vigil::agent

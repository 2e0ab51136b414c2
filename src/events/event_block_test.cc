#include "events/event_block.h"

#include <gtest/gtest.h>

#include <vector>

namespace vigil::events {
namespace {

StoredEvent Event(int64_t id, int64_t time_ms, std::string host, std::string raw) {
  StoredEvent e;
  e.id = id;
  e.time_ms = time_ms;
  e.received_ms = time_ms + 7;
  e.original_time = "t" + std::to_string(time_ms);
  e.host = std::move(host);
  e.source_type = "syslog";
  e.source = "syslog/tcp:6514";
  e.peer = "192.0.2.1";
  e.message = "m";
  e.raw = std::move(raw);
  e.org_id = 3;
  e.asset_id = id % 2;
  e.system_id = 9;
  e.security_level = 4;
  return e;
}

std::vector<StoredEvent> ReadAll(std::string_view data, Status* error = nullptr) {
  BlockReader reader(data, 4);
  std::vector<StoredEvent> out;
  for (;;) {
    StoredEvent e;
    Result<bool> more = reader.Next(&e);
    if (!more.ok()) {
      if (error != nullptr) *error = more.status();
      return out;
    }
    if (!*more) return out;
    out.push_back(std::move(e));
  }
}

TEST(EventBlock, RoundTripsEventsWithRepeatedAndChangingText) {
  // Times out of order, negative and extreme; hosts repeating and changing; empty and binary raw.
  std::vector<StoredEvent> events = {
      Event(10, 5000, "a", "x"), Event(11, 4000, "a", ""), Event(15, -1, "B", std::string(1, '\0')),
      Event(16, INT64_MAX, "B", std::string(300, 'r')), Event(20, INT64_MIN, "", "z")};
  events[4].source_type = "json";
  std::vector<const StoredEvent*> pointers;
  for (const StoredEvent& e : events) pointers.push_back(&e);
  std::string data;
  EncodeBlock(pointers, &data);
  Status error;
  std::vector<StoredEvent> back = ReadAll(data, &error);
  ASSERT_TRUE(error.ok()) << error.ToString();
  ASSERT_EQ(back.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(back[i].id, events[i].id);
    EXPECT_EQ(back[i].time_ms, events[i].time_ms);
    EXPECT_EQ(back[i].received_ms, events[i].received_ms);
    EXPECT_EQ(back[i].original_time, events[i].original_time);
    EXPECT_EQ(back[i].host, events[i].host);
    EXPECT_EQ(back[i].source_type, events[i].source_type);
    EXPECT_EQ(back[i].source, events[i].source);
    EXPECT_EQ(back[i].peer, events[i].peer);
    EXPECT_EQ(back[i].message, events[i].message);
    EXPECT_EQ(back[i].raw, events[i].raw);
    EXPECT_EQ(back[i].asset_id, events[i].asset_id);
    EXPECT_EQ(back[i].org_id, 3);
    EXPECT_EQ(back[i].system_id, 9);
    EXPECT_EQ(back[i].security_level, 4);
  }
}

TEST(EventBlock, EmptyBlockHasNoEvents) {
  std::string data;
  EncodeBlock({}, &data);
  Status error;
  EXPECT_TRUE(ReadAll(data, &error).empty());
  EXPECT_TRUE(error.ok());
}

TEST(EventBlock, CorruptedBlocksAreErrorsWithTheOffset) {
  StoredEvent a = Event(1, 1000, "h", "raw text"), b = Event(2, 2000, "h", "more");
  std::vector<const StoredEvent*> pointers = {&a, &b};
  std::string data;
  EncodeBlock(pointers, &data);
  // Every truncation either ends cleanly between events or is an error; none reads past the end.
  for (size_t n = 0; n < data.size(); ++n) {
    Status error;
    std::vector<StoredEvent> got = ReadAll(std::string_view(data).substr(0, n), &error);
    if (error.ok()) {
      EXPECT_LT(got.size(), 2u);
    } else {
      EXPECT_EQ(error.code(), StatusCode::kInternal);
      EXPECT_TRUE(error.where().starts_with("byte ")) << error.ToString();
    }
  }
  Status error;
  ReadAll("\x02", &error);  // unknown version
  EXPECT_NE(error.message().find("version"), std::string::npos) << error.ToString();
  // A second event whose id does not increase: it starts where a block of the first one ends.
  std::string first_only;
  EncodeBlock(std::span(pointers).first(1), &first_only);
  std::string same = data;
  const size_t second = first_only.size();
  ASSERT_EQ(same[second], 1);  // the id delta of event 2
  same[second] = 0;
  error = Status::Ok();
  EXPECT_EQ(ReadAll(same, &error).size(), 1u);
  EXPECT_NE(error.message().find("id"), std::string::npos) << error.ToString();
}

}  // namespace
}  // namespace vigil::events

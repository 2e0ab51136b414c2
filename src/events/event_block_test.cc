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

TEST(EventBlock, CompressedBlocksAreSmallerAndReadBackTheSame) {
  std::vector<StoredEvent> events;
  for (int i = 0; i < 500; ++i) {
    events.push_back(Event(100 + i, 1000 + i, "web" + std::to_string(i % 3),
                           "<86>Nov 21 00:00:00 web sshd[" + std::to_string(4000 + i) +
                               "]: Accepted publickey for deploy from 10.0.0." +
                               std::to_string(i % 250) + " port 52144 ssh2"));
  }
  std::vector<const StoredEvent*> pointers;
  for (const StoredEvent& e : events) pointers.push_back(&e);
  std::string plain, compressed;
  EncodeBlock(pointers, &plain, BlockCompression::kNone);
  EncodeBlock(pointers, &compressed);
  EXPECT_EQ(plain[0], 3);
  EXPECT_EQ(compressed[0], 2);
  EXPECT_LT(compressed.size() * 4, plain.size());
  Status error;
  std::vector<StoredEvent> from_plain = ReadAll(plain),
                           from_compressed = ReadAll(compressed, &error);
  ASSERT_TRUE(error.ok()) << error.ToString();
  ASSERT_EQ(from_compressed.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(from_compressed[i].id, events[i].id);
    EXPECT_EQ(from_compressed[i].raw, events[i].raw);
    EXPECT_EQ(from_compressed[i].host, from_plain[i].host);
  }
}

TEST(EventBlock, SlicesOfRawAreStoredOnceAndOtherTextInFull) {
  StoredEvent e = Event(7, 1000, "web", "<13>1 2026-11-21T00:00:00Z web app - - - disk full");
  e.original_time = "2026-11-21T00:00:00Z";  // inside raw's header
  e.message = "disk full";                   // raw's end
  StoredEvent other = e;
  other.id = 8;
  other.original_time = "2026-11-21T07:00:00+07:00";  // not in raw
  other.message = "dis";                              // too short to be worth a slice
  std::string plain;
  const StoredEvent* both[] = {&e, &other};
  EncodeBlock(both, &plain, BlockCompression::kNone);
  size_t copies = 0;  // once per raw, nowhere else
  for (size_t at = plain.find("disk full"); at != std::string::npos;
       at = plain.find("disk full", at + 1)) {
    ++copies;
  }
  EXPECT_EQ(copies, 2u);
  std::vector<StoredEvent> back = ReadAll(plain);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].original_time, e.original_time);
  EXPECT_EQ(back[0].message, e.message);
  EXPECT_EQ(back[1].original_time, other.original_time);
  EXPECT_EQ(back[1].message, other.message);
}

TEST(EventBlock, ReadsVersion1Blocks) {
  // Written by hand in the layout before compression: original_time first, message and raw last.
  const std::string v1 = std::string("\x01\x05\x00\xd0\x0f\xde\x0f\x03\x01\x09", 10) + "\x02ot" +
                         "\x02h" + "\x07syslog" + "\x01" + "\x0a" + "192.0.2.1" + "\x03msg" +
                         "\x03raw";
  Status error;
  std::vector<StoredEvent> back = ReadAll(v1, &error);
  ASSERT_TRUE(error.ok()) << error.ToString();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].id, 5);
  EXPECT_EQ(back[0].time_ms, 1000);
  EXPECT_EQ(back[0].received_ms, 1007);
  EXPECT_EQ(back[0].org_id, 3);
  EXPECT_EQ(back[0].system_id, 9);
  EXPECT_EQ(back[0].original_time, "ot");
  EXPECT_EQ(back[0].host, "h");
  EXPECT_EQ(back[0].source_type, "syslog");
  EXPECT_EQ(back[0].source, "");
  EXPECT_EQ(back[0].peer, "192.0.2.1");
  EXPECT_EQ(back[0].message, "msg");
  EXPECT_EQ(back[0].raw, "raw");
}

TEST(EventBlock, CorruptedBlocksAreErrorsWithTheOffset) {
  StoredEvent a = Event(1, 1000, "h", "raw text"), b = Event(2, 2000, "h", "more");
  std::vector<const StoredEvent*> pointers = {&a, &b};
  for (BlockCompression compression : {BlockCompression::kNone, BlockCompression::kZstd}) {
    std::string data;
    EncodeBlock(pointers, &data, compression);
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
    // Any byte changed: an error or some events, never a crash (the sanitizer builds check).
    for (size_t i = 0; i < data.size(); ++i) {
      std::string bad = data;
      bad[i] = static_cast<char>(bad[i] ^ 0x5a);
      ReadAll(bad);
    }
  }
  Status error;
  ReadAll("\x04", &error);  // unknown version
  EXPECT_NE(error.message().find("version"), std::string::npos) << error.ToString();
  ReadAll(std::string("\x02\xff\xff\xff\xff\x0f", 6), &error);  // a 4 GiB plain size
  EXPECT_NE(error.message().find("plain size"), std::string::npos) << error.ToString();
  // A second event whose id does not increase: it starts where a block of the first one ends.
  std::string data, first_only;
  EncodeBlock(pointers, &data, BlockCompression::kNone);
  EncodeBlock(std::span(pointers).first(1), &first_only, BlockCompression::kNone);
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

// JSON events: inputs the fuzzer (fuzz/detect_json_event_fuzzer) found to crash or blow up.
#include "detect/event.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace vigil::detect {
namespace {

// Bytes placed so that the page after them is unreadable: any read past the end faults.
class GuardedText {
 public:
  explicit GuardedText(std::string_view text) {
    page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_ = (text.size() / page_ + 2) * page_;
    void* m = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_NE(m, MAP_FAILED);
    base_ = static_cast<char*>(m);
    EXPECT_EQ(mprotect(base_ + size_ - page_, page_, PROT_NONE), 0);
    char* start = base_ + size_ - page_ - text.size();
    std::memcpy(start, text.data(), text.size());
    view_ = std::string_view(start, text.size());
  }
  ~GuardedText() { munmap(base_, size_); }
  GuardedText(const GuardedText&) = delete;
  GuardedText& operator=(const GuardedText&) = delete;
  std::string_view view() const { return view_; }

 private:
  size_t page_ = 0, size_ = 0;
  char* base_ = nullptr;
  std::string_view view_;
};

// crash-parse-many-reads-past-input: simdjson's parse_many reads up to 64 bytes past its input
// (it needs SIMDJSON_PADDING) and, unlike parse, does not copy it.
TEST(JsonEvents, DocumentParsingReadsNothingPastTheInput) {
  for (std::string_view json : {R"({"a":1})", R"([{"a":"x"},{"b":[1,2.5]}])", "\"\"{\x01\0\"",
                                R"({"a":1} {"b":2})", "{\"a\":"}) {
    GuardedText text(json);
    size_t events = 0;
    (void)ParseJsonDocument(text.view(), [&](Event&, size_t) { ++events; });
    Event event;
    (void)ParseJsonEvent(text.view(), &event);
  }
  GuardedText text(R"([{"a":"x"},{"b":[1,2.5]}])");
  size_t events = 0;
  EXPECT_TRUE(ParseJsonDocument(text.view(), [&](Event&, size_t) { ++events; }).ok());
  EXPECT_EQ(events, 2u);
}

// crash-eventdata-spaced-keys-exponential: a key with a space under EventData was walked once
// as written and once without spaces, so nested spaced keys doubled the work at every level.
TEST(JsonEvents, SpacedEventDataNamesAreLinear) {
  std::string json = R"({"Event":{"EventData":)";
  for (int i = 0; i < 60; ++i) json += R"({"a b":)";
  json += "1";
  json += std::string(60, '}');
  json += "}}";
  Event event;
  ASSERT_TRUE(ParseJsonEvent(json, &event).ok());
  EXPECT_EQ(event.fields().size(), 2u);  // "a b" and "ab", once each
  ASSERT_NE(event.Find("ab"), nullptr);
  EXPECT_EQ(event.Find("ab")->value, "1");

  ASSERT_TRUE(ParseJsonEvent(R"({"Event":{"EventData":{"Threat Name":"Eicar",
      "Data":{"#text":"x","#attributes":{"Name":"n"}},"Path List":["a","b"]}}})",
                             &event)
                  .ok());
  ASSERT_NE(event.Find("ThreatName"), nullptr);
  EXPECT_EQ(event.Find("ThreatName")->value, "Eicar");
  EXPECT_EQ(event.Find("Threat Name")->value, "Eicar");
  size_t paths = 0;
  for (const Event::Field& f : event.fields()) paths += f.name == "PathList";
  EXPECT_EQ(paths, 2u);
}

// crash-event-time-overflow: epoch seconds up to 1e11 and dates after 2262 overflowed int64
// nanoseconds (undefined behaviour); such times are now "no time".
TEST(JsonEvents, BorrowedEventsMatchOwnedOnesAndCopiesOwnTheirFields) {
  const std::string first =
      R"({"Event":{"System":{"EventID":1,"Channel":"Sysmon","Provider":{"#attributes":)"
      R"({"Name":"P"}}},"EventData":{"Image":"C:\\a\\b.exe","Quoted":"x\"y","T":true,)"
      R"("N":null,"Threat Name":"Eicar"}}})";
  Event owned, borrowed;
  ASSERT_TRUE(ParseJsonEvent(first, &owned).ok());
  ASSERT_TRUE(ParseJsonEventBorrowed(first, &borrowed).ok());
  auto same = [](const Event& a, const Event& b) {
    ASSERT_EQ(a.fields().size(), b.fields().size());
    for (size_t i = 0; i < a.fields().size(); ++i) {
      EXPECT_EQ(a.fields()[i].name, b.fields()[i].name);
      EXPECT_EQ(a.fields()[i].value, b.fields()[i].value);
      EXPECT_EQ(a.fields()[i].kind, b.fields()[i].kind);
    }
  };
  same(owned, borrowed);
  EXPECT_EQ(borrowed.Find("Image")->value, "C:\\a\\b.exe");
  EXPECT_EQ(borrowed.Find("Quoted")->value, "x\"y");
  Event copied(borrowed);
  Event moved_from = borrowed;
  Event moved(std::move(moved_from));
  Event assigned;
  assigned = borrowed;
  // The next parse on this thread reuses the parser's memory: copies keep their own values.
  Event other;
  ASSERT_TRUE(
      ParseJsonEventBorrowed(R"({"Event":{"EventData":{"Image":"zzzzzzzzzzzzzzzzzzzz"}}})", &other)
          .ok());
  same(owned, copied);
  same(owned, moved);
  same(owned, assigned);
}

TEST(JsonEvents, TimesBeyondInt64NanosecondsAreNoTime) {
  Event event;
  ASSERT_TRUE(ParseJsonEvent(R"({"ts": 99999999999})", &event).ok());
  EXPECT_EQ(EventTime(event), 0);
  ASSERT_TRUE(ParseJsonEvent(R"({"@timestamp": "9999-12-31T23:59:59Z"})", &event).ok());
  EXPECT_EQ(EventTime(event), 0);
  ASSERT_TRUE(ParseJsonEvent(R"({"ts": 1700000000.5})", &event).ok());
  EXPECT_EQ(EventTime(event), 1'700'000'000'500'000'000);
  ASSERT_TRUE(ParseJsonEvent(R"({"@timestamp": "2026-01-01T00:00:00Z"})", &event).ok());
  EXPECT_EQ(EventTime(event), 1'767'225'600'000'000'000);
}

}  // namespace
}  // namespace vigil::detect

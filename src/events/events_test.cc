#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <thread>

#include "events/event_store.h"
#include "events/normalise.h"
#include "events/pipeline.h"

namespace vigil::events {
namespace {

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("vigil-events-" + std::to_string(getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

std::string FieldValue(const detect::Event& e, std::string_view name) {
  const detect::Event::Field* f = e.Find(name);
  return f == nullptr ? "<absent>" : std::string(f->value);
}

TEST(Normalise, SyslogGivesHeaderFieldsStructuredDataAndTime) {
  NormalisedEvent n;
  ASSERT_TRUE(
      Normalise(ingest::RawKind::kSyslog,
                "<38>1 2026-11-21T10:00:00.123Z web01 sshd 812 AUTH [origin ip=\"10.0.0.5\"] "
                "Failed password for root from 203.0.113.9 port 5122 ssh2",
                "192.0.2.1", 1, &n)
          .ok());
  EXPECT_EQ(n.host, "web01");
  EXPECT_EQ(n.original_time, "2026-11-21T10:00:00.123Z");
  EXPECT_EQ(n.time_ms, 1795255200123);
  EXPECT_EQ(FieldValue(n.fields, "app_name"), "sshd");
  EXPECT_EQ(FieldValue(n.fields, "facility"), "4");
  EXPECT_EQ(FieldValue(n.fields, "severity"), "6");
  EXPECT_EQ(FieldValue(n.fields, "origin.ip"), "10.0.0.5");
  EXPECT_EQ(FieldValue(n.fields, "source_type"), "syslog");
  EXPECT_EQ(n.message, "Failed password for root from 203.0.113.9 port 5122 ssh2");
}

TEST(Normalise, SyslogWithoutHostUsesPeerAndJsonTextAddsFields) {
  NormalisedEvent n;
  ASSERT_TRUE(Normalise(ingest::RawKind::kSyslog, "{\"user\":\"an\",\"action\":\"login\"}",
                        "192.0.2.1", 1795255200000, &n)
                  .ok());
  EXPECT_EQ(n.host, "192.0.2.1");
  EXPECT_EQ(n.time_ms, 1795255200000);  // no stamp: the receive time
  EXPECT_EQ(FieldValue(n.fields, "user"), "an");

  // The text's fields join the syslog ones, which keep their values; an array keeps every
  // element, as in a JSON event.
  ASSERT_TRUE(Normalise(ingest::RawKind::kSyslog,
                        "<14>1 2026-11-21T10:00:00Z web01 app - - - "
                        "{\"app_name\":\"spoofed\",\"tags\":[\"a\",\"b\"],\"n\":3}",
                        "192.0.2.1", 1, &n)
                  .ok());
  std::vector<std::string> app_names, tags;
  n.fields.ForEachField([&](const detect::Event::Field& f) {
    if (f.name == "app_name") app_names.emplace_back(f.value);
    if (f.name == "tags") tags.emplace_back(f.value);
  });
  EXPECT_EQ(app_names, std::vector<std::string>{"app"});
  EXPECT_EQ(tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(FieldValue(n.fields, "n"), "3");
}

TEST(Normalise, WindowsJsonGetsSigmaNamesTimeHostAndSummary) {
  NormalisedEvent n;
  ASSERT_TRUE(Normalise(ingest::RawKind::kJson,
                        R"({"Event":{"System":{"EventID":4688,"Channel":"Security",)"
                        R"("Computer":"PC-01.so.gov.vn","TimeCreated":{"#attributes":)"
                        R"({"SystemTime":"2026-11-21T03:04:05.000Z"}}},)"
                        R"("EventData":{"NewProcessName":"C:\\Windows\\cmd.exe"}}})",
                        "", 7, &n)
                  .ok());
  EXPECT_EQ(n.host, "PC-01.so.gov.vn");
  EXPECT_EQ(n.original_time, "2026-11-21T03:04:05.000Z");
  EXPECT_EQ(n.time_ms, 1795230245000);
  EXPECT_EQ(n.message, "Security 4688");
  EXPECT_EQ(FieldValue(n.fields, "EventID"), "4688");
}

TEST(Normalise, BadJsonIsAnError) {
  NormalisedEvent n;
  EXPECT_FALSE(Normalise(ingest::RawKind::kJson, "{\"a\":", "", 1, &n).ok());
  EXPECT_FALSE(Normalise(ingest::RawKind::kSyslog, "", "", 1, &n).ok());
}

StoredEvent Sample(int64_t time_ms, std::string host, int level = 0, int64_t org = 0) {
  StoredEvent e;
  e.time_ms = time_ms;
  e.received_ms = time_ms;
  e.host = std::move(host);
  e.source_type = "json";
  e.source = "test";
  e.message = "m" + std::to_string(time_ms);
  e.raw = "{}";
  e.security_level = level;
  e.org_id = org;
  return e;
}

TEST(EventStore, AppendAssignsIncreasingIdsAndReadsBack) {
  TempDir dir;
  auto store = EventStore::Open(dir.path() / "events.db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<StoredEvent> batch = {Sample(1000, "a"), Sample(2000, "b"), Sample(3000, "c")};
  ASSERT_TRUE((*store)->Append(batch).ok());
  EXPECT_EQ(batch[0].id + 1, batch[1].id);
  EXPECT_EQ(batch[1].id + 1, batch[2].id);
  auto after = (*store)->ReadAfter(batch[0].id, 10);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ((*after)[0].host, "b");
  EXPECT_EQ((*after)[1].message, "m3000");
  auto one = (*store)->Get(batch[2].id);
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_EQ((*one)->host, "c");
  auto none = (*store)->Get(batch[2].id + 5);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(EventStore, SearchFiltersByTimeHostOrgAndPagesNewestFirst) {
  TempDir dir;
  auto store = EventStore::Open(dir.path() / "events.db");
  ASSERT_TRUE(store.ok());
  std::vector<StoredEvent> batch;
  for (int i = 0; i < 50; ++i)
    batch.push_back(Sample(1000 * (50 - i), i % 2 ? "Odd" : "even", 0, i % 5 == 0 ? 7 : 0));
  ASSERT_TRUE((*store)->Append(batch).ok());

  EventQuery q;
  q.host = "odd";  // case-insensitive
  q.from_ms = 10'000;
  q.to_ms = 30'000;
  q.limit = 4;
  std::vector<int64_t> times;
  for (int page = 0; page < 10; ++page) {
    auto r = (*store)->Search(q, {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (const StoredEvent& e : r->items) times.push_back(e.time_ms);
    if (r->next_before_id == 0) break;
    q.before_id = r->next_before_id;
  }
  // Odd i have times 1000*(50-i) for i odd: 49000, 47000, ...; in [10000, 30000]: 29000 .. 11000.
  std::vector<int64_t> want;
  for (int64_t t = 29'000; t >= 11'000; t -= 2000) want.push_back(t);
  EXPECT_EQ(times, want);

  EventQuery scoped;
  scoped.orgs = std::vector<int64_t>{7};
  auto r = (*store)->Search(scoped, [](const StoredEvent& e) { return e.host == "even"; });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->items.size(), 5u);  // i % 5 == 0 and even: 0, 10, 20, 30, 40
  for (const StoredEvent& e : r->items) EXPECT_EQ(e.org_id, 7);

  // 0 stands for the events of no organisation.
  scoped.orgs = std::vector<int64_t>{0};
  r = (*store)->Search(scoped, [](const StoredEvent& e) { return e.host == "even"; });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->items.size(), 20u);  // the 25 even ones but for the five of organisation 7
  for (const StoredEvent& e : r->items) EXPECT_EQ(e.org_id, 0);
  scoped.orgs = std::vector<int64_t>{7, 0};
  r = (*store)->Search(scoped, [](const StoredEvent& e) { return e.host == "even"; });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->items.size(), 25u);
}

TEST(EventStore, RetentionByLevelAndSize) {
  TempDir dir;
  auto store = EventStore::Open(dir.path() / "events.db");
  ASSERT_TRUE(store.ok());
  constexpr int64_t kDay = 86'400'000;
  const int64_t now = 400 * kDay;
  std::vector<StoredEvent> batch = {
      Sample(now - 40 * kDay, "l1", 1), Sample(now - 40 * kDay, "l3", 3),
      Sample(now - 100 * kDay, "l3-old", 3), Sample(now - kDay, "new", 1)};
  ASSERT_TRUE((*store)->Append(batch).ok());
  RetentionPolicy policy;  // level 1: 30 days, level 3: 90 days
  auto report = (*store)->EnforceRetention(policy, now);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->deleted_by_age, 2);
  auto left = (*store)->ReadAfter(0, 10);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ((*left)[0].host, "l3");
  EXPECT_EQ((*left)[1].host, "new");

  // A size cap far below the data deletes the oldest first, and ids keep growing afterwards.
  std::vector<StoredEvent> bulk;
  uint64_t noise = 42;  // raw text that does not compress
  for (int i = 0; i < 30'000; ++i) {
    StoredEvent e = Sample(now, "bulk");
    for (int j = 0; j < 200; ++j) {
      noise = noise * 6364136223846793005u + 1442695040888963407u;
      e.raw.push_back(static_cast<char>('a' + (noise >> 59)));
    }
    bulk.push_back(std::move(e));
  }
  ASSERT_TRUE((*store)->Append(bulk).ok());
  policy.max_bytes = 2 << 20;
  report = (*store)->EnforceRetention(policy, now);
  ASSERT_TRUE(report.ok());
  EXPECT_GT(report->deleted_by_size, 0);
  EXPECT_LE(report->bytes_after, 2 << 20);
  auto stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->events, 30'002 - report->deleted_by_size);
  std::vector<StoredEvent> more = {Sample(now, "after")};
  ASSERT_TRUE((*store)->Append(more).ok());
  EXPECT_EQ(more[0].id, bulk.back().id + 1);
}

TEST(EventStore, CommitsOfMixedLevelsReadBackInIdOrder) {
  // Levels alternate within each commit, so each commit's blocks interleave ids.
  TempDir dir;
  auto store = EventStore::Open(dir.path() / "events.db");
  ASSERT_TRUE(store.ok());
  std::vector<int64_t> ids;
  for (int commit = 0; commit < 3; ++commit) {
    std::vector<StoredEvent> batch;
    for (int i = 0; i < 5000; ++i) {
      batch.push_back(Sample(commit * 10'000 + i, "h" + std::to_string(i % 3), i % 3));
    }
    ASSERT_TRUE((*store)->Append(batch).ok());
    for (const StoredEvent& e : batch) ids.push_back(e.id);
  }
  for (size_t i = 1; i < ids.size(); ++i) ASSERT_EQ(ids[i], ids[i - 1] + 1);
  // Read in pieces that end inside commits and blocks.
  std::vector<int64_t> read;
  for (int64_t after = 0;;) {
    auto page = (*store)->ReadAfter(after, 777);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    if (page->empty()) break;
    ASSERT_LE(page->size(), 777u);
    for (const StoredEvent& e : *page) {
      read.push_back(e.id);
      EXPECT_EQ(e.security_level, static_cast<int>((e.id - ids[0]) % 5000 % 3));
    }
    after = page->back().id;
  }
  EXPECT_EQ(read, ids);
  for (int64_t id : {ids[0], ids[1], ids[4999], ids[5000], ids[12'345], ids.back()}) {
    auto one = (*store)->Get(id);
    ASSERT_TRUE(one.ok() && one->has_value()) << id;
    EXPECT_EQ((*one)->id, id);
  }
  auto stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->events, 15'000);
  EXPECT_EQ(stats->last_id, ids.back());
  auto since = (*store)->CountSince(14'000);  // commit 1: 4000-4999, commit 2: all
  ASSERT_TRUE(since.ok());
  EXPECT_EQ(*since, 1000 + 5000);
}

TEST(EventStore, SearchMergesBlocksWhoseTimesOverlap) {
  // Commits whose times overlap (files of old events arrive late) and repeat: the
  // search still gives every match exactly once, newest first by (time, id), across pages.
  TempDir dir;
  auto store = EventStore::Open(dir.path() / "events.db");
  ASSERT_TRUE(store.ok());
  std::vector<StoredEvent> all;
  for (int commit = 0; commit < 40; ++commit) {
    std::vector<StoredEvent> batch;
    for (int i = 0; i < 100; ++i) {
      // Each commit spans 100 ms, half of it shared with the one before; times repeat.
      const int64_t t = commit * 50 + (i * 7) % 100;
      batch.push_back(Sample(t, i % 2 ? "Web" : "db", i % 3, 0));
    }
    ASSERT_TRUE((*store)->Append(batch).ok());
    all.insert(all.end(), batch.begin(), batch.end());
  }
  std::vector<std::pair<int64_t, int64_t>> want;
  for (const StoredEvent& e : all) {
    if (e.host == "Web" && e.time_ms >= 120 && e.time_ms <= 1900)
      want.emplace_back(e.time_ms, e.id);
  }
  std::sort(want.rbegin(), want.rend());
  EventQuery q;
  q.host = "WEB";
  q.from_ms = 120;
  q.to_ms = 1900;
  q.limit = 150;
  std::vector<std::pair<int64_t, int64_t>> got;
  for (int page = 0; page < 20; ++page) {
    auto r = (*store)->Search(q, {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (const StoredEvent& e : r->items) got.emplace_back(e.time_ms, e.id);
    if (r->next_before_id == 0) break;
    q.before_id = r->next_before_id;
  }
  EXPECT_EQ(got, want);

  // Two blocks whose newest events share a time: the later id comes first.
  TempDir tie_dir;
  auto ties = EventStore::Open(tie_dir.path() / "events.db");
  ASSERT_TRUE(ties.ok());
  std::vector<StoredEvent> first = {Sample(1000, "x"), Sample(500, "x")};
  std::vector<StoredEvent> second = {Sample(1000, "x"), Sample(600, "x")};
  ASSERT_TRUE((*ties)->Append(first).ok());
  ASSERT_TRUE((*ties)->Append(second).ok());
  auto r = (*ties)->Search(EventQuery{}, {});
  ASSERT_TRUE(r.ok());
  std::vector<int64_t> order;
  for (const StoredEvent& e : r->items) order.push_back(e.id);
  EXPECT_EQ(order, (std::vector<int64_t>{second[0].id, first[0].id, second[1].id, first[1].id}));
  // And within one commit, whose blocks (one per level) interleave ids.
  std::vector<StoredEvent> third = {Sample(2000, "x", 0), Sample(2000, "x", 1),
                                    Sample(2000, "x", 0)};
  ASSERT_TRUE((*ties)->Append(third).ok());
  r = (*ties)->Search(EventQuery{}, {});
  ASSERT_TRUE(r.ok());
  order.clear();
  for (const StoredEvent& e : r->items) order.push_back(e.id);
  order.resize(3);
  EXPECT_EQ(order, (std::vector<int64_t>{third[2].id, third[1].id, third[0].id}));
}

TEST(EventStore, OpensAStoreOfOneRowPerEventAndMovesItIntoBlocks) {
  TempDir dir;
  const std::filesystem::path file = dir.path() / "events.db";
  {
    // The layout before blocks, with one event deleted by retention: ids go on after the highest.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    const char* sql = R"sql(
      CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL,
        received INTEGER NOT NULL, original_time TEXT NOT NULL, host TEXT NOT NULL,
        source_type TEXT NOT NULL, source TEXT NOT NULL, peer TEXT NOT NULL, org_id INTEGER,
        asset_id INTEGER, system_id INTEGER, security_level INTEGER NOT NULL,
        message TEXT NOT NULL, raw TEXT NOT NULL);
      CREATE INDEX events_time ON events(time);
      INSERT INTO events VALUES (1, 100, 101, 'Nov 21', 'a', 'syslog', 's', 'p', 4, 5, 6, 3, 'm1', 'r1');
      INSERT INTO events VALUES (2, 200, 201, '', 'b', 'json', 's', '', NULL, NULL, NULL, 0, 'm2', '{}');
      INSERT INTO events VALUES (3, 300, 301, '', 'c', 'json', 's', '', NULL, NULL, NULL, 0, 'm3', '{}');
      DELETE FROM events WHERE id = 3;
    )sql";
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = EventStore::Open(file);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto rows = (*store)->ReadAfter(0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  const StoredEvent& a = (*rows)[0];
  EXPECT_EQ(a.id, 1);
  EXPECT_EQ(a.time_ms, 100);
  EXPECT_EQ(a.received_ms, 101);
  EXPECT_EQ(a.original_time, "Nov 21");
  EXPECT_EQ(a.org_id, 4);
  EXPECT_EQ(a.asset_id, 5);
  EXPECT_EQ(a.system_id, 6);
  EXPECT_EQ(a.security_level, 3);
  EXPECT_EQ(a.raw, "r1");
  EXPECT_EQ((*rows)[1].org_id, 0);
  EXPECT_EQ((*rows)[1].message, "m2");
  std::vector<StoredEvent> more = {Sample(400, "d")};
  ASSERT_TRUE((*store)->Append(more).ok());
  EXPECT_EQ(more[0].id, 4);
  auto stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->events, 3);
  store->reset();
  // Opening again finds nothing left to move.
  auto again = EventStore::Open(file);
  ASSERT_TRUE(again.ok());
  auto all = (*again)->ReadAfter(0, 10);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
}

// Knows one host by its normalised name, as the asset directory does.
class CountingAttributor : public EventAttributor {
 public:
  void Attribute(const ingest::RawEvent&, const NormalisedEvent& normalised,
                 StoredEvent* event) const override {
    if (normalised.host == "web01") {
      event->asset_id = 5;
      event->org_id = 3;
      event->security_level = 3;
    }
  }
};

TEST(Pipeline, StoresAttributesAndReportsDurability) {
  TempDir dir;
  auto store = EventStore::Open(dir.path() / "events.db");
  ASSERT_TRUE(store.ok());
  CountingAttributor attributor;
  std::atomic<int64_t> last_committed{0};
  PipelineOptions options;
  std::vector<std::string> committed_fields;
  std::promise<void> handed_over;  // on_committed runs after the senders are acknowledged
  options.on_committed = [&](CommittedBatch&& batch) {
    last_committed = batch.rows.back().id;
    for (size_t i = 0; i < batch.rows.size(); ++i) {
      committed_fields.push_back(batch.parsed[i] ? FieldValue(batch.fields[i], "source_type")
                                                 : "unparsed");
    }
    handed_over.set_value();
  };
  Pipeline pipeline(**store, &attributor, options);

  std::vector<ingest::RawEvent> batch(3);
  batch[0] = {"<13>Nov 21 10:00:00 web01 app: hello",
              ingest::RawKind::kSyslog,
              0,
              "192.0.2.10",
              "syslog/udp:514",
              0};
  batch[1] = {"{\"message\":\"x\"}", ingest::RawKind::kJson, 0, "", "http:beat", 9};
  batch[2] = {"{not json", ingest::RawKind::kJson, 0, "", "http:beat", 9};
  std::promise<Status> durable;
  ASSERT_TRUE(pipeline.Submit(batch, [&](const Status& s) { durable.set_value(s); }).ok());
  EXPECT_TRUE(batch.empty());
  ASSERT_TRUE(durable.get_future().get().ok());

  auto stored = (*store)->ReadAfter(0, 10);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 3u);
  EXPECT_EQ((*stored)[0].asset_id, 5);
  EXPECT_EQ((*stored)[0].security_level, 3);
  EXPECT_EQ((*stored)[0].host, "web01");
  EXPECT_EQ((*stored)[0].source, "syslog/udp:514");
  EXPECT_EQ((*stored)[1].org_id, 9);         // the source's organisation
  EXPECT_EQ((*stored)[2].raw, "{not json");  // kept, with the reason
  EXPECT_TRUE((*stored)[2].message.starts_with("unparsed: ")) << (*stored)[2].message;
  handed_over.get_future().wait();
  EXPECT_EQ(last_committed.load(), (*stored)[2].id);
  // Detection gets the rows with the fields they were normalised to.
  EXPECT_EQ(committed_fields, (std::vector<std::string>{"syslog", "json", "unparsed"}));
  EXPECT_EQ(pipeline.stats().unparsed, 1u);
}

TEST(Pipeline, RefusesWhenTheQueueIsFullAndKeepsTheBatch) {
  TempDir dir;
  auto store = EventStore::Open(dir.path() / "events.db");
  ASSERT_TRUE(store.ok());
  PipelineOptions options;
  options.max_queue_bytes = 1;  // any second batch waiting is refused
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Pipeline pipeline(**store, nullptr, options);
  // Hold the writer inside the first batch's callback so that the queue fills.
  std::vector<ingest::RawEvent> first = {{"{}", ingest::RawKind::kJson, 0, "", "t", 0}};
  ASSERT_TRUE(pipeline.Submit(first, [released](const Status&) { released.wait(); }).ok());
  std::vector<ingest::RawEvent> second = {{"{}", ingest::RawKind::kJson, 0, "", "t", 0}};
  // The writer may not have taken the first batch yet; wait until it has.
  Status s;
  for (int i = 0; i < 200 && pipeline.stats().queue_bytes != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(pipeline.Submit(second).ok());  // an empty queue takes any batch
  std::vector<ingest::RawEvent> third = {{"{\"n\":3}", ingest::RawKind::kJson, 0, "", "t", 0}};
  s = pipeline.Submit(third);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(third.size(), 1u);  // untouched, to be resubmitted
  release.set_value();
  pipeline.Stop();
  EXPECT_EQ(pipeline.Submit(third).code(), StatusCode::kUnavailable);
  auto stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->events, 2);
}

}  // namespace
}  // namespace vigil::events

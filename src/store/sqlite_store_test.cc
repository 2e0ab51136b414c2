#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include "store/migrations.h"
#include "store/store.h"

namespace vigil::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vigil-store-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = OpenSqliteStore(dir_ / "vigil.db", 3);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<Transaction> Tx(TxMode mode = TxMode::kWrite) {
    auto tx = store_->Begin(mode);
    EXPECT_TRUE(tx.ok()) << tx.status().ToString();
    return std::move(tx).value();
  }
  int64_t AddOrg(Transaction& tx, const char* name, std::optional<int64_t> parent = {}) {
    auto id = tx.Insert(
        domain::kOrgs,
        {{"name", name}, {"kind", "unit"}, {"parent_id", parent ? Json(*parent) : Json()}});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return *id;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, MigrationsAppliedOnceAndColumnsMatchSpecs) {
  EXPECT_EQ(store_->SchemaVersion(), static_cast<int>(SqliteMigrations().size()));
  store_.reset();
  auto reopened = OpenSqliteStore(dir_ / "vigil.db");  // applying again is a no-op
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(reopened).value();

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "vigil.db").c_str(), &db), SQLITE_OK);
  for (const char* name :
       {"orgs", "systems", "assets", "contacts", "users", "audit", "sessions", "api_tokens",
        "intel_lists", "findings", "alerts", "suppressions", "ingest_sources", "agents",
        "agent_enrollment_tokens", "agent_tasks", "agent_detections", "yara_rules"}) {
    const domain::ResourceSpec* spec = domain::FindResource(name);
    std::set<std::string> columns;
    sqlite3_stmt* stmt = nullptr;
    std::string sql = std::string("PRAGMA table_info(") + name + ")";
    ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      columns.insert(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)));
    }
    sqlite3_finalize(stmt);
    std::set<std::string> stored;
    for (const auto& f : spec->fields) {
      if (f.stored && f.access != domain::Access::kWriteOnly) stored.insert(std::string(f.name));
    }
    EXPECT_EQ(columns, stored) << name;

    // search_text folds exactly the searchable fields.
    std::string table_sql;
    sql =
        std::string("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '") + name + "'";
    ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      table_sql = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    size_t fold = table_sql.find("vigil_fold(");
    std::string expr = fold == std::string::npos
                           ? ""
                           : table_sql.substr(fold, table_sql.find(")) STORED", fold) - fold);
    for (const auto& f : spec->fields) {
      const bool in_expr = std::regex_search(expr, std::regex("\\b" + std::string(f.name) + "\\b"));
      EXPECT_EQ(in_expr, f.searchable) << name << "." << f.name;
    }
  }
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, RepeatsFoldIntoTheNewestAlertThatIsNotClosed) {
  auto tx = Tx();
  auto add = [&](const char* host, const char* status) {
    auto id = tx->Insert(domain::kAlerts, {{"rule_id", "r1"},
                                           {"rule_title", "Rule one"},
                                           {"rule_level", "high"},
                                           {"severity", "high"},
                                           {"status", status},
                                           {"host", host},
                                           {"count", 1},
                                           {"first_seen", "2026-11-21T00:00:00Z"},
                                           {"last_seen", "2026-11-21T00:00:00Z"},
                                           {"first_event_id", 1},
                                           {"last_event_id", 1}});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return *id;
  };
  add("web01", "new");
  const int64_t acknowledged = add("web01", "acknowledged");
  add("web01", "closed");
  add("db01", "new");
  auto open = tx->NewestOpenAlert("r1", "web01");
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  ASSERT_TRUE(open->has_value());
  EXPECT_EQ((*open)->id, acknowledged);
  auto none = tx->NewestOpenAlert("r2", "web01");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  ASSERT_TRUE(tx->FoldIntoAlert(acknowledged, 7, 42, "2026-11-21T01:02:03Z").ok());
  auto folded = tx->Get(domain::kAlerts, acknowledged);
  ASSERT_TRUE(folded.ok() && folded->has_value());
  EXPECT_EQ((**folded)["count"], 7);
  EXPECT_EQ((**folded)["last_event_id"], 42);
  EXPECT_EQ((**folded)["last_seen"], "2026-11-21T01:02:03Z");
  EXPECT_EQ((**folded)["status"], "acknowledged");
  EXPECT_EQ(tx->FoldIntoAlert(acknowledged + 100, 1, 1, "2026-11-21T01:02:03Z").code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(tx->Commit().ok());

  // The lookup, run for each rule and host a batch hits, is one seek in the partial index: no
  // scan of the key's closed alerts and no sort.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "vigil.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "EXPLAIN QUERY PLAN SELECT id, count, last_event_id, last_seen "
                               "FROM alerts WHERE rule_id = 'r1' AND host = 'web01' AND "
                               "status <> 'closed' ORDER BY id DESC LIMIT 1",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  std::string plan;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
    plan += "\n";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  EXPECT_NE(plan.find("USING INDEX alerts_open_newest"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

TEST_F(SqliteStoreTest, CrudRoundTripKeepsTypes) {
  auto tx = Tx();
  int64_t org = AddOrg(*tx, "Sở Y tế");
  Json asset = {{"hostname", "his-01"},
                {"org_id", org},
                {"role", "server"},
                {"ips", {"10.0.0.1", "::1"}},
                {"system_ids", Json::array()}};
  auto id = tx->Insert(domain::kAssets, asset);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto got = tx->Get(domain::kAssets, *id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((**got)["ips"], Json({"10.0.0.1", "::1"}));
  EXPECT_EQ((**got)["org_id"], org);
  EXPECT_TRUE((**got)["created_at"].is_string());
  EXPECT_TRUE((**got)["mac"].is_null());

  ASSERT_TRUE(tx->Update(domain::kAssets, *id, {{"os", "Windows"}}).ok());
  EXPECT_EQ((**tx->Get(domain::kAssets, *id))["os"], "Windows");
  EXPECT_EQ(tx->Update(domain::kAssets, 999, {{"os", "x"}}).code(), StatusCode::kNotFound);
  ASSERT_TRUE(tx->Delete(domain::kAssets, *id).ok());
  EXPECT_FALSE(tx->Get(domain::kAssets, *id)->has_value());
  EXPECT_EQ(tx->Delete(domain::kAssets, *id).code(), StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, UncommittedTransactionWritesNothing) {
  {
    auto tx = Tx();
    AddOrg(*tx, "Rolled back");
  }
  auto tx = Tx(TxMode::kRead);
  EXPECT_TRUE(tx->OrgNodes()->empty());
}

TEST_F(SqliteStoreTest, ConstraintsBecomeClearStatuses) {
  auto tx = Tx();
  int64_t parent = AddOrg(*tx, "Tỉnh");
  AddOrg(*tx, "Sở", parent);
  Status del = tx->Delete(domain::kOrgs, parent);
  EXPECT_EQ(del.code(), StatusCode::kConflict) << del.ToString();
  auto dup1 = tx->Insert(domain::kOrgs, {{"name", "A"}, {"kind", "unit"}, {"code", "X"}});
  ASSERT_TRUE(dup1.ok());
  auto dup2 = tx->Insert(domain::kOrgs, {{"name", "B"}, {"kind", "unit"}, {"code", "X"}});
  EXPECT_EQ(dup2.status().code(), StatusCode::kAlreadyExists);
  auto orphan =
      tx->Insert(domain::kAssets, {{"hostname", "h"}, {"org_id", 999}, {"role", "server"}});
  EXPECT_EQ(orphan.status().code(), StatusCode::kConflict);
}

TEST_F(SqliteStoreTest, ListScopesSearchesFiltersAndPages) {
  auto tx = Tx();
  int64_t a = AddOrg(*tx, "Sở Y tế");
  int64_t b = AddOrg(*tx, "Sở Tài chính");
  for (int i = 0; i < 25; ++i) {
    Json asset = {{"hostname", "MÁY-" + std::to_string(i)},
                  {"org_id", i % 2 ? a : b},
                  {"role", i % 5 ? "workstation" : "server"},
                  {"ips", {"10.0.0." + std::to_string(i)}}};
    ASSERT_TRUE(tx->Insert(domain::kAssets, asset).ok());
  }
  ListQuery q;
  q.scope = std::vector<int64_t>{a};
  q.limit = 5;
  auto page = tx->List(domain::kAssets, q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(*page->total, 12);
  EXPECT_EQ(page->items.size(), 5u);
  for (const Json& item : page->items) EXPECT_EQ(item["org_id"], a);

  // The total is exact whether it comes from a short page or from counting.
  q.limit = 100;
  EXPECT_EQ(*tx->List(domain::kAssets, q)->total, 12);
  q.offset = 500;
  auto beyond = tx->List(domain::kAssets, q);
  EXPECT_TRUE(beyond->items.empty());
  EXPECT_EQ(*beyond->total, 12);
  q.offset = 10;
  EXPECT_EQ(tx->List(domain::kAssets, q)->items.size(), 2u);
  EXPECT_EQ(*tx->List(domain::kAssets, q)->total, 12);

  ListQuery search;
  search.search = "máy-1";  // lower case finds upper-case Vietnamese
  EXPECT_EQ(*tx->List(domain::kAssets, search)->total, 11);  // 1, 10..19
  search.offset = 2;
  search.limit = 3;
  auto paged = tx->List(domain::kAssets, search);
  ASSERT_EQ(paged->items.size(), 3u);
  EXPECT_EQ(*paged->total, 11);
  EXPECT_EQ(paged->items[0]["hostname"], "MÁY-11");
  EXPECT_EQ(paged->items[2]["hostname"], "MÁY-13");
  search.offset = 0;
  search.limit = 100;

  ListQuery filtered;
  filtered.equals = {{"role", "server"}};
  filtered.contains = {{"ips", "10.0.0.10"}};
  auto f = tx->List(domain::kAssets, filtered);
  ASSERT_EQ(*f->total, 1);
  EXPECT_EQ(f->items[0]["hostname"], "MÁY-10");

  auto counts = tx->CountBy(domain::kAssets, "role", ListQuery{});
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0], std::make_pair(Json("server"), int64_t{5}));

  ListQuery bad;
  bad.equals = {{"no_such_field", 1}};
  EXPECT_EQ(tx->List(domain::kAssets, bad).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, ConcurrentWritersAreSerialised) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto tx = store_->Begin(TxMode::kWrite);
        ASSERT_TRUE(tx.ok());
        ASSERT_TRUE(
            (*tx)
                ->Insert(domain::kOrgs, {{"name", "T" + std::to_string(t)}, {"kind", "unit"}})
                .ok());
        ASSERT_TRUE((*tx)->Commit().ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(Tx(TxMode::kRead)->OrgNodes()->size(), 60u);
}

TEST_F(SqliteStoreTest, IndicatorListsBulkInsertSortAndCascade) {
  auto tx = Tx();
  int64_t org = AddOrg(*tx, "Sở Y tế");
  auto list = tx->Insert(domain::kIntelLists, {{"name", "botnet"},
                                               {"format", "plain"},
                                               {"org_id", org},
                                               {"entries", 3},
                                               {"rejected", 0},
                                               {"expired", 0}});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  std::vector<IndicatorRow> rows(3);
  rows[0] = {.value = "203.0.113.5",
             .kind = "ip",
             .first_seen = 1700000000,
             .family = "Mirai",
             .port = 40001,
             .dest_ip = "198.51.100.7",
             .dest_port = 443,
             .isp = "VNPT"};
  rows[1] = {.value = "198.51.100.0/24", .kind = "cidr"};
  rows[2] = {.value = "192.0.2.1", .kind = "ip", .expires = 1800000000};
  ASSERT_TRUE(tx->InsertIndicators(*list, rows).ok());
  auto back = tx->ListIndicators(*list);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 3u);
  EXPECT_EQ((*back)[0].value, "203.0.113.5");
  EXPECT_EQ((*back)[0].family, "Mirai");
  EXPECT_EQ((*back)[0].port, 40001);
  EXPECT_EQ((*back)[0].dest_ip, "198.51.100.7");
  EXPECT_EQ((*back)[0].first_seen, 1700000000);
  EXPECT_EQ((*back)[1].kind, "cidr");
  EXPECT_EQ((*back)[1].family, "");
  EXPECT_EQ((*back)[2].expires, 1800000000);

  // Findings ordered: open first, then level descending (NULL last), then id descending.
  auto finding = [&](const char* status, Json level) {
    auto id = tx->Insert(domain::kFindings, {{"list_id", *list},
                                             {"org_id", org},
                                             {"ip", "203.0.113.5"},
                                             {"indicator", "203.0.113.5"},
                                             {"status", status},
                                             {"system_security_level", level}});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return *id;
  };
  int64_t a = finding("cleaned", 5), b = finding("open", nullptr), c = finding("open", 3),
          d = finding("open", 3);
  ListQuery q;
  q.order = {{"status", false, Json("open")}, {"system_security_level", true, std::nullopt}};
  q.order.push_back({"id", true, std::nullopt});
  auto page = tx->List(domain::kFindings, q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  std::vector<int64_t> ids;
  for (const Json& f : page->items) ids.push_back(f["id"].get<int64_t>());
  EXPECT_EQ(ids, (std::vector<int64_t>{d, c, b, a}));
  EXPECT_EQ(page->total, 4);

  ASSERT_TRUE(tx->Delete(domain::kIntelLists, *list).ok());
  EXPECT_TRUE(tx->ListIndicators(*list)->empty());
  EXPECT_EQ(tx->List(domain::kFindings, q)->items.size(), 0u);
}

std::vector<std::string> Values(const Result<std::vector<IndicatorRow>>& rows) {
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  std::vector<std::string> out;
  if (!rows.ok()) return out;
  int64_t last_seq = 0;
  for (const IndicatorRow& row : *rows) {
    EXPECT_GT(row.seq, last_seq) << "insertion order";
    last_seq = row.seq;
    out.push_back(row.value);
  }
  return out;
}

IpAddress Ip(const char* text) { return *ParseIp(text); }

TEST_F(SqliteStoreTest, IndicatorAddressLookups) {
  auto tx = Tx();
  int64_t org = AddOrg(*tx, "Sở Y tế");
  auto list_of = [&](const std::vector<std::string>& values,
                     const std::vector<std::string>& kinds) {
    auto list = tx->Insert(domain::kIntelLists, {{"name", "feed"},
                                                 {"format", "plain"},
                                                 {"org_id", org},
                                                 {"entries", values.size()},
                                                 {"rejected", 0},
                                                 {"expired", 0}});
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    std::vector<IndicatorRow> rows;
    for (size_t i = 0; i < values.size(); ++i)
      rows.push_back({.value = values[i], .kind = kinds[i]});
    EXPECT_TRUE(tx->InsertIndicators(*list, rows).ok());
    return *list;
  };
  int64_t list = list_of(
      {"198.51.100.0/24", "203.0.113.5", "evil.example", "198.51.100.7", "10.0.0.0/8",
       "192.0.2.10 - 192.0.2.20", "2001:db8::/32", "2001:db8::5", "0.0.0.0/0", "203.0.113.6"},
      {"cidr", "ip", "domain", "ip", "cidr", "range", "cidr", "ip", "cidr", "ip"});
  int64_t other = list_of({"198.51.100.7"}, {"ip"});

  using V = std::vector<std::string>;
  EXPECT_EQ(Values(tx->IndicatorsContaining(list, Ip("198.51.100.7"))),
            (V{"198.51.100.0/24", "198.51.100.7", "0.0.0.0/0"}));
  EXPECT_EQ(Values(tx->IndicatorsContaining(list, Ip("203.0.113.5"))),
            (V{"203.0.113.5", "0.0.0.0/0"}));
  EXPECT_EQ(Values(tx->IndicatorsContaining(list, Ip("10.200.3.4"))),
            (V{"10.0.0.0/8", "0.0.0.0/0"}));
  EXPECT_EQ(Values(tx->IndicatorsContaining(list, Ip("192.0.2.20"))),
            (V{"192.0.2.10 - 192.0.2.20", "0.0.0.0/0"}));
  EXPECT_EQ(Values(tx->IndicatorsContaining(list, Ip("192.0.2.21"))), (V{"0.0.0.0/0"}));
  EXPECT_EQ(Values(tx->IndicatorsContaining(list, Ip("2001:db8::5"))),
            (V{"2001:db8::/32", "2001:db8::5"}));
  EXPECT_EQ(Values(tx->IndicatorsContaining(list, Ip("2001:db9::5"))), V{});
  EXPECT_EQ(Values(tx->IndicatorsContaining(other, Ip("198.51.100.7"))), V{"198.51.100.7"});

  EXPECT_EQ(Values(tx->IndicatorsStartingIn(list, Ip("203.0.113.0"), Ip("203.0.113.255"))),
            (V{"203.0.113.5", "203.0.113.6"}));
  EXPECT_EQ(Values(tx->IndicatorsStartingIn(list, Ip("192.0.2.0"), Ip("198.51.100.0"))),
            (V{"198.51.100.0/24", "192.0.2.10 - 192.0.2.20"}));
  EXPECT_EQ(Values(tx->IndicatorsStartingIn(list, Ip("2001:db8::"), Ip("2001:db8::ffff"))),
            (V{"2001:db8::/32", "2001:db8::5"}));
  EXPECT_EQ(Values(tx->IndicatorsStartingIn(list, Ip("0.0.0.0"), Ip("255.255.255.255"))).size(),
            7u);  // every IPv4 entry, no domain, no IPv6

  // Deleting a list deletes its spans.
  ASSERT_TRUE(tx->Delete(domain::kIntelLists, list).ok());
  ASSERT_TRUE(tx->Commit().ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "vigil.db").c_str(), &db), SQLITE_OK);
  auto count = [&](int64_t id) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM intel_addresses WHERE list_id = ?", -1,
                                 &stmt, nullptr),
              SQLITE_OK);
    sqlite3_bind_int64(stmt, 1, id);
    int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    return n;
  };
  EXPECT_EQ(count(list), 0);
  EXPECT_EQ(count(other), 1);
  sqlite3_close(db);
}

// A database written before migration 3 gets the address spans of its stored entries.
TEST_F(SqliteStoreTest, MigrationThreeFillsAddressSpansOfStoredLists) {
  store_.reset();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "vigil.db").c_str(), &db), SQLITE_OK);
  // Version 2 as it was released: migrations 1 and 2 only (vigil_fold as the store defines it is
  // not needed for these rows: plain ASCII).
  sqlite3_create_function(
      db, "vigil_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
      [](sqlite3_context* ctx, int, sqlite3_value** argv) { sqlite3_result_value(ctx, argv[0]); },
      nullptr, nullptr);
  std::string sql =
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT "
      "NOT NULL);";
  for (const Migration& m : SqliteMigrations()) {
    if (m.version > 2) break;
    sql += std::string(m.sql) + "INSERT INTO schema_migrations VALUES (" +
           std::to_string(m.version) + ", 'x', 'now');";
  }
  sql +=
      "INSERT INTO orgs (name, kind, created_at, updated_at) VALUES ('A', 'unit', 'now', 'now');"
      "INSERT INTO intel_lists (name, format, org_id, entries, rejected, expired, created_at) "
      "VALUES ('old', 'plain', 1, 3, 0, 0, 'now');"
      "INSERT INTO intel_indicators (list_id, value, kind) VALUES (1, '198.51.100.0/24', 'cidr'),"
      " (1, 'evil.example', 'domain'), (1, '203.0.113.5', 'ip');";
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << err;
  sqlite3_close(db);

  auto s = OpenSqliteStore(dir_ / "vigil.db");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  store_ = std::move(s).value();
  EXPECT_EQ(store_->SchemaVersion(), static_cast<int>(SqliteMigrations().size()));
  auto tx = Tx(TxMode::kRead);
  EXPECT_EQ(Values(tx->IndicatorsContaining(1, Ip("198.51.100.9"))),
            std::vector<std::string>{"198.51.100.0/24"});
  EXPECT_EQ(Values(tx->IndicatorsStartingIn(1, Ip("203.0.113.0"), Ip("203.0.113.7"))),
            std::vector<std::string>{"203.0.113.5"});
}

}  // namespace
}  // namespace vigil::store

// Storage interface. Callers (the API, the CLI) see only Store and Transaction; the SQLite
// implementation lives in sqlite_store.cc and a PostgreSQL one can be added beside it without
// touching callers. Records are JSON objects shaped by a domain::ResourceSpec (see
// domain/resource.h): one member per stored field, ids as integers, lists as arrays.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/ip.h"
#include "core/status.h"
#include "domain/resource.h"

namespace vigil::store {

using Json = nlohmann::json;
using domain::ResourceSpec;

// One ORDER BY term of a list. `first` puts the records whose field equals it before the others
// (then this key's own order applies among the rest). NULLs sort lowest: last when descending.
struct SortKey {
  std::string field;
  bool descending = false;
  std::optional<Json> first;
};

struct ListQuery {
  // Organisation ids the caller may see; records whose scope field (or, for reads, the spec's
  // also_visible_via field) is in this set are returned. nullopt: no restriction.
  std::optional<std::vector<int64_t>> scope;
  std::string search;  // case-insensitive (Vietnamese-aware) substring of any searchable field
  // scalar field == value; a JSON array as the value: the field equals one of its elements
  std::vector<std::pair<std::string, Json>> equals;
  std::vector<std::pair<std::string, Json>> contains;  // list field contains value
  int64_t limit = 100;
  int64_t offset = 0;
  bool newest_first = false;
  bool count_total = true;
  // Ordering; empty: by id (descending when newest_first). The id always breaks ties.
  std::vector<SortKey> order;
};

struct ListPage {
  std::vector<Json> items;
  std::optional<int64_t> total;  // set when ListQuery::count_total
};

struct OrgNode {
  int64_t id = 0;
  std::optional<int64_t> parent_id;
  std::string name;
};

// What folding a repeated detection into an open alert needs of it (alerting.h).
struct OpenAlertRow {
  int64_t id = 0, count = 0, last_event_id = 0;
  std::string last_seen;  // RFC 3339 UTC, as stored
};

// One entry of an imported indicator list (table intel_indicators), as stored: the entry as
// written plus the metadata that matching and NAT attribution need. Times are Unix seconds
// (0: unknown, or for `expires` never); ports 0 and empty strings: not given.
struct IndicatorRow {
  std::string value;
  std::string kind;  // intel::IndicatorKindName
  int64_t first_seen = 0, last_seen = 0, expires = 0;
  std::string family;
  int64_t port = 0;
  std::string dest_ip;
  int64_t dest_port = 0;
  std::string isp;
  int64_t seq = 0;  // the entry's position in its list (increasing in insertion order); set on read
};

enum class TxMode { kRead, kWrite };

// One unit of work. Not thread-safe; used by one request at a time. Destroying an uncommitted
// transaction rolls it back, so a failed request writes nothing.
class Transaction {
 public:
  virtual ~Transaction() = default;

  virtual Result<ListPage> List(const ResourceSpec& spec, const ListQuery& query) = 0;
  // The full stored record (internal fields included), or nullopt.
  virtual Result<std::optional<Json>> Get(const ResourceSpec& spec, int64_t id) = 0;
  // The first record whose `field` equals `value`, or nullopt.
  virtual Result<std::optional<Json>> FindBy(const ResourceSpec& spec, std::string_view field,
                                             const Json& value) = 0;
  // Inserts the stored fields present in `record` (created_at/updated_at set by the store);
  // returns the new id. A unique-constraint clash is AlreadyExists naming the field.
  virtual Result<int64_t> Insert(const ResourceSpec& spec, const Json& record) = 0;
  // Sets the stored fields present in `changes`; updated_at is set by the store.
  virtual Status Update(const ResourceSpec& spec, int64_t id, const Json& changes) = 0;
  // NotFound when absent; Conflict when other records still refer to it.
  virtual Status Delete(const ResourceSpec& spec, int64_t id) = 0;
  // Deletes every record whose `field` equals `value`; returns how many.
  virtual Result<int64_t> DeleteWhere(const ResourceSpec& spec, std::string_view field,
                                      const Json& value) = 0;
  // Counts records matching `query` (limit/offset ignored) grouped by `field`.
  virtual Result<std::vector<std::pair<Json, int64_t>>> CountBy(const ResourceSpec& spec,
                                                                std::string_view field,
                                                                const ListQuery& query) = 0;
  // Every organisation's id, parent and name, ordered by id.
  virtual Result<std::vector<OrgNode>> OrgNodes() = 0;

  // Appends the entries of indicator list `list_id` (one prepared statement, reused: a million
  // rows take seconds). Deleting the list (Delete on domain::kIntelLists) deletes them.
  virtual Status InsertIndicators(int64_t list_id, const std::vector<IndicatorRow>& rows) = 0;
  // The entries of list `list_id`, in the order they were inserted.
  virtual Result<std::vector<IndicatorRow>> ListIndicators(int64_t list_id) = 0;
  // Address entries (ip, cidr, range) of list `list_id` that contain `ip`, in insertion order.
  // Indexed: a few dozen index probes whatever the size of the list (ranges, rare in lists, are
  // found by an index scan over the ranges of the list that start at or below `ip`).
  virtual Result<std::vector<IndicatorRow>> IndicatorsContaining(int64_t list_id,
                                                                 const IpAddress& ip) = 0;
  // Address entries of list `list_id` whose first address lies in [first, last] (same family),
  // in insertion order. Indexed: one range scan per kind.
  virtual Result<std::vector<IndicatorRow>> IndicatorsStartingIn(int64_t list_id,
                                                                 const IpAddress& first,
                                                                 const IpAddress& last) = 0;

  // Monitoring. A named counter of detection (its event cursor), 0 when never set.
  virtual Result<int64_t> DetectionCounter(std::string_view name) = 0;
  virtual Status SetDetectionCounter(std::string_view name, int64_t value) = 0;
  // The newest alert of rule `rule_id` on `host` that is not closed (the one a repeat folds
  // into), or nullopt. Reads only the fields folding needs.
  virtual Result<std::optional<OpenAlertRow>> NewestOpenAlert(std::string_view rule_id,
                                                              std::string_view host) = 0;
  // Folds repeats into open alert `id`: sets its count, last_event_id and last_seen (RFC 3339
  // UTC) and updates updated_at. kNotFound when there is no such alert.
  virtual Status FoldIntoAlert(int64_t id, int64_t count, int64_t last_event_id,
                               std::string_view last_seen) = 0;
  // Links stored event `event_id` to alert `alert_id` (again: no effect).
  virtual Status LinkAlertEvent(int64_t alert_id, int64_t event_id) = 0;
  // The newest `limit` event ids linked to the alert, newest first.
  virtual Result<std::vector<int64_t>> AlertEventIds(int64_t alert_id, int64_t limit) = 0;

  virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Starts a transaction; waits for a free connection. Thread-safe. Write transactions take the
  // write lock at once, so they never fail half-way on a lock upgrade.
  virtual Result<std::unique_ptr<Transaction>> Begin(TxMode mode) = 0;
  // The applied schema version.
  virtual int SchemaVersion() const = 0;
};

// Opens (creating if needed) the SQLite database at `file` in WAL mode and applies pending
// migrations. `connections` bounds concurrent transactions.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::filesystem::path& file,
                                               int connections = 4);

}  // namespace vigil::store

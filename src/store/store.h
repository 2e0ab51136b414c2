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

#include "core/status.h"
#include "domain/resource.h"

namespace vigil::store {

using Json = nlohmann::json;
using domain::ResourceSpec;

struct ListQuery {
  // Organisation ids the caller may see; records whose scope field (or, for reads, the spec's
  // also_visible_via field) is in this set are returned. nullopt: no restriction.
  std::optional<std::vector<int64_t>> scope;
  std::string search;  // case-insensitive (Vietnamese-aware) substring of any searchable field
  std::vector<std::pair<std::string, Json>> equals;    // scalar field == value
  std::vector<std::pair<std::string, Json>> contains;  // list field contains value
  int64_t limit = 100;
  int64_t offset = 0;
  bool newest_first = false;
  bool count_total = true;
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

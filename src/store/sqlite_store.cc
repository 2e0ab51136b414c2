// SQLite implementation of Store: a pool of connections in WAL mode, one prepared-statement cache
// per connection, SQL generated from the ResourceSpecs.
#include <sqlite3.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>

#include "core/text.h"
#include "core/time.h"
#include "store/migrations.h"
#include "store/store.h"

namespace vigil::store {
namespace {

using domain::Access;
using domain::FieldSpec;
using domain::FieldType;

bool IsJsonColumn(FieldType t) {
  return t == FieldType::kEnumList || t == FieldType::kIpList || t == FieldType::kCidrList ||
         t == FieldType::kRefList || t == FieldType::kJson;
}
bool IsIntColumn(FieldType t) {
  return t == FieldType::kInt || t == FieldType::kRef || t == FieldType::kBool;
}

// vigil_fold(text): Utf8Lower, for the stored search_text columns.
void FoldFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const unsigned char* text = sqlite3_value_text(argv[0]);
  if (text == nullptr) {
    sqlite3_result_null(ctx);
    return;
  }
  std::string folded = Utf8Lower(std::string_view(
      reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_value_bytes(argv[0]))));
  sqlite3_result_text(ctx, folded.data(), static_cast<int>(folded.size()), SQLITE_TRANSIENT);
}

// An address as stored in intel_addresses.first_addr/last_addr: IPv4 as an INTEGER (the 32-bit
// value), IPv6 as a 16-byte BLOB. SQLite orders every INTEGER before every BLOB and BLOBs by
// memcmp, so column order is IpAddress order (IPv4 first), and IPv4 keys compare as integers.
int64_t V4Value(const IpAddress& ip) {
  return (int64_t{ip.bytes[0]} << 24) | (int64_t{ip.bytes[1]} << 16) | (int64_t{ip.bytes[2]} << 8) |
         int64_t{ip.bytes[3]};
}

int BindAddress(sqlite3_stmt* stmt, int index, const IpAddress& ip) {
  if (!ip.v6) return sqlite3_bind_int64(stmt, index, V4Value(ip));
  return sqlite3_bind_blob(stmt, index, ip.bytes.data(), 16, SQLITE_TRANSIENT);
}

// The first and last address of a stored address entry ("ip", "cidr" or "range", as written and
// accepted by intel::ParseIndicator), or nullopt for other kinds.
std::optional<std::pair<IpAddress, IpAddress>> EntrySpan(std::string_view value,
                                                         std::string_view kind) {
  value = Trim(value);
  if (kind == "ip") {
    auto ip = ParseIp(value);
    if (!ip.ok()) return std::nullopt;
    return std::pair(*ip, *ip);
  }
  if (kind == "cidr") {
    auto cidr = ParseCidr(value);
    if (!cidr.ok()) return std::nullopt;
    return std::pair(cidr->base, LastAddress(*cidr));
  }
  if (kind == "range") {
    const size_t dash = value.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto first = ParseIp(Trim(value.substr(0, dash)));
    auto last = ParseIp(Trim(value.substr(dash + 1)));
    if (!first.ok() || !last.ok()) return std::nullopt;
    return std::pair(*first, *last);
  }
  return std::nullopt;
}

// vigil_ip_bound(value, kind, which): the first (which = 0) or last (1) address of
// an indicator entry as BindAddress stores it; NULL when it is not an address entry. For migration
// 3, which fills intel_addresses from the entries stored before it; new entries go through
// InsertIndicators.
void IpBoundFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const unsigned char* value = sqlite3_value_text(argv[0]);
  const unsigned char* kind = sqlite3_value_text(argv[1]);
  if (value == nullptr || kind == nullptr) {
    sqlite3_result_null(ctx);
    return;
  }
  auto span = EntrySpan(std::string_view(reinterpret_cast<const char*>(value),
                                         static_cast<size_t>(sqlite3_value_bytes(argv[0]))),
                        std::string_view(reinterpret_cast<const char*>(kind),
                                         static_cast<size_t>(sqlite3_value_bytes(argv[1]))));
  if (!span) {
    sqlite3_result_null(ctx);
    return;
  }
  const IpAddress& ip = sqlite3_value_int(argv[2]) != 0 ? span->second : span->first;
  if (ip.v6) {
    sqlite3_result_blob(ctx, ip.bytes.data(), 16, SQLITE_TRANSIENT);
  } else {
    sqlite3_result_int64(ctx, V4Value(ip));
  }
}

// One connection and its statement cache. Used by one transaction at a time.
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::string& path) {
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    auto conn = std::unique_ptr<Connection>(new Connection(db));
    if (rc != SQLITE_OK) {
      return Status(StatusCode::kUnavailable,
                    "cannot open database " + path + ": " + sqlite3_errstr(rc));
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_create_function(db, "vigil_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                            FoldFunction, nullptr, nullptr);
    sqlite3_create_function(db, "vigil_ip_bound", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                            IpBoundFunction, nullptr, nullptr);
    VIGIL_RETURN_IF_ERROR(
        conn->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                   "PRAGMA cache_size=-8192;"));  // 8 MiB of pages per connection
    return conn;
  }
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  sqlite3* db() const { return db_; }

  Status Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      Status s = Internal(std::string("database: ") + (err ? err : sqlite3_errmsg(db_)));
      sqlite3_free(err);
      return s;
    }
    return Status::Ok();
  }

  // A reset statement from the cache, prepared on first use.
  Result<sqlite3_stmt*> Prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      return Internal(std::string("database: ") + sqlite3_errmsg(db_) + " in: " + sql);
    }
    cache_.emplace(sql, stmt);
    return stmt;
  }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

Status BindJson(sqlite3_stmt* stmt, int index, const FieldSpec* f, const Json& v) {
  int rc = SQLITE_OK;
  if (v.is_null()) {
    rc = sqlite3_bind_null(stmt, index);
  } else if (f != nullptr && IsJsonColumn(f->type)) {
    std::string text = v.dump();
    rc = sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()),
                           SQLITE_TRANSIENT);
  } else if (v.is_boolean()) {
    rc = sqlite3_bind_int(stmt, index, v.get<bool>() ? 1 : 0);
  } else if (v.is_number_integer()) {
    rc = sqlite3_bind_int64(stmt, index, v.get<int64_t>());
  } else if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    rc = sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  } else {
    std::string text = v.dump();
    rc = sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()),
                           SQLITE_TRANSIENT);
  }
  return rc == SQLITE_OK ? Status::Ok() : Internal("database: cannot bind parameter");
}

// A text column's value; "" for NULL.
std::string ColumnText(sqlite3_stmt* stmt, int col) {
  const unsigned char* t = sqlite3_column_text(stmt, col);
  return t == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(t),
                                    static_cast<size_t>(sqlite3_column_bytes(stmt, col)));
}

Json ColumnJson(sqlite3_stmt* stmt, int col, const FieldSpec& f) {
  if (sqlite3_column_type(stmt, col) == SQLITE_NULL) return nullptr;
  if (f.type == FieldType::kBool) return sqlite3_column_int(stmt, col) != 0;
  if (IsIntColumn(f.type)) return sqlite3_column_int64(stmt, col);
  const char* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, col));
  int len = sqlite3_column_bytes(stmt, col);
  std::string_view sv(text, static_cast<size_t>(len));
  if (IsJsonColumn(f.type)) {
    Json parsed = Json::parse(sv, nullptr, /*allow_exceptions=*/false);
    return parsed.is_discarded() ? Json(nullptr) : parsed;
  }
  return std::string(sv);
}

// Stored fields of a spec, in order: the SELECT list.
std::vector<const FieldSpec*> StoredFields(const ResourceSpec& spec) {
  std::vector<const FieldSpec*> out;
  for (const FieldSpec& f : spec.fields) {
    if (f.stored && f.access != Access::kWriteOnly) out.push_back(&f);
  }
  return out;
}

std::string SelectList(const ResourceSpec& spec) {
  std::string cols;
  for (const FieldSpec* f : StoredFields(spec)) {
    if (!cols.empty()) cols += ", ";
    cols += '"';
    cols += f->name;
    cols += '"';
  }
  return cols;
}

Json RowJson(sqlite3_stmt* stmt, const ResourceSpec& spec) {
  Json row = Json::object();
  int col = 0;
  for (const FieldSpec* f : StoredFields(spec)) row[f->name] = ColumnJson(stmt, col++, *f);
  return row;
}

// Maps a failed step to a Status: unique clashes name the column, foreign keys are conflicts.
Status StepError(sqlite3* db, int rc, const ResourceSpec& spec) {
  std::string msg = sqlite3_errmsg(db);
  int ext = sqlite3_extended_errcode(db);
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
    std::string field;
    size_t dot = msg.rfind('.');
    if (dot != std::string::npos) field = msg.substr(dot + 1);
    return Status(StatusCode::kAlreadyExists,
                  "another " + std::string(spec.singular) + " already has this value", field);
  }
  // A failing statement-level foreign-key check reports plain SQLITE_CONSTRAINT; the message is
  // the reliable signal.
  if (ext == SQLITE_CONSTRAINT_FOREIGNKEY || msg.find("FOREIGN KEY") != std::string::npos) {
    return Conflict("a referenced record does not exist, or other records still refer to this " +
                    std::string(spec.singular));
  }
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    return Status(StatusCode::kUnavailable, "database busy: " + msg);
  }
  return Internal("database: " + msg);
}

class SqliteStore;

class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(SqliteStore* store, std::unique_ptr<Connection> conn)
      : store_(store), conn_(std::move(conn)) {}
  ~SqliteTransaction() override;

  Status BeginTx(TxMode mode) {
    return conn_->Exec(mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
  }

  Result<ListPage> List(const ResourceSpec& spec, const ListQuery& query) override;
  Result<std::optional<Json>> Get(const ResourceSpec& spec, int64_t id) override {
    return FindBy(spec, "id", id);
  }
  Result<std::optional<Json>> FindBy(const ResourceSpec& spec, std::string_view field,
                                     const Json& value) override;
  Result<int64_t> Insert(const ResourceSpec& spec, const Json& record) override;
  Status Update(const ResourceSpec& spec, int64_t id, const Json& changes) override;
  Status Delete(const ResourceSpec& spec, int64_t id) override;
  Result<int64_t> DeleteWhere(const ResourceSpec& spec, std::string_view field,
                              const Json& value) override;
  Result<std::vector<std::pair<Json, int64_t>>> CountBy(const ResourceSpec& spec,
                                                        std::string_view field,
                                                        const ListQuery& query) override;
  Result<std::vector<OrgNode>> OrgNodes() override;
  Status InsertIndicators(int64_t list_id, const std::vector<IndicatorRow>& rows) override;
  Result<std::vector<IndicatorRow>> ListIndicators(int64_t list_id) override;
  Result<std::vector<IndicatorRow>> IndicatorsContaining(int64_t list_id,
                                                         const IpAddress& ip) override;
  Result<std::vector<IndicatorRow>> IndicatorsStartingIn(int64_t list_id, const IpAddress& first,
                                                         const IpAddress& last) override;
  Result<int64_t> DetectionCounter(std::string_view name) override;
  Status SetDetectionCounter(std::string_view name, int64_t value) override;
  Result<std::optional<OpenAlertRow>> NewestOpenAlert(std::string_view rule_id,
                                                      std::string_view host) override;
  Status FoldIntoAlert(int64_t id, int64_t count, int64_t last_event_id,
                       std::string_view last_seen) override;
  Status LinkAlertEvent(int64_t alert_id, int64_t event_id) override;
  Result<std::vector<int64_t>> AlertEventIds(int64_t alert_id, int64_t limit) override;
  Status Commit() override {
    VIGIL_RETURN_IF_ERROR(conn_->Exec("COMMIT"));
    committed_ = true;
    return Status::Ok();
  }

 private:
  // Builds " WHERE ..." for a list query and the values to bind, in order.
  // keep_id_order: stop SQLite from driving the query by the organisation index (see Where).
  Status Where(const ResourceSpec& spec, const ListQuery& q, bool keep_id_order, std::string* sql,
               std::vector<std::pair<const FieldSpec*, Json>>* binds);
  Status BindAll(sqlite3_stmt* stmt, const std::vector<std::pair<const FieldSpec*, Json>>& binds);

  SqliteStore* store_;
  std::unique_ptr<Connection> conn_;
  bool committed_ = false;
};

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::filesystem::path& file, int connections) {
    auto store = std::unique_ptr<SqliteStore>(new SqliteStore(file.string()));
    for (int i = 0; i < std::max(1, connections); ++i) {
      VIGIL_ASSIGN_OR_RETURN(auto conn, Connection::Open(store->path_));
      store->idle_.push_back(std::move(conn));
    }
    VIGIL_RETURN_IF_ERROR(store->Migrate());
    return std::unique_ptr<Store>(std::move(store));
  }

  Result<std::unique_ptr<Transaction>> Begin(TxMode mode) override {
    std::unique_ptr<Connection> conn;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !idle_.empty(); });
      conn = std::move(idle_.back());
      idle_.pop_back();
    }
    auto tx = std::make_unique<SqliteTransaction>(this, std::move(conn));
    VIGIL_RETURN_IF_ERROR(tx->BeginTx(mode));
    return std::unique_ptr<Transaction>(std::move(tx));
  }

  int SchemaVersion() const override { return version_; }

  void Release(std::unique_ptr<Connection> conn) {
    {
      std::lock_guard lock(mu_);
      idle_.push_back(std::move(conn));
    }
    cv_.notify_one();
  }

 private:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}

  Status Migrate() {
    Connection& c = *idle_.front();
    VIGIL_RETURN_IF_ERROR(c.Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, "
        "applied_at TEXT NOT NULL)"));
    VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                           c.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    version_ = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
    sqlite3_reset(stmt);
    for (const Migration& m : SqliteMigrations()) {
      if (m.version <= version_) continue;
      VIGIL_RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE"));
      Status s = c.Exec(std::string(m.sql));
      if (s.ok()) {
        s = c.Exec("INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) + ", '" +
                   std::string(m.name) + "', '" + NowTimestamp() + "')");
      }
      if (!s.ok()) {
        (void)c.Exec("ROLLBACK");
        return Internal("migration " + std::to_string(m.version) + " failed: " + s.message());
      }
      VIGIL_RETURN_IF_ERROR(c.Exec("COMMIT"));
      version_ = m.version;
    }
    return Status::Ok();
  }

  std::string path_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int version_ = 0;
};

SqliteTransaction::~SqliteTransaction() {
  if (!committed_) (void)conn_->Exec("ROLLBACK");
  store_->Release(std::move(conn_));
}

Status SqliteTransaction::Where(const ResourceSpec& spec, const ListQuery& q, bool keep_id_order,
                                std::string* sql,
                                std::vector<std::pair<const FieldSpec*, Json>>* binds) {
  std::vector<std::string> clauses;
  if (q.scope && !spec.scope_field.empty()) {
    Json ids = Json::array();
    for (int64_t id : *q.scope) ids.push_back(id);
    // With keep_id_order, the unary + keeps SQLite from driving the query by the organisation
    // index, which would make it sort every visible row to answer ORDER BY id LIMIT n
    // (docs/PERFORMANCE.md); a COUNT is better served by that index.
    std::string plus = keep_id_order ? "+" : "";
    std::string in = " IN (SELECT value FROM json_each(?))";
    std::string clause = "(" + plus + "\"" + std::string(spec.scope_field) + "\"" + in;
    binds->emplace_back(nullptr, ids.dump());
    if (!spec.also_visible_via.empty()) {
      clause += " OR " + plus + "\"" + std::string(spec.also_visible_via) + "\"" + in;
      binds->emplace_back(nullptr, ids.dump());
    }
    clauses.push_back(clause + ")");
  }
  if (!q.search.empty()) {
    // search_text holds the searchable fields already folded (see migrations.cc).
    clauses.push_back("instr(search_text, ?) > 0");
    binds->emplace_back(nullptr, Utf8Lower(q.search));
  }
  for (const auto& [name, value] : q.equals) {
    const FieldSpec* f = spec.Field(name);
    if (f == nullptr || !f->stored) return InvalidArgument("cannot filter on this field", name);
    if (value.is_null()) {
      clauses.push_back("\"" + name + "\" IS NULL");
    } else if (value.is_array()) {
      std::string in = "\"" + name + "\" IN (";
      for (size_t i = 0; i < value.size(); ++i) {
        in += i == 0 ? "?" : ", ?";
        binds->emplace_back(f, value[i]);
      }
      clauses.push_back(value.empty() ? std::string("0") : in + ")");
    } else {
      clauses.push_back("\"" + name + "\" = ?");
      binds->emplace_back(f, value);
    }
  }
  for (const auto& [name, value] : q.contains) {
    const FieldSpec* f = spec.Field(name);
    if (f == nullptr || !IsJsonColumn(f->type)) {
      return InvalidArgument("cannot filter on this field", name);
    }
    clauses.push_back("EXISTS (SELECT 1 FROM json_each(\"" + name + "\") WHERE value = ?)");
    binds->emplace_back(nullptr, value);
  }
  for (size_t i = 0; i < clauses.size(); ++i) *sql += (i == 0 ? " WHERE " : " AND ") + clauses[i];
  return Status::Ok();
}

Status SqliteTransaction::BindAll(sqlite3_stmt* stmt,
                                  const std::vector<std::pair<const FieldSpec*, Json>>& binds) {
  for (size_t i = 0; i < binds.size(); ++i) {
    VIGIL_RETURN_IF_ERROR(BindJson(stmt, static_cast<int>(i + 1), binds[i].first, binds[i].second));
  }
  return Status::Ok();
}

Result<ListPage> SqliteTransaction::List(const ResourceSpec& spec, const ListQuery& query) {
  std::string table = "\"" + std::string(spec.name) + "\"";
  std::string where;
  std::vector<std::pair<const FieldSpec*, Json>> binds;
  VIGIL_RETURN_IF_ERROR(Where(spec, query, /*keep_id_order=*/true, &where, &binds));
  ListPage page;
  std::string order;
  for (const SortKey& key : query.order) {
    const FieldSpec* f = spec.Field(key.field);
    if (f == nullptr || !f->stored || f->access == Access::kWriteOnly) {
      return Internal("cannot sort on " + key.field);
    }
    std::string col = "\"" + key.field + "\"";
    if (key.first) {
      order += "(" + col + " IS ?) DESC, ";
      binds.emplace_back(f, *key.first);
    }
    order += col + (key.descending ? " DESC, " : ", ");
  }
  bool id_desc = query.order.empty() ? query.newest_first : query.order.back().descending;
  std::string sql = "SELECT " + SelectList(spec) + " FROM " + table + where + " ORDER BY " + order +
                    "id" + (id_desc ? " DESC" : "") + " LIMIT ? OFFSET ?";
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, conn_->Prepare(sql));
  VIGIL_RETURN_IF_ERROR(BindAll(stmt, binds));
  sqlite3_bind_int64(stmt, static_cast<int>(binds.size() + 1), query.limit);
  sqlite3_bind_int64(stmt, static_cast<int>(binds.size() + 2), query.offset);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) page.items.push_back(RowJson(stmt, spec));
  if (rc != SQLITE_DONE) return StepError(conn_->db(), rc, spec);
  if (!query.count_total) return page;

  // A short, non-empty page (or a short first page) ends the result: the total is known.
  auto n = static_cast<int64_t>(page.items.size());
  if (n < query.limit && (n > 0 || query.offset == 0)) {
    page.total = query.offset + n;
    return page;
  }
  // Counting may use the organisation index: order does not matter here.
  where.clear();
  binds.clear();
  VIGIL_RETURN_IF_ERROR(Where(spec, query, /*keep_id_order=*/false, &where, &binds));
  VIGIL_ASSIGN_OR_RETURN(stmt, conn_->Prepare("SELECT COUNT(*) FROM " + table + where));
  VIGIL_RETURN_IF_ERROR(BindAll(stmt, binds));
  rc = sqlite3_step(stmt);
  if (rc != SQLITE_ROW) return StepError(conn_->db(), rc, spec);
  page.total = sqlite3_column_int64(stmt, 0);
  sqlite3_reset(stmt);
  return page;
}

Result<std::optional<Json>> SqliteTransaction::FindBy(const ResourceSpec& spec,
                                                      std::string_view field, const Json& value) {
  const FieldSpec* f = spec.Field(field);
  if (f == nullptr) return Internal("unknown field " + std::string(field));
  std::string sql = "SELECT " + SelectList(spec) + " FROM \"" + std::string(spec.name) +
                    "\" WHERE \"" + std::string(field) + "\" = ? LIMIT 1";
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, conn_->Prepare(sql));
  VIGIL_RETURN_IF_ERROR(BindJson(stmt, 1, f, value));
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_DONE) return std::optional<Json>();
  if (rc != SQLITE_ROW) return StepError(conn_->db(), rc, spec);
  Json row = RowJson(stmt, spec);
  sqlite3_reset(stmt);
  return std::optional<Json>(std::move(row));
}

Result<int64_t> SqliteTransaction::Insert(const ResourceSpec& spec, const Json& record) {
  std::string cols, marks;
  std::vector<std::pair<const FieldSpec*, Json>> binds;
  std::string now = NowTimestamp();
  for (const FieldSpec* f : StoredFields(spec)) {
    Json value;
    if (f->name == "created_at" || f->name == "updated_at") {
      value = now;
    } else if (auto it = record.find(f->name); it != record.end()) {
      value = *it;
    } else {
      continue;
    }
    if (!cols.empty()) {
      cols += ", ";
      marks += ", ";
    }
    cols += "\"" + std::string(f->name) + "\"";
    marks += "?";
    binds.emplace_back(f, std::move(value));
  }
  std::string sql =
      "INSERT INTO \"" + std::string(spec.name) + "\" (" + cols + ") VALUES (" + marks + ")";
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, conn_->Prepare(sql));
  VIGIL_RETURN_IF_ERROR(BindAll(stmt, binds));
  int rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE) return StepError(conn_->db(), rc, spec);
  return static_cast<int64_t>(sqlite3_last_insert_rowid(conn_->db()));
}

Status SqliteTransaction::Update(const ResourceSpec& spec, int64_t id, const Json& changes) {
  std::string sets;
  std::vector<std::pair<const FieldSpec*, Json>> binds;
  for (const FieldSpec* f : StoredFields(spec)) {
    Json value;
    if (f->name == "updated_at") {
      value = NowTimestamp();
    } else if (auto it = changes.find(f->name); it != changes.end() && f->name != "id") {
      value = *it;
    } else {
      continue;
    }
    if (!sets.empty()) sets += ", ";
    sets += "\"" + std::string(f->name) + "\" = ?";
    binds.emplace_back(f, std::move(value));
  }
  if (sets.empty()) return Status::Ok();
  binds.emplace_back(nullptr, id);
  std::string sql = "UPDATE \"" + std::string(spec.name) + "\" SET " + sets + " WHERE id = ?";
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, conn_->Prepare(sql));
  VIGIL_RETURN_IF_ERROR(BindAll(stmt, binds));
  int rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE) return StepError(conn_->db(), rc, spec);
  if (sqlite3_changes(conn_->db()) == 0) return NotFound(std::string(spec.singular) + " not found");
  return Status::Ok();
}

Status SqliteTransaction::Delete(const ResourceSpec& spec, int64_t id) {
  VIGIL_ASSIGN_OR_RETURN(int64_t n, DeleteWhere(spec, "id", id));
  if (n == 0) return NotFound(std::string(spec.singular) + " not found");
  return Status::Ok();
}

Result<int64_t> SqliteTransaction::DeleteWhere(const ResourceSpec& spec, std::string_view field,
                                               const Json& value) {
  const FieldSpec* f = spec.Field(field);
  if (f == nullptr) return Internal("unknown field " + std::string(field));
  std::string sql =
      "DELETE FROM \"" + std::string(spec.name) + "\" WHERE \"" + std::string(field) + "\" = ?";
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, conn_->Prepare(sql));
  VIGIL_RETURN_IF_ERROR(BindJson(stmt, 1, f, value));
  int rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE) return StepError(conn_->db(), rc, spec);
  return static_cast<int64_t>(sqlite3_changes(conn_->db()));
}

Result<std::vector<std::pair<Json, int64_t>>> SqliteTransaction::CountBy(const ResourceSpec& spec,
                                                                         std::string_view field,
                                                                         const ListQuery& query) {
  const FieldSpec* f = spec.Field(field);
  if (f == nullptr || !f->stored) return Internal("unknown field " + std::string(field));
  std::string where;
  std::vector<std::pair<const FieldSpec*, Json>> binds;
  VIGIL_RETURN_IF_ERROR(Where(spec, query, /*keep_id_order=*/false, &where, &binds));
  std::string col = "\"" + std::string(field) + "\"";
  std::string sql = "SELECT " + col + ", COUNT(*) FROM \"" + std::string(spec.name) + "\"" + where +
                    " GROUP BY " + col + " ORDER BY " + col;
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, conn_->Prepare(sql));
  VIGIL_RETURN_IF_ERROR(BindAll(stmt, binds));
  std::vector<std::pair<Json, int64_t>> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    out.emplace_back(ColumnJson(stmt, 0, *f), sqlite3_column_int64(stmt, 1));
  }
  if (rc != SQLITE_DONE) return StepError(conn_->db(), rc, spec);
  return out;
}

Result<std::vector<OrgNode>> SqliteTransaction::OrgNodes() {
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                         conn_->Prepare("SELECT id, parent_id, name FROM orgs ORDER BY id"));
  std::vector<OrgNode> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    OrgNode n;
    n.id = sqlite3_column_int64(stmt, 0);
    if (sqlite3_column_type(stmt, 1) != SQLITE_NULL) n.parent_id = sqlite3_column_int64(stmt, 1);
    n.name = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2));
    out.push_back(std::move(n));
  }
  if (rc != SQLITE_DONE) return StepError(conn_->db(), rc, domain::kOrgs);
  return out;
}

Status SqliteTransaction::InsertIndicators(int64_t list_id, const std::vector<IndicatorRow>& rows) {
  VIGIL_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      conn_->Prepare("INSERT INTO intel_indicators (list_id, value, kind, first_seen, last_seen, "
                     "expires, family, port, dest_ip, dest_port, isp) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  auto text = [&](int index, const std::string& v) {
    return v.empty() ? sqlite3_bind_null(stmt, index)
                     : sqlite3_bind_text(stmt, index, v.data(), static_cast<int>(v.size()),
                                         SQLITE_STATIC);
  };
  auto number = [&](int index, int64_t v) {
    return v == 0 ? sqlite3_bind_null(stmt, index) : sqlite3_bind_int64(stmt, index, v);
  };
  // The address entries' spans, written to intel_addresses afterwards in key order: appending to
  // its B-tree instead of inserting a million random keys keeps the import's cost (see
  // docs/PERFORMANCE.md, "Matching register changes").
  struct Address {
    bool range;
    IpAddress first, last;
    int64_t seq;
  };
  std::vector<Address> addresses;
  for (const IndicatorRow& row : rows) {
    sqlite3_reset(stmt);
    int rc = sqlite3_bind_int64(stmt, 1, list_id);
    if (rc == SQLITE_OK) rc = text(2, row.value);
    if (rc == SQLITE_OK) rc = text(3, row.kind);
    if (rc == SQLITE_OK) rc = number(4, row.first_seen);
    if (rc == SQLITE_OK) rc = number(5, row.last_seen);
    if (rc == SQLITE_OK) rc = number(6, row.expires);
    if (rc == SQLITE_OK) rc = text(7, row.family);
    if (rc == SQLITE_OK) rc = number(8, row.port);
    if (rc == SQLITE_OK) rc = text(9, row.dest_ip);
    if (rc == SQLITE_OK) rc = number(10, row.dest_port);
    if (rc == SQLITE_OK) rc = text(11, row.isp);
    if (rc != SQLITE_OK) return Internal("database: cannot bind parameter");
    rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) return StepError(conn_->db(), rc, domain::kIntelLists);
    if (auto span = EntrySpan(row.value, row.kind)) {
      addresses.push_back(
          {row.kind == "range", span->first, span->second, sqlite3_last_insert_rowid(conn_->db())});
    }
  }
  // The bound texts belong to `rows`: leave nothing pointing at them in the cached statement.
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);

  std::sort(addresses.begin(), addresses.end(), [](const Address& a, const Address& b) {
    return std::tie(a.range, a.first, a.seq) < std::tie(b.range, b.first, b.seq);
  });
  VIGIL_ASSIGN_OR_RETURN(
      sqlite3_stmt * add,
      conn_->Prepare("INSERT INTO intel_addresses (list_id, is_range, first_addr, last_addr, seq) "
                     "VALUES (?, ?, ?, ?, ?)"));
  for (const Address& a : addresses) {
    sqlite3_reset(add);
    int rc = sqlite3_bind_int64(add, 1, list_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(add, 2, a.range ? 1 : 0);
    if (rc == SQLITE_OK) rc = BindAddress(add, 3, a.first);
    if (rc == SQLITE_OK) rc = BindAddress(add, 4, a.last);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(add, 5, a.seq);
    if (rc != SQLITE_OK) return Internal("database: cannot bind parameter");
    rc = sqlite3_step(add);
    if (rc != SQLITE_DONE) return StepError(conn_->db(), rc, domain::kIntelLists);
  }
  sqlite3_reset(add);
  sqlite3_clear_bindings(add);
  return Status::Ok();
}

// The columns ReadIndicators reads, in its order.
constexpr const char* kIndicatorColumns =
    "SELECT value, kind, first_seen, last_seen, expires, family, port, dest_ip, dest_port, isp, "
    "rowid AS seq FROM intel_indicators ";
// The same for address lookups: driven by intel_addresses `a` (CROSS JOIN keeps it the outer
// loop), each entry then fetched by rowid.
constexpr const char* kIndicatorColumnsByAddress =
    "SELECT i.value, i.kind, i.first_seen, i.last_seen, i.expires, i.family, i.port, i.dest_ip, "
    "i.dest_port, i.isp, a.seq AS seq FROM intel_addresses a CROSS JOIN intel_indicators i "
    "ON i.rowid = a.seq ";

// Steps `stmt` (selecting kIndicatorColumns) to the end.
Result<std::vector<IndicatorRow>> ReadIndicators(sqlite3* db, sqlite3_stmt* stmt) {
  std::vector<IndicatorRow> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    IndicatorRow row;
    row.value = ColumnText(stmt, 0);
    row.kind = ColumnText(stmt, 1);
    row.first_seen = sqlite3_column_int64(stmt, 2);
    row.last_seen = sqlite3_column_int64(stmt, 3);
    row.expires = sqlite3_column_int64(stmt, 4);
    row.family = ColumnText(stmt, 5);
    row.port = sqlite3_column_int64(stmt, 6);
    row.dest_ip = ColumnText(stmt, 7);
    row.dest_port = sqlite3_column_int64(stmt, 8);
    row.isp = ColumnText(stmt, 9);
    row.seq = sqlite3_column_int64(stmt, 10);
    out.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return StepError(db, rc, domain::kIntelLists);
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  return out;
}

Status BindKey(sqlite3_stmt* stmt, int index, const IpAddress& ip) {
  if (BindAddress(stmt, index, ip) != SQLITE_OK) return Internal("database: cannot bind parameter");
  return Status::Ok();
}

Result<int64_t> SqliteTransaction::DetectionCounter(std::string_view name) {
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                         conn_->Prepare("SELECT value FROM detection_state WHERE name = ?"));
  sqlite3_bind_text(stmt, 1, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) return int64_t{sqlite3_column_int64(stmt, 0)};
  if (rc == SQLITE_DONE) return int64_t{0};
  return Internal(std::string("database: ") + sqlite3_errmsg(conn_->db()));
}

Status SqliteTransaction::SetDetectionCounter(std::string_view name, int64_t value) {
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                         conn_->Prepare("INSERT INTO detection_state (name, value) VALUES (?, ?) "
                                        "ON CONFLICT (name) DO UPDATE SET value = excluded.value"));
  sqlite3_bind_text(stmt, 1, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(stmt, 2, value);
  if (sqlite3_step(stmt) != SQLITE_DONE) {
    return Internal(std::string("database: ") + sqlite3_errmsg(conn_->db()));
  }
  return Status::Ok();
}

Result<std::optional<OpenAlertRow>> SqliteTransaction::NewestOpenAlert(std::string_view rule_id,
                                                                       std::string_view host) {
  // One seek in the partial index alerts_open_newest (rule_id, host) of alerts not closed.
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                         conn_->Prepare("SELECT id, count, last_event_id, last_seen FROM alerts "
                                        "WHERE rule_id = ? AND host = ? AND status <> 'closed' "
                                        "ORDER BY id DESC LIMIT 1"));
  sqlite3_bind_text(stmt, 1, rule_id.data(), static_cast<int>(rule_id.size()), SQLITE_STATIC);
  sqlite3_bind_text(stmt, 2, host.data(), static_cast<int>(host.size()), SQLITE_STATIC);
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_DONE) return std::optional<OpenAlertRow>();
  if (rc != SQLITE_ROW) return Internal(std::string("database: ") + sqlite3_errmsg(conn_->db()));
  OpenAlertRow row;
  row.id = sqlite3_column_int64(stmt, 0);
  row.count = sqlite3_column_int64(stmt, 1);
  row.last_event_id = sqlite3_column_int64(stmt, 2);
  row.last_seen = ColumnText(stmt, 3);
  sqlite3_reset(stmt);
  return std::optional<OpenAlertRow>(std::move(row));
}

Status SqliteTransaction::FoldIntoAlert(int64_t id, int64_t count, int64_t last_event_id,
                                        std::string_view last_seen) {
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                         conn_->Prepare("UPDATE alerts SET count = ?, last_event_id = ?, "
                                        "last_seen = ?, updated_at = ? WHERE id = ?"));
  const std::string now = NowTimestamp();
  sqlite3_bind_int64(stmt, 1, count);
  sqlite3_bind_int64(stmt, 2, last_event_id);
  sqlite3_bind_text(stmt, 3, last_seen.data(), static_cast<int>(last_seen.size()), SQLITE_STATIC);
  sqlite3_bind_text(stmt, 4, now.data(), static_cast<int>(now.size()), SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 5, id);
  if (sqlite3_step(stmt) != SQLITE_DONE) {
    return Internal(std::string("database: ") + sqlite3_errmsg(conn_->db()));
  }
  if (sqlite3_changes(conn_->db()) == 0) return NotFound("alert not found");
  return Status::Ok();
}

Status SqliteTransaction::LinkAlertEvent(int64_t alert_id, int64_t event_id) {
  VIGIL_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      conn_->Prepare("INSERT OR IGNORE INTO alert_events (alert_id, event_id) VALUES (?, ?)"));
  sqlite3_bind_int64(stmt, 1, alert_id);
  sqlite3_bind_int64(stmt, 2, event_id);
  if (sqlite3_step(stmt) != SQLITE_DONE) {
    return Internal(std::string("database: ") + sqlite3_errmsg(conn_->db()));
  }
  return Status::Ok();
}

Result<std::vector<int64_t>> SqliteTransaction::AlertEventIds(int64_t alert_id, int64_t limit) {
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                         conn_->Prepare("SELECT event_id FROM alert_events WHERE alert_id = ? "
                                        "ORDER BY event_id DESC LIMIT ?"));
  sqlite3_bind_int64(stmt, 1, alert_id);
  sqlite3_bind_int64(stmt, 2, limit);
  std::vector<int64_t> ids;
  int rc = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(stmt, 0));
  if (rc != SQLITE_DONE) return Internal(std::string("database: ") + sqlite3_errmsg(conn_->db()));
  return ids;
}

Result<std::vector<IndicatorRow>> SqliteTransaction::ListIndicators(int64_t list_id) {
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, conn_->Prepare(std::string(kIndicatorColumns) +
                                                             "WHERE list_id = ? ORDER BY rowid"));
  sqlite3_bind_int64(stmt, 1, list_id);
  return ReadIndicators(conn_->db(), stmt);
}

Result<std::vector<IndicatorRow>> SqliteTransaction::IndicatorsContaining(int64_t list_id,
                                                                          const IpAddress& ip) {
  // A network containing `ip` starts at `ip` with its host bits cleared, so the single addresses
  // and networks are found by probing the key (list_id, is_range, first_addr) at each prefix
  // length; ranges start anywhere and are scanned (those of this list starting at or below ip).
  const int bits = ip.v6 ? 128 : 32;
  std::string sql = std::string(kIndicatorColumnsByAddress) +
                    "WHERE a.list_id = ?1 AND a.is_range = 0 AND a.last_addr >= ?2 AND "
                    "a.first_addr IN (";
  for (int p = 0; p <= bits; ++p) sql += (p == 0 ? "?" : ", ?") + std::to_string(p + 4);
  sql += ") UNION ALL " + std::string(kIndicatorColumnsByAddress) +
         "WHERE a.list_id = ?1 AND a.is_range = 1 AND a.first_addr BETWEEN ?3 AND ?2 AND "
         "a.last_addr >= ?2 ORDER BY seq";
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, conn_->Prepare(sql));
  sqlite3_bind_int64(stmt, 1, list_id);
  VIGIL_RETURN_IF_ERROR(BindKey(stmt, 2, ip));
  VIGIL_RETURN_IF_ERROR(BindKey(stmt, 3, IpAddress{ip.v6, {}}));
  for (int p = 0; p <= bits; ++p) {
    IpAddress network = ip;
    for (int bit = p; bit < bits; ++bit) {
      network.bytes[static_cast<size_t>(bit / 8)] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
    }
    VIGIL_RETURN_IF_ERROR(BindKey(stmt, p + 4, network));
  }
  return ReadIndicators(conn_->db(), stmt);
}

Result<std::vector<IndicatorRow>> SqliteTransaction::IndicatorsStartingIn(int64_t list_id,
                                                                          const IpAddress& first,
                                                                          const IpAddress& last) {
  VIGIL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                         conn_->Prepare(std::string(kIndicatorColumnsByAddress) +
                                        "WHERE a.list_id = ?1 AND a.is_range IN (0, 1) AND "
                                        "a.first_addr BETWEEN ?2 AND ?3 ORDER BY seq"));
  sqlite3_bind_int64(stmt, 1, list_id);
  VIGIL_RETURN_IF_ERROR(BindKey(stmt, 2, first));
  VIGIL_RETURN_IF_ERROR(BindKey(stmt, 3, last));
  return ReadIndicators(conn_->db(), stmt);
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::filesystem::path& file, int connections) {
  return SqliteStore::Open(file, connections);
}

}  // namespace vigil::store

// The versioned schema. Migrations are applied in order at start, each in its own transaction,
// and recorded in schema_migrations. Never edit a released migration: add a new one.
#pragma once

#include <span>
#include <string_view>

namespace vigil::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // SQLite dialect
};

std::span<const Migration> SqliteMigrations();

}  // namespace vigil::store

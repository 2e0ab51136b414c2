// A small YAML document tree over libyaml, enough for Sigma rules and Vigil's mapping files.
//
// ParseYaml(text) returns every document of a stream as a YamlNode tree: scalars (with whether
// they were quoted, so `null` and `'null'` differ), sequences and mappings (keys in file order),
// each with its 1-based line and column. Aliases are expanded (bounded); anchors, tags and
// styles are otherwise ignored. Errors are values naming line and column. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace vigil::detect {

struct YamlNode {
  // Declared here and defaulted in yaml.cc: `entries` holds pairs of this still-incomplete type,
  // and clang with libstdc++ cannot instantiate them from implicit inline members.
  YamlNode();
  YamlNode(const YamlNode&);
  YamlNode(YamlNode&&) noexcept;
  YamlNode& operator=(const YamlNode&);
  YamlNode& operator=(YamlNode&&) noexcept;
  ~YamlNode();

  enum class Kind { kScalar, kSequence, kMapping };
  Kind kind = Kind::kScalar;
  std::string scalar;           // kScalar: the text
  bool quoted = false;          // kScalar: written in quotes or as a block scalar
  std::vector<YamlNode> items;  // kSequence
  std::vector<std::pair<YamlNode, YamlNode>> entries;  // kMapping, in file order
  int line = 0;
  int column = 0;

  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsMapping() const { return kind == Kind::kMapping; }
  // A plain (unquoted) `null`, `Null`, `NULL`, `~` or empty scalar.
  bool IsNull() const;
  // The value of mapping key `key` (scalar keys only), or nullptr.
  const YamlNode* Find(std::string_view key) const;
};

// Limits that keep hostile input cheap: nesting depth, and total nodes and scalar bytes after
// alias expansion (anchors' copies have the same budget again).
struct YamlLimits {
  int max_depth = 64;
  size_t max_nodes = 1'000'000;
  size_t max_bytes = 64 << 20;
};

// Every document in `text`. Errors are kInvalidArgument (kResourceExhausted past `limits`)
// with where() = "line:column".
Result<std::vector<YamlNode>> ParseYaml(std::string_view text, const YamlLimits& limits = {});

}  // namespace vigil::detect

// Who may see and change what: roles, the organisation tree, and subtree scoping.
//
// Every user is scoped to the subtree rooted at its org_id (or, when org_id is null, to the whole
// forest). Records outside the scope do not exist for that user. The checks here are the only
// place where authorisation is decided; handlers ask, they do not decide.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/status.h"
#include "domain/resource.h"
#include "store/store.h"

namespace vigil::server {

enum class Role { kAdmin, kAnalyst, kUnitOfficer, kViewer };
std::optional<Role> ParseRole(std::string_view name);

struct Principal {
  int64_t user_id = 0;
  std::string username;
  Role role = Role::kViewer;
  std::optional<int64_t> scope_root;  // nullopt: every organisation
  bool via_cookie = false;            // authenticated by the session cookie (CSRF applies)
  std::string csrf_token;             // the session's CSRF token (sessions only)
  std::optional<int64_t> session_id;  // the session behind the request; nullopt for API tokens
};

// An immutable snapshot of the organisation tree.
class OrgTree {
 public:
  explicit OrgTree(const std::vector<store::OrgNode>& nodes);
  bool Exists(int64_t id) const { return parent_.count(id) != 0; }
  // `root` and all its descendants.
  std::vector<int64_t> Subtree(int64_t root) const;
  // True when `node` is `ancestor` or lies below it.
  bool InSubtree(int64_t node, int64_t ancestor) const;
  // Ancestors of `id`, nearest first (the reporting chain upwards).
  std::vector<int64_t> Chain(int64_t id) const;
  std::vector<int64_t> All() const;

 private:
  std::unordered_map<int64_t, std::optional<int64_t>> parent_;
  std::unordered_map<int64_t, std::vector<int64_t>> children_;
};

// Decisions for one principal against one tree snapshot.
class Access {
 public:
  Access(const Principal& who, const OrgTree& tree);

  // Organisation ids visible to the principal; nullopt when unrestricted.
  const std::optional<std::vector<int64_t>>& VisibleOrgs() const { return visible_list_; }
  bool SeesOrg(std::optional<int64_t> org_id) const;

  // May the principal list/read this resource at all?
  Status CheckRead(const domain::ResourceSpec& spec) const;
  // May the principal create, change or delete records of this resource?
  Status CheckWrite(const domain::ResourceSpec& spec) const;
  // Is `record` (stored form) visible? Uses the spec's scope and also_visible_via fields.
  bool SeesRecord(const domain::ResourceSpec& spec, const store::Json& record) const;
  // Is `record` inside the principal's subtree by its scope field alone? Only such records may be
  // changed: also_visible_via grants reading, not writing.
  bool OwnsRecord(const domain::ResourceSpec& spec, const store::Json& record) const;

  const Principal& who() const { return who_; }
  const OrgTree& tree() const { return tree_; }

 private:
  const Principal& who_;
  const OrgTree& tree_;
  std::optional<std::vector<int64_t>> visible_list_;
  std::unordered_set<int64_t> visible_;
};

}  // namespace vigil::server

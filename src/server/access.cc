#include "server/access.h"

#include "domain/record.h"

namespace vigil::server {

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "analyst") return Role::kAnalyst;
  if (name == "unit_officer") return Role::kUnitOfficer;
  if (name == "viewer") return Role::kViewer;
  return std::nullopt;
}

OrgTree::OrgTree(const std::vector<store::OrgNode>& nodes) {
  for (const auto& n : nodes) {
    parent_[n.id] = n.parent_id;
    if (n.parent_id) children_[*n.parent_id].push_back(n.id);
  }
}

std::vector<int64_t> OrgTree::Subtree(int64_t root) const {
  std::vector<int64_t> out;
  if (!Exists(root)) return out;
  out.push_back(root);
  for (size_t i = 0; i < out.size(); ++i) {  // breadth-first; the tree is acyclic by invariant
    auto it = children_.find(out[i]);
    if (it != children_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

bool OrgTree::InSubtree(int64_t node, int64_t ancestor) const {
  std::optional<int64_t> cur = node;
  for (size_t steps = 0; cur && steps <= parent_.size(); ++steps) {
    if (*cur == ancestor) return true;
    auto it = parent_.find(*cur);
    if (it == parent_.end()) return false;
    cur = it->second;
  }
  return false;
}

std::vector<int64_t> OrgTree::Chain(int64_t id) const {
  std::vector<int64_t> out;
  auto it = parent_.find(id);
  while (it != parent_.end() && it->second && out.size() <= parent_.size()) {
    out.push_back(*it->second);
    it = parent_.find(*it->second);
  }
  return out;
}

std::vector<int64_t> OrgTree::All() const {
  std::vector<int64_t> out;
  for (const auto& [id, parent] : parent_) out.push_back(id);
  return out;
}

Access::Access(const Principal& who, const OrgTree& tree) : who_(who), tree_(tree) {
  if (who.scope_root) {
    visible_list_ = tree.Subtree(*who.scope_root);
    visible_.insert(visible_list_->begin(), visible_list_->end());
  }
}

bool Access::SeesOrg(std::optional<int64_t> org_id) const {
  if (!visible_list_) return true;
  return org_id && visible_.count(*org_id) != 0;
}

Status Access::CheckRead(const domain::ResourceSpec& spec) const {
  if (&spec == &domain::kUsers && who_.role != Role::kAdmin) {
    return PermissionDenied("only administrators manage user accounts");
  }
  return Status::Ok();
}

Status Access::CheckWrite(const domain::ResourceSpec& spec) const {
  switch (who_.role) {
    case Role::kAdmin:
      return Status::Ok();
    case Role::kAnalyst:
    case Role::kUnitOfficer:
      if (&spec == &domain::kUsers || &spec == &domain::kAudit ||
          &spec == &domain::kIngestSources || &spec == &domain::kYaraRules) {
        return PermissionDenied("your role cannot change " + std::string(spec.name));
      }
      return Status::Ok();
    case Role::kViewer:
      break;
  }
  return PermissionDenied("your role can only read");
}

bool Access::SeesRecord(const domain::ResourceSpec& spec, const store::Json& record) const {
  return OwnsRecord(spec, record) || (!spec.also_visible_via.empty() &&
                                      SeesOrg(domain::IntField(record, spec.also_visible_via)));
}

bool Access::OwnsRecord(const domain::ResourceSpec& spec, const store::Json& record) const {
  if (!visible_list_) return true;
  return SeesOrg(domain::IntField(record, spec.scope_field));
}

}  // namespace vigil::server

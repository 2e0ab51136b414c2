#include "detect/yaml.h"

#include <yaml.h>

#include <map>
#include <set>

#include "core/text.h"

namespace vigil::detect {
namespace {

std::string Where(const yaml_mark_t& mark) {
  return std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// Owns a libyaml parser and turns its event stream into YamlNode trees.
class TreeBuilder {
 public:
  TreeBuilder(std::string_view text, const YamlLimits& limits) : limits_(limits) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~TreeBuilder() { yaml_parser_delete(&parser_); }
  TreeBuilder(const TreeBuilder&) = delete;
  TreeBuilder& operator=(const TreeBuilder&) = delete;

  Result<std::vector<YamlNode>> Run() {
    std::vector<YamlNode> docs;
    for (;;) {
      Event event;
      VIGIL_RETURN_IF_ERROR(Next(&event));
      switch (event.e.type) {
        case YAML_STREAM_END_EVENT:
          return docs;
        case YAML_DOCUMENT_START_EVENT: {
          anchors_.clear();
          Event root;
          VIGIL_RETURN_IF_ERROR(Next(&root));
          YamlNode doc;
          if (root.e.type == YAML_DOCUMENT_END_EVENT) {  // empty document
            docs.push_back(std::move(doc));
            break;
          }
          VIGIL_RETURN_IF_ERROR(Build(root, 0, &doc));
          Event end;
          VIGIL_RETURN_IF_ERROR(Next(&end));
          docs.push_back(std::move(doc));
          break;
        }
        default:
          break;  // stream start
      }
    }
  }

 private:
  struct Event {
    yaml_event_t e{};
    bool owned = false;
    Event() = default;
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;
    ~Event() {
      if (owned) yaml_event_delete(&e);
    }
  };

  Status Next(Event* event) {
    if (!yaml_parser_parse(&parser_, &event->e)) {
      std::string problem = parser_.problem ? parser_.problem : "malformed YAML";
      if (parser_.context) problem = std::string(parser_.context) + ": " + problem;
      return InvalidArgument(problem, Where(parser_.problem_mark));
    }
    event->owned = true;
    return Status::Ok();
  }

  // The size of a tree: its nodes and the bytes of its scalars.
  struct Cost {
    size_t nodes = 0;
    size_t bytes = 0;
  };

  // Adds `more` to `total` unless that would exceed the limits.
  Status Spend(Cost more, Cost* total, const yaml_mark_t& mark) const {
    if (more.nodes > limits_.max_nodes - total->nodes ||
        more.bytes > limits_.max_bytes - total->bytes) {
      return {StatusCode::kResourceExhausted, "the YAML document is too large (aliases expanded)",
              Where(mark)};
    }
    total->nodes += more.nodes;
    total->bytes += more.bytes;
    return Status::Ok();
  }

  // An anchored node and the size of its subtree (aliases in it expanded).
  struct Anchored {
    YamlNode node;
    Cost cost;
  };

  // Anchors keep a copy of their node, under a budget of its own: nested anchors would
  // otherwise copy a large subtree once per level for free.
  Status Remember(const yaml_char_t* anchor, const YamlNode& node, Cost before,
                  const yaml_mark_t& mark) {
    if (anchor == nullptr) return Status::Ok();
    const Cost cost{size_.nodes - before.nodes, size_.bytes - before.bytes};
    VIGIL_RETURN_IF_ERROR(Spend(cost, &copied_, mark));
    anchors_[reinterpret_cast<const char*>(anchor)] = {node, cost};
    return Status::Ok();
  }

  Status Build(const Event& event, int depth, YamlNode* out) {
    const yaml_event_t& e = event.e;
    if (depth > limits_.max_depth) {
      return InvalidArgument("YAML nests too deeply", Where(e.start_mark));
    }
    const Cost before = size_;
    if (e.type == YAML_SCALAR_EVENT) {
      VIGIL_RETURN_IF_ERROR(Spend({1, e.data.scalar.length}, &size_, e.start_mark));
    } else if (e.type != YAML_ALIAS_EVENT) {
      VIGIL_RETURN_IF_ERROR(Spend({1, 0}, &size_, e.start_mark));
    }
    out->line = static_cast<int>(e.start_mark.line) + 1;
    out->column = static_cast<int>(e.start_mark.column) + 1;
    switch (e.type) {
      case YAML_SCALAR_EVENT:
        out->kind = YamlNode::Kind::kScalar;
        out->scalar.assign(reinterpret_cast<const char*>(e.data.scalar.value),
                           e.data.scalar.length);
        out->quoted = e.data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
                      e.data.scalar.style != YAML_ANY_SCALAR_STYLE;
        return Remember(e.data.scalar.anchor, *out, before, e.start_mark);
      case YAML_ALIAS_EVENT: {
        auto it = anchors_.find(reinterpret_cast<const char*>(e.data.alias.anchor));
        if (it == anchors_.end()) {
          return InvalidArgument("unknown alias", Where(e.start_mark));
        }
        // Aliases copy, so an alias costs its anchor's whole subtree (aliases in it expanded):
        // that bounds "billion laughs" documents, where each level repeats the last.
        VIGIL_RETURN_IF_ERROR(Spend(it->second.cost, &size_, e.start_mark));
        *out = it->second.node;
        return Status::Ok();
      }
      case YAML_SEQUENCE_START_EVENT: {
        out->kind = YamlNode::Kind::kSequence;
        for (;;) {
          Event child;
          VIGIL_RETURN_IF_ERROR(Next(&child));
          if (child.e.type == YAML_SEQUENCE_END_EVENT) break;
          YamlNode node;
          VIGIL_RETURN_IF_ERROR(Build(child, depth + 1, &node));
          out->items.push_back(std::move(node));
        }
        return Remember(e.data.sequence_start.anchor, *out, before, e.start_mark);
      }
      case YAML_MAPPING_START_EVENT: {
        out->kind = YamlNode::Kind::kMapping;
        std::set<std::string, std::less<>> keys;
        for (;;) {
          Event key_event;
          VIGIL_RETURN_IF_ERROR(Next(&key_event));
          if (key_event.e.type == YAML_MAPPING_END_EVENT) break;
          YamlNode key;
          VIGIL_RETURN_IF_ERROR(Build(key_event, depth + 1, &key));
          Event value_event;
          VIGIL_RETURN_IF_ERROR(Next(&value_event));
          YamlNode value;
          VIGIL_RETURN_IF_ERROR(Build(value_event, depth + 1, &value));
          if (key.IsScalar() && !keys.insert(key.scalar).second) {
            return InvalidArgument("duplicate key " + QuoteForMessage(key.scalar),
                                   std::to_string(key.line) + ":" + std::to_string(key.column));
          }
          out->entries.emplace_back(std::move(key), std::move(value));
        }
        return Remember(e.data.mapping_start.anchor, *out, before, e.start_mark);
      }
      default:
        return InvalidArgument("unexpected YAML event", Where(e.start_mark));
    }
  }

  yaml_parser_t parser_{};
  YamlLimits limits_;
  Cost size_;    // of the documents, aliases expanded
  Cost copied_;  // copied into anchors_
  std::map<std::string, Anchored, std::less<>> anchors_;
};

}  // namespace

YamlNode::YamlNode() = default;
YamlNode::YamlNode(const YamlNode&) = default;
YamlNode::YamlNode(YamlNode&&) noexcept = default;
YamlNode& YamlNode::operator=(const YamlNode&) = default;
YamlNode& YamlNode::operator=(YamlNode&&) noexcept = default;
YamlNode::~YamlNode() = default;

bool YamlNode::IsNull() const {
  if (kind != Kind::kScalar || quoted) return false;
  return scalar.empty() || scalar == "~" || scalar == "null" || scalar == "Null" ||
         scalar == "NULL";
}

const YamlNode* YamlNode::Find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.IsScalar() && k.scalar == key) return &v;
  }
  return nullptr;
}

Result<std::vector<YamlNode>> ParseYaml(std::string_view text, const YamlLimits& limits) {
  TreeBuilder builder(text, limits);
  return builder.Run();
}

}  // namespace vigil::detect

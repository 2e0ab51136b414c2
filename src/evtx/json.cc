#include "evtx/json.h"

#include <string_view>
#include <vector>

namespace vigil::evtx::internal {
namespace {

constexpr size_t kMaxUniqueNames = 64;  // as the evtx crate: later new names get no suffix

void AppendEscaped(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t run = 0;  // start of the pending run of bytes that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xf]);
    }
  }
  out->append(s.data() + run, s.size() - run);
}

bool IsDataContainer(std::string_view name) { return name == "EventData" || name == "UserData"; }

class Renderer {
 public:
  Renderer(const Tree& tree, std::string* out) : tree_(tree), out_(*out) {}

  void ElementValue(const Element& e, bool container) {
    const bool text = HasText(e.children);
    const bool attrs = HasAttrText(e);
    const bool children = HasElementChild(e);
    if (!children && !text && !attrs) {
      out_.append("null");
    } else if (!children && !attrs) {
      ContentValue(e.children);
    } else {
      Body(e, container);
    }
  }

 private:
  static bool HasText(const std::vector<Node>& nodes) {
    for (const Node& n : nodes) {
      if (n.kind == Node::kText && !n.text.empty()) return true;
    }
    return false;
  }
  static bool HasAttrText(const Element& e) {
    for (const Attr& a : e.attrs) {
      if (HasText(a.value)) return true;
    }
    return false;
  }
  static bool HasElementChild(const Element& e) {
    for (const Node& n : e.children) {
      if (n.kind == Node::kElement) return true;
    }
    return false;
  }
  static const Attr* NameAttr(const Element& e) {
    for (const Attr& a : e.attrs) {
      if (a.name == "Name") return &a;
    }
    return nullptr;
  }

  // All text nodes (elements skipped) as one string literal.
  void TextString(const std::vector<Node>& nodes) {
    out_.push_back('"');
    for (const Node& n : nodes) {
      if (n.kind == Node::kText) AppendEscaped(n.text, &out_);
    }
    out_.push_back('"');
  }

  // A lone number is written bare; anything else as a string.
  void ContentValue(const std::vector<Node>& nodes) {
    if (nodes.size() == 1 && nodes[0].kind == Node::kText && nodes[0].number) {
      out_.append(nodes[0].text);
      return;
    }
    TextString(nodes);
  }

  // Like ContentValue, ignoring child elements and empty pieces.
  void MixedContentValue(const std::vector<Node>& nodes) {
    const Node* single = nullptr;
    size_t count = 0;
    for (const Node& n : nodes) {
      if (n.kind == Node::kText && !n.text.empty()) {
        single = &n;
        ++count;
      }
    }
    if (count == 1 && single->number) {
      out_.append(single->text);
      return;
    }
    TextString(nodes);
  }

  void DataValue(const Element& e) {
    const bool children = HasElementChild(e);
    if (!children && !HasText(e.children)) {
      out_.append("\"\"");
    } else if (children) {
      Body(e, false);
    } else {
      ContentValue(e.children);
    }
  }

  void Comma(bool* wrote) {
    if (*wrote) out_.push_back(',');
    *wrote = true;
  }

  void Attributes(const Element& e, bool* wrote) {
    bool any = false;
    for (const Attr& a : e.attrs) {
      if (!HasText(a.value)) continue;
      if (!any) {
        Comma(wrote);
        out_.append("\"#attributes\":{");
      } else {
        out_.push_back(',');
      }
      any = true;
      AppendJsonString(a.name, &out_);
      out_.push_back(':');
      ContentValue(a.value);
    }
    if (any) out_.push_back('}');
  }

  void Body(const Element& e, bool container) {
    out_.push_back('{');
    bool wrote = false;
    Attributes(e, &wrote);
    if (HasText(e.children)) {
      Comma(&wrote);
      out_.append("\"#text\":");
      MixedContentValue(e.children);
    }

    bool flatten = false;
    size_t positional = 0;
    if (container) {
      for (const Node& n : e.children) {
        if (n.kind != Node::kElement) continue;
        const Element& child = tree_.elements[n.element];
        if (child.name != "Data") continue;
        ++positional;
        const Attr* name = NameAttr(child);
        if (name != nullptr && HasText(name->value)) flatten = true;
      }
    }
    bool positional_done = false;
    struct Seen {
      std::string_view name;
      size_t count;
    };
    std::vector<Seen> seen;
    for (const Node& n : e.children) {
      if (n.kind != Node::kElement) continue;
      const Element& child = tree_.elements[n.element];
      if (container && child.name == "Data") {
        if (flatten) {
          const Attr* name = NameAttr(child);
          if (name == nullptr || !HasText(name->value)) continue;
          Comma(&wrote);
          TextString(name->value);
          out_.push_back(':');
          DataValue(child);
        } else if (!positional_done) {
          positional_done = true;
          Comma(&wrote);
          out_.append("\"Data\":{\"#text\":");
          if (positional == 1) {
            DataValue(child);
          } else {
            out_.push_back('[');
            bool first = true;
            for (const Node& m : e.children) {
              if (m.kind != Node::kElement) continue;
              const Element& data = tree_.elements[m.element];
              if (data.name != "Data") continue;
              if (!first) out_.push_back(',');
              first = false;
              DataValue(data);
            }
            out_.push_back(']');
          }
          out_.push_back('}');
        }
        continue;
      }
      size_t suffix = 0;
      bool found = false;
      for (Seen& s : seen) {
        if (s.name == child.name) {
          suffix = s.count++;
          found = true;
          break;
        }
      }
      if (!found && seen.size() < kMaxUniqueNames) seen.push_back({child.name, 1});
      Comma(&wrote);
      out_.push_back('"');
      AppendEscaped(child.name, &out_);
      if (suffix > 0) {
        out_.push_back('_');
        out_.append(std::to_string(suffix));
      }
      out_.append("\":");
      ElementValue(child, IsDataContainer(child.name));
    }
    out_.push_back('}');
  }

  const Tree& tree_;
  std::string& out_;
};

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  AppendEscaped(s, out);
  out->push_back('"');
}

void RenderJson(const Tree& tree, std::string* out) {
  for (const Node& n : tree.top) {
    if (n.kind != Node::kElement) continue;
    const Element& root = tree.elements[n.element];
    out->push_back('{');
    AppendJsonString(root.name, out);
    out->push_back(':');
    Renderer(tree, out).ElementValue(root, false);
    out->push_back('}');
    return;
  }
}

}  // namespace vigil::evtx::internal

#include "evtx/binxml.h"

#include <string>
#include <utility>

namespace vigil::evtx::internal {
namespace {

enum Token : uint8_t {
  kEndOfStream = 0x00,
  kOpenStartElement = 0x01,
  kCloseStartElement = 0x02,
  kCloseEmptyElement = 0x03,
  kEndElement = 0x04,
  kValueToken = 0x05,
  kAttribute = 0x06,
  kCData = 0x07,
  kCharRef = 0x08,
  kEntityRef = 0x09,
  kPITarget = 0x0a,
  kPIData = 0x0b,
  kTemplateInstance = 0x0c,
  kNormalSubstitution = 0x0d,
  kOptionalSubstitution = 0x0e,
  kFragmentHeader = 0x0f,
  kMoreFlag = 0x40,
};

Status Damaged(std::string what, size_t offset) {
  return InvalidArgument(std::move(what) + " at chunk offset " + Hex(offset));
}

bool IsEmpty(const Value& v) {
  if (v.binxml) return false;
  return v.array ? v.items.empty() : v.text.empty();
}

// The first node holding an array to expand: children first, then attribute values.
Node* FindArray(Element& e) {
  for (Node& n : e.children) {
    if (n.array != nullptr) return &n;
  }
  for (Attr& a : e.attrs) {
    for (Node& n : a.value) {
      if (n.array != nullptr) return &n;
    }
  }
  return nullptr;
}

}  // namespace

Status ChunkParser::Spend(size_t nodes, size_t text_bytes) {
  if (nodes > budget_) {
    budget_ = 0;
    return InvalidArgument("record expands beyond " + std::to_string(kMaxNodes) + " nodes");
  }
  if (text_bytes > text_budget_) {
    budget_ = 0;
    return InvalidArgument("record expands beyond " + std::to_string(kMaxTextBytes) +
                           " bytes of text");
  }
  budget_ -= nodes;
  text_budget_ -= text_bytes;
  return Status::Ok();
}

namespace {

size_t TextBytes(const Element& e) {
  size_t n = 0;
  for (const Node& c : e.children) n += c.text.size();
  for (const Attr& a : e.attrs) {
    for (const Node& c : a.value) n += c.text.size();
  }
  return n;
}

}  // namespace

Status ChunkParser::ParseRecord(uint32_t begin, uint32_t end, Tree* tree) {
  tree->elements.clear();
  tree->top.clear();
  budget_ = kMaxNodes;
  text_budget_ = kMaxTextBytes;
  VIGIL_RETURN_IF_ERROR(ParseFragment(begin, end, tree, &tree->top, 0));
  for (const Node& n : tree->top) {
    if (n.kind == Node::kElement) return Status::Ok();
  }
  return Damaged("BinXML without a root element", begin);
}

Status ChunkParser::ParseFragment(uint32_t begin, uint32_t end, Tree* tree, std::vector<Node>* out,
                                  int depth) {
  if (depth >= kMaxDepth) return Damaged("BinXML nested too deeply", begin);
  // Elements written outside template definitions come without the dependency identifier
  // (Rust evtx); libevtx reads one. Try without, then with.
  const size_t elements_mark = tree->elements.size();
  const size_t out_mark = out->size();
  Status first;
  for (bool dependency_id : {false, true}) {
    Cursor c(chunk_, begin, end);
    Status st = ParseContent(c, Mode{dependency_id, false}, tree, out, depth, false);
    if (st.ok()) return st;
    if (budget_ == 0) return st;
    if (first.ok()) first = std::move(st);
    tree->elements.resize(elements_mark);
    out->resize(out_mark);
  }
  return first;
}

Status ChunkParser::ParseContent(Cursor& c, const Mode& mode, Tree* tree, std::vector<Node>* out,
                                 int depth, bool in_element) {
  while (true) {
    const size_t at = c.pos();
    uint8_t token;
    if (!c.U8(&token)) {
      if (in_element) return Damaged("element not closed before end of data", at);
      return Status::Ok();
    }
    VIGIL_RETURN_IF_ERROR(Spend(1));
    switch (token) {
      case kEndOfStream:
        if (in_element) return Damaged("end of stream inside an element", at);
        return Status::Ok();
      case kFragmentHeader:
        if (!c.Skip(3)) return Damaged("truncated fragment header", at);
        break;
      case kOpenStartElement:
      case kOpenStartElement | kMoreFlag:
        VIGIL_RETURN_IF_ERROR(ParseElement(c, token, mode, tree, out, depth));
        break;
      case kEndElement:
        if (!in_element) return Damaged("end element without an open element", at);
        return Status::Ok();
      case kValueToken:
      case kValueToken | kMoreFlag:
        VIGIL_RETURN_IF_ERROR(ParseValueToken(c, out));
        break;
      case kCData:
      case kCData | kMoreFlag: {
        uint16_t units;
        if (!c.U16(&units) || !c.Has(size_t{units} * 2)) return Damaged("truncated CDATA", at);
        Node n;
        AppendUtf16(c.here(), units, false, &n.text);
        (void)c.Skip(size_t{units} * 2);
        VIGIL_RETURN_IF_ERROR(Spend(0, n.text.size()));
        out->push_back(std::move(n));
        break;
      }
      case kCharRef:
      case kCharRef | kMoreFlag: {
        uint16_t ch;
        if (!c.U16(&ch)) return Damaged("truncated character reference", at);
        Node n;
        n.text = "&#" + std::to_string(ch) + ";";
        out->push_back(std::move(n));
        break;
      }
      case kEntityRef:
      case kEntityRef | kMoreFlag: {
        Node n;
        VIGIL_RETURN_IF_ERROR(ReadName(c, &n.text));
        n.text = "&" + n.text + ";";
        out->push_back(std::move(n));
        break;
      }
      case kPITarget: {
        std::string ignored;
        VIGIL_RETURN_IF_ERROR(ReadName(c, &ignored));
        break;
      }
      case kPIData: {
        uint16_t units;
        if (!c.U16(&units) || !c.Skip(size_t{units} * 2)) {
          return Damaged("truncated processing instruction", at);
        }
        break;
      }
      case kTemplateInstance:
        if (mode.in_template) return Damaged("template instance inside a template", at);
        VIGIL_RETURN_IF_ERROR(ParseTemplateInstance(c, tree, out, depth));
        break;
      case kNormalSubstitution:
      case kOptionalSubstitution: {
        if (!mode.in_template) return Damaged("substitution outside a template", at);
        uint16_t index;
        uint8_t type;
        if (!c.U16(&index) || !c.U8(&type)) return Damaged("truncated substitution", at);
        const bool optional = token == kOptionalSubstitution;
        if (optional && type == kNull) break;  // always empty
        Node n;
        n.kind = Node::kPlaceholder;
        n.optional = optional;
        n.index = index;
        out->push_back(std::move(n));
        break;
      }
      default:
        return Damaged("unexpected BinXML token " + Hex(token), at);
    }
  }
}

Status ChunkParser::ParseElement(Cursor& c, uint8_t token, const Mode& mode, Tree* tree,
                                 std::vector<Node>* out, int depth) {
  const size_t at = c.pos() - 1;
  if (depth >= kMaxDepth) return Damaged("elements nested too deeply", at);
  uint32_t data_size;
  if ((mode.dependency_id && !c.Skip(2)) || !c.U32(&data_size)) {
    return Damaged("truncated element", at);
  }
  Element e;
  VIGIL_RETURN_IF_ERROR(ReadName(c, &e.name));
  if ((token & kMoreFlag) != 0 && !c.Skip(4)) return Damaged("truncated element", at);

  uint8_t next;
  while (c.Peek(&next) && (next == kAttribute || next == (kAttribute | kMoreFlag))) {
    (void)c.Skip(1);
    VIGIL_RETURN_IF_ERROR(Spend(1));
    Attr attr;
    VIGIL_RETURN_IF_ERROR(ReadName(c, &attr.name));
    // The attribute's value: value, substitution and reference tokens up to the next
    // attribute or the end of the start tag.
    while (c.Peek(&next)) {
      const size_t value_at = c.pos();
      if (next == kValueToken || next == (kValueToken | kMoreFlag)) {
        (void)c.Skip(1);
        VIGIL_RETURN_IF_ERROR(ParseValueToken(c, &attr.value));
      } else if (next == kNormalSubstitution || next == kOptionalSubstitution) {
        if (!mode.in_template) return Damaged("substitution outside a template", value_at);
        (void)c.Skip(1);
        uint16_t index;
        uint8_t type;
        if (!c.U16(&index) || !c.U8(&type)) return Damaged("truncated substitution", value_at);
        const bool optional = next == kOptionalSubstitution;
        if (optional && type == kNull) continue;
        Node n;
        n.kind = Node::kPlaceholder;
        n.optional = optional;
        n.index = index;
        attr.value.push_back(std::move(n));
      } else if (next == kCharRef || next == (kCharRef | kMoreFlag)) {
        (void)c.Skip(1);
        uint16_t ch;
        if (!c.U16(&ch)) return Damaged("truncated character reference", value_at);
        Node n;
        n.text = "&#" + std::to_string(ch) + ";";
        attr.value.push_back(std::move(n));
      } else if (next == kEntityRef || next == (kEntityRef | kMoreFlag)) {
        (void)c.Skip(1);
        Node n;
        VIGIL_RETURN_IF_ERROR(ReadName(c, &n.text));
        n.text = "&" + n.text + ";";
        attr.value.push_back(std::move(n));
      } else {
        break;
      }
      VIGIL_RETURN_IF_ERROR(Spend(1));
    }
    e.attrs.push_back(std::move(attr));
  }

  const size_t close_at = c.pos();
  uint8_t close;
  if (!c.U8(&close)) return Damaged("truncated start tag", close_at);
  if (close == kCloseStartElement) {
    VIGIL_RETURN_IF_ERROR(ParseContent(c, mode, tree, &e.children, depth + 1, true));
  } else if (close != kCloseEmptyElement) {
    return Damaged("unexpected BinXML token " + Hex(close) + " in start tag", close_at);
  }
  Node n;
  n.kind = Node::kElement;
  n.element = static_cast<uint32_t>(tree->elements.size());
  tree->elements.push_back(std::move(e));
  out->push_back(std::move(n));
  return Status::Ok();
}

Status ChunkParser::ParseValueToken(Cursor& c, std::vector<Node>* out) {
  const size_t at = c.pos() - 1;
  uint8_t type;
  if (!c.U8(&type)) return Damaged("truncated value", at);
  Node n;
  if (type == kString || type == kAnsiString) {
    uint16_t count;
    const size_t width = type == kString ? 2 : 1;
    if (!c.U16(&count) || !c.Has(count * width)) return Damaged("truncated string value", at);
    if (type == kString) {
      AppendUtf16(c.here(), count, false, &n.text);
    } else {
      n.text = DecodeSized(type, {c.here(), count}, static_cast<uint32_t>(c.pos())).text;
    }
    (void)c.Skip(count * width);
    VIGIL_RETURN_IF_ERROR(Spend(0, n.text.size()));
  } else {
    const size_t size = FixedSize(type);
    if (size == 0) return Damaged("unsupported value type " + Hex(type) + " in value token", at);
    if (!c.Has(size)) return Damaged("truncated value", at);
    Value v = DecodeSized(type, {c.here(), size}, static_cast<uint32_t>(c.pos()));
    (void)c.Skip(size);
    n.text = std::move(v.text);
    n.number = v.number;
  }
  out->push_back(std::move(n));
  return Status::Ok();
}

Status ChunkParser::ReadName(Cursor& c, std::string* name) {
  const size_t at = c.pos();
  uint32_t offset;
  if (!c.U32(&offset)) return Damaged("truncated name reference", at);
  // A name is: next-name offset (u32), hash (u16), length in UTF-16 units (u16), the units, NUL.
  if (size_t{offset} + 8 > chunk_.size()) return Damaged("name offset out of chunk", at);
  const size_t units = Le16(chunk_.data() + offset + 6);
  if (size_t{offset} + 8 + units * 2 > chunk_.size()) return Damaged("name out of chunk", at);
  if (offset == c.pos() && !c.Skip(8 + units * 2 + 2)) return Damaged("truncated name", at);
  if (auto it = names_.find(offset); it != names_.end()) {
    *name = it->second;
    return Status::Ok();
  }
  name->clear();
  AppendUtf16(chunk_.data() + offset + 8, units, false, name);
  names_.emplace(offset, *name);
  return Status::Ok();
}

const ChunkParser::Template& ChunkParser::GetTemplate(uint32_t offset) {
  auto it = templates_.find(offset);
  if (it != templates_.end()) return *it->second;
  auto t = std::make_unique<Template>();
  // Definition: next definition offset (u32), GUID (16), data size (u32), then the BinXML.
  if (size_t{offset} + 24 > chunk_.size()) {
    t->status = Damaged("template definition out of chunk", offset);
  } else {
    const size_t begin = size_t{offset} + 24;
    const size_t end = begin + Le32(chunk_.data() + offset + 20);
    if (end > chunk_.size()) {
      t->status = Damaged("template definition longer than its chunk", offset);
    } else {
      for (bool dependency_id : {true, false}) {
        t->tree = Tree{};
        Cursor c(chunk_, begin, end);
        t->status = ParseContent(c, Mode{dependency_id, true}, &t->tree, &t->tree.top, 0, false);
        if (t->status.ok() || budget_ == 0) break;
      }
      if (t->status.ok() && t->tree.top.empty()) {
        t->status = Damaged("empty template definition", offset);
      }
      auto count = [&](const std::vector<Node>& nodes) {
        for (const Node& n : nodes) {
          if (n.kind != Node::kPlaceholder) continue;
          if (n.index >= t->uses.size()) t->uses.resize(size_t{n.index} + 1);
          ++t->uses[n.index];
        }
      };
      count(t->tree.top);
      for (const Element& e : t->tree.elements) {
        count(e.children);
        for (const Attr& a : e.attrs) count(a.value);
      }
    }
  }
  if (!t->status.ok()) t->status = InvalidArgument("template: " + t->status.message());
  return *templates_.emplace(offset, std::move(t)).first->second;
}

Status ChunkParser::ParseTemplateInstance(Cursor& c, Tree* tree, std::vector<Node>* out,
                                          int depth) {
  const size_t at = c.pos() - 1;
  if (depth >= kMaxDepth) return Damaged("templates nested too deeply", at);
  uint32_t template_id, offset;
  if (!c.Skip(1) || !c.U32(&template_id) || !c.U32(&offset)) {
    return Damaged("truncated template instance", at);
  }
  if (offset == c.pos()) {  // the definition follows inline: skip it
    if (!c.Has(24) || !c.Skip(24 + size_t{Le32(c.here() + 20)})) {
      return Damaged("truncated inline template definition", at);
    }
  }
  const Template& tmpl = GetTemplate(offset);
  if (!tmpl.status.ok()) return tmpl.status;

  uint32_t count;
  if (!c.U32(&count) || count > c.remaining() / 4) {
    return Damaged("truncated substitution array", at);
  }
  VIGIL_RETURN_IF_ERROR(Spend(count));
  std::vector<std::pair<uint16_t, uint8_t>> descriptors(count);
  for (auto& [size, type] : descriptors) {
    (void)c.U16(&size);
    (void)c.U8(&type);
    (void)c.Skip(1);
  }
  std::vector<Value> values;
  values.reserve(count);
  for (const auto& [size, type] : descriptors) {
    if (!c.Has(size)) return Damaged("substitution value beyond its record", c.pos());
    values.push_back(DecodeSized(type, {c.here(), size}, static_cast<uint32_t>(c.pos())));
    (void)c.Skip(size);
    VIGIL_RETURN_IF_ERROR(Spend(0, 2 * values.back().text.size()));  // text and items
  }
  for (const Node& n : tmpl.tree.top) {
    if (n.kind == Node::kElement) {
      VIGIL_RETURN_IF_ERROR(Instantiate(tmpl, n.element, values, tree, out, depth + 1));
    } else if (n.kind == Node::kPlaceholder) {
      const size_t mark = out->size();
      VIGIL_RETURN_IF_ERROR(Resolve(tmpl, n, values, false, tree, out, depth + 1));
      for (size_t i = mark; i < out->size(); ++i) (*out)[i].array = nullptr;  // no element here
    }
  }
  return Status::Ok();
}

Status ChunkParser::Instantiate(const Template& tmpl, uint32_t id, std::vector<Value>& values,
                                Tree* dst, std::vector<Node>* out, int depth) {
  if (depth >= kMaxDepth) return InvalidArgument("template elements nested too deeply");
  const Element& src = tmpl.tree.elements[id];
  VIGIL_RETURN_IF_ERROR(Spend(1 + src.attrs.size() + src.children.size(), TextBytes(src)));
  Element e;
  e.name = src.name;
  e.attrs.reserve(src.attrs.size());
  for (const Attr& a : src.attrs) {
    Attr attr;
    attr.name = a.name;
    for (const Node& n : a.value) {
      if (n.kind == Node::kPlaceholder) {
        VIGIL_RETURN_IF_ERROR(Resolve(tmpl, n, values, true, dst, &attr.value, depth));
      } else if (n.kind == Node::kText) {
        attr.value.push_back(n);
      }
    }
    e.attrs.push_back(std::move(attr));
  }
  e.children.reserve(src.children.size());
  for (const Node& n : src.children) {
    switch (n.kind) {
      case Node::kElement:
        VIGIL_RETURN_IF_ERROR(Instantiate(tmpl, n.element, values, dst, &e.children, depth + 1));
        break;
      case Node::kPlaceholder:
        VIGIL_RETURN_IF_ERROR(Resolve(tmpl, n, values, false, dst, &e.children, depth));
        break;
      case Node::kText:
        e.children.push_back(n);
        break;
    }
  }
  const auto new_id = static_cast<uint32_t>(dst->elements.size());
  dst->elements.push_back(std::move(e));
  return Expand(dst, new_id, out, 0);
}

Status ChunkParser::Resolve(const Template& tmpl, const Node& placeholder,
                            std::vector<Value>& values, bool in_attribute, Tree* dst,
                            std::vector<Node>* out, int depth) {
  if (placeholder.index >= values.size()) return Status::Ok();
  Value& v = values[placeholder.index];
  if (placeholder.optional && IsEmpty(v)) return Status::Ok();
  if (v.binxml) {
    if (in_attribute) return Status::Ok();
    return ParseFragment(v.binxml_begin, v.binxml_end, dst, out, depth + 1);
  }
  VIGIL_RETURN_IF_ERROR(Spend(1, v.text.size()));
  Node n;
  if (tmpl.uses[placeholder.index] == 1) {
    n.text = std::move(v.text);
  } else {
    n.text = v.text;
  }
  n.number = v.number;
  if (v.array && v.items.size() > 1) n.array = &v;
  out->push_back(std::move(n));
  return Status::Ok();
}

// MS-EVEN6 array substitutions repeat their element once per item (as libevtx and Rust evtx do):
// the first array found is replaced by each item in turn, recursively for further arrays.
Status ChunkParser::Expand(Tree* tree, uint32_t id, std::vector<Node>* out, int level) {
  Node* slot = FindArray(tree->elements[id]);
  if (slot == nullptr) {
    Node n;
    n.kind = Node::kElement;
    n.element = id;
    out->push_back(std::move(n));
    return Status::Ok();
  }
  if (level >= kMaxDepth) return InvalidArgument("too many array substitutions in one element");
  const Value* array = slot->array;
  const size_t slot_index = [&] {
    Element& e = tree->elements[id];
    for (size_t i = 0; i < e.children.size(); ++i) {
      if (&e.children[i] == slot) return i;
    }
    size_t i = e.children.size();
    for (Attr& a : e.attrs) {
      for (Node& n : a.value) {
        if (&n == slot) return i;
        ++i;
      }
    }
    return i;
  }();
  for (const Value& item : array->items) {
    Element copy = tree->elements[id];
    VIGIL_RETURN_IF_ERROR(
        Spend(1 + copy.children.size() + copy.attrs.size(), TextBytes(copy) + item.text.size()));
    // Locate the same slot in the copy.
    std::vector<Node>* list = &copy.children;
    size_t index = slot_index;
    if (index >= copy.children.size()) {
      index -= copy.children.size();
      for (Attr& a : copy.attrs) {
        if (index < a.value.size()) {
          list = &a.value;
          break;
        }
        index -= a.value.size();
      }
    }
    if (item.text.empty()) {
      list->erase(list->begin() + static_cast<std::ptrdiff_t>(index));
    } else {
      Node& n = (*list)[index];
      n.text = item.text;
      n.number = item.number;
      n.array = nullptr;
    }
    const auto copy_id = static_cast<uint32_t>(tree->elements.size());
    tree->elements.push_back(std::move(copy));
    VIGIL_RETURN_IF_ERROR(Expand(tree, copy_id, out, level + 1));
  }
  return Status::Ok();
}

}  // namespace vigil::evtx::internal

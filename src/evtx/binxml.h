// Binary XML (MS-EVEN6 BinXml) of one chunk, parsed into a small element tree with templates
// instantiated. Template definitions are parsed once per chunk and cached by their chunk offset;
// names are read from the chunk's string table by offset. Internal to the evtx module.
//
// Robustness: every offset and length is checked against the chunk; nesting (elements, nested
// BinXML values, template instances) is limited to kMaxDepth; a record may create at most
// kMaxNodes nodes (array expansion and templates inside substitutions cannot blow up); a template
// definition may not itself instantiate templates, so there are no cycles; text copied into a
// record's tree is limited to kMaxTextBytes. Errors are values.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "evtx/bytes.h"
#include "evtx/values.h"

namespace vigil::evtx::internal {

inline constexpr int kMaxDepth = 64;
inline constexpr size_t kMaxNodes = 1 << 18;
inline constexpr size_t kMaxTextBytes = 16 << 20;  // text copied into one record's tree

// Text (literal text, or a substitution value already rendered), a child element, or (only in a
// template definition) a substitution placeholder.
struct Node {
  enum Kind : uint8_t { kText, kElement, kPlaceholder };
  Kind kind = kText;
  bool number = false;    // kText: a bare JSON number/boolean when alone
  bool optional = false;  // kPlaceholder: optional substitution (0x0e)
  uint16_t index = 0;     // kPlaceholder: substitution index
  uint32_t element = 0;   // kElement: index in Tree::elements
  std::string text;
  const Value* array = nullptr;  // transient, during instantiation: an array to expand
};

struct Attr {
  std::string name;
  std::vector<Node> value;
};

struct Element {
  std::string name;
  std::vector<Attr> attrs;
  std::vector<Node> children;
};

struct Tree {
  std::vector<Element> elements;
  std::vector<Node> top;  // the fragment's top-level nodes
};

class ChunkParser {
 public:
  // `chunk` is one whole chunk (64 KiB); offsets in BinXML are relative to its start.
  explicit ChunkParser(std::span<const uint8_t> chunk) : chunk_(chunk) {}

  // Parses the BinXML of a record occupying [begin, end) of the chunk into `tree` (cleared
  // first). On success tree->top holds at least one element.
  Status ParseRecord(uint32_t begin, uint32_t end, Tree* tree);

 private:
  struct Template {
    Status status;
    Tree tree;
    std::vector<uint32_t> uses;  // references to each substitution index in the definition
  };
  struct Mode {
    bool dependency_id;  // OpenStartElement carries a u16 dependency identifier
    bool in_template;    // parsing a template definition: placeholders allowed, no instances
  };
  Status ParseFragment(uint32_t begin, uint32_t end, Tree* tree, std::vector<Node>* out, int depth);
  Status ParseContent(Cursor& c, const Mode& mode, Tree* tree, std::vector<Node>* out, int depth,
                      bool in_element);
  Status ParseElement(Cursor& c, uint8_t token, const Mode& mode, Tree* tree,
                      std::vector<Node>* out, int depth);
  Status ParseValueToken(Cursor& c, std::vector<Node>* out);
  Status ParseTemplateInstance(Cursor& c, Tree* tree, std::vector<Node>* out, int depth);
  Status ReadName(Cursor& c, std::string* name);
  const Template& GetTemplate(uint32_t offset);

  // Substitution values referenced once by the template are moved into the tree.
  Status Instantiate(const Template& tmpl, uint32_t id, std::vector<Value>& values, Tree* dst,
                     std::vector<Node>* out, int depth);
  Status Resolve(const Template& tmpl, const Node& placeholder, std::vector<Value>& values,
                 bool in_attribute, Tree* dst, std::vector<Node>* out, int depth);
  Status Expand(Tree* tree, uint32_t id, std::vector<Node>* out, int level);
  Status Spend(size_t nodes, size_t text_bytes = 0);

  std::span<const uint8_t> chunk_;
  std::unordered_map<uint32_t, std::unique_ptr<Template>> templates_;
  std::unordered_map<uint32_t, std::string> names_;
  size_t budget_ = kMaxNodes;
  size_t text_budget_ = kMaxTextBytes;
};

}  // namespace vigil::evtx::internal

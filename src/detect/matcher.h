// Compiled detection items: one FieldItem (`Field|mods: values`) becomes an ItemMatcher that
// answers "does this event satisfy the item?".
//
// Matching follows Sigma v2.1: values are case-insensitive (ASCII) unless `cased`; `*` and `?`
// are wildcards with `\` escaping them (a `\` before any other character is a literal `\`);
// several values are OR-ed, AND-ed with `all`; a field with several values (a JSON array)
// matches when any of them does. `null` matches a field that is absent, null or empty. `neq`
// needs the field present and different from every value. Regexes run in RE2 (linear time).
// Placeholders (`expand`) take their values from CompileOptions; one without values makes the
// item match nothing and is reported as a warning. Matchers are immutable and thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/string_map.h"
#include "detect/event.h"
#include "detect/problem.h"
#include "detect/sigma_rule.h"

namespace vigil::detect {

// Field names used by the loaded rules, interned to dense ids.
class FieldTable {
 public:
  FieldTable();
  // Distinguishes tables for caches keyed by table (addresses can be reused).
  uint64_t serial() const { return serial_; }
  uint32_t Intern(std::string_view name);
  // The id of `name`, or -1.
  int64_t Find(std::string_view name) const;
  size_t size() const { return names_.size(); }
  const std::string& name(uint32_t id) const { return names_[id]; }

 private:
  StringMap<uint32_t> ids_;
  std::vector<std::string> names_;
  uint64_t serial_;
};

// One event seen through a FieldTable: the values of each rule field, with lower-case copies
// made on first use. Not thread-safe; one per worker, reused across events.
class EventView {
 public:
  void Reset(const Event& event, const FieldTable& table);
  const Event& event() const { return *event_; }

  struct Value {
    std::string_view raw;
    ValueKind kind;
    mutable bool lowered = false;
    mutable std::string_view lower;  // into the view's lower-case buffer, once lowered
  };
  // The values of field `id` (empty when the event lacks it).
  std::span<const Value> values(uint32_t id) const;
  std::string_view Lower(const Value& v) const;
  // Every value of the event, for keyword searches.
  std::span<const Value> all_values() const { return all_; }
  // The ids of the rule fields the event has.
  std::span<const uint32_t> present_fields() const { return touched_; }

 private:
  const Event* event_ = nullptr;
  std::vector<Value> all_;
  std::vector<Value> by_field_;                       // values grouped by field id
  std::vector<std::pair<uint32_t, uint32_t>> spans_;  // field id -> [begin, end) in by_field_
  std::vector<uint32_t> touched_;
  // Lower-case copies of values, reserved in Reset for every value twice over (each Value is
  // lowered at most once, and a value has two Values: all_ and by_field_), so that it never
  // reallocates and the views into it stay valid until the next Reset.
  mutable std::string lowered_;
  std::vector<int64_t> ids_;
  uint64_t cached_table_ = 0;  // FieldTable::serial() and size the cache below belongs to
  size_t cached_size_ = 0;
  static constexpr size_t kCachedNames = 8;
  // Per position in the event: up to kCachedNames field names seen there, with their ids.
  std::vector<std::vector<std::pair<std::string, int64_t>>> cached_;
  size_t next_evicted_ = 0;
};

struct CompileOptions {
  std::map<std::string, std::vector<std::string>> placeholders;  // name without % -> values
  size_t max_windash_variants = 1024;
  // The most string patterns and regexes one rule may compile to, after windash, base64offset
  // and placeholders multiply its values (`too_many_variants` beyond): each costs prefilter
  // build time and memory, and a few bytes of rule could otherwise ask for millions.
  size_t max_rule_patterns = 16384;
};

// A literal the field's value must contain (ASCII case-insensitively) for an item to match.
struct Anchor {
  static constexpr uint32_t kAnyField = UINT32_MAX;  // keywords: any value of the event
  uint32_t field;
  std::string literal;  // lower case, never empty
  bool exact = false;   // the whole value (not just a part) equals the literal
};

class ItemMatcher {
 public:
  virtual ~ItemMatcher() = default;
  virtual bool Match(const EventView& view) const = 0;
  // Appends literals one of which any matching event contains; false when the item can match
  // without a literal (regex, null, exists, numbers, keywords, a bare `*`).
  virtual bool Anchors(std::vector<Anchor>* /*out*/) const { return false; }
};

// What a set of alternative anchors is worth to the prefilter: the worth of its weakest literal,
// its length (more for a whole-value match: EventID 4688 is rare though short; nothing for
// values most events carry), at most 12.
size_t AnchorsWorth(const std::vector<Anchor>& anchors);
// Of two anchor sets for the same thing, the one that prefilters better: the better weakest
// literal, then fewer literals.
bool BetterAnchors(const std::vector<Anchor>& a, const std::vector<Anchor>& b);

// Compiles `item`; field names go into `fields`. Warnings (for example an unconfigured
// placeholder) are appended to `warnings`. Problems: unknown or conflicting modifiers
// (`bad_modifier`), a regex RE2 rejects (`bad_regex`), a bad CIDR (`bad_cidr`), a non-number
// for gt/gte/lt/lte (`bad_number`), more patterns than `*patterns_left` (`too_many_variants`;
// the count left is updated, so one budget can span a rule's items; nullptr: a budget of
// options.max_rule_patterns for this item alone).
MaybeProblem CompileItem(const FieldItem& item, const CompileOptions& options, FieldTable* fields,
                         std::vector<RuleProblem>* warnings, std::unique_ptr<ItemMatcher>* out,
                         size_t* patterns_left = nullptr);

}  // namespace vigil::detect

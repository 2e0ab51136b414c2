// RuleSet: Sigma rules loaded from files and compiled for matching events.
//
//   LoadReport report;
//   std::unique_ptr<RuleSet> rules = RuleSet::Load({"rules/"}, {}, &report);
//   RuleSet::Scratch scratch;                      // one per thread
//   rules->Match(event, scratch, &detections);
//
// Loading never stops at a bad rule: each one that cannot be used is reported with its file,
// line, column and a stable reason code, and the rest load. Filters (Sigma v2.1 meta-filters)
// are folded into the rules they name. Matching dispatches an event by its log-source labels
// (logsource.h) to the rules of those sources only and evaluates each rule's condition with
// its searches computed on demand. A RuleSet is immutable after Load and thread-safe;
// Scratch is per thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "detect/event.h"
#include "detect/logsource.h"
#include "detect/matcher.h"
#include "detect/sigma_rule.h"

namespace vigil::detect {

struct FileProblem {
  std::string file;
  std::string rule;  // id or title when known
  RuleProblem problem;
};

struct LoadReport {
  size_t files = 0;
  size_t documents = 0;
  size_t detection_rules = 0;
  size_t correlation_rules = 0;
  size_t filters = 0;
  std::vector<FileProblem> problems;  // rules that were not loaded
  std::vector<FileProblem> warnings;  // rules loaded with a caveat (unset placeholder, ...)
};

struct LoadOptions {
  CompileOptions compile;
  const LogsourceMap* logsources = nullptr;  // nullptr: LogsourceMap::Default()
};

struct CompiledSearch {
  std::vector<std::vector<std::unique_ptr<ItemMatcher>>> alternatives;
};

struct CompiledRule;

struct CompiledFilter {
  SigmaRule rule;
  std::vector<CompiledSearch> searches;
};

struct CompiledRule {
  SigmaRule rule;
  std::vector<CompiledSearch> searches;
  std::vector<const CompiledFilter*> filters;  // each must also hold (when its logsource does)
  std::vector<uint32_t> fields;                // field ids the rule reads, for output
  uint32_t index = 0;                          // position in RuleSet::rules()
  int32_t bucket = -1;                         // its log source's bucket
  bool anchored = false;  // the prefilter selects it (else: evaluated on every event of its source)
  uint8_t clauses = 0;    // prefilter clauses, each needing one of its literals in the event
};

struct Detection {
  const CompiledRule* rule = nullptr;
  // The rule's fields present in the event (first value each), in the event's order.
  std::vector<std::pair<std::string_view, std::string_view>> fields;
};

class RuleSet {
 public:
  // Loads every *.yml / *.yaml under each path (files or folders, recursively, in name order).
  static std::unique_ptr<RuleSet> Load(const std::vector<std::string>& paths,
                                       const LoadOptions& options, LoadReport* report);
  // Loads rules from YAML text (one or more documents) as if read from `file`.
  void AddText(std::string_view yaml, const std::string& file, LoadReport* report);
  // Resolves filters and correlations; call once after the last AddText (Load does).
  void Finish(LoadReport* report);

  explicit RuleSet(const LoadOptions& options);
  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  // How many rules the literal prefilter covers; the rest are evaluated on every event of
  // their log source.
  size_t anchored_rules() const { return anchored_; }

 private:
  struct KeywordScan;

 public:
  class Scratch {
   public:
    Scratch();
    ~Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

   private:
    friend class RuleSet;
    EventView view;
    Event aliased;
    std::vector<const LogsourceEntry*> entries;
    // The log-source entries and buckets of events by what classifying them depends on.
    struct Classified {
      std::vector<const LogsourceEntry*> entries;
      std::vector<int32_t> buckets;           // the buckets the event may reach
      std::vector<uint64_t> mask;             // the same as a bit set
      const KeywordScan* keywords = nullptr;  // when the buckets have several keyword scans
    };
    std::unordered_map<std::string, Classified> classified;
    uint64_t classified_for = 0;  // the RuleSet (FieldTable serial) the cache belongs to
    std::string key;
    std::string joined;           // the values of one scan, NUL-separated
    std::string joined_all;       // every value of the event, NUL-separated
    uint32_t joined_all_for = 0;  // the generation `joined_all` belongs to
    std::vector<uint32_t> stamp;
    uint32_t generation = 0;
    std::vector<int8_t> memo;
    std::vector<const CompiledRule*> candidates;
    std::vector<std::pair<uint32_t, uint32_t>> clause_seen;  // per rule: generation, clause mask
    std::vector<uint32_t> literal_seen;  // per scanned literal: the generation it was last found
    void* hs_scratch = nullptr;          // Vectorscan scratch space, sized for `sized_for`
    uint64_t sized_for = 0;  // the RuleSet (by its FieldTable serial) the scratch is sized for
  };

  // Appends the detections of `event` to `out`.
  void Match(const Event& event, Scratch& scratch, std::vector<Detection>* out) const;

  const std::vector<std::unique_ptr<CompiledRule>>& rules() const { return rules_; }
  const std::vector<SigmaRule>& correlations() const { return correlations_; }
  const FieldTable& fields() const { return fields_; }

 private:
  static constexpr size_t kMaxClassified = 4096;  // cached classifications per scratch
  bool Evaluate(const CompiledRule& rule, Scratch& scratch) const;
  void Dispatch(CompiledRule* rule);
  void BuildPrefilter();

  struct ClauseHit {
    const CompiledRule* rule;
    uint8_t clause;
    // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads defaulted <=>
    auto operator<=>(const ClauseHit&) const = default;
  };
  // Literals a value contains, per bucket (log source) and field: a Vectorscan database of the
  // anchor literals of that bucket's rules on that field, and the clauses each literal
  // satisfies. An event is scanned only with the databases of the buckets it reaches, each field
  // once (its values joined by NUL); keyword literals (field kAnyField) once over all values.
  struct LiteralScan {
    uint32_t field = 0;        // kAnyField: keywords
    void* database = nullptr;  // hs_database_t*
    std::vector<std::vector<ClauseHit>> hits_of_literal;
    bool joinable = true;      // no literal holds a NUL: several values can be scanned at once
    size_t first_literal = 0;  // where its literals start in Scratch::literal_seen
    std::vector<std::string> literals;  // keyword scans only: for KeywordScanFor
  };
  // The keyword literals of several buckets in one database (literal ids are their indices in
  // literal_hits_), so that an event reaching several buckets with keyword rules scans its values
  // once instead of once per bucket. Built on first use for each set of buckets, then shared.
  struct KeywordScan {
    void* database = nullptr;  // hs_database_t*
  };
  // The KeywordScan of `buckets`, or nullptr when fewer than two of them have keyword literals
  // (or one cannot be scanned joined, or the database cannot be built). Thread-safe.
  const KeywordScan* KeywordScanFor(const std::vector<int32_t>& buckets) const;
  // Whole-value literals (EventID: 4688, an exact Image) of one field, found by one hash lookup
  // per value: by lower-case text, looked up ASCII case-insensitively without lowering.
  struct FoldHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
  };
  struct FoldEqual {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };
  struct ExactLiterals {
    std::unordered_map<std::string, std::vector<ClauseHit>, FoldHash, FoldEqual> literals;
    std::vector<uint64_t> buckets;  // of the rules behind them, as a bit set
  };
  LoadOptions options_;
  const LogsourceMap* map_;
  FieldTable fields_;
  // By field id: its index in map_->tested_fields(), or -1 (ids past the end: -1).
  std::vector<int32_t> tested_index_;
  std::vector<std::unique_ptr<CompiledRule>> rules_;
  std::vector<std::unique_ptr<CompiledFilter>> filters_;
  std::vector<SigmaRule> correlations_;
  std::unordered_map<std::string, int32_t> bucket_ids_;       // by logsource
  std::vector<std::vector<const CompiledRule*>> unanchored_;  // per bucket
  int32_t unlabeled_bucket_ = -1;                    // rules for log sources the map cannot name
  std::vector<std::vector<int32_t>> entry_buckets_;  // per log-source map entry
  std::vector<std::vector<LiteralScan>> scans_;      // by bucket
  std::vector<ExactLiterals> exact_;                 // by field id
  size_t anchored_ = 0;
  size_t literals_ = 0;                                      // in every LiteralScan
  std::vector<const std::vector<ClauseHit>*> literal_hits_;  // by index in Scratch::literal_seen
  static constexpr size_t kMaxKeywordScans = 256;            // sets of buckets merged
  mutable std::mutex keyword_mutex_;
  mutable std::map<std::vector<int32_t>, std::unique_ptr<KeywordScan>> keyword_scans_;
  // Collected by Dispatch, compiled by BuildPrefilter: (bucket, field) -> literal -> rules, and
  // field -> whole-value literal -> rules.
  std::map<std::pair<int32_t, uint32_t>, std::map<std::string, std::vector<ClauseHit>>>
      pending_anchors_;
  std::unordered_map<uint32_t, std::map<std::string, std::vector<ClauseHit>>> pending_exact_;
  bool finished_ = false;
};

}  // namespace vigil::detect

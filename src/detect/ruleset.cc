#include "detect/ruleset.h"

#include <hs/hs.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/text.h"
#include "detect/yaml.h"

namespace vigil::detect {
namespace {

std::string BucketKey(std::string_view product, std::string_view category,
                      std::string_view service) {
  std::string key;
  key.reserve(product.size() + category.size() + service.size() + 2);
  key.append(product).append(1, '\x1f').append(category).append(1, '\x1f').append(service);
  return key;
}

MaybeProblem CompileSearches(const SigmaRule& rule, const CompileOptions& options,
                             FieldTable* fields, std::vector<RuleProblem>* warnings,
                             std::vector<CompiledSearch>* out, std::set<uint32_t>* used) {
  size_t patterns_left = options.max_rule_patterns;  // for the whole rule
  for (const Search& search : rule.searches) {
    CompiledSearch compiled;
    for (const auto& alternative : search.alternatives) {
      auto& items = compiled.alternatives.emplace_back();
      for (const FieldItem& item : alternative) {
        std::unique_ptr<ItemMatcher> matcher;
        VIGIL_RETURN_IF_PROBLEM(
            CompileItem(item, options, fields, warnings, &matcher, &patterns_left));
        items.push_back(std::move(matcher));
        if (!item.keyword) used->insert(fields->Intern(item.field));
      }
    }
    out->push_back(std::move(compiled));
  }
  return std::nullopt;
}

// Evaluates `condition` over searches, computing each search at most once (memo: -1 unknown).
bool EvaluateCondition(const Condition& c, const std::vector<CompiledSearch>& searches,
                       const EventView& view, int8_t* memo) {
  switch (c.op) {
    case Condition::Op::kSearch: {
      int8_t& m = memo[c.search];
      if (m < 0) {
        m = 0;
        for (const auto& alternative : searches[static_cast<size_t>(c.search)].alternatives) {
          bool all = true;
          for (const auto& item : alternative) {
            if (!item->Match(view)) {
              all = false;
              break;
            }
          }
          if (all) {
            m = 1;
            break;
          }
        }
      }
      return m == 1;
    }
    case Condition::Op::kAnd:
      for (const Condition& o : c.operands) {
        if (!EvaluateCondition(o, searches, view, memo)) return false;
      }
      return true;
    case Condition::Op::kOr:
      for (const Condition& o : c.operands) {
        if (EvaluateCondition(o, searches, view, memo)) return true;
      }
      return false;
    case Condition::Op::kNot:
      return !EvaluateCondition(c.operands[0], searches, view, memo);
    case Condition::Op::kTrue:
      return true;
    case Condition::Op::kFalse:
      return false;
  }
  return false;
}

// What the prefilter knows of a condition: clauses that must all hold, each a set of literals
// one of which occurs (conjunctive normal form over "literal occurs in field"). Empty: nothing
// is certain. At most kMaxClauses clauses are kept, the best ones.
using Clause = std::vector<Anchor>;
using Cnf = std::vector<Clause>;
constexpr size_t kMaxClauses = 4;

// The single clause that best stands for `cnf`, for use under an `or`.
const Clause* BestClause(const Cnf& cnf) {
  const Clause* best = nullptr;
  for (const Clause& c : cnf) {
    if (best == nullptr || BetterAnchors(c, *best)) best = &c;
  }
  return best;
}

// Clauses of short literals (`-c`, `.js`) are left out beside a clause of long or whole-value
// ones: they fill the literal scans with frequent matches and rarely rule out an event the
// strong clause let through.
constexpr size_t kShortWorth = 4, kStrongWorth = 8;

void KeepBest(Cnf* cnf) {
  std::sort(cnf->begin(), cnf->end(),
            [](const Clause& a, const Clause& b) { return BetterAnchors(a, b); });
  if (cnf->size() > kMaxClauses) cnf->resize(kMaxClauses);
  if (!cnf->empty() && AnchorsWorth(cnf->front()) >= kStrongWorth) {
    while (AnchorsWorth(cnf->back()) <= kShortWorth) cnf->pop_back();
  }
}

// `or` of several CNFs: one clause joining each side's best clause; empty if a side has none.
Cnf Disjunction(const std::vector<Cnf>& sides) {
  Clause joined;
  for (const Cnf& side : sides) {
    const Clause* best = BestClause(side);
    if (best == nullptr) return {};
    joined.insert(joined.end(), best->begin(), best->end());
  }
  return joined.empty() ? Cnf{} : Cnf{std::move(joined)};
}

Cnf ConditionCnf(const Condition& c, const std::vector<CompiledSearch>& searches) {
  switch (c.op) {
    case Condition::Op::kSearch: {
      std::vector<Cnf> alternatives;
      for (const auto& alternative : searches[static_cast<size_t>(c.search)].alternatives) {
        Cnf cnf;  // every item of an alternative must hold
        for (const auto& item : alternative) {
          Clause clause;
          if (item->Anchors(&clause)) cnf.push_back(std::move(clause));
        }
        KeepBest(&cnf);
        alternatives.push_back(std::move(cnf));
      }
      return alternatives.size() == 1 ? alternatives[0] : Disjunction(alternatives);
    }
    case Condition::Op::kAnd: {
      Cnf cnf;
      for (const Condition& o : c.operands) {
        Cnf part = ConditionCnf(o, searches);
        cnf.insert(cnf.end(), part.begin(), part.end());
      }
      KeepBest(&cnf);
      return cnf;
    }
    case Condition::Op::kOr: {
      std::vector<Cnf> sides;
      for (const Condition& o : c.operands) sides.push_back(ConditionCnf(o, searches));
      return Disjunction(sides);
    }
    default:  // not, true, false
      return {};
  }
}

}  // namespace

RuleSet::Scratch::Scratch() = default;
RuleSet::Scratch::~Scratch() {
  if (hs_scratch != nullptr) hs_free_scratch(static_cast<hs_scratch_t*>(hs_scratch));
}

RuleSet::~RuleSet() {
  for (const auto& scans : scans_) {
    for (const LiteralScan& s : scans) {
      if (s.database != nullptr) hs_free_database(static_cast<hs_database_t*>(s.database));
    }
  }
  for (const auto& [buckets, scan] : keyword_scans_) {
    if (scan->database != nullptr) hs_free_database(static_cast<hs_database_t*>(scan->database));
  }
}

size_t RuleSet::FoldHash::operator()(std::string_view s) const {
  // Eight bytes at a time, ASCII upper case folded to lower case in each (SWAR), then mixed.
  auto fold = [](uint64_t x) {
    const uint64_t b = x & 0x7f7f7f7f7f7f7f7full;
    const uint64_t upper = ((b + 0x3f3f3f3f3f3f3f3full) ^ (b + 0x2525252525252525ull)) & ~x &
                           0x8080808080808080ull;  // bytes 'A'..'Z'
    return x | (upper >> 2);
  };
  uint64_t h = s.size() * 0x9e3779b97f4a7c15ull;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    h = (h ^ fold(x)) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  if (i < s.size()) {
    uint64_t x = 0;
    std::memcpy(&x, s.data() + i, s.size() - i);
    h = (h ^ fold(x)) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  return static_cast<size_t>(h);
}

bool RuleSet::FoldEqual::operator()(std::string_view a, std::string_view b) const {
  return EqualsAsciiFoldCase(a, b);
}

RuleSet::RuleSet(const LoadOptions& options)
    : options_(options),
      map_(options.logsources != nullptr ? options.logsources : &LogsourceMap::Default()) {
  // The view of each event then holds what classifying it needs.
  const std::vector<std::string>& tested = map_->tested_fields();
  for (size_t i = 0; i < tested.size(); ++i) {
    const uint32_t id = fields_.Intern(tested[i]);
    if (id >= tested_index_.size()) tested_index_.resize(id + 1, -1);
    tested_index_[id] = static_cast<int32_t>(i);
  }
}

std::unique_ptr<RuleSet> RuleSet::Load(const std::vector<std::string>& paths,
                                       const LoadOptions& options, LoadReport* report) {
  auto set = std::make_unique<RuleSet>(options);
  namespace fs = std::filesystem;
  for (const std::string& path : paths) {
    std::vector<fs::path> files;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        if (it->is_regular_file(ec) && (p.extension() == ".yml" || p.extension() == ".yaml")) {
          files.push_back(p);
        }
      }
    } else {
      files.emplace_back(path);
    }
    if (ec) {
      report->problems.push_back({path, "", Problem("unreadable", ec.message())});
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        report->problems.push_back({file.string(), "", Problem("unreadable", "cannot read file")});
        continue;
      }
      std::stringstream buffer;
      buffer << in.rdbuf();
      ++report->files;
      set->AddText(buffer.str(), file.string(), report);
    }
  }
  set->Finish(report);
  return set;
}

void RuleSet::AddText(std::string_view yaml, const std::string& file, LoadReport* report) {
  // Without aliases a document has fewer nodes and scalar bytes than it has bytes; aliases may
  // expand it a few times over (with a floor for small files), never to millions of nodes.
  YamlLimits limits;
  limits.max_nodes = std::clamp<size_t>(yaml.size() * 4, 100'000, limits.max_nodes);
  limits.max_bytes = std::clamp<size_t>(yaml.size() * 4, 4 << 20, limits.max_bytes);
  Result<std::vector<YamlNode>> docs = ParseYaml(yaml, limits);
  if (!docs.ok()) {
    const std::string& where = docs.status().where();
    int line = std::atoi(where.c_str());
    size_t colon = where.find(':');
    int column = colon == std::string::npos ? 0 : std::atoi(where.c_str() + colon + 1);
    report->problems.push_back(
        {file, "", Problem("bad_yaml", docs.status().message(), line, column)});
    return;
  }
  for (const YamlNode& doc : *docs) {
    if (doc.IsScalar() && doc.IsNull()) continue;  // empty document between `---`
    ++report->documents;
    SigmaRule rule;
    if (MaybeProblem p = ParseRuleDocument(doc, file, &rule)) {
      report->problems.push_back({file, RuleLabel(rule), *p});
      continue;
    }
    if (rule.kind == RuleKind::kCorrelation) {
      ++report->correlation_rules;
      correlations_.push_back(std::move(rule));
      continue;
    }
    std::vector<RuleProblem> warnings;
    std::vector<CompiledSearch> searches;
    std::set<uint32_t> used;
    if (MaybeProblem p =
            CompileSearches(rule, options_.compile, &fields_, &warnings, &searches, &used)) {
      report->problems.push_back({file, RuleLabel(rule), *p});
      continue;
    }
    for (RuleProblem& w : warnings) report->warnings.push_back({file, RuleLabel(rule), w});
    if (rule.kind == RuleKind::kFilter) {
      ++report->filters;
      auto filter = std::make_unique<CompiledFilter>();
      filter->rule = std::move(rule);
      filter->searches = std::move(searches);
      filters_.push_back(std::move(filter));
      continue;
    }
    ++report->detection_rules;
    auto compiled = std::make_unique<CompiledRule>();
    compiled->rule = std::move(rule);
    compiled->searches = std::move(searches);
    compiled->fields.assign(used.begin(), used.end());
    compiled->index = static_cast<uint32_t>(rules_.size());
    rules_.push_back(std::move(compiled));
  }
}

void RuleSet::Finish(LoadReport* report) {
  if (finished_) return;
  finished_ = true;
  std::unordered_map<std::string, std::vector<CompiledRule*>> by_name;
  for (auto& r : rules_) {
    if (!r->rule.id.empty()) by_name[r->rule.id].push_back(r.get());
    if (!r->rule.name.empty()) by_name[r->rule.name].push_back(r.get());
  }
  for (const auto& f : filters_) {
    for (const std::string& target : f->rule.filter.rules) {
      auto it = by_name.find(target);
      if (it == by_name.end()) {
        report->warnings.push_back(
            {f->rule.file, RuleLabel(f->rule),
             Problem("unknown_rule", "the filter names rule " + target + ", which is not loaded")});
        continue;
      }
      for (CompiledRule* r : it->second) r->filters.push_back(f.get());
    }
  }
  // Correlations must name loaded rules or other correlations.
  std::set<std::string> known;
  for (const auto& [name, _] : by_name) known.insert(name);
  for (const SigmaRule& c : correlations_) {
    if (!c.id.empty()) known.insert(c.id);
    if (!c.name.empty()) known.insert(c.name);
  }
  std::vector<SigmaRule> kept;
  for (SigmaRule& c : correlations_) {
    std::string missing;
    for (const std::string& ref : c.correlation.rules) {
      if (!known.contains(ref)) missing = ref;
    }
    if (!missing.empty()) {
      report->problems.push_back(
          {c.file, RuleLabel(c),
           Problem("unknown_rule",
                   "the correlation names rule " + missing + ", which is not loaded", c.line, 1)});
      --report->correlation_rules;
      continue;
    }
    kept.push_back(std::move(c));
  }
  correlations_ = std::move(kept);
  for (const auto& r : rules_) Dispatch(r.get());
  BuildPrefilter();
  // The buckets each log-source entry reaches: its labels and every subset of them.
  for (const LogsourceEntry& e : map_->entries()) {
    std::vector<int32_t>& ids = entry_buckets_.emplace_back();
    const Logsource& l = e.labels;
    for (int mask = 0; mask < 8; ++mask) {
      auto it = bucket_ids_.find(BucketKey(mask & 1 ? l.product : "", mask & 2 ? l.category : "",
                                           mask & 4 ? l.service : ""));
      if (it != bucket_ids_.end() && std::find(ids.begin(), ids.end(), it->second) == ids.end()) {
        ids.push_back(it->second);
      }
    }
  }
}

void RuleSet::Dispatch(CompiledRule* rule) {
  const Logsource& ls = rule->rule.logsource;
  int32_t bucket;
  if (map_->Covers(ls)) {
    auto [it, added] = bucket_ids_.emplace(BucketKey(ls.product, ls.category, ls.service),
                                           static_cast<int32_t>(unanchored_.size()));
    if (added) unanchored_.emplace_back();
    bucket = it->second;
  } else {
    if (unlabeled_bucket_ < 0) {
      unlabeled_bucket_ = static_cast<int32_t>(unanchored_.size());
      unanchored_.emplace_back();
    }
    bucket = unlabeled_bucket_;
  }
  rule->bucket = bucket;
  Cnf cnf = ConditionCnf(rule->rule.condition, rule->searches);
  rule->clauses = static_cast<uint8_t>(cnf.size());
  rule->anchored = !cnf.empty();
  if (!rule->anchored) {
    unanchored_[static_cast<size_t>(bucket)].push_back(rule);
    return;
  }
  ++anchored_;
  for (size_t k = 0; k < cnf.size(); ++k) {
    for (Anchor& a : cnf[k]) {
      const ClauseHit hit{rule, static_cast<uint8_t>(k)};
      if (a.exact && a.field != Anchor::kAnyField) {
        pending_exact_[a.field][std::move(a.literal)].push_back(hit);
      } else {
        pending_anchors_[{bucket, a.field}][std::move(a.literal)].push_back(hit);
      }
    }
  }
}

namespace {

void AddBucket(std::vector<uint64_t>* mask, size_t buckets, int32_t bucket) {
  mask->resize((buckets + 63) / 64, 0);
  (*mask)[static_cast<size_t>(bucket) / 64] |= uint64_t{1} << (static_cast<size_t>(bucket) % 64);
}

// True when the two bit sets share a bucket.
bool Intersects(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if ((a[i] & b[i]) != 0) return true;
  }
  return false;
}

}  // namespace

// One Vectorscan literal database per bucket and field over the anchor literals on it. If a
// database cannot be built its rules are evaluated on every event of their source (slower,
// same result).
void RuleSet::BuildPrefilter() {
  const size_t buckets = unanchored_.size();
  // Whole-value literals: a hash lookup of the value, no scan.
  exact_.resize(fields_.size());
  for (auto& [field, literals] : pending_exact_) {
    for (auto& [literal, hits] : literals) {
      std::sort(hits.begin(), hits.end());
      hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
      for (const ClauseHit& h : hits) AddBucket(&exact_[field].buckets, buckets, h.rule->bucket);
      exact_[field].literals.emplace(literal, std::move(hits));
    }
  }
  pending_exact_.clear();
  scans_.resize(buckets);
  for (auto& [key, literals] : pending_anchors_) {
    const auto [bucket, field] = key;
    LiteralScan scan;
    scan.field = field;
    scan.first_literal = literals_;
    std::vector<const char*> texts;
    std::vector<size_t> lengths;
    std::vector<unsigned> ids, flags;
    for (auto& [literal, hits] : literals) {
      std::sort(hits.begin(), hits.end());
      hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
      if (literal.find('\0') != std::string::npos) scan.joinable = false;
      texts.push_back(literal.data());
      lengths.push_back(literal.size());
      ids.push_back(static_cast<unsigned>(scan.hits_of_literal.size()));
      // Keywords are scanned over every value at once: each reports once. A field's literals
      // report every occurrence, which costs less than Vectorscan's bookkeeping of SINGLEMATCH
      // (Match ignores a literal found again).
      flags.push_back(HS_FLAG_CASELESS | (field == Anchor::kAnyField ? HS_FLAG_SINGLEMATCH : 0));
      scan.hits_of_literal.push_back(std::move(hits));
      if (field == Anchor::kAnyField) scan.literals.push_back(literal);
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* error = nullptr;
    if (hs_compile_lit_multi(texts.data(), flags.data(), ids.data(), lengths.data(),
                             static_cast<unsigned>(texts.size()), HS_MODE_BLOCK, nullptr, &db,
                             &error) == HS_SUCCESS) {
      scan.database = db;
      literals_ += scan.hits_of_literal.size();
      scans_[static_cast<size_t>(bucket)].push_back(std::move(scan));
      continue;
    }
    hs_free_compile_error(error);
    for (const auto& hits : scan.hits_of_literal) {
      for (const ClauseHit& h : hits) {
        auto& list = unanchored_[static_cast<size_t>(h.rule->bucket)];
        if (std::find(list.begin(), list.end(), h.rule) == list.end()) list.push_back(h.rule);
      }
    }
  }
  pending_anchors_.clear();
  literal_hits_.resize(literals_);
  for (const auto& scans : scans_) {
    for (const LiteralScan& s : scans) {
      for (size_t i = 0; i < s.hits_of_literal.size(); ++i) {
        literal_hits_[s.first_literal + i] = &s.hits_of_literal[i];
      }
    }
  }
}

const RuleSet::KeywordScan* RuleSet::KeywordScanFor(const std::vector<int32_t>& buckets) const {
  std::vector<const LiteralScan*> keyword_scans;
  for (int32_t b : buckets) {
    for (const LiteralScan& s : scans_[static_cast<size_t>(b)]) {
      if (s.field != Anchor::kAnyField) continue;
      if (!s.joinable) return nullptr;
      keyword_scans.push_back(&s);
    }
  }
  if (keyword_scans.size() < 2) return nullptr;
  std::vector<int32_t> key(buckets);
  std::sort(key.begin(), key.end());
  std::lock_guard lock(keyword_mutex_);
  if (auto it = keyword_scans_.find(key); it != keyword_scans_.end()) return it->second.get();
  if (keyword_scans_.size() >= kMaxKeywordScans) return nullptr;
  std::vector<const char*> texts;
  std::vector<size_t> lengths;
  std::vector<unsigned> ids, flags;
  for (const LiteralScan* s : keyword_scans) {
    for (size_t i = 0; i < s->literals.size(); ++i) {
      texts.push_back(s->literals[i].data());
      lengths.push_back(s->literals[i].size());
      ids.push_back(static_cast<unsigned>(s->first_literal + i));
      flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH);
    }
  }
  auto scan = std::make_unique<KeywordScan>();
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_lit_multi(texts.data(), flags.data(), ids.data(), lengths.data(),
                           static_cast<unsigned>(texts.size()), HS_MODE_BLOCK, nullptr, &db,
                           &error) == HS_SUCCESS) {
    scan->database = db;
  } else {
    hs_free_compile_error(error);  // the buckets' own scans stay in use
  }
  KeywordScan* result = scan->database != nullptr ? scan.get() : nullptr;
  keyword_scans_.emplace(std::move(key), std::move(scan));
  return result;
}

bool RuleSet::Evaluate(const CompiledRule& rule, Scratch& scratch) const {
  scratch.memo.assign(rule.searches.size(), -1);
  if (!EvaluateCondition(rule.rule.condition, rule.searches, scratch.view, scratch.memo.data())) {
    return false;
  }
  for (const CompiledFilter* filter : rule.filters) {
    const Logsource& fl = filter->rule.logsource;
    bool applies = fl.product.empty() && fl.category.empty() && fl.service.empty();
    for (const LogsourceEntry* e : scratch.entries) applies |= LogsourceMatches(fl, e->labels);
    if (scratch.entries.empty() && !map_->Covers(fl)) applies = true;
    if (!applies) continue;
    std::vector<int8_t> memo(filter->searches.size(), -1);
    if (!EvaluateCondition(filter->rule.condition, filter->searches, scratch.view, memo.data())) {
      return false;
    }
  }
  return true;
}

void RuleSet::Match(const Event& event, Scratch& scratch, std::vector<Detection>* out) const {
  // The log sources and buckets of the event depend only on the few fields the map tests
  // (Channel, EventID, ...): worked out once per distinct key, then taken from the cache.
  if (scratch.classified_for != fields_.serial()) {
    scratch.classified.clear();
    scratch.classified_for = fields_.serial();
  }
  scratch.view.Reset(event, fields_);
  // The key: each tested field the event has (its index), with its first value when the map
  // tests values (length-prefixed), in the event's order. Equal keys, equal classifications.
  scratch.key.clear();
  for (uint32_t id : scratch.view.present_fields()) {
    if (id >= tested_index_.size() || tested_index_[id] < 0) continue;
    const auto index = static_cast<uint16_t>(tested_index_[id]);
    scratch.key.append(reinterpret_cast<const char*>(&index), sizeof index);
    if (!map_->tests_value(index)) continue;
    const std::string_view value = scratch.view.values(id)[0].raw;
    const auto size = static_cast<uint32_t>(value.size());
    scratch.key.append(reinterpret_cast<const char*>(&size), sizeof size);
    scratch.key.append(value);
  }
  auto known = scratch.classified.find(scratch.key);
  if (known == scratch.classified.end()) {
    if (scratch.classified.size() >= kMaxClassified) scratch.classified.clear();
    Scratch::Classified c;
    map_->Classify(event, &c.entries);
    if (c.entries.empty() && unlabeled_bucket_ >= 0) c.buckets.push_back(unlabeled_bucket_);
    for (const LogsourceEntry* e : c.entries) {
      for (int32_t id : entry_buckets_[static_cast<size_t>(e - map_->entries().data())]) {
        if (std::find(c.buckets.begin(), c.buckets.end(), id) == c.buckets.end()) {
          c.buckets.push_back(id);
        }
      }
    }
    c.mask.assign((unanchored_.size() + 63) / 64, 0);
    for (int32_t b : c.buckets) AddBucket(&c.mask, unanchored_.size(), b);
    if (const KeywordScan* keywords = KeywordScanFor(c.buckets)) {
      c.keywords = keywords;
      if (hs_alloc_scratch(static_cast<hs_database_t*>(keywords->database),
                           reinterpret_cast<hs_scratch_t**>(&scratch.hs_scratch)) != HS_SUCCESS) {
        std::abort();  // out of memory
      }
    }
    known = scratch.classified.emplace(scratch.key, std::move(c)).first;
  }
  const Scratch::Classified& classified = known->second;
  scratch.entries.assign(classified.entries.begin(), classified.entries.end());
  // Aliases: rules of a source see its fields under their Sigma names (e.g. 4688 Image).
  bool aliased = false;
  for (const LogsourceEntry* e : scratch.entries) {
    for (const auto& [rule_field, event_field] : e->aliases) {
      if (event.Find(rule_field) != nullptr) continue;
      const Event::Field* source = event.Find(event_field);
      if (source == nullptr) continue;
      if (!aliased) {
        scratch.aliased.Clear();
        // Views into `event` (and the map's names): `aliased` is only read during this Match.
        for (const Event::Field& f : event.fields()) {
          scratch.aliased.AddBorrowed(f.name, true, f.value, true, f.kind);
        }
        scratch.aliased.source = event.source;
        scratch.aliased.record = event.record;
        aliased = true;
      }
      scratch.aliased.AddBorrowed(rule_field, true, source->value, true, source->kind);
    }
  }
  if (aliased) scratch.view.Reset(scratch.aliased, fields_);
  if (scratch.stamp.size() < rules_.size()) scratch.stamp.resize(rules_.size(), 0);
  const uint32_t generation = ++scratch.generation;

  // The buckets (log sources) this event reaches.
  const std::vector<int32_t>& buckets = classified.buckets;
  const std::vector<uint64_t>& bucket_mask = classified.mask;
  if (buckets.empty()) return;

  // Candidates: the unanchored rules of those buckets, and anchored rules whose literal occurs.
  scratch.candidates.clear();
  auto take = [&](const CompiledRule* rule) {
    if (scratch.stamp[rule->index] == generation) return;
    if ((bucket_mask[static_cast<size_t>(rule->bucket) / 64] &
         (uint64_t{1} << (static_cast<size_t>(rule->bucket) % 64))) == 0) {
      return;
    }
    // An event of unknown source is only for rules that read one of its fields (or keyword
    // rules): `not selection` on a Zeek field must not fire on every unrelated event.
    if (rule->bucket == unlabeled_bucket_ && !rule->fields.empty() &&
        std::none_of(rule->fields.begin(), rule->fields.end(),
                     [&](uint32_t f) { return !scratch.view.values(f).empty(); })) {
      return;
    }
    scratch.stamp[rule->index] = generation;
    scratch.candidates.push_back(rule);
  };
  for (int32_t b : buckets) {
    for (const CompiledRule* rule : unanchored_[static_cast<size_t>(b)]) take(rule);
  }
  // An anchored rule becomes a candidate once a literal of each of its clauses occurred.
  if (scratch.clause_seen.size() < rules_.size()) {
    scratch.clause_seen.resize(rules_.size(), {0, 0});
  }
  auto hit = [&](const ClauseHit& h) {
    auto& [stamp, mask] = scratch.clause_seen[h.rule->index];
    if (stamp != generation) {
      stamp = generation;
      mask = 0;
    }
    mask |= 1u << h.clause;
    if (mask == (1u << h.rule->clauses) - 1) take(h.rule);
  };
  auto** hs_scratch = reinterpret_cast<hs_scratch_t**>(&scratch.hs_scratch);
  if (scratch.sized_for != fields_.serial()) {  // grow once for every database of this set
    for (const auto& scans : scans_) {
      for (const LiteralScan& s : scans) {
        if (hs_alloc_scratch(static_cast<hs_database_t*>(s.database), hs_scratch) != HS_SUCCESS) {
          std::abort();  // out of memory
        }
      }
    }
    scratch.sized_for = fields_.serial();
  }
  // A literal found again in the same event (databases report every occurrence) adds nothing.
  if (scratch.literal_seen.size() < literals_) scratch.literal_seen.resize(literals_, 0);
  // Literal ids are indices into literal_hits_ and literal_seen from `first_literal` on.
  struct Context {
    const std::vector<ClauseHit>* const* hits;
    decltype(hit)* add;
    uint32_t* seen;
    uint32_t generation;
  };
  auto scan_text = [&](const void* database, size_t first_literal, std::string_view text) {
    if (text.empty()) return;  // no literal is empty: nothing to find, and each scan has a cost
    Context context{literal_hits_.data() + first_literal, &hit,
                    scratch.literal_seen.data() + first_literal, generation};
    hs_scan(
        static_cast<const hs_database_t*>(database), text.data(),
        static_cast<unsigned>(text.size()), 0, *hs_scratch,
        [](unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
          auto* c = static_cast<Context*>(ctx);
          if (c->seen[id] == c->generation) return 0;
          c->seen[id] = c->generation;
          for (const ClauseHit& h : *c->hits[id]) (*c->add)(h);
          return 0;
        },
        &context);
  };
  // Several values: one scan over them joined by NUL, which no literal holds (the same hits as
  // one scan per value).
  auto join = [](std::span<const EventView::Value> values, std::string* into) {
    into->clear();
    for (const EventView::Value& v : values) {
      into->append(v.raw);
      into->push_back('\0');
    }
  };
  std::span<const EventView::Value> all_values = scratch.view.all_values();
  auto scan_keywords = [&](const void* database, size_t first_literal) {
    if (all_values.size() == 1) return scan_text(database, first_literal, all_values[0].raw);
    if (scratch.joined_all_for != generation) {  // every value: joined once per event
      join(all_values, &scratch.joined_all);
      scratch.joined_all_for = generation;
    }
    scan_text(database, first_literal, scratch.joined_all);
  };
  if (classified.keywords != nullptr && !all_values.empty()) {
    scan_keywords(classified.keywords->database, 0);
  }
  for (int32_t b : buckets) {
    for (const LiteralScan& s : scans_[static_cast<size_t>(b)]) {
      const bool keywords = s.field == Anchor::kAnyField;
      if (keywords && classified.keywords != nullptr) continue;  // scanned above
      std::span<const EventView::Value> values =
          keywords ? all_values : scratch.view.values(s.field);
      if (values.empty()) continue;
      if (values.size() == 1) {
        scan_text(s.database, s.first_literal, values[0].raw);
      } else if (!s.joinable) {
        for (const EventView::Value& v : values) scan_text(s.database, s.first_literal, v.raw);
      } else if (keywords) {
        scan_keywords(s.database, s.first_literal);
      } else {
        join(values, &scratch.joined);
        scan_text(s.database, s.first_literal, scratch.joined);
      }
    }
  }
  for (uint32_t field : scratch.view.present_fields()) {
    if (field >= exact_.size() || exact_[field].literals.empty() ||
        !Intersects(exact_[field].buckets, bucket_mask)) {
      continue;
    }
    const auto& literals = exact_[field].literals;
    for (const EventView::Value& v : scratch.view.values(field)) {
      auto found = literals.find(v.raw);
      if (found != literals.end()) {
        for (const ClauseHit& h : found->second) hit(h);
      }
    }
  }

  // Detections in rule order (load order), whatever order the prefilter found them in.
  std::sort(scratch.candidates.begin(), scratch.candidates.end(),
            [](const CompiledRule* a, const CompiledRule* b) { return a->index < b->index; });
  for (const CompiledRule* rule : scratch.candidates) {
    if (!Evaluate(*rule, scratch)) continue;
    Detection d;
    d.rule = rule;
    for (uint32_t id : rule->fields) {
      auto values = scratch.view.values(id);
      if (!values.empty()) d.fields.emplace_back(fields_.name(id), values[0].raw);
    }
    out->push_back(std::move(d));
  }
}

}  // namespace vigil::detect

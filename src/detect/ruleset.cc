#include "detect/ruleset.h"

#include <hs/hs.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <cstdio>
#include <cstdlib>
#include <sstream>

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

void KeepBest(Cnf* cnf) {
  std::sort(cnf->begin(), cnf->end(),
            [](const Clause& a, const Clause& b) { return BetterAnchors(a, b); });
  if (cnf->size() > kMaxClauses) cnf->resize(kMaxClauses);
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
  for (FieldPrefilter& p : prefilters_) {
    if (p.database != nullptr) hs_free_database(static_cast<hs_database_t*>(p.database));
  }
  if (keyword_prefilter_.database != nullptr) {
    hs_free_database(static_cast<hs_database_t*>(keyword_prefilter_.database));
  }
}

RuleSet::RuleSet(const LoadOptions& options)
    : options_(options),
      map_(options.logsources != nullptr ? options.logsources : &LogsourceMap::Default()) {}

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
        pending_anchors_[a.field][std::move(a.literal)].push_back(hit);
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

// One Vectorscan literal database per field over the anchor literals on it. If a database
// cannot be built its rules are evaluated on every event of their source (slower, same result).
void RuleSet::BuildPrefilter() {
  prefilters_.resize(fields_.size());
  // Whole-value literals: a hash lookup of the lower-cased value, no scan.
  for (auto& [field, literals] : pending_exact_) {
    for (auto& [literal, hits] : literals) {
      std::sort(hits.begin(), hits.end());
      hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
      for (const ClauseHit& h : hits) {
        AddBucket(&prefilters_[field].exact_buckets, unanchored_.size(), h.rule->bucket);
      }
      prefilters_[field].exact.emplace(literal, std::move(hits));
    }
  }
  pending_exact_.clear();
  for (auto& [field, literals] : pending_anchors_) {
    FieldPrefilter& prefilter =
        field == Anchor::kAnyField ? keyword_prefilter_ : prefilters_[field];
    std::vector<const char*> texts;
    std::vector<size_t> lengths;
    std::vector<unsigned> ids, flags;
    for (auto& [literal, hits] : literals) {
      std::sort(hits.begin(), hits.end());
      hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
      for (const ClauseHit& h : hits) {
        AddBucket(&prefilter.scan_buckets, unanchored_.size(), h.rule->bucket);
      }
      if (literal.find('\0') != std::string::npos) prefilter.joinable = false;
      texts.push_back(literal.data());
      lengths.push_back(literal.size());
      ids.push_back(static_cast<unsigned>(prefilter.hits_of_literal.size()));
      flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH);
      prefilter.hits_of_literal.push_back(std::move(hits));
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* error = nullptr;
    if (hs_compile_lit_multi(texts.data(), flags.data(), ids.data(), lengths.data(),
                             static_cast<unsigned>(texts.size()), HS_MODE_BLOCK, nullptr, &db,
                             &error) == HS_SUCCESS) {
      prefilter.database = db;
      continue;
    }
    hs_free_compile_error(error);
    for (const auto& hits : prefilter.hits_of_literal) {
      for (const ClauseHit& h : hits) {
        auto& list = unanchored_[static_cast<size_t>(h.rule->bucket)];
        if (std::find(list.begin(), list.end(), h.rule) == list.end()) list.push_back(h.rule);
      }
    }
    prefilter.hits_of_literal.clear();
  }
  pending_anchors_.clear();
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

struct XStats { uint64_t events=0, kwscans=0, fscans=0, bytes=0, kwbytes=0, hits=0, cands=0, evals=0, exact=0, fields=0, values=0, aliased=0;
  ~XStats(){ if(getenv("XSTATS")) fprintf(stderr,"events %lu kwscans %lu fscans %lu bytes %lu kwbytes %lu hits %lu cands %lu detections %lu exactlookups %lu presentfields %lu values %lu aliased %lu\n",events,kwscans,fscans,bytes,kwbytes,hits,cands,evals,exact,fields,values,aliased);} };
static XStats xs;
void RuleSet::Match(const Event& event, Scratch& scratch, std::vector<Detection>* out) const {
  xs.events++;
  map_->Classify(event, &scratch.entries);
  // Aliases: rules of a source see its fields under their Sigma names (e.g. 4688 Image).
  const Event* seen = &event;
  bool aliased = false;
  for (const LogsourceEntry* e : scratch.entries) {
    for (const auto& [rule_field, event_field] : e->aliases) {
      if (event.Find(rule_field) != nullptr) continue;
      const Event::Field* source = event.Find(event_field);
      if (source == nullptr) continue;
      if (!aliased) {
        scratch.aliased.Clear();
        for (const Event::Field& f : event.fields()) scratch.aliased.Add(f.name, f.value, f.kind);
        scratch.aliased.source = event.source;
        scratch.aliased.record = event.record;
        aliased = true;
      }
      scratch.aliased.Add(rule_field, source->value, source->kind);
    }
  }
  if (aliased) seen = &scratch.aliased;
  xs.aliased += aliased;
  scratch.view.Reset(*seen, fields_);
  if (scratch.stamp.size() < rules_.size()) scratch.stamp.resize(rules_.size(), 0);
  const uint32_t generation = ++scratch.generation;

  // The buckets (log sources) this event reaches.
  scratch.buckets.clear();
  if (scratch.entries.empty()) {
    if (unlabeled_bucket_ >= 0) scratch.buckets.push_back(unlabeled_bucket_);
  }
  for (const LogsourceEntry* e : scratch.entries) {
    for (int32_t id : entry_buckets_[static_cast<size_t>(e - map_->entries().data())]) {
      if (std::find(scratch.buckets.begin(), scratch.buckets.end(), id) == scratch.buckets.end()) {
        scratch.buckets.push_back(id);
      }
    }
  }
  if (scratch.buckets.empty()) return;
  scratch.bucket_mask.assign((unanchored_.size() + 63) / 64, 0);
  for (int32_t b : scratch.buckets) AddBucket(&scratch.bucket_mask, unanchored_.size(), b);

  // Candidates: the unanchored rules of those buckets, and anchored rules whose literal occurs.
  scratch.candidates.clear();
  auto take = [&](const CompiledRule* rule) {
    if (scratch.stamp[rule->index] == generation) return;
    if (std::find(scratch.buckets.begin(), scratch.buckets.end(), rule->bucket) ==
        scratch.buckets.end()) {
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
  for (int32_t b : scratch.buckets) {
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
    auto grow = [&](const FieldPrefilter& p) {
      if (p.database == nullptr) return;
      if (hs_alloc_scratch(static_cast<hs_database_t*>(p.database), hs_scratch) != HS_SUCCESS) {
        std::abort();  // out of memory
      }
    };
    for (const FieldPrefilter& p : prefilters_) grow(p);
    grow(keyword_prefilter_);
    scratch.sized_for = fields_.serial();
  }
  auto scan = [&](const FieldPrefilter& prefilter, std::span<const EventView::Value> values) {
    struct Context {
      const FieldPrefilter* prefilter;
      decltype(hit)* add;
    } context{&prefilter, &hit};
    auto one = [&](std::string_view text) {
      if (&prefilter == &keyword_prefilter_) { xs.kwscans++; xs.kwbytes += text.size(); } else { xs.fscans++; xs.bytes += text.size(); }
      hs_scan(
          static_cast<hs_database_t*>(prefilter.database), text.data(),
          static_cast<unsigned>(text.size()), 0, *hs_scratch,
          [](unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
            auto* c = static_cast<Context*>(ctx);
            xs.hits++;
            for (const ClauseHit& h : c->prefilter->hits_of_literal[id]) (*c->add)(h);
            return 0;
          },
          &context);
    };
    if (values.size() == 1 || !prefilter.joinable) {
      for (const EventView::Value& v : values) one(v.raw);
      return;
    }
    // Several values: one scan over them joined by NUL, which no literal holds (each literal
    // reports once, wherever it occurs: the same hits as one scan per value).
    scratch.joined.clear();
    for (const EventView::Value& v : values) {
      scratch.joined.append(v.raw);
      scratch.joined.push_back('\0');
    }
    one(scratch.joined);
  };
  for (uint32_t field : scratch.view.present_fields()) {
    if (field >= prefilters_.size()) continue;
    const FieldPrefilter& prefilter = prefilters_[field];
    if (!prefilter.exact.empty() && Intersects(prefilter.exact_buckets, scratch.bucket_mask)) {
      for (const EventView::Value& v : scratch.view.values(field)) {
        xs.exact++;
        auto found = prefilter.exact.find(scratch.view.Lower(v));
        if (found != prefilter.exact.end()) {
          for (const ClauseHit& h : found->second) hit(h);
        }
      }
    }
    if (prefilter.database != nullptr && Intersects(prefilter.scan_buckets, scratch.bucket_mask)) {
      scan(prefilter, scratch.view.values(field));
    }
  }
  if (keyword_prefilter_.database != nullptr &&
      Intersects(keyword_prefilter_.scan_buckets, scratch.bucket_mask)) {
    scan(keyword_prefilter_, scratch.view.all_values());
  }

  xs.fields += scratch.view.present_fields().size(); xs.values += scratch.view.all_values().size();
  for (const CompiledRule* rule : scratch.candidates) {
    xs.cands++;
    if (!Evaluate(*rule, scratch)) continue;
    xs.evals++;
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

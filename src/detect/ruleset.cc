#include "detect/ruleset.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
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

std::string RuleName(const SigmaRule& rule) { return !rule.id.empty() ? rule.id : rule.title; }

MaybeProblem CompileSearches(const SigmaRule& rule, const CompileOptions& options,
                             FieldTable* fields, std::vector<RuleProblem>* warnings,
                             std::vector<CompiledSearch>* out, std::set<uint32_t>* used) {
  for (const Search& search : rule.searches) {
    CompiledSearch compiled;
    for (const auto& alternative : search.alternatives) {
      auto& items = compiled.alternatives.emplace_back();
      for (const FieldItem& item : alternative) {
        std::unique_ptr<ItemMatcher> matcher;
        VIGIL_RETURN_IF_PROBLEM(CompileItem(item, options, fields, warnings, &matcher));
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

}  // namespace

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
  Result<std::vector<YamlNode>> docs = ParseYaml(yaml);
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
      report->problems.push_back({file, RuleName(rule), *p});
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
      report->problems.push_back({file, RuleName(rule), *p});
      continue;
    }
    for (RuleProblem& w : warnings) report->warnings.push_back({file, RuleName(rule), w});
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
            {f->rule.file, RuleName(f->rule),
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
          {c.file, RuleName(c),
           Problem("unknown_rule",
                   "the correlation names rule " + missing + ", which is not loaded", c.line, 1)});
      --report->correlation_rules;
      continue;
    }
    kept.push_back(std::move(c));
  }
  correlations_ = std::move(kept);
  for (const auto& r : rules_) Dispatch(r.get());
}

void RuleSet::Dispatch(const CompiledRule* rule) {
  const Logsource& ls = rule->rule.logsource;
  if (map_->Covers(ls)) {
    buckets_[BucketKey(ls.product, ls.category, ls.service)].push_back(rule);
  } else {
    unlabeled_.push_back(rule);
  }
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
  scratch.view.Reset(*seen, fields_);
  if (scratch.stamp.size() < rules_.size()) scratch.stamp.resize(rules_.size(), 0);
  const uint32_t generation = ++scratch.generation;

  auto consider = [&](const CompiledRule* rule) {
    if (scratch.stamp[rule->index] == generation) return;
    scratch.stamp[rule->index] = generation;
    if (!Evaluate(*rule, scratch)) return;
    Detection d;
    d.rule = rule;
    for (uint32_t id : rule->fields) {
      auto values = scratch.view.values(id);
      if (!values.empty()) d.fields.emplace_back(fields_.name(id), values[0].raw);
    }
    out->push_back(std::move(d));
  };
  if (scratch.entries.empty()) {
    for (const CompiledRule* rule : unlabeled_) consider(rule);
    return;
  }
  for (const LogsourceEntry* e : scratch.entries) {
    const Logsource& l = e->labels;
    for (int mask = 0; mask < 8; ++mask) {
      auto it = buckets_.find(BucketKey(mask & 1 ? l.product : "", mask & 2 ? l.category : "",
                                        mask & 4 ? l.service : ""));
      if (it == buckets_.end()) continue;
      for (const CompiledRule* rule : it->second) consider(rule);
    }
  }
}

}  // namespace vigil::detect

#include "detect/condition.h"

#include <cctype>

#include "core/text.h"

namespace vigil::detect {
namespace {

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '*' || c == '-' ||
         c == '.';
}

class Parser {
 public:
  Parser(std::string_view text, const std::vector<std::string>& searches, int max_depth)
      : text_(text), searches_(searches), max_depth_(max_depth) {}

  MaybeProblem Run(Condition* out) {
    VIGIL_RETURN_IF_PROBLEM(Tokenize());
    if (tokens_.empty()) return Problem("bad_condition", "the condition is empty");
    VIGIL_RETURN_IF_PROBLEM(ParseOr(0, out));
    if (pos_ < tokens_.size()) {
      return Problem("bad_condition", "unexpected " + QuoteForMessage(tokens_[pos_]) +
                                          " in condition " + QuoteForMessage(text_));
    }
    return std::nullopt;
  }

 private:
  MaybeProblem Tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (c == '(' || c == ')') {
        tokens_.emplace_back(1, c);
        ++i;
      } else if (c == '|') {
        return Problem("deprecated_aggregation",
                       "aggregations after `|` are Sigma v1 syntax; write a correlation rule");
      } else if (IsIdentChar(c)) {
        size_t start = i;
        while (i < text_.size() && IsIdentChar(text_[i])) ++i;
        tokens_.emplace_back(text_.substr(start, i - start));
      } else {
        return Problem("bad_condition", "unexpected character " +
                                            QuoteForMessage(text_.substr(i, 1)) + " in condition " +
                                            QuoteForMessage(text_));
      }
    }
    return std::nullopt;
  }

  bool Peek(std::string_view word) const {
    return pos_ < tokens_.size() && EqualsAsciiFoldCase(tokens_[pos_], word);
  }

  MaybeProblem Depth(int depth) const {
    if (depth > max_depth_) return Problem("bad_condition", "the condition nests too deeply");
    return std::nullopt;
  }

  static void Join(Condition::Op op, Condition lhs, Condition rhs, Condition* out) {
    if (lhs.op == op) {
      lhs.operands.push_back(std::move(rhs));
      *out = std::move(lhs);
      return;
    }
    Condition joined;
    joined.op = op;
    joined.operands.push_back(std::move(lhs));
    joined.operands.push_back(std::move(rhs));
    *out = std::move(joined);
  }

  MaybeProblem ParseOr(int depth, Condition* out) {
    VIGIL_RETURN_IF_PROBLEM(Depth(depth));
    VIGIL_RETURN_IF_PROBLEM(ParseAnd(depth + 1, out));
    while (Peek("or")) {
      ++pos_;
      Condition rhs;
      VIGIL_RETURN_IF_PROBLEM(ParseAnd(depth + 1, &rhs));
      Join(Condition::Op::kOr, std::move(*out), std::move(rhs), out);
    }
    return std::nullopt;
  }

  MaybeProblem ParseAnd(int depth, Condition* out) {
    VIGIL_RETURN_IF_PROBLEM(Depth(depth));
    VIGIL_RETURN_IF_PROBLEM(ParseNot(depth + 1, out));
    while (Peek("and")) {
      ++pos_;
      Condition rhs;
      VIGIL_RETURN_IF_PROBLEM(ParseNot(depth + 1, &rhs));
      Join(Condition::Op::kAnd, std::move(*out), std::move(rhs), out);
    }
    return std::nullopt;
  }

  MaybeProblem ParseNot(int depth, Condition* out) {
    VIGIL_RETURN_IF_PROBLEM(Depth(depth));
    if (Peek("not")) {
      ++pos_;
      Condition inner;
      VIGIL_RETURN_IF_PROBLEM(ParseNot(depth + 1, &inner));
      out->op = Condition::Op::kNot;
      out->operands.clear();
      out->operands.push_back(std::move(inner));
      return std::nullopt;
    }
    return ParsePrimary(depth + 1, out);
  }

  MaybeProblem ParsePrimary(int depth, Condition* out) {
    if (pos_ >= tokens_.size()) {
      return Problem("bad_condition", "the condition " + QuoteForMessage(text_) + " ends early");
    }
    const std::string& token = tokens_[pos_];
    if (token == "(") {
      ++pos_;
      VIGIL_RETURN_IF_PROBLEM(ParseOr(depth + 1, out));
      if (!Peek(")")) {
        return Problem("bad_condition", "missing `)` in condition " + QuoteForMessage(text_));
      }
      ++pos_;
      return std::nullopt;
    }
    if (token == ")" || Peek("and") || Peek("or") || Peek("of")) {
      return Problem("bad_condition", "unexpected " + QuoteForMessage(token) + " in condition " +
                                          QuoteForMessage(text_));
    }
    if (pos_ + 1 < tokens_.size() && EqualsAsciiFoldCase(tokens_[pos_ + 1], "of")) {
      return ParseQuantifier(out);
    }
    ++pos_;
    for (size_t i = 0; i < searches_.size(); ++i) {
      if (searches_[i] == token) {
        out->op = Condition::Op::kSearch;
        out->search = static_cast<int>(i);
        return std::nullopt;
      }
    }
    return Problem("unknown_identifier",
                   "the condition names " + QuoteForMessage(token) + ", which is not a search");
  }

  // `1 of x*`, `all of them`, `any of x` (an alias of `1 of`).
  MaybeProblem ParseQuantifier(Condition* out) {
    const std::string quantifier = tokens_[pos_];
    pos_ += 2;  // quantifier, `of`
    bool all = false;
    if (EqualsAsciiFoldCase(quantifier, "all")) {
      all = true;
    } else if (quantifier != "1" && !EqualsAsciiFoldCase(quantifier, "any")) {
      return Problem("bad_condition",
                     "only `1 of` and `all of` exist; got " + QuoteForMessage(quantifier + " of"));
    }
    if (pos_ >= tokens_.size() || tokens_[pos_] == "(" || tokens_[pos_] == ")") {
      return Problem("bad_condition", "`of` needs a name pattern or `them`");
    }
    const std::string pattern = tokens_[pos_++];
    const bool them = EqualsAsciiFoldCase(pattern, "them");
    Condition group;
    group.op = all ? Condition::Op::kAnd : Condition::Op::kOr;
    for (size_t i = 0; i < searches_.size(); ++i) {
      const std::string& name = searches_[i];
      bool take = them ? !name.starts_with('_') : IdentifierMatches(pattern, name);
      if (!take) continue;
      Condition ref;
      ref.op = Condition::Op::kSearch;
      ref.search = static_cast<int>(i);
      group.operands.push_back(std::move(ref));
    }
    if (group.operands.empty()) {
      return Problem("unknown_identifier",
                     "no search matches " + QuoteForMessage(quantifier + " of " + pattern));
    }
    if (group.operands.size() == 1) {
      *out = std::move(group.operands[0]);
    } else {
      *out = std::move(group);
    }
    return std::nullopt;
  }

  std::string_view text_;
  const std::vector<std::string>& searches_;
  int max_depth_;
  std::vector<std::string> tokens_;
  size_t pos_ = 0;
};

}  // namespace

bool IdentifierMatches(std::string_view pattern, std::string_view name) {
  // Iterative glob with single backtrack point: linear in practice, quadratic at worst.
  size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

MaybeProblem ParseCondition(std::string_view text, const std::vector<std::string>& searches,
                            Condition* out, int max_depth) {
  Parser parser(text, searches, max_depth);
  return parser.Run(out);
}

}  // namespace vigil::detect

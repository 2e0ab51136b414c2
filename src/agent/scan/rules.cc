#include "agent/scan/rules.h"

#include <openssl/evp.h>
#include <yara.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>

#include "agent/scan/yara_util.h"
#include "core/text.h"

namespace vigil::agent {
namespace {

// Envelope: magic(8) | version length u32 LE | version | payload length u64 LE | hex SHA-256 (64)
// of version and payload | payload (yr_rules_save_stream output).
constexpr std::string_view kMagic = "VIGILYR1";
constexpr size_t kMaxVersionBytes = 256;

struct CompileErrors {
  const std::string* source_name = nullptr;
  std::vector<std::string> lines;
};

void OnCompilerMessage(int error_level, const char* /*file_name*/, int line_number,
                       const YR_RULE* /*rule*/, const char* message, void* user_data) {
  if (error_level != YARA_ERROR_LEVEL_ERROR) return;  // warnings (slow rules) are not failures
  auto* errors = static_cast<CompileErrors*>(user_data);
  errors->lines.push_back(*errors->source_name + ":" + std::to_string(line_number) + ": " +
                          (message != nullptr ? message : "error"));
}

using CompilerPtr = std::unique_ptr<YR_COMPILER, decltype(&yr_compiler_destroy)>;

Result<CompilerPtr> NewCompiler(CompileErrors* errors) {
  VIGIL_RETURN_IF_ERROR(EnsureYaraInitialized());
  YR_COMPILER* raw = nullptr;
  if (yr_compiler_create(&raw) != ERROR_SUCCESS) return Internal("yr_compiler_create failed");
  CompilerPtr compiler(raw, &yr_compiler_destroy);
  yr_compiler_set_callback(compiler.get(), &OnCompilerMessage, errors);
  yr_compiler_set_include_callback(compiler.get(), nullptr, nullptr, nullptr);  // no includes
  for (const char* name : kExternalVariables) {
    if (yr_compiler_define_string_variable(compiler.get(), name, "") != ERROR_SUCCESS)
      return Internal(std::string("cannot define external variable ") + name);
  }
  return compiler;
}

// Adds one source; returns false (errors recorded) when it does not compile.
bool AddSource(YR_COMPILER* compiler, CompileErrors* errors, const RuleSource& source) {
  errors->source_name = &source.name;
  const size_t before = errors->lines.size();
  // libyara wants a NUL-terminated string; text after an embedded NUL is an error, not ignored.
  if (source.text.find('\0') != std::string::npos) {
    errors->lines.push_back(source.name + ":0: rule text contains a NUL byte");
    return false;
  }
  const int failed = yr_compiler_add_string(compiler, source.text.c_str(), nullptr);
  if (failed > 0 && errors->lines.size() == before)
    errors->lines.push_back(source.name + ":0: does not compile");
  return failed == 0;
}

size_t CountRules(YR_RULES* rules) {
  size_t count = 0;
  const YR_RULE* rule = nullptr;
  yr_rules_foreach(rules, rule) { ++count; }
  return count;
}

std::string Sha256Hex(std::string_view a, std::string_view b = {}) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx.get(), a.data(), a.size());
  EVP_DigestUpdate(ctx.get(), b.data(), b.size());
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), len));
}

Status ErrorsToStatus(const std::vector<std::string>& lines) {
  std::string message;
  for (const auto& line : lines) {
    if (!message.empty()) message += '\n';
    message += line;
  }
  return InvalidArgument(message, lines.front().substr(0, lines.front().find(": ")));
}

size_t WriteToString(const void* ptr, size_t size, size_t count, void* user_data) {
  static_cast<std::string*>(user_data)->append(static_cast<const char*>(ptr), size * count);
  return count;
}

struct ReadCursor {
  std::string_view data;
  size_t pos = 0;
};

size_t ReadFromView(void* ptr, size_t size, size_t count, void* user_data) {
  auto* cursor = static_cast<ReadCursor*>(user_data);
  if (size == 0) return 0;
  const size_t items = std::min(count, (cursor->data.size() - cursor->pos) / size);
  std::memcpy(ptr, cursor->data.data() + cursor->pos, items * size);
  cursor->pos += items * size;
  return items;
}

void PutLe(std::string* out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t GetLe(std::string_view in, int bytes) {
  uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(in[i]);
  return value;
}

}  // namespace

CompiledRules::CompiledRules(YR_RULES* rules, std::string version)
    : rules_(rules), version_(std::move(version)), rule_count_(CountRules(rules)) {}

CompiledRules::CompiledRules(CompiledRules&& other) noexcept
    : rules_(std::exchange(other.rules_, nullptr)),
      version_(std::move(other.version_)),
      rule_count_(std::exchange(other.rule_count_, 0)) {}

CompiledRules& CompiledRules::operator=(CompiledRules&& other) noexcept {
  if (this != &other) {
    if (rules_ != nullptr) yr_rules_destroy(rules_);
    rules_ = std::exchange(other.rules_, nullptr);
    version_ = std::move(other.version_);
    rule_count_ = std::exchange(other.rule_count_, 0);
  }
  return *this;
}

CompiledRules::~CompiledRules() {
  if (rules_ != nullptr) yr_rules_destroy(rules_);
}

Result<CompiledRules> CompiledRules::Compile(const std::vector<RuleSource>& sources) {
  CompileErrors errors;
  VIGIL_ASSIGN_OR_RETURN(CompilerPtr compiler, NewCompiler(&errors));
  std::string identity;
  for (size_t i = 0; i < sources.size(); ++i) {
    const auto& source = sources[i];
    identity += std::to_string(source.name.size()) + ":" + source.name +
                std::to_string(source.text.size()) + ":" + source.text;
    if (AddSource(compiler.get(), &errors, source)) continue;
    // libyara refuses further sources once one failed: check the rest each on its own.
    for (size_t j = i + 1; j < sources.size(); ++j) {
      VIGIL_ASSIGN_OR_RETURN(CompilerPtr alone, NewCompiler(&errors));
      AddSource(alone.get(), &errors, sources[j]);
    }
    return ErrorsToStatus(errors.lines);
  }
  YR_RULES* rules = nullptr;
  if (yr_compiler_get_rules(compiler.get(), &rules) != ERROR_SUCCESS)
    return Internal("yr_compiler_get_rules failed (out of memory)");
  return CompiledRules(rules, Sha256Hex(identity));
}

Result<std::string> CompiledRules::Serialize() const {
  std::string payload;
  YR_STREAM stream{&payload, nullptr, &WriteToString};
  if (yr_rules_save_stream(rules_, &stream) != ERROR_SUCCESS)
    return Internal("yr_rules_save_stream failed");
  std::string out(kMagic);
  PutLe(&out, version_.size(), 4);
  out += version_;
  PutLe(&out, payload.size(), 8);
  std::string digest = Sha256Hex(version_, payload);
  out += digest;  // 64 hex characters
  out += payload;
  return out;
}

Result<CompiledRules> CompiledRules::Deserialize(std::string_view bytes, std::string version) {
  auto bad = [](const std::string& why) { return InvalidArgument("compiled rules: " + why); };
  if (bytes.size() < kMagic.size() + 4 || bytes.substr(0, kMagic.size()) != kMagic)
    return bad("not a Vigil compiled rule set");
  size_t pos = kMagic.size();
  const uint64_t version_len = GetLe(bytes.substr(pos, 4), 4);
  pos += 4;
  if (version_len > kMaxVersionBytes || bytes.size() - pos < version_len + 8 + 64)
    return bad("truncated header");
  const std::string_view stored_version = bytes.substr(pos, version_len);
  pos += version_len;
  const uint64_t payload_len = GetLe(bytes.substr(pos, 8), 8);
  pos += 8;
  const std::string_view digest = bytes.substr(pos, 64);
  pos += 64;
  if (payload_len != bytes.size() - pos) return bad("length mismatch");
  const std::string_view payload = bytes.substr(pos);
  if (Sha256Hex(stored_version, payload) != digest) return bad("checksum mismatch");
  VIGIL_RETURN_IF_ERROR(EnsureYaraInitialized());
  ReadCursor cursor{payload, 0};
  YR_STREAM stream{&cursor, &ReadFromView, nullptr};
  YR_RULES* rules = nullptr;
  const int rc = yr_rules_load_stream(&stream, &rules);
  if (rc != ERROR_SUCCESS) return bad("libyara cannot load it (error " + std::to_string(rc) + ")");
  if (version.empty()) version = stored_version.empty() ? Sha256Hex(bytes) : stored_version;
  return CompiledRules(rules, std::move(version));
}

std::string_view EicarRuleSource() {
  // The two halves of the 68-byte test string; the file may carry up to 60 bytes of trailing
  // white space (filesize <= 128), as the EICAR definition allows.
  static const std::string source = R"(rule EICAR_Test_File
{
  meta:
    description = "EICAR anti-virus test file"
    author = "Vigil"
    reference = "https://www.eicar.org/download-anti-malware-testfile/"
  strings:
    $head = "X5O!P%@AP[4\\PZX54(P^)7CC)7}"
    $tail = "$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
  condition:
    $head at 0 and $tail at 27 and filesize <= 128
}
)";
  return source;
}

Result<std::vector<RuleSource>> ReadRuleSources(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".yar" || ext == ".yara")) files.push_back(entry.path());
  }
  if (ec) return NotFound("cannot list rule directory: " + ec.message(), dir);
  std::sort(files.begin(), files.end());
  std::vector<RuleSource> sources;
  sources.reserve(files.size());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) return InvalidArgument("cannot read rule file", file.string());
    sources.push_back({file.filename().string(), std::move(text).str()});
  }
  return sources;
}

Result<CompiledRules> CompileKeepingGood(const std::vector<RuleSource>& sources,
                                         std::vector<std::string>* rejected) {
  std::vector<RuleSource> kept;
  for (const auto& source : sources) {
    CompileErrors errors;
    VIGIL_ASSIGN_OR_RETURN(CompilerPtr compiler, NewCompiler(&errors));
    if (AddSource(compiler.get(), &errors, source)) {
      kept.push_back(source);
    } else if (rejected != nullptr) {
      rejected->insert(rejected->end(), errors.lines.begin(), errors.lines.end());
    }
  }
  // Sources that compile alone may still clash together; drop the failing ones and retry.
  for (;;) {
    auto rules = CompiledRules::Compile(kept);
    if (rules.ok() || kept.empty()) return rules;
    std::set<std::string> failing;
    std::istringstream lines(rules.status().message());
    for (std::string line; std::getline(lines, line);) {
      failing.insert(line.substr(0, line.find(':')));
      if (rejected != nullptr) rejected->push_back(line);
    }
    const size_t before = kept.size();
    std::erase_if(kept, [&](const RuleSource& s) { return failing.count(s.name) > 0; });
    if (kept.size() == before) return rules;
  }
}

}  // namespace vigil::agent

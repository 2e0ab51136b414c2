#include "detect/logsource.h"

#include <algorithm>

#include "core/text.h"
#include "detect/yaml.h"

namespace vigil::detect {
namespace {

// Windows channels per Sigma service (pySigma's windows pipeline and the SigmaHQ configs),
// the Sysmon / Security events behind each Sigma category, and syslog programs.
constexpr std::string_view kDefaultMap =
    R"yaml(
- {when: {Channel: Security}, logsource: {product: windows, service: security}}
- {when: {Channel: System}, logsource: {product: windows, service: system}}
- {when: {Channel: Application}, logsource: {product: windows, service: application}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational}, logsource: {product: windows, service: sysmon}}
- {when: {Channel: [Microsoft-Windows-PowerShell/Operational, PowerShellCore/Operational]}, logsource: {product: windows, service: powershell}}
- {when: {Channel: Windows PowerShell}, logsource: {product: windows, service: powershell-classic}}
- {when: {Channel: Microsoft-Windows-TaskScheduler/Operational}, logsource: {product: windows, service: taskscheduler}}
- {when: {Channel: Microsoft-Windows-WMI-Activity/Operational}, logsource: {product: windows, service: wmi}}
- {when: {Channel: DNS Server}, logsource: {product: windows, service: dns-server}}
- {when: {Channel: Microsoft-Windows-DNS-Server/Audit}, logsource: {product: windows, service: dns-server-audit}}
- {when: {Channel: Microsoft-Windows-DNS-Server/Analytical}, logsource: {product: windows, service: dns-server-analytic}}
- {when: {Channel: Microsoft-Windows-DNS-Client/Operational}, logsource: {product: windows, service: dns-client}}
- {when: {Channel: Microsoft-Windows-DriverFrameworks-UserMode/Operational}, logsource: {product: windows, service: driver-framework}}
- {when: {Channel: Microsoft-Windows-NTLM/Operational}, logsource: {product: windows, service: ntlm}}
- {when: {Channel: Microsoft-Windows-DHCP-Server/Operational}, logsource: {product: windows, service: dhcp}}
- {when: {Channel: MSExchange Management}, logsource: {product: windows, service: msexchange-management}}
- {when: {Channel: [Microsoft-Windows-AppLocker/EXE and DLL, Microsoft-Windows-AppLocker/MSI and Script, Microsoft-Windows-AppLocker/Packaged app-Deployment, Microsoft-Windows-AppLocker/Packaged app-Execution]}, logsource: {product: windows, service: applocker}}
- {when: {Channel: Microsoft-Windows-PrintService/Admin}, logsource: {product: windows, service: printservice-admin}}
- {when: {Channel: Microsoft-Windows-PrintService/Operational}, logsource: {product: windows, service: printservice-operational}}
- {when: {Channel: Microsoft-Windows-CodeIntegrity/Operational}, logsource: {product: windows, service: codeintegrity-operational}}
- {when: {Channel: Microsoft-Windows-SmbClient/Security}, logsource: {product: windows, service: smbclient-security}}
- {when: {Channel: Microsoft-Windows-SmbClient/Connectivity}, logsource: {product: windows, service: smbclient-connectivity}}
- {when: {Channel: Microsoft-Windows-SMBServer/Connectivity}, logsource: {product: windows, service: smbserver-connectivity}}
- {when: {Channel: Microsoft-Windows-Windows Firewall With Advanced Security/Firewall}, logsource: {product: windows, service: firewall-as}}
- {when: {Channel: Microsoft-Windows-Bits-Client/Operational}, logsource: {product: windows, service: bits-client}}
- {when: {Channel: Microsoft-Windows-Windows Defender/Operational}, logsource: {product: windows, service: windefend}}
- {when: {Channel: Microsoft-Windows-TerminalServices-LocalSessionManager/Operational}, logsource: {product: windows, service: terminalservices-localsessionmanager}}
- {when: {Channel: Microsoft-ServiceBus-Client}, logsource: {product: windows, service: microsoft-servicebus-client}}
- {when: {Channel: Microsoft-Windows-LDAP-Client/Debug}, logsource: {product: windows, service: ldap}}
- {when: {Channel: Microsoft-Windows-AppXDeploymentServer/Operational}, logsource: {product: windows, service: appxdeployment-server}}
- {when: {Channel: Microsoft-Windows-AppxPackaging/Operational}, logsource: {product: windows, service: appxpackaging-om}}
- {when: {Channel: Microsoft-Windows-AppModel-Runtime/Admin}, logsource: {product: windows, service: appmodel-runtime}}
- {when: {Channel: [Microsoft-Windows-Security-Mitigations/Kernel Mode, Microsoft-Windows-Security-Mitigations/User Mode]}, logsource: {product: windows, service: security-mitigations}}
- {when: {Channel: Microsoft-IIS-Configuration/Operational}, logsource: {product: windows, service: iis-configuration}}
- {when: {Channel: OpenSSH/Operational}, logsource: {product: windows, service: openssh}}
- {when: {Channel: Microsoft-Windows-CAPI2/Operational}, logsource: {product: windows, service: capi2}}
- {when: {Channel: Microsoft-Windows-Shell-Core/Operational}, logsource: {product: windows, service: shell-core}}
- {when: {Channel: Microsoft-Windows-LSA/Operational}, logsource: {product: windows, service: lsa-server}}
- {when: {Channel: Microsoft-Windows-Diagnosis-Scripted/Operational}, logsource: {product: windows, service: diagnosis-scripted}}
- {when: {Channel: Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational}, logsource: {product: windows, service: certificateservicesclient-lifecycle-system}}
- {when: {Channel: Microsoft-Windows-Kernel-ShimEngine/Operational}, logsource: {product: windows, service: kernel-shimengine}}
- {when: {Channel: Microsoft-Windows-VHDMP/Operational}, logsource: {product: windows, service: vhdmp}}
- {when: {Channel: Microsoft-Windows-Hyper-V-Worker-Admin}, logsource: {product: windows, service: hyper-v-worker}}
- {when: {Channel: Microsoft-Windows-Kernel-EventTracing/Admin}, logsource: {product: windows, service: kernel-event-tracing}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 1}, logsource: {product: windows, category: process_creation}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 2}, logsource: {product: windows, category: file_change}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 3}, logsource: {product: windows, category: network_connection}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: [4, 16]}, logsource: {product: windows, category: sysmon_status}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 5}, logsource: {product: windows, category: process_termination}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 6}, logsource: {product: windows, category: driver_load}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 7}, logsource: {product: windows, category: image_load}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 8}, logsource: {product: windows, category: create_remote_thread}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 9}, logsource: {product: windows, category: raw_access_thread}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 10}, logsource: {product: windows, category: process_access}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 11}, logsource: {product: windows, category: file_event}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: [12, 13, 14]}, logsource: {product: windows, category: registry_event}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 12, EventType: CreateKey}, logsource: {product: windows, category: registry_add}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 12, EventType: [DeleteKey, DeleteValue]}, logsource: {product: windows, category: registry_delete}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 13}, logsource: {product: windows, category: registry_set}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 14}, logsource: {product: windows, category: registry_rename}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 15}, logsource: {product: windows, category: create_stream_hash}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: [17, 18]}, logsource: {product: windows, category: pipe_created}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: [19, 20, 21]}, logsource: {product: windows, category: wmi_event}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 22}, logsource: {product: windows, category: dns_query}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: [23, 26]}, logsource: {product: windows, category: file_delete}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 24}, logsource: {product: windows, category: clipboard_capture}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 25}, logsource: {product: windows, category: process_tampering}}
- {when: {source_type: syslog}, logsource: {product: linux, service: syslog}}
- {when: {source_type: syslog, facility: [4, 10]}, logsource: {product: linux, service: auth}}
- {when: {source_type: syslog, app_name: sshd}, logsource: {product: linux, service: sshd}}
- {when: {source_type: syslog, app_name: sudo}, logsource: {product: linux, service: sudo}}
- {when: {source_type: syslog, app_name: [cron, CRON, crond]}, logsource: {product: linux, service: cron}}
- {when: {source_type: syslog, app_name: [clamd, freshclam, clamav]}, logsource: {product: linux, service: clamav}}
- {when: {source_type: syslog, app_name: vsftpd}, logsource: {product: linux, service: vsftpd}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 26}, logsource: {product: windows, category: file_delete_detected}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 27}, logsource: {product: windows, category: file_block_executable}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 28}, logsource: {product: windows, category: file_block_shredding}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 29}, logsource: {product: windows, category: file_executable_detected}}
- {when: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 255}, logsource: {product: windows, category: sysmon_error}}
- {when: {Channel: Microsoft-Windows-DNS-Client/Operational, EventID: 3008}, logsource: {product: windows, category: dns_query}, aliases: {query: QueryName}}
- when: {Channel: Security, EventID: 4688}
  logsource: {product: windows, category: process_creation}
  aliases: {Image: NewProcessName, ParentImage: ParentProcessName, User: SubjectUserName}
- when: {Channel: Security, EventID: 5156}
  logsource: {product: windows, category: network_connection}
  aliases: {Image: Application, DestinationIp: DestAddress, DestinationPort: DestPort, SourceIp: SourceAddress, SourcePort: SourcePort}
- {when: {Channel: Microsoft-Windows-PowerShell/Operational, EventID: 4103}, logsource: {product: windows, category: ps_module}}
- {when: {Channel: PowerShellCore/Operational, EventID: 4103}, logsource: {product: windows, category: ps_module}}
- {when: {Channel: Microsoft-Windows-PowerShell/Operational, EventID: 4104}, logsource: {product: windows, category: ps_script}}
- {when: {Channel: PowerShellCore/Operational, EventID: 4104}, logsource: {product: windows, category: ps_script}}
- {when: {Channel: Windows PowerShell, EventID: 400}, logsource: {product: windows, category: ps_classic_start}}
- {when: {Channel: Windows PowerShell, EventID: 600}, logsource: {product: windows, category: ps_classic_provider_start}}
- {when: {Channel: Windows PowerShell, EventID: 800}, logsource: {product: windows, category: ps_classic_script}}
- {when: {Channel: Microsoft-Windows-Kernel-File/Analytic}, logsource: {product: windows, category: file_access}}
- {when: {source_type: syslog, app_name: [nginx, apache2, apache, httpd]}, logsource: {category: webserver}}
)yaml"
    // Zeek JSON logs: by `_path` where the writer adds it, else by fields the log always writes
    // (Zeek leaves unset optional fields out). Sigma's generic categories read them by alias.
    R"yaml(
- when: {_path: conn}
  logsource: {product: zeek, category: firewall, service: conn}
  aliases: &zeek_conn {src_ip: id.orig_h, src_port: id.orig_p, dst_ip: id.resp_h, dst_port: id.resp_p}
- when: {uid|exists: true, proto|exists: true, missed_bytes|exists: true}
  logsource: {product: zeek, category: firewall, service: conn}
  aliases: *zeek_conn
- when: {_path: dns}
  logsource: {product: zeek, category: dns, service: dns}
  aliases: &zeek_dns {record_type: qtype_name, answer: answers}
- when: {uid|exists: true, rejected|exists: true, AA|exists: true}
  logsource: {product: zeek, category: dns, service: dns}
  aliases: *zeek_dns
- when: {_path: http}
  logsource: {product: zeek, category: proxy, service: http}
  aliases: &zeek_http {c-uri: uri, cs-host: host, r-dns: host, c-useragent: user_agent, cs-method: method, sc-status: status_code, cs-referrer: referrer}
- when: {uid|exists: true, trans_depth|exists: true, request_body_len|exists: true, response_body_len|exists: true}
  logsource: {product: zeek, category: proxy, service: http}
  aliases: *zeek_http
- {when: {_path: rdp}, logsource: {product: zeek, service: rdp}}
- {when: {uid|exists: true, cert_count|exists: true}, logsource: {product: zeek, service: rdp}}
- {when: {_path: kerberos}, logsource: {product: zeek, service: kerberos}}
- {when: {uid|exists: true, request_type|exists: true}, logsource: {product: zeek, service: kerberos}}
- {when: {_path: smb_files}, logsource: {product: zeek, service: smb_files}}
- {when: {uid|exists: true, action: [SMB::FILE_OPEN, SMB::FILE_READ, SMB::FILE_WRITE, SMB::FILE_DELETE, SMB::FILE_RENAME, SMB::FILE_CLOSE, SMB::FILE_SET_ATTRIBUTE]}, logsource: {product: zeek, service: smb_files}}
- {when: {_path: dce_rpc}, logsource: {product: zeek, service: dce_rpc}}
- {when: {uid|exists: true, endpoint|exists: true, operation|exists: true}, logsource: {product: zeek, service: dce_rpc}}
- {when: {_path: x509}, logsource: {product: zeek, service: x509}}
- {when: {certificate.serial|exists: true, certificate.subject|exists: true}, logsource: {product: zeek, service: x509}}
)yaml"
    // Suricata EVE JSON (DNS records in the v2 and v3 shapes), and ECS web-server events from
    // Filebeat or Elastic Agent.
    R"yaml(
- when: {event_type: dns}
  logsource: {category: dns}
  aliases: {query: dns.rrname, record_type: dns.rrtype}
- when: {event_type: dns, dns.queries.rrname|exists: true}
  logsource: {category: dns}
  aliases: {query: dns.queries.rrname, record_type: dns.queries.rrtype}
- when: {event_type: http}
  logsource: {category: proxy}
  aliases: {c-uri: http.url, cs-host: http.hostname, r-dns: http.hostname, c-useragent: http.http_user_agent, cs-method: http.http_method, sc-status: http.status, cs-referrer: http.http_refer}
- when: {event_type: [flow, netflow]}
  logsource: {category: firewall}
  aliases: {dst_ip: dest_ip, dst_port: dest_port}
- when: {event.module: [nginx, apache, iis]}
  logsource: {category: webserver}
  aliases: {cs-method: http.request.method, c-uri: url.original, c-useragent: user_agent.original, sc-status: http.response.status_code, cs-referrer: http.request.referrer, c-ip: source.ip}
)yaml";

char Fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

RuleProblem At(const YamlNode& node, std::string message) {
  return Problem("bad_logsource_map", std::move(message), node.line, node.column);
}

}  // namespace

bool LogsourceMatches(const Logsource& rule, const Logsource& labels) {
  return (rule.product.empty() || rule.product == labels.product) &&
         (rule.category.empty() || rule.category == labels.category) &&
         (rule.service.empty() || rule.service == labels.service);
}

MaybeProblem LogsourceMap::Parse(std::string_view yaml, LogsourceMap* out) {
  *out = LogsourceMap{};
  Result<std::vector<YamlNode>> docs = ParseYaml(yaml);
  if (!docs.ok()) {
    return Problem("bad_logsource_map", docs.status().message() + " at " + docs.status().where());
  }
  if (docs->size() != 1 || !(*docs)[0].IsSequence()) {
    return Problem("bad_logsource_map", "a logsource map is one YAML list of entries");
  }
  for (const YamlNode& item : (*docs)[0].items) {
    const YamlNode* when = item.Find("when");
    const YamlNode* labels = item.Find("logsource");
    if (!item.IsMapping() || when == nullptr || !when->IsMapping() || labels == nullptr ||
        !labels->IsMapping()) {
      return At(item, "an entry needs `when:` and `logsource:` maps");
    }
    LogsourceEntry entry;
    for (const auto& [field, values] : when->entries) {
      if (!field.IsScalar() || field.scalar.empty()) return At(field, "bad `when` condition");
      LogsourceTest test;
      test.field = field.scalar;
      constexpr std::string_view kExists = "|exists";
      if (test.field.ends_with(kExists)) {
        test.field.resize(test.field.size() - kExists.size());
        if (!values.IsScalar() || (values.scalar != "true" && values.scalar != "false")) {
          return At(values, "`" + field.scalar + "` takes true or false");
        }
        test.exists = values.scalar == "true";
      } else {
        if (values.IsScalar()) test.values.push_back(values.scalar);
        for (const YamlNode& v : values.items) {
          if (!v.IsScalar()) return At(v, "`when` values must be scalars");
          test.values.push_back(v.scalar);
        }
        if (test.values.empty()) return At(field, "bad `when` condition");
      }
      if (test.field.empty() || test.field.find('|') != std::string::npos) {
        return At(field, "`when` takes a field name, or FIELD|exists");
      }
      if (out->when_fields_.size() >= kMaxTestedFields) {
        return At(field, "a map tests at most " + std::to_string(kMaxTestedFields) + " fields");
      }
      entry.when.push_back(std::move(test));
    }
    auto text = [&](std::string_view key, std::string* dst) {
      if (const YamlNode* n = labels->Find(key); n != nullptr && n->IsScalar()) *dst = n->scalar;
    };
    text("product", &entry.labels.product);
    text("category", &entry.labels.category);
    text("service", &entry.labels.service);
    if (const YamlNode* aliases = item.Find("aliases")) {
      for (const auto& [rule_field, event_field] : aliases->entries) {
        if (!rule_field.IsScalar() || !event_field.IsScalar()) {
          return At(rule_field, "aliases map a rule field to an event field");
        }
        entry.aliases.emplace_back(rule_field.scalar, event_field.scalar);
      }
    }
    const size_t index = out->entries_.size();
    auto& indices = out->when_indices_.emplace_back();
    for (const LogsourceTest& test : entry.when) {
      auto it = std::find(out->when_fields_.begin(), out->when_fields_.end(), test.field);
      const auto i = static_cast<size_t>(it - out->when_fields_.begin());
      indices.push_back(i);
      if (it == out->when_fields_.end()) {
        out->when_fields_.push_back(test.field);
        out->by_value_.push_back(false);
        if (out->by_length_.size() <= test.field.size()) {
          out->by_length_.resize(test.field.size() + 1);
        }
        out->by_length_[test.field.size()].push_back(
            {static_cast<uint16_t>(i), test.field.front(), test.field.back()});
      }
      if (!test.values.empty()) out->by_value_[i] = true;
    }
    // Index by channel, or by channel and event id when the entry tests both.
    const std::vector<std::string>* channels = nullptr;
    const std::vector<std::string>* ids = nullptr;
    for (const LogsourceTest& test : entry.when) {
      if (test.values.empty()) continue;
      if (test.field == "Channel") channels = &test.values;
      if (test.field == "EventID") ids = &test.values;
    }
    if (channels == nullptr) {
      out->other_.push_back(index);
    } else {
      for (const std::string& channel : *channels) {
        if (ids == nullptr) {
          out->by_channel_[AsciiLower(channel)].push_back(index);
          continue;
        }
        for (const std::string& id : *ids) {
          out->by_channel_[AsciiLower(channel) + '\x1f' + id].push_back(index);
        }
      }
    }
    out->entries_.push_back(std::move(entry));
  }
  return std::nullopt;
}

const LogsourceMap& LogsourceMap::Default() {
  static const LogsourceMap* map = [] {
    auto* m = new LogsourceMap;
    MaybeProblem p = Parse(kDefaultMap, m);
    if (p) std::abort();  // the built-in map is a programming error if it does not parse
    return m;
  }();
  return *map;
}

bool LogsourceMap::Satisfies(const std::vector<const Event::Field*>& values, size_t entry) const {
  const LogsourceEntry& e = entries_[entry];
  for (size_t k = 0; k < e.when.size(); ++k) {
    const LogsourceTest& test = e.when[k];
    const Event::Field* f = values[when_indices_[entry][k]];
    if (test.values.empty()) {
      if ((f != nullptr) != test.exists) return false;
      continue;
    }
    if (f == nullptr) return false;
    bool ok = false;
    for (const std::string& v : test.values) ok = ok || EqualsAsciiFoldCase(f->value, v);
    if (!ok) return false;
  }
  return true;
}

const std::vector<const Event::Field*>& LogsourceMap::WhenValues(const Event& event) const {
  // One pass over the event for the few fields the map tests.
  thread_local std::vector<const Event::Field*> values;
  values.assign(when_fields_.size(), nullptr);
  size_t found = 0;
  for (const Event::Field& f : event.fields()) {
    if (f.name.size() >= by_length_.size()) continue;
    for (const NameSlot& slot : by_length_[f.name.size()]) {
      if (slot.first != f.name.front() || slot.last != f.name.back()) continue;
      if (values[slot.index] == nullptr && f.name == when_fields_[slot.index]) {
        values[slot.index] = &f;
        ++found;
      }
    }
    if (found == when_fields_.size()) break;
  }
  return values;
}

void LogsourceMap::Classify(const Event& event, std::vector<const LogsourceEntry*>* out) const {
  out->clear();
  const std::vector<const Event::Field*>& values = WhenValues(event);
  auto channel = std::find(when_fields_.begin(), when_fields_.end(), "Channel");
  if (channel != when_fields_.end()) {
    if (const Event::Field* c = values[static_cast<size_t>(channel - when_fields_.begin())]) {
      thread_local std::string lower;
      lower.assign(c->value);
      for (char& ch : lower) ch = Fold(ch);
      auto check = [&](const std::string& key) {
        auto it = by_channel_.find(key);
        if (it == by_channel_.end()) return;
        for (size_t i : it->second) {
          if (Satisfies(values, i)) out->push_back(&entries_[i]);
        }
      };
      check(lower);
      auto id = std::find(when_fields_.begin(), when_fields_.end(), "EventID");
      if (id != when_fields_.end()) {
        if (const Event::Field* e = values[static_cast<size_t>(id - when_fields_.begin())]) {
          lower += '\x1f';
          lower.append(e->value);
          check(lower);
        }
      }
    }
  }
  for (size_t i : other_) {
    if (Satisfies(values, i)) out->push_back(&entries_[i]);
  }
}

bool LogsourceMap::Covers(const Logsource& logsource) const {
  for (const LogsourceEntry& e : entries_) {
    if (LogsourceMatches(logsource, e.labels)) return true;
  }
  return false;
}

}  // namespace vigil::detect

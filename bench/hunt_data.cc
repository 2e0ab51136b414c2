// Generates the inputs of bench/hunt_bench.sh: a blocklist shaped like real ones and firewall
// logs in two formats, deterministic for a given seed.
//
//   vigil_bench_hunt_data DIR [LOG_MB]
//     DIR/list.txt        ~1,000,000 entries: 96% single IPv4, 2% IPv4 CIDRs /8-/31, 2% IPv6
//     DIR/iptables.log    LOG_MB (default 1100) MB of netfilter kernel log lines
//     DIR/fortigate.log   LOG_MB MB of FortiGate traffic logs with SNAT fields
// About 1 line in 200 carries a listed address; IPv6 lines are 3%.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

std::mt19937_64 rng(20261121);

uint32_t PublicV4() {
  for (;;) {
    const auto ip = static_cast<uint32_t>(rng());
    const uint32_t top = ip >> 24;
    if (top == 0 || top == 10 || top == 127 || top >= 224) continue;
    return ip;
  }
}

std::string V4(uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." +
         std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255);
}

std::string V6(uint64_t tail) {
  char text[64];
  std::snprintf(text, sizeof(text), "2400:cb00:%x:%x::%x",
                static_cast<unsigned>(tail >> 32 & 0xffff),
                static_cast<unsigned>(tail >> 16 & 0xffff), static_cast<unsigned>(tail & 0xffff));
  return text;
}

struct Pools {
  std::vector<uint32_t> listed_v4;
  std::vector<uint64_t> listed_v6;
};

// A log address: listed now and then, otherwise random public or internal.
std::string Address(const Pools& pools, bool v6, bool internal) {
  const uint64_t dice = rng() % 1000;
  if (v6) {
    return V6(dice < 5 ? pools.listed_v6[rng() % pools.listed_v6.size()] : (rng() | 1u << 20));
  }
  if (dice < 3) return V4(pools.listed_v4[rng() % pools.listed_v4.size()]);
  if (internal) return V4(0x0a000000u | static_cast<uint32_t>(rng() % 0x10000));
  return V4(PublicV4());
}

void WriteList(const std::string& path, Pools* pools) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  std::fprintf(out, "# Vigil benchmark blocklist (synthetic, FireHOL-like)\n");
  for (int i = 0; i < 960000; ++i) {
    const uint32_t ip = PublicV4();
    pools->listed_v4.push_back(ip);
    std::fprintf(out, "%s\n", V4(ip).c_str());
  }
  for (int i = 0; i < 20000; ++i) {
    // Mostly /24-/31, a few large blocks down to /8 (outside the addresses logs use most).
    const int prefix = i < 2    ? 8
                       : i < 20 ? 12 + static_cast<int>(rng() % 4)
                                : 16 + static_cast<int>(rng() % 16);
    const uint32_t mask = ~(0xffffffffu >> prefix);
    const uint32_t net = (i < 2 ? (i == 0 ? 0x2d000000u : 0xb9000000u) : PublicV4()) & mask;
    std::fprintf(out, "%s/%d\n", V4(net).c_str(), prefix);
  }
  for (int i = 0; i < 20000; ++i) {
    const uint64_t tail = rng() & ~(uint64_t{1} << 20);
    pools->listed_v6.push_back(tail);
    if (i % 10 == 0) {
      std::fprintf(out, "2400:cb00:%x::/48\n", static_cast<unsigned>(tail >> 32 & 0xffff));
    } else {
      std::fprintf(out, "%s\n", V6(tail).c_str());
    }
  }
  std::fclose(out);
}

const char* kMonths[] = {"Nov"};

void WriteIptables(const std::string& path, const Pools& pools, uint64_t bytes) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  uint64_t written = 0;
  for (uint64_t n = 0; written < bytes; ++n) {
    const bool v6 = rng() % 100 < 3;
    const bool inbound = rng() % 2 == 0;
    const std::string src = Address(pools, v6, !inbound), dst = Address(pools, v6, inbound);
    const unsigned second = static_cast<unsigned>(n / 4000 % 86400);
    char line[512];
    const int len = std::snprintf(
        line, sizeof(line),
        "%s 21 %02u:%02u:%02u fw01 kernel: [%llu.%06llu] %s IN=%s OUT=%s "
        "MAC=00:16:3e:5c:1a:2b:00:16:3e:aa:bb:cc:08:00 SRC=%s DST=%s LEN=60 TOS=0x00 PREC=0x00 "
        "TTL=%u ID=%u DF PROTO=TCP SPT=%u DPT=%u WINDOW=29200 RES=0x00 SYN URGP=0\n",
        kMonths[0], second / 3600, second / 60 % 60, second % 60,
        static_cast<unsigned long long>(100000 + n / 1000),
        static_cast<unsigned long long>(rng() % 1000000), inbound ? "DROP-IN" : "ACCEPT-OUT",
        inbound ? "eth0" : "eth1", inbound ? "" : "eth0", src.c_str(), dst.c_str(),
        static_cast<unsigned>(32 + rng() % 100), static_cast<unsigned>(rng() % 65536),
        static_cast<unsigned>(1024 + rng() % 64000),
        static_cast<unsigned>(rng() % 4 == 0 ? 22
                              : rng() % 2    ? 443
                                             : 80));
    std::fwrite(line, 1, static_cast<size_t>(len), out);
    written += static_cast<uint64_t>(len);
  }
  std::fclose(out);
}

void WriteFortigate(const std::string& path, const Pools& pools, uint64_t bytes) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  uint64_t written = 0;
  for (uint64_t n = 0; written < bytes; ++n) {
    const bool v6 = rng() % 100 < 3;
    const std::string src = Address(pools, v6, true), dst = Address(pools, v6, false);
    const std::string trans = v6 ? std::string() : Address(pools, false, false);
    const unsigned second = static_cast<unsigned>(n / 3000 % 86400);
    char line[1024];
    const int len = std::snprintf(
        line, sizeof(line),
        "date=2026-11-21 time=%02u:%02u:%02u devname=\"FGT60F-HCM\" devid=\"FGT60FTK2109ABCD\" "
        "eventtime=%llu tz=\"+0700\" logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" "
        "level=\"notice\" vd=\"root\" srcip=%s srcport=%u srcintf=\"internal\" "
        "srcintfrole=\"lan\" dstip=%s dstport=%u dstintf=\"wan1\" dstintfrole=\"wan\" "
        "srccountry=\"Reserved\" dstcountry=\"Viet Nam\" sessionid=%llu proto=6 action=\"close\" "
        "policyid=3 policytype=\"policy\" service=\"HTTPS\" trandisp=\"%s\"%s%s%s%s "
        "duration=%u sentbyte=%u rcvdbyte=%u sentpkt=%u rcvdpkt=%u appcat=\"unscanned\"\n",
        second / 3600, second / 60 % 60, second % 60,
        static_cast<unsigned long long>(1763658000000000000ULL + n * 1000000ULL), src.c_str(),
        static_cast<unsigned>(1024 + rng() % 64000), dst.c_str(),
        static_cast<unsigned>(rng() % 2 ? 443 : 80), static_cast<unsigned long long>(n),
        v6 ? "noop" : "snat", v6 ? "" : " transip=", trans.c_str(),
        v6 ? "" : " transport=", v6 ? "" : std::to_string(1024 + rng() % 64000).c_str(),
        static_cast<unsigned>(rng() % 300), static_cast<unsigned>(rng() % 100000),
        static_cast<unsigned>(rng() % 1000000), static_cast<unsigned>(rng() % 100),
        static_cast<unsigned>(rng() % 1000));
    std::fwrite(line, 1, static_cast<size_t>(len), out);
    written += static_cast<uint64_t>(len);
  }
  std::fclose(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: vigil_bench_hunt_data DIR [LOG_MB]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const uint64_t mb = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1100;
  Pools pools;
  WriteList(dir + "/list.txt", &pools);
  WriteIptables(dir + "/iptables.log", pools, mb * 1000000);
  WriteFortigate(dir + "/fortigate.log", pools, mb * 1000000);
  return 0;
}

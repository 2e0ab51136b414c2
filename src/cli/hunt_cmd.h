// `vigil hunt` and `vigil botnet attribute`: command-line flags and runners.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace vigil::cli {

struct ListFlags {
  std::vector<std::string> lists;  // --indicators / --listed
  std::vector<std::string> allow;  // --allow
  std::string list_format = "auto";
  bool strict = false;
  int ttl_days = 90;
  std::string tz = "+07:00";
};

struct HuntFlags {
  ListFlags list;
  std::string format = "auto";
  std::string since, until;
  bool jsonl = false;
  int threads = 0;  // 0 = all cores
  bool quiet = false;
  size_t block_kb = 8192;  // hidden: lets tests cross block boundaries with small inputs
  std::vector<std::string> logs;
};

struct AttributeFlags {
  ListFlags list;
  std::string format = "auto";
  std::string window = "10m";
  std::string data;  // a server's data directory: names assets; its events when no LOG is given
  std::vector<std::string> logs;
};

void AddHuntFlags(CLI::App* command, HuntFlags* flags);
void AddAttributeFlags(CLI::App* command, AttributeFlags* flags);

// Exit status like grep: 0 when something matched, 1 when nothing did, 2 on errors.
int RunHunt(const HuntFlags& flags);
int RunAttribute(const AttributeFlags& flags);

}  // namespace vigil::cli

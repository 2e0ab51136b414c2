// vigil: one binary, many subcommands (like git). Each subcommand has --help.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "auth/credentials.h"
#include "cli/hunt_cmd.h"
#include "cli/ingest_cmd.h"
#include "cli/serve.h"
#include "cli/sigma_cmd.h"
#include "server/provisioning.h"
#include "store/store.h"

namespace {

using vigil::Result;
using vigil::Status;

int Fail(const Status& s) {
  std::fprintf(stderr, "vigil: %s\n", s.ToString().c_str());
  return s.code() == vigil::StatusCode::kInvalidArgument ? 2 : 1;
}

// Reads a password from a file: the first line, without its line ending.
Result<std::string> ReadPasswordFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return vigil::InvalidArgument("cannot read the password file", path);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return vigil::InvalidArgument("the password file is empty", path);
  return line;
}

Result<std::unique_ptr<vigil::store::Store>> OpenData(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return vigil::InvalidArgument("cannot create the data directory: " + ec.message(), dir);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  return vigil::store::OpenSqliteStore(std::filesystem::path(dir) / "vigil.db");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Vigil: security operations for Vietnamese state bodies.\n"
      "Organisations, information systems, assets and contacts behind a secure API and "
      "console; indicator hunting and botnet attribution on the command line."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("vigil ") + VIGIL_VERSION);

  // vigil serve
  vigil::cli::ServeFlags serve_flags;
  CLI::App* serve = app.add_subcommand("serve", "Run the server (API and console)");
  vigil::cli::AddServeFlags(serve, &serve_flags);

  // vigil admin ...
  CLI::App* admin = app.add_subcommand("admin", "Administer a data directory");
  admin->require_subcommand(1);
  std::string data_dir, user, password_file;
  CLI::App* init = admin->add_subcommand(
      "init", "Create the first administrator without prompting; refuses if one exists");
  init->add_option("--data", data_dir, "Data directory")->required();
  init->add_option("--user", user, "Administrator's user name")->required();
  init->add_option("--password-file", password_file,
                   "File whose first line is the password (10+ characters, 3 character classes)")
      ->required();
  CLI::App* demo = admin->add_subcommand(
      "demo", "Load the fictional demo province (only into an empty data directory)");
  demo->add_option("--data", data_dir, "Data directory")->required();
  CLI::App* reset = admin->add_subcommand(
      "reset-password", "Set a user's password and unlock the account; ends its sessions");
  reset->add_option("--data", data_dir, "Data directory")->required();
  reset->add_option("--user", user, "User name")->required();
  reset->add_option("--password-file", password_file, "File whose first line is the password")
      ->required();

  // vigil hunt
  vigil::cli::HuntFlags hunt_flags;
  CLI::App* hunt = app.add_subcommand(
      "hunt", "Find indicators (botnet IPs, C2 domains, hashes) in logs, like grepcidr but faster");
  vigil::cli::AddHuntFlags(hunt, &hunt_flags);

  // vigil botnet attribute
  CLI::App* botnet = app.add_subcommand("botnet", "Work with the national botnet IP list");
  botnet->require_subcommand(1);
  vigil::cli::AttributeFlags attribute_flags;
  CLI::App* attribute = botnet->add_subcommand(
      "attribute", "Find the internal host behind each listed public address from NAT logs");
  vigil::cli::AddAttributeFlags(attribute, &attribute_flags);

  // vigil sigma check | scan
  CLI::App* sigma = app.add_subcommand("sigma", "Sigma detection rules: check them, scan logs");
  sigma->require_subcommand(1);
  vigil::cli::SigmaCheckFlags check_flags;
  CLI::App* check = sigma->add_subcommand(
      "check", "Load rule folders and list every rule that cannot be used, with the reason");
  vigil::cli::AddSigmaCheckFlags(check, &check_flags);
  vigil::cli::SigmaScanFlags scan_flags;
  CLI::App* scan = sigma->add_subcommand(
      "scan", "Run Sigma rules over NDJSON, JSON or EVTX files (a responder's offline scan)");
  vigil::cli::AddSigmaScanFlags(scan, &scan_flags);

  // vigil ingest
  vigil::cli::IngestFlags ingest_flags;
  CLI::App* ingest = app.add_subcommand(
      "ingest", "Send NDJSON, JSON or EVTX logs to a Vigil server as a registered log source");
  vigil::cli::AddIngestFlags(ingest, &ingest_flags);

  CLI11_PARSE(app, argc, argv);
  if (hunt->parsed()) return vigil::cli::RunHunt(hunt_flags);
  if (check->parsed()) return vigil::cli::RunSigmaCheck(check_flags);
  if (scan->parsed()) return vigil::cli::RunSigmaScan(scan_flags);
  if (attribute->parsed()) return vigil::cli::RunAttribute(attribute_flags);
  if (ingest->parsed()) return vigil::cli::RunIngest(ingest_flags);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  if (Status s = vigil::auth::InitCrypto(); !s.ok()) return Fail(s);

  if (serve->parsed()) return vigil::cli::RunServe(serve_flags, argv[0]);

  auto store = OpenData(data_dir);
  if (!store.ok()) return Fail(store.status());
  if (init->parsed() || reset->parsed()) {
    auto password = ReadPasswordFile(password_file);
    if (!password.ok()) return Fail(password.status());
    Status s = init->parsed() ? vigil::server::InitAdmin(**store, user, *password)
                              : vigil::server::ResetPassword(**store, user, *password);
    if (!s.ok()) return Fail(s);
    std::printf(init->parsed() ? "administrator %s created\n" : "password of %s reset\n",
                user.c_str());
    return 0;
  }
  if (demo->parsed()) {
    if (Status s = vigil::server::SeedDemo(**store); !s.ok()) return Fail(s);
    std::printf("demo province loaded into %s\n", data_dir.c_str());
    return 0;
  }
  return 0;
}

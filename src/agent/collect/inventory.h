// The endpoint inventory: system identity, addresses, packages, sockets, processes, accounts,
// password policy and browser credential stores, read through an Os so that tests run on
// fixture trees.
//
// CollectInventory never fails as a whole: a section that cannot be read is left empty (or null)
// and "warnings" says what could not be read and why ("/etc/passwd:12:uid: ..."). Parsers never
// crash on any bytes. Browser stores are only COUNTED: no credential is read into the result.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/collect/os.h"

namespace vigil::agent {

struct CollectOptions {
  bool hash_processes = true;  // sha256 of each process executable (cached per path)
};

// One top-level member per section, so that the agent can send only the sections that changed:
//   "system":   {hostname, os_id, os_name, os_version, kernel, arch}  (null members when unknown;
//               arch from /proc/sys/kernel/arch, else the ELF machine of /bin/sh)
//   "addresses": [{interface, ip, loopback}]  (IPv6 from /proc/net/if_inet6; IPv4 from the LOCAL
//               leaves of /proc/net/fib_trie, interface from /proc/net/route, 127/8 -> "lo")
//   "packages": [{name, version, arch, manager: "dpkg"|"rpm", status}] sorted by name, arch.
//               dpkg: every (name, arch) of /var/lib/dpkg/status plus the updates/ journal whose
//               status is not "not-installed" (what dpkg-query -W lists); status is the third word
//               of Status. rpm: /var/lib/rpm/rpmdb.sqlite or /usr/lib/sysimage/rpm/rpmdb.sqlite,
//               opened read-only and immutable; status "installed"; arch null when absent.
//   "listening": [{proto: "tcp"|"tcp6"|"udp"|"udp6", ip, port, pid, process}]
//   "connections": [{proto, local_ip, local_port, remote_ip, remote_port, pid, process}]
//               (TCP ESTABLISHED only; pid/process null when the owner is not visible)
//   "processes": [{pid, ppid, name, path, user, cmdline, sha256}] (kernel threads skipped)
//   "processes" user: the passwd name of the real uid, else the uid as a string.
//   "accounts": [{name, uid, gid, home, shell, login}] (login: the shell is not a nologin or
//               false variant)
//   "password_policy": {min_length, max_days, min_days, warn_days, min_classes, dcredit, ucredit,
//               lcredit, ocredit, sources: [files read]} (null members when unset). login.defs
//               gives the PASS_* values; pwquality.conf, then pwquality.conf.d/*.conf in name
//               order, then pam_pwquality/pam_cracklib arguments of /etc/pam.d/common-password and
//               /etc/pam.d/system-auth override each other in that order; min_length is the larger
//               of PASS_MIN_LEN and the effective minlen.
//   "browser_stores": [{user, browser: "chrome"|"chromium"|"firefox", profile, path, saved_logins}]
//               for accounts with uid 0 or >= 1000; saved_logins null (and a warning) when the
//               store cannot be read
//   "warnings": [string]
nlohmann::json CollectInventory(const Os& os, const CollectOptions& options = {});

// The "packages" section alone (dpkg status + updates journal, rpm sqlite database).
nlohmann::json CollectPackages(const Os& os, std::vector<std::string>& warnings);

// `SELECT count(*) FROM logins` on a Chrome "Login Data" database at host path `host_path`,
// opened read-only and immutable (Chrome keeps it locked while running).
Result<int64_t> CountChromeLogins(const std::string& host_path);
// Number of entries of the "logins" array of a Firefox logins.json (values are not kept).
Result<int64_t> CountFirefoxLogins(std::string_view json_text);

}  // namespace vigil::agent

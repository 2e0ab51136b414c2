#!/usr/bin/env python3
"""Indicator lists against stored events (docs/PERFORMANCE.md, "Lists against stored events").

  bench/intel_events_bench.py [--vigil build/src/cli/vigil] [--events 1000000] [--listed 1000]

Starts `vigil serve` on a fresh data directory with a syslog TCP listener and no rules, sends
EVENTS FortiGate traffic-log lines over syslog (RFC 5424; one day of sessions from random internal
hosts behind 16 public addresses, PAT) and waits until all are stored. Then measures, each twice:
  - import: POST /api/v1/intel/lists of a botnet CSV of LISTED entries (public address, time,
    port): half are sessions of the log (found by their port), half are addresses no session used with recent=30d, i.e. the register match and
    the connection check over every stored event;
  - attribute (API): POST /intel/lists/{id}/attribute?source=events&window=10m;
  - attribute (CLI): vigil botnet attribute --listed CSV --data DIR (stored events);
  - attribute (file): vigil botnet attribute --listed CSV FILE, the same lines as a flat log,
    the baseline the stored-events path is compared with.
Prints seconds and rates; checks that the three attributions agree on every listing's host.
"""
import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

DAY = 1795219200  # 2026-11-21 00:00:00 UTC
PUBLIC = [f"203.0.113.{i}" for i in range(1, 17)]


def fortigate(t, src, sport, transip, transport):
    lt = time.gmtime(t + 7 * 3600)
    date, clock = time.strftime("%Y-%m-%d", lt), time.strftime("%H:%M:%S", lt)
    return (f'date={date} time={clock} devname="FGT60F" tz="+0700" type="traffic" srcip={src} '
            f'srcport={sport} dstip=198.51.100.{transport % 200 + 1} dstport=443 proto=6 '
            f'action="close" transip={transip} transport={transport}')


def generate(n, listed, seed=7):
    r = random.Random(seed)
    lines, sessions = [], []
    for i in range(n):
        t = DAY + i * 86400 // n
        src = f"10.{r.randrange(0, 80)}.{r.randrange(0, 250)}.{r.randrange(1, 255)}"
        pub, port = r.choice(PUBLIC), 1024 + r.randrange(0, 60000)
        sessions.append((t, pub, port, src))
        lines.append(fortigate(t, src, r.randrange(1024, 65535), pub, port))
    rows = ["STT,Địa chỉ IP,Thời gian,Tên mạng botnet,Cổng"]
    for k in range(listed):
        if k % 2 == 0:
            t, pub, port, _ = sessions[r.randrange(0, n)]
        else:  # an address of ours that no session used: reported with the reason
            t, pub, port = DAY + r.randrange(0, 86400), f"203.0.113.{100 + k % 100}", 1024 + k
        lt = time.gmtime(t + 7 * 3600)
        rows.append(f"{k + 1},{pub},{time.strftime('%d/%m/%Y %H:%M:%S', lt)},Mirai,{port}")
    return lines, "\r\n".join(rows) + "\r\n"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def request(base, token, method, path, body=None, ctype="application/json"):
    req = urllib.request.Request(base + path, data=body, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {path}: {e.code} {e.read().decode(errors='replace')}")


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def hosts_of(rows):
    """The most likely host of each listing, in list order (None: not attributed)."""
    return [a.get("internal_ip") for a in rows if not a.get("internal_ip") or a.get("rank") == 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", default="build/src/cli/vigil")
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--listed", type=int, default=1000)
    args = ap.parse_args()
    vigil = os.path.realpath(args.vigil)
    tmp = tempfile.mkdtemp(prefix="vigil-intel-events-")
    data = os.path.join(tmp, "data")
    lines, csv = generate(args.events, args.listed)
    log_path, csv_path = os.path.join(tmp, "fw.log"), os.path.join(tmp, "list.csv")
    with open(log_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(csv_path, "w", encoding="utf-8") as f:
        f.write(csv)
    password = "Bench-1" + os.urandom(12).hex()
    pw_file = os.path.join(tmp, "password")
    with open(pw_file, "w") as f:
        f.write(password + "\n")
    subprocess.run([vigil, "admin", "init", "--data", data, "--user", "admin", "--password-file", pw_file],
                   check=True, capture_output=True)
    api_port, sys_port = free_port(), free_port()
    server = subprocess.Popen([vigil, "serve", "--data", data, "--listen", f"127.0.0.1:{api_port}", "--tls", "off",
                               "--syslog-tcp", f"127.0.0.1:{sys_port}"],
                              stdout=open(os.path.join(tmp, "server.log"), "w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{api_port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        token = request(base, None, "POST", "/api/v1/auth/login",
                        json.dumps({"username": "admin", "password": password}).encode())["token"]
        # The firewall is a registered asset, so that its events belong to the organisation.
        org = request(base, token, "POST", "/api/v1/orgs", json.dumps(
            {"name": "Sở Bench", "code": "BENCH", "kind": "province", "public_ranges": ["203.0.113.0/28"]}).encode())["id"]
        request(base, token, "POST", "/api/v1/assets", json.dumps(
            {"hostname": "fw-core-01", "org_id": org, "role": "network_device", "ips": ["10.255.0.1"]}).encode())
        time.sleep(1.5)  # the server's asset directory is refreshed right after a change
        t0 = time.perf_counter()
        with socket.create_connection(("127.0.0.1", sys_port)) as s:
            batch = []
            for i, line in enumerate(lines):
                t = DAY + i * 86400 // len(lines)
                stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
                batch.append(f"<189>1 {stamp} fw-core-01 fortigate - - - {line}\n")
                if len(batch) == 10000:
                    s.sendall("".join(batch).encode())
                    batch = []
            s.sendall("".join(batch).encode())
        while request(base, token, "GET", "/api/v1/monitoring/status")["events_stored"] < len(lines):
            time.sleep(0.2)
        print(f"setup: {len(lines)} FortiGate events stored in {time.perf_counter() - t0:.1f} s; "
              f"{args.listed} listings")
        body = csv.encode()
        for run in (1, 2):
            sec, out = timed(lambda: request(base, token, "POST",
                                             f"/api/v1/intel/lists?name=bench{run}.csv&org_id={org}&recent=30d", body,
                                             "application/octet-stream"))
            c = out["connections"]
            print(f"import + connection check (run {run}): {sec:.2f} s, {c['events_examined']} events examined "
                  f"({c['events_examined'] / sec / 1e6:.2f} M events/s), {c['groups']} groups")
            list_id = out["list"]["id"]
        for run in (1, 2):
            sec, api_out = timed(lambda: request(base, token, "POST",
                                                 f"/api/v1/intel/lists/{list_id}/attribute?source=events&window=10m"))
            st = api_out["stats"]
            print(f"attribute API source=events (run {run}): {sec:.2f} s, {st['events']} events read, "
                  f"{st['sessions']} sessions")
        for run in (1, 2):
            sec, cli = timed(lambda: subprocess.run([vigil, "botnet", "attribute", "--listed", csv_path, "--data", data],
                                                    capture_output=True, text=True))
            print(f"attribute CLI --data (run {run}): {sec:.2f} s; {cli.stderr.strip().splitlines()[-1]}")
        for run in (1, 2):
            sec, flat = timed(lambda: subprocess.run([vigil, "botnet", "attribute", "--listed", csv_path, log_path],
                                                     capture_output=True, text=True))
            print(f"attribute CLI flat file (run {run}): {sec:.2f} s; {flat.stderr.strip().splitlines()[-1]}")
        a = hosts_of(api_out["attributions"])
        b = hosts_of(json.loads(x) for x in cli.stdout.splitlines())
        c = hosts_of(json.loads(x) for x in flat.stdout.splitlines())
        same = a == b == c
        found = sum(1 for v in a if v)
        print(f"agreement: {'yes' if same else 'NO'} ({found} of {len(a)} listings attributed)")
        return 0 if same else 1
    finally:
        server.terminate()
        server.wait()
        if not os.environ.get("KEEP"):
            subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    sys.exit(main())

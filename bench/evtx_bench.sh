#!/usr/bin/env bash
# vigil's EVTX reader (src/evtx, via vigil_bench_evtx) against libevtx's evtxexport on the same
# synthetic file, in the same run (docs/PERFORMANCE.md, "EVTX").
#
#   bench/evtx_bench.sh [REGRESSION_DIR] [COPIES] [BUILD_DIR]
#
# Builds (in a temp dir, never in the repository) one multi-chunk EVTX from the chunks of the
# Sigma regression files (default ../shared/data/sigma/regression-dev): each chunk is filled with
# copies of its own records (later copies point to the first record's template definitions
# instead of carrying them inline, as Windows writes them), renumbered, checksums fixed, repeated
# COPIES times (default 8) under one file header. Then checks that both readers see every record,
# and times `vigil_bench_evtx --print FILE > /dev/null` against `evtxexport -f xml FILE > /dev/null`.
# Needs evtxexport (Debian package libevtx-utils) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${1:-../shared/data/sigma/regression-dev}
COPIES=${2:-8}
BUILD=${3:-build}
BENCH=$BUILD/bench/vigil_bench_evtx
command -v evtxexport >/dev/null || { echo "evtxexport is not installed (apt-get install libevtx-utils)"; exit 2; }
[ -x "$BENCH" ] || cmake --build "$BUILD" --target vigil_bench_evtx >/dev/null
TMP=$(mktemp -d /tmp/vigil-evtx-bench.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
FILE=$TMP/synthetic.evtx

python3 - "$SRC" "$COPIES" "$FILE" <<'PY'
import glob, os, struct, sys, zlib
src, copies, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
CHUNK = 65536

def records(chunk):
    free = struct.unpack_from('<I', chunk, 48)[0]
    off, recs = 512, []
    while off + 24 <= free and chunk[off:off + 4] == b'\x2a\x2a\x00\x00':
        size = struct.unpack_from('<I', chunk, off + 4)[0]
        recs.append((off, bytes(chunk[off:off + size])))
        off += size
    return recs

def relocatable(buf, pos):
    # A BinXML fragment at chunk offset `pos`: fragment header (4) + template instance (0x0c,
    # 1 byte, id (4), definition offset (4), the definition itself when inline, then the
    # substitution array). Returns it with inline definitions removed (the copy then refers to the
    # original, which stays in the chunk), recursively in nested BinXML values (type 0x21); None
    # when it has another shape.
    if len(buf) < 18 or buf[:4] != b'\x0f\x01\x01\x00' or buf[4] != 0x0c:
        return None
    p = 14
    if struct.unpack_from('<I', buf, 10)[0] == pos + 14:
        p = 14 + 24 + struct.unpack_from('<I', buf, 14 + 20)[0]
    count = struct.unpack_from('<I', buf, p)[0]
    descs = [struct.unpack_from('<HBB', buf, p + 4 + 4 * i) for i in range(count)]
    q = p + 4 + 4 * count
    values = []
    for size, kind, _ in descs:
        v = buf[q:q + size]
        if kind == 0x21 and size > 0:
            v = relocatable(v, pos + q)
            if v is None or len(v) > 0xffff:
                return None
        values.append((kind, v))
        q += size
    out = bytearray(buf[:14]) + struct.pack('<I', count)
    for kind, v in values:
        out += struct.pack('<HBB', len(v), kind, 0)
    for _, v in values:
        out += v
    return bytes(out + buf[q:])

def without_inline_definition(off, rec):
    body = relocatable(rec[24:-4], off + 24)
    if body is None:
        return None
    n = 24 + len(body) + 4
    return rec[:4] + struct.pack('<I', n) + rec[8:24] + body + struct.pack('<I', n)

def dense(chunk, next_id):
    recs = records(chunk)
    movable = [without_inline_definition(o, r) for o, r in recs]
    movable = [m for m in movable if m is not None]
    c = bytearray(chunk)
    off = struct.unpack_from('<I', c, 48)[0]
    first = next_id
    for o, r in recs:  # renumber the originals
        struct.pack_into('<Q', c, o + 8, next_id)
        next_id += 1
        last_off = o
    i = 0
    while movable and off + len(movable[i % len(movable)]) <= CHUNK:
        r = movable[i % len(movable)]
        c[off:off + len(r)] = r
        struct.pack_into('<Q', c, off + 8, next_id)
        last_off, off, next_id, i = off, off + len(r), next_id + 1, i + 1
    struct.pack_into('<QQQQ', c, 8, first, next_id - 1, first, next_id - 1)
    struct.pack_into('<III', c, 44, last_off, off, zlib.crc32(bytes(c[512:off])))
    struct.pack_into('<I', c, 124, zlib.crc32(bytes(c[:120]) + bytes(c[128:512])))
    return bytes(c), next_id

chunks = []
for path in sorted(glob.glob(os.path.join(src, '**', '*.evtx'), recursive=True)):
    data = open(path, 'rb').read()
    for at in range(4096, len(data) - CHUNK + 1, CHUNK):
        if data[at:at + 8] == b'ElfChnk\x00':
            chunks.append(data[at:at + CHUNK])
next_id, body = 1, []
for _ in range(copies):
    for ch in chunks:
        d, next_id = dense(ch, next_id)
        body.append(d)
head = bytearray(4096)
head[0:8] = b'ElfFile\x00'
struct.pack_into('<QQQIHHHH', head, 8, 0, len(body) - 1, next_id, 128, 2, 3, 4096, len(body) & 0xffff)
struct.pack_into('<I', head, 124, zlib.crc32(bytes(head[:120])))
with open(out, 'wb') as f:
    f.write(head)
    for d in body:
        f.write(d)
print(f'synthetic file: {len(body)} chunks, {next_id - 1} records, {4096 + CHUNK * len(body)} bytes',
      file=sys.stderr)
PY

echo "machine: $(nproc) cores, $(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d" " -f1-3 /proc/loadavg)"
bytes=$(stat -c %s "$FILE")
cat "$FILE" >/dev/null  # page cache

# Both readers must see every record.
"$BENCH" "$FILE" --print 2>"$TMP/vigil.txt" | wc -l >"$TMP/vigil-count.txt"
evtxexport -f xml "$FILE" 2>/dev/null | grep -c '^<Event ' >"$TMP/libevtx-count.txt" || true
echo "records: vigil $(cat "$TMP/vigil-count.txt"), evtxexport $(cat "$TMP/libevtx-count.txt")"

# time NAME COMMAND...: best wall seconds of 3 runs
best() {
  local name=$1 b=""
  shift
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$TMP/time.txt" "$@" >/dev/null 2>&1
    read -r secs rss <"$TMP/time.txt"
    if [ -z "$b" ] || awk -v a="$secs" -v b="$b" 'BEGIN { exit !(a < b) }'; then b=$secs; r=$rss; fi
  done
  local records
  records=$(cat "$TMP/vigil-count.txt")
  awk -v n="$name" -v s="$b" -v by="$bytes" -v rec="$records" -v rss="$r" 'BEGIN {
    printf "%-34s %7.2f s %8.1f MB/s %10.0f records/s  peak RSS %d MB\n",
           n, s, by / 1e6 / s, rec / s, rss / 1024 }'
}
best "vigil_bench_evtx --print (JSON)" "$BENCH" "$FILE" --print
best "evtxexport -f xml" evtxexport -f xml "$FILE"
echo "parse only, no output: $(cat "$TMP/vigil.txt")"
"$BENCH" "$FILE" --repeat 3

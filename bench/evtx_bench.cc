// Parses one .evtx file with vigil's EVTX reader (src/evtx) and reports records, JSON bytes,
// problems and throughput on stderr: "vigil-evtx: R records, B MB in S s: X MB/s, Y records/s".
//
//   vigil_bench_evtx FILE [--repeat N] [--print]
//
// The file is mapped once; each of N passes (default 3) parses all of it and the fastest pass is
// reported. --print writes every record's JSON line to stdout (like evtxexport's output), in one
// pass only.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>

#include "evtx/evtx.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [--repeat N] [--print]\n", argv[0]);
    return 2;
  }
  int repeat = 3;
  bool print = false;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--print") == 0) {
      print = true;
    }
  }
  if (print) repeat = 1;
  const int fd = open(argv[1], O_RDONLY);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  const auto size = static_cast<size_t>(st.st_size);
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) {
    std::fprintf(stderr, "cannot map %s\n", argv[1]);
    return 1;
  }
  const std::span<const uint8_t> file(static_cast<const uint8_t*>(map), size);

  double best = 1e300;
  size_t records = 0, json_bytes = 0, problems = 0;
  for (int pass = 0; pass < repeat; ++pass) {
    records = json_bytes = problems = 0;
    const auto start = std::chrono::steady_clock::now();
    const vigil::Status status = vigil::evtx::ReadEvtx(
        file,
        [&](const vigil::evtx::Record& r) {
          ++records;
          json_bytes += r.json.size();
          if (print) {
            std::fwrite(r.json.data(), 1, r.json.size(), stdout);
            std::fputc('\n', stdout);
          }
        },
        [&](const vigil::evtx::Problem&) { ++problems; });
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!status.ok()) {
      std::fprintf(stderr, "%s\n", status.ToString().c_str());
      return 1;
    }
    if (secs < best) best = secs;
  }
  std::fprintf(stderr,
               "vigil-evtx: %zu records (%zu problems), %.1f MB in %.3f s: %.1f MB/s, %.0f "
               "records/s, %.1f MB of JSON\n",
               records, problems, static_cast<double>(size) / 1e6, best,
               static_cast<double>(size) / 1e6 / best, static_cast<double>(records) / best,
               static_cast<double>(json_bytes) / 1e6);
  munmap(map, size);
  close(fd);
  return 0;
}

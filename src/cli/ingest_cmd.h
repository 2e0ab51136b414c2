// `vigil ingest`: sends log files to a Vigil server's POST /api/v1/ingest as NDJSON batches,
// authenticated by a log source's token (vgi_...).
//
// Inputs are recognised by content, as `vigil sigma scan` does: NDJSON (plain, .gz, .zst or "-"
// for stdin; Suricata EVE and Zeek JSON logs are NDJSON) is sent line by line as is; a JSON
// document (an object, an array of objects, or concatenated objects) is sent one object per line;
// EVTX is sent one record per line, rendered as the EVTX reader's JSON. Batches hold at most
// --batch-bytes; a busy server (503) is waited for as its Retry-After asks and, once the server has
// answered at least once, network failures and 5xx answers are retried with backoff, up to 10
// attempts per batch (a first contact that fails stops at once: wrong URL, certificate, down).
// Rejected lines are printed as FILE:LINE: message (at most 20 per file); for JSON documents and
// EVTX, LINE is the object's position in the document or the EVTX record number.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>
#include <vector>

namespace vigil::cli {

struct IngestFlags {
  std::string server;  // --server: base URL (https://vigil:8443) or the full ingest URL
  std::string token;   // --token, else $VIGIL_INGEST_TOKEN
  std::string ca_file;
  bool insecure = false;
  size_t batch_bytes = 4 << 20;
  bool quiet = false;
  std::vector<std::string> inputs;
};

void AddIngestFlags(CLI::App* command, IngestFlags* flags);

// 0 when every event was accepted, 1 when the server (or the EVTX reader) rejected some, 2 on
// usage errors, unreadable inputs, and connection, TLS or authentication failures.
int RunIngest(const IngestFlags& flags);

}  // namespace vigil::cli

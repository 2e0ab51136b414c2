// Syslog receivers: listens on UDP, TCP and TLS and hands every message, unparsed, to an EventSink
// as RawEvents of kind kSyslog (one per UDP datagram or RFC 6587 frame; `peer` the sender's IP,
// `source` "syslog/udp:PORT", "syslog/tcp:PORT" or "syslog/tls:PORT" with the bound port,
// `received_ns` the arrival time), in batches of at most batch_events events / batch_bytes bytes.
// Back-pressure: when the sink refuses a batch (kResourceExhausted), a TCP/TLS connection stops
// reading and retries the same batch after 20 ms, doubling up to 200 ms, so the sender's TCP
// window closes instead of memory growing; UDP cannot push back, so the batch is dropped and
// counted. A framing error (bad octet count) closes that connection after the frames decoded
// before it are submitted. Everything runs asynchronously on one io_context served by `threads`
// threads: a slow or silent connection holds a read buffer and its pending batch, never a thread.
// Accepted batches are not waited on (no on_durable): syslog has no acknowledgement to give.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/status.h"
#include "ingest/raw_event.h"

namespace vigil::ingest {

struct SyslogListenerOptions {
  // "HOST:PORT" to listen on ("0.0.0.0:514", "[::]:6514", "127.0.0.1:0"); HOST is an IP literal,
  // "localhost", "*" or empty (all IPv4 addresses). Empty string: that listener is off. Port 0:
  // the system picks one (see SyslogListeners::udp_port() etc.).
  std::string udp;
  std::string tcp;
  std::string tls;
  std::filesystem::path cert_file;       // PEM certificate chain; required when `tls` is set
  std::filesystem::path key_file;        // PEM private key; required when `tls` is set
  size_t max_frame = size_t{64} * 1024;  // longest message; longer ones are truncated (UDP, LF)
  size_t max_connections = 1000;         // TCP + TLS; more are accepted and closed at once
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(10);  // close silent TCP/TLS
  int threads = 1;
  size_t batch_events = 512;
  size_t batch_bytes = size_t{1} << 20;
};

class SyslogListeners {
 public:
  using Options = SyslogListenerOptions;

  // A snapshot of the counters since Start.
  struct Stats {
    uint64_t messages = 0;         // events in batches the sink accepted
    uint64_t bytes = 0;            // bytes read from the sockets, framing included
    uint64_t batches = 0;          // batches the sink accepted
    uint64_t dropped = 0;          // UDP messages dropped because the sink refused their batch
    uint64_t refused_retries = 0;  // TCP/TLS back-pressure waits (a refused Submit, retried)
    uint64_t frame_errors = 0;     // connections closed for a broken stream (bad octet count)
    uint64_t truncated = 0;        // messages cut at max_frame
    uint64_t connections_open = 0;
    uint64_t connections_total = 0;     // accepted TCP/TLS connections, rejected ones excluded
    uint64_t connections_rejected = 0;  // closed at once because max_connections were open
  };

  // Binds every configured listener and starts the threads. `sink` is not owned and must outlive
  // the returned object (or its Stop()). Returns InvalidArgument for bad options (naming the
  // option, or the certificate/key file that cannot be loaded) and Unavailable when an address
  // cannot be bound ("syslog/tcp 0.0.0.0:601: Address already in use"); nothing is left running.
  static Result<std::unique_ptr<SyslogListeners>> Start(const Options& options, EventSink& sink);

  // Stops.
  ~SyslogListeners();
  SyslogListeners(const SyslogListeners&) = delete;
  SyslogListeners& operator=(const SyslogListeners&) = delete;

  // Closes the listeners and every connection and joins the threads; frames not yet submitted
  // (a pending batch, an unterminated last line) are lost. Idempotent; thread-safe; must not be
  // called from the sink's Submit.
  void Stop();

  // The bound ports (useful with port 0); 0 for a listener that is off. Thread-safe.
  uint16_t udp_port() const;
  uint16_t tcp_port() const;
  uint16_t tls_port() const;

  // Thread-safe; counters are read one by one, so a snapshot taken while running may be skewed.
  Stats stats() const;

 private:
  struct Impl;
  explicit SyslogListeners(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::ingest

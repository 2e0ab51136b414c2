#include "ingest/syslog_listener.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/thread_name.h"
#include "http/tls.h"
#include "logs/syslog_framing.h"

namespace vigil::ingest {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;
using boost::system::error_code;

constexpr size_t kReadChunkBytes = size_t{16} * 1024;
constexpr size_t kMaxDatagram = 65536;
constexpr int kUdpReceiveBuffer = 8 << 20;
constexpr std::chrono::milliseconds kFirstRetry{20};
constexpr std::chrono::milliseconds kMaxRetry{200};

int64_t NowNs() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
}

std::string AddressString(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

// "HOST:PORT" -> address and port. `what` ("syslog/tcp") prefixes the error.
Result<std::pair<asio::ip::address, uint16_t>> ParseListenAddress(const std::string& text,
                                                                  const std::string& what) {
  size_t colon = text.rfind(':');
  std::string port_text = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(),
                   [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoul(port_text) > 65535) {
    return InvalidArgument(what + " " + text + ": expected HOST:PORT", what);
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host == "*") host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) return InvalidArgument(what + " " + text + ": not an IP address", what);
  return std::make_pair(address, static_cast<uint16_t>(std::stoul(port_text)));
}

struct Counters {
  std::atomic<uint64_t> messages{0}, bytes{0}, batches{0}, dropped{0}, refused_retries{0},
      frame_errors{0}, truncated{0}, connections_open{0}, connections_total{0},
      connections_rejected{0};
};

// What the handlers of every listener share; owned by SyslogListeners::Impl.
struct Shared {
  SyslogListeners::Options options;
  EventSink* sink = nullptr;
  Counters counters;
};

// A TCP or TLS listening socket and what its connections share.
struct StreamListener {
  Shared* shared = nullptr;
  std::string source;           // "syslog/tcp:601"
  ssl::context* tls = nullptr;  // null for plain TCP
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> retry;  // after accept errors such as EMFILE
  uint16_t port = 0;
};

// One TCP or TLS connection. Every operation runs on the socket's strand; the connection lives as
// long as a pending operation holds it. `timer_` is the idle deadline while a read is pending and
// the retry delay while the sink refuses; `generation_` tells a stale idle expiry from a live one.
template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  template <class... StreamArgs>
  Connection(StreamListener* listener, std::string peer, StreamArgs&&... args)
      : listener_(listener),
        counters_(listener->shared->counters),
        stream_(std::forward<StreamArgs>(args)...),
        timer_(stream_.get_executor()),
        decoder_(listener->shared->options.max_frame),
        peer_(std::move(peer)),
        buffer_(kReadChunkBytes) {
    ++counters_.connections_open;
    ++counters_.connections_total;
  }
  ~Connection() { --counters_.connections_open; }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->Run(); });
  }

 private:
  const SyslogListeners::Options& options() const { return listener_->shared->options; }

  void Run() {
    if constexpr (kTls) {
      ArmIdle();
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](error_code ec) {
                                ++self->generation_;
                                ec ? self->Close() : self->Read();
                              });
    } else {
      Read();
    }
  }

  // Closes the socket when nothing arrives for idle_timeout; the pending read then fails.
  void ArmIdle() {
    timer_.expires_after(options().idle_timeout);
    timer_.async_wait([self = this->shared_from_this(), gen = ++generation_](error_code ec) {
      if (!ec && gen == self->generation_) self->Close();
    });
  }

  void Read() {
    ArmIdle();
    stream_.async_read_some(
        asio::buffer(buffer_),
        [self = this->shared_from_this()](error_code ec, size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(error_code ec, size_t n) {
    ++generation_;  // disarms the idle deadline
    counters_.bytes += n;
    int64_t now = NowNs();
    auto add = [&](const logs::SyslogFrame& frame) { Add(frame, now); };
    Status status = decoder_.Feed(std::string_view(buffer_.data(), n), add);
    if (status.ok() && ec) status = decoder_.Finish(add);  // EOF: flush an unterminated last line
    if (!status.ok()) {
      ++counters_.frame_errors;
      spdlog::warn("{} from {}: {}; closing the connection", listener_->source, peer_,
                   status.ToString());
    }
    closing_ = !status.ok() || ec;
    SubmitPending();
  }

  void Add(const logs::SyslogFrame& frame, int64_t now) {
    if (batches_.empty() || batches_.back().size() >= options().batch_events ||
        batch_bytes_ >= options().batch_bytes) {
      batches_.emplace_back();
      batch_bytes_ = 0;
    }
    if (frame.truncated) ++counters_.truncated;
    batch_bytes_ += frame.data.size();
    batches_.back().push_back(RawEvent{.data = std::string(frame.data),
                                       .kind = RawKind::kSyslog,
                                       .received_ns = now,
                                       .peer = peer_,
                                       .source = listener_->source});
  }

  // Submits the pending batches in order; on refusal waits and retries, else reads on (or closes).
  void SubmitPending() {
    while (!batches_.empty()) {
      size_t count = batches_.front().size();
      Status status = listener_->shared->sink->Submit(batches_.front());
      if (status.code() == StatusCode::kResourceExhausted) {
        ++counters_.refused_retries;
        timer_.expires_after(backoff_);
        backoff_ = std::min(backoff_ * 2, kMaxRetry);
        timer_.async_wait([self = this->shared_from_this()](error_code ec) {
          if (!ec) self->SubmitPending();
        });
        return;
      }
      if (!status.ok()) {
        spdlog::warn("{} from {}: sink refused a batch: {}; closing the connection",
                     listener_->source, peer_, status.ToString());
        batches_.clear();
        closing_ = true;
        break;
      }
      counters_.messages += count;
      ++counters_.batches;
      batches_.pop_front();
      backoff_ = kFirstRetry;
    }
    batch_bytes_ = 0;
    closing_ ? Close() : Read();
  }

  void Close() {
    ++generation_;
    timer_.cancel();
    error_code ignored;
    stream_.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.lowest_layer().close(ignored);
  }

  StreamListener* listener_;
  Counters& counters_;
  Stream stream_;
  asio::steady_timer timer_;
  logs::SyslogFrameDecoder decoder_;
  std::string peer_;
  std::vector<char> buffer_;
  std::deque<std::vector<RawEvent>> batches_;  // decoded, not yet accepted by the sink
  size_t batch_bytes_ = 0;                     // in batches_.back()
  std::chrono::milliseconds backoff_ = kFirstRetry;
  uint64_t generation_ = 0;
  bool closing_ = false;
};

}  // namespace

struct SyslogListeners::Impl {
  Shared shared;
  std::optional<ssl::context> tls_context;
  std::optional<asio::io_context> ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<udp::socket> udp_socket;
  std::string udp_source;
  uint16_t udp_port = 0;
  udp::endpoint udp_sender;
  std::vector<char> udp_buffer;
  std::vector<RawEvent> udp_batch;
  size_t udp_batch_bytes = 0;
  StreamListener tcp, tls;
  std::vector<std::thread> threads;
  std::mutex stop_mutex;
  bool stopped = false;

  Status Bind(StreamListener& l, const std::string& text, const std::string& what);
  Status BindUdp(const std::string& text);
  void Accept(StreamListener& l);
  void OnAccept(StreamListener& l, error_code ec, tcp::socket socket);
  void ReceiveUdp();
  void OnDatagram(error_code ec, size_t n);
  void AddDatagram(size_t n);
};

Status SyslogListeners::Impl::Bind(StreamListener& l, const std::string& text,
                                   const std::string& what) {
  VIGIL_ASSIGN_OR_RETURN(auto address, ParseListenAddress(text, what));
  tcp::endpoint endpoint(address.first, address.second);
  l.shared = &shared;
  l.acceptor.emplace(asio::make_strand(*ioc));
  error_code ec;
  l.acceptor->open(endpoint.protocol(), ec);
  if (!ec) l.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && endpoint.address().is_v6() && endpoint.address().is_unspecified()) {
    l.acceptor->set_option(asio::ip::v6_only(false), ec);  // "::" serves IPv4 too
  }
  if (!ec) l.acceptor->bind(endpoint, ec);
  if (!ec) l.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) l.port = l.acceptor->local_endpoint(ec).port();
  if (ec) return {StatusCode::kUnavailable, what + " " + text + ": " + ec.message(), what};
  l.source = what + ":" + std::to_string(l.port);
  l.retry.emplace(l.acceptor->get_executor());
  asio::post(l.acceptor->get_executor(), [this, &l] { Accept(l); });
  return Status::Ok();
}

void SyslogListeners::Impl::Accept(StreamListener& l) {
  l.acceptor->async_accept(asio::make_strand(*ioc), [this, &l](error_code ec, tcp::socket socket) {
    OnAccept(l, ec, std::move(socket));
  });
}

void SyslogListeners::Impl::OnAccept(StreamListener& l, error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted) return;
  if (ec) {  // Out of descriptors or memory: back off instead of spinning.
    l.retry->expires_after(std::chrono::milliseconds(100));
    l.retry->async_wait([this, &l](error_code wait_ec) {
      if (!wait_ec) Accept(l);
    });
    return;
  }
  tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) {
    // The peer is already gone.
  } else if (shared.counters.connections_open >= shared.options.max_connections) {
    ++shared.counters.connections_rejected;
    spdlog::warn("{}: {} connections open, refusing {}", l.source, shared.options.max_connections,
                 AddressString(remote.address()));
    socket.close(ec);
  } else if (l.tls != nullptr) {
    std::make_shared<Connection<ssl::stream<tcp::socket>>>(&l, AddressString(remote.address()),
                                                           std::move(socket), *l.tls)
        ->Start();
  } else {
    std::make_shared<Connection<tcp::socket>>(&l, AddressString(remote.address()),
                                              std::move(socket))
        ->Start();
  }
  Accept(l);
}

Status SyslogListeners::Impl::BindUdp(const std::string& text) {
  const std::string what = "syslog/udp";
  VIGIL_ASSIGN_OR_RETURN(auto address, ParseListenAddress(text, what));
  udp::endpoint endpoint(address.first, address.second);
  udp_socket.emplace(asio::make_strand(*ioc));
  error_code ec;
  udp_socket->open(endpoint.protocol(), ec);
  if (!ec && endpoint.address().is_v6() && endpoint.address().is_unspecified()) {
    udp_socket->set_option(asio::ip::v6_only(false), ec);
  }
  if (!ec) {
    error_code ignored;  // best effort: the kernel caps it at net.core.rmem_max
    udp_socket->set_option(asio::socket_base::receive_buffer_size(kUdpReceiveBuffer), ignored);
    udp_socket->bind(endpoint, ec);
  }
  if (!ec) udp_socket->non_blocking(true, ec);
  if (!ec) udp_port = udp_socket->local_endpoint(ec).port();
  if (ec) return {StatusCode::kUnavailable, what + " " + text + ": " + ec.message(), what};
  udp_source = what + ":" + std::to_string(udp_port);
  // One byte more than max_frame tells a datagram that was cut (recvfrom truncates silently).
  udp_buffer.resize(std::min(shared.options.max_frame + 1, kMaxDatagram));
  asio::post(udp_socket->get_executor(), [this] { ReceiveUdp(); });
  return Status::Ok();
}

void SyslogListeners::Impl::ReceiveUdp() {
  udp_socket->async_receive_from(asio::buffer(udp_buffer), udp_sender,
                                 [this](error_code ec, size_t n) { OnDatagram(ec, n); });
}

void SyslogListeners::Impl::AddDatagram(size_t n) {
  shared.counters.bytes += n;
  if (n == 0) return;
  if (n > shared.options.max_frame) {
    n = shared.options.max_frame;
    ++shared.counters.truncated;
  }
  udp_batch_bytes += n;
  udp_batch.push_back(RawEvent{.data = std::string(udp_buffer.data(), n),
                               .kind = RawKind::kSyslog,
                               .received_ns = NowNs(),
                               .peer = AddressString(udp_sender.address()),
                               .source = udp_source});
}

// Takes what is queued on the socket without waiting (up to one batch), submits it, waits again.
void SyslogListeners::Impl::OnDatagram(error_code ec, size_t n) {
  if (ec == asio::error::operation_aborted) return;
  if (!ec) AddDatagram(n);
  while (udp_batch.size() < shared.options.batch_events &&
         udp_batch_bytes < shared.options.batch_bytes) {
    n = udp_socket->receive_from(asio::buffer(udp_buffer), udp_sender, 0, ec);
    if (ec) break;  // would_block: the queue is empty
    AddDatagram(n);
  }
  if (!udp_batch.empty()) {
    size_t count = udp_batch.size();
    Status status = shared.sink->Submit(udp_batch);
    if (status.ok()) {
      shared.counters.messages += count;
      ++shared.counters.batches;
    } else {
      shared.counters.dropped += count;
      spdlog::debug("{}: dropped {} messages: {}", udp_source, count, status.ToString());
    }
    udp_batch.clear();
    udp_batch_bytes = 0;
  }
  ReceiveUdp();
}

SyslogListeners::SyslogListeners(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SyslogListeners::~SyslogListeners() { Stop(); }

uint16_t SyslogListeners::udp_port() const { return impl_->udp_port; }
uint16_t SyslogListeners::tcp_port() const { return impl_->tcp.port; }
uint16_t SyslogListeners::tls_port() const { return impl_->tls.port; }

SyslogListeners::Stats SyslogListeners::stats() const {
  const Counters& c = impl_->shared.counters;
  return Stats{.messages = c.messages,
               .bytes = c.bytes,
               .batches = c.batches,
               .dropped = c.dropped,
               .refused_retries = c.refused_retries,
               .frame_errors = c.frame_errors,
               .truncated = c.truncated,
               .connections_open = c.connections_open,
               .connections_total = c.connections_total,
               .connections_rejected = c.connections_rejected};
}

Result<std::unique_ptr<SyslogListeners>> SyslogListeners::Start(const Options& options,
                                                                EventSink& sink) {
  if (options.udp.empty() && options.tcp.empty() && options.tls.empty()) {
    return InvalidArgument("no syslog listener configured", "udp");
  }
  if (options.threads < 1 || options.threads > 1024) {
    return InvalidArgument("threads must be between 1 and 1024", "threads");
  }
  if (options.max_frame == 0) return InvalidArgument("must be positive", "max_frame");
  if (options.batch_events == 0) return InvalidArgument("must be positive", "batch_events");
  if (options.batch_bytes == 0) return InvalidArgument("must be positive", "batch_bytes");
  if (options.idle_timeout.count() <= 0) return InvalidArgument("must be positive", "idle_timeout");
  if (!options.tls.empty()) {
    if (options.cert_file.empty()) {
      return InvalidArgument("syslog/tls " + options.tls + " needs cert_file", "cert_file");
    }
    if (options.key_file.empty()) {
      return InvalidArgument("syslog/tls " + options.tls + " needs key_file", "key_file");
    }
  }
  try {
    auto impl = std::make_unique<Impl>();
    impl->shared.options = options;
    impl->shared.sink = &sink;
    impl->ioc.emplace(options.threads);
    if (!options.tls.empty()) {
      impl->tls_context.emplace(ssl::context::tls_server);
      Status status = http::ConfigureServerTls(impl->tls_context->native_handle(),
                                               options.cert_file, options.key_file);
      if (!status.ok()) {
        return Status(status.code(), "syslog/tls " + options.tls + ": " + status.message(),
                      status.where());
      }
      impl->tls.tls = &*impl->tls_context;
    }
    std::unique_ptr<SyslogListeners> listeners(new SyslogListeners(std::move(impl)));
    Impl& i = *listeners->impl_;  // On an error below, ~SyslogListeners closes what was opened.
    if (!options.udp.empty()) VIGIL_RETURN_IF_ERROR(i.BindUdp(options.udp));
    if (!options.tcp.empty()) VIGIL_RETURN_IF_ERROR(i.Bind(i.tcp, options.tcp, "syslog/tcp"));
    if (!options.tls.empty()) VIGIL_RETURN_IF_ERROR(i.Bind(i.tls, options.tls, "syslog/tls"));
    i.work.emplace(i.ioc->get_executor());
    for (int n = 0; n < options.threads; ++n) {
      i.threads.emplace_back([ioc = &*i.ioc] {
        NameThisThread("vigil-syslog");
        for (;;) {
          try {
            ioc->run();
            return;
          } catch (const std::exception& e) {  // must not end the thread (or the process)
            spdlog::error("syslog listener: {}", e.what());
          }
        }
      });
    }
    return listeners;
  } catch (const std::exception& e) {
    return Internal(std::string("cannot start syslog listeners: ") + e.what());
  }
}

void SyslogListeners::Stop() {
  std::lock_guard<std::mutex> lock(impl_->stop_mutex);
  if (impl_->stopped) return;
  impl_->stopped = true;
  if (impl_->ioc) impl_->ioc->stop();
  for (std::thread& t : impl_->threads) t.join();
  impl_->threads.clear();
  // Destroying the I/O objects and then the io_context destroys every pending operation, which
  // releases the connections and so closes their sockets.
  impl_->udp_socket.reset();
  for (StreamListener* l : {&impl_->tcp, &impl_->tls}) {
    l->retry.reset();
    l->acceptor.reset();
  }
  impl_->work.reset();
  impl_->ioc.reset();
}

}  // namespace vigil::ingest

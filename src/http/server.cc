#include "http/server.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <ctime>
#include <exception>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/text.h"
#include "core/thread_name.h"
#include "http/beast_request.h"
#include "http/tls.h"

namespace vigil::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr size_t kReadChunkBytes = 4096;
constexpr size_t kMaxDrainBytes = 1 << 20;
constexpr std::chrono::seconds kLingerTime{2};

struct Shared {
  ServerOptions options;
  Handler handler;
};

// True if the comma-separated header value lists `token` (case-insensitive).
bool HasToken(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (EqualsAsciiFoldCase(item, token)) return true;
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
  }
  return false;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool IsFieldValue(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string HttpDate() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

std::string AddressString(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

std::string EndpointString(const std::string& host, uint16_t port) {
  bool v6 = host.find(':') != std::string::npos && host.front() != '[';
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool IsBodiless(int status) { return status == 204 || status == 304; }

// Sets the status line and the application's headers (plus Date). `close` is set when the handler
// asked for "Connection: close". Returns false when the response is not valid HTTP (bad status,
// header name or value), so the caller can answer 500 instead of sending something malformed.
bool ToBeastHeader(const Response& in, unsigned version, bhttp::response_header<>* res,
                   bool* close) {
  if (in.status < 200 || in.status > 599) return false;
  res->version(version);
  res->result(static_cast<unsigned>(in.status));
  bool has_date = false;
  for (const auto& [name, value] : in.headers) {
    if (!IsToken(name) || !IsFieldValue(value)) return false;
    if (EqualsAsciiFoldCase(name, "content-length") ||
        EqualsAsciiFoldCase(name, "transfer-encoding"))
      continue;
    if (EqualsAsciiFoldCase(name, "connection")) {
      if (HasToken(value, "close")) *close = true;
      continue;
    }
    has_date = has_date || EqualsAsciiFoldCase(name, "date");
    res->insert(name, value);
  }
  if (!has_date) res->set(bhttp::field::date, HttpDate());
  return true;
}

// Converts the application's response (not a stream); nullopt as for ToBeastHeader.
std::optional<bhttp::response<bhttp::string_body>> ToBeast(Response&& in, unsigned version,
                                                           bool head, bool* close) {
  bhttp::response<bhttp::string_body> res;
  if (!ToBeastHeader(in, version, &res, close)) return std::nullopt;
  bool bodiless = IsBodiless(in.status);
  if (!bodiless) res.content_length(in.body.size());
  if (!bodiless && !head) res.body() = std::move(in.body);
  return res;
}

// One connection. Stream is beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>; every
// operation runs on the stream's strand, and the session lives as long as an operation holds it.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... StreamArgs>
  Session(std::shared_ptr<const Shared> shared, std::string remote_ip, StreamArgs&&... args)
      : stream_(std::forward<StreamArgs>(args)...),
        shared_(std::move(shared)),
        remote_ip_(std::move(remote_ip)) {}

  void Start() { asio::dispatch(stream_.get_executor(), Bind(&Session::Run)); }

 private:
  const ServerOptions& options() const { return shared_->options; }
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  template <class F>
  auto Bind(F f) {
    return beast::bind_front_handler(f, this->shared_from_this());
  }

  void Run() {
    if constexpr (kTls) {
      Lowest().expires_after(options().request_timeout);
      stream_.async_handshake(ssl::stream_base::server, Bind(&Session::OnHandshake));
    } else {
      WaitForRequest();
    }
  }

  void OnHandshake(beast::error_code ec) {
    if (!ec) WaitForRequest();  // A failed handshake just drops the connection.
  }

  // Between requests only the idle timeout runs; the request timeout starts with the first byte.
  void WaitForRequest() {
    if (buffer_.size() > 0) {
      ReadHeader();
      return;
    }
    Lowest().expires_after(options().idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunkBytes), Bind(&Session::OnFirstBytes));
  }

  void OnFirstBytes(beast::error_code ec, size_t n) {
    if (ec) return;  // Idle timeout, or the client closed: drop the connection.
    buffer_.commit(n);
    ReadHeader();
  }

  // The body limit of a request target: larger for upload paths.
  size_t BodyLimitFor(std::string_view target) const {
    std::string_view path = target.substr(0, target.find('?'));
    for (const std::string& prefix : options().upload_path_prefixes) {
      if (path.starts_with(prefix))
        return std::max(options().max_body_bytes, options().max_upload_bytes);
    }
    return options().max_body_bytes;
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options().max_header_bytes));
    // The largest limit until the target is known (OnHeader narrows it).
    body_limit_ = options().upload_path_prefixes.empty()
                      ? options().max_body_bytes
                      : std::max(options().max_body_bytes, options().max_upload_bytes);
    parser_->body_limit(body_limit_);
    Lowest().expires_after(options().request_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_, Bind(&Session::OnHeader));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) {
      OnReadError(ec);
      return;
    }
    const auto& req = parser_->get();
    body_limit_ = BodyLimitFor(std::string_view(req.target().data(), req.target().size()));
    // Beast checks a Content-Length against the limit when the header ends; check it again
    // against this target's own limit. Chunked bodies are counted against it as they arrive.
    if (auto length = parser_->content_length(); length && *length > body_limit_) {
      OnReadError(bhttp::error::body_limit);
      return;
    }
    parser_->body_limit(body_limit_);
    if (req.version() >= 11 && EqualsAsciiFoldCase(req[bhttp::field::expect], "100-continue") &&
        !parser_->is_done()) {
      continue_.emplace(bhttp::status::continue_, req.version());
      bhttp::async_write(stream_, *continue_, Bind(&Session::OnContinueSent));
      return;
    }
    ReadBody();
  }

  void OnContinueSent(beast::error_code ec, size_t) {
    continue_.reset();
    if (!ec) ReadBody();
  }

  void ReadBody() {  // Still under the deadline set in ReadHeader().
    if (parser_->is_done()) {
      Process();
      return;
    }
    bhttp::async_read(stream_, buffer_, *parser_, Bind(&Session::OnBody));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec) {
      OnReadError(ec);
      return;
    }
    Process();
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) {
      SendError(431, "request_header_fields_too_large",
                "request headers exceed " + std::to_string(options().max_header_bytes) + " bytes");
    } else if (ec == bhttp::error::body_limit) {
      SendError(413, "payload_too_large",
                "request body exceeds " + std::to_string(body_limit_) + " bytes");
    } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
               ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      SendError(400, "invalid_argument", "malformed HTTP request: " + ec.message());
    }
    // Anything else (timeout, reset, EOF, TLS failure): nobody to answer; the session ends.
  }

  // Answers an unreadable request and closes; the rest of the request is drained, not parsed.
  void SendError(int status, std::string_view code, const std::string& message) {
    drain_ = true;
    Write(Response::JsonError(status, code, message), 11, false, true);
  }

  void Process() {
    bhttp::request<bhttp::string_body> msg = parser_->release();
    parser_.reset();
    unsigned version = msg.version();
    bool close = !msg.keep_alive();
    bool head = msg.method() == bhttp::verb::head;
    Result<Request> request = internal::RequestFromBeast(std::move(msg));
    if (!request.ok()) {
      const Status& s = request.status();
      Write(Response::JsonError(400, "invalid_argument", s.message(), s.where()), version, head,
            close);
      return;
    }
    request->remote_ip = remote_ip_;
    request->tls = kTls;
    Write(CallHandler(*request), version, head, close);
  }

  Response CallHandler(const Request& request) {
    std::string what;
    try {
      return shared_->handler(request);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "unknown exception";
    }
    ReportException(request.method + " " + request.path + ": " + what);
    return Response::JsonError(500, "internal", "internal error");
  }

  void ReportException(const std::string& message) {
    if (!options().on_handler_exception) return;
    try {
      options().on_handler_exception(message);
    } catch (...) {  // A failing logger must not take the server down either.
    }
  }

  void Write(Response response, unsigned version, bool head, bool close) {
    if (response.stream && !IsBodiless(response.status)) {
      StartStream(std::move(response), version, head);
      return;
    }
    res_ = ToBeast(std::move(response), version, head, &close);
    if (!res_) {
      res_ = ToBeast(Response::JsonError(500, "internal", "invalid response from handler"), version,
                     head, &close);
    }
    res_->keep_alive(!close);
    close_ = close;
    Lowest().expires_after(options().request_timeout);
    bhttp::async_write(stream_, *res_, Bind(&Session::OnWrite));
  }

  void OnWrite(beast::error_code ec, size_t) {
    res_.reset();
    if (ec) return;
    if (close_) {
      Shutdown();
    } else {
      WaitForRequest();
    }
  }

  // Closes gracefully: TLS close_notify, or a TCP half-close followed (after an error answer) by
  // reading and discarding what the client still sends, so that closing with unread data does not
  // reset the connection before the client has read the answer. Bounded by kLingerTime.
  void Shutdown() {
    Lowest().expires_after(kLingerTime);
    if constexpr (kTls) {
      stream_.async_shutdown(Bind(&Session::OnShutdown));
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      if (!ec && drain_) Drain({}, 0);
    }
  }

  void OnShutdown(beast::error_code) {}

  // Streaming (see BodyStream): the header, then one write per Pull that produced bytes, with a
  // poll timer in between. Only writes carry a deadline (request_timeout); a quiet stream has just
  // the timer and a read that notices the client going away (and discards anything it sends).
  // The stream is released as soon as it ends, fails, or the client is gone.
  void StartStream(Response response, unsigned version, bool head) {
    bool close = true;
    bhttp::response<bhttp::empty_body> res;
    if (!ToBeastHeader(response, version, &res, &close)) {
      Write(Response::JsonError(500, "internal", "invalid response from handler"), version, head,
            true);
      return;
    }
    chunked_ = version >= 11;
    res.chunked(chunked_);
    res.keep_alive(false);
    std::ostringstream header;
    header << res.base();
    wire_ = std::move(header).str();
    if (!head) body_stream_ = std::move(response.stream);
    poll_timer_.emplace(stream_.get_executor());
    Lowest().expires_after(options().request_timeout);
    asio::async_write(stream_, asio::buffer(wire_), Bind(&Session::OnStreamHeader));
  }

  void OnStreamHeader(beast::error_code ec, size_t) {
    if (ec || !body_stream_) {  // Failed, stopped, or HEAD: the header was all.
      EndStream(!ec);
      return;
    }
    Lowest().expires_never();
    WatchStreamClient();
    PullStream();
  }

  void WatchStreamClient() {
    watching_ = true;
    stream_.async_read_some(buffer_.prepare(kReadChunkBytes), Bind(&Session::OnStreamClient));
  }

  void OnStreamClient(beast::error_code ec, size_t) {
    watching_ = false;
    if (stream_finished_) {
      Shutdown();  // The last chunk is out and this read was cancelled for the shutdown.
    } else if (ec) {
      EndStream(false);  // The client went away (or the connection failed).
    } else {
      WatchStreamClient();
    }
  }

  void PullStream() {
    std::string data;
    bool more = false;
    try {
      more = body_stream_->Pull(&data);
    } catch (const std::exception& e) {
      ReportException(std::string("body stream: ") + e.what());
    } catch (...) {
      ReportException("body stream: unknown exception");
    }
    if (more && data.empty()) {
      WaitForPull();
      return;
    }
    if (!chunked_) {
      wire_ = std::move(data);
    } else {
      wire_.clear();
      if (!data.empty()) {
        char size[20];
        int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
        wire_.append(size, static_cast<size_t>(n)).append(data).append("\r\n");
      }
      if (!more) wire_.append("0\r\n\r\n");
    }
    stream_last_ = !more;
    Lowest().expires_after(options().request_timeout);  // The watching read keeps its own.
    asio::async_write(stream_, asio::buffer(wire_), Bind(&Session::OnStreamChunk));
  }

  void OnStreamChunk(beast::error_code ec, size_t) {
    if (ec || !body_stream_ || stream_last_) {
      EndStream(!ec && body_stream_);
      return;
    }
    Lowest().expires_never();
    WaitForPull();
  }

  void WaitForPull() {
    poll_timer_->expires_after(body_stream_->poll_interval);
    poll_timer_->async_wait(Bind(&Session::OnPollTimer));
  }

  void OnPollTimer(beast::error_code ec) {
    if (!ec && body_stream_) PullStream();
  }

  // Releases the stream. `sent` (everything went out): close gracefully once the watching read
  // has returned; otherwise the connection just ends with the operations still pending.
  void EndStream(bool sent) {
    body_stream_.reset();
    poll_timer_->cancel();
    if (!sent || stream_finished_) return;
    stream_finished_ = true;
    if (watching_) {
      Lowest().cancel();  // OnStreamClient shuts down.
    } else {
      Shutdown();
    }
  }

  void Drain(beast::error_code ec, size_t n) {
    drained_ += n;
    if (ec || drained_ > kMaxDrainBytes) return;
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(kReadChunkBytes), Bind(&Session::Drain));
  }

  Stream stream_;
  std::shared_ptr<const Shared> shared_;
  std::string remote_ip_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  size_t body_limit_ = 0;  // of the request being read
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  std::optional<bhttp::response<bhttp::string_body>> res_;
  std::shared_ptr<BodyStream> body_stream_;  // while a stream is being sent
  std::optional<asio::steady_timer> poll_timer_;
  std::string wire_;  // the stream bytes being written
  bool chunked_ = false;
  bool stream_last_ = false;      // the write in flight ends the stream
  bool stream_finished_ = false;  // all sent; closing
  bool watching_ = false;         // a read for the client going away is pending
  bool close_ = false;
  bool drain_ = false;
  size_t drained_ = 0;
};

using PlainSession = Session<beast::tcp_stream>;
using TlsSession = Session<beast::ssl_stream<beast::tcp_stream>>;

// A DNS host name: letters, digits, '-' and '.'. Checked before resolving so that nonsense is
// rejected without a DNS round trip.
bool LooksLikeHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Result<tcp::endpoint> ResolveListenAddress(asio::io_context& ioc, std::string host, uint16_t port) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host == "*") host = "0.0.0.0";
  if (EqualsAsciiFoldCase(host, "localhost")) host = "127.0.0.1";
  beast::error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  if (!LooksLikeHostName(host)) return InvalidArgument("not an IP address or host name", host);
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    return InvalidArgument("cannot resolve host: " + (ec ? ec.message() : "no address"), host);
  }
  return results.begin()->endpoint();
}

}  // namespace

struct Server::Impl {
  std::shared_ptr<Shared> shared;
  std::optional<asio::io_context> ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<ssl::context> tls;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> retry;  // after accept errors such as EMFILE
  std::vector<std::thread> threads;
  uint16_t port = 0;
  std::mutex stop_mutex;
  bool stopped = false;

  void Accept() {
    acceptor->async_accept(
        asio::make_strand(*ioc),
        [this](beast::error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {  // Out of descriptors or memory: back off instead of spinning.
      retry->expires_after(std::chrono::milliseconds(100));
      retry->async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec) Accept();
      });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    tcp::endpoint remote = socket.remote_endpoint(ec);
    if (!ec) {
      std::string ip = AddressString(remote.address());
      if (tls) {
        std::make_shared<TlsSession>(shared, std::move(ip), std::move(socket), *tls)->Start();
      } else {
        std::make_shared<PlainSession>(shared, std::move(ip), std::move(socket))->Start();
      }
    }
    Accept();
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

uint16_t Server::port() const { return impl_->port; }

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Handler handler) {
  if (!handler) return InvalidArgument("no handler");
  if (options.threads < 1 || options.threads > 1024) {
    return InvalidArgument("threads must be between 1 and 1024", "threads");
  }
  if (options.max_header_bytes < 1024 || options.max_header_bytes > (1u << 30)) {
    return InvalidArgument("max_header_bytes must be between 1 KiB and 1 GiB", "max_header_bytes");
  }
  if (options.max_body_bytes == 0) return InvalidArgument("must be positive", "max_body_bytes");
  if (options.idle_timeout.count() <= 0 || options.request_timeout.count() <= 0) {
    return InvalidArgument("timeouts must be positive", "idle_timeout");
  }
  if (options.tls && (options.cert_file.empty() || options.key_file.empty())) {
    return InvalidArgument("TLS needs cert_file and key_file", "cert_file");
  }
  std::string address = EndpointString(options.host, options.port);
  try {
    auto impl = std::make_unique<Impl>();
    impl->shared = std::make_shared<Shared>(Shared{options, std::move(handler)});
    impl->ioc.emplace(options.threads);
    if (options.tls) {
      impl->tls.emplace(ssl::context::tls_server);
      VIGIL_RETURN_IF_ERROR(
          ConfigureServerTls(impl->tls->native_handle(), options.cert_file, options.key_file));
    }
    VIGIL_ASSIGN_OR_RETURN(tcp::endpoint endpoint,
                           ResolveListenAddress(*impl->ioc, options.host, options.port));
    impl->acceptor.emplace(asio::make_strand(*impl->ioc));
    beast::error_code ec;
    tcp::acceptor& acceptor = *impl->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec && endpoint.address().is_v6() && endpoint.address().is_unspecified()) {
      acceptor.set_option(asio::ip::v6_only(false), ec);  // "::" serves IPv4 too
    }
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status(StatusCode::kUnavailable, "cannot listen on " + address + ": " + ec.message(),
                    address);
    }
    impl->port = acceptor.local_endpoint(ec).port();
    impl->retry.emplace(acceptor.get_executor());
    impl->work.emplace(impl->ioc->get_executor());
    asio::post(acceptor.get_executor(), [raw = impl.get()] { raw->Accept(); });
    std::unique_ptr<Server> server(new Server(std::move(impl)));
    for (int i = 0; i < options.threads; ++i) {
      server->impl_->threads.emplace_back([ioc = &*server->impl_->ioc] {
        NameThisThread("vigil-http");
        for (;;) {
          try {
            ioc->run();
            return;
          } catch (...) {  // An escaped exception must not end the thread (or the process).
          }
        }
      });
    }
    return server;
  } catch (const std::exception& e) {
    return Internal("cannot start server on " + address + ": " + e.what());
  }
}

void Server::Stop() {
  std::lock_guard<std::mutex> lock(impl_->stop_mutex);
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->ioc->stop();
  for (std::thread& t : impl_->threads) t.join();
  impl_->threads.clear();
  // Destroying the I/O objects and then the io_context closes the listening socket and destroys
  // every pending operation, which releases the sessions and so closes their sockets.
  impl_->retry.reset();
  impl_->acceptor.reset();
  impl_->work.reset();
  impl_->ioc.reset();
}

}  // namespace vigil::http

// The HTTP service on cpp-httplib: one thread per connection from a fixed pool, each waiting
// request parked on its Batcher future; errors are JSON bodies with the status that fits.
#include "server/server.h"

#include <httplib.h>

#include <chrono>
#include <ctime>

#include "server/deadline_server.h"
#include "server/page.h"
#include "tensor/error.h"

namespace tandem::server {
namespace {

using Clock = std::chrono::steady_clock;

// When the current thread's request was routed; each request runs on one pool thread from
// reading to logging. Requests the library refuses before routing (413, 400) keep the zero.
thread_local Clock::time_point request_start{};

constexpr const char* kBatchHeader = "X-Tandem-Batch-Size";

std::string route_label(const std::string& path) {
  for (const char* known : {"/", "/health", "/metrics", "/v1/model", "/v1/translate"})
    if (path == known) return known;
  return "other";  // so that arbitrary paths cannot grow the metrics without bound
}

// The path as log text: control and non-ASCII bytes escaped, so a log line stays one line.
std::string printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s.substr(0, 200)) {
    if (c >= 0x20 && c < 0x7F && c != '"') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    }
  }
  return out;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

void send_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, error_body(status, message));
}

}  // namespace

Server::Server(TranslateFn translate, nlohmann::json model_info, ServerOptions options)
    : options_(std::move(options)),
      model_info_(std::move(model_info)),
      batcher_(std::move(translate), options_.batching, &metrics_),
      http_(std::make_unique<DeadlineServer>(ConnectionLimits{
          .request = options_.request_timeout,
          .idle_read = std::min(options_.request_timeout, std::chrono::milliseconds(5000)),
          .max_body_bytes = static_cast<size_t>(options_.max_body_bytes)})) {
  model_info_["server"] = {{"max_batch", options_.batching.max_batch},
                           {"batch_wait_ms", options_.batching.batch_wait.count() / 1000.0},
                           {"max_queue", options_.batching.max_queue},
                           {"max_inputs", options_.limits.max_inputs},
                           {"max_input_chars", options_.limits.max_input_chars},
                           {"max_beam", options_.limits.max_beam},
                           {"max_body_bytes", options_.max_body_bytes},
                           {"request_timeout_ms", options_.request_timeout.count()},
                           {"default_beam", options_.defaults.beam},
                           {"default_n_best", options_.defaults.n_best}};
  const size_t threads = static_cast<size_t>(std::max(options_.http_threads, 1));
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Checked by the library against Content-Length before reading; chunked and compressed
  // bodies are counted as they arrive (translate()).
  http_->set_payload_max_length(static_cast<size_t>(options_.max_body_bytes));
  http_->set_tcp_nodelay(true);
  add_routes();
  add_logging_and_errors();
}

Server::~Server() {
  stop();
  batcher_.stop();
}

void Server::add_routes() {
  http_->set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_start = Clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http_->Get("/", [](const httplib::Request&, httplib::Response& res) {
    const std::string_view page = page_html();
    res.set_content(page.data(), page.size(), "text/html; charset=utf-8");
  });
  http_->Get("/health", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, R"({"status":"ok"})");
  });
  http_->Get("/v1/model", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, dump_json(model_info_));
  });
  http_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  http_->Get("/v1/translate", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Allow", "POST");
    send_error(res, 405, "use POST with a JSON body for /v1/translate");
  });
  // With a content reader the library leaves the body to the handler: its own reading refuses
  // form-urlencoded bodies over 8 KB (curl -d sends that content type), and does not bound
  // chunked ones.
  http_->Post("/v1/translate",
              [this](const httplib::Request& req, httplib::Response& res,
                     const httplib::ContentReader& read_body) { translate(req, res, read_body); });
}

std::string Server::body_too_large() const {
  return body_too_large_message(static_cast<size_t>(options_.max_body_bytes));
}

void Server::translate(const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader& read_body) {
  std::string body;
  bool too_large = false;
  const auto receive = [&](const char* data, size_t n) {
    too_large = too_large || body.size() + n > static_cast<size_t>(options_.max_body_bytes);
    if (!too_large) body.append(data, n);
    return !too_large;
  };
  const bool multipart = req.is_multipart_form_data();
  const bool read = multipart
                        ? read_body([](const httplib::MultipartFormData&) { return true; }, receive)
                        : read_body(receive);
  if (!read || multipart) DeadlineServer::close_after_response(res);  // what is left is unread
  if (too_large || res.status == 413) return send_error(res, 413, body_too_large());
  if (const auto refusal = DeadlineServer::refusal())
    return send_error(res, refusal->status, refusal->message);
  if (!read) return send_error(res, 400, "the request body could not be read");
  if (multipart)
    return send_error(res, 415,
                      "the body must be JSON (application/json), not multipart/form-data");
  try {
    TranslateRequest r = parse_translate_request(body, options_.limits, options_.defaults);
    BatchResult b;
    if (!r.inputs.empty()) b = batcher_.submit(std::move(r.inputs), r.settings).get();
    res.set_header(kBatchHeader, std::to_string(b.batch_sentences));
    send_json(res, 200, dump_json(translate_response(b.translations, r.settings)));
  } catch (const ApiError& e) {
    send_error(res, e.status, e.what());
  } catch (const QueueFull& e) {
    metrics_.record_queue_rejection();
    res.set_header("Retry-After", "1");
    send_error(res, 503, std::string(e.what()) + "; retry later");
  } catch (const std::exception& e) {
    send_error(res, 500, std::string("translation failed: ") + e.what());
  }
}

void Server::add_logging_and_errors() {
  // Every status >= 400 passes here; the library's own (404, 413, 400) arrive without a body.
  http_->set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                       httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string message;
    if (res.status == 404)
      message = "no such endpoint: " + req.method + " " + printable(req.path) +
                "; try GET /, /health, /metrics, /v1/model or POST /v1/translate";
    else if (res.status == 413)
      message = body_too_large();
    else if (const auto refusal = DeadlineServer::refusal()) {
      res.status = refusal->status;
      DeadlineServer::close_after_response(res);
      message = refusal->message;
    } else
      message = "the request could not be read as HTTP (status " + std::to_string(res.status) + ")";
    send_error(res, res.status, message);
    return httplib::Server::HandlerResponse::Handled;
  }));
  http_->set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                  std::exception_ptr) { send_error(res, 500, "internal error"); });
  http_->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    const double seconds =
        request_start == Clock::time_point{}
            ? 0.0
            : std::chrono::duration<double>(Clock::now() - request_start).count();
    request_start = Clock::time_point{};
    metrics_.record_request(route_label(req.path), res.status, seconds);
    if (!options_.access_log) return;
    const std::string batch = res.get_header_value(kBatchHeader);
    std::fprintf(options_.access_log, "%s %s \"%s %s\" %d %.1fms batch=%s\n", utc_now().c_str(),
                 req.remote_addr.c_str(), req.method.c_str(), printable(req.path).c_str(),
                 res.status, seconds * 1000.0, batch.empty() ? "-" : batch.c_str());
  });
}

int Server::bind() {
  port_ = options_.port == 0
              ? http_->bind_to_any_port(options_.host)
              : (http_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  check(port_ > 0, [&] {
    return "cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
           " (in use, or not an address of this machine)";
  });
  return port_;
}

void Server::run() {
  check(port_ > 0, "Server::run() needs bind() first");
  listen_ = Listen::kStarting;
  if (!stop_requested_) http_->listen_after_bind();  // returns once stopped and drained
  listen_ = Listen::kDone;
  batcher_.stop();
}

void Server::stop() {
  stop_requested_ = true;
  // A stop between run()'s check and the library marking itself running would be lost, so
  // wait for the listener to be either running or finished.
  while (listen_ == Listen::kStarting && !http_->is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  http_->stop();
  batcher_.drain();  // the requests in flight need not wait for company that is not coming
}

}  // namespace tandem::server

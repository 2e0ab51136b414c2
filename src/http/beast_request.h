// Internal to src/http: conversion of a parsed Beast request into vigil::http::Request, shared by
// the server and ParseRequestBytes. Include only from .cc files of this module (Beast is slow to
// compile, and the application must never see Beast types).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "core/status.h"
#include "http/message.h"

namespace vigil::http::internal {

// Moves method, target, headers (names lower-cased, repeated headers joined by ", ", Cookie by
// "; ") and body out of `msg` and decodes the target with ParseTarget. remote_ip and tls are left
// for the caller. Returns InvalidArgument when the target cannot be decoded.
Result<Request> RequestFromBeast(
    boost::beast::http::request<boost::beast::http::string_body>&& msg);

}  // namespace vigil::http::internal

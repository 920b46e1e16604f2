#pragma once

#include "server/core/errors.h"
#include "server/http/connection_watch.h"
#include "server/http/http_server.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerSession.h>

#include <memory>

namespace registry::http {

// Answers one request whose head has been read: routes it, authenticates before any body is
// read, reads the body within the route's limit and deadline, calls the handler and sends the
// response. Every failure becomes problem+json with the request id; nothing escapes.
class Dispatcher {
public:
    Dispatcher(const ServerSettings& settings, std::shared_ptr<const RouteTable> routes, std::shared_ptr<Metrics> metrics);

    void handle(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out, ConnectionWatch::Entry& watch,
                bool secure);

    // Answers a request whose head could not be read (malformed, oversized, too slow); the
    // connection closes afterwards.
    void refuse(Poco::Net::HTTPServerSession& session, const Error& error);

private:
    struct Body;
    Response dispatch(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out, Request& request,
                      Body& body, std::string& route);
    void readBody(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out, std::size_t limit, Body& body,
                  std::string& into);
    void finishBody(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out, Body& body);
    void send(Poco::Net::HTTPServerRequest* in, Poco::Net::HTTPServerResponse& out, const std::string& requestId,
              const Response& response);
    void log(const std::string& method, const std::string& path, const std::string& route, int status,
             double seconds, const Request& request);

    const ServerSettings& settings_;
    std::shared_ptr<const RouteTable> routes_;
    std::shared_ptr<Metrics> metrics_;
};

}  // namespace registry::http

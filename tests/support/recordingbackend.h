#pragma once

// A local HTTP backend for tests: each test sets how it answers; it records every request it
// receives exactly as it arrived (request line, headers, body). Shared by the forwarding and
// security tests.

#include "sim/httpserver.h"

#include <QList>
#include <QUrl>

#include <functional>

struct RecordingBackend {
    telephone::sim::HttpServer server;
    QList<telephone::sim::HttpRequest> received;
    std::function<void(const telephone::sim::HttpRequest &, telephone::sim::HttpResponder *)> answer =
        [](const telephone::sim::HttpRequest &, telephone::sim::HttpResponder *r) {
            r->respond(200, {{"content-type", "text/plain"}}, "ok");
        };

    RecordingBackend()
    {
        server.setHandler([this](const telephone::sim::HttpRequest &request, telephone::sim::HttpResponder *responder) {
            received.append(request);
            answer(request, responder);
        });
        if (!server.listen(QHostAddress::LocalHost, 0))
            qFatal("the test backend did not listen");
    }
    QUrl url(const QString &basePath = {}) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(server.port()).arg(basePath));
    }
    QByteArray hostPort() const { return "127.0.0.1:" + QByteArray::number(server.port()); }
};

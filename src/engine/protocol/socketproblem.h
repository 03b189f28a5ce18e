#pragma once

#include "protocol/problem.h"

#include <QAbstractSocket>

namespace telephone {

/// A socket's failure as a Problem (SocketRefused, SocketTimedOut, ...): the UI says it in the
/// user's language, where QAbstractSocket::errorString() would be English. `qtWords` (errorString())
/// is kept only for the errors without a code of their own.
Problem socketProblem(QAbstractSocket::SocketError error, const QString &qtWords);

} // namespace telephone

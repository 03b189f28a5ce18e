#pragma once

#include "base/utf8.h"

#include <QByteArray>

#include <functional>
#include <utility>

namespace telephone {

/// A text message produced piece by piece, so that a large one is never held whole: the
/// WebSocket client asks for the next piece only when the socket has room for it.
class MessageSource
{
public:
    virtual ~MessageSource() = default;
    /// The next piece of at most about `maxBytes` bytes, ending on a UTF-8 character boundary.
    virtual QByteArray next(qint64 maxBytes) = 0;
    virtual bool atEnd() const = 0;
    /// No longer wanted: a message still waiting whole in the queue is dropped instead of sent
    /// (one already begun is finished, a message cannot be cut short).
    virtual bool withdrawn() const { return false; }
};

/// A message that already exists as one buffer.
class BufferSource : public MessageSource
{
public:
    explicit BufferSource(QByteArray bytes)
        : m_bytes(std::move(bytes))
    {
    }
    QByteArray next(qint64 maxBytes) override
    {
        if (m_offset == 0 && maxBytes >= m_bytes.size()) {
            m_offset = m_bytes.size();
            return std::move(m_bytes); // the common small message: no copy
        }
        qint64 end = std::min<qint64>(m_bytes.size(), m_offset + maxBytes);
        // Never split a UTF-8 sequence between fragments: step back over continuation bytes.
        end = utf8BoundaryAtOrBefore(m_bytes.constData(), m_bytes.size(), m_offset, end);
        if (end == m_offset)
            end = std::min<qint64>(m_bytes.size(), m_offset + maxBytes);
        QByteArray piece = m_bytes.mid(m_offset, end - m_offset);
        m_offset = end;
        return piece;
    }
    bool atEnd() const override { return m_offset >= m_bytes.size(); }

private:
    QByteArray m_bytes;
    qint64 m_offset = 0;
};

/// A BufferSource that says when the socket is done with it: `onDone` runs once, when it is
/// destroyed, i.e. when its last piece has been written to the socket's buffer or when it was
/// dropped (the socket closed, or was not open). It runs inside the socket's send loop: it must
/// only count, never send.
class HandoverSource : public BufferSource
{
public:
    HandoverSource(QByteArray bytes, std::function<void()> onDone)
        : BufferSource(std::move(bytes))
        , m_onDone(std::move(onDone))
    {
    }
    ~HandoverSource() override
    {
        if (m_onDone)
            m_onDone();
    }
    HandoverSource(const HandoverSource &) = delete;
    HandoverSource &operator=(const HandoverSource &) = delete;

private:
    std::function<void()> m_onDone;
};

} // namespace telephone

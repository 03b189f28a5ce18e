#pragma once

#include <QByteArray>

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
        while (end < m_bytes.size() && end > m_offset && (static_cast<unsigned char>(m_bytes.at(end)) & 0xC0) == 0x80)
            --end;
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

} // namespace telephone

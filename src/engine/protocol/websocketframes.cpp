#include "protocol/websocketframes.h"

#include <QtEndian>

#include <algorithm>
#include <cstring>

namespace telephone::websocket {

void mask(char *dst, const char *src, qint64 size, quint32 maskKey, qint64 offset)
{
    unsigned char key[4];
    qToBigEndian(maskKey, key);
    qint64 i = 0;
    // Byte by byte until the key lines up, then eight bytes at a time.
    for (; i < size && ((offset + i) & 3) != 0; ++i)
        dst[i] = char(src[i] ^ char(key[(offset + i) & 3]));
    quint64 wide;
    unsigned char repeated[8] = {key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3]};
    std::memcpy(&wide, repeated, 8);
    for (; i + 8 <= size; i += 8) {
        quint64 chunk;
        std::memcpy(&chunk, src + i, 8);
        chunk ^= wide;
        std::memcpy(dst + i, &chunk, 8);
    }
    for (; i < size; ++i)
        dst[i] = char(src[i] ^ char(key[(offset + i) & 3]));
}

void appendClientFrame(QByteArray *out, Opcode opcode, bool fin, const char *payload, qint64 size, quint32 maskKey)
{
    char header[14];
    int n = 0;
    header[n++] = char((fin ? 0x80 : 0x00) | (opcode & 0x0F));
    if (size < 126) {
        header[n++] = char(0x80 | size);
    } else if (size <= 0xFFFF) {
        header[n++] = char(0x80 | 126);
        qToBigEndian(quint16(size), header + n);
        n += 2;
    } else {
        header[n++] = char(0x80 | 127);
        qToBigEndian(quint64(size), header + n);
        n += 8;
    }
    qToBigEndian(maskKey, header + n);
    n += 4;
    const qsizetype start = out->size();
    out->resize(start + n + size);
    std::memcpy(out->data() + start, header, size_t(n));
    mask(out->data() + start + n, payload, size, maskKey);
}

FrameReader::FrameReader(qint64 maxMessageSize)
    : m_maxMessageSize(maxMessageSize)
{
}

FrameReader::Event FrameReader::fail(int code, const QString &reason)
{
    m_failed = true;
    Event event;
    event.kind = Event::Kind::Error;
    event.closeCode = code;
    event.payload = reason.toUtf8();
    return event;
}

FrameReader::Event FrameReader::next(const char *data, qint64 size, qint64 *offset)
{
    while (!m_failed && *offset < size) {
        if (m_remaining < 0) {
            // Header: 2 bytes, then 0/2/8 length bytes; servers never mask (RFC 6455 5.1).
            while (m_header.size() < 2 && *offset < size)
                m_header.append(data[(*offset)++]);
            if (m_header.size() < 2)
                return {};
            const auto b0 = quint8(m_header[0]);
            const auto b1 = quint8(m_header[1]);
            if (b0 & 0x70)
                return fail(1002, QStringLiteral("reserved bits set"));
            if (b1 & 0x80)
                return fail(1002, QStringLiteral("the server masked a frame"));
            const int lengthBytes = (b1 & 0x7F) == 126 ? 2 : (b1 & 0x7F) == 127 ? 8 : 0;
            while (m_header.size() < 2 + lengthBytes && *offset < size)
                m_header.append(data[(*offset)++]);
            if (m_header.size() < 2 + lengthBytes)
                return {};
            quint64 length = b1 & 0x7F;
            if (lengthBytes == 2)
                length = qFromBigEndian<quint16>(m_header.constData() + 2);
            else if (lengthBytes == 8)
                length = qFromBigEndian<quint64>(m_header.constData() + 2);
            m_header.clear();
            m_fin = b0 & 0x80;
            m_opcode = b0 & 0x0F;
            const bool control = m_opcode & 0x08;
            if (control) {
                if (!m_fin || length > 125)
                    return fail(1002, QStringLiteral("a fragmented or oversized control frame"));
                if (m_opcode != Close && m_opcode != Ping && m_opcode != Pong)
                    return fail(1002, QStringLiteral("unknown control opcode %1").arg(m_opcode));
                m_control.clear();
            } else if (m_opcode == Continuation) {
                if (!m_inMessage)
                    return fail(1002, QStringLiteral("a continuation frame outside a message"));
            } else if (m_opcode == Text || m_opcode == Binary) {
                if (m_inMessage)
                    return fail(1002, QStringLiteral("a new message inside a fragmented one"));
                m_inMessage = true;
                m_messageBinary = m_opcode == Binary;
                m_message.clear();
            } else {
                return fail(1002, QStringLiteral("unknown data opcode %1").arg(m_opcode));
            }
            // Written so that it cannot wrap: a 64-bit length near 2^64 must not pass as small.
            if (!control && length > quint64(m_maxMessageSize) - quint64(m_message.size()))
                return fail(1009, QStringLiteral("a message larger than %1 bytes").arg(m_maxMessageSize));
            // Nothing is reserved for the length a header claims: a hostile "1 GiB follows" must cost
            // nothing until the bytes arrive. The message grows with them (QByteArray::append grows
            // geometrically, so a large message is still copied O(n) times in all).
            m_remaining = qint64(length);
        }

        const qint64 take = std::min(m_remaining, size - *offset);
        if (m_opcode & 0x08)
            m_control.append(data + *offset, take);
        else
            m_message.append(data + *offset, take);
        *offset += take;
        m_remaining -= take;
        if (m_remaining > 0)
            return {};
        m_remaining = -1;

        Event event;
        switch (m_opcode) {
        case Ping:
            event.kind = Event::Kind::Ping;
            event.payload = m_control;
            return event;
        case Pong:
            event.kind = Event::Kind::Pong;
            event.payload = m_control;
            return event;
        case Close:
            event.kind = Event::Kind::Close;
            if (m_control.size() == 1)
                return fail(1002, QStringLiteral("a close frame with a one-byte payload"));
            event.closeCode = m_control.size() >= 2 ? qFromBigEndian<quint16>(m_control.constData()) : 1005;
            event.payload = m_control.mid(2);
            return event;
        default:
            if (!m_fin)
                continue; // more fragments follow
            m_inMessage = false;
            event.kind = Event::Kind::Message;
            event.binary = m_messageBinary;
            event.payload = std::move(m_message);
            m_message = QByteArray();
            return event;
        }
    }
    return {};
}

} // namespace telephone::websocket

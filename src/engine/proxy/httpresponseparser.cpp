#include "proxy/httpresponseparser.h"

#include "base/hexdigit.h"
#include "protocol/httpfield.h"

#include <algorithm>
#include <cstring>

namespace telephone {

namespace {

bool equalsLower(const QByteArray &name, const char *lower)
{
    return name.compare(lower, Qt::CaseInsensitive) == 0;
}

// 1*DIGIT or 1*HEXDIG and nothing else: toLongLong would also take "+5", " 5" or "0x5", which
// another parser on the way reads differently (RFC 9112 6.3, 7.1). -1 when not such a number.
qint64 parseNumber(const QByteArray &text, int base)
{
    if (text.isEmpty() || text.size() > 15)
        return -1;
    qint64 n = 0;
    for (const char c : text) {
        const int digit = hexDigitValue(c);
        if (digit < 0 || digit >= base)
            return -1;
        n = n * base + digit;
    }
    return n;
}

// Where the head ends: at its first empty line, lines ending in CRLF or in a bare LF (RFC 9112
// 2.2 lets a recipient take LF alone). Returns the index of the '\n' that ends the last header
// line and sets the terminator's length; -1 while there is none yet.
qsizetype findHeadEnd(const QByteArray &buffer, qsizetype from, qsizetype *terminatorLength)
{
    for (qsizetype i = buffer.indexOf('\n', from); i >= 0; i = buffer.indexOf('\n', i + 1)) {
        if (i + 1 < buffer.size() && buffer.at(i + 1) == '\n') {
            *terminatorLength = 2;
            return i;
        }
        if (i + 2 < buffer.size() && buffer.at(i + 1) == '\r' && buffer.at(i + 2) == '\n') {
            *terminatorLength = 3;
            return i;
        }
    }
    return -1;
}

} // namespace

HttpResponseParser::HttpResponseParser(bool noBody, qint64 maxBodySize)
    : m_noBody(noBody)
    , m_maxBodySize(maxBodySize)
{
}

void HttpResponseParser::fail(const Problem &problem)
{
    m_state = State::Error;
    m_problem = problem;
}

bool HttpResponseParser::appendBody(const char *data, qint64 size)
{
    if (m_body.size() + size > m_maxBodySize) {
        m_tooLarge = true;
        fail({Problem::Kind::ResponseTooLarge, {QString::number(m_maxBodySize)}});
        return false;
    }
    m_body.append(data, size);
    return true;
}

qint64 HttpResponseParser::feed(const char *data, qint64 size)
{
    if (size > 0)
        m_sawAnyByte = true;
    qint64 used = 0;
    while (used < size && (m_state == State::Head || m_state == State::Body)) {
        if (m_state == State::Head) {
            // Find the end of the head, across calls; the head is small so a copy is fine.
            const qint64 before = m_head.size();
            const qint64 take = std::min<qint64>(size - used, MaxHeadSize + 4 - before);
            m_head.append(data + used, take);
            qsizetype terminator = 0;
            const qsizetype end = findHeadEnd(m_head, std::max<qsizetype>(0, before - 2), &terminator);
            if (end < 0) {
                used += take;
                if (m_head.size() > MaxHeadSize)
                    fail({Problem::Kind::ResponseHeadTooLarge, {QString::number(MaxHeadSize)}});
                continue;
            }
            const qint64 headBytes = end + terminator - before;
            used += headBytes;
            const QByteArray head = m_head.left(end);
            m_head.clear();
            if (!parseHead(head))
                return used;
            continue;
        }
        used += feedBody(data + used, size - used);
    }
    return used;
}

bool HttpResponseParser::parseHead(const QByteArray &head)
{
    const QList<QByteArray> lines = head.split('\n');
    const QByteArray statusLine = lines.first().trimmed();
    // "HTTP/1.1 200 OK"; the reason phrase may be empty.
    if (!statusLine.startsWith("HTTP/1.") || statusLine.size() < 12 || statusLine.at(8) != ' ') {
        fail({Problem::Kind::ResponseNotHttp});
        return false;
    }
    // Three digits, then a space or the end; Plugboard (and HTTP) know 100-599 only.
    const qint64 status = parseNumber(statusLine.mid(9, 3), 10);
    if (status < 0 || (statusLine.size() > 12 && statusLine.at(12) != ' ')) {
        fail({Problem::Kind::ResponseBadStatusLine});
        return false;
    }
    if (status < 100 || status > 599) {
        fail({Problem::Kind::ResponseStatusOutOfRange, {QString::number(status)}});
        return false;
    }
    const bool http10 = statusLine.at(7) == '0';

    HeaderList headers;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        if (line.at(0) == ' ' || line.at(0) == '\t') {
            fail({Problem::Kind::ResponseFoldedHeader});
            return false;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            fail({Problem::Kind::ResponseMalformedHeader});
            return false;
        }
        const QByteArray name = line.left(colon);
        for (const char c : name) {
            if (c <= ' ' || c >= 127) {
                fail({Problem::Kind::ResponseBadHeaderName});
                return false;
            }
        }
        const QByteArray value = trimOws(line.mid(colon + 1));
        // A CR, NUL or other control byte inside a value could split the header for whoever parses
        // it next (RFC 9110 5.5): refuse the response rather than pass it on or alter it.
        if (!isValidFieldValue(value)) {
            fail({Problem::Kind::ResponseHeaderControlCharacter, {QString::fromLatin1(name)}});
            return false;
        }
        headers.append({name, value});
    }

    if (status >= 100 && status < 200) {
        if (status == 101) {
            fail({Problem::Kind::ResponseSwitchedProtocols});
            return false;
        }
        return true; // 100 Continue, 103 Early Hints: the real response follows
    }

    m_status = int(status);
    m_headers = std::move(headers);
    m_keepAlive = !http10;
    qint64 length = -1;
    bool chunked = false;
    bool transferEncoding = false;
    int lengthFields = 0;
    QByteArray lengthValue;
    for (const auto &[name, value] : std::as_const(m_headers)) {
        if (equalsLower(name, "connection")) {
            if (fieldListHas(value, "close"))
                m_keepAlive = false;
            else if (fieldListHas(value, "keep-alive"))
                m_keepAlive = true;
        } else if (equalsLower(name, "transfer-encoding")) {
            transferEncoding = true;
            chunked = value.split(',').last().trimmed().compare("chunked", Qt::CaseInsensitive) == 0;
        } else if (equalsLower(name, "content-length")) {
            ++lengthFields;
            lengthValue = value;
            // "5", or a list of that same value ("5, 5", RFC 9110 8.6); anything else is ambiguous.
            for (const QByteArray &part : value.split(',')) {
                const qint64 n = parseNumber(trimOws(part), 10);
                if (n < 0 || (length >= 0 && length != n)) {
                    fail({Problem::Kind::ResponseBadContentLength, {QString::fromLatin1(value.left(64))}});
                    return false;
                }
                length = n;
            }
        }
    }
    auto dropContentLength = [this] {
        m_headers.removeIf([](const QPair<QByteArray, QByteArray> &h) { return equalsLower(h.first, "content-length"); });
    };
    if (transferEncoding && http10) {
        fail({Problem::Kind::ResponseTransferEncodingHttp10});
        return false;
    }
    if (transferEncoding && length >= 0) {
        // RFC 9112 6.3: Transfer-Encoding wins and the Content-Length is not passed on; a
        // connection that framed one message both ways is not trusted with another.
        dropContentLength();
        length = -1;
        m_keepAlive = false;
    } else if (length >= 0 && (lengthFields > 1 || lengthValue != QByteArray::number(length))) {
        // Equal values collapse into one field ("2, 2" is what the caller would get otherwise).
        dropContentLength();
        m_headers.append({"Content-Length", QByteArray::number(length)});
    }

    m_state = State::Body;
    if (m_noBody || status == 204 || status == 304) {
        m_framing = Framing::None;
        m_state = State::Complete;
    } else if (chunked) {
        m_framing = Framing::Chunked; // Transfer-Encoding wins over Content-Length (RFC 9112 6.3)
    } else if (length >= 0) {
        if (length > m_maxBodySize) {
            m_tooLarge = true;
            fail({Problem::Kind::ResponseLengthTooLarge, {QString::number(m_maxBodySize), QString::number(length)}});
            return false;
        }
        m_framing = Framing::Length;
        m_remaining = length;
        m_body.reserve(length); // held once, at its final size
        if (length == 0)
            m_state = State::Complete;
    } else {
        m_framing = Framing::UntilClose;
        m_keepAlive = false;
    }
    return true;
}

qint64 HttpResponseParser::feedBody(const char *data, qint64 size)
{
    switch (m_framing) {
    case Framing::None:
        m_state = State::Complete;
        return 0;
    case Framing::Length: {
        const qint64 take = std::min(size, m_remaining);
        if (!appendBody(data, take))
            return take;
        m_remaining -= take;
        if (m_remaining == 0)
            m_state = State::Complete;
        return take;
    }
    case Framing::UntilClose:
        appendBody(data, size);
        return size;
    case Framing::Chunked:
        return feedChunked(data, size);
    }
    return size;
}

qint64 HttpResponseParser::feedChunked(const char *data, qint64 size)
{
    qint64 used = 0;
    while (used < size && m_state == State::Body) {
        switch (m_chunkState) {
        case ChunkState::Size:
        case ChunkState::DataCrLf:
        case ChunkState::Trailer: {
            const char *nl = static_cast<const char *>(std::memchr(data + used, '\n', size_t(size - used)));
            const qint64 take = nl ? (nl - (data + used)) + 1 : size - used;
            m_line.append(data + used, take);
            used += take;
            if (m_line.size() > 4096) {
                fail({Problem::Kind::ResponseChunkLineTooLong});
                return used;
            }
            if (!nl)
                return used;
            QByteArray line = m_line;
            m_line.clear();
            line.chop(line.endsWith("\r\n") ? 2 : 1); // CRLF, or a bare LF
            if (m_chunkState == ChunkState::DataCrLf) {
                if (!line.isEmpty()) {
                    fail({Problem::Kind::ResponseMalformedChunk});
                    return used;
                }
                m_chunkState = ChunkState::Size;
            } else if (m_chunkState == ChunkState::Size) {
                const qsizetype semicolon = line.indexOf(';'); // chunk extensions are ignored
                QByteArray sizeText = semicolon >= 0 ? line.left(semicolon) : line;
                while (sizeText.endsWith(' ') || sizeText.endsWith('\t')) // BWS before an extension
                    sizeText.chop(1);
                // 1*HEXDIG only: "+5", "-5", "0x5" or " 5" mean different sizes to different parsers.
                const qint64 n = parseNumber(sizeText, 16);
                if (n < 0) {
                    fail({Problem::Kind::ResponseBadChunkSize,
                          {QString::fromLatin1(line.left(32).toPercentEncoding(" +-;"))}});
                    return used;
                }
                m_remaining = n;
                m_chunkState = n == 0 ? ChunkState::Trailer : ChunkState::Data;
            } else if (line.isEmpty()) { // Trailer: ends with an empty line; trailers are dropped
                m_state = State::Complete;
            }
            break;
        }
        case ChunkState::Data: {
            const qint64 take = std::min(size - used, m_remaining);
            if (!appendBody(data + used, take))
                return used + take;
            used += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_chunkState = ChunkState::DataCrLf;
            break;
        }
        }
    }
    return used;
}

bool HttpResponseParser::readBodyFrom(QIODevice *device)
{
    if (m_state != State::Body || m_framing != Framing::Length)
        return false;
    const qint64 want = std::min(m_remaining, device->bytesAvailable());
    if (want <= 0)
        return true;
    const qsizetype old = m_body.size();
    m_body.resize(old + want); // within the capacity reserved from Content-Length
    const qint64 got = device->read(m_body.data() + old, want);
    m_body.resize(old + std::max<qint64>(got, 0));
    if (got > 0) {
        m_sawAnyByte = true;
        m_remaining -= got;
    }
    if (m_remaining == 0)
        m_state = State::Complete;
    return true;
}

void HttpResponseParser::finishOnClose()
{
    if (m_state == State::Body && m_framing == Framing::UntilClose) {
        m_state = State::Complete;
        return;
    }
    if (m_state == State::Head || m_state == State::Body)
        fail({m_sawAnyByte ? Problem::Kind::ResponseCutShort : Problem::Kind::ResponseNothing});
}

} // namespace telephone

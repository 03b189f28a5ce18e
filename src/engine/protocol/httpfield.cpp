#include "protocol/httpfield.h"

namespace telephone {

bool isValidFieldValue(const QByteArray &value)
{
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

bool isHttpToken(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    static const QByteArray extra("!#$%&'*+-.^_`|~");
    for (const char c : text) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || extra.contains(c)))
            return false;
    }
    return true;
}

QByteArray trimOws(const QByteArray &text)
{
    qsizetype begin = 0;
    qsizetype end = text.size();
    while (begin < end && (text.at(begin) == ' ' || text.at(begin) == '\t'))
        ++begin;
    while (end > begin && (text.at(end - 1) == ' ' || text.at(end - 1) == '\t'))
        --end;
    return text.mid(begin, end - begin);
}

QList<QByteArray> fieldListElements(const QByteArray &value)
{
    QList<QByteArray> elements;
    for (const QByteArray &part : value.split(',')) {
        const QByteArray element = trimOws(part);
        if (!element.isEmpty())
            elements.append(element.toLower());
    }
    return elements;
}

bool fieldListHas(const QByteArray &value, const char *lowerElement)
{
    return fieldListElements(value).contains(QByteArray(lowerElement));
}

} // namespace telephone

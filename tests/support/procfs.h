#pragma once

// What /proc says about a process, for the benchmark and the chaos program. `pid` is a number or
// "self". Linux only, like those programs.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QList>

#include <unistd.h>

/// utime + stime of a process (all its threads), in seconds; -1 when unreadable.
inline double processCpuSeconds(const QByteArray &pid)
{
    QFile file(QByteArrayLiteral("/proc/") + pid + QByteArrayLiteral("/stat"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = file.readAll();
    // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return -1;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    // After ')': state is field 3, so utime (field 14) is at index 11 and stime (15) at 12.
    if (fields.size() < 13)
        return -1;
    static const double ticks = double(sysconf(_SC_CLK_TCK));
    return double(fields.at(11).toLongLong() + fields.at(12).toLongLong()) / ticks;
}

/// A "Vm...:  123 kB" (or "RssAnon:" ...) line of /proc/<pid>/status, in KiB; -1 when unreadable.
inline qint64 processStatusKib(const QByteArray &pid, const QByteArray &key)
{
    QFile file(QByteArrayLiteral("/proc/") + pid + QByteArrayLiteral("/status"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray status = file.readAll();
    const qsizetype at = status.indexOf("\n" + key);
    if (at < 0)
        return -1;
    const qsizetype end = status.indexOf('\n', at + 1);
    QByteArray value = status.mid(at + 1 + key.size(), end - at - 1 - key.size()).trimmed();
    if (value.endsWith(" kB"))
        value.chop(3);
    return value.trimmed().toLongLong();
}
inline qint64 processStatusKib(qint64 pid, const QByteArray &key)
{
    return processStatusKib(QByteArray::number(pid), key);
}

/// How many file descriptors the process has open; 0 when unreadable.
inline int processFdCount(qint64 pid)
{
    return int(QDir(QStringLiteral("/proc/%1/fd").arg(pid)).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot).size());
}

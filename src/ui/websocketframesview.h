#pragma once

#include "proxy/exchange.h"

#include <QWidget>

class QLabel;
class QTreeWidget;

namespace telephone {

/// The frames of one proxied WebSocket connection: a line of totals (frames and bytes each way,
/// how it closed), then one row per kept frame — time, direction (↑ to the backend, ↓ from it),
/// opcode, size and a preview (text as text, binary as hex, capped).
class WebSocketFramesView : public QWidget
{
    Q_OBJECT

public:
    enum Column { TimeColumn, DirectionColumn, OpcodeColumn, SizeColumn, PreviewColumn, ColumnCount };
    static constexpr int PreviewChars = 200;

    explicit WebSocketFramesView(QWidget *parent = nullptr);

    void setSession(const WebSocketSession &session);
    QTreeWidget *frameList() const { return m_frames; }
    QLabel *totals() const { return m_totals; }

    static QString opcodeName(int opcode);
    /// Text frames as text, others as hex bytes; at most PreviewChars characters, "…" when cut.
    static QString preview(const WebSocketFrameRecord &frame);

private:
    QLabel *m_totals;
    QTreeWidget *m_frames;
};

} // namespace telephone

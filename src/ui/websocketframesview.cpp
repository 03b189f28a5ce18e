#include "ui/websocketframesview.h"

#include "ui/humantext.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace telephone {

WebSocketFramesView::WebSocketFramesView(QWidget *parent)
    : QWidget(parent)
    , m_totals(new QLabel(this))
    , m_frames(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("webSocketFrames"));
    m_totals->setWordWrap(true);
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_frames->setRootIsDecorated(false);
    m_frames->setUniformRowHeights(true); // hundreds of frames: no per-row measuring
    m_frames->setHeaderLabels({tr("Time"), tr("Direction"), tr("Opcode"), tr("Size"), tr("Preview")});
    m_frames->header()->setStretchLastSection(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_totals);
    layout->addWidget(m_frames, 1);
}

QString WebSocketFramesView::opcodeName(int opcode)
{
    switch (opcode) {
    case 1: return QStringLiteral("text");
    case 2: return QStringLiteral("binary");
    case 9: return QStringLiteral("ping");
    case 10: return QStringLiteral("pong");
    default: return QString::number(opcode);
    }
}

QString WebSocketFramesView::preview(const WebSocketFrameRecord &frame)
{
    QString text;
    if (frame.opcode == 1) {
        // Cut at the data cap, a UTF-8 sequence may be split: the decoder marks it, nothing breaks.
        text = QString::fromUtf8(frame.data.left(PreviewChars * 4)).simplified();
    } else {
        text = QString::fromLatin1(frame.data.left(PreviewChars / 3 + 1).toHex(' '));
    }
    const bool cut = text.size() > PreviewChars || frame.truncated()
        || (frame.opcode != 1 && frame.data.size() > PreviewChars / 3 + 1);
    if (text.size() > PreviewChars)
        text.truncate(PreviewChars);
    return cut ? text + QStringLiteral("…") : text;
}

void WebSocketFramesView::setSession(const WebSocketSession &session)
{
    const QLocale locale;
    QString totals = tr("↑ to the backend: %1 frames, %2 · ↓ from the backend: %3 frames, %4")
                         .arg(session.framesToBackend)
                         .arg(locale.formattedDataSize(session.bytesToBackend, 1))
                         .arg(session.framesFromBackend)
                         .arg(locale.formattedDataSize(session.bytesFromBackend, 1));
    if (!session.protocol.isEmpty())
        totals += QStringLiteral(" · ") + tr("subprotocol %1").arg(session.protocol);
    QStringList lines{totals};
    if (session.closeCode != 0)
        lines << tr("Closed with %1 %2").arg(session.closeCode).arg(HumanText::closeReason(session));
    if (session.framesDropped > 0)
        lines << tr("%n older frame(s) not kept", nullptr, int(session.framesDropped));
    m_totals->setText(lines.join(QLatin1Char('\n')));

    // Rebuilt whole: at most WebSocketSession::MaxFrames rows, a few times a second at most.
    const bool atEnd = m_frames->topLevelItemCount() == 0
        || m_frames->currentItem() == m_frames->topLevelItem(m_frames->topLevelItemCount() - 1)
        || !m_frames->currentItem();
    m_frames->clear();
    QList<QTreeWidgetItem *> items;
    items.reserve(session.frames.size());
    for (const WebSocketFrameRecord &frame : session.frames) {
        auto *item = new QTreeWidgetItem;
        item->setText(TimeColumn, frame.at.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")));
        const bool up = frame.direction == WebSocketFrameRecord::ToBackend;
        item->setText(DirectionColumn, up ? QStringLiteral("↑") : QStringLiteral("↓"));
        item->setToolTip(DirectionColumn, up ? tr("from the browser to the backend") : tr("from the backend to the browser"));
        item->setText(OpcodeColumn, opcodeName(frame.opcode));
        item->setText(SizeColumn, locale.formattedDataSize(frame.size, 1));
        item->setTextAlignment(SizeColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(PreviewColumn, preview(frame));
        items.append(item);
    }
    m_frames->addTopLevelItems(items);
    if (atEnd)
        m_frames->scrollToBottom();
}

} // namespace telephone

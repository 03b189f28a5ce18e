#pragma once

#include "proxy/exchange.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace telephone {

/// Edit and replay: the captured request's method, path with query, headers ("Name: value", one a
/// line) and body, editable before it is sent to the backend again. Nothing is sent until Replay.
class ReplayEditor : public QDialog
{
    Q_OBJECT

public:
    explicit ReplayEditor(const Exchange &original, QWidget *parent = nullptr);

    /// The request as edited, ready for Tunnel::replay; nullopt with *problem when a line is not
    /// a header.
    std::optional<Exchange> edited(QString *problem) const;

    QComboBox *methodEdit() const { return m_method; }
    QLineEdit *targetEdit() const { return m_target; }
    QPlainTextEdit *headersEdit() const { return m_headers; }
    QPlainTextEdit *bodyEdit() const { return m_body; }

public slots:
    void accept() override;

private:
    Exchange m_original;
    QComboBox *m_method;
    QLineEdit *m_target;
    QPlainTextEdit *m_headers;
    QPlainTextEdit *m_body;
    QLabel *m_message;
};

} // namespace telephone

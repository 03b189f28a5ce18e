#pragma once

#include <QPointer>
#include <QUrl>
#include <QWidget>

class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QNetworkReply;
class QPushButton;

namespace telephone {

class ConfigWriter;

/// The first thing a new desktop user sees when there is no server, backend or token yet: three
/// fields and Connect, instead of an error about command-line flags. The backend is asked for an
/// answer (any HTTP status will do) before anything is saved; server and backend go to the config
/// file, the token is handed on (it belongs in the encrypted token store, never in the file).
class FirstRunPage : public QWidget
{
    Q_OBJECT

public:
    /// What is filled in when nothing is configured (a build may set the deployed server).
    static QString defaultServer();

    FirstRunPage(ConfigWriter *writer, QWidget *parent = nullptr);

    /// Pre-fills what is already known (from the command line, environment or config file).
    void setKnown(const QUrl &server, const QUrl &backend);

    QLineEdit *serverEdit() const { return m_server; }
    QLineEdit *tokenEdit() const { return m_token; }
    QLineEdit *backendEdit() const { return m_backend; }
    QPushButton *connectButton() const { return m_connect; }
    QLabel *messageLabel() const { return m_message; }
    QLabel *tokenPreviewLabel() const { return m_tokenPreview; }

signals:
    /// Saved: server and backend are in the config file; `token` is what was pasted.
    void completed(const QString &token);

private:
    void validate();
    void onConnectClicked();
    void onBackendAnswer(QNetworkReply *reply);
    void save();
    void showMessage(const QString &text, bool problem);

    ConfigWriter *m_writer;
    QLineEdit *m_server;
    QLineEdit *m_token;
    QLineEdit *m_backend;
    QLabel *m_serverHint;
    QLabel *m_tokenPreview;
    QLabel *m_backendHint;
    QLabel *m_message;
    QPushButton *m_connect;
    QNetworkAccessManager *m_network;
    QPointer<QNetworkReply> m_probe;
    QUrl m_backendUrl;
    QUrl m_serverUrl;
    QString m_uncheckedBackend; ///< the backend text a failed check was for: a second Connect saves it
};

} // namespace telephone

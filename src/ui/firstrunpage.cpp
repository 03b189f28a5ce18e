#include "ui/firstrunpage.h"

#include "config/settings.h"
#include "ui/configwriter.h"
#include "ui/tokenpreview.h"

#include <QDateTime>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPushButton>
#include <QVBoxLayout>

#ifndef TELEPHONE_DEFAULT_SERVER
#define TELEPHONE_DEFAULT_SERVER "wss://plugboard.example"
#endif

namespace telephone {

namespace {

constexpr int BackendCheckTimeoutMs = 3000;

void setHint(QLabel *label, const QString &text, bool problem)
{
    label->setText(text);
    label->setStyleSheet(problem ? QStringLiteral("color: #d93a3a;") : QString());
}

} // namespace

QString FirstRunPage::defaultServer()
{
    return QStringLiteral(TELEPHONE_DEFAULT_SERVER);
}

FirstRunPage::FirstRunPage(ConfigWriter *writer, QWidget *parent)
    : QWidget(parent)
    , m_writer(writer)
    , m_server(new QLineEdit(defaultServer(), this))
    , m_token(new QLineEdit(this))
    , m_backend(new QLineEdit(this))
    , m_serverHint(new QLabel(this))
    , m_tokenPreview(new QLabel(this))
    , m_backendHint(new QLabel(this))
    , m_message(new QLabel(this))
    , m_connect(new QPushButton(tr("Connect"), this))
    , m_network(new QNetworkAccessManager(this))
{
    setObjectName(QStringLiteral("firstRunPage"));
    setWindowTitle(tr("Set up Telephone"));
    m_server->setObjectName(QStringLiteral("setupServer"));
    m_token->setObjectName(QStringLiteral("setupToken"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("eyJ… (from Plugboard)"));
    m_backend->setObjectName(QStringLiteral("setupBackend"));
    m_backend->setPlaceholderText(tr("3000 or http://127.0.0.1:3000"));
    m_message->setObjectName(QStringLiteral("setupMessage"));
    m_tokenPreview->setObjectName(QStringLiteral("setupTokenPreview"));
    m_connect->setObjectName(QStringLiteral("setupConnect"));
    m_connect->setDefault(true);
    m_connect->setAutoDefault(true);
    for (QLabel *label : {m_serverHint, m_tokenPreview, m_backendHint, m_message}) {
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }

    auto *intro = new QLabel(tr("<b>Connect a local port to Plugboard</b><br>Three things, once. They are kept "
                                "for the next start; the token is stored encrypted."),
                             this);
    intro->setWordWrap(true);

    auto *form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->addRow(tr("Server:"), m_server);
    form->addRow(QString(), m_serverHint);
    form->addRow(tr("Token:"), m_token);
    form->addRow(QString(), m_tokenPreview);
    form->addRow(tr("Local port or URL:"), m_backend);
    form->addRow(QString(), m_backendHint);

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_connect);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addStretch(1);
    layout->addLayout(buttons);

    for (QLineEdit *edit : {m_server, m_token, m_backend}) {
        connect(edit, &QLineEdit::textChanged, this, &FirstRunPage::validate);
        connect(edit, &QLineEdit::returnPressed, m_connect, &QPushButton::click);
    }
    connect(m_connect, &QPushButton::clicked, this, &FirstRunPage::onConnectClicked);
    connect(m_network, &QNetworkAccessManager::finished, this, &FirstRunPage::onBackendAnswer);
    setTabOrder(m_server, m_token);
    setTabOrder(m_token, m_backend);
    setTabOrder(m_backend, m_connect);
    validate();
}

void FirstRunPage::setKnown(const QUrl &server, const QUrl &backend)
{
    if (!server.isEmpty())
        m_server->setText(server.toString());
    if (!backend.isEmpty())
        m_backend->setText(backend.toString());
}

void FirstRunPage::validate()
{
    QString error;
    const std::optional<QUrl> server = Settings::parseServer(m_server->text().trimmed(), &error);
    m_serverUrl = server.value_or(QUrl());
    if (m_server->text().trimmed().isEmpty())
        setHint(m_serverHint, tr("The Plugboard server's address, e.g. wss://plugboard.example"), false);
    else
        setHint(m_serverHint, server ? tr("Connects to %1").arg(server->toString()) : error, !server);

    const TokenPreview preview = TokenPreview::describe(m_token->text().trimmed(), QString(),
                                                        QDateTime::currentSecsSinceEpoch());
    if (preview.empty)
        setHint(m_tokenPreview, tr("Paste the token Plugboard gave you for your mount."), false);
    else if (!preview.usable())
        setHint(m_tokenPreview, preview.error, true);
    else
        setHint(m_tokenPreview,
                tr("Mount %1 · issued %2 · %3")
                    .arg(preview.claims.pathId, preview.issuedText(), preview.expiryText(QDateTime::currentSecsSinceEpoch())),
                false);

    const QString backendText = m_backend->text().trimmed();
    const std::optional<QUrl> backend = backendText.isEmpty() ? std::nullopt : Settings::parseBackend(backendText, &error);
    m_backendUrl = backend.value_or(QUrl());
    if (backendText.isEmpty())
        setHint(m_backendHint, tr("Where your app listens on this computer: a port number or a URL."), false);
    else
        setHint(m_backendHint, backend ? tr("Requests go to %1").arg(backend->toString()) : error, !backend);

    if (backendText != m_uncheckedBackend) {
        m_uncheckedBackend.clear();
        m_connect->setText(tr("Connect"));
    }
    m_connect->setEnabled(server && backend && preview.usable() && !m_probe);
}

void FirstRunPage::onConnectClicked()
{
    if (!m_connect->isEnabled())
        return;
    // Asked once already and nobody answered: the user knows, and may start the app later.
    if (!m_uncheckedBackend.isEmpty() && m_uncheckedBackend == m_backend->text().trimmed()) {
        save();
        return;
    }
    showMessage(tr("Checking that something answers at %1…").arg(m_backendUrl.toString()), false);
    QNetworkRequest request(m_backendUrl);
    request.setTransferTimeout(BackendCheckTimeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // HEAD: the backend's own logs show one harmless request, and no body is read.
    m_probe = m_network->head(request);
    m_connect->setEnabled(false);
}

void FirstRunPage::onBackendAnswer(QNetworkReply *reply)
{
    reply->deleteLater();
    if (reply != m_probe)
        return;
    m_probe.clear();
    // Any HTTP status, 404 or 500 included, means a server listens there.
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (status.isValid()) {
        save();
        return;
    }
    m_uncheckedBackend = m_backend->text().trimmed();
    showMessage(tr("Nothing answers at %1 (%2). Start your app and press Connect again, or connect anyway.")
                    .arg(m_backendUrl.toString(), reply->errorString()),
                true);
    m_connect->setText(tr("Connect anyway"));
    validate();
}

void FirstRunPage::save()
{
    QString error;
    const QHash<QString, QString> values{{QStringLiteral("server"), m_server->text().trimmed()},
                                         {QStringLiteral("backend"), m_backend->text().trimmed()}};
    if (!m_writer->write(values, &error)) {
        showMessage(tr("Could not save the settings: %1").arg(error), true);
        validate();
        return;
    }
    showMessage(tr("Saved. Connecting…"), false);
    emit completed(m_token->text().trimmed());
}

void FirstRunPage::showMessage(const QString &text, bool problem)
{
    setHint(m_message, text, problem);
}

} // namespace telephone

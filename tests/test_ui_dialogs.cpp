// The token dialog and the settings dialog, driven like a person would under
// QT_QPA_PLATFORM=offscreen: typing into real widgets, clicking real buttons, against a real
// tunnel connected to the Plugboard simulator and a real config file read back by Settings.

#include "sim/plugboardsimulator.h"
#include "sim/tokenminter.h"
#include "tokens/tokensink.h"
#include "tunnel/tunnel.h"
#include "tokens/keychainsecretstore.h"
#include "tokens/serviceaccountkey.h"
#include "ui/autostart.h"
#include "ui/configwriter.h"
#include "ui/settingsdialog.h"
#include "ui/tokendialog.h"
#include "ui/tokenpreview.h"
#include "ui/tunneleditdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCommandLineParser>
#include <QDialogButtonBox>
#include <QFile>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcessEnvironment>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <unistd.h>

#include "support/keychainprobe.h"

using namespace telephone;
using namespace std::chrono_literals;

namespace {

std::optional<Settings> resolveWithConfig(const QString &file, const QProcessEnvironment &env = {})
{
    QCommandLineParser parser;
    Settings::addOptions(parser);
    if (!parser.parse({QStringLiteral("telephone"), QStringLiteral("--config"), file}))
        return std::nullopt;
    QString error;
    return Settings::resolve(parser, env, &error);
}

std::optional<TunnelSettingsList> resolveTunnelsWithConfig(const QString &file)
{
    QCommandLineParser parser;
    Settings::addOptions(parser);
    if (!parser.parse({QStringLiteral("telephone"), QStringLiteral("--config"), file}))
        return std::nullopt;
    QString error;
    return Settings::resolveTunnels(parser, QProcessEnvironment(), &error);
}

const Settings *tunnelNamed(const TunnelSettingsList &list, const QString &name)
{
    for (const Settings &tunnel : list.tunnels) {
        if (tunnel.tunnelName() == name)
            return &tunnel;
    }
    return nullptr;
}

void writeFile(const QString &file, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(file).absolutePath());
    QFile f(file);
    f.open(QIODevice::WriteOnly);
    f.write(text);
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

void typeInto(QLineEdit *edit, const QString &text)
{
    edit->clear();
    QTest::keyClicks(edit, text);
}

// One entry of the real Secret Service, as the app reads it.
QByteArray readKeychainEntry(const QString &entry, bool *found)
{
    KeychainSecretStore keychain;
    QSignalSpy read(&keychain, &KeychainSecretStore::entryRead);
    QSignalSpy failed(&keychain, &KeychainSecretStore::failed);
    keychain.readEntry(entry);
    if (!read.wait(15000))
        qWarning("keychain: %s", failed.isEmpty() ? "no answer" : qPrintable(failed.first().first().toString()));
    *found = !read.isEmpty() && read.first().at(2).toBool();
    return read.isEmpty() ? QByteArray() : read.first().at(1).toByteArray();
}

// Writes `data` into the entry of the real Secret Service, as `telephone token key set` does.
bool writeKeychainEntry(const QString &entry, const QByteArray &data)
{
    KeychainSecretStore keychain;
    QSignalSpy written(&keychain, &KeychainSecretStore::entryWritten);
    keychain.writeEntry(entry, data);
    return written.wait(15000);
}

bool deleteKeychainEntry(const QString &entry)
{
    KeychainSecretStore keychain;
    QSignalSpy deleted(&keychain, &KeychainSecretStore::keyDeleted);
    keychain.deleteEntry(entry);
    return deleted.wait(15000);
}

// Clicks Edit for the tunnel in `row` of the settings dialog's list: the editor it opens.
TunnelEditDialog *openTunnelEditor(SettingsDialog &dialog, int row)
{
    dialog.findChild<QListWidget *>(QStringLiteral("tunnelList"))->setCurrentRow(row);
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("editTunnel")), Qt::LeftButton);
    return dialog.findChild<TunnelEditDialog *>();
}

// A settings dialog, shown, on a config file with a general server and backend and `tunnels`.
struct DialogOnFile {
    DialogOnFile(const QString &configFile, const QByteArray &tunnels)
        : file(configFile)
        , writer(configFile)
    {
        writeFile(file, "server = wss://general.example\nbackend = 3000\n\n" + tunnels);
        settings = resolveWithConfig(file);
        if (settings) {
            dialog = std::make_unique<SettingsDialog>(*settings, &writer, nullptr);
            dialog->show();
        }
    }
    QString file;
    ConfigWriter writer;
    std::optional<Settings> settings;
    std::unique_ptr<SettingsDialog> dialog;
};

// The secret is in no title, line edit, label or tooltip of the window.
bool noWidgetShowsKey(const QWidget &window, const QString &key)
{
    if (window.windowTitle().contains(key))
        return false;
    for (const QLineEdit *edit : window.findChildren<QLineEdit *>()) {
        if (edit->text().contains(key) || edit->toolTip().contains(key))
            return false;
    }
    for (const QLabel *label : window.findChildren<QLabel *>()) {
        if (label->text().contains(key) || label->toolTip().contains(key))
            return false;
    }
    return true;
}

} // namespace

class TestUiDialogs : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    sim::PlugboardSimulator *m_sim = nullptr;
    QString m_demoPath;
    QString m_otherPath;
    bool m_keychain = false;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_sim = new sim::PlugboardSimulator(this);
        QVERIFY(m_sim->listen());
        m_demoPath = m_sim->addMount(QStringLiteral("/demo"));
        m_otherPath = m_sim->addMount(QStringLiteral("/other"));
        m_keychain = keychainprobe::keychainAvailable();
    }

    // ---- token dialog ----

    void previewDescribesTokens()
    {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        sim::TokenMinter minter;
        const QString token = minter.mint({{"path_id", "p1"}, {"sub", "alice"}, {"iat", now - 60}, {"exp", now + 2520}});
        TokenPreview preview = TokenPreview::describe(QStringLiteral("  ") + token + QStringLiteral("\n"), QStringLiteral("p1"), now);
        QVERIFY(preview.usable());
        QVERIFY(!preview.otherMount);
        QCOMPARE(preview.claims.sub, QStringLiteral("alice"));
        QVERIFY(preview.expiryText(now).contains(QStringLiteral("expires in 42 min")));

        preview = TokenPreview::describe(token, QStringLiteral("p2"), now);
        QVERIFY(preview.usable());
        QVERIFY(preview.otherMount);

        const QString expired = minter.mint({{"path_id", "p1"}, {"iat", now - 7200}, {"exp", now - 180}});
        preview = TokenPreview::describe(expired, QString(), now);
        QVERIFY(preview.decoded);
        QVERIFY(preview.expired);
        QVERIFY(!preview.usable());
        QVERIFY(preview.expiryText(now).contains(QStringLiteral("expired 3 min ago")));

        preview = TokenPreview::describe(QStringLiteral("not-a-jwt"), QString(), now);
        QVERIFY(!preview.decoded);
        QVERIFY(!preview.error.isEmpty());
        QVERIFY(!preview.error.contains(QStringLiteral("not-a-jwt"))); // never echoes the input
        QVERIFY(TokenPreview::describe(QString(), QString(), now).empty);
    }

    void tokenDialogPreviewsAndSwitchesTheTunnel()
    {
        TunnelConfig config;
        config.server = m_sim->socketUrl();
        config.token = m_sim->mintToken(m_demoPath);
        config.backend = QUrl(QStringLiteral("http://127.0.0.1:9"));
        MemoryTokenSink sink;
        Tunnel tunnel(config, &sink);
        QSignalSpy states(&tunnel, &Tunnel::stateChanged);
        tunnel.start();
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), Tunnel::State::Connected, 5000);
        QCOMPARE(tunnel.mountPath(), QStringLiteral("/demo"));

        TokenDialog dialog(&tunnel);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *edit = dialog.findChild<QLineEdit *>(QStringLiteral("tokenEdit"));
        QVERIFY(edit);
        QCOMPARE(edit->echoMode(), QLineEdit::Password); // masked until asked
        QVERIFY(!dialog.saveButton()->isEnabled());

        // Garbage: explained, Save stays off.
        typeInto(edit, QStringLiteral("hello"));
        QVERIFY(!dialog.saveButton()->isEnabled());
        QVERIFY(!dialog.messageLabel()->text().isEmpty());
        QCOMPARE(dialog.mountLabel()->text(), QStringLiteral("–"));

        // Expired: the claims show, Save stays off.
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        typeInto(edit, sim::TokenMinter().mint({{"path_id", m_demoPath}, {"iat", now - 7200}, {"exp", now - 60}}));
        QCOMPARE(dialog.mountLabel()->text(), m_demoPath);
        QVERIFY(dialog.expiryLabel()->text().contains(QStringLiteral("expired")));
        QVERIFY(!dialog.saveButton()->isEnabled());

        // A token for another mount: warned, and Save switches the running tunnel to it.
        const QString other = m_sim->mintToken(m_otherPath, 3600);
        typeInto(edit, other);
        QCOMPARE(dialog.mountLabel()->text(), m_otherPath);
        QVERIFY(dialog.expiryLabel()->text().contains(QStringLiteral("expires in 59 min"))
                || dialog.expiryLabel()->text().contains(QStringLiteral("expires in 1 h")));
        QVERIFY(dialog.messageLabel()->text().contains(QStringLiteral("another mount")));
        QVERIFY(dialog.messageLabel()->text().contains(QStringLiteral("/demo")));
        QVERIFY(dialog.saveButton()->isEnabled());
        // The token never reaches the window title.
        QVERIFY(!dialog.windowTitle().contains(other));

        auto *show = dialog.findChild<QCheckBox *>(QStringLiteral("showToken"));
        QTest::mouseClick(show, Qt::LeftButton, {}, QPoint(5, show->height() / 2));
        QCOMPARE(edit->echoMode(), QLineEdit::Normal);

        QSignalSpy accepted(&dialog, &QDialog::accepted);
        QTest::mouseClick(dialog.saveButton(), Qt::LeftButton);
        QCOMPARE(accepted.count(), 1);
        QCOMPARE(tunnel.claims().pathId, m_otherPath);
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.mountPath(), QStringLiteral("/other"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), Tunnel::State::Connected, 5000);

        QSignalSpy stopped(&tunnel, &Tunnel::stopped);
        tunnel.stop();
        QVERIFY(stopped.wait(5000));
    }

    void tokenDialogSaveStartsAStoppedTunnel()
    {
        TunnelConfig config;
        config.server = m_sim->socketUrl();
        config.backend = QUrl(QStringLiteral("http://127.0.0.1:9"));
        MemoryTokenSink sink;
        Tunnel tunnel(config, &sink); // no token at all: never started
        QCOMPARE(tunnel.state(), Tunnel::State::Disconnected);
        TokenDialog dialog(&tunnel);
        dialog.setToken(m_sim->mintToken(m_demoPath));
        QVERIFY(dialog.saveButton()->isEnabled());
        QVERIFY(dialog.messageLabel()->text().contains(QStringLiteral("looks usable")));
        QTest::mouseClick(dialog.saveButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(tunnel.state(), Tunnel::State::Connected, 5000);
        QSignalSpy stopped(&tunnel, &Tunnel::stopped);
        tunnel.stop();
        QVERIFY(stopped.wait(5000));
    }

    // ---- config writer ----

    void configWriterKeepsOtherKeysAndReadsBack()
    {
        const QString file = m_dir.filePath(QStringLiteral("keep/telephone.ini"));
        QVERIFY(QDir().mkpath(QFileInfo(file).absolutePath()));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("heartbeat-interval=12\nlog-format=json\nbackend=3000\n");
            QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        }
        ConfigWriter writer(file);
        QCOMPARE(writer.storedValue(QStringLiteral("backend")), QStringLiteral("3000"));
        QVERIFY(writer.storedValue(QStringLiteral("server")).isNull());
        QString error;
        // A value with commas, '=' and ';' survives the round trip through QSettings.
        QVERIFY2(writer.write({{QStringLiteral("server"), QStringLiteral("wss://h.example/ws?a=1,b=2;c")},
                               {QStringLiteral("backend"), QString()}, // removed: back to the default
                               {QStringLiteral("icon-style"), QStringLiteral("dark")}},
                              &error),
                 qPrintable(error));
        QCOMPARE(QFile::permissions(file) & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());

        const auto settings = resolveWithConfig(file);
        QVERIFY(settings);
        QCOMPARE(settings->value(QStringLiteral("server")), QStringLiteral("wss://h.example/ws?a=1,b=2;c"));
        QCOMPARE(settings->heartbeatInterval(), 12000ms);
        QCOMPARE(settings->logFormat(), QStringLiteral("json"));
        QCOMPARE(settings->iconStyle(), QStringLiteral("dark"));
        QVERIFY(settings->backendUrl().isEmpty());
        QVERIFY(settings->warnings().isEmpty());
        // Nothing but the file itself is left behind (the write went through a temporary file).
        QCOMPARE(QDir(QFileInfo(file).absolutePath()).entryList(QDir::Files), QStringList{QStringLiteral("telephone.ini")});

        // The token and unknown keys are refused; the file is untouched.
        QVERIFY(!writer.write({{QStringLiteral("token"), QStringLiteral("eyJ")}}, &error));
        QVERIFY(!writer.write({{QStringLiteral("no-such-key"), QStringLiteral("x")}}, &error));
        QVERIFY(writer.storedValue(QStringLiteral("token")).isNull());
    }

    void configWriterCreatesPrivateFile()
    {
        const QString file = m_dir.filePath(QStringLiteral("new/dir/telephone.ini"));
        ConfigWriter writer(file);
        QString error;
        QVERIFY2(writer.write({{QStringLiteral("start-hidden"), QStringLiteral("true")}}, &error), qPrintable(error));
        QCOMPARE(QFile::permissions(file) & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
                 QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QVERIFY(resolveWithConfig(file)->startHidden());
    }

    void configWriterReportsUnwritableFile()
    {
        if (geteuid() == 0)
            QSKIP("root can write anywhere");
        const QString dir = m_dir.filePath(QStringLiteral("readonly"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        ConfigWriter writer(dir + QStringLiteral("/telephone.ini"));
        QString error;
        QVERIFY(!writer.write({{QStringLiteral("start-hidden"), QStringLiteral("true")}}, &error));
        QVERIFY(!error.isEmpty());
        QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }

    // Issue 15: [tunnel.NAME] sections written by ConfigWriter read back by Settings exactly as written.
    void configWriterTunnelsRoundTrip()
    {
        const QString file = m_dir.filePath(QStringLiteral("tunnels-rt/telephone.ini"));
        const QString tokenFile = m_dir.filePath(QStringLiteral("tunnels-rt/my token, v2.jwt"));
        writeFile(file, "backend = 3000\n[ui]\ngeometry = 1,2,3\n[tunnel.old]\nserver = wss://old.example\n");
        writeFile(tokenFile, "eyJhbGciOiJub25lIn0.eyJwYXRoX2lkIjoicCJ9.\n");
        ConfigWriter writer(file);
        QCOMPARE(writer.tunnels().size(), 1);
        QCOMPARE(writer.tunnels().first().name, QStringLiteral("old"));
        const QList<ConfigWriter::TunnelSection> tunnels{
            {QStringLiteral("api"),
             {{QStringLiteral("server"), QStringLiteral("wss://h.example/ws?a=1,b=2;c")},
              {QStringLiteral("token-file"), tokenFile},
              {QStringLiteral("request-timeout"), QStringLiteral("20")}}},
            {QStringLiteral("web_2"), {{QStringLiteral("server"), QStringLiteral("ws://127.0.0.1:4000")},
                                       {QStringLiteral("backend"), QStringLiteral("https://local.test/base")}}},
        };
        QString error;
        QVERIFY2(writer.write({}, tunnels, &error), qPrintable(error));
        QCOMPARE(writer.tunnels(), tunnels);

        const auto list = resolveTunnelsWithConfig(file);
        QVERIFY(list);
        QVERIFY2(list->errors.isEmpty(), qPrintable(list->errors.join(QLatin1Char('\n'))));
        QCOMPARE(list->tunnels.size(), 2); // "old" is gone; no command-line tunnel with sections
        const Settings *api = tunnelNamed(*list, QStringLiteral("api"));
        const Settings *web = tunnelNamed(*list, QStringLiteral("web_2"));
        QVERIFY(api && web);
        QCOMPARE(api->value(QStringLiteral("server")), QStringLiteral("wss://h.example/ws?a=1,b=2;c"));
        QCOMPARE(api->value(QStringLiteral("token-file")), tokenFile);
        QCOMPARE(api->token(), QStringLiteral("eyJhbGciOiJub25lIn0.eyJwYXRoX2lkIjoicCJ9."));
        QCOMPARE(api->requestTimeout(), 20000ms);
        QCOMPARE(api->backendUrl(), QUrl(QStringLiteral("http://127.0.0.1:3000"))); // from [general]
        QCOMPARE(web->backendUrl(), QUrl(QStringLiteral("https://local.test/base")));
        // Other sections stay.
        QCOMPARE(QSettings(file, QSettings::IniFormat).value(QStringLiteral("ui/geometry")).toStringList().join(QLatin1Char(',')),
                 QStringLiteral("1,2,3"));

        // What Settings would reject is not written: the file is unchanged.
        for (const QString &bad : {QStringLiteral("default"), QStringLiteral("has space"), QStringLiteral("API")}) {
            QList<ConfigWriter::TunnelSection> invalid = tunnels;
            invalid << ConfigWriter::TunnelSection{bad, {{QStringLiteral("server"), QStringLiteral("wss://x.example")}}};
            QVERIFY2(!writer.write({}, invalid, &error), qPrintable(bad));
            QVERIFY(error.contains(bad));
        }
        QVERIFY(!writer.write({}, {{QStringLiteral("x"), {{QStringLiteral("log-format"), QStringLiteral("json")}}}}, &error));
        QVERIFY(error.contains(QStringLiteral("log-format")));
        QCOMPARE(writer.tunnels(), tunnels);
    }

    // Issue 15: the settings dialog's tunnel list: add, edit and remove, with inline errors, written
    // on Save and read back by Settings; keys the form does not show (a token) are kept.
    void settingsDialogAddsEditsAndRemovesTunnels()
    {
        const QString file = m_dir.filePath(QStringLiteral("tunnels-dialog/telephone.ini"));
        writeFile(file, "server = wss://general.example\n\n[tunnel.api]\nbackend = 3000\n"
                        "token = eyJhbGciOiJub25lIn0.eyJwYXRoX2lkIjoiYXBpIn0.\nrequest-timeout = 20\n\n[ui]\nsplitter = 5\n");
        const auto settings = resolveWithConfig(file);
        QVERIFY(settings);
        ConfigWriter writer(file);
        SettingsDialog dialog(*settings, &writer, nullptr);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *list = dialog.findChild<QListWidget *>(QStringLiteral("tunnelList"));
        auto *add = dialog.findChild<QPushButton *>(QStringLiteral("addTunnel"));
        auto *edit = dialog.findChild<QPushButton *>(QStringLiteral("editTunnel"));
        auto *remove = dialog.findChild<QPushButton *>(QStringLiteral("removeTunnel"));
        auto *note = dialog.findChild<QLabel *>(QStringLiteral("tunnelNote"));
        QVERIFY(list && add && edit && remove && note);
        QVERIFY(note->text().contains(QStringLiteral("take effect after restart")));
        QCOMPARE(list->count(), 1);
        QVERIFY(list->item(0)->text().startsWith(QStringLiteral("api")));

        // Add: every field explains what is wrong under it, and OK waits until all are right.
        QTest::mouseClick(add, Qt::LeftButton);
        auto *editor = dialog.findChild<TunnelEditDialog *>();
        QVERIFY(editor);
        QVERIFY(QTest::qWaitForWindowExposed(editor));
        auto *name = editor->findChild<QLineEdit *>(QStringLiteral("tunnelName"));
        auto *server = editor->findChild<QLineEdit *>(QStringLiteral("tunnelServer"));
        auto *backend = editor->findChild<QLineEdit *>(QStringLiteral("tunnelBackend"));
        auto *tokenFile = editor->findChild<QLineEdit *>(QStringLiteral("tunnelTokenFile"));
        auto *nameError = editor->findChild<QLabel *>(QStringLiteral("tunnelNameError"));
        auto *serverError = editor->findChild<QLabel *>(QStringLiteral("tunnelServerError"));
        auto *backendError = editor->findChild<QLabel *>(QStringLiteral("tunnelBackendError"));
        auto *tokenFileError = editor->findChild<QLabel *>(QStringLiteral("tunnelTokenFileError"));
        QPushButton *ok = editor->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(name && server && backend && tokenFile && nameError && serverError && backendError && tokenFileError);
        QVERIFY(!ok->isEnabled());
        QVERIFY(server->placeholderText().contains(QStringLiteral("wss://general.example")));
        QVERIFY(backendError->text().contains(QStringLiteral("the general settings have none")));
        typeInto(name, QStringLiteral("my api"));
        QVERIFY(nameError->text().contains(QStringLiteral("letters, digits, - and _")));
        typeInto(name, QStringLiteral("Default"));
        QVERIFY(nameError->text().contains(QStringLiteral("command line")));
        typeInto(name, QStringLiteral("API"));
        QVERIFY(nameError->text().contains(QStringLiteral("Another tunnel")));
        typeInto(name, QStringLiteral("web"));
        QVERIFY(nameError->text().isEmpty() && nameError->isHidden());
        typeInto(server, QStringLiteral("ftp://web.example"));
        QVERIFY(!serverError->text().isEmpty());
        typeInto(server, QStringLiteral("https://web.example"));
        QVERIFY(serverError->text().isEmpty());
        typeInto(backend, QStringLiteral("99999"));
        QVERIFY(!backendError->text().isEmpty());
        QVERIFY(!ok->isEnabled());
        typeInto(backend, QStringLiteral("3001"));
        typeInto(tokenFile, m_dir.filePath(QStringLiteral("no-such.jwt")));
        QVERIFY(tokenFileError->text().contains(QStringLiteral("There is no file")));
        QVERIFY(!ok->isEnabled());
        tokenFile->clear();
        QVERIFY(ok->isEnabled());
        QTest::mouseClick(ok, Qt::LeftButton);
        QTRY_VERIFY(!dialog.findChild<TunnelEditDialog *>());
        QCOMPARE(list->count(), 2);

        // Edit api: its token and timeout, which the form does not show, stay.
        list->setCurrentRow(0);
        QTest::mouseClick(edit, Qt::LeftButton);
        editor = dialog.findChild<TunnelEditDialog *>();
        QVERIFY(editor);
        QCOMPARE(editor->findChild<QLineEdit *>(QStringLiteral("tunnelName"))->text(), QStringLiteral("api"));
        typeInto(editor->findChild<QLineEdit *>(QStringLiteral("tunnelBackend")), QStringLiteral("4000"));
        QTest::mouseClick(editor->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QTRY_VERIFY(!dialog.findChild<TunnelEditDialog *>());
        QVERIFY(list->item(0)->text().contains(QStringLiteral("4000")));

        // Nothing is written before Save.
        QCOMPARE(writer.tunnels().size(), 1);
        QTest::mouseClick(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save), Qt::LeftButton);
        auto reread = resolveTunnelsWithConfig(file);
        QVERIFY(reread);
        QVERIFY2(reread->errors.isEmpty(), qPrintable(reread->errors.join(QLatin1Char('\n'))));
        const Settings *api = tunnelNamed(*reread, QStringLiteral("api"));
        const Settings *web = tunnelNamed(*reread, QStringLiteral("web"));
        QVERIFY(api && web);
        QCOMPARE(api->backendUrl(), QUrl(QStringLiteral("http://127.0.0.1:4000")));
        QCOMPARE(api->token(), QStringLiteral("eyJhbGciOiJub25lIn0.eyJwYXRoX2lkIjoiYXBpIn0."));
        QCOMPARE(api->requestTimeout(), 20000ms);
        QCOMPARE(api->serverUrl(), QUrl(QStringLiteral("wss://general.example/socket/websocket")));
        QCOMPARE(web->serverUrl(), QUrl(QStringLiteral("wss://web.example/socket/websocket")));
        QCOMPARE(web->backendUrl(), QUrl(QStringLiteral("http://127.0.0.1:3001")));
        QCOMPARE(QSettings(file, QSettings::IniFormat).value(QStringLiteral("ui/splitter")).toString(), QStringLiteral("5"));

        // Opened again: the list is what the file holds; Remove, then Save, removes the section.
        SettingsDialog again(*settings, &writer, nullptr);
        auto *againList = again.findChild<QListWidget *>(QStringLiteral("tunnelList"));
        QCOMPARE(againList->count(), 2);
        againList->setCurrentRow(1);
        QTest::mouseClick(again.findChild<QPushButton *>(QStringLiteral("removeTunnel")), Qt::LeftButton);
        QCOMPARE(againList->count(), 1);
        QTest::mouseClick(again.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save), Qt::LeftButton);
        reread = resolveTunnelsWithConfig(file);
        QVERIFY(reread);
        QCOMPARE(reread->tunnels.size(), 1);
        QCOMPARE(reread->tunnels.first().tunnelName(), QStringLiteral("api"));
        QFile text(file);
        QVERIFY(text.open(QIODevice::ReadOnly));
        QVERIFY(!text.readAll().contains("[tunnel.web]"));
    }

    // Issue 16: the service-account key typed into the settings dialog lands in the real Secret
    // Service (the entry `telephone token key set` writes and the desktop app reads at start); from
    // then on only its prefix shows, in this dialog and the next; Forget removes it.
    void settingsDialogStoresTheServiceAccountKeyInTheKeychain()
    {
        REQUIRE_KEYCHAIN();
        const QString key = QStringLiteral("sa_live_abSECRETPART0123456789xyz");
        const QString entry = QLatin1String(KeychainSecretStore::ServiceAccountEntry);
        const auto readKeychain = [&entry](bool *found) { return readKeychainEntry(entry, found); };
        const auto noWidgetShows = [&key](const QWidget &window) { return noWidgetShowsKey(window, key); };
        const QString file = m_dir.filePath(QStringLiteral("sakey/telephone.ini"));
        writeFile(file, "");
        const auto settings = resolveWithConfig(file);
        QVERIFY(settings);
        ConfigWriter writer(file);
        {
            SettingsDialog dialog(*settings, &writer, nullptr);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            auto *edit = dialog.findChild<QLineEdit *>(QStringLiteral("serviceAccountKey"));
            auto *storeButton = dialog.findChild<QPushButton *>(QStringLiteral("storeServiceAccountKey"));
            auto *status = dialog.findChild<QLabel *>(QStringLiteral("serviceAccountKeyStatus"));
            QVERIFY(edit && storeButton && status);
            QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("No service-account key")), 15000);
            QCOMPARE(edit->echoMode(), QLineEdit::Password);

            // Not a key: said, nothing stored.
            typeInto(edit, QStringLiteral("eyJnotakey"));
            QTest::mouseClick(storeButton, Qt::LeftButton);
            QVERIFY2(status->text().contains(QStringLiteral("sa_live_")), qPrintable(status->text()));
            bool found = true;
            readKeychain(&found);
            QVERIFY(!found);

            typeInto(edit, key);
            QTest::mouseClick(storeButton, Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("sa_live_ab…")), 15000);
            QVERIFY(edit->text().isEmpty());
            QVERIFY(noWidgetShows(dialog));
        }
        bool found = false;
        QCOMPARE(readKeychain(&found), key.toUtf8());
        QVERIFY(found);

        // Reopened: the prefix only; Forget removes the entry.
        SettingsDialog again(*settings, &writer, nullptr);
        again.show();
        auto *status = again.findChild<QLabel *>(QStringLiteral("serviceAccountKeyStatus"));
        auto *forgetButton = again.findChild<QPushButton *>(QStringLiteral("forgetServiceAccountKey"));
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("sa_live_ab…")), 15000);
        QVERIFY(noWidgetShows(again));
        QTRY_VERIFY(forgetButton->isEnabled());
        QTest::mouseClick(forgetButton, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("No service-account key")), 15000);
        readKeychain(&found);
        QVERIFY(!found);
    }

    // Each tunnel's editor keeps that tunnel's key in its own keychain entry: storing and
    // forgetting one leaves the other tunnel's and the default tunnel's (the settings dialog's,
    // the entry from before there were several tunnels) as they were.
    void tunnelEditorStoresThatTunnelsKeyInItsOwnEntry()
    {
        REQUIRE_KEYCHAIN();
        const QString apiKey = QStringLiteral("sa_live_apAPISECRET0123456789abc");
        const QString webKey = QStringLiteral("sa_live_weWEBSECRET0123456789abc");
        const QString defaultKey = QStringLiteral("sa_live_deDEFAULTSECRET0123456789");
        const QString defaultEntry = QLatin1String(KeychainSecretStore::ServiceAccountEntry);
        const QString apiEntry = ServiceAccountKey::keychainEntry(QStringLiteral("api"));
        const QString webEntry = ServiceAccountKey::keychainEntry(QStringLiteral("web"));
        QVERIFY(apiEntry != defaultEntry && webEntry != defaultEntry && apiEntry != webEntry);
        {
            KeychainSecretStore keychain;
            QSignalSpy written(&keychain, &KeychainSecretStore::entryWritten);
            keychain.writeEntry(defaultEntry, defaultKey.toUtf8());
            QVERIFY(written.wait(15000));
        }
        // Stores `key` through the editor of tunnel `name`; the editor then shows only the prefix.
        const auto storeThroughEditor = [](const QString &name, const QString &key) {
            TunnelEditDialog editor({name, {}}, name, {}, QStringLiteral("wss://general.example"), QStringLiteral("3000"),
                                    nullptr);
            editor.show();
            QVERIFY(QTest::qWaitForWindowExposed(&editor));
            auto *field = editor.findChild<QWidget *>(QStringLiteral("tunnelServiceAccountKeyField"));
            QVERIFY(field);
            auto *edit = field->findChild<QLineEdit *>(QStringLiteral("serviceAccountKey"));
            auto *status = field->findChild<QLabel *>(QStringLiteral("serviceAccountKeyStatus"));
            QVERIFY(edit && status);
            QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("No service-account key")), 15000);
            QCOMPARE(edit->echoMode(), QLineEdit::Password);
            typeInto(edit, key);
            QTest::mouseClick(field->findChild<QPushButton *>(QStringLiteral("storeServiceAccountKey")), Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(ServiceAccountKey::shown(key)), 15000);
            QVERIFY(edit->text().isEmpty());
            QVERIFY(noWidgetShowsKey(editor, key));
        };
        storeThroughEditor(QStringLiteral("api"), apiKey);
        if (QTest::currentTestFailed())
            return;
        storeThroughEditor(QStringLiteral("web"), webKey);
        if (QTest::currentTestFailed())
            return;
        bool found = false;
        QCOMPARE(readKeychainEntry(apiEntry, &found), apiKey.toUtf8());
        QVERIFY(found);
        QCOMPARE(readKeychainEntry(webEntry, &found), webKey.toUtf8());
        QVERIFY(found);
        QCOMPARE(readKeychainEntry(defaultEntry, &found), defaultKey.toUtf8());
        QVERIFY(found);

        // Forget in api's editor: web's and the default tunnel's keys stay.
        {
            TunnelEditDialog editor({QStringLiteral("api"), {}}, QStringLiteral("api"), {}, QStringLiteral("wss://general.example"),
                                    QStringLiteral("3000"), nullptr);
            editor.show();
            auto *status = editor.findChild<QLabel *>(QStringLiteral("serviceAccountKeyStatus"));
            auto *forget = editor.findChild<QPushButton *>(QStringLiteral("forgetServiceAccountKey"));
            QVERIFY(status && forget);
            QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(ServiceAccountKey::shown(apiKey)), 15000);
            QVERIFY(!status->text().contains(ServiceAccountKey::shown(webKey)));
            QVERIFY(noWidgetShowsKey(editor, apiKey));
            QTRY_VERIFY(forget->isEnabled());
            QTest::mouseClick(forget, Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("No service-account key")), 15000);
        }
        readKeychainEntry(apiEntry, &found);
        QVERIFY(!found);
        QCOMPARE(readKeychainEntry(webEntry, &found), webKey.toUtf8());
        QVERIFY(found);
        QCOMPARE(readKeychainEntry(defaultEntry, &found), defaultKey.toUtf8());
        QVERIFY(found);

        // A tunnel being added (or added and not saved yet) is not in the file, so no entry: it says
        // how to give it a key.
        TunnelEditDialog adding({}, {}, {}, QStringLiteral("wss://general.example"), QStringLiteral("3000"), nullptr);
        QVERIFY(!adding.findChild<QWidget *>(QStringLiteral("tunnelServiceAccountKeyField")));
        QVERIFY(adding.findChild<QLabel *>(QStringLiteral("tunnelServiceAccountKeyLater")));

        for (const QString &entry : {webEntry, defaultEntry})
            QVERIFY(deleteKeychainEntry(entry));
    }

    // ---- settings dialog: tunnels' keys follow renames and removals ----

    // A tunnel renamed in the editor and saved keeps its key: it is under the new name's entry, and
    // the old entry is gone. A key stored in the editor while the name field says the new name is
    // stored under the name the file has, and moves with the tunnel on Save.
    void settingsDialogMovesARenamedTunnelsKey()
    {
        REQUIRE_KEYCHAIN();
        const QString oldEntry = ServiceAccountKey::keychainEntry(QStringLiteral("rn_old"));
        const QString newEntry = ServiceAccountKey::keychainEntry(QStringLiteral("rn_new"));
        const QString firstKey = QStringLiteral("sa_live_rnFIRSTSECRET0123456789ab");
        const QString typedKey = QStringLiteral("sa_live_rnTYPEDSECRET0123456789ab");
        QVERIFY(writeKeychainEntry(oldEntry, firstKey.toUtf8()));
        DialogOnFile on(m_dir.filePath(QStringLiteral("rename-key/telephone.ini")), "[tunnel.rn_old]\nbackend = 3001\n");
        QVERIFY(on.dialog);
        SettingsDialog &dialog = *on.dialog;
        auto *editor = openTunnelEditor(dialog, 0);
        QVERIFY(editor);
        auto *status = editor->findChild<QLabel *>(QStringLiteral("serviceAccountKeyStatus"));
        auto *moves = editor->findChild<QLabel *>(QStringLiteral("tunnelServiceAccountKeyMoves"));
        QVERIFY(status && moves);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(ServiceAccountKey::shown(firstKey)), 15000);
        QVERIFY(moves->isHidden());
        typeInto(editor->findChild<QLineEdit *>(QStringLiteral("tunnelName")), QStringLiteral("rn_new"));
        QVERIFY(!moves->isHidden());
        QVERIFY(moves->text().contains(QStringLiteral("rn_old")));
        typeInto(editor->findChild<QLineEdit *>(QStringLiteral("serviceAccountKey")), typedKey);
        QTest::mouseClick(editor->findChild<QPushButton *>(QStringLiteral("storeServiceAccountKey")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(ServiceAccountKey::shown(typedKey)), 15000);
        QTest::mouseClick(editor->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QTRY_VERIFY(!dialog.findChild<TunnelEditDialog *>());

        bool found = false;
        QCOMPARE(readKeychainEntry(oldEntry, &found), typedKey.toUtf8()); // nothing moves before Save
        QTest::mouseClick(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isVisible(), 20000);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(readKeychainEntry(newEntry, &found), typedKey.toUtf8());
        QVERIFY(found);
        readKeychainEntry(oldEntry, &found);
        QVERIFY(!found);
        const auto reread = resolveTunnelsWithConfig(on.file);
        QVERIFY(reread);
        QVERIFY(tunnelNamed(*reread, QStringLiteral("rn_new")) && !tunnelNamed(*reread, QStringLiteral("rn_old")));

        // Opened again, the editor shows the key under the new name.
        SettingsDialog again(*on.settings, &on.writer, nullptr);
        again.show();
        auto *againStatus = openTunnelEditor(again, 0)->findChild<QLabel *>(QStringLiteral("serviceAccountKeyStatus"));
        QTRY_VERIFY_WITH_TIMEOUT(againStatus->text().contains(ServiceAccountKey::shown(typedKey)), 15000);

        QVERIFY(deleteKeychainEntry(newEntry));
    }

    // A removed tunnel's key leaves the keychain with it on Save; the others' stay.
    void settingsDialogDeletesARemovedTunnelsKey()
    {
        REQUIRE_KEYCHAIN();
        const QString goneEntry = ServiceAccountKey::keychainEntry(QStringLiteral("rm_gone"));
        const QString keptEntry = ServiceAccountKey::keychainEntry(QStringLiteral("rm_kept"));
        const QString goneKey = QStringLiteral("sa_live_rmGONESECRET0123456789abc");
        const QString keptKey = QStringLiteral("sa_live_rmKEPTSECRET0123456789abc");
        QVERIFY(writeKeychainEntry(goneEntry, goneKey.toUtf8()));
        QVERIFY(writeKeychainEntry(keptEntry, keptKey.toUtf8()));
        DialogOnFile on(m_dir.filePath(QStringLiteral("remove-key/telephone.ini")),
                        "[tunnel.rm_kept]\nbackend = 3001\n\n[tunnel.rm_gone]\nbackend = 3002\n");
        QVERIFY(on.dialog);
        SettingsDialog &dialog = *on.dialog;
        auto *list = dialog.findChild<QListWidget *>(QStringLiteral("tunnelList"));
        QCOMPARE(list->count(), 2);
        const QList<QListWidgetItem *> gone = list->findItems(QStringLiteral("rm_gone"), Qt::MatchStartsWith);
        QCOMPARE(gone.size(), 1);
        list->setCurrentItem(gone.first());
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("removeTunnel")), Qt::LeftButton);
        QCOMPARE(list->count(), 1);
        QVERIFY(list->item(0)->text().startsWith(QStringLiteral("rm_kept")));
        QTest::mouseClick(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save), Qt::LeftButton);
        dialog.reject(); // Escape while the keychain works: the dialog waits to say how it went
        QVERIFY(dialog.isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isVisible(), 20000);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        bool found = true;
        readKeychainEntry(goneEntry, &found);
        QVERIFY(!found);
        QCOMPARE(readKeychainEntry(keptEntry, &found), keptKey.toUtf8());
        QVERIFY(found);

        QVERIFY(deleteKeychainEntry(keptEntry));
    }

    // Names traded between tunnels (a → b, b → a, the second edit of a renamed tunnel), a removed
    // tunnel and a new one under its name: every key ends up with its own tunnel, none is lost, the
    // removed tunnel's key does not pass to the new one.
    void settingsDialogKeepsKeysWithTunnelsThatTradeNames()
    {
        REQUIRE_KEYCHAIN();
        const auto entry = [](const char *name) { return ServiceAccountKey::keychainEntry(QLatin1String(name)); };
        const QString keyA = QStringLiteral("sa_live_swAAAASECRET0123456789abc");
        const QString keyB = QStringLiteral("sa_live_swBBBBSECRET0123456789abc");
        const QString keyC = QStringLiteral("sa_live_swCCCCSECRET0123456789abc");
        QVERIFY(writeKeychainEntry(entry("sw_a"), keyA.toUtf8()));
        QVERIFY(writeKeychainEntry(entry("sw_b"), keyB.toUtf8()));
        QVERIFY(writeKeychainEntry(entry("sw_c"), keyC.toUtf8()));
        DialogOnFile on(m_dir.filePath(QStringLiteral("swap-keys/telephone.ini")),
                        "[tunnel.sw_a]\nbackend = 3001\n\n[tunnel.sw_b]\nbackend = 3002\n\n[tunnel.sw_c]\nbackend = 3003\n");
        QVERIFY(on.dialog);
        SettingsDialog &dialog = *on.dialog;
        auto *list = dialog.findChild<QListWidget *>(QStringLiteral("tunnelList"));
        const auto rowOf = [list](const QString &name) {
            const QList<QListWidgetItem *> items = list->findItems(name + QLatin1Char(' '), Qt::MatchStartsWith);
            return items.size() == 1 ? list->row(items.first()) : -1;
        };
        // Renames the tunnel now called `from` in its editor; the editor's key field shows `key`.
        const auto rename = [&](const QString &from, const QString &to, const QString &key) {
            const int row = rowOf(from);
            QVERIFY(row >= 0);
            TunnelEditDialog *editor = openTunnelEditor(dialog, row);
            QVERIFY(editor);
            auto *status = editor->findChild<QLabel *>(QStringLiteral("serviceAccountKeyStatus"));
            QVERIFY(status);
            QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(ServiceAccountKey::shown(key)), 15000);
            typeInto(editor->findChild<QLineEdit *>(QStringLiteral("tunnelName")), to);
            QTest::mouseClick(editor->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
            QTRY_VERIFY(!dialog.findChild<TunnelEditDialog *>());
        };
        rename(QStringLiteral("sw_a"), QStringLiteral("sw_t"), keyA);
        rename(QStringLiteral("sw_b"), QStringLiteral("sw_a"), keyB);
        rename(QStringLiteral("sw_t"), QStringLiteral("sw_b"), keyA); // still the key under its saved name
        if (QTest::currentTestFailed())
            return;
        list->setCurrentRow(rowOf(QStringLiteral("sw_c")));
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("removeTunnel")), Qt::LeftButton);
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("addTunnel")), Qt::LeftButton);
        auto *adding = dialog.findChild<TunnelEditDialog *>();
        QVERIFY(adding);
        typeInto(adding->findChild<QLineEdit *>(QStringLiteral("tunnelName")), QStringLiteral("sw_c"));
        QTest::mouseClick(adding->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QTRY_VERIFY(!dialog.findChild<TunnelEditDialog *>());
        // Added, not saved: no key field yet (its entry is still the removed tunnel's).
        TunnelEditDialog *unsaved = openTunnelEditor(dialog, rowOf(QStringLiteral("sw_c")));
        QVERIFY(unsaved);
        QVERIFY(!unsaved->findChild<QWidget *>(QStringLiteral("tunnelServiceAccountKeyField")));
        QVERIFY(unsaved->findChild<QLabel *>(QStringLiteral("tunnelServiceAccountKeyLater")));
        unsaved->reject();
        QTRY_VERIFY(!dialog.findChild<TunnelEditDialog *>());

        QTest::mouseClick(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isVisible(), 30000);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        bool found = false;
        QCOMPARE(readKeychainEntry(entry("sw_a"), &found), keyB.toUtf8());
        QVERIFY(found);
        QCOMPARE(readKeychainEntry(entry("sw_b"), &found), keyA.toUtf8());
        QVERIFY(found);
        readKeychainEntry(entry("sw_c"), &found);
        QVERIFY(!found);
        readKeychainEntry(entry("sw_t"), &found);
        QVERIFY(!found);
        QVERIFY(deleteKeychainEntry(entry("sw_a")));
        QVERIFY(deleteKeychainEntry(entry("sw_b")));
    }

    // Without a Secret Service at Save (no session bus), the dialog says which key stayed where,
    // the config file has the new name all the same, and the key is still under the old entry.
    void settingsDialogSaysWhenTheKeychainCannotMoveAKey()
    {
        REQUIRE_KEYCHAIN();
        const QString oldEntry = ServiceAccountKey::keychainEntry(QStringLiteral("nk_old"));
        const QString newEntry = ServiceAccountKey::keychainEntry(QStringLiteral("nk_new"));
        const QString key = QStringLiteral("sa_live_nkSECRET0123456789abcdefg");
        QVERIFY(writeKeychainEntry(oldEntry, key.toUtf8()));
        DialogOnFile on(m_dir.filePath(QStringLiteral("nokeychain/telephone.ini")), "[tunnel.nk_old]\nbackend = 3001\n");
        QVERIFY(on.dialog);
        SettingsDialog &dialog = *on.dialog;
        auto *editor = openTunnelEditor(dialog, 0);
        QVERIFY(editor);
        typeInto(editor->findChild<QLineEdit *>(QStringLiteral("tunnelName")), QStringLiteral("nk_new"));
        QTest::mouseClick(editor->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QTRY_VERIFY(!dialog.findChild<TunnelEditDialog *>());

        const QByteArray bus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
        const QByteArray runtime = qgetenv("XDG_RUNTIME_DIR");
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        qunsetenv("XDG_RUNTIME_DIR");
        auto *message = dialog.findChild<QLabel *>(QStringLiteral("settingsMessage"));
        QTest::mouseClick(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(message->text().contains(QStringLiteral("could not be moved")), 15000);
        qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
        qputenv("XDG_RUNTIME_DIR", runtime);
        QVERIFY2(message->text().contains(QStringLiteral("\"nk_old\"")) && message->text().contains(QStringLiteral("\"nk_new\""))
                     && message->text().contains(QStringLiteral("D-Bus")),
                 qPrintable(message->text()));
        QVERIFY(dialog.isVisible());
        QVERIFY(noWidgetShowsKey(dialog, key));

        const auto reread = resolveTunnelsWithConfig(on.file);
        QVERIFY(reread);
        QVERIFY(tunnelNamed(*reread, QStringLiteral("nk_new")) && !tunnelNamed(*reread, QStringLiteral("nk_old")));
        bool found = false;
        QCOMPARE(readKeychainEntry(oldEntry, &found), key.toUtf8());
        QVERIFY(found);
        readKeychainEntry(newEntry, &found);
        QVERIFY(!found);

        QVERIFY(deleteKeychainEntry(oldEntry));
    }

    // ---- autostart ----

    void autostartEntry()
    {
        Autostart autostart(QStringLiteral("/opt/my apps/telephone"), {QStringLiteral("--config"), QStringLiteral("/home/u/$weird \"dir\"/t.ini")});
        // Test mode: ~/.qttest/config, never the user's real autostart folder.
        QVERIFY(Autostart::entryPath().contains(QStringLiteral("/.qttest/")));
        QVERIFY(!autostart.isEnabled());
        QString error;
        QVERIFY2(autostart.setEnabled(true, &error), qPrintable(error));
        QVERIFY(autostart.isEnabled());
        QFile entry(Autostart::entryPath());
        QVERIFY(entry.open(QIODevice::ReadOnly));
        const QByteArray text = entry.readAll();
        QVERIFY(text.startsWith("[Desktop Entry]\n"));
        QVERIFY(text.contains("Type=Application\n"));
        QVERIFY2(text.contains("Exec=\"/opt/my apps/telephone\" --config \"/home/u/\\\\$weird \\\\\"dir\\\\\"/t.ini\"\n"),
                 text.constData());
        QVERIFY2(autostart.setEnabled(false, &error), qPrintable(error));
        QVERIFY(!QFile::exists(Autostart::entryPath()));
        QVERIFY(!autostart.isEnabled());
        QCOMPARE(Autostart::execQuote(QStringLiteral("/usr/bin/telephone")), QStringLiteral("/usr/bin/telephone"));
        QCOMPARE(Autostart::execQuote(QStringLiteral("100%")), QStringLiteral("100%%"));
    }

    // ---- settings dialog ----

    void settingsDialogSavesWhatChanged()
    {
        const QString file = m_dir.filePath(QStringLiteral("dialog/telephone.ini"));
        QVERIFY(QDir().mkpath(QFileInfo(file).absolutePath()));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("server=wss://old.example\nrequest-timeout=20\n");
        }
        const auto settings = resolveWithConfig(file);
        QVERIFY(settings);
        ConfigWriter writer(file);
        Autostart autostart(QStringLiteral("/usr/bin/telephone"));
        SettingsDialog dialog(*settings, &writer, &autostart);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(!dialog.windowTitle().isEmpty());

        auto *server = dialog.findChild<QLineEdit *>(QStringLiteral("server"));
        auto *backend = dialog.findChild<QLineEdit *>(QStringLiteral("backend"));
        auto *startAtLogin = dialog.findChild<QCheckBox *>(QStringLiteral("startAtLogin"));
        auto *notifications = dialog.findChild<QCheckBox *>(QStringLiteral("notifications"));
        auto *iconStyle = dialog.findChild<QComboBox *>(QStringLiteral("iconStyle"));
        auto *language = dialog.findChild<QComboBox *>(QStringLiteral("language"));
        auto *message = dialog.findChild<QLabel *>(QStringLiteral("settingsMessage"));
        auto *buttons = dialog.findChild<QDialogButtonBox *>();
        QVERIFY(server && backend && startAtLogin && notifications && iconStyle && language && message && buttons);
        QPushButton *save = buttons->button(QDialogButtonBox::Save);
        QCOMPARE(server->text(), QStringLiteral("wss://old.example"));
        QVERIFY(notifications->isChecked());
        QVERIFY(dialog.changes().isEmpty());

        // A bad backend is explained in words and blocks Save.
        typeInto(backend, QStringLiteral("ftp://nope"));
        QVERIFY(!save->isEnabled());
        QVERIFY(message->text().startsWith(QStringLiteral("Backend:")));
        typeInto(backend, QStringLiteral("3000"));
        QVERIFY(save->isEnabled());
        QVERIFY(message->text().isEmpty());

        typeInto(server, QStringLiteral("https://new.example"));
        QTest::mouseClick(notifications, Qt::LeftButton, {}, QPoint(5, notifications->height() / 2));
        iconStyle->setCurrentIndex(iconStyle->findData(QStringLiteral("light")));
        language->setCurrentIndex(language->findData(QStringLiteral("de")));
        QTest::mouseClick(startAtLogin, Qt::LeftButton, {}, QPoint(5, startAtLogin->height() / 2));

        QSignalSpy saved(&dialog, &SettingsDialog::saved);
        QTest::mouseClick(save, Qt::LeftButton);
        QCOMPARE(saved.count(), 1);
        const auto changes = saved.at(0).at(0).value<QHash<QString, QString>>();
        QCOMPARE(changes.value(QStringLiteral("icon-style")), QStringLiteral("light"));
        QVERIFY(!changes.contains(QStringLiteral("start-hidden"))); // untouched: not written
        QVERIFY(autostart.isEnabled());

        const auto reread = resolveWithConfig(file);
        QVERIFY(reread);
        QCOMPARE(reread->serverUrl(), QUrl(QStringLiteral("wss://new.example/socket/websocket")));
        QCOMPARE(reread->backendUrl(), QUrl(QStringLiteral("http://127.0.0.1:3000")));
        QVERIFY(!reread->notifications());
        QCOMPARE(reread->iconStyle(), QStringLiteral("light"));
        QCOMPARE(reread->language(), QStringLiteral("de"));
        QCOMPARE(reread->requestTimeout(), 20000ms); // unrelated key kept
        QVERIFY(ConfigWriter(file).storedValue(QStringLiteral("start-hidden")).isNull());

        // Opened again (same run, same resolved settings): it shows what the file now holds.
        SettingsDialog again(*settings, &writer, &autostart);
        QCOMPARE(again.findChild<QLineEdit *>(QStringLiteral("server"))->text(), QStringLiteral("https://new.example"));
        QVERIFY(!again.findChild<QCheckBox *>(QStringLiteral("notifications"))->isChecked());
        QVERIFY(again.findChild<QCheckBox *>(QStringLiteral("startAtLogin"))->isChecked());
        QString error;
        QVERIFY(autostart.setEnabled(false, &error));
    }

    void settingsDialogNotesEnvironmentOverride()
    {
        const QString file = m_dir.filePath(QStringLiteral("env/telephone.ini"));
        QVERIFY(QDir().mkpath(QFileInfo(file).absolutePath()));
        QFile(file).open(QIODevice::WriteOnly); // a file named by --config must exist
        QProcessEnvironment env;
        env.insert(QStringLiteral("TELEPHONE_SERVER"), QStringLiteral("wss://from-env.example"));
        const auto settings = resolveWithConfig(file, env);
        QVERIFY(settings);
        ConfigWriter writer(file);
        SettingsDialog dialog(*settings, &writer, nullptr);
        auto *server = dialog.findChild<QLineEdit *>(QStringLiteral("server"));
        QCOMPARE(server->text(), QStringLiteral("wss://from-env.example"));
        QVERIFY(server->toolTip().contains(QStringLiteral("TELEPHONE_SERVER")));
        QVERIFY(!dialog.findChild<QCheckBox *>(QStringLiteral("startAtLogin"))->isEnabled());
    }
};

QTEST_MAIN(TestUiDialogs)
#include "test_ui_dialogs.moc"

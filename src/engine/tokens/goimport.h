#pragma once

#include "tokens/tokenchooser.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace telephone {

/// Reads the token database of the earlier Go client, so that people switching keep their
/// refreshed token. Its format: table `tokens (id, encrypted_token TEXT, expires_at, updated_at,
/// created_at)`; each token is base64(nonce ‖ ciphertext ‖ tag) of AES-256-GCM without associated
/// data, under the key PBKDF2-HMAC-SHA256(SECRET_KEY_BASE, "telephone-token-encryption-v1",
/// 100,000 iterations, 32 bytes). The database does not record the server or the mount: the mount
/// comes from each token's path_id claim, the server from the caller.
///
/// The file is opened read-only and never changed. A plain function; any thread (it opens and
/// removes its own connection).
struct GoImport {
    static constexpr const char *Salt = "telephone-token-encryption-v1";
    static constexpr int Iterations = 100000;

    struct Result {
        QList<TokenCandidate> tokens; ///< decrypted and unexpired, source Imported
        QStringList problems;         ///< rows skipped, and why
        int rows = 0;                 ///< rows in the file
        QString error;                ///< the file could not be read at all
    };

    static Result read(const QString &file, const QByteArray &secretKeyBase, qint64 nowSecs);
    static QByteArray deriveKey(const QByteArray &secretKeyBase, QString *error);
};

} // namespace telephone

#pragma once

#include <QString>

namespace telephone {

/// Loads the user-interface language: Telephone's own strings (the .qm files embedded under
/// :/i18n) and Qt's (standard buttons), from the language setting or else the system's languages.
class Translations
{
public:
    /// `language` is the language setting ("de", "en"; empty follows the system). Returns the
    /// language loaded for Telephone's strings, empty for the English source text.
    static QString install(const QString &language);
};

} // namespace telephone

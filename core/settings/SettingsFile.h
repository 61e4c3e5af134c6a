#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace soundlab {

// The settings file as GET/PUT /api/settings and the GUI's Settings view see and edit it
// (docs/install.md "Settings").
struct SettingsFileContext {
    QStringList arguments;  // the running program's argv: the origins are those of a start
                            // with the same command line
    QString filePath;       // the file it reads (--config, else the default path)
};

// {"file", "exists", "error" (the file's or the command line's problem, else null),
//  "settings": [{"key": "api/port", "section", "name", "file_value" (string or null),
//                "value" (in effect at the next start), "origin", "switch", "list"}]}
QJsonObject settingsDocument(const SettingsFileContext& context);

struct SettingsSaveError {
    QString key;  // "api/port"; empty when the problem is not one key's
    QString message;
};

// Sets the file's values from `patch` ({"api/port": 9000, "audio/device": null (removes the
// key), "api/cors-origin": ["http://a", "http://b"]}). The new file is checked exactly as a
// start would read it (same messages: the key, the value, what is valid); only a valid file
// replaces the old one, atomically (write-then-rename). Other lines and comments stay.
std::optional<SettingsSaveError> saveSettings(const SettingsFileContext& context,
                                              const QJsonObject& patch);

}  // namespace soundlab

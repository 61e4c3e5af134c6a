#pragma once

#include <QCommandLineParser>
#include <QList>
#include <QProcessEnvironment>
#include <QSettings>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>
#include <span>

namespace soundlab {

struct AppOptions;

// One persistent setting: a long flag of the command line that the settings file and the
// environment may also give (issue 16, docs/install.md "Settings").
struct PersistentSetting {
    const char* flag;     // "sample-rate": the command line's --sample-rate
    const char* section;  // "audio": the file's key is "audio/sample-rate"
    // The value in effect, as --print-config shows it.
    QString (*effective)(const AppOptions&);
    bool isSwitch = false;    // a flag without a value (true/false in the file)
    bool repeatable = false;  // may be given more than once (a list in the file)

    QString fileKey() const;
    // SOUNDLAB_SAMPLE_RATE
    QString environmentName() const;
};

// Every persistent setting, in the order --print-config prints them.
std::span<const PersistentSetting> persistentSettings();

// Where each setting's value comes from: the command line, then the environment (SOUNDLAB_*),
// then the settings file, then the built-in default.
class SettingSources {
public:
    // A value and where it came from ("command line", "environment SOUNDLAB_PORT",
    // "/home/me/.config/soundlab/soundlab.conf").
    struct Value {
        QStringList values;  // one, except for repeatable settings
        QString origin;
        // How messages name it: "--port", "SOUNDLAB_PORT" or "api/port".
        QString name;
        QString text() const { return values.isEmpty() ? QString() : values.last(); }
        // For messages: "--port '70000'", "api/port '70000' in /etc/soundlab/soundlab.conf".
        QString quoted() const;
    };

    // `filePath` may name a missing file (then it gives nothing).
    SettingSources(const QCommandLineParser& parser, QProcessEnvironment environment,
                   QString filePath);

    // A problem with the file itself (unreadable, bad syntax, unknown keys); empty when fine.
    QString fileError() const { return fileError_; }
    QString filePath() const { return filePath_; }

    std::optional<Value> find(const PersistentSetting& setting) const;
    // For a switch: its value, or an error naming where a bad one came from.
    std::optional<bool> isOn(const PersistentSetting& setting, QString* error) const;

private:
    const QCommandLineParser& parser_;
    QProcessEnvironment environment_;
    QString filePath_;
    std::unique_ptr<QSettings> file_;
    QString fileError_;
};

// The settings file used without --config: $XDG_CONFIG_HOME/soundlab/soundlab.conf
// (~/.config/soundlab/soundlab.conf).
QString defaultSettingsPath();

// A persistent setting's value in effect and where it came from.
struct SettingInEffect {
    const PersistentSetting* setting = nullptr;  // into persistentSettings(): static
    QString value;                               // as --print-config shows it
    QString origin;  // "command line", "environment SOUNDLAB_PORT", the file's path, "default"
};
QList<SettingInEffect> settingsInEffect(const AppOptions& options, const SettingSources& sources);

// --print-config's text: every persistent setting's value in effect and where it came from.
QString describeSettings(const QString& filePath, const QList<SettingInEffect>& settings);

}  // namespace soundlab

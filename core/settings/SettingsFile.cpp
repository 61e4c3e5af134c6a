#include "settings/SettingsFile.h"

#include "settings/CommandLine.h"
#include "settings/Settings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTemporaryFile>

namespace soundlab {

namespace {

const PersistentSetting* findSetting(const QString& key) {
    for (const PersistentSetting& s : persistentSettings())
        if (s.fileKey() == key) return &s;
    return nullptr;
}

// Only the file decides: the caller's SOUNDLAB_* variables must not mask or break its values.
QProcessEnvironment withoutSoundlabVariables() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString& name : env.keys())
        if (name.startsWith(QLatin1String("SOUNDLAB_"))) env.remove(name);
    return env;
}

// A value as QSettings' INI reader takes it back: quoted when it holds what INI would split or
// drop (a comma would make a list, a ';' a comment).
QString iniValue(const QString& value) {
    static const QRegularExpression special(QStringLiteral("[,;\"\\\\=#]|^\\s|\\s$"));
    if (!value.contains(special)) return value;
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

// The new value of `key` from a JSON patch value; nullopt: remove the key.
std::optional<QString> patchText(const PersistentSetting& s, const QJsonValue& v, QString* error) {
    switch (v.type()) {
        case QJsonValue::Null:
            return std::nullopt;
        case QJsonValue::Bool:
            return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        case QJsonValue::Double:
            return QString::number(v.toDouble(), 'g', 12);
        case QJsonValue::String:
            return s.repeatable ? v.toString() : iniValue(v.toString());
        case QJsonValue::Array:
            if (s.repeatable) {
                QStringList items;
                for (const QJsonValue& item : v.toArray()) items << iniValue(item.toString());
                return items.join(QStringLiteral(", "));
            }
            [[fallthrough]];
        default:
            *error = QStringLiteral("%1 must be a string, a number, true/false or null")
                         .arg(s.fileKey());
            return QString();
    }
}

// `lines` with `name` in `[section]` set to `text` (or removed), everything else as it was.
void editIni(QStringList& lines, const QString& section, const QString& name,
             const std::optional<QString>& text) {
    static const QRegularExpression header(QStringLiteral("^\\s*\\[([^\\]]*)\\]\\s*$"));
    const QRegularExpression keyLine(
        QStringLiteral("^\\s*%1\\s*=").arg(QRegularExpression::escape(name)));
    qsizetype sectionStart = -1, sectionEnd = lines.size(), found = -1;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const auto m = header.match(lines[i]);
        if (m.hasMatch()) {
            if (sectionStart >= 0) {
                sectionEnd = i;
                break;
            }
            if (m.captured(1).trimmed() == section) sectionStart = i;
        } else if (sectionStart >= 0 && keyLine.match(lines[i]).hasMatch()) {
            found = i;
        }
    }
    const QString line = text ? QStringLiteral("%1=%2").arg(name, *text) : QString();
    if (found >= 0) {
        if (text)
            lines[found] = line;
        else
            lines.removeAt(found);
        return;
    }
    if (!text) return;
    if (sectionStart < 0) {
        if (!lines.isEmpty() && !lines.last().trimmed().isEmpty()) lines << QString();
        lines << QStringLiteral("[%1]").arg(section) << line;
        return;
    }
    // After the section's last non-blank line.
    qsizetype at = sectionEnd;
    while (at - 1 > sectionStart && lines[at - 1].trimmed().isEmpty()) --at;
    lines.insert(at, line);
}

}  // namespace

QJsonObject settingsDocument(const SettingsFileContext& context) {
    QStringList arguments =
        context.arguments.isEmpty() ? QStringList{QStringLiteral("soundlab")} : context.arguments;
    const bool exists = QFileInfo::exists(context.filePath);
    // This file, whatever --config the arguments name (the last --config wins).
    if (exists) arguments << QStringLiteral("--config") << context.filePath;
    const ParsedCommandLine parsed = parseCommandLine(arguments);
    QSettings file(context.filePath, QSettings::IniFormat);

    QJsonArray settings;
    for (const PersistentSetting& s : persistentSettings()) {
        QJsonObject entry{{QStringLiteral("key"), s.fileKey()},
                          {QStringLiteral("section"), QString::fromLatin1(s.section)},
                          {QStringLiteral("name"), QString::fromLatin1(s.flag)},
                          {QStringLiteral("switch"), s.isSwitch},
                          {QStringLiteral("list"), s.repeatable}};
        QJsonValue fileValue = QJsonValue::Null;
        if (exists && file.contains(s.fileKey())) {
            QStringList values = file.value(s.fileKey()).toStringList();
            fileValue = values.join(s.repeatable ? QStringLiteral(", ") : QStringLiteral(","));
        }
        entry.insert(QStringLiteral("file_value"), fileValue);
        entry.insert(QStringLiteral("value"), QJsonValue::Null);
        entry.insert(QStringLiteral("origin"), QJsonValue::Null);
        if (parsed.options)
            for (const SettingInEffect& e : parsed.options->settingsInEffect)
                if (e.setting == &s) {
                    entry.insert(QStringLiteral("value"), e.value);
                    entry.insert(QStringLiteral("origin"), e.origin);
                }
        settings.append(entry);
    }
    return {{QStringLiteral("file"), context.filePath},
            {QStringLiteral("exists"), exists},
            {QStringLiteral("error"),
             parsed.options ? QJsonValue::Null
                            : QJsonValue(parsed.message.section(QLatin1Char('\n'), 0, 0))},
            {QStringLiteral("settings"), settings}};
}

std::optional<SettingsSaveError> saveSettings(const SettingsFileContext& context,
                                              const QJsonObject& patch) {
    if (patch.isEmpty()) return SettingsSaveError{{}, QStringLiteral("nothing to change")};
    QStringList lines;
    if (QFileInfo::exists(context.filePath)) {
        QFile old(context.filePath);
        if (!old.open(QIODevice::ReadOnly | QIODevice::Text))
            return SettingsSaveError{
                {}, QStringLiteral("cannot read %1: %2").arg(context.filePath, old.errorString())};
        lines = QString::fromUtf8(old.readAll()).split(QLatin1Char('\n'));
        if (!lines.isEmpty() && lines.last().isEmpty()) lines.removeLast();
    }
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        const PersistentSetting* s = findSetting(it.key());
        if (!s)
            return SettingsSaveError{it.key(),
                                     QStringLiteral("unknown setting '%1'").arg(it.key())};
        QString error;
        const std::optional<QString> text = patchText(*s, it.value(), &error);
        if (!error.isEmpty()) return SettingsSaveError{it.key(), error};
        editIni(lines, QString::fromLatin1(s->section), QString::fromLatin1(s->flag), text);
    }
    const QByteArray content = (lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8();

    // Check the candidate as a start would read it, with no command line and no SOUNDLAB_*.
    const QString dir = QFileInfo(context.filePath).absolutePath();
    if (!QDir().mkpath(dir))
        return SettingsSaveError{{}, QStringLiteral("cannot create the directory %1").arg(dir)};
    QTemporaryFile candidate(dir + QStringLiteral("/.soundlab.conf.XXXXXX"));
    if (!candidate.open() || candidate.write(content) != content.size() || !candidate.flush())
        return SettingsSaveError{
            {}, QStringLiteral("cannot write in %1: %2").arg(dir, candidate.errorString())};
    const ParsedCommandLine check = parseCommandLine(
        {QStringLiteral("soundlab"), QStringLiteral("--config"), candidate.fileName()},
        withoutSoundlabVariables());
    if (!check.options) {
        QString message = check.message.section(QLatin1Char('\n'), 0, 0);
        message.remove(QRegularExpression(QStringLiteral("^soundlab: ")));
        message.replace(candidate.fileName(), context.filePath);
        QString key;
        for (auto it = patch.begin(); it != patch.end() && key.isEmpty(); ++it)
            if (message.contains(it.key())) key = it.key();
        return SettingsSaveError{key, message};
    }

    QSaveFile file(context.filePath);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size() || !file.commit())
        return SettingsSaveError{
            {}, QStringLiteral("cannot write %1: %2").arg(context.filePath, file.errorString())};
    return std::nullopt;
}

}  // namespace soundlab
